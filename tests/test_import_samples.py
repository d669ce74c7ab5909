"""The importer against the three sample 11-Ks and the press release in tests/data/seeds.

Every expected figure, line number and date below was read off the documents by hand (and
checked with `grep -n`), never copied from the parser's output. Where the documents disagree
with each other (a prior-year figure, a schedule value) the test expects what is PRINTED.
"""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ledger import events as ev
from ledger.batch import FilingBatch, Skipped
from ledger.identity import document_digest, filing_id, normalise_name

from importers import iter_documents, parse_document

SEEDS = Path(__file__).parent / "data" / "seeds"
FY2000, FY2001, FY2002 = "000_7d7b012b68c2cbfb.txt", "001_554202e7201048b9.txt", "002_70e8a79881a820c9.txt"
PRESS_RELEASE = "003_61a9feee0681f8da.txt"
D = Decimal
Y1999, Y2000, Y2001, Y2002 = date(1999, 12, 31), date(2000, 12, 31), date(2001, 12, 31), date(2002, 12, 31)


@functools.cache
def parsed(name: str) -> FilingBatch:
    result = parse_document(name, (SEEDS / name).read_bytes())
    assert isinstance(result, FilingBatch), result
    return result


def events(name: str) -> list[ev.PlanEvent]:
    """The figures and facts read (how each statement was read is tested on its own)."""
    (plan,) = parsed(name).plans
    return [e for e in plan.events if not isinstance(e, ev.StatementRead)]


def printed(name: str, line: int) -> str:
    return (SEEDS / name).read_text().split("\n")[line - 1].rstrip()


def of(name: str, cls: type, section: str | None = None) -> list:
    return [e for e in events(name) if type(e) is cls and (section is None or e.provenance.section == section)]


def one(name: str, cls: type, section: str | None = None, **match):
    found = [e for e in of(name, cls, section) if all(getattr(e, k) == v for k, v in match.items())]
    assert len(found) == 1, (cls.__name__, match, found)
    return found[0]


# -- FY2000: the statement of net assets, every line of both columns --------------------------

H, T, C, R, N = ev.HoldingReported, ev.TotalReported, ev.CashReported, ev.ReceivableReported, ev.NetAssetsReported
NET_ASSETS_2000 = [  # (type, caption as printed, 2000, 1999); "--" is 0
    (H, "Spartan U.S. Treasury Money Market Fund", 600_055, 937_901),
    (H, "Fidelity U.S. Bond Index Fund", 229_207, 228_188),
    (H, "Loomis Sayles Bond Fund", 180_606, 195_900),
    (H, "Fidelity Puritan Fund", 300_752, 432_724),
    (H, "Fidelity Equity Income I Fund", 550_114, 631_250),
    (H, "Fidelity Spartan U.S. Equity Index Fund", 865_996, 1_086_888),
    (H, "Dreyfus Appreciation Fund", 827_182, 958_129),
    (H, "Neuberger Berman Genesis Trust", 271_946, 295_916),
    (H, "Manager's Special Equity Fund", 539_993, 575_733),
    (H, "Mercury HW International Fund", 94_870, 92_946),
    (H, "Cohen & Steers Realty Shares Fund", 93_610, 67_198),
    (H, "Gabelli Growth Fund", 296_215, 0),
    (H, "Janus Overseas Fund", 73_075, 0),
    (H, "Invesco Technology Fund", 171_417, 0),
    (H, "Fidelity Freedom 2010 Fund", 56_982, 9_520),
    (H, "Fidelity Freedom 2020 Fund", 83_035, 13_977),
    (H, "Fidelity Freedom 2030 Fund", 75_877, 31_859),
    (H, "Templeton Developing Markets Trust", 0, 67_063),
    (H, "SOS Staffing Services, Inc. Common Stock", 83_401, 143_930),
    (H, "Participant Loans", 43_536, 48_032),
    (H, "Kemper Advantage III, variable annuity", 0, 34_419),
    (T, "Total investments", 5_437_869, 5_851_573),
    (C, "Cash", 150_241, 69_908),
    (R, "Participant contributions", 64_055, 68_224),
    (R, "Employer contributions", 185_528, 278_515),
    (T, "Total receivables", 249_583, 346_739),
    (N, "Net assets available for benefits", 5_837_693, 6_268_220),
]


