"""Every planledger command the README shows runs as shown, on the sample filings."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from tests.cli import planledger

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()


def shown_commands() -> list[list[str]]:
    """The `.venv/bin/planledger ...` commands of the README's shell blocks, as arguments."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        for part in re.split(r"&&|\n", block):
            words = shlex.split(part.strip())
            if words and words[0] == ".venv/bin/planledger":
                commands.append(words[1:])
    return commands


def test_the_readme_shows_commands():
    assert ["import", "tests/data/seeds"] in shown_commands() and ["audit"] in shown_commands()


def test_every_command_the_readme_shows_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    for args in shown_commands():
        result = planledger(tmp_path, *args)
        assert result.returncode == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_the_readme_explains_the_six_sample_findings_as_the_audit_finds_them(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    planledger(tmp_path, "import", "tests/data/seeds")
    findings = json.loads(planledger(tmp_path, "audit", "--format", "json").stdout)["findings"]
    explained = re.findall(r"\*\*(\w+), (\d{4}-\d{2}-\d{2})[,*]", README)
    assert sorted(explained) == sorted((f["check"], f["as_of"]) for f in findings)
