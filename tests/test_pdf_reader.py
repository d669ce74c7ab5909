"""A filing printed as a PDF reads back to the figures of its truth, whatever the layout and the
way it was printed (`bench.pdf_render`), and audits clean; a PDF that cannot be read is refused
by name; every figure read from a PDF names its page and line."""

from __future__ import annotations

import io
import itertools
import random

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from bench.layouts import Layout, figures, render
from bench.pdf_render import STYLES, render_pdf
from importers import parse_document
from importers.formats import read_model
from importers.model import Table
from importers.pdf import _lay_out, _pages
from ledger import events as ev
from ledger.batch import FilingBatch, Rejected
from tests.test_layout_properties import audited, layouts, truth, truths

pytestmark = pytest.mark.layouts


def read_back(filing, layout: Layout, style: str) -> FilingBatch:
    pdf = render_pdf(render(filing, layout), style)
    parsed = parse_document(filing.batch.document.replace(".txt", ".pdf"), pdf)
    assert isinstance(parsed, FilingBatch), f"{parsed} [{style}; {layout.describe()}]"
    return parsed


@pytest.mark.parametrize("style", STYLES)
@settings(derandomize=True, max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(filing=truths(discrepancy=True), layout=layouts())
def test_a_pdf_in_any_layout_reads_back_every_figure(style, filing, layout):
    """Whenever the plain-text reader reads the document right (its own tests measure that), the
    PDF of it reads back every figure of the truth."""
    want = figures(filing.batch, layout)
    as_text = parse_document(filing.batch.document, render(filing, layout).encode())
    assume(isinstance(as_text, FilingBatch) and figures(as_text) == want)
    got = figures(read_back(filing, layout, style))
    assert got == want, (f"[{style}; {layout.describe()}] missing: {sorted(want - got, key=str)}; "
                         f"extra: {sorted(got - want, key=str)}")


@pytest.mark.parametrize("style", STYLES)
@settings(derandomize=True, max_examples=4, deadline=None)
@given(filing=truths(), layout=layouts())
def test_a_consistent_filing_as_a_pdf_audits_clean(style, filing, layout):
    findings = audited(read_back(filing, layout, style))
    assert [(f.check, f.as_of, f.subject) for f in findings] == [], f"{style}; {layout.describe()}"


@pytest.mark.parametrize("turn", [90, 270])
def test_pages_stored_turned_read_as_shown(turn):
    filing, layout = truth(4), Layout(single_rule="-")
    parsed = parse_document("turned.pdf", render_pdf(render(filing, layout), "proportional", turn))
    assert isinstance(parsed, FilingBatch) and figures(parsed) == figures(filing.batch, layout)


def test_rendering_is_deterministic():
    text = render(truth(5), Layout.draw(random.Random(5)))
    for style in STYLES:
        assert render_pdf(text, style) == render_pdf(text, style)


def test_kerned_figures_are_split_in_the_text_layer_and_joined_by_the_reader():
    """The kerned style really splits figures (else the test above proves nothing)."""
    text = render(truth(1), Layout(dollars="none"))
    kerned = render_pdf(text, "kerned")
    chars = [c for page in _pages(kerned) for line in page.lines for c in line]
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(chars) if a.text.isdigit() and b.text.isdigit()]
    assert any(1.0 < gap < 4.0 for gap in gaps)  # points: a kerning gap, far narrower than between columns
    laid_out = "\n".join(line.text for line in _lay_out(_pages(kerned))[0])
    big = [e.amount for e in truth(1).batch.plans[0].events if isinstance(e, ev.NetAssetsReported)]
    assert all(f"{abs(a) // truth(1).scale:,}" in laid_out for a in big)


