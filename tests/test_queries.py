"""`planledger query` and every file in queries/: read-only, exact decimals, asserted results."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.cli import planledger, planledger_json
from tests.samples import FY2001, FY2002, PLAN, transcribed_samples_home

QUERIES = Path(__file__).parent.parent / "queries"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return transcribed_samples_home(tmp_path_factory.mktemp("samples"))


def query(home, name: str) -> list[dict]:
    return planledger_json(home, "query", "--file", str(QUERIES / name))


def test_every_query_file_says_what_it_answers_and_is_tested():
    files = sorted(p.name for p in QUERIES.glob("*.sql"))
    assert files == sorted(ASSERTED)
    for name in files:
        first = (QUERIES / name).read_text().splitlines()[0]
        assert first.startswith("-- ") and len(first) > 20, name


def roll_forward(rows):
    assert [(r["year_end"], r["opening"], r["replayed"], r["reported"], r["difference"]) for r in rows] == [
        ("2000-12-31", "6268220.00", "5837693.00", "5837693.00", "0.00"),
        ("2001-12-31", "5837693.00", "4022421.00", "4022421.00", "0.00"),
        ("2002-12-31", "4022421.00", "3107464.00", "3107464.00", "0.00"),
    ]
    assert rows[0]["plan"] == PLAN.name and rows[0]["contributions"] == "2142646.00"


def holdings_by_fund(rows):
    money_market = [r for r in rows if r["investment"] == "spartan-u-s-treasury-money-market-fund"]
    assert [(r["year_end"], r["value"], r["schedule_h_value"]) for r in money_market] == [
        ("1999-12-31", "937901.00", None),
        ("2000-12-31", "600055.00", "600055.00"),
        ("2001-12-31", "852540.00", "852540.00"),
        ("2002-12-31", "732307.00", "732597.00"),
    ]
    freedom = {r["year_end"]: r["value"] for r in rows if r["fund"].startswith("Fidelity Freedom 2010")}
    assert freedom == {"1999-12-31": "9520.00", "2000-12-31": "56982.00", "2001-12-31": "49439.00", "2002-12-31": "80088.00"}
    assert len({r["investment"] for r in rows}) == 21


def contribution_benefit_trends(rows):
    assert [(r["year_end"], r["contributions"], r["benefits_paid"], r["contributions_change"]) for r in rows] == [
        ("2000-12-31", "2142646.00", "2421091.00", None),
        ("2001-12-31", "892081.00", "2280520.00", "-1250565.00"),
        ("2002-12-31", "487809.00", "932199.00", "-404272.00"),
    ]


def findings(rows):
    assert [(r["as_of"], r["check"], r["difference"]) for r in rows] == [
        ("2001-12-31", "continuity", "2700.0000"),
        ("2001-12-31", "footing", "-2700.0000"),
        ("2001-12-31", "loan_rates", "-0.7500"),
        ("2002-12-31", "footing", "290.0000"),
        ("2002-12-31", "schedule_h", "290.0000"),
        ("2002-12-31", "schedule_h_shares", "-252.0000"),
    ]
    assert {(r["reading"], r["reading_reason"]) for r in rows} == {("firm", "")}


def restatements(rows):
    assert rows == [{
        "plan": PLAN.name, "column_date": "2001-12-31", "item": "cash",
        "first_filing": FY2001, "first_line": 189, "first_amount": "1470.00",
        "later_filing": FY2002, "later_line": 190, "later_amount": "4170.00", "difference": "2700.00",
    }]


def readings(rows):
    # transcribed by hand, not read by the importer: no column has a reading (see test_audit_modern)
    assert rows == []


def no_form_5500(rows):
    # the samples are 11-Ks only: tests/test_form5500_audit.py runs these on Form 5500 filings
    assert rows == []


ASSERTED = {
    "roll_forward.sql": roll_forward,
    "holdings_by_fund.sql": holdings_by_fund,
    "contribution_benefit_trends.sql": contribution_benefit_trends,
    "findings.sql": findings,
    "restatements.sql": restatements,
    "readings.sql": readings,
    "form5500.sql": no_form_5500,
    "form5500_vs_11k.sql": no_form_5500,
}


@pytest.mark.parametrize("name", sorted(ASSERTED))
def test_query_file(home, name):
    ASSERTED[name](query(home, name))


def test_query_formats_keep_decimals_exact(home):
    sql = "SELECT year_end, reported_last FROM net_assets ORDER BY year_end"
    assert planledger_json(home, "query", sql)[0] == {"year_end": "1999-12-31", "reported_last": "6268220.00"}
    result = planledger(home, "query", sql, "--format", "csv")
    assert list(csv.reader(io.StringIO(result.stdout)))[:2] == [["year_end", "reported_last"], ["1999-12-31", "6268220.00"]]
    assert "6,268,220" in planledger(home, "query", sql).stdout  # the table prints as filings do
    assert "6268220.00" in planledger(home, "query", sql, "--raw").stdout


@pytest.mark.parametrize("sql", [
    "DELETE FROM events",
    "INSERT INTO findings SELECT * FROM findings",
    "DROP VIEW net_assets",
    "ATTACH 'events.sqlite3' AS store",
    "SET enable_external_access = true",
    "COPY events TO 'out.csv'",
])
def test_query_cannot_change_the_projections_or_reach_the_store(home, sql):
    before = planledger_json(home, "query", "SELECT count(*) AS n FROM events")
    result = planledger(home, "query", sql)
    assert result.returncode == 2 and "error" in result.stderr
    assert planledger_json(home, "query", "SELECT count(*) AS n FROM events") == before == [{"n": 258}]


def test_query_needs_projections_and_one_source_of_sql(tmp_path):
    result = planledger(tmp_path, "query", "SELECT 1")
    assert result.returncode == 2 and "planledger import" in result.stderr
    assert planledger(tmp_path, "query").returncode == 2


def test_json_output_is_valid_for_nested_values(home):
    rows = planledger_json(home, "query", "SELECT filings, sources FROM findings WHERE subject = 'cash'")
    assert rows[0]["filings"] == [FY2001, FY2002]
    assert json.loads(rows[0]["sources"])[0]["line"] == 189
