"""Who and when: the cover page (plan, sponsor, fiscal year), the plan's EIN and number, the
auditor's report (firm and date) and the signature block (the date the filing was signed)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from importers.sections import AUDIT_REPORT, SIGNATURES, find_heading
from importers.text import Line, first_date, is_rule, squash

_COVER_LINES = 250  # the cover page is near the top; do not read a whole document for it
_FISCAL = re.compile(r"(?:fiscal\s+)?year\s+ended", re.IGNORECASE)
_ITEM_A = re.compile(r"^\s*(?:\(?a\)?\.?|1\.)\s*full\s+(?:name|title)\s+of\s+the\s+plan", re.IGNORECASE)
_ITEM_B = re.compile(r"^\s*(?:\(?b\)?\.?|2\.)\s*name\s+of\s+(?:the\s+)?issuer", re.IGNORECASE)
_EIN = re.compile(
    r"(?:\bEIN\b|employer\s+identification\s+(?:number|no\.?))\s*(?:#|no\.?|number)?\s*:?\s*(\d{2})\s*-?\s*(\d{7})\b",
    re.IGNORECASE,
)
_PLAN_NUMBER = re.compile(r"\bplan\s*(?:#|no\.?|number)\s*:?\s*#?\s*(\d{3})\b", re.IGNORECASE)
_PLAN_BESIDE_EIN = re.compile(r"\bplan\s*(?:#|no\.?|number)?\s*:?\s*#?\s*(\d{3})\b", re.IGNORECASE)
_SIGNED = re.compile(r"^\s*dated?\s*:?\s*(.*)$", re.IGNORECASE)
_EXECUTED = re.compile(r"\b(?:executed|signed)\s+this\b", re.IGNORECASE)
_FIRM = re.compile(r"\b(?:LLP|L\.L\.P\.|LLC|P\.C\.|P\.A\.|& Co|& Company|CPAs?|Certified Public Accountants)\b")
_ADDRESS = re.compile(r"^\d|\b[A-Z]{2}\s+\d{5}\b")


@dataclass(frozen=True, slots=True)
class Dated:
    value: date
    line: Line


@dataclass(frozen=True, slots=True)
class Named:
    text: str
    line: Line


def fiscal_year_end(lines: Sequence[Line]) -> Dated | None:
    """'For the fiscal year ended December 31, 2000' on the cover (the date may wrap)."""
    head = lines[:_COVER_LINES]
    for i, line in enumerate(head):
        m = _FISCAL.search(line.text)
        if not m:
            continue
        window = line.text[m.end() :] + " " + (head[i + 1].text if i + 1 < len(head) else "")
        d = first_date(window[:60])
        if d:
            return Dated(d, line)
    return None


def plan_names(lines: Sequence[Line]) -> list[Named]:
    """Cover item A: the full name of the plan, or of each plan (one a line); a name wrapped
    over two lines is joined (a name ends with the word 'Plan')."""
    found = _item(lines, _ITEM_A)
    if not found:
        return []
    first, first_line, i = found
    parts = [(first, first_line)]
    for nxt in lines[i + 1 : i + 8]:
        if nxt.blank or is_rule(nxt.text) or _ADDRESS.search(nxt.stripped):
            break
        parts.append((nxt.stripped, nxt))
    names: list[Named] = []
    text, start = "", None
    for part, line in parts:
        text, start = f"{text} {part}", start or line
        if re.search(r"\bplans?\b", part, re.IGNORECASE):
            names.append(Named(squash(text), start))
            text, start = "", None
    return names or [Named(squash(first), first_line)]


def sponsor(lines: Sequence[Line]) -> str:
    """Cover item B, the issuer of the securities held by the plan: its sponsor."""
    found = _item(lines, _ITEM_B)
    return squash(found[0]) if found else ""


def _item(lines: Sequence[Line], pattern: re.Pattern[str]) -> tuple[str, Line, int] | None:
    head = lines[:_COVER_LINES]
    for i, line in enumerate(head):
        if not pattern.match(line.text):
            continue
        inline = line.text.split(":", 1)[1].strip() if ":" in line.text else ""
        if inline:
            return inline, line, i
        j = i
        while j < min(i + 4, len(head) - 1) and not head[j].text.rstrip().endswith(":"):
            j += 1
        for k in range(j + 1, min(j + 6, len(head))):
            if not head[k].blank and not is_rule(head[k].text):
                return head[k].stripped, head[k], k
        return None
    return None


def plan_numbers(lines: Sequence[Line]) -> tuple[str, str]:
    """(EIN '87-0295503', plan number '002') where the filing prints them."""
    ein = number = ""
    for line in lines:
        if not ein and (m := _EIN.search(line.text)):
            ein = f"{m.group(1)}-{m.group(2)}"
            if not number and (n := _PLAN_BESIDE_EIN.search(line.text, m.end())):
                number = n.group(1)
        if not number and (m := _PLAN_NUMBER.search(line.text)):
            number = m.group(1)
        if ein and number:
            break
    return ein, number


def names_plan_number(text: str) -> bool:
    """A line that gives the plan's EIN or number ('EIN 93-0458812, Plan 002'), not its name."""
    return bool(_EIN.search(text) or _PLAN_NUMBER.search(text))


def date_signed(lines: Sequence[Line]) -> Dated | None:
    """The signature block's 'Date: June 28, 2001'; else a certification's 'executed ... this
    30th day of June, 2003'."""
    sig = find_heading(lines, SIGNATURES, 0, len(lines))
    if sig is not None:
        for line in lines[sig + 1 : sig + 40]:
            m = _SIGNED.match(line.text)
            d = first_date(m.group(1)) if m else None
            if d:
                return Dated(d, line)
    for i, line in enumerate(lines):
        m = _EXECUTED.search(line.text)
        if m:
            window = f"{line.text[m.end():]} {lines[i + 1].text if i + 1 < len(lines) else ''}"
            d = first_date(window)
            if d:
                return Dated(d, line)
    return None


def auditor(lines: Sequence[Line]) -> tuple[Named | None, Dated | None]:
    """The firm that signed the auditor's report, and the report's date."""
    start = find_heading(lines, AUDIT_REPORT, 0, len(lines))
    if start is None:
        return None, None
    for i in range(start + 1, min(start + 120, len(lines))):
        text = lines[i].stripped
        signed = "/s/" in text.lower()
        if not signed and not (_FIRM.search(text) and len(text) < 70 and not text.endswith(".")):
            continue
        name = re.sub(r"^(?:by:?\s*)?/s/\s*", "", text, flags=re.IGNORECASE) if signed else text
        firm = Named(squash(name), lines[i])
        report_date = None
        for j in range(i + 1, min(i + 8, len(lines))):
            below = lines[j].stripped
            if not below or is_rule(below):
                continue
            if squash(below).lower().startswith(firm.text.lower()) and len(below) > len(firm.text):
                firm = Named(squash(below), lines[j])
            d = first_date(below)
            if d:
                report_date = Dated(d, lines[j])
                break
        return firm, report_date
    return None, None
