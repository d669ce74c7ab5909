"""The Form 5500 (with Schedule H) of a plan-year whose 11-K `bench.synth.rich_filings` made.

The 11-K's true figures (its events, any planted misprint undone) give the Form 5500's: net
assets at both year ends line by line, contributions by source, benefits, participant loans,
expenses and transfers, under the EIN and plan number the 11-K prints. Each plan-year's Form
5500 is one of three kinds, and the manifest entry says which:

- "agree": the same figures as the statements;
- "explained": differing by what an 11-K's "Reconciliation of financial statements to Form
  5500" note reconciles (benefits payable at year end deducted on line 1g, deemed distributions
  of participant loans, the adjustment from contract value to fair value), the note's figures
  given per measure: figure per the statements, per the Form 5500, and the items from one to
  the other (label, signed amount);
- "disagree": a difference in one measure that no note explains, planted.

A plan's Form 5500s follow one another like a real filer's: each begins where the last ended, so
a difference at a year end (explained or not) is the same in both years' filings that show it.

The manifest entry (`Filing5500.manifest[0]`): `kind` "11k", `mode` (as it came out: a plan-year
asked to agree is "explained" when last year's items carry over or the plan files at fair
value), `requested`, `ack_id`, `document` and `filing_id` (the 11-K's), `ein` (nine digits),
`ein_printed` (as the 11-K prints it), `pn`, `year_end`, `period_start`, `reconciliations` (the
note: per measure "net_assets" / "participant_loans" at a year end `as_of`, or "benefits" /
"net_income" for the year, `as_of` null; `per_statements`, `per_form_5500`, `items` [label,
signed amount], decimal strings) and `disagreement` (null, or the planted difference: `measure`,
`as_of`, `per_statements`, `per_form_5500`, `delta`).
"""

from __future__ import annotations

import random

import msgspec
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from bench.form5500_synth import ACCOUNTANTS, H_ASSET_ORDER, H_LIABILITY_ORDER, Filing5500, Plan, ack_id, spread_gains, subtotals_h
from bench.form5500_rows import LAYOUT_YEARS
from bench.synth import LOANS, Filing
from ledger import events as ev

MODES = ("agree", "explained", "disagree")
CATEGORY_LINES = {"Mutual funds": "registered_investment_companies", "Common collective trusts": "common_collective_trusts",
                  "Pooled separate accounts": "pooled_separate_accounts", "Employer securities": "employer_securities"}
GAIN_LINES = {"registered_investment_companies": "income_registered_investment_companies",
              "common_collective_trusts": "income_common_collective_trusts",
              "pooled_separate_accounts": "income_pooled_separate_accounts", "employer_securities": "appreciation_other",
              "insurance_general_accounts": "interest_other"}
LIABILITY_LINES = {"due to broker": "other_liabilities", "accrued expenses": "operating_payables",
                   "excess contributions refundable": "other_liabilities"}
BENEFITS_PAYABLE = "Benefits payable"
DEEMED = "Deemed distributions of participant loans"
CONTRACT_VALUE = "Adjustment from contract value to fair value for fully benefit-responsive investment contracts"


@dataclass
class Statements:
    """What the 11-K truly says, in dollars."""

    end: date
    start: date
    period_start: date
    lines: dict[date, dict[str, int]]  # Schedule H asset and liability lines at each year end (adjustment apart)
    adjustment: dict[date, int]
    net_assets: dict[date, int]
    flows: dict[str, int]


@dataclass
class Carry:
    """What a plan's last Form 5500 left for the next: its year-end lines and differences."""

    lines: dict[str, int]
    benefits_payable: int = 0
    deemed: int = 0
    contract_value: int = 0


@dataclass
class PlanChoice:
    fair_value: bool  # contract-value adjustments left out of the Form 5500, as filers must since 2010
    carry: Carry | None = None


def truth(filing: Filing) -> list[ev.PlanEvent]:
    """The filing's events with its planted misprint, if any, undone."""
    events = list(filing.batch.plans[0].events)
    if filing.planted:
        e = events[filing.planted.index]
        events[filing.planted.index] = msgspec.structs.replace(e, amount=e.amount - filing.planted.delta)
    return events


