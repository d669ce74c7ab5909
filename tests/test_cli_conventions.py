"""The command line as people use it: figures never cut, one number format, pipes, versions,
dry runs and re-imports that do not read a stored filing again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import planledger, planledger_json
from tests.conftest import SEEDS

QUERIES = Path(__file__).parent.parent / "queries"


def narrow(home: Path, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "ledger", "--home", str(home), *args], capture_output=True, text=True,
                            timeout=300, env={**os.environ, "COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    assert planledger(home, "import", str(SEEDS)).returncode == 0
    return home


def test_at_80_columns_no_figure_of_the_audit_is_cut(home):
    report = planledger_json(home, "audit")
    text = narrow(home, "audit")
    figures = [f"{round(float(f[k])):,}" for f in report["findings"] if f["check"] != "loan_rates" for k in ("expected", "actual")]
    figures += [f"{round(float(b['reported'])):,}" for b in report["balances"]]
    assert figures and all(figure in text for figure in figures), [f for f in figures if f not in text]
    assert "4,025,514" in text and "6,268,220.00" not in text  # whole dollars print without cents
    assert "9.25%" in text and "8.5%" in text  # loan rates are rates


def test_at_80_columns_no_figure_of_a_query_is_cut(home):
    rows = planledger_json(home, "query", "--file", str(QUERIES / "roll_forward.sql"))
    text = narrow(home, "query", "--file", str(QUERIES / "roll_forward.sql"))
    amounts = [f"{round(float(v)):,}" for row in rows for k, v in row.items() if k in ("replayed", "reported_last") and v]
    assert amounts and all(a in text for a in amounts)


def test_a_closed_pipe_is_not_an_error(home):
    command = f"{sys.executable} -m ledger --home {home} query 'SELECT * FROM events' --format csv | head -1"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.startswith("notification_id,")
    assert "Traceback" not in result.stderr and "Broken pipe" not in result.stderr


def test_version_short_help_and_the_environment_in_help(tmp_path):
    assert planledger(tmp_path, "--version").stdout.startswith("planledger ")
    shown = planledger(tmp_path, "-h")
    assert shown.returncode == 0 and "PLANLEDGER_HOME" in shown.stdout and "PLANLEDGER_STORE" in shown.stdout
    assert "--install-completion" in shown.stdout


def test_a_dry_run_reads_everything_and_writes_nothing(tmp_path):
    dry = json.loads(planledger(tmp_path, "import", str(SEEDS), "--dry-run", "--format", "json").stdout)
    assert sorted(r["status"] for r in dry) == ["skipped", "would import", "would import", "would import"]
    real = json.loads(planledger(tmp_path, "import", str(SEEDS), "--format", "json").stdout)
    assert sorted(r["status"] for r in real) == ["imported", "imported", "imported", "skipped"]


def test_a_stored_filing_is_a_duplicate_without_being_read_again(tmp_path):
    planledger(tmp_path, "import", str(SEEDS))
    again = json.loads(planledger(tmp_path, "import", str(SEEDS), "--format", "json").stdout)
    duplicates = [r for r in again if r["status"] == "duplicate"]
    assert len(duplicates) == 3 and all(r["reason"] == "already in the ledger (not read again)" for r in duplicates)
    quiet = planledger(tmp_path, "import", str(SEEDS), "--quiet", "--format", "json")
    assert [Path(r["document"]).name for r in json.loads(quiet.stdout)] == ["003_61a9feee0681f8da.txt"]  # only the skipped
    assert "0 imported, 3 duplicate, 1 skipped, 0 rejected" in quiet.stderr
