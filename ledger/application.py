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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

from ledger import events as ev
from ledger.batch import FilingBatch, PlanBatch, PlanRef
from ledger.identity import filing_id as filing_id_of
from ledger.identity import new_plan_id, plan_key_id, plan_keys
from ledger.linking import InvestmentCatalog
from ledger.store import store_env
from ledger.transcoding import StructMapper, _topic

HOLDING_TOPIC = _topic(ev.HoldingReported)
NOTIFICATION_PAGE = 1000


class InvalidBatchError(ValueError):
    """A batch the ledger must not store (a programming error in an importer)."""


class ConflictError(RuntimeError):
    """Concurrent writers kept taking the positions this filing needed."""


class Recorded(msgspec.Struct, frozen=True):
    filing_id: UUID
    plan_ids: tuple[UUID, ...]
    events: int


class Duplicate(msgspec.Struct, frozen=True):
    filing_id: UUID


@dataclass
class PlanHead:
    """What appending to a plan needs to know: its last position and its investments."""

    version: int = 0
    catalog: InvestmentCatalog = field(default_factory=InvestmentCatalog)


class Ledger(Application[UUID]):
    name = "planledger"

    def __init__(self, env: dict[str, str]) -> None:
        super().__init__(env)
        self._heads: dict[UUID, PlanHead] = {}

    @classmethod
    def open(cls, home, store: str | None = None) -> Ledger:
        return cls(store_env(home, store))

    def construct_mapper(self) -> StructMapper:
        return StructMapper(cipher=self.factory.cipher(), compressor=self.factory.compressor())

    # -- writing ---------------------------------------------------------------------------

    def record(self, batch: FilingBatch, *, attempts: int = 10) -> Recorded | Duplicate:
        """Append a filing whole, or report that it is already stored."""
        validate(batch)
        for _ in range(attempts):
            if self.has_filing(batch.filing_id):
                return Duplicate(batch.filing_id)
            stamped, plan_ids, heads = self._stamp(batch)
            try:
                self.events.put(stamped)
            except IntegrityError:
                for plan_id in plan_ids:
                    self._heads.pop(plan_id, None)
                continue
            self._heads.update(heads)
            return Recorded(batch.filing_id, tuple(plan_ids), batch.event_count)
        msg = f"{batch.document}: other writers kept appending to the same plan; try again"
        raise ConflictError(msg)

    def _stamp(self, batch: FilingBatch) -> tuple[list[Any], list[UUID], dict[UUID, PlanHead]]:
        stamped: list[Any] = []
        plan_ids: list[UUID] = []
        heads: dict[UUID, PlanHead] = {}
        for plan_batch in batch.plans:
            plan_id, claims = self._resolve_plan(plan_batch.plan)
            if plan_id in heads:
                msg = f"{batch.document}: the filing names plan {plan_batch.plan.name!r} twice"
                raise InvalidBatchError(msg)
            head = self._head(plan_id)
            head = PlanHead(head.version, head.catalog.copy())
            stamped += claims
            stamped += positioned(plan_batch, plan_id, head)
            plan_ids.append(plan_id)
            heads[plan_id] = head
        stamped.append(
            ev.FilingRecorded(
                originator_id=batch.filing_id,
                digest=batch.digest,
                document=batch.document,
                plan_ids=tuple(plan_ids),
                events=batch.event_count,
                recorded_at=datetime.now(UTC),
            )
        )
        return stamped, plan_ids, heads

    def _resolve_plan(self, ref: PlanRef) -> tuple[UUID, list[ev.PlanKeyClaimed]]:
        keys = plan_keys(ref.name, ref.ein, ref.plan_number)
        claimed = {key: self._claim(key) for key in keys}
        plan_id = next((c.plan_id for c in claimed.values() if c), None) or new_plan_id(keys[0])
        claims = [
            ev.PlanKeyClaimed(originator_id=plan_key_id(key), key=key, plan_id=plan_id)
            for key, claim in claimed.items()
            if claim is None
        ]
        return plan_id, claims

    def _claim(self, key: str) -> ev.PlanKeyClaimed | None:
        return next(iter(self.events.get(plan_key_id(key), limit=1)), None)

    def _head(self, plan_id: UUID) -> PlanHead:
        head = self._heads.get(plan_id)
        if head is None:
            head = PlanHead()
            for stored in self.recorder.select_events(plan_id):
                head.version = stored.originator_version
                if stored.topic == HOLDING_TOPIC:
                    holding = self.mapper.to_domain_event(stored)
                    head.catalog.learn(holding.investment, holding.label or holding.issuer)
            self._heads[plan_id] = head
        return head

    # -- reading ---------------------------------------------------------------------------

    def has_filing(self, filing_id: UUID) -> bool:
        return bool(self.recorder.select_events(filing_id, limit=1))

    def plan_events(self, plan_id: UUID, *, upto: int | None = None) -> Iterator[ev.PlanEvent]:
        return self.events.get(plan_id, lte=upto)

    def stored(self, types: Sequence[type] = (), start: int = 1) -> Iterator[tuple[int, Any]]:
        """Every stored event of the given types in notification order, with its position."""
        topics = [_topic(t) for t in types]
        while True:
            page = self.recorder.select_notifications(start, NOTIFICATION_PAGE, topics=topics)
            for notification in page:
                yield notification.id, self.mapper.to_domain_event(notification)
            if len(page) < NOTIFICATION_PAGE:
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


def positioned(batch: PlanBatch, plan_id: UUID, head: PlanHead) -> list[ev.PlanEvent]:
    """The batch's events placed after the plan's head, holdings linked to known investments.

    `head` is advanced in place; the caller commits it only once the append succeeds.
    """
    taken: dict[tuple[str, Any], set[str]] = defaultdict(set)
    out = []
    for event in batch.events:
        head.version += 1
        changes: dict[str, Any] = {"originator_id": plan_id, "originator_version": head.version}
        if isinstance(event, ev.HoldingReported):
            column = taken[(event.provenance.section, event.as_of)]
            changes["investment"] = key = head.catalog.link(event.label or event.issuer, column)
            column.add(key)
        out.append(msgspec.structs.replace(event, **changes))
    return out


def validate(batch: FilingBatch) -> None:
    """Refuse batches no importer should produce: they would corrupt positions or provenance."""
    problems = []
    if batch.filing_id != filing_id_of(batch.digest):
        problems.append("filing id does not match the document digest")
    if not batch.plans:
        problems.append("no plan")
    for plan_batch in batch.plans:
        if not (plan_batch.plan.name or plan_batch.plan.ein):
            problems.append("a plan with neither name nor EIN")
        if not plan_batch.events:
            problems.append(f"no events for plan {plan_batch.plan.name!r}")
        for event in plan_batch.events:
            if not isinstance(event, ev.PlanEvent) or event.originator_version:
                problems.append(f"{type(event).__name__} is not an unpositioned plan event")
            elif event.provenance.filing_id != batch.filing_id:
                problems.append(f"{type(event).__name__} cites another filing")
    if problems:
        msg = f"{batch.document}: invalid batch: {'; '.join(sorted(set(problems)))}"
        raise InvalidBatchError(msg)