def test_expected_2000_statement_foots():
    """The hand-copied expectation is itself consistent, so a typo in it fails here."""
    for column in (2, 3):
        holdings = sum(row[column] for row in NET_ASSETS_2000 if row[0] is H)
        totals = {row[1]: row[column] for row in NET_ASSETS_2000 if row[0] is not H}
        assert holdings == totals["Total investments"]
        receivables = totals["Participant contributions"] + totals["Employer contributions"]
        assert receivables == totals["Total receivables"]
        net = totals["Total investments"] + totals["Cash"] + totals["Total receivables"]
        assert net == totals["Net assets available for benefits"]


def test_2000_statement_of_net_assets_every_line_both_columns():
    got = {
        (type(e), e.label, e.as_of, e.amount)
        for e in events(FY2000)
        if e.provenance.section == "net_assets"
    }
    want = {(cls, label, Y2000, D(a)) for cls, label, a, _ in NET_ASSETS_2000}
    want |= {(cls, label, Y1999, D(b)) for cls, label, _, b in NET_ASSETS_2000}
    assert got == want
    assert len([e for e in events(FY2000) if e.provenance.section == "net_assets"]) == 2 * len(NET_ASSETS_2000)


def test_2000_statement_details():
    pimco = one(FY2000, H, "net_assets", label="Spartan U.S. Treasury Money Market Fund", as_of=Y2000)
    assert pimco.category == "Mutual Funds"
    assert pimco.provenance.column == "2000"
    assert pimco.provenance.line == 152
    assert pimco.provenance.text == "     Spartan U.S. Treasury Money Market Fund    $  600,055   $  937,901"
    stock = one(FY2000, H, "net_assets", label="SOS Staffing Services, Inc. Common Stock", as_of=Y1999)
    assert stock.category == "Other Investments, at fair value"
    assert stock.provenance.column == "1999"
    assert one(FY2000, T, "net_assets", label="Total investments", as_of=Y2000).total == "total_investments"
    assert one(FY2000, T, "net_assets", label="Total receivables", as_of=Y1999).total == "total_receivables"
    assert one(FY2000, R, "net_assets", label="Employer contributions", as_of=Y2000).kind == "employer"
    assert one(FY2000, R, "net_assets", label="Participant contributions", as_of=Y2000).kind == "participant"
    net = one(FY2000, N, "net_assets", as_of=Y2000)
    assert (net.amount, net.provenance.line) == (D(5_837_693), 188)
    assert net.provenance.text == "Net assets available for benefits               $5,837,693   $6,268,220"


# -- Statements of changes ---------------------------------------------------------------------

CHANGES = {  # (type, caption as printed, amount, line); totals keep their printed sign
    FY2000: [
        (ev.ContributionReceived, "Participants", 1_881_455, 207),
        (ev.ContributionReceived, "Employer", 173_589, 208),
        (ev.ContributionReceived, "Rollovers", 87_602, 209),
        (T, "Total contributions", 2_142_646, 211),
        (ev.NetAppreciation, "Net depreciation in fair value of investments", -537_891, 214),
        (ev.InterestAndDividends, "Interest and dividends", 385_809, 215),
        (T, "Total investment loss, net", -152_082, 217),
        (T, "Total additions, net", 1_990_564, 219),
        (ev.BenefitPaid, "Benefits paid to participants", 2_421_091, 221),
        (T, "Net decrease in net assets available for benefits", -430_527, 223),
    ],
    FY2001: [
        (ev.ContributionReceived, "Participant contributions", 892_081, 221),
        # a caption wrapped over two lines: the figure's line is the second
        (ev.NetAppreciation, "Net depreciation in fair value of securities", -545_303, 225),
        (ev.InterestAndDividends, "Interest and dividends", 118_470, 226),
        # the subtotal printed beside the group's last line
        (T, "Investment income (loss)", -426_833, 226),
        (T, "TOTAL ADDITIONS", 465_248, 229),
        (ev.BenefitPaid, "Benefits paid to participants", 2_280_520, 232),
        (T, "NET DECREASE", -1_815_272, 234),
    ],
    FY2002: [
        (ev.ContributionReceived, "Participant contributions", 487_809, 221),
        (ev.NetAppreciation, "Net depreciation in fair value of investments", -481_363, 224),
        (ev.InterestAndDividends, "Interest and dividends", 10_796, 225),
        (T, "Investment income (loss)", -470_567, 225),
        (T, "TOTAL ADDITIONS", 17_242, 227),
        (ev.BenefitPaid, "Benefits paid to participants", 932_199, 230),
        (T, "NET DECREASE", -914_957, 233),
    ],
}
NET_ASSETS_IN_CHANGES = {  # document: ((as_of, amount, line) at the beginning, at the end)
    FY2000: ((Y1999, 6_268_220, 225), (Y2000, 5_837_693, 227)),
    FY2001: ((Y2000, 5_837_693, 237), (Y2001, 4_022_421, 241)),
    FY2002: ((Y2001, 4_022_421, 237), (Y2002, 3_107_464, 241)),
}
YEAR_END = {FY2000: Y2000, FY2001: Y2001, FY2002: Y2002}


