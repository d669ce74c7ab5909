"""Synthetic Form 5500 filings whose figures are consistent by the form's own arithmetic.

`plan_years(n, seed)` yields n plan-years of filings (and the amended filings some of them
draw), plan by plan and year by year, so a million of them never sit in memory: large plans
file the Form 5500 with Schedule H, small ones the Form 5500 with Schedule I or the 5500-SF
alone. Every total foots (`ledger.form5500.TOTALS`), every year rolls forward (`ROLL`) and each
year begins where the last ended, except where an error was planted on purpose: each planted
error and each amended filing is written down in `Filing5500.manifest`, the truth a reader and
an audit are measured against. Figures are kept in the filing's unit (whole dollars, or cents
for the few small plans that report cents) and keyed by `ledger.form5500` measure; a measure
the filer leaves blank is absent, never 0.

Manifest entries (dicts, one JSON line each when written) all carry `kind`, `ack_id`, `ein`
(nine digits, as the datasets print it), `ein_printed` (NN-NNNNNNN), `pn`, `schedule`,
`form_year` and `year_end`; then by kind:

- "foot" / "roll": a check the filing fails, one entry per failing check: `plant` (what was
  planted: "foot" changes one item, or the net income, whose change fails the roll-forward too;
  "roll" changes the year-end assets, their total and net assets together), `measure`, `column`,
  `line`, `expected` (what the form's arithmetic gives from the other figures as filed) and
  `actual` (the figure filed), as decimal strings;
- "continuity": net assets at the beginning of the year differ from the end of the last:
  `measure` "net_assets_boy", `expected` (last year's end), `actual`;
- "amended": a filing filed again: `amends` (the original's ACK_ID), `date_received`, `fixes`
  ("foot" where it corrects the planted error, else ""), `changes` (column -> [old, new]).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from ledger.form5500 import BY_MEASURE, ROLL, TOTALS

GENERIC_PLAN_NAMES = (
    "401(k) Plan", "Retirement Savings Plan", "401(k) Profit Sharing Plan", "Savings Plan", "Employee Savings Plan",
    "Profit Sharing Plan", "Retirement Plan",
)
PLAN_KINDS = ("401(k) Plan", "Retirement Savings Plan", "401(k) Savings Plan", "Savings and Investment Plan",
              "401(k) Profit Sharing Plan and Trust", "Employee Stock Ownership and Savings Plan")
SYLLABLES = ("ar", "bel", "cor", "dan", "el", "fen", "gar", "hol", "is", "jor", "kel", "lan", "mar", "nor", "or",
             "par", "quin", "ros", "sal", "tor", "ul", "ver", "wes", "yor")
INDUSTRIES = ("Manufacturing", "Foods", "Systems", "Logistics", "Health Services", "Dental Group", "Construction",
              "Engineering", "Hospitality", "Plastics", "Electric", "Credit Union", "Motors", "Farms", "Software")
SUFFIXES = ("Inc.", "LLC", "Corp.", "Co.", "Inc", "L.P.", "PLLC")
STATES = (("Columbus", "OH", "43215"), ("Dallas", "TX", "75201"), ("Fresno", "CA", "93721"), ("Tampa", "FL", "33602"),
          ("Albany", "NY", "12207"), ("Peoria", "IL", "61602"), ("Boise", "ID", "83702"), ("Mobile", "AL", "36602"))
ACCOUNTANTS = (("Hollis Crowe LLP", "350921847"), ("Whitcombe Ashby LLP", "136402281"), ("Vandam Kessler & Co., LLP", "410897715"),
               ("Brightwater CPAs, P.C.", "581204473"), ("Mendel Orr LLP", "231178906"), ("Pryor Lund & Associates", "911540328"))
FIRST_NAMES = ("Mary", "James", "Linda", "Robert", "Susan", "David", "Karen", "Thomas", "Nancy", "Daniel")
LAST_NAMES = ("Okafor", "Lindqvist", "Brennan", "Castillo", "Nakamura", "Whitfield", "Abernathy", "Moreau", "Halvorsen")

# Schedule H asset lines (measure stems) a plan may hold, how often, and the income line its gains go to
H_INVESTMENTS = {
    "registered_investment_companies": (0.85, "income_registered_investment_companies"),
    "common_collective_trusts": (0.45, "income_common_collective_trusts"),
    "pooled_separate_accounts": (0.15, "income_pooled_separate_accounts"),
    "master_trusts": (0.05, "income_master_trusts"),
    "insurance_general_accounts": (0.12, "interest_other"),
    "employer_securities": (0.08, "appreciation_other"),
    "common_stock": (0.05, "appreciation_other"),
}
H_OTHER_ASSETS = {"participant_loans": 0.8, "interest_bearing_cash": 0.35, "noninterest_cash": 0.2,
                  "employer_receivable": 0.5, "participant_receivable": 0.35, "other_receivables": 0.05}
H_LIABILITIES = {"benefits_payable": 0.1, "operating_payables": 0.2, "other_liabilities": 0.05}
H_ASSET_ORDER = tuple(m.removesuffix("_boy") for m in next(t.items for t in TOTALS["H"] if t.measure == "total_assets_boy"))
H_LIABILITY_ORDER = ("benefits_payable", "operating_payables", "acquisition_indebtedness", "other_liabilities")


@dataclass(frozen=True, slots=True)
class Plan:
    """What a plan's filings keep from year to year."""

    index: int
    ein: str  # nine digits, as the datasets print it (the 11-K prints NN-NNNNNNN)
    pn: str  # "001"
    name: str
    sponsor: str
    schedule: str  # "H", "I" or "SF"
    june: bool  # plan years end June 30
    unit: int  # 1: whole dollars; 100: the figures are in cents
    address: tuple[str, str, str, str]  # street, city, state, zip
    phone: str
    signer: str
    accountant: tuple[str, str]  # firm, EIN (Schedule H filers)
    effective: date
    assets: tuple[str, ...] = ()  # Schedule H asset stems used
    liabilities: tuple[str, ...] = ()
    loans: bool = False


