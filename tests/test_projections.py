"""The DuckDB projections: exactly-once tracking, rebuild = catch-up, resuming after a crash."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest
from eventsourcing.tests.persistence import TrackingRecorderTestCase

from projections import runner
from projections.tracking import DuckDBTrackingRecorder
from tests.batches import filing
from tests.samples import sample_batches

TABLES = ("events", "statement_sums", "findings", "net_assets", "statement_lines", "holdings", "forfeitures", "loans", "plans", "filings",
          "readings")


class TestDuckDBTrackingRecorder(TrackingRecorderTestCase):
    def create_recorder(self) -> DuckDBTrackingRecorder:
        return DuckDBTrackingRecorder(duckdb.connect(":memory:"))


def contents(home) -> dict[str, list[tuple]]:
    with runner.read_only(home) as connection:
        return {t: connection.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


def stored_plan_events(ledger) -> int:
    return sum(1 for _ in ledger.stored(runner.PLAN_EVENT_TYPES))


def test_rebuild_and_incremental_catch_up_give_identical_tables(ledger, tmp_path):
    incremental, rebuilt = tmp_path / "incremental", tmp_path / "rebuilt"
    for batch in [*sample_batches(), filing("another plan", plans=("Other 401(k) Plan",))]:
        ledger.record(batch)
        runner.catch_up(ledger, incremental, page_size=7)
    added = runner.rebuild(ledger, rebuilt)
    assert added == stored_plan_events(ledger) == 258 + len(filing("another plan").plans[0].events)
    assert contents(incremental) == contents(rebuilt)
    sample_plan = sample_batches()[0].plans[0].plan
    with runner.read_only(rebuilt) as connection:
        found = connection.execute(
            "SELECT count(*) FROM findings JOIN plans USING (plan_id) WHERE name = ?", [sample_plan.name]
        ).fetchone()
    assert found == (6,)


@pytest.mark.parametrize("page_size", [1, 2, 3, 10_000])
def test_every_row_names_its_filing_whatever_the_pages(ledger, tmp_path, page_size):
    """A filing's figures take its document and dates from its FilingReported, which may sit on
    an earlier page, or (for the PlanIdentified before it) on the next one."""
    for batch in sample_batches():
        ledger.record(batch)
    assert runner.catch_up(ledger, tmp_path, page_size=page_size) == 258
    with runner.read_only(tmp_path) as connection:
        rows = connection.execute(
            "SELECT DISTINCT e.filing_id, e.document, e.filing_year_end, e.filing_prior_year_end, f.document, "
            "f.year_end, f.prior_year_end FROM events e LEFT JOIN filings f USING (plan_id, filing_id)"
        ).fetchall()
    assert len(rows) == 3
    assert all(row[1:4] == row[4:] and row[1] for row in rows)


@pytest.mark.parametrize("page_size", [1, 2, 3, 10_000])
def test_each_statement_column_is_summed_once_whatever_the_pages(ledger, tmp_path, page_size):
    """A filing split across pages is summed afresh on each page it reaches: one row per column,
    equal to the sums over all its lines at once."""
    for batch in sample_batches():
        ledger.record(batch)
    runner.catch_up(ledger, tmp_path, page_size=page_size)
    with runner.read_only(tmp_path) as connection:
        kept = connection.execute("SELECT * FROM statement_sums ORDER BY ALL").fetchall()
        at_once = connection.execute("SELECT * FROM statement_sums_between(0, 1e9) ORDER BY ALL").fetchall()
        column = connection.execute(
            "SELECT holdings, cash, receivables, printed_investments, printed_net_assets FROM statement_sums "
            "WHERE section = 'net_assets' AND as_of = '2002-12-31'"
        ).fetchall()
    assert kept == at_once and len(kept) == 12
    assert column == [(Decimal("3105267"), None, Decimal("1907"), Decimal("3105557"), Decimal("3107464"))]


def test_catch_up_applies_nothing_twice(ledger, tmp_path):
    for batch in sample_batches():
        ledger.record(batch)
    assert runner.catch_up(ledger, tmp_path, page_size=50) == 258
    assert runner.catch_up(ledger, tmp_path, page_size=50) == 0
    with runner.read_only(tmp_path) as connection:
        assert connection.execute("SELECT count(*), count(DISTINCT notification_id) FROM events").fetchone() == (258, 258)


def test_a_run_killed_between_pages_resumes_without_double_counting(ledger, tmp_path, monkeypatch):
    for batch in sample_batches():
        ledger.record(batch)
    real = DuckDBTrackingRecorder.insert_tracking
    calls = {"n": 0}

    def crash_on_third_page(self, tracking):
        calls["n"] += 1
        if calls["n"] == 3:  # rows of page 3 written, its position not yet: the crash point
            raise KeyboardInterrupt
        real(self, tracking)

    monkeypatch.setattr(DuckDBTrackingRecorder, "insert_tracking", crash_on_third_page)
    with pytest.raises(KeyboardInterrupt):
        runner.catch_up(ledger, tmp_path / "crashed", page_size=40)
    monkeypatch.setattr(DuckDBTrackingRecorder, "insert_tracking", real)
    with runner.read_only(tmp_path / "crashed") as connection:
        assert connection.execute("SELECT notification_id FROM tracking").fetchall() == [(80,)]
        applied = connection.execute("SELECT count(*) FROM events").fetchone()[0]
    assert 0 < applied < 258
    runner.catch_up(ledger, tmp_path / "crashed", page_size=40)
    runner.rebuild(ledger, tmp_path / "fresh")
    assert contents(tmp_path / "crashed") == contents(tmp_path / "fresh")


def test_events_table_keeps_figures_exact_and_traceable(ledger, tmp_path):
    recorded = ledger.record(filing("exact"))
    runner.catch_up(ledger, tmp_path)
    with runner.read_only(tmp_path) as connection:
        rows = connection.execute(
            "SELECT type, amount, effect, kind, section, line, attributes, issuer, description FROM events "
            "WHERE type IN ('ContributionReceived', 'BenefitPaid', 'HoldingReported', 'DeemedLoanRepaid') ORDER BY position"
        ).fetchall()
        plan_id = connection.execute("SELECT DISTINCT plan_id FROM events").fetchone()[0]
    assert plan_id == recorded.plan_ids[0]
    assert rows[1][:6] == ("ContributionReceived", Decimal("87602.50"), Decimal("87602.50"), "rollover", "changes", 4)
    assert rows[2][:4] == ("BenefitPaid", Decimal("2421091"), Decimal("-2421091"), None)
    assert '"shares":"600055"' in rows[4][6] and '"party_in_interest":true' in rows[4][6]
    assert rows[4][7:] == ("Spartan U.S. Treasury Money Market Fund", "600,055 shares of money market fund")
    assert rows[3][7:] == (None, None)  # the statement's line: a caption, no Schedule H columns
    assert rows[5][0] == "DeemedLoanRepaid" and '"interest":"3430"' in rows[5][6] and rows[5][3] == "sos/1998-07-01"


def test_projections_follow_a_new_store_afresh(tmp_path):
    from ledger.application import Ledger

    for name in ("one", "two"):
        ledger = Ledger.open(tmp_path, f"sqlite:///{tmp_path / name}.sqlite3")
        ledger.record(filing(name))
        runner.catch_up(ledger, tmp_path)
        ledger.close()
    with runner.read_only(tmp_path) as connection:
        assert connection.execute("SELECT count(DISTINCT filing_id) FROM events").fetchone() == (1,)
