"""Where the events live: a SQLite file by default, PostgreSQL for shared ledgers.

Both go through eventsourcing's own persistence modules. Our recorders differ from the
library's in the tables they create: a trigger makes the database itself refuse UPDATE
and DELETE (and TRUNCATE on PostgreSQL) of stored events, so the store is append-only even for
someone who bypasses planledger. For speed, the SQLite recorder inserts a transaction's rows
with one `executemany`, the PostgreSQL one with one binary COPY, and both answer "which of
these ids are stored?" in one query.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from itertools import islice
from pathlib import Path
from typing import Any
from uuid import UUID
from urllib.parse import parse_qs, unquote, urlparse

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import retry
import psycopg
from psycopg.sql import SQL, Identifier

APPEND_ONLY_MESSAGE = "planledger: stored events are append-only"


class AppendOnlySQLiteApplicationRecorder(SQLiteApplicationRecorder):
    def _insert_events(self, c, stored_events: Sequence[StoredEvent], **_: Any) -> Sequence[int]:
        """One `executemany` instead of the library's statement per row. The notification
        ids are the rowids given in this write transaction: consecutive, because no other
        writer can interleave and no row can ever be deleted (max(rowid) only grows)."""
        c.executemany(self.insert_events_statement, rows(stored_events))
        c.execute("SELECT last_insert_rowid()")
        last = c.fetchone()[0]
        return list(range(last - len(stored_events) + 1, last + 1))

    def stored_originators(self, originator_ids: Sequence[UUID]) -> set[UUID]:
        """Which of these ids have any stored event: one indexed query for a whole group."""
        found: set[UUID] = set()
        with self.datastore.transaction(commit=False) as c:
            for chunk in chunks(originator_ids, 500):
                marks = ", ".join("?" * len(chunk))
                c.execute(
                    f"SELECT DISTINCT originator_id FROM {self.events_table_name} WHERE originator_id IN ({marks})",
                    [i.hex for i in chunk],
                )
                found.update(UUID(row[0]) for row in c.fetchall())
        return found

    def last_events(self, originator_ids: Sequence[UUID]) -> dict[UUID, StoredEvent]:
        """Each stored id's last event: one query for a whole group. With max(), SQLite takes
        the row's other columns from the row holding the maximum."""
        found: dict[UUID, StoredEvent] = {}
        with self.datastore.transaction(commit=False) as c:
            for chunk in chunks(originator_ids, 500):
                marks = ", ".join("?" * len(chunk))
                c.execute(
                    f"SELECT originator_id, max(originator_version), topic, state FROM {self.events_table_name} "
                    f"WHERE originator_id IN ({marks}) GROUP BY originator_id",
                    [i.hex for i in chunk],
                )
                for row in c.fetchall():
                    found[UUID(row[0])] = StoredEvent(UUID(row[0]), row[1], row[2], row[3])
        return found

    def construct_create_table_statements(self) -> list[str]:
        table = self.events_table_name
        return [
            *super().construct_create_table_statements(),
            *(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} "
                f"BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
                for action in ("UPDATE", "DELETE")
            ),
        ]


class AppendOnlyPostgresApplicationRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        schema = Identifier(self.datastore.schema)
        table = Identifier(self.events_table_name)
        function = Identifier(f"{self.events_table_name}_append_only")
        self.sql_create_statements += [
            SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{function}() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION '{message}' USING ERRCODE = 'insufficient_privilege'; "
                "END $$"
            ).format(schema=schema, function=function, message=SQL(APPEND_ONLY_MESSAGE)),
            SQL(
                "CREATE OR REPLACE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {schema}.{table} "
                "FOR EACH ROW EXECUTE FUNCTION {schema}.{function}()"
            ).format(
                trigger=Identifier(f"{self.events_table_name}_no_change"),
                schema=schema,
                table=table,
                function=function,
            ),
            SQL(
                "CREATE OR REPLACE TRIGGER {trigger} BEFORE TRUNCATE ON {schema}.{table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION {schema}.{function}()"
            ).format(
                trigger=Identifier(f"{self.events_table_name}_no_truncate"),
                schema=schema,
                table=table,
                function=function,
            ),
        ]

        self.copy_statement = SQL(
            "COPY {schema}.{table} (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)"
        ).format(schema=schema, table=table)
        self.last_notification_statement = SQL("SELECT currval(pg_get_serial_sequence(%s, 'notification_id')) AS last")
        self.qualified_table = ".".join('"' + name.replace('"', '""') + '"' for name in (self.datastore.schema, self.events_table_name))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """One COPY per transaction instead of the library's INSERT of an array, with its
        semantics kept: the table is locked (EXCLUSIVE) before any id is drawn, so ids are
        given in commit order and a reader tailing the log never passes a gap filled later;
        listeners are notified; a duplicate key rolls the whole transaction back and is raised
        as eventsourcing's IntegrityError (the datastore maps psycopg's UniqueViolation).

        The ids: COPY draws one per row, in row order, from the table's sequence; while the
        lock is held no other session can draw from it, so this transaction's ids are the
        `len(stored_events)` values ending at the session's `currval`."""
        if not stored_events:
            return []
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._insert_events(curs, stored_events, **kwargs)
            self._lock_table(curs)
            self._notify_channel(curs)
            with curs.copy(self.copy_statement) as copy:
                copy.set_types([self.datastore.originator_id_type, "int8", "text", "bytea"])
                write = copy.write_row
                for s in stored_events:
                    write((s.originator_id, s.originator_version, s.topic, s.state))
            curs.execute(self.last_notification_statement, [self.qualified_table])
            last = curs.fetchone()["last"]
        return list(range(last - len(stored_events) + 1, last + 1))

    def stored_originators(self, originator_ids: Sequence[UUID]) -> set[UUID]:
        """Which of these ids have any stored event: one query for a whole group, a nested loop
        probing the primary key once per id. Written as `originator_id = ANY(...)`, the same
        question is a sequential scan of the whole table whenever the planner has no statistics
        yet (a table filled since its last ANALYZE, as all through a bulk import): at 100,000
        plan-years that scan was most of the import's time."""
        return {row["id"] for row in self._per_id("", "SELECT 1 FROM {schema}.{table} e WHERE e.originator_id = u.id LIMIT 1", originator_ids)}

    def last_events(self, originator_ids: Sequence[UUID]) -> dict[UUID, StoredEvent]:
        """Each stored id's last event: one query for a whole group, probing the primary key per
        id (see `stored_originators`)."""
        rows = self._per_id(
            ", e.originator_version, e.topic, e.state",
            "SELECT originator_version, topic, state FROM {schema}.{table} e WHERE e.originator_id = u.id "
            "ORDER BY e.originator_version DESC LIMIT 1",
            originator_ids,
        )
        return {row["id"]: StoredEvent(row["id"], row["originator_version"], row["topic"], bytes(row["state"])) for row in rows}

    def _per_id(self, columns: str, probe: str, originator_ids: Sequence[UUID]) -> list[dict]:
        """`probe` (which sees the id as `u.id`) run for each id, as a nested loop in one query."""
        statement = SQL("SELECT u.id" + columns + " FROM unnest(%s::{kind}[]) AS u(id) CROSS JOIN LATERAL (" + probe + ") AS e").format(
            kind=SQL(self.datastore.originator_id_type),
            schema=Identifier(self.datastore.schema),
            table=Identifier(self.events_table_name),
        )
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(statement, [list(originator_ids)])
            return curs.fetchall()

    def create_table(self) -> None:
        """Processes opening the store at once take turns (a session advisory lock): run
        concurrently, PostgreSQL's CREATE ... IF NOT EXISTS and CREATE OR REPLACE deadlock."""
        key = f"planledger:{self.datastore.schema}.{self.events_table_name}"
        with self.datastore.get_connection() as conn:
            conn.execute("SELECT pg_advisory_lock(hashtext(%s))", [key])
            try:
                with self.datastore.transaction(commit=True) as curs:
                    curs.execute(
                        SQL("CREATE SCHEMA IF NOT EXISTS {0}").format(Identifier(self.datastore.schema))
                    )
                super().create_table()
            finally:
                conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", [key])


