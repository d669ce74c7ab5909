"""Many filings to import at once, and what a ledger holding them must satisfy however it was
written: by one process or several at a time, interrupted or not."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from uuid import UUID

from bench.documents import write_documents
from importers import parse_document
from ledger import events as ev
from ledger.application import Ledger
from ledger.batch import FilingBatch
from ledger.chain import chain_hash


def synthetic_documents(folder: Path, plans: int, years: int) -> tuple[list[Path], dict[UUID, int]]:
    """Rendered synthetic filings (one per plan-year) and each one's filing id and event count."""
    write_documents(folder, plans, years, seed=7)
    paths = sorted(folder.glob("*.txt"))
    parsed = [parse_document(str(p), p.read_bytes()) for p in paths]
    assert all(isinstance(b, FilingBatch) for b in parsed)
    return paths, {b.filing_id: b.event_count for b in parsed}


def check_whole_filings(ledger: Ledger) -> dict[UUID, int]:
    """Assert that every stored filing is whole, each plan's positions run 1..n and its hash
    chain is intact; return each stored filing's event count (from its marker)."""
    markers = {e.originator_id: e.events for _, e in ledger.stored([ev.FilingRecorded])}
    per_filing: Counter[UUID] = Counter()
    positions: dict[UUID, list[int]] = defaultdict(list)
    for _, event in ledger.stored(ev.PLAN_EVENT_TYPES):
        per_filing[event.provenance.filing_id] += 1
        positions[event.originator_id].append(event.originator_version)
    assert dict(per_filing) == markers, "a filing's events without its marker, or a marker without all its events"
    for plan_id, stream in positions.items():
        assert sorted(stream) == list(range(1, len(stream) + 1)), f"plan {plan_id}: positions with gaps or repeats"
        prev = ""
        for stored in ledger.recorder.select_events(plan_id):
            event = ledger.mapper.to_domain_event(stored)
            assert event.prev == prev, f"plan {plan_id}: chain broken at position {stored.originator_version}"
            prev = chain_hash(stored.topic, stored.state)
    return markers