@pytest.mark.parametrize("name", list(CHANGES))
def test_expected_changes_roll_forward(name):
    (_, begin, _), (_, end, _) = NET_ASSETS_IN_CHANGES[name]
    flows = sum(
        cls.sign * amount for cls, _, amount, _ in CHANGES[name] if cls is not T
    )
    assert begin + flows == end


@pytest.mark.parametrize("name", list(CHANGES))
def test_statement_of_changes(name):
    got = {
        (type(e), e.label, e.amount, e.provenance.line)
        for e in events(name)
        if e.provenance.section == "changes" and not isinstance(e, N)
    }
    assert got == {(cls, label, D(a), line) for cls, label, a, line in CHANGES[name]}
    for e in events(name):
        if isinstance(e, ev.Flow):
            assert e.as_of == YEAR_END[name]
            assert e.period_start == date(YEAR_END[name].year, 1, 1)
    got_net = {(e.as_of, e.amount, e.provenance.line) for e in of(name, N, "changes")}
    assert got_net == {(d, D(a), line) for d, a, line in NET_ASSETS_IN_CHANGES[name]}


def test_changes_kinds_and_sources():
    sources = {e.label: e.source for e in of(FY2000, ev.ContributionReceived)}
    assert sources == {"Participants": "participant", "Employer": "employer", "Rollovers": "rollover"}
    kinds = {e.label: e.total for e in of(FY2000, T, "changes")}
    assert kinds == {
        "Total contributions": "total_contributions",
        "Total investment loss, net": "total_investment_income",
        "Total additions, net": "total_additions",
        "Net decrease in net assets available for benefits": "net_change",
    }
    assert {e.label: e.total for e in of(FY2001, T, "changes")} == {
        "Investment income (loss)": "total_investment_income",
        "TOTAL ADDITIONS": "total_additions",
        "NET DECREASE": "net_change",
    }
    benefits = one(FY2000, ev.BenefitPaid)
    assert benefits.effect == D(-2_421_091)
    assert benefits.provenance.text == "   Benefits paid to participants                      (2,421,091)"
    wrapped = one(FY2001, ev.NetAppreciation, "changes")
    assert wrapped.provenance.text == "       fair value of securities                         $  (545,303)"
    subtotal = one(FY2001, T, "changes", total="total_investment_income")
    assert subtotal.provenance.text == "     Interest and dividends                                 118,470    (426,833)"


# -- The later statements of net assets: a sample, with the printed discrepancies -------------


