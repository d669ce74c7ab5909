"""Deterministic synthetic plans: N plans x Y years of filings whose figures are consistent.

Each plan-year is one filing batch of about 50 events, built as an importer would build it:
both columns of the statement of net assets (holdings, cash, receivables, liabilities, printed
totals, net assets), the statement of changes (flows, subtotals, beginning and end), Schedule H
and the notes. Balances roll forward from year to year. With `discrepancy_rate`, that share of
filings gets one printed figure wrong, and `Filing.injected` names it, so the audit's findings
can be checked against what was planted.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import msgspec

from ledger import events as ev
from ledger.batch import FilingBatch, PlanBatch, PlanRef
from ledger.identity import document_digest, filing_id

FUNDS = (
    "Stable Value Fund",
    "Core Bond Index Fund",
    "Balanced Fund",
    "Equity Income Fund",
    "S&P 500 Index Fund",
    "Small Cap Growth Fund",
    "International Equity Fund",
    "Target Retirement 2030 Fund",
)
FUNDS_PER_PLAN = 6
MATCHING = (
    "The Company contributes a matching contribution equal to 50% of each participant's "
    "elective deferrals up to 6% of compensation."
)
FIRST_YEAR = 2001


@dataclass
class Filing:
    batch: FilingBatch
    injected: str = ""  # which printed figure was made wrong, if any
    planted: Planted | None = None  # the same, as data (rich filings only)
    scale: int = 1  # 1000 where the statements print in thousands (rich filings only)


@dataclass
class PlanYear:
    """The true state of a plan at one year end."""

    holdings: dict[str, int]
    cash: int
    receivables: dict[str, int]
    liabilities: int
    forfeitures: int

    @property
    def net_assets(self) -> int:
        return sum(self.holdings.values()) + self.cash + sum(self.receivables.values()) - self.liabilities


@dataclass
class _Writer:
    """Accumulates one filing's events with consecutive line numbers."""

    fid: object
    known_at: date
    unit: str = "dollars"
    line: int = 0
    events: list[ev.PlanEvent] = field(default_factory=list)

    def add(self, cls, section, as_of, column="", **fields):
        self.line += 1
        amount = fields.get("amount")
        text = f"{fields.get('label', cls.__name__)}  {amount if amount is not None else ''}".rstrip()
        provenance = ev.Provenance(filing_id=self.fid, section=section, line=self.line, text=text, column=column)
        self.events.append(cls(as_of=as_of, known_at=self.known_at, provenance=provenance, **fields))


def synth_filings(plans: int, years: int, *, seed: int = 0, discrepancy_rate: float = 0.0) -> Iterator[Filing]:
    """Plan by plan, year by year; the same arguments always give the same filings."""
    for p in range(plans):
        rng = random.Random(f"{seed}/{p}")
        funds = rng.sample(FUNDS, FUNDS_PER_PLAN)
        ref = plan_ref(p)
        prior = opening_state(rng, funds)
        for y in range(years):
            current, flows = next_year(rng, prior)
            inject = rng.random() < discrepancy_rate
            yield filing(rng, ref, seed, FIRST_YEAR + y, prior, current, flows, inject)
            prior = current


def plan_ref(p: int) -> PlanRef:
    """How the filings of the p-th plan name it (the same whatever the seed)."""
    return PlanRef(
        name=f"Synthetic Company {p:06d} Savings Plan",
        sponsor=f"Synthetic Company {p:06d}, Inc.",
        ein=f"{10 + p // 10_000_000 % 90:02d}-{p % 10_000_000:07d}",
        plan_number="001",
    )


def opening_state(rng: random.Random, funds: list[str]) -> PlanYear:
    return PlanYear(
        holdings={f: rng.randint(50_000, 2_000_000) for f in funds},
        cash=rng.randint(0, 50_000),
        receivables={"participant": rng.randint(0, 80_000), "employer": rng.randint(0, 200_000)},
        liabilities=rng.randint(0, 5_000),
        forfeitures=rng.randint(0, 100_000),
    )


