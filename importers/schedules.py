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
from importers.notes import Prose
from importers.sections import (
    AUDIT_REPORT,
    NET_ASSETS,
    NOTES,
    OTHER_PART,
    SCHEDULE_H,
    SIGNATURES,
    following,
    is_heading,
    is_title,
)
from importers.stamp import Stamp
from importers.text import (
    Figure,
    Line,
    cell_amount,
    find_dates,
    first_date,
    is_page_number,
    is_rule,
    rule_segments,
    squash,
    trailing_figures,
)

_HEADER_WINDOW = 15
_MARKER = re.compile(r"\(([a-l])\)")
_HEADER_WORD = re.compile(
    r"identity|issuer|borrower|lessor|similar\s+party|description|current|\bvalue\b|\bcost\b|relationship|"
    r"party\s+involved|amount\s+loaned|maturity\s+date",
    re.IGNORECASE,
)
_FOOTNOTE = re.compile(r"^\s*(?:\*+|\([a-z]\)|\*\*?\s*\w)\s*.*\b(?:denotes|party.in.interest|participant.directed|not\s+required|cost\b)", re.IGNORECASE)
_OTHER_SCHEDULE = re.compile(r"line\s+4\s*j|reportable\s+transactions|line\s+4\s*a\b|schedule\s+h\s*,?\s*line\s+4\s*[a-hj-z]\b", re.IGNORECASE)
_THOUSANDS = re.compile(r"\d,\d{3}")
_SHARES = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s+(?:shares|units)\b", re.IGNORECASE)
_CELL = re.compile(r"\S+(?: \S+)*")
_TAG_COLUMN = re.compile(r"<[SC]>", re.IGNORECASE)
_RATE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent\b)", re.IGNORECASE)
_LOAN_DATE = re.compile(r"(?:dated|date\s+of\s+(?:the\s+)?loan|loaned\s+on|made\s+on|beginning)\s*:?\s*", re.IGNORECASE)
_MATURITY = re.compile(r"maturity(?:\s+date)?(?:\s+of)?\s*:?\s*", re.IGNORECASE)
_REPAID = re.compile(
    r"\b(?:repaid|remitted|repayment|reimbursed|deposited)\b[^.;()]{0,40}?\b(?:on|until)\s+", re.IGNORECASE
)
_DEEMED = re.compile(r"deemed\s+loan|lending\s+of|loan\b.*(?:remit|late|timely|contribution)", re.IGNORECASE)


def _is_header(line: Line) -> bool:
    if _THOUSANDS.search(line.text):
        return False
    return bool(_MARKER.search(line.text)) or len(_HEADER_WORD.findall(line.text)) >= 2


def _is_stop(line: Line) -> bool:
    return (
        any(is_heading(line, p) for p in (NOTES, NET_ASSETS, AUDIT_REPORT, SIGNATURES, OTHER_PART))
        or is_heading(line, _OTHER_SCHEDULE, anywhere=True)
    )


def find_schedule(lines: Sequence[Line], pattern: re.Pattern[str], start: int, stop: int) -> int | None:
    """A schedule's heading, confirmed by the table headings that follow it."""
    for i in range(start, stop):
        if is_heading(lines[i], pattern, anywhere=True) and any(_is_header(x) for x in following(lines, i, _HEADER_WINDOW)):
            return i
    return None


def schedule_end(lines: Sequence[Line], start: int, stop: int, other: re.Pattern[str]) -> int:
    """Where a schedule ends: the next part of the filing, or the other schedule."""
    for i in range(start + 1, stop):
        if _is_stop(lines[i]) or is_heading(lines[i], other, anywhere=True):
            return i
    return stop


def _schedule_date(lines: Sequence[Line], heading: int, default: date) -> date:
    window = " ".join(line.text for line in lines[heading : heading + 4])
    return next((d for _, _, d in find_dates(window) if (d.month, d.day) == (default.month, default.day)), default)


# -- Schedule H, line 4i ------------------------------------------------------------------------


