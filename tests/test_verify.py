"""Tamper evidence: `planledger verify` catches every kind of change made behind the ledger's back.

Each test imports three filings of one plan (and one of another), drops the append-only
triggers through a raw connection, changes the stored rows, and expects the first problem
with its kind, plan and position. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from uuid import UUID

import msgspec
import pytest

from ledger import events as ev
from ledger.application import Ledger
from ledger.chain import Marker, chain_hash, verify_plan
from ledger.verify import Chains, chain_head
from tests.batches import filing
from tests.cli import planledger
from tests.test_store import raw_connection

EVENTS = len(filing().plans[0].events)  # per filing
LAST = 3 * EVENTS


class Store:
    """Three filings of plan `a`, one of plan `b`, and a raw connection without the triggers."""

    def __init__(self, ledger: Ledger, store_url: str) -> None:
        self.ledger = ledger
        self.url = store_url
        results = [ledger.record(filing(text)) for text in ("one", "two", "three")]
        self.a = results[0].plan_ids[0]
        self.b = ledger.record(filing("other", plans=("Second Plan",))).plan_ids[0]
        self.filings = [r.filing_id for r in results]
        self.sqlite = store_url.startswith("sqlite:///")
        self.conn, self.table = raw_connection(store_url)
        if self.sqlite:
            self.conn.isolation_level = None

    def unlock(self) -> None:
        """Drop the append-only triggers (every application that opens the store restores them)."""
        if self.sqlite:
            self.conn.execute("DROP TRIGGER IF EXISTS stored_events_no_update")
            self.conn.execute("DROP TRIGGER IF EXISTS stored_events_no_delete")
        else:
            self.conn.execute(f"DROP TRIGGER IF EXISTS planledger_events_no_change ON {self.table}")

    def sql(self, statement: str, *params):
        if not statement.startswith("SELECT"):
            self.unlock()
        params = tuple(p.hex if self.sqlite and isinstance(p, UUID) else p for p in params)
        statement = statement.format(t=self.table)
        return self.conn.execute(statement if self.sqlite else statement.replace("?", "%s"), params)

    def state(self, stream: UUID, version: int) -> bytes:
        return bytes(self.sql("SELECT state FROM {t} WHERE originator_id = ? AND originator_version = ?", stream, version).fetchone()[0])

    def put(self, stream: UUID, version: int, state: bytes) -> None:
        self.sql("UPDATE {t} SET state = ? WHERE originator_id = ? AND originator_version = ?", state, stream, version)

    def edit(self, stream: UUID, version: int, **changes) -> None:
        """Change fields of a stored event, keeping its state valid JSON."""
        fields = msgspec.json.decode(self.state(stream, version))
        self.put(stream, version, msgspec.json.encode({**fields, **changes}))

    def retype(self, stream: UUID, version: int, topic: str) -> None:
        self.sql("UPDATE {t} SET topic = ? WHERE originator_id = ? AND originator_version = ?", topic, stream, version)

    def delete(self, stream: UUID, version: int) -> None:
        self.sql("DELETE FROM {t} WHERE originator_id = ? AND originator_version = ?", stream, version)

    def insert(self, stream: UUID, version: int, topic: str, state: bytes) -> None:
        self.sql("INSERT INTO {t} (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
                 stream, version, topic, state)

    def topic(self, stream: UUID, version: int) -> str:
        return self.sql("SELECT topic FROM {t} WHERE originator_id = ? AND originator_version = ?", stream, version).fetchone()[0]

    def move(self, stream: UUID, version: int, to: UUID, new_version: int) -> None:
        self.sql("UPDATE {t} SET originator_id = ?, originator_version = ? WHERE originator_id = ? AND originator_version = ?",
                 to, new_version, stream, version)

    def relink_from(self, version: int) -> None:
        """What a careful forger does after an edit: rewrite every later `prev` to match."""
        for v in range(version + 1, LAST + 1):
            self.edit(self.a, v, prev=chain_hash(self.topic(self.a, v - 1), self.state(self.a, v - 1)))

    def problems(self) -> dict[UUID, tuple]:
        """Each failing plan's first problem."""
        return {r.plan_id: (r.problem.kind, r.problem.position) for r in Chains(self.ledger).verify_all() if r.problem}

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def store(ledger, store_url):
    s = Store(ledger, store_url)
    yield s
    s.close()


