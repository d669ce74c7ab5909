"""Every check the audit makes, declared once: its name (as findings carry it), its place in the
audit's order, the unit of its figures, and what computes it (a SQL table macro over the figures
known on `k` in `audit.sql`, or a function in `audit.py` where judgement is needed). A new check
is one entry here and its macro or function."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["dollars", "percent", "shares"]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    computed_by: str  # "audit_..._known": a SQL table macro; otherwise a function of projections.audit
    unit: Unit = "dollars"
    tolerance: str = "exact"  # how far apart two figures may be and still agree

    @property
    def in_sql(self) -> bool:
        return self.computed_by.startswith("audit_")


CHECKS: tuple[Check, ...] = (
    Check("footing", "audit_footing_known"),
    Check("statements_agree", "audit_continuity_known"),
    Check("roll_forward", "audit_roll_forward_known"),
    Check("continuity", "audit_continuity_known"),
    Check("schedule_h", "audit_schedule_h_known", tolerance="to the thousand per line where a statement prints in thousands"),
    Check("schedule_h_shares", "audit_money_market_known", unit="shares", tolerance="under a dollar"),
    Check("loans", "audit_loans_known"),
    Check("loan_rates", "audit_loan_rates_known", unit="percent"),
    Check("forfeitures", "forfeiture_findings", tolerance="rounded figures ('approximately $43,700') to their rounding"),
    Check("deemed_loan_interest", "deemed_loan_findings", tolerance="any interest convention the dates allow"),
    Check("appreciation_split", "audit_appreciation_split_known"),
    Check("xbrl_tag", "audit_tagged_facts_known"),
    Check("form5500_footing", "audit_form5500_footing_known"),
    Check("form5500_roll_forward", "audit_form5500_roll_forward_known"),
    Check("form5500_continuity", "audit_form5500_continuity_known"),
    Check("form5500_vs_11k", "audit_form5500_vs_11k_known",
          tolerance="exact; benefits agree with or without the deemed and corrective distributions the 5500 reports apart"),
    Check("late_contributions", "audit_late_contributions_known"),
)

ORDER = {check.name: i for i, check in enumerate(CHECKS)}
UNITS = {check.name: check.unit for check in CHECKS}
SQL_MACROS = tuple(dict.fromkeys(c.computed_by for c in CHECKS if c.in_sql))  # each macro once, in order
FUNCTIONS = tuple(dict.fromkeys(c.computed_by for c in CHECKS if not c.in_sql))
