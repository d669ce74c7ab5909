"""The audit: the identities of DOMAIN.md checked over the projections.

The arithmetic checks are SQL macros (`audit.sql`) so DuckDB runs them over every plan at once;
the ones that need judgement run here: the forfeiture account (approximate figures), deemed-loan
interest (several conventions), and Schedule H lines that only failed to link by name.

A finding is `unsure` when a line it rests on sits in a statement column the importer read by
choice among structures that foot alike, or with rows it could not place: the disagreement may be
the reader's, not the filing's. Such findings are kept and shown apart from the `firm` ones.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import duckdb
import pyarrow as pa

from projections.checks import FUNCTIONS, ORDER, SQL_MACROS
from ledger.audit_rules import fitting_interest_reading, nearest_interest_reading, printed_range

EVERYTHING = date(9999, 12, 31)

@dataclass
class Finding:
    """Figures that truly disagree: which check, where, by how much, and the lines involved."""

    check: str
    plan_id: UUID
    as_of: date
    subject: str
    expected: Decimal | None
    actual: Decimal | None
    detail: str
    sources: list[dict[str, Any]]
    unit: str = "dollars"
    reading: str = "firm"  # or "unsure": see `reading_reason`
    reading_reason: str = ""

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        """The inverse of `to_dict`: figures come back as the same exact decimals."""
        return cls(
            check=d["check"], plan_id=UUID(d["plan_id"]), as_of=date.fromisoformat(d["as_of"]), subject=d["subject"],
            expected=decimal_or_none(d["expected"]), actual=decimal_or_none(d["actual"]), detail=d["detail"],
            sources=[{k: decimal_or_none(v) if k == "amount" else v for k, v in s.items()} for s in d["sources"]],
            unit=d["unit"], reading=d["reading"], reading_reason=d["reading_reason"],
        )

    @property
    def difference(self) -> Decimal | None:
        if self.expected is None or self.actual is None:
            return None
        return self.actual - self.expected

    @property
    def filings(self) -> list[str]:
        return sorted({s["document"] for s in self.sources if s.get("document")})

    def key(self) -> tuple:
        return (str(self.plan_id), self.as_of, ORDER.get(self.check, 99), self.subject)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "plan_id": str(self.plan_id),
            "as_of": self.as_of.isoformat(),
            "subject": self.subject,
            "expected": exact(self.expected),
            "actual": exact(self.actual),
            "difference": exact(self.difference),
            "unit": self.unit,
            "filings": self.filings,
            "sources": [{k: exact(v) for k, v in s.items()} for s in self.sources],
            "detail": self.detail,
            "reading": self.reading,
            "reading_reason": self.reading_reason,
        }


@dataclass
class AuditReport:
    balances: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    explained: list[dict[str, Any]] = field(default_factory=list)  # differences a reconciliation note explains: not findings


def exact(value: Any) -> Any:
    """Decimals as exact strings (never floats), dates as ISO strings."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, UUID)):
        return str(value)
    return value


