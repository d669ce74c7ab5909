"""The report as one self-contained HTML page: inline CSS, charts drawn here as inline SVG, no
script and nothing fetched (a Content-Security-Policy forbids it). Every text that comes from a
filing (plan names, captions, printed lines, document names) is escaped: a filing is hostile input.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html import escape
from pathlib import Path

from ledger.reporting import Balance, PlanReport, Report, ReportFinding

PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#17becf",
)
REPORTED, REPLAYED, UP, DOWN, TOTAL = "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#7f7f7f"

CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:16px;color:#222}
h1{font-size:24px;margin:0 0 4px}h2{font-size:20px;border-bottom:2px solid #4e79a7;padding-bottom:4px;margin-top:32px}
h3{font-size:16px;margin:20px 0 6px}.muted{color:#666}.small{font-size:12px}
table{border-collapse:collapse;margin:6px 0 12px}th,td{border:1px solid #ddd;padding:3px 6px;vertical-align:top}
th{background:#f3f5f8;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.firm{color:#b00020;font-weight:600}.unsure{color:#b36b00;font-weight:600}.ok{color:#2e7d32}
pre.ctx{background:#f7f7f7;border:1px solid #e0e0e0;padding:4px 6px;margin:4px 0;
  font:12px/1.35 ui-monospace,Menlo,Consolas,monospace;white-space:pre;overflow-x:auto}
pre.ctx .hit{background:#fff3a0;display:inline-block;min-width:100%}
code,.hash{font:12px ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
svg{display:block;margin:6px 0}svg text{font:11px system-ui,sans-serif;fill:#333}
.charts{display:flex;flex-wrap:wrap;gap:12px}.legend span{display:inline-block;margin-right:12px;font-size:12px}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
nav a{margin-right:12px}
"""


def money(value: Decimal | None, unit: str = "dollars") -> str:
    """Exact, thousands separated; whole dollars unless there are cents; rates with `%`."""
    if value is None:
        return ""
    if unit == "percent":
        return f"{value.normalize():f}%"
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def short(value: Decimal) -> str:
    """An axis label: $1.2M, $350K."""
    v = abs(value)
    sign = "-" if value < 0 else ""
    if v >= 1_000_000:
        return f"{sign}${v / 1_000_000:.1f}M"
    if v >= 1_000:
        return f"{sign}${v / 1_000:.0f}K"
    return f"{sign}${v:.0f}"


def e(text: object) -> str:
    return escape("" if text is None else str(text), quote=True)


def render(report: Report, title: str = "planledger report") -> str:
    known = f" as known on {report.known_at.isoformat()}" if report.known_at else ""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        # Nothing may be fetched: no scripts, fonts, images or styles from anywhere.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f'<p class="muted">{len(report.plans)} plan{"" if len(report.plans) == 1 else "s"}{e(known)}; '
        "figures exact, in dollars as the filings print them.</p>",
        summary(report),
    ]
    parts += [plan_section(plan, i) for i, plan in enumerate(report.plans)]
    parts.append("</body></html>")
    return "\n".join(parts)


def summary(report: Report) -> str:
    rows = []
    for i, plan in enumerate(report.plans):
        firm = sum(f.finding.reading == "firm" for f in plan.findings)
        unsure = len(plan.findings) - firm
        rows.append(
            f'<tr><td><a href="#plan-{i}">{e(plan.name)}</a></td><td>{e(plan_number(plan))}</td>'
            f'<td class="n">{len(plan.balances)}</td><td class="n">{firm}</td><td class="n">{unsure}</td>'
            f'<td class="n">{plan.events:,}</td><td class="hash">{e(plan.chain_head)}</td></tr>'
        )
    return (
        "<h2>Plans and chain heads</h2>"
        '<p class="small muted">Each chain head is the hash of the plan\'s last event the report read; '
        "keep it, and <code>planledger verify --head HASH</code> later proves nothing up to it has changed.</p>"
        "<table><tr><th>plan</th><th>EIN-plan</th><th>year ends</th><th>firm findings</th><th>unsure</th>"
        "<th>events</th><th>chain head</th></tr>" + "".join(rows) + "</table>"
    )


def plan_number(plan: PlanReport) -> str:
    return "-".join(p for p in (plan.ein, plan.plan_number) if p)


