"""Following the event store's notification log into `<home>/projections.duckdb`.

The runner reads notifications a page at a time, decodes the plan events with the ledger's typed
mapper, bulk-loads them as one Arrow table, and records the page's last notification id in the
same DuckDB transaction. A run stopped anywhere resumes after the last committed page. After
catching up, the `findings` table is recomputed from the events and tracked the same way.
A rebuild writes a fresh file beside the old one and swaps it in, so readers never see half of it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path

import duckdb
from eventsourcing.persistence import Tracking

from ledger.application import Ledger
from projections import form5500
from projections.rows import PLAN_EVENT_TYPES, EventColumns, FilingHead, PlanFilingHead
from projections.tracking import DuckDBTrackingRecorder

FILE_NAME = "projections.duckdb"
PAGE_SIZE = 10_000
EVENTS = "events"
FINDINGS = "findings"
SCHEMA_VERSION = "11"


def projections_path(home: Path) -> Path:
    return Path(home) / FILE_NAME


def schema_statements() -> list[str]:
    """schema.sql, then the Form 5500 projection's statements (generated from ledger.form5500), then audit.sql."""
    def read(name: str) -> list[str]:
        lines = [line for line in (files("projections") / name).read_text().splitlines() if not line.lstrip().startswith("--")]
        return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]

    return [*read("schema.sql"), *form5500.statements(), *read("audit.sql")]


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
REBUILD_WAIT = 900.0  # seconds a rebuild waits for another rebuild or catch-up to finish

Notify = Callable[[str], None]


def quiet(_: str) -> None:
    """Notices nobody asked to see."""


def read_wait() -> float:
    """How long `audit` and `query` wait for projections another process holds before they
    answer from the last consistent state (PLANLEDGER_PROJECTIONS_WAIT, seconds)."""
    try:
        return max(0.0, float(os.environ.get("PLANLEDGER_PROJECTIONS_WAIT", "5")))
    except ValueError:
        return 5.0


def settings() -> dict[str, str]:
    """DuckDB would cache up to 80% of the machine's memory; a projection run streams, so it is
    held to a small budget (spilling to disk past it) and its process stays well under 1 GiB."""
    return {"memory_limit": os.environ.get("PLANLEDGER_DUCKDB_MEMORY", "512MB")}


class ProjectionsBusyError(RuntimeError):
    """Another process has the projections open; they catch up on a later command."""


class UnusableProjectionsError(Exception):
    """The projections file is not DuckDB, or is DuckDB but not planledger's."""

    def __init__(self, reason: str, aside: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.aside = aside  # the suffix it is moved aside under


def is_lock_error(e: Exception) -> bool:
    return "Could not set lock" in str(e) or "Conflicting lock" in str(e)


def first_line(e: Exception) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextmanager
def exclusive(path: Path, what: str, wait: float, notify: Notify = quiet) -> Iterator[None]:
    """Take turns with other planledger processes writing these projections (a lock file next
    to them): one catches up or rebuilds, the others wait and say what for."""
    fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another planledger process"
                if time.monotonic() >= deadline:
                    msg = f"projections busy: {holder} is still at {path} after {wait:g} s; try again when it is done"
                    raise ProjectionsBusyError(msg) from None
                if not told:
                    notify(f"waiting for {holder} to finish with {path}")
                    told = True
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"planledger process {os.getpid()} ({what})".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def connect_for_writing(path: Path, wait: float | None = None, notify: Notify = quiet) -> duckdb.DuckDBPyConnection:
    """Open the projections for writing, waiting a while for another process that has them.
    A new file is made whole before it is put in place: a process killed while DuckDB writes a
    file's first blocks must not leave one that no later run can open. A file DuckDB cannot
    read raises UnusableProjectionsError."""
    if not path.exists():
        fresh = path.with_name(f"{path.name}.{os.getpid()}.new")
        duckdb.connect(str(fresh)).close()
        try:
            os.link(fresh, path)
        except FileExistsError:
            pass  # another process made it meanwhile
        finally:
            fresh.unlink()
    wait = LOCK_WAIT if wait is None else wait
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            return duckdb.connect(str(path), config=settings())
        except duckdb.Error as e:
            if not is_lock_error(e):
                reason = "is not a DuckDB database file" if "not a valid DuckDB" in str(e) else f"cannot be opened ({first_line(e)})"
                raise UnusableProjectionsError(reason, "corrupt") from None
            if time.monotonic() > deadline:
                msg = (
                    f"projections busy: another process has {path} open; "
                    "they catch up on the next command (or run `planledger rebuild`)"
                )
                raise ProjectionsBusyError(msg) from None
            if not told:
                notify(f"waiting up to {wait:g} s for another process (a notebook?) that has {path} open")
                told = True
        time.sleep(0.1)


def move_aside(path: Path, suffix: str) -> Path:
    aside = path.with_name(f"{path.name}.{suffix}")
    os.replace(path, aside)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)
    return aside


