"""Following the event store's notification log into `<home>/projections.duckdb`.

The runner reads notifications a page at a time, decodes the plan events with the ledger's typed
mapper, bulk-loads them as one Arrow table, and records the page's last notification id in the
same DuckDB transaction. A run stopped anywhere resumes after the last committed page. After
catching up, the `findings` table is recomputed from the events and tracked the same way.
A rebuild writes a fresh file beside the old one and swaps it in, so readers never see half of it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path

import duckdb
from eventsourcing.persistence import Tracking

from ledger.application import Ledger
from projections.rows import PLAN_EVENT_TYPES, EventColumns, FilingHead
from projections.tracking import DuckDBTrackingRecorder

FILE_NAME = "projections.duckdb"
PAGE_SIZE = 10_000
EVENTS = "events"
FINDINGS = "findings"
SCHEMA_VERSION = "7"


def projections_path(home: Path) -> Path:
    return Path(home) / FILE_NAME


def schema_statements() -> list[str]:
    text = "".join((files("projections") / name).read_text() for name in ("schema.sql", "audit.sql"))
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


@contextmanager
def transaction(connection: duckdb.DuckDBPyConnection) -> Iterator[None]:
    connection.begin()
    try:
        yield
    except BaseException:
        connection.rollback()
        raise
    connection.commit()


LOCK_WAIT = 20.0  # seconds to wait for another process's catch-up before giving up


def settings() -> dict[str, str]:
    """DuckDB would cache up to 80% of the machine's memory; a projection run streams, so it is
    held to a small budget (spilling to disk past it) and its process stays well under 1 GiB."""
    return {"memory_limit": os.environ.get("PLANLEDGER_DUCKDB_MEMORY", "512MB")}


class ProjectionsBusyError(RuntimeError):
    """Another process has the projections open; they catch up on a later command."""


def connect_for_writing(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the projections for writing, waiting a while for another process that has them.
    A new file is made whole before it is put in place: a process killed while DuckDB writes a
    file's first blocks must not leave one that no later run can open."""
    if not path.exists():
        fresh = path.with_name(f"{path.name}.{os.getpid()}.new")
        duckdb.connect(str(fresh)).close()
        try:
            os.link(fresh, path)
        except FileExistsError:
            pass  # another process made it meanwhile
        finally:
            fresh.unlink()
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            return duckdb.connect(str(path), config=settings())
        except duckdb.IOException as e:
            if "Could not set lock" not in str(e):
                raise
            if time.monotonic() > deadline:
                msg = (
                    f"projections busy: another process has {path} open; "
                    "they catch up on the next command (or run `planledger rebuild`)"
                )
                raise ProjectionsBusyError(msg) from None
        time.sleep(0.1)