@pytest.mark.parametrize(
    ("name", "cls", "label", "as_of", "amount", "line"),
    [
        (FY2001, H, "Spartan U.S. Treasury Money Market Fund", Y2001, 852_540, 166),
        (FY2001, H, "Participant loans", Y2001, 1_046, 185),
        (FY2001, C, "CASH", Y2001, 1_470, 189),
        (FY2001, R, "Employer contributions", Y2001, 0, 192),  # printed "--"
        (FY2001, T, "TOTAL ASSETS", Y2000, 5_837_693, 196),
        (FY2001, ev.LiabilityReported, "REFUND OF EXCESS CONTRIBUTIONS", Y2001, 393, 200),
        (FY2001, T, "TOTAL LIABILITIES", Y2000, 0, 202),
        (FY2001, N, "NET ASSETS AVAILABLE FOR BENEFITS", Y2001, 4_022_421, 204),
        (FY2002, H, "Spartan U.S. Treasury Money Market Fund", Y2002, 732_307, 166),
        (FY2002, H, "Fidelity Fredom 2010 Fund", Y2001, 49_439, 180),  # spelt as printed
        (FY2002, H, "Participant loans", Y2002, 0, 186),
        # 002 prints cash of 4,170 at the end of 2001 where 001 printed 1,470: both are kept
        (FY2002, C, "CASH", Y2001, 4_170, 190),
        (FY2002, C, "CASH", Y2002, 0, 190),
        (FY2002, T, "TOTAL ASSETS", Y2002, 3_107_464, 195),
        (FY2002, T, "TOTAL LIABILITIES", Y2001, 393, 201),
        (FY2002, N, "NET ASSETS AVAILABLE FOR BENEFITS", Y2001, 4_022_421, 204),
    ],
)
def test_later_statements_of_net_assets(name, cls, label, as_of, amount, line):
    e = one(name, cls, "net_assets", label=label, as_of=as_of)
    assert (e.amount, e.provenance.line, e.provenance.column) == (D(amount), line, str(as_of.year))
    assert e.provenance.text == printed(name, line)


def test_net_assets_kinds_of_later_years():
    assert one(FY2001, ev.LiabilityReported, as_of=Y2001).kind == "refund of excess contributions"
    kinds = {e.label: e.total for e in of(FY2001, T, "net_assets") if e.as_of == Y2001}
    assert kinds == {
        "TOTAL INVESTMENTS": "total_investments",
        "TOTAL RECEIVABLES": "total_receivables",
        "TOTAL ASSETS": "total_assets",
        "TOTAL LIABILITIES": "total_liabilities",
    }
    assert one(FY2002, H, "net_assets", label="SOS Staffing Services, Inc. common stock", as_of=Y2002).category == (
        "Other Investments"
    )
    assert len(of(FY2001, H, "net_assets")) == 2 * 19
    assert len(of(FY2002, H, "net_assets")) == 2 * 19


# -- Schedule H, line 4i -------------------------------------------------------------------------

SCHEDULE_H_2000 = [  # (line of the value, issuer, shares, current value, party in interest)
    (556, "Spartan U.S. Treasury Money Market Fund", 600_055, 600_055, True),
    (559, "Fidelity U.S. Bond Index Fund", 21_644, 229_207, True),
    (562, "Loomis Sayles Bond Fund", 16_330, 180_606, False),
    (565, "Fidelity Puritan Fund", 15_972, 300_752, True),
    (568, "Fidelity Equity Income I Fund", 10_296, 550_114, True),
    (571, "Fidelity Spartan U.S. Equity Index Fund", 18_500, 865_996, True),
    (574, "Dreyfus Appreciation Fund", 19_264, 827_182, False),
    (577, "Neuberger Berman Genesis Trust", 10_166, 271_946, False),
    (580, "Manager's Special Equity Fund", 7_031, 539_993, False),
    (583, "Mercury HW International Fund", 3_860, 94_870, False),
    # the table's continuation page
    (604, "Cohen & Steers Realty Shares Fund", 2_115, 93_610, False),
    (607, "Gabelli Growth Fund", 7_838, 296_215, False),
    (610, "Janus Overseas Fund", 2_753, 73_075, False),
    (613, "Invesco Technology Fund", 2_868, 171_417, False),
    (616, "Fidelity Freedom 2010 Fund", 4_117, 56_982, True),
    (619, "Fidelity Freedom 2020 Fund", 5_703, 83_035, True),
    (622, "Fidelity Freedom 2030 Fund", 5_058, 75_877, True),
    (625, "SOS Staffing Services, Inc.", 47_658, 83_401, True),
    (628, "Participant loans", None, 43_536, True),
]


