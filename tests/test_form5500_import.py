"""Form 5500 datasets imported as a user would: DOL CSV files (or a folder, or a zip of them)
through `planledger import`, each filing (ACK_ID) one batch, every figure traced to its file,
line and column."""

from __future__ import annotations

import csv
import json
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ledger import events as ev
from ledger.application import Ledger
from ledger.batch import FilingBatch, PlanBatch, PlanRef
from ledger.identity import filing_id
from tests.cli import planledger

LAYOUTS = Path(__file__).parents[1] / "importers" / "dol_layouts"


def columns(year: int, dataset: str) -> list[str]:
    return [c["n"] for c in json.loads((LAYOUTS / f"{year}.json").read_text())["datasets"][dataset]]


def write(folder: Path, dataset: str, year: int, rows: list[dict], *, drop: str = "", encoding: str = "utf-8", name: str = "") -> Path:
    """A dataset file in the DOL's layout of `year`: every column, the cells not given empty."""
    header = [c for c in columns(year, dataset) if c != drop]
    path = folder / (name or f"{dataset}_{year}.csv")
    with open(path, "w", newline="", encoding=encoding) as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows([row.get(c, "") for c in header] for row in rows)
    return path


def form(ack: str, *, ein: str = "123456789", pn: str = "1", name: str = "ACME 401(K) PLAN", year: int = 2023,
         received: str = "", amended: str = "", h: str = "1", i: str = "") -> dict:
    return {
        "ACK_ID": ack, "FORM_PLAN_YEAR_BEGIN_DATE": f"{year}-01-01", "FORM_TAX_PRD": f"{year}-12-31", "PLAN_NAME": name,
        "SPONSOR_DFE_NAME": "ACME INC", "SPONS_DFE_EIN": ein, "SPONS_DFE_PN": pn, "SPONS_SIGNED_DATE": f"{year + 1}-07-14",
        "DATE_RECEIVED": received or f"{year + 1}-07-15", "AMENDED_IND": amended, "SCH_H_ATTACHED_IND": h, "SCH_I_ATTACHED_IND": i,
    }


def schedule_h(ack: str, year: int = 2023, **amounts: str) -> dict:
    return {
        "ACK_ID": ack, "SCH_H_PLAN_YEAR_BEGIN_DATE": f"{year}-01-01", "SCH_H_TAX_PRD": f"{year}-12-31", "SCH_H_EIN": "123456789",
        "SCH_H_PN": "001", "NET_ASSETS_BOY_AMT": "1000000", "NET_ASSETS_EOY_AMT": "1250000.50", "NET_INCOME_AMT": "250000.50",
        "PARTICIPANT_CONTRIB_AMT": "", "ACCOUNTANT_FIRM_NAME": "BIG AUDIT LLP", "ACCOUNTANT_FIRM_EIN": "987654321",
        "ACCTNT_OPINION_TYPE_CD": "1", "FAIL_TRANSMIT_CONTRIB_IND": "Y", "FAIL_TRANSMIT_CONTRIB_AMT": "1234", "LOANS_IN_DEFAULT_IND": "2",
        **amounts,
    }


def large_plan(folder: Path) -> Path:
    """A 2023 filing with Schedule H and one Schedule G part III row."""
    folder.mkdir(exist_ok=True)
    write(folder, "F_5500", 2023, [form("20240715000001")])
    write(folder, "F_SCH_H", 2023, [schedule_h("20240715000001")])
    write(folder, "F_SCH_G_PART3", 2023, [{
        "ACK_ID": "20240715000001", "ROW_ORDER": "1", "NON_EXEMPT_PARTY_NAME": "ACME INC", "NON_EXEMPT_RELATION_TEXT": "Plan sponsor",
        "NON_EXEMPT_TERMS_TEXT": "Participant contributions remitted late", "NON_EXEMPT_PUR_PRICE_AMT": "1234",
    }])
    return folder


def imported(home: Path, *paths: Path, options: tuple[str, ...] = ("--each-filing",)) -> tuple[list[dict], object]:
    result = planledger(home, "import", *map(str, paths), *options, "--format", "json")
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout or "[]"), result


def stored(home: Path, kind: type) -> list:
    app = Ledger.open(home)
    try:
        return [e for _, e in app.stored((kind,))]
    finally:
        app.close()


