"""The write path's lookups are per group, not per plan: a group of new plans reads no plan's
stream and looks its plan keys up in one query; plans already stored are found with one more
query for their heads, reading no stream unless a holding or a name under another EIN needs it."""

from __future__ import annotations

import msgspec

from ledger import events as ev
from ledger.application import Recorded
from ledger.batch import FilingBatch
from ledger.chain import chain_hash
from tests.batches import filing


def counting(ledger, name: str) -> list:
    calls: list = []
    method = getattr(ledger.recorder, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return method(*args, **kwargs)

    setattr(ledger.recorder, name, counted)
    return calls


def test_a_group_of_new_plans_reads_no_stream_and_looks_its_keys_up_once(ledger):
    streams, filings, lasts = counting(ledger, "select_events"), counting(ledger, "stored_originators"), counting(ledger, "last_events")
    results = ledger.record_many([filing(f"new plan {i}", plans=(f"Plan {i}",), ein=f"12-000000{i}") for i in range(5)])
    assert all(isinstance(r, Recorded) for r in results)
    assert streams == []
    assert [len(ids) for ids, in filings] == [5]
    assert [len(ids) for ids, in lasts] == [10]  # an EIN key and a name key each, none claimed


def without_holdings(batch: FilingBatch) -> FilingBatch:
    plans = [msgspec.structs.replace(p, events=[e for e in p.events if not isinstance(e, ev.HoldingReported)]) for p in batch.plans]
    return msgspec.structs.replace(batch, plans=plans)


def test_a_group_of_stored_plans_reads_their_heads_in_one_query(ledger):
    year = [[without_holdings(filing(f"year {y} plan {i}", plans=(f"Plan {i}",), ein=f"12-000000{i}")) for i in range(3)] for y in (1, 2)]
    first = ledger.record_many(year[0])
    ledger._claims.clear()  # as a new process would: nothing remembered
    ledger._heads.clear()
    streams, lasts = counting(ledger, "select_events"), counting(ledger, "last_events")
    second = ledger.record_many(year[1])
    assert [r.plan_ids for r in second] == [r.plan_ids for r in first]
    assert streams == []
    assert [len(ids) for ids, in lasts] == [6, 3]  # the keys, then the heads of the plans they name
    for (plan_id,) in (r.plan_ids for r in second):
        rows = ledger.recorder.select_events(plan_id)
        events = [ledger.mapper.to_domain_event(r) for r in rows]
        assert [e.originator_version for e in events] == list(range(1, len(rows) + 1))
        assert [e.prev for e in events[1:]] == [chain_hash(r.topic, r.state) for r in rows[:-1]]


def test_plans_already_stored_are_found_by_their_keys(ledger):
    first = ledger.record_many([filing(f"year one {i}", plans=(f"Plan {i}",), ein=f"12-000000{i}") for i in range(3)])
    ledger._claims.clear()  # as a new process would: nothing remembered
    ledger._heads.clear()
    second = ledger.record_many([filing(f"year two {i}", plans=(f"Plan {i}",), ein=f"12-000000{i}") for i in range(3)])
    assert [r.plan_ids for r in second] == [r.plan_ids for r in first]
    (plan_id,) = second[0].plan_ids
    assert [e.originator_version for e in ledger.plan_events(plan_id)] == list(range(1, 2 * len(filing("x").plans[0].events) + 1))
