"""The event store: exact round-trips, atomic filings, duplicates, append-only, plan identity.

Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from urllib.parse import urlparse

import msgspec
import psycopg
import pytest
from eventsourcing.persistence import IntegrityError

from ledger import application
from ledger import events as ev
from ledger.application import Duplicate, InvalidBatchError, Ledger, Pending, Recorded
from ledger.chain import chain_hash
from ledger.prepared import prepare
from ledger.batch import FilingBatch, PlanBatch
from tests.batches import filing


def stored_count(ledger: Ledger) -> int:
    return ledger.recorder.max_notification_id() or 0


def prepared(ledger: Ledger, batch: FilingBatch) -> list:
    """The stored events `record` would insert for `batch`, without inserting them."""
    pending = Pending()
    ledger._prepare(prepare(batch), pending)
    return pending.stored


def test_every_event_type_round_trips_exactly(ledger):
    batch = filing("round trip")
    result = ledger.record(batch)
    assert isinstance(result, Recorded) and result.events == len(batch.plans[0].events)
    (plan_id,) = result.plan_ids
    stored = list(ledger.plan_events(plan_id))
    assert {type(e) for e in stored} == set(ev.PLAN_EVENT_TYPES)
    for position, (original, back) in enumerate(zip(batch.plans[0].events, stored, strict=True), start=1):
        expected = msgspec.structs.replace(original, originator_id=plan_id, originator_version=position, prev=back.prev)
        if isinstance(back, ev.HoldingReported):
            assert back.investment
            expected = msgspec.structs.replace(expected, investment=back.investment)
        assert back == expected
    rollover = next(e for e in stored if isinstance(e, ev.ContributionReceived) and e.source == "rollover")
    assert str(rollover.amount) == "87602.50"


def test_each_plan_event_names_the_hash_of_the_one_before(ledger):
    first = ledger.record(filing("chain one"))
    ledger.record(filing("chain two"))
    (plan_id,) = first.plan_ids
    rows = ledger.recorder.select_events(plan_id)
    events = [ledger.mapper.to_domain_event(r) for r in rows]
    assert events[0].prev == ""
    assert [e.prev for e in events[1:]] == [chain_hash(r.topic, r.state) for r in rows[:-1]]
    markers = [e for _, e in ledger.stored([ev.FilingRecorded])]
    assert markers[-1].chain_heads == (chain_hash(rows[-1].topic, rows[-1].state),)
    assert markers[0].chain_heads == (chain_hash(rows[first.events - 1].topic, rows[first.events - 1].state),)


def test_a_group_of_filings_is_stored_in_one_go_with_duplicates_reported(ledger):
    one, two = filing("group one"), filing("group two", plans=("Example 401(k) Plan", "Second Plan"))
    results = ledger.record_many([one, two, one])
    assert [type(r) for r in results] == [Recorded, Recorded, Duplicate]
    assert results[0].plan_ids[0] == results[1].plan_ids[0]
    versions = [e.originator_version for e in ledger.plan_events(results[0].plan_ids[0])]
    assert versions == list(range(1, 2 * one.event_count + 1))
    assert [type(r) for r in ledger.record_many([two, filing("group three")])] == [Duplicate, Recorded]


def test_reappending_a_filing_is_a_duplicate_that_writes_nothing(ledger):
    batch = filing("dup")
    assert isinstance(ledger.record(batch), Recorded)
    before = stored_count(ledger)
    assert ledger.record(batch) == Duplicate(batch.filing_id)
    assert stored_count(ledger) == before


def test_duplicate_is_detected_by_a_second_application_too(ledger, store_url, tmp_path):
    batch = filing("dup elsewhere")
    ledger.record(batch)
    other = Ledger.open(tmp_path, store_url)
    try:
        assert other.record(batch) == Duplicate(batch.filing_id)
    finally:
        other.close()


def test_a_batch_failing_midway_leaves_nothing(ledger, monkeypatch):
    ledger.record(filing("first"))
    before = stored_count(ledger)
    batch = filing("second", plans=("Example 401(k) Plan", "Another Plan"))
    real = application.chain_hash
    calls = []

    def fail_on_the_fortieth(topic, state):
        calls.append(topic)
        if len(calls) == 40:
            raise RuntimeError("injected failure")
        return real(topic, state)

    monkeypatch.setattr(application, "chain_hash", fail_on_the_fortieth)
    with pytest.raises(RuntimeError, match="injected"):
        ledger.record(batch)
    monkeypatch.undo()
    assert stored_count(ledger) == before
    assert not ledger.has_filing(batch.filing_id)
    assert isinstance(ledger.record(batch), Recorded)


def test_a_database_error_midway_rolls_back_the_whole_filing(ledger):
    """The failure happens inside the database transaction, after some rows were inserted:
    the tenth event claims the ninth event's position."""
    stored = prepared(ledger, filing("midway"))
    stored[10] = dataclasses.replace(stored[10], originator_version=stored[9].originator_version)
    with pytest.raises(IntegrityError):
        ledger.recorder.insert_events(stored)
    assert stored_count(ledger) == 0


