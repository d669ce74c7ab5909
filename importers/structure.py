"""Arithmetic decides a statement's structure: which rows are items and which total which.

Wording and rules only propose: a row captioned "Total..." or printed under a rule is probably
a total, a row with a plain caption probably an item. The figures decide: of every structure the
proposals allow, the one kept is the one under which the most printed totals equal the sums of
their items (in every column at once), with wording as the tie-break. Where several structures
foot equally well, or none does, the result says so. Pure: no I/O, no formats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Hint = Literal["item", "total", "maybe_total"]
"""total: worded as one ("Total...", net assets, end of year); maybe_total: a figure under a
rule, without a caption, or a caption that can name a group ("Net investment income")."""

_BEAM = 48
_FOOTS = 4.0  # a printed total equal to the sum of its items
_FAILS = -6.0  # a row worded as a total that no span of items adds up to
_WORDED_AS_ITEM = -10.0  # worse than a failing total: a typo must not turn a total into an item  # a row worded as a total, read as an item
_MAYBE_AS_TOTAL = -0.5
_ALIGNED = 0.5  # the total's items start where a heading or rule starts a group
_ONE_ITEM = -1.0  # a total of a single item foots trivially


@dataclass(frozen=True, slots=True)
class Entry:
    """One figure-bearing row (or, in a one-period statement, one figure of it)."""

    effects: tuple[Decimal | None, ...]  # per column: what the row adds to the statement's result
    hint: Hint
    group_start: bool = False  # a heading or a rule puts a new group's first item here
    kind: str = ""  # the item's meaning, for naming the totals over it
    spans_all: bool = False  # the statement's result: it totals everything above it


@dataclass(frozen=True, slots=True)
class Node:
    entry: int  # the entry it was read from
    effects: tuple[Decimal, ...]
    first: int  # the first entry under it
    kinds: frozenset[str]


@dataclass(frozen=True, slots=True)
class Total:
    entry: int
    children: tuple[int, ...]  # entries it totals (items or totals), in order
    foots: tuple[bool | None, ...]  # per column; None where the column prints nothing
    kinds: frozenset[str]  # the kinds of every item under it
    sums: tuple[Decimal, ...]  # per column: what its items add up to

    @property
    def footed(self) -> bool:
        return all(f is not False for f in self.foots)


@dataclass(frozen=True, slots=True)
class Structure:
    totals: dict[int, Total]  # by entry
    roots: tuple[int, ...]  # entries left untotalled at the end, in order
    alternatives: int  # structures that score as well as this one (1: it is the only one)

    def is_total(self, entry: int) -> bool:
        return entry in self.totals

    def failing(self, column: int) -> int:
        return sum(1 for t in self.totals.values() if t.foots[column] is False)

    @property
    def footed(self) -> bool:
        return all(f is not False for t in self.totals.values() for f in t.foots)


@dataclass(frozen=True, slots=True)
class _State:
    stack: tuple[Node, ...]
    score: float
    totals: tuple[Total, ...]


def decide(entries: Sequence[Entry], columns: int) -> Structure:
    """The structure the figures support best."""
    states = [_State((), 0.0, ())]
    for i, entry in enumerate(entries):
        grown: list[_State] = []
        for state in states:
            grown.extend(_choices(state, i, entry, entries, columns))
        states = _prune(grown)
    best = max(s.score for s in states)
    top = [s for s in states if s.score >= best - 1e-9]
    shapes = {_shape(s, entries) for s in top}
    chosen = min(top, key=lambda s: _shape_key(s))
    return Structure(
        totals={t.entry: t for t in chosen.totals},
        roots=tuple(n.entry for n in chosen.stack),
        alternatives=len(shapes),
    )


def _choices(state: _State, i: int, entry: Entry, entries: Sequence[Entry], columns: int) -> list[_State]:
    out = []
    item = Node(i, tuple(e or Decimal(0) for e in entry.effects), i, frozenset([entry.kind]))
    penalty = _WORDED_AS_ITEM if entry.hint == "total" else 0.0
    if not entry.spans_all or not state.stack:
        out.append(_State((*state.stack, item), state.score + penalty, state.totals))
    if entry.hint == "item" and not entry.spans_all:
        return out
    matched = False
    for k in range(max(1, len(state.stack)) if entry.spans_all else 1, len(state.stack) + 1):
        span = state.stack[-k:]
        sums = tuple(sum((n.effects[c] for n in span), Decimal(0)) for c in range(columns))
        foots = _foots(entry.effects, sums)
        if not all(f is not False for f in foots) or all(f is None for f in foots):
            continue
        matched = True
        score = _FOOTS
        if k == 1:
            if entry.hint != "total" and not entry.spans_all:
                continue
            score += _ONE_ITEM
        if entries[span[0].first].group_start or span[0].first == 0:
            score += _ALIGNED
        if entry.hint == "maybe_total":
            score += _MAYBE_AS_TOTAL
        out.append(_close(state, i, span, k, sums, foots, score))
    if not matched and (entry.hint == "total" or entry.spans_all) and state.stack:
        k = len(state.stack) if entry.spans_all else _closest_span(state.stack, entry.effects, columns)
        span = state.stack[-k:]
        sums = tuple(sum((n.effects[c] for n in span), Decimal(0)) for c in range(columns))
        out.append(_close(state, i, span, k, sums, _foots(entry.effects, sums), _FAILS, printed=entry.effects))
    return out


def _close(
    state: _State,
    i: int,
    span: tuple[Node, ...],
    k: int,
    sums: tuple[Decimal, ...],
    foots: tuple[bool | None, ...],
    score: float,
    printed: tuple[Decimal | None, ...] | None = None,
) -> _State:
    kinds = frozenset().union(*(n.kinds for n in span))
    # a failing total carries its printed figure up (signed like its items), as the audit does
    effects = sums if printed is None else tuple(
        (abs(p) if s >= 0 else -abs(p)) if p is not None else s for p, s in zip(printed, sums, strict=True)
    )
    node = Node(i, effects, span[0].first, kinds)
    total = Total(i, tuple(n.entry for n in span), foots, kinds, sums)
    return _State((*state.stack[:-k], node), state.score + score, (*state.totals, total))


def _foots(printed: tuple[Decimal | None, ...], sums: tuple[Decimal, ...]) -> tuple[bool | None, ...]:
    return tuple(None if p is None else abs(p) == abs(s) for p, s in zip(printed, sums, strict=True))


def _closest_span(stack: tuple[Node, ...], printed: tuple[Decimal | None, ...], columns: int) -> int:
    """For a total that foots nowhere: the span whose sum is nearest the printed figure (a typo
    moves a total by a little, a wrong span by a whole item), the longer one on a tie."""

    def distance(k: int) -> Decimal:
        span = stack[-k:]
        return sum(
            (abs(abs(p) - abs(sum((n.effects[c] for n in span), Decimal(0)))) for c, p in enumerate(printed) if p is not None),
            Decimal(0),
        )

    return min(range(1, len(stack) + 1), key=lambda k: (distance(k), -k))


def _prune(states: list[_State]) -> list[_State]:
    best: dict[tuple, _State] = {}
    for s in states:
        key = tuple((n.entry, n.effects) for n in s.stack)
        if key not in best or s.score > best[key].score:
            best[key] = s
    return sorted(best.values(), key=lambda s: -s.score)[:_BEAM]


def _shape(state: _State, entries: Sequence[Entry]) -> tuple:
    """What a structure says, ignoring which zero items a total takes in: those add nothing."""
    return tuple(
        sorted(
            (t.entry, tuple(c for c in t.children if any(entries[c].effects) or c in {u.entry for u in state.totals}))
            for t in state.totals
        )
    )


def _shape_key(state: _State) -> tuple:
    """Among equally good structures: the one whose totals take the most items (the widest
    reading of a heading's group), then the earliest."""
    return tuple(-len(t.children) for t in state.totals)
