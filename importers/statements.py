"""The two financial statements, read from the model's tables: net assets at two year ends, and
the year's changes.

Each statement's rows are given a meaning by their captions and the headings above them; which
rows total which is then decided by the figures (`structure.decide`). Every printed figure
becomes an event, subtotals and totals included, and each column gets a `StatementRead` saying
how sure its structure is. Nothing is recomputed, corrected or dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from ledger import events as ev

from importers import captions
from importers.errors import ParseError
from importers.model import Figure, Row, Source, Table
from importers.stamp import Stamp
from importers.structure import Entry, Hint, Structure, Total, decide
from importers.text import YEAR, find_dates, year_end

_TOTAL_COLUMN = re.compile(r"\btotal\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Column:
    index: int  # cell index in the table's rows
    heading: str
    as_of: date


@dataclass(slots=True)
class Statement:
    """One statement as printed: its title, its rows (continuation pages joined), its columns."""

    section: ev.Section
    title: Source
    unit: ev.Unit
    tables: list[Table] = field(default_factory=list)

    @property
    def rows(self) -> list[Row]:
        return [row for table in self.tables for row in table.rows]

    @property
    def where(self) -> str:
        name = "statement of net assets" if self.section == "net_assets" else "statement of changes"
        return f"{name} (line {self.title.line})"

    def check(self, is_last) -> None:
        """Reject what cannot be read: a row the reader could not read, or a statement that
        never reaches its last line."""
        for row in self.rows:
            if row.problem:
                raise ParseError(f"{self.where}: {row.problem}", row.source.line)
        if not any(row.has_figures and is_last(row) for row in self.rows):
            last = self.rows[-1].source.line if self.rows else self.title.line
            raise ParseError(f"{self.where}: ends before its last line (truncated?)", last)


@dataclass(frozen=True, slots=True)
class Reading:
    """What the reader made of one row, for `--explain` and for the events."""

    row: Row
    role: str  # heading | item | total
    event: str  # the event type emitted ("" for headings)
    detail: str = ""  # what it totals, or why it is where it is


@dataclass(slots=True)
class Read:
    events: list[ev.PlanEvent] = field(default_factory=list)
    rows: list[Reading] = field(default_factory=list)
    structure: Structure | None = None


def statement_columns(st: Statement, fiscal_year_end: date) -> list[Column]:
    """The statement's figure columns and the date each describes. Several columns for one
    period (participant-directed, nonparticipant-directed, total): only the total's."""
    table = st.tables[0]
    first_figure = next((k for k in range(len(table.headings)) if any(r.figures[k] for r in st.rows)), 1)
    figure_columns = [k for k in range(first_figure, len(table.headings)) if any(r.figures[k] for r in st.rows)]
    dated: list[Column] = []
    for k in figure_columns:
        heading = table.headings[k]
        d = _column_date(heading, fiscal_year_end)
        if d is not None:
            dated.append(Column(k, heading, d))
    if len(dated) == len(figure_columns) and len({c.as_of for c in dated}) == len(dated):
        return dated
    if st.section == "net_assets" and len({c.as_of for c in dated}) >= 2:
        stray = next(r for r in st.rows if any(r.figures[k] for k in figure_columns if k not in {c.index for c in dated}))
        raise ParseError(
            f"{st.where}: cannot read the columns: {sum(f is not None for f in stray.figures)} figures under "
            f"{len(dated)} headings",
            stray.source.line,
        )
    if st.section == "net_assets" and len({c.as_of for c in dated}) < 2:
        raise ParseError(
            "statement of net assets: cannot read its columns (no year headings over the figures)", st.title.line
        )
    totals = [k for k in figure_columns if _TOTAL_COLUMN.search(table.headings[k])]
    if totals:
        k = totals[-1]
        return [Column(k, table.headings[k], fiscal_year_end)]
    return [Column(k, table.headings[k], fiscal_year_end) for k in figure_columns]


def _column_date(heading: str, fye: date) -> date | None:
    """The date a column heading names: a date as printed, or a year at the fiscal year end."""
    dates = find_dates(heading)
    if dates:
        return dates[-1][2]
    years = YEAR.findall(heading)
    return year_end(int(years[-1]), fye) if len(years) == 1 else None


# -- Statement of net assets available for benefits ------------------------------------------


