"""The `planledger` command line."""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from contextlib import contextmanager
from itertools import chain
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import duckdb
import msgspec
import typer
from eventsourcing.persistence import PersistenceError
from rich.progress import Progress
from rich.table import Table

from ledger import events as ev
from ledger.application import Ledger
from ledger.importing import import_documents
from ledger.parsing import available_cores
from ledger.render import (
    cell,
    emit,
    emit_json,
    err,
    Format,
    money,
    notice,
    out,
    plain,
    QueryFormat,
    UNSURE,
    UNSURE_CAPTION,
    EXPLAINED_CAPTION,
    write_rows,
)
from ledger.receipts import ReceiptError, issue, max_notification_id, receipts_path
from ledger.store import StoreConfigError, connection_problem, default_home, sqlite_path
from projections import runner as projections

app = typer.Typer(
    help="An event-sourced ledger of Form 11-K plan filings.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Settings(msgspec.Struct):
    home: Path
    store: str | None


HomeOption = Annotated[
    Path | None,
    typer.Option("--home", help="Where the ledger keeps its files \\[env PLANLEDGER_HOME; default ./.planledger]"),
]
StoreOption = Annotated[
    str | None,
    typer.Option("--store", help="postgresql://USER@HOST:PORT/DB for a shared store \\[env PLANLEDGER_STORE]"),
]
FormatOption = Annotated[Format, typer.Option("--format", help="table or json")]


def show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out.print(f"planledger {version('planledger')}")
        raise typer.Exit()


@app.callback()
def configure(
    ctx: typer.Context,
    home: HomeOption = None,
    store: StoreOption = None,
    _version: Annotated[
        bool, typer.Option("--version", callback=show_version, is_eager=True, help="print the version and exit")
    ] = False,
) -> None:
    ctx.obj = Settings(home=home or default_home(), store=store)


class UserError(Exception):
    """A mistake the user can fix; reported in one line, without a traceback."""


@contextmanager
def open_ledger(ctx: typer.Context, create: bool = True):
    """The ledger; a command that only reads (`create=False`) finds no ledger rather than making one."""
    settings: Settings = ctx.obj
    if not create:
        path = sqlite_path(settings.home, settings.store)
        if path is not None and not path.is_file():
            raise UserError(f"no ledger at {path}: run `planledger import PATH` first (or give --home)")
    try:
        ledger = Ledger.open(settings.home, settings.store)
    except PersistenceError as e:
        reason = connection_problem(settings.store) or str(e)
        raise UserError(f"cannot open the event store: {reason}") from None
    except (StoreConfigError, OSError) as e:
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


ReceiptsOption = Annotated[
    Path | None,
    typer.Option("--receipts", help="the signed receipts file [env PLANLEDGER_RECEIPTS; default beside the home: HOME.receipts.jsonl]"),
]


@app.command("import")
def import_(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="filings, or folders of them (searched recursively)")],
    format: FormatOption = Format.table,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="read and report every document, write nothing")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="list only the documents skipped or rejected")] = False,
    each_filing: Annotated[
        bool, typer.Option("--each-filing", help="list every Form 5500 filing of DOL datasets (by default: only those refused, and the counts)")
    ] = False,
    receipts: ReceiptsOption = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="processes parsing 11-K documents (default: one per core)")
    ] = None,
) -> None:
    """Import filings: each one is appended whole, or not at all. A document already stored is
    reported a duplicate without being read again. A signed receipt of the new chain heads,
    markers and plan keys is appended to the receipts file (see `verify --receipts`)."""
    from importers import MAX_BYTES, iter_documents, parse_document
    from importers.dol import is_dataset
    from ledger.importing_datasets import FORM_5500, import_datasets

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UserError(f"no such file or folder: {', '.join(missing)}")
    documents = list(iter_documents(paths))
    datasets = [p for p in documents if is_dataset(p)]
    chosen = frozenset(datasets)
    documents = [p for p in documents if p not in chosen]
    reports: list = []
    counts: Counter = Counter()
    with open_ledger(ctx) as ledger:
        before = max_notification_id(ledger)
        try:
            parsed = import_documents(ledger, documents, parse_document, MAX_BYTES, dry_run=dry_run, jobs=jobs or available_cores())
            runs = with_progress(parsed, len(documents))
            for report in chain(runs, import_datasets(ledger, datasets, dry_run=dry_run) if datasets else ()):
                counts[report.status] += 1
                if each_filing or report.status in ("skipped", "rejected") or not report.document.startswith(FORM_5500):
                    reports.append(report)
        except KeyboardInterrupt:
            stored = ledger.filings_recorded_after(before)  # a group being written when Ctrl-C came lands unreported
            if stored:
                write_receipt(ledger, receipts_path(ctx.obj.home, receipts), before)
            err.print(f"interrupted: {stored:,} filings stored, each whole; re-run the same command to continue")
            raise typer.Exit(130) from None
        if not dry_run:
            write_receipt(ledger, receipts_path(ctx.obj.home, receipts), before)
            try:
                projections.catch_up(ledger, ctx.obj.home, notify=notice)
            except projections.ProjectionsBusyError as e:
                err.print(f"[yellow]warning:[/yellow] the filings are stored, but {e}")
    shown = [r for r in reports if r.status in ("skipped", "rejected")] if quiet else reports
    if shown or not (quiet or sum(counts.values())):
        emit([msgspec.to_builtins(r) for r in shown], format, title="Import")
    statuses = ("would import", "duplicate", "skipped", "rejected") if dry_run else ("imported", "duplicate", "skipped", "rejected")
    err.print(", ".join(f"{counts[s]} {s}" for s in statuses) + (" (dry run: nothing written)" if dry_run else ""))
    if counts["rejected"]:
        raise typer.Exit(1)