def test_a_schedule_h_filing_is_one_batch_with_its_exact_figures_and_where_each_came_from(tmp_path):
    folder = large_plan(tmp_path / "dol")
    reports, result = imported(tmp_path / "home", folder)
    assert result.returncode == 0, result.stderr
    assert [(r["document"], r["status"], r["plans"], r["events"]) for r in reports] == [
        ("Form 5500 ACK_ID 20240715000001", "imported", ["ACME 401(K) PLAN"], 4)
    ]
    (identified,) = stored(tmp_path / "home", ev.PlanIdentified)
    assert (identified.ein, identified.plan_number, identified.sponsor) == ("12-3456789", "001", "ACME INC")
    (filed,) = stored(tmp_path / "home", ev.FilingReported)
    assert (filed.form, filed.as_of, filed.period_start, filed.known_at, filed.date_signed, filed.auditor) == (
        "5500", date(2023, 12, 31), date(2023, 1, 1), date(2024, 7, 15), date(2024, 7, 14), "BIG AUDIT LLP"
    )
    assert filed.document == str(folder / "F_5500_2023.csv")
    (h,) = stored(tmp_path / "home", ev.Form5500Reported)
    assert h.amounts == {
        "NET_ASSETS_BOY_AMT": Decimal("1000000"), "NET_ASSETS_EOY_AMT": Decimal("1250000.50"),
        "NET_INCOME_AMT": Decimal("250000.50"), "FAIL_TRANSMIT_CONTRIB_AMT": Decimal("1234"),
    }  # PARTICIPANT_CONTRIB_AMT is empty: not filed, so absent, not zero
    assert h.answers == {"FAIL_TRANSMIT_CONTRIB_IND": True, "LOANS_IN_DEFAULT_IND": False}
    assert (h.schedule, h.form_year, h.amended, h.opinion, h.accountant, h.accountant_ein) == ("H", 2023, False, "1", "BIG AUDIT LLP", "987654321")
    p = h.provenance
    assert (p.document, p.line, p.text, p.section, p.filing_id) == (str(folder / "F_SCH_H_2023.csv"), 2, "20240715000001", "schedule_h", filed.filing_id)
    (g,) = stored(tmp_path / "home", ev.NonexemptTransactionReported)
    assert (g.party, g.relationship, g.amount, g.provenance.section, g.provenance.column, g.provenance.line) == (
        "ACME INC", "Plan sponsor", Decimal("1234"), "schedule_g_iii", "NON_EXEMPT_PUR_PRICE_AMT", 2
    )


def test_importing_the_same_filings_again_adds_nothing(tmp_path):
    folder = large_plan(tmp_path / "dol")
    imported(tmp_path / "home", folder)
    reports, result = imported(tmp_path / "home", folder)
    assert result.returncode == 0
    assert [(r["status"], r["reason"]) for r in reports] == [("duplicate", "already in the ledger (not read again)")]
    assert len(stored(tmp_path / "home", ev.Form5500Reported)) == 1
    _, quiet = imported(tmp_path / "home", folder, options=())
    assert "0 imported, 1 duplicate" in quiet.stderr


def test_an_amended_filing_is_a_second_filing_of_the_same_plan_year_known_later(tmp_path):
    folder = tmp_path / "dol"
    folder.mkdir()
    write(folder, "F_5500", 2023, [form("A1"), form("A2", received="2025-02-01", amended="1")])
    write(folder, "F_SCH_H", 2023, [schedule_h("A1"), schedule_h("A2", NET_ASSETS_EOY_AMT="1250001")])
    reports, _ = imported(tmp_path / "home", folder)
    assert [r["status"] for r in reports] == ["imported", "imported"]
    figures = sorted(stored(tmp_path / "home", ev.Form5500Reported), key=lambda e: e.known_at)
    assert [(f.ack_id, f.amended, f.known_at, f.as_of, f.amounts["NET_ASSETS_EOY_AMT"]) for f in figures] == [
        ("A1", False, date(2024, 7, 15), date(2023, 12, 31), Decimal("1250000.50")),
        ("A2", True, date(2025, 2, 1), date(2023, 12, 31), Decimal("1250001")),
    ]
    assert len({f.originator_id for f in figures}) == 1  # one plan: EIN and plan number


