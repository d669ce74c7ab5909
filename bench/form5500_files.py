"""Synthetic Form 5500 filings (`bench.form5500_synth`) written as the DOL's CSV datasets.

One file per dataset and form year, `F_SCH_H_2023_latest.csv` and so on, each with exactly the
header of the DOL's layout for that form year (`importers/dol_layouts`; a form year without a
layout of its own is written in the latest earlier one), every column in position order, the
columns a filing leaves blank empty. Like the DOL's files: comma separated, text in double
quotes (the header too), numbers bare; dates `YYYY-MM-DD`; Part IV answers "1" yes, "2" no;
check boxes "1" checked, "0" not. Filings are written as they are generated, so a million
plan-years never sit in memory; `manifest.jsonl` beside them holds what was planted.

    python -m bench.form5500_files --plan-years 100000 --seed 1 --out DIR [--zip]
"""

from __future__ import annotations

import argparse
import json
import time
import zipfile
from collections.abc import Iterable
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from bench.form5500_synth import Filing5500, Plan, plan_years
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


@cache
def layout_year(form_year: int) -> int:
    known = [y for y in LAYOUT_YEARS if y <= form_year]
    if not known:
        raise ValueError(f"no Form 5500 dataset layout for form year {form_year} (the earliest is {LAYOUT_YEARS[0]})")
    return known[-1]


@cache
def columns(form_year: int, dataset: str) -> tuple[tuple[str, bool], ...]:
    """The dataset's columns in position order, each with whether it holds text."""
    text = resources.files("importers").joinpath(f"dol_layouts/{layout_year(form_year)}.json").read_text()
    spec = sorted(json.loads(text)["datasets"][dataset], key=lambda c: c["p"])
    return tuple((c["n"], c["t"] == "TEXT") for c in spec)


def file_name(dataset: str, form_year: int) -> str:
    return f"{dataset}_{form_year}_latest.csv"


def quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def header(form_year: int, dataset: str) -> str:
    return ",".join(quoted(name) for name, _ in columns(form_year, dataset)) + "\n"


@cache
def _positions(form_year: int, dataset: str) -> dict[str, tuple[int, bool]]:
    return {name: (i, text) for i, (name, text) in enumerate(columns(form_year, dataset))}


def line(form_year: int, dataset: str, row: dict[str, str]) -> str:
    """A row as the DOL writes it: columns of the layout in order, text quoted, blanks empty.
    A key the layout lacks (a column added in a later form year) is left out."""
    positions = _positions(form_year, dataset)
    cells = [""] * len(positions)
    for name, value in row.items():
        at = positions.get(name)
        if at is not None and value:
            i, text = at
            cells[i] = '"' + value.replace('"', '""') + '"' if text else value
    return ",".join(cells) + "\n"


# -- A filing's rows ----------------------------------------------------------------------------


def signed_at(day: date, seconds: int) -> str:
    return f"{day.isoformat()}T{seconds // 3600 % 24:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}-0500"


_COLUMNS = {schedule: {m: line.column for m, line in lines.items()} for schedule, lines in BY_MEASURE.items()}


