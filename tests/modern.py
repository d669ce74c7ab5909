"""Hand-made filings in the layout of 2010 onwards: participant loans printed as notes receivable
from participants, a stable value fund adjusted from fair value to contract value, and how the
reader read each statement column (a StatementRead per column).

Figures (whole dollars) foot, roll forward and agree with Schedule H and the notes, so a test
changes one of them and names the finding it expects.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger import events as ev
from ledger.batch import FilingBatch, PlanBatch, PlanRef
from ledger.identity import document_digest, filing_id

PLAN = PlanRef(name="Contoso Savings Plan", sponsor="Contoso, Inc.", ein="41-1234567", plan_number="001")
D = Decimal

# The statement of net assets: line, event, fields, and its figure at each year end.
NET_ASSETS = [
    (24, ev.HoldingReported, {"label": "Mutual funds"}, {2009: 4200000, 2010: 4600000, 2011: 5000000}),
    (25, ev.HoldingReported, {"label": "Stable value fund"}, {2009: 1000000, 2010: 1100000, 2011: 1200000}),
    (26, ev.HoldingReported, {"label": "Contoso common stock"}, {2009: 600000, 2010: 700000, 2011: 800000}),
    (27, ev.TotalReported, {"total": "total_investments", "label": "Total investments"},
     {2009: 5800000, 2010: 6400000, 2011: 7000000}),
    (29, ev.ReceivableReported, {"kind": "employer", "label": "Employer contributions"}, {2009: 40000, 2010: 45000, 2011: 50000}),
    (30, ev.ReceivableReported, {"kind": "participant_loans", "label": "Notes receivable from participants"},
     {2009: 260000, 2010: 280000, 2011: 300000}),
    (31, ev.TotalReported, {"total": "total_receivables", "label": "Total receivables"}, {2009: 300000, 2010: 325000, 2011: 350000}),
    (32, ev.TotalReported, {"total": "total_assets", "label": "Total assets"}, {2009: 6100000, 2010: 6725000, 2011: 7350000}),
    (34, ev.LiabilityReported, {"kind": "excess contributions refundable", "label": "Excess contributions refundable"},
     {2009: 5000, 2010: 5000, 2011: 10000}),
    (35, ev.TotalReported, {"total": "total_liabilities", "label": "Total liabilities"}, {2009: 5000, 2010: 5000, 2011: 10000}),
    (36, ev.TotalReported, {"total": "other", "label": "Net assets reflecting all investments at fair value"},
     {2009: 6095000, 2010: 6720000, 2011: 7340000}),
    (37, ev.ValueAdjustmentReported,
     {"label": "Adjustment from fair value to contract value for fully benefit-responsive investment contracts"},
     {2009: -15000, 2010: -20000, 2011: -25000}),
    (38, ev.NetAssetsReported, {"label": "Net assets available for benefits"}, {2009: 6080000, 2010: 6700000, 2011: 7315000}),
]

# The statement of changes for the year: line, event, fields, figure.
CHANGES = {
    2010: {52: 280000, 53: 140000, 54: 420000, 56: 480000, 57: 190000, 58: 670000, 59: 1090000, 61: 455000, 62: 15000,
           63: 470000, 64: 620000},
    2011: {52: 300000, 53: 150000, 54: 450000, 56: 500000, 57: 200000, 58: 700000, 59: 1150000, 61: 520000, 62: 15000,
           63: 535000, 64: 615000},
}
FLOWS = {
    52: (ev.NetAppreciation, {"label": "Net appreciation in fair value of investments"}),
    53: (ev.InterestAndDividends, {"label": "Interest and dividends"}),
    54: (ev.TotalReported, {"total": "total_investment_income", "label": "Total investment income"}),
    56: (ev.ContributionReceived, {"source": "participant", "label": "Participant"}),
    57: (ev.ContributionReceived, {"source": "employer", "label": "Employer"}),
    58: (ev.TotalReported, {"total": "total_contributions", "label": "Total contributions"}),
    59: (ev.TotalReported, {"total": "total_additions", "label": "Total additions"}),
    61: (ev.BenefitPaid, {"label": "Benefits paid to participants"}),
    62: (ev.AdministrativeExpense, {"label": "Administrative expenses"}),
    63: (ev.TotalReported, {"total": "total_deductions", "label": "Total deductions"}),
    64: (ev.TotalReported, {"total": "net_change", "label": "Net increase"}),
}

# Schedule H line 4i at the filing's year end: line, issuer, description, figure (statement line it matches).
SCHEDULE_H = [
    (100, "Mutual funds", "Registered investment companies", 24),
    (101, "Stable value fund", "Common collective trust", 25),
    (102, "Contoso common stock", "Common stock", 26),
    (103, "*Participant loans", "Participant loans, interest rates 4.25%-9.25%, maturing through 2030", 30),
]

NET_ASSETS_HEADING, CHANGES_HEADING, LOANS_NOTE = 20, 50, 80


NET_ASSETS_LINES = frozenset(line for line, *_ in NET_ASSETS)


def modern_filing(
    year: int,
    figures: dict[tuple[int, int], int] | None = None,
    readings: dict[tuple[str, int], dict] | None = None,
    schedule: dict[int, dict] | None = None,
) -> FilingBatch:
    """The filing for `year`: the statement of net assets at `year` and the year before, the
    statement of changes for `year`, the loans note and Schedule H. `figures` replaces a printed
    figure, by (line, year end); `readings` gives a column's StatementRead fields, by (statement,
    year end), where it was not simply footed; `schedule` replaces a Schedule H row's fields, by line."""
    text = f"Contoso Savings Plan 11-K {year} {figures} {readings} {schedule}"
    digest = document_digest(text.encode())
    fid = filing_id(digest)
    year_end, prior = date(year, 12, 31), date(year - 1, 12, 31)
    signed = date(year + 1, 6, 25)
    figures = figures or {}

    def at(line: int, section: ev.Section, as_of: date, column: str = "") -> dict:
        return {"as_of": as_of, "known_at": signed,
                "provenance": ev.Provenance(filing_id=fid, section=section, line=line, text=f"line {line}", column=column)}

    def amount(line: int, end: int, printed: int) -> Decimal:
        return D(figures.get((line, end), printed))

    events: list[ev.PlanEvent] = [
        ev.PlanIdentified(name=PLAN.name, sponsor=PLAN.sponsor, ein=PLAN.ein, plan_number=PLAN.plan_number,
                          **at(1, "cover", year_end)),
        ev.FilingReported(filing_id=fid, form="11-K", document=f"contoso_{year}.txt", digest=digest,
                          period_start=date(year, 1, 1), prior_year_end=prior, date_signed=signed, **at(1, "cover", year_end)),
    ]
    for statement, heading, ends in (("net_assets", NET_ASSETS_HEADING, (year, year - 1)), ("changes", CHANGES_HEADING, (year,))):
        for end in ends:
            # a column with a changed figure no longer foots: the reader would say so
            changed = any(y == end and (line in NET_ASSETS_LINES) == (statement == "net_assets") for line, y in figures)
            default = {"reading": "not_footing", "failing": 1} if changed else {"reading": "footed", "failing": 0}
            read = {"totals": 6} | default | (readings or {}).get((statement, end), {})
            events.append(ev.StatementRead(statement=statement, column=str(end), **read,
                                           **at(heading, statement, date(end, 12, 31), str(end))))
    for end in (year, year - 1):
        for line, cls, fields, by_year in NET_ASSETS:
            events.append(cls(amount=amount(line, end, by_year[end]), **fields, **at(line, "net_assets", date(end, 12, 31), str(end))))
    for line, printed in CHANGES[year].items():
        cls, fields = FLOWS[line]
        events.append(cls(amount=amount(line, year, printed), **fields, **at(line, "changes", year_end, str(year))))
    for line, end, printed in ((65, year - 1, NET_ASSETS[-1][3][year - 1]), (66, year, NET_ASSETS[-1][3][year])):
        events.append(ev.NetAssetsReported(amount=amount(line, end, printed), label="Net assets available for benefits",
                                           **at(line, "changes", date(end, 12, 31), str(year))))
    loans = {line: by_year for line, _, _, by_year in NET_ASSETS}[30][year]
    events.append(ev.ParticipantLoansReported(balance=amount(LOANS_NOTE, year, loans), rate_low=D("4.25"), rate_high=D("9.25"),
                                              **at(LOANS_NOTE, "notes", year_end)))
    statement_values = {line: by_year[year] for line, _, _, by_year in NET_ASSETS}
    for line, issuer, description, matches in SCHEDULE_H:
        fields = {"issuer": issuer, "description": description, "amount": amount(line, year, statement_values[matches])}
        fields |= (schedule or {}).get(line, {})
        events.append(ev.HoldingReported(**fields, **at(line, "schedule_h_4i", year_end, "(e)")))
    return FilingBatch(document=f"contoso_{year}.txt", digest=digest, filing_id=fid,
                       plans=[PlanBatch(plan=PLAN, events=events)])
