"""The ledger application: appends one filing as one atomic batch and reads events back.

A plan's events form one stream (its id is the plan id, its versions are positions 1..n).
Appending a filing writes, in one `insert_events` transaction: the plan events of every plan the
filing covers, positioned after each plan's head; the filing's marker (`FilingRecorded`, id
derived from the document digest); and index entries for plan keys seen for the first time.
A second import of the same document collides on the marker and is reported as a duplicate;
a concurrent writer to the same plan collides on a position and the append is retried.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, StoredEvent

from ledger import events as ev
from ledger.batch import FilingBatch
from ledger.chain import chain_hash
from ledger.identity import ein_key, plan_key_id
from ledger.linking import Column, InvestmentCatalog
from ledger.prepared import InvalidBatchError, PreparedBatch, PreparedPlan, prepare
from ledger.store import store_env
from ledger.transcoding import StructMapper, _topic, positioned

HOLDING_TOPIC = _topic(ev.HoldingReported)
IDENTIFIED_TOPIC = _topic(ev.PlanIdentified)
NOTIFICATION_PAGE = 1000
CACHED_PLANS = 300_000  # plan heads (and plan keys) kept between appends: under 1 KB each without holdings, so a million plan-years' plans fit


class ConflictError(RuntimeError):
    """Concurrent writers kept taking the positions this filing needed."""


class Recorded(msgspec.Struct, frozen=True):
    filing_id: UUID
    plan_ids: tuple[UUID, ...]
    events: int


class Duplicate(msgspec.Struct, frozen=True):
    filing_id: UUID


@dataclass(slots=True)
class PlanHead:
    """What appending to a plan needs to know: its last position and the hash of its last
    event; and, read from the store only when asked (`Ledger._whole`), the investments it has
    reported (to link holdings) and the EIN keys its filings named it by (to refuse joining it by
    name under another EIN). A head read from the plan's last event alone is not `whole`: its
    `eins` are then only those added since. A plan that reported no investment has no catalog
    (most plans: a million heads are kept in memory)."""

    version: int = 0
    chain: str = ""
    catalog: InvestmentCatalog | None = None
    eins: set[str] = field(default_factory=set)
    whole: bool = True

    def copy(self) -> PlanHead:
        catalog = self.catalog.copy() if self.catalog is not None else None
        return PlanHead(self.version, self.chain, catalog, set(self.eins), self.whole)


@dataclass
class Pending:
    """A group of filings prepared but not yet stored: later ones build on earlier ones."""

    heads: dict[UUID, PlanHead] = field(default_factory=dict)
    claims: dict[str, UUID] = field(default_factory=dict)
    filings: set[UUID] = field(default_factory=set)
    stored: list[StoredEvent] = field(default_factory=list)
    stored_filings: set[UUID] = field(default_factory=set)  # already in the store
    unclaimed: set[str] = field(default_factory=set)  # plan keys no stored claim names (looked up for the whole group)


@dataclass
class Staged(Pending):
    """A group prepared for one write: its filings, what they were recorded as, and the write."""

    ready: list[PreparedBatch] = field(default_factory=list)
    results: list[Recorded | Duplicate] = field(default_factory=list)
    written: Future = field(default_factory=Future)


def _done() -> Future:
    future: Future = Future()
    future.set_result(None)
    return future


Batch = FilingBatch | PreparedBatch
Refused = InvalidBatchError | ConflictError


def _prepared(batches: Sequence[Batch]) -> list[PreparedBatch]:
    """Each batch checked and encoded, unless a parser process has done it (`ledger.prepared`)."""
    return [b if isinstance(b, PreparedBatch) else prepare(b) for b in batches]


class Ledger(Application[UUID]):
    name = "planledger"

    def __init__(self, env: dict[str, str]) -> None:
        super().__init__(env)
        self._heads: dict[UUID, PlanHead] = {}
        self._claims: dict[str, UUID] = {}  # a stored claim never changes: safe to remember

    @classmethod
    def open(cls, home, store: str | None = None) -> Ledger:
        return cls(store_env(home, store))

    def construct_mapper(self) -> StructMapper:
        return StructMapper(cipher=self.factory.cipher(), compressor=self.factory.compressor())

    # -- writing ---------------------------------------------------------------------------

    def record(self, batch: Batch) -> Recorded | Duplicate:
        """Append a filing whole, or report that it is already stored."""
        return self.record_many([batch])[0]

    def record_many(self, batches: Sequence[Batch], *, attempts: int = 10) -> list[Recorded | Duplicate]:
        """Append several filings in one transaction: fewer commits, and each filing is still
        wholly present or wholly absent. A collision with another writer (or with a copy of
        a filing it stored meanwhile) prepares the whole group again at the new heads.
        A `PreparedBatch` was checked when it was prepared (`ledger.prepared`)."""
        ready = _prepared(batches)
        for _ in range(attempts):
            staged = self._stage(ready)
            if not staged.stored:
                return staged.results
            try:
                self.recorder.insert_events(staged.stored)
            except IntegrityError:
                for plan_id in staged.heads:
                    self._heads.pop(plan_id, None)
                continue
            self._remember(staged)
            return staged.results
        msg = f"{ready[0].document}: other writers kept appending to the same plans; try again"
        raise ConflictError(msg)

    def record_groups(self, groups: Iterable[Sequence[Batch]], *, checked: bool = False) -> Iterator[list[Recorded | Duplicate] | Refused]:
        """`record_many` for each group in turn, each group's write overlapping the next group's
        preparation (a write mostly waits on the database). The next group is prepared on top of
        the one being written, as if it were stored: its plans' heads, its plan keys, its filings.
        If that write fails, what was prepared on it is dropped, and both groups are recorded
        again one after the other. A group refused is yielded as its error, in its place.
        `checked`: the caller has just left out the filings already stored, so they are not
        looked up again; one stored meanwhile fails its group's write (its marker's key), and
        the group is recorded again as above, as a duplicate."""
        with ThreadPoolExecutor(1, thread_name_prefix="planledger-append") as writer:
            writing: Staged | None = None
            for batches in groups:
                staged = self._try_stage(batches, writing, checked)
                if writing is not None:
                    outcome, held = self._landed(writing)
                    yield outcome
                    if not held:
                        staged = self._try_stage(batches, None, checked)
                writing = None
                if isinstance(staged, Staged):
                    self._remember(staged)
                    staged.written = writer.submit(self.recorder.insert_events, staged.stored) if staged.stored else _done()
                    writing = staged
                else:
                    yield staged
            if writing is not None:
                yield self._landed(writing)[0]

    def _landed(self, writing: Staged) -> tuple[list[Recorded | Duplicate] | Refused, bool]:
        """The group's outcomes once its write is done, and whether it held; if it did not, the
        group is recorded again on what is stored, and what was prepared on top of it is void."""
        try:
            writing.written.result()
        except IntegrityError:
            self._heads.clear()
            self._claims.clear()
            return self._try_record(writing.ready), False
        return writing.results, True

    def _try_stage(self, batches: Sequence[Batch], writing: Staged | None, checked: bool) -> Staged | Refused:
        try:
            return self._stage(_prepared(batches), writing, checked)
        except InvalidBatchError as e:
            return e

    def _try_record(self, ready: list[PreparedBatch]) -> list[Recorded | Duplicate] | Refused:
        try:
            return self.record_many(ready)
        except (InvalidBatchError, ConflictError) as e:
            return e

    def _stage(self, ready: list[PreparedBatch], writing: Staged | None = None, checked: bool = False) -> Staged:
        """The group's rows at the heads the ledger knows (and `writing`'s filings taken as stored)."""
        stored = self.recorder.stored_originators([b.filing_id for b in ready]) if ready and not checked else set()
        staged = Staged(ready=ready, stored_filings=stored | (writing.filings if writing else set()))
        staged.unclaimed = self._unclaimed(ready) if ready else set()
        staged.results = [self._prepare(batch, staged) for batch in ready]
        return staged

    def _remember(self, staged: Staged) -> None:
        if len(self._heads) + len(staged.heads) > CACHED_PLANS:
            self._heads.clear()  # caches of what the store holds: forgetting costs a read, keeping them all could outgrow memory
            self._claims.clear()
        self._heads.update(staged.heads)
        self._claims.update(staged.claims)

    def _prepare(self, batch: PreparedBatch, pending: Pending) -> Recorded | Duplicate:
        if batch.filing_id in pending.filings or batch.filing_id in pending.stored_filings:
            return Duplicate(batch.filing_id)
        plan_ids: list[UUID] = []
        for plan in batch.plans:
            plan_id, claims = self._resolve_plan(plan, pending)
            if plan_id in plan_ids:
                msg = f"{batch.document}: the filing names plan {plan.plan.name!r} twice"
                raise InvalidBatchError(msg)
            plan_ids.append(plan_id)
            if plan_id not in pending.heads:
                pending.heads[plan_id] = self._head(plan_id).copy()
            pending.stored += map(self.mapper.to_stored_event, claims)
            pending.stored += self._chain(plan, plan_id, pending.heads[plan_id])
        marker = ev.FilingRecorded(
            originator_id=batch.filing_id,
            digest=batch.digest,
            document=batch.document,
            plan_ids=tuple(plan_ids),
            chain_heads=tuple(pending.heads[p].chain for p in plan_ids),
            events=batch.event_count,
            recorded_at=datetime.now(UTC),
        )
        pending.stored.append(self.mapper.to_stored_event(marker))
        pending.filings.add(batch.filing_id)
        return Recorded(batch.filing_id, tuple(plan_ids), batch.event_count)

    def _chain(self, plan: PreparedPlan, plan_id: UUID, head: PlanHead) -> list[StoredEvent]:
        """The plan's events placed after its head, each naming the hash of the one before it,
        with holdings linked to the investments the plan already reported.

        `head` is advanced in place; it is kept only once the append succeeds.
        """
        columns: dict[tuple[str, Any], Column] = defaultdict(Column)
        stored = []
        seal = self._seal
        if any(e.holding is not None for e in plan.events):
            self._whole(plan_id, head)
            if head.catalog is None:
                head.catalog = InvestmentCatalog()
        link = head.catalog.link if head.catalog is not None else None
        version, chain = head.version, head.chain
        plan_text = str(plan_id).encode()
        for event in plan.events:
            version += 1
            if event.holding is None:
                state = seal(positioned(event.body, plan_text, version, chain))
            else:
                holding = event.holding
                key = link(holding.label or holding.issuer, columns[(holding.provenance.section, holding.as_of)])
                holding = msgspec.structs.replace(holding, originator_id=plan_id, originator_version=version, prev=chain, investment=key)
                state = self.mapper.to_stored_event(holding).state
            chain = chain_hash(event.topic, state)
            stored.append(StoredEvent(plan_id, version, event.topic, state))
        head.eins.update(plan.eins)
        head.version, head.chain = version, chain
        return stored

    def _seal(self, state: bytes) -> bytes:
        """What the mapper does to an encoded state before it is stored (compression, a cipher)."""
        if self.mapper.compressor:
            state = self.mapper.compressor.compress(state)
        if self.mapper.cipher:
            state = self.mapper.cipher.encrypt(state)
        return state

    def _resolve_plan(self, prepared: PreparedPlan, pending: Pending) -> tuple[UUID, list[ev.PlanKeyClaimed]]:
        """The plan a filing names: by EIN and plan number first, else by name; but a name never
        joins two plans with different EINs ("401(k) Plan" is the name of thousands), so a name
        claimed by a plan named by another EIN is passed over."""
        ref = prepared.plan
        claimed = {key: pending.claims.get(key) or self._claimed_plan(key, pending.unclaimed) for key, _ in prepared.keys}
        own = ein_key(ref.ein, ref.plan_number) if ref.ein else ""

        def joins(key: str, plan_id: UUID | None) -> bool:
            if plan_id is None:
                return False
            if not own or not key.startswith("name:"):
                return True
            head = pending.heads.get(plan_id) or self._head(plan_id)
            eins = self._whole(plan_id, head).eins
            return not eins or own in eins

        plan_id = next((p for k, p in claimed.items() if joins(k, p)), None)
        if plan_id is None:
            plan_id = prepared.new_id
            pending.heads.setdefault(plan_id, PlanHead())  # its first key is unclaimed: no event of it is stored
        claims = []
        for key, key_id in prepared.keys:
            if claimed[key] is None:
                pending.claims[key] = plan_id
                claims.append(ev.PlanKeyClaimed(originator_id=key_id, key=key, plan_id=plan_id))
        return plan_id, claims

    def _unclaimed(self, batches: Sequence[PreparedBatch]) -> set[str]:
        """The group's plan keys that no stored claim names. The others' plans are remembered,
        with the heads of those plans not in memory (read from their last events): two queries
        for a whole group rather than two per filing."""
        ids = {i: k for b in batches for p in b.plans for k, i in p.keys if k not in self._claims}
        claims = self.recorder.last_events(list(ids)) if ids else {}
        for claim_id, stored in claims.items():
            self._claims[ids[claim_id]] = self.mapper.to_domain_event(stored).plan_id
        plans = {plan for b in batches for p in b.plans for k, _ in p.keys if (plan := self._claims.get(k)) is not None and plan not in self._heads}
        for plan_id, last in (self.recorder.last_events(list(plans)) if plans else {}).items():
            self._heads[plan_id] = PlanHead(last.originator_version, chain_hash(last.topic, last.state), whole=False)
        return {k for i, k in ids.items() if i not in claims}

    def _claimed_plan(self, key: str, unclaimed: set[str] = frozenset()) -> UUID | None:
        if key in unclaimed:
            return None
        plan_id = self._claims.get(key)
        if plan_id is None:
            claim = next(iter(self.events.get(plan_key_id(key), limit=1)), None)
            if claim is None:
                return None
            plan_id = self._claims[key] = claim.plan_id
        return plan_id

    def _head(self, plan_id: UUID) -> PlanHead:
        head = self._heads.get(plan_id)
        if head is None:
            head = self._heads[plan_id] = self._whole(plan_id, PlanHead(whole=False))
        return head

    def _whole(self, plan_id: UUID, head: PlanHead) -> PlanHead:
        """`head` completed from the plan's stored events: its catalog, and every EIN key beside
        those added since it was read."""
        if head.whole:
            return head
        catalog = None
        for stored in self.recorder.select_events(plan_id):
            if stored.originator_version > head.version:
                head.version = stored.originator_version
                head.chain = chain_hash(stored.topic, stored.state)
            if stored.topic == HOLDING_TOPIC:
                holding = self.mapper.to_domain_event(stored)
                if catalog is None:
                    catalog = InvestmentCatalog()
                catalog.learn(holding.investment, holding.label or holding.issuer)
            elif stored.topic == IDENTIFIED_TOPIC:
                identified = self.mapper.to_domain_event(stored)
                if identified.ein:
                    head.eins.add(ein_key(identified.ein, identified.plan_number))
        head.catalog, head.whole = catalog, True
        return head

    # -- reading ---------------------------------------------------------------------------

    def has_filing(self, filing_id: UUID) -> bool:
        return filing_id in self.recorder.stored_originators([filing_id])

    def filings_recorded_after(self, position: int) -> int:
        return sum(1 for _ in self.notifications([_topic(ev.FilingRecorded)], position + 1))

    def plan_events(self, plan_id: UUID, *, upto: int | None = None) -> Iterator[ev.PlanEvent]:
        return self.events.get(plan_id, lte=upto)

    def stored(self, types: Sequence[type] = (), start: int = 1) -> Iterator[tuple[int, Any]]:
        """Every stored event of the given types in notification order, with its position."""
        for notification in self.notifications([_topic(t) for t in types], start):
            yield notification.id, self.mapper.to_domain_event(notification)

    def notifications(self, topics: Sequence[str] = (), start: int = 1) -> Iterator[Any]:
        """The event log as stored, from `start` on."""
        for page in self.notification_pages(start, NOTIFICATION_PAGE, topics):
            yield from page

    def notification_pages(self, start: int, size: int, topics: Sequence[str] = ()) -> Iterator[list[Any]]:
        """The event log as stored, `size` notifications a page: the one loop that reads it
        (a page shorter than `size` is the last)."""
        while page := self.recorder.select_notifications(start, size, topics=list(topics)):
            yield page
            if len(page) < size:
                return
            start = page[-1].id + 1

    def plans(self) -> list[PlanSummary]:
        summaries: dict[UUID, PlanSummary] = {}
        for _, event in self.stored((ev.PlanIdentified, ev.FilingReported)):
            summary = summaries.setdefault(event.originator_id, PlanSummary(event.originator_id))
            summary.add(event)
        for summary in summaries.values():
            last = self.recorder.select_events(summary.plan_id, desc=True, limit=1)
            summary.events = last[0].originator_version if last else 0
        return sorted(summaries.values(), key=lambda s: (s.name.lower(), str(s.plan_id)))

    def find_plans(self, query: str) -> list[UUID]:
        """Plans a user names by id, by EIN and plan number, or by part of the plan's name."""
        try:
            return [UUID(query)]
        except ValueError:
            pass
        ein_key = query.replace("/", "-")
        found = []
        for summary in self.plans():
            ein = f"{summary.ein}-{summary.plan_number}"
            if ein_key in (summary.ein, ein) or query.lower() in summary.name.lower():
                found.append(summary.plan_id)
        return found


@dataclass
class PlanSummary:
    plan_id: UUID
    name: str = ""
    sponsor: str = ""
    ein: str = ""
    plan_number: str = ""
    year_ends: set = field(default_factory=set)
    filings: int = 0
    events: int = 0

    def add(self, event: ev.PlanEvent) -> None:
        if isinstance(event, ev.PlanIdentified):
            self.name = event.name or self.name
            self.sponsor = event.sponsor or self.sponsor
            self.ein = event.ein or self.ein
            self.plan_number = event.plan_number or self.plan_number
        elif isinstance(event, ev.FilingReported):
            self.filings += 1
            self.year_ends.add(event.as_of)

