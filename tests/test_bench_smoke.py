"""The benchmark at a small size, so a regression in a ratio is caught without timing unit
tests: each ratio must reach half its target (issue 5), against baselines of the same run,
and peak memory must stay under its limit."""

from __future__ import annotations

from bench.run import missed, run, table


def test_benchmark_smoke_run_meets_half_of_each_target(tmp_path):
    summary = run(plan_years=2000, years=10, postgres=None, work=tmp_path)
    print(table(summary))
    assert summary["steps"]["ingest_sqlite"]["count"] > 2000 * 49
    assert summary["steps"]["audit"]["count"] == 2000 + 200  # each plan's opening year end too
    assert summary["steps"]["import_parallel"]["count"] == summary["steps"]["import_parallel"]["baseline"]["count"]
    # Ratios and memory only: absolute times at this size say little on a shared machine, nor
    # does the parallel import's ratio while other processes take the cores it would use.
    assert [m for m in missed(summary["figures"], scale=0.5) if not m.startswith(("audit_", "replay_", "import_parallel"))] == []
