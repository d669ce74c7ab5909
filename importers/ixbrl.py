"""Inline XBRL inside an HTML filing: the facts tagging printed figures, kept beside them.

A fact says what the filer tagged (concept, period, plan, scale, sign); the printed cell says
what a reader sees. Both are kept: nothing here replaces a printed figure, and no concept is
mapped to an event (the statements are read from their printed rows, whatever the tags say).

What the FASB employee-benefit-plan taxonomy confirms, for whoever maps concepts later (XBRL US
Data Quality Committee rule DQC_0190, "Employee Benefit Reporting", docs/DQC_US_0190/DQC_0190.md
in DataQualityCommittee/dqc_us_rules): EBP concepts live in the `us-gaap-ebp` namespace, with
tables `us-gaap-ebp:EmployeeBenefitPlanStatementOfNetAssetAvailableForBenefitTable` and
`...StatementOfChangeInNetAssetAvailableForBenefitTable`; investments are
`EmployeeBenefitPlanInvestmentFairValue` / `...ContractValue` / `...FairAndContractValue`; every
fact of an 11-K carries the `LegalEntityAxis` (its member names the plan). Other element names
were seen only in third-party notes, so they are not relied on here.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import html

from importers.model import Fact
from importers.text import squash

_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")
_MAX_SCALE = 12  # a scale past this is garbage: no plan reports trillions
_LEGAL_ENTITY = "legalentityaxis"

Context = tuple[date | None, date | None, str]  # (start, end, legal-entity member)


def local(tag: object) -> str:
    """An element's name without its prefix, lower case ('ix:nonFraction' -> 'nonfraction');
    '' for comments and the like."""
    return tag.rsplit(":", 1)[-1].lower() if isinstance(tag, str) else ""


def contexts(root: html.HtmlElement) -> dict[str, Context]:
    """Every xbrli:context of the document by id: its period and legal-entity member."""
    found: dict[str, Context] = {}
    for el in root.iter():
        if local(el.tag) == "context" and ":" in el.tag and el.get("id"):
            found[el.get("id")] = _context(el)
    return found


def _context(el: html.HtmlElement) -> Context:
    dates = {local(d.tag): _date(d.text_content()) for d in el.iter() if local(d.tag) in ("instant", "startdate", "enddate")}
    entity = next(
        (squash(m.text_content()) for m in el.iter() if local(m.tag) == "explicitmember"
         and local(m.get("dimension", "")) == _LEGAL_ENTITY),
        "",
    )
    return dates.get("startdate"), dates.get("instant") or dates.get("enddate"), entity


def _date(text: str) -> date | None:
    m = _DATE.match(text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def fact(el: html.HtmlElement, known: dict[str, Context]) -> Fact:
    """An ix:nonFraction element as a Fact (its value None where it cannot be read)."""
    context = el.get("contextref", "")
    start, end, entity = known.get(context, (None, None, ""))
    scale = _int(el.get("scale", "0"))
    sign = el.get("sign", "")
    fmt = el.get("format", "")
    tagged = squash(el.text_content().replace("\xa0", " "))
    value = _tagged_value(tagged, fmt, scale, sign)
    return Fact(el.get("name", ""), value, tagged, context, start, end, entity, scale, sign, fmt)


def _int(text: str) -> int:
    try:
        return max(-_MAX_SCALE, min(_MAX_SCALE, int(text)))
    except ValueError:
        return 0


def _tagged_value(text: str, fmt: str, scale: int, sign: str) -> Decimal | None:
    """The number the tag states: its text read by its format, times 10^scale, signed."""
    name = local(fmt).replace("-", "")
    if "zerodash" in name or "fixedzero" in name or not any(c.isdigit() for c in text):
        number = "0" if "zero" in name or re.fullmatch(r"[-\u2013\u2014]+", text) else ""
    elif "commadecimal" in name:
        number = text.replace(".", "").replace(" ", "").replace(",", ".")
    else:
        number = text.replace(",", "").replace(" ", "")
    try:
        value = Decimal(number).scaleb(scale)
    except InvalidOperation:
        return None
    return -value if sign == "-" else value
