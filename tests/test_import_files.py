"""Folders as they are found: only regular files are opened, sizes are enforced while reading,
any file name is reported, and a folder that cannot be listed is a reported problem."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from importers import iter_documents, parse_document
from ledger.importing import read_and_parse
from tests.cli import planledger, planledger_json
from tests.conftest import SEEDS

FY2000 = SEEDS / "000_7d7b012b68c2cbfb.txt"


def folder_with(tmp_path: Path) -> Path:
    """A folder holding one good filing."""
    folder = tmp_path / "filings"
    folder.mkdir()
    shutil.copy(FY2000, folder / "fy2000.txt")
    return folder


def statuses(home: Path, folder: Path) -> tuple[dict[str, tuple[str, str]], subprocess.CompletedProcess]:
    result = planledger(home, "import", str(folder), "--format", "json")
    return {Path(r["document"]).name: (r["status"], r["reason"]) for r in json.loads(result.stdout)}, result


def test_a_fifo_is_refused_by_its_kind_without_being_opened(tmp_path):
    folder = folder_with(tmp_path)
    os.mkfifo(folder / "pipe.txt")  # opening it to read would wait for a writer forever
    found, result = statuses(tmp_path / "home", folder)
    assert found["pipe.txt"] == ("rejected", "not a regular file (a FIFO): not read")
    assert found["fy2000.txt"][0] == "imported"
    assert result.returncode == 1


def test_a_link_to_a_device_is_refused_not_read_until_memory_runs_out(tmp_path):
    folder = folder_with(tmp_path)
    (folder / "zero.txt").symlink_to("/dev/zero")
    found, _ = statuses(tmp_path / "home", folder)
    assert found["zero.txt"] == ("rejected", "not a regular file (a character device): not read")
    assert found["fy2000.txt"][0] == "imported"


def test_a_file_name_in_any_bytes_is_reported_escaped(tmp_path):
    folder = tmp_path / "filings"
    folder.mkdir()
    odd = os.fsdecode(bytes(folder) + b"/caf\xe9 11-K.txt")
    shutil.copy(FY2000, odd)
    (report,) = planledger_json(tmp_path / "home", "import", str(folder))
    assert report["status"] == "imported"
    assert report["document"].endswith("caf\\xe9 11-K.txt")


def test_the_size_limit_holds_while_reading_whatever_stat_said(tmp_path):
    proc = Path("/proc/self/status")  # a regular file whose stat size is 0 but which holds text
    assert os.stat(proc).st_size == 0
    result = read_and_parse(proc, parse_document, max_bytes=100)
    assert result.status == "rejected" and "grew while read" in result.reason


def test_a_folder_that_cannot_be_listed_is_reported(tmp_path, monkeypatch):
    locked = tmp_path / "filings" / "locked"
    locked.mkdir(parents=True)
    shutil.copy(FY2000, tmp_path / "filings" / "fy2000.txt")
    real_scandir, real_listdir = os.scandir, os.listdir

    def refuse(path=".", *a):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(locked))
        return (real_scandir if refuse.scan else real_listdir)(path, *a)

    refuse.scan = True
    monkeypatch.setattr(os, "scandir", refuse)
    documents = list(iter_documents([tmp_path / "filings"]))
    assert documents == [tmp_path / "filings" / "fy2000.txt", locked]
    refuse.scan = False
    monkeypatch.setattr(os, "listdir", refuse)
    report = read_and_parse(locked, parse_document, max_bytes=1000)
    assert report.status == "rejected" and report.reason == "cannot list the folder: Permission denied"


@pytest.mark.parametrize("name", ["doc.pdf", "scan.png"])
def test_an_empty_or_odd_file_does_not_stop_the_run(tmp_path, name):
    folder = folder_with(tmp_path)
    (folder / name).write_bytes(b"%PDF-1.4\n" if name.endswith("pdf") else b"\x89PNG\r\n\x1a\n" + bytes(32))
    found, result = statuses(tmp_path / "home", folder)
    assert found[name][0] == "rejected" and found["fy2000.txt"][0] == "imported"
    assert "Traceback" not in result.stderr
