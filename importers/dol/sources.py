"""Where DOL dataset rows come from: CSV files named, found in folders, or inside zip archives,
read a line at a time (never a whole file), each row with the line it starts on."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from importers.files import iter_documents

_DATASET_NAME = re.compile(r"f_[a-z0-9_]*\.csv", re.IGNORECASE)
_SNIFF = 64


@dataclass(frozen=True, slots=True)
class Source:
    """One CSV file: `name` as the user gave it, a zip member as "archive.zip!member.csv"."""

    name: str
    path: Path
    member: str | None = None

    def open(self) -> IO[bytes]:
        if self.member is None:
            return open(self.path, "rb")
        archive = zipfile.ZipFile(self.path)
        return _Closing(archive.open(self.member), archive)


class _Closing(io.BufferedReader):
    """A zip member that closes its archive with it."""

    def __init__(self, raw: IO[bytes], archive: zipfile.ZipFile) -> None:
        super().__init__(raw)  # type: ignore[arg-type]
        self._archive = archive

    def close(self) -> None:
        super().close()
        self._archive.close()


class SourceError(Exception):
    def __init__(self, name: str, reason: str, line: int | None = None) -> None:
        super().__init__(f"{name}:{line}: {reason}" if line else f"{name}: {reason}")
        self.name, self.reason, self.line = name, reason, line


def is_dataset(path: Path) -> bool:
    """A DOL dataset by its name (F_SCH_H_2023.csv), or a CSV whose first row starts with ACK_ID,
    or a zip archive holding a CSV. Only regular files are looked into (a FIFO is never opened)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".zip") or not path.is_file():
        return False
    try:
        if suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                return any(_csv_member(m) for m in archive.namelist())
        if _DATASET_NAME.fullmatch(path.name):
            return True
        with open(path, "rb") as f:
            return _starts_with_ack_id(f.read(_SNIFF))
    except (OSError, zipfile.BadZipFile):
        return False


def _csv_member(name: str) -> bool:
    return name.lower().endswith(".csv") and not name.rsplit("/", 1)[-1].startswith(".")


def _starts_with_ack_id(head: bytes) -> bool:
    return head.removeprefix(codecs.BOM_UTF8).lstrip(b'"').upper().startswith(b"ACK_ID")


def expand(paths: Iterable[Path], display) -> list[Source]:
    """Each CSV as itself, each zip as its CSV members (sorted), each folder as the datasets in it."""
    found = []
    for path in paths:
        if path.is_dir():
            found += expand([p for p in iter_documents([path]) if is_dataset(p)], display)
            continue
        name = display(path)
        if path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    members = sorted(m for m in archive.namelist() if _csv_member(m))
            except (OSError, zipfile.BadZipFile) as e:
                raise SourceError(name, f"cannot read the zip archive: {e}") from None
            found += [Source(f"{name}!{m}", path, m) for m in members]
        else:
            found.append(Source(name, path))
    return found


def _decoded(lines: Iterable[bytes]) -> Iterator[str]:
    """UTF-8 (a BOM dropped), or where a line is not UTF-8, Windows-1252 as the DOL's older files
    are written (Latin-1 for the five bytes cp1252 leaves undefined)."""
    first = True
    for raw in lines:
        if first:
            raw, first = raw.removeprefix(codecs.BOM_UTF8), False
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                yield raw.decode("cp1252")
            except UnicodeDecodeError:
                yield raw.decode("latin-1")


class Rows:
    """A source's header and its rows, each as (line it starts on, cells). Use as a context
    manager; a CSV the csv module cannot read raises SourceError naming the line."""

    def __init__(self, source: Source) -> None:
        self.source = source
        try:
            self._file = source.open()
        except (OSError, zipfile.BadZipFile, KeyError) as e:
            raise SourceError(source.name, f"cannot read: {getattr(e, 'strerror', None) or e}") from None
        self._reader = csv.reader(_decoded(self._file))
        try:
            first = next(self._reader, None)
        except csv.Error as e:
            self.close()
            raise SourceError(source.name, f"not a readable CSV file: {e}", 1) from None
        self.header = [c.strip().upper() for c in first] if first else []

    def __enter__(self) -> Rows:
        return self

    def __exit__(self, *_) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        reader = self._reader
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader, None)
            except (csv.Error, OSError, zipfile.BadZipFile) as e:
                raise SourceError(self.source.name, f"not a readable CSV row: {e}", start) from None
            if cells is None:
                return
            if cells:
                yield start, cells
