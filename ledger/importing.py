"""Importing documents: parse each into a batch, append it, and say what happened."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec

from ledger import events as ev
from ledger.application import ConflictError, Duplicate, InvalidBatchError, Ledger
from ledger.batch import FilingBatch, ImportResult, Rejected, Skipped

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


def import_documents(ledger: Ledger, paths: list[Path], parse: Parser) -> Iterator[ImportReport]:
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as e:
            yield ImportReport(document=str(path), status="rejected", reason=f"cannot read: {e.strerror}")
            continue
        yield import_one(ledger, str(path), parse(str(path), data))


def import_one(ledger: Ledger, document: str, result: ImportResult) -> ImportReport:
    if isinstance(result, Skipped):
        return ImportReport(document=document, status="skipped", reason=result.reason)
    if isinstance(result, Rejected):
        return ImportReport(document=document, status="rejected", reason=result.reason, line=result.line)
    described = describe(result)
    try:
        outcome = ledger.record(result)
    except (InvalidBatchError, ConflictError) as e:
        return ImportReport(document=document, status="rejected", reason=str(e))
    if isinstance(outcome, Duplicate):
        return msgspec.structs.replace(described, status="duplicate", events=0, reason="already in the ledger")
    return described


def describe(batch: FilingBatch) -> ImportReport:
    year_ends = {e.as_of for p in batch.plans for e in p.events if isinstance(e, ev.FilingReported)}
    return ImportReport(
        document=batch.document,
        status="imported",
        plans=[p.plan.name for p in batch.plans],
        fiscal_year_end=", ".join(sorted(d.isoformat() for d in year_ends)),
        events=batch.event_count,
    )
