"""A filing made ready to append before its place in the store is known.

Appending happens in one process, one group at a time; everything that does not depend on what
the store holds can happen earlier, in the process that read the filing: checking the batch,
encoding each event's state without its position, computing the plan's keys and ids. What is
left for the append is to resolve the plan, splice each event's position in front of its state
(`transcoding.positioned`), hash the chain and write. A prepared batch crosses between processes
as bytes and strings, which cost far less to pass than Decimal-laden events.

Holdings are the exception: their `investment` links them to what the plan reported before, so
they are encoded only once the plan's catalog is known, at the append.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar
from uuid import UUID

import msgspec

from ledger import events as ev
from ledger.batch import FilingBatch, PlanRef, Rejected
from ledger.identity import ein_key, new_plan_id, plan_key_id, plan_keys
from ledger.identity import filing_id as filing_id_of
from ledger.transcoding import MsgspecTranscoder, _topic


class InvalidBatchError(ValueError):
    """A batch the ledger must not store (a programming error in an importer)."""


class PreparedEvent(msgspec.Struct, frozen=True, array_like=True, gc=False):
    topic: str
    body: bytes  # the event's stored state without originator_id, originator_version and prev
    holding: ev.HoldingReported | None = None  # linked and encoded at the append (its body is empty)


class PreparedPlan(msgspec.Struct, frozen=True, array_like=True, gc=False):
    plan: PlanRef
    keys: list[tuple[str, UUID]]  # the keys the filing names the plan by, strongest first, with their claims' ids
    new_id: UUID  # the plan's id if no stored plan claims any of its keys
    eins: list[str]  # the EIN keys its PlanIdentified events name it by
    events: list[PreparedEvent]


class PreparedBatch(msgspec.Struct, frozen=True, array_like=True, gc=False):
    document: str
    digest: str
    filing_id: UUID
    plans: list[PreparedPlan]
    year_ends: list[date]  # of its FilingReported events, for the import's report
    event_count: int


_encode = MsgspecTranscoder().encode_struct
Other = TypeVar("Other")


def prepare(batch: FilingBatch) -> PreparedBatch:
    """The batch checked and encoded; refused with `InvalidBatchError` if no importer should
    have produced it (it would corrupt positions or provenance)."""
    validate(batch)
    plans = []
    year_ends: list[date] = []
    for plan_batch in batch.plans:
        ref = plan_batch.plan
        keys = plan_keys(ref.name, ref.ein, ref.plan_number)
        events, eins = [], []
        for event in plan_batch.events:
            kind = type(event)
            if kind is ev.HoldingReported:
                events.append(PreparedEvent(_topic(kind), b"", event))
                continue
            body = _encode(event)
            if not body.startswith(b'{"as_of"'):  # msgspec omits a default only if it is that very object, not an unpickled copy
                body = _encode(msgspec.structs.replace(event, originator_id=ev.NIL, originator_version=0, prev=""))
            events.append(PreparedEvent(_topic(kind), body))
            if kind is ev.PlanIdentified and event.ein:
                eins.append(ein_key(event.ein, event.plan_number))
            elif kind is ev.FilingReported:
                year_ends.append(event.as_of)
        plans.append(PreparedPlan(ref, [(k, plan_key_id(k)) for k in keys], new_plan_id(keys[0]), eins, events))
    return PreparedBatch(batch.document, batch.digest, batch.filing_id, plans, year_ends, batch.event_count)


def ready(result: FilingBatch | Other) -> PreparedBatch | Rejected | Other:
    """An importer's result made ready to append: a batch prepared, or refused as the append
    would refuse it; anything else (a refusal, a skip) as it is."""
    if not isinstance(result, FilingBatch):
        return result
    try:
        return prepare(result)
    except InvalidBatchError as e:
        return Rejected(document=result.document, reason=str(e))


def validate(batch: FilingBatch) -> None:
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
            if not isinstance(event, ev.PlanEvent) or event.originator_version or event.originator_id != ev.NIL or event.prev:
                problems.append(f"{type(event).__name__} is not an unpositioned plan event")
            elif event.provenance.filing_id is not batch.filing_id and event.provenance.filing_id != batch.filing_id:
                problems.append(f"{type(event).__name__} cites another filing")
    if problems:
        msg = f"{batch.document}: invalid batch: {'; '.join(sorted(set(problems)))}"
        raise InvalidBatchError(msg)
