"""`planledger import` parses on several processes: the reports, their order and what is stored
are those of a one-process import; duplicates are still found before parsing; Ctrl-C still
stops between groups, says what was stored, and leaves no parser process behind."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import msgspec
import pytest

from importers import MAX_BYTES, parse_document
from ledger import parsing
from ledger.application import Ledger
from ledger.importing import import_documents
from tests.bulk import check_whole_filings, synthetic_documents


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """40 filings, a copy of one (a duplicate), and a document no importer reads."""
    folder = tmp_path_factory.mktemp("documents")
    paths, _ = synthetic_documents(folder, plans=8, years=5)
    shutil.copy(paths[3], folder / "copy-of-a-filing.txt")
    (folder / "garbage.txt").write_bytes(b"\x00\xff not a filing at all \xfe")
    return folder


def reports(home, folder, jobs: int) -> list[dict]:
    paths = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    ledger = Ledger.open(home)
    try:
        out = [msgspec.to_builtins(r) for r in import_documents(ledger, paths, parse_document, MAX_BYTES, group=10, jobs=jobs)]
        check_whole_filings(ledger)
    finally:
        ledger.close()
    return out


def test_a_parallel_import_reports_and_stores_what_a_serial_one_does(tmp_path, folder):
    assert len(list(folder.iterdir())) >= parsing.MIN_DOCUMENTS_PER_JOB * 2  # the pool is used
    serial, parallel = reports(tmp_path / "serial", folder, 1), reports(tmp_path / "parallel", folder, 2)
    # A copy read ahead before its original's group is stored is parsed, then found a duplicate
    # when appended: the same outcome, said with another reason.
    outcome = [{k: v for k, v in r.items() if k in ("document", "status", "events")} for r in serial]
    assert [{k: v for k, v in r.items() if k in ("document", "status", "events")} for r in parallel] == outcome
    assert [r for r in parallel if r["status"] != "duplicate"] == [r for r in serial if r["status"] != "duplicate"]
    statuses = [r["status"] for r in parallel]
    assert statuses.count("imported") == 40 and statuses.count("duplicate") == 1 and statuses.count("rejected") + statuses.count("skipped") == 1
    again = reports(tmp_path / "parallel", folder, 2)
    assert {r["status"] for r in again if not r["document"].endswith("garbage.txt")} == {"duplicate"}
    assert all("not read again" in r["reason"] for r in again if r["status"] == "duplicate")


def stored_events(path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            return connection.execute("SELECT count(*) FROM stored_events").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_ctrl_c_stops_a_parallel_import_between_groups_and_leaves_no_parser_behind(tmp_path):
    documents = tmp_path / "many"
    synthetic_documents(documents, plans=40, years=10)
    home = tmp_path / "home"
    process = subprocess.Popen(
        [sys.executable, "-m", "ledger", "--home", str(home), "import", "--jobs", "2", str(documents)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    while stored_events(home / "events.sqlite3") == 0 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    children = descendants(str(process.pid))
    assert len(children) >= 2, "the parsers had not started"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "filings stored, each whole; re-run the same command to continue" in stderr
    ledger = Ledger.open(home)
    try:
        stored = check_whole_filings(ledger)
    finally:
        ledger.close()
    assert 0 < len(stored) < 400
    assert f"interrupted: {len(stored):,} filings stored" in stderr
    deadline = time.monotonic() + 15
    while (alive := [pid for pid in children if running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert alive == [], [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in alive]


def descendants(pid: str) -> list[str]:
    """Its children, theirs, and so on: the parsers are the children of a fork server."""
    children = subprocess.run(["pgrep", "-P", pid], capture_output=True, text=True).stdout.split()
    return [d for child in children for d in (child, *descendants(child))]


def running(pid: str) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False