@dataclass(slots=True)
class _Layout:
    """Where a Schedule H table's columns start, from its headings."""

    description: int | None = None
    value: int | None = None
    cost: int | None = None

    def learn(self, line: Line) -> None:
        text = line.text.lower()
        for m in _MARKER.finditer(text):
            after = text[m.end() : m.end() + 20]
            if m.group(1) == "c" or after.strip().startswith("description"):
                self.description = _min(self.description, m.start())
            elif "cost" in after:
                self.cost = _min(self.cost, m.start())
            elif m.group(1) in "de" and re.match(r"\s*(?:current|value|fair)", after):
                self.value = _min(self.value, m.start())
        for word, attr in (("description", "description"), ("cost", "cost"), ("current", "value")):
            pos = text.find(word)
            if pos >= 0 and getattr(self, attr) is None:
                setattr(self, attr, pos)
        if self.value is None and (pos := text.rfind("value")) >= 0:
            self.value = pos

    def heading_of_value(self, header: Sequence[Line]) -> str:
        """The value column's heading as printed, e.g. 'Current Value' (markers dropped)."""
        if self.value is None:
            return ""
        words = " ".join(line.text[max(0, self.value - 2) :] for line in header)
        return squash(_MARKER.sub(" ", words))[:60]


def _min(a: int | None, b: int) -> int:
    return b if a is None else min(a, b)


@dataclass(slots=True)
class _Holding:
    party: bool = False
    issuer: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    value: Figure | None = None
    value_line: Line | None = None
    cost: Figure | None = None
    fresh: bool = True  # started after a blank line or with a party-in-interest mark


def schedule_h_events(
    lines: Sequence[Line], heading: int, end: int, stamp: Stamp, plan_names: frozenset[str]
) -> list[ev.PlanEvent]:
    as_of = _schedule_date(lines, heading, stamp.fiscal_year_end)
    layout = _Layout()
    header = [line for line in lines[heading + 1 : end] if _is_header(line)]
    for line in header:
        layout.learn(line)
    first_block = [line for line in header if line.no - header[0].no < 6] if header else []
    holdings: list[_Holding] = []
    current: _Holding | None = None
    separated = True
    for line in lines[heading + 1 : end]:
        if line.blank or line.page_break or is_rule(line.text) or is_page_number(line):
            separated = True
            continue
        if _is_header(line) or _FOOTNOTE.match(line.text) or is_title(line, plan_names) or _is_schedule_title(line):
            separated = True
            continue
        party, issuer, description, value, cost = _split(line, layout)
        starts_row = current is None or party or (separated and bool(issuer)) or (current.value is not None and bool(issuer))
        if starts_row:
            current = _Holding(party=party, fresh=separated or party)
            holdings.append(current)
        current.issuer += issuer
        current.description += description
        if value is not None and current.value is None:
            current.value, current.value_line, current.cost = value, line, cost
        separated = False
    return _holding_events(_merge_broken(holdings), as_of, stamp, layout.heading_of_value(first_block))


def _is_schedule_title(line: Line) -> bool:
    text = line.stripped.lower()
    return bool(
        SCHEDULE_H.search(text)
        or re.match(r"^schedule\s+[0-9ivx]+$", text)
        or re.search(r"\bein\b|plan\s*#|plan\s+number", text)
        or re.match(r"^\(?(?:held\s+at\s+)?end\s+of\s+year\)?", text)
    )


def _split(line: Line, layout: _Layout) -> tuple[bool, list[str], list[str], Figure | None, Figure | None]:
    try:
        _, figures = trailing_figures(line.text, limit=2)
    except ParseError as e:
        raise e.at(line.no, "Schedule H line 4i") from None
    value = cost = None
    if figures and (layout.value is None or figures[-1].end > layout.value - 2):
        value = figures[-1]
        if len(figures) == 2 and layout.cost is not None and figures[0].end > layout.cost - 2:
            cost = figures[0]
    cut = (cost or value).start if value else len(line.text)
    party = False
    issuer: list[str] = []
    description: list[str] = []
    for m in _CELL.finditer(line.text[:cut]):
        text, start = m.group(), m.start()
        if text.startswith("*") and not issuer and not description and start < (layout.description or 99):
            party = True
            text = text.lstrip("*").strip()
            start = m.start() + len(m.group()) - len(text)
            if not text:
                continue
        if layout.cost is not None and start >= layout.cost - 2:
            continue
        if layout.description is not None and start >= layout.description - 3 or (layout.description is None and issuer):
            description.append(text)
        else:
            issuer.append(text)
    return party, issuer, description, value, cost


