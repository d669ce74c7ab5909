"""`planledger export` and `query --out`: every public table written by DuckDB itself, read back
exactly with DuckDB and pyarrow (decimals, dates, UUIDs), and a manifest that vouches for each file."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date
from decimal import Decimal

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ledger.exporting import PUBLIC_TABLES
from tests.cli import imported_home, planledger, planledger_json
from tests.conftest import SEEDS

NET_ASSETS_2000 = "SELECT reported_last FROM net_assets WHERE year_end = DATE '2000-12-31'"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return imported_home(tmp_path_factory.mktemp("ledger"), SEEDS)


@pytest.fixture(scope="module")
def plan_id(home):
    (plan,) = planledger_json(home, "plans")
    return plan["plan_id"]


def export(home, target, *options) -> dict:
    result = planledger(home, "export", str(target), *options)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads((target / "manifest.json").read_text())


def error_of(result) -> str:
    """The one error a refusal prints (Rich folds it at the terminal's width: unfolded here)."""
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("error:") == 1
    return " ".join(result.stderr.split())


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def parquet(home, tmp_path_factory):
    target = tmp_path_factory.mktemp("export") / "parquet"
    return target, export(home, target)


def test_parquet_export_lists_every_public_table_with_rows_and_digests(parquet, home):
    target, manifest = parquet
    assert manifest["format"] == "parquet" and manifest["planledger_version"] == "0.1.0"
    assert manifest["position"]["events"] > 0 and manifest["plans"] is None
    assert [f["table"] for f in manifest["files"]] == list(PUBLIC_TABLES)
    assert sorted(p.name for p in target.iterdir()) == sorted([f"{t}.parquet" for t in PUBLIC_TABLES] + ["manifest.json"])
    counts = {r["t"]: r["n"] for r in planledger_json(
        home, "query", " UNION ALL ".join(f"SELECT '{t}' AS t, count(*) AS n FROM {t}" for t in PUBLIC_TABLES))}
    reader = duckdb.connect()
    for f in manifest["files"]:
        path = target / f["file"]
        assert f["sha256"] == sha256(path)
        assert f["rows"] == counts[f["table"]]
        assert f["rows"] > 0 or f["table"].startswith(("form5500", "explained")), f["table"]  # the samples are 11-Ks only
        assert reader.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0] == f["rows"]
        described = reader.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
        assert [{"name": n, "type": t} for n, t, *_ in described] == f["columns"]
        assert "BLOB" not in {c["type"] for c in f["columns"]} and "UUID" not in {c["type"] for c in f["columns"]}


def test_parquet_keeps_decimals_dates_and_uuids_exact_in_duckdb(parquet, plan_id):
    target, manifest = parquet
    reader = duckdb.connect()
    row = reader.execute(
        f"SELECT plan_id, year_end, reported_last, opening, typeof(reported_last), typeof(year_end) "
        f"FROM read_parquet('{target / 'net_assets.parquet'}') WHERE year_end = DATE '2000-12-31'"
    ).fetchone()
    assert row == (plan_id, date(2000, 12, 31), Decimal("5837693.00"), Decimal("6268220.00"), "DECIMAL(18,2)", "DATE")
    findings = reader.execute(f"SELECT difference, typeof(difference) FROM read_parquet('{target / 'findings.parquet'}') "
                              "WHERE \"check\" = 'continuity'").fetchall()
    assert findings == [(Decimal("2700.0000"), "DECIMAL(18,4)")]
    columns = {f["table"]: {c["name"]: c["type"] for c in f["columns"]} for f in manifest["files"]}
    assert columns["events"]["amount"] == "DECIMAL(18,2)" and columns["events"]["as_of"] == "DATE"
    assert columns["events"]["plan_id"] == columns["events"]["filing_id"] == "VARCHAR"


