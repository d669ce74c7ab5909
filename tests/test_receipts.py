"""Anchored tamper evidence: signed receipts catch what a recomputed chain hides.

Each tamper below is tried twice: plain `verify` (the chains, the markers and the plan keys
checked against each other) and `verify --receipts` (every signed receipt checked against the
store). The store is `tests.test_verify.Store`: three filings of plan `a`, one of plan `b`, each
recorded with a receipt after it; tampering goes through a raw connection without the triggers.
Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.chain import chain_hash
from ledger.identity import plan_key_id, plan_keys
from ledger.receipts import canonical, check, issue, max_notification_id, public_hex, signing_key, trusted_key
from ledger.verify import Chains
from tests.batches import filing
from tests.conftest import SEEDS
from tests.cli import planledger
from tests.test_verify import EVENTS, LAST, Store

DATA_FILINGS = __import__("tests.conftest", fromlist=["DATA"]).DATA / "filings"


class Anchored(Store):
    """The test_verify store, with a receipt signed after each filing."""

    def __init__(self, ledger, store_url, receipts, key) -> None:
        self.receipts, self.key = receipts, key
        record = ledger.record

        def recorded(batch):
            before = max_notification_id(ledger)
            result = record(batch)
            issue(ledger, receipts, before, key)
            return result

        ledger.record = recorded
        super().__init__(ledger, store_url)
        self.nid = "rowid" if self.sqlite else "notification_id"

    def plain(self) -> set[tuple]:
        """Every problem plain verify reports: (kind, where)."""
        chains = Chains(self.ledger)
        reports = list(chains.verify_all())
        found = {(r.problem.kind, r.plan_id) for r in reports if r.problem}
        return found | {(p.kind, p.subject) for p in chains.index_problems(reports)}

    def anchored(self) -> list[tuple[str, str]]:
        """Every receipt problem: (kind, detail)."""
        return [(f.kind, f.detail) for f in check(self.ledger, self.receipts, public_hex(self.key)).findings]

    def kinds(self) -> set[str]:
        return {kind for kind, _ in self.anchored()}

    def marker(self, which: int) -> dict:
        return msgspec.json.decode(self.state(self.filings[which], 1))

    def edit_marker(self, which: int, **changes) -> None:
        self.edit(self.filings[which], 1, **changes)

    def recompute(self, start: int) -> None:
        """A careful forger: every `prev` from `start` on, and every marker's heads, made to match."""
        for v in range(max(start, 2), self.last() + 1):
            self.edit(self.a, v, prev=chain_hash(self.topic(self.a, v - 1), self.state(self.a, v - 1)))
        ends = {}
        for v in range(1, self.last() + 1):
            ends[msgspec.json.decode(self.state(self.a, v))["provenance"]["filing_id"]] = v
        for which, fid in enumerate(self.filings):
            if str(fid) in ends:
                end = ends[str(fid)]
                self.edit_marker(which, chain_heads=[chain_hash(self.topic(self.a, end), self.state(self.a, end))])

    def last(self) -> int:
        return self.sql("SELECT max(originator_version) FROM {t} WHERE originator_id = ?", self.a).fetchone()[0]

    def notification(self, stream, version: int) -> int:
        return self.sql(f"SELECT {self.nid} FROM {{t}} WHERE originator_id = ? AND originator_version = ?", stream, version).fetchone()[0]

    def swap_notifications(self, one: tuple, other: tuple) -> None:
        first, second = self.notification(*one), self.notification(*other)
        for stream_version, to in ((one, -first), (other, first), ((one[0], one[1]), second)):
            self.sql(f"UPDATE {{t}} SET {self.nid} = ? WHERE originator_id = ? AND originator_version = ?", to, *stream_version)


@pytest.fixture
def store(ledger, store_url, tmp_path):
    key = signing_key(tmp_path / "key")
    s = Anchored(ledger, store_url, tmp_path.parent / f"{tmp_path.name}.receipts.jsonl", key)
    yield s
    s.close()


