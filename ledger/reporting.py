"""The report's use case: gather, per plan, what `planledger report` shows.

Everything comes from the projections (caught up first, then opened read-only) and the audit
(`projections.audit.audit`): balances, findings, holdings and readings; the chain heads come from
the event store as `planledger audit` prints them. The printed lines a finding rests on are shown
in context, read from the document named in the event's provenance when it is still there and
still holds that line; otherwise the line as stored in the event stands alone.
Rendering is `ledger.report_html`'s job; this module returns plain data, money as `Decimal`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from ledger.application import Ledger
from ledger.verify import chain_head
from projections import runner
from projections.audit import EVERYTHING, Finding, audit, audited_positions, records

CONTEXT = 3  # lines shown either side of a cited line

FLOWS = (
    ("contributions_participant", "Contributions: participants"),
    ("contributions_employer", "Contributions: employer"),
    ("contributions_rollover", "Contributions: rollovers"),
    ("contributions_other", "Contributions: other"),
    ("interest_and_dividends", "Interest and dividends"),
    ("net_appreciation", "Net appreciation (depreciation)"),
    ("other_additions", "Other additions and transfers in"),
    ("benefits_paid", "Benefits paid"),
    ("other_deductions", "Expenses, other deductions and transfers out"),
)
DEDUCTIONS = frozenset({"benefits_paid", "other_deductions"})


@dataclass
class Balance:
    """One year end: net assets as reported and as replayed, and the year's flows (signed as they
    move net assets: deductions negative)."""

    year_end: date
    reported: Decimal | None
    replayed: Decimal | None
    opening: Decimal | None
    difference: Decimal | None
    flows: list[tuple[str, Decimal]]
    reported_in: str | None


@dataclass
class CitedLine:
    """A printed line a finding rests on, with the lines around it when the document is at hand."""

    document: str
    line: int | None
    section: str | None
    column: str | None
    text: str | None
    amount: Decimal | None
    context: list[tuple[int, str]] = field(default_factory=list)  # (line number, text), the cited one among them
    from_file: bool = False


@dataclass
class ReportFinding:
    finding: Finding
    lines: list[CitedLine]


@dataclass
class Holding:
    investment: str
    name: str
    category: str | None
    values: dict[date, Decimal]


@dataclass
class PlanReport:
    plan_id: UUID
    name: str
    sponsor: str | None
    ein: str | None
    plan_number: str | None
    balances: list[Balance]
    holdings: list[Holding]
    findings: list[ReportFinding]
    readings: list[dict[str, Any]]
    events: int
    chain_head: str

    @property
    def year_ends(self) -> list[date]:
        return sorted({d for h in self.holdings for d in h.values} | {b.year_end for b in self.balances})


@dataclass
class Report:
    plans: list[PlanReport]
    known_at: date | None


def gather(ledger: Ledger, home: Path, plan_ids: list[UUID] | None = None, known_at: date | None = None) -> Report:
    """Catch the projections up, then read every plan's figures, findings and readings."""
    runner.catch_up(ledger, home)
    k = known_at or EVERYTHING
    with runner.read_only(home) as connection:
        audited = audit(connection, known_at=known_at, plan_ids=plan_ids)
        positions = audited_positions(connection, plan_ids)
        plans = records(connection, "SELECT * FROM plans_known($k) ORDER BY name, plan_id", {"k": k})
        holdings = records(
            connection,
            "SELECT plan_id, investment, year_end, name, category, value FROM holdings_known($k) ORDER BY plan_id, investment, year_end",
            {"k": k},
        )
        readings = records(
            connection,
            "SELECT * FROM readings_known($k) ORDER BY plan_id, unsure DESC, column_date, document, statement",
            {"k": k},
        )
    documents = Documents()
    reports = []
    for plan in plans:
        pid = plan["plan_id"]
        if plan_ids is not None and pid not in plan_ids:
            continue
        events = positions.get(pid, 0)
        reports.append(
            PlanReport(
                plan_id=pid,
                name=plan["name"] or str(pid),
                sponsor=plan.get("sponsor"),
                ein=plan.get("ein"),
                plan_number=plan.get("plan_number"),
                balances=[balance(b) for b in audited.balances if b["plan_id"] == str(pid)],
                holdings=plan_holdings([h for h in holdings if h["plan_id"] == pid]),
                findings=[ReportFinding(f, [cited(s, documents) for s in f.sources]) for f in audited.findings if f.plan_id == pid],
                readings=[r for r in readings if r["plan_id"] == pid],
                events=events,
                chain_head=chain_head(ledger, pid, events) if events else "",
            )
        )
    return Report(plans=reports, known_at=known_at)


def decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def balance(row: dict[str, Any]) -> Balance:
    flows = []
    for key, label in FLOWS:
        amount = decimal(row.get(key))
        if amount is None:
            continue
        flows.append((label, -amount if key in DEDUCTIONS else amount))
    return Balance(
        year_end=date.fromisoformat(row["year_end"]),
        reported=decimal(row["reported"]),
        replayed=decimal(row["replayed"]),
        opening=decimal(row["opening"]),
        difference=decimal(row["difference"]),
        flows=flows,
        reported_in=row.get("reported_in"),
    )


def plan_holdings(rows: list[dict[str, Any]]) -> list[Holding]:
    found: dict[str, Holding] = {}
    for row in rows:
        holding = found.setdefault(row["investment"], Holding(row["investment"], row["name"] or row["investment"], row["category"], {}))
        if row["value"] is not None:
            holding.values[row["year_end"]] = row["value"]
            holding.name = row["name"] or holding.name  # the latest name printed
    return sorted(found.values(), key=lambda h: (-max(h.values.values(), default=Decimal(0)), h.name))


class Documents:
    """Documents' lines, read once each, for the context around cited lines."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str] | None] = {}

    def lines(self, document: str) -> list[str] | None:
        if document not in self._lines:
            self._lines[document] = read_lines(document)
        return self._lines[document]


def read_lines(document: str) -> list[str] | None:
    """The document's lines as printed, when it is still a readable text file at that path."""
    from importers.errors import ParseError
    from importers.text import MAX_BYTES, decode

    path = Path(document)
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if data.lstrip()[:4] == b"%PDF":
        return None  # a PDF's lines are its text layer's, not the file's
    try:
        return [line.raw for line in decode(data)]
    except ParseError:
        return None


def cited(source: dict[str, Any], documents: Documents) -> CitedLine:
    line = source.get("line")
    text = source.get("text")
    found = CitedLine(
        document=str(source.get("document") or ""),
        line=line,
        section=source.get("section"),
        column=source.get("column"),
        text=text,
        amount=decimal(source.get("amount")),
    )
    lines = documents.lines(found.document) if found.document and line else None
    if lines and 1 <= line <= len(lines) and same_line(lines[line - 1], text):
        first, last = max(1, line - CONTEXT), min(len(lines), line + CONTEXT)
        found.context = [(n, lines[n - 1]) for n in range(first, last + 1)]
        found.from_file = True
    elif text:
        found.context = [(line or 0, text)]
    return found


def same_line(printed: str, stored: str | None) -> bool:
    """Is the file's line still the one the event stored? (An HTML or PDF filing's line numbers
    count the reader's lines, not the file's; a file changed since its import may have moved.)"""
    if stored is None:
        return True
    a, b = " ".join(printed.split()), " ".join(stored.split())
    return bool(b) and (a == b or b in a)
