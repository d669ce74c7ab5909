"""Hand-made filings for store tests: one instance of every plan event type."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger import events as ev
from ledger.batch import FilingBatch, PlanBatch, PlanRef
from ledger.identity import document_digest, filing_id

YEAR_END = date(2000, 12, 31)
PRIOR = date(1999, 12, 31)
SIGNED = date(2001, 6, 28)


def every_event(fid, line: int = 1) -> list[ev.PlanEvent]:
    """One event of each type, with exact decimals, dates, optionals and tuples set."""
    counter = iter(range(line, line + 1000))

    def at(section: ev.Section = "net_assets", column: str = "2000", unit: ev.Unit = "dollars"):
        n = next(counter)
        return {
            "as_of": YEAR_END,
            "known_at": SIGNED,
            "provenance": ev.Provenance(
                filing_id=fid, section=section, line=n, text=f"line {n}  $ 1,234", column=column, unit=unit
            ),
        }

    return [
        ev.PlanIdentified(name="Example 401(k) Plan", sponsor="Example, Inc.", ein="12-3456789", plan_number="002", **at("cover", "")),
        ev.FilingReported(filing_id=fid, form="11-K", document="x.txt", digest="ab" * 32, period_start=date(2000, 1, 1),
                          prior_year_end=PRIOR, date_signed=SIGNED, auditor="Arthur Andersen LLP", **at("cover", "")),
        ev.ContributionReceived(source="participant", amount=Decimal("1881455"), label="Participants", **at("changes")),
        ev.ContributionReceived(source="rollover", amount=Decimal("87602.50"), **at("changes")),
        ev.InterestAndDividends(amount=Decimal("385809"), **at("changes")),
        ev.NetAppreciation(amount=Decimal("-537891"), asset_class="mutual funds", **at("changes")),
        ev.OtherAddition(amount=Decimal("12"), label="Other income", **at("changes")),
        ev.TransferIn(amount=Decimal("1000"), counterparty="Old plan", **at("changes")),
        ev.BenefitPaid(amount=Decimal("2421091"), **at("changes")),
        ev.AdministrativeExpense(amount=Decimal("250"), **at("changes")),
        ev.OtherDeduction(amount=Decimal("393"), label="Corrective distributions", **at("changes")),
        ev.TransferOut(amount=Decimal("10"), **at("changes")),
        ev.HoldingReported(amount=Decimal("600055"), label="Spartan U.S. Treasury Money Market Fund", category="Mutual Funds",
                           **at("net_assets")),
        ev.HoldingReported(amount=Decimal("600055"), issuer="Spartan U.S. Treasury Money Market Fund",
                           description="600,055 shares of money market fund", shares=Decimal("600055"),
                           cost=None, party_in_interest=True, **at("schedule_h_4i", "(d)")),
        ev.CashReported(amount=Decimal("150241"), label="Cash", **at()),
        ev.ReceivableReported(kind="employer", amount=Decimal("185528"), label="Employer contributions", **at()),
        ev.LiabilityReported(kind="excess contributions refundable", amount=Decimal("393"), **at()),
        ev.TotalReported(total="total_investments", amount=Decimal("5437869"), label="Total investments", **at()),
        ev.NetAssetsReported(amount=Decimal("5837693"), label="Net assets available for benefits", **at("net_assets", "2000", "thousands")),
        ev.ForfeitureBalanceReported(amount=Decimal("149952"), approximate=True, **at("notes", "")),
        ev.ForfeituresReallocated(amount=Decimal("149952"), use="reallocated_to_participants", approximate=True, **at("notes", "")),
        ev.ParticipantLoansReported(count=1, rate_low=Decimal("9.25"), rate_high=Decimal("9.5"), **at("notes", "")),
        ev.MatchingFormulaReported(text="33-1/3 percent ... up to $2,000", match_percent=Decimal("33.3333"),
                                   limit_amount=Decimal("2000"), **at("notes", "")),
        ev.VestingScheduleReported(steps=(ev.VestingStep(0, Decimal(0)), ev.VestingStep(3, Decimal(50)),
                                          ev.VestingStep(5, Decimal(100))), **at("notes", "")),
        ev.DeemedLoanMade(loan="sos/1998-07-01", counterparty="SOS Staffing Services, Inc.", principal=Decimal("9627"),
                          rate=Decimal("16.5"), maturity=date(2000, 6, 28), **at("schedule_g_iii", "")),
        ev.DeemedLoanRepaid(loan="sos/1998-07-01", counterparty="SOS Staffing Services, Inc.", principal=Decimal("9627"),
                            interest=Decimal("3430"), rate=Decimal("16.5"), start_date=date(1998, 7, 1),
                            **at("schedule_g_iii", "")),
        ev.NonexemptTransactionReported(party="Someone", relationship="Employer", amount=None, **at("schedule_g_iii", "")),
        ev.ValueAdjustmentReported(amount=Decimal("-12345"), label="Adjustment from fair value to contract value", **at()),
        ev.SubmissionReported(company="EXAMPLE INC", form="11-K", period=YEAR_END, filed=SIGNED,
                              accession="0000950134-01-500123", **at("cover", "")),
        ev.TaggedFactDiffers(concept="us-gaap-ebp:EmployeeBenefitPlanInvestmentFairValue", amount=Decimal("5437869"),
                             tagged=Decimal("543786900"), **at()),
        ev.StatementRead(statement="net_assets", column="2000", reading="chosen", totals=3, failing=0, alternatives=2,
                         unplaced=("line 40: Memo item",), **at()),
        ev.Form5500Reported(ack_id="20240712091234NAL0001234567001", schedule="H", form_year=2023, amended=True,
                            amounts={"NET_ASSETS_EOY_AMT": Decimal("5437869"), "TOT_CONTRIB_AMT": Decimal("-12.50")},
                            answers={"FAIL_TRANSMIT_CONTRIB_IND": True}, opinion="1", accountant="Tanner LC",
                            accountant_ein="870123456", **at("schedule_h", "")),
        ev.Form5500ReconciliationReported(measure="net_assets", per_statements=Decimal("5437869"), per_form_5500=Decimal("5425524"),
                                          items=(ev.ReconcilingItem(label="Benefits payable", amount=Decimal("-12345"), line=41),),
                                          label="Net assets per the Form 5500", **at("notes", "")),
    ]


def filing(text: str = "a filing", *, plans: tuple[str, ...] = ("Example 401(k) Plan",), ein: str = "") -> FilingBatch:
    """A filing whose content (and so identity) is `text`, covering the named plans."""
    digest = document_digest(text.encode())
    fid = filing_id(digest)
    return FilingBatch(
        document=f"{text[:20]}.txt",
        digest=digest,
        filing_id=fid,
        plans=[
            PlanBatch(plan=PlanRef(name=name, sponsor="Example, Inc.", ein=ein), events=every_event(fid, 100 * i + 1))
            for i, name in enumerate(plans)
        ],
    )
