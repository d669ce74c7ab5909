"""How a filing was read, row by row, so an auditor can check the reading itself: each row's
role (heading, item, total), the event it became, and what a total adds up and whether it foots."""

from __future__ import annotations

import msgspec

from ledger import events as ev
from ledger.batch import FilingBatch, Rejected, Skipped

from importers.filing import read_document
from importers.statements import Read


class ExplainedRow(msgspec.Struct, frozen=True):
    line: int
    where: str  # a finer locator where the format has one: "table 3, row 7", "page 2, line 14"
    caption: str
    figures: list[str]
    role: str  # heading | item | total
    event: str
    detail: str


class ExplainedStatement(msgspec.Struct, frozen=True):
    plan: str
    statement: str  # net_assets | changes
    line: int  # of its title
    readings: list[str]  # per column: "2000: footed, 4 totals"
    unplaced: list[str]
    rows: list[ExplainedRow]


class Explanation(msgspec.Struct, frozen=True):
    document: str
    status: str  # imported | skipped | rejected (what import would do)
    reason: str = ""
    line: int | None = None
    statements: list[ExplainedStatement] = []


def explain_document(name: str, data: bytes) -> Explanation:
    result, readings = read_document(name, data)
    if isinstance(result, Rejected):
        return Explanation(name, "rejected", result.reason, result.line)
    if isinstance(result, Skipped):
        return Explanation(name, "skipped", result.reason)
    assert isinstance(result, FilingBatch)
    statements = [
        _statement(reading.plan, section, read)
        for reading in readings
        for section, read in (("net_assets", reading.net_assets), ("changes", reading.changes))
    ]
    return Explanation(name, "imported", statements=statements)


def _statement(plan: str, section: str, read: Read) -> ExplainedStatement:
    summaries = [e for e in read.events if isinstance(e, ev.StatementRead)]
    rows = [
        ExplainedRow(
            r.row.source.line,
            r.row.source.where,
            r.row.caption,
            [f.raw for f in r.row.figures if f is not None],
            r.role,
            r.event,
            r.detail,
        )
        for r in read.rows
    ]
    return ExplainedStatement(
        plan=plan,
        statement=section,
        line=summaries[0].provenance.line if summaries else 0,
        readings=[_summary(s) for s in summaries],
        unplaced=list(summaries[0].unplaced) if summaries else [],
        rows=rows,
    )


def _summary(s: ev.StatementRead) -> str:
    column = s.column or str(s.as_of)
    text = f"{column}: {s.reading.replace('_', ' ')}, {s.totals} totals"
    if s.failing:
        text += f", {s.failing} not the sum of their items"
    if s.alternatives > 1:
        text += f", {s.alternatives} structures foot equally"
    return text
