"""One document to one import result: find the plan(s), the dates, the parts, and parse each."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ledger import events as ev
from ledger.batch import FilingBatch, ImportResult, PlanBatch, PlanRef, Rejected, Skipped
from ledger.identity import document_digest, filing_id, normalise_name

from importers import cover
from importers.classify import is_form_11k, not_a_plan_filing
from importers.errors import ParseError
from importers.notes import Prose, notes_events
from importers.schedules import find_schedule, schedule_end, schedule_g_events, schedule_h_events
from importers.sections import (
    AUDIT_REPORT,
    NET_ASSETS,
    NOTES,
    OTHER_PART,
    SCHEDULE_G,
    SCHEDULE_H,
    SIGNATURES,
    find_heading,
    is_heading,
    is_title,
)
from importers.stamp import Stamp
from importers.statements import (
    Statement,
    changes_events,
    find_changes,
    find_net_assets,
    net_assets_events,
    unreadable_net_assets,
)
from importers.text import Line, decode, find_dates, squash, year_end

MAX_FIGURE = Decimal(10) ** 12
"""No plan's figure reaches a trillion; the largest 401(k) plans hold under $100 billion."""
MONEY_FIELDS = frozenset({"amount", "balance", "principal", "interest", "cost", "limit_amount"})
_TITLE_WINDOW = 6  # lines above a statement's heading where the plan's name is printed
_PLAN_WORD = re.compile(r"\bplan\b", re.IGNORECASE)
_AFTER_NOTES = re.compile(f"{SIGNATURES.pattern}|{OTHER_PART.pattern}|{AUDIT_REPORT.pattern}", re.IGNORECASE)


def parse_document(name: str, data: bytes) -> ImportResult:
    """Parse one document. Never raises: a document that cannot be read is Rejected."""
    try:
        return _parse(name, data)
    except ParseError as e:
        return Rejected(document=name, reason=e.reason, line=e.line)
    except Exception as e:  # noqa: BLE001 - the last resort the contract asks for
        return Rejected(document=name, reason=f"internal parser error: {type(e).__name__}: {e}")


@dataclass(frozen=True, slots=True)
class _Segment:
    """The part of a document about one plan: from its first statement to the next plan's."""

    start: int
    end: int
    title: Line | None  # the plan's name printed above its statements
    net_assets: Statement


@dataclass(frozen=True, slots=True)
class _Filing:
    """What the whole document says once, shared by every plan it covers."""

    name: str
    digest: str
    fiscal: cover.Dated | None
    date_signed: date | None
    auditor: str
    cover_names: list[cover.Named]
    sponsor: str
    plan_names: frozenset[str]  # normalised, to recognise the name repeated as page furniture


def _parse(name: str, data: bytes) -> ImportResult:
    lines = decode(data)
    segments = _segments(lines)
    if not segments:
        unreadable = unreadable_net_assets(lines)
        if unreadable is not None:
            raise ParseError("statement of net assets: cannot read its columns (no year headings over the figures)", unreadable)
        if is_form_11k(lines):
            raise ParseError(
                "Form 11-K without a statement of net assets available for benefits "
                "(truncated, or its statements are filed in another document)"
            )
        return Skipped(document=name, reason=not_a_plan_filing(lines))
    signed = cover.date_signed(lines)
    firm, report_date = cover.auditor(lines)
    cover_names = cover.plan_names(lines)
    filing = _Filing(
        name=name,
        digest=document_digest(data),
        fiscal=cover.fiscal_year_end(lines),
        date_signed=signed.value if signed else report_date.value if report_date else None,
        auditor=firm.text if firm else "",
        cover_names=cover_names,
        sponsor=cover.sponsor(lines),
        plan_names=frozenset(
            normalise_name(n) for n in [*(c.text for c in cover_names), *(s.title.text for s in segments if s.title)]
        ),
    )
    plans = [_plan_batch(lines, segment, filing, len(segments)) for segment in segments]
    return FilingBatch(document=name, digest=filing.digest, filing_id=filing_id(filing.digest), plans=plans)


def _plan_batch(lines: Sequence[Line], segment: _Segment, filing: _Filing, plans: int) -> PlanBatch:
    na = segment.net_assets
    changes = find_changes(lines, na.body, segment.end) or find_changes(lines, segment.start, na.heading)
    fye = filing.fiscal.value if filing.fiscal else _fiscal_year_end(lines, na, changes)
    fid = filing_id(filing.digest)
    stamp = Stamp(fid, filing.date_signed or fye, fye)
    named = _name_of(segment, filing.cover_names, plans)
    plan_name, name_line = (named.text, named.line) if named else ("", lines[na.heading])
    ein, number = cover.plan_numbers(lines[segment.start : segment.end] if plans > 1 else lines)
    if not plan_name and not ein:
        raise ParseError("cannot tell which plan the statements are for: no plan name", lines[na.heading].no)
    events: list[ev.PlanEvent] = [
        ev.PlanIdentified(
            **stamp.common("cover", name_line, fye), name=plan_name, sponsor=filing.sponsor, ein=ein, plan_number=number
        ),
        ev.FilingReported(
            **stamp.common("cover", filing.fiscal.line if filing.fiscal else lines[na.heading], fye),
            filing_id=fid,
            form="11-K",
            document=filing.name,
            digest=filing.digest,
            period_start=stamp.period_start,
            prior_year_end=stamp.prior_year_end,
            date_signed=filing.date_signed,
            auditor=filing.auditor,
            unit=na.unit,
        ),
    ]
    events += _plan_events(lines, segment, changes, stamp, filing.plan_names)
    _check_figures(events)
    return PlanBatch(plan=PlanRef(name=plan_name, sponsor=filing.sponsor, ein=ein, plan_number=number), events=events)


