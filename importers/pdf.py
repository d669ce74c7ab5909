"""The PDF reader: a filing's text layer laid out as fixed-width lines for the plain-text reader.

A PDF has no lines or columns, only characters at positions. Laid out on a character grid (one
column per typical character width), captions start where they start and figures end where they
end, so columns line up as in a typed filing and the plain-text reader finds the tables by the
same alignment. What a PDF adds is repaired here: digit groups a kerning gap split ("1 1,234")
are joined, and rules drawn as lines (not as dashes) become lines of dashes under their columns,
so a subtotal keeps the rule above it. A page stored turned (landscape) is read as shown. Lines
are numbered over the whole document; each block's `Source.where` names the page and the line.

pypdfium2 (PDFium, the engine of Chrome's viewer) reads the PDF: it opens damaged files as a
browser would and takes milliseconds a page, where pdfminer-based readers take a tenth of a second.
"""

from __future__ import annotations

import ctypes
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import msgspec
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from importers.errors import ParseError
from importers.model import Block, Document, Source, Table, Text
from importers.plaintext import read_lines
from importers.text import MAX_BYTES, Line

MAX_PAGES = 500
"""Pages read at most; an 11-K with its exhibits runs to a few dozen."""
MAX_CHARS = 2_000_000
"""Characters read at most over the document, so a hostile text layer costs bounded time."""
_MAX_PATHS = 5_000  # drawn objects looked at per page for rules (a chart draws thousands)
_MAX_COLUMNS = 400  # the grid is never finer than this many columns across the widest page
_MAX_BLANKS = 3  # blank lines kept for a vertical gap: as many as end a table
_RULE_HEIGHT = 3.0  # points: a drawn object this thin and wider than tall is a rule
_JOIN_GAP = 0.45  # ems: a gap this small between digit groups is kerning inside one number
_WORD_GAP = 0.1  # ems: a larger gap between characters starts a new word
_APART = 1.6  # columns: words further apart stand in different cells (two spaces or more)
_SIGNS = frozenset({"$", "(", "$(", "($"})
_NUMERIC = re.compile(r"[$(]{0,2}(?:\d[\d,.]*\)?|-{1,3}|\u2014|\u2013|-0-)")
_GROUP_HEAD = re.compile(r"[$(]{0,2}[\d,]+")
_GROUP_TAIL = re.compile(r"[\d,]+\)?")
_GROUPED = re.compile(r"[$(]{0,2}\d{1,3}(?:,\d{3})+\)?")


@dataclass(slots=True)
class _Char:
    text: str
    x0: float
    x1: float
    y: float  # baseline, growing up the page
    size: float  # font size in points


_Turn = Callable[[float, float], tuple[float, float]]


@dataclass(frozen=True, slots=True)
class _Rule:
    x0: float
    x1: float
    y: float


@dataclass(frozen=True, slots=True)
class _Page:
    number: int  # 1-based
    lines: list[list[_Char]]  # characters by baseline, top line first, each line left to right
    rules: list[_Rule]


@dataclass(slots=True)
class _Word:
    text: str
    x0: float
    x1: float
    size: float

    @property
    def numeric(self) -> bool:
        return bool(_NUMERIC.fullmatch(self.text))


@dataclass(frozen=True, slots=True)
class _Grid:
    """The document's character grid: where column 0 is, a column's width, a line's height."""

    left: float
    pitch: float
    leading: float

    def column(self, x: float) -> int:
        """The column at x; whatever sits far off the text (a stray rule) stays within bounds."""
        return min(max(0, round((x - self.left) / self.pitch)), 2 * _MAX_COLUMNS)


def read_pdf(name: str, data: bytes) -> Document:
    """The filing's model, read from its text layer; a ParseError naming what cannot be read."""
    pages = _pages(data)
    lines, places = _lay_out(pages)
    return Document(name, tuple(_placed(block, places) for block in read_lines(lines)))


# -- Reading the PDF ------------------------------------------------------------------------

def _pages(data: bytes) -> list[_Page]:
    if len(data) > MAX_BYTES:
        raise ParseError(f"document too large: {len(data):,} bytes (limit {MAX_BYTES:,})")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise ParseError(f"PDF cannot be opened: {e}") from None
    try:
        if len(pdf) > MAX_PAGES:
            raise ParseError(f"PDF too long: {len(pdf):,} pages (limit {MAX_PAGES:,})")
        pages: list[_Page] = []
        budget = MAX_CHARS
        for number in range(1, len(pdf) + 1):
            page = _page(pdf, number, budget)
            budget -= sum(map(len, page.lines))
            pages.append(page)
    finally:
        pdf.close()
    if not any(page.lines for page in pages):
        raise ParseError("PDF without a text layer (a scanned image?): page 1 has no text")
    return pages


