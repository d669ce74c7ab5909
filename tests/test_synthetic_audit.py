"""The audit on synthetic plans finds what was planted and nothing else: each typo'd figure
shows up in a finding that names its filing, and a filing with no typo is named only beside
one that has one (a later year's continuity finding points back at the earlier filing)."""

from __future__ import annotations

from bench.synth import synth_filings
from ledger.application import Ledger
from projections import runner
from projections.audit import audit


def test_the_audit_finds_exactly_the_planted_discrepancies(tmp_path):
    filings = list(synth_filings(12, 5, seed=3, discrepancy_rate=0.3))
    planted = {f.batch.document for f in filings if f.injected}
    assert 10 <= len(planted) < len(filings)
    ledger = Ledger.open(tmp_path)
    ledger.record_many([f.batch for f in filings])
    runner.catch_up(ledger, tmp_path)
    with runner.read_only(tmp_path) as connection:
        report = audit(connection)
    named = [set(f.filings) for f in report.findings]
    assert {f.check for f in report.findings} <= {"footing", "continuity", "schedule_h"}
    assert planted <= set().union(*named)
    assert all(documents & planted for documents in named)
    assert len(report.balances) == 12 * 6
    assert all(b["difference"] == "0.00" for b in report.balances if b["opening"] is not None)
