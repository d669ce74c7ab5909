"""The per-plan hash chain: each event names the hash of the one before it.

`verify_plan` recomputes one plan's chain from its stored rows alone (no I/O), so the same
logic serves `planledger verify`, tests and any other reader. The evidence it weighs:

- each row's decoded position and plan against the row's own columns (reordered, moved);
- positions 1..n without gaps (removed);
- each event's `prev` against the hash of the row before it (altered, inserted);
- the chain heads the filing markers recorded: every recorded head must still be in the chain,
  nothing may follow the latest one (truncated tail, rewritten chain, appended forgeries);
- every event citing a filing that has a marker naming this plan (removed or altered marker).

A head the markers recorded vouches for every event up to it, as long as the links up to it
hold: that is what tells an altered marker from an altered event, and what lets a reader who
kept a head prove nothing before it changed.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from uuid import UUID

import msgspec

from ledger.events import PLAN_EVENT_TYPES
from ledger.transcoding import _topic

PLAN_TOPICS = frozenset(_topic(t) for t in PLAN_EVENT_TYPES)


def chain_hash(topic: str, state: bytes) -> str:
    """The hash of an event as stored: its type, and its state, which includes its position
    and `prev`. The type is covered so that relabelling an event (an expense as an addition,
    say, where the fields are alike) breaks the chain too."""
    return hashlib.sha256(topic.encode() + b"\0" + state).hexdigest()


class StoredRow(Protocol):
    """What verification reads of a stored event (eventsourcing's StoredEvent has it)."""

    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes


class _Cited(msgspec.Struct):
    filing_id: UUID


class Link(msgspec.Struct):
    """The fields of a plan event the chain is made of; the rest is covered by its hash."""

    originator_id: UUID
    originator_version: int
    provenance: _Cited
    prev: str = ""


_link_decoder = msgspec.json.Decoder(Link)


def decode_link(topic: str, state: bytes) -> Link:
    if topic not in PLAN_TOPICS:
        raise ValueError(f"its type {topic!r} is not a plan event")
    try:
        return _link_decoder.decode(state)
    except msgspec.DecodeError as e:
        raise ValueError(f"its state is not a valid plan event ({e})") from None


@dataclass(frozen=True)
class Marker:
    """What one filing's marker recorded about one plan."""

    filing_id: UUID
    head: str  # the plan's chain head right after the filing
    plans: int  # how many plans the filing covered
    events: int  # how many events the filing recorded, over all its plans


@dataclass(frozen=True)
class Problem:
    kind: str  # altered, removed, inserted, reordered, moved, marker
    plan_id: UUID
    position: int
    detail: str
    marker: UUID | None = None  # the filing whose recorded head is missing, when that is the evidence


@dataclass(frozen=True)
class ChainReport:
    plan_id: UUID
    events: int
    head: str  # hash of the last stored event ("" for none)
    problem: Problem | None
    sought_at: int | None = None  # where the sought head sits in the chain, if it does
    cited: Mapping[UUID, int] = field(default_factory=dict)  # events citing each filing

    @property
    def intact(self) -> bool:
        return self.problem is None

    @property
    def sought_proven(self) -> bool:
        """The sought head is in the chain and every link up to it holds."""
        return self.sought_at is not None and (self.problem is None or self.problem.position > self.sought_at)


def short(digest: str) -> str:
    return digest[:12] or '""'


def verify_plan(
    plan_id: UUID,
    rows: Iterable[StoredRow],
    markers: Sequence[Marker],
    filings: Container[UUID],
    *,
    plaintext: Callable[[bytes], bytes] = bytes,
    seek: str | None = None,
) -> ChainReport:
    """Check one plan's stored rows (in version order) against each other and against the
    markers naming the plan (in the order they were stored); `filings` holds every filing
    that has a valid marker. Reports the first problem by position."""
    walk = _Walk(plan_id, markers, filings, plaintext)
    for row in rows:
        walk.step(row)
    problems = [p for p in (walk.problem, *walk.marker_problems()) if p]
    first = min(problems, key=lambda p: p.position) if problems else None
    return ChainReport(plan_id, walk.count, walk.head, first, walk.positions.get(seek) if seek else None, dict(walk.cited))


class _Walk:
    """One pass over a plan's rows: the first broken link, and what the markers need."""

    def __init__(self, plan_id: UUID, markers: Sequence[Marker], filings: Container[UUID], plaintext) -> None:
        self.plan_id = plan_id
        self.markers = markers
        self.filings = filings
        self.plaintext = plaintext
        self.named = {m.filing_id for m in markers}
        self.heads = {m.head for m in markers}
        self.problem: Problem | None = None
        self.positions: dict[str, int] = {}  # hash -> first position holding it
        self.claimed: set[int] = set()  # positions events say they hold
        self.last_cited: dict[UUID, int] = {}
        self.cited = Counter[UUID]()
        self.count = 0
        self.last = 0
        self.head = ""

    def fail(self, kind: str, position: int, detail: str) -> None:
        if self.problem is None:
            self.problem = Problem(kind, self.plan_id, position, detail)

    def step(self, row: StoredRow) -> None:
        position = row.originator_version
        digest = chain_hash(row.topic, row.state)
        if position != self.last + 1:
            self.fail("removed", self.last + 1, f"position {self.last + 1} is missing: the chain goes on at {position}")
        try:
            link = decode_link(row.topic, self.plaintext(row.state))
        except ValueError as e:
            self.fail("altered", position, str(e))
        else:
            self.check(row, position, digest, link)
        self.positions.setdefault(digest, position)
        self.count += 1
        self.last, self.head = position, digest

    def check(self, row: StoredRow, position: int, digest: str, link: Link) -> None:
        said = link.originator_version
        if str(link.originator_id) != str(row.originator_id):
            self.fail("moved", position, f"the event stored here says it belongs to plan {link.originator_id}")
        elif said != position and said in self.claimed:
            copy = self.positions.get(digest) == said
            where = said if not copy else position
            how = "a copy of" if copy else "displaced by an event put before it, from"
            self.fail("inserted", where, f"the event stored at {position} is {how} position {said}")
        elif said != position:
            self.fail("reordered", position, f"the event stored here says it is event {said}")
        elif link.prev != self.head:
            self.broken_link(position, link.prev)
        elif link.provenance.filing_id not in self.filings:
            self.fail("marker", position, f"it cites filing {link.provenance.filing_id}, which has no valid marker")
        elif link.provenance.filing_id not in self.named:
            self.fail("marker", position, f"the marker of filing {link.provenance.filing_id} does not name this plan")
        self.claimed.add(said)
        self.last_cited[link.provenance.filing_id] = position
        self.cited[link.provenance.filing_id] += 1

    def broken_link(self, position: int, prev: str) -> None:
        """The previous event's hash is not the one this event names: the previous event was
        altered, unless a marker vouches for it; then this one is the odd one out."""
        if self.head in self.heads:
            latest = self.markers[-1].head == self.head
            kind, why = ("inserted", "no filing recorded it") if latest else ("altered", "its `prev` was changed")
            self.fail(kind, position, f"it names {short(prev)} as previous hash, but a filing recorded {short(self.head)}: {why}")
        elif position == 1:
            self.fail("altered", 1, f"the first event names a previous hash ({short(prev)})")
        else:
            self.fail("altered", position - 1, f"it hashes to {short(self.head)}, but the next event recorded {short(prev)}")

    def marker_problems(self) -> list[Problem]:
        """Every head the markers recorded must be in the chain, and nothing may follow the
        latest one."""
        intact_upto = self.problem.position - 1 if self.problem else self.last
        found = [self.positions.get(m.head) for m in self.markers]
        vouched = max((p for p in found if p is not None and p <= intact_upto), default=0)
        problems = [self.missing_head(m, vouched) for m, p in zip(self.markers, found, strict=True) if p is None]
        latest = max((p for p in found if p is not None), default=0)
        if not problems and self.markers and latest < self.last:
            problems.append(Problem("inserted", self.plan_id, latest + 1, f"no filing recorded events after position {latest}"))
        return problems

    def missing_head(self, marker: Marker, vouched: int) -> Problem:
        head, fid = short(marker.head), marker.filing_id
        end = self.last_cited.get(fid)
        if end is None:
            kind, position = "removed", vouched + 1
            detail = f"no event of filing {fid} is left (it recorded head {head})"
        elif end <= vouched:
            kind, position = "marker", end
            detail = f"filing {fid} recorded head {head}, but the chain up to position {vouched} is intact: its marker was altered"
        elif marker.plans == 1 and self.cited[fid] < marker.events:
            kind, position = "removed", end + 1
            detail = f"filing {fid} recorded {marker.events} events ending at head {head}; {self.cited[fid]} are left, the last at {end}"
        else:
            kind, position = "altered", end
            detail = f"filing {fid} recorded head {head} after position {end}; an event in {vouched + 1}..{end} was altered"
        return Problem(kind, self.plan_id, position, detail, fid)
