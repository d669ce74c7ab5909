"""Linking one investment across lines and years although its printed name drifts.

Typists abbreviate ("Fidelity Spartan U.S. Equity Index Fund" / "Spartan U.S. Equity Index
Fund"), misspell ("Fredom"), wrap and re-case names. Two names are the same investment when
their numbers agree (a 2010 fund is never a 2020 fund) and every significant word of the
shorter name has a close match in the longer one.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

FILLER = frozenset({"fund", "funds", "the", "inc", "co", "corp", "corporation", "of", "and", "class"})
WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=65_536)
def name_words(name: str) -> frozenset[str]:
    """Significant words, singular: 'Participant Loans' and 'Participant loan' agree."""
    words = set()
    for word in WORD.findall(name.lower().replace("&", " and ").replace("'s", "s")):
        if word in FILLER:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return frozenset(words)


def slug(name: str) -> str:
    return "-".join(WORD.findall(name.lower().replace("&", " and ").replace("'", ""))) or "investment"


def _close(a: str, b: str) -> bool:
    if a == b:
        return True
    if a.isdigit() or b.isdigit() or min(len(a), len(b)) < 4:
        return False
    return SequenceMatcher(None, a, b).ratio() >= 0.8


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """0 when the names cannot be the same investment; else the share of words matched."""
    if not a or not b:
        return 0.0
    if {w for w in a if w.isdigit()} != {w for w in b if w.isdigit()}:
        return 0.0
    short, long = sorted((a, b), key=len)
    matched = sum(1 for w in short if any(_close(w, v) for v in long))
    if matched < len(short) or (len(short) < 2 and short != long):
        return 0.0
    return matched / len(long)


@dataclass
class Column:
    """The investments already linked in one statement column: two of its lines are never one
    investment, and the n-th line of a name repeated in a column takes the n-th key of that name."""

    keys: set[str] = field(default_factory=set)
    uses: Counter[frozenset[str]] = field(default_factory=Counter)


@dataclass
class InvestmentCatalog:
    """The investments a plan has reported so far, each with every name it was printed under."""

    names: dict[str, set[frozenset[str]]] = field(default_factory=dict)
    exact: dict[frozenset[str], list[str]] = field(default_factory=dict)  # the keys printed under exactly these words
    suffixes: dict[str, int] = field(default_factory=dict)  # the next free suffix of each slug

    def learn(self, key: str, name: str) -> None:
        words = name_words(name)
        known = self.names.setdefault(key, set())
        if words not in known:
            known.add(words)
            self.exact.setdefault(words, []).append(key)

    def copy(self) -> InvestmentCatalog:
        return InvestmentCatalog(
            {k: set(v) for k, v in self.names.items()}, {w: list(k) for w, k in self.exact.items()}, dict(self.suffixes)
        )

    def link(self, name: str, column: Column) -> str:
        """The key of the known investment `name` denotes, or a new key for it: the same name
        first, else the most similar name not yet linked in the column. Linear in the column:
        a name repeated ten thousand times costs ten thousand steps, not their square."""
        words = name_words(name)
        same = self.exact.get(words, [])
        n = column.uses[words]
        column.uses[words] += 1
        if n < len(same) and same[n] not in column.keys:
            return self._linked(same[n], column)
        if same:  # a line of a name already known but linked: another investment of that name
            return self._linked(self._new_key(name), column, name)
        best, best_score = "", 0.0
        for key, known in self.names.items():
            if key in column.keys:
                continue
            score = max(similarity(words, k) for k in known)
            if score > best_score:
                best, best_score = key, score
        return self._linked(best or self._new_key(name), column, name)

    def _linked(self, key: str, column: Column, name: str = "") -> str:
        if name:
            self.learn(key, name)
        column.keys.add(key)
        return key

    def _new_key(self, name: str) -> str:
        base = slug(name)
        key, suffix = base, self.suffixes.get(base, 2)
        while key in self.names:
            key, suffix = f"{base}-{suffix}", suffix + 1
        self.suffixes[base] = suffix
        return key
