"""Run `planledger` as a user would: a separate process, its output and exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def planledger(home: Path, *args: str, store: str | None = None) -> subprocess.CompletedProcess:
    options = ["--home", str(home)] + (["--store", store] if store else [])
    return subprocess.run(
        [sys.executable, "-m", "ledger", *options, *args], capture_output=True, text=True, timeout=300
    )


def planledger_json(home: Path, *args: str, store: str | None = None):
    result = planledger(home, *args, "--format", "json", store=store)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
