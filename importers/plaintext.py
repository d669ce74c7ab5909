"""The plain-text reader: a typed or EDGAR text document into the format-free model.

Figures in plain text are tables only by alignment. A table is a run of lines with figures
printed right of a caption, held together by blank lines, rules and caption-only lines, and
ended by prose (a line running into the figures' columns), a page break or a new set of column
headings. Its columns come from the headings printed over the figures (years, dates, words,
an underline) or, without any, from where the figures end. Text columns (Schedule H's issuer and
description) come from the headings too. Wrapped captions are joined here: wrapping is layout.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from importers.errors import ParseError
from importers.model import Document, Figure, Row, Source, Table, Text
from importers.text import (
    is_dateline,
    Figure as PrintedFigure,
    Line,
    decode,
    is_page_number,
    is_rule,
    rule_segments,
    squash,
    trailing_figures,
)

_MAX_FIGURES = 8
_BLANK_GAP = 3  # this many blank lines in a row end a table
_PROSE_WIDTH, _PROSE_WORDS = 60, 10  # a line this long, of this many words, after a gap: prose
_SLACK = 3  # characters a figure may stray from its column's edge
_CELL = re.compile(r"\S+(?: \S+)*")  # words separated by single spaces: one cell of a header
_YEAR_CELL = re.compile(
    r"(?:(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?\s+\d{1,2},?\s+)?(?:19|20)\d{2}",
    re.IGNORECASE,
)
_TAG_COLUMN = re.compile(r"<[SC]>", re.IGNORECASE)
_MAY_HOLD_FIGURES = re.compile(r"[\d\u2013\u2014-]")  # a figure, a year or a dash for zero
_LEADERS = re.compile(r"(?:\s*\.){3,}\s*$|\s*_{3,}\s*$")  # dot leaders between a caption and its figures
_CONNECTORS = frozenset(
    "a an and at by for from in into of on or the to with & less net plus including".split()
)
_SECTION = re.compile(
    r"^(?:additions|deductions|assets|liabilities|investments?|receivables?)\b", re.IGNORECASE
)


def read_text(name: str, data: bytes) -> Document:
    """The document's model; a ParseError where it is not text."""
    return Document(name, tuple(read_lines(decode(data))))


def read_lines(lines: Sequence[Line]) -> list[Text | Table]:
    """Blocks of already decoded lines (a part of a larger file keeps that file's numbering)."""
    return _Reader(lines).blocks()


@dataclass(slots=True)
class _Scan:
    """One line as the table finder sees it."""

    line: Line
    caption: str = ""
    figures: list[PrintedFigure] = field(default_factory=list)
    error: ParseError | None = None  # a mistyped amount: fatal only inside a table
    header: bool = False  # made only of year or date headings
    page_number: bool = False  # a lone number: a page number, unless it stands under a column

    @property
    def caption_end(self) -> int:
        text = self.line.text
        return len(text.rstrip()) if not self.figures else len(text[: self.figures[0].start].rstrip())


def _is_year_header(text: str) -> bool:
    cells = [m.group() for m in _CELL.finditer(text)]
    return bool(cells) and all(_YEAR_CELL.fullmatch(c) for c in cells)


def _scan(line: Line) -> _Scan:
    scan = _Scan(line, page_number=is_page_number(line))
    if line.blank or is_rule(line.text):
        return scan
    if not _MAY_HOLD_FIGURES.search(line.text):
        return scan
    if _is_year_header(line.text):
        scan.header = True
        return scan
    try:
        scan.caption, scan.figures = trailing_figures(line.text, limit=_MAX_FIGURES)
    except ParseError as e:
        scan.error = e
    return scan


