"""Figures stated in the notes' prose: forfeitures, participant loans, the matching formula,
the vesting schedule.

The notes are read as sentences (lines joined, page furniture dropped), each phrase traced
back to the line it starts on.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ledger import events as ev

from importers.errors import ParseError
from importers.stamp import Stamp
from importers.text import (
    Line,
    find_dates,
    first_date,
    is_page_number,
    is_rule,
    number_word,
    squash,
    trailing_figures,
    year_end,
)

_MAX_SENTENCE = 2000  # characters; longer 'sentences' are tables or noise, not prose
_ABBREVIATIONS = frozenset("inc co corp no nos ltd st mr mrs ms dr jr sr vs etc approx".split())
_SENTENCE_END = re.compile(r"[.;]\s+(?=[A-Z(\"])|\n")
_MONEY = r"\$\s*(\d{1,3}(?:,\d{3})+|\d+)"
_APPROX = r"(approximately\s+|about\s+)?"
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)(?:(?:-|\s+)(\d+)/(\d+))?\s*(?:%|percent\b)", re.IGNORECASE)

_FORFEIT_BALANCE = re.compile(
    r"forfeit\w*(?:\s+[\w'-]+){0,3}?\s+(?:totaled|totaling|amounted\s+to|were|was|of)\s+"
    + _APPROX + _MONEY + r"(?:\s*,?\s+and\s+" + _APPROX + _MONEY + r")?",
    re.IGNORECASE,
)
_FORFEIT_USED = (
    re.compile(_APPROX + _MONEY + r"\s+(?:in\s+|of\s+)?(?:from\s+)?(?:the\s+)?(?:unallocated\s+)?forfeit", re.IGNORECASE),
    re.compile(r"forfeitures?\s+(?:of|totaling|totaled|amounting\s+to)\s+" + _APPROX + _MONEY, re.IGNORECASE),
)
_USED_PAST = re.compile(
    r"\b(?:were|was|have\s+been|had\s+been)\s+(?:\w+\s+){0,2}?(?:used|reallocated|allocated|applied|reduced)\b",
    re.IGNORECASE,
)
_FORFEIT_THROUGH = re.compile(
    _APPROX + _MONEY + r"[^.$]{0,60}?\b(?:re-?allocation|allocation|use)\s+of\s+(?:the\s+)?forfeit", re.IGNORECASE
)
_SPLIT = re.compile(
    r"\b(appreciated|depreciated)\s+in\s+(?:fair\s+)?value\s+by\s+\$\s*[\d,]+\s+as\s+follows", re.IGNORECASE
)
_FUTURE = re.compile(r"\bwill\s+be\b", re.IGNORECASE)
_PAST = re.compile(r"\b(?:were|was|during|had\s+been)\b", re.IGNORECASE)
_DURING = re.compile(r"\bduring\s+(?:the\s+(?:plan\s+|fiscal\s+)?year\s+(?:ended\s+)?)?", re.IGNORECASE)
_AND_YEAR = re.compile(r"\s*,?\s+and\s+((?:19|20)\d{2})\b")

_LOAN = re.compile(r"\bloans?\b", re.IGNORECASE)
_NOT_PARTICIPANT_LOAN = re.compile(r"deemed|nonexempt|party.in.interest\s+transaction", re.IGNORECASE)
_RATE_RANGE = re.compile(
    r"(?:\bfrom|between)\s+(\d+(?:\.\d+)?)\s*(?:%|percent)?\s*(?:to|and|-)\s*(\d+(?:\.\d+)?)\s*(?:%|percent)",
    re.IGNORECASE,
)
_RATE = re.compile(r"(?:interest|rate)\w*\s+(?:\w+\s+){0,3}?(?:at|of)\s+(\d+(?:\.\d+)?)\s*(?:%|percent)", re.IGNORECASE)
_NO_LOANS = re.compile(r"\bno\s+(?:remaining\s+|outstanding\s+|participant\s+)?loans\b", re.IGNORECASE)
_LOAN_COUNT = re.compile(
    r"\b(?:only\s+)?(\w+)\s+(?:participant\s+)?loans?\s+(?:remained|remain|were|was|are|is)\s+outstanding",
    re.IGNORECASE,
)
_LOANS_NUMBERED = re.compile(r"\b(\d+)\s+(?:participant\s+)?loans\b", re.IGNORECASE)
_NO_NEW_LOANS = re.compile(r"\b(?:does|do)\s+not\s+(?:allow|permit|provide)\s+(?:for\s+)?(?:participant\s+)?loans", re.IGNORECASE)
_LOAN_BALANCE = re.compile(
    r"loans?\b[^$]{0,80}?(?:totaled|totaling|balances?\s+of|aggregat\w+|amounted\s+to)\s+" + _APPROX + _MONEY,
    re.IGNORECASE,
)

_MATCH_LIMIT = re.compile(
    r"(?:maximum|up\s+to|limit(?:ed)?\s+(?:of|to)|not\s+to\s+exceed|cap(?:ped)?\s+(?:of|at))[^$.]{0,60}?" + _MONEY,
    re.IGNORECASE,
)
_MATCHING = re.compile(r"match|\b(?:company|employer|sponsor)\b[^.]{0,40}?\bcontribut")
_OF_PAY = re.compile(r"\s+of\s+(?:\w+'?s?\s+){0,4}?(?:compensation|salary|pay|earnings)\b", re.IGNORECASE)

_VESTING_ROW = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9 ,\-]*?)\s{2,}(?:(\d{1,3})\s*%|(none))\s*$", re.IGNORECASE)
_YEARS_WORD = re.compile(r"\b(\d+|[a-z]+)\b", re.IGNORECASE)


@dataclass(slots=True)
class Prose:
    """The notes as one text, with the line each character came from."""

    text: str
    starts: list[int]
    lines: list[Line]

    @classmethod
    def of(cls, lines: Sequence[Line], is_furniture) -> Prose:
        parts: list[str] = []
        starts: list[int] = []
        kept: list[Line] = []
        offset = 0
        for line in lines:
            if line.page_break or is_page_number(line) or is_rule(line.text) or (not line.blank and is_furniture(line)):
                continue
            piece = "\n" if line.blank else squash(line.text) + " "
            starts.append(offset)
            kept.append(line)
            parts.append(piece)
            offset += len(piece)
        return cls("".join(parts), starts, kept)

    def line_at(self, offset: int) -> Line:
        return self.lines[max(0, bisect.bisect_right(self.starts, offset) - 1)]

    def sentences(self) -> Iterator[tuple[int, str]]:
        start = 0
        for m in _SENTENCE_END.finditer(self.text):
            if m.group().startswith(".") and _abbreviated(self.text, m.start()):
                continue
            yield from _sentence(self.text, start, m.start() + 1)
            start = m.end()
        yield from _sentence(self.text, start, len(self.text))


def _abbreviated(text: str, dot: int) -> bool:
    word = re.search(r"([A-Za-z]+)$", text[max(0, dot - 12) : dot])
    return bool(word) and (len(word.group(1)) == 1 or word.group(1).lower() in _ABBREVIATIONS)


def _sentence(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    sentence = text[start:end]
    if sentence.strip() and len(sentence) <= _MAX_SENTENCE:
        yield start, sentence


def notes_events(prose: Prose, stamp: Stamp) -> list[ev.PlanEvent]:
    events: list[ev.PlanEvent] = []
    loans: dict[date, dict] = {}
    matching_done = False
    loan_as_of = stamp.fiscal_year_end
    for start, sentence in prose.sentences():
        events.extend(_forfeitures(prose, start, sentence, stamp))
        if _LOAN.search(sentence) and not _NOT_PARTICIPANT_LOAN.search(sentence):
            loan_as_of = _as_of(sentence, len(sentence), stamp.fiscal_year_end, loan_as_of)
            _loan_facts(prose, start, sentence, loans.setdefault(loan_as_of, {}))
        if not matching_done:
            formula = _matching(prose, start, sentence, stamp)
            if formula:
                events.append(formula)
                matching_done = True
    for as_of, facts in loans.items():
        line = facts.pop("line", None)
        if line is not None:
            events.append(ev.ParticipantLoansReported(**stamp.common("notes", line, as_of), **facts))
    events.extend(_vesting(prose.lines, stamp))
    events.extend(_appreciation_by_class(prose, stamp))
    return events


def _as_of(sentence: str, before: int, fiscal_year_end: date, default: date) -> date:
    """The date a statement in the notes is made as of: the last year-end date before the phrase."""
    dates = [d for start, _, d in find_dates(sentence) if start < before and (d.month, d.day) == (fiscal_year_end.month, fiscal_year_end.day)]
    return dates[-1] if dates else default


def _money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _forfeitures(prose: Prose, start: int, sentence: str, stamp: Stamp) -> Iterator[ev.PlanEvent]:
    """Forfeitures used during the year ('$22,916 from forfeited accounts', 'forfeitures of
    $4,318 were reallocated'), then balances at year ends ('totaled $18,204 and $15,530')."""
    fye = stamp.fiscal_year_end
    claimed: set[int] = set()
    for pattern in (*_FORFEIT_USED, _FORFEIT_THROUGH):
        for m in pattern.finditer(sentence):
            use = _forfeiture_use(sentence)
            if use is None or m.start(2) in claimed or (pattern is _FORFEIT_USED[1] and not _USED_PAST.search(sentence)):
                continue
            if _FUTURE.search(sentence) and not _PAST.search(sentence):
                continue
            claimed.add(m.start(2))
            as_of = _during(sentence, fye)
            yield ev.ForfeituresReallocated(
                **stamp.common("notes", prose.line_at(start + m.start(2)), as_of),
                amount=_money(m.group(2)),
                use=use,
                approximate=bool(m.group(1)),
                period_start=year_end(as_of.year - 1, as_of) + timedelta(days=1),
            )
    for m in _FORFEIT_BALANCE.finditer(sentence):
        if m.start(2) in claimed:
            continue
        amounts = [(m.group(1), m.start(2), m.group(2))]
        if m.group(4):
            amounts.append((m.group(3), m.start(4), m.group(4)))
        for (approx, offset, amount), as_of in zip(amounts, _balance_dates(sentence, m, len(amounts), fye), strict=True):
            yield ev.ForfeitureBalanceReported(
                **stamp.common("notes", prose.line_at(start + offset), as_of),
                amount=_money(amount),
                approximate=bool(approx),
            )


def _year_end_dates(sentence: str, fiscal_year_end: date) -> list[tuple[int, date]]:
    """Year-end dates in a sentence, 'December 31, 2005 and 2004' counting as two."""
    out = []
    for start, end, d in find_dates(sentence):
        if (d.month, d.day) != (fiscal_year_end.month, fiscal_year_end.day):
            continue
        out.append((start, d))
        if m := _AND_YEAR.match(sentence, end):
            out.append((m.start(1), year_end(int(m.group(1)), d)))
    return out


def _balance_dates(sentence: str, m: re.Match[str], count: int, fye: date) -> list[date]:
    """The year ends balances are stated at: one figure takes the nearest date before it (or
    after it); two figures ('$X and $Y, respectively') take the sentence's two dates in order."""
    dates = _year_end_dates(sentence, fye)
    if count == 2:
        if len(dates) >= 2:
            return [dates[0][1], dates[1][1]]
        return [fye, year_end(fye.year - 1, fye)]
    before = [d for offset, d in dates if offset < m.start()]
    after = [d for offset, d in dates if offset >= m.start()]
    return [before[-1] if before else after[0] if after else fye]


def _during(sentence: str, fye: date) -> date:
    """The year a flow happened in: 'During 2005', 'during the year ended June 30, 2006'."""
    for m in _DURING.finditer(sentence):
        following = sentence[m.end() : m.end() + 25]
        if d := first_date(following):
            return d
        if y := re.match(r"((?:19|20)\d{2})\b", following):
            return year_end(int(y.group(1)), fye)
    return fye


def _forfeiture_use(sentence: str) -> ev.ForfeitureUse | None:
    lower = sentence.lower()
    if re.search(r"reduc|offset", lower) and "contribution" in lower:
        return "reduced_employer_contributions"
    if "allocat" in lower:
        return "reallocated_to_participants"
    return None


def _loan_facts(prose: Prose, start: int, sentence: str, facts: dict) -> None:
    found = None
    if m := _RATE_RANGE.search(sentence):
        facts["rate_low"], facts["rate_high"] = Decimal(m.group(1)), Decimal(m.group(2))
        found = found or m
    elif m := _RATE.search(sentence):
        facts["rate_low"] = facts["rate_high"] = Decimal(m.group(1))
        found = found or m
    if m := _NO_LOANS.search(sentence):
        facts["count"], facts["balance"] = 0, Decimal(0)
        found = found or m
    elif (m := _LOAN_COUNT.search(sentence) or _LOANS_NUMBERED.search(sentence)) and number_word(m.group(1)) is not None:
        facts["count"] = number_word(m.group(1))
        found = found or m
    if _NO_NEW_LOANS.search(sentence):
        facts["new_loans_allowed"] = False
    if m := _LOAN_BALANCE.search(sentence):
        facts["balance"] = _money(m.group(2))
        found = found or m
    if found is not None:
        facts.setdefault("line", prose.line_at(start + found.start()))


def _percent(m: re.Match[str]) -> Decimal:
    whole = Decimal(m.group(1))
    if m.group(2):
        whole += (Decimal(m.group(2)) / Decimal(m.group(3))).quantize(Decimal("0.0001"))
    return whole


def _matching(prose: Prose, start: int, sentence: str, stamp: Stamp) -> ev.MatchingFormulaReported | None:
    lower = sentence.lower()
    if not _MATCHING.search(lower) or "vest" in lower:
        return None
    percents = [m for m in _PERCENT.finditer(sentence) if sentence[m.end() : m.end() + 4].lower().startswith(" of")]
    if not percents:
        return None
    first = percents[0]
    limit_percent = next((_percent(p) for p in percents[1:] if _OF_PAY.match(sentence, p.end())), None)
    limit = _MATCH_LIMIT.search(sentence, first.end())
    return ev.MatchingFormulaReported(
        **stamp.common("notes", prose.line_at(start + first.start()), stamp.fiscal_year_end),
        text=squash(sentence),
        match_percent=_percent(first),
        limit_percent=limit_percent,
        limit_amount=_money(limit.group(1)) if limit else None,
    )


def _appreciation_by_class(prose: Prose, stamp: Stamp) -> Iterator[ev.NetAppreciation]:
    """The table under 'investments depreciated in value by $545,303 as follows:', one row per
    asset class (the statement of changes prints only the total)."""
    m = _SPLIT.search(prose.text)
    if m is None:
        return
    negative = "deprec" in m.group(1).lower()
    first = prose.lines.index(prose.line_at(m.end()))
    started = False
    for line in prose.lines[first + 1 : first + 20]:
        if line.blank:
            if started:
                return
            continue
        try:
            label, figures = trailing_figures(line.text, limit=1)
        except ParseError:
            return
        if not label or len(figures) != 1:
            return
        started = True
        amount = -abs(figures[0].value) if negative else figures[0].value
        yield ev.NetAppreciation(
            **stamp.common("notes", line, stamp.fiscal_year_end),
            amount=amount,
            label=squash(label),
            period_start=stamp.period_start,
            asset_class=squash(label).lower(),
        )


def _vesting(lines: Sequence[Line], stamp: Stamp) -> Iterator[ev.VestingScheduleReported]:
    rows: list[tuple[Line, ev.VestingStep]] = []
    for line in [*lines, None]:
        step = _vesting_step(line.text) if line is not None else None
        if step is not None:
            rows.append((line, step))
            continue
        if line is not None and line.blank and rows:
            continue
        if len(rows) >= 2:
            yield ev.VestingScheduleReported(
                **stamp.common("notes", rows[0][0], stamp.fiscal_year_end), steps=tuple(s for _, s in rows)
            )
        rows = []


def _vesting_step(text: str) -> ev.VestingStep | None:
    m = _VESTING_ROW.match(text) if len(text) <= 200 else None
    if not m:
        return None
    label = m.group(1).lower()
    if not re.search(r"year|service|\d", label):
        return None
    if label.startswith(("less than", "under", "fewer than")):
        years = 0
    else:
        years = next((n for w in _YEARS_WORD.findall(label) if (n := number_word(w)) is not None and w.lower() != "no"), None)
        if years is None:
            return None
    return ev.VestingStep(years=years, percent=Decimal(m.group(2) or 0))
