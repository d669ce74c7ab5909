"""Where a filing's parts are in the model: each statement with its tables (a statement continued
on the next page is one statement), each schedule with its tables, the notes' lines.

The model is walked as one sequence of lines (`View`): titles and prose as printed, and every
table row as its cells joined, with the table itself found where its first row stands. Headings
are confirmed by what follows them: a statement heading by a table of figures, so a table of
contents or a sentence naming a statement is not taken for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ledger import events as ev

from importers.model import Document, Row, Source, Table, Text
from importers.sections import (
    AUDIT_REPORT,
    CHANGES,
    NET_ASSETS,
    NOTES,
    OTHER_PART,
    SCHEDULE_G,
    SCHEDULE_H,
    SIGNATURES,
    in_thousands,
    is_dateline,
    is_heading,
    is_title,
)
from importers.statements import Statement
from importers.text import MONTH_PATTERN, Line, find_dates, is_page_number

_WINDOW = 15  # non-blank lines between a heading and the table it titles
_STATEMENT_ROWS = 1  # a first page may hold a single line of figures
_OTHER_SCHEDULE = re.compile(
    r"line\s+4\s*j|reportable\s+transactions|line\s+4\s*a\b|schedule\s+h\s*,?\s*line\s+4\s*[a-hj-z]\b", re.IGNORECASE
)
_PARTS = (NET_ASSETS, CHANGES, NOTES, AUDIT_REPORT, SIGNATURES, OTHER_PART)
_MONTH_DAY = re.compile(MONTH_PATTERN + r"\s+\d{1,2},?", re.IGNORECASE)  # 'December 31,' over the years
_GROUP_HEADING = re.compile(r"[A-Za-z][\w ,()'&-]{0,50}:")  # 'Receivables:' left behind by a page break
_CONTINUED = re.compile(r"\(continued\)|continued$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class View:
    """The document as lines, and the tables by the position of their first row."""

    lines: list[Line]
    tables: dict[int, tuple[Table, int]]  # first row's position -> (table, position after it)

    @classmethod
    def of(cls, doc: Document) -> View:
        lines: list[Line] = []
        tables: dict[int, tuple[Table, int]] = {}
        for block in doc.blocks:
            if isinstance(block, Text):
                lines.append(Line(block.source.line, block.source.text, block.text, block.page_break))
                continue
            start = len(lines)
            for row in block.rows:
                lines.append(Line(row.source.line, row.source.text, "  ".join(c for c in row.cells if c)))
            if block.rows:
                tables[start] = (block, len(lines))
        return cls(lines, tables)

    def table_after(self, i: int, stop: int) -> tuple[int, Table, int] | None:
        """The first table within a few lines after i, with no other part's heading between."""
        seen = 0
        for j in range(i + 1, min(stop, len(self.lines))):
            if j in self.tables:
                table, end = self.tables[j]
                return j, table, end
            line = self.lines[j]
            if not line.blank:
                seen += 1
                if seen > _WINDOW or any(is_heading(line, p) for p in _PARTS):
                    return None
        return None


def _is_statement_table(table: Table) -> bool:
    """Figures of money, not a table of contents' page numbers."""
    rows = [r for r in table.rows if r.has_figures]
    big = any(f is not None and (abs(f.value) >= 1000 or "," in f.raw) for r in rows for f in r.figures)
    return len(rows) >= _STATEMENT_ROWS and big


def find_statement(
    view: View, section: ev.Section, start: int, stop: int, plan_names: frozenset[str]
) -> tuple[int, Statement, int] | None:
    """(heading position, statement, position after its last table) of the first statement of
    the kind in [start, stop)."""
    pattern = NET_ASSETS if section == "net_assets" else CHANGES
    for i in range(start, stop):
        if not is_heading(view.lines[i], pattern):
            continue
        found = view.table_after(i, stop)
        if found is None or not _is_statement_table(found[1]):
            continue
        j, table, end = found
        title = view.lines[i]
        above = [*view.lines[i : j + 1], *(Line(0, text, text) for text in table.header)]
        unit: ev.Unit = "thousands" if in_thousands(above) else "dollars"
        statement = Statement(section, _source(title), unit, [_without_furniture(table, plan_names)])
        end = _continuations(view, statement, end, stop, plan_names)
        return i, statement, end
    return None