class _Reader:
    def __init__(self, lines: Sequence[Line]) -> None:
        self.lines = lines
        self.scans = [_scan(line) for line in lines]

    def blocks(self) -> list[Text | Table]:
        out: list[tuple[int, Text | Table]] = []  # (first line index, block)
        i = 0
        n = len(self.lines)
        while i < n:
            span = self._table_at(i)
            if span is None:
                out.append((i, _text(self.lines[i])))
                i += 1
                continue
            head, body, end = span
            while out and out[-1][0] >= head and isinstance(out[-1][1], Text):
                out.pop()  # the table's headings and first captions, read as text before its figures
            for j in range(out[-1][0] + 1 if out else 0, head):
                out.append((j, _text(self.lines[j])))
            out.append((head, self._table(head, body, end)))
            i = end
        return [block for _, block in out]

    # -- Finding tables --------------------------------------------------------------------

    def _table_at(self, i: int) -> tuple[int, int, int] | None:
        """(first heading line, first body line, end) of a table whose first figure line is i."""
        scan = self.scans[i]
        if not scan.figures or scan.page_number or not scan.caption and scan.figures[0].start < 4 and len(scan.figures) == 1:
            return None
        zone = min(f.start for f in scan.figures)
        body, head = self._head_above(i, zone)
        end = self._end_below(i, zone)
        if end - i < 2 and not self._has_header(head, body):
            return None  # a lone line with a figure: prose, not a table
        return head, body, end

    def _has_header(self, head: int, body: int) -> bool:
        return any(self.scans[j].header or self._words_over(j) for j in range(head, body))

    def _head_above(self, i: int, zone: int) -> tuple[int, int]:
        """Where the table's caption-only rows start (body) and its column headings (head)."""
        body = i
        j = i - 1
        blanks = 0
        indent = self.lines[i].indent
        while j >= 0:  # caption-only rows above the first figures, up to a title or a header
            scan = self.scans[j]
            line = scan.line
            if line.page_break or scan.header or scan.figures or is_rule(line.text):
                break
            if line.blank:
                blanks += 1
                if blanks >= _BLANK_GAP:
                    break
                j -= 1
                continue
            if not self._caption_only(scan, zone) or self._over_figures(j, zone) or _is_title_like(line, indent):
                break
            blanks = 0
            body = j
            j -= 1
        head = body
        j = body - 1
        while j >= 0 and body - j <= 3 and not self.lines[j].page_break and (
            self.lines[j].blank or is_rule(self.lines[j].text)
        ):
            j -= 1
        adjacent = False  # the line below was taken as a heading line
        while j >= 0:  # column headings: years, or words standing over the figures
            scan = self.scans[j]
            line = scan.line
            heading = scan.header or self._over_figures(j, zone) or adjacent and self._words_over(j)
            if heading or is_rule(line.text) or line.blank and j > 0 and self._over_figures(j - 1, zone):
                head = j
                adjacent = bool(heading)
                if line.page_break:
                    break
                j -= 1
                continue
            break
        while head < body and (self.lines[head].blank or is_rule(self.lines[head].text)):
            head += 1
        return body, head

    def _heading_cells(self, j: int) -> list[re.Match[str]]:
        """The cells of a line that could head columns: words set apart, none a sentence."""
        scan = self.scans[j]
        if scan.figures or scan.line.blank:
            return []
        cells = list(_CELL.finditer(scan.line.text))
        return [] if any(len(m.group()) > 60 or m.group().endswith(".") for m in cells) else cells

    def _over_figures(self, j: int, zone: int) -> bool:
        """A heading line of the figures' columns: words reaching over them."""
        cells = self._heading_cells(j)
        over = [m for m in cells if m.end() >= zone]
        return bool(over) and (len(cells) >= 2 or over[0].start() >= zone - 10)

    def _words_over(self, j: int) -> bool:
        """A heading line of a table: short cells set apart and reaching the figures' side,
        or a column marker like '(b)'."""
        cells = self._heading_cells(j)
        if any(re.match(r"\([a-l]\)", m.group()) for m in cells):
            return True
        return len(cells) >= 2 and all(len(m.group()) <= 45 for m in cells) and cells[-1].start() > 30

    def _caption_only(self, scan: _Scan, zone: int) -> bool:
        """A line of words that stays left of the figures: a heading or a wrapped caption."""
        if scan.line.blank or scan.figures or scan.header:
            return False
        text = scan.line.text.strip()
        return scan.caption_end <= zone - 1 and not (len(text) > 60 and text.endswith("."))

    def _end_below(self, i: int, zone: int) -> int:
        ends = {f.end for f in self.scans[i].figures}
        end = i + 1
        j = i + 1
        blanks = 0
        n = len(self.lines)
        while j < n:
            scan = self.scans[j]
            line = scan.line
            if line.page_break or scan.header:
                break
            if line.blank or is_rule(line.text) or scan.page_number and not _under(scan, ends):
                blanks += line.blank
                if blanks >= _BLANK_GAP:
                    break
                j += 1
                continue
            if scan.figures or scan.error is not None:
                if scan.figures:
                    zone = min(zone, min(f.start for f in scan.figures))
                    ends.update(f.end for f in scan.figures)
                blanks = 0
                end = j + 1
            elif self._caption_only(scan, zone) and not (blanks and _is_prose(line)):
                if j == end:  # continues the last row without a break: its wrapped text
                    end = j + 1
                blanks = 0
            else:
                break
            j += 1
        return end

    # -- Reading a table -------------------------------------------------------------------

    def _table(self, head: int, body: int, end: int) -> Table:
        header = [self.lines[j] for j in range(head, body) if not self.lines[j].blank]
        figure_scans = [s for s in self.scans[body:end] if s.figures]
        zone = min(f.start for s in figure_scans for f in s.figures)
        slots = _figure_slots(header, figure_scans, zone)
        text_starts = _text_columns(header, self.lines[body:end], zone)
        headings = _headings(header, text_starts, slots, zone)
        rows = self._rows(body, end, slots, text_starts)
        first = self.lines[head]
        printed = tuple(line.text.strip() for line in header if not is_rule(line.text))
        return Table(headings, tuple(rows), Source(first.no, first.raw), printed)

    def _rows(self, body: int, end: int, slots: list[tuple[int, int]], text_starts: list[int]) -> list[Row]:
        rows: list[Row] = []
        pending: list[tuple[Line, str]] = []  # caption-only lines: headings, or a wrapped caption
        rule = False
        adjacent = False
        gap = True
        indents = sorted({s.line.indent for s in self.scans[body:end] if not s.line.blank and not is_rule(s.line.text)})

        def level(line: Line) -> int:
            return indents.index(line.indent) if line.indent in indents else 0

        def flush() -> None:
            nonlocal gap
            for line, caption in pending:
                rows.append(_row(line, [caption], [], slots, text_starts, level(line), False, gap))
                gap = False
            pending.clear()

        for j in range(body, end):
            scan = self.scans[j]
            line = scan.line
            if line.blank or scan.page_number and not _under(scan, {b for _, b in slots}):
                flush()
                adjacent, gap = False, True
                continue
            if is_rule(line.text):
                flush()
                rule, adjacent, gap = True, False, True
                continue
            if scan.error is not None:
                flush()
                rows.append(_row(line, [line.text.strip()], [], slots, text_starts, level(line), rule, gap, scan.error.reason))
                rule = adjacent = gap = False
                continue
            caption = scan.caption if scan.figures else line.text.strip()
            joins = bool(pending) and adjacent and len(text_starts) <= 1 and _is_wrapped(pending[-1][1], caption)
            if joins:
                first_line, first_caption = pending.pop()
                caption = f"{first_caption.strip()} {caption}".strip()
                if not scan.figures:
                    pending.append((first_line, caption))
                    adjacent = True
                    continue
            if not scan.figures:
                flush()
                pending.append((line, caption))
                adjacent = True
                continue
            flush()
            rows.append(_row(line, [caption], scan.figures, slots, text_starts, level(line), rule, gap))
            rule = adjacent = gap = False
        flush()
        return rows


