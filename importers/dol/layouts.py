"""Which DOL dataset a CSV file holds, told by its header.

The DOL's record layouts (`importers/dol_layouts/*.json`) list every dataset's columns for each
form year. A file is recognised by the layout whose columns its header shares most of, so a file
renamed by a user is still read, a column the DOL added later is ignored, and a column this reader
needs but the file lacks is named.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

READ = ("F_5500", "F_5500_SF", "F_SCH_H", "F_SCH_I", "F_SCH_G_PART3")
"""The datasets imported; every other dataset of the layouts is recognised and left unread."""

REQUIRED: dict[str, tuple[str, ...]] = {
    "F_5500": ("ACK_ID", "FORM_PLAN_YEAR_BEGIN_DATE", "FORM_TAX_PRD", "SPONS_DFE_EIN", "SPONS_DFE_PN"),
    "F_5500_SF": (
        "ACK_ID", "SF_PLAN_YEAR_BEGIN_DATE", "SF_TAX_PRD", "SF_SPONS_EIN", "SF_PLAN_NUM", "SF_NET_ASSETS_BOY_AMT", "SF_NET_ASSETS_EOY_AMT",
    ),
    "F_SCH_H": ("ACK_ID", "SCH_H_PLAN_YEAR_BEGIN_DATE", "SCH_H_TAX_PRD", "SCH_H_EIN", "SCH_H_PN", "NET_ASSETS_BOY_AMT", "NET_ASSETS_EOY_AMT"),
    "F_SCH_I": (
        "ACK_ID", "SCH_I_PLAN_YEAR_BEGIN_DATE", "SCH_I_TAX_PRD", "SCH_I_EIN", "SCH_I_PLAN_NUM", "SMALL_NET_ASSETS_BOY_AMT", "SMALL_NET_ASSETS_EOY_AMT",
    ),
    "F_SCH_G_PART3": ("ACK_ID", "NON_EXEMPT_PARTY_NAME"),
}
"""What a filing cannot be read without: the filing, the plan, the plan year, the net assets."""

_YEAR = re.compile(r"(?<!\d)(20\d\d|19\d\d)(?!\d)")


@dataclass(frozen=True, slots=True)
class Layout:
    dataset: str  # "F_SCH_H"
    form_year: int  # the layout's year (2023 and 2025 share most datasets' layouts)
    columns: frozenset[str] = field(repr=False)


@cache
def layouts() -> tuple[Layout, ...]:
    found = []
    for item in sorted(resources.files("importers").joinpath("dol_layouts").iterdir(), key=lambda p: p.name):
        if item.name.endswith(".json"):
            data = json.loads(item.read_text(encoding="utf-8"))
            for dataset, columns in data["datasets"].items():
                found.append(Layout(dataset, int(data["form_year"]), frozenset(c["n"] for c in columns)))
    return tuple(found)


def recognise(header: list[str]) -> Layout | None:
    """The layout that knows most of the header's columns, then the one the header covers most
    of (a file may leave columns out), then the latest year; None when the first column is not
    ACK_ID or no layout knows half the header."""
    if not header or header[0] != "ACK_ID":
        return None
    names = frozenset(header)

    def score(layout: Layout) -> tuple[float, float, int]:
        shared = len(names & layout.columns)
        return shared / len(names), shared / len(names | layout.columns), layout.form_year

    best = max(layouts(), key=score)
    return best if score(best)[0] >= 0.5 else None


def missing(layout: Layout, header: list[str]) -> list[str]:
    names = set(header)
    return [c for c in REQUIRED.get(layout.dataset, ()) if c not in names]


def form_year(name: str, layout: Layout) -> int:
    """The year the file name gives ("F_SCH_H_2024_latest.csv"), or the layout's."""
    years = _YEAR.findall(name.rsplit("/", 1)[-1].rsplit("!", 1)[-1])
    return int(years[-1]) if years else layout.form_year