class Projections:
    """The DuckDB projections of one ledger, open for writing."""

    def __init__(self, path: Path, source: str, wait: float | None = None, notify: Notify = quiet) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = connect_for_writing(self.path, wait, notify)
        try:
            self._check_ours()
        except BaseException:
            self.connection.close()
            raise
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
        self._last_plan_heads: dict[str, PlanFilingHead] = {}  # the previous page's last filing of each plan

    def close(self) -> None:
        self.connection.close()

    def _check_ours(self) -> None:
        """A DuckDB file holding tables, none of them planledger's, is someone else's."""
        try:
            tables = sorted(t for (t,) in self.connection.execute("SELECT table_name FROM duckdb_tables()").fetchall())
        except duckdb.Error as e:
            raise UnusableProjectionsError(f"cannot be read ({first_line(e)})", "corrupt") from None
        if tables and "projection_meta" not in tables:
            shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
            raise UnusableProjectionsError(f"holds tables that are not planledger's ({shown})", "foreign")

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
        """Apply every notification not yet applied; return how many plan events were added.
        A filing's PlanIdentified that ends a page is carried into the next one, to meet its
        FilingReported."""
        added = 0
        carried: list = []
        for page in ledger.notification_pages(self.position() + 1, page_size):
            at_end = len(page) < page_size
            applied, carried = self._apply(ledger, carried + page, at_end)
            added += applied
        self._refresh_findings()
        return added

    def _apply(self, ledger: Ledger, page, at_end: bool) -> tuple[int, list]:
        """Load a page's plan events; return how many, and the notifications held back."""
        columns = EventColumns(self._filing_head)
        raw = form5500.RawRows()
        mapper = ledger.mapper
        for notification in page:
            if notification.topic == form5500.TOPIC:  # shredded by DuckDB, never decoded here
                state = notification.state
                if mapper.cipher:
                    state = mapper.cipher.decrypt(state)
                if mapper.compressor:
                    state = mapper.compressor.decompress(state)
                raw.add(notification.id, state, self._plan_head(columns, columns.plan_id(notification.originator_id)))
                continue
            event = mapper.to_domain_event(notification)
            if type(event) in PLAN_EVENT_TYPES:
                columns.add(notification.id, event)
        if at_end:
            columns.flush()
        self._last_heads = columns.heads
        self._last_plan_heads = columns.plan_heads
        held = [n for n in page if n.id >= columns.held] if columns.held else []
        last = columns.held - 1 if columns.held else page[-1].id
        if last < page[0].id:
            return 0, held
        added = len(columns)
        with transaction(self.connection):
            if len(columns):
                self.connection.register("page_rows", columns.table())
                self.connection.execute("INSERT INTO events SELECT *, item_of(type, kind, investment) FROM page_rows")
                if columns.has_statements:
                    self._sum_statements()
                self.connection.unregister("page_rows")
            if len(raw):
                added += self._shred_form5500(raw, page[0].id, last)
            self.tracking.insert_tracking(Tracking(EVENTS, last))
        return added, held

    def _shred_form5500(self, raw: form5500.RawRows, first: int, last: int) -> int:
        """Load a page's Form5500Reported rows into `form5500` (and their slim rows into `events`)."""
        self.connection.register("form5500_page", raw.table())
        try:
            (added,) = self.connection.execute(form5500.insert_statement(), {"last": last}).fetchone()
            self.connection.execute(form5500.EVENTS_STATEMENT + " WHERE f.notification_id BETWEEN $first AND $last",
                                    {"first": first, "last": last})
        finally:
            self.connection.unregister("form5500_page")
        return added

    def _plan_head(self, columns: EventColumns, plan_id: str) -> PlanFilingHead:
        """The filing a plan's Form5500Reported belongs to: the plan's FilingReported before it,
        on this page, the previous one, or (after a run resumes) in the stored rows."""
        head = columns.plan_heads.get(plan_id) or self._last_plan_heads.get(plan_id)
        if head is None:
            head = self.connection.execute(
                "SELECT document, as_of, filing_prior_year_end, period_start FROM events "
                "WHERE type = 'FilingReported' AND plan_id = $plan ORDER BY notification_id DESC LIMIT 1",
                {"plan": plan_id},
            ).fetchone() or (None, None, None, None)
            columns.plan_heads[plan_id] = head
        return head

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
        from projections.audit import compute_findings, findings_table

        position = self.position()
        if position <= self.position(FINDINGS):
            return
        found = compute_findings(self.connection)
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
    connection = connect_read_only(path, writes_to=writes_to)
    try:
        yield connection
    finally:
        connection.close()


