"""The audit on filings in the layout of 2010 onwards (tests/modern.py): the adjustment from fair
value to contract value, participant loans printed as notes receivable, and findings that rest
on a statement column the reader was unsure of."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from ledger.application import Ledger
from ledger.replay import replay
from projections import runner
from projections.audit import audit
from tests.cli import planledger, planledger_json
from tests.modern import modern_filing

D = Decimal
FY2010, FY2011 = "contoso_2010.txt", "contoso_2011.txt"
END_2010, END_2011 = date(2010, 12, 31), date(2011, 12, 31)
QUERIES = Path(__file__).parent.parent / "queries"
CHOSEN_2010 = {("net_assets", 2010): {"reading": "chosen", "alternatives": 2}}
# FY2011 restates the stable value fund's 2010 fair value; the adjustment offsets it, so net assets stand
RESTATED_2010 = {(25, 2010): 1102000, (27, 2010): 6402000, (32, 2010): 6727000, (36, 2010): 6722000, (37, 2010): -22000}


def recorded(home, *batches):
    ledger = Ledger.open(home)
    for batch in batches:
        ledger.record(batch)
    runner.catch_up(ledger, home)
    return ledger


def audited(home, *batches):
    recorded(home, *batches).close()
    with runner.read_only(home) as connection:
        return audit(connection)


def found(report) -> dict[tuple[str, date, str], object]:
    return {(f.check, f.as_of, f.subject): f for f in report.findings}


def lines(finding) -> set[tuple[str, int]]:
    return {(s["document"], s["line"]) for s in finding.sources}


# -- the adjustment from fair value to contract value ---------------------------------------


def test_a_consistent_filing_raises_nothing_and_rolls_forward_at_contract_value(tmp_path):
    report = audited(tmp_path, modern_filing(2010), modern_filing(2011))
    assert report.findings == []
    balances = {b["year_end"]: (b["opening"], b["replayed"], b["reported"], b["difference"]) for b in report.balances}
    # net assets available for benefits (after the adjustment), never the fair-value line above it
    assert balances["2011-12-31"] == ("6700000.00", "7315000.00", "7315000.00", "0.00")
    with runner.read_only(tmp_path) as connection:
        sums = connection.execute(
            "SELECT holdings, receivables, loan_receivables, liabilities, adjustments, printed_fair_value_net_assets, "
            "printed_net_assets FROM statement_sums WHERE section = 'net_assets' AND as_of = '2011-12-31'"
        ).fetchall()
    assert sums == [(D(7000000), D(350000), D(300000), D(10000), D(-25000), D(7340000), D(7315000))]


def test_net_assets_that_leave_out_the_adjustment_do_not_foot(tmp_path):
    report = audited(tmp_path, modern_filing(2010), modern_filing(2011, {(38, 2011): 7340000}))
    f = found(report)[("footing", END_2011, "net_assets")]
    # 7,350,000 total assets - 10,000 liabilities - 25,000 adjustment = 7,315,000; printed 7,340,000
    assert (f.expected, f.actual, f.difference) == (D(7315000), D(7340000), D(25000))
    assert lines(f) == {(FY2011, 38), (FY2011, 32), (FY2011, 35), (FY2011, 37)}
    assert sorted(found(report)) == sorted([
        ("footing", END_2011, "net_assets"),
        ("statements_agree", END_2011, "net_assets"),  # the statement of changes ends at 7,315,000
        ("roll_forward", END_2011, "net_assets"),
    ])


def test_the_fair_value_net_assets_line_is_a_total_checked_once(tmp_path):
    report = audited(tmp_path, modern_filing(2010), modern_filing(2011, {(36, 2011): 7345000}))
    (f,) = report.findings  # net assets do not build on the fair-value line, so they still foot
    assert (f.check, f.as_of, f.subject) == ("footing", END_2011, "net_assets_at_fair_value")
    assert (f.expected, f.actual) == (D(7340000), D(7345000))
    assert lines(f) == {(FY2011, 36), (FY2011, 32), (FY2011, 35)}


def test_a_restated_adjustment_is_a_continuity_finding_like_any_net_assets_line(tmp_path):
    report = audited(tmp_path, modern_filing(2010), modern_filing(2011, RESTATED_2010))
    assert sorted(found(report)) == sorted([
        ("continuity", END_2010, "holding:stable-value-fund"),
        ("continuity", END_2010, "total:total_investments"),
        ("continuity", END_2010, "total:total_assets"),
        ("continuity", END_2010, "value_adjustment"),
    ])
    f = found(report)[("continuity", END_2010, "value_adjustment")]
    assert (f.expected, f.actual) == (D(-20000), D(-22000))
    assert lines(f) == {(FY2010, 37), (FY2011, 37)}
    assert all(b["difference"] in (None, "0.00") for b in report.balances)


def test_replay_counts_the_adjustment_and_agrees_with_the_projection(tmp_path):
    ledger = recorded(tmp_path, modern_filing(2010), modern_filing(2011))
    try:
        (plan_id,) = {p.plan_id for p in ledger.plans()}
        state = replay(ledger.plan_events(plan_id))
    finally:
        ledger.close()
    latest = state.latest
    column = latest.statement
    assert (column.cash, column.receivables, column.liabilities, column.adjustments) == (D(0), D(350000), D(10000), D(-25000))
    held = sum(value for _, value in column.holdings.values())
    assert held == D(7000000)  # the printed totals (investments, fair-value net assets) are not components
    assert held + column.receivables - column.liabilities + column.adjustments == latest.reported == D(7315000)
    assert (latest.opening, latest.replayed, latest.difference) == (D(6700000), D(7315000), D(0))
    with runner.read_only(tmp_path) as connection:
        projected = connection.execute("SELECT year_end, opening, replayed, reported_last FROM net_assets ORDER BY year_end").fetchall()
    assert projected == [(y.year_end, y.opening, y.replayed, y.reported) for y in state.year_ends]


def test_cli_replay_lists_the_adjustment_as_a_component(tmp_path):
    recorded(tmp_path, modern_filing(2010), modern_filing(2011)).close()
    result = planledger_json(tmp_path, "replay", "--plan", "Contoso")
    components = {c["name"] or c["component"]: c["amount"] for c in result["components"]}
    assert result["net_assets"] == "7315000"
    assert (components["adjustments"], components["receivables"], components["Stable value fund"]) == ("-25000", "350000", "1200000")


# -- participant loans printed as notes receivable -------------------------------------------


def test_schedule_h_loans_match_the_notes_receivable(tmp_path):
    report = audited(tmp_path, modern_filing(2011, {(103, 2011): 301000}))
    assert sorted(found(report)) == [("schedule_h", END_2011, "receivable:participant_loans")]
    f = found(report)[("schedule_h", END_2011, "receivable:participant_loans")]
    assert (f.expected, f.actual, f.detail) == (D(300000), D(301000), "Schedule H prints a different value than the statement of net assets")
    assert lines(f) == {(FY2011, 30), (FY2011, 103)}


def test_schedule_h_loans_named_as_notes_receivable_match_too(tmp_path):
    renamed = {103: {"issuer": "Notes receivable from participants", "description": "4.25%-9.25%"}}
    assert audited(tmp_path, modern_filing(2011, schedule=renamed)).findings == []


def test_the_loans_note_is_checked_against_the_notes_receivable(tmp_path):
    report = audited(tmp_path, modern_filing(2011, {(80, 2011): 290000}))
    (f,) = report.findings
    assert (f.check, f.subject, f.expected, f.actual) == ("loans", "participant_loans", D(290000), D(300000))
    assert {(s["section"], s["line"]) for s in f.sources} == {("notes", 80), ("net_assets", 30)}
    with runner.read_only(tmp_path) as connection:
        loans = connection.execute(
            "SELECT notes_balance, statement_balance, schedule_h_balance FROM loans WHERE year_end = '2011-12-31'"
        ).fetchall()
    assert loans == [(D(290000), D(300000), D(300000))]


def test_notes_receivable_count_in_receivables_not_in_investments(tmp_path):
    # printed apart from a receivables subtotal that leaves them out: total assets still foot
    assert audited(tmp_path / "apart", modern_filing(2011, {(31, 2011): 50000})).findings == []
    report = audited(tmp_path / "in_investments", modern_filing(2011, {(27, 2011): 7300000}))
    (f,) = report.findings
    assert (f.check, f.subject, f.expected, f.actual) == ("footing", "total_investments", D(7000000), D(7300000))
    report = audited(tmp_path / "short", modern_filing(2011, {(31, 2011): 340000}))
    assert {(f.subject, f.expected, f.actual) for f in report.findings} == {("total_receivables", D(350000), D(340000))}


# -- readings: firm and unsure findings ------------------------------------------------------


def test_a_finding_on_a_column_read_by_choice_is_unsure(tmp_path):
    report = audited(tmp_path, modern_filing(2010), modern_filing(2011, RESTATED_2010 | {(100, 2011): 5000100}, CHOSEN_2010))
    readings = {(f.check, f.subject): (f.reading, f.reading_reason) for f in report.findings}
    assert readings == {
        ("schedule_h", "holding:mutual-funds"): ("firm", ""),  # the 2011 column footed alone
        ("continuity", "holding:stable-value-fund"): ("unsure", "read by choice among 2 structures"),
        ("continuity", "total:total_investments"): ("unsure", "read by choice among 2 structures"),
        ("continuity", "total:total_assets"): ("unsure", "read by choice among 2 structures"),
        ("continuity", "value_adjustment"): ("unsure", "read by choice among 2 structures"),
    }
    with runner.read_only(tmp_path) as connection:
        stored = connection.execute("SELECT reading, count(*) FROM findings GROUP BY ALL ORDER BY ALL").fetchall()
    assert stored == [("firm", 1), ("unsure", 4)]


def test_rows_not_placed_make_a_finding_unsure_and_name_the_rows(tmp_path):
    unplaced = {("changes", 2011): {"unplaced": ("line 55: Interest income on notes receivable from participants",)}}
    report = audited(tmp_path, modern_filing(2011, {(59, 2011): 1150500}, unplaced))
    f = found(report)[("footing", END_2011, "total_additions")]
    assert (f.expected, f.actual, f.reading) == (D(1150000), D(1150500), "unsure")
    assert f.reading_reason == "rows not placed: line 55: Interest income on notes receivable from participants"


def test_a_finding_on_two_unsure_columns_names_each(tmp_path):
    both = {("net_assets", 2010): {"reading": "chosen", "alternatives": 3}}
    report = audited(tmp_path, modern_filing(2010, readings=both), modern_filing(2011, RESTATED_2010, CHOSEN_2010))
    f = found(report)[("continuity", END_2010, "value_adjustment")]
    assert f.reading == "unsure"
    assert f.reading_reason == (
        f"{FY2010} net_assets 2010: read by choice among 3 structures; {FY2011} net_assets 2010: read by choice among 2 structures"
    )


def test_readings_are_queryable(tmp_path):
    unplaced = {("changes", 2011): {"unplaced": ("line 55: Memo",)}}
    recorded(tmp_path, modern_filing(2011, readings=CHOSEN_2010 | unplaced)).close()
    rows = planledger_json(tmp_path, "query", "--file", str(QUERIES / "readings.sql"))
    assert [(r["statement"], r["column_date"], r["reading"], r["unsure"], r["alternatives"], r["unplaced"]) for r in rows] == [
        ("net_assets", "2010-12-31", "chosen", True, 2, []),
        ("changes", "2011-12-31", "footed", True, 1, ["line 55: Memo"]),
        ("net_assets", "2011-12-31", "footed", False, 1, []),
    ]
    assert {(r["plan"], r["document"], r["line"], r["totals"], r["failing"]) for r in rows} == {
        ("Contoso Savings Plan", FY2011, line, 6, 0) for line in (20, 50)
    }


def test_cli_audit_shows_unsure_findings_apart_and_strict_fails_on_firm_ones_only(tmp_path):
    mixed, unsure_only = tmp_path / "mixed", tmp_path / "unsure"
    recorded(mixed, modern_filing(2010), modern_filing(2011, RESTATED_2010 | {(100, 2011): 5000100}, CHOSEN_2010)).close()
    recorded(unsure_only, modern_filing(2010), modern_filing(2011, RESTATED_2010, CHOSEN_2010)).close()

    table = planledger(mixed, "audit")
    assert table.returncode == 0 and "1 firm finding, 4 unsure" in table.stderr
    firm, unsure = table.stdout.split("Unsure findings: they may be the reader's, not the filing's")
    assert "holding:mutual-funds" in firm and "value_adjustment" not in firm
    assert "value_adjustment" in unsure and "read by choice among 2" in unsure and "holding:mutual-funds" not in unsure
    assert "--strict does not fail on them" in unsure

    result = planledger_json(mixed, "audit")
    assert result["counts"] == {"firm": 1, "unsure": 4, "explained": 0}
    assert [(f["subject"], f["reading"]) for f in result["findings"]][:2] == [
        ("holding:mutual-funds", "firm"), ("holding:stable-value-fund", "unsure"),
    ]
    assert {f["reading_reason"] for f in result["findings"][1:]} == {"read by choice among 2 structures"}

    assert planledger(mixed, "audit", "--strict").returncode == 1
    strict = planledger(unsure_only, "audit", "--strict")
    assert strict.returncode == 0 and "0 firm findings, 4 unsure" in strict.stderr
    assert "no findings" in strict.stdout and "value_adjustment" in strict.stdout
    assert "firm finding" in planledger(unsure_only, "audit", "--help").stdout


def test_schedule_h_in_total_counts_the_loans_the_statement_prints_as_receivable(tmp_path):
    """The statement prints a category and Schedule H its funds: lines on one side only are no
    disagreement when the totals agree, and the statement's total includes the notes receivable."""
    by_fund = {100: {"issuer": "Vanguard 500 Index", "amount": D(5300000)}, 102: {"issuer": "Sponsor stock unit", "amount": D(500000)}}
    assert audited(tmp_path / "agree", modern_filing(2011, schedule=by_fund)).findings == []
    by_fund[102] |= {"amount": D(500001)}
    report = audited(tmp_path / "differ", modern_filing(2011, schedule=by_fund))
    assert {(f.subject, f.detail.split(" is missing")[0]) for f in report.findings} == {
        ("holding:mutual-funds", "an investment of the statement of net assets"),
        ("holding:contoso-common-stock", "an investment of the statement of net assets"),
        ("holding:vanguard-500-index", "a Schedule H investment"),
        ("holding:sponsor-stock-unit", "a Schedule H investment"),
    }