def test_the_2009_layout_a_small_plan_and_a_5500_sf_read_from_a_zip(tmp_path):
    folder = tmp_path / "dol"
    folder.mkdir()
    write(folder, "F_5500", 2009, [form("S1", year=2009, h="", i="1", ein="11111111", pn="2")])  # eight digits: a leading zero
    write(folder, "F_SCH_I", 2009, [{"ACK_ID": "S1", "SCH_I_TAX_PRD": "12/31/2009", "SMALL_NET_ASSETS_BOY_AMT": "10",
                                     "SMALL_NET_ASSETS_EOY_AMT": "-5", "SMALL_FAIL_TRANSM_CONTRIB_IND": "N"}])
    write(folder, "F_5500_SF", 2009, [{"ACK_ID": "SF1", "SF_PLAN_YEAR_BEGIN_DATE": "2009-01-01", "SF_TAX_PRD": "2009-12-31",
                                       "SF_PLAN_NAME": "SMALL CO PLAN", "SF_SPONSOR_NAME": "SMALL CO", "SF_SPONS_EIN": "222222222",
                                       "SF_PLAN_NUM": "001", "SF_NET_ASSETS_BOY_AMT": "100", "SF_NET_ASSETS_EOY_AMT": "150",
                                       "SF_PARTCP_LOANS_EOY_AMT": "7", "SF_PARTCP_LOANS_IND": "yes", "DATE_RECEIVED": "2010-03-01"}])
    archive = tmp_path / "f5500_2009.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(folder.iterdir()):
            z.write(path, path.name)
    reports, result = imported(tmp_path / "home", archive)
    assert result.returncode == 0, result.stdout
    assert sorted(r["document"] for r in reports) == ["Form 5500 ACK_ID S1", "Form 5500 ACK_ID SF1"]
    by_ack = {e.ack_id: e for e in stored(tmp_path / "home", ev.Form5500Reported)}
    assert (by_ack["S1"].schedule, by_ack["S1"].form_year, by_ack["S1"].amounts) == (
        "I", 2009, {"SMALL_NET_ASSETS_BOY_AMT": Decimal("10"), "SMALL_NET_ASSETS_EOY_AMT": Decimal("-5")}
    )
    assert by_ack["S1"].provenance.document == f"{archive}!F_SCH_I_2009.csv"
    assert by_ack["SF1"].schedule == "SF" and by_ack["SF1"].answers == {"SF_PARTCP_LOANS_IND": True}
    assert by_ack["SF1"].amounts["SF_PARTCP_LOANS_EOY_AMT"] == Decimal("7")
    filed = {e.form: e for e in stored(tmp_path / "home", ev.FilingReported)}
    assert set(filed) == {"5500", "5500-SF"}
    eins = {(e.ein, e.plan_number) for e in stored(tmp_path / "home", ev.PlanIdentified)}
    assert eins == {("01-1111111", "002"), ("22-2222222", "001")}


def test_a_missing_column_refuses_the_import_by_name_and_writes_nothing(tmp_path):
    folder = large_plan(tmp_path / "dol")
    write(folder, "F_SCH_H", 2023, [schedule_h("20240715000001")], drop="NET_ASSETS_EOY_AMT")
    reports, result = imported(tmp_path / "home", folder)
    assert result.returncode == 1
    assert [(Path(r["document"]).name, r["status"], r["reason"]) for r in reports] == [
        ("F_SCH_H_2023.csv", "rejected", "missing column NET_ASSETS_EOY_AMT")
    ]
    assert stored(tmp_path / "home", ev.FilingReported) == []


def test_a_malformed_amount_rejects_its_filing_naming_file_line_and_column(tmp_path):
    folder = tmp_path / "dol"
    folder.mkdir()
    write(folder, "F_5500", 2023, [form("A1"), form("A2", ein="999999999")])
    write(folder, "F_SCH_H", 2023, [schedule_h("A1"), schedule_h("A2", TOT_ASSETS_EOY_AMT="1,250,000")])
    reports, result = imported(tmp_path / "home", folder, options=("--quiet",))
    assert result.returncode == 1
    assert [(r["document"], r["line"], r["status"], r["reason"]) for r in reports] == [
        (str(folder / "F_SCH_H_2023.csv"), 3, "rejected", "ACK_ID A2: column TOT_ASSETS_EOY_AMT: not an amount: '1,250,000'")
    ]
    assert [e.ack_id for e in stored(tmp_path / "home", ev.Form5500Reported)] == ["A1"]
    assert "1 imported, 0 duplicate, 0 skipped, 1 rejected" in result.stderr


def test_a_schedule_row_without_its_filing_is_reported_not_a_crash(tmp_path):
    folder = large_plan(tmp_path / "dol")
    write(folder, "F_SCH_H", 2023, [schedule_h("20240715000001"), schedule_h("NOFORM")])
    reports, result = imported(tmp_path / "home", folder, options=("--quiet",))
    assert result.returncode == 1
    assert [(Path(r["document"]).name, r["line"], r["reason"]) for r in reports] == [
        ("F_SCH_H_2023.csv", 3, "ACK_ID NOFORM: a F_SCH_H row whose filing is in no F_5500 or F_5500_SF file of this import")
    ]


