"""Linking one investment across lines and years although its printed name drifts.

Typists abbreviate ("Fidelity Spartan U.S. Equity Index Fund" / "Spartan U.S. Equity Index
Fund"), misspell ("Fredom"), wrap and re-case names. Two names are the same investment when
their numbers agree (a 2010 fund is never a 2020 fund) and every significant word of the
shorter name has a close match in the longer one.
"""

from __future__ import annotations

import re
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
class InvestmentCatalog:
    """The investments a plan has reported so far, each with every name it was printed under."""

    names: dict[str, set[frozenset[str]]] = field(default_factory=dict)
    aliases: dict[frozenset[str], str] = field(default_factory=dict)

    def learn(self, key: str, name: str) -> None:
        words = name_words(name)
        self.names.setdefault(key, set()).add(words)
        self.aliases.setdefault(words, key)

    def copy(self) -> InvestmentCatalog:
        return InvestmentCatalog({k: set(v) for k, v in self.names.items()}, dict(self.aliases))

    def link(self, name: str, taken: set[str] = frozenset()) -> str:
        """The key of the known investment `name` denotes, or a new key for it.

        `taken` holds the keys already used in the same column, so two lines of one
        statement are never merged into one investment.
        """
        words = name_words(name)
        best = self.aliases.get(words, "")
        if best and best not in taken:
            return best
        best, best_score = "", 0.0
        for key, known in self.names.items():
            if key in taken:
                continue
            score = max(similarity(words, k) for k in known)
            if score > best_score:
                best, best_score = key, score
        if not best:
            best = slug(name)
            suffix = 2
            while best in self.names or best in taken:
                best = f"{slug(name)}-{suffix}"
                suffix += 1
        self.learn(best, name)
        return best
