"""Finding the parts of a filing by their headings, and telling headings from page furniture.

A heading is only a heading where it starts a part: the same words also appear in the table
of contents (followed by a page number or dot leaders) and in running prose (mid-sentence);
each finder therefore also checks what follows the heading.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from ledger.identity import normalise_name

from importers.text import Line, is_dateline, squash

TOC_TAIL = re.compile(r"(?:\.{4,}|\s{3,}\d{1,3}(?:\s*-\s*\d{1,3})?$)")

NET_ASSETS = re.compile(
    r"^statements?\s+of\s+(?:the\s+)?(?:plan'?s?\s+)?(?:net\s+assets|financial\s+(?:condition|position))",
    re.IGNORECASE,
)
CHANGES = re.compile(
    r"^statements?\s+of\s+(?:income\s+and\s+)?changes\s+in\s+(?:the\s+)?(?:plan'?s?\s+)?(?:net\s+assets|plan\s+equity)",
    re.IGNORECASE,
)
NOTES = re.compile(r"^notes\s+to\s+(?:the\s+)?(?:audited\s+)?financial\s+statements", re.IGNORECASE)
SCHEDULE_H = re.compile(
    r"(?:schedule\s+h\s*,?\s*(?:part\s+iv\s*,?\s*)?line\s+4\s*\(?i\)?|schedule\s+of\s+assets\s*\(?held)",
    re.IGNORECASE,
)
SCHEDULE_G = re.compile(r"(?:schedule\s+g\s*,?\s*part\s+iii|schedule\s+of\s+nonexempt\s+transactions)", re.IGNORECASE)
AUDIT_REPORT = re.compile(
    r"^(?:report\s+of\s+independent|independent\s+auditors?'?s?'?\s+report|independent\s+accountants?'?\s+report)",
    re.IGNORECASE,
)
SIGNATURES = re.compile(r"^signatures?$", re.IGNORECASE)
OTHER_PART = re.compile(
    r"^(?:exhibit\s+index|exhibits?\s+\d|consent\s+of\s+independent|independent\s+auditors?'?\s+consent|"
    r"certifications?\b|supplemental\s+schedules?$)",
    re.IGNORECASE,
)
_IN_THOUSANDS = re.compile(r"in\s+thousands|\(?\s*000'?s?\s+omitted", re.IGNORECASE)
_FURNITURE = re.compile(
    r"\(continued\)|accompanying\s+notes|integral\s+part|see\s+notes\s+to|^\(?\s*(?:dollars\s+)?in\s+thousands|"
    r"000'?s?\s+omitted",
    re.IGNORECASE,
)
@functools.lru_cache(maxsize=65536)  # the parts are looked for many times over the same lines
def is_heading(line: Line, pattern: re.Pattern[str], anywhere: bool = False) -> bool:
    """The line starts a part titled `pattern` (not a contents entry, not a sentence)."""
    text = squash(line.text)
    if not text or text.endswith("."):
        return False
    found = pattern.search(text) if anywhere else pattern.match(text)
    return found is not None and not TOC_TAIL.search(line.text)


def find_heading(
    lines: Sequence[Line],
    pattern: re.Pattern[str],
    start: int,
    stop: int,
    confirm: Callable[[int], bool] = lambda i: True,
    anywhere: bool = False,
) -> int | None:
    """Index of the first heading matching `pattern` in [start, stop) that `confirm` accepts."""
    for i in range(start, stop):
        if is_heading(lines[i], pattern, anywhere) and confirm(i):
            return i
    return None


def in_thousands(lines: Sequence[Line]) -> bool:
    return any(_IN_THOUSANDS.search(line.text) for line in lines)


def is_title(line: Line, plan_names: frozenset[str]) -> bool:
    """A line of page furniture inside a statement or schedule: the plan's name or a
    statement's title repeated on a continuation page, a date line, a footer."""
    text = line.stripped
    if not text:
        return True
    if _FURNITURE.search(text) or is_dateline(text) or normalise_name(text) in plan_names:
        return True
    if NET_ASSETS.match(text) or CHANGES.match(text):
        return True
    return "PLAN" in text and "NET ASSETS" not in text and re.search(r"\bPLAN\b", text) is not None and mostly_upper(text)


def mostly_upper(text: str) -> bool:
    """Capitals, allowing a stray lower-case letter ('401(k) PLAN')."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.islower() for c in letters) <= max(1, len(letters) // 10)