def plan_section(plan: PlanReport, index: int) -> str:
    who = ", ".join(e(p) for p in (plan.sponsor, plan_number(plan)) if p)
    out = [
        f'<section id="plan-{index}"><h2>{e(plan.name)}</h2>',
        f'<p class="muted">{who}{"; " if who else ""}chain head after {plan.events:,} events: '
        f'<span class="hash">{e(plan.chain_head)}</span></p>',
        "<h3>Net assets per year end: reported and replayed</h3>",
        net_assets_chart(plan.balances),
        balances_table(plan.balances),
        "<h3>Roll-forward per year</h3>",
        '<div class="charts">' + "".join(waterfall(b) for b in plan.balances if b.replayed is not None) + "</div>",
        "<h3>Holdings over the years</h3>",
        holdings_chart(plan),
        holdings_table(plan),
        f"<h3>Findings ({len(plan.findings)})</h3>",
        findings_section(plan.findings),
        "<h3>How each statement column was read</h3>",
        readings_table(plan.readings),
        "</section>",
    ]
    return "\n".join(out)


# -- charts --------------------------------------------------------------------------------


def scale(low: Decimal, high: Decimal, top: float, bottom: float):
    low, high = min(low, Decimal(0)), max(high, Decimal(0))
    span = (high - low) or Decimal(1)

    def y(value: Decimal) -> float:
        return bottom - float((value - low) / span) * (bottom - top)

    return y, low, high


def axis(y, low: Decimal, high: Decimal, left: float, right: float) -> str:
    ticks = []
    for i in range(5):
        v = low + (high - low) * Decimal(i) / 4
        ticks.append(
            f'<line x1="{left}" x2="{right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e5e5e5"/>'
            f'<text x="{left - 4}" y="{y(v) + 4:.1f}" text-anchor="end">{e(short(v))}</text>'
        )
    zero = f'<line x1="{left}" x2="{right}" y1="{y(Decimal(0)):.1f}" y2="{y(Decimal(0)):.1f}" stroke="#999"/>'
    return "".join(ticks) + zero


def net_assets_chart(balances: list[Balance]) -> str:
    if not balances:
        return '<p class="muted">no year ends</p>'
    width, height, left, top, bottom = 720, 260, 70, 14, 220
    values = [v for b in balances for v in (b.reported, b.replayed) if v is not None] or [Decimal(0)]
    y, low, high = scale(min(values), max(values), top, bottom)
    slot = (width - left - 10) / len(balances)
    bar = min(40.0, slot / 3)
    parts = [axis(y, low, high, left, width - 10)]
    points = []
    for i, b in enumerate(balances):
        x = left + slot * i + slot / 2
        if b.reported is not None:
            y0, y1 = sorted((y(Decimal(0)), y(b.reported)))
            parts.append(
                f'<rect class="reported" x="{x - bar:.1f}" y="{y0:.1f}" width="{bar:.1f}" height="{max(y1 - y0, 0.5):.1f}" fill="{REPORTED}">'
                f"<title>reported {b.year_end}: ${money(b.reported)}</title></rect>"
            )
        if b.replayed is not None:
            y0, y1 = sorted((y(Decimal(0)), y(b.replayed)))
            parts.append(
                f'<rect class="replayed" x="{x:.1f}" y="{y0:.1f}" width="{bar:.1f}" height="{max(y1 - y0, 0.5):.1f}" fill="{REPLAYED}">'
                f"<title>replayed {b.year_end}: ${money(b.replayed)}</title></rect>"
            )
            points.append(f"{x + bar / 2:.1f},{y(b.replayed):.1f}")
        parts.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle">{e(b.year_end.isoformat())}</text>')
        if b.difference:
            parts.append(f'<text x="{x:.1f}" y="{bottom + 30}" text-anchor="middle" fill="#b00020">off by {e(money(b.difference))}</text>')
    if len(points) > 1:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{REPLAYED}" stroke-width="2" stroke-dasharray="4 3"/>')
    legend = legend_html([("reported", REPORTED), ("replayed (opening + the year's flows)", REPLAYED)])
    return svg(width, height, "".join(parts), "net assets per year end, reported and replayed") + legend


