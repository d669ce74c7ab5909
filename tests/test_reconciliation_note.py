"""The note reconciling the financial statements to the Form 5500, read back to its events.

The example note is the one a real 11-K prints (two year columns for net assets, one year for
benefits paid, "Less:"/"Add:" prefixes, parentheses, a dash); the generated notes are printed
from truth events by bench.layouts (text) and bench.html_render (HTML) in drifting layouts.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from bench.html_render import VARIANTS, render_html, render_submission
from bench.layouts import Layout, render
from bench.pdf_render import render_pdf
from bench.reconciliation import read_back, with_reconciliations
from bench.synth import rich_filings
from importers import parse_document
from ledger import events as ev
from ledger.batch import FilingBatch

NOTE = """
3.  Reconciliation of Financial Statements to Form 5500

    The following is a reconciliation of net assets available for benefits per the financial
    statements to the Form 5500 at December 31:

                                                               2023            2022
    Net assets available for benefits per the financial
      statements                                         $ 125,402,118   $ 110,220,931
    Less: Benefits payable                                     (215,430)       (98,002)
    Adjustment from contract value to fair value for
      fully benefit-responsive investment contracts             41,220          12,877
    Deemed distributions of participant loans                  (18,500)             --
    Net assets available for benefits per the Form 5500  $ 125,209,408   $ 110,135,806

    The following is a reconciliation of benefits paid to participants per the financial
    statements to the Form 5500 for the year ended December 31, 2023:

    Benefits paid to participants per the financial statements      $ 9,876,543
    Add: Amounts allocated to withdrawing participants at December 31, 2023   215,430
    Less: Amounts allocated to withdrawing participants at December 31, 2022   (98,002)
    Deemed distributions of participant loans                             18,500
    Benefits paid to participants per the Form 5500                   $ 10,012,471
"""
ADJUSTMENT = "Adjustment from contract value to fair value for fully benefit-responsive investment contracts"
ANCHOR = "Investments are reported at fair value."


def plain_filing() -> str:
    """A generated 11-K in plain text, without a reconciliation note."""
    return render(next(rich_filings(1, 1, seed=3)), Layout())


def with_note(note: str) -> str:
    text = plain_filing()
    at = text.index("\n", text.index(ANCHOR))
    return text[:at] + "\n" + note + text[at:]


def reconciliations(result) -> list[ev.Form5500ReconciliationReported]:
    assert isinstance(result, FilingBatch), result
    return [e for plan in result.plans for e in plan.events if isinstance(e, ev.Form5500ReconciliationReported)]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_example_note_reads_back_exactly():
    text = with_note(NOTE)
    found = reconciliations(parse_document("note.txt", text.encode()))
    by = {(e.measure, e.as_of): e for e in found}
    assert set(by) == {("net_assets", date(2023, 12, 31)), ("net_assets", date(2022, 12, 31)), ("benefits", date(2023, 12, 31))}
    five_500 = line_of(text, "per the Form 5500  $ 125,209,408")
    now, then = by[("net_assets", date(2023, 12, 31))], by[("net_assets", date(2022, 12, 31))]
    assert (now.per_statements, now.per_form_5500, now.period_start) == (Decimal("125402118"), Decimal("125209408"), None)
    assert [(i.label, i.amount, i.line) for i in now.items] == [
        ("Benefits payable", Decimal("-215430"), line_of(text, "Less: Benefits payable")),
        (ADJUSTMENT, Decimal("41220"), line_of(text, "fully benefit-responsive")),
        ("Deemed distributions of participant loans", Decimal("-18500"), line_of(text, "(18,500)")),
    ]
    assert (now.label, now.provenance.section, now.provenance.line, now.provenance.column) == (
        "Net assets available for benefits per the Form 5500", "notes", five_500, "2023")
    assert (then.per_statements, then.per_form_5500, then.provenance.line, then.provenance.column) == (
        Decimal("110220931"), Decimal("110135806"), five_500, "2022")
    assert [(i.label, i.amount) for i in then.items] == [("Benefits payable", Decimal("-98002")), (ADJUSTMENT, Decimal("12877"))]
    benefits = by[("benefits", date(2023, 12, 31))]
    assert (benefits.per_statements, benefits.per_form_5500, benefits.period_start) == (
        Decimal("9876543"), Decimal("10012471"), date(2023, 1, 1))
    assert [(i.label, i.amount, i.line) for i in benefits.items] == [
        ("Amounts allocated to withdrawing participants at December 31, 2023", Decimal("215430"), line_of(text, "2023   215,430")),
        ("Amounts allocated to withdrawing participants at December 31, 2022", Decimal("-98002"), line_of(text, "2022   (98,002)")),
        ("Deemed distributions of participant loans", Decimal("18500"), line_of(text, "loans                             18,500")),
    ]
    assert benefits.provenance.line == line_of(text, "$ 10,012,471")


def test_a_column_that_does_not_foot_gives_no_event():
    broken = NOTE.replace("$ 125,209,408", "$ 125,209,418")
    found = reconciliations(parse_document("note.txt", with_note(broken).encode()))
    assert {(e.measure, e.as_of) for e in found} == {("net_assets", date(2022, 12, 31)), ("benefits", date(2023, 12, 31))}


def test_signs_the_figures_cannot_decide_give_no_event():
    """Two unprefixed items of 500 moving 10,000 to 10,000: +500 -500 or -500 +500, no telling."""
    note = """