def _is_prose(line: Line) -> bool:
    """A paragraph's line, set apart from the rows above: a sentence introducing the next
    table ends this one, where a heading, a wrapped caption or a row of text columns would not."""
    text = line.text.strip()
    return len(text) >= _PROSE_WIDTH and len(text.split()) >= _PROSE_WORDS and _CELL.fullmatch(text) is not None


def _under(scan: _Scan, ends: set[int]) -> bool:
    """A lone number ending under a figure column is a figure (an unlabelled subtotal)."""
    if len(scan.figures) != 1 or not scan.figures[0].raw[:1].isdigit():  # '- 4 -' is a page number
        return False
    return any(abs(scan.figures[0].end - e) <= _SLACK for e in ends)


def _text(line: Line) -> Text:
    """A line outside tables; page numbers and rules are layout, kept only as paragraph breaks."""
    text = "" if is_page_number(line) or is_rule(line.text) else line.text.strip()
    return Text(text, Source(line.no, line.raw), line.page_break)


def _is_title_like(line: Line, caption_indent: int) -> bool:
    """A centred title or a line that only dates what follows: not a row of the table below."""
    return line.indent >= 10 and line.indent > caption_indent + 6 or is_dateline(line.text)


def _is_wrapped(first: str, second: str) -> bool:
    """Does `second` continue the caption-only line `first`?"""
    first = first.strip()
    if not first or first.endswith((":", "-", "\u2014")) or _SECTION.match(first) and len(first.split()) <= 2:
        return False
    if not second:
        return True
    last_word = first.split()[-1].lower()
    first_word = second.split()[0]
    return (
        last_word in _CONNECTORS
        or first_word.lower() in _CONNECTORS
        or first_word[0].islower()
        or first.count("(") > first.count(")")
    )


