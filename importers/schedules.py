"""The supplemental schedules: Schedule H line 4i (assets held at year end) and Schedule G
part III (nonexempt transactions, such as deemed loans from late contributions).

Both are tables whose rows wrap over several lines and whose pages repeat the headings; the
column positions come from the table's own headings (markers '(c)', '(d)', underlines).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ledger import events as ev

from importers.errors import ParseError
from importers.model import Figure, Row, Source, Table
from importers.notes import Prose
from importers.sections import (
    SCHEDULE_H,
)
from importers.stamp import Stamp
from importers.text import (
    Line,
    cell_amount,
    first_date,
    squash,
)

_MARKER = re.compile(r"\(([a-l])\)")
_FOOTNOTE = re.compile(r"^\s*(?:\*+|\([a-z]\)|\*\*?\s*\w)\s*.*\b(?:denotes|party.in.interest|participant.directed|not\s+required|cost\b)", re.IGNORECASE)
_SHARES = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s+(?:shares|units)\b", re.IGNORECASE)
_RATE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent\b)", re.IGNORECASE)
_LOAN_DATE = re.compile(r"(?:dated|date\s+of\s+(?:the\s+)?loan|loaned\s+on|made\s+on|beginning)\s*:?\s*", re.IGNORECASE)
_MATURITY = re.compile(r"maturity(?:\s+date)?(?:\s+of)?\s*:?\s*", re.IGNORECASE)
_REPAID = re.compile(
    r"\b(?:repaid|remitted|repayment|reimbursed|deposited)\b[^.;()]{0,40}?\b(?:on|until)\s+", re.IGNORECASE
)
_DEEMED = re.compile(r"deemed\s+loan|lending\s+of|loan\b.*(?:remit|late|timely|contribution)", re.IGNORECASE)


# -- Schedule H, line 4i ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Columns:
    """Which of a Schedule H table's cells is which, from its headings."""

    party: int | None
    issuer: int
    description: int | None
    cost: int | None
    value: int | None
    heading: str  # the value column's heading as printed

    @classmethod
    def of(cls, table: Table) -> _Columns:
        headings = [h.lower() for h in table.headings]
        figures = [k for k in range(len(headings)) if any(r.figures[k] for r in table.rows)]
        words = [k for k in range(len(headings)) if k not in figures]

        def find(pattern: str, among: list[int]) -> int | None:
            return next((k for k in among if re.search(pattern, headings[k])), None)

        value = find(r"current|value|\(e\)", figures) if figures else None
        if value is None and figures:
            value = figures[-1]
        cost = find(r"cost|\(d\)", [k for k in figures if k != value])
        party = find(r"^\(a\)$|^$", words) if len(words) >= 3 else None
        issuer = find(r"identity|issuer|borrower|\(b\)", [k for k in words if k != party])
        if issuer is None:
            issuer = next((k for k in words if k != party), 0)
        description = find(r"descript|\(c\)", [k for k in words if k not in (party, issuer)])
        if description is None:
            description = next((k for k in words if k > issuer), None)
        return cls(party, issuer, description, cost, value, _MARKER.sub(" ", table.headings[value]).strip() if value is not None else "")


@dataclass(slots=True)
class _Holding:
    party: bool = False
    issuer: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    value: Figure | None = None
    value_row: Row | None = None
    cost: Figure | None = None
    fresh: bool = True  # started after a gap or with a party-in-interest mark