def waterfall(b: Balance) -> str:
    steps: list[tuple[str, Decimal, str]] = [("Opening", b.opening or Decimal(0), "total")]
    steps += [(label, amount, "flow") for label, amount in b.flows if amount]
    steps.append(("Closing (replayed)", b.replayed or Decimal(0), "total"))
    if b.reported is not None:
        steps.append(("Reported", b.reported, "total"))
    width, top, bottom, left = 580, 24, 200, 70
    height = bottom + 150
    running, levels = Decimal(0), []
    for label, amount, kind in steps:
        if kind == "total":
            levels.append((label, Decimal(0), amount, kind, amount))
            running = amount if label == "Opening" else running
        else:
            levels.append((label, running, running + amount, kind, amount))
            running += amount
    lows = [min(a, c) for _, a, c, _, _ in levels]
    highs = [max(a, c) for _, a, c, _, _ in levels]
    y, low, high = scale(min(lows), max(highs), top, bottom)
    slot = (width - left - 80) / len(levels)  # room on the right for the last slanted label
    parts = [axis(y, low, high, left, width - 80)]
    parts.append(f'<text x="{left}" y="14" font-weight="600">Year ended {e(b.year_end.isoformat())}</text>')
    for i, (label, start, end, kind, amount) in enumerate(levels):
        x = left + slot * i + slot * 0.15
        y0, y1 = sorted((y(start), y(end)))
        colour = TOTAL if kind == "total" else (UP if amount >= 0 else DOWN)
        parts.append(
            f'<rect class="step" x="{x:.1f}" y="{y0:.1f}" width="{slot * 0.7:.1f}" height="{max(y1 - y0, 0.5):.1f}" fill="{colour}">'
            f"<title>{e(label)}: ${e(money(amount))}</title></rect>"
        )
        cx = x + slot * 0.35
        parts.append(
            f'<text transform="translate({cx:.1f},{bottom + 8}) rotate(35)" text-anchor="start" font-size="10">{e(label)}</text>'
        )
    return svg(width, height, "".join(parts), f"roll-forward, year ended {b.year_end.isoformat()}", cls="waterfall")


def holdings_chart(plan: PlanReport) -> str:
    years = sorted({d for h in plan.holdings for d in h.values})
    if not years:
        return '<p class="muted">no holdings reported</p>'
    width, height, left, top, bottom = 720, 280, 70, 14, 240
    totals = {d: sum((max(h.values.get(d, Decimal(0)), Decimal(0)) for h in plan.holdings), Decimal(0)) for d in years}
    y, low, high = scale(Decimal(0), max(totals.values()), top, bottom)
    slot = (width - left - 10) / len(years)
    parts = [axis(y, low, high, left, width - 10)]
    colours = {h.investment: PALETTE[i % len(PALETTE)] for i, h in enumerate(plan.holdings)}
    for i, d in enumerate(years):
        x = left + slot * i + slot * 0.2
        base = Decimal(0)
        for h in plan.holdings:
            value = h.values.get(d)
            if not value or value < 0:
                continue
            y0, y1 = y(base + value), y(base)
            parts.append(
                f'<rect class="holding" x="{x:.1f}" y="{y0:.1f}" width="{slot * 0.6:.1f}" height="{max(y1 - y0, 0.3):.1f}" '
                f'fill="{colours[h.investment]}"><title>{e(h.name)} {d}: ${e(money(value))}</title></rect>'
            )
            base += value
        parts.append(f'<text x="{x + slot * 0.3:.1f}" y="{bottom + 16}" text-anchor="middle">{e(d.isoformat())}</text>')
    legend = legend_html([(h.name, colours[h.investment]) for h in plan.holdings])
    return svg(width, height, "".join(parts), "holdings at each year end, stacked") + legend


def svg(width: int, height: int, body: str, label: str, cls: str = "chart") -> str:
    return (
        f'<svg class="{cls}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{e(label)}">{body}</svg>'
    )


def legend_html(items: list[tuple[str, str]]) -> str:
    return '<div class="legend">' + "".join(f'<span><i style="background:{c}"></i>{e(n)}</span>' for n, c in items) + "</div>"


# -- tables ----------------------------------------------------------------------------------


def balances_table(balances: list[Balance]) -> str:
    rows = []
    for b in balances:
        diff = "" if b.difference is None else money(b.difference)
        cls = "ok" if b.difference == 0 else ("firm" if b.difference else "")
        rows.append(
            f'<tr><td>{e(b.year_end.isoformat())}</td><td class="n">{money(b.opening)}</td>'
            f'<td class="n">{money(sum((a for _, a in b.flows), Decimal(0))) if b.flows else ""}</td>'
            f'<td class="n">{money(b.replayed)}</td><td class="n">{money(b.reported)}</td>'
            f'<td class="n {cls}">{diff}</td><td class="small">{e(b.reported_in and Path(b.reported_in).name)}</td></tr>'
        )
    return (
        '<table class="balances"><tr><th>year end</th><th>opening</th><th>net change</th><th>replayed</th>'
        "<th>reported</th><th>difference</th><th>reported in</th></tr>" + "".join(rows) + "</table>"
    )


