"""Getting data out: every public table and view of the projections, or one query's result,
written by DuckDB itself (`COPY ... TO`), never by hand.

Types kept: money stays DECIMAL(18,2) (findings' figures DECIMAL(18,4)), dates DATE, and UUIDs are
written as their canonical 36-character strings, so every reader (DuckDB, pyarrow, pandas, a
spreadsheet) sees the same text `planledger plans` prints, never 16 raw bytes. An export carries a
`manifest.json`: each file's table, row count, columns with their types, and sha256; the
projections' position in the event store's notification log; the planledger version.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from uuid import UUID

import duckdb

# The tables and views queries/README.md documents; `tracking` and `projection_meta` are bookkeeping.
PUBLIC_TABLES = (
    "plans", "filings", "events", "net_assets", "statement_lines", "statement_sums", "holdings",
    "forfeitures", "loans", "findings", "readings",
    "form5500", "form5500_latest", "form5500_comparisons", "explained_differences",
)

EXPORT_FORMATS = {"parquet": "FORMAT parquet, COMPRESSION zstd", "csv": "FORMAT csv, HEADER true"}
OUT_FORMATS = {".parquet": "FORMAT parquet, COMPRESSION zstd", ".csv": "FORMAT csv, HEADER true", ".json": "FORMAT json, ARRAY true"}
MANIFEST = "manifest.json"


class ExportError(ValueError):
    """A target the user can fix: reported in one line."""


def planledger_version() -> str:
    try:
        return version("planledger")
    except PackageNotFoundError:
        return "unknown"


def check_directory(directory: Path) -> None:
    """An export never mixes with other files: the folder must be new or empty."""
    if directory.exists() and not directory.is_dir():
        raise ExportError(f"{directory} exists and is not a folder")
    if directory.is_dir() and any(directory.iterdir()):
        raise ExportError(f"{directory} exists and is not empty; export into a new or empty folder")


def quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def select_list(connection: duckdb.DuckDBPyConnection, relation: str) -> str:
    """Every column, UUIDs cast to their canonical string (never binary)."""
    described = connection.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    return ", ".join(
        f'"{name}"::VARCHAR AS "{name}"' if kind == "UUID" else f'"{name}"' for name, kind, *_ in described
    )


def columns_of(connection: duckdb.DuckDBPyConnection, select: str) -> list[dict[str, str]]:
    return [{"name": name, "type": kind} for name, kind, *_ in connection.execute(f"DESCRIBE {select}").fetchall()]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def positions(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """How far the projections have read the store's notification log (events; findings)."""
    return dict(connection.execute("SELECT application_name, notification_id FROM tracking ORDER BY 1").fetchall())


def export(
    connection: duckdb.DuckDBPyConnection, directory: Path, fmt: str, plan_ids: list[UUID] | None = None
) -> dict[str, Any]:
    """Write every public table (only `plan_ids`' rows, when given) into `directory`, then the
    manifest; return the manifest. The connection must be allowed to write into `directory`."""
    options = EXPORT_FORMATS[fmt]
    where = ""
    if plan_ids is not None:
        where = " WHERE plan_id IN (" + ", ".join(f"'{p}'::UUID" for p in plan_ids) + ")"
    files = []
    for table in PUBLIC_TABLES:
        order = "notification_id" if table in ("events", "form5500", "form5500_latest") else "ALL"
        select = f"SELECT {select_list(connection, table)} FROM {table}{where} ORDER BY {order}"
        path = directory / f"{table}.{fmt}"
        (rows,) = connection.execute(f"COPY ({select}) TO {quoted(path)} ({options})").fetchone()
        files.append({
            "file": path.name,
            "table": table,
            "rows": rows,
            "columns": columns_of(connection, select),
            "sha256": sha256(path),
        })
    manifest = {
        "planledger_version": planledger_version(),
        "format": fmt,
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "position": positions(connection),
        "plans": None if plan_ids is None else [str(p) for p in plan_ids],
        "files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def out_format(path: Path) -> str:
    """The `COPY` options the output file's extension asks for."""
    options = OUT_FORMATS.get(path.suffix.lower())
    if options is None:
        known = ", ".join(OUT_FORMATS)
        raise ExportError(f"--out {path}: unknown extension {path.suffix or '(none)'!r}; use one of {known}")
    return options


def copy_query(connection: duckdb.DuckDBPyConnection, query: str, path: Path) -> int:
    """Write one already validated query's result to `path` through DuckDB's COPY; return its rows.
    UUIDs become strings as in an export. The query goes on lines of its own, so a trailing `--`
    comment cannot swallow the COPY."""
    options = out_format(path)
    try:
        subquery = f"(\n{query}\n)"
        query = f"SELECT {select_list(connection, subquery)} FROM {subquery}"
    except duckdb.ParserException:
        pass  # DESCRIBE, SHOW, SUMMARIZE: no UUID columns to cast, and not a subquery
    statement = f"COPY (\n{query}\n) TO {quoted(path)} ({options})"
    (rows,) = connection.execute(statement).fetchone()
    return rows
