"""Concurrency: several `planledger import` processes given overlapping sets of filings at once,
on one SQLite file or one PostgreSQL store (and one projections file). No filing is stored
twice or lost, every plan's positions and hash chain stay whole, no process fails, and the
ledger ends as a sequential import of the same filings leaves it."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ledger.application import Ledger
from ledger.cli import app
from projections import runner
from tests.bulk import check_whole_filings, synthetic_documents
from tests.cli import planledger

PROCESSES = 4
NET_ASSETS = "SELECT plan_id, year_end, reported_last, replayed FROM net_assets ORDER BY ALL"


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """150 filings: 30 plans, 5 years each."""
    return synthetic_documents(tmp_path_factory.mktemp("documents"), plans=30, years=5)


@pytest.fixture(scope="module")
def sequential(documents, tmp_path_factory):
    """What one import of every filing leaves: plans with their filings and events, and the
    net assets the projections replay."""
    home = tmp_path_factory.mktemp("sequential")
    assert planledger(home, "import", *map(str, documents[0])).returncode == 0
    return outcome(home, None)


def outcome(home: Path, store: str | None):
    ledger = Ledger.open(home, store)
    try:
        plans = sorted((s.plan_id, s.name, s.filings, s.events, tuple(sorted(s.year_ends))) for s in ledger.plans())
    finally:
        ledger.close()
    with runner.read_only(home) as connection:
        return plans, connection.execute(NET_ASSETS).fetchall()


def overlapping_subsets(paths: list[Path], seed: int) -> list[list[Path]]:
    """Each process gets its share of the filings plus about 60% of the others, in an order of
    its own: every filing is offered at least once, most of them two or three times."""
    rng = random.Random(seed)
    subsets: list[list[Path]] = [[] for _ in range(PROCESSES)]
    for i, path in enumerate(paths):
        for k in range(PROCESSES):
            if k == i % PROCESSES or rng.random() < 0.6:
                subsets[k].append(path)
    for subset in subsets:
        rng.shuffle(subset)
    return subsets


def import_concurrently(home: Path, store: str | None, subsets: list[list[Path]]) -> list[list[dict]]:
    """Start one `planledger import` per subset at once; wait for all; return their reports."""
    options = ["--home", str(home)] + (["--store", store] if store else [])
    started = []
    for k, subset in enumerate(subsets):
        out, err = home / f"out{k}.json", home / f"err{k}.txt"
        command = [sys.executable, "-m", "ledger", *options, "import", "--format", "json", *map(str, subset)]
        with out.open("w") as stdout, err.open("w") as stderr:
            started.append((subprocess.Popen(command, stdout=stdout, stderr=stderr), out, err))
    reports = []
    for process, out, err in started:
        assert process.wait(timeout=300) == 0, err.read_text()
        assert "Traceback" not in err.read_text()
        reports.append(json.loads(out.read_text()))
    return reports


def check_concurrent_imports(home: Path, store: str | None, documents, sequential, seed: int) -> None:
    paths, filings = documents
    home.mkdir(exist_ok=True)
    reports = import_concurrently(home, store, overlapping_subsets(paths, seed))

    imported = Counter(r["document"] for rs in reports for r in rs if r["status"] == "imported")
    assert imported == Counter(map(str, paths)), "each filing imported by exactly one process"
    assert {r["status"] for rs in reports for r in rs} == {"imported", "duplicate"}

    ledger = Ledger.open(home, store)
    try:
        assert check_whole_filings(ledger) == filings
        runner.catch_up(ledger, home)  # any process that found the projections busy left the rest
        runner.rebuild(ledger, home / "rebuilt")
    finally:
        ledger.close()
    assert outcome(home, store) == sequential
    with runner.read_only(home) as caught_up, runner.read_only(home / "rebuilt") as rebuilt:
        for table in ("events", "findings"):
            query = f"SELECT * FROM {table} ORDER BY ALL"
            assert caught_up.execute(query).fetchall() == rebuilt.execute(query).fetchall()


def test_overlapping_imports_into_one_sqlite_file(tmp_path, documents, sequential):
    check_concurrent_imports(tmp_path / "home", None, documents, sequential, seed=21)


def test_overlapping_imports_into_one_postgres_store(tmp_path, documents, sequential, pg_url):
    check_concurrent_imports(tmp_path / "home", pg_url, documents, sequential, seed=22)


def test_busy_projections_leave_the_import_stored_and_say_so(tmp_path, documents, monkeypatch):
    """DuckDB lets one process write the projections; an import that cannot get them within
    the wait still stores its filings, warns, and exits 0; the next command catches up."""
    paths, filings = documents
    home = tmp_path / "home"
    planledger(home, "import", str(paths[0]))
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print(flush=True); time.sleep(60)",
         str(runner.projections_path(home))],
        stdout=subprocess.PIPE,
    )
    try:
        holder.stdout.readline()  # the file is open
        monkeypatch.setattr(runner, "LOCK_WAIT", 0.5)
        start = time.perf_counter()
        result = CliRunner().invoke(app, ["--home", str(home), "import", *map(str, paths[1:5])])
        assert time.perf_counter() - start < 30
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "warning: the filings are stored, but projections busy: another process has" in said
    assert "catch up on the next command (or run `planledger rebuild`)" in said

    ledger = Ledger.open(home)
    try:
        assert len(check_whole_filings(ledger)) == 5
        assert runner.catch_up(ledger, home) == sum(list(filings.values())[1:5])
    finally:
        ledger.close()
    with duckdb.connect(str(runner.projections_path(home)), read_only=True) as connection:
        assert connection.execute("SELECT count(DISTINCT filing_id) FROM events").fetchone() == (5,)