def open_projections(path: Path, source: str, wait: float | None = None, notify: Notify = quiet) -> Projections:
    """The projections for writing; a file that is not planledger's projections (garbage, or a
    DuckDB file of other tables) is moved aside with a notice and built afresh from the events."""
    try:
        return Projections(path, source, wait, notify)
    except UnusableProjectionsError as e:
        aside = move_aside(path, e.aside)
        notify(f"notice: {path} {e.reason}: moved aside to {aside.name}; rebuilding the projections from the events")
        return Projections(path, source, wait, notify)


def catch_up(
    ledger: Ledger, home: Path, page_size: int = PAGE_SIZE, notify: Notify = quiet, wait: float | None = None
) -> int:
    path = projections_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    wait = LOCK_WAIT if wait is None else wait
    with exclusive(path, "catching up", wait, notify):
        projections = open_projections(path, source_of(ledger), wait, notify)
        try:
            return projections.catch_up(ledger, page_size)
        finally:
            projections.close()


def rebuild(
    ledger: Ledger, home: Path, page_size: int = PAGE_SIZE, notify: Notify = quiet, wait: float = REBUILD_WAIT
) -> int:
    """Project every event afresh into a new file, then put it in place of the old one while
    holding the old one's write lock, so no catch-up writes into a file being replaced.
    Rebuilds and catch-ups take turns through the lock file."""
    target = projections_path(home)
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = target.with_name(target.name + ".rebuild")
    with exclusive(target, "rebuilding", wait, notify):
        for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
            leftover.unlink(missing_ok=True)
        projections = Projections(fresh, source_of(ledger))
        try:
            added = projections.catch_up(ledger, page_size)
            projections.connection.execute("CHECKPOINT")
        finally:
            projections.close()
        try:
            holder = connect_for_writing(target, LOCK_WAIT, notify)  # keeps another process (a notebook) out
        except UnusableProjectionsError as e:
            notify(f"notice: {target} {e.reason}: replacing it")
            holder = None
        try:
            if holder is not None:
                holder.execute("CHECKPOINT")
            target.with_name(target.name + ".wal").unlink(missing_ok=True)
            os.replace(fresh, target)
        finally:
            if holder is not None:
                holder.close()
    return added


def tracked(connection: duckdb.DuckDBPyConnection, source: str) -> tuple[int, int] | None:
    """The (events, findings) positions of projections made for this source, else None."""
    try:
        meta = dict(connection.execute("SELECT key, value FROM projection_meta").fetchall())
        if meta != {"source": source, "schema": SCHEMA_VERSION}:
            return None
        rows = dict(connection.execute("SELECT application_name, notification_id FROM tracking").fetchall())
    except duckdb.Error:
        return None
    return rows.get(EVENTS, 0), rows.get(FINDINGS, 0)