def write_receipt(ledger: Ledger, path: Path, before: int) -> None:
    try:
        receipt = issue(ledger, path, before)
    except ReceiptError as e:
        err.print(f"[yellow]warning:[/yellow] the filings are stored, but no receipt was written: {e}")
        return
    if receipt is not None:
        err.print(f"receipt {receipt['header']['seq']} appended to {path}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def explain(
    path: Annotated[Path, typer.Argument(help="one filing")],
    format: FormatOption = Format.table,
) -> None:
    """How one filing's statements are read, row by row: each row's role (heading, item,
    total), the event it becomes, what each total adds up and whether it foots. Writes nothing."""
    from importers import MAX_BYTES
    from importers.explain import explain_document

    if not path.is_file():
        raise UserError(f"no such file: {path}")
    if path.stat().st_size > MAX_BYTES:
        raise UserError(f"{path}: document too large (limit {MAX_BYTES:,} bytes)")
    explanation = explain_document(str(path), path.read_bytes())
    if format is Format.json:
        emit_json(msgspec.to_builtins(explanation))
        return
    if explanation.status != "imported":
        where = f":{explanation.line}" if explanation.line else ""
        out.print(f"{path}{where}: {explanation.status}: {explanation.reason}")
        return
    for st in explanation.statements:
        title = f"{st.plan}: {st.statement.replace('_', ' ')} (line {st.line})"
        table = Table(title=title, caption="; ".join(st.readings), show_lines=False)
        for column, justify in (("line", "right"), ("caption", "left"), ("figures", "right"),
                                ("role", "left"), ("event", "left"), ("arithmetic", "left")):
            table.add_column(column, justify=justify, overflow="fold")
        for row in st.rows:
            line = f"{row.line} ({row.where})" if row.where else str(row.line)
            table.add_row(line, row.caption, "  ".join(row.figures), row.role, row.event, row.detail)
        out.print(table)
        for text in st.unplaced:
            out.print(f"[yellow]not placed:[/yellow] {text}")


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
    with open_ledger(ctx, create=False) as ledger:
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
    with open_ledger(ctx, create=False) as ledger:
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


# -- projections, audit, replay, query -------------------------------------------------------


PlanOption = Annotated[str | None, typer.Option("--plan", help="plan id, EIN-plan number, or part of its name")]
KnownAtOption = Annotated[
    datetime | None,
    typer.Option("--known-at", formats=["%Y-%m-%d"], help="only what filings signed on or before this date said"),
]


