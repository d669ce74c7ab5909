"""The audit on the hand-written filings of other layouts: the one discrepancy planted in them
is found, and nothing else (figures in thousands against Schedule H in dollars, statements
that print categories where Schedule H lists funds, are no disagreement)."""

from __future__ import annotations

from decimal import Decimal

from tests.cli import planledger, planledger_json
from tests.conftest import DATA


def test_only_the_planted_discrepancy_is_found(tmp_path):
    assert planledger(tmp_path, "import", str(DATA / "filings")).returncode == 0
    report = planledger_json(tmp_path, "audit")
    assert [(f["check"], f["as_of"], f["subject"], Decimal(f["expected"]), Decimal(f["actual"])) for f in report["findings"]] == [
        ("schedule_h", "2009-12-31", "holding:american-funds-europacific-growth-fund", Decimal("318462"), Decimal("318642"))
    ]
    (finding,) = report["findings"]
    assert finding["plan"] == "Tessaly Medical Systems, Inc. 401(k) Retirement Plan"
    assert {(s["line"], s["section"]) for s in finding["sources"]} == {(73, "net_assets"), (212, "schedule_h_4i")}
    assert all(Decimal(b["difference"]) == 0 for b in report["balances"] if b["difference"] is not None)
    assert len(report["chains"]) == 6
