"""Any layout of a consistent filing, printed as HTML in any typist's style (bench/html_render),
as inline XBRL or inside an EDGAR submission, reads back to its figures and audits clean.

The same truths and layouts as tests/test_layout_properties.py; only the markup differs, so a
failure here and not there is the HTML reader's.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.html_render import VARIANTS, render_html, render_submission, submission_facts
from bench.layouts import Layout, figures
from bench.synth import Filing
from importers import parse_document
from importers.formats import read_model
from importers.tagged import disagreements
from importers.model import Table
from ledger import events as ev
from ledger.batch import FilingBatch
from tests.test_layout_properties import audited, layouts, truth, truths

variants = st.sampled_from(VARIANTS)


def read_back(document: str, name: str, layout: Layout) -> FilingBatch:
    parsed = parse_document(name, document.encode())
    assert isinstance(parsed, FilingBatch), f"{parsed} [{layout.describe()}]"
    return parsed


def assert_same_figures(filing: Filing, layout: Layout, parsed: FilingBatch, variant: str) -> None:
    want, got = figures(filing.batch, layout), figures(parsed)
    assert got == want, (f"[{variant}; {layout.describe()}] missing: {sorted(want - got, key=str)}; "
                         f"extra: {sorted(got - want, key=str)}")


@settings(derandomize=True, max_examples=40, deadline=None)
@given(filing=truths(), layout=layouts(), variant=variants)
def test_any_html_layout_reads_back_every_figure(filing, layout, variant):
    document = render_html(filing, layout, variant)
    assert_same_figures(filing, layout, read_back(document, "filing.htm", layout), variant)


@settings(derandomize=True, max_examples=10, deadline=None)
@given(filing=truths(discrepancy=True), layout=layouts(), variant=variants)
def test_a_planted_figure_in_html_reads_back_as_printed(filing, layout, variant):
    document = render_html(filing, layout, variant)
    assert_same_figures(filing, layout, read_back(document, "filing.htm", layout), variant)


@settings(derandomize=True, max_examples=4, deadline=None)
@given(filing=truths(), layout=layouts(), variant=variants)
def test_a_consistent_html_filing_audits_clean(filing, layout, variant):
    findings = audited(read_back(render_html(filing, layout, variant), "filing.htm", layout))
    assert [(f.check, f.as_of, f.subject) for f in findings] == [], f"{variant}; {layout.describe()}"


@settings(derandomize=True, max_examples=15, deadline=None)
@given(filing=truths(), layout=layouts(), variant=variants)
def test_an_edgar_submission_reads_back_with_its_header(filing, layout, variant):
    parsed = read_back(render_submission(filing, layout, variant), "0000950123.txt", layout)
    assert_same_figures(filing, layout, parsed, variant)
    (submitted,) = [e for e in parsed.plans[0].events if isinstance(e, ev.SubmissionReported)]
    facts = submission_facts(filing)
    assert {k: getattr(submitted, k) for k in facts} == facts


@settings(derandomize=True, max_examples=3, deadline=None)
@given(filing=truths(), layout=layouts(), variant=variants)
def test_a_consistent_submission_audits_clean(filing, layout, variant):
    findings = audited(read_back(render_submission(filing, layout, variant), "0000950123.txt", layout))
    assert [(f.check, f.as_of, f.subject) for f in findings] == [], f"{variant}; {layout.describe()}"


# -- Inline XBRL: every statement figure keeps its fact ----------------------------------------


@settings(derandomize=True, max_examples=10, deadline=None)
@given(filing=truths(), layout=layouts())
def test_inline_xbrl_facts_stand_beside_every_statement_figure(filing, layout):
    doc = read_model("filing.htm", render_html(filing, layout, "ixbrl").encode())
    end = next(e for e in filing.batch.plans[0].events if isinstance(e, ev.FilingReported))
    tagged = [f for table in _statement_tables(doc) for row in table.rows for f in row.figures if f is not None]
    assert tagged and all(f.fact is not None for f in tagged)
    assert {f.fact.end for f in tagged} == {end.as_of, end.prior_year_end}
    assert {f.fact.start for f in tagged} == {None, end.period_start}
    assert all(f.fact.entity.startswith("plantest:EBP") for f in tagged)
    assert all(f.fact.scale == (3 if filing.scale == 1000 else 0) for f in tagged)
    assert disagreements(doc) == []


def test_a_tag_that_disagrees_with_its_printed_figure_is_reported():
    filing = truth(3)
    document = render_html(filing, Layout(), "ixbrl")
    scale = 'scale="3"' if filing.scale == 1000 else 'scale="0"'
    first = document.index(scale, document.index("<body"))
    document = document[:first] + 'scale="2"' + document[first + len(scale):]
    doc = read_model("filing.htm", document.encode())
    [(source, printed, tagged, concept, _)] = disagreements(doc)
    assert tagged == printed * 100 / (1000 if filing.scale == 1000 else 1) and concept.startswith("plantest:")
    assert source.where.startswith("table ") and printed != Decimal(0)
    batch = parse_document("filing.htm", document.encode())
    assert isinstance(batch, FilingBatch)
    (finding,) = audited(batch)
    assert (finding.check, finding.expected, finding.actual) == ("xbrl_tag", printed, tagged)
    assert finding.subject == f"tag:{concept}" and finding.sources[0]["line"] == source.line


def _statement_tables(doc):
    """The tables tagged with facts: the statements."""
    return [b for b in doc.blocks if isinstance(b, Table) and any(f is not None and f.fact for r in b.rows for f in r.figures)]
