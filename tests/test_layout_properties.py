"""Any layout of a consistent filing reads back to its figures, and audits clean.

The documents come from `bench.layouts` (a typist's habits drawn at random) printing rich
plan-years from `bench.synth.rich_filings`; the importer is seen only through `parse_document`,
the ledger and the audit. Many of these fail against an importer that reads fixed layouts: that
is what they measure. Run them alone with `pytest -m layouts`.
"""

from __future__ import annotations

import itertools
import random
import re
import tempfile
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.layouts import CHOICES, Layout, figures, render
from bench.measure_layouts import DRIFT, drifted, measure
from bench.synth import Filing, rich_features, rich_filings
from importers import parse_document
from ledger import events as ev
from ledger.application import Ledger
from ledger.batch import FilingBatch
from projections import runner
from projections.audit import audit

pytestmark = pytest.mark.layouts

PLANTED_CHECKS = {"footing", "schedule_h", "continuity"}


def layouts() -> st.SearchStrategy[Layout]:
    """Every knob drawn independently from its choices."""
    return st.fixed_dictionaries({name: st.sampled_from(options) for name, options in CHOICES.items()}).map(
        lambda knobs: Layout(**knobs))


def truths(discrepancy: bool = False) -> st.SearchStrategy[Filing]:
    """A plan-year of a plan drawn from a seed (its shape varies with the seed)."""
    return st.integers(0, 10_000).map(lambda s: truth(s, discrepancy))


@cache
def truth(seed: int, discrepancy: bool = False) -> Filing:
    return next(rich_filings(1, 1, seed=seed, discrepancy_rate=1.0 if discrepancy else 0.0))


def read_back(filing: Filing, layout: Layout) -> FilingBatch:
    document = render(filing, layout)
    parsed = parse_document(filing.batch.document, document.encode())
    assert isinstance(parsed, FilingBatch), f"{parsed} [{layout.describe()}]"
    return parsed


def assert_same_figures(filing: Filing, layout: Layout) -> None:
    parsed = read_back(filing, layout)
    want, got = figures(filing.batch, layout), figures(parsed)
    assert got == want, (f"[{layout.describe()}] missing: {sorted(want - got, key=str)}; "
                         f"extra: {sorted(got - want, key=str)}")


def audited(batch: FilingBatch) -> list:
    """The audit's findings on a fresh ledger holding this one filing."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        ledger = Ledger.open(home)
        try:
            ledger.record_many([batch])
            runner.catch_up(ledger, home)
        finally:
            ledger.close()
        with runner.read_only(home) as connection:
            return audit(connection).findings


# -- The generator's truth is consistent (these must pass whatever the importer) ------------

@pytest.mark.parametrize("seed", range(3))
def test_rich_truth_keeps_every_identity(seed):
    filings = list(rich_filings(8, 4, seed=seed))
    for filing in filings:
        events = filing.batch.plans[0].events
        filed = next(e for e in events if isinstance(e, ev.FilingReported))
        for as_of in (filed.as_of, filed.prior_year_end):
            assert statement_foots(events, as_of), (filing.batch.document, as_of)
        assert rolls_forward(events, filed), filing.batch.document
        assert schedule_h_agrees(events, filed.as_of), filing.batch.document
        assert all(e.amount % filing.scale == 0 for e in events
                   if isinstance(e, ev.Balance | ev.Flow) and e.provenance.section in ("net_assets", "changes"))
    for one, two in itertools.pairwise(filings):
        if one.batch.plans[0].plan == two.batch.plans[0].plan:
            assert continues(one, two)


def amounts(events, cls, as_of: date, section: str = "net_assets", **match) -> list[Decimal]:
    return [e.amount for e in events if type(e) is cls and e.as_of == as_of and e.provenance.section == section
            and all(getattr(e, k) == v for k, v in match.items())]


def statement_foots(events, as_of: date) -> bool:
    holdings = sum(amounts(events, ev.HoldingReported, as_of))
    assets = holdings + sum(amounts(events, ev.CashReported, as_of)) + sum(amounts(events, ev.ReceivableReported, as_of))
    net = assets - sum(amounts(events, ev.LiabilityReported, as_of)) + sum(amounts(events, ev.ValueAdjustmentReported, as_of))
    printed = {e.total: e.amount for e in events
               if isinstance(e, ev.TotalReported) and e.as_of == as_of and e.provenance.section == "net_assets"}
    return (amounts(events, ev.NetAssetsReported, as_of) == [net]
            and printed.get("total_assets", assets) == assets
            and printed.get("total_investments", holdings) == holdings)


def rolls_forward(events, filed: ev.FilingReported) -> bool:
    flows = sum(e.effect for e in events if isinstance(e, ev.Flow) and e.provenance.section == "changes")
    (begin,) = amounts(events, ev.NetAssetsReported, filed.prior_year_end, "changes")
    (end,) = amounts(events, ev.NetAssetsReported, filed.as_of, "changes")
    (change,) = [e.amount for e in events if isinstance(e, ev.TotalReported) and e.total == "net_change"]
    balances = {e.as_of: e.amount for e in events if isinstance(e, ev.ForfeitureBalanceReported)}
    (used,) = [e.amount for e in events if isinstance(e, ev.ForfeituresReallocated)]
    return begin + flows == end and end - begin == change and balances[filed.as_of] >= balances[filed.prior_year_end] - used


def schedule_h_agrees(events, as_of: date) -> bool:
    scheduled = sum(amounts(events, ev.HoldingReported, as_of, "schedule_h_4i"))
    loans = amounts(events, ev.ReceivableReported, as_of, kind="participant_loans")
    return scheduled == sum(amounts(events, ev.HoldingReported, as_of)) + sum(loans)


def continues(one: Filing, two: Filing) -> bool:
    """The later filing's prior-year column is the earlier filing's current one (a total printed
    in only one of them is no disagreement)."""
    year_end = one.batch.plans[0].events[1].as_of

    def column(filing: Filing) -> dict[tuple, Decimal]:
        return {(type(e).__name__, e.label, getattr(e, "total", "")): e.amount for e in filing.batch.plans[0].events
                if isinstance(e, ev.Balance) and e.provenance.section == "net_assets" and e.as_of == year_end}

    earlier, later = column(one), column(two)
    items = {k for k in earlier | later if k[0] != "TotalReported"}
    return items <= earlier.keys() & later.keys() and all(earlier[k] == later[k] for k in earlier.keys() & later.keys())


@settings(derandomize=True, max_examples=40, deadline=None)
@given(filing=truths(discrepancy=True), layout=layouts())
def test_every_figure_of_the_truth_is_printed(filing, layout):
    """The generator's own check: whatever the layout, each figure appears, in its unit."""
    document = render(filing, layout)
    for section, _, _, amount, _ in figures(filing.batch):
        unit = filing.scale if section in ("net_assets", "changes") else 1
        assert amount == 0 or f"{abs(amount) // unit:,}" in document, (section, amount, layout.describe())