def test_a_filing_whose_schedule_h_is_not_in_the_import_is_refused_so_it_can_be_imported_whole_later(tmp_path):
    folder = tmp_path / "dol"
    folder.mkdir()
    write(folder, "F_5500", 2023, [form("A1")])
    reports, result = imported(tmp_path / "home", folder, options=("--quiet",))
    assert result.returncode == 1
    assert "SCH_H_ATTACHED_IND" in reports[0]["reason"] and reports[0]["line"] == 2


def test_windows_1252_and_a_byte_order_mark_are_read_and_other_datasets_are_left_with_a_note(tmp_path):
    folder = tmp_path / "dol"
    folder.mkdir()
    write(folder, "F_5500", 2023, [form("A1", name="CAFÉ 401(K) PLAN", h="")], encoding="cp1252")
    write(folder, "F_5500_SF", 2023, [{"ACK_ID": "SF1", "SF_TAX_PRD": "2023-12-31", "SF_PLAN_YEAR_BEGIN_DATE": "2023-01-01",
                                       "SF_PLAN_NAME": "NAÏVE PLAN", "SF_SPONS_EIN": "333333333", "SF_PLAN_NUM": "1",
                                       "SF_NET_ASSETS_BOY_AMT": "1", "SF_NET_ASSETS_EOY_AMT": "2"}], encoding="utf-8-sig")
    write(folder, "F_SCH_A", 2023, [{"ACK_ID": "A1"}])
    reports, result = imported(tmp_path / "home", folder)
    assert result.returncode == 0, result.stdout
    assert {r["status"] for r in reports} == {"imported", "skipped"}
    assert {tuple(r["plans"]) for r in reports if r["status"] == "imported"} == {("CAFÉ 401(K) PLAN",), ("NAÏVE PLAN",)}
    (skipped,) = [r for r in reports if r["status"] == "skipped"]
    assert skipped["reason"] == "F_SCH_A: a dataset planledger does not import"


def _plan_filing(text: str, name: str, ein: str, pn: str = "001") -> FilingBatch:
    digest = f"{text:0>64}"
    fid = filing_id(digest)
    at = {"as_of": date(2023, 12, 31), "known_at": date(2024, 6, 1),
          "provenance": ev.Provenance(filing_id=fid, section="cover", line=1, text=name)}
    events = [ev.PlanIdentified(name=name, ein=ein, plan_number=pn if ein else "", **at),
              ev.FilingReported(filing_id=fid, form="11-K", document=text, digest=digest, **at)]
    return FilingBatch(document=text, digest=digest, filing_id=fid,
                       plans=[PlanBatch(plan=PlanRef(name=name, ein=ein, plan_number=pn if ein else ""), events=events)])


def _recorder(ledger, cold: bool):
    """`ledger.record`, from a ledger that remembers nothing between filings if `cold` (as each
    filing imported by a new process: plan heads then come from their last events alone)."""

    def record(batch):
        if cold:
            ledger._heads.clear()
            ledger._claims.clear()
        return ledger.record(batch)

    return record


@pytest.mark.parametrize("cold", [False, True])
def test_a_shared_plan_name_never_joins_plans_of_different_eins(ledger, cold):
    record = _recorder(ledger, cold)
    first = record(_plan_filing("1", "401(k) Plan", "11-1111111"))
    other_ein = record(_plan_filing("2", "401(K) PLAN", "22-2222222"))
    other_number = record(_plan_filing("3", "401 (k) Plan", "11-1111111", "002"))
    no_ein = record(_plan_filing("4", "401(k) plan", ""))
    same = record(_plan_filing("5", "Another name", "22-2222222"))
    assert len({first.plan_ids, other_ein.plan_ids, other_number.plan_ids}) == 3
    assert no_ein.plan_ids == first.plan_ids  # a filing with no EIN can only be placed by its name
    assert same.plan_ids == other_ein.plan_ids


@pytest.mark.parametrize("cold", [False, True])
def test_a_plan_first_known_by_name_alone_takes_one_ein_and_then_refuses_others(ledger, cold):
    record = _recorder(ledger, cold)
    nameless = record(_plan_filing("1", "Widget Savings Plan", ""))
    first_ein = record(_plan_filing("2", "Widget Savings Plan", "33-3333333"))
    second_ein = record(_plan_filing("3", "Widget Savings Plan", "44-4444444"))
    assert first_ein.plan_ids == nameless.plan_ids
    assert second_ein.plan_ids != nameless.plan_ids


