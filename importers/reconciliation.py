"""The note reconciling the financial statements to the Form 5500: each reconciliation's table
read as the statements are, by arithmetic.

A reconciliation is a run of table rows from the figure per the financial statements to the
figure per the Form 5500 (the row naming the form), the rows between being its reconciling
items. Wording only proposes an item's sign ("Less:", "Add:", parentheses); the figures decide:
a column is read only where the figure per the statements plus its items equals the figure per
the Form 5500 under exactly one reading of the signs the wording leaves open. A column that
does not foot, or foots under several readings, gives no event: the reader does not guess.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ledger import events as ev

from importers.model import Row, Table
from importers.stamp import Stamp
from importers.text import Line, find_dates, squash, year_end

_FORM_5500 = re.compile(r"\bform\s*5500\b|\bschedule\s+h\b", re.IGNORECASE)
_PREFIX = re.compile(r"^\s*(less|deduct|minus|subtract|add|plus)\b\s*:?\s*", re.IGNORECASE)
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_YEAR_ENDED = re.compile(r"\byears?\s+end(?:ed|ing)\s+(?:[A-Za-z]+\s+\d{1,2},?\s+)?((?:19|20)\d{2})\b", re.IGNORECASE)
_AND_YEAR = re.compile(r"\s*,?\s+and\s+((?:19|20)\d{2})\b")
_MAX_OPEN = 6  # items whose sign the wording leaves open; 2**6 readings at most
_INTRO_LINES = 4  # prose lines above a table that may say what it reconciles and when
_MEASURES: tuple[tuple[ev.Reconciled, re.Pattern[str]], ...] = (
    ("net_income", re.compile(r"\bnet\s+(?:increase|decrease|income|loss|\(?decrease\)?|change)|\bincome\b", re.IGNORECASE)),
    ("benefits", re.compile(r"\bbenefits?\s+(?:paid|payments?)|\bdistributions\b|\bbenefit\s+payments", re.IGNORECASE)),
    ("contributions", re.compile(r"\bcontributions?\b", re.IGNORECASE)),
    ("participant_loans", re.compile(r"\bloans?\b|notes\s+receivable", re.IGNORECASE)),
    ("net_assets", re.compile(r"\bnet\s+assets\b", re.IGNORECASE)),
)
FLOWS = frozenset({"benefits", "contributions", "net_income"})


@dataclass(frozen=True, slots=True)
class _Entry:
    row: Row
    sign: int  # -1 or +1 where the wording says; 0 where it leaves the sign to the figure


def reconciliation_events(
    lines: Sequence[Line], tables: dict[int, tuple[Table, int]], start: int, stop: int, stamp: Stamp
) -> tuple[list[ev.Form5500ReconciliationReported], set[int]]:
    """Every reconciliation to the Form 5500 in lines[start:stop], and the positions of the rows
    they were read from (the notes' prose readers leave those alone)."""
    events: list[ev.Form5500ReconciliationReported] = []
    used: set[int] = set()
    previous = start
    for j in range(start, stop):
        if j not in tables:
            continue
        table, end = tables[j]
        above = [line.text for line in lines[previous:j] if not line.blank]
        previous = end
        for n, (first, last, lead, entries) in enumerate(_segments(table)):
            intro = " ".join([*above, *lead][-_INTRO_LINES:])
            # a reconciliation after another's, with words between, is a table of its own that
            # a reader ran on from the one above: the columns' headings are not its own
            headed = n == 0 or not lead
            events.extend(_read(table, entries, intro, stamp, headed))
            used.update(range(j + first, j + last + 1))
            above = []
    return events, used


def _segments(table: Table) -> list[tuple[int, int, list[str], list[_Entry]]]:
    """(first row, last row, the words above it in the table, entries) of each run from a
    figure per the statements to the figure per the Form 5500 that closes it. A reader may
    take the end of the sentence introducing a table for caption-only rows: they are words
    above it."""
    out = []
    entries: list[_Entry] = []
    lead: list[str] = []
    first = 0
    heading_sign = 0
    for i, row in enumerate(table.rows):
        prefix = _PREFIX.match(row.caption)
        sign = _sign(prefix) if prefix else 0
        if not row.has_figures:
            if prefix and not row.caption[prefix.end() :].strip():
                heading_sign = sign  # 'Less:' alone over the items it deducts
            elif not entries:
                lead.append(" ".join(row.cells))
            continue
        if not entries:
            first, heading_sign = i, 0
            entries.append(_Entry(row, 0))
            continue
        if _closes(table.rows, i, prefix) and (_foots([*entries, _Entry(row, 0)]) or not _closes_later(table.rows, i)):
            entries.append(_Entry(row, 0))
            out.append((first, i, lead, entries))
            entries, lead = [], []
            continue
        entries.append(_Entry(row, sign or heading_sign))
    return out


def _closes(rows: Sequence[Row], i: int, prefix: re.Match[str] | None) -> bool:
    """The row may be the figure per the Form 5500: it names the form (or its Schedule H) and
    no 'Less:' or 'Add:' makes it an item."""
    return rows[i].has_figures and prefix is None and _FORM_5500.search(rows[i].caption) is not None


def _closes_later(rows: Sequence[Row], i: int) -> bool:
    """A later row of the same reconciliation names the form: none past words between rows,
    which start another."""
    for j in range(i + 1, len(rows)):
        prefix = _PREFIX.match(rows[j].caption)
        if not rows[j].has_figures and not prefix:
            return False
        if _closes(rows, j, prefix):
            return True
    return False


def _foots(entries: list[_Entry]) -> bool:
    """Some column of the run foots: an item naming the form ('Benefits payable recorded on
    the Form 5500') is not the figure per the form where a later row is and this one does not."""
    top, bottom = entries[0].row, entries[-1].row
    for k, (a, b) in enumerate(zip(top.figures, bottom.figures, strict=True)):
        if a is None or b is None:
            continue
        items = [(e, e.row.figures[k].value) for e in entries[1:-1] if e.row.figures[k] is not None]  # type: ignore[union-attr]
        if _signed(a.value, b.value, items) is not None:
            return True
    return False


def _sign(prefix: re.Match[str]) -> int:
    return 1 if prefix.group(1).lower() in ("add", "plus") else -1


def _read(table: Table, entries: list[_Entry], intro: str, stamp: Stamp, headed: bool) -> list[ev.Form5500ReconciliationReported]:
    top, bottom, items = entries[0].row, entries[-1].row, entries[1:-1]
    measure = _measure(top.caption) or _measure(intro) or "other"
    columns = [k for k in range(len(table.headings)) if top.figures[k] is not None and bottom.figures[k] is not None]
    out = []
    for n, k in enumerate(columns):
        per_statements, per_form = top.figures[k].value, bottom.figures[k].value  # type: ignore[union-attr]
        present = [e for e in items if e.row.figures[k] is not None and e.row.figures[k].value != 0]  # type: ignore[union-attr]
        signed = _signed(per_statements, per_form, [(e, e.row.figures[k].value) for e in present])  # type: ignore[union-attr]
        if signed is None:
            continue
        heading = squash(table.headings[k]) if headed else ""
        as_of = _column_date(heading, intro, stamp.fiscal_year_end, n, len(columns))
        out.append(
            ev.Form5500ReconciliationReported(
                **stamp.common("notes", bottom.source, as_of, column=heading),
                measure=measure,
                per_statements=per_statements,
                per_form_5500=per_form,
                items=tuple(
                    ev.ReconcilingItem(label=_label(e.row.caption), amount=amount, line=e.row.source.line)
                    for e, amount in zip(present, signed, strict=True)
                ),
                label=squash(bottom.caption),
                period_start=year_end(as_of.year - 1, as_of) + timedelta(days=1) if measure in FLOWS else None,
            )
        )
    return out


def _signed(per_statements: Decimal, per_form: Decimal, items: list[tuple[_Entry, Decimal]]) -> list[Decimal] | None:
    """The items' amounts signed as they move the statements' figure to the form's: the
    wording's sign where it gives one, the printed sign otherwise; where that does not foot,
    the one reading of the unworded positive figures' signs that does, if only one does."""
    worded = [e.sign * abs(v) if e.sign else v for e, v in items]
    if per_statements + sum(worded, Decimal(0)) == per_form:
        return worded
    open_ = [i for i, (e, v) in enumerate(items) if not e.sign and v > 0]
    if not open_ or len(open_) > _MAX_OPEN:
        return None
    footing = []
    for flips in itertools.product((1, -1), repeat=len(open_)):
        amounts = list(worded)
        for i, flip in zip(open_, flips, strict=True):
            amounts[i] = flip * amounts[i]
        if per_statements + sum(amounts, Decimal(0)) == per_form:
            footing.append(amounts)
    return footing[0] if len(footing) == 1 else None


def _measure(text: str) -> ev.Reconciled | None:
    """What a reconciliation is of, from the caption of its figure per the statements (or the
    sentence introducing it): the first wording that names a measure."""
    before = re.split(r"\bper\b|\bas\s+reported\b", text, maxsplit=1, flags=re.IGNORECASE)[0]
    found = [(m.start(), measure) for measure, pattern in _MEASURES if (m := pattern.search(before))]
    return min(found)[1] if found else None


def _label(caption: str) -> str:
    prefix = _PREFIX.match(caption)
    return squash(caption[prefix.end() :] if prefix else caption)


def _column_date(heading: str, intro: str, fye: date, n: int, columns: int) -> date:
    """The column's year end: the year its heading prints; else the n-th year the sentence
    introducing it names ('for the year ended June 30, 2013', 'at December 31, 2007 and
    2006'); else the filing's year ends in order."""
    if m := _YEAR.search(heading):
        return year_end(int(m.group(1)), fye)
    named = [year_end(int(m.group(1)), fye) for m in _YEAR_ENDED.finditer(intro)]
    for _, end, d in find_dates(intro):
        if (d.month, d.day) == (fye.month, fye.day) and d not in named:
            named.append(d)
            if m := _AND_YEAR.match(intro, end):
                named.append(year_end(int(m.group(1)), fye))
    if len(named) >= columns:
        return named[n]
    return year_end(fye.year - n, fye)