def net_assets_events(st: Statement, stamp: Stamp) -> Read:
    st.check(lambda r: "net assets" in r.caption.lower() or "plan equity" in r.caption.lower())
    columns = statement_columns(st, stamp.fiscal_year_end)
    rows = st.rows
    part: str | None = None
    category = ""
    totalled = False
    meanings: list[tuple[Row, type[ev.Balance] | None, dict, str]] = []
    entries: list[Entry] = []
    group_start = True
    final = _last(rows, lambda r: "net assets" in r.caption.lower() or "plan equity" in r.caption.lower())
    for n, row in enumerate(rows):
        if not row.has_figures:
            if row.caption:
                part, category = _net_assets_heading(row.caption, part, category, totalled)
                group_start = True
            meanings.append((row, None, {}, "heading"))
            continue
        cls, fields, hint, kind = _balance_kind(row, part, category, totalled, n == final)
        if captions.is_total(row.caption) or row.caption.lower().startswith("cash"):
            totalled = totalled or part == "investments" or "investment" in row.caption.lower()
        effects = tuple(_effect(row.figures[c.index], cls) for c in columns)
        entries.append(Entry(effects, hint, group_start, kind, spans_all=n == final))
        meanings.append((row, cls, fields, kind))
        group_start = False
    structure = decide(entries, len(columns))
    entry_lines = [row.source.line for row, cls, _, _ in meanings if cls is not None]
    out = _Emitter(stamp, "net_assets", st)
    e = -1
    for row, cls, fields, kind in meanings:
        if cls is None:
            out.note(row, "heading")
            continue
        e += 1
        total = structure.totals.get(e)
        if total is not None and cls is not ev.NetAssetsReported:
            cls, fields = ev.TotalReported, {"total": _net_assets_total(total, row.caption)}
        for c in columns:
            fig = row.figures[c.index]
            if fig is None:
                continue
            amount = out.amount(fig)
            if cls is ev.LiabilityReported:
                amount = abs(amount)  # '(5,000)' under Liabilities: deducted, a liability of 5,000
            out.emit(cls, row, c.as_of, c.heading, amount=amount, label=row.caption, **fields)
        out.note(row, "total" if total else "item", cls.__name__, _totals_detail(total, entry_lines))
    out.read(structure, columns, entries)
    return out.result(structure)


def _effect(fig: Figure | None, cls: type[ev.Balance]) -> Decimal | None:
    if fig is None:
        return None
    return -abs(fig.value) if cls is ev.LiabilityReported else fig.value


def _last(rows: Sequence[Row], test) -> int:
    found = [n for n, r in enumerate(rows) if r.has_figures and test(r)]
    return found[-1] if found else -1


def _balance_kind(
    row: Row, part: str | None, category: str, totalled: bool, final: bool
) -> tuple[type[ev.Balance], dict, Hint, str]:
    label = row.caption
    lower = label.lower()
    if final:
        return ev.NetAssetsReported, {}, "total", "net_assets"
    if "net assets" in lower:
        return ev.TotalReported, {"total": "other"}, "total", "net_assets_fair_value"
    if captions.is_adjustment(label):
        return ev.ValueAdjustmentReported, {}, "item", "adjustment"
    if not label or captions.is_total(label):
        hint: Hint = "total" if label else "maybe_total"
        return ev.TotalReported, {"total": captions.total_kind(label) if label else "other"}, hint, "total"
    maybe: Hint = "maybe_total" if row.rule_above else "item"
    if lower.startswith("cash"):
        return ev.CashReported, {}, maybe, "cash"
    if captions.is_participant_loans_receivable(label):
        return ev.ReceivableReported, {"kind": "participant_loans"}, maybe, "receivable"
    if part == "receivables" or "receivable" in lower:
        return ev.ReceivableReported, {"kind": captions.receivable_kind(label)}, maybe, "receivable"
    if part == "liabilities" or captions.is_liability(label):
        return ev.LiabilityReported, {"kind": captions.liability_kind(label)}, maybe, "liability"
    if part == "investments" or not totalled:
        return ev.HoldingReported, {"category": category}, maybe, "holding"
    return ev.ReceivableReported, {"kind": "other"}, maybe, "receivable"


def _net_assets_heading(text: str, part: str | None, category: str, totalled: bool) -> tuple[str | None, str]:
    lower = text.lower()
    if "liabilit" in lower:
        return "liabilities", ""
    if "receivable" in lower:
        return "receivables", ""
    if "investment" in lower or part == "investments" or (part is None and not totalled and lower.rstrip(":") != "assets"):
        return "investments", text.rstrip(":-\u2014 ").strip()
    return part, category


def _net_assets_total(total: Total, caption: str) -> ev.TotalKind:
    """A total's kind from what it adds up, whatever its caption says. A total that does not
    foot keeps the kind its caption names, if it names one: its items are then only the nearest
    guess (the audit reports it either way)."""
    if not total.footed and captions.is_total(caption) and captions.total_kind(caption) != "other":
        return captions.total_kind(caption)
    kinds = total.kinds - {"total"}
    if kinds == {"holding"}:
        return "total_investments"
    if kinds == {"receivable"}:
        return "total_receivables"
    if kinds == {"liability"}:
        return "total_liabilities"
    if kinds and kinds <= {"holding", "cash", "receivable"}:
        return "total_assets"
    return captions.total_kind(caption) if not kinds else "other"


