"""Importing the DOL's Form 5500 datasets: streamed, joined on ACK_ID, one batch per filing.

A dataset import is not a set of documents: one filing's rows are spread over several files and
one file holds hundreds of thousands of filings. So the files are surveyed first (headers only:
a file that lacks a needed column refuses the whole import, before anything is written), the
schedules are staged on disk, and the forms are streamed, `group` filings per transaction, each
filing whole or absent. A filing already stored (by its ACK_ID) is reported a duplicate before
its events are built.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from importers.dol import Joined, Orphan, SourceError, Staging, build, digest, document, expand, joined, survey
from importers.dol.filings import PREFIX as FORM_5500
from ledger.application import Ledger
from ledger.batch import FilingBatch, Rejected
from ledger.identity import filing_id
from ledger.importing import GROUP, ImportReport, _dry, display_name, import_group, refusal

__all__ = ["FORM_5500", "import_datasets"]  # FORM_5500: how a filing's report is named


def import_datasets(ledger: Ledger, paths: list[Path], group: int = GROUP, *, dry_run: bool = False) -> Iterator[ImportReport]:
    """A report per filing (imported, duplicate or rejected), per schedule row no filing claims,
    and per file refused or left unread."""
    try:
        sources = expand(paths, display_name)
    except SourceError as e:
        yield _refused(e)
        return
    found = survey(sources)
    for source, note in found.ignored:
        yield ImportReport(document=source.name, status="skipped", reason=note)
    if found.refused:
        for e in found.refused:
            yield _refused(e)
        return
    staging = Staging()
    pending: list[Joined] = []
    try:
        for item in joined(found.read, staging):
            if isinstance(item, Orphan):
                yield from _append(ledger, pending, dry_run)
                pending = []
                yield _orphan(item)
                continue
            pending.append(item)
            if len(pending) >= group:
                yield from _append(ledger, pending, dry_run)
                pending = []
        yield from _append(ledger, pending, dry_run)
    except SourceError as e:
        yield from _append(ledger, pending, dry_run)
        yield _refused(e)
    finally:
        staging.close()


def _append(ledger: Ledger, filings: list[Joined], dry_run: bool) -> Iterator[ImportReport]:
    if not filings:
        return
    ids = {j.ack_id: filing_id(digest(j.ack_id)) for j in filings}
    stored = ledger.recorder.stored_originators(list(set(ids.values())))
    parsed: list[tuple[str, FilingBatch | Rejected | ImportReport]] = []
    for j in filings:
        if ids[j.ack_id] in stored:
            parsed.append((document(j.ack_id), _duplicate(j)))
        else:
            result = build(j)
            parsed.append((result.document if isinstance(result, Rejected) else document(j.ack_id), result))
    if dry_run:
        for name, result in parsed:
            yield _dry(name, result)
        return
    yield from import_group(ledger, parsed)


def _duplicate(j: Joined) -> ImportReport:
    return ImportReport(document=document(j.ack_id), status="duplicate", reason="already in the ledger (not read again)")


def _orphan(orphan: Orphan) -> ImportReport:
    row = orphan.row
    reason = f"ACK_ID {orphan.ack_id}: a {row.dataset} row whose filing is in no F_5500 or F_5500_SF file of this import"
    return refusal(row.document, Rejected(document=row.document, reason=reason, line=row.line))


def _refused(e: SourceError) -> ImportReport:
    return ImportReport(document=e.name, status="rejected", reason=e.reason, line=e.line)