def _page(pdf: pdfium.PdfDocument, number: int, budget: int) -> _Page:
    try:
        page = pdf[number - 1]
    except pdfium.PdfiumError as e:
        raise ParseError(f"PDF cannot be opened: page {number}: {e}") from None
    try:
        turn = _turn(page)
        chars = _chars(page, budget, turn)
        if not chars and _has_image(page):
            raise ParseError(f"PDF without a text layer (a scanned image?): page {number} has no text")
        return _Page(number, _text_lines(chars), _rules(page, turn))
    finally:
        page.close()


def _turn(page: pdfium.PdfPage) -> _Turn | None:
    """From the page as stored to the page as shown, for a page stored turned (landscape)."""
    width, height = page.get_size()  # as shown
    return {
        90: lambda x, y: (y, height - x),
        180: lambda x, y: (width - x, height - y),
        270: lambda x, y: (width - y, x),
    }.get(page.get_rotation())


def _box(left: float, bottom: float, right: float, top: float, turn: _Turn | None) -> tuple[float, float, float, float]:
    """A box as shown: (left, bottom, right, top)."""
    if turn is None:
        return left, bottom, right, top
    (x0, y0), (x1, y1) = turn(left, bottom), turn(right, top)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _chars(page: pdfium.PdfPage, budget: int, turn: _Turn | None) -> list[_Char]:
    """The page's printed characters, spaces left out (PDFium generates only spaces and line ends)."""
    textpage = page.get_textpage()
    try:
        raw = textpage.raw
        count = max(0, textpage.count_chars())
        if count > budget:
            raise ParseError(f"PDF too large: over {MAX_CHARS:,} characters of text")
        codes = (ctypes.c_ushort * (count + 1))()
        pdfium_c.FPDFText_GetText(raw, 0, count, codes)  # UTF-16, one unit a character
        box, x, y = pdfium_c.FS_RECTF(), ctypes.c_double(), ctypes.c_double()
        chars = []
        for i, code in enumerate(codes[:count]):
            if 0xD800 <= code < 0xE000:  # past the BMP: ask for the character itself
                code = pdfium_c.FPDFText_GetUnicode(raw, i)
            text = chr(code) if 0 < code < 0x110000 else ""
            if not text or text.isspace():
                continue
            pdfium_c.FPDFText_GetLooseCharBox(raw, i, box)
            pdfium_c.FPDFText_GetCharOrigin(raw, i, x, y)
            left, bottom, right, top = _box(box.left, box.bottom, box.right, box.top, turn)
            base = turn(x.value, y.value)[1] if turn else y.value
            size = pdfium_c.FPDFText_GetFontSize(raw, i) or top - bottom
            chars.append(_Char(text, left, max(right, left), base, size))
        return chars
    finally:
        textpage.close()


def _rules(page: pdfium.PdfPage, turn: _Turn | None) -> list[_Rule]:
    """Drawn lines and thin rectangles wider than tall: the underlines of a typeset table."""
    rules = []
    for obj in itertools.islice(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2), _MAX_PATHS):
        left, bottom, right, top = _box(*obj.get_bounds(), turn)
        if top - bottom <= _RULE_HEIGHT and right - left >= 4 * (top - bottom) and right - left >= 6:
            rules.append(_Rule(left, right, (top + bottom) / 2))
    return rules


def _has_image(page: pdfium.PdfPage) -> bool:
    return next(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2), None) is not None


# -- Laying it out as text ------------------------------------------------------------------

def _lay_out(pages: list[_Page]) -> tuple[list[Line], dict[int, str]]:
    """Fixed-width lines numbered over the document, and each line's "page P, line L"."""
    grid = _grid(pages)
    lines: list[Line] = []
    places: dict[int, str] = {}
    for page in pages:
        for n, text in enumerate(_page_lines(page, grid), start=1):
            no = len(lines) + 1
            lines.append(Line(no, text, text, page_break=n == 1))
            places[no] = f"page {page.number}, line {n}"
    return lines, places


def _grid(pages: list[_Page]) -> _Grid:
    """One grid for the document: the median character width, so text neither gains nor loses
    columns on average, and the most common distance between baselines."""
    chars = [c for page in pages for line in page.lines for c in line]
    widest = max(c.x1 for c in chars) - min(c.x0 for c in chars)
    pitch = max(statistics.median(c.x1 - c.x0 for c in chars), widest / _MAX_COLUMNS, 0.01)
    steps = Counter(round(a[0].y - b[0].y, 1) for page in pages for a, b in itertools.pairwise(page.lines))
    sizes = statistics.median(c.size for c in chars)
    leading = max((step for step, _ in steps.most_common(1)), default=1.2 * sizes)
    return _Grid(min(c.x0 for c in chars), pitch, max(leading, 0.5 * sizes, 0.01))


