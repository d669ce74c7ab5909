"""A synthetic filing printed as the plain-text Form 11-K the importer reads.

The benchmark's parse rate is measured on these documents, and a test reads each one back to
the figures of the batch it was printed from, so the generator and the parser cannot drift.
Only what the batch holds is printed (no "Total assets" line the batch lacks), laid out like
the EDGAR filings of the 2000s: cover, auditor's report, both statements, notes, Schedule H.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from ledger import events as ev
from ledger.batch import FilingBatch

CAPTION = 53
FIGURE = 15
RULE = f"{'':{CAPTION}}{'-' * (FIGURE - 2):>{FIGURE}}{'-' * (FIGURE - 2):>{FIGURE}}"


def render(batch: FilingBatch) -> str:
    """The document a filing of one plan would print, as text."""
    (plan_batch,) = batch.plans
    events = plan_batch.events
    plan = plan_batch.plan
    filed = next(e for e in events if isinstance(e, ev.FilingReported))
    end, start = filed.as_of, filed.prior_year_end
    parts = [
        cover(plan.name, plan.sponsor, plan.ein, plan.plan_number, end),
        auditors_report(plan.name, filed.auditor, end, start, filed.date_signed),
        net_assets_statement(plan.name, [e for e in events if e.provenance.section == "net_assets"], end, start),
        changes_statement(plan.name, [e for e in events if e.provenance.section == "changes"], end),
        notes(plan.name, events, end),
        schedule_h(plan.name, plan.ein, plan.plan_number, [e for e in events if e.provenance.section == "schedule_h_4i"], end),
        signatures(plan.name, filed.date_signed),
    ]
    return "\n<PAGE>\n\n".join(parts)


def long_date(d: date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def money(amount: Decimal, dollar: bool = False) -> str:
    text = f"{abs(amount):,}" if amount else "--"
    text = f"({text})" if amount < 0 else f"{text} "
    return f"$ {text:>11}" if dollar else text


def figure_line(caption: str, *figures: str) -> str:
    return (f"{caption:<{CAPTION}}" + "".join(f"{f:>{FIGURE}}" for f in figures)).rstrip()


def centred(*lines: str) -> str:
    return "\n".join(line.center(86).rstrip() for line in lines)


ADDRESS = ("100 Main Street", "Springfield, Illinois 62701")


def plan_numbers(ein: str, number: str, ein_form: str, number_form: str, between: str) -> list[str]:
    """The line naming the plan's EIN and plan number, as far as the plan has them (a Form 5500
    and the 11-K are matched on them): none where it has neither."""
    parts = [form.format(value) for form, value in ((ein_form, ein), (number_form, number)) if value]
    return [between.join(parts)] if parts else []


def cover(name: str, sponsor: str, ein: str, number: str, end: date, address: tuple[str, str] = ADDRESS) -> str:
    return f"""{centred("UNITED STATES", "SECURITIES AND EXCHANGE COMMISSION", "Washington, D.C. 20549", "", "FORM 11-K")}

[X]  ANNUAL REPORT PURSUANT TO SECTION 15(d) OF THE SECURITIES EXCHANGE ACT OF
     1934

{centred(f"For the fiscal year ended {long_date(end)}")}

A.   Full title of the plan and address of the plan, if different from that of
     the issuer named below:

{centred(name, *plan_numbers(ein, number, "EIN {}", "Plan {}", ", "))}

B.   Name of issuer of the securities held pursuant to the plan and the address
     of its principal executive office:

{centred(sponsor, *address)}
"""


def auditors_report(name: str, auditor: str, end: date, start: date, signed: date) -> str:
    return f"""{centred("REPORT OF INDEPENDENT REGISTERED PUBLIC ACCOUNTING FIRM")}

Plan Administrator
{name}

We have audited the accompanying statements of net assets available for
benefits of the Plan as of {long_date(end)} and {start.year}, and the related statement
of changes in net assets available for benefits for the year then ended.

In our opinion, the financial statements referred to above present fairly, in
all material respects, the net assets available for benefits of the Plan.

/s/ {auditor}