def test_an_untouched_store_verifies(store, tmp_path):
    reports = list(Chains(store.ledger).verify_all())
    assert {r.plan_id: (r.intact, r.events) for r in reports} == {store.a: (True, LAST), store.b: (True, EVENTS)}
    assert reports[0].head == chain_head(store.ledger, store.a)
    result = planledger(tmp_path, "verify", store=store.url)
    assert result.returncode == 0, result.stderr
    assert f"ok        {store.a}  {LAST} events  head {chain_head(store.ledger, store.a)}" in result.stdout
    assert "2 plans verified, 0 failed" in result.stderr


def test_altered_content_is_caught_at_the_altered_event(store, tmp_path):
    store.edit(store.a, 3, amount="1881456")
    assert store.problems() == {store.a: ("altered", 3)}
    result = planledger(tmp_path, "verify", "--format", "json", store=store.url)
    assert result.returncode == 1
    rows = {r["plan_id"]: r for r in json.loads(result.stdout)["plans"]}
    assert rows[str(store.a)]["status"] == "failed" and rows[str(store.a)]["kind"] == "altered"
    assert rows[str(store.a)]["position"] == 3 and "next event recorded" in rows[str(store.a)]["detail"]
    assert rows[str(store.b)]["status"] == "ok"


def test_an_event_relabelled_as_another_type_is_caught(store):
    """An expense retyped as an addition has the same fields, so only the type betrays it."""
    assert store.topic(store.a, 10).endswith(":AdministrativeExpense")
    store.retype(store.a, 10, store.topic(store.a, 10).replace("AdministrativeExpense", "OtherAddition"))
    assert store.problems() == {store.a: ("altered", 10)}


def test_altering_the_last_event_breaks_the_head_the_filing_recorded(store):
    store.edit(store.a, LAST, party="Someone else")
    assert store.problems() == {store.a: ("altered", LAST)}


def test_an_edit_relinked_by_a_careful_forger_is_caught_by_the_recorded_heads(store):
    store.edit(store.a, 3, amount="1")
    store.relink_from(3)
    assert store.problems() == {store.a: ("altered", EVENTS)}


def test_a_removed_middle_event_is_caught(store, tmp_path):
    store.delete(store.a, 30)
    assert store.problems() == {store.a: ("removed", 30)}
    result = planledger(tmp_path, "verify", "--plan", str(store.a), store=store.url)
    assert result.returncode == 1
    assert f"removed   {store.a}  position 30 of {LAST - 1}: position 30 is missing" in result.stdout
    assert "1 plan verified, 1 failed" in result.stderr


def test_a_removed_last_event_is_caught(store):
    store.delete(store.a, LAST)
    assert store.problems() == {store.a: ("removed", LAST)}


@pytest.mark.parametrize("linked", [True, False], ids=["correct-prev", "wrong-prev"])
def test_a_forged_event_appended_is_caught(store, linked):
    fields = msgspec.json.decode(store.state(store.a, 5))
    prev = chain_hash(store.topic(store.a, LAST), store.state(store.a, LAST)) if linked else fields["prev"]
    forged = msgspec.json.encode({**fields, "originator_version": LAST + 1, "prev": prev, "amount": "999"})
    store.insert(store.a, LAST + 1, store.topic(store.a, 5), forged)
    assert store.problems() == {store.a: ("inserted", LAST + 1)}


def test_an_event_inserted_in_the_middle_is_caught(store):
    for v in range(LAST, 9, -1):
        store.move(store.a, v, store.a, v + 1)
    fields = msgspec.json.decode(store.state(store.a, 11))
    store.insert(store.a, 10, store.topic(store.a, 11), msgspec.json.encode({**fields, "originator_version": 10, "amount": "5"}))
    assert store.problems() == {store.a: ("inserted", 10)}


def test_swapped_events_are_caught(store, tmp_path):
    store.move(store.a, 10, store.a, -10)
    store.move(store.a, 11, store.a, 10)
    store.move(store.a, -10, store.a, 11)
    assert store.problems() == {store.a: ("reordered", 10)}
    result = planledger(tmp_path, "verify", "--format", "json", store=store.url)
    assert result.returncode == 1
    (row,) = [r for r in json.loads(result.stdout)["plans"] if r["status"] == "failed"]
    assert (row["plan_id"], row["kind"], row["position"]) == (str(store.a), "reordered", 10)


def test_an_event_moved_to_another_plan_is_caught_in_both(store):
    store.move(store.a, 30, store.b, EVENTS + 1)
    assert store.problems() == {store.a: ("removed", 30), store.b: ("moved", EVENTS + 1)}