def test_a_form_5500_and_an_11k_naming_the_same_ein_and_plan_number_are_one_plan(tmp_path):
    folder = large_plan(tmp_path / "dol")
    imported(tmp_path / "home", folder)
    app = Ledger.open(tmp_path / "home")
    try:
        eleven_k = app.record(_plan_filing("k", "Acme Corporation 401(k) Savings Plan", "12-3456789"))
        (identified,) = [e for _, e in app.stored((ev.PlanIdentified,)) if e.name == "ACME 401(K) PLAN"]
        assert eleven_k.plan_ids == (identified.originator_id,)
    finally:
        app.close()


def test_reading_in_a_second_process_stores_the_same_events_and_reports(tmp_path):
    from ledger.importing_datasets import import_datasets

    folder = large_plan(tmp_path / "dol")
    write(folder, "F_SCH_H", 2023, [schedule_h("20240715000001"), schedule_h("NOFORM")])
    outcomes = []
    for parallel in (False, True):
        app = Ledger.open(tmp_path / f"home-{parallel}")
        try:
            reports = [(r.document, r.status, r.line, r.reason) for r in import_datasets(app, [folder], parallel=parallel)]
            again = [r.status for r in import_datasets(app, [folder], parallel=parallel)]
            events = [e for _, e in app.stored((ev.PlanIdentified, ev.FilingReported, ev.Form5500Reported, ev.NonexemptTransactionReported))]
        finally:
            app.close()
        outcomes.append((reports, again, events))
    assert outcomes[0] == outcomes[1]
    assert [s for _, s, _, _ in outcomes[0][0]] == ["imported", "rejected"] and outcomes[0][1] == ["duplicate", "rejected"]


def test_a_file_of_no_known_layout_is_refused_by_name_and_a_dry_run_writes_nothing(tmp_path):
    folder = large_plan(tmp_path / "dol")
    (tmp_path / "F_ODD.csv").write_text("ACK_ID,SOMETHING,ELSE\nA1,1,2\n")
    reports, result = imported(tmp_path / "home", tmp_path / "F_ODD.csv", folder)
    assert result.returncode == 1
    assert [(Path(r["document"]).name, r["line"], r["reason"]) for r in reports] == [
        ("F_ODD.csv", 1, "not a Form 5500 dataset this reader knows (the header matches no DOL layout)")
    ]
    reports, result = imported(tmp_path / "home", folder, options=("--dry-run", "--each-filing"))
    assert result.returncode == 0 and [r["status"] for r in reports] == ["would import"]
    assert stored(tmp_path / "home", ev.FilingReported) == []


def test_a_row_is_cited_by_the_line_it_starts_on_also_after_a_cell_holding_a_newline(tmp_path):
    folder = tmp_path / "dol"
    folder.mkdir()
    write(folder, "F_5500", 2023, [form("A1", name="ACME\nSAVINGS PLAN", h=""), form("A2", ein="999999999", h="")])
    imported(tmp_path / "home", folder)
    lines = {e.provenance.text: e.provenance.line for e in stored(tmp_path / "home", ev.FilingReported)}
    assert lines == {"A1": 2, "A2": 4}


def test_an_unreadable_row_stops_its_file_there_and_the_filings_before_it_are_imported(tmp_path):
    folder = tmp_path / "dol"
    folder.mkdir()
    path = write(folder, "F_5500", 2023, [form(f"A{i}") for i in range(5)])
    write(folder, "F_SCH_H", 2023, [schedule_h(f"A{i}") for i in range(5)])
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4][:10] + b"x" * 200_000 + lines[4][10:]  # over the csv module's field limit
    path.write_bytes(b"\n".join(lines))
    reports, result = imported(tmp_path / "home", folder)
    assert [(r["status"], Path(r["document"]).name, r["line"]) for r in reports] == [
        ("imported", "Form 5500 ACK_ID A0", None),
        ("imported", "Form 5500 ACK_ID A1", None),
        ("imported", "Form 5500 ACK_ID A2", None),
        ("rejected", "F_5500_2023.csv", 5),
    ]
    assert reports[-1]["reason"] == "not a readable CSV row: field larger than field limit (131072)"
    assert "3 imported, 0 duplicate, 0 skipped, 1 rejected" in result.stderr
