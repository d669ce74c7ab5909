"""`planledger plans` and `planledger events`, and how the CLI treats user mistakes."""

from __future__ import annotations

from decimal import Decimal

from ledger.application import Ledger
from tests.batches import filing
from tests.cli import planledger, planledger_json

PER_FILING = len(filing().plans[0].events)


def populated(home, store=None):
    ledger = Ledger.open(home, store)
    try:
        return ledger.record(filing("cli one", ein="12-3456789")), ledger.record(filing("cli two"))
    finally:
        ledger.close()


def test_plans_lists_each_plan_once_with_its_filings(tmp_path):
    first, second = populated(tmp_path)
    (plan,) = planledger_json(tmp_path, "plans")
    assert plan["plan_id"] == str(first.plan_ids[0]) == str(second.plan_ids[0])
    assert plan["name"] == "Example 401(k) Plan"
    assert plan["ein"] == "12-3456789" and plan["plan_number"] == "002"
    assert plan["filings"] == 2 and plan["events"] == first.events + second.events
    assert plan["year_ends"] == ["2000-12-31"]


def test_events_filters_by_plan_and_type_with_exact_amounts(tmp_path):
    populated(tmp_path)
    rows = planledger_json(tmp_path, "events", "--plan", "12-3456789-002", "--type", "ContributionReceived")
    assert [(r["position"], r["source"], Decimal(r["amount"])) for r in rows] == [
        (3, "participant", Decimal("1881455")),
        (4, "rollover", Decimal("87602.50")),
        (PER_FILING + 3, "participant", Decimal("1881455")),  # the second filing's, after the first's events
        (PER_FILING + 4, "rollover", Decimal("87602.50")),
    ]
    assert all(isinstance(r["amount"], str) for r in rows)
    assert rows[0]["provenance"]["section"] == "changes" and rows[0]["provenance"]["line"] == 3
    by_name = planledger_json(tmp_path, "events", "--plan", "example 401", "--type", "cash_reported")
    assert [Decimal(r["amount"]) for r in by_name] == [Decimal("150241")] * 2


def test_events_table_names_the_source_line(tmp_path):
    populated(tmp_path)
    result = planledger(tmp_path, "events", "--type", "BenefitPaid")
    assert result.returncode == 0
    assert "2,421,091" in result.stdout and "changes:9" in result.stdout


def test_user_mistakes_get_one_clear_line_and_no_traceback(tmp_path):
    populated(tmp_path)
    cases = [
        (("events", "--type", "Nonsense"), "unknown event type 'Nonsense'"),
        (("events", "--plan", "no such plan"), "no plan matches 'no such plan'"),
    ]
    for args, message in cases:
        result = planledger(tmp_path, *args)
        assert result.returncode == 2
        assert message in result.stderr
        assert "Traceback" not in result.stderr


def test_an_unreachable_store_is_a_clear_error(tmp_path):
    result = planledger(tmp_path, "plans", store="postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 2
    assert "cannot open the event store" in result.stderr and "Traceback" not in result.stderr
    result = planledger(tmp_path, "plans", store="mysql://x")
    assert result.returncode == 2 and "unsupported store" in result.stderr


def test_cli_works_against_postgres(tmp_path, pg_url):
    populated(tmp_path, pg_url)
    (plan,) = planledger_json(tmp_path, "plans", store=pg_url)
    assert plan["filings"] == 2
