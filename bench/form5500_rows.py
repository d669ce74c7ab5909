"""A synthetic Form 5500 filing's rows as the DOL's CSV datasets print them.

Each dataset's row follows the DOL's layout for the filing's form year (`importers/dol_layouts`;
a form year without a layout of its own is printed in the latest earlier one): every column in
position order, blank where the filer left it blank. Like the DOL's files: comma separated, text
in double quotes (the header too), numbers bare; dates `YYYY-MM-DD`; Part IV answers "1" yes,
"2" no; check boxes "1" checked, "0" not. What a plan prints the same every year is rendered
once per plan, so a million rows cost little more than their figures.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache, lru_cache
from importlib import resources

from bench.form5500_synth import Filing5500, Plan
from ledger.form5500 import ANSWERS, BY_MEASURE

LAYOUT_YEARS = (2009, 2023, 2025)
DATASETS = ("F_5500", "F_5500_SF", "F_SCH_H", "F_SCH_I", "F_SCH_G_PART3")
YES, NO = "1", "2"
SIGNATURE = "Filed with authorized/valid electronic signature"
PENSION_CODES = "2E2F2G2J2K2T3D"
BOND = {"H": "PLAN_INS_FDLTY_BOND_AMT", "I": "SMALL_PLAN_INS_FDLTY_BOND_AMT", "SF": "SF_PLAN_INS_FDLTY_BOND_AMT"}
NOT_ASKED = {  # Part IV questions a 401(k) plan answers "no"
    "H": ("LEASES_IN_DEFAULT_IND", "LOSS_DISCV_DUR_YEAR_IND", "ASSET_UNDETERM_VAL_IND", "NON_CASH_CONTRIB_IND",
          "FIVE_PRCNT_TRANS_IND", "ALL_PLAN_AST_DISTRIB_IND", "FAIL_PROVIDE_BENEFIT_DUE_IND", "PLAN_BLACKOUT_PERIOD_IND"),
    "I": ("SMALL_JOINT_VENTURE_EOY_IND", "SMALL_EMPLR_PROP_EOY_IND", "SMALL_INV_REAL_ESTATE_EOY_IND", "SMALL_EMPLR_SEC_EOY_IND",
          "SMALL_MORTG_PARTCP_EOY_IND", "SMALL_OTH_LNS_PARTCP_EOY_IND", "SMALL_PERSONAL_PROP_EOY_IND", "SMALL_LEASES_IN_DEFAULT_IND",
          "SMALL_LOSS_DISCV_DUR_YEAR_IND", "SMALL_ASSET_UNDETERM_VAL_IND", "SMALL_NON_CASH_CONTRIB_IND", "SMALL_20_PRCNT_SNGL_INVST_IND",
          "SMALL_ALL_PLAN_AST_DISTRIB_IND", "SM_FAIL_PROVIDE_BENEF_DUE_IND", "SMALL_PLAN_BLACKOUT_PERIOD_IND"),
    "SF": ("SF_LOSS_DISCV_DUR_YEAR_IND", "SF_BROKER_FEES_PAID_IND", "SF_FAIL_PROVIDE_BENEF_DUE_IND", "SF_PLAN_BLACKOUT_PERIOD_IND",
           "SF_DC_PLAN_FUNDING_REQD_IND", "SF_ALL_PLAN_AST_DISTRIB_IND"),
}
SCHEDULE_DATASET = {"H": "F_SCH_H", "I": "F_SCH_I", "SF": "F_5500_SF"}


# -- Layouts ------------------------------------------------------------------------------------


@cache
def layout_year(form_year: int) -> int:
    known = [y for y in LAYOUT_YEARS if y <= form_year]
    if not known:
        raise ValueError(f"no Form 5500 dataset layout for form year {form_year} (the earliest is {LAYOUT_YEARS[0]})")
    return known[-1]


@cache
def _layout(year: int, dataset: str) -> tuple[tuple[str, bool], ...]:
    text = resources.files("importers").joinpath(f"dol_layouts/{year}.json").read_text()
    return tuple((c["n"], c["t"] == "TEXT") for c in sorted(json.loads(text)["datasets"][dataset], key=lambda c: c["p"]))


def columns(form_year: int, dataset: str) -> tuple[tuple[str, bool], ...]:
    """The dataset's columns in position order, each with whether it holds text."""
    return _layout(layout_year(form_year), dataset)