@app.command()
def rebuild(ctx: typer.Context) -> None:
    """Drop the DuckDB projections and rebuild them from the stored events alone."""
    with open_ledger(ctx) as ledger:
        added = projections.rebuild(ledger, ctx.obj.home, notify=notice)
    notice(f"projected {added} events into {projections.projections_path(ctx.obj.home)}")


@app.command()
def report(
    ctx: typer.Context,
    plan: PlanOption = None,
    out_path: Annotated[Path, typer.Option("--out", help="the HTML file to write")] = Path("report.html"),
    known_at: KnownAtOption = None,
) -> None:
    """Write one self-contained HTML report (inline CSS and SVG charts, nothing fetched): net
    assets reported vs replayed, roll-forward waterfalls, holdings, every finding with the printed
    lines it rests on, how each statement column was read, and the chain heads."""
    from ledger.report_html import render
    from ledger.reporting import gather

    with open_ledger(ctx, create=False) as ledger:
        wanted = plan_ids(ledger, plan)
        try:
            gathered = gather(ledger, ctx.obj.home, wanted, known_at and known_at.date())
        except projections.NoProjectionsError as e:
            raise UserError(str(e)) from None
    try:
        out_path.write_text(render(gathered), encoding="utf-8")
    except OSError as e:
        raise UserError(f"cannot write {out_path}: {e.strerror}") from None
    findings = sum(len(p.findings) for p in gathered.plans)
    err.print(f"wrote {out_path}: {len(gathered.plans)} plans, {findings} findings")


@app.command()
def synth(
    plans: Annotated[int, typer.Option("--plans", min=1, help="how many plans")],
    years: Annotated[int, typer.Option("--years", min=1, help="how many years of filings per plan")],
    out: Annotated[Path, typer.Option("--out", help="the folder to write the documents to")],
    discrepancy_rate: Annotated[float, typer.Option("--discrepancy-rate", min=0, max=1, help="share of filings with one wrong figure")] = 0.0,
    seed: Annotated[int, typer.Option("--seed", help="the same seed always gives the same documents")] = 0,
) -> None:
    """Write deterministic synthetic 11-K filings (plain text) for benchmarks and demos."""
    from bench.documents import MANIFEST, write_documents

    try:
        written = write_documents(out, plans, years, seed=seed, discrepancy_rate=discrepancy_rate)
    except OSError as e:
        raise UserError(f"cannot write the filings to {out}: {e.strerror or e}") from None
    err.print(f"wrote {written} filings to {out} (planted discrepancies listed in {out / MANIFEST})")


@app.command()
def audit(
    ctx: typer.Context,
    plan: PlanOption = None,
    year: Annotated[int | None, typer.Option("--year", help="only year ends in this year")] = None,
    known_at: KnownAtOption = None,
    format: FormatOption = Format.table,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="exit status 1 when a firm finding is found (unsure ones are printed but do not fail)"),
    ] = False,
) -> None:
    """Replay the events and check every identity: footing, roll-forward, continuity,
    Schedule H, and the notes against the statements.

    Findings resting on a statement column the importer read unsurely (a
    structure chosen among several that foot, or rows it could not place)
    are listed apart as unsure: they may be the reader's, not the filing's."""
    from ledger.drilldown import number as number_findings
    from ledger.verify import chain_head
    from projections.audit import audit as run_audit
    from projections.audit import audited_positions

    with open_ledger(ctx, create=False) as ledger:
        wanted = plan_ids(ledger, plan)
        with reading_projections(ledger, ctx.obj.home) as connection:
            report = run_audit(connection, known_at=known_at and known_at.date(), plan_ids=wanted, year=year)
            positions = audited_positions(connection, wanted)
            names = dict(connection.execute("SELECT plan_id::VARCHAR, name FROM plans").fetchall())
            findings = [f.to_dict() for f in report.findings]
            firm = [f for f in findings if f["reading"] == "firm"]
            unsure = [f for f in findings if f["reading"] == "unsure"]
            number_findings(firm + unsure, connection, known_at and known_at.date(), whole=plan is None and year is None)
        chains = [{"plan_id": str(p), "events": n, "chain_head": chain_head(ledger, p, n)} for p, n in positions.items()]
    for row in (*report.balances, *findings, *report.explained):
        row["plan"] = names.get(str(row["plan_id"]), "")
    if format is Format.json:
        counts = {"firm": len(firm), "unsure": len(unsure), "explained": len(report.explained)}
        emit_json({"balances": report.balances, "findings": firm + unsure, "explained_differences": report.explained,
                   "counts": counts, "chains": chains})
    else:
        emit(report.balances, format, title="Balances")
        emit(firm, format, title="Findings")
        if unsure:
            emit(unsure, format, title=UNSURE, caption=UNSURE_CAPTION)
        if report.explained:
            emit(report.explained, format, title="Explained differences", caption=EXPLAINED_CAPTION)
        for chain in chains:
            plain(f"chain head  {chain['plan_id']}  {chain['events']} events  {chain['chain_head']}")
    err.print(f"{len(firm)} firm finding{'' if len(firm) == 1 else 's'}, {len(unsure)} unsure")
    if strict and firm:
        raise typer.Exit(1)


