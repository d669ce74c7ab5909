"""`planledger explain`: how a filing is read, row by row, so an auditor can check the reading."""

from __future__ import annotations

from pathlib import Path

from tests.cli import planledger, planledger_json

F4 = Path(__file__).parent / "data" / "filings" / "f4_tessaly_2009_prior_first.txt"


def statement(explanation: dict, section: str) -> dict:
    (found,) = [s for s in explanation["statements"] if s["statement"] == section]
    return found


def test_every_total_shows_what_it_adds_up_and_that_it_foots(tmp_path):
    explanation = planledger_json(tmp_path, "explain", str(F4))
    assert explanation["status"] == "imported"
    net_assets = statement(explanation, "net_assets")
    rows = {r["line"]: r for r in net_assets["rows"]}
    assert rows[80]["caption"] == "Total investments" and rows[80]["role"] == "total"
    assert rows[80]["detail"] == "= lines 70-78 (8 rows): 4,264,199 / 5,153,543, foots"
    assert rows[104]["event"] == "NetAssetsReported"
    assert rows[104]["detail"] == "= lines 87-102 (2 rows): 4,315,858 / 5,223,929, foots"
    assert (rows[70]["role"], rows[70]["event"]) == ("item", "HoldingReported")
    assert rows[68]["role"] == "heading"
    assert net_assets["readings"] == ["2008: footed, 5 totals", "2009: footed, 5 totals"]
    changes = statement(explanation, "changes")
    assert {r["line"]: r["detail"] for r in changes["rows"]}[136] == "= lines 127-134 (2 rows): 908,071, foots"


def test_the_table_names_the_plan_and_each_reading(tmp_path):
    result = planledger(tmp_path, "explain", str(F4))
    assert result.returncode == 0, result.stderr
    assert "Tessaly Medical Systems, Inc. 401(k) Retirement Plan: net assets (line 62)" in result.stdout
    assert "2008: footed, 5 totals; 2009: footed, 5 totals" in result.stdout
    assert "Total investments" in result.stdout


def test_a_document_that_would_be_rejected_says_why_and_where(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(F4.read_text().replace("1,187,450", "1,18?,450"))
    explanation = planledger_json(tmp_path, "explain", str(bad))
    assert explanation["status"] == "rejected"
    assert explanation["line"] == 72 and "unreadable amount '1,18?,450'" in explanation["reason"]
    assert "statement of net assets" in explanation["reason"]


def test_an_html_filing_is_explained_with_its_table_and_row(tmp_path):
    filing = Path(__file__).parent / "data" / "html" / "h2_corvane_2015_css_colspan.htm"
    explanation = planledger_json(tmp_path, "explain", str(filing))
    assert explanation["status"] == "imported"
    net_assets = statement(explanation, "net_assets")
    assert all(reading.split(": ")[1].startswith("footed") for reading in net_assets["readings"])
    totals = [r for r in net_assets["rows"] if r["role"] == "total"]
    assert totals and all(r["detail"].endswith(", foots") for r in totals)
    assert all(r["where"].startswith("table ") and ", row " in r["where"] for r in net_assets["rows"])