def test_parquet_keeps_decimals_dates_and_uuids_exact_in_pyarrow(parquet, plan_id):
    target, _ = parquet
    table = pq.read_table(target / "net_assets.parquet")
    assert table.schema.field("reported_last").type == pa.decimal128(18, 2)
    assert table.schema.field("year_end").type == pa.date32()
    assert table.schema.field("plan_id").type == pa.string()
    rows = {r["year_end"]: r for r in table.to_pylist()}
    assert rows[date(2000, 12, 31)]["reported_last"] == Decimal("5837693.00")
    assert rows[date(2002, 12, 31)]["reported_last"] == Decimal("3107464.00")
    assert {r["plan_id"] for r in rows.values()} == {plan_id}
    events = pq.read_table(target / "events.parquet")
    assert events.schema.field("filing_id").type == pa.string()
    assert len(set(events.column("filing_id").to_pylist())) == 3


def test_csv_export_with_plan_filter(home, plan_id, tmp_path):
    manifest = export(home, tmp_path / "csv", "--format", "csv", "--plan", "87-0295503-002")
    assert manifest["format"] == "csv" and manifest["plans"] == [plan_id]
    reader = duckdb.connect()
    for f in manifest["files"]:
        path = tmp_path / "csv" / f["file"]
        assert f["file"].endswith(".csv") and f["sha256"] == sha256(path)
        assert reader.execute(f"SELECT count(*) FROM read_csv('{path}', header=true)").fetchone()[0] == f["rows"]
    with open(tmp_path / "csv" / "net_assets.csv", newline="") as f:
        rows = {r["year_end"]: r for r in csv.DictReader(f)}
    assert rows["2000-12-31"]["reported_last"] == "5837693.00" and rows["2000-12-31"]["plan_id"] == plan_id


def test_export_of_an_unknown_plan_is_refused(home, tmp_path):
    result = planledger(home, "export", str(tmp_path / "none"), "--plan", "no such plan")
    assert "no plan matches" in error_of(result)
    assert not (tmp_path / "none").exists()


def test_export_refuses_a_folder_that_is_not_empty(home, tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = planledger(home, "export", str(tmp_path))
    assert "exists and is not empty" in error_of(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".json"])
def test_query_out_writes_the_result_through_duckdb(home, plan_id, tmp_path, suffix):
    out = tmp_path / f"result{suffix}"
    sql = "SELECT plan_id, year_end, reported_last FROM net_assets ORDER BY year_end -- a trailing comment"
    result = planledger(home, "query", sql, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and "wrote 4 rows" in result.stderr
    if suffix == ".parquet":
        rows = duckdb.connect().execute(f"SELECT * FROM read_parquet('{out}')").fetchall()
        assert rows[1] == (plan_id, date(2000, 12, 31), Decimal("5837693.00"))
        assert pq.read_table(out).schema.field("reported_last").type == pa.decimal128(18, 2)
    elif suffix == ".csv":
        rows = list(csv.reader(out.open(newline="")))
        assert rows[0] == ["plan_id", "year_end", "reported_last"]
        assert rows[2] == [plan_id, "2000-12-31", "5837693.00"]
    else:
        rows = json.loads(out.read_text(), parse_float=Decimal)
        assert rows[1] == {"plan_id": plan_id, "year_end": "2000-12-31", "reported_last": Decimal("5837693.00")}


@pytest.mark.parametrize(("sql", "out", "message"), [
    (NET_ASSETS_2000, "result.txt", "unknown extension"),
    (NET_ASSETS_2000, "result", "unknown extension"),
    ("COPY events TO 'elsewhere.csv'", "result.csv", "COPY statements are not allowed"),
    ("DELETE FROM events", "result.csv", "DELETE statements are not allowed"),
    (f"{NET_ASSETS_2000}; SELECT 1", "result.csv", "one query"),
    ("SELECT * FROM read_text('/etc/hostname')", "result.csv", "refused"),
    (NET_ASSETS_2000, "missing/result.csv", "no such folder"),
])
def test_query_out_refuses_what_query_refuses_and_unknown_extensions(home, tmp_path, sql, out, message):
    result = planledger(home, "query", sql, "--out", str(tmp_path / out))
    assert message in error_of(result)
    assert [p.name for p in tmp_path.iterdir()] == []