@app.command()
def verify(
    ctx: typer.Context,
    plan: PlanOption = None,
    head: Annotated[str | None, typer.Option("--head", help="a chain head you kept (e.g. from `audit`): is it still in the chain?")] = None,
    format: FormatOption = Format.table,
    receipts: Annotated[
        Path | None,
        typer.Option("--receipts", help="also check every signed receipt in this file (written by `import`) against the store"),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(
            "--key",
            help="the public key (64 hex digits, as receipts name it) every receipt must be signed with; "
            "default: this machine's receipt key, else the key the first receipt names",
        ),
    ] = None,
) -> None:
    """Recompute every plan's hash chain; report the first event altered, removed, inserted
    or reordered. With --receipts, check each receipt's signature, then that every chain head,
    marker and plan key it recorded is still there, unchanged and in place.
    Exit status 1 when any plan or receipt fails (or the kept head is not proven)."""
    from ledger.receipts import check as check_receipts
    from ledger.receipts import trusted_key
    from ledger.verify import Chains

    if head is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", head.strip()):
        raise UserError(f"--head {head!r} is not a sha256 hex digest (64 hex digits)")
    if key is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", key.strip()):
        raise UserError(f"--key {key!r} is not an ed25519 public key (64 hex digits)")
    if key is not None and receipts is None:
        raise UserError("--key names the key receipts are signed with: give --receipts FILE too")
    seek = head and head.strip().lower()
    with open_ledger(ctx, create=False) as ledger:
        chains = Chains(ledger)
        wanted = plan_ids(ledger, plan)
        unknown = [str(p) for p in wanted or () if not chains.knows(p)]
        if unknown:
            raise UserError(f"no plan matches {', '.join(unknown)} (try `planledger plans`)")
        reports = list(chains.verify_all(wanted, seek))
        index = chains.index_problems(reports)
        try:
            anchored = receipts and check_receipts(ledger, receipts, key.strip().lower() if key else trusted_key())
        except ReceiptError as e:
            raise UserError(str(e)) from None
    if anchored:
        reports = [anchored.reconcile(r) for r in reports]
    rows = [chain_row(r) for r in reports]
    found = next((r for r in reports if r.sought_at is not None), None)
    kept = seek and head_row(seek, found)
    receipt_rows = [{"kind": f.kind, "line": f.line, "detail": f.detail} for f in anchored.findings] if anchored else []
    if format is Format.json:
        checked = anchored and {"file": str(receipts), "receipts": anchored.receipts, "key": anchored.trusted, "problems": receipt_rows}
        emit_json({"plans": rows, "index": [index_row(p) for p in index], "head": kept or None, "receipts": checked or None})
    else:
        for row in rows:
            plain(verify_line(row))
        for problem in index:
            plain(f"{problem.kind:<9} {problem.subject}: {problem.detail}")
        if kept:
            plain(f"head {kept['head']}: {kept['detail']}")
        for finding in anchored.findings if anchored else ():
            plain(finding.text())
    failed = sum(not r.intact for r in reports)
    err.print(f"{len(reports)} plan{'' if len(reports) == 1 else 's'} verified, {failed} failed")
    if index:
        err.print(f"{len(index)} problem{'' if len(index) == 1 else 's'} in the markers and plan keys")
    if anchored:
        if anchored.trusted is None:
            err.print("warning: no receipt key on this machine: each receipt was checked against the key the first one names")
        err.print(f"{anchored.receipts} receipt{'' if anchored.receipts == 1 else 's'} checked, {len(anchored.findings)} problem"
                  f"{'' if len(anchored.findings) == 1 else 's'}", markup=False, highlight=False, soft_wrap=True)
    if failed or index or (kept and not kept["proven"]) or (anchored and anchored.findings):
        raise typer.Exit(1)