@cache
def _positions(year: int, dataset: str) -> dict[str, tuple[int, bool]]:
    return {name: (i, text) for i, (name, text) in enumerate(_layout(year, dataset))}


@cache
def _amount_positions(year: int, dataset: str, schedule: str) -> dict[str, int]:
    """Where each measure's figure goes in the row."""
    positions = _positions(year, dataset)
    return {m: positions[line.column][0] for m, line in BY_MEASURE[schedule].items() if line.column in positions}


@cache
def _widest(year: int, dataset: str) -> tuple[int, int]:
    """The latest layout that begins with this one (its columns added at the end), and this one's
    width: a plan's constant cells are rendered once for both."""
    own = _layout(year, dataset)
    return next(y for y in reversed(LAYOUT_YEARS) if _layout(y, dataset)[:len(own)] == own), len(own)


def cells_of(plan: Plan, year: int, dataset: str) -> list[str]:
    """A new row of the dataset holding what the plan prints every year."""
    widest, width = _widest(year, dataset)
    return list(constant_cells(plan, widest, dataset)[:width])


def file_name(dataset: str, form_year: int) -> str:
    return f"{dataset}_{form_year}_latest.csv"


def quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def header(form_year: int, dataset: str) -> str:
    return ",".join(quoted(name) for name, _ in columns(form_year, dataset)) + "\n"


def fill(cells: list[str], year: int, dataset: str, row: dict[str, str]) -> list[str]:
    """Put a row's values in their cells, text quoted; a column the layout lacks (one added in a
    later form year) is left out, and so is a blank."""
    positions = _positions(year, dataset)
    for name, value in row.items():
        at = positions.get(name)
        if at is not None and value:
            cells[at[0]] = '"' + value.replace('"', '""') + '"' if at[1] else value
    return cells


def blank(year: int, dataset: str) -> list[str]:
    return [""] * len(_layout(year, dataset))


# -- What a plan prints every year --------------------------------------------------------------


@lru_cache(maxsize=8192)
def constant_cells(plan: Plan, year: int, dataset: str) -> tuple[str, ...]:
    """The cells every filing of the plan prints the same in the dataset."""
    cells = blank(year, dataset)
    if dataset in ("F_5500", "F_5500_SF"):
        fill(cells, year, dataset, sponsor_part(plan, "" if dataset == "F_5500" else "SF_"))
    if dataset != "F_5500":
        schedule = plan.schedule
        fill(cells, year, dataset, {column: NO for column in NOT_ASKED[schedule]})
        key = {"H": "SCH_H", "I": "SCH_I"}.get(schedule)
        if key:
            fill(cells, year, dataset, {"SCH_H_PN" if key == "SCH_H" else "SCH_I_PLAN_NUM": plan.pn, f"{key}_EIN": plan.ein})
        if schedule == "H":
            firm, firm_ein = plan.accountant
            fill(cells, year, dataset, {"ACCOUNTANT_FIRM_NAME": firm, "ACCOUNTANT_FIRM_EIN": firm_ein, "ACCT_OPIN_NOT_ON_FILE_IND": "0",
                                        "AST_HELD_INVST_IND": YES})
        elif schedule == "I":
            fill(cells, year, dataset, {"SM_WAIV_ANNUAL_IQPA_REPORT_IND": YES})
    return tuple(cells)


