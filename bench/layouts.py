"""A rich filing (`bench.synth.rich_filings`) printed as a plain-text Form 11-K in one of many layouts.

The importer is to read statements whatever their layout, deciding by arithmetic which rows are
items and which are totals; these documents measure that on layouts it has never seen. A
`Layout` is a set of typist's habits (columns, dollar signs, dashes, rules, caption case and
wrapping, page breaks, column order, group order, units, split columns); it changes how the
figures look, never which figures are printed: reading a document back must give the truth.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal

from bench.render import centred, cover, long_date, plan_numbers
from bench.synth import LOANS, Filing
from ledger import events as ev

CHOICES: dict[str, tuple] = {
    "caption_width": (34, 44, 52, 60),
    "figure_width": (11, 13, 16),
    "gap": (1, 3, 6),
    "dollars": ("none", "first_and_total", "every"),
    "dollar_tight": (False, True),  # "$1,234" rather than "$   1,234"
    "hang": (True, False),  # positive figures leave room for a closing parenthesis
    "zero": ("-", "--", "\u2014", "-0-"),
    "deductions": ("plain", "parens"),
    "negatives": ("parens", "caption"),  # caption: "Net decrease" and the magnitude
    "case": ("upper", "title", "sentence"),
    "wrap": (0, 30, 38),  # wrap captions longer than this (0: never)
    "paren_captions": (False, True),  # "(Depreciation) appreciation in fair value ..."
    "single_rule": ("-", "- -", "_", ""),
    "double_rule": ("=", ""),
    "page_numbers": ("", "plain", "dashed"),
    "continued": ("", "net_assets", "changes"),  # a statement broken over two pages
    "prior_first": (False, True),
    "income_first": (False, True),
    "subtotals": ("labelled", "bare", "unlabelled"),  # "Total contributions", "Total", no caption
    "income_caption": ("Total investment income", "Net investment income", "Investment income, net"),
    "thousands_caption": ("(In thousands)", "(Dollars in thousands)", "(000's omitted)"),
    "three_columns": (False, False, False, True),  # participant-directed, nonparticipant-directed, total (rarer)
    "nonparticipant_percent": (10, 25, 40),
    "long_group_headings": (False, True),  # "Additions to net assets attributed to:"
    "assets_heading": ("", "Assets", "Assets:"),
    "investments_heading": ("Investments, at fair value:", "Investments, at fair value (Note 3):", "Investments (Note 4):"),
    "joined_ends": (False, True),  # "Net assets available for benefits at beginning of year"
    "year_underline": (True, False),
    "changes_year_heading": (False, True),
    "indent": (2, 4),
    "forfeiture_sentence": (0, 1),
    "schedule_cost": (False, True),
}


@dataclass(frozen=True)
class Layout:
    """One typist's habits; every field takes one of `CHOICES[field]`."""

    caption_width: int = 52
    figure_width: int = 13
    gap: int = 3
    dollars: str = "first_and_total"
    dollar_tight: bool = False
    hang: bool = True
    zero: str = "--"
    deductions: str = "plain"
    negatives: str = "parens"
    case: str = "title"
    wrap: int = 0
    paren_captions: bool = False
    single_rule: str = "-"
    double_rule: str = "="
    page_numbers: str = ""
    continued: str = ""
    prior_first: bool = False
    income_first: bool = False
    subtotals: str = "labelled"
    income_caption: str = "Total investment income"
    thousands_caption: str = "(In thousands)"
    three_columns: bool = False
    nonparticipant_percent: int = 25
    long_group_headings: bool = False
    assets_heading: str = "Assets"
    investments_heading: str = "Investments, at fair value:"
    joined_ends: bool = False
    year_underline: bool = True
    changes_year_heading: bool = False
    indent: int = 2
    forfeiture_sentence: int = 0
    schedule_cost: bool = False

    @classmethod
    def draw(cls, rng: random.Random) -> Layout:
        return cls(**{f.name: rng.choice(CHOICES[f.name]) for f in fields(cls)})

    def describe(self) -> str:
        """The knobs that differ from the defaults, so a failure names its layout."""
        default = Layout()
        return ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self)
                         if getattr(self, f.name) != getattr(default, f.name)) or "default"


# -- Rows: what a statement prints, before it is laid out ---------------------------------

