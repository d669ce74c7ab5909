"""The Form 5500 projection and its audit: the form's own sums, the roll-forward, continuity across
plan years, amended filings under both clocks, and each 11-K checked against its Form 5500."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from decimal import Decimal as D

import pytest

from ledger import events as ev
from ledger.application import Ledger
from ledger.batch import PlanRef
from ledger.form5500 import ANSWERS, LINES, MEASURES
from projections import runner
from projections.audit import audit
from tests.cli import planledger, planledger_json
from tests.form5500_batches import consistent_h, eleven_k, form5500

Y1, Y2 = date(2022, 12, 31), date(2023, 12, 31)
QUERIES = Path(__file__).parents[1] / "queries"
NEW = ("form5500_footing", "form5500_roll_forward", "form5500_continuity", "form5500_vs_11k", "late_contributions")


@pytest.fixture
def ledger(tmp_path):
    app = Ledger.open(tmp_path, f"sqlite:///{tmp_path / 'events.sqlite3'}")
    yield app
    app.close()


def year1() -> dict[str, D]:
    return consistent_h(D(1_000_000), D(50_000), D(80_000), D(5_000), D(70_000), D(40_000), loans_eoy=D(12_000), loans_boy=D(10_000))


def year2(boy: D | None = None) -> dict[str, D]:
    return consistent_h(boy or year1()["net_assets_eoy"], D(55_000), D(85_000), D(0), D(-20_000), D(60_000), loans_eoy=D(9_000),
                        loans_boy=D(12_000))


def audited(ledger, home, known_at: date | None = None):
    runner.catch_up(ledger, home)
    with runner.read_only(home) as connection:
        return audit(connection, known_at=known_at)


def summary(findings) -> list[tuple]:
    return [(f.check, f.as_of, f.subject, f.expected, f.actual) for f in findings]


def cells(finding) -> list[tuple]:
    return [(s["document"], s["line"], s.get("column"), s.get("form_line"), s["amount"]) for s in finding.sources]


def test_no_two_schedules_print_a_figure_in_the_same_column():
    """The projection reads a measure from whichever of its schedules' columns a row has."""
    names = [x.column for lines in LINES.values() for x in lines] + [c for a in ANSWERS.values() for c in a]
    assert len(names) == len(set(names))


def test_each_filing_is_one_row_with_a_column_per_measure(ledger, tmp_path):
    ledger.record(form5500(Y1, year1(), line=7, answers={"late_contributions": False}))
    ledger.record(form5500(Y2, {"net_assets_boy": D(5), "net_assets_eoy": D(6)}, schedule="SF", line=3))
    runner.catch_up(ledger, tmp_path)
    with runner.read_only(tmp_path) as connection:
        columns = [c for (c,) in connection.execute("SELECT column_name FROM (DESCRIBE form5500)").fetchall()]
        rows = connection.execute(
            "SELECT schedule, as_of, period_start, known_at, document, line, net_assets_eoy, participant_loans_eoy, "
            "late_contributions_answer, amended FROM form5500 ORDER BY as_of"
        ).fetchall()
        figures = connection.execute(
            "SELECT column_name, form_line, measure, amount FROM form5500_figures WHERE measure LIKE 'net_assets%' ORDER BY ALL"
        ).fetchall()
        slim = connection.execute("SELECT count(*) FROM events WHERE type = 'Form5500Reported' AND amount IS NULL").fetchone()
        types = dict(connection.execute("SELECT column_name, column_type FROM (DESCRIBE form5500)").fetchall())
    assert set(MEASURES) <= set(columns) and {types[m] for m in MEASURES} == {"DECIMAL(18,2)"}
    assert rows == [
        ("H", Y1, date(2022, 1, 1), date(2023, 10, 15), "F_SCH_H_2022_latest.csv", 7, D(1_165_000), D(12_000), False, False),
        ("SF", Y2, date(2023, 1, 1), date(2024, 10, 15), "F_5500_SF_2023_latest.csv", 3, D(6), None, None, False),
    ]
    assert figures == [
        ("NET_ASSETS_BOY_AMT", "1l(a)", "net_assets_boy", D(1_000_000)),
        ("NET_ASSETS_EOY_AMT", "1l(b)", "net_assets_eoy", D(1_165_000)),
        ("SF_NET_ASSETS_BOY_AMT", "7c(a)", "net_assets_boy", D(5)),
        ("SF_NET_ASSETS_EOY_AMT", "7c(b)", "net_assets_eoy", D(6)),
    ]
    assert slim == (2,)