def statements(filing: Filing) -> Statements:
    events = truth(filing)
    filed = next(e for e in events if isinstance(e, ev.FilingReported))
    end, start = filed.as_of, filed.prior_year_end
    lines: dict[date, dict[str, int]] = {end: {}, start: {}}
    adjustment, net_assets = {end: 0, start: 0}, {}
    flows: dict[str, int] = {}

    def add(day: date, line: str, amount) -> None:
        lines[day][line] = lines[day].get(line, 0) + int(amount)

    for e in events:
        section = e.provenance.section
        if section == "net_assets":
            if isinstance(e, ev.HoldingReported):
                add(e.as_of, "participant_loans" if e.label == LOANS else CATEGORY_LINES[e.category], e.amount)
            elif isinstance(e, ev.CashReported):
                add(e.as_of, "noninterest_cash", e.amount)
            elif isinstance(e, ev.ReceivableReported):
                add(e.as_of, {"participant": "participant_receivable", "employer": "employer_receivable",
                              "participant_loans": "participant_loans"}.get(e.kind, "other_receivables"), e.amount)
            elif isinstance(e, ev.LiabilityReported):
                add(e.as_of, LIABILITY_LINES.get(e.kind, "other_liabilities"), e.amount)
            elif isinstance(e, ev.ValueAdjustmentReported):
                adjustment[e.as_of] = int(e.amount)
            elif isinstance(e, ev.NetAssetsReported):
                net_assets[e.as_of] = int(e.amount)
        elif section == "changes":
            key = {ev.ContributionReceived: lambda x: x.source, ev.InterestAndDividends: lambda x: "interest",
                   ev.NetAppreciation: lambda x: "appreciation", ev.BenefitPaid: lambda x: "benefits",
                   ev.AdministrativeExpense: lambda x: "expenses", ev.TransferIn: lambda x: "transfers_in",
                   ev.TransferOut: lambda x: "transfers_out"}.get(type(e))
            if key:
                flows[key(e)] = flows.get(key(e), 0) + int(e.amount)
    return Statements(end, start, filed.period_start, lines, adjustment, net_assets, flows)


def plan_of(filing: Filing, rng: random.Random) -> Plan:
    ref = filing.batch.plans[0].plan
    ein = ref.ein.replace("-", "")
    end = filing.batch.plans[0].events[0].as_of
    return Plan(index=int(ein) % 10_000_000, ein=ein, pn=ref.plan_number, name=ref.name, sponsor=ref.sponsor, schedule="H",
                june=end.month == 6, unit=1, address=("100 Plan Sponsor Way", "Columbus", "OH", "43215"),
                phone="6145550100", signer="Plan Administrator", accountant=rng.choice(ACCOUNTANTS), effective=date(1990, 1, 1),
                loans=True)


def lines_at(s: Statements, day: date, benefits_payable: int, deemed: int, fold: int) -> dict[str, int]:
    """Schedule H's year-end lines: the statements' own, less deemed loans, plus benefits payable,
    with the contract-value adjustment folded into the stable value line where the filer keeps it."""
    lines = dict(s.lines[day])
    if deemed:
        lines["participant_loans"] = lines.get("participant_loans", 0) - deemed
    if benefits_payable:
        lines["benefits_payable"] = benefits_payable
    if fold:
        stable = "common_collective_trusts" if "common_collective_trusts" in lines else "insurance_general_accounts"
        lines[stable] = lines.get(stable, 0) + fold
    return lines


def net_of(lines: dict[str, int]) -> int:
    return sum(v for m, v in lines.items() if m not in H_LIABILITY_ORDER) - sum(v for m, v in lines.items() if m in H_LIABILITY_ORDER)


