"""Plans that file both an 11-K and a Form 5500, end to end: the 11-Ks printed as documents, the
Form 5500s as DOL datasets, both imported through the command line into one ledger, and the audit
finds exactly the planted disagreements, lists exactly the differences the notes explain, and
nothing else."""

from __future__ import annotations

import pytest

from bench.form5500_scenario import write_scenario
from tests.cli import planledger, planledger_json


@pytest.mark.parametrize("seed", [31, 47])
def test_the_audit_finds_exactly_the_planted_disagreements_and_explains_the_reconciled(tmp_path, seed):
    expected = write_scenario(tmp_path / "data", plans=8, years=4, seed=seed)
    assert expected.disagreements and expected.explained and expected.form5500s
    result = planledger(tmp_path / "home", "import", str(tmp_path / "data" / "11k"), str(tmp_path / "data" / "5500"), "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{expected.documents + expected.form5500s} imported" in result.stderr
    plans = {p["plan_id"]: (p["ein"].replace("-", ""), p["plan_number"]) for p in planledger_json(tmp_path / "home", "plans")}
    audit = planledger_json(tmp_path / "home", "audit")

    def keyed(rows):
        return {(*plans[r["plan_id"]], r["as_of"], r["subject"]) for r in rows}

    assert keyed(audit["findings"]) == expected.disagreements
    assert {f["check"] for f in audit["findings"]} == {"form5500_vs_11k"}
    assert keyed(audit["explained_differences"]) == expected.explained
    assert len(plans) == 8  # each plan's 11-Ks and Form 5500s are one plan

    cell = next(s for f in audit["findings"] for s in f["sources"] if s["section"] == "schedule_h")
    shown = planledger_json(tmp_path / "home", "show", f"{cell['document']}:{cell['line']}")
    assert shown["source"] == "file" and cell["text"] in next(c["text"] for c in shown["context"] if c["target"])
    assert {(e["column"], e["amount"]) for e in shown["events"]} >= {(cell["column"], cell["amount"])}


def test_an_amended_form_5500_is_later_knowledge_of_the_same_plan_year(tmp_path):
    from bench.form5500_files import write_all
    from bench.form5500_synth import plan_years

    filings = [f for f in plan_years(60, seed=3, amended_rate=0.5, error_rate=0.0)]
    amended = [f for f in filings if f.amended]
    assert amended
    write_all(tmp_path / "data", filings)
    assert planledger(tmp_path / "home", "import", str(tmp_path / "data")).returncode == 0
    target = amended[0]
    original = next(f for f in filings if f.plan is target.plan and f.end == target.end and not f.amended)
    sql = (f"SELECT ack_id FROM form5500_known(DATE '{{day}}') JOIN plans USING (plan_id) "
           f"WHERE replace(ein, '-', '') = '{target.plan.ein}' AND plan_number = '{target.plan.pn}' AND as_of = DATE '{target.end}'")
    before = planledger_json(tmp_path / "home", "query", sql.format(day=original.received))
    after = planledger_json(tmp_path / "home", "query", sql.format(day=target.received))
    assert [r["ack_id"] for r in before] == [original.ack_id]
    assert [r["ack_id"] for r in after] == [target.ack_id]