def test_invalid_batches_are_refused_before_anything_is_written(ledger):
    batch = filing("invalid")
    wrong_filing = msgspec.structs.replace(batch, filing_id=filing("other").filing_id)
    with pytest.raises(InvalidBatchError, match="filing id does not match"):
        ledger.record(wrong_filing)
    positioned = msgspec.structs.replace(batch.plans[0].events[0], originator_version=5)
    bad = msgspec.structs.replace(batch, plans=[PlanBatch(plan=batch.plans[0].plan, events=[positioned])])
    with pytest.raises(InvalidBatchError, match="not an unpositioned plan event"):
        ledger.record(bad)
    assert stored_count(ledger) == 0


def test_filings_of_one_plan_extend_one_stream(ledger):
    first = ledger.record(filing("year one"))
    second = ledger.record(filing("year two"))
    assert first.plan_ids == second.plan_ids
    versions = [e.originator_version for e in ledger.plan_events(first.plan_ids[0])]
    assert versions == list(range(1, first.events + second.events + 1))


def test_a_filing_without_ein_links_to_the_plan_by_name(ledger):
    with_ein = ledger.record(filing("with ein", plans=("SOS Staffing Services, Inc. 401(k) Plan",), ein="87-0295503"))
    without = ledger.record(filing("without ein", plans=("SOS STAFFING SERVICES, INC. 401 (k) PLAN",)))
    assert with_ein.plan_ids == without.plan_ids
    (summary,) = ledger.plans()
    assert summary.filings == 2 and summary.ein == "12-3456789"


def test_a_filing_covering_two_plans_is_one_atomic_batch(ledger):
    result = ledger.record(filing("two plans", plans=("Acme Savings Plan", "Acme Hourly 401(k) Plan")))
    assert len(set(result.plan_ids)) == 2
    assert {s.plan_id for s in ledger.plans()} == set(result.plan_ids)
    assert all(s.filings == 1 for s in ledger.plans())


def test_concurrent_writer_to_the_same_plan_is_retried_at_the_new_head(ledger, store_url, tmp_path):
    ledger.record(filing("head"))  # caches the plan's head in `ledger`
    other = Ledger.open(tmp_path, store_url)
    try:
        other.record(filing("meanwhile"))
    finally:
        other.close()
    result = ledger.record(filing("after"))  # its cached head is stale: collides, reloads, retries
    versions = [e.originator_version for e in ledger.plan_events(result.plan_ids[0])]
    assert versions == list(range(1, 3 * result.events + 1))


def test_stale_head_collides_instead_of_overwriting(ledger, store_url, tmp_path):
    ledger.record(filing("base"))
    stored = prepared(ledger, filing("late"))
    other = Ledger.open(tmp_path, store_url)
    try:
        other.record(filing("early"))
    finally:
        other.close()
    with pytest.raises(IntegrityError):
        ledger.recorder.insert_events(stored)


def raw_connection(store_url):
    if store_url.startswith("sqlite:///"):
        return sqlite3.connect(store_url.removeprefix("sqlite:///")), "stored_events"
    url = urlparse(store_url)
    schema = url.query.removeprefix("schema=")
    conn = psycopg.connect(store_url.split("?")[0], autocommit=True)
    return conn, f'"{schema}".planledger_events'


@pytest.mark.parametrize(
    "statement",
    ["UPDATE {t} SET state = state", "DELETE FROM {t}", "UPDATE {t} SET originator_version = originator_version + 100"],
)
def test_the_database_refuses_to_change_stored_events(ledger, store_url, statement):
    ledger.record(filing("immutable"))
    before = stored_count(ledger)
    conn, table = raw_connection(store_url)
    try:
        with pytest.raises((sqlite3.DatabaseError, psycopg.Error), match="append-only"):
            conn.execute(statement.format(t=table))
    finally:
        conn.close()
    assert stored_count(ledger) == before
    assert len(list(ledger.stored())) == before


def test_postgres_refuses_truncate(pg_url, tmp_path):
    ledger = Ledger.open(tmp_path, pg_url)
    try:
        ledger.record(filing("no truncate"))
        conn, table = raw_connection(pg_url)
        with conn, pytest.raises(psycopg.Error, match="append-only"):
            conn.execute(f"TRUNCATE {table}")
        assert ledger.has_filing(filing("no truncate").filing_id)
    finally:
        ledger.close()