@pytest.mark.parametrize("page_size", [1, 2, 5])
def test_rebuild_and_catch_up_by_small_pages_give_the_same_rows(ledger, tmp_path, page_size):
    for batch in (form5500(Y1, year1()), eleven_k(Y1, [(ev.NetAssetsReported, 10, {"amount": D(1)})]), form5500(Y2, year2())):
        ledger.record(batch)
        runner.catch_up(ledger, tmp_path / "paged", page_size=page_size)
    runner.rebuild(ledger, tmp_path / "whole")
    tables = ("form5500", "events", "form5500_figures")
    dumps = []
    for home in (tmp_path / "paged", tmp_path / "whole"):
        with runner.read_only(home) as connection:
            dumps.append({t: connection.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables})
    assert dumps[0] == dumps[1] and len(dumps[0]["form5500"]) == 2


def test_consistent_filings_give_no_finding(ledger, tmp_path):
    ledger.record(form5500(Y1, year1()))
    ledger.record(form5500(Y2, year2()))
    small = {"total_assets_boy": D(100), "total_liabilities_boy": D(0), "net_assets_boy": D(100), "employer_contributions": D(10),
             "participant_contributions": D(5), "other_income": D(1), "total_income": D(16), "benefits_paid": D(6),
             "total_expenses": D(6), "net_income": D(10), "total_assets_eoy": D(110), "total_liabilities_eoy": D(0), "net_assets_eoy": D(110)}
    for schedule in ("I", "SF"):
        plan = PlanRef(name=f"Small {schedule} Plan", ein=f"98-76543{len(schedule)}0", plan_number="001")
        ledger.record(form5500(Y1, small, schedule=schedule, plan=plan))
    assert audited(ledger, tmp_path).findings == []


def test_a_line_that_does_not_foot_is_one_finding_naming_each_cell(ledger, tmp_path):
    wrong = year1() | {"employer_contributions": D(50_100)}
    ledger.record(form5500(Y1, wrong, line=42))
    found = audited(ledger, tmp_path).findings
    assert summary(found) == [("form5500_footing", Y1, "total_contributions", D(135_100), D(135_000))]
    doc = "F_SCH_H_2022_latest.csv"
    assert cells(found[0]) == [
        (doc, 42, "TOT_CONTRIB_AMT", "2a(3)", D(135_000)),
        (doc, 42, "EMPLR_CONTRIB_INCOME_AMT", "2a(1)(A)", D(50_100)),
        (doc, 42, "PARTICIPANT_CONTRIB_AMT", "2a(1)(B)", D(80_000)),
        (doc, 42, "OTH_CONTRIB_RCVD_AMT", "2a(1)(C)", D(5_000)),
    ]
    assert found[0].plan_id is not None and found[0].filings == [doc]


def test_transfers_the_net_assets_do_not_show_break_the_roll_forward(ledger, tmp_path):
    ledger.record(form5500(Y1, year1() | {"transfers_in": D(500)}))
    found = audited(ledger, tmp_path).findings
    assert summary(found) == [("form5500_roll_forward", Y1, "net_assets_eoy", D(1_165_500), D(1_165_000))]
    assert [c[2] for c in cells(found[0])] == ["NET_ASSETS_EOY_AMT", "NET_ASSETS_BOY_AMT", "NET_INCOME_AMT", "TOT_TRANSFERS_TO_AMT"]


