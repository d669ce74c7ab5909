"""The layering and the lint hold: readers make the model, meaning never sees a format, the
domain core does no I/O (contracts in pyproject.toml, checked by import-linter), and ruff passes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def run(tool: str, *args: str) -> subprocess.CompletedProcess:
    exe = shutil.which(tool, path=str(Path(sys.executable).parent)) or tool
    return subprocess.run([exe, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_import_contracts_are_kept():
    result = run("lint-imports")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_ruff_finds_nothing():
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr
