"""What an importer hands to the ledger: one filing's events, or a clear refusal."""

from __future__ import annotations

from uuid import UUID

import msgspec

from ledger.events import PlanEvent


class PlanRef(msgspec.Struct, frozen=True, kw_only=True):
    """How a filing names a plan; the application resolves it to a plan id."""

    name: str
    sponsor: str = ""
    ein: str = ""
    plan_number: str = ""


class PlanBatch(msgspec.Struct, frozen=True, kw_only=True):
    plan: PlanRef
    events: list[PlanEvent]


class FilingBatch(msgspec.Struct, frozen=True, kw_only=True):
    """One filing: appended whole or not at all."""

    document: str
    digest: str
    filing_id: UUID
    plans: list[PlanBatch]

    @property
    def event_count(self) -> int:
        return sum(len(p.events) for p in self.plans)


class Skipped(msgspec.Struct, frozen=True, kw_only=True):
    """A document that is not a plan filing (a press release, an exhibit)."""

    document: str
    reason: str


class Rejected(msgspec.Struct, frozen=True, kw_only=True):
    """A plan filing that cannot be read; nothing of it is written."""

    document: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.document}:{self.line}" if self.line else self.document
        return f"{where}: {self.reason}"


ImportResult = FilingBatch | Skipped | Rejected
