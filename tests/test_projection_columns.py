"""Every attribute the SQL reads from an event's JSON is a field some event type keeps there:
renaming or typing a field must not silently turn a check's input into NULL."""

from __future__ import annotations

import re
from pathlib import Path

from ledger import events as ev
import msgspec
import pytest

from projections.rows import COLUMNS, layout
from tests.cli import planledger_json
from tests.conftest import SEEDS

ROOT = Path(__file__).parent.parent
SQL = [*ROOT.glob("projections/*.sql"), *ROOT.glob("queries/*.sql")]


def read_attributes() -> dict[str, set[str]]:
    """attribute -> the SQL files that read it."""
    found: dict[str, set[str]] = {}
    for path in SQL:
        for name in re.findall(r"attributes\s*->>?\s*'(\w+)'", path.read_text()):
            found.setdefault(name, set()).add(path.name)
    return found


def test_every_attribute_read_is_kept_in_attributes_by_some_event_type():
    kept = {field for cls in ev.PLAN_EVENT_TYPES for field in layout(cls)[2]}
    read = read_attributes()
    assert read, "the SQL reads no attribute at all: the pattern is wrong"
    assert {name: files for name, files in read.items() if name not in kept} == {}


def test_every_event_type_declares_which_fields_fill_the_typed_columns():
    assert set(COLUMNS) == set(ev.PLAN_EVENT_TYPES)
    assert {cls.__name__: layout(cls)[:2] for cls in (ev.ContributionReceived, ev.ParticipantLoansReported, ev.DeemedLoanMade)} == {
        "ContributionReceived": ("amount", "source"),
        "ParticipantLoansReported": ("balance", None),
        "DeemedLoanMade": ("principal", "loan"),
    }


def test_a_declared_field_an_event_type_no_longer_has_fails_loudly(monkeypatch):
    """A field renamed (here `principal` to `amount_lent`) without its declaration is an error,
    not a NULL amount column."""

    class Renamed(ev.PlanEvent, kw_only=True):
        loan: str
        amount_lent: msgspec.UnsetType | int = msgspec.UNSET

    monkeypatch.setitem(COLUMNS, Renamed, {"principal": "amount", "loan": "kind"})
    with pytest.raises(TypeError, match=r"declares Renamed.principal"):
        layout(Renamed)


def test_the_filings_view_gives_each_filings_period(tmp_path):
    """Read from an attribute FilingReported never kept there, this column was always empty."""
    planledger_json(tmp_path, "import", str(SEEDS))
    rows = planledger_json(tmp_path, "query", "SELECT year_end, period_start FROM filings ORDER BY year_end")
    assert [(r["year_end"], r["period_start"]) for r in rows] == [
        ("2000-12-31", "2000-01-01"), ("2001-12-31", "2001-01-01"), ("2002-12-31", "2002-01-01"),
    ]
