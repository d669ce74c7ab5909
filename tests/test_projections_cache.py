"""The projections are a cache of the events: whatever state `projections.duckdb` is found in
(missing, empty, garbage, someone else's DuckDB file, held open by a notebook, rebuilt by three
processes at once), `audit`, `query` and `rebuild` answer with at most a one-line notice, never a
traceback, and the file ends with its tables."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ledger.application import Ledger
from projections import runner
from tests.cli import planledger
from tests.samples import sample_batches

COUNT = "SELECT count(*) AS n FROM events"


@pytest.fixture
def home(tmp_path, store_url, monkeypatch):
    """The samples' ledger, its events in the home's SQLite file or in PostgreSQL (the commands
    run here find it through PLANLEDGER_STORE); the projections are always the home's DuckDB file."""
    if store_url.startswith("postgres"):
        monkeypatch.setenv("PLANLEDGER_STORE", store_url)
    return sqlite_home(tmp_path)


def sqlite_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    ledger = Ledger.open(home)
    for batch in sample_batches():
        ledger.record(batch)
    ledger.close()
    return home


def projected(home: Path) -> int:
    with duckdb.connect(str(runner.projections_path(home)), read_only=True) as connection:
        return connection.execute("SELECT count(*) FROM events").fetchone()[0]


def events_in_store(home: Path) -> int:
    with runner.read_only(home) as connection:
        return connection.execute("SELECT count(*) FROM events").fetchone()[0]


def notices(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("notice:")]


def assert_clean(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_missing_projections_are_built_with_a_notice(home):
    result = planledger(home, "audit")
    assert_clean(result)
    assert notices(result.stderr) == [f"notice: no projections at {runner.projections_path(home)}; building them from the events"]
    assert projected(home) == 258


@pytest.mark.parametrize("content", [b"", os.urandom(8192), b"DUCK" * 5000], ids=["empty", "garbage", "junk"])
def test_an_unreadable_file_is_moved_aside_and_rebuilt(home, content):
    path = runner.projections_path(home)
    path.write_bytes(content)
    result = planledger(home, "audit")
    assert_clean(result)
    said = notices(result.stderr)
    assert len(said) == 1 and ": moved aside to projections.duckdb.corrupt; rebuilding the projections from the events" in said[0]
    assert path.with_name("projections.duckdb.corrupt").read_bytes() == content
    assert projected(home) == 258
    again = planledger(home, "audit")  # the cache is whole: no notice the second time
    assert_clean(again) and notices(again.stderr) == []


def test_a_foreign_duckdb_file_is_kept_aside_and_the_projections_rebuilt(home):
    path = runner.projections_path(home)
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE TABLE mine AS SELECT 42 AS answer")
    result = planledger(home, "query", COUNT, "--format", "csv")
    assert_clean(result)
    assert result.stdout.split() == ["n", "258"]
    said = notices(result.stderr)
    assert len(said) == 1 and "holds tables that are not planledger's (mine): moved aside to projections.duckdb.foreign" in said[0]
    with duckdb.connect(str(path.with_name("projections.duckdb.foreign")), read_only=True) as kept:
        assert kept.execute("SELECT answer FROM mine").fetchone() == (42,)


def test_an_empty_duckdb_file_is_filled(home):
    duckdb.connect(str(runner.projections_path(home))).close()
    result = planledger(home, "audit")
    assert_clean(result)
    assert len(notices(result.stderr)) == 1 and "holds no projections of this ledger" in result.stderr
    assert projected(home) == 258


def test_rebuild_repairs_a_garbage_file(home):
    runner.projections_path(home).write_bytes(os.urandom(4096))
    result = planledger(home, "rebuild")
    assert_clean(result)
    assert projected(home) == 258


def test_three_concurrent_rebuilds_take_turns(home):
    planledger(home, "rebuild")
    for _ in range(2):
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "ledger", "--home", str(home), "rebuild"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
            for _ in range(3)
        ]
        results = [(p.wait(timeout=120), p.stderr.read()) for p in processes]
        for code, stderr in results:
            assert "Traceback" not in stderr
            assert code == 0, stderr
            assert stderr.strip().splitlines()[-1].startswith("projected 258 events into")
        assert sum("waiting for planledger process" in stderr for _, stderr in results) >= 1
        assert projected(home) == 258


HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro'); print(flush=True); time.sleep(60)"


def holding(path: Path, mode: str) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path), mode], stdout=subprocess.PIPE)
    holder.stdout.readline()  # the file is open
    return holder


def release(holder: subprocess.Popen) -> None:
    holder.kill()
    holder.wait()


def with_wait(home: Path, *args: str, wait: str = "1") -> subprocess.CompletedProcess:
    env = {**os.environ, "PLANLEDGER_PROJECTIONS_WAIT": wait}
    return subprocess.run(
        [sys.executable, "-m", "ledger", "--home", str(home), *args], capture_output=True, text=True, timeout=120, env=env
    )


def test_a_notebook_reading_does_not_stop_audit_when_nothing_needs_catching_up(home):
    assert_clean(planledger(home, "rebuild"))
    holder = holding(runner.projections_path(home), "ro")
    try:
        result = with_wait(home, "audit", "--format", "json", wait="30")
        query = with_wait(home, "query", COUNT, "--format", "csv", wait="30")
    finally:
        release(holder)
    assert_clean(result) and notices(result.stderr) == []
    assert_clean(query) and query.stdout.split() == ["n", "258"] and notices(query.stderr) == []


def test_a_notebook_writing_leaves_audit_the_last_consistent_state(home):
    assert_clean(planledger(home, "rebuild"))
    holder = holding(runner.projections_path(home), "rw")
    try:
        result = with_wait(home, "query", COUNT, "--format", "csv")
    finally:
        release(holder)
    assert_clean(result)
    assert result.stdout.split() == ["n", "258"]
    said = notices(result.stderr)
    assert len(said) == 1 and "another process holds it for writing" in said[0] and "last consistent state" in said[0]


def test_a_notebook_holding_stale_projections_is_waited_for_then_answered_around(tmp_path):
    """Two ledgers side by side: each in its own SQLite file."""
    home = sqlite_home(tmp_path)
    batches = sample_batches()
    ledger = Ledger.open(home)
    runner.catch_up(ledger, home)
    ledger.close()
    fresh = tmp_path / "other"
    other = Ledger.open(fresh)
    other.record(batches[0])
    other.close()
    assert_clean(planledger(fresh, "rebuild"))
    holder = holding(runner.projections_path(fresh), "ro")
    try:
        ledger = Ledger.open(fresh)
        for batch in batches[1:]:
            ledger.record(batch)
        ledger.close()
        result = with_wait(fresh, "audit")
    finally:
        release(holder)
    assert_clean(result)
    lines = result.stderr.splitlines()
    assert any(line.startswith("waiting up to 1 s for another process (a notebook?) that has") for line in lines)
    said = notices(result.stderr)
    assert len(said) == 1 and "answering from its last consistent state, which lacks up to" in said[0]
    assert_clean(planledger(fresh, "audit"))  # released: caught up
    assert projected(fresh) == projected(home)