class Projections:
    """The DuckDB projections of one ledger, open for writing."""

    def __init__(self, path: Path, source: str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = connect_for_writing(self.path)
        with transaction(self.connection):
            made_for = self._made_for(source)
            if not made_for:
                self._drop_tables()
            for statement in schema_statements():
                self.connection.execute(statement)
            if not made_for:
                self.connection.executemany(
                    "INSERT INTO projection_meta VALUES (?, ?)", [["source", source], ["schema", SCHEMA_VERSION]]
                )
        self.tracking = DuckDBTrackingRecorder(self.connection)
        self._last_heads: dict[tuple[str, str], FilingHead] = {}  # the previous page's filings

    def close(self) -> None:
        self.connection.close()

    def _made_for(self, source: str) -> bool:
        if not self.connection.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'projection_meta'").fetchone():
            return False
        meta = dict(self.connection.execute("SELECT key, value FROM projection_meta").fetchall())
        return meta == {"source": source, "schema": SCHEMA_VERSION}

    def _drop_tables(self) -> None:
        """Forget rows made from another store or by another schema version."""
        for (table,) in self.connection.execute("SELECT table_name FROM duckdb_tables()").fetchall():
            self.connection.execute(f'DROP TABLE "{table}"')

    def position(self, name: str = EVENTS) -> int:
        return self.tracking.max_tracking_id(name) or 0

    def catch_up(self, ledger: Ledger, page_size: int = PAGE_SIZE) -> int:
        """Apply every notification not yet applied; return how many plan events were added."""
        added = 0
        start = self.position() + 1
        size = page_size
        while page := ledger.recorder.select_notifications(start, size):
            at_end = len(page) < size
            applied, last = self._apply(ledger, page, at_end)
            added += applied
            if at_end:
                break
            size = page_size if last >= start else size * 2  # the page held only a filing's first event
            start = last + 1
        self._refresh_findings()
        return added

    def _apply(self, ledger: Ledger, page, at_end: bool) -> tuple[int, int]:
        """Load a page's plan events; return how many, and the last notification id applied."""
        columns = EventColumns(self._filing_head)
        for notification in page:
            event = ledger.mapper.to_domain_event(notification)
            if type(event) in PLAN_EVENT_TYPES:
                columns.add(notification.id, event)
        if at_end:
            columns.flush()
        self._last_heads = columns.heads
        last = columns.held - 1 if columns.held else page[-1].id
        if last < page[0].id:
            return 0, last
        with transaction(self.connection):
            if len(columns):
                self.connection.register("page_rows", columns.table())
                self.connection.execute("INSERT INTO events SELECT *, item_of(type, kind, investment) FROM page_rows")
                self._sum_statements()
                self.connection.unregister("page_rows")
            self.tracking.insert_tracking(Tracking(EVENTS, last))
        return len(columns), last

    def _sum_statements(self) -> None:
        """Sum afresh each filing this page added lines to, from its first summed line on: a
        filing begun on an earlier page was summed only in part there."""
        touched = "filing_id IN (SELECT DISTINCT filing_id::UUID FROM page_rows)"
        first, last = self.connection.execute(
            f"SELECT coalesce((SELECT min(first_id) FROM statement_sums WHERE {touched}), min(notification_id)), "
            "max(notification_id) FROM page_rows"
        ).fetchone()
        self.connection.execute(f"DELETE FROM statement_sums WHERE {touched}")
        self.connection.execute(
            f"INSERT INTO statement_sums SELECT * FROM statement_sums_between($first, $last) WHERE {touched}",
            {"first": first, "last": last},
        )

    def _filing_head(self, plan_id: str, filing_id: str) -> FilingHead | None:
        """A filing begun on an earlier page: the previous page's filings are remembered; after
        a run resumes, the filing's stored FilingReported row is read."""
        head = self._last_heads.get((plan_id, filing_id))
        if head is not None:
            return head
        return self.connection.execute(
            "SELECT document, filing_year_end, filing_prior_year_end FROM events "
            "WHERE type = 'FilingReported' AND plan_id = $plan AND filing_id = $filing",
            {"plan": plan_id, "filing": filing_id},
        ).fetchone()

    def _refresh_findings(self) -> None:
        from projections.audit import findings, findings_table

        position = self.position()
        if position <= self.position(FINDINGS):
            return
        found = findings(self.connection)
        with transaction(self.connection):
            self.connection.execute("DELETE FROM findings")
            if found:
                self.connection.register("finding_rows", findings_table(found))
                self.connection.execute("INSERT INTO findings SELECT * FROM finding_rows")
                self.connection.unregister("finding_rows")
            self.tracking.insert_tracking(Tracking(FINDINGS, position))


def source_of(ledger: Ledger) -> str:
    """Which event store the projections follow (no password), so a home switched to another
    store is projected afresh instead of mixing two notification logs."""
    env = ledger.env
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        return "postgres://{}@{}:{}/{}?schema={}".format(
            env.get("POSTGRES_USER"), env.get("POSTGRES_HOST"), env.get("POSTGRES_PORT"),
            env.get("POSTGRES_DBNAME"), env.get("POSTGRES_SCHEMA", ""),
        )
    return "sqlite:///" + str(Path(env.get("SQLITE_DBNAME", "")).resolve())


class NoProjectionsError(FileNotFoundError):
    """The home has no projections yet."""


@contextmanager
def read_only(home: Path, writes_to: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The projections for reading only: no writes, no files outside them (so no ATTACH of the
    event store), and settings locked so a query cannot undo that. `writes_to` (a file, or a
    folder) is the one place outside them that `COPY ... TO` may write (export, query --out)."""
    path = projections_path(home)
    if not path.exists():
        msg = f"no projections at {path}: run `planledger import` or `planledger rebuild` first"
        raise NoProjectionsError(msg)
    if writes_to is None:
        connection = duckdb.connect(
            str(path), read_only=True, config=settings() | {"enable_external_access": False, "lock_configuration": True}
        )
    else:
        connection = duckdb.connect(str(path), read_only=True, config=settings())
        if writes_to.is_dir():
            connection.execute("SET allowed_directories = $paths", {"paths": [str(writes_to).rstrip("/") + "/"]})
        else:
            connection.execute("SET allowed_paths = $paths", {"paths": [str(writes_to)]})
        connection.execute("SET enable_external_access = false")
        connection.execute("SET lock_configuration = true")
    try:
        yield connection
    finally:
        connection.close()


def catch_up(ledger: Ledger, home: Path, page_size: int = PAGE_SIZE) -> int:
    projections = Projections(projections_path(home), source_of(ledger))
    try:
        return projections.catch_up(ledger, page_size)
    finally:
        projections.close()


def rebuild(ledger: Ledger, home: Path, page_size: int = PAGE_SIZE) -> int:
    """Project every event afresh into a new file, then put it in place of the old one while
    holding the old one's write lock, so no catch-up writes into a file being replaced."""
    target = projections_path(home)
    fresh = target.with_name(target.name + ".rebuild")
    for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
        leftover.unlink(missing_ok=True)
    projections = Projections(fresh, source_of(ledger))
    try:
        added = projections.catch_up(ledger, page_size)
        projections.connection.execute("CHECKPOINT")
    finally:
        projections.close()
    holder = connect_for_writing(target)  # waits out another process's catch-up, keeps others out
    try:
        holder.execute("CHECKPOINT")
        target.with_name(target.name + ".wal").unlink(missing_ok=True)
        os.replace(fresh, target)
    finally:
        holder.close()
    return added
