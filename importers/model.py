"""The printed filing without its format: what every reader produces and all meaning reads.

A reader (plain text, HTML, PDF...) turns a document's bytes into a `Document`: titles and
prose as `Text`, figures as `Table`s of `Row`s whose cells follow the table's columns. Nothing
here knows characters positions, tags or pages: the statements, notes, schedules and cover are
read from this model alone, so a new format is one new reader.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import msgspec


class Source(msgspec.Struct, frozen=True):
    """Where something was printed, so a person can find it: the document's line (for HTML, the
    line of the source the row starts on), the text as printed there, and a finer locator."""

    line: int
    text: str
    where: str = ""  # "table 3, row 7", "page 2"; empty where the line says it all


class Fact(msgspec.Struct, frozen=True):
    """An inline XBRL fact tagging a printed figure, as tagged: kept beside the figure, never
    instead of it, so what the filer tagged can be weighed against what it printed."""

    concept: str  # "us-gaap-ebp:EmployeeBenefitPlanInvestmentFairValue"
    value: Decimal | None  # the tagged number with its scale and sign applied; None if unreadable
    tagged: str  # the tagged text as displayed: "1,234"
    context: str = ""
    start: date | None = None  # a duration's first day; None for an instant
    end: date | None = None  # the instant, or a duration's last day
    entity: str = ""  # the dei:LegalEntityAxis member ("EBP 001"): which plan
    scale: int = 0
    sign: str = ""  # "-" where the fact is negative
    format: str = ""  # "ixt:num-dot-decimal"


class Figure(msgspec.Struct, frozen=True):
    value: Decimal
    raw: str  # as printed: "$(1,234)", "--"
    fact: Fact | None = None  # the inline XBRL fact tagging it, where one does


class Row(msgspec.Struct, frozen=True):
    """One row of a table: a cell for each of the table's columns ("" where nothing is printed)."""

    cells: tuple[str, ...]
    figures: tuple[Figure | None, ...]  # the figure read in each cell, None for words or nothing
    source: Source
    indent: int = 0  # the first cell's indentation, in levels (0: flush left)
    rule_above: bool = False  # a rule drawn over this row's figures: it totals what is above
    after_gap: bool = False  # set apart from the row above (a blank line, a rule): a new entry
    problem: str = ""  # what the reader could not read on this row ("unreadable amount '3O0'")

    @property
    def caption(self) -> str:
        return self.cells[0] if self.cells else ""

    @property
    def has_figures(self) -> bool:
        return any(f is not None for f in self.figures)


class Table(msgspec.Struct, frozen=True):
    headings: tuple[str, ...]  # one per column, its heading lines joined; "" where none
    rows: tuple[Row, ...]
    source: Source  # where the table starts
    header: tuple[str, ...] = ()  # the heading lines as printed, such as "(In thousands)" over the years


class Text(msgspec.Struct, frozen=True):
    """A line of prose or a title."""

    text: str
    source: Source
    page_break: bool = False  # a new page starts here


Block = Text | Table


class HeaderFact(msgspec.Struct, frozen=True):
    """A fact a submission's envelope states about the filing ("ACCESSION NUMBER")."""

    name: str  # company | form | period | filed | accession
    value: str
    source: Source


class Document(msgspec.Struct, frozen=True):
    name: str
    blocks: tuple[Block, ...]
    facts: tuple[HeaderFact, ...] = ()

    def fact(self, name: str) -> HeaderFact | None:
        return next((f for f in self.facts if f.name == name), None)

    def texts(self) -> Iterator[Text]:
        """Every line in reading order as text, table rows included (cells joined): what the
        cover and the notes read."""
        for block in self.blocks:
            if isinstance(block, Text):
                yield block
            else:
                for row in block.rows:
                    yield Text("  ".join(c for c in row.cells if c), row.source)
