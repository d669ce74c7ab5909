"""Reading the store for `planledger verify`: the markers once, then one plan at a time.

The markers (one per filing) and the plans' `PlanIdentified` rows are read from the
notification log by topic; each plan's rows are then read by `select_events` and checked by
`ledger.chain.verify_plan`, so memory stays proportional to one plan plus the markers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from uuid import UUID

from ledger import events as ev
from ledger.application import Ledger
from ledger.chain import PLAN_TOPICS, ChainReport, Marker, chain_hash, verify_plan
from ledger.identity import filing_id, plan_key_id
from ledger.transcoding import _topic

MARKER_TOPIC = _topic(ev.FilingRecorded)
PLAN_TOPIC = _topic(ev.PlanIdentified)
CLAIM_TOPIC = _topic(ev.PlanKeyClaimed)


@dataclass(frozen=True)
class IndexProblem:
    """A problem outside the plans' chains: in a marker, a plan-key claim or the log's order."""

    kind: str  # marker, claim, reordered
    subject: str  # "filing <id>", "plan key <key>", "plan <id>"
    detail: str


class Chains:
    """The store's plans and filing markers, read once; verifies plans one by one."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.filings: set[UUID] = set()
        self.markers: dict[UUID, list[Marker]] = defaultdict(list)
        self.recorded: dict[UUID, ev.FilingRecorded] = {}  # each valid marker
        self.claims: list[tuple[UUID, object]] = []  # each claim row's id and decoded event (or None)
        plans: dict[UUID, None] = {}
        for row in self.ledger.notifications([MARKER_TOPIC, PLAN_TOPIC, CLAIM_TOPIC]):
            if row.topic == PLAN_TOPIC:
                plans[UUID(str(row.originator_id))] = None
            elif row.topic == CLAIM_TOPIC:
                self.claims.append((UUID(str(row.originator_id)), self._decode(row)))
            else:
                self._add_marker(row, plans)
        self.plan_ids = list(plans)
        self._known = set(plans)

    def _add_marker(self, row, plans: dict[UUID, None]) -> None:
        """A marker counts only if it is the one its filing's digest names; otherwise the
        events citing its filing are reported as citing no valid marker."""
        try:
            marker = self.ledger.mapper.to_domain_event(row)
        except Exception:  # noqa: BLE001 - any undecodable marker is simply not valid
            return
        valid = str(marker.originator_id) == str(row.originator_id) == str(filing_id(marker.digest))
        if not valid or len(marker.plan_ids) != len(marker.chain_heads):
            return
        self.filings.add(marker.originator_id)
        self.recorded[marker.originator_id] = marker
        for plan_id, head in zip(marker.plan_ids, marker.chain_heads, strict=True):
            plans[plan_id] = None
            self.markers[plan_id].append(Marker(marker.originator_id, head, len(marker.plan_ids), marker.events))

    def _decode(self, row):
        try:
            return self.ledger.mapper.to_domain_event(row)
        except Exception:  # noqa: BLE001 - reported as undecodable
            return None

    def index_problems(self, reports: Sequence[ChainReport]) -> list[IndexProblem]:
        """What steers future imports, checked against the chains: each marker's event count
        against the events citing its filing (when every plan it names verified intact), each
        plan-key claim against its key and its plan, and each plan's events in the notification
        log in the order of their positions (what the projections read them by)."""
        problems = []
        verified = {r.plan_id: r for r in reports}
        for fid, marker in self.recorded.items():
            chains = [verified.get(p) for p in marker.plan_ids]
            if all(c is not None and c.intact for c in chains):
                cited = sum(c.cited.get(fid, 0) for c in chains)
                if cited != marker.events:
                    detail = f"its marker records {marker.events} events, but {cited} events cite it: the marker was altered"
                    problems.append(IndexProblem("marker", f"filing {fid}", detail))
        for claim_id, claim in self.claims:
            if claim is None:
                problems.append(IndexProblem("claim", f"claim {claim_id}", "its stored state is not a plan-key claim"))
            elif plan_key_id(claim.key) != claim_id:
                problems.append(IndexProblem("claim", f"plan key {claim.key!r}", f"stored as the claim of another key ({claim_id}): it was edited"))
            elif claim.plan_id not in self._known:
                detail = f"it names plan {claim.plan_id}, which the ledger does not hold: future filings would go there"
                problems.append(IndexProblem("claim", f"plan key {claim.key!r}", detail))
        if reports:
            problems += self._order_problems(verified)
        return problems

    def _order_problems(self, verified: dict[UUID, ChainReport]) -> list[IndexProblem]:
        last: dict[UUID, tuple[int, int]] = {}
        reported: set[UUID] = set()
        problems = []
        for row in self.ledger.notifications(sorted(PLAN_TOPICS)):
            plan = UUID(str(row.originator_id))
            before = last.get(plan)
            if before and row.originator_version < before[1] and plan not in reported and plan in verified:
                reported.add(plan)
                detail = (f"notification {row.id} holds its event {row.originator_version}, after event {before[1]} "
                          f"at notification {before[0]}: the notification log was reordered")
                problems.append(IndexProblem("reordered", f"plan {plan}", detail))
            if not before or row.originator_version > before[1]:
                last[plan] = (row.id, row.originator_version)
        return problems

    def knows(self, plan_id: UUID) -> bool:
        return plan_id in self._known or bool(self.ledger.recorder.select_events(plan_id, limit=1))

    def verify(self, plan_id: UUID, seek: str | None = None) -> ChainReport:
        return verify_plan(
            plan_id,
            self.ledger.recorder.select_events(plan_id),
            self.markers.get(plan_id, ()),
            self.filings,
            plaintext=self._plaintext,
            seek=seek,
        )

    def verify_all(self, plan_ids: Sequence[UUID] | None = None, seek: str | None = None) -> Iterator[ChainReport]:
        for plan_id in self.plan_ids if plan_ids is None else plan_ids:
            yield self.verify(plan_id, seek)

    def _plaintext(self, state: bytes) -> bytes:
        mapper = self.ledger.mapper
        if mapper.cipher:
            state = mapper.cipher.decrypt(state)
        if mapper.compressor:
            state = mapper.compressor.decompress(state)
        return state


def chain_head(ledger: Ledger, plan_id: UUID, upto: int | None = None) -> str:
    """The hash of the plan's event at `upto` (default: its last): what a reader keeps."""
    last = ledger.recorder.select_events(plan_id, lte=upto, desc=True, limit=1)
    return chain_hash(last[0].topic, last[0].state) if last else ""
