"""One step of the Form 5500 benchmark, run in its own process so its peak RSS is its own.

`python -m bench.form5500_steps STEP WORKDIR PLAN_YEARS SEED [STORE]` prints one JSON object,
as `bench.steps` does. The datasets are written once (`generate`, not a measured rate) into
WORKDIR/../datasets; each store kind has its own WORKDIR. Measured step / baseline:

- ingest / raw_ingest: the DOL CSV files imported as `planledger import` imports them (read,
  joined on ACK_ID, built into batches, appended in groups) until committed; and the same
  stored rows inserted with the driver alone (SQLite `executemany`, PostgreSQL binary COPY);
- rebuild / raw_rebuild: the projections rebuilt from the store; and the same stored rows read
  with the driver and loaded into DuckDB through Arrow;
- audit: every check over every plan-year (11-K and Form 5500), from the rebuilt projections;
- import_parallel / import_serial: the 11-K import on every core and on one (`--jobs`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench import steps as eleven_k
from bench.steps import Clock, open_ledger, peak_rss_mib, timed


def datasets(work: Path) -> Path:
    return work.parent / "datasets"


def step_generate(work: Path, n: int, seed: int, store: str) -> dict:
    from bench.form5500_files import generate
    from ledger.parsing import available_cores

    folder = datasets(work)
    clock = Clock()
    with clock:
        writer = generate(folder, n, seed, workers=available_cores())
    rows = sum(writer.counts.values())
    size = sum(p.stat().st_size for p in writer.paths())
    return {"count": rows, "unit": "rows", "megabytes": size / 1e6, "files": len(writer.paths())} | timed(clock)


def step_ingest(work: Path, n: int, seed: int, store: str) -> dict:
    from importers.dol import is_dataset
    from importers.files import iter_documents
    from ledger.importing_datasets import import_datasets

    ledger = open_ledger(work, store)
    paths = [p for p in iter_documents([datasets(work)]) if is_dataset(p)]
    statuses: dict[str, int] = {}
    clock = Clock()
    with clock:
        for report in import_datasets(ledger, paths):
            statuses[report.status] = statuses.get(report.status, 0) + 1
    stored = ledger.recorder.max_notification_id() or 0
    ledger.close()
    return {"count": stored, "unit": "events", "filings": statuses.get("imported", 0), "statuses": statuses} | timed(clock)


def step_raw_ingest(work: Path, n: int, seed: int, store: str) -> dict:
    return eleven_k.step_raw_ingest(work, 0, 0, seed, store)


def step_rebuild(work: Path, n: int, seed: int, store: str) -> dict:
    """Counted in stored events, as its baseline counts them (the projections skip markers and claims)."""
    from projections import runner

    ledger = open_ledger(work, store)
    clock = Clock()
    with clock:
        projected = runner.rebuild(ledger, work / "home")
    stored = ledger.recorder.max_notification_id() or 0
    ledger.close()
    return {"count": stored, "unit": "events", "projected": projected} | timed(clock)


def step_raw_rebuild(work: Path, n: int, seed: int, store: str) -> dict:
    return eleven_k.step_raw_rebuild(work, 0, 0, seed, store)


def step_audit(work: Path, n: int, seed: int, store: str) -> dict:
    """Every check over every plan-year, from the projections as a rebuild left them."""
    from projections.audit import findings
    from projections.runner import read_only

    with read_only(work / "home") as connection:
        clock = Clock()
        with clock:
            found = findings(connection)
        tables = {r[0] for r in connection.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        counted = "form5500" if "form5500" in tables else "events"
        rows = connection.execute(f"SELECT count(*) FROM {counted}").fetchone()[0]
    return {"count": rows, "unit": f"{counted} rows", "findings": len(found)} | timed(clock)


def eleven_k_plans(n: int) -> int:
    """Plans of ten 11-Ks each for the import steps: up to `IMPORT_SAMPLE` documents, fewer in
    a small run."""
    return max(4, min(eleven_k.IMPORT_SAMPLE, n) // 10)


def step_import_parallel(work: Path, n: int, seed: int, store: str) -> dict:
    return eleven_k.step_import_parallel(work, eleven_k_plans(n), 10, seed, store)


def step_import_serial(work: Path, n: int, seed: int, store: str) -> dict:
    return eleven_k.step_import_serial(work, eleven_k_plans(n), 10, seed, store)


STEPS = {name.removeprefix("step_"): fn for name, fn in globals().items() if name.startswith("step_")}


def main(argv: list[str]) -> None:
    step, work, n, seed, *store = argv
    result = STEPS[step](Path(work), int(n), int(seed), store[0] if store else "")
    if "rate" not in result:
        result["rate"] = result["count"] / result["seconds"] if result["seconds"] else 0.0
    result["peak_rss_mib"] = peak_rss_mib()
    print(json.dumps({"step": step} | result))


if __name__ == "__main__":
    main(sys.argv[1:])
