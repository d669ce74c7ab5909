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
from importers.reconciliation import reconciliation_events
from importers.parts import View, find_schedule, find_statement, schedule_date, schedule_end, schedule_tables
from importers.formats import read_model
from importers.model import Document, Source
from importers.schedules import schedule_g_events, schedule_h_events
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
from importers.tagged import disagreements
from importers.statements import Read, Statement, changes_events, net_assets_events
from importers.text import Line, find_dates, make_date, squash, year_end

MAX_FIGURE = Decimal(10) ** 12
"""No plan's figure reaches a trillion; the largest 401(k) plans hold under $100 billion."""
MONEY_FIELDS = frozenset({"amount", "balance", "principal", "interest", "cost", "limit_amount"})
_TITLE_WINDOW = 6  # lines above a statement's heading where the plan's name is printed
_PLAN_WORD = re.compile(r"\bplan\b", re.IGNORECASE)
_AFTER_NOTES = re.compile(f"{SIGNATURES.pattern}|{OTHER_PART.pattern}|{AUDIT_REPORT.pattern}", re.IGNORECASE)


def parse_document(name: str, data: bytes) -> ImportResult:
    """Parse one document. Never raises: a document that cannot be read is Rejected."""
    return read_document(name, data)[0]


@dataclass(frozen=True, slots=True)
class _Segment:
    """The part of a document about one plan: from its first statement to the next plan's."""

    start: int
    end: int
    title: Line | None  # the plan's name printed above its statements
    heading: int  # its statement of net assets' heading


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
    submission: tuple[dict, Source] | None = None  # an EDGAR header's facts, and where they stand


@dataclass(frozen=True, slots=True)
class PlanReading:
    """How one plan's statements were read: each row's role, for `--explain`."""

    plan: str
    net_assets: Read
    changes: Read


def read_document(name: str, data: bytes) -> tuple[ImportResult, list[PlanReading]]:
    """The import result and how its statements were read. Never raises."""
    readings: list[PlanReading] = []
    try:
        return _parse(name, data, readings), readings
    except ParseError as e:
        return Rejected(document=name, reason=e.reason, line=e.line), readings
    except Exception as e:  # noqa: BLE001 - the last resort the contract asks for
        return Rejected(document=name, reason=f"internal parser error: {type(e).__name__}: {e}"), readings


def _parse(name: str, data: bytes, readings: list[PlanReading]) -> ImportResult:
    doc = read_model(name, data)
    view = View.of(doc)
    lines = view.lines
    segments = _segments(view)
    if not segments:
        if is_form_11k(lines):
            raise ParseError(
                "Form 11-K without a statement of net assets available for benefits "
                "(truncated, or its statements are filed in another document)"
            )
        return Skipped(document=name, reason=not_a_plan_filing(lines))
    signed = cover.date_signed(lines)
    firm, report_date = cover.auditor(lines)
    cover_names = cover.plan_names(lines)
    submission = _submission(doc)
    filing = _Filing(
        name=name,
        digest=document_digest(data),
        fiscal=cover.fiscal_year_end(lines) or _period(doc, submission),
        date_signed=signed.value if signed else report_date.value if report_date else None,
        auditor=firm.text if firm else "",
        cover_names=cover_names,
        sponsor=cover.sponsor(lines),
        plan_names=frozenset(
            normalise_name(n) for n in [*(c.text for c in cover_names), *(s.title.text for s in segments if s.title)]
        ),
        submission=submission,
    )
    plans = [_plan_batch(view, segment, filing, len(segments), readings) for segment in segments]
    plans = _with_tag_findings(plans, segments, view, doc)
    return FilingBatch(document=name, digest=filing.digest, filing_id=filing_id(filing.digest), plans=plans)


