"""A rendered synthetic filing reads back, through the real importer, to the figures it was
printed from: the benchmark's documents are ones the parser understands."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.render import render
from bench.synth import synth_filings
from importers import parse_document
from ledger import events as ev
from ledger.batch import FilingBatch

# Where a figure sits in the document, and what identifies the document: not figures.
NOT_FIGURES = frozenset({"provenance", "originator_id", "originator_version", "prev", "filing_id", "document", "digest"})


def figures(batch: FilingBatch) -> Counter:
    (plan_batch,) = batch.plans
    return Counter(
        (
            type(e).__name__,
            e.provenance.section,
            e.provenance.column,
            tuple((f, getattr(e, f)) for f in e.__struct_fields__ if f not in NOT_FIGURES),
        )
        for e in plan_batch.events
        if not isinstance(e, ev.StatementRead)  # how it was read: not a figure of the filing
    )


@pytest.mark.parametrize("seed", [0, 7])
def test_rendered_filings_parse_back_to_the_same_figures(seed):
    filings = list(synth_filings(3, 4, seed=seed, discrepancy_rate=0.5))
    assert any(f.injected for f in filings)
    for filing in filings:
        parsed = parse_document(filing.batch.document, render(filing.batch).encode())
        assert isinstance(parsed, FilingBatch), parsed
        assert parsed.plans[0].plan == filing.batch.plans[0].plan
        assert figures(parsed) == figures(filing.batch), filing.batch.document


def test_rendering_is_deterministic():
    one, two = (render(next(synth_filings(1, 1, seed=3)).batch) for _ in range(2))
    assert one == two
