"""Reading the body of a financial statement into captions with figures, and headings.

A statement is a list of captions, some with figures, under headings that group them. The
reader joins captions wrapped over two lines, skips page furniture (page numbers, repeated
titles, EDGAR tags) and remembers whether a figure sat under an underline (a subtotal).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from importers.columns import year_header
from importers.errors import ParseError
from importers.text import Figure, Line, is_page_number, is_rule, squash, trailing_figures

_CONNECTORS = frozenset(
    "a an and at by for from in into of on or the to with & less net plus including".split()
)
_SECTION = re.compile(r"^(?:additions|deductions|assets|liabilities|investments?|receivables?)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Heading:
    line: Line
    text: str  # trailing ':' or '-' removed


@dataclass(frozen=True, slots=True)
class Row:
    line: Line  # the line holding the figures
    label: str  # the caption, joined when wrapped
    figures: list[Figure]
    after_rule: bool = False  # printed under an underline: a subtotal


@dataclass(slots=True)
class Body:
    items: list[Heading | Row] = field(default_factory=list)
    end: int = 0  # index of the line after the last one read


def heading_text(text: str) -> str:
    return squash(text).rstrip(":-\u2014 ").strip()


def is_wrapped(first: str, second: str) -> bool:
    """Does `second` (the caption before figures) continue the caption-only line `first`?"""
    first = first.strip()
    if first.endswith((":", "-", "\u2014")) or _SECTION.match(first):
        return False
    if not second:
        return True
    last_word = first.split()[-1].lower()
    first_word = second.split()[0]
    return last_word in _CONNECTORS or first_word.lower() in _CONNECTORS or first_word[0].islower()


def read_body(
    lines: Sequence[Line],
    start: int,
    *,
    where: str,
    is_last: Callable[[Row], bool],
    is_stop: Callable[[Line], bool],
    is_furniture: Callable[[Line], bool],  # asked of caption-only lines
    max_figures: int,
) -> Body:
    """Read from `start` until `is_last(row)`; a line where `is_stop` holds first means the
    statement was cut short, which rejects the document."""
    body = Body()
    pending: list[tuple[Line, str]] = []  # caption-only lines: headings, or wrapped captions
    after_rule = False
    adjacent = False  # the last pending line directly precedes the current one
    last = lines[start - 1] if 0 < start <= len(lines) else None

    def flush() -> None:
        body.items.extend(Heading(line, heading_text(text)) for line, text in pending)
        pending.clear()

    for i in range(start, len(lines)):
        line = last = lines[i]
        if is_stop(line):
            break
        if line.blank or line.page_break or is_page_number(line) or year_header(line.text):
            flush()
            adjacent = False
            continue
        if is_rule(line.text):
            flush()
            after_rule, adjacent = True, False
            continue
        try:
            caption, figures = trailing_figures(line.text, limit=max_figures + 1)
        except ParseError as e:
            raise e.at(line.no, where) from None
        if not figures and is_furniture(line):
            flush()
            adjacent = False
            continue
        joins = bool(pending) and adjacent and is_wrapped(pending[-1][1], caption)
        if joins:
            caption = f"{pending.pop()[1].strip()} {caption}"
        if not figures:
            if not joins:
                flush()
            pending.append((line, caption))
            adjacent = True
            continue
        if len(figures) > max_figures:
            raise ParseError(
                f"{where}: cannot read the columns: {len(figures)} figures on a line of a "
                f"{max_figures}-column statement",
                line.no,
            )
        flush()
        row = Row(line, squash(caption), figures, after_rule)
        body.items.append(row)
        after_rule = adjacent = False
        if is_last(row):
            body.end = i + 1
            return body
    raise ParseError(f"{where}: ends before its last line (truncated?)", last.no if last else None)