3.  Reconciliation of Financial Statements to Form 5500

    Participant loans per the financial statements at December 31, 2023      $ 10,000
    Loans defaulted during the year                                               500
    Loans reinstated during the year                                              500
    Participant loans per the Form 5500                                       $ 10,000
"""
    assert reconciliations(parse_document("note.txt", with_note(note).encode())) == []


def test_less_over_the_items_and_magnitudes_without_parentheses():
    note = """
3.  Reconciliation of Financial Statements to Form 5500

    The following reconciles net assets available for benefits per the financial statements
    to the Form 5500 at December 31, 2023:

    Net assets available for benefits per the financial statements      $ 5,000,000
    Less:
        Benefits payable                                                     12,000
        Deemed distributions of participant loans                             3,000
    Net assets available for benefits per the Form 5500                 $ 4,985,000
"""
    (found,) = reconciliations(parse_document("note.txt", with_note(note).encode()))
    assert (found.measure, found.as_of, found.provenance.column) == ("net_assets", date(2023, 12, 31), "")
    assert [(i.label, i.amount) for i in found.items] == [
        ("Benefits payable", Decimal("-12000")), ("Deemed distributions of participant loans", Decimal("-3000"))]


def test_a_filing_without_the_note_prints_and_reads_as_before():
    filing = next(rich_filings(1, 1, seed=3))
    result = parse_document("plain.txt", render(filing, Layout()).encode())
    assert reconciliations(result) == []
    assert "Form 5500" not in render(filing, Layout())


def generated(count: int, seed: int):
    """Filings with truth reconciliations, each in a layout of its own."""
    rng = random.Random(f"test-reconciliation/{seed}")
    for filing in rich_filings(count, 1, seed=seed):
        yield with_reconciliations(filing, rng), Layout.draw(rng)


def figure_lines(document: str, event: ev.Form5500ReconciliationReported) -> bool:
    """Each item's line (and the Form 5500 line) is where its figure is printed."""
    lines = document.splitlines()
    found = [(i.line, i.amount) for i in event.items] + [(event.provenance.line, event.per_form_5500)]
    return all(f"{abs(amount):,}" in lines[line - 1] for line, amount in found)


def printed(filing, layout: Layout, fmt: str) -> tuple[str, str]:
    """The document and its file name's ending."""
    if fmt == "text":
        return render(filing, layout), "txt"
    if fmt == "submission":
        return render_submission(filing, layout, "font_soup"), "txt"
    return render_html(filing, layout, fmt), "htm"


@pytest.mark.layouts
@pytest.mark.parametrize("fmt", ["text", *VARIANTS])
def test_generated_notes_read_back_exactly(fmt):
    count = 0
    for filing, layout in generated(12, seed=515):
        document, suffix = printed(filing, layout, fmt)
        result = parse_document(f"{filing.batch.document}.{suffix}", document.encode())
        want = read_back(filing.batch)
        assert read_back(result) == want, (fmt, layout.describe())
        assert all(figure_lines(document, e) for e in reconciliations(result)), (fmt, layout.describe())
        count += sum(want.values())
    assert count >= 20


@pytest.mark.layouts
def test_generated_notes_read_back_exactly_from_pdf():
    for filing, layout in generated(4, seed=516):
        result = parse_document("note.pdf", render_pdf(render(filing, layout), "proportional"))
        assert read_back(result) == read_back(filing.batch), layout.describe()


@pytest.mark.parametrize("fmt", ["text", "css_colspan", "submission"])
def test_the_printed_filing_names_the_plan_as_a_form_5500_does(fmt):
    """The EIN and plan number the cover prints are the plan's: a Form 5500 resolves to it."""
    for filing, layout in generated(4, seed=77):
        document, suffix = printed(filing, layout, fmt)
        result = parse_document(f"plan.{suffix}", document.encode())
        truth = filing.batch.plans[0].plan
        assert (result.plans[0].plan.ein, result.plans[0].plan.plan_number) == (truth.ein, truth.plan_number)


def test_an_item_naming_the_form_is_not_taken_for_its_figure():
    note = """
3.  Reconciliation of Financial Statements to Form 5500

    The following reconciles net assets available for benefits per the financial statements
    to the Form 5500 at December 31, 2023:

    Net assets available for benefits per the financial statements      $ 5,000,000
    Benefits payable recorded on the Form 5500                              (12,000)
    Net assets available for benefits per Schedule H of the Form 5500   $ 4,988,000
"""
    (found,) = reconciliations(parse_document("note.txt", with_note(note).encode()))
    assert (found.per_form_5500, found.label) == (Decimal("4988000"), "Net assets available for benefits per Schedule H of the Form 5500")
    assert [(i.label, i.amount) for i in found.items] == [("Benefits payable recorded on the Form 5500", Decimal("-12000"))]