def test_rendering_is_deterministic_and_each_layout_differs():
    filing = truth(5)
    drawn = [Layout.draw(random.Random(i)) for i in range(2)]
    assert render(filing, drawn[0]) == render(filing, drawn[0])
    assert render(filing, drawn[0]) != render(filing, drawn[1])


def test_three_columns_print_parts_that_sum_to_the_total():
    document = render(truth(2), Layout(three_columns=True, dollars="none", single_rule="", double_rule=""))
    changes = document.split("Statement of Changes")[1].split("<PAGE>")[0]
    rows = [[printed(f) for f in line.split()[-3:]] for line in changes.splitlines()
            if len(line.split()) > 3 and all(FIGURE.fullmatch(f) for f in line.split()[-3:])]
    assert len(rows) > 8 and all(a + b == total for a, b, total in rows)


FIGURE = re.compile(r"\(?[\d,]+\)?|--")


def printed(figure: str) -> int:
    return 0 if figure == "--" else int(figure.strip("()").replace(",", "")) * (-1 if figure.startswith("(") else 1)


# -- Any layout reads back to the truth -----------------------------------------------------

@settings(derandomize=True, max_examples=60, deadline=None)
@given(filing=truths(), layout=layouts())
def test_any_layout_reads_back_every_figure(filing, layout):
    assert_same_figures(filing, layout)


@settings(derandomize=True, max_examples=25, deadline=None)
@given(filing=truths(discrepancy=True), layout=layouts())
def test_a_planted_figure_reads_back_as_printed(filing, layout):
    assert_same_figures(filing, layout)


@settings(derandomize=True, max_examples=6, deadline=None)
@given(filing=truths(), layout=layouts())
def test_a_consistent_filing_in_any_layout_audits_clean(filing, layout):
    findings = audited(read_back(filing, layout))
    assert [(f.check, f.as_of, f.subject) for f in findings] == [], layout.describe()


@settings(derandomize=True, max_examples=6, deadline=None)
@given(filing=truths(discrepancy=True), layout=layouts())
def test_a_planted_figure_in_any_layout_is_found_on_its_date(filing, layout):
    findings = audited(read_back(filing, layout))
    planted = filing.planted
    assert any(f.as_of == planted.as_of and f.check in PLANTED_CHECKS for f in findings), (str(planted), layout.describe())
    assert all(f.as_of == planted.as_of for f in findings), (str(planted), layout.describe())


# -- One layout habit at a time, on fixed plan-years: a failure names the habit ---------------

TRUTH_FAMILIES = ("in_thousands", "june_year_end", "loans_as_notes_receivable", "contract_value_adjustment",
                  "liabilities", "transfers", "depreciation", "no_printed_totals_but_net_assets")