def _text_lines(chars: list[_Char]) -> list[list[_Char]]:
    """Characters grouped by baseline, top line first, each line in reading order."""
    lines: list[list[_Char]] = []
    for c in sorted(chars, key=lambda c: -c.y):
        if lines and abs(lines[-1][0].y - c.y) <= 0.3 * max(c.size, lines[-1][0].size):
            lines[-1].append(c)
        else:
            lines.append([c])
    return [sorted(line, key=lambda c: c.x0) for line in lines]


def _page_lines(page: _Page, grid: _Grid) -> list[str]:
    """The page's text lines and rule lines top to bottom, with blank lines for vertical gaps."""
    rows = [(line[0].y, _text(_words(line), grid)) for line in page.lines]
    rows += [(y, _rule_text(rules, grid)) for y, rules in _rule_rows(page.rules, grid)]
    rows.sort(key=lambda r: -r[0])
    out: list[str] = []
    above: float | None = None  # the y of the row above (none on a page without text)
    for y, text in rows:
        if above is not None:
            out += [""] * min(_MAX_BLANKS, max(0, round((above - y) / grid.leading) - 1))
        out.append(text)
        above = y
    return out


def _words(line: list[_Char]) -> list[_Word]:
    """The line's words: characters without a gap between them (a character printed twice over
    itself, as fake bold does, counts once), digit groups split by kerning joined."""
    words: list[_Word] = []
    last: _Char | None = None
    for c in line:
        if last is not None and c.text == last.text and abs(c.x0 - last.x0) < 0.2 * (last.x1 - last.x0):
            continue
        if words and last is not None and c.x0 - last.x1 <= _WORD_GAP * c.size:
            words[-1].text += c.text
            words[-1].x1 = max(words[-1].x1, c.x1)
        else:
            words.append(_Word(c.text, c.x0, c.x1, c.size))
        last = c
    return _joined(words)


def _joined(words: list[_Word]) -> list[_Word]:
    """'1 1,234,567' -> '11,234,567' where the gap is kerning: small against the font size, and
    the pieces make one well-grouped number."""
    out: list[_Word] = []
    for w in words:
        if out and _one_number(out[-1], w):
            out[-1].text += w.text
            out[-1].x1 = w.x1
        else:
            out.append(w)
    return out


def _one_number(head: _Word, tail: _Word) -> bool:
    return (
        tail.x0 - head.x1 < _JOIN_GAP * max(head.size, tail.size)
        and bool(_GROUP_HEAD.fullmatch(head.text))
        and bool(_GROUP_TAIL.fullmatch(tail.text))
        and bool(_GROUPED.fullmatch(head.text + tail.text))
    )


def _text(words: list[_Word], grid: _Grid) -> str:
    """The words on the grid: text at the column it starts in, a figure ending at the column it
    ends in (typists align figures by their right edge), two spaces at least between words that
    stand apart and one between words of a phrase."""
    out = ""
    previous: _Word | None = None
    for w in words:
        apart = previous is None or w.x0 - previous.x1 > _APART * grid.pitch
        anchor = grid.column(w.x1) - len(w.text) if w.numeric else grid.column(w.x0)
        if previous is None:
            start = anchor
        elif apart:
            start = max(anchor, len(out) + 2)
        elif w.numeric and previous.text in _SIGNS:
            start = max(anchor, len(out) + 1)
        else:
            start = len(out) + 1
        out = out.ljust(start) + w.text
        previous = w
    return out


def _rule_rows(rules: list[_Rule], grid: _Grid) -> list[tuple[float, list[_Rule]]]:
    """Rules at about the same height (the two strokes of a double rule) as one rule line."""
    rows: list[tuple[float, list[_Rule]]] = []
    for rule in sorted(rules, key=lambda r: -r.y):
        if rows and rows[-1][0] - rule.y <= 0.4 * grid.leading:
            rows[-1][1].append(rule)
        else:
            rows.append((rule.y, [rule]))
    return rows


def _rule_text(rules: list[_Rule], grid: _Grid) -> str:
    """Dashes over the columns the rules span."""
    cells = bytearray(b" " * (max(grid.column(r.x1) for r in rules) + 1))
    for r in rules:
        start, end = grid.column(r.x0), grid.column(r.x1)
        cells[start:end] = b"-" * (end - start)
    return cells.decode().rstrip()


# -- Provenance -----------------------------------------------------------------------------

def _placed(block: Block, places: dict[int, str]) -> Block:
    """The block with its page and line in every source."""
    if isinstance(block, Text):
        return msgspec.structs.replace(block, source=_where(block.source, places))
    assert isinstance(block, Table)
    rows = tuple(msgspec.structs.replace(row, source=_where(row.source, places)) for row in block.rows)
    return msgspec.structs.replace(block, source=_where(block.source, places), rows=rows)


def _where(source: Source, places: dict[int, str]) -> Source:
    return msgspec.structs.replace(source, where=places.get(source.line, ""))
