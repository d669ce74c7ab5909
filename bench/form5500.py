"""The Form 5500 leg of the benchmark: DOL datasets of N plan-years, every rate beside its
baseline from the same run.

    python -m bench.form5500 --plan-years 100000 [--postgres URL | --no-postgres] [--json FILE]

Each step runs in its own process (see `bench/form5500_steps.py`) and reports its peak RSS.
The targets (issue 15) are checked at the end; the exit status is 1 when one is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.run import DEFAULT_POSTGRES, drop_schema
from ledger.parsing import available_cores

# name: (measured step, baseline step or None, store)
PLAN = (
    ("generate", "generate", None, ""),
    ("ingest_sqlite", "ingest", "raw_ingest", "sqlite"),
    ("rebuild", "rebuild", "raw_rebuild", "sqlite"),
    ("audit", "audit", None, "sqlite"),
    ("ingest_postgres", "ingest", "raw_ingest", "postgres"),
    ("import_11k_parallel", "import_parallel", "import_serial", "sqlite"),
)

# What issue 15 asks, at 100,000 and 1,000,000 plan-years (each ratio against its baseline of the same run).
TARGETS = {
    "ingest_sqlite_ratio": 0.5,
    "ingest_postgres_ratio": 0.5,
    "rebuild_ratio": 0.5,
    "audit_seconds": 10.0,
    "peak_rss_mib": 1024.0,
    "import_11k_parallel_ratio": 1.6,  # on 2 cores or more
}


def run_step(step: str, work: Path, plan_years: int, seed: int, store: str) -> dict:
    args = [sys.executable, "-m", "bench.form5500_steps", step, str(work), str(plan_years), str(seed)]
    if store:
        args.append(store)
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"benchmark step {step} failed:\n{done.stderr}")
    line = done.stdout.strip().splitlines()[-1]
    print(line, file=sys.stderr, flush=True)
    return json.loads(line)


def run(plan_years: int, seed: int = 0, postgres: str | None = DEFAULT_POSTGRES, work: Path | None = None,
        only: set[str] | None = None) -> dict:
    """Generate the datasets once, then run every step (or `only` those named) on them; return
    figures, ratios and targets."""
    with tempfile.TemporaryDirectory(prefix="planledger-bench-5500-", dir=work) as tmp:
        results: dict[str, dict] = {}
        schema = f"bench5500_{os.getpid()}_{int(time.time())}"
        for name, step, baseline, store_kind in PLAN:
            if (store_kind == "postgres" and not postgres) or (only and name not in only and name != "generate"):
                continue
            store = f"{postgres}?schema={schema}" if store_kind == "postgres" else ""
            folder = Path(tmp) / (store_kind or "generate")
            folder.mkdir(exist_ok=True)
            try:
                measured = run_step(step, folder, plan_years, seed, store)
                results[name] = measured
                if baseline:
                    base = run_step(baseline, folder, plan_years, seed, store)
                    measured["baseline"] = base
                    measured["ratio"] = measured["rate"] / base["rate"] if base["rate"] else 0.0
            finally:
                if store_kind == "postgres":
                    drop_schema(postgres, schema)
    return summarise(results, plan_years, seed)


def summarise(results: dict, plan_years: int, seed: int) -> dict:
    measured = {k: v for k, v in results.items() if k != "generate"}
    peak = max(max(r["peak_rss_mib"], r.get("baseline", {}).get("peak_rss_mib", 0)) for r in measured.values())
    figures = {f"{name}_ratio": r["ratio"] for name, r in measured.items() if "ratio" in r}
    figures["peak_rss_mib"] = peak
    if "audit" in results:
        figures["audit_seconds"] = results["audit"]["seconds"]
    return {
        "plan_years": plan_years,
        "seed": seed,
        "machine": f"{platform.machine()}, {available_cores()} cores, Python {platform.python_version()}",
        "steps": results,
        "figures": figures,
        "missed": missed(figures),
    }


def missed(figures: dict) -> list[str]:
    out = []
    for name, target in TARGETS.items():
        if name not in figures:
            continue
        value = figures[name]
        if name.endswith("_ratio"):
            if value < target and (name != "import_11k_parallel_ratio" or available_cores() >= 2):
                out.append(f"{name} {value:.2f} < {target:.2f}")
        elif value >= target:
            out.append(f"{name} {value:.3f} >= {target}")
    return out


def table(summary: dict) -> str:
    rows = [f"planledger Form 5500 benchmark: {summary['plan_years']:,} plan-years, {summary['machine']}",
            f"{'step':<22}{'count':>12}{'unit':>10}{'seconds':>10}{'rate/s':>12}{'baseline/s':>12}{'ratio':>7}{'peak RSS MiB':>14}"]
    for name, r in summary["steps"].items():
        base = r.get("baseline")
        rss = max(r["peak_rss_mib"], base["peak_rss_mib"] if base else 0)
        base_rate = f"{base['rate']:,.0f}" if base else ""
        ratio = f"{r['ratio']:.2f}" if base else ""
        unit = r["unit"].split()[0][:9]
        rows.append(f"{name:<22}{r['count']:>12,}{unit:>10}{r['seconds']:>10.2f}{r['rate']:>12,.0f}{base_rate:>12}{ratio:>7}{rss:>14.0f}")
    rows.append("targets: " + ("all met" if not summary["missed"] else "MISSED " + "; ".join(summary["missed"])))
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan-years", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--postgres", default=os.environ.get("PLANLEDGER_BENCH_POSTGRES", DEFAULT_POSTGRES))
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--work", type=Path, help="where the datasets and stores are made (a temporary folder in it)")
    parser.add_argument("--only", help="the steps to run, by name, comma-separated (the datasets are always generated)")
    parser.add_argument("--json", type=Path, default=Path("bench-form5500-results.json"))
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    summary = run(args.plan_years, args.seed, None if args.no_postgres else args.postgres, args.work, only)
    args.json.write_text(json.dumps(summary, indent=1) + "\n")
    print(table(summary))
    print(f"written to {args.json}")
    sys.exit(1 if summary["missed"] else 0)


if __name__ == "__main__":
    main()
