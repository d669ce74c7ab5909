"""Figures whose inline XBRL tag states another value than the one printed: a finding, since
a reader of the XBRL and a reader of the page would disagree. The printed figure is what the
statements are read from; the tag is kept beside it by the HTML reader."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from importers.model import Document, Source, Table, Text
from importers.sections import in_thousands
from importers.text import Line

_TEXT_AROUND = 8  # text blocks before a table where "(In thousands)" may stand


def disagreements(doc: Document) -> list[tuple[Source, Decimal, Decimal | None, str, date | None]]:
    """(row, printed, tagged, concept, the fact's date) for each tagged figure whose tagged value differs in
    magnitude from the printed one in dollars (a table under '(In thousands)' printed in
    thousands). Signs are not weighed: statements print deductions in parentheses while their
    facts are positive, and a decrease may be worded instead of bracketed."""
    found = []
    for table, thousands in _tables(doc.blocks):
        unit = Decimal(1000) if thousands else Decimal(1)
        for row in table.rows:
            for figure in row.figures:
                if figure is None or figure.fact is None:
                    continue
                printed = figure.value * unit
                tagged = figure.fact.value
                if tagged is None or abs(tagged) != abs(printed):
                    found.append((row.source, printed, tagged, figure.fact.concept, figure.fact.end))
    return found


def _tables(blocks: Iterable[Text | Table]) -> Iterable[tuple[Table, bool]]:
    """Each table, and whether it prints thousands (said in its headings or just above)."""
    recent: list[str] = []
    for block in blocks:
        if isinstance(block, Text):
            recent = [*recent[-_TEXT_AROUND + 1 :], block.text]
            continue
        said = [*recent, *block.header]
        yield block, in_thousands([Line(0, text, text) for text in said])
        recent = []
