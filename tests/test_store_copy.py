"""The PostgreSQL recorder's bulk path: one COPY per transaction, with the library's semantics
kept (ids in commit order, returned as stored; a duplicate key raises IntegrityError and
stores nothing of the transaction)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from ledger.application import Duplicate, Ledger, Recorded
from tests.batches import filing


@pytest.fixture
def pg_ledger(pg_url, tmp_path):
    app = Ledger.open(tmp_path, pg_url)
    yield app
    app.close()


def rows(originator, count: int, start: int = 1) -> list[StoredEvent]:
    return [StoredEvent(originator, v, "topic", f"state {v}".encode()) for v in range(start, start + count)]


def test_copy_returns_the_ids_it_stored_in_order(pg_ledger):
    recorder = pg_ledger.recorder
    first, second = uuid4(), uuid4()
    ids = recorder.insert_events(rows(first, 3) + rows(second, 2))
    more = recorder.insert_events(rows(first, 2, start=4))
    stored = recorder.select_notifications(1, 100)
    assert [n.id for n in stored] == [*ids, *more]
    assert ids == list(range(ids[0], ids[0] + 5)) and more[0] > ids[-1]
    assert [(n.originator_id, n.originator_version, n.state) for n in stored] == [
        (r.originator_id, r.originator_version, r.state) for r in rows(first, 3) + rows(second, 2) + rows(first, 2, start=4)
    ]


def test_a_duplicate_key_raises_integrity_error_and_stores_nothing_of_its_transaction(pg_ledger):
    recorder = pg_ledger.recorder
    taken = uuid4()
    recorder.insert_events(rows(taken, 1))
    with pytest.raises(IntegrityError):
        recorder.insert_events(rows(uuid4(), 3) + rows(taken, 1))
    assert len(recorder.select_notifications(1, 100)) == 1
    after = recorder.insert_events(rows(uuid4(), 1))  # the connection went back to the pool usable
    assert len(after) == 1


def test_a_group_with_a_stored_filing_reports_it_duplicate_and_stores_the_rest(pg_ledger):
    pg_ledger.record(filing("copy one"))
    results = pg_ledger.record_many([filing("copy two"), filing("copy one"), filing("copy three")])
    assert [type(r) for r in results] == [Recorded, Duplicate, Recorded]
    assert pg_ledger.record(filing("copy three")) == Duplicate(filing("copy three").filing_id)


def test_concurrent_writers_get_distinct_ids_in_commit_order(pg_url, tmp_path):
    ledgers = [Ledger.open(tmp_path / str(i), pg_url) for i in range(2)]
    try:
        def write(i: int) -> list[int]:
            out = []
            for n in range(10):
                out += ledgers[i].recorder.insert_events(rows(uuid4(), 20))
            return out

        with ThreadPoolExecutor(2) as pool:
            returned = [i for ids in pool.map(write, range(2)) for i in ids]
        stored = [n.id for n in ledgers[0].recorder.select_notifications(1, 1000)]
        assert sorted(returned) == stored and len(set(stored)) == 400
    finally:
        for ledger in ledgers:
            ledger.close()