def index_row(problem) -> dict[str, Any]:
    return {"kind": problem.kind, "subject": problem.subject, "detail": problem.detail}


def chain_row(report) -> dict[str, Any]:
    problem = report.problem
    return {
        "plan_id": str(report.plan_id),
        "status": "ok" if problem is None else "failed",
        "kind": problem and problem.kind,
        "position": problem and problem.position,
        "events": report.events,
        "chain_head": report.head,
        "detail": problem.detail if problem else "",
    }


def verify_line(row: dict[str, Any]) -> str:
    if row["status"] == "ok":
        return f"ok        {row['plan_id']}  {row['events']} events  head {row['chain_head']}"
    return f"{row['kind']:<9} {row['plan_id']}  position {row['position']} of {row['events']}: {row['detail']}"


def head_row(seek: str, found) -> dict[str, Any]:
    if found is None:
        detail = "not in the chain of any plan verified: the events it covered were changed"
    elif found.sought_proven:
        detail = f"position {found.sought_at} of plan {found.plan_id}; every event up to it is intact"
    else:
        detail = f"position {found.sought_at} of plan {found.plan_id}, but the chain is broken at {found.problem.position}"
    return {
        "head": seek,
        "plan_id": found and str(found.plan_id),
        "position": found and found.sought_at,
        "proven": bool(found and found.sought_proven),
        "detail": detail,
    }


@app.command()
def replay(
    ctx: typer.Context,
    plan: Annotated[str, typer.Option("--plan", help="plan id, EIN-plan number, or part of its name")],
    as_of: Annotated[datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="the state at this date")] = None,
    known_at: KnownAtOption = None,
    format: FormatOption = Format.table,
) -> None:
    """Rebuild a plan's state from its events alone and print its net assets and components."""
    from ledger.replay import replay as fold

    with open_ledger(ctx, create=False) as ledger:
        found = plan_ids(ledger, plan)
        if len(found) > 1:
            raise UserError(f"{plan!r} names {len(found)} plans; give its id (see `planledger plans`)")
        state = fold(ledger.plan_events(found[0]), as_of=as_of and as_of.date(), known_at=known_at and known_at.date())
    if state.latest is None:
        raise UserError("no events of that plan fall within the dates given")
    rows = replay_rows(state)
    if format is Format.json:
        emit_json(rows)
        return
    emit(rows["years"], format, title="Replay")
    emit(rows["components"], format, title="Components")


@contextmanager
def reading_projections(ledger: Ledger, home: Path, config: dict[str, str] | None = None):
    """The projections caught up with the events and opened read-only (see runner.reading)."""
    try:
        with projections.reading(ledger, home, notify=notice, config=config) as connection:
            yield connection
    except duckdb.IOException as e:
        raise UserError(f"cannot open the projections: {e}") from None


@contextmanager
def open_projections(home: Path, writes_to: Path | None = None):
    """The projections as they are, read-only; `writes_to` the one place COPY may write."""
    try:
        with projections.read_only(home, writes_to) as connection:
            yield connection
    except projections.NoProjectionsError as e:
        raise UserError(str(e)) from None
    except duckdb.IOException as e:
        raise UserError(f"cannot open the projections: {e}") from None


def replay_rows(state) -> dict[str, Any]:
    from projections.audit import exact

    years = [
        {
            "year_end": y.year_end.isoformat(),
            "opening": exact(y.opening),
            **{k: exact(v) for k, v in (y.flows or {}).items()},
            "replayed": exact(y.replayed),
            "reported": exact(y.reported),
            "difference": exact(y.difference),
        }
        for y in state.year_ends
    ]
    latest = state.latest
    components = []
    if latest.statement:
        components += [
            {"component": "holding", "name": name, "investment": key, "amount": str(value)}
            for key, (name, value) in latest.statement.holdings.items()
        ]
        components += [
            {"component": kind, "name": "", "investment": "", "amount": str(getattr(latest.statement, kind))}
            for kind in ("cash", "receivables", "liabilities", "adjustments")
        ]
    return {
        "plan_id": str(state.plan_id),
        "year_end": latest.year_end.isoformat(),
        "net_assets": exact(latest.replayed if latest.replayed is not None else latest.reported),
        "years": years,
        "components": components,
    }