@cache
def plan_year(*wanted: str) -> Filing:
    """The first drawn plan-year with exactly these features, so a test varies one thing at a time."""
    return next(f for seed in range(2000) if rich_features(f := truth(seed)) == frozenset(wanted))


@pytest.mark.parametrize("family", TRUTH_FAMILIES)
def test_plan_year_family_reads_back_in_the_plainest_layout(family):
    assert_same_figures(plan_year(family), Layout())


def test_a_plain_plan_year_reads_back_in_the_plainest_layout():
    assert_same_figures(plan_year(), Layout())


LAYOUT_FAMILIES = {
    **{f"thousands_caption={c}": ({"thousands_caption": c}, ("in_thousands",))
       for c in CHOICES["thousands_caption"]},
    "three_columns": ({"three_columns": True}, ()),
    "three_columns_continued": ({"three_columns": True, "continued": "changes"}, ()),
    "continued_net_assets": ({"continued": "net_assets", "page_numbers": "plain"}, ()),
    "continued_changes": ({"continued": "changes", "page_numbers": "dashed"}, ()),
    "prior_year_first": ({"prior_first": True}, ()),
    "income_before_contributions": ({"income_first": True}, ()),
    "net_investment_income": ({"income_caption": "Net investment income"}, ()),
    "bare_total": ({"subtotals": "bare"}, ()),
    "unlabelled_subtotals": ({"subtotals": "unlabelled"}, ()),
    "deductions_in_parentheses": ({"deductions": "parens"}, ()),
    "negatives_by_caption": ({"negatives": "caption"}, ("depreciation",)),
    "captions_starting_with_parenthesis": ({"paren_captions": True}, ("depreciation",)),
    "upper_case": ({"case": "upper"}, ()),
    "sentence_case": ({"case": "sentence"}, ()),
    "wrapped_captions": ({"wrap": 30, "case": "sentence"}, ("contract_value_adjustment",)),
    "wrapped_upper_case": ({"wrap": 30, "case": "upper"}, ()),
    "dollar_on_every_line": ({"dollars": "every"}, ()),
    "dollar_tight": ({"dollars": "first_and_total", "dollar_tight": True}, ()),
    "no_dollar_signs": ({"dollars": "none"}, ()),
    **{f"zero={z}": ({"zero": z}, ()) for z in CHOICES["zero"]},
    **{f"single_rule={r!r}": ({"single_rule": r}, ()) for r in CHOICES["single_rule"]},
    "no_double_rule": ({"double_rule": ""}, ()),
    "narrow_columns": ({"caption_width": 34, "figure_width": 11, "gap": 1}, ()),
    "wide_columns": ({"caption_width": 60, "figure_width": 16, "gap": 6}, ()),
    "no_hanging_parenthesis": ({"hang": False, "deductions": "parens"}, ()),
    "long_group_headings": ({"long_group_headings": True, "assets_heading": "Assets:"}, ()),
    "investments_heading_with_note": ({"investments_heading": "Investments, at fair value (Note 3):"}, ()),
    "joined_ends": ({"joined_ends": True}, ()),
    "year_over_changes": ({"changes_year_heading": True}, ()),
    "no_underline_under_years": ({"year_underline": False}, ()),
    "other_forfeiture_sentence": ({"forfeiture_sentence": 1}, ()),
    "schedule_h_cost_column": ({"schedule_cost": True}, ()),
}


@pytest.mark.parametrize("family", sorted(LAYOUT_FAMILIES))
def test_layout_family_reads_back(family):
    knobs, needs = LAYOUT_FAMILIES[family]
    assert_same_figures(plan_year(*needs), Layout(**knobs))


# -- The measurement ------------------------------------------------------------------------

def test_the_measurement_accounts_for_every_document(tmp_path):
    out = tmp_path / "filings"
    out.mkdir()
    summary = measure(seed=3, plans=3, years=2, discrepancy_rate=0.5, out=out, home=tmp_path / "home")
    assert summary["documents"] == 6 == len(list(out.iterdir()))
    assert sum(summary["statuses"].values()) == 6
    assert summary["rejected_by_reason"] == {} or sum(summary["rejected_by_reason"].values()) == summary["statuses"]["rejected"]
    assert summary["planted"] == sum(1 for f in rich_filings(3, 2, seed=3, discrepancy_rate=0.5) if f.planted)
    assert sum(summary["false_alarms_by_check"].values()) == summary["false_alarms"]
    assert summary["parse_documents_per_second"] > 0


def test_a_plan_keeps_most_of_its_layout_from_year_to_year():
    first = Layout.draw(random.Random(1))
    later = drifted(first, random.Random(2))
    changed = [f for f in CHOICES if getattr(first, f) != getattr(later, f)]
    assert len(changed) <= DRIFT
