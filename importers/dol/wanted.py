"""The columns read from each dataset; every other column is left unread."""

from __future__ import annotations

from ledger.form5500 import ANSWERS, LINES

_FORM = (
    "ACK_ID", "FORM_PLAN_YEAR_BEGIN_DATE", "FORM_TAX_PRD", "AMENDED_IND", "PLAN_NAME", "SPONS_DFE_PN", "SPONSOR_DFE_NAME",
    "SPONS_DFE_EIN", "ADMIN_SIGNED_DATE", "SPONS_SIGNED_DATE", "DATE_RECEIVED", "SCH_H_ATTACHED_IND", "SCH_I_ATTACHED_IND",
)
_SF = (
    "ACK_ID", "SF_PLAN_YEAR_BEGIN_DATE", "SF_TAX_PRD", "SF_AMENDED_IND", "SF_PLAN_NAME", "SF_PLAN_NUM", "SF_SPONSOR_NAME",
    "SF_SPONS_EIN", "SF_ADMIN_SIGNED_DATE", "SF_SPONS_SIGNED_DATE", "DATE_RECEIVED",
)
_SCHEDULE = ("ACK_ID", "ACCTNT_OPINION_TYPE_CD", "ACCOUNTANT_FIRM_NAME", "ACCOUNTANT_FIRM_EIN")
_G3 = (
    "ACK_ID", "ROW_ORDER", "NON_EXEMPT_PARTY_NAME", "NON_EXEMPT_RELATION_TEXT", "NON_EXEMPT_TERMS_TEXT",
    "NON_EXEMPT_PUR_PRICE_AMT", "NON_EXEMPT_SELL_PRICE_AMT", "NON_EXEMPT_LS_RNTL_AMT", "NON_EXEMPT_EXPENSE_INCR_AMT",
    "NON_EXEMPT_COST_AST_AMT", "NON_EXEMPT_CURR_VALUE_AST_AMT", "NON_EXEMPT_GAIN_LOSS_AMT",
)


def _financial(schedule: str, *columns: str) -> frozenset[str]:
    return frozenset(columns) | {x.column for x in LINES[schedule]} | set(ANSWERS[schedule])


WANTED: dict[str, frozenset[str]] = {
    "F_5500": frozenset(_FORM),
    "F_5500_SF": _financial("SF", *_SF),
    "F_SCH_H": _financial("H", *_SCHEDULE, "SCH_H_PLAN_YEAR_BEGIN_DATE", "SCH_H_TAX_PRD"),
    "F_SCH_I": _financial("I", *_SCHEDULE, "SCH_I_PLAN_YEAR_BEGIN_DATE", "SCH_I_TAX_PRD"),
    "F_SCH_G_PART3": frozenset(_G3),
}
