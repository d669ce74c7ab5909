"""A plan's state rebuilt from its events alone: a pure fold, no I/O.

For each year end: net assets as last reported, the statement's components (from the latest
filing that printed that column), the year's flows (from the latest filing that reported them),
and the replay: net assets at the prior year end plus the flows. `known_at` keeps only what
filings signed on or before that date said; `as_of` stops at that date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

from ledger import events as ev

FLOW_KINDS = (
    "contributions_participant",
    "contributions_employer",
    "contributions_rollover",
    "contributions_other",
    "interest_and_dividends",
    "net_appreciation",
    "other_additions",
    "benefits_paid",
    "other_deductions",
)


def flow_kind(event: ev.Flow) -> str:
    if isinstance(event, ev.ContributionReceived):
        return f"contributions_{event.source}"
    if isinstance(event, ev.InterestAndDividends):
        return "interest_and_dividends"
    if isinstance(event, ev.NetAppreciation):
        return "net_appreciation"
    if isinstance(event, ev.BenefitPaid):
        return "benefits_paid"
    return "other_additions" if event.sign > 0 else "other_deductions"


@dataclass
class Statement:
    """One filing's column of the statement of net assets. Receivables include participant loans
    printed as notes receivable; `adjustments` (fair value to contract value) move net assets but
    are no asset. Printed totals, such as net assets at fair value, are no component."""

    known_at: date
    holdings: dict[str, tuple[str, Decimal]] = field(default_factory=dict)
    cash: Decimal = Decimal(0)
    receivables: Decimal = Decimal(0)
    liabilities: Decimal = Decimal(0)
    adjustments: Decimal = Decimal(0)


@dataclass
class YearEnd:
    year_end: date
    reported: Decimal | None = None
    opening: Decimal | None = None
    flows: dict[str, Decimal] | None = None
    statement: Statement | None = None

    @property
    def net_change(self) -> Decimal | None:
        if self.flows is None:
            return None
        deductions = self.flows["benefits_paid"] + self.flows["other_deductions"]
        return sum((v for k, v in self.flows.items() if k not in ("benefits_paid", "other_deductions")), Decimal(0)) - deductions

    @property
    def replayed(self) -> Decimal | None:
        if self.opening is None or self.net_change is None:
            return None
        return self.opening + self.net_change

    @property
    def difference(self) -> Decimal | None:
        if self.reported is None or self.replayed is None:
            return None
        return self.reported - self.replayed


@dataclass
class PlanState:
    plan_id: UUID | None = None
    year_ends: list[YearEnd] = field(default_factory=list)

    @property
    def latest(self) -> YearEnd | None:
        return self.year_ends[-1] if self.year_ends else None


COMPONENTS = (ev.HoldingReported, ev.CashReported, ev.ReceivableReported, ev.LiabilityReported, ev.ValueAdjustmentReported)


def replay(events: Iterable[ev.PlanEvent], *, as_of: date | None = None, known_at: date | None = None) -> PlanState:
    state = PlanState()
    reported: dict[date, tuple[tuple, Decimal]] = {}
    flows: dict[date, dict[object, list[ev.Flow]]] = defaultdict(lambda: defaultdict(list))
    filing_known: dict[object, date] = {}
    prior_year_end: dict[object, date | None] = {}
    statements: dict[date, dict[object, Statement]] = defaultdict(dict)
    for event in events:
        if (known_at and event.known_at > known_at) or (as_of and event.as_of > as_of):
            continue
        state.plan_id = event.originator_id
        filing = event.provenance.filing_id
        filing_known[filing] = event.known_at
        section = event.provenance.section
        if isinstance(event, ev.FilingReported):
            prior_year_end[filing] = event.prior_year_end
        elif isinstance(event, ev.NetAssetsReported):
            rank = (event.known_at, section == "net_assets", event.originator_version)
            if event.as_of not in reported or rank > reported[event.as_of][0]:
                reported[event.as_of] = (rank, event.amount)
        elif isinstance(event, ev.Flow) and section == "changes":
            flows[event.as_of][filing].append(event)
        elif section == "net_assets" and isinstance(event, COMPONENTS):
            column = statements[event.as_of].setdefault(filing, Statement(event.known_at))
            add_component(column, event)
    dates = sorted(set(reported) | set(flows))
    reported_at = {d: amount for d, (_, amount) in reported.items()}
    previous: date | None = None
    for year_end in dates:
        year = YearEnd(year_end, reported=reported_at.get(year_end))
        if year_end in flows:
            filing = max(flows[year_end], key=lambda f: filing_known[f])
            year.flows = dict.fromkeys(FLOW_KINDS, Decimal(0))
            for flow in flows[year_end][filing]:
                kind = flow_kind(flow)
                year.flows[kind] = year.flows.get(kind, Decimal(0)) + flow.amount
            prior = prior_year_end.get(filing)
            year.opening = reported_at.get(prior) if prior else reported_at.get(previous)
        if statements.get(year_end):
            year.statement = max(statements[year_end].values(), key=lambda s: s.known_at)
        state.year_ends.append(year)
        previous = year_end
    return state


def add_component(column: Statement, event: ev.Balance) -> None:
    if isinstance(event, ev.HoldingReported):
        name, value = column.holdings.get(event.investment, (event.label, Decimal(0)))
        column.holdings[event.investment] = (name, value + event.amount)
    elif isinstance(event, ev.CashReported):
        column.cash += event.amount
    elif isinstance(event, ev.ReceivableReported):
        column.receivables += event.amount
    elif isinstance(event, ev.ValueAdjustmentReported):
        column.adjustments += event.amount
    else:
        column.liabilities += event.amount
