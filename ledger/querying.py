"""Running a user's SQL over the projections: only reads, bounded in time, cancellable.

The command line parses the options and prints the rows; this module decides what may run and
stops it when its time is up or the user presses Ctrl-C.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import duckdb

ALLOWED = "SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE"


class QueryError(Exception):
    """A query that may not run, or that failed: one line for the user."""


class QueryCancelled(Exception):
    """The user pressed Ctrl-C while the query ran; DuckDB was told to stop."""


def only_reads(sql: str) -> list[Any]:
    """Refuse anything but queries before running any of it: the read-only connection already
    stops writes, but CALL, ATTACH, SET or a write after a query should not even start."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as e:
        raise QueryError(f"query failed: {first_line(e)}") from None
    if not statements:
        raise QueryError("no SQL statement given")
    refused = sorted({name for name in map(statement_name, statements) if name != "SELECT"})
    if refused:
        raise QueryError(f"refused: `planledger query` only reads; {', '.join(refused)} statements are not allowed ({ALLOWED} are)")
    return statements


def statement_name(statement) -> str:
    """The statement's type; DuckDB knows types its Python enum does not (UPDATE EXTENSIONS)."""
    try:
        return statement.type.name
    except ValueError:
        words = statement.query.split()[:2]
        return "_".join(words).upper() or "UNKNOWN"


def run_bounded(connection: duckdb.DuckDBPyConnection, sql: str, timeout: float) -> tuple[list[str], list[dict[str, Any]]]:
    """Run the query in a worker thread, so the main thread can interrupt DuckDB when the time is
    up or on Ctrl-C (a signal does not reach Python while DuckDB runs)."""
    done: dict[str, Any] = {}

    def work() -> None:
        try:
            cursor = connection.execute(sql)
            done["columns"] = [d[0] for d in cursor.description or []]
            done["rows"] = cursor.fetchall()
        except BaseException as e:  # handed to the main thread
            done["error"] = e

    worker = threading.Thread(target=work, name="query", daemon=True)
    deadline = time.monotonic() + timeout
    timed_out = False
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.05)
            if not timed_out and time.monotonic() > deadline:
                connection.interrupt()
                timed_out = True
    except KeyboardInterrupt:
        stop_by = time.monotonic() + 10
        while worker.is_alive() and time.monotonic() < stop_by:  # again, if the query had not begun
            connection.interrupt()
            worker.join(0.1)
        raise QueryCancelled from None
    error = done.get("error")
    if timed_out and (error is not None or "rows" not in done):
        raise QueryError(f"query stopped: it ran longer than --timeout {timeout:g} s")
    if isinstance(error, (duckdb.PermissionException, duckdb.InvalidInputException)):
        raise QueryError(f"refused: queries may only read the projections: {first_line(error)}")
    if isinstance(error, duckdb.OutOfMemoryException):
        limits = "PLANLEDGER_DUCKDB_MEMORY and PLANLEDGER_QUERY_TEMP bound its memory and spill disk"
        raise QueryError(f"query failed: {first_line(error)} ({limits})")
    if isinstance(error, duckdb.Error):
        raise QueryError(f"query failed: {first_line(error)}")
    if error is not None:
        raise error
    columns = done["columns"]
    return columns, [dict(zip(columns, row, strict=True)) for row in done["rows"]]


def first_line(e: BaseException) -> str:
    return " ".join((str(e).strip().splitlines() or [type(e).__name__])[:1])
