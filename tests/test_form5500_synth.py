"""The synthetic Form 5500 datasets: the DOL's layouts exactly, the form's arithmetic everywhere
except where the manifest says an error was planted, amended filings as later knowledge, the
same files from the same seed, and Form 5500s for 11-K plans that agree, disagree or reconcile."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from bench.form5500_11k import form5500_for_11ks, statements
from bench.form5500_files import generate, write_all, write_datasets
from bench.form5500_rows import DATASETS, columns
from bench.form5500_synth import plan_years
from bench.layouts import Layout, render
from bench.synth import rich_filings
from ledger.form5500 import BY_COLUMN, ROLL, TOTALS

LAYOUTS = Path(__file__).parent.parent / "importers" / "dol_layouts"
SCHEDULE_OF = {"F_SCH_H": "H", "F_SCH_I": "I", "F_5500_SF": "SF"}


def layout_header(year: int, dataset: str) -> list[str]:
    spec = json.loads((LAYOUTS / f"{year}.json").read_text())["datasets"][dataset]
    return [c["n"] for c in sorted(spec, key=lambda c: c["p"])]


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def figures(schedule: str, row: dict[str, str]) -> dict[str, Decimal]:
    return {line.measure: Decimal(row[column]) for column, line in BY_COLUMN[schedule].items() if row.get(column)}


def failed_checks(schedule: str, amounts: dict[str, Decimal]) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """The form's checks, applied independently of the generator (a blank figure is 0): each
    failing check with what the other figures give and what was filed."""

    def total(items):
        return sum((-amounts.get(m[1:], 0) if m.startswith("-") else amounts.get(m, 0) for m in items), Decimal(0))

    found = {("foot", t.measure): (total(t.items), amounts.get(t.measure, Decimal(0))) for t in TOTALS[schedule]
             if (t.measure in amounts or any(m.lstrip("-") in amounts for m in t.items)) and total(t.items) != amounts.get(t.measure, 0)}
    if total(ROLL[schedule]) != amounts.get("net_assets_eoy", 0):
        found["roll", "net_assets_eoy"] = (total(ROLL[schedule]), amounts.get("net_assets_eoy", Decimal(0)))
    return found


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("f5500")
    write_all(folder, plan_years(3000, 7, years=(2023, 2025), error_rate=0.05, amended_rate=0.05))
    manifest = [json.loads(line) for line in (folder / "manifest.jsonl").read_text().splitlines()]
    return folder, manifest


def schedule_rows(folder: Path) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """Each filing's schedule row with its Form 5500 row (the 5500-SF is both)."""
    out = []
    for year in (2023, 2024, 2025):
        forms = {r["ACK_ID"]: r for r in read(folder / f"F_5500_{year}_latest.csv")}
        for dataset in ("F_SCH_H", "F_SCH_I"):
            for row in read(folder / f"{dataset}_{year}_latest.csv"):
                out.append((SCHEDULE_OF[dataset], row, forms[row["ACK_ID"]]))
        out += [("SF", row, row) for row in read(folder / f"F_5500_SF_{year}_latest.csv")]
    return out


@pytest.mark.parametrize("year", [2009, 2023, 2025])
def test_every_dataset_has_exactly_the_header_of_its_form_years_layout(tmp_path, year):
    filings = [f for f in plan_years(400, 2, years=(year, year), error_rate=0.1) if f.form_year == year]
    paths = write_datasets(tmp_path, year, filings)
    assert sorted(p.name for p in paths) == sorted(f"{d}_{year}_latest.csv" for d in DATASETS)
    for dataset in DATASETS:
        with (tmp_path / f"{dataset}_{year}_latest.csv").open(newline="") as f:
            lines = list(csv.reader(f))
        assert lines[0] == layout_header(year, dataset)
        assert [n for n, _ in columns(year, dataset)] == layout_header(year, dataset)
        assert {len(r) for r in lines[1:]} <= {len(lines[0])}
    first = (tmp_path / f"F_SCH_H_{year}_latest.csv").read_text().splitlines()[1]
    assert first.startswith('"') and ',"' in first and ",," in first  # text quoted, blanks empty


def test_filings_foot_and_roll_forward_except_the_planted_errors_the_manifest_lists(written):
    folder, manifest = written
    planted = {(e["ack_id"], e["kind"], e["measure"]): (Decimal(e["expected"]), Decimal(e["actual"]))
               for e in manifest if e["kind"] in ("foot", "roll")}
    found = {}
    for schedule, row, _ in schedule_rows(folder):
        found |= {(row["ACK_ID"], *check): values for check, values in failed_checks(schedule, figures(schedule, row)).items()}
    assert planted and found == planted


def test_each_year_begins_where_the_last_ended_except_the_planted_breaks(written):
    folder, manifest = written
    latest: dict[tuple[str, str], dict[str, tuple[str, Decimal, Decimal, str]]] = defaultdict(dict)
    for schedule, row, form in schedule_rows(folder):
        plan = (form.get("SPONS_DFE_EIN") or form["SF_SPONS_EIN"], form.get("SPONS_DFE_PN") or form["SF_PLAN_NUM"])
        end = form.get("FORM_TAX_PRD") or form["SF_TAX_PRD"]
        amounts = figures(schedule, row)
        known = latest[plan].get(end)
        if known is None or form["DATE_RECEIVED"] > known[0]:
            latest[plan][end] = (form["DATE_RECEIVED"], amounts["net_assets_boy"], amounts["net_assets_eoy"], row["ACK_ID"])
    breaks = set()
    for years in latest.values():
        ends = sorted(years)
        for before, after in zip(ends, ends[1:]):
            if years[after][1] != years[before][2]:
                breaks.add(years[after][3])
    planted = {e["ack_id"] for e in manifest if e["kind"] == "continuity"}
    assert planted and breaks == planted