def test_drawn_rules_become_dash_lines_and_subtotals_keep_their_rule():
    text = render(truth(1), Layout(single_rule="-", double_rule="="))
    pdf = render_pdf(text, "proportional")
    assert "---" not in "".join(c.text for page in _pages(pdf) for line in page.lines for c in line)
    tables = [b for b in read_model("x.pdf", pdf).blocks if isinstance(b, Table)]
    ruled = [row for table in tables for row in table.rows if row.rule_above]
    assert any("net assets" in row.caption.lower() for row in ruled)


# -- Provenance -----------------------------------------------------------------------------

def test_every_figure_names_its_page_and_line():
    filing, layout = truth(3), Layout()
    pdf = render_pdf(render(filing, layout), "proportional")
    lines, _ = _lay_out(_pages(pdf))
    pages = {}  # page -> its lines, as the reader laid them out
    for line in lines:
        if line.page_break:
            pages[len(pages) + 1] = []
        pages[len(pages)].append(line.text)
    rows = [row for b in read_model("x.pdf", pdf).blocks if isinstance(b, Table) for row in b.rows]
    assert rows and all(row.source.where.startswith("page ") for row in rows)
    for row in rows:
        page, line = (int(word.strip(",")) for word in row.source.where.split()[1::2])
        assert pages[page][line - 1] == row.source.text == lines[row.source.line - 1].text
    net_assets = next(r for r in rows if r.caption.lower().startswith("net assets available") and r.has_figures)
    assert net_assets.source.where.startswith("page 3, line ")


def test_the_events_cite_the_line_as_laid_out():
    parsed = read_back(truth(3), Layout(), "mono")
    event = next(e for e in parsed.plans[0].events
                 if isinstance(e, ev.NetAssetsReported) and e.provenance.section == "net_assets")
    assert f"{event.amount // truth(3).scale:,}" in event.provenance.text


# -- PDFs that cannot be read ---------------------------------------------------------------

def pdf_of(draw, **canvas) -> bytes:
    out = io.BytesIO()
    c = Canvas(out, invariant=1, **canvas)
    draw(c)
    c.save()
    return out.getvalue()


def rejected(data: bytes) -> Rejected:
    result = parse_document("bad.pdf", data)
    assert isinstance(result, Rejected), result
    assert not result.reason.startswith("internal parser error"), result.reason
    return result


def test_a_scanned_pdf_is_refused_by_name():
    scan = Image.new("L", (40, 20), 255)

    def draw(c: Canvas) -> None:
        c.drawString(72, 720, "Form 11-K")
        c.showPage()
        c.drawInlineImage(scan, 72, 72, 400, 200)
        c.showPage()

    reason = rejected(pdf_of(draw)).reason
    assert reason == "PDF without a text layer (a scanned image?): page 2 has no text"


def test_an_encrypted_pdf_is_refused_by_name():
    reason = rejected(pdf_of(lambda c: c.drawString(72, 720, "Form 11-K"), encrypt="secret")).reason
    assert reason.startswith("PDF cannot be opened: ") and "password" in reason.lower()


@pytest.mark.parametrize("data", [b"%PDF-1.4\n" + bytes(range(256)) * 8, b"%PDF-1.7\n%%EOF\n", b"%PDF"])
def test_a_broken_pdf_is_refused_by_name(data):
    assert rejected(data).reason.startswith(("PDF cannot be opened: ", "PDF without a text layer"))


@settings(derandomize=True, max_examples=40, deadline=None)
@given(cut=st.integers(8, 5000), flips=st.lists(st.tuples(st.integers(0, 20_000), st.integers(0, 255)), max_size=8))
@example(cut=8, flips=[(210, 0)])  # a page left with no text at all
def test_a_damaged_pdf_never_breaks_the_reader(cut, flips):
    data = bytearray(render_pdf(render(truth(2), Layout()), "proportional"))
    for at, byte in flips:
        data[at % len(data)] = byte
    damaged = bytes(data[: len(data) - cut])
    result = parse_document("damaged.pdf", damaged)
    assert not (isinstance(result, Rejected) and result.reason.startswith("internal parser error")), result.reason
