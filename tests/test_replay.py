"""`ledger.replay`: a plan's state from its events alone, and `planledger replay`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger.application import Ledger
from ledger.replay import replay
from projections import runner
from tests.cli import planledger, planledger_json
from tests.samples import sample_batches

D = Decimal


@pytest.fixture
def sample_ledger(ledger):
    for batch in sample_batches():
        recorded = ledger.record(batch)
    return ledger, recorded.plan_ids[0]


def test_replay_rebuilds_every_year_end_from_the_events(sample_ledger):
    ledger, plan_id = sample_ledger
    state = replay(ledger.plan_events(plan_id))
    assert [(y.year_end.year, y.opening, y.replayed, y.reported, y.difference) for y in state.year_ends] == [
        (1999, None, None, D(6268220), None),
        (2000, D(6268220), D(5837693), D(5837693), D(0)),
        (2001, D(5837693), D(4022421), D(4022421), D(0)),
        (2002, D(4022421), D(3107464), D(3107464), D(0)),
    ]
    year_2000 = state.year_ends[1]
    assert year_2000.flows["contributions_participant"] == D(1881455)
    assert year_2000.flows["benefits_paid"] == D(2421091)
    assert year_2000.net_change == D(-430527)
    # the 2001 column as last printed (FY2002): cash 4,170
    assert state.year_ends[2].statement.cash == D(4170)


def test_replay_as_of_and_known_at(sample_ledger):
    ledger, plan_id = sample_ledger
    as_of = replay(ledger.plan_events(plan_id), as_of=date(2001, 12, 31))
    assert as_of.latest.year_end == date(2001, 12, 31)
    known = replay(ledger.plan_events(plan_id), known_at=date(2002, 12, 31))
    assert known.latest.year_end == date(2001, 12, 31)
    assert known.latest.statement.cash == D(1470)  # FY2002 not yet signed
    assert replay(ledger.plan_events(plan_id), known_at=date(2001, 1, 1)).year_ends == []


def test_replay_agrees_with_the_net_assets_projection(sample_ledger, tmp_path):
    ledger, plan_id = sample_ledger
    runner.catch_up(ledger, tmp_path)
    with runner.read_only(tmp_path) as connection:
        projected = connection.execute(
            "SELECT year_end, opening, replayed, reported_last FROM net_assets ORDER BY year_end"
        ).fetchall()
    folded = [(y.year_end, y.opening, y.replayed, y.reported) for y in replay(ledger.plan_events(plan_id)).year_ends]
    assert projected == folded


def test_cli_replay(tmp_path):
    ledger = Ledger.open(tmp_path)
    for batch in sample_batches():
        ledger.record(batch)
    ledger.close()
    result = planledger_json(tmp_path, "replay", "--plan", "87-0295503-002", "--as-of", "2001-12-31")
    assert result["year_end"] == "2001-12-31" and result["net_assets"] == "4022421"
    assert result["years"][-1]["interest_and_dividends"] == "118470"
    components = {c["name"] or c["component"]: c["amount"] for c in result["components"]}
    assert components["cash"] == "4170"
    assert components["Participant loans"] == "1046"
    assert planledger(tmp_path, "replay", "--plan", "SOS").returncode == 0
    assert planledger(tmp_path, "replay", "--plan", "nobody").returncode == 2
