"""Synthetic filings written to a folder as the documents `planledger import` reads.

The planted discrepancies are listed in a hidden `.injected.json` beside them (hidden files are
not imported), so an audit of the imported folder can be checked against what was planted.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.render import render
from bench.synth import synth_filings

MANIFEST = ".injected.json"


def write_documents(out: Path, plans: int, years: int, *, seed: int = 0, discrepancy_rate: float = 0.0) -> int:
    """Write one document per plan-year; return how many were written."""
    out.mkdir(parents=True, exist_ok=True)
    injected: dict[str, str] = {}
    count = 0
    for filing in synth_filings(plans, years, seed=seed, discrepancy_rate=discrepancy_rate):
        (out / filing.batch.document).write_text(render(filing.batch))
        if filing.injected:
            injected[filing.batch.document] = filing.injected
        count += 1
    (out / MANIFEST).write_text(json.dumps(injected, indent=1, sort_keys=True) + "\n")
    return count
