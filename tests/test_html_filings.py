"""Two HTML filings typed by hand in the styles of 2005-2020 EDGAR 11-Ks, read back to the
figures on their pages.

- h1_halvorsen_2007_font_soup: <font> soup with <div> lines, '$' in cells of their own, indents
  by '&nbsp;', rules as <hr> in cells, an em dash for zero, loans among the investments,
  <hr> page breaks, a layout table for the signature.
- h2_corvane_2015_css_colspan: CSS-styled cells (padding-left indents, border-top rules, double
  border under net assets), 'December 31,' spanning both years, notes receivable from
  participants, a cost column of '**', page breaks by page-break-before.

The figures below were copied from the pages by hand (never from a parser's output) and are
checked here against the identities of DOMAIN.md first, so a typo in an expectation fails alone.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from importers import parse_document
from ledger import events as ev
from ledger.batch import FilingBatch, PlanRef
from tests.test_layout_properties import audited

DATA = Path(__file__).parent / "data" / "html"
H, R, L, T, N = ev.HoldingReported, ev.ReceivableReported, ev.LiabilityReported, ev.TotalReported, ev.NetAssetsReported

FILINGS = {
    "h1_halvorsen_2007_font_soup.htm": {
        "plan": PlanRef(name="Halvorsen Tool Company 401(k) Savings Plan", sponsor="Halvorsen Tool Company", ein="", plan_number=""),
        "years": (date(2007, 12, 31), date(2006, 12, 31)),
        "signed": date(2008, 6, 26),
        "auditor": "Lindqvist & Moore, LLP",
        "net_assets": [
            (H, 4_212_880, 3_874_215), (H, 1_035_600, 987_450), (H, 612_340, 590_118), (H, 148_920, 131_007),
            (T, 6_009_740, 5_582_790),
            (R, 18_450, 16_900), (R, 6_210, 5_840), (T, 24_660, 22_740),
            (T, 6_034_400, 5_605_530),
            (L, 4_100, 0),
            (N, 6_030_300, 5_605_530),
        ],
        "items": (4, 2, 1),  # holdings, receivables, liabilities: the rows the totals above add up
        "changes": [
            (ev.NetAppreciation, 298_415), (ev.InterestAndDividends, 176_240), (T, 474_655),
            (ev.ContributionReceived, 512_870), (ev.ContributionReceived, 171_025), (ev.ContributionReceived, 23_400),
            (T, 707_295), (T, 1_181_950),
            (ev.BenefitPaid, 743_960), (ev.AdministrativeExpense, 13_220), (T, 757_180),
            (T, 424_770),
        ],
        "contributions": {"participant": 512_870, "employer": 171_025, "rollover": 23_400},
        "forfeitures": (12_480, 9_765, 7_310),
        "match": (50, 6),
        "schedule_h": [2_104_330, 1_311_250, 797_300, 1_035_600, 612_340, 148_920],
        "party_in_interest": {1_035_600, 148_920},
    },
    "h2_corvane_2015_css_colspan.htm": {
        "plan": PlanRef(name="Corvane Health Systems Retirement Savings Plan", sponsor="Corvane Health Systems, Inc.",
                     ein="54-3318206", plan_number="003"),
        "years": (date(2015, 12, 31), date(2014, 12, 31)),
        "signed": date(2016, 6, 24),
        "auditor": "Abernathy Rusk LLP",
        "net_assets": [
            (H, 18_442_610, 16_905_330), (H, 5_120_475, 4_788_120), (H, 2_310_900, 2_455_080),
            (T, 25_873_985, 24_148_530),
            (R, 612_480, 588_215), (R, 145_300, 139_870), (R, 61_245, 57_610), (T, 819_025, 785_695),
            (T, 26_693_010, 24_934_225),
            (L, 38_140, 29_405),
            (N, 26_654_870, 24_904_820),
        ],
        "items": (3, 3, 1),
        "changes": [
            (ev.NetAppreciation, 1_104_220), (ev.InterestAndDividends, 642_515), (T, 1_746_735),
            (ev.InterestAndDividends, 27_430),
            (ev.ContributionReceived, 1_988_640), (ev.ContributionReceived, 744_310), (ev.ContributionReceived, 156_900),
            (T, 2_889_850), (T, 4_664_015),
            (ev.BenefitPaid, 2_871_240), (ev.AdministrativeExpense, 42_725), (T, 2_913_965),
            (T, 1_750_050),
        ],
        "contributions": {"participant": 1_988_640, "employer": 744_310, "rollover": 156_900},
        "forfeitures": (18_905, 24_610, 52_300),
        "match": (100, 4),
        "schedule_h": [7_850_340, 6_203_110, 4_389_160, 5_120_475, 2_310_900, 612_480],
        "party_in_interest": {2_310_900, 612_480},
    },
}


def _column(expected: dict, k: int) -> list[tuple[type, int]]:
    return [(cls, figures[k]) for cls, *figures in expected["net_assets"]]


@pytest.mark.parametrize("name", sorted(FILINGS))
def test_the_typed_figures_foot_and_roll_forward(name):
    """The expectations themselves keep DOMAIN.md's identities (a typo here fails here)."""
    x = FILINGS[name]
    holdings, receivables, liabilities = x["items"]
    for k in (0, 1):
        column = [v for _, v in _column(x, k)]
        h, rest = column[:holdings], column[holdings:]
        assert sum(h) == rest[0]
        r = rest[1 : 1 + receivables]
        assert sum(r) == rest[1 + receivables] and rest[0] + sum(r) == rest[2 + receivables]
        assert rest[2 + receivables] - sum(rest[3 + receivables : 3 + receivables + liabilities]) == column[-1]
    additions = sum(v for cls, v in x["changes"] if cls in (ev.NetAppreciation, ev.InterestAndDividends, ev.ContributionReceived))
    deductions = sum(v for cls, v in x["changes"] if cls in (ev.BenefitPaid, ev.AdministrativeExpense))
    begin, end = x["net_assets"][-1][2], x["net_assets"][-1][1]
    assert begin + additions - deductions == end == begin + x["changes"][-1][1]
    assert sum(x["schedule_h"]) == x["net_assets"][holdings][1] + sum(
        v for cls, v, _ in x["net_assets"] if cls is R and v == x["schedule_h"][-1])


@pytest.fixture(scope="module", params=sorted(FILINGS))
def filing(request):
    name = request.param
    parsed = parse_document(name, (DATA / name).read_bytes())
    assert isinstance(parsed, FilingBatch), parsed
    return FILINGS[name], parsed.plans[0], parsed


def _printed(events, section: str) -> Counter:
    return Counter((type(e), e.as_of, e.amount) for e in events
                   if e.provenance.section == section and isinstance(e, ev.Balance | ev.Flow))


def test_the_cover_names_the_plan_its_year_auditor_and_signature(filing):
    x, plan, _ = filing
    assert plan.plan == x["plan"]
    reported = next(e for e in plan.events if isinstance(e, ev.FilingReported))
    assert (reported.as_of, reported.prior_year_end) == x["years"]
    assert (reported.date_signed, reported.auditor) == (x["signed"], x["auditor"])


def test_the_statement_of_net_assets_reads_as_printed(filing):
    x, plan, _ = filing
    want = Counter((cls, as_of, v) for cls, *figures in x["net_assets"] for as_of, v in zip(x["years"], figures, strict=True))
    assert _printed(plan.events, "net_assets") == want


def test_the_statement_of_changes_reads_as_printed(filing):
    x, plan, _ = filing
    end, prior = x["years"]
    begin, last = x["net_assets"][-1][2], x["net_assets"][-1][1]
    want = Counter([(cls, end, v) for cls, v in x["changes"]] + [(N, prior, begin), (N, end, last)])
    assert _printed(plan.events, "changes") == want
    contributions = {e.source: e.amount for e in plan.events if isinstance(e, ev.ContributionReceived)}
    assert contributions == x["contributions"]


def test_the_notes_give_forfeitures_and_the_matching_formula(filing):
    x, plan, _ = filing
    end, prior = x["years"]
    now, then, used = x["forfeitures"]
    balances = {e.as_of: e.amount for e in plan.events if isinstance(e, ev.ForfeitureBalanceReported)}
    assert balances == {end: now, prior: then}
    assert [e.amount for e in plan.events if isinstance(e, ev.ForfeituresReallocated)] == [used]
    (formula,) = [e for e in plan.events if isinstance(e, ev.MatchingFormulaReported)]
    assert (formula.match_percent, formula.limit_percent) == x["match"]


def test_schedule_h_reads_each_investment(filing):
    x, plan, _ = filing
    rows = [e for e in plan.events if e.provenance.section == "schedule_h_4i" and isinstance(e, H)]
    assert [e.amount for e in rows] == x["schedule_h"]
    assert {e.amount for e in rows if e.party_in_interest} == x["party_in_interest"]
    assert all(e.provenance.line > 0 and e.provenance.text for e in rows)


def test_a_hand_typed_html_filing_audits_clean(filing):
    """No finding, also where 'Interest income on notes receivable from participants' is printed
    outside the investment income subtotal (the reader's structure foots; the audit's coarse
    sums by kind would not)."""
    _, _, batch = filing
    assert [(f.check, f.as_of, f.subject) for f in audited(batch)] == []
