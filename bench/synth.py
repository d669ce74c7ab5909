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
from datetime import date
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
