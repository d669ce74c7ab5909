"""Domain events: the facts a filing reports about a plan.

Every plan event carries both clocks of DOMAIN.md (`as_of`, the date the figure describes;
`known_at`, the date the reporting filing was signed) and its provenance (filing, section, line,
the line as printed). Importers build events without a position; the application stamps
`originator_id` (the plan) and `originator_version` (the event's place in the plan's stream)
and `prev` (the hash of the stream's previous event) when it appends a filing. A plan's events
form one contiguous hash chain: each event's stored state covers its content, its position and
the previous hash.

Money is `Decimal`, always in whole dollars as stored (a figure printed "in thousands" is
multiplied out; the printed unit stays in the provenance).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar, Literal
from uuid import UUID

import msgspec

NIL = UUID(int=0)

Section = Literal[
    "cover",  # the form's cover page and signature block
    "net_assets",  # statement of net assets available for benefits
    "changes",  # statement of changes in net assets available for benefits
    "notes",  # notes to the financial statements
    "schedule_h_4i",  # Schedule H, line 4i: assets held at end of year
    "schedule_g_iii",  # Schedule G, part III: nonexempt transactions
    "form_5500",  # a Form 5500 or 5500-SF as the DOL dataset lists it (F_5500, F_5500_SF)
    "schedule_h",  # Form 5500 Schedule H, financial information of a large plan (F_SCH_H)
    "schedule_i",  # Form 5500 Schedule I, financial information of a small plan (F_SCH_I)
]

Unit = Literal["dollars", "thousands"]


class Provenance(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Where a figure was printed, so every number can be traced to the page."""

    filing_id: UUID
    section: Section
    line: int  # 1-based line number in the document
    text: str  # the line as printed (right-stripped)
    column: str = ""  # the column heading the figure sat under, e.g. "2000"
    unit: Unit = "dollars"
    document: str = ""  # the file read, where a filing spans several (a Form 5500's datasets)


