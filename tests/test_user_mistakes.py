"""Every user mistake is one line: each case drives `planledger` in a subprocess and expects a
single line on stderr, a non-zero exit status and no traceback."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.cli import planledger
from tests.conftest import PG_BASE_URL, SEEDS, require_postgres


def one_line(result: subprocess.CompletedProcess, *expected: str) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert result.returncode != 0
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


def test_a_garbage_event_store_is_one_line(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "events.sqlite3").write_bytes(b"not a database at all " * 200)
    for command in (["plans"], ["import", str(SEEDS)]):
        result = planledger(home, *command)
        one_line(result, "error: cannot open the event store:", "is not a planledger event store: file is not a database")
        assert result.returncode == 2


def test_a_foreign_sqlite_file_is_refused_and_left_alone(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    path = home / "events.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    before = path.read_bytes()
    result = planledger(home, "import", str(SEEDS))
    one_line(result, f"{path} is not a planledger event store: it is an SQLite database of other tables (recipes)")
    assert path.read_bytes() == before


def test_a_home_that_is_a_file_is_one_line(tmp_path):
    home = tmp_path / "home"
    home.write_text("I am a file")
    one_line(planledger(home, "import", str(SEEDS)), "error: cannot open the event store:", "File exists")


def test_a_home_that_cannot_be_made_is_one_line(tmp_path):
    one_line(planledger(Path("/proc/planledger-home"), "import", str(SEEDS)), "error: cannot open the event store:")


def test_a_home_inside_a_read_only_place_is_one_line(tmp_path):
    one_line(planledger(Path("/proc/self/planledger"), "import", str(SEEDS)), "error: cannot open the event store:")


@pytest.mark.parametrize("store, says", [
    ("mysql://root@127.0.0.1/test", "unsupported store 'mysql://root@127.0.0.1/test'"),
    ("postgresql://postgres@127.0.0.1:99999/test", "has a bad port: Port out of range 0-65535"),
    ("postgresql://postgres@127.0.0.1:port/test", "has a bad port"),
    ("postgresql://postgres@127.0.0.1:5432", "names no database"),
])
def test_a_bad_store_url_is_one_line(tmp_path, store, says):
    result = planledger(tmp_path / "home", "plans", store=store)
    one_line(result, "error: cannot open the event store:", says)
    assert result.returncode == 2


def pg_url_with(user: str | None = None, database: str | None = None) -> str:
    from urllib.parse import urlparse

    base = urlparse(require_postgres())
    netloc = f"{user or base.username}@{base.hostname}:{base.port or 5432}"
    return f"postgresql://{netloc}/{database or base.path.strip('/')}"


@pytest.mark.skipif(PG_BASE_URL is None, reason="no PostgreSQL server")
def test_a_wrong_postgres_user_carries_the_servers_reason(tmp_path):
    result = planledger(tmp_path / "home", "plans", store=pg_url_with(user="no_such_role_14"))
    one_line(result, "error: cannot open the event store:", 'role "no_such_role_14" does not exist')


@pytest.mark.skipif(PG_BASE_URL is None, reason="no PostgreSQL server")
def test_a_wrong_postgres_database_carries_the_servers_reason(tmp_path):
    result = planledger(tmp_path / "home", "plans", store=pg_url_with(database="no_such_db_14"))
    one_line(result, "error: cannot open the event store:", 'database "no_such_db_14" does not exist')


def test_synth_out_pointing_at_a_file_is_one_line(tmp_path):
    target = tmp_path / "a-file"
    target.write_text("x")
    result = planledger(tmp_path / "home", "synth", "--plans", "1", "--years", "1", "--out", str(target))
    one_line(result, f"error: cannot write the filings to {target}:")
    assert target.read_text() == "x"


@pytest.mark.parametrize("command", [
    ["plans"], ["audit"], ["query", "SELECT 1"], ["events"], ["replay", "--plan", "x"], ["verify"],
])
def test_read_only_commands_find_no_ledger_instead_of_making_one(tmp_path, command):
    home = tmp_path / "nothing-here"
    result = planledger(home, *command)
    one_line(result, f"error: no ledger at {home / 'events.sqlite3'}")
    assert result.returncode == 2
    assert not home.exists()