def test_an_untouched_store_passes_both(store):
    assert store.plain() == set()
    assert store.anchored() == []
    outcome = check(store.ledger, store.receipts, public_hex(store.key))
    assert outcome.receipts == 4 and outcome.proven == {str(store.a): LAST, str(store.b): EVENTS}


def test_a_later_import_passes_both(store):
    store.ledger.record(filing("four"))
    store.ledger.record(filing("four"))  # a duplicate: no receipt
    assert store.plain() == set() and store.anchored() == []
    assert len(store.receipts.read_bytes().splitlines()) == 5


def test_a_recomputed_chain_after_an_edit(store):
    store.edit(store.a, 3, amount="1")
    store.recompute(3)
    assert store.plain() == set()  # the chain holds: only an anchor can tell
    (rewritten, *markers) = store.anchored()
    assert rewritten[0] == "rewritten" and f"plan {store.a}: position {EVENTS} hashes to" in rewritten[1]
    assert f"events in 1..{EVENTS} were changed" in rewritten[1]
    assert [k for k, _ in markers] == ["marker"] * 3 and all("was edited: chain_heads" in d for _, d in markers)


def test_a_recomputed_chain_after_a_deletion(store):
    store.delete(store.a, 5)
    for v in range(6, LAST + 1):
        store.move(store.a, v, store.a, v - 1)
        store.edit(store.a, v - 1, originator_version=v - 1)
    store.recompute(5)
    store.edit_marker(0, events=EVENTS - 1)
    assert store.plain() == set()
    found = store.anchored()
    assert found[0][0] == "rewritten" and f"events in 1..{EVENTS} were changed" in found[0][1]
    first = f"the marker of filing {store.filings[0]} (one.txt) was edited: events {EVENTS} -> {EVENTS - 1}; chain_heads ["
    assert [k for k, _ in found[1:]] == ["marker"] * 3 and found[1][1].startswith(first)


def test_a_deletion_without_fixing_the_event_count_is_caught_by_plain_verify(store):
    store.delete(store.a, 5)
    for v in range(6, LAST + 1):
        store.move(store.a, v, store.a, v - 1)
        store.edit(store.a, v - 1, originator_version=v - 1)
    store.recompute(5)
    assert store.plain() == {("marker", f"filing {store.filings[0]}")}
    assert "rewritten" in store.kinds()


def test_a_cleanly_removed_last_filing(store):
    store.sql("DELETE FROM {t} WHERE originator_id = ? AND originator_version > ?", store.a, 2 * EVENTS)
    store.sql("DELETE FROM {t} WHERE originator_id = ?", store.filings[2])
    assert store.plain() == set()
    assert store.anchored() == [
        ("removed", f"plan {store.a} has no event at position {LAST}, where the receipt recorded head "
                    f"{json.loads(store.receipts.read_bytes().splitlines()[2])['body']['heads'][0]['head'][:12]}: "
                    f"the chain now ends at {2 * EVENTS} (events removed)"),
        ("marker", f"the marker of filing {store.filings[2]} (three.txt) is gone"),
    ]


def claim_of(store, plan) -> tuple:
    key = plan_keys("Example 401(k) Plan" if plan == store.a else "Second Plan", "", "")[0]
    return key, plan_key_id(key)


def test_a_redirected_plan_key_claim(store):
    key, claim = claim_of(store, store.a)
    store.edit(claim, 1, plan_id=str(store.b))
    assert store.plain() == set()  # plan b exists: nothing in the store contradicts the claim
    assert store.anchored() == [("claim", f"the claim of plan key {key!r} was redirected: it named plan {store.a}, "
                                          f"now names plan {store.b} (future filings would go there)")]


def test_a_claim_redirected_to_a_plan_that_does_not_exist(store):
    key, claim = claim_of(store, store.a)
    store.edit(claim, 1, plan_id="00000000-0000-0000-0000-000000000009")
    assert store.plain() == {("claim", f"plan key {key!r}")}
    assert store.kinds() == {"claim"}


def test_a_removed_claim(store):
    key, claim = claim_of(store, store.b)
    store.delete(claim, 1)
    assert store.plain() == set()
    assert store.anchored() == [("claim", f"the claim of plan key {key!r} (plan {store.b}) is gone: "
                                          "the next filing naming it would start a new plan")]


