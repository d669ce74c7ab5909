"""The audit on the three sample filings (transcribed in tests/samples.py): every place where
they disagree with themselves or each other, each named by figures, filings and lines, and
nothing else (no false alarms on approximate or convention-dependent figures)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pathlib

import msgspec
import pytest

from ledger.application import Ledger
from projections import runner
from projections.audit import audit
from tests.batches import filing
from tests.cli import planledger, planledger_json
from tests.samples import FY2000, FY2001, FY2002, transcribed_samples_home

D = Decimal


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return transcribed_samples_home(tmp_path_factory.mktemp("samples"))


def run(home, **options):
    with runner.read_only(home) as connection:
        return audit(connection, **options)


def found(report) -> dict[tuple[str, date, str], object]:
    return {(f.check, f.as_of, f.subject): f for f in report.findings}


def lines(finding) -> set[tuple[str, int]]:
    return {(s["document"], s["line"]) for s in finding.sources}


def test_replayed_net_assets_equal_reported_at_every_year_end(home):
    balances = {b["year_end"]: b for b in run(home).balances}
    assert {y: (b["opening"], b["replayed"], b["reported"], b["difference"]) for y, b in balances.items()} == {
        "1999-12-31": (None, None, "6268220.00", None),
        "2000-12-31": ("6268220.00", "5837693.00", "5837693.00", "0.00"),
        "2001-12-31": ("5837693.00", "4022421.00", "4022421.00", "0.00"),
        "2002-12-31": ("4022421.00", "3107464.00", "3107464.00", "0.00"),
    }
    assert balances["2000-12-31"]["contributions_employer"] == "173589.00"
    assert balances["2001-12-31"]["net_appreciation"] == "-545303.00"


def test_the_audit_finds_exactly_the_disagreements_in_the_samples(home):
    assert sorted(found(run(home))) == sorted([
        ("footing", date(2001, 12, 31), "total_assets"),
        ("continuity", date(2001, 12, 31), "cash"),
        ("loan_rates", date(2001, 12, 31), "participant_loan_rate"),
        ("footing", date(2002, 12, 31), "total_investments"),
        ("schedule_h", date(2002, 12, 31), "holding:spartan-u-s-treasury-money-market-fund"),
        ("schedule_h_shares", date(2002, 12, 31), "holding:spartan-u-s-treasury-money-market-fund"),
    ])


def test_fy2002_prints_2001_cash_as_4170_where_fy2001_printed_1470(home):
    f = found(run(home))[("continuity", date(2001, 12, 31), "cash")]
    assert (f.expected, f.actual, f.difference) == (D(1470), D(4170), D(2700))
    assert lines(f) == {(FY2001, 189), (FY2002, 190)}
    assert f.filings == [FY2001, FY2002]


def test_fy2002_2001_column_total_assets_does_not_foot(home):
    f = found(run(home))[("footing", date(2001, 12, 31), "total_assets")]
    # 3,998,822 investments + 4,170 cash + 22,522 receivables = 4,025,514; printed 4,022,814
    assert (f.expected, f.actual, f.difference) == (D(4025514), D(4022814), D(-2700))
    assert lines(f) == {(FY2002, 195), (FY2002, 188), (FY2002, 190), (FY2002, 193)}


def test_fy2002_investments_do_not_sum_to_total_investments(home):
    f = found(run(home))[("footing", date(2002, 12, 31), "total_investments")]
    assert (f.expected, f.actual, f.difference) == (D(3105267), D(3105557), D(290))
    assert (FY2002, 188) in lines(f) and (FY2002, 166) in lines(f) and len(lines(f)) == 19


def test_fy2002_schedule_h_money_market_differs_from_the_statement(home):
    report = found(run(home))
    f = report[("schedule_h", date(2002, 12, 31), "holding:spartan-u-s-treasury-money-market-fund")]
    assert (f.expected, f.actual, f.difference) == (D(732307), D(732597), D(290))
    assert lines(f) == {(FY2002, 166), (FY2002, 439)}
    shares = report[("schedule_h_shares", date(2002, 12, 31), "holding:spartan-u-s-treasury-money-market-fund")]
    assert (shares.expected, shares.actual, shares.difference) == (D(732849), D(732597), D(-252))


def test_the_single_2001_loan_at_8_5_percent_was_not_among_the_2000_loans_at_9_25_to_9_5(home):
    f = found(run(home))[("loan_rates", date(2001, 12, 31), "participant_loan_rate")]
    assert (f.expected, f.actual, f.unit) == (D("9.25"), D("8.5"), "percent")
    assert lines(f) == {(FY2000, 451), (FY2001, 328)}


def test_approximate_and_convention_dependent_figures_raise_no_alarm(home):
    checks = {f.check for f in run(home).findings}
    # $3,430 on $9,627 at "approximately 16.5%" from 1998-07-01 to 2000-06-28: annual compounding fits
    assert "deemed_loan_interest" not in checks
    # forfeitures: 149,952 - 149,952 + 127,451 = 127,451; 127,451 - 127,800 + 44,049 = 43,700
    assert "forfeitures" not in checks
    with runner.read_only(home) as connection:
        rows = connection.execute(
            "SELECT year_end, opening, used, closing, implied_newly_forfeited FROM forfeitures ORDER BY year_end"
        ).fetchall()
    assert rows[1:] == [
        (date(2001, 12, 31), D(149952), D(149952), D(127451), D(127451)),
        (date(2002, 12, 31), D(127451), D(127800), D(43700), D(44049)),
    ]


def test_known_at_replays_only_filings_signed_by_then(home):
    report = run(home, known_at=date(2002, 12, 31))
    assert [b["year_end"] for b in report.balances] == ["1999-12-31", "2000-12-31", "2001-12-31"]
    assert [(f.check, f.as_of) for f in report.findings] == [("loan_rates", date(2001, 12, 31))]
    assert run(home, known_at=date(2001, 6, 27)).balances == []


def test_plan_and_year_narrow_the_audit(home):
    assert {f.as_of for f in run(home, year=2002).findings} == {date(2002, 12, 31)}
    assert run(home, plan_ids=[]).findings == []


def test_deemed_loan_interest_that_no_convention_gives_is_a_finding(tmp_path):
    from ledger import events as ev

    batch = filing("late remittance")
    events = [
        msgspec.structs.replace(e, interest=D(4430), as_of=date(2000, 6, 28)) if isinstance(e, ev.DeemedLoanRepaid) else e
        for e in batch.plans[0].events
    ]
    ledger = Ledger.open(tmp_path)
    ledger.record(msgspec.structs.replace(batch, plans=[msgspec.structs.replace(batch.plans[0], events=events)]))
    runner.catch_up(ledger, tmp_path)
    ledger.close()
    (f,) = [f for f in run(tmp_path).findings if f.check == "deemed_loan_interest"]
    assert f.actual == D(4430) and f.subject == "deemed_loan:sos/1998-07-01"
    # the nearest reading: 9,627 x (e^(0.165 x 728/360) - 1) = 3,813
    assert f.expected == D(3813) and "continuous interest, actual/360" in f.detail


@pytest.mark.parametrize(("description", "found_shares"), [
    ("600,000 shares of money market fund", True),  # named in Schedule H's description alone
    ("600,000 shares", False),
])
def test_a_money_market_fund_is_known_by_its_schedule_h_description(tmp_path, description, found_shares):
    from ledger import events as ev

    batch = filing(f"cash reserves {found_shares}")
    events = [
        msgspec.structs.replace(e, issuer="Fidelity Cash Reserves", description=description, shares=D(600000))
        if isinstance(e, ev.HoldingReported) and e.provenance.section == "schedule_h_4i" else e
        for e in batch.plans[0].events
    ]
    ledger = Ledger.open(tmp_path)
    ledger.record(msgspec.structs.replace(batch, plans=[msgspec.structs.replace(batch.plans[0], events=events)]))
    runner.catch_up(ledger, tmp_path)
    ledger.close()
    shares = [(f.expected, f.actual) for f in run(tmp_path).findings if f.check == "schedule_h_shares"]
    assert shares == ([(D(600000), D(600055))] if found_shares else [])


def test_cli_audit_json_and_strict_exit_status(home):
    result = planledger_json(home, "audit")
    assert {b["year_end"]: b["difference"] for b in result["balances"]}["2002-12-31"] == "0.00"
    (cash,) = [f for f in result["findings"] if f["subject"] == "cash"]
    assert cash["expected"] == "1470.00" and cash["actual"] == "4170.00" and cash["difference"] == "2700.00"
    assert {(s["document"], s["line"]) for s in cash["sources"]} == {(FY2001, 189), (FY2002, 190)}
    assert planledger(home, "audit").returncode == 0
    strict = planledger(home, "audit", "--strict")
    assert strict.returncode == 1 and "6 firm findings, 0 unsure" in strict.stderr
    assert planledger(home, "audit", "--strict", "--known-at", "2001-12-31").returncode == 0


def test_every_declared_check_is_computed_somewhere_and_ordered():
    from projections import audit as audit_module
    from projections.checks import CHECKS, FUNCTIONS, SQL_MACROS

    from projections import form5500

    # audit.sql, and the Form 5500 sums' macros generated from ledger.form5500
    sql = (pathlib.Path(audit_module.__file__).parent / "audit.sql").read_text() + "\n".join(form5500.statements())
    assert all(f"MACRO {macro}(k)" in sql for macro in SQL_MACROS)
    assert set(FUNCTIONS) == set(audit_module.JUDGED)
    assert [c.name for c in CHECKS][:3] == ["footing", "statements_agree", "roll_forward"]


def test_the_audit_reads_back_the_findings_the_catch_up_computed_exactly(home):
    """An audit of everything known computes nothing again: the catch-up stored each finding,
    figures and all, and reading them back gives exactly what computing them gives."""
    from projections.audit import compute_findings, stored_findings

    with runner.read_only(home) as connection:
        stored = stored_findings(connection)
        computed = compute_findings(connection)
    assert stored is not None and len(stored) == 6
    assert [f.to_dict() for f in stored] == [f.to_dict() for f in computed]
    assert [f.to_dict() for f in run(home).findings] == [f.to_dict() for f in computed]