def test_schedule_h_2000_every_row():
    rows = of(FY2000, H, "schedule_h_4i")
    got = {(e.provenance.line, e.issuer, e.shares, e.amount, e.party_in_interest) for e in rows}
    want = {(line, issuer, None if s is None else D(s), D(v), star) for line, issuer, s, v, star in SCHEDULE_H_2000}
    assert got == want
    assert len(rows) == len(SCHEDULE_H_2000)
    assert {e.as_of for e in rows} == {Y2000}
    assert {e.cost for e in rows} == {None}  # the schedule prints no cost column
    money_market = one(FY2000, H, "schedule_h_4i", issuer="Spartan U.S. Treasury Money Market Fund")
    assert money_market.description == "600,055 shares of money market fund"  # wrapped over two lines
    assert money_market.provenance.text == (
        "   *     Spartan U.S. Treasury Money Market Fund     600,055 shares of                 $     600,055"
    )
    loans = one(FY2000, H, "schedule_h_4i", issuer="Participant loans")
    assert loans.description == "Interest rates ranging from 9.25% to 9.5%"


def test_schedule_h_agrees_with_2000_statement():
    """Identity 4 holds in FY2000: the schedule's rows sum to the statement's investments."""
    assert sum(row[3] for row in SCHEDULE_H_2000) == 5_437_869


def test_schedule_h_rows_wrapped_differently():
    """001 wraps the issuer ('... Money Market' / 'Fund'), 002 puts the value on the next line."""
    mm = one(FY2001, H, "schedule_h_4i", issuer="Spartan U.S. Treasury Money Market Fund")
    assert (mm.shares, mm.amount, mm.party_in_interest, mm.provenance.line) == (D(852_540), D(852_540), True, 450)
    assert mm.description == "852,540 shares of money market fund"
    loan = one(FY2001, H, "schedule_h_4i", issuer="Participant loan")
    assert (loan.amount, loan.shares, loan.party_in_interest, loan.provenance.line) == (D(1_046), None, True, 487)
    assert loan.description == "8.5% interest rate, secured by participant's account balance"
    loomis = one(FY2001, H, "schedule_h_4i", issuer="Loomis Sayles Bond Fund")
    assert (loomis.shares, loomis.amount, loomis.party_in_interest) == (D(15_102), D(157_665), False)
    assert len(of(FY2001, H, "schedule_h_4i")) == 19

    bond = one(FY2002, H, "schedule_h_4i", issuer="Fidelity U.S. Bond Index Fund")
    assert (bond.shares, bond.amount, bond.party_in_interest, bond.provenance.line) == (D(26_246), D(295_005), True, 442)
    assert bond.provenance.text == printed(FY2002, 442)
    stock = one(FY2002, H, "schedule_h_4i", issuer="SOS Staffing Services, Inc.")
    assert (stock.shares, stock.amount, stock.provenance.line) == (D(88_921), D(44_460), 490)
    assert len(of(FY2002, H, "schedule_h_4i")) == 18


def test_schedule_h_2002_money_market_as_printed():
    """The schedule prints 732,597 where the statement prints 732,307: both are kept."""
    row = one(FY2002, H, "schedule_h_4i", issuer="Spartan U.S. Treasury Money Market Fund")
    assert (row.amount, row.shares, row.provenance.line) == (D(732_597), D(732_849), 439)
    statement = one(FY2002, H, "net_assets", label="Spartan U.S. Treasury Money Market Fund", as_of=Y2002)
    assert statement.amount == D(732_307)


# -- Schedule G, part III: the deemed loan ------------------------------------------------------


