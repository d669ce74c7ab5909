"""A prepared batch stores exactly what appending the filing itself stores: the position spliced
into an event's unpositioned state gives the bytes of encoding the positioned event, for every
event type; and a prepared batch survives the trip between processes."""

from __future__ import annotations

import pickle
from uuid import UUID

import msgspec
import pytest

from ledger import events as ev
from ledger.application import Duplicate, Ledger, Recorded
from ledger.prepared import InvalidBatchError, PreparedBatch, prepare
from ledger.transcoding import MsgspecTranscoder, positioned
from tests.batches import filing

PLAN = UUID("0b5c3a52-8f0e-4d1b-9a57-3c2f4e1d7a91")


@pytest.mark.parametrize("prev", ["", "ab" * 32])
def test_the_spliced_position_gives_the_bytes_of_the_positioned_event(prev):
    encode = MsgspecTranscoder().encode_struct
    events = filing("splice").plans[0].events
    assert {type(e) for e in events} == set(ev.PLAN_EVENT_TYPES)
    for version, event in enumerate(events, start=1):
        whole = encode(msgspec.structs.replace(event, originator_id=PLAN, originator_version=version, prev=prev))
        assert positioned(encode(event), str(PLAN).encode(), version, prev) == whole, type(event).__name__


def test_a_prepared_batch_is_stored_as_the_batch_itself_is(tmp_path):
    batches = [filing(f"prepared {i}", plans=(f"Plan {i % 2}",), ein=f"12-000000{i % 2}") for i in range(4)]
    direct, ready = Ledger.open(tmp_path / "direct"), Ledger.open(tmp_path / "ready")
    try:
        wire = msgspec.msgpack.encode([prepare(b) for b in batches])
        prepared = msgspec.msgpack.decode(wire, type=list[PreparedBatch])
        results = ready.record_many(prepared)
        assert [r.plan_ids for r in direct.record_many(batches)] == [r.plan_ids for r in results]
        rows = [[(n.originator_id, n.originator_version, n.topic, n.state) for n in ledger.notifications()] for ledger in (direct, ready)]
        marker = rows[0][-1][2]  # a marker holds the time it was recorded: compared apart
        assert [r for r in rows[0] if r[2] != marker] == [r for r in rows[1] if r[2] != marker]
        assert len(rows[1]) > 4 * len(ev.PLAN_EVENT_TYPES)
        holdings = [e for e in ready.plan_events(results[-1].plan_ids[0]) if isinstance(e, ev.HoldingReported)]
        assert len(holdings) == 4 and all(h.investment for h in holdings)
    finally:
        direct.close()
        ready.close()


def test_a_batch_that_crossed_between_processes_is_positioned_once(ledger):
    """Unpickled, an unpositioned event's NIL plan id is another object, which msgspec encodes
    (it omits a default only if it is the very default): its position must still be spliced
    in once, not beside a second, empty one."""
    batch = pickle.loads(pickle.dumps(filing("pickled")))
    assert pickle.loads(pickle.dumps(prepare(batch))) == prepare(batch)
    (plan_id,) = ledger.record(batch).plan_ids
    stored = ledger.recorder.select_events(plan_id)
    assert all(r.state.count(b'"originator_id"') == 1 for r in stored)
    assert [e.originator_id for e in ledger.plan_events(plan_id)] == [plan_id] * len(stored)


def test_a_batch_with_a_positioned_event_is_refused_when_prepared():
    batch = filing("positioned")
    events = batch.plans[0].events
    events[3] = msgspec.structs.replace(events[3], prev="ab" * 32)
    with pytest.raises(InvalidBatchError, match="not an unpositioned plan event"):
        prepare(batch)


def test_a_prepared_batch_is_recorded_once(ledger):
    ready = prepare(filing("once"))
    first, again = ledger.record(ready), ledger.record(ready)
    assert isinstance(first, Recorded) and first.events == ready.event_count
    assert again == Duplicate(ready.filing_id)
