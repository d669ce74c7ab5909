"""How the command line shows results: tables people can read (no figure ever cut, amounts
as filings print them), JSON and CSV with exact decimals, and a closed pipe that is no error.
`cli.py` parses options and calls the use cases; this module only renders."""

from __future__ import annotations

import csv
import os
import sys
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any

import msgspec
import typer
from rich.console import Console
from rich.table import Table

from projections.checks import UNITS

# a terminal's width, or COLUMNS where it is set; piped without COLUMNS, wide enough not to cut
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 200)
err = Console(stderr=True, soft_wrap=True)  # a message is one line, however long


class Format(str, Enum):
    table = "table"
    json = "json"


UNSURE = "Unsure findings: they may be the reader's, not the filing's"
UNSURE_CAPTION = (
    "The reader was unsure how it read a statement these rest on (structure chosen among several that foot, "
    "or rows not placed): each may be the reader's mistake, not the filing's. --strict does not fail on them."
)
EXPLAINED_CAPTION = "Differences between an 11-K and its Form 5500 that the 11-K's reconciliation note explains (note: its line): not findings."

TABLE_COLUMNS = {
    "Balances": ("plan", "year_end", "opening", "replayed", "reported", "difference", "reported_in"),
    "Findings": ("id", "plan", "check", "as_of", "subject", "expected", "actual", "difference", "source"),
    UNSURE: ("id", "plan", "check", "as_of", "subject", "expected", "actual", "difference", "source", "reading_reason"),
    "Explained differences": ("plan", "as_of", "subject", "per_statements", "per_form_5500", "difference", "note"),
    "Replay": ("year_end", "opening", "replayed", "reported", "difference"),
    "Components": ("component", "name", "amount"),
    "Import": ("document", "status", "plans", "fiscal_year_end", "events", "reason"),
    "Events": ("position", "type", "as_of", "amount", "label", "source"),
}

NUMERIC_COLUMNS = frozenset(
    {"id", "amount", "events", "filings", "position", "expected", "actual", "difference", "opening", "replayed", "reported",
     "per_statements", "per_form_5500"}
)

DATE_COLUMNS = frozenset({"as_of", "year_end", "fiscal_year_end", "known_at"})  # never folded either


MONEY_COLUMNS = frozenset({"amount", "expected", "actual", "difference", "opening", "replayed", "reported", "per_statements", "per_form_5500"})


@contextmanager
def closed_pipe_is_fine():
    """`planledger query ... | head -1`: a reader that had enough is not an error."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None


def emit(rows: list[dict[str, Any]], format: Format, title: str, caption: str | None = None) -> None:
    with closed_pipe_is_fine():
        _emit(rows, format, title, caption)


def _emit(rows: list[dict[str, Any]], format: Format, title: str, caption: str | None = None) -> None:
    if format is Format.json:
        emit_json(rows)
        return
    if not rows:
        out.print(f"[dim]no {title.lower()}[/dim]")
        return
    columns = TABLE_COLUMNS.get(title) or tuple(rows[0])
    cells = [[cell(row, column) for column in columns] for row in rows]
    out.print(readable_table(columns, cells, title=title, caption=caption, numeric=NUMERIC_COLUMNS | DATE_COLUMNS))


def readable_table(columns, cells: list[list[str]], *, numeric=frozenset(), **options) -> Table:
    """Figures are never cut: their columns keep their full width; words fold to fit."""
    table = Table(show_lines=False, **options)
    for k, column in enumerate(columns):
        if column in numeric:
            width = max([len(column), *(len(row[k]) for row in cells)])
            justify = "left" if column in DATE_COLUMNS else "right"
            table.add_column(column, justify=justify, no_wrap=True, min_width=width)
        else:
            table.add_column(column, overflow="fold")
    for row in cells:
        table.add_row(*row)
    return table


def cell(row: dict[str, Any], column: str) -> str:
    if column == "source" and "sources" in row:
        cited = [f"{Path(s['document']).name}:{s['line']}" for s in row["sources"] if s.get("line")]
        more = f" (+{len(cited) - 2} lines)" if len(cited) > 2 else ""
        return ", ".join(cited[:2]) + more
    if column == "source":
        p = row["provenance"]
        return f"{p['section']}:{p['line']}"
    if column == "reason" and row.get("line"):
        return f"line {row['line']}: {row['reason']}"
    if column == "label":
        return str(row.get("label") or row.get("investment") or row.get("name") or row.get("source") or "")
    value = row.get(column, "")
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if column in MONEY_COLUMNS and value not in (None, ""):
        return percent(value) if UNITS.get(row.get("check")) == "percent" else money(value)
    return "" if value is None else str(value)


def money(value: Any) -> str:
    """Thousands separated, whole dollars unless there are cents: as filings print them."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    whole = amount == amount.to_integral_value()
    return f"{amount:,.0f}" if whole else f"{amount:,.2f}"


def percent(value: Any) -> str:
    try:
        return f"{Decimal(str(value)).normalize():f}%"
    except InvalidOperation:
        return str(value)


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def plain(line: str) -> None:
    """A line printed as is: hashes whole, and no markup read into the details."""
    out.print(line, markup=False, highlight=False)


def notice(line: str) -> None:
    """A one-line notice on stderr, printed as is."""
    err.print(line, markup=False, highlight=False, soft_wrap=True)


def write_rows(rows: list[dict[str, Any]], columns: list[str], format: QueryFormat, raw: bool = False) -> None:
    with closed_pipe_is_fine():
        _write_rows(rows, columns, format, raw)


def _write_rows(rows: list[dict[str, Any]], columns: list[str], format: QueryFormat, raw: bool) -> None:
    if format is QueryFormat.json:
        emit_json([{k: exact_deep(v) for k, v in row.items()} for row in rows])
    elif format is QueryFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[csv_cell(v) for v in row.values()] for row in rows])
    else:
        numeric = {c for c in columns if any(isinstance(row[c], (int, float, Decimal)) for row in rows)}
        cells = [[money(v) if isinstance(v, Decimal) and not raw else csv_cell(v) for v in row.values()] for row in rows]
        out.print(readable_table(columns, cells, numeric=numeric))


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict)):
        return msgspec.json.encode(exact_deep(value)).decode()
    return str(exact_deep(value))


def exact_deep(value: Any) -> Any:
    from projections.audit import exact

    if isinstance(value, dict):
        return {k: exact_deep(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [exact_deep(v) for v in value]
    return exact(value)


def emit_json(value: Any) -> None:
    sys.stdout.buffer.write(msgspec.json.format(msgspec.json.encode(value), indent=2) + b"\n")