def test_deemed_loan_2000():
    made = one(FY2000, ev.DeemedLoanMade)
    repaid = one(FY2000, ev.DeemedLoanRepaid)
    assert (made.as_of, made.principal, made.rate, made.maturity) == (
        date(1998, 7, 1), D(9_627), D("16.5"), date(2000, 6, 28)
    )
    assert made.counterparty == "SOS Staffing Services, Inc."
    assert (made.provenance.section, made.provenance.line) == ("schedule_g_iii", 655)
    assert made.provenance.text == printed(FY2000, 655)
    assert (repaid.as_of, repaid.principal, repaid.interest, repaid.rate, repaid.start_date) == (
        date(2000, 6, 28), D(9_627), D(3_430), D("16.5"), date(1998, 7, 1)
    )
    assert repaid.provenance.line == 664  # "(a) Interest of $3,430 was remitted to the Plan on June 28, 2000"
    assert repaid.loan == made.loan
    assert not of(FY2000, ev.NonexemptTransactionReported)
    assert not of(FY2001, ev.DeemedLoanMade) and not of(FY2002, ev.DeemedLoanMade)


# -- Notes -------------------------------------------------------------------------------------


def test_forfeitures():
    balance = one(FY2000, ev.ForfeitureBalanceReported)
    assert (balance.as_of, balance.amount, balance.approximate, balance.provenance.line) == (
        Y2000, D(149_952), True, 295
    )
    assert not of(FY2000, ev.ForfeituresReallocated)  # "will be used": nothing used yet

    assert [(e.as_of, e.amount, e.approximate) for e in of(FY2001, ev.ForfeitureBalanceReported)] == [
        (Y2001, D(127_451), True)
    ]
    # note B ("matching contributions of approximately $150,000 ... through re-allocation of
    # forfeited accounts") and note G ("approximately $149,952 from forfeited accounts was
    # allocated") both print the year's reallocation: both are kept, as printed
    used = [(e.as_of, e.amount, e.use, e.approximate, e.provenance.line) for e in of(FY2001, ev.ForfeituresReallocated)]
    assert used == [
        (Y2001, D(150_000), "reallocated_to_participants", True, 287),
        (Y2001, D(149_952), "reallocated_to_participants", True, 340),
    ]
    assert [(e.as_of, e.amount) for e in of(FY2002, ev.ForfeitureBalanceReported)] == [(Y2002, D(43_700))]
    assert [(e.amount, e.use, e.provenance.line) for e in of(FY2002, ev.ForfeituresReallocated)] == [
        (D(127_800), "reallocated_to_participants", 284),
        (D(127_800), "reallocated_to_participants", 337),
    ]


def test_participant_loans():
    fy2000 = one(FY2000, ev.ParticipantLoansReported)
    assert (fy2000.as_of, fy2000.rate_low, fy2000.rate_high, fy2000.count, fy2000.balance) == (
        Y2000, D("9.25"), D("9.5"), None, None
    )
    assert fy2000.provenance.line == 451
    fy2001 = one(FY2001, ev.ParticipantLoansReported)
    assert (fy2001.as_of, fy2001.count, fy2001.rate_low, fy2001.rate_high) == (Y2001, 1, D("8.5"), D("8.5"))
    fy2002 = one(FY2002, ev.ParticipantLoansReported)
    assert (fy2002.as_of, fy2002.count, fy2002.balance, fy2002.provenance.line) == (Y2002, 0, D(0), 326)


def test_matching_formula_where_given():
    formula = one(FY2000, ev.MatchingFormulaReported)
    assert (formula.match_percent, formula.limit_amount, formula.limit_percent) == (D("33.3333"), D(2_000), None)
    assert "33-1/3 percent" in formula.text
    assert formula.provenance.line == 278
    # 2001 and 2002: "discretionary matching contributions", no formula printed
    assert not of(FY2001, ev.MatchingFormulaReported)
    assert not of(FY2002, ev.MatchingFormulaReported)


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        (FY2000, []),  # no split printed
        (FY2001, [("mutual funds", -500_554, 393), ("common stock", -44_749, 394)]),
        (FY2002, [("mutual funds", -427_778, 388), ("common stock", -53_585, 389)]),
    ],
)
def test_appreciation_split_by_asset_class_in_the_notes(name, rows):
    """'depreciated in value by $545,303 as follows:' and a table: kept in the notes' section, so
    the statement of changes' own line is not counted twice."""
    got = [(e.asset_class, e.amount, e.provenance.line) for e in of(name, ev.NetAppreciation, "notes")]
    assert got == [(cls, D(a), line) for cls, a, line in rows]
    if rows:
        assert sum(a for _, a, _ in rows) == CHANGES[name][1][2]  # the statement's printed total


