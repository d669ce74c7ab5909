"""`planledger report`: one self-contained HTML page from the sample filings and the hand-typed
layouts, checked for its figures, its escaping and that nothing is fetched; then opened in
headless Chromium, which must render its charts and findings."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest

from ledger.report_html import render
from ledger.reporting import Balance, CitedLine, Holding, PlanReport, Report, ReportFinding
from projections.audit import Finding
from tests.cli import planledger
from tests.conftest import DATA, SEEDS

pytest.importorskip("importers.filing")

FY2001, FY2002 = "001_554202e7201048b9.txt", "002_70e8a79881a820c9.txt"
SOS = "SOS Staffing Services, Inc. 401 (k) Plan"
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("report")
    result = planledger(home, "import", str(SEEDS.resolve()), str((DATA / "filings").resolve()))
    assert result.returncode == 0, result.stderr
    out = home / "report.html"
    result = planledger(home, "report", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def findings_rows(page: str) -> list[str]:
    table = page.split('<table class="findings">', 1)[1].split("</table>", 1)[0]
    return table.split('<tr class="finding">')[1:]


def test_the_report_shows_the_six_sample_findings_with_their_figures(report):
    page = report.read_text()
    sos = page.split(f"<h2>{SOS}</h2>", 1)[1].split("<section", 1)[0]
    rows = findings_rows(sos)
    assert len(rows) == 6
    expected = [
        ("footing", "2001-12-31", "total_assets", "4,025,514", "4,022,814", "-2,700"),
        ("continuity", "2001-12-31", "cash", "1,470", "4,170", "2,700"),
        ("loan_rates", "2001-12-31", "participant_loan_rate", "9.25%", "8.5%", "-0.75%"),
        ("footing", "2002-12-31", "total_investments", "3,105,267", "3,105,557", "290"),
        ("schedule_h", "2002-12-31", "holding:spartan-u-s-treasury-money-market-fund", "732,307", "732,597", "290"),
        ("schedule_h_shares", "2002-12-31", "holding:spartan-u-s-treasury-money-market-fund", "732,849", "732,597", "-252"),
    ]
    for row, (check, as_of, subject, exp, act, diff) in zip(rows, expected, strict=True):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        assert cells[1:7] == [check, as_of, subject, exp, act, diff], cells[:7]
        assert '<span class="firm">firm</span>' in row
    # The continuity finding's lines, shown in context from the documents themselves.
    cash = rows[1]
    assert f"<b>{FY2001}:189</b>" in cash and f"<b>{FY2002}:190</b>" in cash
    context = re.findall(r'<pre class="ctx">(.*?)</pre>', cash, re.S)
    assert len(context) == 2
    assert all(len(block.splitlines()) == 7 for block in context)  # three lines either side
    assert re.search(r'<span class="hit">189 .*4,170', context[0]) or re.search(r'<span class="hit">189 .*1,470', context[0])
    assert "(as stored in the event)" not in cash


def test_the_report_shows_balances_names_readings_and_chain_heads(report):
    page = report.read_text()
    assert f"<h2>{SOS}</h2>" in page
    balances = page.split(f"<h2>{SOS}</h2>", 1)[1].split('<table class="balances">', 1)[1].split("</table>", 1)[0]
    assert re.search(r"<td>2002-12-31</td>.*?<td class=\"n\">3,107,464</td><td class=\"n\">3,107,464</td><td class=\"n ok\">0</td>", balances)
    for plan in ("Meridian Tool &amp; Die Corporation 401(k) Savings Plan", "Norrland Paper Company Hourly Employees&#x27; 401(k) Plan"):
        assert f"<h2>{plan}</h2>" in page
    assert page.count('<table class="readings">') == 7  # one plan of the samples, six of the layouts
    assert "footed" in page
    assert len(re.findall(r'<span class="hash">[0-9a-f]{64}</span>', page)) == 7
    assert page.count('class="waterfall"') >= 7
    assert not UUID_TEXT.search(page), "plans are named, never shown by their UUID"


def test_the_report_fetches_nothing(report):
    page = report.read_text()
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"""(?:src|href)\s*=\s*(?!["']?#)""", page, re.I), "the only links are to the page's own sections"
    assert "<script" not in page.lower() and "<link" not in page.lower() and "url(" not in page and "@import" not in page
    assert "default-src 'none'" in page


def test_every_text_from_a_filing_is_escaped():
    hostile = '<script>alert(1)</script><img src="http://evil.example/x.png">'
    finding = Finding(
        check="footing", plan_id=UUID(int=1), as_of=date(2001, 12, 31), subject=hostile, expected=Decimal("1.50"),
        actual=Decimal("2"), detail=hostile, sources=[],
    )
    line = CitedLine(document=f"/x/{hostile}.txt", line=3, section="net_assets", column=hostile, text=hostile,
                     amount=None, context=[(3, hostile)])
    plan = PlanReport(
        plan_id=UUID(int=1), name=hostile, sponsor=hostile, ein=None, plan_number=None,
        balances=[Balance(date(2001, 12, 31), Decimal(10), Decimal(10), Decimal(5), Decimal(0), [(hostile, Decimal(5))], hostile)],
        holdings=[Holding("k", hostile, hostile, {date(2001, 12, 31): Decimal("7.25")})],
        findings=[ReportFinding(finding, [line])], readings=[], events=1, chain_head="ab" * 32,
    )
    page = render(Report(plans=[plan], known_at=None))
    assert "<script" not in page and "<img" not in page and "http://" not in page.replace("http://evil", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<td class="n">1.50</td><td class="n">2</td><td class="n">0.50</td>' in page
    assert "7.25" in page


# -- in a browser ------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium() -> str:
    if CHROMIUM:
        return CHROMIUM
    if os.environ.get("PLANLEDGER_REQUIRE_CHROMIUM"):
        pytest.fail("PLANLEDGER_REQUIRE_CHROMIUM is set but no chromium is installed (apt-get install chromium)")
    pytest.skip("no chromium (Debian package `chromium`); set PLANLEDGER_REQUIRE_CHROMIUM=1 to require it")


def headless(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    result = subprocess.run([chromium(), *flags, *args], capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def png_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the decompressed scanlines of a PNG (enough to tell a blank page)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return width, height, zlib.decompress(idat)


def test_chromium_renders_the_charts_and_the_findings(report, tmp_path):
    dom = headless(tmp_path, "--dump-dom", report.as_uri()).stdout
    assert dom.count("<svg") >= 3 * 7
    assert '<rect class="reported"' in dom and '<rect class="replayed"' in dom
    assert '<rect class="step"' in dom and '<rect class="holding"' in dom
    assert dom.count('<tr class="finding">') == 7  # the six of the samples, and Tessaly's Schedule H
    assert "732,597" in dom
    png = tmp_path / "report.png"
    headless(tmp_path, f"--screenshot={png}", "--window-size=1280,2400", report.as_uri())
    width, height, pixels = png_pixels(png)
    assert (width, height) == (1280, 2400)
    assert png.stat().st_size > 50_000
    ink = sum(1 for b in pixels[::97] if b < 200)  # sampled: far from an all-white page
    assert ink > len(pixels[::97]) // 100
    assert len(set(pixels[::7])) > 50  # colours, not a blank or one-colour page
