"""`planledger show DOC:LINE` and `show --finding N`: the printed lines in context and every event
read from them, from the document when it is still where it was imported from, else as stored."""

from __future__ import annotations

import shutil

import pytest

from tests.cli import imported_home, planledger, planledger_json
from tests.conftest import SEEDS
from tests.samples import FY2000, FY2001, FY2002


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return imported_home(tmp_path_factory.mktemp("ledger"), SEEDS)


def error_of(result) -> str:
    """The one error a refusal prints (Rich folds it at the terminal's width: unfolded here)."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("error:") == 1
    return " ".join(result.stderr.split())


def test_show_prints_the_net_assets_line_in_context_with_its_events(home):
    result = planledger(home, "show", f"{FY2000}:188")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{SEEDS / FY2000}:188"
    target = next(line for line in lines if line.startswith(">"))
    assert "188 | Net assets available for benefits" in target and "$5,837,693   $6,268,220" in target
    assert any("186 | " in line and "Total receivables" in line for line in lines)  # 3 lines before
    assert any("191 | " in line for line in lines) and not any("192 | " in line for line in lines)
    assert "NetAssetsReported" in result.stdout and "5,837,693" in result.stdout and "6,268,220" in result.stdout


def test_show_json_gives_the_events_exactly(home):
    shown = planledger_json(home, "show", f"{SEEDS / FY2000}:188", "--context", "1")
    assert shown["document"] == str(SEEDS / FY2000) and shown["source"] == "file"
    assert [(c["line"], c["target"]) for c in shown["context"]] == [(187, False), (188, True), (189, False)]
    assert [(e["type"], e["as_of"], e["amount"], e["section"], e["column"]) for e in shown["events"]] == [
        ("NetAssetsReported", "2000-12-31", "5837693.00", "net_assets", "2000"),
        ("NetAssetsReported", "1999-12-31", "6268220.00", "net_assets", "1999"),
    ]


def test_a_line_without_figures_shows_its_context_and_no_events(home):
    shown = planledger_json(home, "show", f"{FY2000}:190", "--context", "0")
    assert [c["line"] for c in shown["context"]] == [190] and shown["events"] == []


def test_show_finding_prints_each_line_it_rests_on(home):
    audit = planledger_json(home, "audit")
    assert [f["id"] for f in audit["findings"]] == list(range(1, 7))
    continuity = next(f for f in audit["findings"] if f["check"] == "continuity")
    shown = planledger_json(home, "show", "--finding", str(continuity["id"]))
    assert shown["finding"]["check"] == "continuity" and shown["finding"]["difference"] == "2700.00"
    assert [(line["document"], line["line"]) for line in shown["lines"]] == [(str(SEEDS / FY2001), 189), (str(SEEDS / FY2002), 190)]
    cash = {(line["line"], e["as_of"]): e["amount"] for line in shown["lines"] for e in line["events"]}
    assert cash[(189, "2001-12-31")] == "1470.00" and cash[(190, "2001-12-31")] == "4170.00"
    assert all(len(line["context"]) == 7 for line in shown["lines"])
    table = planledger(home, "show", "--finding", str(continuity["id"]))
    assert table.returncode == 0 and "finding 2: continuity cash at 2001-12-31" in table.stdout
    assert "1,470" in table.stdout and "4,170" in table.stdout


def test_finding_ids_survive_audit_filters(home):
    whole = {(f["check"], f["subject"]): f["id"] for f in planledger_json(home, "audit")["findings"]}
    filtered = planledger_json(home, "audit", "--year", "2002")["findings"]
    assert filtered and all(whole[f["check"], f["subject"]] == f["id"] for f in filtered)
    assert min(f["id"] for f in filtered) > 1


def test_a_document_moved_away_is_shown_from_the_stored_lines(tmp_path):
    home, folder = tmp_path / "ledger", tmp_path / "filings"
    folder.mkdir()
    shutil.copy(SEEDS / FY2000, folder / FY2000)
    assert planledger(home, "import", str(folder)).returncode == 0
    (folder / FY2000).unlink()
    shown = planledger_json(home, "show", f"{FY2000}:188")
    assert shown["source"] == "stored"
    assert [c["line"] for c in shown["context"]] == [186, 188]  # the lines with figures only
    assert "$5,837,693" in shown["context"][1]["text"]
    assert "held no figure" in error_of(planledger(home, "show", f"{FY2000}:187"))


@pytest.fixture(scope="module")
def twins(tmp_path_factory):
    """Two documents of the same basename in two folders (the second a little different)."""
    root = tmp_path_factory.mktemp("twins")
    for name, extra in (("a", b""), ("b", b"\n")):
        (root / name).mkdir()
        (root / name / FY2000).write_bytes((SEEDS / FY2000).read_bytes() + extra)
    home = root / "ledger"
    result = planledger(home, "import", str(root / "a"), str(root / "b"))
    assert result.returncode == 0, result.stderr
    return home, root


def test_an_ambiguous_basename_is_refused_but_a_path_is_not(twins):
    home, root = twins
    assert "names 2 documents" in error_of(planledger(home, "show", f"{FY2000}:188"))
    assert planledger_json(home, "show", f"{root / 'b' / FY2000}:188")["document"] == str(root / "b" / FY2000)
    assert planledger_json(home, "show", f"b/{FY2000}:188")["document"] == str(root / "b" / FY2000)


@pytest.mark.parametrize(("args", "message"), [
    (["nope.txt:3"], "no document 'nope.txt'"),
    ([f"{FY2000}:99999"], "there is no line 99999"),
    ([f"{FY2000}:0"], "is not DOC:LINE"),
    ([f"{FY2000}"], "is not DOC:LINE"),
    (["--finding", "99"], "no finding 99: the audit has 6"),
    ([], "give either DOC:LINE or --finding N"),
    ([f"{FY2000}:188", "--finding", "1"], "give either DOC:LINE or --finding N"),
])
def test_bad_input_is_one_error_and_exit_2(home, args, message):
    assert message in error_of(planledger(home, "show", *args))
