"""The join of a filing's rows across datasets, a block of forms at a time, and the reading of a
row's amounts in one pass: the same rows, figures and refusals as one form and one cell at a time."""

from __future__ import annotations

from decimal import Decimal

import pytest

from importers.dol import Joined, Orphan, Staging, expand, joined, survey
from importers.dol import values as v
from tests.test_form5500_import import form, schedule_h, write


def _joined(folder, block):
    datasets = survey(expand([folder], str)).read
    staging = Staging()
    try:
        return list(joined(datasets, staging, block=block))
    finally:
        staging.close()


@pytest.mark.parametrize("block", [1, 2, 500])
def test_forms_are_joined_to_their_schedules_in_file_order_whatever_the_block(tmp_path, block):
    folder = tmp_path / "dol"
    folder.mkdir()
    acks = ["A1", "A2", "A3", "A1", "A5"]  # A1 twice: its rows go to the first
    write(folder, "F_5500", 2023, [form(a, h="1") for a in acks])
    write(folder, "F_SCH_H", 2023, [schedule_h(a) for a in ("A5", "A1", "A3", "A2", "LOST")] + [schedule_h("A3", NET_INCOME_AMT="7")])
    items = _joined(folder, block)
    forms = [i for i in items if isinstance(i, Joined)]
    assert [(j.ack_id, j.form.line, [(s.line, s.cells["NET_INCOME_AMT"]) for s in j.schedules]) for j in forms] == [
        ("A1", 2, [(3, "250000.50")]),
        ("A2", 3, [(5, "250000.50")]),
        ("A3", 4, [(4, "250000.50"), (7, "7")]),
        ("A1", 5, []),
        ("A5", 6, [(2, "250000.50")]),
    ]
    assert [(o.ack_id, o.row.line) for o in items if isinstance(o, Orphan)] == [("LOST", 6)]


def test_a_rows_amounts_are_read_exactly_and_a_bad_one_is_named_by_its_column():
    columns = frozenset({"A", "B", "C", "D"})
    cells = {"A": " 12 ", "X": "not an amount column", "B": "-0.50", "C": "  ", "D": "007"}
    assert v.amounts(columns, cells) == {"A": Decimal("12"), "B": Decimal("-0.50"), "D": Decimal("7")}
    assert list(v.amounts(columns, cells)) == ["A", "B", "D"]
    assert v.amounts(columns, {}) == {}
    for bad in ("1,250", "1e5", "NaN", "12\n34", "+5", "5.", ".5", "1_000"):
        with pytest.raises(v.CellError, match=r"^column B: not an amount"):
            v.amounts(columns, {"A": "1", "B": bad, "D": "3"})
