"""Groups written while the next is prepared store exactly what one group at a time stores; a
write that fails under the next group's feet (another writer took a position) is recovered."""

from __future__ import annotations

import pytest
from eventsourcing.persistence import IntegrityError

from ledger.application import Duplicate, InvalidBatchError, Ledger, Recorded
from tests.batches import filing


def groups() -> list[list]:
    """Three groups in which later filings build on the same plans as earlier ones, with a
    filing repeated inside the next group."""
    first = [filing(f"year 1 plan {i}", plans=(f"Plan {i}",), ein=f"12-000000{i}") for i in range(3)]
    second = [filing(f"year 2 plan {i}", plans=(f"Plan {i}",), ein=f"12-000000{i}") for i in range(3)] + [first[0]]
    third = [filing(f"year 3 plan {i}", plans=(f"Plan {i}",), ein=f"12-000000{i}") for i in range(3, 0, -1)]
    return [first, second, third]


def rows(ledger: Ledger) -> list[tuple]:
    return [(n.originator_id, n.originator_version, n.topic, n.state) for n in ledger.notifications() if not n.topic.endswith("FilingRecorded")]


def kinds(outcomes) -> list[str]:
    return [type(o).__name__ for o in outcomes]


def test_pipelined_groups_store_what_one_group_at_a_time_stores(tmp_path):
    one, piped = Ledger.open(tmp_path / "one"), Ledger.open(tmp_path / "piped")
    try:
        serial = [one.record_many(g) for g in groups()]
        pipelined = list(piped.record_groups(groups()))
        assert [kinds(o) for o in pipelined] == [kinds(o) for o in serial] == [["Recorded"] * 3, ["Recorded"] * 3 + ["Duplicate"], ["Recorded"] * 3]
        assert pipelined == serial
        assert rows(piped) == rows(one)
    finally:
        one.close()
        piped.close()


def test_a_write_that_fails_is_recorded_again_and_the_next_group_on_top_of_it(ledger, monkeypatch):
    real = ledger.recorder.insert_events
    calls = []

    def another_writer_got_there_first(stored, **kwargs):
        calls.append(len(stored))
        if len(calls) == 2:  # the second group's write, while the third is being prepared on it
            raise IntegrityError("duplicate key")
        return real(stored, **kwargs)

    monkeypatch.setattr(ledger.recorder, "insert_events", another_writer_got_there_first)
    outcomes = list(ledger.record_groups(groups()))
    assert [kinds(o) for o in outcomes] == [["Recorded"] * 3, ["Recorded"] * 3 + ["Duplicate"], ["Recorded"] * 3]
    assert len(calls) == 4  # the failed write, then the group again and the next one
    for plan_id in {p for g in outcomes for o in g if isinstance(o, Recorded) for p in o.plan_ids}:
        versions = [e.originator_version for e in ledger.plan_events(plan_id)]
        assert versions == list(range(1, len(versions) + 1))


def test_a_refused_group_is_yielded_as_its_error_in_its_place(ledger):
    bad = filing("twice", plans=("Same Plan", "Same Plan"))
    outcomes = list(ledger.record_groups([[filing("before")], [bad], [filing("after")]]))
    assert isinstance(outcomes[0][0], Recorded) and isinstance(outcomes[2][0], Recorded)
    assert isinstance(outcomes[1], InvalidBatchError) and "names plan 'Same Plan' twice" in str(outcomes[1])
    assert not isinstance(outcomes[2][0], Duplicate)


@pytest.mark.parametrize("empty_first", [True, False])
def test_empty_groups_keep_their_place(ledger, empty_first):
    sequence = [[], [filing("only")]] if empty_first else [[filing("only")], []]
    outcomes = list(ledger.record_groups(sequence))
    assert [len(o) for o in outcomes] == [len(g) for g in sequence]


def test_a_filing_stored_after_the_callers_check_is_still_a_duplicate(ledger):
    """`checked`: the caller left out what was stored; one stored since fails its group's write,
    and the group is recorded again, that filing as a duplicate, the others whole."""
    ledger.record(filing("stored meanwhile"))
    outcomes = list(ledger.record_groups([[filing("new one"), filing("stored meanwhile")], [filing("next")]], checked=True))
    assert [kinds(o) for o in outcomes] == [["Recorded", "Duplicate"], ["Recorded"]]
    assert ledger.filings_recorded_after(0) == 3
