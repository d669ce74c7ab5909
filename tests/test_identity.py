"""Stored ids are derived from names: the fast uuid5 must give exactly the standard library's."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from ledger.identity import NAMESPACE, filing_id, new_plan_id, plan_key_id, uuid5


@given(st.text())
def test_uuid5_is_the_standard_librarys(name):
    assert uuid5(name) == uuid.uuid5(NAMESPACE, name)
    assert (uuid5(name).version, uuid5(name).variant) == (5, uuid.RFC_4122)


def test_stored_ids_keep_their_values():
    """Ids already in every ledger: a change here would orphan them."""
    assert str(filing_id("0" * 64)) == "a094938c-3184-5e99-84ef-e4db47516a82"
    assert str(plan_key_id("ein:12-3456789/001")) == "93328f23-2599-5064-9d65-a77487cf7414"
    assert str(new_plan_id("name:acme401kplan")) == "c1d4669c-f00e-5d58-8541-77ed7c9b1489"