def rows(stored_events: Sequence[StoredEvent]) -> list[tuple]:
    """Parameters for the insert; a stream's rows come together, so its id is converted once."""
    out = []
    last, text = None, ""
    for s in stored_events:
        if s.originator_id is not last:
            last = s.originator_id
            text = last.hex if isinstance(last, UUID) else last
        out.append((text, s.originator_version, s.topic, s.state))
    return out


def chunks(items: Sequence[UUID], size: int):
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class StoreConfigError(ValueError):
    """A store location the user gave that cannot be used."""


def default_home() -> Path:
    return Path(os.environ.get("PLANLEDGER_HOME") or ".planledger")


def chosen_store(store: str | None) -> str:
    return store or os.environ.get("PLANLEDGER_STORE") or ""


def sqlite_path(home: Path, store: str | None = None) -> Path | None:
    """The SQLite file the ledger keeps its events in, or None for another kind of store."""
    store = chosen_store(store)
    if not store:
        return home / "events.sqlite3"
    if store.startswith("sqlite:///"):
        return Path(store.removeprefix("sqlite:///"))
    return None


def store_env(home: Path, store: str | None = None) -> dict[str, str]:
    """The eventsourcing settings for a ledger: explicit, so a user's own environment
    variables (PERSISTENCE_MODULE, ...) cannot redirect it by surprise."""
    store = chosen_store(store)
    if not store:
        home.mkdir(parents=True, exist_ok=True)
        return sqlite_env(home / "events.sqlite3")
    if store.startswith(("postgresql://", "postgres://")):
        return postgres_env(store)
    if store.startswith("sqlite:///"):
        return sqlite_env(Path(store.removeprefix("sqlite:///")))
    msg = f"unsupported store {store!r}: expected a postgresql:// URL or sqlite:///PATH"
    raise StoreConfigError(msg)


def check_sqlite_store(path: Path) -> None:
    """Refuse a file that is not SQLite, or is SQLite holding tables but not the events table,
    before eventsourcing writes its tables into someone else's database."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = sorted(r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
        finally:
            connection.close()
    except sqlite3.Error as e:
        msg = f"{path} is not a planledger event store: {e}"
        raise StoreConfigError(msg) from None
    if tables and "stored_events" not in tables:
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        msg = f"{path} is not a planledger event store: it is an SQLite database of other tables ({shown})"
        raise StoreConfigError(msg)


def connection_problem(store: str | None) -> str | None:
    """Why PostgreSQL refuses the store's connection, in the server's own words (the pool
    only says it timed out), or None when it connects or the store is not PostgreSQL."""
    store = chosen_store(store)
    if not store.startswith(("postgresql://", "postgres://")):
        return None
    env = postgres_env(store)
    try:
        psycopg.connect(
            host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"], user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"] or None, dbname=env["POSTGRES_DBNAME"], connect_timeout=5,
        ).close()
    except psycopg.Error as e:
        return " ".join(line.strip() for line in str(e).splitlines() if line.strip())
    return None


def sqlite_env(path: Path) -> dict[str, str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    check_sqlite_store(path)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(path),
        "SQLITE_LOCK_TIMEOUT": "30",
        "APPLICATION_RECORDER_TOPIC": f"{__name__}:AppendOnlySQLiteApplicationRecorder",
    }


def postgres_env(url: str) -> dict[str, str]:
    parts = urlparse(url)
    query = parse_qs(parts.query)
    try:
        port = parts.port or 5432
    except ValueError as e:
        msg = f"store URL {url!r} has a bad port: {e}"
        raise StoreConfigError(msg) from None
    if not parts.path.strip("/"):
        msg = f"store URL {url!r} names no database (postgresql://USER@HOST:PORT/DBNAME)"
        raise StoreConfigError(msg)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(parts.path.strip("/")),
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": unquote(parts.username or os.environ.get("USER", "postgres")),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_SCHEMA": query.get("schema", [""])[0],
        "POSTGRES_CONNECT_TIMEOUT": "5",
        "POSTGRES_LOCK_TIMEOUT": "30",
        "APPLICATION_RECORDER_TOPIC": f"{__name__}:AppendOnlyPostgresApplicationRecorder",
    }