def sponsor_part(plan: Plan, prefix: str) -> dict[str, str]:
    """The plan and its sponsor, on the Form 5500 (`prefix` "") or the 5500-SF ("SF_")."""
    street, city, state, zipcode = plan.address
    f5500 = prefix == ""
    row = {
        "TYPE_PLAN_ENTITY_CD" if f5500 else "SF_PLAN_ENTITY_CD": "2",
        f"{prefix}INITIAL_FILING_IND": "0",
        f"{prefix}FINAL_FILING_IND": "0",
        f"{prefix}SHORT_PLAN_YR_IND": "0",
        f"{prefix}EXT_AUTOMATIC_IND": "0",
        f"{prefix}EXT_SPECIAL_IND": "0",
        f"{prefix}PLAN_NAME": plan.name,
        "SPONS_DFE_PN" if f5500 else "SF_PLAN_NUM": plan.pn,
        f"{prefix}PLAN_EFF_DATE": plan.effective.isoformat(),
        "SPONSOR_DFE_NAME" if f5500 else "SF_SPONSOR_NAME": plan.sponsor,
        "SPONS_DFE_MAIL_US_ADDRESS1" if f5500 else "SF_SPONS_US_ADDRESS1": street,
        "SPONS_DFE_MAIL_US_CITY" if f5500 else "SF_SPONS_US_CITY": city,
        "SPONS_DFE_MAIL_US_STATE" if f5500 else "SF_SPONS_US_STATE": state,
        "SPONS_DFE_MAIL_US_ZIP" if f5500 else "SF_SPONS_US_ZIP": zipcode,
        "SPONS_DFE_EIN" if f5500 else "SF_SPONS_EIN": plan.ein,
        "SPONS_DFE_PHONE_NUM" if f5500 else "SF_SPONS_PHONE_NUM": plan.phone,
        f"{prefix}BUSINESS_CODE": "523900" if plan.index % 3 else "332900",
        f"{prefix}ADMIN_NAME": plan.sponsor,
        f"{prefix}ADMIN_EIN": plan.ein,
        f"{prefix}ADMIN_NAME_SAME_SPON_IND": "1",
        "ADMIN_ADDRESS_SAME_SPON_IND" if f5500 else "SF_ADMIN_ADDRSS_SAME_SPON_IND": "1",
        f"{prefix}ADMIN_SIGNED_NAME": plan.signer,
        f"{prefix}SPONS_SIGNED_NAME": plan.signer,
        f"{prefix}TYPE_PENSION_BNFT_CODE": PENSION_CODES,
        "FILING_STATUS": "FILING_RECEIVED",
        "VALID_ADMIN_SIGNATURE": SIGNATURE,
        "VALID_SPONSOR_SIGNATURE": SIGNATURE,
    }
    if f5500:
        row |= {"FUNDING_TRUST_IND": "1", "BENEFIT_TRUST_IND": "1", "SCH_H_ATTACHED_IND": "1" if plan.schedule == "H" else "0",
                "SCH_I_ATTACHED_IND": "1" if plan.schedule == "I" else "0", "SCH_A_ATTACHED_IND": "0",
                "SCH_C_ATTACHED_IND": "1" if plan.schedule == "H" else "0", "SCH_D_ATTACHED_IND": "0", "SCH_R_ATTACHED_IND": "0",
                "SCH_MB_ATTACHED_IND": "0", "SCH_SB_ATTACHED_IND": "0", "COLLECTIVE_BARGAIN_IND": "0"}
    else:
        row |= {"SF_ELIGIBLE_ASSETS_IND": "1", "SF_IQPA_WAIVER_IND": "1", "SF_401K_PLAN_IND": "1"}
    return row


# -- What a filing prints of its own ------------------------------------------------------------


def signed_at(day: date, seconds: int) -> str:
    return f"{day.isoformat()}T{seconds // 3600 % 24:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}-0500"


def late(filing: Filing5500) -> bool:
    """Filed after the seventh month: the filer asked for the extension (Form 5558)."""
    return (filing.received - filing.end).days > 212


