"""Run `planledger` as a user would: a separate process, its output and exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def planledger(home: Path, *args: str, store: str | None = None) -> subprocess.CompletedProcess:
    """Piped, with no COLUMNS: tables as wide as they need (a test of narrow output sets it)."""
    options = ["--home", str(home)] + (["--store", store] if store else [])
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    return subprocess.run(
        [sys.executable, "-m", "ledger", *options, *args], capture_output=True, text=True, timeout=300, env=env
    )


def planledger_json(home: Path, *args: str, store: str | None = None):
    result = planledger(home, *args, "--format", "json", store=store)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def imported_home(home: Path, *paths: Path) -> Path:
    """A ledger home holding `paths`, imported through the command line as a user would."""
    result = planledger(home, "import", *map(str, paths))
    assert result.returncode == 0, result.stderr
    return home
