"""Flattening decoded events into columns of the `events` table, loaded as one Arrow table.

Typed columns hold what queries filter and sum on (dates, amount, kind, investment, Schedule H's
issuer and description, provenance); the rest of each event goes, exactly, into `attributes` as
JSON (decimals as strings). Every row also carries its filing's document name and dates, so the
audit reads one table and never joins five million figures to their filings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any
from uuid import UUID

import msgspec
import pyarrow as pa

from ledger import events as ev

MONEY = pa.decimal128(18, 2)

SCHEMA = pa.schema(
    [
        ("notification_id", pa.int64()),
        ("plan_id", pa.string()),
        ("position", pa.int32()),
        ("type", pa.string()),
        ("as_of", pa.date32()),
        ("known_at", pa.date32()),
        ("period_start", pa.date32()),
        ("amount", MONEY),
        ("effect", MONEY),
        ("label", pa.string()),
        ("kind", pa.string()),
        ("investment", pa.string()),
        ("issuer", pa.string()),
        ("description", pa.string()),
        ("approximate", pa.bool_()),
        ("attributes", pa.string()),
        ("filing_id", pa.string()),
        ("document", pa.string()),
        ("filing_year_end", pa.date32()),
        ("filing_prior_year_end", pa.date32()),
        ("section", pa.string()),
        ("line", pa.int32()),
        ("text", pa.string()),
        ("column_label", pa.string()),
        ("unit", pa.string()),
    ]
)

COMMON = frozenset({"originator_id", "originator_version", "as_of", "known_at", "provenance"})
"""Fields every plan event has; their columns are filled for every row."""

SHARED = ("period_start", "label", "investment", "issuer", "description", "approximate", "filing_id")
"""Fields with a column of the same name, for the event types that have them."""

_FLOW = {"amount": "amount"}
_BALANCE = {"amount": "amount"}

COLUMNS: dict[type, dict[str, str]] = {
    ev.PlanIdentified: {},
    ev.FilingReported: {},
    ev.ContributionReceived: {**_FLOW, "source": "kind"},
    ev.InterestAndDividends: _FLOW,
    ev.NetAppreciation: {**_FLOW, "asset_class": "kind"},
    ev.OtherAddition: _FLOW,
    ev.TransferIn: _FLOW,
    ev.BenefitPaid: _FLOW,
    ev.AdministrativeExpense: _FLOW,
    ev.OtherDeduction: _FLOW,
    ev.TransferOut: _FLOW,
    ev.HoldingReported: _BALANCE,
    ev.CashReported: _BALANCE,
    ev.ReceivableReported: {**_BALANCE, "kind": "kind"},
    ev.LiabilityReported: {**_BALANCE, "kind": "kind"},
    ev.TotalReported: {**_BALANCE, "total": "kind"},
    ev.NetAssetsReported: _BALANCE,
    ev.ForfeitureBalanceReported: {"amount": "amount"},
    ev.ForfeituresReallocated: {"amount": "amount", "use": "kind"},
    ev.ParticipantLoansReported: {"balance": "amount"},
    ev.MatchingFormulaReported: {},
    ev.VestingScheduleReported: {},
    ev.DeemedLoanMade: {"principal": "amount", "loan": "kind"},
    ev.DeemedLoanRepaid: {"principal": "amount", "loan": "kind"},
    ev.NonexemptTransactionReported: {"amount": "amount"},
    ev.ValueAdjustmentReported: _BALANCE,
    ev.StatementRead: {},
    ev.SubmissionReported: {},
    ev.TaggedFactDiffers: {"amount": "amount"},
    ev.Form5500Reported: {},
    ev.Form5500ReconciliationReported: {"per_form_5500": "amount", "measure": "kind"},
}
"""Per event type, which of its own fields fill the typed `amount` and `kind` columns. Declared,
never guessed from names: a field renamed without its entry here fails `layout` (and a test)
instead of quietly leaving a column NULL. Every other field goes, exactly, into `attributes`."""

PLAN_EVENT_TYPES = frozenset(ev.PLAN_EVENT_TYPES)


@cache
def layout(cls: type) -> tuple[str | None, str | None, tuple[str, ...]]:
    """For an event class: its amount field, its kind field and the fields kept in `attributes`."""
    declared = COLUMNS[cls]
    fields = cls.__struct_fields__
    missing = [f for f in declared if f not in fields]
    if missing:
        raise TypeError(f"projections/rows.py declares {cls.__name__}.{', '.join(missing)}, which it does not have")
    by_column = {column: field for field, column in declared.items()}
    typed = COMMON | set(declared) | set(SHARED)
    return by_column.get("amount"), by_column.get("kind"), tuple(f for f in fields if f not in typed)


FilingHead = tuple[str | None, date | None, date | None]  # document, year end, prior year end
PlanFilingHead = tuple[str | None, date | None, date | None, date | None]  # a FilingHead and its period start
FilingLookup = Callable[[str, str], FilingHead | None]  # (plan_id, filing_id) -> head, from rows loaded before


class EventColumns:
    """Column lists for one page of events.

    A plan's filing begins PlanIdentified, FilingReported, figures...: the figures take their
    filing's head from FilingReported (from `earlier` pages when it began on one), and a
    PlanIdentified waits for the FilingReported after it. One still waiting at the end of the
    page is `held` back, for the next page to begin with.
    """

    def __init__(self, earlier: FilingLookup) -> None:
        self.columns: dict[str, list[Any]] = {name: [] for name in SCHEMA.names}
        self.heads: dict[tuple[str, str], FilingHead] = {}  # (plan_id, filing_id) -> head, this page's
        self.plan_heads: dict[str, PlanFilingHead] = {}  # plan_id -> its last filing's head and period start, this page's
        self._encode = msgspec.json.Encoder(decimal_format="string").encode
        self._ids: dict[int, str] = {}  # a page holds few plans and filings: format each id once
        self._earlier = earlier
        self._waiting: tuple[int, ev.PlanEvent] | None = None

    def __len__(self) -> int:
        return len(self.columns["notification_id"])

    @property
    def has_statements(self) -> bool:
        """Whether the page holds a statement's line (a page of Form 5500 filings holds none to sum)."""
        return bool({"net_assets", "changes"} & set(self.columns["section"]))

    @property
    def held(self) -> int | None:
        """The notification id of a PlanIdentified still waiting for its filing."""
        return self._waiting[0] if self._waiting else None

    def add(self, notification_id: int, event: ev.PlanEvent) -> None:
        key = self._key(event)
        if self._waiting and self._key(self._waiting[1]) != key:
            self.flush()  # a plan identified by a batch without a FilingReported
        if type(event) is ev.PlanIdentified:
            self._waiting = (notification_id, event)
            return
        if type(event) is ev.FilingReported:
            self.heads[key] = (event.document, event.as_of, event.prior_year_end)
            self.plan_heads[key[0]] = (event.document, event.as_of, event.prior_year_end, event.period_start)
        head = self._head(key)
        if self._waiting:
            self._row(*self._waiting, head)
            self._waiting = None
        self._row(notification_id, event, head)

    def flush(self) -> None:
        """Add a waiting PlanIdentified with what is known of its filing (the log ends here)."""
        if self._waiting:
            notification_id, event = self._waiting
            self._waiting = None
            self._row(notification_id, event, self._head(self._key(event)))

    def _key(self, event: ev.PlanEvent) -> tuple[str, str]:
        return self._id(event.originator_id), self._id(event.provenance.filing_id)

    def _head(self, key: tuple[str, str]) -> FilingHead:
        head = self.heads.get(key)
        if head is None:
            head = self.heads[key] = self._earlier(*key) or (None, None, None)
        return head

    def _row(self, notification_id: int, event: ev.PlanEvent, head: FilingHead) -> None:
        cls = type(event)
        amount_field, kind_field, rest = layout(cls)
        provenance = event.provenance
        c = self.columns
        c["notification_id"].append(notification_id)
        c["plan_id"].append(self._id(event.originator_id))
        c["position"].append(event.originator_version)
        c["type"].append(cls.__name__)
        c["as_of"].append(event.as_of)
        c["known_at"].append(event.known_at)
        c["period_start"].append(getattr(event, "period_start", None))
        c["amount"].append(getattr(event, amount_field) if amount_field else None)
        c["effect"].append(event.effect if isinstance(event, ev.Flow) else None)
        c["label"].append(getattr(event, "label", None))
        c["kind"].append(getattr(event, kind_field) if kind_field else None)
        c["investment"].append(getattr(event, "investment", None))
        c["issuer"].append(getattr(event, "issuer", None) or None)
        c["description"].append(getattr(event, "description", None) or None)
        c["approximate"].append(getattr(event, "approximate", None))
        c["attributes"].append(self._encode({f: getattr(event, f) for f in rest}).decode())
        c["filing_id"].append(self._id(provenance.filing_id))
        c["document"].append(provenance.document or head[0])  # the file read, where a filing spans several
        c["filing_year_end"].append(head[1])
        c["filing_prior_year_end"].append(head[2])
        c["section"].append(provenance.section)
        c["line"].append(provenance.line)
        c["text"].append(provenance.text)
        c["column_label"].append(provenance.column)
        c["unit"].append(provenance.unit)

    def plan_id(self, uuid: UUID) -> str:
        return self._id(uuid)

    def _id(self, uuid: UUID) -> str:
        text = self._ids.get(uuid.int)
        if text is None:
            text = self._ids[uuid.int] = str(uuid)
        return text

    def table(self) -> pa.Table:
        return pa.table(self.columns, schema=SCHEMA)