def form5500_for_11k(filing: Filing, mode: str, rng: random.Random, choice: PlanChoice) -> Filing5500:
    """The plan-year's Form 5500 in `mode` (one of MODES); `choice` carries the plan's earlier years."""
    s = statements(filing)
    carry = choice.carry
    a_boy = s.adjustment[s.start] if choice.fair_value else 0
    boy = carry or Carry(lines_at(s, s.start, 0, 0, 0 if choice.fair_value else s.adjustment[s.start]), contract_value=a_boy)
    loans_eoy = s.lines[s.end].get("participant_loans", 0)
    b_eoy, c_eoy = 0, min(boy.deemed, loans_eoy)
    if mode == "explained":
        kinds = ["benefits_payable"] + (["deemed"] if loans_eoy > 10_000 else [])
        kind = rng.choice(kinds)
        if kind == "benefits_payable":
            b_eoy = max(1, int(s.net_assets[s.end] * rng.uniform(0.001, 0.01)))
        else:
            c_eoy = min(boy.deemed + max(1, int(loans_eoy * rng.uniform(0.005, 0.03))), loans_eoy)
    a_eoy = s.adjustment[s.end] if choice.fair_value else 0
    eoy = lines_at(s, s.end, b_eoy, c_eoy, 0 if choice.fair_value else s.adjustment[s.end])
    flows = dict(s.flows)
    disagreement = None
    if mode == "disagree":
        disagreement = disagree(rng, s, eoy, flows)
    amounts = schedule_h_of(s, boy, eoy, flows, b_eoy, c_eoy)
    plan = plan_of(filing, rng)
    begin = s.period_start
    received = s.end + timedelta(days=rng.randint(200, 290))
    serial = plan.index * 32 + s.end.year % 32
    f = Filing5500(plan, ack_id(received, serial, False, filer="03"), begin, s.end, received, received, amounts,
                   {"late_contributions": False, "nonexempt_transactions": False, "fidelity_bond": True, "loans_in_default": False},
                   (rng.randint(300, 20_000),) * 2, opinion="1")
    reconciliations = reconcile(s, boy, b_eoy, c_eoy, a_eoy, amounts)
    effective = "disagree" if disagreement else "explained" if reconciliations else "agree"
    if disagreement:
        disagreement["per_form_5500"] = str(per_form_5500(disagreement["measure"], amounts))
    f.manifest.append({"kind": "11k", "mode": effective, "requested": mode, "ack_id": f.ack_id, "document": filing.batch.document,
                       "filing_id": str(filing.batch.filing_id), "ein": plan.ein, "ein_printed": filing.batch.plans[0].plan.ein, "pn": plan.pn,
                       "year_end": s.end.isoformat(), "period_start": begin.isoformat(), "reconciliations": reconciliations,
                       "disagreement": disagreement})
    choice.carry = Carry(eoy, b_eoy, c_eoy, a_eoy)
    return f