def _check_figures(events: Sequence[ev.PlanEvent]) -> None:
    """Refuse a figure no plan reports: at or over MAX_FIGURE (garbage, or digits run together,
    which would lose digits in arithmetic and overflow the projections' DECIMAL(18, 2)), or
    money with fractions of a cent."""
    for event in events:
        for name in event.__struct_fields__:
            value = getattr(event, name)
            if not isinstance(value, Decimal):
                continue
            where = f"{event.provenance.section}: figure in {event.provenance.text.strip()[:120]!r}"
            if not value.is_finite() or abs(value) >= MAX_FIGURE:
                raise ParseError(f"{where} is out of range (a plan's figures are under ${MAX_FIGURE:,})", event.provenance.line)
            if name in MONEY_FIELDS and value.as_tuple().exponent < -2:
                raise ParseError(f"{where} has fractions of a cent", event.provenance.line)


def _plan_events(
    lines: Sequence[Line], segment: _Segment, changes: Statement | None, stamp: Stamp, plan_names: frozenset[str]
) -> list[ev.PlanEvent]:
    events, na_end = net_assets_events(lines, segment.net_assets, stamp, plan_names)
    if changes is None:
        raise ParseError("no statement of changes in net assets available for benefits", lines[na_end - 1].no)
    change_events, changes_end = changes_events(lines, changes, stamp, plan_names)
    events += change_events
    after = max(na_end, changes_end)
    h = find_schedule(lines, SCHEDULE_H, after, segment.end)
    g = find_schedule(lines, SCHEDULE_G, after, segment.end)
    notes_start = find_heading(lines, NOTES, after, segment.end)
    prose = None
    if notes_start is not None:
        notes_end = min(
            i
            for i in (h, g, _notes_stop(lines, notes_start, segment.end), segment.end)
            if i is not None and i > notes_start
        )
        prose = Prose.of(lines[notes_start + 1 : notes_end], lambda line: _notes_furniture(line, plan_names))
        events += notes_events(prose, stamp)
    if h is not None:
        events += schedule_h_events(lines, h, schedule_end(lines, h, segment.end, SCHEDULE_G), stamp, plan_names)
    if g is not None:
        events += schedule_g_events(lines, g, schedule_end(lines, g, segment.end, SCHEDULE_H), stamp, prose)
    return events


def _name_of(segment: _Segment, cover_names: list[cover.Named], plans: int) -> cover.Named | None:
    """The plan's name as the cover prints it; with several plans, the cover's name that
    matches the title over the plan's statements."""
    if plans == 1 and cover_names:
        return cover_names[0]
    if segment.title is None:
        return None
    key = normalise_name(segment.title.text)
    matching = [c for c in cover_names if normalise_name(c.text) == key]
    return matching[0] if matching else cover.Named(squash(segment.title.text), segment.title)


def _notes_stop(lines: Sequence[Line], start: int, stop: int) -> int | None:
    """Where the notes end at the latest: signatures, exhibits, another auditor's report."""
    return find_heading(lines, _AFTER_NOTES, start + 1, stop)


def _notes_furniture(line: Line, plan_names: frozenset[str]) -> bool:
    return is_title(line, plan_names) or is_heading(line, NOTES)


def _segments(lines: Sequence[Line]) -> list[_Segment]:
    """One segment per plan: statements under a different plan name start a new one."""
    found: list[tuple[Statement, Line | None]] = []
    pos = 0
    while (st := find_net_assets(lines, pos, len(lines))) is not None:
        found.append((st, _title_above(lines, st.heading)))
        pos = st.body
    segments: list[_Segment] = []
    for st, title in found:
        key = normalise_name(title.text) if title else ""
        previous = segments[-1] if segments else None
        if previous and (not key or key == normalise_name(previous.title.text if previous.title else "")):
            continue
        start = title.no - 1 if title else st.heading
        if previous:
            segments[-1] = _Segment(previous.start, start, previous.title, previous.net_assets)
        segments.append(_Segment(start, len(lines), title, st))
    if segments:
        first = segments[0]
        segments[0] = _Segment(0, first.end, first.title, first.net_assets)
    return segments


def _title_above(lines: Sequence[Line], heading: int) -> Line | None:
    for line in reversed(lines[max(0, heading - _TITLE_WINDOW) : heading]):
        if line.page_break:
            break
        if _PLAN_WORD.search(line.text) and not NET_ASSETS.match(line.stripped) and not cover.names_plan_number(line.text):
            return line
    return None


def _fiscal_year_end(lines: Sequence[Line], na: Statement, changes: Statement | None) -> date:
    """Without a cover page: the date the statement of changes is for, else the later column."""
    window = " ".join(line.text for line in lines[changes.heading : changes.heading + 4]) if changes else ""
    dates = find_dates(window)
    if dates:
        return dates[0][2]
    years = [c.year for c in na.columns]
    if not years:
        raise ParseError("cannot tell the fiscal year: no date on the cover or the statements", lines[na.heading].no)
    return year_end(max(years), date(2000, 12, 31))
