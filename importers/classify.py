"""Is a document a plan's annual report at all? Exhibits and press releases are skipped, not
rejected: they are not broken filings, just not filings of a plan."""

from __future__ import annotations

import re
from collections.abc import Sequence

from importers.text import Line, squash

_HEAD_LINES = 120
_FORM_11K = re.compile(r"\bform\s+11-?\s?k\b|<type>\s*11-k\b", re.IGNORECASE)
_SIGNS = (
    ("a press release", re.compile(r"for\s+immediate\s+release|press\s+release|news\s+release", re.IGNORECASE)),
    ("an exhibit", re.compile(r"^\s*exhibit\s+\d+(?:\.\d+)?\s*$|<type>\s*ex-", re.IGNORECASE)),
    ("another form", re.compile(r"\bform\s+(?:8-k|10-k|10-q|s-8|20-f)\b|<type>\s*(?:8-k|10-k|10-q)\b", re.IGNORECASE)),
)


def is_form_11k(lines: Sequence[Line]) -> bool:
    return any(_FORM_11K.search(line.text) for line in lines[:_HEAD_LINES])


def not_a_plan_filing(lines: Sequence[Line]) -> str:
    """Why a document without plan financial statements is skipped, citing what it is instead."""
    seen = []
    for what, pattern in _SIGNS:
        found = next(((line, m) for line in lines[:_HEAD_LINES] if (m := pattern.search(line.text))), None)
        if found is not None:
            line, m = found
            seen.append(f"{what} ({squash(m.group())!r}, line {line.no})")
    kind = f"looks like {' and '.join(seen)}; " if seen else ""
    return f"not a plan filing: {kind}no Form 11-K cover and no statement of net assets available for benefits"