def _figure_slots(header: list[Line], scans: list[_Scan], zone: int) -> list[tuple[int, int]]:
    """The figure columns, as (start, end) extents: where the figures of the fullest rows end
    (the median of each), widened to every figure that ends under them."""
    widest = max(len(s.figures) for s in scans)
    full = [s.figures for s in scans if len(s.figures) == widest]
    slots = []
    for k in range(widest):
        ends = sorted(f[k].end for f in full)
        end = ends[len(ends) // 2]
        starts = [f.start for s in scans for f in s.figures if abs(f.end - end) <= _SLACK]
        slots.append((min(starts, default=end - 1), end))
    return slots


def _text_columns(header: list[Line], lines: Sequence[Line], zone: int) -> list[int]:
    """Where the text columns left of the figures start: from an underline, the EDGAR <S>/<C>
    tags, or the headings' words; one column (the caption) when the headings name none."""
    for line in header:
        if is_rule(line.text):
            starts = [a for a, b in rule_segments(line.text) if b < zone - 1]
            if len(starts) > 1:
                return starts
    for line in lines[:3]:
        tags = [m.start() for m in _TAG_COLUMN.finditer(line.raw.expandtabs(8))]
        if len(tags) >= 3:
            return [t for t in tags if t < zone - 1] or [0]
    starts: list[int] = []
    for line in header:
        if is_rule(line.text):
            continue
        cells = [m.start() for m in _CELL.finditer(line.text) if m.end() < zone - 1]
        if len(cells) > len(starts):
            starts = cells
    if len(starts) > 1 and any(re.match(r"\s*\([a-l]\)", line.text[s : s + 4]) for line in header for s in starts):
        return [0, *starts[1:]]
    return [0]


def _headings(header: list[Line], text_starts: list[int], slots: list[tuple[int, int]], zone: int) -> tuple[str, ...]:
    words = [line for line in header if not is_rule(line.text)]
    out = []
    bounds = [*text_starts[1:], zone]
    for a, b in zip(text_starts, bounds, strict=True):
        out.append(squash(" ".join(_cells_within(line.text, a - 2 if a else 0, b - 1) for line in words)))
    years = [line for line in words if _is_year_header(line.text)]
    for k, (a, b) in enumerate(slots):
        left = slots[k - 1][1] + 1 if k else zone - 2
        out.append(squash(" ".join(_cells_within(line.text, left, b + _SLACK) for line in years or words)))
    return tuple(out)


def _cells_within(text: str, left: int, right: int) -> str:
    """The header words whose middle lies in [left, right)."""
    found = []
    for m in _CELL.finditer(text):
        middle = (m.start() + m.end()) / 2
        if left <= middle < right or m.start() >= left and m.end() <= right:
            found.append(m.group())
    return " ".join(found)


def _row(
    line: Line,
    caption: list[str],
    figures: list[PrintedFigure],
    slots: list[tuple[int, int]],
    text_starts: list[int],
    indent: int,
    rule_above: bool,
    after_gap: bool,
    problem: str = "",
) -> Row:
    texts = _split_text(line, figures, text_starts) if len(text_starts) > 1 else [squash(caption[0])]
    texts = [_LEADERS.sub("", t) for t in texts]
    cells = [*texts, *([""] * len(slots))]
    values: list[Figure | None] = [None] * len(cells)
    try:
        assigned = _assign(figures, slots)
    except ParseError as e:
        assigned, problem = {}, e.reason
    for k, fig in assigned.items():
        cells[len(texts) + k] = fig.raw
        values[len(texts) + k] = Figure(fig.value, fig.raw)
    return Row(tuple(cells), tuple(values), Source(line.no, line.raw), indent, rule_above, after_gap, problem)


def _split_text(line: Line, figures: list[PrintedFigure], starts: list[int]) -> list[str]:
    cut = figures[0].start if figures else len(line.text)
    cells: list[list[str]] = [[] for _ in starts]
    for m in re.finditer(r"\S+(?: \S+)*", line.text[:cut]):
        k = max((i for i, s in enumerate(starts) if s <= m.start() + 2), default=0)
        cells[k].append(m.group())
    return [squash(" ".join(c)) for c in cells]


def _assign(figures: list[PrintedFigure], slots: list[tuple[int, int]]) -> dict[int, PrintedFigure]:
    """Each figure's column: in order when the row is full, else the column it ends under."""
    if len(figures) == len(slots):
        return dict(enumerate(figures))
    if len(figures) > len(slots):
        raise ParseError(f"cannot read the columns: {len(figures)} figures under {len(slots)} columns")
    out: dict[int, PrintedFigure] = {}
    for fig in figures:
        k = min(range(len(slots)), key=lambda i: abs(fig.end - slots[i][1]))
        a, b = slots[k]
        if k in out or not (a - 2 * _SLACK <= fig.end <= b + 2 * _SLACK or abs(fig.end - b) <= max(b - a, 6) + 4):
            raise ParseError(f"cannot read the columns: which column is {fig.raw!r} under?")
        out[k] = fig
    return out
