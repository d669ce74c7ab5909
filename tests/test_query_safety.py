"""`planledger query` cannot change the projections or the event store.

Every statement that writes, reaches outside the projections or changes a setting ends with
exit status 2 and a one-line error, and afterwards both files are byte for byte as before,
with no file added beside them.
"""

from __future__ import annotations

import hashlib
import sqlite3

import duckdb
import pytest

from tests.cli import planledger, planledger_json
from tests.samples import transcribed_samples_home


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return transcribed_samples_home(tmp_path_factory.mktemp("query_safety"))


def fingerprint(home) -> dict:
    """What a write would change: the files, each table's rows, the store's last row.
    (SQLite's own -wal and -shm files come and go with readers; the rows read through them.)"""
    files = {
        str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in home.rglob("*")
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }
    projections = duckdb.connect(str(home / "projections.duckdb"), read_only=True)
    try:
        tables = {
            t: projections.execute(f"SELECT count(*), bit_xor(hash(x)) FROM {t} x").fetchone()
            for t in ("events", "findings", "tracking", "projection_meta")
        }
        views = projections.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchone()
    finally:
        projections.close()
    store = sqlite3.connect(f"file:{home / 'events.sqlite3'}?mode=ro", uri=True)
    try:
        last = store.execute("SELECT max(rowid) FROM stored_events").fetchone()[0]
        first = store.execute("SELECT originator_id, originator_version, state FROM stored_events WHERE rowid = 1").fetchone()
    finally:
        store.close()
    return {"files": files, "tables": tables, "views": views, "last_notification": last, "first_row": first}


@pytest.fixture(scope="module")
def untouched(home):
    return fingerprint(home)


WRITES = [
    "INSERT INTO events SELECT * FROM events",
    "INSERT INTO findings SELECT * FROM findings",
    "UPDATE events SET amount = 0",
    "DELETE FROM tracking",
    "DROP TABLE events",
    "DROP VIEW net_assets",
    "ALTER TABLE events ADD COLUMN x INTEGER",
    "CREATE TABLE stolen AS SELECT * FROM events",
    "CREATE OR REPLACE VIEW net_assets AS SELECT 1",
    "CREATE TEMP TABLE scratch AS SELECT 1",
    "CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 's')",
    "PREPARE p AS DELETE FROM events",
    "BEGIN TRANSACTION",
    "CHECKPOINT",
    "VACUUM",
    "CALL checkpoint()",
    "CALL force_checkpoint()",
]
OUTSIDE = [
    "ATTACH '{home}/events.sqlite3' AS es (TYPE sqlite)",
    "ATTACH '{home}/events.sqlite3' AS es",
    "ATTACH '{home}/projections.duckdb' AS p2",
    "ATTACH '{home}/projections.duckdb' AS p2 (READ_WRITE)",
    "ATTACH ':memory:' AS scratch",
    "DETACH projections",
    "USE memory",
    "COPY events TO '{home}/out.csv'",
    "COPY (SELECT 1) TO '{home}/out.parquet' (FORMAT parquet)",
    "EXPORT DATABASE '{home}/export'",
    "INSTALL sqlite",
    "LOAD sqlite",
]
SETTINGS = [
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "RESET enable_external_access",
    "SET memory_limit = '1GB'",
    "PRAGMA threads = 1",
    "PRAGMA enable_profiling",
]
SEVERAL = [
    "SELECT 1; DROP TABLE events",
    "SELECT 1; INSERT INTO findings SELECT * FROM findings",
    "SELECT 1 AS a;\nATTACH '{home}/projections.duckdb' AS p2 (READ_WRITE); DELETE FROM p2.events",
    "DROP TABLE events; SELECT 1",
]


@pytest.mark.parametrize("sql", WRITES + OUTSIDE + SETTINGS + SEVERAL)
def test_a_statement_that_is_not_a_query_is_refused_before_it_runs(home, untouched, sql):
    result = planledger(home, "query", sql.format(home=home))
    assert result.returncode == 2
    assert result.stderr.startswith("error: refused: `planledger query` only reads;")
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert fingerprint(home) == untouched


@pytest.mark.parametrize("sql", [
    "SELECT * FROM read_csv('{home}/events.sqlite3')",
    "SELECT * FROM read_blob('{home}/events.sqlite3')",
    "SELECT * FROM sqlite_scan('{home}/events.sqlite3', 'stored_events')",
    "SELECT * FROM query('DROP TABLE events')",
    "SELECT * FROM glob('{home}/*')",
])
def test_a_query_reaching_outside_the_projections_fails_cleanly(home, untouched, sql):
    result = planledger(home, "query", sql.format(home=home))
    assert result.returncode == 2
    assert result.stderr.startswith(("error: refused: queries may only read", "error: query failed:"))
    assert "Traceback" not in result.stderr
    assert fingerprint(home) == untouched


def test_a_query_file_is_held_to_the_same_rule(home, untouched, tmp_path):
    sql = tmp_path / "sneaky.sql"
    sql.write_text("-- looks like a report\nSELECT count(*) FROM events;\nDELETE FROM events;\n")
    result = planledger(home, "query", "--file", str(sql))
    assert result.returncode == 2 and "DELETE statements are not allowed" in result.stderr
    assert fingerprint(home) == untouched


def test_reading_still_works(home, untouched):
    assert planledger_json(home, "query", "SELECT count(*) AS n FROM events") == [{"n": 258}]
    assert {"column_name": "plan_id"} in [
        {"column_name": r["column_name"]} for r in planledger_json(home, "query", "DESCRIBE events")
    ]
    assert planledger_json(home, "query", "SELECT 1 AS a; SELECT 2 AS b;") == [{"b": 2}]
    assert planledger_json(home, "query", "WITH t AS (SELECT 3 AS c) FROM t") == [{"c": 3}]
    assert fingerprint(home) == untouched


@pytest.mark.parametrize("sql", ["", "  ;  ", "/* nothing */", "SELEC 1"])
def test_empty_or_broken_sql_is_a_user_error(home, sql):
    result = planledger(home, "query", sql)
    assert result.returncode == 2 and result.stderr.startswith("error:") and "Traceback" not in result.stderr
