"""Joining a filing's rows across datasets on ACK_ID, without holding a dataset in memory.

The schedules (F_SCH_H, F_SCH_I, F_SCH_G_PART3) are staged first in a temporary SQLite file,
keyed by ACK_ID, keeping only the columns read. The forms (F_5500, F_5500_SF) are then streamed
in file order and joined to their staged schedules a block of rows per indexed look-up; a schedule
row no form row claimed is reported at the end. SQLite rather than a dict: a year of schedules
is millions of rows, and its page cache is bounded (a few MiB) whatever the input's size.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from itertools import islice
from dataclasses import dataclass
from pathlib import Path

import msgspec

from importers.dol.layouts import READ, Layout, form_year, missing, recognise
from importers.dol.sources import Rows, Source, SourceError
from importers.dol.wanted import WANTED

FORMS = ("F_5500", "F_5500_SF")
SCHEDULES = ("F_SCH_H", "F_SCH_I", "F_SCH_G_PART3")


class Row(msgspec.Struct, frozen=True, array_like=True):
    """One dataset row as read: where it is, which dataset, and its non-empty cells read."""

    document: str
    line: int
    dataset: str
    form_year: int
    cells: dict[str, str]
    problem: str = ""  # a row that cannot be read (too few cells): the filing is rejected with it


class Joined(msgspec.Struct, frozen=True, array_like=True):
    ack_id: str
    form: Row
    schedules: list[Row]


class Orphan(msgspec.Struct, frozen=True):
    """A schedule row whose filing (ACK_ID) is in no form file of this import."""

    row: Row
    ack_id: str


@dataclass(frozen=True, slots=True)
class Dataset:
    source: Source
    layout: Layout
    form_year: int


@dataclass(frozen=True, slots=True)
class Survey:
    """What an import's files are: the datasets read, the others recognised and left, and the
    files that cannot be imported (a missing column, an unknown header), each with its reason."""

    read: list[Dataset]
    ignored: list[tuple[Source, str]]
    refused: list[SourceError]


def survey(sources: Iterable[Source]) -> Survey:
    """Read every file's header, nothing more."""
    read, ignored, refused = [], [], []
    for source in sources:
        try:
            with Rows(source) as rows:
                header = rows.header
        except SourceError as e:
            refused.append(e)
            continue
        layout = recognise(header)
        if layout is None:
            refused.append(SourceError(source.name, "not a Form 5500 dataset this reader knows (the header matches no DOL layout)", 1))
        elif layout.dataset not in READ:
            ignored.append((source, f"{layout.dataset}: a dataset planledger does not import"))
        elif gone := missing(layout, header):
            refused.append(SourceError(source.name, f"missing column {', '.join(gone)}", 1))
        else:
            read.append(Dataset(source, layout, form_year(source.name, layout)))
    return Survey(read, ignored, refused)


def rows_of(dataset: Dataset) -> Iterator[tuple[str, Row]]:
    """(ACK_ID, row) for every row, keeping only the cells the importer reads."""
    name, kind, year = dataset.source.name, dataset.layout.dataset, dataset.form_year
    with Rows(dataset.source) as rows:
        wanted = WANTED[kind]
        width = len(rows.header)
        positions = [(i, c) for i, c in enumerate(rows.header) if c in wanted]
        for line, cells in rows:
            ack_id = cells[0].strip()
            if len(cells) != width:
                yield ack_id, Row(name, line, kind, year, {}, f"{len(cells)} cells where the header names {width}")
                continue
            yield ack_id, Row(name, line, kind, year, {c: v for i, c in positions if (v := cells[i])})


class Staging:
    """The schedules of one import, staged in a temporary SQLite file (deleted on close)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._db = sqlite3.connect(str(folder / "dol-staging.sqlite3") if folder else "")
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("PRAGMA cache_size = -16384")  # 16 MiB
        self._db.execute("CREATE TABLE staged (ack_id TEXT NOT NULL, row BLOB NOT NULL)")
        self._encode = msgspec.msgpack.Encoder().encode
        self._decode = msgspec.msgpack.Decoder(Row).decode

    def stage(self, datasets: Iterable[Dataset], chunk: int = 5000) -> None:
        insert = "INSERT INTO staged VALUES (?, ?)"
        for dataset in datasets:
            pending = []
            for ack_id, row in rows_of(dataset):
                pending.append((ack_id, self._encode(row)))
                if len(pending) >= chunk:
                    self._db.executemany(insert, pending)
                    pending = []
            self._db.executemany(insert, pending)
        self._db.execute("CREATE INDEX staged_ack ON staged (ack_id)")
        self._db.commit()

    def take(self, ack_ids: list[str]) -> dict[str, list[Row]]:
        """The staged rows of these filings, each filing's in the order of (dataset, file, line),
        removed so that what is left at the end is orphaned: one statement for the lot."""
        marks = ", ".join("?" * len(ack_ids))
        found: dict[str, list[Row]] = {}
        for ack_id, row in self._db.execute(f"DELETE FROM staged WHERE ack_id IN ({marks}) RETURNING ack_id, row", ack_ids):
            found.setdefault(ack_id, []).append(self._decode(row))
        for rows in found.values():
            rows.sort(key=lambda r: (r.dataset, r.document, r.line))
        return found

    def left(self) -> Iterator[Orphan]:
        for ack_id, row in self._db.execute("SELECT ack_id, row FROM staged ORDER BY rowid"):
            yield Orphan(self._decode(row), ack_id)

    def close(self) -> None:
        self._db.close()


def joined(datasets: list[Dataset], staging: Staging, block: int = 500) -> Iterator[Joined | Orphan]:
    """Every form row with its schedules, in the forms' file order; then the orphans. The forms
    are joined `block` rows at a time; a form row whose ACK_ID an earlier one had gets no rows."""
    staging.stage(d for d in datasets if d.layout.dataset in SCHEDULES)
    for dataset in datasets:
        if dataset.layout.dataset in FORMS:
            forms = rows_of(dataset)
            while True:
                read, unreadable = _block(forms, block)
                staged = staging.take(list({ack_id for ack_id, _ in read})) if read else {}
                for ack_id, row in read:
                    yield Joined(ack_id, row, staged.pop(ack_id, []))
                if unreadable is not None:
                    raise unreadable
                if len(read) < block:
                    break
    yield from staging.left()


def _block(rows: Iterator[tuple[str, Row]], size: int) -> tuple[list[tuple[str, Row]], SourceError | None]:
    """Up to `size` rows; and if a row cannot be read, the rows before it and why."""
    read: list[tuple[str, Row]] = []
    try:
        read.extend(islice(rows, size))
    except SourceError as e:
        return read, e
    return read, None
