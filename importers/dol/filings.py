"""One Form 5500 filing (an ACK_ID and its rows across datasets) as one batch of events.

PlanIdentified and FilingReported from the form's row (F_5500 or F_5500_SF), Form5500Reported
from the financial schedule's row (Schedule H or I; the 5500-SF's own part IV to IX figures),
NonexemptTransactionReported per Schedule G part III row. Every event's provenance names the CSV
file and the line of the row it came from, and the ACK_ID; a figure's column is its key in
`amounts`. `known_at` is the date the DOL received the filing, so an amended filing (its own
ACK_ID) is later knowledge of the same plan year.
"""

from __future__ import annotations

import hashlib
from datetime import date

from ledger import events as ev
from ledger.batch import FilingBatch, PlanBatch, PlanRef, Rejected
from ledger.form5500 import ANSWERS, LINES
from ledger.identity import filing_id

from importers.dol import values as v
from importers.dol.join import Joined, Row

_SCHEDULE = {"F_SCH_H": "H", "F_SCH_I": "I"}
_SECTION: dict[str, ev.Section] = {"H": "schedule_h", "I": "schedule_i", "SF": "form_5500"}
_PERIOD = {  # the plan year's columns in each dataset: begin, end
    "F_5500": ("FORM_PLAN_YEAR_BEGIN_DATE", "FORM_TAX_PRD"),
    "F_5500_SF": ("SF_PLAN_YEAR_BEGIN_DATE", "SF_TAX_PRD"),
    "F_SCH_H": ("SCH_H_PLAN_YEAR_BEGIN_DATE", "SCH_H_TAX_PRD"),
    "F_SCH_I": ("SCH_I_PLAN_YEAR_BEGIN_DATE", "SCH_I_TAX_PRD"),
}
_G_AMOUNTS = (  # the transaction's amount: the first of these the row fills
    "NON_EXEMPT_PUR_PRICE_AMT", "NON_EXEMPT_SELL_PRICE_AMT", "NON_EXEMPT_LS_RNTL_AMT", "NON_EXEMPT_EXPENSE_INCR_AMT",
    "NON_EXEMPT_CURR_VALUE_AST_AMT", "NON_EXEMPT_COST_AST_AMT",
)
_SF_PREFIX = {"F_5500": "", "F_5500_SF": "SF_"}
_AMOUNT_COLUMNS = {schedule: frozenset(line.column for line in lines) for schedule, lines in LINES.items()}
_ANSWER_COLUMNS = {schedule: frozenset(columns) for schedule, columns in ANSWERS.items()}


def digest(ack_id: str) -> str:
    """A filing's identity is its ACK_ID: importing it again is a duplicate, whatever file it is in."""
    return hashlib.sha256(b"dol-form5500:" + ack_id.encode("utf-8")).hexdigest()


PREFIX = "Form 5500 ACK_ID "


def document(ack_id: str) -> str:
    """How a filing is named where a document's name is expected (reports, the filing marker)."""
    return f"{PREFIX}{ack_id}"


class _Refused(Exception):
    def __init__(self, row: Row, reason: str) -> None:
        super().__init__(reason)
        self.row, self.reason = row, reason


def build(joined: Joined) -> FilingBatch | Rejected:
    """The filing's batch, or why it cannot be read, naming the file, the line and the column."""
    try:
        return _build(joined)
    except _Refused as e:
        return Rejected(document=e.row.document, reason=f"ACK_ID {joined.ack_id}: {e.reason}", line=e.row.line)


def _cell(row: Row, read, column: str):
    try:
        return read(column, row.cells.get(column, ""))
    except v.CellError as e:
        raise _Refused(row, str(e)) from None