def test_a_year_that_opens_where_the_last_did_not_close_is_a_continuity_finding(ledger, tmp_path):
    ledger.record(form5500(Y1, year1()))
    ledger.record(form5500(Y2, year2(boy=D(1_166_000)), line=9))
    found = audited(ledger, tmp_path).findings
    assert summary(found) == [
        ("form5500_continuity", Y2, "net_assets_boy", D(1_165_000), D(1_166_000)),
        ("form5500_continuity", Y2, "total_assets_boy", D(1_165_000), D(1_166_000)),
    ]
    assert cells(found[0]) == [
        ("F_SCH_H_2022_latest.csv", 2, "NET_ASSETS_EOY_AMT", "1l(b)", D(1_165_000)),
        ("F_SCH_H_2023_latest.csv", 9, "NET_ASSETS_BOY_AMT", "1l(a)", D(1_166_000)),
    ]


def test_years_that_are_not_consecutive_are_not_compared(ledger, tmp_path):
    ledger.record(form5500(Y1, year1()))
    ledger.record(form5500(date(2024, 12, 31), year2(boy=D(7))))
    assert audited(ledger, tmp_path).findings == []


def test_an_amended_filing_is_later_knowledge_of_the_same_plan_year(ledger, tmp_path):
    ledger.record(form5500(Y1, year1() | {"employer_contributions": D(50_100)}, received=date(2023, 10, 15)))
    ledger.record(form5500(Y1, year1(), received=date(2024, 3, 1), amended=True))
    before = audited(ledger, tmp_path, known_at=date(2024, 1, 31))
    after = audited(ledger, tmp_path)
    assert summary(before.findings) == [("form5500_footing", Y1, "total_contributions", D(135_100), D(135_000))]
    assert after.findings == []
    with runner.read_only(tmp_path) as connection:
        known = connection.execute(
            "SELECT (SELECT amended FROM form5500_known(DATE '2024-01-31')), (SELECT amended FROM form5500_latest), "
            "(SELECT count(*) FROM form5500)"
        ).fetchone()
    assert known == (False, True, 2)


def statements(net_assets: D, *, employer=D(50_000), participant=D(80_000), rollover=D(5_000), benefits=D(40_000), loans=D(12_000)):
    return [
        (ev.HoldingReported, 10, {"amount": net_assets - loans, "label": "Mutual funds"}),
        (ev.ReceivableReported, 11, {"kind": "participant_loans", "amount": loans, "label": "Notes receivable from participants"}),
        (ev.NetAssetsReported, 12, {"amount": net_assets, "label": "Net assets available for benefits"}),
        (ev.ContributionReceived, 20, {"source": "employer", "amount": employer}),
        (ev.ContributionReceived, 21, {"source": "participant", "amount": participant}),
        (ev.ContributionReceived, 22, {"source": "rollover", "amount": rollover}),
        (ev.BenefitPaid, 25, {"amount": benefits}),
    ]


def test_an_11k_that_agrees_with_its_form_5500_gives_nothing(ledger, tmp_path):
    ledger.record(form5500(Y1, year1()))
    ledger.record(eleven_k(Y1, statements(D(1_165_000))))
    report = audited(ledger, tmp_path)
    assert [f for f in report.findings if f.check in NEW] == [] and report.explained == []


def test_an_unexplained_difference_is_a_finding_with_both_documents_lines(ledger, tmp_path):
    ledger.record(form5500(Y1, year1(), line=5))
    ledger.record(eleven_k(Y1, statements(D(1_165_000), loans=D(11_000))))
    found = [f for f in audited(ledger, tmp_path).findings if f.check in NEW]
    assert summary(found) == [("form5500_vs_11k", Y1, "participant_loans", D(11_000), D(12_000))]
    assert cells(found[0]) == [
        ("acme-11k-2022.txt", 11, "2022", None, D(11_000)),
        ("F_SCH_H_2022_latest.csv", 5, "PARTCP_LOANS_EOY_AMT", "1c(8)(b)", D(12_000)),
    ]