def test_the_last_event_moved_away_is_caught_in_both(store):
    store.move(store.a, LAST, store.b, EVENTS + 1)
    assert store.problems() == {store.a: ("removed", LAST), store.b: ("moved", EVENTS + 1)}


@pytest.mark.parametrize("which", [1, 2], ids=["middle", "latest"])
def test_a_removed_marker_is_caught_at_the_first_event_citing_it(store, which):
    store.sql("DELETE FROM {t} WHERE originator_id = ?", store.filings[which])
    assert store.problems() == {store.a: ("marker", which * EVENTS + 1)}


def test_an_altered_marker_is_caught(store):
    fields = msgspec.json.decode(store.state(store.filings[1], 1))
    store.put(store.filings[1], 1, msgspec.json.encode({**fields, "chain_heads": ["0" * 64]}))
    assert store.problems() == {store.a: ("marker", 2 * EVENTS)}


def test_a_marker_that_no_longer_names_the_plan_is_caught(store):
    fields = msgspec.json.decode(store.state(store.filings[0], 1))
    store.put(store.filings[0], 1, msgspec.json.encode({**fields, "plan_ids": [str(store.b)]}))
    assert store.problems()[store.a] == ("marker", 1)


def test_an_event_whose_state_is_no_longer_an_event_is_caught(store):
    store.put(store.a, 7, b"{}")
    assert store.problems() == {store.a: ("altered", 7)}


def test_unknown_plan_and_bad_head_are_user_errors(store, tmp_path):
    for args in (("--plan", "no such plan"), ("--plan", str(UUID(int=5))), ("--head", "abc")):
        result = planledger(tmp_path, "verify", *args, store=store.url)
        assert result.returncode == 2 and "error" in result.stderr and "Traceback" not in result.stderr


def test_a_kept_head_proves_the_events_before_it(store, tmp_path):
    kept = chain_head(store.ledger, store.a)
    store.ledger.record(filing("four"))
    result = planledger(tmp_path, "verify", "--head", kept, "--format", "json", store=store.url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["head"] == {
        "head": kept, "plan_id": str(store.a), "position": LAST, "proven": True,
        "detail": f"position {LAST} of plan {store.a}; every event up to it is intact",
    }
    store.edit(store.a, 3, amount="1")
    broken = planledger(tmp_path, "verify", "--head", kept, store=store.url)
    assert broken.returncode == 1
    assert f"head {kept}: position {LAST} of plan {store.a}, but the chain is broken at 3" in broken.stdout
    store.relink_from(3)
    rewritten = planledger(tmp_path, "verify", "--head", kept, "--format", "json", store=store.url)
    assert rewritten.returncode == 1
    assert json.loads(rewritten.stdout)["head"]["proven"] is False
    assert json.loads(rewritten.stdout)["head"]["position"] is None


def test_the_audit_carries_each_plans_chain_head(store, tmp_path):
    result = planledger(tmp_path, "audit", "--format", "json", store=store.url)
    assert result.returncode == 0, result.stderr
    chains = {c["plan_id"]: (c["events"], c["chain_head"]) for c in json.loads(result.stdout)["chains"]}
    assert chains == {
        str(store.a): (LAST, chain_head(store.ledger, store.a)),
        str(store.b): (EVENTS, chain_head(store.ledger, store.b)),
    }
    table = planledger(tmp_path, "audit", store=store.url).stdout
    assert f"chain head  {store.a}  {LAST} events  {chain_head(store.ledger, store.a)}" in table


# -- the pure logic, without a store ------------------------------------------------------


class Row(msgspec.Struct):
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes


def test_verify_plan_needs_no_store(tmp_path):
    """Rows and markers in memory are enough: the logic is usable wherever the rows come from."""
    with Ledger.open(tmp_path) as ledger:
        result = ledger.record(filing("memory"))
        rows = [Row(r.originator_id, r.originator_version, r.topic, r.state) for r in ledger.recorder.select_events(result.plan_ids[0])]
        (marker,) = [e for _, e in ledger.stored([ev.FilingRecorded])]
    plan_id = result.plan_ids[0]
    markers = [Marker(marker.originator_id, marker.chain_heads[0], 1, marker.events)]
    report = verify_plan(plan_id, rows, markers, {marker.originator_id}, seek=chain_hash(rows[4].topic, rows[4].state))
    assert report.intact and report.sought_at == 5 and report.sought_proven
    assert verify_plan(plan_id, rows[:-1], markers, {marker.originator_id}).problem.kind == "removed"
    assert verify_plan(plan_id, rows, [], set()).problem.kind == "marker"