class PlanEvent(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A fact about one plan, reported by one filing."""

    originator_id: UUID = NIL
    originator_version: int = 0
    prev: str = ""  # sha256 of the stored state of the plan's previous event: the hash chain
    as_of: date
    known_at: date
    provenance: Provenance


# -- Plan and filing facts ---------------------------------------------------------------


class PlanIdentified(PlanEvent, kw_only=True):
    name: str
    sponsor: str = ""
    ein: str = ""  # "87-0295503"
    plan_number: str = ""  # "002"


class FilingReported(PlanEvent, kw_only=True):
    """The filing itself; `as_of` is the fiscal year end it covers."""

    filing_id: UUID
    form: str  # "11-K"
    document: str  # the file name it was imported from
    digest: str  # sha256 of the document (line endings normalised)
    period_start: date | None = None
    prior_year_end: date | None = None
    date_signed: date | None = None
    auditor: str = ""
    unit: Unit = "dollars"


# -- Statement of changes: the year's flows ----------------------------------------------


class Flow(PlanEvent, kw_only=True):
    """An amount that moved net assets during the year ending `as_of`.

    `amount` is printed magnitude with its natural sign (a depreciation is a negative
    appreciation); `sign` says whether the flow adds to (+1) or deducts from (-1) net assets.
    """

    sign: ClassVar[int] = 1
    amount: Decimal
    label: str = ""  # the line's caption as printed
    period_start: date | None = None

    @property
    def effect(self) -> Decimal:
        return self.sign * self.amount


ContributionSource = Literal["participant", "employer", "rollover", "other"]


class ContributionReceived(Flow, kw_only=True):
    source: ContributionSource


class InterestAndDividends(Flow, kw_only=True):
    pass


class NetAppreciation(Flow, kw_only=True):
    """Net appreciation (negative: depreciation) in fair value of investments."""

    asset_class: str = ""  # where a filing splits it: "mutual funds", "common stock", ...


class OtherAddition(Flow, kw_only=True):
    pass


class TransferIn(Flow, kw_only=True):
    counterparty: str = ""


class BenefitPaid(Flow, kw_only=True):
    sign: ClassVar[int] = -1


class AdministrativeExpense(Flow, kw_only=True):
    sign: ClassVar[int] = -1


class OtherDeduction(Flow, kw_only=True):
    """Corrective distributions, deemed distributions of loans, other fees."""

    sign: ClassVar[int] = -1


class TransferOut(Flow, kw_only=True):
    sign: ClassVar[int] = -1
    counterparty: str = ""


# -- Statement of net assets: what the plan held at `as_of` ------------------------------


class Balance(PlanEvent, kw_only=True):
    amount: Decimal
    label: str = ""  # the line's caption as printed


class HoldingReported(Balance, kw_only=True):
    """One investment at a year end, from the statement or from Schedule H line 4i.

    `investment` links the same investment across lines and years although its printed name
    drifts; the application fills it in when it appends the filing.
    """

    investment: str = ""
    issuer: str = ""
    description: str = ""
    category: str = ""  # the heading it was printed under: "Mutual funds", ...
    shares: Decimal | None = None
    cost: Decimal | None = None
    party_in_interest: bool = False


class CashReported(Balance, kw_only=True):
    pass


ReceivableKind = Literal["participant", "employer", "participant_loans", "other"]
"""participant_loans: notes receivable from participants, as statements print loans since 2010."""


class ReceivableReported(Balance, kw_only=True):
    kind: ReceivableKind


class LiabilityReported(Balance, kw_only=True):
    kind: str  # "excess contributions refundable", "accrued expenses", ...


TotalKind = Literal[
    "total_investments",
    "total_receivables",
    "total_assets",
    "total_liabilities",
    "total_contributions",
    "total_investment_income",
    "total_additions",
    "total_deductions",
    "net_change",
    "other",
]


class TotalReported(Balance, kw_only=True):
    """A subtotal or total as printed: a claim the audit checks, never a recomputed sum."""

    total: TotalKind


class ValueAdjustmentReported(Balance, kw_only=True):
    """An adjustment the statement adds to the investments' fair value to reach net assets, such as
    "Adjustment from fair value to contract value for fully benefit-responsive investment
    contracts"; `amount` is signed as it moves net assets."""


class NetAssetsReported(Balance, kw_only=True):
    """Net assets available for benefits at `as_of`, as printed.

    Reported by the statement of net assets (both columns) and by the statement of changes
    (beginning and end of year); `provenance.section` tells which.
    """


# -- Notes and schedules -------------------------------------------------------------------


class ForfeitureBalanceReported(PlanEvent, kw_only=True):
    amount: Decimal
    approximate: bool = False


ForfeitureUse = Literal["reallocated_to_participants", "reduced_employer_contributions"]


class ForfeituresReallocated(PlanEvent, kw_only=True):
    """Forfeited nonvested amounts used during the year ending `as_of`."""

    amount: Decimal
    use: ForfeitureUse
    approximate: bool = False
    period_start: date | None = None


class ParticipantLoansReported(PlanEvent, kw_only=True):
    """What the notes say of participant loans at `as_of`."""

    balance: Decimal | None = None
    count: int | None = None
    rate_low: Decimal | None = None  # percent, e.g. Decimal("9.25")
    rate_high: Decimal | None = None
    new_loans_allowed: bool | None = None  # False: "the Plan does not allow for participant loans"


class MatchingFormulaReported(PlanEvent, kw_only=True):
    text: str
    match_percent: Decimal | None = None  # of each participant contribution
    limit_percent: Decimal | None = None  # of compensation matched, where given
    limit_amount: Decimal | None = None  # dollar cap per participant, where given


class VestingStep(msgspec.Struct, frozen=True):
    years: int
    percent: Decimal


class VestingScheduleReported(PlanEvent, kw_only=True):
    steps: tuple[VestingStep, ...]


class DeemedLoanMade(PlanEvent, kw_only=True):
    """Contributions remitted late: a loan from the plan to the employer (`as_of`: its date)."""

    loan: str  # links the loan's events
    counterparty: str
    principal: Decimal
    rate: Decimal | None = None  # percent a year
    maturity: date | None = None


class DeemedLoanRepaid(PlanEvent, kw_only=True):
    """The deemed loan repaid (`as_of`: the repayment date)."""

    loan: str
    counterparty: str
    principal: Decimal
    interest: Decimal | None = None
    rate: Decimal | None = None
    start_date: date | None = None


class SubmissionReported(PlanEvent, kw_only=True):
    """What an EDGAR submission's header says of the filing (provenance: its accession line)."""

    company: str = ""  # COMPANY CONFORMED NAME
    form: str = ""  # CONFORMED SUBMISSION TYPE: "11-K", "11-K/A"
    period: date | None = None  # CONFORMED PERIOD OF REPORT
    filed: date | None = None  # FILED AS OF DATE
    accession: str = ""  # ACCESSION NUMBER


class TaggedFactDiffers(PlanEvent, kw_only=True):
    """An inline XBRL fact tags a printed figure with another value: the printed `amount` (in
    dollars) and the `tagged` one (scale and sign applied) are both kept; the audit reports it."""

    concept: str
    amount: Decimal
    tagged: Decimal | None = None  # None: the tag's value could not be read at all


Reading = Literal["footed", "chosen", "not_footing"]


class StatementRead(PlanEvent, kw_only=True):
    """How the reader decided one column of a statement: which printed rows are items and which
    total them. Every figure of that column rests on this reading.

    `reading` is "footed" when exactly one structure makes every printed total equal its items,
    "chosen" when several do and the wording picked one, "not_footing" when none does (the
    structure kept has the fewest unequal totals, which the audit reports). `unplaced` lists
    printed rows the reader could not give a meaning to, as "line N: caption"."""

    statement: Section  # "net_assets" or "changes"
    column: str  # the column heading as printed
    reading: Reading
    totals: int  # printed totals the structure checks
    failing: int  # of those, how many are not the sum of their items
    alternatives: int = 1  # structures that foot as well as the one kept
    unplaced: tuple[str, ...] = ()

    @property
    def unsure(self) -> bool:
        return self.reading == "chosen" or bool(self.unplaced)


class NonexemptTransactionReported(PlanEvent, kw_only=True):
    """A Schedule G part III row that is not a deemed loan."""

    party: str
    relationship: str = ""
    description: str = ""
    amount: Decimal | None = None
    interest: Decimal | None = None


# -- Form 5500, as the Department of Labor's datasets publish it ---------------------------


Form5500Schedule = Literal["H", "I", "SF"]


class Form5500Reported(PlanEvent, kw_only=True):
    """One Form 5500 filing's financial figures: Schedule H (large plans), Schedule I (small
    plans) or the 5500-SF's own part. `amounts` and `answers` are keyed by the dataset's column
    name as its header prints it, so every figure names its cell; what a column means on the form
    is `ledger.form5500`'s to say. `provenance` names the file and the line of the row read.
    `known_at` is the date the DOL received the filing: an amended filing is later knowledge
    of the same plan year, never a duplicate."""

    ack_id: str
    schedule: Form5500Schedule
    form_year: int  # the dataset's form year (the layout it was read with)
    amended: bool = False
    amounts: dict[str, Decimal] = {}
    answers: dict[str, bool] = {}  # Part IV yes/no questions
    opinion: str = ""  # ACCTNT_OPINION_TYPE_CD as filed
    accountant: str = ""
    accountant_ein: str = ""


class ReconcilingItem(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    amount: Decimal  # signed as it moves the statements' figure to the Form 5500's
    line: int


Reconciled = Literal["net_assets", "benefits", "contributions", "net_income", "participant_loans", "other"]


class Form5500ReconciliationReported(PlanEvent, kw_only=True):
    """A note reconciling a statement figure to the plan's Form 5500 ("Reconciliation of financial
    statements to Form 5500"): the figure per the statements, the reconciling items, and the figure
    per the Form 5500, for the year end (or year) `as_of`. `provenance` is the Form 5500 line."""

    measure: Reconciled
    per_statements: Decimal | None = None
    per_form_5500: Decimal
    items: tuple[ReconcilingItem, ...] = ()
    label: str = ""  # the Form 5500 line's caption as printed
    period_start: date | None = None


PLAN_EVENT_TYPES: tuple[type[PlanEvent], ...] = (
    PlanIdentified,
    FilingReported,
    ContributionReceived,
    InterestAndDividends,
    NetAppreciation,
    OtherAddition,
    TransferIn,
    BenefitPaid,
    AdministrativeExpense,
    OtherDeduction,
    TransferOut,
    HoldingReported,
    CashReported,
    ReceivableReported,
    LiabilityReported,
    TotalReported,
    NetAssetsReported,
    ForfeitureBalanceReported,
    ForfeituresReallocated,
    ParticipantLoansReported,
    MatchingFormulaReported,
    VestingScheduleReported,
    DeemedLoanMade,
    DeemedLoanRepaid,
    NonexemptTransactionReported,
    ValueAdjustmentReported,
    StatementRead,
    SubmissionReported,
    TaggedFactDiffers,
    Form5500Reported,
    Form5500ReconciliationReported,
)


# -- Store bookkeeping: not plan facts -----------------------------------------------------


class FilingRecorded(msgspec.Struct, frozen=True, kw_only=True):
    """Marks a filing as imported; its id is derived from the document digest, so a second
    import of the same document collides with it and is reported as a duplicate."""

    originator_id: UUID
    originator_version: int = 1
    digest: str
    document: str
    plan_ids: tuple[UUID, ...]
    chain_heads: tuple[str, ...]  # each plan's chain head after this filing
    events: int
    recorded_at: datetime


class PlanKeyClaimed(msgspec.Struct, frozen=True, kw_only=True):
    """An index entry: a plan key (EIN and plan number, or normalised name) names a plan."""

    originator_id: UUID
    originator_version: int = 1
    key: str
    plan_id: UUID