def test_contributions_by_source_are_compared_where_the_totals_agree(ledger, tmp_path):
    ledger.record(form5500(Y1, year1()))
    ledger.record(eleven_k(Y1, statements(D(1_165_000), employer=D(45_000), rollover=D(10_000))))
    found = [f for f in audited(ledger, tmp_path).findings if f.check in NEW]
    assert summary(found) == [
        ("form5500_vs_11k", Y1, "contributions:employer", D(45_000), D(50_000)),
        ("form5500_vs_11k", Y1, "contributions:other", D(10_000), D(5_000)),
    ]


def reconciliation(measure: str, per_statements: D, per_form_5500: D, line: int = 40) -> tuple:
    return (ev.Form5500ReconciliationReported, line, {
        "section": "notes", "measure": measure, "per_statements": per_statements, "per_form_5500": per_form_5500,
        "label": "Benefits paid to participants per the Form 5500",
        "items": (ev.ReconcilingItem(label="Add: benefits payable at end of year", amount=per_form_5500 - per_statements, line=line + 1),),
    })


def test_a_difference_the_reconciliation_note_explains_is_listed_apart_with_the_note_line(ledger, tmp_path):
    ledger.record(form5500(Y1, year1()))
    ledger.record(eleven_k(Y1, [*statements(D(1_165_000), benefits=D(37_500)), reconciliation("benefits", D(37_500), D(40_000))]))
    report = audited(ledger, tmp_path)
    assert [f for f in report.findings if f.check in NEW] == []
    assert [(e["as_of"], e["subject"], e["per_statements"], e["per_form_5500"], e["difference"], e["note"]) for e in report.explained] == [
        ("2022-12-31", "benefits", "37500.00", "40000.00", "2500.00", "acme-11k-2022.txt:40")
    ]
    with runner.read_only(tmp_path) as connection:
        assert connection.execute("SELECT subject, note_line FROM explained_differences").fetchall() == [("benefits", 40)]


def test_a_note_whose_form_5500_figure_is_not_the_5500s_is_a_finding(ledger, tmp_path):
    ledger.record(form5500(Y1, year1()))
    ledger.record(eleven_k(Y1, [*statements(D(1_165_000), benefits=D(37_500)), reconciliation("benefits", D(37_500), D(41_000))]))
    report = audited(ledger, tmp_path)
    found = [f for f in report.findings if f.check in NEW]
    assert summary(found) == [
        ("form5500_vs_11k", Y1, "benefits", D(37_500), D(40_000)),
        ("form5500_vs_11k", Y1, "reconciliation:benefits", D(41_000), D(40_000)),
    ]
    assert found[1].sources[0]["line"] == 40 and report.explained == []


def test_deemed_distributions_reported_apart_are_no_difference_in_benefits(ledger, tmp_path):
    amounts = year1() | {"deemed_distributions": D(1_000), "total_expenses": D(41_000), "net_income": D(164_000),
                         "net_assets_eoy": D(1_164_000), "total_assets_eoy": D(1_164_000), "registered_investment_companies_eoy": D(1_152_000)}
    ledger.record(form5500(Y1, amounts))
    ledger.record(eleven_k(Y1, statements(D(1_164_000), benefits=D(41_000))))
    report = audited(ledger, tmp_path)
    assert [f for f in report.findings if f.check in NEW] == []


def late_deposit(principal: D, made: date) -> tuple:
    return (ev.DeemedLoanMade, 50, {"section": "schedule_g_iii", "as_of": made, "loan": f"acme/{made}", "counterparty": "Acme, Inc.",
                                    "principal": principal})


