"""Importing documents: parse each into a batch, append it, and say what happened."""

from __future__ import annotations

import os
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path

import msgspec

from ledger import events as ev
from ledger.collecting import fewer_collections
from ledger.application import ConflictError, Duplicate, InvalidBatchError, Ledger, Recorded
from ledger.identity import document_digest, filing_id
from ledger.parsing import parsed_in_order
from ledger.batch import FilingBatch, ImportResult, Rejected, Skipped
from ledger.prepared import PreparedBatch, ready

Parser = Callable[[str, bytes], ImportResult]


class ImportReport(msgspec.Struct, frozen=True, kw_only=True):
    """One document's outcome, as the `import` command prints it."""

    document: str
    status: str  # imported | duplicate | skipped | rejected
    plans: list[str] = []
    fiscal_year_end: str = ""
    events: int = 0
    reason: str = ""
    line: int | None = None


GROUP = 100  # filings appended per transaction: one commit for many, each still whole or absent
Appendable = FilingBatch | PreparedBatch
Parsed = ImportResult | PreparedBatch | ImportReport


def import_documents(
    ledger: Ledger, paths: list[Path], parse: Parser, max_bytes: int, group: int = GROUP, *, dry_run: bool = False,
    jobs: int = 1,
) -> Iterator[ImportReport]:
    """Reports in the order of `paths`; the filings are appended `group` at a time, while `jobs`
    processes parse the documents that follow (see `ledger.parsing`). A document already stored
    (by its digest) is reported a duplicate without being parsed again (a copy of one not stored
    yet when the copy is read is parsed, and found a duplicate when appended); with `dry_run`
    every document is read and reported, and nothing is written."""

    def stored(data: bytes) -> bool:
        return ledger.has_filing(filing_id(document_digest(data)))

    def read(path: Path) -> tuple[str, bytes] | ImportReport:
        return read_document(path, max_bytes, stored)

    results = zip(paths, parsed_in_order(paths, read, partial(parse_ready, parse), jobs), strict=True)

    def groups() -> Iterator[list[tuple[str, Parsed]]]:
        parsed: list[tuple[str, Parsed]] = []
        batches = 0
        for path, result in results:
            parsed.append((display_name(path), result))
            batches += isinstance(result, Appendable)
            if batches >= group:
                yield parsed
                parsed, batches = [], 0
        yield parsed

    with fewer_collections():
        if dry_run:
            yield from (_dry(display_name(path), result) for path, result in results)
        else:
            yield from import_groups(ledger, groups())


def parse_ready(parse: Parser, name: str, data: bytes) -> ImportResult | PreparedBatch:
    """The parse, prepared for the append where it ran (`ledger.prepared`): in a parser process,
    the importing process is left only the append."""
    return ready(parse(name, data))


def _dry(document: str, result: Parsed) -> ImportReport:
    if isinstance(result, Appendable):
        return msgspec.structs.replace(describe(result), status="would import")
    return result if isinstance(result, ImportReport) else refusal(document, result)


def read_and_parse(
    path: Path, parse: Parser, max_bytes: int, stored: Callable[[bytes], bool] | None = None
) -> ImportResult | ImportReport:
    got = read_document(path, max_bytes, stored)
    return parse(*got) if isinstance(got, tuple) else got


def read_document(
    path: Path, max_bytes: int, stored: Callable[[bytes], bool] | None = None
) -> tuple[str, bytes] | ImportReport:
    """The document's name and bytes to parse, or why it is not parsed. Only regular files are
    opened (a FIFO, a device or a socket is refused by its kind, unread), and never more than
    `max_bytes` is read, whatever `stat` said, so memory stays bounded."""
    name = display_name(path)
    try:
        kind = os.stat(path).st_mode
        if stat.S_ISDIR(kind):
            os.listdir(path)
            return rejected(name, "a folder that could not be listed")
        if not stat.S_ISREG(kind):
            return rejected(name, f"not a regular file ({_KINDS.get(stat.S_IFMT(kind), 'special file')}): not read")
        if (size := os.stat(path).st_size) > max_bytes:
            return rejected(name, f"document too large: {size:,} bytes (limit {max_bytes:,})")
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        verb = "cannot list the folder" if path.is_dir() else "cannot read"
        return rejected(name, f"{verb}: {e.strerror or e}")
    if len(data) > max_bytes:
        return rejected(name, f"document too large: over {max_bytes:,} bytes (it grew while read)")
    if stored is not None and stored(data):
        return ImportReport(document=name, status="duplicate", reason="already in the ledger (not read again)")
    return name, data