@dataclass(slots=True)
class Filing5500:
    """One filing: the plan, its year, when it was received, its figures and answers."""

    plan: Plan
    ack_id: str
    begin: date
    end: date
    received: date
    signed: date
    amounts: dict[str, int]  # measure -> figure in the plan's unit; absent when left blank
    answers: dict[str, bool]  # Part IV measure -> yes/no
    participants: tuple[int, int]  # at the beginning of the year, active at the end
    amended: bool = False
    opinion: str = ""  # ACCTNT_OPINION_TYPE_CD
    limited_scope: bool = False
    nonexempt: tuple[tuple[str, str, str, int, int], ...] = ()  # Schedule G part III: party, relation, terms, cost, value
    manifest: list[dict] = field(default_factory=list)

    @property
    def schedule(self) -> str:
        return self.plan.schedule

    @property
    def form_year(self) -> int:
        return self.begin.year

    def money(self, units: int) -> Decimal:
        return Decimal(units) if self.plan.unit == 1 else Decimal(units).scaleb(-2)


def spread_gains(a: dict[str, int], weights: dict[str, int]) -> dict[str, int]:
    """The investment gains that make the year roll forward (what is left once the rest of the
    year is known), spread over the gain lines by weight, to the dollar."""
    plug = a["net_assets_eoy"] - a["net_assets_boy"] - a.get("transfers_in", 0) + a.get("transfers_out", 0) - a["net_income"]
    whole = sum(weights.values())
    parts = {gain: plug * w // whole for gain, w in weights.items()}
    parts[next(iter(parts))] += plug - sum(parts.values())
    return parts


# -- The form's arithmetic, as the audit applies it -------------------------------------------


def total_of(items: tuple[str, ...], amounts: dict[str, int]) -> int:
    return sum(-amounts.get(m[1:], 0) if m.startswith("-") else amounts.get(m, 0) for m in items)


def failures(schedule: str, amounts: dict[str, int]) -> list[tuple[str, str, int, int]]:
    """The form's checks a filing fails: (check, measure, expected, actual). A blank figure counts
    as 0; a total left blank with all its items blank is nothing to check."""
    found = []
    for total in TOTALS[schedule]:
        if total.measure not in amounts and not any(m.lstrip("-") in amounts for m in total.items):
            continue
        expected = total_of(total.items, amounts)
        if expected != amounts.get(total.measure, 0):
            found.append(("foot", total.measure, expected, amounts.get(total.measure, 0)))
    expected = total_of(ROLL[schedule], amounts)
    if expected != amounts.get("net_assets_eoy", 0):
        found.append(("roll", "net_assets_eoy", expected, amounts.get("net_assets_eoy", 0)))
    return found


# -- Plans ------------------------------------------------------------------------------------


def coined(i: int) -> str:
    parts = []
    while True:
        i, digit = divmod(i, len(SYLLABLES))
        parts.append(SYLLABLES[digit])
        if not i:
            break
    return "".join(parts).capitalize()


def ein_of(sponsor: int) -> str:
    """A sponsor's EIN: distinct for each sponsor, prefixes 01-09 (the 11-K plans of bench.synth use 10-89)."""
    return f"{1 + sponsor // 10_000_000 % 9:02d}{(sponsor + 1) * 3_461_407 % 10_000_000:07d}"


def sponsor_plans(seed: int, sponsor: int, mix: tuple[float, float]) -> list[Plan]:
    """A sponsor's plans: most have one, some two or three (plan numbers 001, 002, ...)."""
    rng = random.Random(f"5500/{seed}/{sponsor}")
    name = f"{coined(sponsor + 7 * 24 ** 2)} {rng.choice(INDUSTRIES)} {rng.choice(SUFFIXES)}"
    city, state, zipcode = rng.choice(STATES)
    address = (f"{rng.randint(10, 9999)} {rng.choice(('Main', 'Oak', 'Commerce', 'Industrial', 'Lake'))} "
               f"{rng.choice(('St', 'Ave', 'Blvd', 'Pkwy'))}", city, state, zipcode)
    count = 1 if rng.random() < 0.85 else rng.choice((2, 2, 3))
    large, sf = mix
    plans = []
    for k in range(count):
        draw = rng.random()
        schedule = "H" if draw < large else "SF" if draw < large + (1 - large) * sf else "I"
        generic = rng.random() < 0.3
        short = name.rsplit(" ", 1)[0]
        plan_name = rng.choice(GENERIC_PLAN_NAMES) if generic else f"{short} {rng.choice(PLAN_KINDS)}"
        assets, liabilities, loans = (), (), rng.random() < (0.8 if schedule == "H" else 0.4)
        if schedule == "H":
            invest = [m for m, (p, _) in H_INVESTMENTS.items() if rng.random() < p] or ["registered_investment_companies"]
            other = [m for m, p in H_OTHER_ASSETS.items() if rng.random() < p and (m != "participant_loans" or loans)]
            assets = tuple(m for m in H_ASSET_ORDER if m in invest or m in other)
            liabilities = tuple(m for m in H_LIABILITY_ORDER if rng.random() < H_LIABILITIES.get(m, 0))
            loans = "participant_loans" in assets
        plans.append(Plan(
            index=sponsor * 4 + k, ein=ein_of(sponsor), pn=f"{k + 1:03d}", name=plan_name, sponsor=name,
            schedule=schedule, june=rng.random() < 0.12, unit=100 if schedule != "H" and rng.random() < 0.03 else 1,
            address=address, phone=f"{rng.randint(201, 989)}{rng.randint(2000000, 9999999)}",
            signer=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", accountant=rng.choice(ACCOUNTANTS),
            effective=date(rng.randint(1975, 2015), rng.choice((1, 1, 1, 7)), 1),
            assets=assets, liabilities=liabilities, loans=loans,
        ))
    return plans


# -- Years ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Balances:
    """A plan's books at a year end, in its unit: Schedule H lines, or the small plans' totals."""

    assets: dict[str, int]
    liabilities: dict[str, int]

    @property
    def net(self) -> int:
        return sum(self.assets.values()) - sum(self.liabilities.values())


def opening(rng: random.Random, plan: Plan) -> Balances:
    size = int(10 ** (rng.triangular(6.1, 9.9, 6.6) if plan.schedule == "H" else rng.triangular(3.8, 7.0, 5.4))) * plan.unit
    if plan.schedule != "H":
        return Balances({"total_assets": size}, {"total_liabilities": size // 200 if rng.random() < 0.1 else 0})
    return Balances(spread(rng, plan.assets, size), {m: rng.randint(0, size // 150) for m in plan.liabilities})


def spread(rng: random.Random, stems: tuple[str, ...], total: int, prior: dict[str, int] | None = None) -> dict[str, int]:
    """Share `total` among the asset lines: investments hold most, loans some, cash and receivables little."""
    weights = {}
    for m in stems:
        base = prior.get(m, 0) if prior else 0
        drift = rng.uniform(0.8, 1.25)
        if base and prior:
            weights[m] = base * drift
        else:
            weights[m] = {"participant_loans": 4.0, "employer_receivable": 1.0, "participant_receivable": 0.6,
                          "other_receivables": 0.2, "interest_bearing_cash": 0.8, "noninterest_cash": 0.3}.get(m, 30.0) * drift
        if prior is not None and not base and rng.random() < 0.5:
            weights[m] = 0.0  # a line that was empty stays so, now and then
    whole = sum(weights.values()) or 1.0
    shares = {m: int(total * w / whole) for m, w in weights.items()}
    biggest = max(shares, key=shares.get)
    shares[biggest] += total - sum(shares.values())
    return shares


def plan_year(rng: random.Random, plan: Plan, boy: Balances) -> tuple[dict[str, int], Balances]:
    """The year's figures by measure, and the books at its end (the next year's beginning)."""
    u = plan.unit
    size = max(boy.net, 1000 * u)
    ret = rng.gauss(0.06, 0.12)
    participant = int(size * rng.uniform(0.03, 0.11))
    employer = int(size * rng.uniform(0.005, 0.05))
    rollovers = int(size * rng.uniform(0, 0.03)) if rng.random() < 0.6 else 0
    benefits = int(size * rng.uniform(0.02, 0.14))
    admin = int(size * rng.uniform(0.0005, 0.008))
    transfers_in = int(size * rng.uniform(0, 0.2)) if rng.random() < 0.03 else 0
    transfers_out = int(size * rng.uniform(0, 0.2)) if rng.random() < 0.03 else 0
    net = max(0, int(boy.net * (1 + ret)) + participant + employer + rollovers - benefits - admin + transfers_in - transfers_out)
    if plan.schedule == "H":
        liabilities = {m: int(v * rng.uniform(0.5, 1.5)) for m, v in boy.liabilities.items()}
        eoy = Balances(spread(rng, plan.assets, net + sum(liabilities.values()), boy.assets), liabilities)
        flows = {"employer_contributions": employer, "participant_contributions": participant, "benefits_direct": benefits,
                 "transfers_in": transfers_in, "transfers_out": transfers_out}
        if rollovers:
            flows["other_contributions"] = rollovers
        return schedule_h(rng, plan, boy, eoy, flows, admin), eoy
    liabilities = int(net * rng.uniform(0, 0.01)) if boy.liabilities["total_liabilities"] else 0
    eoy = Balances({"total_assets": net + liabilities}, {"total_liabilities": liabilities})
    return small(rng, plan, boy, eoy, employer, participant, rollovers, benefits, admin, transfers_in - transfers_out), eoy


def schedule_h(rng: random.Random, plan: Plan, boy: Balances, eoy: Balances, flows: dict[str, int], admin: int) -> dict[str, int]:
    a: dict[str, int] = {}
    for names, books in ((_BOY, boy), (_EOY, eoy)):
        for m, v in books.assets.items():
            a[names[m]] = v
        for m, v in books.liabilities.items():
            a[names[m]] = v
        assets, liabilities = sum(books.assets.values()), sum(books.liabilities.values())
        a[names["total_assets"]], a[names["total_liabilities"]], a[names["net_assets"]] = assets, liabilities, assets - liabilities
    a.update({k: v for k, v in flows.items() if v or k in ("employer_contributions", "participant_contributions", "benefits_direct")})
    if boy.assets.get("participant_loans"):
        a["interest_participant_loans"] = int(boy.assets["participant_loans"] * rng.uniform(0.04, 0.075))
        if rng.random() < 0.15:
            a["deemed_distributions"] = int(boy.assets["participant_loans"] * rng.uniform(0.001, 0.02))
    if boy.assets.get("interest_bearing_cash"):
        a["interest_cash"] = int(boy.assets["interest_bearing_cash"] * rng.uniform(0.0, 0.05))
    if rng.random() < 0.04:
        a["corrective_distributions"] = rng.randint(500, 60_000)
    fees = {"professional_fees": 0.15, "contract_administrator_fees": 0.5, "investment_management_fees": 0.25, "other_administrative_fees": 0.1}
    for m, share in fees.items():
        if rng.random() < 0.7:
            a[m] = int(admin * share)
    a["administrative_expenses"] = sum(a.get(m, 0) for m in fees)
    if rng.random() < 0.1:
        a["other_income"] = rng.randint(-5000, 80_000)
    weights: dict[str, int] = {}
    for m in plan.assets:
        if m in H_INVESTMENTS:
            gain = H_INVESTMENTS[m][1]
            weights[gain] = weights.get(gain, 0) + eoy.assets.get(m, 0) + 1
            a.setdefault(gain, 0)
    subtotals_h(a)
    parts = spread_gains(a, weights)
    for gain, v in parts.items():
        a[gain] += v
        if gain in _GAIN_SUBTOTAL:
            a[_GAIN_SUBTOTAL[gain]] += v
    plug = sum(parts.values())
    a["total_income"] += plug
    a["net_income"] += plug
    return a


_BOY = {m: f"{m}_boy" for m in (*H_ASSET_ORDER, *H_LIABILITY_ORDER, "total_assets", "total_liabilities", "net_assets")}
_EOY = {m: f"{m}_eoy" for m in _BOY}
_GAIN_SUBTOTAL = {"interest_other": "total_interest", "appreciation_other": "total_unrealized_appreciation"}


def _signed(items: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(m for m in items if not m.startswith("-")), tuple(m[1:] for m in items if m.startswith("-"))


_H_SUBTOTALS = tuple((t.measure, *_signed(t.items)) for t in TOTALS["H"]
                     if not t.measure.endswith(("_boy", "_eoy")) and t.measure not in ("total_income", "total_expenses", "net_income"))
_H_RESULTS = tuple((t.measure, *_signed(t.items)) for t in TOTALS["H"] if t.measure in ("total_income", "total_expenses", "net_income"))


def subtotals_h(a: dict[str, int]) -> dict[str, int]:
    """Schedule H's printed subtotals from its items (a subtotal of blank items stays blank),
    then total income, total expenses and net income; `a` gains them too."""
    get = a.get
    for measure, plus, minus in _H_SUBTOTALS:
        total, seen = 0, False
        for m in plus:
            v = get(m)
            if v is not None:
                total, seen = total + v, True
        for m in minus:
            v = get(m)
            if v is not None:
                total, seen = total - v, True
        if seen:
            a[measure] = total
    for measure, plus, minus in _H_RESULTS:
        total = 0
        for m in plus:
            total += get(m, 0)
        for m in minus:
            total -= get(m, 0)
        a[measure] = total
    return a


def small(rng: random.Random, plan: Plan, boy: Balances, eoy: Balances, employer: int, participant: int,
          rollovers: int, benefits: int, admin: int, transfers: int) -> dict[str, int]:
    """Schedule I or 5500-SF: totals at both year ends and the year's income and expenses."""
    a = {"total_assets_boy": boy.assets["total_assets"], "total_liabilities_boy": boy.liabilities["total_liabilities"],
         "net_assets_boy": boy.net, "total_assets_eoy": eoy.assets["total_assets"],
         "total_liabilities_eoy": eoy.liabilities["total_liabilities"], "net_assets_eoy": eoy.net,
         "employer_contributions": employer, "participant_contributions": participant, "benefits_paid": benefits}
    if rollovers:
        a["other_contributions"] = rollovers
    if transfers:
        a["transfers_net"] = transfers
    providers = int(admin * rng.uniform(0.5, 1))
    a["administrative_service_providers"] = providers
    if admin - providers:
        a["other_expenses"] = admin - providers
    if rng.random() < 0.05:
        a["corrective_distributions" if plan.schedule == "I" else "corrective_and_deemed_distributions"] = rng.randint(100, 20_000) * plan.unit
    expenses = ("benefits_paid", "corrective_distributions", "corrective_and_deemed_distributions", "deemed_distributions",
                "administrative_service_providers", "other_expenses")
    a["total_expenses"] = sum(a.get(m, 0) for m in expenses)
    contributions = employer + participant + rollovers
    a["other_income"] = eoy.net - boy.net - transfers - contributions + a["total_expenses"]
    a["total_income"] = contributions + a["other_income"]
    a["net_income"] = a["total_income"] - a["total_expenses"]
    if plan.schedule == "SF" and plan.loans:
        a["participant_loans_eoy"] = int(eoy.assets["total_assets"] * rng.uniform(0.01, 0.06))
    return a


# -- Part IV, signatures, the accountant -------------------------------------------------------


def part_iv(rng: random.Random, plan: Plan, a: dict[str, int]) -> tuple[dict[str, bool], tuple]:
    answers = {"late_contributions": rng.random() < 0.07, "nonexempt_transactions": False,
               "fidelity_bond": rng.random() < 0.95}
    if answers["late_contributions"]:
        a["late_contributions"] = max(1, int(a["participant_contributions"] * rng.uniform(0.0005, 0.02)))
    if plan.schedule != "SF":
        answers["loans_in_default"] = plan.loans and rng.random() < 0.05
        if answers["loans_in_default"]:
            a["loans_in_default"] = max(1, a.get("participant_loans_eoy", a["net_assets_eoy"] // 50) // rng.randint(20, 200))
    else:
        answers["participant_loans"] = "participant_loans_eoy" in a
    nonexempt = ()
    if answers["late_contributions"] and plan.schedule == "H" and rng.random() < 0.5:
        late = a["late_contributions"]
        earnings = max(1, late // rng.randint(40, 400))
        nonexempt = ((plan.sponsor[:35], "Plan sponsor", "Participant contributions remitted late; lost earnings restored to the plan",
                      late, late + earnings),)
    return answers, nonexempt


def filed_dates(rng: random.Random, end: date) -> tuple[date, date]:
    """Signed and received: most by the extended due date, some months later."""
    low, high = rng.choice(((90, 210), (200, 290), (200, 290), (290, 700)))
    days = rng.randint(low, high)
    received = end + timedelta(days=days)
    return received - timedelta(days=rng.choice((0, 0, 1, 3))), received


def ack_id(received: date, serial: int, amended: bool, filer: str = "04") -> str:
    """EFAST2-style: date and time received, a filer code and a serial; 30 characters."""
    seconds = serial * 7919 % 86_400
    clock = f"{seconds // 3600:02d}{seconds // 60 % 60:02d}{seconds % 60:02d}"
    return f"{received.year}{received.month:02d}{received.day:02d}{clock}P{'5' if amended else '0'}{filer}{serial:09d}001"


def year_dates(plan: Plan, form_year: int) -> tuple[date, date]:
    if plan.june:
        return date(form_year, 7, 1), date(form_year + 1, 6, 30)
    return date(form_year, 1, 1), date(form_year, 12, 31)


# -- Planted errors and amendments ------------------------------------------------------------


FOOT_PLANTS = {
    "H": (("total_assets_eoy", "registered_investment_companies_eoy"), ("total_income", "other_income"),
          ("total_expenses", "corrective_distributions"), ("net_income", "net_income")),
    "I": (("total_income", "other_income"), ("total_expenses", "other_expenses"), ("net_income", "net_income")),
    "SF": (("total_income", "other_income"), ("total_expenses", "other_expenses"), ("net_income", "net_income")),
}


def nudge(rng: random.Random, value: int, low: int, high: int, unit: int) -> int:
    """A typist's error: a few to many dollars either way, never taking a figure below zero."""
    delta = rng.randint(low, high) * unit
    return -delta if value >= delta and rng.random() < 0.5 else delta


def entry(filing: Filing5500, kind: str, **fields) -> dict:
    ein = filing.plan.ein
    return {"kind": kind, "ack_id": filing.ack_id, "ein": ein, "ein_printed": f"{ein[:2]}-{ein[2:]}", "pn": filing.plan.pn,
            "schedule": filing.schedule, "form_year": filing.form_year, "year_end": filing.end.isoformat(), **fields}


def record_failures(filing: Filing5500, plant: str) -> None:
    """Write down every check the filing now fails, as the audit should find them."""
    for check, measure, expected, actual in failures(filing.schedule, filing.amounts):
        line = BY_MEASURE[filing.schedule].get(measure)
        filing.manifest.append(entry(filing, check, plant=plant, measure=measure, column=line.column if line else "",
                                     line=line.line if line else "", expected=str(filing.money(expected)),
                                     actual=str(filing.money(actual))))


def plant_foot(rng: random.Random, filing: Filing5500) -> None:
    """One line that does not foot: an item changed (or the net income itself), the total kept."""
    choices = [c for c in FOOT_PLANTS[filing.schedule] if c[1] != "registered_investment_companies_eoy" or c[1] in filing.amounts]
    _, changed = rng.choice(choices)
    value = filing.amounts.get(changed, 0)
    filing.amounts[changed] = value + nudge(rng, value if changed != "net_income" else abs(value) + 10**6, 1, 99_999, filing.plan.unit)
    record_failures(filing, "foot")


def figure(filing: Filing5500, units: int | None) -> str:
    """A figure as the dataset prints it; blank where the filer left it blank."""
    return "" if units is None else str(filing.money(units))


def amendment(rng: random.Random, original: Filing5500, truth: dict[str, int], serial: int) -> Filing5500:
    """The same plan-year filed again, later: the planted error fixed, or employer contributions
    reclassified from investment income (totals kept, so nothing else moves)."""
    received = original.received + timedelta(days=rng.randint(30, 400))
    fixes = any(e["kind"] == "foot" for e in original.manifest)
    amounts = dict(truth if fixes else original.amounts)
    if not fixes:
        shift = max(1, amounts["employer_contributions"] // rng.randint(20, 200))
        gain = "other_income" if original.schedule != "H" else next(
            m for m in ("income_registered_investment_companies", "income_common_collective_trusts", "income_pooled_separate_accounts",
                        "income_master_trusts", "interest_other", "appreciation_other") if m in amounts)
        amounts["employer_contributions"] += shift
        amounts[gain] -= shift
        if original.schedule == "H":
            subtotals_h(amounts)
        else:
            amounts["total_income"] = total_of(next(t.items for t in TOTALS[original.schedule] if t.measure == "total_income"), amounts)
    amended = replace(original, ack_id=ack_id(received, serial, True), received=received, signed=received, amounts=amounts,
                      amended=True, manifest=[])
    lines = BY_MEASURE[original.schedule]
    changes = {lines[m].column: [figure(original, original.amounts.get(m)), figure(original, amounts.get(m))]
               for m in sorted((amounts.keys() | original.amounts.keys()) & lines.keys(), key=list(lines).index)
               if original.amounts.get(m) != amounts.get(m)}
    amended.manifest.append(entry(amended, "amended", amends=original.ack_id, date_received=received.isoformat(),
                                  fixes="foot" if fixes else "", changes=changes))
    return amended


# -- The stream -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """How the plan-years are drawn (see `plan_years`)."""

    years: tuple[int, int] = (2019, 2025)
    max_years: int = 7
    mix: tuple[float, float] = (0.2, 0.7)
    error_rate: float = 0.01
    amended_rate: float = 0.03


def plan_years(n: int, seed: int = 0, **options) -> Iterator[Filing5500]:
    """n plan-years of filings (each plan a run of consecutive form years within `years`), each
    followed by its amended filing where it draws one. `mix`: the share of large plans
    (Schedule H), and of the small ones that file the 5500-SF rather than Schedule I. A plan-year
    draws a planted error with `error_rate` (a line that does not foot, a year that does not roll
    forward, or a beginning that is not the last year's end); `Options` has the defaults."""
    o = Options(**options)
    made, sponsor = 0, 0
    while made < n:
        for plan in sponsor_plans(seed, sponsor, o.mix):
            span, filings = plan_filings(seed, plan, o, n - made)
            yield from filings
            made += span
            if made >= n:
                return
        sponsor += 1


def plan_filings(seed: int, plan: Plan, o: Options, limit: int | None = None) -> tuple[int, Iterator[Filing5500]]:
    """How many plan-years the plan files (at most `limit`), and its filings."""
    rng = random.Random(f"5500/{seed}/plan/{plan.index}")
    span = min(rng.randint(1, o.max_years), o.years[1] - o.years[0] + 1, limit if limit is not None else o.max_years)
    first = rng.randint(o.years[0], o.years[1] - span + 1)
    return span, plan_run(rng, plan, first, span, o.error_rate, o.amended_rate)


def plan_run(rng: random.Random, plan: Plan, first: int, span: int, error_rate: float, amended_rate: float) -> Iterator[Filing5500]:
    books = opening(rng, plan)
    prior_eoy: int | None = None
    for y in range(span):
        form_year = first + y
        plant = rng.choice(("foot", "foot", "roll", "continuity")) if rng.random() < error_rate else ""
        if plant == "continuity" and prior_eoy is None:
            plant = "foot"
        if plant == "continuity":
            shifted = "total_assets" if plan.schedule != "H" else next(iter(plan.assets))
            books.assets[shifted] += nudge(rng, books.assets[shifted], 100, 250_000, plan.unit)
        amounts, eoy = plan_year(rng, plan, books)
        begin, end = year_dates(plan, form_year)
        signed, received = filed_dates(rng, end)
        serial = plan.index * 64 + y * 2
        answers, nonexempt = part_iv(rng, plan, amounts)
        participants = (rng.randint(100, 40_000) if plan.schedule == "H" else rng.randint(2, 99),) * 2
        filing = Filing5500(plan, ack_id(received, serial, False), begin, end, received, signed, amounts, answers,
                            participants, opinion=rng.choice("1111111113") if plan.schedule == "H" else "",
                            nonexempt=nonexempt)
        filing.limited_scope = filing.opinion == "3"
        truth = dict(amounts)
        if plant == "continuity":
            filing.manifest.append(entry(filing, "continuity", plant="continuity", measure="net_assets_boy",
                                         column=BY_MEASURE[plan.schedule]["net_assets_boy"].column,
                                         line=BY_MEASURE[plan.schedule]["net_assets_boy"].line,
                                         expected=str(filing.money(prior_eoy)), actual=str(filing.money(amounts["net_assets_boy"]))))
        elif plant == "foot":
            plant_foot(rng, filing)
        elif plant == "roll":
            stem = "total_assets" if plan.schedule != "H" else next(iter(plan.assets))
            delta = nudge(rng, eoy.assets[stem], 100, 250_000, plan.unit)
            eoy.assets[stem] += delta
            for m in (f"{stem}_eoy", "total_assets_eoy", "net_assets_eoy") if plan.schedule == "H" else ("total_assets_eoy", "net_assets_eoy"):
                amounts[m] += delta
            record_failures(filing, "roll")
        yield filing
        if plant in ("", "foot") and (rng.random() < amended_rate or plant == "foot" and rng.random() < 0.5):
            yield amendment(rng, filing, truth, serial + 1)
        books, prior_eoy = eoy, amounts["net_assets_eoy"]
