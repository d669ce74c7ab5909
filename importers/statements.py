"""The two financial statements: net assets at two year ends, and the year's changes.

Every printed line becomes an event, subtotals and totals included: the ledger audits them
later, so nothing is recomputed, corrected or dropped here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ledger import events as ev

from importers import captions
from importers.columns import Column, assign, with_underline, year_header
from importers.rows import Heading, Row, read_body
from importers.sections import (
    TOC_TAIL,
    AUDIT_REPORT,
    CHANGES,
    NET_ASSETS,
    NOTES,
    SCHEDULE_G,
    SCHEDULE_H,
    SIGNATURES,
    following,
    in_thousands,
    is_heading,
    is_title,
)
from importers.stamp import Stamp
from importers.text import Figure, Line, find_dates, year_end

_HEADER_WINDOW = 12  # non-blank lines between a statement's heading and its column headings


@dataclass(frozen=True, slots=True)
class Statement:
    heading: int  # index of the heading line
    body: int  # index of the first line after the column headings
    columns: list[Column]  # empty: a one-period statement of changes without year headings
    unit: ev.Unit


def find_net_assets(lines: Sequence[Line], start: int, stop: int) -> Statement | None:
    for i in range(start, stop):
        if is_heading(lines[i], NET_ASSETS):
            header = _year_header_after(lines, i)
            if header is not None:
                return _statement(lines, i, header)
    return None


def unreadable_net_assets(lines: Sequence[Line]) -> int | None:
    """The line of a statement of net assets with figures but no year headings to read them by."""
    for i, line in enumerate(lines):
        if is_heading(line, NET_ASSETS) and sum(_has_figures(x) for x in following(lines, i, _HEADER_WINDOW)) >= 3:
            return line.no
    return None


def find_changes(lines: Sequence[Line], start: int, stop: int) -> Statement | None:
    for i in range(start, stop):
        if not is_heading(lines[i], CHANGES):
            continue
        header = _year_header_after(lines, i)
        if header is not None and not _figures_between(lines, i, header):
            return _statement(lines, i, header)
        if any(_has_figures(line) for line in following(lines, i, _HEADER_WINDOW)):
            return Statement(i, i + 1, [], _unit(lines[i : i + _HEADER_WINDOW]))
    return None


def _year_header_after(lines: Sequence[Line], i: int) -> int | None:
    """The column headings under a heading; a contents entry (page numbers) has none."""
    for line in following(lines, i, _HEADER_WINDOW):
        if year_header(line.text):
            return line.no - 1
        if TOC_TAIL.search(line.text) or is_heading(line, CHANGES) or is_heading(line, NOTES):
            return None
    return None


def _figures_between(lines: Sequence[Line], start: int, end: int) -> bool:
    return any(_has_figures(line) for line in lines[start + 1 : end])


def _has_figures(line: Line) -> bool:
    return bool(re.search(r"\d,\d{3}\b", line.text)) and not year_header(line.text)


def _statement(lines: Sequence[Line], heading: int, header: int) -> Statement:
    columns = with_underline(year_header(lines[header].text) or [], lines, header)
    return Statement(heading, header + 1, columns, _unit(lines[heading : header + 1]))


def _unit(lines: Sequence[Line]) -> ev.Unit:
    return "thousands" if in_thousands(lines) else "dollars"


def _stop_for(*patterns: re.Pattern[str]):
    def is_stop(line: Line) -> bool:
        return any(is_heading(line, p, anywhere=p in (SCHEDULE_H, SCHEDULE_G)) for p in patterns)

    return is_stop


def _furniture(plan_names: frozenset[str]):
    return lambda line: is_title(line, plan_names)


class _Emitter:
    """Turns a statement's figures into events, scaled to dollars and stamped."""

    def __init__(self, stamp: Stamp, section: ev.Section, statement: Statement) -> None:
        self.stamp = stamp
        self.section = section
        self.unit = statement.unit
        self.scale = Decimal(1000) if statement.unit == "thousands" else Decimal(1)
        self.events: list[ev.PlanEvent] = []

    def amount(self, figure: Figure) -> Decimal:
        return figure.value * self.scale

    def emit(self, cls: type[ev.PlanEvent], row: Row, as_of: date, column: str, **fields) -> None:
        common = self.stamp.common(self.section, row.line, as_of, column, self.unit)
        self.events.append(cls(**common, **fields))