def _merge_broken(holdings: list[_Holding]) -> list[_Holding]:
    """A row without a value that directly continued the row above (no blank line, no mark)
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
        if h.value is None or h.value_line is None:
            category = (issuer or description).rstrip(":-").strip()
            continue
        common = stamp.common("schedule_h_4i", h.value_line, as_of, column)
        label = issuer or description
        if label.lower().startswith("total"):
            events.append(ev.TotalReported(**common, amount=h.value.value, label=label, total="total_investments"))
            continue
        shares = _SHARES.search(description)
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
    figure_lines: dict[int, Line]


def schedule_g_events(
    lines: Sequence[Line], heading: int, end: int, stamp: Stamp, notes: Prose | None
) -> list[ev.PlanEvent]:
    first = next((i for i in range(heading + 1, min(end, heading + 1 + 3 * _HEADER_WINDOW)) if _is_header(lines[i])), None)
    if first is None:
        return []
    body = first
    while body < end and not (is_rule(lines[body].text) or _TAG_COLUMN.search(lines[body].raw) or _has_amount(lines[body])):
        body += 1
    header_rows = [i for i in range(first, body) if not lines[i].blank]
    starts = _g_columns(lines, header_rows, body)
    headings = [
        squash(" ".join(lines[i].text[a:b] for i in header_rows))
        for a, b in zip(starts, [*starts[1:], 10_000], strict=True)
    ]
    rows: list[_Transaction] = []
    footnotes: list[Line] = []
    current: _Transaction | None = None
    for line in lines[body:end]:
        if is_rule(line.text) or is_page_number(line):
            continue
        if line.blank or line.page_break:
            if current is not None:
                current = None
            continue
        if footnotes or re.match(r"^\s*\([a-z]\)\s", line.text) or "</TABLE>" in line.raw.upper():
            footnotes.append(line)
            continue
        if current is None:
            current = _Transaction([[] for _ in starts], {})
            rows.append(current)
        for m in _CELL.finditer(line.text):
            col = max((k for k, s in enumerate(starts) if s <= m.start() + 2), default=0)
            current.cells[col].append(m.group())
            if cell_amount(m.group()) is not None:
                current.figure_lines.setdefault(col, line)
    events: list[ev.PlanEvent] = []
    for row in rows:
        events.extend(_transaction_events(row, headings, stamp, footnotes, notes))
    return events


def _has_amount(line: Line) -> bool:
    return any(
        cell_amount(m.group()) is not None and ("$" in m.group() or _THOUSANDS.search(m.group()))
        for m in _CELL.finditer(line.text)
    )


def _g_columns(lines: Sequence[Line], header_rows: list[int], body: int) -> list[int]:
    """Column starts: the underline under the headings, else the EDGAR <S>/<C> tags, else
    where the widest heading line's words start."""
    if is_rule(lines[body].text):
        return [a for a, _ in rule_segments(lines[body].text)]
    for line in lines[body : body + 3]:
        tags = [m.start() for m in _TAG_COLUMN.finditer(line.raw.expandtabs(8))]
        if len(tags) >= 3:
            return tags
    widest = max((lines[i] for i in header_rows), key=lambda x: len(_CELL.findall(x.text)))
    return [m.start() for m in _CELL.finditer(widest.text)]


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
    line = row.figure_lines[principal_col if principal_col is not None else interest_col]
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


def _repayment(row_line: Line, description: str, footnotes: list[Line], notes: Prose | None) -> tuple[date, Line, ev.Section] | None:
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