def amounts_row(filing: Filing5500) -> dict[str, str]:
    unit, schedule = filing.plan.unit, filing.schedule
    fmt = str if unit == 1 else (lambda v: str(filing.money(v)))
    columns_of = _COLUMNS[schedule]
    row = {columns_of[m]: fmt(v) for m, v in filing.amounts.items() if m in columns_of}
    answers = filing.answers
    for column, measure in ANSWERS[schedule].items():
        if measure in answers:
            row[column] = YES if answers[measure] else NO
    if answers.get("fidelity_bond"):
        assets = filing.amounts.get("total_assets_eoy", 0)
        row[BOND[schedule]] = fmt(min(max(assets // 10 // (1000 * unit) * 1000 * unit, 1000 * unit), 500_000 * unit))
    for column in NOT_ASKED[schedule]:
        row[column] = NO
    return row


@lru_cache(maxsize=4096)
def plan_part(plan: Plan, prefix: str) -> dict[str, str]:
    """What every filing of the plan prints the same, on the Form 5500 (`prefix` "") or the 5500-SF ("SF_")."""
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
        row.update({"FUNDING_TRUST_IND": "1", "BENEFIT_TRUST_IND": "1", "SCH_H_ATTACHED_IND": "1" if plan.schedule == "H" else "0",
                    "SCH_I_ATTACHED_IND": "1" if plan.schedule == "I" else "0", "SCH_A_ATTACHED_IND": "0",
                    "SCH_C_ATTACHED_IND": "1" if plan.schedule == "H" else "0", "SCH_D_ATTACHED_IND": "0", "SCH_R_ATTACHED_IND": "0",
                    "SCH_MB_ATTACHED_IND": "0", "SCH_SB_ATTACHED_IND": "0", "COLLECTIVE_BARGAIN_IND": "0"})
    else:
        row.update({"SF_ELIGIBLE_ASSETS_IND": "1", "SF_IQPA_WAIVER_IND": "1", "SF_401K_PLAN_IND": "1"})
    return row


def identification(filing: Filing5500, prefix: str) -> dict[str, str]:
    """The plan, its sponsor, its year and the filing's own dates and counts (`prefix` "" or "SF_")."""
    begin_n, active = filing.participants
    signed = signed_at(filing.signed, 28_800 + filing.plan.index * 7919 % 32_400)
    f5500 = prefix == ""
    row = plan_part(filing.plan, prefix) | {
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


def late(filing: Filing5500) -> bool:
    """Filed after the seventh month: the filer asked for the extension (Form 5558)."""
    return (filing.received - filing.end).days > 212


def rows(filing: Filing5500) -> Iterable[tuple[str, dict[str, str]]]:
    """The filing's rows, by dataset."""
    plan = filing.plan
    if filing.schedule == "SF":
        yield "F_5500_SF", identification(filing, "SF_") | amounts_row(filing)
        return
    yield "F_5500", identification(filing, "")
    key = "SCH_H" if filing.schedule == "H" else "SCH_I"
    schedule = {"ACK_ID": filing.ack_id, f"{key}_PLAN_YEAR_BEGIN_DATE": filing.begin.isoformat(), f"{key}_TAX_PRD": filing.end.isoformat(),
                "SCH_H_PN" if key == "SCH_H" else "SCH_I_PLAN_NUM": plan.pn, f"{key}_EIN": plan.ein}
    schedule |= amounts_row(filing)
    if filing.schedule == "H":
        firm, firm_ein = plan.accountant
        schedule |= {"ACCTNT_OPINION_TYPE_CD": filing.opinion, "ACCOUNTANT_FIRM_NAME": firm, "ACCOUNTANT_FIRM_EIN": firm_ein,
                     "ACCT_PERFORMED_LTD_AUDIT_IND": "1" if filing.limited_scope else "0",
                     "ACCT_PERF_LTD_AUDIT_103_8_IND": "1" if filing.limited_scope else "0",
                     "ACCT_PERF_NOT_LTD_AUDIT_IND": "0" if filing.limited_scope else "1",
                     "ACCT_OPIN_NOT_ON_FILE_IND": "0", "AST_HELD_INVST_IND": YES}
        yield "F_SCH_H", schedule
    else:
        yield "F_SCH_I", schedule | {"SM_WAIV_ANNUAL_IQPA_REPORT_IND": YES}
    fmt = str if plan.unit == 1 else (lambda v: str(filing.money(v)))
    for order, (party, relation, terms, cost, value) in enumerate(filing.nonexempt, 1):
        yield "F_SCH_G_PART3", {"ACK_ID": filing.ack_id, "ROW_ORDER": str(order), "NON_EXEMPT_PARTY_NAME": party,
                                "NON_EXEMPT_RELATION_TEXT": relation, "NON_EXEMPT_TERMS_TEXT": terms,
                                "NON_EXEMPT_COST_AST_AMT": fmt(cost), "NON_EXEMPT_CURR_VALUE_AST_AMT": fmt(value)}


# -- Files --------------------------------------------------------------------------------------


class DatasetWriter:
    """Writes filings as they come into the files of their form year, opened on first use, and
    every manifest entry into `manifest.jsonl`. Use as a context manager."""

    def __init__(self, folder: Path, form_years: Iterable[int] = ()):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.files: dict[tuple[int, str], object] = {}
        self.counts: dict[str, int] = {}
        self.manifest = (self.folder / "manifest.jsonl").open("w", encoding="utf-8")
        for form_year in form_years:
            for dataset in DATASETS:
                self._file(form_year, dataset)

    def _file(self, form_year: int, dataset: str):
        handle = self.files.get((form_year, dataset))
        if handle is None:
            handle = (self.folder / file_name(dataset, form_year)).open("w", encoding="utf-8", newline="")
            handle.write(header(form_year, dataset))
            self.files[(form_year, dataset)] = handle
        return handle

    def write(self, filing: Filing5500) -> None:
        year = filing.form_year
        for dataset, row in rows(filing):
            self._file(year, dataset).write(line(year, dataset, row))
            self.counts[dataset] = self.counts.get(dataset, 0) + 1
        for entry in filing.manifest:
            self.manifest.write(json.dumps(entry) + "\n")

    def paths(self) -> list[Path]:
        return sorted(Path(h.name) for h in self.files.values())

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()
        self.manifest.close()

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_datasets(folder: Path, form_year: int, filings: Iterable[Filing5500]) -> list[Path]:
    """One form year's five datasets (a header alone where no filing has a row) and the manifest."""
    with DatasetWriter(folder, [form_year]) as writer:
        for filing in filings:
            if filing.form_year != form_year:
                raise ValueError(f"filing {filing.ack_id} is of form year {filing.form_year}, not {form_year}")
            writer.write(filing)
    return writer.paths()


def write_all(folder: Path, filings: Iterable[Filing5500]) -> DatasetWriter:
    """Every filing into the datasets of its form year; the writer, closed, tells what was written."""
    with DatasetWriter(folder) as writer:
        for filing in filings:
            writer.write(filing)
    return writer


def zipped(paths: Iterable[Path], target: Path) -> Path:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, path.name)
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan-years", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--error-rate", type=float, default=0.01)
    parser.add_argument("--amended-rate", type=float, default=0.03)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--zip", action="store_true", help="also write the datasets as one .zip")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    writer = write_all(args.out, plan_years(args.plan_years, args.seed, error_rate=args.error_rate, amended_rate=args.amended_rate))
    seconds = time.perf_counter() - started
    rows_written = sum(writer.counts.values())
    print(f"{args.plan_years} plan-years: {rows_written} rows in {seconds:.1f} s ({rows_written / seconds:,.0f} rows/s)")
    for dataset in DATASETS:
        size = sum(p.stat().st_size for p in writer.paths() if p.name.startswith(dataset + "_2"))
        print(f"  {dataset:<15} {writer.counts.get(dataset, 0):>10} rows {size / 1e6:>10.1f} MB")
    if args.zip:
        archive = zipped(writer.paths(), args.out / "form5500.zip")
        print(f"  zip {archive.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