def connect_read_only(
    path: Path, config: dict[str, str] | None = None, writes_to: Path | None = None
) -> duckdb.DuckDBPyConnection:
    """Read-only, no files outside the projections but `writes_to` (a file or folder that `COPY
    ... TO` may write), settings locked (`config` adds to them, e.g. a spill folder, which must be
    set before file access is turned off)."""
    connection = duckdb.connect(str(path), read_only=True, config=settings() | (config or {}))
    try:
        if writes_to is not None and writes_to.is_dir():
            connection.execute("SET allowed_directories = $paths", {"paths": [str(writes_to).rstrip("/") + "/"]})
        elif writes_to is not None:
            connection.execute("SET allowed_paths = $paths", {"paths": [str(writes_to)]})
        connection.execute("SET enable_external_access = false")
        connection.execute("SET lock_configuration = true")
    except BaseException:
        connection.close()
        raise
    return connection


@contextmanager
def reading(
    ledger: Ledger, home: Path, notify: Notify = quiet, wait: float | None = None, config: dict[str, str] | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The projections, read-only and caught up with the events. When nothing needs catching up
    they are opened read-only without taking the write lock. When another process holds them
    (a notebook) past `wait` seconds, the answer comes from their last consistent state, with a
    notice saying how far behind it may be."""
    path = projections_path(home)
    source = source_of(ledger)
    latest = ledger.recorder.max_notification_id() or 0
    wait = read_wait() if wait is None else wait
    connection = None
    if not path.exists():
        notify(f"notice: no projections at {path}; building them from the events")
    else:
        try:
            connection = connect_read_only(path, config)
        except duckdb.Error:
            connection = None  # held by a writer, or unreadable: catching up sorts out which
    if connection is not None:
        positions = tracked(connection, source)
        if positions is not None and positions[0] >= latest and positions[1] >= positions[0]:
            yield from _serve(connection)
            return
        if positions is None and not _foreign(connection):
            notify(f"notice: {path} holds no projections of this ledger; building them from the events")
        connection.close()
    try:
        catch_up(ledger, home, notify=notify, wait=wait)
    except ProjectionsBusyError:
        with last_consistent(path, source, latest, notify, config) as connection:
            yield connection
        return
    try:
        connection = connect_read_only(path, config)
    except duckdb.Error as e:
        if not is_lock_error(e):
            raise
        with last_consistent(path, source, latest, notify, config) as connection:
            yield connection
        return
    yield from _serve(connection)


def _foreign(connection: duckdb.DuckDBPyConnection) -> bool:
    """Tables, none of them planledger's: the catch-up moves the file aside and says so."""
    tables = {t for (t,) in connection.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    return bool(tables) and "projection_meta" not in tables


def _serve(connection: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    try:
        yield connection
    finally:
        close(connection)


def close(connection: duckdb.DuckDBPyConnection, wait: float = 10.0) -> None:
    """Close a connection a cancelled query may still be winding down on (DuckDB refuses to close
    a busy connection rather than wait)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            connection.close()
            return
        except duckdb.ResourceInUseException:
            if time.monotonic() > deadline:
                raise
            connection.interrupt()
            time.sleep(0.05)


@contextmanager
def last_consistent(
    path: Path, source: str, latest: int, notify: Notify, config: dict[str, str] | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The projections as last checkpointed, while another process holds them: read in place
    when it holds them read-only, else from a copy of the file (its WAL, the unfinished part,
    left out) in a temporary folder removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="planledger-") as scratch:
        try:
            connection = connect_read_only(path, config)
            how = "another process holds it"
        except duckdb.Error as e:
            if not is_lock_error(e):
                raise ProjectionsBusyError(f"cannot read the projections at {path}: {first_line(e)}") from None
            copy = Path(scratch) / path.name
            shutil.copyfile(path, copy)
            try:
                connection = connect_read_only(copy, config)
            except duckdb.Error as e:
                msg = f"projections busy: another process is writing {path} and its last checkpoint cannot be read ({first_line(e)})"
                raise ProjectionsBusyError(msg) from None
            how = "another process holds it for writing"
        try:
            positions = tracked(connection, source)
            if positions is None:
                msg = f"projections busy: another process holds {path} and it has no projections of this ledger yet"
                raise ProjectionsBusyError(msg)
            behind = max(0, latest - positions[0])
            notify(
                f"notice: {how} ({path}); answering from its last consistent state"
                + (f", which lacks up to {behind} notifications" if behind else "")
            )
            yield connection
        finally:
            connection.close()