def next_year(rng: random.Random, prior: PlanYear) -> tuple[PlanYear, dict[str, int]]:
    """A new year end and the flows that lead to it: flows are drawn, the end is derived."""
    holdings = {f: max(0, v + rng.randint(-v // 4, v // 3)) for f, v in prior.holdings.items()}
    reallocated = rng.randint(0, prior.forfeitures)
    current = PlanYear(
        holdings=holdings,
        cash=rng.randint(0, 50_000),
        receivables={"participant": rng.randint(0, 80_000), "employer": rng.randint(0, 200_000)},
        liabilities=rng.randint(0, 5_000),
        forfeitures=prior.forfeitures - reallocated + rng.randint(0, 50_000),  # the account rolls forward
    )
    change = current.net_assets - prior.net_assets
    flows = {
        "participant": rng.randint(200_000, 2_000_000),
        "employer": rng.randint(50_000, 600_000),
        "rollover": rng.randint(0, 100_000),
        "interest": rng.randint(10_000, 400_000),
        "expenses": rng.randint(0, 20_000),
        "reallocated": reallocated,
    }
    flows["benefits"] = rng.randint(100_000, 2_500_000)
    flows["appreciation"] = (
        change - flows["participant"] - flows["employer"] - flows["rollover"] - flows["interest"]
        + flows["benefits"] + flows["expenses"]
    )
    return current, flows


def filing(rng, ref: PlanRef, seed: int, year: int, prior: PlanYear, current: PlanYear, flows: dict[str, int], inject: bool) -> Filing:
    end, start = date(year, 12, 31), date(year - 1, 12, 31)
    text = f"synthetic 11-K seed {seed} {ref.ein} {year}"
    digest = document_digest(text.encode())
    fid = filing_id(digest)
    w = _Writer(fid, known_at=date(year + 1, 6, 28))
    w.add(ev.PlanIdentified, "cover", end, name=ref.name, sponsor=ref.sponsor, ein=ref.ein, plan_number=ref.plan_number)
    w.add(ev.FilingReported, "cover", end, filing_id=fid, form="11-K", document=f"{ref.ein}-{year}.txt",
          digest=digest, period_start=date(year, 1, 1), prior_year_end=start, date_signed=w.known_at,
          auditor="Synthetic & Co. LLP")
    for as_of, state in ((end, current), (start, prior)):
        statement_of_net_assets(w, as_of, state)
    statement_of_changes(w, end, start, prior, current, flows)
    for fund, value in current.holdings.items():
        w.add(ev.HoldingReported, "schedule_h_4i", end, "Current Value", amount=D(value), label=fund, issuer=fund,
              description=f"{value // 17:,} shares", shares=D(value // 17), party_in_interest=True)
    w.add(ev.ForfeitureBalanceReported, "notes", end, amount=D(current.forfeitures))
    w.add(ev.ForfeituresReallocated, "notes", end, amount=D(flows["reallocated"]), use="reduced_employer_contributions",
          period_start=date(year, 1, 1))
    w.add(ev.MatchingFormulaReported, "notes", end, text=MATCHING, match_percent=D(50), limit_percent=D(6))
    w.add(ev.VestingScheduleReported, "notes", end, steps=(ev.VestingStep(0, D(0)), ev.VestingStep(3, D(100))))
    injected = ""
    if inject:
        injected = plant_discrepancy(rng, w.events)
    batch = FilingBatch(document=f"{ref.ein}-{year}.txt", digest=digest, filing_id=fid,
                        plans=[PlanBatch(plan=ref, events=w.events)])
    return Filing(batch, injected)


def statement_of_net_assets(w: _Writer, as_of: date, s: PlanYear) -> None:
    column = str(as_of.year)
    for fund, value in s.holdings.items():
        w.add(ev.HoldingReported, "net_assets", as_of, column, amount=D(value), label=fund, category="Mutual funds")
    investments = sum(s.holdings.values())
    w.add(ev.TotalReported, "net_assets", as_of, column, amount=D(investments), label="Total investments", total="total_investments")
    w.add(ev.CashReported, "net_assets", as_of, column, amount=D(s.cash), label="Cash")
    for kind, value in s.receivables.items():
        w.add(ev.ReceivableReported, "net_assets", as_of, column, amount=D(value), label=f"{kind.title()} contributions", kind=kind)
    w.add(ev.TotalReported, "net_assets", as_of, column, amount=D(sum(s.receivables.values())), label="Total receivables", total="total_receivables")
    w.add(ev.LiabilityReported, "net_assets", as_of, column, amount=D(s.liabilities), label="Excess contributions refundable",
          kind="excess contributions refundable")
    w.add(ev.NetAssetsReported, "net_assets", as_of, column, amount=D(s.net_assets), label="NET ASSETS AVAILABLE FOR BENEFITS")


def statement_of_changes(w: _Writer, end: date, start: date, prior: PlanYear, current: PlanYear, f: dict[str, int]) -> None:
    col = ""  # a one-year statement of changes has no year heading
    period = {"period_start": date(end.year, 1, 1)}
    for source in ("participant", "employer", "rollover"):
        w.add(ev.ContributionReceived, "changes", end, col, amount=D(f[source]), source=source, label=source.title(),
              **period)
    w.add(ev.TotalReported, "changes", end, col, amount=D(f["participant"] + f["employer"] + f["rollover"]),
          label="Total contributions", total="total_contributions")
    w.add(ev.InterestAndDividends, "changes", end, col, amount=D(f["interest"]), label="Interest and dividends", **period)
    w.add(ev.NetAppreciation, "changes", end, col, amount=D(f["appreciation"]), label="Net appreciation in fair value", **period)
    w.add(ev.BenefitPaid, "changes", end, col, amount=D(f["benefits"]), label="Benefits paid to participants", **period)
    w.add(ev.AdministrativeExpense, "changes", end, col, amount=D(f["expenses"]), label="Administrative expenses", **period)
    w.add(ev.TotalReported, "changes", end, col, amount=D(current.net_assets - prior.net_assets),
          label="Net increase (decrease)", total="net_change")
    w.add(ev.NetAssetsReported, "changes", start, col, amount=D(prior.net_assets), label="Beginning of year")
    w.add(ev.NetAssetsReported, "changes", end, col, amount=D(current.net_assets), label="End of year")


def plant_discrepancy(rng: random.Random, events: list[ev.PlanEvent]) -> str:
    """Change one printed figure by a few dollars, as a typist might."""
    candidates = [i for i, e in enumerate(events) if isinstance(e, (ev.HoldingReported, ev.TotalReported, ev.CashReported))]
    i = rng.choice(candidates)
    event = events[i]
    events[i] = msgspec.structs.replace(event, amount=event.amount + rng.randint(1, 999))
    p = event.provenance
    return f"{type(event).__name__} {p.section} line {p.line} as of {event.as_of}"


def D(value: int) -> Decimal:
    return Decimal(value)


# -- Rich plan-years: the figures the layout generator (bench/layouts.py) prints -------------
#
# Each plan draws once what stays put (fiscal year end, unit, investments, how loans and
# liabilities are shown) and each year the rest (which totals are printed, the figures). All
# statement figures are drawn in the statement's unit (dollars or thousands) and multiplied out,
# so a statement "in thousands" holds only multiples of 1000; notes stay in dollars.

CATEGORY_FUNDS = {
    "Mutual funds": (
        "Vanguard 500 Index Fund", "PIMCO Total Return Fund", "American Funds Growth Fund of America",
        "Dodge & Cox Stock Fund", "Artisan International Fund", "T. Rowe Price Retirement 2030 Fund",
        "Fidelity Contrafund", "Vanguard Total Bond Market Index Fund",
    ),
    "Common collective trusts": (
        "Wells Fargo Stable Return Fund", "SSgA S&P 500 Index Trust", "BlackRock US Debt Index Trust",
        "JPMorgan SmartRetirement 2035 Trust",
    ),
    "Pooled separate accounts": (
        "Principal Large Cap Growth Separate Account", "Principal Bond and Mortgage Separate Account",
        "Principal MidCap Value Separate Account",
    ),
}
LIABILITY_KINDS = ("Due to broker", "Accrued expenses", "Excess contributions refundable")
SYLLABLES = ("ba", "ce", "di", "fo", "ga", "he", "ki", "lu", "ma", "ne", "po", "ra", "si", "tu", "va", "wo")
INDUSTRIES = ("Industries", "Foods", "Systems", "Textiles", "Chemical", "Tool", "Paper", "Energy", "Medical", "Instruments")
PLAN_KINDS = ("Savings Plan", "401(k) Plan", "Retirement Savings Plan", "Employee Savings and Investment Plan")
LOANS = "Participant loans"


@dataclass(frozen=True)
class Planted:
    """The one printed figure made wrong: which event, where, and by how much."""

    type: str
    section: str
    as_of: date
    index: int  # position of the event in its plan batch
    delta: Decimal

    def __str__(self) -> str:
        return f"{self.type} {self.section} as of {self.as_of} off by {self.delta}"


@dataclass(frozen=True)
class PlanShape:
    """What a plan's filings keep year after year."""

    ref: PlanRef
    first_year: int
    june: bool  # fiscal years end June 30 instead of December 31
    scale: int  # 1, or 1000 where the statements print in thousands
    categories: dict[str, tuple[str, ...]]  # heading -> investments under it ("" for none)
    loans_as_notes: bool  # loans shown as notes receivable from participants (post-2010 style)
    cash: bool
    receivables: tuple[str, ...]  # "participant", "employer"
    liabilities: tuple[str, ...]
    adjustment: bool  # fully benefit-responsive contracts: fair value adjusted to contract value
    transfers: bool
    match: tuple[int, int]  # matching formula: percent matched, up to percent of compensation


@dataclass
class RichYear:
    """A plan's true balances at one year end, in the statement's unit (notes in dollars)."""

    holdings: dict[str, int]  # loans included: Schedule H lists them whatever the statement does
    cash: int
    receivables: dict[str, int]
    liabilities: dict[str, int]
    adjustment: int
    forfeitures: int  # dollars

    @property
    def net_assets(self) -> int:
        return (sum(self.holdings.values()) + self.cash + sum(self.receivables.values())
                - sum(self.liabilities.values()) + self.adjustment)


def rich_filings(plans: int, years: int, *, seed: int = 0, discrepancy_rate: float = 0.0) -> Iterator[Filing]:
    """Plan by plan, year by year, rich consistent filings; the same arguments give the same ones."""
    for p in range(plans):
        rng = random.Random(f"rich/{seed}/{p}")
        shape = plan_shape(rng, p)
        prior = rich_opening(rng, shape)
        for y in range(years):
            current, flows = rich_next_year(rng, shape, prior)
            discrepancy = rng.random() < discrepancy_rate
            yield rich_filing(rng, shape, shape.first_year + y, prior, current, flows, discrepancy=discrepancy)
            prior = current


def coined(p: int) -> str:
    """A made-up company name, its own for each p and without digits (a name's digits are not figures)."""
    syllables = []
    while True:
        p, digit = divmod(p, len(SYLLABLES))
        syllables.append(SYLLABLES[digit])
        if not p:
            break
    return "".join(["Mer", *syllables, "ton"]).capitalize()


def plan_shape(rng: random.Random, p: int) -> PlanShape:
    sponsor = f"{coined(p)} {rng.choice(INDUSTRIES)}, Inc."
    headings = rng.sample(sorted(CATEGORY_FUNDS), rng.randint(1, 3))
    categories = {h: tuple(rng.sample(CATEGORY_FUNDS[h], rng.randint(1, min(4, len(CATEGORY_FUNDS[h]))))) for h in headings}
    if rng.random() < 0.5:
        categories["Employer securities"] = (f"{sponsor.removesuffix(', Inc.')} common stock",)
    loans_as_notes = rng.random() < 0.4
    if not loans_as_notes:
        categories[""] = (LOANS,)
    return PlanShape(
        ref=PlanRef(name=f"{sponsor.removesuffix(', Inc.')} {rng.choice(PLAN_KINDS)}", sponsor=sponsor,
                    ein=f"{20 + p // 10_000_000 % 70:02d}-{p % 10_000_000:07d}", plan_number=f"{rng.choice((1, 2, 3)):03d}"),
        first_year=rng.randint(2002, 2012),
        june=rng.random() < 0.3,
        scale=1000 if rng.random() < 0.25 else 1,
        categories=categories,
        loans_as_notes=loans_as_notes,
        cash=rng.random() < 0.5,
        receivables=tuple(k for k in ("participant", "employer") if rng.random() < 0.7),
        liabilities=tuple(k for k in LIABILITY_KINDS if rng.random() < 0.35),
        adjustment=rng.random() < 0.3,
        transfers=rng.random() < 0.3,
        match=(rng.choice((25, 50, 100)), rng.choice((3, 4, 5, 6))),
    )


def units(rng: random.Random, shape: PlanShape, low: int, high: int) -> int:
    """A figure between low and high dollars, in the statement's unit."""
    return rng.randint(low // shape.scale, high // shape.scale)


def sometimes(rng: random.Random, value: int) -> int:
    """A figure that is now and then zero (printed as a dash)."""
    return 0 if rng.random() < 0.15 else value


def rich_opening(rng: random.Random, shape: PlanShape) -> RichYear:
    size = 20 if shape.scale > 1 else 1  # plans that print in thousands are large
    return rich_balances(
        rng, shape,
        {name: units(rng, shape, 50_000 * size, 3_000_000 * size) for names in shape.categories.values() for name in names}
        | ({LOANS: units(rng, shape, 20_000 * size, 400_000 * size)} if shape.loans_as_notes else {}),
        forfeitures=rng.randint(0, 100_000),
    )


def rich_balances(rng: random.Random, shape: PlanShape, holdings: dict[str, int], forfeitures: int) -> RichYear:
    size = sum(holdings.values())
    return RichYear(
        holdings=holdings,
        cash=sometimes(rng, units(rng, shape, 0, size * shape.scale // 100)) if shape.cash else 0,
        receivables={k: sometimes(rng, units(rng, shape, 0, size * shape.scale // 50)) for k in shape.receivables},
        liabilities={k: sometimes(rng, units(rng, shape, 0, size * shape.scale // 200)) for k in shape.liabilities},
        adjustment=rng.randint(-size // 50, size // 100) if shape.adjustment else 0,
        forfeitures=forfeitures,
    )


def rich_next_year(rng: random.Random, shape: PlanShape, prior: RichYear) -> tuple[RichYear, dict[str, int]]:
    """The next year end and the flows that reach it; appreciation is what is left over."""
    holdings = {name: max(0, v + rng.randint(-v // 3, v // 3)) for name, v in prior.holdings.items()}
    used = rng.randint(0, prior.forfeitures)
    current = rich_balances(rng, shape, holdings, prior.forfeitures - used + rng.randint(0, 60_000))
    size = max(sum(holdings.values()), 1000)
    flows = {
        "participant": rng.randint(size // 40, size // 8),
        "employer": rng.randint(size // 100, size // 20),
        "rollover": sometimes(rng, rng.randint(0, size // 50)),
        "interest": rng.randint(size // 200, size // 30),
        "benefits": rng.randint(size // 40, size // 6),
        "expenses": sometimes(rng, rng.randint(0, size // 500)),
        "transfers_in": rng.randint(0, size // 30) if shape.transfers else 0,
        "transfers_out": rng.randint(0, size // 30) if shape.transfers else 0,
        "used": used,
    }
    flows["appreciation"] = (current.net_assets - prior.net_assets - flows["participant"] - flows["employer"]
                             - flows["rollover"] - flows["interest"] + flows["benefits"] + flows["expenses"]
                             - flows["transfers_in"] + flows["transfers_out"])
    return current, flows


def fiscal_dates(shape: PlanShape, year: int) -> tuple[date, date, date]:
    """The year end, the prior year end and the first day of the year."""
    if shape.june:
        return date(year, 6, 30), date(year - 1, 6, 30), date(year - 1, 7, 1)
    return date(year, 12, 31), date(year - 1, 12, 31), date(year, 1, 1)


def rich_filing(rng: random.Random, shape: PlanShape, year: int, prior: RichYear, current: RichYear,
                flows: dict[str, int], *, discrepancy: bool = False) -> Filing:
    end, start, first_day = fiscal_dates(shape, year)
    document = f"{shape.ref.ein}-{shape.ref.plan_number}-{year}.txt"
    digest = document_digest(f"rich 11-K {document}".encode())
    fid = filing_id(digest)
    w = _Writer(fid, known_at=end + timedelta(days=rng.randint(150, 178)))
    ref = shape.ref
    w.add(ev.PlanIdentified, "cover", end, name=ref.name, sponsor=ref.sponsor, ein=ref.ein, plan_number=ref.plan_number)
    w.add(ev.FilingReported, "cover", end, filing_id=fid, form="11-K", document=document, digest=digest,
          period_start=first_day, prior_year_end=start, date_signed=w.known_at,
          auditor=rng.choice(("Crowe Hollis LLP", "Whitcombe Ashby LLP", "Kessler Vandam & Co., LLP")),
          unit="thousands" if shape.scale > 1 else "dollars")
    rich_net_assets(rng, w, shape, {end: current, start: prior})
    rich_changes(rng, w, shape, end, first_day, prior, current, flows)
    rich_notes(w, shape, end, start, first_day, prior, current, flows)
    for name, value in current.holdings.items():
        w.add(ev.HoldingReported, "schedule_h_4i", end, "Current Value", amount=D(value * shape.scale), label=name,
              issuer=name, description=describe(shape, name, value), shares=shares(shape, name, value),
              party_in_interest=name == LOANS or name.endswith("common stock"))
    planted = plant_rich_discrepancy(rng, w.events, shape.scale) if discrepancy else None
    batch = FilingBatch(document=document, digest=digest, filing_id=fid, plans=[PlanBatch(plan=ref, events=w.events)])
    return Filing(batch, str(planted) if planted else "", planted, shape.scale)


def category_of(shape: PlanShape, name: str) -> str:
    return next((h for h, names in shape.categories.items() if name in names), "")


def describe(shape: PlanShape, name: str, value: int) -> str:
    """Schedule H's description column: units or shares, or the loans' rates."""
    if name == LOANS:
        return "Interest rates ranging from 4.25% to 9.25%"
    count = shares(shape, name, value)
    kind = {"Common collective trusts": "units", "Pooled separate accounts": "units"}.get(category_of(shape, name), "shares")
    return f"{count:,} {kind}"


def shares(shape: PlanShape, name: str, value: int) -> Decimal | None:
    return None if name == LOANS else D(value * shape.scale // 23)


def rich_net_assets(rng: random.Random, w: _Writer, shape: PlanShape, states: dict[date, RichYear]) -> None:
    """Both columns, row by row in the order printed: each row's current figure, then the prior."""
    scale = shape.scale
    current = next(iter(states.values()))

    def row(cls, label, value, **fields):
        for as_of, state in states.items():
            w.add(cls, "net_assets", as_of, str(as_of.year), amount=D(value(state) * scale), label=label, **fields)

    def total(label, kind, value):
        row(ev.TotalReported, label, value, total=kind)

    for category, names in shape.categories.items():
        for name in names:
            row(ev.HoldingReported, name, lambda s, n=name: s.holdings[n], category=category)
    invested = [n for n in current.holdings if n != LOANS or not shape.loans_as_notes]
    if rng.random() < 0.8:
        total("Total investments", "total_investments", lambda s: sum(s.holdings[n] for n in invested))
    if shape.cash:
        row(ev.CashReported, "Cash", lambda s: s.cash)
    kinds = {"participant": "Participant contributions", "employer": "Employer contributions"}
    receivables = [(kinds[k], k, (lambda s, k=k: s.receivables[k])) for k in shape.receivables]
    if shape.loans_as_notes:
        receivables.append(("Notes receivable from participants", "participant_loans", lambda s: s.holdings[LOANS]))
    for label, kind, value in receivables:
        row(ev.ReceivableReported, label, value, kind=kind)
    if len(receivables) > 1 and rng.random() < 0.6:
        total("Total receivables", "total_receivables", lambda s: sum(v(s) for _, _, v in receivables))
    if rng.random() < 0.75:
        total("Total assets", "total_assets", lambda s: s.net_assets + sum(s.liabilities.values()) - s.adjustment)
    for kind in shape.liabilities:
        row(ev.LiabilityReported, kind, lambda s, k=kind: s.liabilities[k], kind=kind.lower())
    if len(shape.liabilities) > 1 or shape.liabilities and rng.random() < 0.5:
        total("Total liabilities", "total_liabilities", lambda s: sum(s.liabilities.values()))
    if shape.adjustment:
        total("Net assets reflecting all investments at fair value", "other", lambda s: s.net_assets - s.adjustment)
        row(ev.ValueAdjustmentReported, "Adjustment from fair value to contract value for fully benefit-responsive "
            "investment contracts", lambda s: s.adjustment)
    row(ev.NetAssetsReported, "Net assets available for benefits", lambda s: s.net_assets)


def rich_changes(rng: random.Random, w: _Writer, shape: PlanShape, end: date, first_day: date,
                 prior: RichYear, current: RichYear, f: dict[str, int]) -> None:
    """The year's flows by group, each group's printed total, the net change and both ends."""

    def add(cls, label, value, **fields):
        if cls is ev.TotalReported or cls is ev.NetAssetsReported:
            w.add(cls, "changes", fields.pop("as_of", end), amount=D(value * shape.scale), label=label, **fields)
        else:
            w.add(cls, "changes", end, amount=D(value * shape.scale), label=label, period_start=first_day, **fields)

    sources = [s for s in ("participant", "employer", "rollover") if s != "rollover" or f["rollover"]]
    for source in sources:
        add(ev.ContributionReceived, source.title(), f[source], source=source)
    totals = {"total_contributions": len(sources) > 1 and rng.random() < 0.7,
              "total_investment_income": rng.random() < 0.6,
              "total_additions": rng.random() < 0.85,
              "total_deductions": rng.random() < 0.8}
    if totals["total_contributions"]:
        add(ev.TotalReported, "Total contributions", sum(f[s] for s in sources), total="total_contributions")
    add(ev.InterestAndDividends, "Interest and dividends", f["interest"])
    add(ev.NetAppreciation, "Net appreciation in fair value of investments", f["appreciation"])
    if totals["total_investment_income"]:
        add(ev.TotalReported, "Total investment income", f["interest"] + f["appreciation"], total="total_investment_income")
    if totals["total_additions"]:
        add(ev.TotalReported, "Total additions", sum(f[s] for s in sources) + f["interest"] + f["appreciation"],
            total="total_additions")
    add(ev.BenefitPaid, "Benefits paid to participants", f["benefits"])
    if f["expenses"]:
        add(ev.AdministrativeExpense, "Administrative expenses", f["expenses"])
    if totals["total_deductions"]:
        add(ev.TotalReported, "Total deductions", f["benefits"] + f["expenses"], total="total_deductions")
    if shape.transfers:
        add(ev.TransferIn, "Transfers from other plans", f["transfers_in"])
        add(ev.TransferOut, "Transfers to other plans", f["transfers_out"])
    add(ev.TotalReported, "Net increase (decrease)", current.net_assets - prior.net_assets, total="net_change")
    add(ev.NetAssetsReported, "Beginning of year", prior.net_assets, as_of=first_day - timedelta(days=1))
    add(ev.NetAssetsReported, "End of year", current.net_assets)


def rich_notes(w: _Writer, shape: PlanShape, end: date, start: date, first_day: date,
               prior: RichYear, current: RichYear, f: dict[str, int]) -> None:
    """The forfeiture account at both year ends and what was used (it rolls forward), the match."""
    w.add(ev.ForfeitureBalanceReported, "notes", end, amount=D(current.forfeitures))
    w.add(ev.ForfeitureBalanceReported, "notes", start, amount=D(prior.forfeitures))
    w.add(ev.ForfeituresReallocated, "notes", end, amount=D(f["used"]), use="reduced_employer_contributions",
          period_start=first_day)
    match, limit = shape.match
    w.add(ev.MatchingFormulaReported, "notes", end, text=f"{match}% of contributions up to {limit}% of compensation",
          match_percent=D(match), limit_percent=D(limit))


def rich_features(filing: Filing) -> frozenset[str]:
    """What makes a plan-year more than plain: a measurement or a test names what it varies."""
    events = filing.batch.plans[0].events
    kinds = {type(e) for e in events}
    found = {
        "in_thousands": filing.scale == 1000,
        "june_year_end": events[0].as_of.month == 6,
        "loans_as_notes_receivable": any(isinstance(e, ev.ReceivableReported) and e.kind == "participant_loans" for e in events),
        "contract_value_adjustment": ev.ValueAdjustmentReported in kinds,
        "liabilities": ev.LiabilityReported in kinds,
        "transfers": ev.TransferIn in kinds,
        "depreciation": any(isinstance(e, ev.NetAppreciation) and e.amount < 0 for e in events),
        "no_printed_totals_but_net_assets": not any(
            isinstance(e, ev.TotalReported) and e.total in ("total_investments", "total_assets") for e in events),
    }
    return frozenset(name for name, present in found.items() if present)


def plant_rich_discrepancy(rng: random.Random, events: list[ev.PlanEvent], scale: int) -> Planted:
    """Make one printed figure wrong by a few of its units (over the audit's rounding allowance
    where the statement prints in thousands), as a typist might."""
    candidates = [
        i for i, e in enumerate(events)
        if isinstance(e, (ev.HoldingReported, ev.CashReported)) or isinstance(e, ev.TotalReported) and e.total != "other"
    ]
    i = rng.choice(candidates)
    event = events[i]
    if event.provenance.section != "schedule_h_4i":
        delta = D(rng.randint(1, 999) * scale)
    else:  # Schedule H prints dollars; beside a statement in thousands only more than $500 is a disagreement
        delta = D(rng.randint(1 if scale == 1 else 501, 999))
    events[i] = msgspec.structs.replace(event, amount=event.amount + delta)
    return Planted(type(event).__name__, event.provenance.section, event.as_of, i, delta)