@app.command()
def query(
    ctx: typer.Context,
    sql: Annotated[str | None, typer.Argument(help="a SQL query over the projections")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="read the query from a file, e.g. queries/roll_forward.sql")] = None,
    format: Annotated[QueryFormat, typer.Option("--format", help="table, csv or json")] = QueryFormat.table,
    raw: Annotated[bool, typer.Option("--raw", help="plain numbers in the table (csv and json always are)")] = False,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="stop the query after this many seconds")] = 300.0,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="write the result to FILE.parquet, .csv or .json (DuckDB's COPY) instead of printing it"),
    ] = None,
) -> None:
    """Run SQL over the projections, opened read-only (see queries/README.md for the tables).
    Bounded: --timeout, DuckDB's memory limit (PLANLEDGER_DUCKDB_MEMORY) and a limit on the disk
    it spills to (PLANLEDGER_QUERY_TEMP, default 2GB) in a temporary folder removed afterwards;
    Ctrl-C cancels it (exit status 130)."""
    if (sql is None) == (file is None):
        raise UserError("give either a SQL query or --file PATH")
    if file is not None:
        try:
            sql = file.read_text(encoding="utf-8")
        except OSError as e:
            raise UserError(f"cannot read {file}: {e.strerror}") from None
        except UnicodeDecodeError as e:
            raise UserError(f"cannot read {file}: not UTF-8 text (byte {e.start})") from None
    from ledger.querying import QueryCancelled, QueryError, only_reads, run_bounded

    try:
        statements = only_reads(sql)
        if out_file is not None:
            query_to_file(ctx, statements, out_file)
            return
        with tempfile.TemporaryDirectory(prefix="planledger-query-") as scratch:
            bounds = {"temp_directory": scratch, "max_temp_directory_size": os.environ.get("PLANLEDGER_QUERY_TEMP", "2GB")}
            with open_ledger(ctx, create=False) as ledger, reading_projections(ledger, ctx.obj.home, bounds) as connection:
                columns, rows = run_bounded(connection, sql, timeout)
    except QueryError as e:
        raise UserError(str(e)) from None
    except (QueryCancelled, KeyboardInterrupt):  # also while the projections were being opened
        err.print("[red]error:[/red] query cancelled (Ctrl-C)")
        raise typer.Exit(130) from None
    write_rows(rows, columns, format, raw)


def query_to_file(ctx: typer.Context, statements: list, out_file: Path) -> None:
    from ledger.exporting import ExportError, copy_query, out_format

    try:
        out_format(out_file)
    except ExportError as e:
        raise UserError(str(e)) from None
    if len(statements) != 1:
        raise UserError(f"--out writes one query's result; {len(statements)} statements given")
    target = out_file.resolve()
    if target.is_dir():
        raise UserError(f"--out {out_file} is a folder; give a file name")
    if not target.parent.is_dir():
        raise UserError(f"--out {out_file}: no such folder {out_file.parent}")
    with open_projections(ctx.obj.home, writes_to=target) as connection:
        try:
            rows = copy_query(connection, statements[0].query, target)
        except (duckdb.PermissionException, duckdb.InvalidInputException) as e:
            raise UserError(f"refused: queries may only read the projections: {e}") from None
        except duckdb.Error as e:
            raise UserError(f"query failed: {e}") from None
    err.print(f"wrote {rows} row{'' if rows == 1 else 's'} to {out_file}")


class ExportFormat(str, Enum):
    parquet = "parquet"
    csv = "csv"


