"""What the columns of the DOL's Form 5500 datasets mean on the form, and the form's arithmetic.

The datasets name each figure by a column (`NET_ASSETS_EOY_AMT`); the form by a line (Schedule H
line 1l, column (b)). `LINES` maps every amount column planledger reads to its line and to a
`measure`, the name it has in the projections, shared by Schedule H, Schedule I and the 5500-SF
where the three report the same thing. `TOTALS` are the form's own sums ("line 1f: total assets =
1a + 1b + 1c + 1d + 1e"), checked by the audit; `ROLL` is the year's roll-forward.

Pure data, no I/O: the reader, the projections and the audit all read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.events import Form5500Schedule


@dataclass(frozen=True, slots=True)
class Line:
    column: str  # the dataset's column, e.g. "NET_ASSETS_EOY_AMT"
    line: str  # the form's line, e.g. "1l(b)"
    measure: str  # the projection's column, e.g. "net_assets_eoy"
    caption: str


def _both_years(schedule_line: str, stem: str, measure: str, caption: str) -> tuple[Line, ...]:
    return (
        Line(f"{stem}_BOY_AMT", f"{schedule_line}(a)", f"{measure}_boy", f"{caption}, beginning of year"),
        Line(f"{stem}_EOY_AMT", f"{schedule_line}(b)", f"{measure}_eoy", f"{caption}, end of year"),
    )


_H_ASSETS = (
    ("1a", "NON_INT_BEAR_CASH", "noninterest_cash", "Total noninterest-bearing cash"),
    ("1b(1)", "EMPLR_CONTRIB", "employer_receivable", "Employer contributions receivable"),
    ("1b(2)", "PARTCP_CONTRIB", "participant_receivable", "Participant contributions receivable"),
    ("1b(3)", "OTHER_RECEIVABLES", "other_receivables", "Other receivables"),
    ("1c(1)", "INT_BEAR_CASH", "interest_bearing_cash", "Interest-bearing cash"),
    ("1c(2)", "GOVT_SEC", "government_securities", "U.S. Government securities"),
    ("1c(3)(A)", "CORP_DEBT_PREFERRED", "corporate_debt_preferred", "Corporate debt instruments: preferred"),
    ("1c(3)(B)", "CORP_DEBT_OTHER", "corporate_debt_other", "Corporate debt instruments: all other"),
    ("1c(4)(A)", "PREF_STOCK", "preferred_stock", "Corporate stocks: preferred"),
    ("1c(4)(B)", "COMMON_STOCK", "common_stock", "Corporate stocks: common"),
    ("1c(5)", "JOINT_VENTURE", "joint_ventures", "Partnership/joint venture interests"),
    ("1c(6)", "REAL_ESTATE", "real_estate", "Real estate"),
    ("1c(7)", "OTHER_LOANS", "other_loans", "Loans (other than to participants)"),
    ("1c(8)", "PARTCP_LOANS", "participant_loans", "Participant loans"),
    ("1c(9)", "INT_COMMON_TR", "common_collective_trusts", "Value of interest in common/collective trusts"),
    ("1c(10)", "INT_POOL_SEP_ACCT", "pooled_separate_accounts", "Value of interest in pooled separate accounts"),
    ("1c(11)", "INT_MASTER_TR", "master_trusts", "Value of interest in master trust investment accounts"),
    ("1c(12)", "INT_103_12_INVST", "investment_entities_103_12", "Value of interest in 103-12 investment entities"),
    ("1c(13)", "INT_REG_INVST_CO", "registered_investment_companies", "Value of interest in registered investment companies"),
    ("1c(14)", "INS_CO_GEN_ACCT", "insurance_general_accounts", "Value of funds held in insurance company general account"),
    ("1c(15)", "OTH_INVST", "other_investments", "Other investments"),
    ("1d(1)", "EMPLR_SEC", "employer_securities", "Employer securities"),
    ("1d(2)", "EMPLR_PROP", "employer_real_property", "Employer real property"),
    ("1e", "BLDGS_USED", "buildings_used", "Buildings and other property used in plan operation"),
    ("1f", "TOT_ASSETS", "total_assets", "Total assets"),
    ("1g", "BNFTS_PAYABLE", "benefits_payable", "Benefit claims payable"),
    ("1h", "OPRTNG_PAYABLE", "operating_payables", "Operating payables"),
    ("1i", "ACQUIS_INDBT", "acquisition_indebtedness", "Acquisition indebtedness"),
    ("1j", "OTHER_LIAB", "other_liabilities", "Other liabilities"),
    ("1k", "TOT_LIABILITIES", "total_liabilities", "Total liabilities"),
    ("1l", "NET_ASSETS", "net_assets", "Net assets"),
)

_H_INCOME = (
    ("2a(1)(A)", "EMPLR_CONTRIB_INCOME_AMT", "employer_contributions", "Contributions received from employers"),
    ("2a(1)(B)", "PARTICIPANT_CONTRIB_AMT", "participant_contributions", "Contributions received from participants"),
    ("2a(1)(C)", "OTH_CONTRIB_RCVD_AMT", "other_contributions", "Contributions received from others (including rollovers)"),
    ("2a(2)", "NON_CASH_CONTRIB_BS_AMT", "noncash_contributions", "Noncash contributions"),
    ("2a(3)", "TOT_CONTRIB_AMT", "total_contributions", "Total contributions"),
    ("2b(1)(A)", "INT_BEAR_CASH_AMT", "interest_cash", "Interest on interest-bearing cash"),
    ("2b(1)(B)", "INT_ON_GOVT_SEC_AMT", "interest_government", "Interest on U.S. Government securities"),
    ("2b(1)(C)", "INT_ON_CORP_DEBT_AMT", "interest_corporate_debt", "Interest on corporate debt instruments"),
    ("2b(1)(D)", "INT_ON_OTH_LOANS_AMT", "interest_other_loans", "Interest on loans (other than to participants)"),
    ("2b(1)(E)", "INT_ON_PARTCP_LOANS_AMT", "interest_participant_loans", "Interest on participant loans"),
    ("2b(1)(F)", "INT_ON_OTH_INVST_AMT", "interest_other", "Other interest"),
    ("2b(1)(G)", "TOTAL_INTEREST_AMT", "total_interest", "Total interest"),
    ("2b(2)(A)", "DIVND_PREF_STOCK_AMT", "dividends_preferred", "Dividends on preferred stock"),
    ("2b(2)(B)", "DIVND_COMMON_STOCK_AMT", "dividends_common", "Dividends on common stock"),
    ("2b(2)(C)", "REGISTERED_INVST_AMT", "dividends_registered_investment_companies", "Dividends on registered investment company shares"),
    ("2b(2)(D)", "TOTAL_DIVIDENDS_AMT", "total_dividends", "Total dividends"),
    ("2b(3)", "TOTAL_RENTS_AMT", "rents", "Rents"),
    ("2b(4)(A)", "AGGREGATE_PROCEEDS_AMT", "sale_proceeds", "Aggregate proceeds of assets sold"),
    ("2b(4)(B)", "AGGREGATE_COSTS_AMT", "sale_carrying_amount", "Aggregate carrying amount of assets sold"),
    ("2b(4)(C)", "TOT_GAIN_LOSS_SALE_AST_AMT", "gain_on_sale", "Net gain (loss) on sale of assets"),
    ("2b(5)(A)", "UNREALZD_APPRCTN_RE_AMT", "appreciation_real_estate", "Unrealized appreciation of real estate"),
    ("2b(5)(B)", "UNREALZD_APPRCTN_OTH_AMT", "appreciation_other", "Other unrealized appreciation"),
    ("2b(5)(C)", "TOT_UNREALZD_APPRCTN_AMT", "total_unrealized_appreciation", "Total unrealized appreciation of assets"),
    ("2b(6)", "GAIN_LOSS_COM_TRUST_AMT", "income_common_collective_trusts", "Net investment gain from common/collective trusts"),
    ("2b(7)", "GAIN_LOSS_POOL_SEP_AMT", "income_pooled_separate_accounts", "Net investment gain from pooled separate accounts"),
    ("2b(8)", "GAIN_LOSS_MASTER_TR_AMT", "income_master_trusts", "Net investment gain from master trust investment accounts"),
    ("2b(9)", "GAIN_LOSS_103_12_INVST_AMT", "income_investment_entities_103_12", "Net investment gain from 103-12 investment entities"),
    ("2b(10)", "GAIN_LOSS_REG_INVST_AMT", "income_registered_investment_companies", "Net investment gain from registered investment companies"),
    ("2c", "OTHER_INCOME_AMT", "other_income", "Other income"),
    ("2d", "TOT_INCOME_AMT", "total_income", "Total income"),
    ("2e(1)", "DISTRIB_DRT_PARTCP_AMT", "benefits_direct", "Benefits paid directly to participants or beneficiaries"),
    ("2e(2)", "INS_CARRIER_BNFTS_AMT", "benefits_insurance_carriers", "Payments to insurance carriers for benefits"),
    ("2e(3)", "OTH_BNFT_PAYMENT_AMT", "benefits_other", "Other benefit payments"),
    ("2e(4)", "TOT_DISTRIB_BNFT_AMT", "benefits_paid", "Total benefit payments"),
    ("2f", "TOT_CORRECTIVE_DISTRIB_AMT", "corrective_distributions", "Corrective distributions"),
    ("2g", "TOT_DEEMED_DISTR_PART_LNS_AMT", "deemed_distributions", "Certain deemed distributions of participant loans"),
    ("2h", "TOT_INT_EXPENSE_AMT", "interest_expense", "Interest expense"),
    ("2i(1)", "PROFESSIONAL_FEES_AMT", "professional_fees", "Professional fees"),
    ("2i(2)", "CONTRACT_ADMIN_FEES_AMT", "contract_administrator_fees", "Contract administrator fees"),
    ("2i(3)", "INVST_MGMT_FEES_AMT", "investment_management_fees", "Investment advisory and management fees"),
    ("2i(4)", "OTHER_ADMIN_FEES_AMT", "other_administrative_fees", "Other administrative expenses"),
    ("2i(5)", "TOT_ADMIN_EXPENSES_AMT", "administrative_expenses", "Total administrative expenses"),
    ("2j", "TOT_EXPENSES_AMT", "total_expenses", "Total expenses"),
    ("2k", "NET_INCOME_AMT", "net_income", "Net income (loss)"),
    ("2l(1)", "TOT_TRANSFERS_TO_AMT", "transfers_in", "Transfers of assets to this plan"),
    ("2l(2)", "TOT_TRANSFERS_FROM_AMT", "transfers_out", "Transfers of assets from this plan"),
    ("4a", "FAIL_TRANSMIT_CONTRIB_AMT", "late_contributions", "Participant contributions transferred late"),
    ("4b", "LOANS_IN_DEFAULT_AMT", "loans_in_default", "Loans in default or uncollectible"),
    ("4d", "PARTY_IN_INT_NOT_RPTD_AMT", "nonexempt_transactions", "Nonexempt transactions with parties in interest"),
)

_I = (
    ("1a(a)", "SMALL_TOT_ASSETS_BOY_AMT", "total_assets_boy", "Total plan assets, beginning of year"),
    ("1a(b)", "SMALL_TOT_ASSETS_EOY_AMT", "total_assets_eoy", "Total plan assets, end of year"),
    ("1b(a)", "SMALL_TOT_LIABILITIES_BOY_AMT", "total_liabilities_boy", "Total plan liabilities, beginning of year"),
    ("1b(b)", "SMALL_TOT_LIABILITIES_EOY_AMT", "total_liabilities_eoy", "Total plan liabilities, end of year"),
    ("1c(a)", "SMALL_NET_ASSETS_BOY_AMT", "net_assets_boy", "Net plan assets, beginning of year"),
    ("1c(b)", "SMALL_NET_ASSETS_EOY_AMT", "net_assets_eoy", "Net plan assets, end of year"),
    ("2a(1)", "SMALL_EMPLR_CONTRIB_INCOME_AMT", "employer_contributions", "Contributions received from employers"),
    ("2a(2)", "SMALL_PARTICIPANT_CONTRIB_AMT", "participant_contributions", "Contributions received from participants"),
    ("2a(3)", "SMALL_OTH_CONTRIB_RCVD_AMT", "other_contributions", "Contributions received from others (including rollovers)"),
    ("2b", "SMALL_NON_CASH_CONTRIB_BS_AMT", "noncash_contributions", "Noncash contributions"),
    ("2c", "SMALL_OTHER_INCOME_AMT", "other_income", "Other income"),
    ("2d", "SMALL_TOT_INCOME_AMT", "total_income", "Total income"),
    ("2e", "SMALL_TOT_DISTRIB_BNFT_AMT", "benefits_paid", "Benefits paid"),
    ("2f", "SMALL_CORRECTIVE_DISTRIB_AMT", "corrective_distributions", "Corrective distributions"),
    ("2g", "SMALL_DEEM_DSTRB_PARTCP_LN_AMT", "deemed_distributions", "Certain deemed distributions of participant loans"),
    ("2h", "SMALL_ADMIN_SRVC_PROVIDERS_AMT", "administrative_service_providers", "Administrative service providers"),
    ("2i", "SMALL_OTH_EXPENSES_AMT", "other_expenses", "Other expenses"),
    ("2j", "SMALL_TOT_EXPENSES_AMT", "total_expenses", "Total expenses"),
    ("2k", "SMALL_NET_INCOME_AMT", "net_income", "Net income (loss)"),
    ("2l", "SMALL_TOT_PLAN_TRANSFERS_AMT", "transfers_net", "Transfers to (from) the plan"),
    ("4a", "SMALL_FAIL_TRANSM_CONTRIB_AMT", "late_contributions", "Participant contributions transferred late"),
    ("4b", "SMALL_LOANS_IN_DEFAULT_AMT", "loans_in_default", "Loans in default or uncollectible"),
    ("4d", "SM_PARTY_IN_INT_NOT_RPTD_AMT", "nonexempt_transactions", "Nonexempt transactions with parties in interest"),
)

_SF = (
    ("7a(a)", "SF_TOT_ASSETS_BOY_AMT", "total_assets_boy", "Total plan assets, beginning of year"),
    ("7a(b)", "SF_TOT_ASSETS_EOY_AMT", "total_assets_eoy", "Total plan assets, end of year"),
    ("7b(a)", "SF_TOT_LIABILITIES_BOY_AMT", "total_liabilities_boy", "Total plan liabilities, beginning of year"),
    ("7b(b)", "SF_TOT_LIABILITIES_EOY_AMT", "total_liabilities_eoy", "Total plan liabilities, end of year"),
    ("7c(a)", "SF_NET_ASSETS_BOY_AMT", "net_assets_boy", "Net plan assets, beginning of year"),
    ("7c(b)", "SF_NET_ASSETS_EOY_AMT", "net_assets_eoy", "Net plan assets, end of year"),
    ("8a(1)", "SF_EMPLR_CONTRIB_INCOME_AMT", "employer_contributions", "Contributions received from employers"),
    ("8a(2)", "SF_PARTICIP_CONTRIB_INCOME_AMT", "participant_contributions", "Contributions received from participants"),
    ("8a(3)", "SF_OTH_CONTRIB_RCVD_AMT", "other_contributions", "Contributions received from others (including rollovers)"),
    ("8b", "SF_OTHER_INCOME_AMT", "other_income", "Other income (loss)"),
    ("8c", "SF_TOT_INCOME_AMT", "total_income", "Total income"),
    ("8d", "SF_TOT_DISTRIB_BNFT_AMT", "benefits_paid", "Benefits paid"),
    ("8e", "SF_CORRECTIVE_DEEMED_DISTR_AMT", "corrective_and_deemed_distributions", "Certain deemed and/or corrective distributions"),
    ("8f", "SF_ADMIN_SRVC_PROVIDERS_AMT", "administrative_service_providers", "Administrative service providers"),
    ("8g", "SF_OTH_EXPENSES_AMT", "other_expenses", "Other expenses"),
    ("8h", "SF_TOT_EXPENSES_AMT", "total_expenses", "Total expenses"),
    ("8i", "SF_NET_INCOME_AMT", "net_income", "Net income (loss)"),
    ("8j", "SF_TOT_PLAN_TRANSFERS_AMT", "transfers_net", "Transfers to (from) the plan"),
    ("9a", "SF_FAIL_TRANSMIT_CONTRIB_AMT", "late_contributions", "Participant contributions transferred late"),
    ("9b", "SF_PARTY_IN_INT_NOT_RPTD_AMT", "nonexempt_transactions", "Nonexempt transactions with parties in interest"),
    ("9l", "SF_PARTCP_LOANS_EOY_AMT", "participant_loans_eoy", "Participant loans, end of year"),
)

LINES: dict[Form5500Schedule, tuple[Line, ...]] = {
    "H": tuple(line for args in _H_ASSETS for line in _both_years(*args))
    + tuple(Line(column, line, measure, caption) for line, column, measure, caption in _H_INCOME),
    "I": tuple(Line(column, line, measure, caption) for line, column, measure, caption in _I),
    "SF": tuple(Line(column, line, measure, caption) for line, column, measure, caption in _SF),
}

BY_COLUMN: dict[Form5500Schedule, dict[str, Line]] = {s: {x.column: x for x in lines} for s, lines in LINES.items()}
BY_MEASURE: dict[Form5500Schedule, dict[str, Line]] = {s: {x.measure: x for x in lines} for s, lines in LINES.items()}

MEASURES: tuple[str, ...] = tuple(dict.fromkeys(x.measure for lines in LINES.values() for x in lines))
"""Every measure, in form order: the columns of the `form5500` projection."""

ANSWERS: dict[Form5500Schedule, dict[str, str]] = {
    "H": {
        "FAIL_TRANSMIT_CONTRIB_IND": "late_contributions",
        "LOANS_IN_DEFAULT_IND": "loans_in_default",
        "PARTY_IN_INT_NOT_RPTD_IND": "nonexempt_transactions",
        "PLAN_INS_FDLTY_BOND_IND": "fidelity_bond",
    },
    "I": {
        "SMALL_FAIL_TRANSM_CONTRIB_IND": "late_contributions",
        "SMALL_LOANS_IN_DEFAULT_IND": "loans_in_default",
        "SM_PARTY_IN_INT_NOT_RPTD_IND": "nonexempt_transactions",
        "SMALL_PLAN_INS_FDLTY_BOND_IND": "fidelity_bond",
    },
    "SF": {
        "SF_FAIL_TRANSMIT_CONTRIB_IND": "late_contributions",
        "SF_PARTY_IN_INT_NOT_RPTD_IND": "nonexempt_transactions",
        "SF_PLAN_INS_FDLTY_BOND_IND": "fidelity_bond",
        "SF_PARTCP_LOANS_IND": "participant_loans",
    },
}
"""Part IV questions kept, by column: the measure of the answer (`late_contributions` yes/no)."""


@dataclass(frozen=True, slots=True)
class Total:
    measure: str  # the printed total
    items: tuple[str, ...]  # the measures it adds up (a "-" prefix subtracts)


_LIABILITIES = ("benefits_payable", "operating_payables", "acquisition_indebtedness", "other_liabilities")


def _assets(year: str) -> tuple[Total, ...]:
    items = [m for _, _, m, _ in _H_ASSETS[:24]]
    return (
        Total(f"total_assets_{year}", tuple(f"{m}_{year}" for m in items)),
        Total(f"total_liabilities_{year}", tuple(f"{m}_{year}" for m in _LIABILITIES)),
        Total(f"net_assets_{year}", (f"total_assets_{year}", f"-total_liabilities_{year}")),
    )


_H_INCOME_TOTAL = (
    "total_contributions", "total_interest", "total_dividends", "rents", "gain_on_sale", "total_unrealized_appreciation",
    "income_common_collective_trusts", "income_pooled_separate_accounts", "income_master_trusts",
    "income_investment_entities_103_12", "income_registered_investment_companies", "other_income",
)

TOTALS: dict[Form5500Schedule, tuple[Total, ...]] = {
    "H": (
        *_assets("boy"),
        *_assets("eoy"),
        Total("total_contributions", ("employer_contributions", "participant_contributions", "other_contributions", "noncash_contributions")),
        Total(
            "total_interest",
            ("interest_cash", "interest_government", "interest_corporate_debt", "interest_other_loans", "interest_participant_loans", "interest_other"),
        ),
        Total("total_dividends", ("dividends_preferred", "dividends_common", "dividends_registered_investment_companies")),
        Total("gain_on_sale", ("sale_proceeds", "-sale_carrying_amount")),
        Total("total_unrealized_appreciation", ("appreciation_real_estate", "appreciation_other")),
        Total("total_income", _H_INCOME_TOTAL),
        Total("benefits_paid", ("benefits_direct", "benefits_insurance_carriers", "benefits_other")),
        Total("total_expenses", ("benefits_paid", "corrective_distributions", "deemed_distributions", "interest_expense", "administrative_expenses")),
        Total("net_income", ("total_income", "-total_expenses")),
    ),
    "I": (
        Total("net_assets_boy", ("total_assets_boy", "-total_liabilities_boy")),
        Total("net_assets_eoy", ("total_assets_eoy", "-total_liabilities_eoy")),
        Total("total_income", ("employer_contributions", "participant_contributions", "other_contributions", "noncash_contributions", "other_income")),
        Total("total_expenses", ("benefits_paid", "corrective_distributions", "deemed_distributions", "administrative_service_providers", "other_expenses")),
        Total("net_income", ("total_income", "-total_expenses")),
    ),
    "SF": (
        Total("net_assets_boy", ("total_assets_boy", "-total_liabilities_boy")),
        Total("net_assets_eoy", ("total_assets_eoy", "-total_liabilities_eoy")),
        Total("total_income", ("employer_contributions", "participant_contributions", "other_contributions", "other_income")),
        Total("total_expenses", ("benefits_paid", "corrective_and_deemed_distributions", "administrative_service_providers", "other_expenses")),
        Total("net_income", ("total_income", "-total_expenses")),
    ),
}
"""The form's sums. Schedule H line 2i's total is left out: the 2023 form splits administrative
expenses into lines the datasets do not nest the same way in every year, and a finding the layout
caused would be the reader's, not the filing's."""

ROLL: dict[Form5500Schedule, tuple[str, ...]] = {
    "H": ("net_assets_boy", "net_income", "transfers_in", "-transfers_out"),
    "I": ("net_assets_boy", "net_income", "transfers_net"),
    "SF": ("net_assets_boy", "net_income", "transfers_net"),
}
"""Net assets at the end of the year: what the beginning of year, the year's net income and the
transfers add up to (Schedule H line 1l(b) = 1l(a) + 2k + 2l(1) - 2l(2))."""
