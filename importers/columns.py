"""Statement columns: the year headings over the figures, and which figure sits under which."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from importers.errors import ParseError
from importers.text import MONTH_PATTERN, Figure, Line, is_rule, rule_segments

_YEAR_CELL = re.compile(r"(?:" + MONTH_PATTERN + r"\s+\d{1,2},?\s+)?((?:19|20)\d{2})", re.IGNORECASE)
_CELL = re.compile(r"\S+(?: \S+)*")


@dataclass(frozen=True, slots=True)
class Column:
    heading: str  # as printed over the figures: "2000"
    year: int
    start: int
    end: int  # where the figures under it end (right-aligned)


def year_header(text: str) -> list[Column] | None:
    """The columns of a header line made only of years ('2000   1999', 'December 31, 2000 ...')."""
    columns = []
    for m in _CELL.finditer(text):
        cell = _YEAR_CELL.fullmatch(m.group())
        if not cell:
            return None
        year = cell.group(2)
        columns.append(Column(year, int(year), m.start(), m.end()))
    return columns or None


def with_underline(columns: list[Column], lines: Sequence[Line], after: int) -> list[Column]:
    """Widen each column to the underline drawn beneath its heading, where there is one."""
    below = next((line for line in lines[after + 1 : after + 3] if not line.blank), None)
    if below is None or not is_rule(below.text):
        return columns
    segments = rule_segments(below.text)
    out = []
    for col in columns:
        seg = next((s for s in segments if s[0] <= col.end and col.start <= s[1]), None)
        out.append(Column(col.heading, col.year, seg[0], seg[1]) if seg else col)
    return out


def assign(figures: list[Figure], columns: list[Column], line: Line, where: str) -> list[tuple[Column, Figure]]:
    """Pair each figure with its column: in order when the row is full, else by position."""
    if len(figures) == len(columns):
        return list(zip(columns, figures, strict=True))
    if len(figures) > len(columns):
        raise ParseError(f"{where}: cannot read the columns: {len(figures)} figures under {len(columns)} headings", line.no)
    pairs = []
    for fig in figures:
        col = min(columns, key=lambda c: abs(fig.end - c.end))
        tolerance = max(col.end - col.start, 6) + 4
        if abs(fig.end - col.end) > tolerance or any(c is col for c, _ in pairs):
            headings = " or ".join(c.heading for c in columns)
            raise ParseError(
                f"{where}: cannot read the columns: which of {headings} is {fig.raw!r} under?", line.no
            )
        pairs.append((col, fig))
    return pairs