# -- Statement of changes in net assets available for benefits ---------------------------------


@dataclass(frozen=True, slots=True)
class _Change:
    row: Row
    cls: type[ev.PlanEvent]
    fields: dict
    kind: str
    label: str
    figures: tuple[tuple[Column, Figure], ...]


def changes_events(st: Statement, stamp: Stamp) -> Read:
    fye = stamp.fiscal_year_end
    st.check(lambda r: captions.is_end(r.caption) or _dated(r.caption, fye) == "end")
    columns = statement_columns(st, fye)
    subtotals: Column | None = None
    if len(columns) == 2 and columns[0].as_of == columns[1].as_of:
        # one period: a line's figure, and beside a group's last line the group's subtotal
        columns, subtotals = columns[:1], columns[1]
    deducting = False
    group = ""
    group_start = True
    entries: list[Entry] = []
    changes: list[_Change | Row] = []
    final = _last(st.rows, lambda r: captions.is_end(r.caption) or _dated(r.caption, fye) == "end")

    def add(change: _Change, hint: Hint) -> None:
        nonlocal group_start
        effects = tuple(
            next((_change_effect(f, change.cls, change.label, change.kind) for col, f in change.figures if col == c), None)
            for c in columns
        )
        entries.append(Entry(effects, hint, group_start, change.kind, spans_all=change.kind == "end"))
        changes.append(change)
        group_start = False

    for n, row in enumerate(st.rows):
        if not row.has_figures:
            lower = row.caption.lower()
            if re.match(r"^additions?\b", lower):
                deducting, group = False, ""
            elif re.match(r"^deductions?\b", lower):
                deducting, group = True, ""
            elif row.caption:
                group = row.caption.rstrip(":-\u2014 ").strip()
            group_start = True
            changes.append(row)
            continue
        cls, fields, hint, kind = _change_kind(row.caption, group, deducting, n == final, fye)
        own = tuple((c, f) for c in columns if (f := row.figures[c.index]) is not None)
        if own:
            add(_Change(row, cls, {**fields, "group": group}, kind, row.caption, own), hint)
        if subtotals is not None and (f := row.figures[subtotals.index]) is not None:
            if own:
                add(_Change(row, ev.TotalReported, {"total": "other"}, "total", group, ((columns[0], f),)), "total")
            else:
                add(_Change(row, cls, {**fields, "group": group}, kind, row.caption, ((columns[0], f),)), "maybe_total")
        if captions.is_total(row.caption) or captions.is_net_change(row.caption):
            group = ""
    structure = decide(entries, len(columns))
    entry_lines = [c.row.source.line for c in changes if isinstance(c, _Change)]
    out = _Emitter(stamp, "changes", st)
    e = -1
    for item in changes:
        if isinstance(item, Row):
            out.note(item, "heading")
            continue
        e += 1
        total = structure.totals.get(e)
        cls, fields = item.cls, item.fields
        if total is not None and item.kind == "total" or total is not None and cls is not ev.NetAssetsReported and item.kind != "net_change":
            cls, fields = ev.TotalReported, {"total": _changes_total(total, item.label)}
        for column, fig in item.figures:
            _emit_change(out, item.row, cls, fields, item.label, fig, column)
        out.note(item.row, "total" if total else "item", cls.__name__, _totals_detail(total, entry_lines))
    out.read(structure, columns, entries)
    return out.result(structure)


def _change_kind(label: str, group: str, deducting: bool, final: bool, fye: date) -> tuple[type[ev.PlanEvent], dict, Hint, str]:
    dated = _dated(label, fye)
    if final:
        return ev.NetAssetsReported, {}, "total", "end"
    if captions.is_beginning(label) or dated == "beginning":
        return ev.NetAssetsReported, {"beginning": True}, "item", "beginning"
    if not label or captions.is_total(label):
        hint: Hint = "total" if label else "maybe_total"
        return ev.TotalReported, {"total": captions.total_kind(label or group, income_statement=True)}, hint, "total"
    if captions.is_net_change(label):
        return ev.TotalReported, {"total": "net_change"}, "total", "net_change"
    if captions.is_subtotal_caption(label):
        return ev.TotalReported, {"total": captions.total_kind(label, income_statement=True)}, "maybe_total", "total"
    cls = captions.flow_class(label, group, deducting)
    return cls, {}, "item", captions.flow_kind(cls)


def _change_effect(fig: Figure, cls: type[ev.PlanEvent], label: str, kind: str) -> Decimal:
    value = fig.value
    if kind in ("beginning", "end", "total", "net_change") or not issubclass(cls, ev.Flow):
        if kind == "net_change" and captions.says_decrease(label):
            return -abs(value)
        return value
    if cls.sign < 0:
        return -abs(value)
    return -abs(value) if captions.says_decrease(label) else value