def test_an_edited_marker_document(store):
    store.edit_marker(1, document="elsewhere.txt")
    assert store.plain() == set()
    assert store.anchored() == [("marker", f"the marker of filing {store.filings[1]} (two.txt) was edited: "
                                           "document 'two.txt' -> 'elsewhere.txt'")]


def test_an_edited_marker_event_count(store):
    store.edit_marker(1, events=EVENTS + 5)
    assert store.plain() == {("marker", f"filing {store.filings[1]}")}
    assert store.anchored() == [("marker", f"the marker of filing {store.filings[1]} (two.txt) was edited: "
                                           f"events {EVENTS} -> {EVENTS + 5}")]


def test_only_the_last_markers_heads_edited_is_an_edited_marker_with_receipts(store, tmp_path):
    store.edit_marker(2, chain_heads=["0" * 64])
    assert store.plain() == {("altered", store.a)}  # alone, the chain cannot tell this from an altered last event
    (finding,) = store.anchored()
    assert finding[0] == "marker" and "chain_heads" in finding[1]
    report = next(r for r in Chains(store.ledger).verify_all() if r.plan_id == store.a)
    outcome = check(store.ledger, store.receipts, public_hex(store.key))
    assert outcome.reconcile(report).problem.kind == "marker"


def test_an_altered_last_event_is_not_reconciled_into_a_marker(store):
    store.edit(store.a, LAST, party="Someone else")
    report = next(r for r in Chains(store.ledger).verify_all() if r.plan_id == store.a)
    outcome = check(store.ledger, store.receipts, public_hex(store.key))
    assert outcome.reconcile(report).problem.kind == "altered"
    assert [k for k, _ in store.anchored()] == ["rewritten"]


def test_swapped_events_in_the_notification_log(store):
    store.swap_notifications((store.a, 10), (store.a, 11))
    assert store.plain() == {("reordered", f"plan {store.a}")}
    assert store.anchored() == []  # receipts record markers' and claims' places, not every event's


def test_swapped_markers_in_the_notification_log(store):
    store.swap_notifications((store.filings[1], 1), (store.filings[2], 1))
    assert store.plain() == set()
    assert [k for k, _ in store.anchored()] == ["reordered", "reordered"]


def test_a_forged_receipts_file_is_reported(store):
    lines = store.receipts.read_bytes().splitlines()
    edited = json.loads(lines[1])
    edited["body"]["heads"][0]["head"] = "f" * 64
    other = Ed25519PrivateKey.generate()
    resigned = json.loads(lines[2])
    resigned["header"]["key"] = public_hex(other)
    resigned["signature"] = other.sign(canonical({"header": resigned["header"], "body": resigned["body"]})).hex()
    store.receipts.write_bytes(b"\n".join([lines[0], canonical(edited), canonical(resigned), lines[3][:40]]))
    assert store.anchored() == [
        ("signature", "receipt 2: the signature does not match its content (forged or edited)"),
        ("key", f"signed by unknown key {public_hex(other)[:12]}, not the trusted key {public_hex(store.key)[:12]}"),
        ("receipts", "receipt 3 follows receipt 2, but does not name it as previous: a receipt was removed, reordered or inserted before it"),
        ("receipts", "it is cut short (no newline): the file was truncated"),
    ]


def test_a_receipt_removed_from_the_middle_is_reported(store):
    lines = store.receipts.read_bytes().splitlines(keepends=True)
    store.receipts.write_bytes(b"".join([lines[0], lines[2], lines[3]]))
    assert [k for k, _ in store.anchored()] == ["receipts"]


# -- through the command line ---------------------------------------------------------------