def filing_part(filing: Filing5500, prefix: str) -> dict[str, str]:
    """The filing's year, dates, counts and whether it amends, on the Form 5500 or the 5500-SF."""
    begin_n, active = filing.participants
    signed = signed_at(filing.signed, 28_800 + filing.plan.index * 7919 % 32_400)
    f5500 = prefix == ""
    row = {
        "ACK_ID": filing.ack_id,
        "FORM_PLAN_YEAR_BEGIN_DATE" if f5500 else "SF_PLAN_YEAR_BEGIN_DATE": filing.begin.isoformat(),
        "FORM_TAX_PRD" if f5500 else "SF_TAX_PRD": filing.end.isoformat(),
        prefix + "AMENDED_IND": "1" if filing.amended else "0",
        "F5558_APPLICATION_FILED_IND" if f5500 else "SF_5558_APPLICATION_FILED_IND": "1" if late(filing) else "0",
        prefix + "DFVC_PROGRAM_IND": "1" if (filing.received - filing.end).days > 290 else "0",
        prefix + "ADMIN_SIGNED_DATE": signed,
        prefix + "SPONS_SIGNED_DATE": signed,
        "DATE_RECEIVED": filing.received.isoformat(),
        prefix + "TOT_PARTCP_BOY_CNT": str(begin_n),
        prefix + "TOT_ACT_RTD_SEP_BENEF_CNT": str(active + active // 8),
        prefix + "PARTCP_ACCOUNT_BAL_CNT": str(active),
    }
    if f5500:
        row |= {"TOT_ACTIVE_PARTCP_CNT": str(active), "TOT_ACT_PARTCP_BOY_CNT": str(begin_n),
                "SCH_G_ATTACHED_IND": "1" if filing.nonexempt else "0"}
    else:
        row |= {"SF_TOT_ACT_PARTCP_BOY_CNT": str(begin_n), "SF_TOT_ACT_PARTCP_EOY_CNT": str(active)}
    return row


def schedule_part(filing: Filing5500) -> dict[str, str]:
    """Part IV's answers, the bond, and Schedule H's or I's own heading and accountant's opinion."""
    schedule, unit = filing.schedule, filing.plan.unit
    row = {column: YES if filing.answers[measure] else NO for column, measure in ANSWERS[schedule].items() if measure in filing.answers}
    if filing.answers.get("fidelity_bond"):
        assets = filing.amounts.get("total_assets_eoy", 0)
        row[BOND[schedule]] = figure(filing, min(max(assets // 10 // (1000 * unit) * 1000 * unit, 1000 * unit), 500_000 * unit))
    if schedule != "SF":
        key = "SCH_H" if schedule == "H" else "SCH_I"
        row |= {"ACK_ID": filing.ack_id, f"{key}_PLAN_YEAR_BEGIN_DATE": filing.begin.isoformat(), f"{key}_TAX_PRD": filing.end.isoformat()}
    if schedule == "H":
        limited = "1" if filing.limited_scope else "0"
        row |= {"ACCTNT_OPINION_TYPE_CD": filing.opinion, "ACCT_PERFORMED_LTD_AUDIT_IND": limited, "ACCT_PERF_LTD_AUDIT_103_8_IND": limited,
                "ACCT_PERF_NOT_LTD_AUDIT_IND": "0" if filing.limited_scope else "1"}
    return row


def figure(filing: Filing5500, units: int) -> str:
    return str(units) if filing.plan.unit == 1 else str(filing.money(units))


def lines(filing: Filing5500) -> list[tuple[str, str]]:
    """The filing's rows as printed, each with its dataset: the Form 5500 and its schedule, or the
    5500-SF alone, then any Schedule G part III rows."""
    plan, schedule = filing.plan, filing.schedule
    year = layout_year(filing.form_year)
    out = []
    if schedule != "SF":
        cells = fill(cells_of(plan, year, "F_5500"), year, "F_5500", filing_part(filing, ""))
        out.append(("F_5500", ",".join(cells) + "\n"))
    dataset = SCHEDULE_DATASET[schedule]
    cells = fill(cells_of(plan, year, dataset), year, dataset, schedule_part(filing))
    if schedule == "SF":
        fill(cells, year, dataset, filing_part(filing, "SF_"))
    at = _amount_positions(year, dataset, schedule).get
    text = str if plan.unit == 1 else (lambda units: str(filing.money(units)))
    for measure, units in filing.amounts.items():
        i = at(measure)
        if i is not None:
            cells[i] = text(units)
    out.append((dataset, ",".join(cells) + "\n"))
    for order, (party, relation, terms, cost, value) in enumerate(filing.nonexempt, 1):
        row = {"ACK_ID": filing.ack_id, "ROW_ORDER": str(order), "NON_EXEMPT_PARTY_NAME": party, "NON_EXEMPT_RELATION_TEXT": relation,
               "NON_EXEMPT_TERMS_TEXT": terms, "NON_EXEMPT_COST_AST_AMT": figure(filing, cost), "NON_EXEMPT_CURR_VALUE_AST_AMT": figure(filing, value)}
        out.append(("F_SCH_G_PART3", ",".join(fill(blank(year, "F_SCH_G_PART3"), year, "F_SCH_G_PART3", row)) + "\n"))
    return out