def schedule_h_events(tables: Sequence[Table], as_of: date, stamp: Stamp, is_furniture) -> list[ev.PlanEvent]:
    holdings: list[_Holding] = []
    heading = ""
    for table in tables:
        cols = _Columns.of(table)
        heading = heading or cols.heading
        current: _Holding | None = None
        for row in table.rows:
            if row.problem:
                raise ParseError(f"Schedule H line 4i: {row.problem}", row.source.line)
            text = " ".join(c for k, c in enumerate(row.cells) if c and row.figures[k] is None)
            if not row.has_figures and (is_furniture(text) or _FOOTNOTE.match(text) or _is_schedule_title(text)):
                continue
            party, issuer, description = _texts(row, cols)
            value = row.figures[cols.value] if cols.value is not None else None
            cost = row.figures[cols.cost] if cols.cost is not None else None
            if value is None and cost is not None:
                value, cost = cost, None
            starts = current is None or party or (row.after_gap and bool(issuer)) or (current.value is not None and bool(issuer))
            if starts:
                current = _Holding(party=party, fresh=row.after_gap or party)
                holdings.append(current)
            current.issuer += issuer
            current.description += description
            if value is not None and current.value is None:
                current.value, current.value_row, current.cost = value, row, cost
    return _holding_events(_merge_broken(holdings), as_of, stamp, heading)


def _texts(row: Row, cols: _Columns) -> tuple[bool, list[str], list[str]]:
    """(party in interest, issuer words, description words) of a row."""
    cells = [c if row.figures[k] is None else "" for k, c in enumerate(row.cells)]
    party = False
    if cols.party is not None and cols.party != cols.issuer and cells[cols.party].strip().startswith("*"):
        party = True
        cells[cols.party] = cells[cols.party].lstrip("* ")
    issuer = cells[cols.issuer]
    if issuer.startswith("*"):
        party, issuer = True, issuer.lstrip("* ")
    description = cells[cols.description] if cols.description is not None else ""
    extra = [c for k, c in enumerate(cells) if c and k not in (cols.party, cols.issuer, cols.description)]
    if cols.party is not None and cols.party not in (cols.issuer, cols.description) and cells[cols.party]:
        issuer = f"{cells[cols.party]} {issuer}".strip()
    return party, [issuer] if issuer else [], [t for t in [description, *extra] if t]


def _is_schedule_title(text: str) -> bool:
    text = text.strip().lower()
    return bool(
        SCHEDULE_H.search(text)
        or re.match(r"^schedule\s+[0-9ivx]+$", text)
        or re.search(r"\bein\b|plan\s*#|plan\s+number", text)
        or re.match(r"^\(?(?:held\s+at\s+)?end\s+of\s+year\)?", text)
    )


def _merge_broken(holdings: list[_Holding]) -> list[_Holding]:
    """A row without a value that directly continued the row above (no gap, no mark)
    is that row's wrapped text; any other row without a value is a group heading."""
    out: list[_Holding] = []
    for h in holdings:
        if h.value is None and not h.fresh and out and out[-1].value is not None:
            out[-1].issuer += h.issuer
            out[-1].description += h.description
        else:
            out.append(h)
    return out


def _holding_events(holdings: list[_Holding], as_of: date, stamp: Stamp, column: str) -> list[ev.PlanEvent]:
    events: list[ev.PlanEvent] = []
    category = ""
    for h in holdings:
        issuer = squash(" ".join(h.issuer))
        description = squash(" ".join(h.description))
        if h.value is None or h.value_row is None:
            category = (issuer or description).rstrip(":-").strip()
            continue
        common = stamp.common("schedule_h_4i", h.value_row.source, as_of, column)
        label = issuer or description
        if label.lower().startswith("total") or not label:
            events.append(ev.TotalReported(**common, amount=h.value.value, label=label, total="total_investments"))
            continue
        shares = _SHARES.search(description) or _SHARES.search(issuer)
        events.append(
            ev.HoldingReported(
                **common,
                amount=h.value.value,
                label=label,
                issuer=issuer,
                description=description,
                category=category,
                shares=Decimal(shares.group(1).replace(",", "")) if shares else None,
                cost=h.cost.value if h.cost else None,
                party_in_interest=h.party,
            )
        )
    return events


# -- Schedule G, part III -------------------------------------------------------------------------


@dataclass(slots=True)
class _Transaction:
    cells: list[list[str]]
    figure_rows: dict[int, Source]