@app.command()
def export(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="a new or empty folder to write the files and manifest.json into")],
    format: Annotated[ExportFormat, typer.Option("--format", help="parquet or csv")] = ExportFormat.parquet,
    plan: PlanOption = None,
) -> None:
    """Write every public table and view of the projections (queries/README.md) through DuckDB's
    COPY: money as DECIMAL, dates as DATE, UUIDs as strings, with a manifest.json (rows, columns,
    types and sha256 of each file; the projections' position; the planledger version)."""
    from ledger.exporting import ExportError, check_directory
    from ledger.exporting import export as write_export

    try:
        check_directory(directory)
    except ExportError as e:
        raise UserError(str(e)) from None
    except OSError as e:
        raise UserError(f"cannot read {directory}: {e.strerror}") from None
    with open_ledger(ctx) as ledger:
        wanted = plan_ids(ledger, plan)
        projections.catch_up(ledger, ctx.obj.home)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"cannot create {directory}: {e.strerror}") from None
    with open_projections(ctx.obj.home, writes_to=directory.resolve()) as connection:
        try:
            manifest = write_export(connection, directory.resolve(), format.value, wanted)
        except duckdb.Error as e:
            raise UserError(f"export failed: {e}") from None
    rows = sum(f["rows"] for f in manifest["files"])
    err.print(f"exported {len(manifest['files'])} tables ({rows:,} rows) to {directory}, listed in manifest.json")


@app.command()
def show(
    ctx: typer.Context,
    target: Annotated[str | None, typer.Argument(metavar="DOC:LINE", help="a document (as imported, or its basename) and a line")] = None,
    finding: Annotated[int | None, typer.Option("--finding", help="a finding's id, as `planledger audit --format json` numbers them")] = None,
    context: Annotated[int, typer.Option("--context", min=0, help="lines shown before and after")] = 3,
    known_at: KnownAtOption = None,
    format: FormatOption = Format.table,
) -> None:
    """Print a document's line in context and every event read from it; or, with --finding N,
    each line a finding rests on."""
    from ledger import drilldown

    if (target is None) == (finding is None):
        raise UserError("give either DOC:LINE or --finding N")
    with open_ledger(ctx) as ledger:
        projections.catch_up(ledger, ctx.obj.home)
    with open_projections(ctx.obj.home) as connection:
        try:
            if finding is not None:
                found, shown = drilldown.show_finding(connection, finding, known_at and known_at.date(), context)
            else:
                found, shown = None, [drilldown.show_line(connection, *drilldown.parse_target(target), context)]
        except drilldown.DrilldownError as e:
            raise UserError(str(e)) from None
    if format is Format.json:
        lines = [s.to_dict() for s in shown]
        emit_json(lines[0] if found is None else {"finding": found, "lines": lines})
        return
    if found is not None:
        difference = f", difference {money(found['difference'])}" if found["difference"] is not None else ""
        plain(f"finding {found['id']}: {found['check']} {found['subject']} at {found['as_of']} ({found['reading']}): "
              f"expected {money(found['expected'])}, actual {money(found['actual'])}{difference}")
        if found["detail"]:
            plain(f"  {found['detail']}")
    for s in shown:
        print_shown(s)


def print_shown(shown) -> None:
    where = "" if shown.source == "file" else "  (the file is not at its recorded path: lines as stored, only those with figures)"
    plain(f"{shown.document}:{shown.line}{where}")
    for row in shown.context:
        mark = ">" if row["target"] else " "
        plain(f"{mark} {row['line']:>6} | {row['text']}")
    rows = [{"type": e["type"], "as_of": e["as_of"], "amount": e["amount"], "section": e["section"],
             "column": e["column"] or "", "item": e["item"] or ""} for e in shown.events]
    table = Table(show_lines=False)
    for column in ("type", "as_of", "amount", "section", "column", "item"):
        table.add_column(column, justify="right" if column == "amount" else "left")
    for row in rows:
        table.add_row(*(cell(row, c) for c in ("type", "as_of", "amount", "section", "column", "item")))
    if rows:
        out.print(table)
    else:
        plain("  no event was read from this line")


def main() -> None:
    try:
        app()
    except (UserError, projections.ProjectionsBusyError) as e:
        err.print(f"[red]error:[/red] {e}")
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        err.print("interrupted: nothing half-written (each filing is stored whole or not at all)")
        raise SystemExit(130) from None