def test_import_tamper_verify_receipts_through_the_cli(tmp_path, store_url):
    home = tmp_path / "home"
    receipts = tmp_path / "home.receipts.jsonl"
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("f1_brightwater_2005_underlines.txt", "f3_meridian_2004_full.txt"):
        shutil.copy(DATA_FILINGS / name, folder)
    result = planledger(home, "import", str(folder), store=store_url)
    assert result.returncode == 0, result.stderr
    assert f"receipt 1 appended to {receipts}" in result.stderr
    assert trusted_key() is not None
    clean = planledger(home, "verify", "--receipts", str(receipts), store=store_url)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "1 receipt checked, 0 problems" in clean.stderr

    with Chains_for(home, store_url) as (ledger, markers):
        s = Store.__new__(Store)
        s.ledger, s.url, s.sqlite = ledger, store_url, store_url.startswith("sqlite:///")
        from tests.test_store import raw_connection

        s.conn, s.table = raw_connection(store_url)
        if s.sqlite:
            s.conn.isolation_level = None
        fid, plan, last = markers[0]
        s.edit(fid, 1, document="renamed.txt")
        s.sql("DELETE FROM {t} WHERE originator_id = ? AND originator_version = ?", plan, last)
        s.close()
    broken = planledger(home, "verify", "--receipts", str(receipts), store=store_url)
    assert broken.returncode == 1
    lines = [line for line in broken.stdout.splitlines() if "receipt line" in line]
    assert len(lines) == 2, broken.stdout
    assert lines[0].startswith("removed   receipt line 1: plan ") and f"no event at position {last}" in lines[0]
    assert lines[1].startswith("marker    receipt line 1: the marker of filing ") and "document '" in lines[1]
    assert "-> 'renamed.txt'" in lines[1]
    assert "1 receipt checked, 2 problems" in broken.stderr and "Traceback" not in broken.stderr
    as_json = planledger(home, "verify", "--receipts", str(receipts), "--format", "json", store=store_url)
    assert [p["kind"] for p in json.loads(as_json.stdout)["receipts"]["problems"]] == ["removed", "marker"]


class Chains_for:
    """The store's first marker: its filing, its plan and that plan's last position."""

    def __init__(self, home, store_url) -> None:
        from ledger.application import Ledger

        self.ledger = Ledger.open(home, store_url)

    def __enter__(self):
        from ledger import events as ev

        markers = []
        for _, marker in self.ledger.stored([ev.FilingRecorded]):
            plan = marker.plan_ids[0]
            last = self.ledger.recorder.select_events(plan, desc=True, limit=1)[0].originator_version
            markers.append((marker.originator_id, plan, last))
        return self.ledger, markers

    def __exit__(self, *exc) -> None:
        self.ledger.close()


def test_a_receipts_file_that_cannot_be_read_is_one_line(tmp_path):
    planledger(tmp_path, "import", str(SEEDS / "000_7d7b012b68c2cbfb.txt"))
    result = planledger(tmp_path, "verify", "--receipts", str(tmp_path / "missing.jsonl"))
    assert result.returncode == 2 and "cannot read the receipts file" in result.stderr and "Traceback" not in result.stderr


def test_verify_on_another_machine_with_the_signers_public_key(tmp_path):
    """An auditor holding only the signer's public key checks the receipts against it: receipts
    re-signed by anyone else are refused, whatever key the receipts themselves name."""
    planledger(tmp_path, "import", str(SEEDS / "000_7d7b012b68c2cbfb.txt"))
    receipts = Path(f"{tmp_path}.receipts.jsonl")
    signer = trusted_key()
    good = planledger(tmp_path, "verify", "--receipts", str(receipts), "--key", signer.upper())
    assert good.returncode == 0 and "1 receipt checked, 0 problems" in good.stderr
    stranger = public_hex(Ed25519PrivateKey.generate())
    bad = planledger(tmp_path, "verify", "--receipts", str(receipts), "--key", stranger)
    assert bad.returncode == 1
    assert f"signed by unknown key {signer[:12]}, not the trusted key {stranger[:12]}" in bad.stdout
    for args, message in ((("--receipts", str(receipts), "--key", "abc"), "is not an ed25519 public key"), (("--key", signer), "give --receipts FILE too")):
        refused = planledger(tmp_path, "verify", *args)
        assert refused.returncode == 2 and message in refused.stderr and "Traceback" not in refused.stderr