def _plan_batch(view: View, segment: _Segment, filing: _Filing, plans: int, readings: list[PlanReading]) -> PlanBatch:
    lines = view.lines
    found = find_statement(view, "net_assets", segment.heading, segment.end, filing.plan_names)
    assert found is not None  # the segment was made from it
    _, na, na_end = found
    na.check(lambda r: "net assets" in r.caption.lower() or "plan equity" in r.caption.lower())
    changes = find_statement(view, "changes", na_end, segment.end, filing.plan_names) or find_statement(
        view, "changes", segment.start, segment.heading, filing.plan_names
    )
    if changes is None:
        raise ParseError("no statement of changes in net assets available for benefits", lines[na_end - 1].no)
    fye = filing.fiscal.value if filing.fiscal else _fiscal_year_end(view, na, changes)
    fid = filing_id(filing.digest)
    filed = filing.submission[0].get("filed") if filing.submission else None
    stamp = Stamp(fid, filing.date_signed or filed or fye, fye)
    named = _name_of(segment, filing.cover_names, plans)
    plan_name, name_line = (named.text, named.line) if named else ("", lines[segment.heading])
    ein, number = cover.plan_numbers(lines[segment.start : segment.end] if plans > 1 else lines)
    if not plan_name and not ein:
        raise ParseError("cannot tell which plan the statements are for: no plan name", lines[segment.heading].no)
    events: list[ev.PlanEvent] = [
        ev.PlanIdentified(
            **stamp.common("cover", name_line, fye), name=plan_name, sponsor=filing.sponsor, ein=ein, plan_number=number
        ),
        ev.FilingReported(
            **stamp.common("cover", filing.fiscal.line if filing.fiscal else lines[segment.heading], fye),
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
    if filing.submission:
        facts, source = filing.submission
        events.append(ev.SubmissionReported(**stamp.common("cover", source, fye), **facts))
    na_read = net_assets_events(na, stamp)
    changes_read = changes_events(changes[1], stamp)
    readings.append(PlanReading(plan_name, na_read, changes_read))
    events += na_read.events + changes_read.events
    events += _notes_and_schedules(view, segment, max(na_end, changes[2]), stamp, filing.plan_names)
    _check_figures(events)
    return PlanBatch(plan=PlanRef(name=plan_name, sponsor=filing.sponsor, ein=ein, plan_number=number), events=events)


_COMPACT_DATE = re.compile(r"((?:19|20)\d{2})(\d{2})(\d{2})")  # EDGAR headers: 20011231


def _submission(doc: Document) -> tuple[dict, Source] | None:
    """The envelope's facts as SubmissionReported fields, cited at the accession number."""
    if not doc.facts:
        return None
    fields: dict = {}
    for fact in doc.facts:
        if fact.name in ("period", "filed"):
            m = _COMPACT_DATE.fullmatch(fact.value)
            value = make_date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
            if value is not None:
                fields[fact.name] = value
        else:
            fields[fact.name] = squash(fact.value)
    cited = doc.fact("accession") or doc.facts[0]
    return fields, cited.source


def _period(doc: Document, submission: tuple[dict, Source] | None) -> cover.Dated | None:
    """The header's period of report, where the cover gives no fiscal year end."""
    if submission is None or "period" not in submission[0]:
        return None
    source = submission[1] if doc.fact("period") is None else doc.fact("period").source
    return cover.Dated(submission[0]["period"], Line(source.line, source.text, source.text))


def _with_tag_findings(plans: list[PlanBatch], segments: list[_Segment], view: View, doc: Document) -> list[PlanBatch]:
    """Each figure whose inline XBRL tag states another value, on the plan whose part of the
    document printed it, in the section of the statement it stands in."""
    found = disagreements(doc)
    if not found:
        return plans
    out = []
    for plan, segment in zip(plans, segments, strict=True):
        first = view.lines[segment.start].no
        last = view.lines[segment.end - 1].no if segment.end < len(view.lines) else float("inf")
        sections = {e.provenance.line: e.provenance.section for e in plan.events if e.provenance.section in ("net_assets", "changes")}
        filed = next(e for e in plan.events if isinstance(e, ev.FilingReported))
        extra = [
            ev.TaggedFactDiffers(
                as_of=when or filed.as_of,
                known_at=filed.known_at,
                provenance=ev.Provenance(
                    filing_id=filed.filing_id, section=sections.get(source.line, "notes"), line=source.line, text=source.text
                ),
                concept=concept,
                amount=printed,
                tagged=tagged,
            )
            for source, printed, tagged, concept, when in found
            if first <= source.line <= last
        ]
        out.append(PlanBatch(plan=plan.plan, events=[*plan.events, *extra]))
    return out


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


def _notes_and_schedules(view: View, segment: _Segment, after: int, stamp: Stamp, plan_names: frozenset[str]) -> list[ev.PlanEvent]:
    lines = view.lines
    events: list[ev.PlanEvent] = []
    h = find_schedule(view, SCHEDULE_H, after, segment.end)
    g = find_schedule(view, SCHEDULE_G, after, segment.end)
    notes_start = find_heading(lines, NOTES, after, segment.end)
    prose = None
    if notes_start is not None:
        notes_end = min(
            i
            for i in (h, g, _notes_stop(lines, notes_start, segment.end), segment.end)
            if i is not None and i > notes_start
        )
        reconciliations, tabled = reconciliation_events(lines, view.tables, notes_start + 1, notes_end, stamp)
        kept = [line for i, line in enumerate(lines[notes_start + 1 : notes_end], notes_start + 1) if i not in tabled]
        prose = Prose.of(kept, lambda line: _notes_furniture(line, plan_names))
        events += notes_events(prose, stamp) + reconciliations
    if h is not None:
        tables, _ = schedule_tables(view, h, schedule_end(view, h, segment.end, SCHEDULE_G))
        as_of = schedule_date(view, h, stamp.fiscal_year_end)
        events += schedule_h_events(tables, as_of, stamp, lambda text: _notes_furniture(Line(0, text, text), plan_names))
    if g is not None:
        tables, footnotes = schedule_tables(view, g, schedule_end(view, g, segment.end, SCHEDULE_H))
        events += schedule_g_events(tables, footnotes, stamp, prose)
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


def _segments(view: View) -> list[_Segment]:
    """One segment per plan: statements under a different plan name start a new one."""
    lines = view.lines
    found: list[tuple[int, Line | None]] = []
    pos = 0
    while (st := find_statement(view, "net_assets", pos, len(lines), frozenset())) is not None:
        heading, _, end = st
        found.append((heading, _title_above(lines, heading)))
        pos = end
    segments: list[_Segment] = []
    for heading, title in found:
        key = normalise_name(title.text) if title else ""
        previous = segments[-1] if segments else None
        if previous and (not key or key == normalise_name(previous.title.text if previous.title else "")):
            continue
        start = lines.index(title) if title else heading
        if previous:
            segments[-1] = _Segment(previous.start, start, previous.title, previous.heading)
        segments.append(_Segment(start, len(lines), title, heading))
    if segments:
        first = segments[0]
        segments[0] = _Segment(0, first.end, first.title, first.heading)
    return segments


def _title_above(lines: Sequence[Line], heading: int) -> Line | None:
    for line in reversed(lines[max(0, heading - _TITLE_WINDOW) : heading]):
        if line.page_break:
            if _PLAN_WORD.search(line.text) and not NET_ASSETS.match(line.stripped):
                return line
            break
        if _PLAN_WORD.search(line.text) and not NET_ASSETS.match(line.stripped) and not cover.names_plan_number(line.text):
            return line
    return None


def _fiscal_year_end(view: View, na: Statement, changes: tuple[int, Statement, int]) -> date:
    """Without a cover page: the date the statement of changes is for, else the later column."""
    heading = changes[0]
    window = " ".join(line.text for line in view.lines[heading : heading + 4])
    dates = find_dates(window)
    if dates:
        return dates[0][2]
    years = [int(y) for h in na.tables[0].headings for y in re.findall(r"\b(?:19|20)\d{2}\b", h)]
    if not years:
        raise ParseError("cannot tell the fiscal year: no date on the cover or the statements", na.title.line)
    return year_end(max(years), date(2000, 12, 31))