@pytest.mark.parametrize(
    ("answer", "amount", "expected"),
    [
        (False, None, [("late_contributions", Y1, "late_contributions", D(9_627), D(0))]),
        (True, D(9_627), []),
        (True, D(9_000), [("late_contributions", Y1, "late_contributions", D(9_627), D(9_000))]),
    ],
)
def test_line_4a_against_the_deemed_loans_of_the_11k(ledger, tmp_path, answer, amount, expected):
    amounts = year1() | ({"late_contributions": amount} if amount is not None else {})
    ledger.record(form5500(Y1, amounts, answers={"late_contributions": answer}))
    ledger.record(eleven_k(Y1, [*statements(D(1_165_000)), late_deposit(D(9_627), date(2022, 7, 1)),
                                late_deposit(D(500), date(2021, 7, 1))]))
    found = [f for f in audited(ledger, tmp_path).findings if f.check in NEW]
    assert summary(found) == expected
    if expected:
        assert [(s["document"], s["line"]) for s in found[0].sources] == [("acme-11k-2022.txt", 50), ("F_SCH_H_2022_latest.csv", 2)]


def test_the_query_files_show_the_figures_and_the_comparison(ledger, tmp_path):
    ledger.record(form5500(Y1, year1()))
    ledger.record(form5500(Y1, year1() | {"net_assets_eoy": D(1_165_001)}, received=date(2024, 2, 1), amended=True))
    ledger.record(eleven_k(Y1, [*statements(D(1_165_000), benefits=D(37_500)), reconciliation("benefits", D(37_500), D(40_000))]))
    runner.catch_up(ledger, tmp_path)
    with runner.read_only(tmp_path) as connection:
        figures = connection.execute((QUERIES / "form5500.sql").read_text()).fetchall()
        compared = [(r[2], r[3], r[4], r[6], r[7], r[9]) for r in connection.execute((QUERIES / "form5500_vs_11k.sql").read_text()).fetchall()]
    assert [(r[3], r[6], r[9]) for r in figures] == [(Y1, True, D(1_165_001))]
    assert compared == [
        ("benefits", D(37_500), D(40_000), "explained", "acme-11k-2022.txt:40", "TOT_DISTRIB_BNFT_AMT"),
        ("contributions", D(135_000), D(135_000), "agree", None, "TOT_CONTRIB_AMT"),
        ("contributions:employer", D(50_000), D(50_000), "agree", None, "EMPLR_CONTRIB_INCOME_AMT"),
        ("contributions:other", D(5_000), D(5_000), "agree", None, "OTH_CONTRIB_RCVD_AMT"),
        ("contributions:participant", D(80_000), D(80_000), "agree", None, "PARTICIPANT_CONTRIB_AMT"),
        ("net_assets", D(1_165_000), D(1_165_001), "unexplained", None, "NET_ASSETS_EOY_AMT"),
        ("participant_loans", D(12_000), D(12_000), "agree", None, "PARTCP_LOANS_EOY_AMT"),
    ]


def test_audit_lists_explained_differences_apart_from_findings(ledger, tmp_path):
    ledger.record(form5500(Y1, year1()))
    ledger.record(eleven_k(Y1, [*statements(D(1_165_000), benefits=D(37_500)), reconciliation("benefits", D(37_500), D(40_000))]))
    result = planledger_json(tmp_path, "audit")
    assert result["counts"] == {"firm": 0, "unsure": 0, "explained": 1} and result["findings"] == []
    (shown,) = result["explained_differences"]
    assert (shown["plan"], shown["subject"], shown["difference"], shown["note"]) == ("Acme 401(k) Plan", "benefits", "2500.00", "acme-11k-2022.txt:40")
    assert [(s["document"], s["line"]) for s in shown["sources"]] == [
        ("acme-11k-2022.txt", 40), ("acme-11k-2022.txt", 25), ("F_SCH_H_2022_latest.csv", 2),
    ]
    table = planledger(tmp_path, "audit")
    assert table.returncode == 0 and "Explained differences" in table.stdout and "acme-11k-2022.txt:40" in table.stdout