# -- Statement of net assets available for benefits ------------------------------------------


def net_assets_events(
    lines: Sequence[Line], st: Statement, stamp: Stamp, plan_names: frozenset[str]
) -> tuple[list[ev.PlanEvent], int]:
    where = f"statement of net assets (line {lines[st.heading].no})"
    body = read_body(
        lines,
        st.body,
        where=where,
        is_last=lambda row: "net assets" in row.label.lower(),
        is_stop=_stop_for(CHANGES, NOTES, SCHEDULE_H, SCHEDULE_G, AUDIT_REPORT, SIGNATURES),
        is_furniture=_furniture(plan_names),
        max_figures=len(st.columns),
    )
    out = _Emitter(stamp, "net_assets", st)
    part: str | None = None  # investments | receivables | liabilities
    category = ""
    investments_totalled = False
    for item in body.items:
        if isinstance(item, Heading):
            part, category = _net_assets_heading(item.text, part, category, investments_totalled)
            continue
        label = item.label
        lower = label.lower()
        cls, fields = _balance_kind(label, part, category, investments_totalled)
        for column, figure in assign(item.figures, st.columns, item.line, where):
            as_of = year_end(column.year, stamp.fiscal_year_end)
            amount = out.amount(figure)
            if cls is ev.LiabilityReported:
                amount = abs(amount)  # '(5,000)' under Liabilities: deducted, a liability of 5,000
            out.emit(cls, item, as_of, column.heading, amount=amount, label=label, **fields)
        if captions.is_total(label) or lower.startswith("cash"):
            investments_totalled = investments_totalled or part == "investments" or "investment" in lower
            part = None
    return out.events, body.end


def _balance_kind(label: str, part: str | None, category: str, totalled: bool) -> tuple[type[ev.Balance], dict]:
    lower = label.lower()
    if "net assets" in lower:
        return ev.NetAssetsReported, {}
    if not label or captions.is_total(label):
        return ev.TotalReported, {"total": captions.total_kind(label) if label else "other"}
    if lower.startswith("cash"):
        return ev.CashReported, {}
    if part == "receivables" or "receivable" in lower:
        return ev.ReceivableReported, {"kind": captions.receivable_kind(label)}
    if part == "liabilities" or captions.is_liability(label):
        return ev.LiabilityReported, {"kind": captions.liability_kind(label)}
    if part == "investments" or not totalled:
        return ev.HoldingReported, {"category": category}
    return ev.ReceivableReported, {"kind": "other"}


def _net_assets_heading(text: str, part: str | None, category: str, totalled: bool) -> tuple[str | None, str]:
    lower = text.lower()
    if "liabilit" in lower:
        return "liabilities", ""
    if "receivable" in lower:
        return "receivables", ""
    if "investment" in lower or part == "investments" or (part is None and not totalled and lower != "assets"):
        return "investments", text
    return part, category


# -- Statement of changes in net assets available for benefits ---------------------------------


