"""What a statement caption means, from its words and the heading printed above it.

Typists word the same line many ways ('Participants', 'Participant contributions',
'Employee deferrals'); these rules read the words, never a fixed list of captions.
"""

from __future__ import annotations

import re

from ledger import events as ev

_TOTAL_KINDS: tuple[tuple[str, ev.TotalKind], ...] = (
    ("contribution", "total_contributions"),
    ("receivable", "total_receivables"),
    ("liabilit", "total_liabilities"),
    ("addition", "total_additions"),
    ("deduction", "total_deductions"),
    ("investment income", "total_investment_income"),
    ("investment loss", "total_investment_income"),
    ("investment (loss)", "total_investment_income"),
    ("investment", "total_investments"),
    ("assets", "total_assets"),
)
_NET_CHANGE = re.compile(
    r"^net\s+\(?(?:increase|decrease|change)|\b(?:increase|decrease)\b.*\bnet\s+assets", re.IGNORECASE
)
_BEGINNING = re.compile(r"\bbeginning\s+of\s+(?:the\s+)?(?:year|period)", re.IGNORECASE)
_END = re.compile(r"\bend\s+of\s+(?:the\s+)?(?:year|period)", re.IGNORECASE)
_LIABILITY = re.compile(
    r"\b(?:payable|accrued|refund|excess\s+contributions|due\s+to|liabilit|overdraft)", re.IGNORECASE
)


def is_total(label: str) -> bool:
    return label.lower().startswith(("total", "subtotal"))


def total_kind(text: str, income_statement: bool = False) -> ev.TotalKind:
    """The kind of a printed total, from its caption (or the heading it totals)."""
    text = text.lower()
    for word, kind in _TOTAL_KINDS:
        if word in text:
            if kind == "total_investments" and income_statement:
                return "total_investment_income"
            return kind
    return "other"


def is_net_change(label: str) -> bool:
    return bool(_NET_CHANGE.search(label)) and not re.search(r"apprec|deprec", label, re.IGNORECASE)


def is_beginning(label: str) -> bool:
    return bool(_BEGINNING.search(label))


def is_end(label: str) -> bool:
    return bool(_END.search(label))


def says_decrease(label: str) -> bool:
    """The caption names a loss without its gain ('Net depreciation', 'Net decrease')."""
    text = label.lower()
    negative = re.search(r"deprec|decrease|\bloss", text)
    positive = re.search(r"apprec|increase|\bgain|income", text)
    return bool(negative) and not positive


def receivable_kind(label: str) -> ev.ReceivableKind:
    text = label.lower()
    if re.search(r"employer|company|sponsor|matching", text):
        return "employer"
    if re.search(r"participant|employee|member|deferral", text):
        return "participant"
    return "other"


def is_liability(label: str) -> bool:
    return bool(_LIABILITY.search(label))


def liability_kind(label: str) -> str:
    return re.sub(r"\s*\(note\s*\d+\)", "", label.lower()).strip(" :-")


def contribution_source(text: str) -> ev.ContributionSource:
    text = text.lower()
    if "rollover" in text or "roll-over" in text:
        return "rollover"
    if re.search(r"employer|company|sponsor|matching", text):
        return "employer"
    if re.search(r"participant|employee|member|deferral", text):
        return "participant"
    return "other"


def flow_class(label: str, group: str, deducting: bool) -> type[ev.Flow]:
    """The Flow subclass of a line of the statement of changes.

    The caption decides where it can ('Benefits paid'); otherwise the heading above it does
    ('Participants' under 'Contributions'); the additions/deductions section decides the rest.
    """
    for text in (label, f"{group} {label}"):
        cls = _flow_by_words(text.lower(), deducting)
        if cls is not None:
            return cls
    return ev.OtherDeduction if deducting else ev.OtherAddition


def _flow_by_words(text: str, deducting: bool) -> type[ev.Flow] | None:
    if "transfer" in text:
        outward = re.search(r"\bout\b|\bto\b", text) or (deducting and not re.search(r"\bin\b|\bfrom\b", text))
        return ev.TransferOut if outward else ev.TransferIn
    if re.search(r"corrective|deemed\s+distribution|excess\s+contributions", text):
        return ev.OtherDeduction
    if re.search(r"benefit|distribution|withdrawal|paid\s+to\s+participants", text):
        return ev.BenefitPaid
    if re.search(r"administrative|\bfees?\b|expenses?\b", text):
        return ev.AdministrativeExpense
    if re.search(r"apprec|deprec|\bgains?\b|(?<!\()\bloss(?:es)?\b", text):
        return ev.NetAppreciation
    if re.search(r"interest|dividend", text):
        return ev.InterestAndDividends
    if re.search(r"contribution|rollover|roll-over|deferral", text):
        return ev.ContributionReceived
    return None


_ADJUSTMENT = re.compile(r"adjustment\s+(?:from|to)\s+(?:fair\s+value|contract\s+value)", re.IGNORECASE)
_LOANS_RECEIVABLE = re.compile(r"notes?\s+receivable\s+from\s+participants|participant\s+notes?\s+receivable", re.IGNORECASE)
_SUBTOTAL = re.compile(r"^(?:net\s+)?investment\s+(?:income|\(?loss\)?|gain)|^net\s+investment\b", re.IGNORECASE)
_FLOW_KINDS: dict[type[ev.Flow], str] = {
    ev.ContributionReceived: "contribution",
    ev.InterestAndDividends: "income",
    ev.NetAppreciation: "income",
    ev.OtherAddition: "other_addition",
    ev.TransferIn: "transfer_in",
    ev.BenefitPaid: "deduction",
    ev.AdministrativeExpense: "deduction",
    ev.OtherDeduction: "deduction",
    ev.TransferOut: "transfer_out",
}


def is_adjustment(label: str) -> bool:
    """'Adjustment from fair value to contract value for fully benefit-responsive ...'."""
    return bool(_ADJUSTMENT.search(label))


def is_participant_loans_receivable(label: str) -> bool:
    """Participant loans as statements print them since 2010: outside investments."""
    return bool(_LOANS_RECEIVABLE.search(label))


def is_subtotal_caption(label: str) -> bool:
    """A caption that can name a group's subtotal as well as an item ('Net investment income')."""
    return bool(_SUBTOTAL.search(label))


def flow_kind(cls: type[ev.Flow]) -> str:
    """Which part of the statement of changes a flow adds up in."""
    return _FLOW_KINDS[cls]
