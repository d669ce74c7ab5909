"""The `planledger` command line."""

from __future__ import annotations

import sys
from collections import Counter
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import msgspec
import typer
from eventsourcing.persistence import PersistenceError
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from ledger import events as ev
from ledger.application import Ledger
from ledger.importing import import_documents
from ledger.store import StoreConfigError, default_home

app = typer.Typer(
    help="An event-sourced ledger of Form 11-K plan filings.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True)


class Format(str, Enum):
    table = "table"
    json = "json"


class Settings(msgspec.Struct):
    home: Path
    store: str | None


HomeOption = Annotated[
    Path | None,
    typer.Option("--home", help="Where the ledger keeps its files [env PLANLEDGER_HOME; default ./.planledger]"),
]
StoreOption = Annotated[
    str | None,
    typer.Option("--store", help="postgresql://USER@HOST:PORT/DB for a shared store [env PLANLEDGER_STORE]"),
]
FormatOption = Annotated[Format, typer.Option("--format", help="table or json")]


@app.callback()
def configure(ctx: typer.Context, home: HomeOption = None, store: StoreOption = None) -> None:
    ctx.obj = Settings(home=home or default_home(), store=store)


class UserError(Exception):
    """A mistake the user can fix; reported in one line, without a traceback."""


@contextmanager
def open_ledger(ctx: typer.Context):
    settings: Settings = ctx.obj
    try:
        ledger = Ledger.open(settings.home, settings.store)
    except (StoreConfigError, PersistenceError, OSError) as e:
        raise UserError(f"cannot open the event store: {e}") from None
    try:
        yield ledger
    finally:
        ledger.close()


def plan_ids(ledger: Ledger, plan: str | None) -> list | None:
    if plan is None:
        return None
    found = ledger.find_plans(plan)
    if not found:
        raise UserError(f"no plan matches {plan!r} (try `planledger plans`)")
    return found


EVENT_TYPES = {cls.__name__.lower(): cls for cls in ev.PLAN_EVENT_TYPES}


def event_type(name: str) -> type[ev.PlanEvent]:
    cls = EVENT_TYPES.get(name.replace("_", "").lower())
    if cls is None:
        known = ", ".join(sorted(c.__name__ for c in ev.PLAN_EVENT_TYPES))
        raise UserError(f"unknown event type {name!r}; known types: {known}")
    return cls


@app.command("import")
def import_(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="filings, or folders of them (searched recursively)")],
    format: FormatOption = Format.table,
) -> None:
    """Import filings: each one is appended whole, or not at all."""
    from importers import iter_documents, parse_document

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UserError(f"no such file or folder: {', '.join(missing)}")
    documents = list(iter_documents(paths))
    with open_ledger(ctx) as ledger:
        reports = list(with_progress(import_documents(ledger, documents, parse_document), len(documents)))
    emit([msgspec.to_builtins(r) for r in reports], format, title="Import")
    counts = Counter(r.status for r in reports)
    err.print(", ".join(f"{counts[s]} {s}" for s in ("imported", "duplicate", "skipped", "rejected")))
    if counts["rejected"]:
        raise typer.Exit(1)


def with_progress(reports, total: int):
    """A progress bar on a terminal, when there are enough documents to wait for."""
    if total < 10 or not err.is_terminal:
        yield from reports
        return
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("importing", total=total)
        for report in reports:
            progress.advance(task)
            yield report


@app.command()
def plans(ctx: typer.Context, format: FormatOption = Format.table) -> None:
    """List the plans in the ledger."""
    with open_ledger(ctx) as ledger:
        rows = [
            {
                "plan_id": str(s.plan_id),
                "name": s.name,
                "sponsor": s.sponsor,
                "ein": s.ein,
                "plan_number": s.plan_number,
                "filings": s.filings,
                "year_ends": sorted(d.isoformat() for d in s.year_ends),
                "events": s.events,
            }
            for s in ledger.plans()
        ]
    emit(rows, format, title="Plans")


@app.command()
def events(
    ctx: typer.Context,
    plan: Annotated[str | None, typer.Option(help="plan id, EIN-plan number, or part of its name")] = None,
    type: Annotated[list[str] | None, typer.Option("--type", help="event type, e.g. HoldingReported (repeatable)")] = None,
    format: FormatOption = Format.table,
) -> None:
    """List stored plan events, with the filing line each came from."""
    types = [event_type(t) for t in type or []] or list(ev.PLAN_EVENT_TYPES)
    with open_ledger(ctx) as ledger:
        wanted = plan_ids(ledger, plan)
        if wanted is None:
            stream = (event for _, event in ledger.stored(types))
        else:
            stream = (e for pid in wanted for e in ledger.plan_events(pid) if isinstance(e, tuple(types)))
        rows = [event_row(e) for e in stream]
    emit(rows, format, title="Events")


def event_row(event: ev.PlanEvent) -> dict[str, Any]:
    fields = msgspec.to_builtins(event)
    return {
        "plan_id": fields.pop("originator_id"),
        "position": fields.pop("originator_version"),
        "type": type(event).__name__,
        **fields,
    }


TABLE_COLUMNS = {
    "Import": ("document", "status", "plans", "fiscal_year_end", "events", "reason"),
    "Events": ("position", "type", "as_of", "amount", "label", "source"),
}


def emit(rows: list[dict[str, Any]], format: Format, title: str) -> None:
    if format is Format.json:
        sys.stdout.buffer.write(msgspec.json.format(msgspec.json.encode(rows), indent=2) + b"\n")
        return
    if not rows:
        out.print(f"[dim]no {title.lower()}[/dim]")
        return
    columns = TABLE_COLUMNS.get(title) or tuple(rows[0])
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, justify="right" if column in ("amount", "events", "filings", "position") else "left")
    for row in rows:
        table.add_row(*(cell(row, column) for column in columns))
    out.print(table)


def cell(row: dict[str, Any], column: str) -> str:
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
    return "" if value is None else str(value)


def main() -> None:
    try:
        app()
    except UserError as e:
        err.print(f"[red]error:[/red] {e}")
        raise SystemExit(2) from None