def changes_events(
    lines: Sequence[Line], st: Statement, stamp: Stamp, plan_names: frozenset[str]
) -> tuple[list[ev.PlanEvent], int]:
    where = f"statement of changes (line {lines[st.heading].no})"
    fye = stamp.fiscal_year_end
    body = read_body(
        lines,
        st.body,
        where=where,
        is_last=lambda row: captions.is_end(row.label) or _dated(row.label, fye) == "end",
        is_stop=_stop_for(NET_ASSETS, NOTES, SCHEDULE_H, SCHEDULE_G, SIGNATURES),
        is_furniture=_furniture(plan_names),
        max_figures=max(len(st.columns), 2),
    )
    out = _Emitter(stamp, "changes", st)
    single = st.columns[0].heading if len(st.columns) == 1 else ""
    deducting = False
    group = ""
    for item in body.items:
        if isinstance(item, Heading):
            lower = item.text.lower()
            if lower.startswith("addition"):
                deducting, group = False, ""
            elif lower.startswith("deduction"):
                deducting, group = True, ""
            else:
                group = item.text
            continue
        for column, figure, subtotal in _changes_cells(item, st.columns, where):
            year = column.year if column else fye.year
            as_of = year_end(year, fye)
            heading = column.heading if column else single
            if subtotal:
                kind = captions.total_kind(group, income_statement=True)
                out.emit(ev.TotalReported, item, as_of, heading, amount=out.amount(figure), label=group, total=kind)
            else:
                _emit_change(out, item, figure, as_of, heading, group, deducting)
        if captions.is_total(item.label) or not item.label or (len(st.columns) < 2 and len(item.figures) > 1):
            group = ""
            if re.search(r"addition|deduction", item.label, re.IGNORECASE):
                deducting = False
        elif captions.is_net_change(item.label):
            deducting, group = False, ""
    return out.events, body.end


def _changes_cells(row: Row, columns: list[Column], where: str) -> list[tuple[Column | None, Figure, bool]]:
    """(column, figure, is a subtotal of the group above) for each figure on the row.

    Without year headings a statement of changes has at most two figure columns: a line's own
    figure, and beside the group's last line the group's subtotal ('118,470   (426,833)')."""
    if len(columns) > 1:
        return [(col, fig, False) for col, fig in assign(row.figures, columns, row.line, where)]
    own, *rest = row.figures
    return [(None, own, False)] + [(None, fig, True) for fig in rest]


def _emit_change(
    out: _Emitter, row: Row, figure: Figure, as_of: date, column: str, group: str, deducting: bool
) -> None:
    label = row.label
    amount = out.amount(figure)
    prior = year_end(as_of.year - 1, as_of)
    dated = _dated(label, as_of)
    if captions.is_beginning(label) or dated == "beginning":
        out.emit(ev.NetAssetsReported, row, prior, column, amount=amount, label=label)
    elif captions.is_end(label) or dated == "end":
        out.emit(ev.NetAssetsReported, row, as_of, column, amount=amount, label=label)
    elif not label or captions.is_total(label):
        kind = captions.total_kind(label or group, income_statement=True)
        out.emit(ev.TotalReported, row, as_of, column, amount=amount, label=label, total=kind)
    elif captions.is_net_change(label):
        signed = -abs(amount) if captions.says_decrease(label) else amount
        out.emit(ev.TotalReported, row, as_of, column, amount=signed, label=label, total="net_change")
    else:
        cls = captions.flow_class(label, group, deducting)
        if cls.sign < 0:
            amount = abs(amount)
        elif captions.says_decrease(label):
            amount = -abs(amount)
        fields: dict = {"period_start": prior + timedelta(days=1)}
        if cls is ev.ContributionReceived:
            fields["source"] = captions.contribution_source(f"{group} {label}")
        if cls is ev.NetAppreciation and not re.search(r"apprec|deprec|gain|loss", label, re.IGNORECASE):
            fields["asset_class"] = label.lower()
        out.emit(cls, row, as_of, column, amount=amount, label=label, **fields)


def _dated(label: str, as_of: date) -> str:
    """'beginning' or 'end' when a net-assets caption is dated instead ('..., December 31, 1999')."""
    if "net assets" not in label.lower() and "balance" not in label.lower():
        return ""
    for _, _, d in find_dates(label):
        if d == as_of:
            return "end"
        if d == year_end(as_of.year - 1, as_of):
            return "beginning"
    return ""