def test_amended_filings_are_new_acknowledgements_received_later(written):
    folder, manifest = written
    received = {}
    amended = set()
    for _, _, form in schedule_rows(folder):
        received[form["ACK_ID"]] = form["DATE_RECEIVED"]
        if (form.get("AMENDED_IND") or form.get("SF_AMENDED_IND")) == "1":
            amended.add(form["ACK_ID"])
    entries = [e for e in manifest if e["kind"] == "amended"]
    assert entries and {e["ack_id"] for e in entries} == amended
    for e in entries:
        assert e["ack_id"] != e["amends"] and received[e["ack_id"]] > received[e["amends"]]
        assert e["changes"]
    assert any(e["fixes"] for e in entries) and any(not e["fixes"] for e in entries)


def test_the_same_seed_writes_the_same_files(tmp_path):
    def files(folder, seed):
        write_all(folder, plan_years(300, seed, years=(2023, 2025), error_rate=0.05))
        return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}

    assert files(tmp_path / "a", 5) == files(tmp_path / "b", 5) != files(tmp_path / "c", 6)


def test_parallel_workers_write_the_same_files_as_one(tmp_path):
    for workers in (1, 2):
        generate(tmp_path / str(workers), 500, 3, workers=workers, block=5, years=(2023, 2025), error_rate=0.05)
    one, two = sorted((tmp_path / "1").iterdir()), sorted((tmp_path / "2").iterdir())
    assert [p.name for p in one] == [p.name for p in two] and all(a.read_bytes() == b.read_bytes() for a, b in zip(one, two))


def test_plans_share_generic_names_under_different_eins(written):
    folder, _ = written
    eins = defaultdict(set)
    for _, _, form in schedule_rows(folder):
        eins[form.get("PLAN_NAME") or form["SF_PLAN_NAME"]].add(form.get("SPONS_DFE_EIN") or form["SF_SPONS_EIN"])
    assert len(eins["401(k) Plan"]) > 5 and len(eins["Retirement Savings Plan"]) > 5


def test_form_5500s_of_11k_plans_agree_disagree_or_reconcile(tmp_path):
    pairs = list(form5500_for_11ks(rich_filings(40, 4, seed=3, discrepancy_rate=0.2), seed=1, share=0.9))
    made = [(filing, f) for filing, f in pairs if f is not None]
    modes = {f.manifest[0]["mode"] for _, f in made}
    assert modes == {"agree", "explained", "disagree"}
    last_end = {}
    for filing, f in made:
        assert failed_checks("H", {m: Decimal(v) for m, v in f.amounts.items()}) == {}
        plan = (f.plan.ein, f.plan.pn)
        assert last_end.get(plan, f.amounts["net_assets_boy"]) == f.amounts["net_assets_boy"]
        last_end[plan] = f.amounts["net_assets_eoy"]
        entry, s = f.manifest[0], statements(filing)
        ref = filing.batch.plans[0].plan
        assert (entry["ein_printed"], entry["ein"], entry["pn"]) == (ref.ein, ref.ein.replace("-", ""), ref.plan_number)
        unexplained = {"net_assets": f.amounts["net_assets_eoy"] - s.net_assets[s.end],
                       "benefits": f.amounts["benefits_paid"] - s.flows["benefits"],
                       "contributions": f.amounts["total_contributions"] - sum(s.flows.get(k, 0) for k in ("participant", "employer", "rollover")),
                       "participant_loans": f.amounts.get("participant_loans_eoy", 0) - s.lines[s.end].get("participant_loans", 0)}
        for note in entry["reconciliations"]:
            assert Decimal(note["per_form_5500"]) == Decimal(note["per_statements"]) + sum(Decimal(a) for _, a in note["items"])
            if note["measure"] in unexplained and note["as_of"] in (None, s.end.isoformat()):
                unexplained[note["measure"]] -= Decimal(note["per_form_5500"]) - Decimal(note["per_statements"])
        wrong = entry["disagreement"]
        for measure, difference in unexplained.items():
            assert difference == (Decimal(wrong["delta"]) if wrong and wrong["measure"] == measure else 0)
    assert all(f.form_year >= 2009 for _, f in made)
    filing, f = next((filing, f) for filing, f in made if f.manifest[0]["mode"] == "agree")
    text = render(filing, Layout())
    assert f"EIN: {f.manifest[0]['ein_printed']}" in text and f"Plan Number: {f.plan.pn}" in text
    paths = write_datasets(tmp_path, f.form_year, [g for _, g in made if g.form_year == f.form_year])
    rows = read(next(p for p in paths if p.name.startswith("F_SCH_H_")))
    assert f.ack_id in {r["ACK_ID"] for r in rows}