def _build(joined: Joined) -> FilingBatch:
    form = joined.form
    for row in (form, *joined.schedules):
        if row.problem:
            raise _Refused(row, row.problem)
    if not joined.ack_id:
        raise _Refused(form, "no ACK_ID")
    sf = form.dataset == "F_5500_SF"
    p = _SF_PREFIX[form.dataset]
    begin_col, end_col = _PERIOD[form.dataset]
    year_end = _cell(form, v.day, end_col)
    if year_end is None:
        raise _Refused(form, f"column {end_col}: no plan year end")
    period_start = _cell(form, v.day, begin_col)
    cells = form.cells
    ein = _cell(form, v.ein, f"{p}SPONS_EIN" if sf else "SPONS_DFE_EIN")
    number = _cell(form, v.plan_number, "SF_PLAN_NUM" if sf else "SPONS_DFE_PN")
    signed = _cell(form, v.day, f"{p}SPONS_SIGNED_DATE") or _cell(form, v.day, f"{p}ADMIN_SIGNED_DATE")
    received = _cell(form, v.day, "DATE_RECEIVED")
    known_at = received or signed or year_end
    amended = bool(_cell(form, v.indicator, f"{p}AMENDED_IND"))
    name = (cells.get("SF_PLAN_NAME" if sf else "PLAN_NAME") or "").strip()
    sponsor = (cells.get("SF_SPONSOR_NAME" if sf else "SPONSOR_DFE_NAME") or "").strip()
    the_digest = digest(joined.ack_id)
    fid = filing_id(the_digest)

    def common(row: Row, section: ev.Section, as_of: date, column: str = "") -> dict:
        provenance = ev.Provenance(filing_id=fid, section=section, line=row.line, text=joined.ack_id, column=column, document=row.document)
        return {"as_of": as_of, "known_at": known_at, "provenance": provenance}

    financial = [r for r in joined.schedules if r.dataset in _SCHEDULE]
    if sf and financial:
        raise _Refused(financial[0], f"a 5500-SF filing with an {financial[0].dataset} row")
    if len(financial) > 1:
        raise _Refused(financial[1], f"a second financial schedule row for the filing (the first: {financial[0].document}:{financial[0].line})")
    if not sf and not financial:
        for column, dataset in (("SCH_H_ATTACHED_IND", "F_SCH_H"), ("SCH_I_ATTACHED_IND", "F_SCH_I")):
            if _cell(form, v.indicator, column):
                raise _Refused(form, f"{column} says the filing has a Schedule {dataset[-1]}, but no {dataset} row of this import has its ACK_ID")
    auditor = ""
    events: list[ev.PlanEvent] = [
        ev.PlanIdentified(**common(form, "form_5500", year_end), name=name or sponsor, sponsor=sponsor, ein=ein, plan_number=number),
    ]
    figures: list[ev.PlanEvent] = []
    for row in [form] if sf else financial:
        schedule = "SF" if sf else _SCHEDULE[row.dataset]
        as_of = year_end if sf else (_cell(row, v.day, _PERIOD[row.dataset][1]) or year_end)
        try:
            amounts = v.amounts(_AMOUNT_COLUMNS[schedule], row.cells)
            answers = v.indicators(_ANSWER_COLUMNS[schedule], row.cells)
        except v.CellError as e:
            raise _Refused(row, str(e)) from None
        auditor = (row.cells.get("ACCOUNTANT_FIRM_NAME") or "").strip()
        figures.append(
            ev.Form5500Reported(
                **common(row, _SECTION[schedule], as_of),
                ack_id=joined.ack_id,
                schedule=schedule,
                form_year=row.form_year,
                amended=amended,
                amounts=amounts,
                answers=answers,
                opinion=(row.cells.get("ACCTNT_OPINION_TYPE_CD") or "").strip(),
                accountant=auditor,
                accountant_ein=(row.cells.get("ACCOUNTANT_FIRM_EIN") or "").strip(),
            )
        )
    for row in joined.schedules:
        if row.dataset == "F_SCH_G_PART3":
            figures.append(_nonexempt(row, common, year_end))
    events.append(
        ev.FilingReported(
            **common(form, "form_5500", year_end),
            filing_id=fid,
            form="5500-SF" if sf else "5500",
            document=form.document,
            digest=the_digest,
            period_start=period_start,
            date_signed=signed,
            auditor=auditor,
        )
    )
    events += figures
    plan = PlanRef(name=name or sponsor, sponsor=sponsor, ein=ein, plan_number=number)
    if not (plan.name or plan.ein):
        raise _Refused(form, "neither a plan name nor an EIN")
    return FilingBatch(document=document(joined.ack_id), digest=the_digest, filing_id=fid, plans=[PlanBatch(plan=plan, events=events)])


def _nonexempt(row: Row, common, year_end: date) -> ev.NonexemptTransactionReported:
    amounts = [(c, a) for c in _G_AMOUNTS if (a := _cell(row, v.amount, c)) is not None]  # every amount checked
    column, amount = amounts[0] if amounts else ("", None)
    return ev.NonexemptTransactionReported(
        **common(row, "schedule_g_iii", year_end, column),
        party=(row.cells.get("NON_EXEMPT_PARTY_NAME") or "").strip(),
        relationship=(row.cells.get("NON_EXEMPT_RELATION_TEXT") or "").strip(),
        description=(row.cells.get("NON_EXEMPT_TERMS_TEXT") or "").strip(),
        amount=amount,
    )
