"""A plain-text filing (`bench.layouts.render`) printed as a PDF, so the PDF reader is measured on
the same truths as the plain-text one.

Three styles, each a way real 11-Ks reach the SEC as PDFs:
- `mono`: the text in Courier, one PDF page per `<PAGE>`, rules printed as characters;
- `proportional`: Helvetica, captions left-aligned and figures right-aligned at the text's column
  stops, rules drawn as lines (no dash characters left in the text layer);
- `kerned`: `proportional` with a kerning gap inside large figures ("1 1,234,567"), as a word
  processor's justification leaves them.
Rendering is deterministic (reportlab's invariant mode): the same text gives the same bytes.

    python -m bench.pdf_render --seed 11 --plans 40 --years 5   # parse rates: plain text against each PDF style
"""

from __future__ import annotations

import argparse
import io
import re
import tempfile
import time
from pathlib import Path

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from bench.measure_layouts import read_back, write_documents
from bench.synth import rich_filings
from importers import parse_document
from importers.text import is_rule, parse_amount, rule_segments

STYLES = ("mono", "proportional", "kerned")
PITCH = 6.0  # points per column of the text: Courier 10 pt
LEADING = 12.0
MARGIN = 36.0
_HELVETICA = 8.5  # its capitals stay within a column on average
_KERN = 0.25  # the gap put inside a large figure, in ems
_RUN = re.compile(r"\S+(?: \S+)*")  # words one space apart: one cell of the line
_FIGURE = re.compile(r"(?:\$ *)?(?:\(|\$\(|\(\$)?[0-9][0-9,.]*\)?|\$? *(?:-{1,3}|\u2014|-0-)")


def render_pdf(text: str, style: str = "mono", turn: int = 0) -> bytes:
    """The document as a PDF in one of `STYLES`; with `turn` (90 or 270), every page is stored
    turned that way and its content counter-turned, so it shows upright as landscape scans do."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}: one of {STYLES}")
    pages = [page.split("\n") for page in text.split("\n<PAGE>\n")]
    width = max(612.0, 2 * MARGIN + PITCH * max(len(line) for page in pages for line in page))
    height = max(792.0, 2 * MARGIN + LEADING * max(len(page) for page in pages))
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, height), invariant=1, pageCompression=1)  # turned by reportlab itself
    for page in pages:
        canvas.setPageRotation(turn)
        canvas.saveState()
        if turn:  # from the page as shown to the page as stored
            canvas.transform(*{90: (0, 1, -1, 0, height, 0), 270: (0, -1, 1, 0, 0, width)}[turn])
        for n, line in enumerate(page):
            y = height - MARGIN - LEADING * (n + 1)
            if style == "mono":
                canvas.setFont("Courier", PITCH / 0.6)
                canvas.drawString(MARGIN, y, line.rstrip())
            else:
                _proportional(canvas, line, y, kerned=style == "kerned")
        canvas.restoreState()
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _proportional(canvas: Canvas, line: str, y: float, kerned: bool) -> None:
    if is_rule(line):
        _rules(canvas, line, y)
        return
    canvas.setFont("Helvetica", _HELVETICA)
    for m in _RUN.finditer(line):
        cell = m.group()
        if _FIGURE.fullmatch(cell):  # a figure: its right edge on the column stop
            right = MARGIN + PITCH * m.end()
            if kerned and _large(cell):
                _kerned(canvas, cell, right, y)
            else:
                canvas.drawRightString(right, y, cell)
        else:
            canvas.drawString(MARGIN + PITCH * m.start(), y, cell)


def _rules(canvas: Canvas, line: str, y: float) -> None:
    """Each run of dashes as a drawn line over its columns, two lines for '='."""
    middle = y + LEADING / 3
    canvas.setLineWidth(0.6)
    for start, end in rule_segments(line):
        x0, x1 = MARGIN + PITCH * start, MARGIN + PITCH * end
        if "=" in line[start:end]:
            canvas.line(x0, middle + 1, x1, middle + 1)
            canvas.line(x0, middle - 1, x1, middle - 1)
        else:
            canvas.line(x0, middle, x1, middle)


def _large(cell: str) -> bool:
    value = parse_amount(cell.split()[-1])
    return value is not None and abs(value) >= 10_000


def _kerned(canvas: Canvas, cell: str, right: float, y: float) -> None:
    """The figure in two pieces with a gap between them, its right edge where it belongs: the
    cut falls after its first digit, or after a comma, by the figure's own digits."""
    digits = [i for i, c in enumerate(cell) if c.isdigit()]
    commas = [i + 1 for i, c in enumerate(cell) if c == ","]
    cuts = [digits[0] + 1, *commas]
    cut = cuts[sum(map(ord, cell)) % len(cuts)]
    head, tail = cell[:cut], cell[cut:]
    canvas.drawRightString(right, y, tail)
    gap = _KERN * _HELVETICA
    canvas.drawRightString(right - stringWidth(tail, "Helvetica", _HELVETICA) - gap, y, head)


# -- Measuring ------------------------------------------------------------------------------

def measure(seed: int, plans: int, years: int) -> dict[str, dict]:
    """Per printing (the plain text, then each PDF style) of the same drifting-layout filings:
    documents parsed per second in this process, and how many read back every figure."""
    with tempfile.TemporaryDirectory() as tmp:
        documents = write_documents(list(rich_filings(plans, years, seed=seed)), seed, Path(tmp))
        texts = [d.path.read_text() for d in documents]
    out = {}
    for style in ("text", *STYLES):
        data = [t.encode() if style == "text" else render_pdf(t, style) for t in texts]
        started = time.perf_counter()
        parsed = [parse_document(f"{n}.{style}", d) for n, d in enumerate(data)]
        elapsed = time.perf_counter() - started
        out[style] = {"documents_per_second": round(len(data) / elapsed, 1),
                      "read_back_exactly": read_back(documents, parsed)["exact"], "documents": len(data)}
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Parse rates of the same filings as plain text and as PDFs")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--plans", type=int, default=40)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args(argv)
    rates = measure(args.seed, args.plans, args.years)
    for style, r in rates.items():
        ratio = r["documents_per_second"] / rates["text"]["documents_per_second"]
        print(f"{style:<13} {r['documents_per_second']:>7} documents/s ({ratio:.2f} of text)  "
              f"read back exactly {r['read_back_exactly']} / {r['documents']}")


if __name__ == "__main__":
    main()
