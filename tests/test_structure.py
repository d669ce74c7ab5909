"""The arithmetic that decides a statement's structure, on its own: which rows total which."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from importers.structure import Entry, decide

D = Decimal


def entries(*rows: tuple) -> list[Entry]:
    """(figure or (figures...), hint[, group_start][, kind]) per row; the last row is the result."""
    out = []
    for n, row in enumerate(rows):
        figures, hint, *rest = row
        figures = figures if isinstance(figures, tuple) else (figures,)
        group = bool(rest[0]) if rest else False
        out.append(Entry(tuple(D(f) if f is not None else None for f in figures), hint, group, "x",
                         spans_all=n == len(rows) - 1))
    return out


NET_ASSETS = [
    (100, "item", True),  # fund A
    (250, "item"),  # fund B
    (350, "total"),  # Total investments
    (20, "item", True),  # cash
    (30, "item", True),  # participant receivable
    (5, "item"),  # employer receivable
    (35, "total"),  # Total receivables
    (405, "total"),  # Total assets
    (-15, "item", True),  # a liability (deducts)
    (390, "total"),  # Net assets
]


def test_a_statement_that_foots_is_read_as_printed():
    s = decide(entries(*NET_ASSETS), 1)
    assert s.footed and s.alternatives == 1
    assert s.totals[2].children == (0, 1)
    assert s.totals[6].children == (4, 5)
    assert s.totals[7].children == (2, 3, 6)
    assert s.totals[9].children == (7, 8)
    assert s.roots == (9,)


def test_a_mistyped_holding_fails_only_the_total_above_it():
    rows = list(NET_ASSETS)
    rows[1] = (251, "item")  # the typist's slip: 250 printed as 251
    s = decide(entries(*rows), 1)
    assert s.failing(0) == 1
    assert s.totals[2].foots == (False,) and s.totals[2].children == (0, 1)
    assert all(s.totals[i].foots == (True,) for i in (6, 7, 9))


def test_an_unlabelled_subtotal_is_found_by_its_figure():
    s = decide(entries((40, "item", True), (-10, "item"), (30, "maybe_total"), (500, "item", True), (530, "total")), 1)
    assert s.totals[2].children == (0, 1) and s.totals[4].children == (2, 3)


def test_a_figure_under_a_rule_that_totals_nothing_stays_an_item():
    s = decide(entries((40, "item", True), (25, "maybe_total"), (65, "total")), 1)
    assert 1 not in s.totals and s.totals[2].children == (0, 1)


def test_every_column_must_foot():
    rows = [((10, 20), "item", True), ((5, 7), "item"), ((15, 26), "total")]
    s = decide(entries(*rows), 2)
    assert s.totals[2].foots == (True, False)
    assert s.failing(0) == 0 and s.failing(1) == 1


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(-1000, 1000)),
            st.sampled_from(["item", "total", "maybe_total"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=14,
    )
)
def test_any_rows_give_one_structure_over_earlier_rows(rows):
    s = decide(entries(*rows), 1)
    taken = [c for t in s.totals.values() for c in t.children]
    assert len(taken) == len(set(taken))  # no row is totalled twice
    assert all(c < t.entry for t in s.totals.values() for c in t.children)
    assert s.alternatives >= 1