def disagree(rng: random.Random, s: Statements, eoy: dict[str, int], flows: dict[str, int]) -> dict:
    """Plant one unexplained difference; the Form 5500 still foots and rolls forward."""
    measures = ["net_assets", "contributions", "benefits"] + (["participant_loans"] if eoy.get("participant_loans", 0) > 20_000 else [])
    measure = rng.choice(measures)
    delta = rng.randint(5, 500) * 1000 + rng.randint(0, 999)
    main = max((m for m in eoy if m in GAIN_LINES), key=lambda m: eoy[m])
    if measure == "net_assets":
        eoy[main] += delta
    elif measure == "participant_loans":
        delta = -min(delta, eoy["participant_loans"] // 2)
        eoy["participant_loans"] += delta
        eoy[main] -= delta
    elif measure == "contributions":
        flows["employer"] = flows.get("employer", 0) + delta
    else:
        flows["benefits"] = flows.get("benefits", 0) + delta
    as_of = s.end.isoformat() if measure in ("net_assets", "participant_loans") else None
    return {"measure": measure, "as_of": as_of, "per_statements": str(per_statements(measure, s)), "delta": str(delta)}


def per_statements(measure: str, s: Statements) -> int:
    return {"net_assets": s.net_assets[s.end], "participant_loans": s.lines[s.end].get("participant_loans", 0),
            "contributions": sum(s.flows.get(k, 0) for k in ("participant", "employer", "rollover")),
            "benefits": s.flows.get("benefits", 0)}[measure]


def per_form_5500(measure: str, a: dict[str, int]) -> int:
    return {"net_assets": a["net_assets_eoy"], "participant_loans": a.get("participant_loans_eoy", 0),
            "contributions": a["total_contributions"], "benefits": a["benefits_paid"]}[measure]


def schedule_h_of(s: Statements, boy: Carry, eoy: dict[str, int], flows: dict[str, int], b_eoy: int, c_eoy: int) -> dict[str, int]:
    a: dict[str, int] = {}
    for year, lines in (("boy", boy.lines), ("eoy", eoy)):
        for m in (*H_ASSET_ORDER, *H_LIABILITY_ORDER):
            if m in boy.lines or m in eoy:
                a[f"{m}_{year}"] = lines.get(m, 0)
        liabilities = sum(v for m, v in lines.items() if m in H_LIABILITY_ORDER)
        a[f"total_liabilities_{year}"] = liabilities
        a[f"net_assets_{year}"] = net_of(lines)
        a[f"total_assets_{year}"] = a[f"net_assets_{year}"] + liabilities
    a["employer_contributions"] = flows.get("employer", 0)
    a["participant_contributions"] = flows.get("participant", 0)
    if flows.get("rollover"):
        a["other_contributions"] = flows["rollover"]
    income = "dividends_registered_investment_companies" if "registered_investment_companies" in eoy else "interest_other"
    a[income] = flows.get("interest", 0)
    a["benefits_direct"] = flows.get("benefits", 0) + b_eoy - boy.benefits_payable
    if c_eoy != boy.deemed:
        a["deemed_distributions"] = c_eoy - boy.deemed
    if flows.get("expenses"):
        a["contract_administrator_fees"] = a["administrative_expenses"] = flows["expenses"]
    for k in ("transfers_in", "transfers_out"):
        if flows.get(k):
            a[k] = flows[k]
    gains = {GAIN_LINES[m]: eoy.get(m, 0) + 1 for m in GAIN_LINES if m in eoy}
    for g in gains:
        a.setdefault(g, 0)
    subtotals_h(a)
    for g, v in spread_gains(a, gains).items():
        a[g] += v
    return subtotals_h(a)


def reconcile(s: Statements, boy: Carry, b_eoy: int, c_eoy: int, a_eoy: int, amounts: dict[str, int]) -> list[dict]:
    """The note's figures: per measure, per the statements, the items, per the Form 5500."""
    found = []

    def note(measure: str, as_of: date | None, statements_figure: int, items: list[tuple[str, int]]) -> None:
        items = [(label, amount) for label, amount in items if amount]
        if items:
            found.append({"measure": measure, "as_of": as_of.isoformat() if as_of else None, "period_start": s.period_start.isoformat(),
                          "per_statements": str(statements_figure), "per_form_5500": str(statements_figure + sum(a for _, a in items)),
                          "items": [[label, str(amount)] for label, amount in items]})

    def net_assets_items(b: int, c: int, a: int) -> list[tuple[str, int]]:
        return [(BENEFITS_PAYABLE, -b), (DEEMED, -c), (CONTRACT_VALUE, -a)]

    note("net_assets", s.end, s.net_assets[s.end], net_assets_items(b_eoy, c_eoy, a_eoy))
    note("net_assets", s.start, s.net_assets[s.start], net_assets_items(boy.benefits_payable, boy.deemed, boy.contract_value))
    note("benefits", None, s.flows.get("benefits", 0), [("Add: benefits payable at end of year", b_eoy),
                                                        ("Less: benefits payable at beginning of year", -boy.benefits_payable)])
    net_income = s.net_assets[s.end] - s.net_assets[s.start] - s.flows.get("transfers_in", 0) + s.flows.get("transfers_out", 0)
    note("net_income", None, net_income, [("Benefits payable at end of year", -b_eoy), ("Benefits payable at beginning of year", boy.benefits_payable),
                                          (DEEMED, -(c_eoy - boy.deemed)),
                                          ("Change in adjustment from contract value to fair value", -(a_eoy - boy.contract_value))])
    note("participant_loans", s.end, s.lines[s.end].get("participant_loans", 0), [(DEEMED, -c_eoy)])
    return found


def form5500_for_11ks(filings: Iterable[Filing], seed: int = 0, *, share: float = 0.5,
                      weights: tuple[float, float, float] = (0.6, 0.25, 0.15)) -> Iterator[tuple[Filing, Filing5500 | None]]:
    """Each 11-K with its plan-year's Form 5500, for `share` of the plans (None for the others and
    for plan years before the first form year with a dataset layout, 2009); the mode of each
    plan-year drawn with `weights` (agree, explained, disagree). A plan's filings must come in
    year order, as `rich_filings` yields them."""
    plans: dict[str, PlanChoice | None] = {}
    for filing in filings:
        ref = filing.batch.plans[0].plan
        key = f"{ref.ein}-{ref.plan_number}"
        rng = random.Random(f"5500-11k/{seed}/{key}/{filing.batch.plans[0].events[0].as_of}")
        if key not in plans:
            plans[key] = PlanChoice(fair_value=rng.random() < 0.5) if rng.random() < share else None
        choice = plans[key]
        if choice is None or statements(filing).period_start.year < LAYOUT_YEARS[0]:
            yield filing, None
            continue
        yield filing, form5500_for_11k(filing, rng.choices(MODES, weights)[0], rng, choice)