@dataclass(frozen=True)
class Row:
    caption: str = ""
    figures: tuple[int | None, ...] = ()  # in the statement's unit, one per column (None: blank)
    level: int = 0
    kind: str = "item"  # heading | item | subtotal | total | blank
    deduction: bool = False  # printed in parentheses where the layout prints deductions so
    keep_case: bool = False  # an investment's name, printed as named


SMALL_WORDS = frozenset({"a", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"})
CONNECTORS = SMALL_WORDS | {"attributed", "reflecting", "available"}


def cased(text: str, case: str) -> str:
    if case == "upper":
        return text.upper()
    if case == "sentence":
        return text[:1].upper() + text[1:]
    words = text.split(" ")
    return " ".join(w if i and w in SMALL_WORDS else capitalised(w) for i, w in enumerate(words))


def capitalised(word: str) -> str:
    i = next((i for i, c in enumerate(word) if c.isalpha()), 0)
    return word[:i] + word[i:i + 1].upper() + word[i + 1:]


def wrapped(caption: str, width: int) -> list[str]:
    """At most three lines; a line breaks only after a connector or before a lower-case word,
    the way the importer (and a reader) knows a caption goes on."""
    words = caption.split(" ")
    lines: list[list[str]] = [[]]
    for word in words:
        line = lines[-1]
        if line and len(" ".join([*line, word])) > width and len(lines) < 3 and breakable(line[-1], word):
            lines.append([word])
        else:
            line.append(word)
    return [" ".join(line) for line in lines]


def breakable(last: str, following: str) -> bool:
    return last.lower() in CONNECTORS or following[:1].islower()


# -- Laying rows out as text ----------------------------------------------------------------

@dataclass
class Table:
    """A statement's rows with its column headings, laid out with one width for every page."""

    layout: Layout
    rows: list[Row]
    headings: list[list[str]]  # heading lines, one string per figure column

    def __post_init__(self) -> None:
        lay = self.layout
        self.texts = [self.figure_texts(i, row) for i, row in enumerate(self.rows)]
        longest = max((len(t) for texts in self.texts for t in texts), default=0)
        self.width = max(lay.figure_width, longest + 1, *(len(h) + 1 for line in self.headings for h in line))
        self.captions = [self.caption_lines(row) for row in self.rows]
        self.caption_width = max(lay.caption_width, *(len(c) + 2 for lines in self.captions for c in lines))

    def figure_texts(self, i: int, row: Row) -> list[str]:
        lay = self.layout
        first = not any(r.figures for r in self.rows[:i])
        dollar = row.figures and (lay.dollars == "every" or lay.dollars == "first_and_total" and (first or row.kind == "total"))
        return [figure(v, row, lay, bool(dollar)) for v in row.figures]

    def caption_lines(self, row: Row) -> list[str]:
        lay = self.layout
        text = row.caption if row.keep_case else cased(row.caption, lay.case)
        lines = wrapped(text, lay.wrap) if lay.wrap and row.kind != "heading" else [text]
        pad = " " * (lay.indent * row.level)
        return [f"{pad}{'  ' if n else ''}{line}" for n, line in enumerate(lines)]

    def line(self, caption: str, cells: list[str]) -> str:
        return (f"{caption:<{self.caption_width}}" + "".join(f"{'':{self.layout.gap}}{c:>{self.width}}" for c in cells)).rstrip()

    def rule(self, style: str, columns: int) -> str:
        pattern = {"- -": "- " + "-" * (self.width - 3)}.get(style, style * (self.width - 1))
        return self.line("", [pattern] * columns)

    def heading_lines(self) -> list[str]:
        lines = [self.line("", line) for line in self.headings]
        if self.headings and self.layout.year_underline:
            lines.append(self.rule(self.layout.single_rule or "-", len(self.headings[-1])))
        return lines

    def body(self, start: int, stop: int) -> list[str]:
        lay = self.layout
        lines = []
        for row, captions, texts in zip(self.rows[start:stop], self.captions[start:stop], self.texts[start:stop], strict=True):
            if row.kind == "blank":
                lines.append("")
                continue
            single = lay.single_rule or ("-" if row.kind == "subtotal" and not row.caption else "")
            if row.kind in ("subtotal", "total") and single:
                lines.append(self.rule(single, len(texts)))
            lines += [self.line(c, []) for c in captions[:-1]]
            lines.append(self.line(captions[-1], texts))
            if row.kind == "total" and lay.double_rule:
                lines.append(self.rule(lay.double_rule, len(texts)))
        return lines


def figure(value: int | None, row: Row, lay: Layout, dollar: bool) -> str:
    if value is None:
        return ""
    text = f"{abs(value):,}" if value else lay.zero
    if value < 0 or value and row.deduction and lay.deductions == "parens":
        text = f"({text})"
    elif lay.hang:
        text += " "
    if not dollar:
        return text
    return f"${text}" if lay.dollar_tight else f"$ {text:>{max(lay.figure_width - 2, len(text))}}"


# -- The document ---------------------------------------------------------------------------

def render(truth: Filing, layout: Layout) -> str:
    """The document a typist with these habits would file for this plan-year."""
    (plan_batch,) = truth.batch.plans
    events, plan = plan_batch.events, plan_batch.plan
    filed = next(e for e in events if isinstance(e, ev.FilingReported))
    end, start, signed = filed.as_of, filed.prior_year_end, filed.date_signed
    doc = Doc(layout, plan.name, truth.scale, end, start)
    section = {s: [e for e in events if e.provenance.section == s] for s in ("net_assets", "changes", "notes", "schedule_h_4i")}
    pages = [
        cover(plan.name, plan.sponsor, plan.ein, plan.plan_number, end, ("2200 Commerce Drive", "Columbus, Ohio 43215")),
        auditors_report(plan.name, filed.auditor, end, start, signed - timedelta(days=7)),
        *doc.statement("net_assets", net_assets_rows(layout, section["net_assets"], doc.years, truth.scale)),
        *doc.statement("changes", changes_rows(layout, section["changes"], end, truth.scale)),
        notes(layout, plan.name, section["notes"], end, start) + reconciliation_text(layout, reconciliations_of(events), end),
        schedule_h(layout, plan, section["schedule_h_4i"], end),
        signatures(plan.name, signed),
    ]
    return "\n<PAGE>\n".join(with_number(page, n, layout) for n, page in enumerate(pages, 1))


def with_number(page: str, n: int, layout: Layout) -> str:
    number = {"plain": str(n), "dashed": f"- {n} -", "": ""}[layout.page_numbers]
    return f"{page.rstrip()}\n\n{centred(number)}\n" if number else page


@dataclass
class Doc:
    layout: Layout
    name: str
    scale: int
    end: date
    start: date

    @property
    def years(self) -> list[date]:
        return [self.start, self.end] if self.layout.prior_first else [self.end, self.start]

    def statement(self, which: str, rows: list[Row]) -> list[str]:
        """One page, or two where the layout breaks this statement with a "(continued)" page."""
        table = Table(self.layout, rows, self.headings(which))
        if self.layout.continued != which:
            return [self.top(which, False, table) + "\n".join(table.body(0, len(rows))) + "\n"]
        cut = page_break(rows)
        return [self.top(which, False, table) + "\n".join(table.body(0, cut)) + "\n",
                self.top(which, True, table) + "\n".join(table.body(cut, len(rows))) + "\n"]

    def top(self, which: str, continued: bool, table: Table) -> str:
        lay = self.layout
        title = {"net_assets": "Statements of net assets available for benefits",
                 "changes": "Statement of changes in net assets available for benefits"}[which]
        title = cased(title, lay.case) + (" (continued)" if continued else "")
        if which == "net_assets":
            when = f"{long_date(self.end)} and {self.start.year}"
        else:
            when = f"For the year ended {long_date(self.end)}"
        when = when.upper() if lay.case == "upper" else when
        unit = [lay.thousands_caption] if self.scale > 1 else []
        lines = [centred(self.name.upper() if lay.case == "upper" else self.name, "", title, when, *unit), ""]
        return "\n".join(lines + table.heading_lines()) + "\n"

    def headings(self, which: str) -> list[list[str]]:
        lay = self.layout
        if which == "net_assets":
            month = f"{self.end:%B} {self.end.day},"
            return [["", month] if not lay.prior_first else [month, ""], [str(d.year) for d in self.years]]
        if lay.three_columns:
            return [["Participant-", "Nonparticipant-", ""], ["Directed", "Directed", "Total"]]
        return [[str(self.end.year)]] if lay.changes_year_heading else []


def page_break(rows: list[Row]) -> int:
    """Where a statement goes on to its next page: before a heading past the middle, if any."""
    middle = len(rows) // 2
    return next((i for i in range(middle, len(rows) - 1) if rows[i].kind == "heading"), max(middle, 1))


def in_units(amount: Decimal, scale: int) -> int:
    return int(amount) // scale


# -- Statement of net assets ----------------------------------------------------------------

def net_assets_rows(lay: Layout, events: list[ev.PlanEvent], years: list[date], scale: int) -> list[Row]:
    """The truth's rows in its order, under the headings a statement prints."""
    figures: dict[tuple, dict[date, int]] = {}
    first: dict[tuple, ev.PlanEvent] = {}
    for e in events:
        key = (type(e), e.label)
        figures.setdefault(key, {})[e.as_of] = in_units(e.amount, scale)
        first.setdefault(key, e)
    colon = ":" if lay.assets_heading.endswith(":") else ""
    rows = [Row(lay.assets_heading, kind="heading")] if lay.assets_heading else []
    seen: set[str] = set()
    for key, e in first.items():
        values = tuple(figures[key].get(d, 0) for d in years)
        rows += net_assets_row(lay, e, values, seen, colon)
    return rows


def net_assets_row(lay: Layout, e: ev.PlanEvent, values: tuple[int, ...], seen: set[str], colon: str) -> list[Row]:
    """A figure row, with the headings that open its group the first time one is met."""
    rows: list[Row] = []

    def opens(group: str, caption: str, level: int = 0) -> None:
        if group not in seen:
            seen.add(group)
            rows.append(Row(caption, kind="heading", level=level))

    if isinstance(e, ev.HoldingReported):
        opens("investments", lay.investments_heading)
        if e.category:
            opens(e.category, f"{e.category}:", 1)
        named = e.label != LOANS
        rows.append(Row(e.label, values, level=2 if e.category else 1, keep_case=named))
    elif isinstance(e, ev.ReceivableReported):
        if "receivables" not in seen:
            rows.append(Row(kind="blank"))
        opens("receivables", "Receivables:")
        rows.append(Row(e.label, values, level=1))
    elif isinstance(e, ev.LiabilityReported):
        if "liabilities" not in seen:
            rows.append(Row(kind="blank"))
        opens("liabilities", f"Liabilities{colon}")
        rows.append(Row(e.label, values, level=1))
    elif isinstance(e, ev.TotalReported):
        level = 1 if e.total in ("total_investments", "total_receivables", "total_liabilities") else 0
        rows.append(Row(e.label, values, level=level, kind="subtotal"))
    elif isinstance(e, ev.NetAssetsReported):
        rows.append(Row(e.label, values, kind="total"))
    else:  # cash, the adjustment to contract value
        rows.append(Row(e.label, values))
    return rows


# -- Statement of changes -------------------------------------------------------------------

Parts = tuple[int, int]  # participant-directed, nonparticipant-directed


@dataclass
class Changes:
    """The statement of changes' figures by role, each with its split into the two parts."""

    lay: Layout
    scale: int
    events: list[ev.PlanEvent]
    end: date

    def one(self, cls, **match) -> ev.PlanEvent | None:
        return next((e for e in self.events if type(e) is cls and all(getattr(e, k) == v for k, v in match.items())), None)

    def all(self, cls) -> list[ev.PlanEvent]:
        return [e for e in self.events if type(e) is cls]

    def units(self, e: ev.PlanEvent) -> int:
        return in_units(e.amount, self.scale)

    def split(self, e: ev.PlanEvent | None) -> Parts:
        if e is None:
            return (0, 0)
        value = self.units(e)
        other = value * self.lay.nonparticipant_percent // 100
        return (value - other, other)

    def figures(self, total: int, parts: Parts, direction: int = 1) -> tuple[int, ...]:
        """The row's figures as printed: the parts before the total where three columns print."""
        if not self.lay.three_columns:
            return (total * direction,)
        return (parts[0] * direction, parts[1] * direction, total * direction)


def plus(*parts: Parts) -> Parts:
    return (sum(p[0] for p in parts), sum(p[1] for p in parts))


def minus(p: Parts) -> Parts:
    return (-p[0], -p[1])


def changes_rows(lay: Layout, events: list[ev.PlanEvent], end: date, scale: int) -> list[Row]:
    c = Changes(lay, scale, events, end)
    contributions = group_rows(c, "Contributions:", [(contribution_caption(e), e) for e in c.all(ev.ContributionReceived)],
                               c.one(ev.TotalReported, total="total_contributions"), "Total contributions")
    interest, appreciation = c.one(ev.InterestAndDividends), c.one(ev.NetAppreciation)
    income_items = [("Interest and dividends", interest), (appreciation_caption(lay, c.units(appreciation)), appreciation)]
    income = group_rows(c, "Investment income:", income_items, c.one(ev.TotalReported, total="total_investment_income"),
                        lay.income_caption)
    additions_parts = plus(contributions[1], income[1])
    rows = [Row("Additions to net assets attributed to:" if lay.long_group_headings else "Additions:", kind="heading")]
    rows += [*income[0], *contributions[0]] if lay.income_first else [*contributions[0], *income[0]]
    if total := c.one(ev.TotalReported, total="total_additions"):
        rows.append(Row("Total additions", c.figures(c.units(total), additions_parts), kind="subtotal"))
    deduction_items = [e for e in (c.one(ev.BenefitPaid), c.one(ev.AdministrativeExpense)) if e]
    deductions_parts = plus(*(c.split(e) for e in deduction_items))
    rows += [Row("", kind="blank"),
             Row("Deductions from net assets attributed to:" if lay.long_group_headings else "Deductions:", kind="heading")]
    rows += [Row(e.label, c.figures(c.units(e), c.split(e)), level=1, deduction=True) for e in deduction_items]
    if total := c.one(ev.TotalReported, total="total_deductions"):
        rows.append(Row("Total" if lay.subtotals == "bare" else "Total deductions", c.figures(c.units(total), deductions_parts),
                        kind="subtotal", deduction=True))
    transfers_parts = (0, 0)
    for e in c.all(ev.TransferIn) + c.all(ev.TransferOut):
        out = isinstance(e, ev.TransferOut)
        transfers_parts = plus(transfers_parts, minus(c.split(e)) if out else c.split(e))
        rows.append(Row(e.label, c.figures(c.units(e), c.split(e)), deduction=out))
    net_parts = plus(additions_parts, minus(deductions_parts), transfers_parts)
    net = c.one(ev.TotalReported, total="net_change")
    rows.append(net_change_row(c, c.units(net), net_parts))
    return rows + ends_rows(c, net_parts)


def group_rows(c: Changes, heading: str, items: list[tuple[str, ev.PlanEvent]], total: ev.PlanEvent | None,
               caption: str) -> tuple[list[Row], Parts]:
    """A group of additions under its heading, with its printed total; and the group's parts."""
    rows = [Row(heading, level=1, kind="heading")]
    parts = (0, 0)
    for label, e in items:
        direction = -1 if label.startswith("Net depreciation") else 1
        rows.append(Row(label, c.figures(c.units(e), c.split(e), direction), level=2))
        parts = plus(parts, c.split(e))
    if total:
        rows.append(Row(subtotal_caption(c.lay, caption), c.figures(c.units(total), parts), level=1, kind="subtotal"))
    return rows, parts


def subtotal_caption(lay: Layout, caption: str) -> str:
    """A group's total as labelled, as a bare "Total", or a figure under a rule alone."""
    return {"labelled": caption, "bare": "Total", "unlabelled": ""}[lay.subtotals]


def contribution_caption(e: ev.ContributionReceived) -> str:
    return {"participant": "Participants", "employer": "Employer", "rollover": "Rollovers"}.get(e.source, e.label)


def appreciation_caption(lay: Layout, value: int) -> str:
    if lay.negatives == "caption":
        return f"Net {'depreciation' if value < 0 else 'appreciation'} in fair value of investments"
    if lay.paren_captions:
        return "(Depreciation) appreciation in fair value of investments"
    return "Net appreciation (depreciation) in fair value of investments"


def net_change_row(c: Changes, value: int, parts: Parts) -> Row:
    lay = c.lay
    if lay.negatives == "caption":
        direction = -1 if value < 0 else 1
        caption = "Net decrease" if value < 0 else "Net increase"
        return Row(caption, c.figures(value, parts, direction), kind="subtotal")
    caption = "(Decrease) increase in net assets" if lay.paren_captions else "Net increase (decrease)"
    return Row(caption, c.figures(value, parts), kind="subtotal")


def ends_rows(c: Changes, net_parts: Parts) -> list[Row]:
    lay = c.lay
    begin = next(e for e in c.all(ev.NetAssetsReported) if e.as_of < c.end)
    end = next(e for e in c.all(ev.NetAssetsReported) if e.as_of == c.end)
    begin_parts = c.split(begin)
    end_parts = plus(begin_parts, net_parts)
    begin_figures = c.figures(c.units(begin), begin_parts)
    end_figures = c.figures(c.units(end), end_parts)
    if lay.joined_ends:
        return [Row("", kind="blank"),
                Row("Net assets available for benefits at beginning of year", begin_figures),
                Row("Net assets available for benefits at end of year", end_figures, kind="total")]
    return [Row("", kind="blank"), Row("Net assets available for benefits:", kind="heading"),
            Row("Beginning of year", begin_figures, level=1), Row("End of year", end_figures, level=1, kind="total")]


# -- Cover, report, notes, Schedule H, signatures ------------------------------------------

def auditors_report(name: str, auditor: str, end: date, start: date, dated: date) -> str:
    return f"""{centred("Report of Independent Registered Public Accounting Firm")}

To the Plan Administrator of the
{name}

We have audited the accompanying statements of net assets available for
benefits of the Plan as of {long_date(end)} and {start.year}, and the related statement
of changes in net assets available for benefits for the year ended {long_date(end)}.

In our opinion, the financial statements present fairly, in all material
respects, the net assets available for benefits of the Plan and the changes in
its net assets available for benefits, in conformity with accounting principles
generally accepted in the United States of America.

/s/ {auditor}

Columbus, Ohio
{long_date(dated)}
"""


def notes(lay: Layout, name: str, events: list[ev.PlanEvent], end: date, start: date) -> str:
    balances = {e.as_of: e.amount for e in events if isinstance(e, ev.ForfeitureBalanceReported)}
    used = next(e.amount for e in events if isinstance(e, ev.ForfeituresReallocated))
    formula = next(e for e in events if isinstance(e, ev.MatchingFormulaReported))
    now, then = balances[end], balances[start]
    forfeitures = (
        f"Forfeitures. At {long_date(end)} and {start.year}, forfeited nonvested accounts totaled ${now:,} "
        f"and ${then:,}, respectively. During the year ended {long_date(end)}, employer contributions were "
        f"reduced by ${used:,} from forfeited nonvested accounts."
        if lay.forfeiture_sentence == 0 else
        f"Forfeitures. During the plan year ended {long_date(end)}, forfeitures of ${used:,} were used to "
        f"reduce employer contributions. Unallocated forfeitures totaled ${now:,} and ${then:,} at "
        f"{long_date(end)} and {start.year}, respectively."
    )
    contributions = (
        f"Contributions. Participants may defer up to 50% of compensation. The Company contributes a matching "
        f"contribution equal to {formula.match_percent}% of each participant's elective deferrals up to "
        f"{formula.limit_percent}% of compensation."
    )
    return "\n".join([
        centred(name, "", cased("Notes to financial statements", lay.case), long_date(end)), "",
        "1.  Description of the Plan", "",
        *paragraph("General. The Plan is a defined contribution plan covering substantially all employees of "
                   "the Company. It is subject to the provisions of the Employee Retirement Income Security "
                   "Act of 1974 (ERISA)."), "",
        *paragraph(contributions), "", *paragraph(forfeitures), "",
        "2.  Summary of Significant Accounting Policies", "",
        *paragraph("The financial statements of the Plan are prepared on the accrual basis of accounting. "
                   "Investments are reported at fair value."),
    ]) + "\n"


# -- The note reconciling the statements to the Form 5500 ---------------------------------

RECONCILED = {
    "net_assets": "net assets available for benefits",
    "benefits": "benefits paid to participants",
    "contributions": "contributions",
    "net_income": "net increase in net assets available for benefits",
    "participant_loans": "participant loans",
    "other": "amounts",
}
PER_STATEMENTS = ("per the financial statements", "per financial statements", "as reported in the financial statements")
PER_FORM = ("per the Form 5500", "per Form 5500", "as reported on the Form 5500")
RECONCILIATION_HEADING = "3.  Reconciliation of Financial Statements to Form 5500"
PREFIXES = ("none", "inline", "words", "headings")  # headings: 'Less:' on a line of its own over the items it deducts


@dataclass(frozen=True)
class NoteHabits:
    """How a typist words and lays out the reconciliation note, drawn from the layout and the
    year (not from `Layout`, so the statements' layouts drawn from a seed stay the same)."""

    wording: int
    prefixes: str
    two_columns: bool

    @classmethod
    def of(cls, layout: Layout, end: date) -> NoteHabits:
        rng = random.Random(f"reconciliation/{layout.describe()}/{end}")
        return cls(rng.randrange(3), rng.choice(PREFIXES), rng.random() < 0.6)


def reconciliations_of(events: list[ev.PlanEvent]) -> list[ev.Form5500ReconciliationReported]:
    return [e for e in events if isinstance(e, ev.Form5500ReconciliationReported)]


@dataclass(frozen=True)
class Reconciliation:
    """One printed reconciliation: the sentence introducing it and its table."""

    intro: str
    rows: list[Row]
    headings: list[list[str]]
    dates: list[date]


def reconciliation_blocks(lay: Layout, events: list[ev.Form5500ReconciliationReported], end: date) -> list[Reconciliation]:
    """Each measure's reconciliations, both year ends side by side where the typist prints two
    columns, else one table per year; newest first."""
    habits = NoteHabits.of(lay, end)
    groups: dict[str, list[ev.Form5500ReconciliationReported]] = {}
    for e in sorted(events, key=lambda e: e.as_of, reverse=True):
        groups.setdefault(e.measure, []).append(e)
    blocks = []
    for measure, group in groups.items():
        chunks = [group] if habits.two_columns and len(group) == 2 else [[e] for e in group]
        blocks += [reconciliation_block(lay, habits, measure, chunk) for chunk in chunks]
    return blocks


def reconciliation_block(lay: Layout, habits: NoteHabits, measure: str, columns: list[ev.Form5500ReconciliationReported]) -> Reconciliation:
    what = RECONCILED[measure]
    flow = columns[0].period_start is not None
    dates = [e.as_of for e in columns]
    if flow:
        when = f"for the year{'s' if len(dates) > 1 else ''} ended {long_date(dates[0])}" + (f" and {dates[1].year}" if len(dates) > 1 else "")
    else:
        when = f"at {long_date(dates[0])}" + (f" and {dates[1].year}" if len(dates) > 1 else "")
    intro = [
        f"The following is a reconciliation of {what} per the financial statements to the Form 5500 {when}:",
        f"The following reconciles {what} per the financial statements to the Form 5500 {when}:",
        f"{what[:1].upper()}{what[1:]} {PER_STATEMENTS[2]} differ from the amounts reported on the Form 5500 {when} as follows:",
    ][habits.wording]
    rows = [Row(f"{what[:1].upper()}{what[1:]} {PER_STATEMENTS[habits.wording]}", tuple(int(statements_figure(e)) for e in columns))]
    labels = merged([[i.label for i in e.items] for e in columns])
    amounts = [{i.label: int(i.amount) for i in e.items} for e in columns]
    signs = {label: {(a[label] > 0) - (a[label] < 0) for a in amounts if a.get(label)} for label in labels}
    prefixes = habits.prefixes if all(len(s) <= 1 for s in signs.values()) else "none"
    heading = 0
    for label in labels:
        sign = next(iter(signs[label]), 1)
        values = [a.get(label, 0) for a in amounts]
        if prefixes == "headings" and sign != heading:
            rows.append(Row("Add:" if sign > 0 else "Less:", kind="heading"))
            heading = sign
        if prefixes == "none":
            rows.append(Row(label, tuple(values), level=1, keep_case=True))
            continue
        word = "Add: " if sign > 0 else "Less: "
        caption = label if prefixes == "headings" else word + label
        printed = tuple(abs(v) for v in values) if prefixes in ("words", "headings") else tuple(values)
        rows.append(Row(caption, printed, level=1 + (prefixes == "headings"), keep_case=True))
    caption = columns[0].label or f"{what[:1].upper()}{what[1:]} {PER_FORM[habits.wording]}"
    rows.append(Row(caption, tuple(int(e.per_form_5500) for e in columns), kind="total", keep_case=bool(columns[0].label)))
    headings = [[str(d.year) for d in dates]] if len(dates) > 1 or habits.wording == 0 else []
    return Reconciliation(intro, rows, headings, dates)


def statements_figure(e: ev.Form5500ReconciliationReported) -> Decimal:
    """The figure per the statements, which a truth event may leave to its items to say."""
    return e.per_statements if e.per_statements is not None else e.per_form_5500 - sum((i.amount for i in e.items), Decimal(0))


def merged(orders: list[list[str]]) -> list[str]:
    """The labels of every column in an order each column's own order keeps: a label one
    column lacks goes after the label it follows where it is printed."""
    out: list[str] = []
    for order in orders:
        for n, label in enumerate(order):
            if label not in out:
                out.insert(out.index(order[n - 1]) + 1 if n else 0, label)
    return out


def reconciliation_text(lay: Layout, events: list[ev.Form5500ReconciliationReported], end: date) -> str:
    """The note as plain text: its heading, and each reconciliation's sentence and table."""
    if not events:
        return ""
    lines = ["", RECONCILIATION_HEADING, ""]
    for block in reconciliation_blocks(lay, events, end):
        table = Table(lay, block.rows, block.headings)
        lines += [*paragraph(block.intro), "", *table.heading_lines(), *table.body(0, len(block.rows)), ""]
    return "\n".join(lines) + "\n"


def paragraph(text: str, width: int = 76, indent: str = "    ") -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [f"{indent}{line}" for line in [*lines, line]]


def schedule_h(lay: Layout, plan, holdings: list[ev.HoldingReported], end: date) -> str:
    """One row per investment (loans included), the value on the row's last line, and the total."""
    cost = lay.schedule_cost
    head = [
        ("", "(b) Identity of Issuer, Borrower,", "(c) Description of", "" if not cost else "(d)", ""),
        ("(a)", "Lessor or Similar Party", "Investment", "" if not cost else "Cost", "(e) Current Value"),
    ]
    lines = [schedule_line(lay, *cells) for cells in head]
    lines.append(schedule_line(lay, "---", "-" * 44, "-" * 28, "-" * 10 if cost else "", "-" * 16))
    for n, h in enumerate(holdings):
        description = paragraph(h.description, 28, "")
        value = f"{'$ ' if n == 0 and lay.dollars != 'none' else ''}{h.amount:,}"
        for i, text in enumerate(description):
            last = i == len(description) - 1
            lines.append(schedule_line(lay, " * " if h.party_in_interest and not i else "", h.issuer if not i else "",
                                       text.strip(), "**" if cost and last else "", value if last else ""))
    total = f"$ {sum(h.amount for h in holdings):,}"
    lines += [schedule_line(lay, "", "", "", "", "-" * 16), schedule_line(lay, "", "", "", "", total),
              schedule_line(lay, "", "", "", "", "=" * 16)]
    footnote = "\n** Cost omitted for participant-directed investments" if cost else ""
    return f"""{centred(plan.name, *plan_numbers(plan.ein, plan.plan_number, "EIN: {}", "Plan Number: {}", "      "), "")}
{centred("Schedule H, Line 4i - Schedule of Assets (Held at End of Year)", long_date(end))}

{chr(10).join(lines)}

*  Party-in-interest{footnote}
"""


def schedule_line(lay: Layout, star: str, issuer: str, description: str, cost: str, value: str) -> str:
    cost_cell = f"  {cost:^10}" if lay.schedule_cost else ""
    return f"{star:<3}  {issuer:<44}  {description:<28}{cost_cell}  {value:>16}".rstrip()


def signatures(name: str, signed: date) -> str:
    return f"""{centred("SIGNATURES")}

     Pursuant to the requirements of the Securities Exchange Act of 1934, the
Plan Administrator has duly caused this annual report to be signed on its
behalf by the undersigned hereunto duly authorized.

{'':23}{name.upper()}

Date: {long_date(signed)}{'':17}By: /s/ Margaret L. Oduya
{'':45}Plan Administrator
"""


# -- Reading back: the figures a document must give -----------------------------------------

FIGURE_SECTIONS = frozenset({"net_assets", "changes", "schedule_h_4i"})
FIGURE_TYPES = (ev.Flow, ev.Balance, ev.ForfeitureBalanceReported, ev.ForfeituresReallocated)


def figures(batch, layout: Layout | None = None) -> Counter:
    """Each printed figure as (section, type, as_of, amount, qualifier), ignoring labels and lines:
    what reading a document back must give exactly. A total counts by its amount, not its kind;
    its sign is the printed one (importers/README.md, "Signs"), so total deductions printed in
    parentheses count negative."""
    (plan_batch,) = batch.plans
    return Counter(
        (e.provenance.section, type(e).__name__, e.as_of, printed_sign(e, layout) * e.amount, qualifier(e))
        for e in plan_batch.events
        if isinstance(e, FIGURE_TYPES)
        and (e.provenance.section in FIGURE_SECTIONS or isinstance(e, (ev.ForfeitureBalanceReported, ev.ForfeituresReallocated)))
    )


def printed_sign(e: ev.PlanEvent, layout: Layout | None) -> int:
    deductions = isinstance(e, ev.TotalReported) and e.total == "total_deductions"
    return -1 if deductions and layout and layout.deductions == "parens" else 1


def qualifier(e: ev.PlanEvent) -> str:
    if isinstance(e, ev.ContributionReceived):
        return e.source
    if isinstance(e, ev.ReceivableReported):
        return e.kind
    return ""
