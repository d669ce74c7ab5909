"""Hand-made Form 5500 filings and 11-Ks of the same plan, for the Form 5500 projection and audit
tests: figures given by measure (`ledger.form5500`), stored by the dataset column that prints them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ledger import events as ev
from ledger.batch import FilingBatch, PlanBatch, PlanRef
from ledger.form5500 import ANSWERS, BY_MEASURE
from ledger.identity import document_digest, filing_id

PLAN = PlanRef(name="Acme 401(k) Plan", sponsor="Acme, Inc.", ein="12-3456789", plan_number="001")
SECTIONS = {"H": "schedule_h", "I": "schedule_i", "SF": "form_5500"}
DOCUMENTS = {"H": "F_SCH_H_{year}_latest.csv", "I": "F_SCH_I_{year}_latest.csv", "SF": "F_5500_SF_{year}_latest.csv"}


def consistent_h(boy: Decimal, employer: Decimal, participant: Decimal, rollover: Decimal, income: Decimal,
                 benefits: Decimal, loans_eoy: Decimal = Decimal(0), loans_boy: Decimal = Decimal(0)) -> dict[str, Decimal]:
    """Schedule H figures that foot and roll forward: assets in mutual funds and participant loans,
    no liabilities; the year's income from registered investment companies."""
    contributions = employer + participant + rollover
    total_income = contributions + income
    eoy = boy + total_income - benefits
    return {
        "registered_investment_companies_boy": boy - loans_boy, "participant_loans_boy": loans_boy,
        "total_assets_boy": boy, "total_liabilities_boy": Decimal(0), "net_assets_boy": boy,
        "registered_investment_companies_eoy": eoy - loans_eoy, "participant_loans_eoy": loans_eoy,
        "total_assets_eoy": eoy, "total_liabilities_eoy": Decimal(0), "net_assets_eoy": eoy,
        "employer_contributions": employer, "participant_contributions": participant, "other_contributions": rollover,
        "total_contributions": contributions, "income_registered_investment_companies": income,
        "total_income": total_income, "benefits_direct": benefits, "benefits_paid": benefits,
        "total_expenses": benefits, "net_income": total_income - benefits,
    }


def form5500(
    year_end: date,
    amounts: dict[str, Decimal],
    *,
    schedule: ev.Form5500Schedule = "H",
    received: date | None = None,
    ack_id: str | None = None,
    amended: bool = False,
    answers: dict[str, bool] | None = None,
    line: int = 2,
    plan: PlanRef = PLAN,
) -> FilingBatch:
    """One filing's schedule as the reader would make it: PlanIdentified, FilingReported, Form5500Reported."""
    received = received or date(year_end.year + 1, 10, 15)
    ack_id = ack_id or f"{year_end.year}{received:%m%d}{plan.ein[-4:]}{'A' if amended else 'O'}"
    document = DOCUMENTS[schedule].format(year=year_end.year)
    digest = document_digest(f"{document} {ack_id}".encode())
    fid = filing_id(digest)
    start = date(year_end.year, 1, 1) if year_end.month == 12 else year_end - timedelta(days=364)
    section = SECTIONS[schedule]

    def at(where: str = section) -> dict:
        return {"as_of": year_end, "known_at": received,
                "provenance": ev.Provenance(filing_id=fid, section=where, line=line, text=ack_id, document=document)}

    columns = {BY_MEASURE[schedule][m].column: v for m, v in amounts.items()}
    answered = {column: (answers or {})[m] for column, m in ANSWERS[schedule].items() if m in (answers or {})}
    events = [
        ev.PlanIdentified(name=plan.name, sponsor=plan.sponsor, ein=plan.ein, plan_number=plan.plan_number, **at("form_5500")),
        ev.FilingReported(filing_id=fid, form="5500-SF" if schedule == "SF" else "5500", document=document, digest=digest,
                          period_start=start, prior_year_end=start - timedelta(days=1), date_signed=received, **at("form_5500")),
        ev.Form5500Reported(ack_id=ack_id, schedule=schedule, form_year=year_end.year, amended=amended, amounts=columns,
                            answers=answered, **at()),
    ]
    return FilingBatch(document=document, digest=digest, filing_id=fid, plans=[PlanBatch(plan=plan, events=events)])


def eleven_k(year_end: date, figures: list, *, signed: date | None = None, name: str = "", plan: PlanRef = PLAN) -> FilingBatch:
    """An 11-K of the plan for `year_end`: `figures` are (event class, line, fields) of its statements and notes."""
    signed = signed or date(year_end.year + 1, 6, 28)
    document = name or f"acme-11k-{year_end.year}.txt"
    digest = document_digest(document.encode())
    fid = filing_id(digest)
    start = date(year_end.year, 1, 1)

    def at(section: str, line: int, as_of: date = year_end) -> dict:
        return {"as_of": as_of, "known_at": signed,
                "provenance": ev.Provenance(filing_id=fid, section=section, line=line, text=f"line {line}", column=str(year_end.year))}

    events = [
        ev.PlanIdentified(name=plan.name, sponsor=plan.sponsor, ein=plan.ein, plan_number=plan.plan_number, **at("cover", 1)),
        ev.FilingReported(filing_id=fid, form="11-K", document=document, digest=digest, period_start=start,
                          prior_year_end=start - timedelta(days=1), date_signed=signed, **at("cover", 2)),
    ]
    for cls, line, fields in figures:
        section = fields.pop("section", "changes" if issubclass(cls, ev.Flow) else "net_assets")
        as_of = fields.pop("as_of", year_end)
        events.append(cls(**fields, **at(section, line, as_of)))
    return FilingBatch(document=document, digest=digest, filing_id=fid, plans=[PlanBatch(plan=plan, events=events)])