@pytest.mark.parametrize(("name", "line"), [(FY2000, 288), (FY2001, 307), (FY2002, 303)])
def test_vesting_schedule(name, line):
    schedule = one(name, ev.VestingScheduleReported)
    assert [(s.years, s.percent) for s in schedule.steps] == [(0, D(0)), (3, D(50)), (4, D(75)), (5, D(100))]
    assert schedule.provenance.line == line


# -- The plan, the filing, the dates -----------------------------------------------------------

FILING_FACTS = {  # signed (known_at), auditor, EIN, plan number
    FY2000: (date(2001, 6, 28), "ARTHUR ANDERSEN LLP", "", ""),  # "Date: June 28, 2001"
    FY2001: (date(2002, 5, 30), "Wisan, Smith, Racker & Prescott, LLP", "87-0295503", "002"),  # report date
    FY2002: (date(2003, 6, 30), "Wisan, Smith, Racker & Prescott, LLP", "87-0295503", "002"),  # certification
}


@pytest.mark.parametrize("name", list(FILING_FACTS))
def test_plan_and_filing(name):
    batch = parsed(name)
    data = (SEEDS / name).read_bytes()
    assert batch.digest == document_digest(data)
    assert batch.filing_id == filing_id(batch.digest)
    signed, auditor, ein, number = FILING_FACTS[name]
    (plan,) = batch.plans
    assert plan.plan.name == "SOS Staffing Services, Inc. 401 (k) Plan"
    assert plan.plan.sponsor == "SOS Staffing Services, Inc."
    assert (plan.plan.ein, plan.plan.plan_number) == (ein, number)
    identified = one(name, ev.PlanIdentified)
    assert (identified.name, identified.ein, identified.plan_number) == (plan.plan.name, ein, number)
    filing = one(name, ev.FilingReported)
    year_end = YEAR_END[name]
    assert (filing.as_of, filing.period_start, filing.prior_year_end) == (
        year_end, date(year_end.year, 1, 1), date(year_end.year - 1, 12, 31)
    )
    assert (filing.form, filing.document, filing.digest, filing.filing_id) == ("11-K", name, batch.digest, batch.filing_id)
    assert (filing.date_signed, filing.auditor, filing.unit) == (signed, auditor, "dollars")
    for e in events(name):
        assert e.known_at == signed
        assert e.provenance.filing_id == batch.filing_id
        assert e.provenance.text == printed(name, e.provenance.line)
        assert (e.originator_id, e.originator_version) == (ev.NIL, 0)
        if isinstance(e, ev.HoldingReported):
            assert e.investment == ""


def test_three_filings_name_one_plan():
    refs = [parsed(name).plans[0].plan for name in (FY2000, FY2001, FY2002)]
    assert len({normalise_name(r.name) for r in refs}) == 1
    assert {r.ein for r in refs if r.ein} == {"87-0295503"}


def test_amounts_are_exact_decimals():
    for name in (FY2000, FY2001, FY2002):
        for e in events(name):
            for field in ("amount", "principal", "interest", "rate", "shares", "cost", "balance"):
                value = getattr(e, field, None)
                assert value is None or type(value) is Decimal, (e, field)


def test_press_release_is_skipped_with_a_reason():
    result = parse_document(PRESS_RELEASE, (SEEDS / PRESS_RELEASE).read_bytes())
    assert isinstance(result, Skipped)
    assert "press release" in result.reason
    assert "no statement of net assets" in result.reason


def test_iter_documents_walks_folders_sorted_and_skips_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("b/2.txt", "a.txt", ".secret.txt", ".hidden/x.txt", "b/1.txt"):
        (tmp_path / name).write_text("x")
    single = tmp_path / "a.txt"
    assert list(iter_documents([tmp_path])) == [tmp_path / "a.txt", tmp_path / "b" / "1.txt", tmp_path / "b" / "2.txt"]
    assert list(iter_documents([single, tmp_path / "b"])) == [single, tmp_path / "b" / "1.txt", tmp_path / "b" / "2.txt"]
