"""End to end on the sample filings: import them with the real importer, then audit."""

from __future__ import annotations

import pytest

from tests.cli import planledger, planledger_json
from tests.conftest import SEEDS

pytest.importorskip("importers.filing")

FY2000, FY2001, FY2002 = (f"{SEEDS}/{name}" for name in
                          ("000_7d7b012b68c2cbfb.txt", "001_554202e7201048b9.txt", "002_70e8a79881a820c9.txt"))


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("seeds")
    result = planledger(home, "import", str(SEEDS))
    assert result.returncode == 0, result.stderr
    return home


def test_import_catches_up_the_projections_and_replay_matches_reports(home):
    balances = {b["year_end"]: b for b in planledger_json(home, "audit")["balances"]}
    for year_end in ("2000-12-31", "2001-12-31", "2002-12-31"):
        assert balances[year_end]["replayed"] == balances[year_end]["reported"], year_end
        assert balances[year_end]["difference"] == "0.00"
    assert balances["2002-12-31"]["reported"] == "3107464.00"


def test_audit_of_the_imported_samples_names_each_disagreement(home):
    findings = {(f["check"], f["as_of"], f["subject"]): f for f in planledger_json(home, "audit")["findings"]}
    cash = findings[("continuity", "2001-12-31", "cash")]
    assert (cash["expected"], cash["actual"]) == ("1470.00", "4170.00")
    assert {(s["document"], s["line"]) for s in cash["sources"]} == {(FY2001, 189), (FY2002, 190)}
    total_assets = findings[("footing", "2001-12-31", "total_assets")]
    assert (total_assets["expected"], total_assets["actual"]) == ("4025514.00", "4022814.00")
    investments = findings[("footing", "2002-12-31", "total_investments")]
    assert (investments["expected"], investments["actual"]) == ("3105267.00", "3105557.00")
    (schedule_h,) = [f for k, f in findings.items() if k[0] == "schedule_h"]
    assert (schedule_h["expected"], schedule_h["actual"]) == ("732307.00", "732597.00")
    assert {(s["document"], s["line"]) for s in schedule_h["sources"]} == {(FY2002, 166), (FY2002, 439)}
    assert {k[0] for k in findings} <= {"footing", "continuity", "schedule_h", "schedule_h_shares", "loan_rates"}
    assert len(findings) == 6