Springfield, Illinois
{long_date(signed)}
"""


def heading(name: str, title: str, when: str) -> str:
    return centred(name.upper(), title, when)


def net_assets_statement(name: str, events: list[ev.PlanEvent], end: date, start: date) -> str:
    """Rows in the batch's order for the current year; the prior year's figure beside it."""
    columns: dict[tuple, dict[date, Decimal]] = defaultdict(dict)
    for e in events:
        columns[(type(e), e.label)][e.as_of] = e.amount
    lines = [
        heading(name, "STATEMENTS OF NET ASSETS AVAILABLE FOR BENEFITS", f"{long_date(end)} and {start.year}"),
        "",
        figure_line("", str(end.year), str(start.year)),
        RULE,
        "ASSETS",
        "Investments, at fair value:",
        "  Mutual funds:",
    ]
    first = True
    for (cls, label), by_date in columns.items():
        now, then = by_date.get(end, Decimal(0)), by_date.get(start, Decimal(0))
        if cls is ev.TotalReported:
            lines += [RULE, figure_line(f"      {label}", money(now), money(then)), ""]
        elif cls is ev.NetAssetsReported:
            lines += [RULE, figure_line(label.upper(), money(now, True), money(then, True))]
        elif cls is ev.LiabilityReported:
            lines += ["LIABILITIES", figure_line(f"  {label}", money(now), money(then))]
        elif cls is ev.ReceivableReported and label.startswith("Participant"):
            lines += ["Receivables:", figure_line(f"  {label}", money(now), money(then))]
        else:
            indent = "    " if cls is ev.HoldingReported else "  " if cls is ev.ReceivableReported else ""
            lines.append(figure_line(f"{indent}{label}", money(now, first), money(then, first)))
            first = False
    return "\n".join(lines) + "\n"


def changes_statement(name: str, events: list[ev.PlanEvent], end: date) -> str:
    lines = [
        heading(name, "STATEMENT OF CHANGES IN NET ASSETS AVAILABLE FOR BENEFITS", f"For the Year Ended {long_date(end)}"),
        "",
        "ADDITIONS",
        "  Contributions:",
    ]
    rule = f"{'':{CAPTION + FIGURE}}{'-' * (FIGURE - 2):>{FIGURE}}"
    for e in events:
        if isinstance(e, ev.NetAssetsReported):
            if e.as_of < end:
                lines += ["", "NET ASSETS AVAILABLE FOR BENEFITS"]
            else:
                lines.append(rule)
            lines.append(figure_line(f"  {e.label}", "", money(e.amount, e.as_of == end)))
            continue
        if isinstance(e, ev.TotalReported):
            lines.append(rule)
        if isinstance(e, ev.BenefitPaid):
            lines += ["", "DEDUCTIONS"]
        caption = f"{'      ' if isinstance(e, ev.TotalReported) else '    '}{e.label}"
        lines.append(figure_line(caption, "", money(e.amount)))
    return "\n".join(lines) + "\n"


def notes(name: str, events: list[ev.PlanEvent], end: date) -> str:
    facts = {type(e): e for e in events if e.provenance.section == "notes"}
    balance = facts[ev.ForfeitureBalanceReported].amount
    used = facts[ev.ForfeituresReallocated].amount
    formula = facts[ev.MatchingFormulaReported]
    steps = facts[ev.VestingScheduleReported].steps
    vesting = [f"{'':17}{service(steps, i):<38}{step.percent}%" for i, step in enumerate(steps)]
    return f"""{heading(name, "NOTES TO FINANCIAL STATEMENTS", "")}
NOTE 1 - DESCRIPTION OF PLAN

Contributions: Participants may defer up to 50% of compensation. The Company
contributes a matching contribution equal to {formula.match_percent}% of each participant's
elective deferrals up to {formula.limit_percent}% of compensation.

Vesting: Participants are immediately vested in their deferrals and rollovers.
Company matching contributions vest according to the following schedule:

{'':17}Years of Vesting Service{'':14}Percentage
{chr(10).join(vesting)}

Forfeitures: At {long_date(end)}, forfeited nonvested accounts totaled
${balance:,}. During {end.year}, forfeitures of ${used:,} were used to reduce employer
contributions.
"""


def service(steps: tuple[ev.VestingStep, ...], i: int) -> str:
    """How a vesting table names a row's years of service."""
    if i == 0 and steps[0].years == 0 and len(steps) > 1:
        return f"Fewer than {steps[1].years}"
    return f"{steps[i].years} or more" if i == len(steps) - 1 else str(steps[i].years)


def schedule_h(name: str, ein: str, number: str, holdings: list[ev.HoldingReported], end: date) -> str:
    rows = []
    for h in holdings:
        star = " *  " if h.party_in_interest else "    "
        shares = f"{h.shares:,} shares" if h.shares is not None else h.description
        rows.append(f"{star} {h.issuer:<27}  {shares:<27}{'':>13}   {h.amount:>16,}")
    total = sum(h.amount for h in holdings)
    return f"""{heading(name, f"EIN: {ein}      Plan Number: {number}", "")}
{centred("SCHEDULE H, LINE 4i - SCHEDULE OF ASSETS (HELD AT END OF YEAR)", long_date(end))}

<TABLE>
<CAPTION>
     (b) Identity of Issuer,       (c) Description of
(a)  Borrower, Lessor or           Investment                       (d)              (e) Current
     Similar Party                                                  Cost                   Value
---  --------------------------   ------------------------   ------------   ----------------
{chr(10).join(rows)}
{'':77}----------------
{'':77}$ {total:>14,}
{'':77}================
</TABLE>

*  Party-in-interest
"""


def signatures(name: str, signed: date) -> str:
    return f"""{centred("SIGNATURES")}

     Pursuant to the requirements of the Securities Exchange Act of 1934, the
Plan Administrator has duly caused this annual report to be signed on behalf
of the Plan by the undersigned hereunto duly authorized.

{'':23}{name.upper()}

Date: {long_date(signed)}{'':17}By: /s/ Jane Q. Administrator
"""