def decimal_or_none(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def audit(
    connection: duckdb.DuckDBPyConnection,
    *,
    known_at: date | None = None,
    plan_ids: list[UUID] | None = None,
    year: int | None = None,
) -> AuditReport:
    """Every check over every plan-year (or those asked for), with the year ends' balances."""
    options = {"known_at": known_at, "plan_ids": plan_ids, "year": year}
    return AuditReport(
        balances=balances(connection, **options), findings=findings(connection, **options), explained=explained(connection, **options)
    )


def explained(
    connection: duckdb.DuckDBPyConnection,
    *,
    known_at: date | None = None,
    plan_ids: list[UUID] | None = None,
    year: int | None = None,
) -> list[dict[str, Any]]:
    """Differences between an 11-K and its Form 5500 that the 11-K's reconciliation note explains,
    each with the note's line, the 11-K's lines and the Form 5500's cell."""
    wanted = Scope(plan_ids, year)
    rows = [
        row
        for row in records(connection, "SELECT * FROM explained_differences_known($k) ORDER BY plan_id, as_of, subject",
                           {"k": known_at or EVERYTHING})
        if wanted(row["plan_id"], row["as_of"])
    ]
    lines = source_lines(connection, {i for row in rows for i in [row["note_id"], *row["statement_ids"]] if i is not None})
    return [
        {
            "plan_id": str(row["plan_id"]),
            "as_of": row["as_of"].isoformat(),
            "subject": row["subject"],
            "per_statements": exact(row["per_statements"]),
            "per_form_5500": exact(row["per_form_5500"]),
            "difference": exact(row["difference"]),
            "note": f"{row['note_document']}:{row['note_line']}",
            "note_label": row["note_label"],
            "sources": [
                {k: exact(v) for k, v in s.items()}
                for s in [lines.get(row["note_id"]), *(lines.get(i) for i in row["statement_ids"]), row["form_source"]]
                if s
            ],
        }
        for row in rows
    ]


def balances(
    connection: duckdb.DuckDBPyConnection,
    *,
    known_at: date | None = None,
    plan_ids: list[UUID] | None = None,
    year: int | None = None,
) -> list[dict[str, Any]]:
    """Each year end's net assets as reported and as replayed, with the year's flows."""
    wanted = Scope(plan_ids, year)
    rows = records(connection, "SELECT * FROM net_assets_known($k) ORDER BY plan_id, year_end", {"k": known_at or EVERYTHING})
    return [balance_row(row) for row in rows if wanted(row["plan_id"], row["year_end"])]


def findings(
    connection: duckdb.DuckDBPyConnection,
    *,
    known_at: date | None = None,
    plan_ids: list[UUID] | None = None,
    year: int | None = None,
) -> list[Finding]:
    """Every finding of everything known is computed once, when the projections catch up, and
    read back from the `findings` table; an audit as known on an earlier date computes its own."""
    wanted = Scope(plan_ids, year)
    stored = stored_findings(connection) if known_at is None else None
    if stored is not None:
        return [f for f in stored if wanted(f.plan_id, f.as_of)]
    return [f for f in compute_findings(connection, known_at) if wanted(f.plan_id, f.as_of)]


def stored_findings(connection: duckdb.DuckDBPyConnection) -> list[Finding] | None:
    """The findings the last catch-up computed, exactly; None when they lag behind the events."""
    positions = dict(connection.execute("SELECT application_name, notification_id FROM tracking").fetchall())
    if positions.get("findings", 0) < positions.get("events", 0):
        return None
    rows = connection.execute("SELECT exact FROM findings").fetchall()
    return sorted((Finding.from_dict(json.loads(exact)) for (exact,) in rows), key=Finding.key)


def compute_findings(connection: duckdb.DuckDBPyConnection, known_at: date | None = None) -> list[Finding]:
    """The SQL checks over every plan at once, then the ones needing judgement."""
    k = known_at or EVERYTHING
    wanted = Scope(None, None)
    rows = [
        row
        for macro in SQL_MACROS
        for row in records(connection, f"SELECT * FROM {macro}($k) ORDER BY plan_id, as_of", {"k": k})
        if wanted(row["plan_id"], row["as_of"])
    ]
    ids = {i for row in rows for i in row["source_ids"] if i is not None}
    lines, unsure = source_lines(connection, ids), unsure_readings(connection, ids)
    found = pair_unlinked_schedule_h([sql_finding(row, lines, unsure) for row in rows])
    for name in FUNCTIONS:
        found += [f for f in JUDGED[name](connection, k) if wanted(f.plan_id, f.as_of)]
    return sorted(found, key=Finding.key)


def source_lines(connection: duckdb.DuckDBPyConnection, ids: set[int]) -> dict[int, dict[str, Any]]:
    """The lines behind the failing checks, fetched whole: where they are and what they say."""
    if not ids:
        return {}
    rows = records(
        connection,
        "SELECT notification_id, document, section, line, column_label AS column, text, amount FROM events "
        "WHERE notification_id IN (SELECT unnest($ids))",
        {"ids": sorted(ids)},
    )
    return {row.pop("notification_id"): row for row in rows}


UNSURE_READINGS = """
    WITH lines AS (
        SELECT notification_id, plan_id, filing_id, section, as_of FROM events WHERE notification_id IN (SELECT unnest($ids))
    )
    SELECT l.notification_id, r.document, r.statement, r.column_label, r.reading, r.alternatives, r.unplaced
    FROM lines l
    JOIN readings r ON r.plan_id = l.plan_id AND r.filing_id = l.filing_id AND r.statement = l.section
         AND r.column_date = l.as_of
    WHERE r.unsure
"""


@dataclass(frozen=True)
class UnsureReading:
    """A statement column the reader was not sure of: why, and which one."""

    where: str  # document, statement, column
    reason: str


def unsure_readings(connection: duckdb.DuckDBPyConnection, ids: set[int]) -> dict[int, UnsureReading]:
    """For the lines behind the findings: the unsure reading of the column each sits in (its
    filing's StatementRead of the same statement and date), where there is one."""
    if not ids:
        return {}
    found = {}
    for row in records(connection, UNSURE_READINGS, {"ids": sorted(ids)}):
        reasons = []
        if row["reading"] == "chosen":
            reasons.append(f"read by choice among {row['alternatives']} structures")
        if row["unplaced"]:
            reasons.append("rows not placed: " + ", ".join(row["unplaced"]))
        where = f"{row['document']} {row['statement']} {row['column_label']}"
        found[row["notification_id"]] = UnsureReading(where, "; ".join(reasons))
    return found


def reading_of(readings: list[UnsureReading]) -> tuple[str, str]:
    """A finding's reading and its reason; with several unsure columns, each is named."""
    distinct = list(dict.fromkeys(readings))
    if not distinct:
        return "firm", ""
    if len(distinct) == 1:
        return "unsure", distinct[0].reason
    return "unsure", "; ".join(f"{r.where}: {r.reason}" for r in distinct)


@dataclass
class Scope:
    plan_ids: list[UUID] | None
    year: int | None

    def __call__(self, plan_id: UUID, as_of: date) -> bool:
        return (self.plan_ids is None or plan_id in self.plan_ids) and (self.year is None or as_of.year == self.year)


def records(connection: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    cursor = connection.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def sql_finding(row: dict[str, Any], lines: dict[int, dict[str, Any]], unsure: dict[int, UnsureReading]) -> Finding:
    unit = "percent" if row["check"] == "loan_rates" else "dollars"
    reading, reason = reading_of([unsure[i] for i in row["source_ids"] if i in unsure])
    return Finding(
        check=row["check"],
        plan_id=row["plan_id"],
        as_of=row["as_of"],
        subject=row["subject"],
        expected=row["expected"],
        actual=row["actual"],
        detail=row["detail"],
        sources=[dict(lines[i]) for i in row["source_ids"] if i is not None] + [dict(s) for s in row.get("sources") or ()],
        unit=unit,
        reading=reading,
        reading_reason=reason,
    )


def balance_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "plan_id": str(row["plan_id"]),
        "year_end": row["year_end"].isoformat(),
        "reported": exact(row["reported_last"]),
        "reported_first": exact(row["reported_first"]),
        "opening": exact(row["opening"]),
        "replayed": exact(row["replayed"]),
        "difference": exact(row["difference"]),
        "contributions_participant": exact(row["contributions_participant"]),
        "contributions_employer": exact(row["contributions_employer"]),
        "contributions_rollover": exact(row["contributions_rollover"]),
        "contributions_other": exact(row["contributions_other"]),
        "interest_and_dividends": exact(row["interest_and_dividends"]),
        "net_appreciation": exact(row["net_appreciation"]),
        "other_additions": exact(row["other_additions"]),
        "benefits_paid": exact(row["benefits_paid"]),
        "other_deductions": exact(row["other_deductions"]),
        "reported_in": row["reported_in"],
        "flows_in": row["flows_in"],
    }


def pair_unlinked_schedule_h(findings: list[Finding]) -> list[Finding]:
    """A Schedule H line and a statement line of equal value that failed to link by name
    are the same investment: drop both "missing" findings."""
    missing: dict[tuple, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.check == "schedule_h" and (f.expected == 0 or f.actual == 0):
            missing[(f.plan_id, f.as_of, f.expected or f.actual)].append(f)
    dropped: set[int] = set()
    for group in missing.values():
        in_statement = [f for f in group if f.actual == 0]
        in_schedule = [f for f in group if f.expected == 0]
        for a, b in zip(in_statement, in_schedule, strict=False):
            dropped |= {id(a), id(b)}
    return [f for f in findings if id(f) not in dropped]


def forfeiture_findings(connection: duckdb.DuckDBPyConnection, k: date) -> list[Finding]:
    """The forfeiture account rolls forward with newly forfeited amounts that cannot be negative:
    a finding only when even the most favourable reading of approximate figures needs them to be."""
    findings = []
    # A finding needs closing - opening + used < 0 even at face value: no wider reading is more favourable.
    rows = records(
        connection,
        "SELECT * FROM forfeitures_known($k) WHERE implied_newly_forfeited < 0 ORDER BY plan_id, year_end",
        {"k": k},
    )
    for row in rows:
        if row["opening"] is None or row["closing"] is None or row["used"] is None:
            continue
        _, closing_high = printed_range(row["closing"], bool(row["closing_approximate"]))
        opening_low, _ = printed_range(row["opening"], bool(row["opening_approximate"]))
        _, used_high = printed_range(row["used"], bool(row["used_approximate"]))
        if closing_high - opening_low + used_high >= 0:
            continue
        findings.append(
            Finding(
                check="forfeitures",
                plan_id=row["plan_id"],
                as_of=row["year_end"],
                subject="forfeiture_account",
                expected=row["opening"] - row["used"],
                actual=row["closing"],
                detail="the forfeiture account ends above what the opening balance less the amount used allows",
                sources=[
                    {"document": s.rsplit(":", 1)[0], "line": int(s.rsplit(":", 1)[1]), "section": "notes"}
                    for s in (row["opening_source"], row["used_source"], row["closing_source"])
                    if s
                ],
            )
        )
    return findings


DEEMED_LOANS = """
    SELECT r.plan_id, r.as_of, r.amount AS principal, r.kind AS loan,
           TRY_CAST(r.attributes ->> 'interest' AS DECIMAL(18, 2)) AS interest,
           coalesce(TRY_CAST(r.attributes ->> 'rate' AS DECIMAL(9, 4)), TRY_CAST(m.attributes ->> 'rate' AS DECIMAL(9, 4))) AS rate,
           coalesce(TRY_CAST(r.attributes ->> 'start_date' AS DATE), m.as_of) AS start_date,
           r.source, m.source AS made_source
    FROM figures_known($k) r
    LEFT JOIN figures_known($k) m ON m.plan_id = r.plan_id AND m.type = 'DeemedLoanMade' AND m.kind = r.kind
    WHERE r.type = 'DeemedLoanRepaid'
"""


def deemed_loan_findings(connection: duckdb.DuckDBPyConnection, k: date) -> list[Finding]:
    """Interest on a deemed loan recomputed from principal, rate and dates under every standard
    convention (simple or compounded, four day counts) and the rate as precisely as printed."""
    findings = []
    for row in records(connection, DEEMED_LOANS, {"k": k}):
        if None in (row["interest"], row["rate"], row["start_date"], row["principal"]):
            continue
        args = (row["principal"], Decimal(row["rate"]).normalize(), row["start_date"], row["as_of"], row["interest"])
        if fitting_interest_reading(*args):
            continue
        nearest = nearest_interest_reading(*args)
        expected = ((nearest.low + nearest.high) / 2).quantize(Decimal(1))
        findings.append(
            Finding(
                check="deemed_loan_interest",
                plan_id=row["plan_id"],
                as_of=row["as_of"],
                subject=f"deemed_loan:{row['loan']}",
                expected=expected,
                actual=row["interest"],
                detail=f"no standard convention gives the interest printed; nearest: {nearest}",
                sources=[dict(s) for s in (row["source"], row["made_source"]) if s],
            )
        )
    return findings


FINDINGS_SCHEMA = pa.schema(
    [
        ("check", pa.string()),
        ("plan_id", pa.string()),
        ("as_of", pa.date32()),
        ("subject", pa.string()),
        ("expected", pa.decimal128(18, 4)),
        ("actual", pa.decimal128(18, 4)),
        ("difference", pa.decimal128(18, 4)),
        ("unit", pa.string()),
        ("filings", pa.list_(pa.string())),
        ("sources", pa.string()),
        ("detail", pa.string()),
        ("reading", pa.string()),
        ("reading_reason", pa.string()),
        ("exact", pa.string()),
    ]
)


JUDGED = {f.__name__: f for f in (forfeiture_findings, deemed_loan_findings)}
"""The checks that need judgement (rounded figures, interest conventions), by the name
`projections.checks` declares them under."""


def findings_table(findings: list[Finding]) -> pa.Table:
    rows = [f.to_dict() for f in findings]
    return pa.table(
        {
            "check": [f.check for f in findings],
            "plan_id": [str(f.plan_id) for f in findings],
            "as_of": [f.as_of for f in findings],
            "subject": [f.subject for f in findings],
            "expected": [f.expected for f in findings],
            "actual": [f.actual for f in findings],
            "difference": [f.difference for f in findings],
            "unit": [f.unit for f in findings],
            "filings": [f.filings for f in findings],
            "sources": [json.dumps(r["sources"]) for r in rows],
            "detail": [f.detail for f in findings],
            "reading": [f.reading for f in findings],
            "reading_reason": [f.reading_reason for f in findings],
            "exact": [json.dumps(r) for r in rows],
        },
        schema=FINDINGS_SCHEMA,
    )


def audited_positions(connection: duckdb.DuckDBPyConnection, plan_ids: list[UUID] | None = None) -> dict[UUID, int]:
    """Each plan's last position the projections hold: the chain head the audit saw."""
    rows = connection.execute("SELECT plan_id, max(position) FROM events GROUP BY plan_id ORDER BY plan_id").fetchall()
    return {plan_id: last for plan_id, last in rows if plan_ids is None or plan_id in plan_ids}