def holdings_table(plan: PlanReport) -> str:
    years = sorted({d for h in plan.holdings for d in h.values})
    if not years:
        return ""
    head = "".join(f"<th>{e(d.isoformat())}</th>" for d in years)
    rows = [
        f"<tr><td>{e(h.name)}</td>" + "".join(f'<td class="n">{money(h.values.get(d))}</td>' for d in years) + "</tr>"
        for h in plan.holdings
    ]
    return f'<table class="holdings"><tr><th>investment</th>{head}</tr>' + "".join(rows) + "</table>"


def findings_section(findings: list[ReportFinding]) -> str:
    if not findings:
        return '<p class="ok">No findings: every check holds.</p>'
    rows = []
    for i, rf in enumerate(findings):
        f = rf.finding
        reading = f'<span class="{e(f.reading)}">{e(f.reading)}</span>'
        if f.reading_reason:
            reading += f'<div class="small">{e(f.reading_reason)}</div>'
        rows.append(
            f'<tr class="finding"><td>{i + 1}</td><td>{e(f.check)}</td><td>{e(f.as_of.isoformat())}</td><td>{e(f.subject)}</td>'
            f'<td class="n">{money(f.expected, f.unit)}</td><td class="n">{money(f.actual, f.unit)}</td>'
            f'<td class="n">{money(f.difference, f.unit)}</td><td>{reading}</td><td class="small">{e(f.detail)}</td></tr>'
            f'<tr class="lines"><td></td><td colspan="8">{cited_lines(rf)}</td></tr>'
        )
    return (
        '<table class="findings"><tr><th>#</th><th>check</th><th>date</th><th>subject</th><th>expected</th><th>actual</th>'
        "<th>difference</th><th>reading</th><th>detail</th></tr>" + "".join(rows) + "</table>"
        '<p class="small muted">Under each finding, the printed lines it rests on, with the lines around them. '
        "difference = actual - expected. <b>firm</b>: the filing disagrees with itself or another filing; "
        "<b>unsure</b>: it rests on a statement column the reader read by choice or with rows unplaced.</p>"
    )


def cited_lines(rf: ReportFinding) -> str:
    out = []
    for c in rf.lines:
        where = f"{Path(c.document).name}:{c.line}" if c.line else Path(c.document).name
        extra = ", ".join(p for p in (c.section, c.column and f"column {c.column}") if p)
        origin = "" if c.from_file else " (as stored in the event)"
        out.append(f'<div class="small"><b>{e(where)}</b> {e(extra)}{e(origin)}</div>')
        if c.context:
            width = len(str(c.context[-1][0]))
            lines = [
                f'<span class="hit">{e(str(n).rjust(width))}  {e(text)}</span>' if n == c.line else f"{e(str(n).rjust(width))}  {e(text)}"
                for n, text in c.context
            ]
            out.append('<pre class="ctx">' + "\n".join(lines) + "</pre>")
    return "".join(out)


def readings_table(readings: list[dict]) -> str:
    if not readings:
        return '<p class="muted">no statement readings</p>'
    rows = []
    for r in readings:
        cls = "unsure" if r["unsure"] else ("firm" if r["reading"] == "not_footing" else "ok")
        unplaced = "; ".join(r["unplaced"] or [])
        rows.append(
            f'<tr><td>{e(Path(r["document"]).name)}</td><td>{e(r["statement"])}</td><td>{e(r["column_label"])}</td>'
            f'<td>{e(iso(r["column_date"]))}</td><td class="{cls}">{e(r["reading"].replace("_", " "))}</td>'
            f'<td class="n">{r["totals"]}</td><td class="n">{r["failing"]}</td><td class="n">{r["alternatives"]}</td>'
            f'<td class="small">{e(unplaced)}</td></tr>'
        )
    return (
        '<table class="readings"><tr><th>document</th><th>statement</th><th>column</th><th>date</th><th>reading</th>'
        "<th>totals</th><th>not footing</th><th>structures that foot</th><th>rows not placed</th></tr>" + "".join(rows) + "</table>"
    )


def iso(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value or "")
