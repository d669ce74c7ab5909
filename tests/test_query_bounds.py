"""`planledger query` is bounded: a time limit, a spill-disk and memory limit with the spill
folder outside the home (removed afterwards), Ctrl-C cancels it, every statement type DuckDB
knows is run or refused in one line, and a query file that is not UTF-8 is a one-line error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.cli import planledger
from tests.samples import transcribed_samples_home

ENDLESS = "SELECT count(*) FROM range(1000000000000) t(i) WHERE hash(i) = 7"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return transcribed_samples_home(tmp_path_factory.mktemp("query_bounds"))


def one_line_error(result: subprocess.CompletedProcess, start: str) -> None:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(start), result.stderr
    assert result.returncode != 0


def test_a_query_past_its_timeout_is_stopped(home):
    started = time.monotonic()
    result = planledger(home, "query", ENDLESS, "--timeout", "1")
    assert time.monotonic() - started < 30
    one_line_error(result, "error: query stopped: it ran longer than --timeout 1 s")
    assert result.returncode == 2


def test_ctrl_c_cancels_a_query(home):
    process = subprocess.Popen(
        [sys.executable, "-m", "ledger", "--home", str(home), "query", ENDLESS], stderr=subprocess.PIPE, text=True
    )
    time.sleep(3)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 130
    assert process.stderr.read() == "error: query cancelled (Ctrl-C)\n"


def test_a_query_spilling_past_the_disk_limit_fails_in_one_line_and_leaves_nothing_behind(home):
    before = sorted(p.name for p in home.iterdir())
    env = {**os.environ, "PLANLEDGER_DUCKDB_MEMORY": "100MB", "PLANLEDGER_QUERY_TEMP": "10MB"}
    sql = "SELECT i, hash(i) AS h, repeat('x', 50) FROM range(30000000) t(i) ORDER BY h OFFSET 29999999"
    result = subprocess.run(
        [sys.executable, "-m", "ledger", "--home", str(home), "query", sql], capture_output=True, text=True, timeout=300, env=env
    )
    one_line_error(result, "error: query failed: Out of Memory Error")
    assert "PLANLEDGER_QUERY_TEMP" in result.stderr
    assert sorted(p.name for p in home.iterdir()) == before  # no spill folder in the home


@pytest.mark.parametrize("sql", [
    "UPDATE EXTENSIONS", "UPDATE EXTENSIONS (json)", "INSTALL json", "LOAD json", "ATTACH ':memory:' AS m",
    "COPY events TO 'x.csv'", "PRAGMA version", "SET threads = 1", "SET VARIABLE x = 1", "RESET threads",
    "CALL pragma_version()", "EXPLAIN SELECT 1", "EXPLAIN ANALYZE SELECT 1", "PIVOT events ON type USING count(*)",
    "IMPORT DATABASE 'x'", "EXPORT DATABASE 'x'", "CREATE MACRO m() AS 1", "ANALYZE", "VACUUM", "CHECKPOINT",
    "PREPARE p AS SELECT 1", "EXECUTE p", "DEALLOCATE p", "COMMENT ON TABLE events IS 'x'", "CREATE TYPE t AS INT",
    "MERGE INTO events USING events e ON true WHEN MATCHED THEN DELETE", "DETACH DATABASE projections", "USE memory",
    "BEGIN", "COMMIT", "ROLLBACK", "INSERT INTO events SELECT * FROM events", "DROP TABLE events",
])
def test_every_statement_type_other_than_a_query_is_refused_in_one_line(home, sql):
    result = planledger(home, "query", sql)
    one_line_error(result, "error: refused: `planledger query` only reads;")
    assert result.returncode == 2 and result.stdout == ""


@pytest.mark.parametrize("sql", ["SELECT 1 AS a", "FROM events LIMIT 1", "DESCRIBE events", "SHOW TABLES", "SUMMARIZE plans",
                                 "WITH t AS (SELECT 1 AS a) SELECT * FROM t", "SELECT getvariable('x') AS v"])
def test_queries_run(home, sql):
    result = planledger(home, "query", sql, "--format", "json")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr


@pytest.mark.parametrize("sql", ["SELECT * FROM read_text('/etc/passwd')", "SELECT nosuchcolumn FROM events", "SELEC 1"])
def test_a_failing_query_is_one_line(home, sql):
    result = planledger(home, "query", sql)
    one_line_error(result, "error: ")
    assert result.returncode == 2


def test_a_query_file_that_is_not_utf8_is_one_line(home, tmp_path):
    path = tmp_path / "latin1.sql"
    path.write_bytes("SELECT 'Société' AS s".encode("latin-1"))
    result = planledger(home, "query", "--file", str(path))
    one_line_error(result, f"error: cannot read {path}: not UTF-8 text")
    assert result.returncode == 2
