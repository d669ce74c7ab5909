"""The Form 5500 leg of the benchmark at a tiny size: every step runs, in its own process, and
every ratio is computed against its baseline from the same run. Absolute times and ratios at
this size say little on a shared machine, so no target is asserted here."""

from __future__ import annotations

from bench.form5500 import run, table


def test_form5500_benchmark_smoke_run_reports_every_step_and_ratio(tmp_path):
    summary = run(plan_years=300, postgres=None, work=tmp_path)
    print(table(summary))
    steps = summary["steps"]
    assert set(steps) == {"generate", "ingest_sqlite", "rebuild", "audit", "import_11k_parallel"}
    assert steps["ingest_sqlite"]["filings"] >= 300  # amended filings come on top
    assert steps["ingest_sqlite"]["baseline"]["count"] == steps["ingest_sqlite"]["count"]
    assert steps["rebuild"]["baseline"]["count"] == steps["rebuild"]["count"] == steps["ingest_sqlite"]["count"]
    assert 0 < steps["rebuild"]["projected"] <= steps["rebuild"]["count"]
    assert steps["import_11k_parallel"]["count"] == steps["import_11k_parallel"]["baseline"]["count"] == 300
    assert set(summary["figures"]) == {"ingest_sqlite_ratio", "rebuild_ratio", "audit_seconds", "peak_rss_mib", "import_11k_parallel_ratio"}
    assert all(value > 0 for value in summary["figures"].values())