def schedule_g_events(
    tables: Sequence[Table], footnotes: Sequence[Line], stamp: Stamp, notes: Prose | None
) -> list[ev.PlanEvent]:
    """Each transaction is a group of rows set apart by gaps; footnotes are the lines after the table."""
    events: list[ev.PlanEvent] = []
    for table in tables:
        rows: list[_Transaction] = []
        current: _Transaction | None = None
        for row in table.rows:
            if current is None or row.after_gap:
                current = _Transaction([[] for _ in row.cells], {})
                rows.append(current)
            for k, cell in enumerate(row.cells):
                if cell:
                    current.cells[k].append(cell)
                    if row.figures[k] is not None:
                        current.figure_rows.setdefault(k, row.source)
        for transaction in rows:
            events.extend(_transaction_events(transaction, list(table.headings), stamp, footnotes, notes))
    return events


def _transaction_events(
    row: _Transaction, headings: list[str], stamp: Stamp, footnotes: list[Line], notes: Prose | None
) -> list[ev.PlanEvent]:
    texts = [squash(" ".join(c)) for c in row.cells]
    amounts = {k: a for k, t in enumerate(texts) if t and (a := cell_amount(t)) is not None}
    words = [k for k, t in enumerate(texts) if t and k not in amounts]
    if not amounts or not words:
        return []
    interest_col = next((k for k in amounts if "interest" in headings[k].lower()), None)
    principal_col = next((k for k in amounts if k != interest_col), None)
    party = texts[words[0]]
    relationship = texts[words[1]] if len(words) > 2 else ""
    description = texts[words[-1]] if len(words) > 1 else ""
    principal = amounts.get(principal_col) if principal_col is not None else None
    interest = amounts.get(interest_col) if interest_col is not None else None
    line = row.figure_rows[principal_col if principal_col is not None else interest_col]
    column = headings[principal_col] if principal_col is not None else ""
    if principal is None or not _DEEMED.search(description):
        return [
            ev.NonexemptTransactionReported(
                **stamp.common("schedule_g_iii", line, stamp.fiscal_year_end, column),
                party=party,
                relationship=relationship,
                description=description,
                amount=principal,
                interest=interest,
            )
        ]
    dated = _date_after(_LOAN_DATE, description)
    loaned = dated[1] if dated else first_date(description) or stamp.fiscal_year_end
    rate = _RATE.search(description)
    loan = f"{party}/{loaned.isoformat()}"
    made = ev.DeemedLoanMade(
        **stamp.common("schedule_g_iii", line, loaned, column),
        loan=loan,
        counterparty=party,
        principal=principal,
        rate=Decimal(rate.group(1)) if rate else None,
        maturity=matures[1] if (matures := _date_after(_MATURITY, description)) else None,
    )
    repaid = _repayment(line, description, footnotes, notes)
    if repaid is None:
        return [made]
    repaid_on, repaid_line, section = repaid
    return [
        made,
        ev.DeemedLoanRepaid(
            **stamp.common(section, repaid_line, repaid_on),
            loan=loan,
            counterparty=party,
            principal=principal,
            interest=interest,
            rate=made.rate,
            start_date=loaned,
        ),
    ]


def _date_after(pattern: re.Pattern[str], text: str) -> tuple[int, date] | None:
    """The date printed right after a phrase: (offset of the phrase, date)."""
    for m in pattern.finditer(text):
        d = first_date(text[m.end() : m.end() + 25])
        if d:
            return m.start(), d
    return None


def _repayment(row_line: Source, description: str, footnotes: list[Line], notes: Prose | None) -> tuple[date, Source | Line, ev.Section] | None:
    """When the loan was repaid: said in the row, a footnote under the table, or the notes."""
    if found := _date_after(_REPAID, description):
        return found[1], row_line, "schedule_g_iii"
    for i, note in enumerate(footnotes):
        nxt = footnotes[i + 1].text if i + 1 < len(footnotes) else ""
        if found := _date_after(_REPAID, f"{squash(note.text)} {squash(nxt)}"):
            return found[1], note, "schedule_g_iii"
    if notes is not None:
        for start, sentence in notes.sentences():
            if "loan" in sentence.lower() and (found := _date_after(_REPAID, sentence)):
                return found[1], notes.line_at(start + found[0]), "notes"
    return None
