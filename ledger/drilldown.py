"""Drill-down: from a document's line, or from a finding, to the printed lines and the events
read from them.

A line is shown in context (the lines around it), read from the document file when it is still
at the path the events record and its line still says what was recorded; otherwise from the line
texts the events stored (only lines that held a figure are known then).

Findings are numbered as `planledger audit --format json` lists them over everything known (or
as known on `--known-at`): firm findings first, then unsure ones, each in the audit's order (plan,
date, check, subject), from 1. `--plan` and `--year` only leave findings out; they keep their
numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from importers import MAX_BYTES
from importers.text import decode
from projections.audit import exact
from projections.audit import findings as audit_findings


class DrilldownError(ValueError):
    """A line or finding the ledger does not have: reported in one line."""


@dataclass
class Shown:
    """One line in its context, and the events read from it."""

    document: str
    line: int
    source: str  # "file": read from the document; "stored": the texts the events recorded
    context: list[dict[str, Any]] = field(default_factory=list)  # {"line", "text", "target"}
    events: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"document": self.document, "line": self.line, "source": self.source,
                "context": self.context, "events": self.events}


def parse_target(target: str) -> tuple[str, int]:
    """`DOC:LINE` split at its last colon."""
    doc, sep, line = target.rpartition(":")
    if not sep or not doc or not line.isdigit() or int(line) < 1:
        raise DrilldownError(f"{target!r} is not DOC:LINE (a document and a line number from 1)")
    return doc, int(line)


def documents(connection: duckdb.DuckDBPyConnection) -> list[str]:
    return [d for (d,) in connection.execute("SELECT DISTINCT document FROM events WHERE document IS NOT NULL ORDER BY 1").fetchall()]


def resolve_document(connection: duckdb.DuckDBPyConnection, doc: str) -> str:
    """The document as the events record it: its exact name, the same file by another path, or a
    basename (or a path's tail) naming only one document."""
    known = documents(connection)
    if doc in known:
        return doc
    wanted = Path(doc).resolve()
    same = [d for d in known if Path(d).resolve() == wanted]
    if len(same) == 1:
        return same[0]
    if "/" in doc:
        named = [d for d in known if d.endswith("/" + doc.lstrip("./"))]  # a path's tail: seeds/000.txt
    else:
        named = [d for d in known if Path(d).name == doc]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise DrilldownError(f"{doc!r} names {len(named)} documents ({', '.join(named)}); give its path")
    raise DrilldownError(f"no document {doc!r} in the ledger (see `planledger query \"SELECT DISTINCT document FROM events\"`)")


def stored_lines(connection: duckdb.DuckDBPyConnection, document: str) -> dict[int, str]:
    rows = connection.execute(
        "SELECT line, any_value(text ORDER BY notification_id) FROM events WHERE document = $d GROUP BY line", {"d": document}
    ).fetchall()
    return dict(rows)


def file_lines(document: str, stored: dict[int, str]) -> list[str] | None:
    """The document's lines, if the file is still at its path and says what the events recorded."""
    path = Path(document)
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        lines = [line.raw for line in decode(path.read_bytes())]
    except (OSError, ValueError):
        return None
    for no, text in stored.items():
        if no > len(lines) or text.strip() not in lines[no - 1]:
            return None  # changed since, or lines numbered by a reader (HTML, PDF); a CSV row holds its ACK_ID
    return lines


def events_at(connection: duckdb.DuckDBPyConnection, document: str, line: int) -> list[dict[str, Any]]:
    """The events read from the line; a Form 5500 row's figures one per cell (its DOL column)."""
    cursor = connection.execute(
        "SELECT notification_id, plan_id, position, type, as_of, amount, section, column_label AS column, label, item "
        "FROM events WHERE document = $d AND line = $l AND type <> 'Form5500Reported' "
        "UNION ALL "
        "SELECT f.notification_id, f.plan_id, e.position, 'Form5500Reported', f.as_of, f.amount, f.section, f.column_name, "
        "f.caption, f.form_line FROM form5500_figures f JOIN events e USING (notification_id) "
        "WHERE f.document = $d AND f.line = $l ORDER BY 1",
        {"d": document, "l": line},
    )
    names = [d[0] for d in cursor.description]
    return [{k: exact(v) for k, v in zip(names, row, strict=True)} for row in cursor.fetchall()]


def show_line(connection: duckdb.DuckDBPyConnection, doc: str, line: int, context: int = 3) -> Shown:
    document = resolve_document(connection, doc)
    stored = stored_lines(connection, document)
    lines = file_lines(document, stored)
    if lines is not None:
        if line > len(lines):
            raise DrilldownError(f"{document} has {len(lines)} lines; there is no line {line}")
        text_of = {no: lines[no - 1] for no in range(max(1, line - context), min(len(lines), line + context) + 1)}
        source = "file"
    else:
        if line not in stored:
            last = max(stored, default=0)
            where = f"of {last} known" if line > last else "held no figure"
            raise DrilldownError(f"{document} is not at its recorded path, and line {line} {where}: only lines with figures are stored")
        text_of = {no: stored[no] for no in range(line - context, line + context + 1) if no in stored}
        source = "stored"
    shown = Shown(document=document, line=line, source=source)
    shown.context = [{"line": no, "text": text, "target": no == line} for no, text in text_of.items()]
    shown.events = events_at(connection, document, line)
    return shown


def numbered_findings(connection: duckdb.DuckDBPyConnection, known_at: date | None = None) -> list[dict[str, Any]]:
    """Every finding as the audit's JSON lists it (firm, then unsure), with its number as `id`."""
    found = [f.to_dict() for f in audit_findings(connection, known_at=known_at)]
    ordered = [f for f in found if f["reading"] == "firm"] + [f for f in found if f["reading"] != "firm"]
    return [{"id": i, **f} for i, f in enumerate(ordered, start=1)]


def finding_key(finding: dict[str, Any]) -> tuple:
    return (finding["check"], finding["plan_id"], finding["as_of"], finding["subject"], finding["detail"])


def number(found: list[dict[str, Any]], connection: duckdb.DuckDBPyConnection, known_at: date | None, whole: bool) -> None:
    """Give each of an audit's findings (firm, then unsure) its `id`: its place in the whole
    audit's list. When the audit was whole (no --plan, no --year) that is its own place."""
    if whole:
        for i, f in enumerate(found, start=1):
            f["id"] = i
        return
    ids = {finding_key(f): f["id"] for f in numbered_findings(connection, known_at)}
    for f in found:
        f["id"] = ids.get(finding_key(f))


def show_finding(connection: duckdb.DuckDBPyConnection, n: int, known_at: date | None = None, context: int = 3) -> tuple[dict[str, Any], list[Shown]]:
    numbered = numbered_findings(connection, known_at)
    if not 1 <= n <= len(numbered):
        raise DrilldownError(f"no finding {n}: the audit has {len(numbered)} (numbered from 1, see `planledger audit --format json`)")
    finding = numbered[n - 1]
    cited = dict.fromkeys((s["document"], s["line"]) for s in finding["sources"] if s.get("document") and s.get("line"))
    return finding, [show_line(connection, doc, line, context) for doc, line in cited]
