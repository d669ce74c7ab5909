"""The benchmark: one command, one data set, every rate beside its baseline from the same run.

    python -m bench.run --plan-years 100000 [--years 10] [--postgres URL | --no-postgres] [--json FILE]

Each step runs in its own process (see `bench/steps.py`), so each reports its own peak RSS.
The targets (issue 5) are checked at the end; the exit status is 1 when one is missed.
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

from ledger.parsing import available_cores

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"

# name: (measured step, baseline step or None, store)
PLAN = (
    ("parse", "parse", None, "sqlite"),
    ("import_parallel", "import_parallel", "import_serial", "sqlite"),
    ("ingest_sqlite", "ingest", "raw_ingest", "sqlite"),
    ("rebuild", "rebuild", "raw_rebuild", "sqlite"),
    ("audit", "audit", None, "sqlite"),
    ("balances", "balances", None, "sqlite"),
    ("replay", "replay", None, "sqlite"),
    ("repeated_holdings", "repeated_holdings", "repeated_holdings_tenth", "sqlite"),
    ("ingest_postgres", "ingest", "raw_ingest", "postgres"),
)

# What issue 5 asks at 100,000 plan-years; the smoke test asks half of each ratio.
TARGETS = {
    "ingest_sqlite_ratio": 0.5,
    "rebuild_ratio": 0.5,
    "audit_seconds": 2.0,
    "replay_seconds": 0.05,
    "peak_rss_mib": 1024.0,
    "import_parallel_ratio": 1.6,  # issue 15: on 2 cores; not asked of a single core
    "repeated_holdings_ratio": 0.5,  # issue 14: 10,000 repeats at least half the per-line rate of 1,000 (linear, not quadratic)
}


def run_step(step: str, work: Path, plans: int, years: int, seed: int, store: str) -> dict:
    args = [sys.executable, "-m", "bench.steps", step, str(work), str(plans), str(years), str(seed)]
    if store:
        args.append(store)
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"benchmark step {step} failed:\n{done.stderr}")
    line = done.stdout.strip().splitlines()[-1]
    print(line, file=sys.stderr, flush=True)  # a long run shows each step as it ends
    return json.loads(line)


def run(plan_years: int, years: int = 10, seed: int = 0, postgres: str | None = DEFAULT_POSTGRES,
        work: Path | None = None) -> dict:
    """Run every step on the same synthetic plans; return the figures, ratios and targets."""
    plans = max(1, plan_years // years)
    with tempfile.TemporaryDirectory(prefix="planledger-bench-", dir=work) as tmp:
        results: dict[str, dict] = {}
        schema = f"bench_{os.getpid()}_{int(time.time())}"
        for name, step, baseline, store_kind in PLAN:
            if store_kind == "postgres" and not postgres:
                continue
            store = f"{postgres}?schema={schema}" if store_kind == "postgres" else ""
            folder = Path(tmp) / store_kind
            folder.mkdir(exist_ok=True)
            try:
                measured = run_step(step, folder, plans, years, seed, store)
                results[name] = measured
                if baseline:
                    base = run_step(baseline, folder, plans, years, seed, store)
                    measured["baseline"] = base
                    measured["ratio"] = measured["rate"] / base["rate"] if base["rate"] else 0.0
            finally:
                if store_kind == "postgres" and step == "ingest":
                    drop_schema(postgres, schema)
    return summarise(results, plans * years, plans, years, seed)


def drop_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def summarise(results: dict, plan_years: int, plans: int, years: int, seed: int) -> dict:
    peak = max(max(r["peak_rss_mib"], r.get("baseline", {}).get("peak_rss_mib", 0)) for r in results.values())
    figures = {
        "ingest_sqlite_ratio": results["ingest_sqlite"]["ratio"],
        "rebuild_ratio": results["rebuild"]["ratio"],
        "audit_seconds": results["audit"]["seconds"],
        "replay_seconds": results["replay"]["seconds"],
        "peak_rss_mib": peak,
        "import_parallel_ratio": results["import_parallel"]["ratio"],
        "repeated_holdings_ratio": results["repeated_holdings"]["ratio"],
        "repeated_holdings_seconds": results["repeated_holdings"]["seconds"],
    }
    if "ingest_postgres" in results:
        figures["ingest_postgres_ratio"] = results["ingest_postgres"]["ratio"]
    return {
        "plan_years": plan_years,
        "plans": plans,
        "years": years,
        "seed": seed,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "steps": results,
        "figures": figures,
        "missed": missed(figures),
    }


def missed(figures: dict, scale: float = 1.0) -> list[str]:
    """The targets not met; with scale 0.5, ratios need only half of theirs (the smoke run)."""
    out = []
    for name, target in TARGETS.items():
        if name not in figures or (name == "import_parallel_ratio" and available_cores() < 2):
            continue
        value = figures[name]
        if name.endswith("_ratio"):
            if value < target * scale:
                out.append(f"{name} {value:.2f} < {target * scale:.2f}")
        elif value >= target:
            out.append(f"{name} {value:.3f} >= {target}")
    return out


def table(summary: dict) -> str:
    rows = [f"planledger benchmark: {summary['plan_years']:,} plan-years ({summary['plans']:,} plans x "
            f"{summary['years']} years), {summary['machine']}",
            f"{'step':<18}{'count':>12}{'seconds':>10}{'rate/s':>12}{'baseline/s':>12}{'ratio':>7}{'peak RSS MiB':>14}"]
    for name, r in summary["steps"].items():
        base = r.get("baseline")
        rate = f"{r['rate']:,.0f}" if name != "replay" else f"{r['seconds'] * 1000:.1f} ms"
        rss = max(r["peak_rss_mib"], base["peak_rss_mib"] if base else 0)
        base_rate = f"{base['rate']:,.0f}" if base else ""
        ratio = f"{r['ratio']:.2f}" if base else ""
        rows.append(f"{name:<18}{r['count']:>12,}{r['seconds']:>10.2f}{rate:>12}{base_rate:>12}{ratio:>7}{rss:>14.0f}")
    rows.append("targets: " + ("all met" if not summary["missed"] else "MISSED " + "; ".join(summary["missed"])))
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan-years", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--postgres", default=os.environ.get("PLANLEDGER_BENCH_POSTGRES", DEFAULT_POSTGRES))
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--work", type=Path, help="where the stores are made (a temporary folder in it)")
    parser.add_argument("--json", type=Path, default=Path("bench-results.json"))
    args = parser.parse_args()
    summary = run(args.plan_years, args.years, args.seed, None if args.no_postgres else args.postgres, args.work)
    args.json.write_text(json.dumps(summary, indent=1) + "\n")
    print(table(summary))
    print(f"written to {args.json}")
    sys.exit(1 if summary["missed"] else 0)


if __name__ == "__main__":
    main()
