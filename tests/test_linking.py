"""Linking holdings to investments across lines and years, in time linear in the lines."""

from __future__ import annotations

from ledger.linking import Column, InvestmentCatalog


def test_a_name_repeated_in_a_column_is_as_many_investments_and_links_again_next_year():
    catalog = InvestmentCatalog()
    first = Column()
    keys = [catalog.link("Participant loans", first) for _ in range(3)]
    assert keys == ["participant-loans", "participant-loans-2", "participant-loans-3"]
    next_year = Column()
    assert [catalog.link("Participant Loans", next_year) for _ in range(3)] == keys


def test_a_drifted_name_links_to_the_investment_it_was_before():
    catalog = InvestmentCatalog()
    key = catalog.link("Fidelity Spartan U.S. Equity Index Fund", Column())
    assert catalog.link("Spartan U.S. Equity Index Fund", Column()) == key


def test_ten_thousand_repeats_are_ten_thousand_investments_numbered_in_order():
    """The next suffix is remembered, not searched for (the search made this quadratic)."""
    catalog = InvestmentCatalog()
    column = Column()
    keys = [catalog.link("Fidelity U.S. Bond Index Fund", column) for _ in range(10_000)]
    assert len(set(keys)) == 10_000 and keys[-1] == "fidelity-u-s-bond-index-fund-10000"
    assert catalog.suffixes["fidelity-u-s-bond-index-fund"] == 10_001
