"""The HTML reader: an EDGAR HTML (or inline XBRL) filing into the format-free model.

Tables are read through the parser, cell by cell. What a typist spread over cells for looks is
put back together: a '$' or '(' in its own cell joins the figure after it, a ')' the figure
before it, empty spacer columns vanish, and each figure goes under the column whose heading
(a colspan'd 'December 31,' over two years included) stands over the cell holding its digits.
Rules drawn as cell borders or rows of underscores, indentation drawn as padding, non-breaking
spaces or spacer cells, and page breaks inside a table are kept the way the plain-text reader
keeps them. Everything else is prose, one `Text` per line as a browser breaks it (block
elements and <br> end a line); a <pre> block is plain text and goes to the plain-text reader.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal

from lxml import etree, html

from importers import ixbrl
from importers.errors import ParseError
from importers.model import Block, Document, Figure, Row, Source, Table, Text
from importers.plaintext import read_lines
from importers.text import cell_amount, decode, is_rule, looks_like_bad_amount, squash

MAX_DEPTH = 150  # deeper nesting is refused: hostile markup must not exhaust the stack
_MAX_SPAN = 50  # a colspan past this is garbage
_MAX_COLUMNS = 400
_PARSER = html.HTMLParser(no_network=True, huge_tree=False, remove_comments=True, remove_pis=True, encoding="utf-8")
_SKIP = frozenset({"head", "script", "style", "title", "noscript", "template", "ix:header"})
_BLOCKS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 center blockquote li ul ol dl dt dd address section article header footer body html "
    "form caption nav main aside figure".split()
)
_PARAGRAPHS = frozenset(["p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "center"])
_OPENS = frozenset({"$", "(", "$(", "($"})  # a cell that only opens the figure in the next cell
_CLOSES = frozenset({")", "%", ")%", ")*"})  # a cell that only closes the figure before it
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE_CELL = re.compile(rf"(?:{_MONTH}\s+\d{{1,2}},?\s*)?(?:19|20)\d{{2}}|{_MONTH}\s+\d{{1,2}},?", re.IGNORECASE)
_MARKER = re.compile(r"\(\s*[a-l]\s*\)")
_LENGTH = re.compile(r"(-?\d+(?:\.\d+)?)\s*(pt|px|em|in|cm|mm|%)?")
_POINTS = {"pt": 1.0, "px": 0.75, "em": 10.0, "in": 72.0, "cm": 28.35, "mm": 2.835, "%": 0.0, None: 0.75}
_NBSP_POINTS = 3.0
_SPACER_POINTS = 20.0  # an empty cell before a caption indents it about this much


def read_html(name: str, data: bytes, first_line: int = 1) -> Document:
    """The document's model; a ParseError where it cannot be read."""
    lines = decode(data)  # size limit, binary refusal, encodings: as for plain text
    text = "\n".join(line.raw for line in lines)
    try:
        root = html.document_fromstring(text.encode("utf-8"), parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as e:
        raise ParseError(f"not readable as HTML: {e}") from None
    reader = _Reader(first_line - 1, ixbrl.contexts(root))
    reader.walk(root, 0)
    reader.flush()
    return Document(name, tuple(reader.blocks))


# -- Styles ---------------------------------------------------------------------------------


def _style(el: html.HtmlElement) -> dict[str, str]:
    out = {}
    for part in el.get("style", "").split(";"):
        key, _, value = part.partition(":")
        if value:
            out[key.strip().lower()] = value.strip().lower()
    return out


def _hidden(el: html.HtmlElement) -> bool:
    return "display:none" in el.get("style", "").replace(" ", "").lower() or el.get("hidden") is not None


def _breaks(el: html.HtmlElement, side: str) -> bool:
    """A page break before or after the element (page-break-before: always)."""
    style = _style(el)
    value = style.get(f"page-break-{side}") or style.get(f"break-{side}") or ""
    return value in ("always", "page", "left", "right")


def _points(value: str) -> float:
    m = _LENGTH.match(value)
    return float(m.group(1)) * _POINTS[m.group(2)] if m else 0.0


def _has_border(style: dict[str, str], side: str) -> bool:
    value = style.get(f"border-{side}") or style.get(f"border-{side}-style") or ""
    return bool(value) and not re.search(r"\b(?:none|hidden)\b|^0(?:px|pt)?\b", value)


# -- Prose ----------------------------------------------------------------------------------


class _Reader:
    """Walks the tree in reading order, gathering inline text into lines."""

    def __init__(self, offset: int, contexts: dict[str, ixbrl.Context]) -> None:
        self.offset = offset
        self.contexts = contexts
        self.blocks: list[Block] = []
        self.pieces: list[str] = []
        self.start: int | None = None  # the source line the gathered line starts on
        self.last = offset + 1
        self.tables = 0

    def line(self, el: html.HtmlElement) -> int:
        self.last = (el.sourceline or 1) + self.offset
        return self.last

    def walk(self, el: html.HtmlElement, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise ParseError("HTML nested too deeply to read", self.line(el))
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag or tag in _SKIP or _hidden(el):
            return
        if tag in ("table", "pre"):
            self.flush()
            if tag == "table":
                self.table(el, depth)
            else:
                self.pre(el)
            self.blank()
            return
        if tag in ("br", "hr"):
            self.flush(blank=tag == "br")
            if tag == "hr":
                self.page_break(el)
            return
        block = tag in _BLOCKS
        if block:
            self.flush()
            if _breaks(el, "before"):
                self.page_break(el)
        self.add(el.text, el)
        for child in el:
            self.walk(child, depth + 1)
            self.add(child.tail, child)
        if block:
            self.flush(blank=True)
            if tag in _PARAGRAPHS:
                self.blank()
            if _breaks(el, "after"):
                self.page_break(el)

    def add(self, text: str | None, el: html.HtmlElement) -> None:
        if not text:
            return
        if self.start is None and text.strip(" \t\n\r\xa0\u200b"):
            self.start = self.line(el)
        self.pieces.append(text)

    def flush(self, blank: bool = False) -> None:
        """End the line being gathered; an empty one is a paragraph break where asked."""
        text = squash("".join(self.pieces).replace("\u200b", ""))
        if text:
            self.blocks.append(Text(text, Source(self.start or self.last, text)))
        elif blank:
            self.blank()
        self.pieces.clear()
        self.start = None

    def blank(self) -> None:
        if self.blocks and not (isinstance(self.blocks[-1], Text) and not self.blocks[-1].text):
            self.blocks.append(Text("", Source(self.last, "")))

    def page_break(self, el: html.HtmlElement) -> None:
        line = self.line(el)
        if self.blocks and isinstance(self.blocks[-1], Text) and not self.blocks[-1].text:
            if self.blocks[-1].page_break:
                return
            self.blocks.pop()
        self.blocks.append(Text("", Source(line, ""), page_break=True))

    def pre(self, el: html.HtmlElement) -> None:
        """Preformatted text is a plain-text filing inside the HTML: read it as one."""
        text = el.text_content()
        if text.strip():
            base = self.line(el) - 1
            self.blocks += read_lines([replace(line, no=line.no + base) for line in decode(text.encode())])

    def table(self, el: html.HtmlElement, depth: int) -> None:
        self.tables += 1
        rows = [_tr(tr, depth + 2, self.offset) for tr in _table_rows(el)]
        for block in _TableReader(rows, self.tables, self.contexts).blocks():
            if isinstance(block, Table):
                self.blocks.append(block)
                self.last = block.rows[-1].source.line
            elif block.page_break:
                self.page_break(el)
            elif not block.text:
                self.blank()
            else:
                self.blocks.append(block)


# -- Cells ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Cell:
    text: str
    start: int  # first grid column it covers
    end: int  # past the last
    indent: float = 0.0  # points of padding, text-indent and leading non-breaking spaces
    border_bottom: bool = False
    border_top: bool = False
    rule: bool = False  # holds an <hr>: a rule drawn in the cell
    facts: list[html.HtmlElement] = field(default_factory=list)  # ix:nonFraction elements


@dataclass(slots=True)
class _Tr:
    line: int
    cells: list[_Cell]
    break_before: bool
    break_after: bool


def _table_rows(table: html.HtmlElement) -> list[html.HtmlElement]:
    rows = []
    for child in table:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows += [tr for tr in child if isinstance(tr.tag, str) and tr.tag.lower() == "tr"]
    return rows


def _tr(tr: html.HtmlElement, depth: int, offset: int) -> _Tr:
    cells = []
    column = 0
    for td in tr:
        if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th") or column >= _MAX_COLUMNS:
            continue
        try:
            span = max(1, min(_MAX_SPAN, int(td.get("colspan", "1"))))
        except ValueError:
            span = 1
        cells.append(_cell(td, column, column + span, depth))
        column += span
    return _Tr((tr.sourceline or 1) + offset, cells, _breaks(tr, "before"), _breaks(tr, "after"))


def _cell(td: html.HtmlElement, start: int, end: int, depth: int) -> _Cell:
    style = _style(td)
    cell = _Cell("", start, end, border_bottom=_has_border(style, "bottom"), border_top=_has_border(style, "top"))
    parts: list[str] = []
    _gather(td, depth, parts, cell)
    raw = "".join(parts)
    cell.text = squash(raw.replace("\u200b", ""))
    lead = raw.lstrip(" \t\r\n")
    nbsp = len(lead) - len(lead.lstrip("\xa0 \t\r\n"))
    cell.indent = _indent(td) + nbsp * _NBSP_POINTS
    return cell


def _indent(el: html.HtmlElement) -> float:
    """Padding, margin and text-indent of the cell and of the blocks opening it."""
    total = 0.0
    for _ in range(4):
        style = _style(el)
        total += sum(_points(style.get(k, "")) for k in ("padding-left", "margin-left", "text-indent"))
        children = [c for c in el if isinstance(c.tag, str)]
        if not children or (el.text or "").strip():
            break
        el = children[0]
    return total


def _gather(el: html.HtmlElement, depth: int, parts: list[str], cell: _Cell) -> None:
    """A cell's text (line breaks and nested tables flattened to spaces), its inline XBRL facts
    and rules."""
    if depth > MAX_DEPTH:
        raise ParseError("HTML nested too deeply to read", el.sourceline)
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in _SKIP or _hidden(el):
        return
    if tag == "ix:nonfraction":
        cell.facts.append(el)
    elif tag == "hr":
        cell.rule = True
    elif tag in ("br", "td", "th", "tr") or tag in _BLOCKS:
        parts.append(" ")
    parts.append(el.text or "")
    for child in el:
        _gather(child, depth + 1, parts, cell)
        parts.append(child.tail or "")


# -- Tables ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Token:
    """What a reader sees as one entry of a row: a cell, with the '$', '(' and ')' cells that
    only dress the figure in it."""

    text: str
    start: int
    end: int
    anchor: int  # the grid column of the cell holding the entry's digits
    cells: list[_Cell]
    amount: Decimal | None = None

    @property
    def is_figure(self) -> bool:
        return self.amount is not None


def _tokens(cells: list[_Cell]) -> list[_Token]:
    out: list[_Token] = []
    for cell in cells:
        if not cell.text:
            continue
        key = cell.text.replace(" ", "")
        last = out[-1] if out else None
        if last is not None and last.text.replace(" ", "") in _OPENS:
            last.text, last.end, last.anchor = last.text + cell.text, cell.end, cell.end - 1
            last.cells.append(cell)
        elif last is not None and key in _CLOSES and (last.amount is not None or "(" in last.text):
            last.text, last.end = last.text + cell.text, cell.end
            last.cells.append(cell)
        else:
            out.append(_Token(cell.text, cell.start, cell.end, cell.end - 1, [cell]))
        out[-1].amount = cell_amount(out[-1].text)
    return out


def _is_dates(tokens: list[_Token]) -> bool:
    return bool(tokens) and all(_DATE_CELL.fullmatch(t.text) for t in tokens)


def _is_rule_row(tr: _Tr, tokens: list[_Token]) -> bool:
    if tokens:
        return all(is_rule(t.text) for t in tokens)
    return any(c.rule for c in tr.cells)


class _TableReader:
    """One HTML table: its headings, its columns, and its rows as the model's rows."""

    def __init__(self, trs: list[_Tr], number: int, contexts: dict[str, ixbrl.Context]) -> None:
        self.trs = trs
        self.number = number
        self.contexts = contexts
        self.tokens = [_tokens(tr.cells) for tr in trs]
        self.dated = [_is_dates(t) for t in self.tokens]
        candidates = [t for toks, d in zip(self.tokens, self.dated, strict=True) if not d for t in toks[1:] if t.is_figure]
        self.zone = min((t.start for t in candidates), default=-1)  # where figures start
        self.columns = self._figure_columns() if candidates else []

    def _figures(self, i: int) -> list[_Token]:
        return [t for t in self.tokens[i] if t.is_figure and t.start >= self.zone] if not self.dated[i] else []

    def _figure_columns(self) -> list[int]:
        """The grid columns holding the digits of the fullest rows: one per printed column."""
        rows = [self._figures(i) for i in range(len(self.trs))]
        widest = max(len(r) for r in rows)
        common = Counter(tuple(t.anchor for t in r) for r in rows if len(r) == widest)
        return list(common.most_common(1)[0][0])

    def blocks(self) -> list[Block]:
        if not self.columns:
            return self._as_text(range(len(self.trs)))
        body, titles = self._header()
        headers = [i for i in range(body) if i not in titles and self.tokens[i] and not _is_rule_row(self.trs[i], self.tokens[i])]
        text_starts = self._text_starts(headers)
        headings = self._headings(headers, text_starts)
        printed = tuple("  ".join(t.text for t in self.tokens[i]) for i in headers)
        out: list[Block] = self._as_text(sorted(titles))
        start = self.trs[headers[0]] if headers else None
        for segment in self._segments(body):
            rows = self._rows(segment, text_starts)
            if rows:
                if out and isinstance(out[-1], Table):
                    out.append(Text("", rows[0].source, page_break=True))
                where = Source(start.line, printed[0]) if start else rows[0].source
                out.append(Table(headings, tuple(rows), where, printed))
        return out

    def _as_text(self, indices) -> list[Block]:
        """Rows without figures read as lines of prose (a cover's or a signature's layout table)."""
        out: list[Block] = []
        for i in indices:
            text = "  ".join(t.text for t in self.tokens[i])
            out.append(Text(text, Source(self.trs[i].line, text)))
        return out

    # -- Headings -----------------------------------------------------------------------

    def _heads(self, i: int) -> bool:
        """Words standing over the figures, column markers like '(b)', or several words apart."""
        tokens = self.tokens[i]
        left = [t for t in tokens if t.start < self.zone]
        return any(t.start >= self.zone for t in tokens) or any(_MARKER.match(t.text) for t in tokens) or len(left) >= 2

    def _spans(self, i: int) -> bool:
        """A single line across the table: a title printed inside it."""
        tokens = self.tokens[i]
        return len(tokens) == 1 and tokens[0].start == 0 and tokens[0].end > self.columns[-1]

    def _header(self) -> tuple[int, set[int]]:
        """Where the body starts, and the title rows above the headings."""
        last_heading = -1
        titles: set[int] = set()
        for i, (tr, tokens) in enumerate(zip(self.trs, self.tokens, strict=True)):
            if self._figures(i):
                break
            if not tokens or _is_rule_row(tr, tokens):
                continue
            if self.dated[i] or self._heads(i):
                last_heading = i
            elif self._spans(i):
                titles.add(i)
            else:
                break
        return last_heading + 1, {i for i in titles if i < last_heading}

    def _text_starts(self, headers: list[int]) -> list[int]:
        """The text columns left of the figures: where the headings' words start (one column,
        the caption, when they name fewer than two)."""
        starts = sorted({t.start for i in headers for t in self.tokens[i] if t.start < self.zone and not self._covers(t)})
        return [0, *starts[1:]] if len(starts) >= 2 else [0]

    def _covers(self, token: _Token) -> bool:
        return any(token.start <= c < token.end for c in self.columns)

    def _headings(self, headers: list[int], text_starts: list[int]) -> tuple[str, ...]:
        texts: list[list[str]] = [[] for _ in text_starts]
        figures: list[list[str]] = [[] for _ in self.columns]
        for i in headers:
            for token in self.tokens[i]:
                under = [k for k, c in enumerate(self.columns) if token.start <= c < token.end]
                if under:
                    for k in under:
                        figures[k].append(token.text)
                elif token.start >= self.zone:
                    figures[self._nearest(token.anchor)].append(token.text)
                else:
                    texts[_text_column(token, text_starts)].append(token.text)
        return tuple(squash(" ".join(w for w in " ".join(words).split() if not is_rule(w))) for words in [*texts, *figures])

    def _nearest(self, anchor: int) -> int:
        return min(range(len(self.columns)), key=lambda k: (abs(self.columns[k] - anchor), -self.columns[k]))

    # -- Body -----------------------------------------------------------------------------

    def _segments(self, body: int) -> list[list[int]]:
        """The body's rows, cut where a page break falls inside the table."""
        segments: list[list[int]] = [[]]
        for i in range(body, len(self.trs)):
            if self.trs[i].break_before and segments[-1]:
                segments.append([])
            segments[-1].append(i)
            if self.trs[i].break_after:
                segments.append([])
        return [s for s in segments if s]

    def _rows(self, indices: list[int], text_starts: list[int]) -> list[Row]:
        drafts: list[tuple[int, float, bool, bool]] = []  # (tr, indent, rule above, after gap)
        rule = False
        gap = True
        for i in indices:
            tr, tokens = self.trs[i], self.tokens[i]
            if not tokens or _is_rule_row(tr, tokens) or self.dated[i] or self._repeated_heading(i):
                gap = True
                rule = rule or bool(tokens) or any(c.rule for c in tr.cells)
                continue
            top = any(c.border_top for c in tr.cells if c.start >= self.zone)
            words = [t for t in tokens if not (t.is_figure and t.start >= self.zone)]
            indent = words[0].start * _SPACER_POINTS + words[0].cells[0].indent if words else 0.0
            drafts.append((i, indent, rule or top, gap or rule or top))
            rule = any(c.border_bottom for c in tr.cells if c.start >= self.zone)
            gap = False
        levels = sorted({round(d[1]) for d in drafts})
        return [self._row(i, text_starts, levels.index(round(indent)), above, after) for i, indent, above, after in drafts]

    def _repeated_heading(self, i: int) -> bool:
        """Words only over the figures, none of them a figure: headings repeated on a new page."""
        tokens = self.tokens[i]
        return all(t.start >= self.zone and not t.is_figure for t in tokens)

    def _row(self, i: int, text_starts: list[int], indent: int, rule_above: bool, after_gap: bool) -> Row:
        texts: list[list[str]] = [[] for _ in text_starts]
        cells = [""] * len(self.columns)
        figures: list[Figure | None] = [None] * len(self.columns)
        problem = ""
        for token in self.tokens[i]:
            if token.start < self.zone:
                texts[_text_column(token, text_starts)].append(token.text)
                continue
            k = self._column(token)
            if token.is_figure and figures[k] is None:
                cells[k], figures[k] = token.text, Figure(token.amount, token.text, self._fact(token))
            elif token.is_figure:
                problem = f"cannot read the columns: which column is {token.text!r} under?"
            else:
                cells[k] = squash(f"{cells[k]} {token.text}")
                if looks_like_bad_amount(token.text.replace(" ", "")):
                    problem = f"unreadable amount {token.text!r}"
        text = "  ".join(t.text for t in self.tokens[i])
        source = Source(self.trs[i].line, text, f"table {self.number}, row {i + 1}")
        row_cells = (*(squash(" ".join(words)) for words in texts), *cells)
        return Row(row_cells, (*(None for _ in texts), *figures), source, indent, rule_above, after_gap, problem)

    def _column(self, token: _Token) -> int:
        if token.anchor in self.columns:
            return self.columns.index(token.anchor)
        under = [k for k, c in enumerate(self.columns) if token.start <= c < token.end]
        return under[0] if under else self._nearest(token.anchor)

    def _fact(self, token: _Token):
        elements = [el for cell in token.cells for el in cell.facts]
        return ixbrl.fact(elements[0], self.contexts) if elements else None


def _text_column(token: _Token, starts: list[int]) -> int:
    return max((k for k, s in enumerate(starts) if s <= token.start), default=0)