def _continuations(view: View, statement: Statement, end: int, stop: int, plan_names: frozenset[str]) -> int:
    """Add the tables that continue the statement on later pages: only titles, dates, page
    numbers and '(continued)' between them, and group headings ('Receivables:') that a page
    break parted from their rows."""
    other = CHANGES if statement.section == "net_assets" else NET_ASSETS
    width = len(statement.tables[0].headings)
    headings: list[Line] = []
    j = end
    while j < stop:
        if j in view.tables:
            table, after = view.tables[j]
            if len(table.headings) != width or not any(r.has_figures for r in table.rows):
                return end
            lead = tuple(Row((h.text, *[""] * (width - 1)), (None,) * width, Source(h.no, h.raw)) for h in headings)
            table = _without_furniture(table, plan_names)
            statement.tables.append(Table(table.headings, lead + table.rows, table.source, table.header))
            headings = []
            end = j = after
            continue
        line = view.lines[j]
        if is_heading(line, other) or any(is_heading(line, p) for p in (NOTES, SCHEDULE_H, SCHEDULE_G, SIGNATURES)):
            return end
        if _GROUP_HEADING.fullmatch(line.text.strip()):
            headings.append(line)
        elif not (line.blank or line.page_break or is_page_number(line) or _is_furniture(line, plan_names)):
            return end
        j += 1
    return end


def _is_furniture(line: Line, plan_names: frozenset[str]) -> bool:
    return (
        is_title(line, plan_names)
        or bool(_CONTINUED.search(line.text) or _MONTH_DAY.fullmatch(line.text.strip()))
        or is_dateline(line.text)
    )


def _without_furniture(table: Table, plan_names: frozenset[str]) -> Table:
    """The table without caption-only rows that are page furniture (a repeated title, 'See
    accompanying notes')."""
    rows = tuple(
        r for r in table.rows if r.has_figures or not _is_furniture(Line(r.source.line, r.source.text, r.caption), plan_names)
    )
    return Table(table.headings, rows, table.source, table.header)


def _source(line: Line) -> Source:
    return Source(line.no, line.raw)


def find_schedule(view: View, pattern: re.Pattern[str], start: int, stop: int) -> int | None:
    """A schedule's heading, confirmed by a table after it."""
    for i in range(start, stop):
        if is_heading(view.lines[i], pattern, anywhere=True) and view.table_after(i, stop) is not None:
            return i
    return None


def schedule_end(view: View, start: int, stop: int, other: re.Pattern[str]) -> int:
    """Where a schedule ends: the next part of the filing, or the other schedule."""
    for i in range(start + 1, stop):
        line = view.lines[i]
        if (
            any(is_heading(line, p) for p in (NOTES, NET_ASSETS, AUDIT_REPORT, SIGNATURES, OTHER_PART))
            or is_heading(line, _OTHER_SCHEDULE, anywhere=True)
            or is_heading(line, other, anywhere=True)
        ):
            return i
    return stop


def schedule_tables(view: View, start: int, end: int) -> tuple[list[Table], list[Line]]:
    """A schedule's tables, and the lines after its last table (its footnotes)."""
    tables: list[Table] = []
    after = start + 1
    for j in range(start + 1, end):
        if j in view.tables:
            table, after = view.tables[j]
            tables.append(table)
    footnotes = [line for line in view.lines[after:end] if not line.blank] if tables else []
    return tables, footnotes


def schedule_date(view: View, heading: int, default: date) -> date:
    window = " ".join(line.text for line in view.lines[heading : heading + 4])
    return next((d for _, _, d in find_dates(window) if (d.month, d.day) == (default.month, default.day)), default)