_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def display_name(path: Path) -> str:
    """The path as text whatever bytes it is made of ('caf\\xe9.txt'), so a name can be printed
    and stored."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def rejected(name: str, reason: str) -> ImportReport:
    return ImportReport(document=name, status="rejected", reason=reason)


def import_group(ledger: Ledger, parsed: list[tuple[str, Parsed]]) -> Iterator[ImportReport]:
    """Append the group's filings in one transaction; if one of them is refused, append them one
    by one so that only that one is reported rejected."""
    batches = [r for _, r in parsed if isinstance(r, Appendable)]
    try:
        outcomes = ledger.record_many(batches) if batches else []
    except (InvalidBatchError, ConflictError) as e:
        outcomes = e
    yield from _reports(ledger, parsed, outcomes)


def import_groups(ledger: Ledger, groups: Iterable[list[tuple[str, Parsed]]], *, checked: bool = False) -> Iterator[ImportReport]:
    """`import_group` for each group, each group's write overlapping the next group's
    preparation (`Ledger.record_groups`, to which `checked` is passed): a group's reports come
    once it is stored."""
    waiting: deque[list[tuple[str, Parsed]]] = deque()

    def batches() -> Iterator[list[Appendable]]:
        for parsed in groups:
            waiting.append(parsed)
            yield [r for _, r in parsed if isinstance(r, Appendable)]

    for outcomes in ledger.record_groups(batches(), checked=checked):
        yield from _reports(ledger, waiting.popleft(), outcomes)


def _reports(ledger: Ledger, parsed: list[tuple[str, Parsed]], outcomes: list[Recorded | Duplicate] | Exception) -> Iterator[ImportReport]:
    stored = None if isinstance(outcomes, Exception) else iter(outcomes)
    for document, result in parsed:
        if isinstance(result, ImportReport):
            yield result
        elif stored is None or not isinstance(result, Appendable):
            yield import_one(ledger, document, result)
        else:
            yield report(describe(result), next(stored))


def refusal(document: str, result: Skipped | Rejected) -> ImportReport:
    if isinstance(result, Skipped):
        return ImportReport(document=document, status="skipped", reason=result.reason)
    return ImportReport(document=document, status="rejected", reason=result.reason, line=result.line)


def import_one(ledger: Ledger, document: str, result: ImportResult | PreparedBatch) -> ImportReport:
    if not isinstance(result, Appendable):
        return refusal(document, result)
    try:
        outcome = ledger.record(result)
    except (InvalidBatchError, ConflictError) as e:
        return ImportReport(document=document, status="rejected", reason=str(e))
    return report(describe(result), outcome)


def report(described: ImportReport, outcome: Recorded | Duplicate) -> ImportReport:
    if isinstance(outcome, Duplicate):
        return msgspec.structs.replace(described, status="duplicate", events=0, reason="already in the ledger")
    return described


def describe(batch: FilingBatch | PreparedBatch) -> ImportReport:
    if isinstance(batch, PreparedBatch):
        year_ends = set(batch.year_ends)
    else:
        year_ends = {e.as_of for p in batch.plans for e in p.events if isinstance(e, ev.FilingReported)}
    return ImportReport(
        document=batch.document,
        status="imported",
        plans=[p.plan.name for p in batch.plans],
        fiscal_year_end=", ".join(sorted(d.isoformat() for d in year_ends)),
        events=batch.event_count,
    )
