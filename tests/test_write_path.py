"""The write path's lookups are per group, not per plan: a group of new plans reads no plan's
stream and looks its plan keys up in one query; plans already stored are still found."""

from __future__ import annotations

from ledger.application import Recorded
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
    streams, lookups = counting(ledger, "select_events"), counting(ledger, "stored_originators")
    results = ledger.record_many([filing(f"new plan {i}", plans=(f"Plan {i}",), ein=f"12-000000{i}") for i in range(5)])
    assert all(isinstance(r, Recorded) for r in results)
    assert streams == []
    assert [len(ids) for ids, in lookups] == [5, 10]  # the filings, then an EIN key and a name key each


def test_plans_already_stored_are_found_by_their_keys(ledger):
    first = ledger.record_many([filing(f"year one {i}", plans=(f"Plan {i}",), ein=f"12-000000{i}") for i in range(3)])
    ledger._claims.clear()  # as a new process would: nothing remembered
    ledger._heads.clear()
    second = ledger.record_many([filing(f"year two {i}", plans=(f"Plan {i}",), ein=f"12-000000{i}") for i in range(3)])
    assert [r.plan_ids for r in second] == [r.plan_ids for r in first]
    (plan_id,) = second[0].plan_ids
    assert [e.originator_version for e in ledger.plan_events(plan_id)] == list(range(1, 2 * len(filing("x").plans[0].events) + 1))
