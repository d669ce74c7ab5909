"""Arithmetic decides a statement's structure: which rows are items and which total which.

Wording and rules only propose: a row captioned "Total..." or printed under a rule is probably
a total, a row with a plain caption probably an item. The figures decide: of every structure the
proposals allow, the one kept is the one under which the most printed totals equal the sums of
their items (in every column at once), with wording as the tie-break. Where several structures
foot equally well, or none does, the result says so. Pure: no I/O, no formats.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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

    def failing(self, column: int) -> int:
        return sum(1 for t in self.totals.values() if t.foots[column] is False)

    @property
    def footed(self) -> bool:
        return all(f is not False for t in self.totals.values() for f in t.foots)


@dataclass(frozen=True, slots=True)
class _Stack:
    """The open nodes, top first, sharing what lies below with the states it came from, so a
    step costs what it changes at the top, not the whole stack."""

    node: Node
    below: _Stack | None
    size: int
    key: int  # identifies the whole stack, for merging states that reached the same one

    def push(self: _Stack | None, node: Node) -> _Stack:
        return _Stack(node, self, (self.size if self else 0) + 1, hash((node.entry, node.effects, self.key if self else 0)))

    def top(self: _Stack | None) -> Iterator[Node]:
        while self is not None:
            yield self.node
            self = self.below

    def drop(self: _Stack | None, k: int) -> _Stack | None:
        for _ in range(k):
            self = self.below
        return self


@dataclass(frozen=True, slots=True)
class _State:
    stack: _Stack | None
    score: float
    totals: tuple[Total, ...]


def decide(entries: Sequence[Entry], columns: int) -> Structure:
    """The structure the figures support best."""
    states = [_State(None, 0.0, ())]
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
        roots=tuple(reversed([n.entry for n in _Stack.top(chosen.stack)])),
        alternatives=len(shapes),
    )


def _spans(stack: _Stack | None, columns: int) -> Iterator[tuple[int, tuple[Node, ...], tuple[Decimal, ...]]]:
    """(k, the top k nodes in printed order, their sums), for k = 1, 2, ...: sums kept running."""
    nodes: list[Node] = []
    sums = [Decimal(0)] * columns
    for node in _Stack.top(stack):
        nodes.append(node)
        sums = [s + e for s, e in zip(sums, node.effects, strict=True)]
        yield len(nodes), tuple(reversed(nodes)), tuple(sums)


def _choices(state: _State, i: int, entry: Entry, entries: Sequence[Entry], columns: int) -> list[_State]:
    out = []
    size = state.stack.size if state.stack else 0
    item = Node(i, tuple(e or Decimal(0) for e in entry.effects), i, frozenset([entry.kind]))
    penalty = _WORDED_AS_ITEM if entry.hint == "total" else 0.0
    if not entry.spans_all or not size:
        out.append(_State(_Stack.push(state.stack, item), state.score + penalty, state.totals))
    if entry.hint == "item" and not entry.spans_all:
        return out
    matched = False
    closest: tuple[Decimal, int, tuple[Node, ...], tuple[Decimal, ...]] | None = None
    for k, span, sums in _spans(state.stack, columns):
        if entry.spans_all and k < size:
            continue
        foots = _foots(entry.effects, sums)
        distance = sum((abs(abs(p) - abs(t)) for p, t in zip(entry.effects, sums) if p is not None), Decimal(0))
        if closest is None or distance <= closest[0]:
            closest = (distance, k, span, sums)  # a later (longer) span wins a tie
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
    if not matched and (entry.hint == "total" or entry.spans_all) and closest is not None:
        # a total that foots nowhere spans the items nearest its figure: a typo moves a total
        # by a little, a wrong span by a whole item
        _, k, span, sums = closest
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
    return _State(_Stack.push(_Stack.drop(state.stack, k), node), state.score + score, (*state.totals, total))


def _foots(printed: tuple[Decimal | None, ...], sums: tuple[Decimal, ...]) -> tuple[bool | None, ...]:
    return tuple(None if p is None else abs(p) == abs(s) for p, s in zip(printed, sums, strict=True))


def _prune(states: list[_State]) -> list[_State]:
    best: dict[int, _State] = {}
    for s in states:
        key = s.stack.key if s.stack else 0
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