def _emit_change(out: _Emitter, row: Row, cls: type, fields: dict, label: str, fig: Figure, column: Column) -> None:
    amount = out.amount(fig)
    as_of = column.as_of
    prior = year_end(as_of.year - 1, as_of)
    if cls is ev.NetAssetsReported:
        when = prior if fields.get("beginning") else as_of
        out.emit(ev.NetAssetsReported, row, when, column.heading, amount=amount, label=label)
    elif cls is ev.TotalReported:
        if fields.get("total") == "net_change" and captions.says_decrease(label):
            amount = -abs(amount)
        out.emit(ev.TotalReported, row, as_of, column.heading, amount=amount, label=label, total=fields["total"])
    else:
        if cls.sign < 0:
            amount = abs(amount)
        elif captions.says_decrease(label):
            amount = -abs(amount)
        extra: dict = {"period_start": prior + timedelta(days=1)}
        if cls is ev.ContributionReceived:
            extra["source"] = captions.contribution_source(f"{fields.get('group', '')} {label}")
        if cls is ev.NetAppreciation and not re.search(r"apprec|deprec|gain|loss", label, re.IGNORECASE):
            extra["asset_class"] = label.lower()
        out.emit(cls, row, as_of, column.heading, amount=amount, label=label, **extra)


def _changes_total(total: Total, caption: str) -> ev.TotalKind:
    named = captions.total_kind(caption, income_statement=True)
    if not total.footed and captions.is_total(caption) and named != "other":
        return named
    kinds = total.kinds - {"total"}
    if kinds == {"contribution"}:
        return "total_contributions"
    if kinds and kinds <= {"income"}:
        return "total_investment_income"
    if kinds and kinds <= {"contribution", "income", "other_addition", "transfer_in"} and kinds & {"contribution"}:
        return "total_additions"
    if kinds and kinds <= {"deduction", "transfer_out"} and "deduction" in kinds:
        return "total_deductions"
    if kinds and kinds <= {"contribution", "income", "other_addition", "transfer_in", "deduction", "transfer_out", "net_change"}:
        return "net_change"
    return "other"


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


def _totals_detail(total: Total | None, lines: Sequence[int]) -> str:
    """'= lines 152-176 (12 rows): 5,437,869 / 5,851,573, foots' for `--explain`."""
    if total is None:
        return ""
    children = [lines[c] for c in total.children]
    where = f"line {children[0]}" if len(children) == 1 else f"lines {children[0]}-{children[-1]}"
    sums = " / ".join(f"{abs(s):,}" for s in total.sums)
    foots = "foots" if all(f is not False for f in total.foots) else "does NOT foot"
    return f"= {where} ({len(children)} rows): {sums}, {foots}"


class _Emitter:
    """Turns a statement's figures into events, scaled to dollars and stamped, and notes how
    each row was read."""

    def __init__(self, stamp: Stamp, section: ev.Section, statement: Statement) -> None:
        self.stamp = stamp
        self.section = section
        self.statement = statement
        self.unit = statement.unit
        self.scale = Decimal(1000) if statement.unit == "thousands" else Decimal(1)
        self.events: list[ev.PlanEvent] = []
        self.rows: list[Reading] = []

    def amount(self, figure: Figure) -> Decimal:
        return figure.value * self.scale

    def emit(self, cls: type[ev.PlanEvent], row: Row, as_of: date, column: str, **fields) -> None:
        common = self.stamp.common(self.section, row.source, as_of, column, self.unit)
        self.events.append(cls(**common, **fields))

    def note(self, row: Row, role: str, event: str = "", detail: str = "") -> None:
        self.rows.append(Reading(row, role, event, detail))

    def read(self, structure: Structure, columns: list[Column], entries: list[Entry]) -> None:
        """One StatementRead per column; rows left outside the statement's last total (its
        result) are reported as not placed."""
        figure_rows = [r for r in self.rows if r.role != "heading"]
        unplaced = tuple(
            f"line {figure_rows[i].row.source.line}: {figure_rows[i].row.caption or '(no caption)'}"
            for i in structure.roots[:-1]
            if i < len(figure_rows)
        )
        for k, c in enumerate(columns):
            failing = structure.failing(k)
            totals = sum(1 for t in structure.totals.values() if t.foots[k] is not None)
            reading: ev.Reading = "not_footing" if failing else "chosen" if structure.alternatives > 1 else "footed"
            self.events.append(
                ev.StatementRead(
                    **self.stamp.common(self.section, self.statement.title, c.as_of, c.heading, self.unit),
                    statement=self.section,
                    column=c.heading,
                    reading=reading,
                    totals=totals,
                    failing=failing,
                    alternatives=structure.alternatives,
                    unplaced=unplaced,
                )
            )

    def result(self, structure: Structure) -> Read:
        return Read(self.events, self.rows, structure)
