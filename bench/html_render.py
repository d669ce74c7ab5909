"""A rich filing printed as an HTML Form 11-K, the way EDGAR filers typed them in 2005-2020.

The figures and wording come from `bench.layouts` (the same rows, captions and notes as the
plain-text layouts, so `bench.layouts.figures` checks a read-back); only the markup differs,
after a few real typists' habits (`VARIANTS`):

- `dollar_cells`: a Word export: one table per statement, '$' and ')' in cells of their own,
  spacer columns, '&nbsp;' indents, rules as rows of underscores.
- `font_soup`: <font> and <div> everywhere, '$&nbsp;&nbsp;1,234' in one cell, indents by
  spacer cells, rules as <hr> in cells, a statement's page break inside its table.
- `css_colspan`: styled cells: padding-left indents, border-bottom rules, 'December 31,'
  spanning both years, headings over colspan'd cells.
- `ixbrl`: `css_colspan` with inline XBRL: an ix:header with contexts for both year ends and
  the year, and an ix:nonFraction on every statement figure. Concept names are test-only
  (prefix `plantest`, namespace http://planledger.invalid/test-only): see importers/ixbrl.py
  for what was confirmed of the us-gaap-ebp taxonomy.

`render_submission` wraps a filing in an EDGAR full submission: the SGML header, the 11-K cover
as one document, the statements as an EX-99, and an unrelated EX-23 consent.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from bench import layouts as lay_
from bench.layouts import Layout, Row, cased, long_date
from bench.synth import Filing
from ledger import events as ev

VARIANTS = ("dollar_cells", "font_soup", "css_colspan", "ixbrl")
_TEST_NS = "http://planledger.invalid/test-only"


@dataclass
class Parts:
    """The filing's pages as HTML fragments: the 11-K's own (cover, signatures) and the
    financial statements' (report, statements, notes, schedule)."""

    cover: list[str]
    statements: list[str]


def render_html(truth: Filing, layout: Layout, variant: str) -> str:
    """One HTML document holding the whole filing."""
    parts = _parts(truth, layout, variant)
    return _page(truth, variant, [*parts.cover[:1], *parts.statements, *parts.cover[1:]])


def render_submission(truth: Filing, layout: Layout, variant: str) -> str:
    """An EDGAR full submission (.txt) of the filing: header, 11-K, EX-99, EX-23."""
    plan = truth.batch.plans[0].plan
    filed = _filed(truth)
    end = filed.as_of
    signed = filed.date_signed
    accession = accession_number(truth)
    parts = _parts(truth, layout, variant)
    company = plan.sponsor.upper().replace(",", "").replace(".", "")
    header = f"""<SEC-DOCUMENT>{accession}.txt : {signed:%Y%m%d}
<SEC-HEADER>{accession}.hdr.sgml : {signed:%Y%m%d}
ACCESSION NUMBER:\t\t{accession}
CONFORMED SUBMISSION TYPE:\t11-K
PUBLIC DOCUMENT COUNT:\t\t3
CONFORMED PERIOD OF REPORT:\t{end:%Y%m%d}
FILED AS OF DATE:\t\t{signed:%Y%m%d}

FILER:

\tCOMPANY DATA:\t
\t\tCOMPANY CONFORMED NAME:\t\t\t{company}
\t\tCENTRAL INDEX KEY:\t\t\t0000123456
\t\tSTANDARD INDUSTRIAL CLASSIFICATION:\tPAPER MILLS [2621]
\t\tIRS NUMBER:\t\t\t\t{plan.ein.replace('-', '')}
\t\tFISCAL YEAR END:\t\t\t{end:%m%d}
</SEC-HEADER>"""
    documents = [
        _document("11-K", 1, "form11k.htm", _page(truth, variant, parts.cover)),
        _document("EX-99", 2, "ex99.htm", _page(truth, variant, parts.statements)),
        _document("EX-23", 3, "ex23.txt", _consent(filed.auditor, signed)),
    ]
    return "\n".join([header, *documents, "</SEC-DOCUMENT>", ""])


def submission_facts(truth: Filing) -> dict:
    """What the submission's header says, as SubmissionReported fields."""
    filed = _filed(truth)
    sponsor = truth.batch.plans[0].plan.sponsor
    return {
        "company": sponsor.upper().replace(",", "").replace(".", ""),
        "form": "11-K",
        "period": filed.as_of,
        "filed": filed.date_signed,
        "accession": accession_number(truth),
    }


def accession_number(truth: Filing) -> str:
    digest = int(hashlib.sha256(truth.batch.document.encode()).hexdigest()[:12], 16)
    year = _filed(truth).date_signed.year % 100
    return f"0000950123-{year:02d}-{digest % 1_000_000:06d}"


def _filed(truth: Filing) -> ev.FilingReported:
    return next(e for e in truth.batch.plans[0].events if isinstance(e, ev.FilingReported))


def _document(kind: str, sequence: int, filename: str, text: str) -> str:
    return f"<DOCUMENT>\n<TYPE>{kind}\n<SEQUENCE>{sequence}\n<FILENAME>{filename}\n<TEXT>\n{text}\n</TEXT>\n</DOCUMENT>"


def _consent(auditor: str, signed: date) -> str:
    return f"""CONSENT OF INDEPENDENT REGISTERED PUBLIC ACCOUNTING FIRM

We consent to the incorporation by reference in the Registration Statement
(Form S-8 No. 333-104221) of our report with respect to the financial
statements and schedule of the Plan included in this Annual Report.

/s/ {auditor}
{long_date(signed)}
"""


# -- The pages --------------------------------------------------------------------------------


def _parts(truth: Filing, layout: Layout, variant: str) -> Parts:
    (plan_batch,) = truth.batch.plans
    events, plan = plan_batch.events, plan_batch.plan
    filed = _filed(truth)
    end, start, signed = filed.as_of, filed.prior_year_end, filed.date_signed
    doc = lay_.Doc(layout, plan.name, truth.scale, end, start)
    section = {s: [e for e in events if e.provenance.section == s] for s in ("net_assets", "changes", "notes", "schedule_h_4i")}
    style = _Style(variant, layout, _Tags(truth) if variant == "ixbrl" else None)
    na_rows = lay_.net_assets_rows(layout, section["net_assets"], doc.years, truth.scale)
    changes_rows = lay_.changes_rows(layout, section["changes"], end, truth.scale)
    statements = [
        style.prose(lay_.auditors_report(plan.name, filed.auditor, end, start, signed - timedelta(days=7))),
        *style.statement(doc, "net_assets", na_rows),
        *style.statement(doc, "changes", changes_rows),
        style.prose(lay_.notes(layout, plan.name, section["notes"], end, start)) + style.reconciliations(events, end),
        style.schedule(plan, section["schedule_h_4i"], end),
    ]
    cover = [style.prose(lay_.cover(plan.name, plan.sponsor, plan.ein, plan.plan_number, end)),
             style.prose(lay_.signatures(plan.name, signed))]
    return Parts(cover, statements)


def _page(truth: Filing, variant: str, pages: list[str]) -> str:
    breaks = {
        "dollar_cells": '\n<p style="page-break-before: always">&nbsp;</p>\n',
        "font_soup": "\n<hr size=3 noshade>\n",
    }.get(variant, '\n<div style="page-break-before:always"></div>\n')
    body = breaks.join(pages)
    if variant != "ixbrl":
        return f"<html>\n<head><title>{escape(truth.batch.document)}</title></head>\n<body>\n{body}\n</body>\n</html>"
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:ix="http://www.xbrl.org/2013/inlineXBRL" '
        'xmlns:xbrli="http://www.xbrl.org/2003/instance" xmlns:xbrldi="http://xbrl.org/2006/xbrldi" '
        f'xmlns:ixt="http://www.xbrl.org/inlineXBRL/transformation/2020-02-12" xmlns:plantest="{_TEST_NS}" '
        'xmlns:dei="http://xbrl.sec.gov/dei/2020">\n<head><title>11-K</title></head>\n<body>\n'
        f"{_Tags(truth).header()}\n{body}\n</body>\n</html>"
    )


# -- Inline XBRL ------------------------------------------------------------------------------


class _Tags:
    """Contexts and ix:nonFraction tags for one filing's statements."""

    def __init__(self, truth: Filing) -> None:
        filed = _filed(truth)
        plan = truth.batch.plans[0].plan
        self.end, self.start = filed.as_of, filed.prior_year_end
        self.member = f"plantest:EBP{plan.ein.replace('-', '')}{plan.plan_number}Member"
        self.scale = 3 if truth.scale == 1000 else 0

    def header(self) -> str:
        entity = (
            '<xbrli:entity><xbrli:identifier scheme="http://www.sec.gov/CIK">0000123456</xbrli:identifier>'
            '<xbrli:segment><xbrldi:explicitMember dimension="dei:LegalEntityAxis">'
            f"{self.member}</xbrldi:explicitMember></xbrli:segment></xbrli:entity>"
        )
        contexts = [
            f'<xbrli:context id="i{self.end:%Y}">{entity}<xbrli:period><xbrli:instant>{self.end}</xbrli:instant></xbrli:period></xbrli:context>',
            f'<xbrli:context id="i{self.start:%Y}">{entity}<xbrli:period><xbrli:instant>{self.start}</xbrli:instant></xbrli:period></xbrli:context>',
            (f'<xbrli:context id="d{self.end:%Y}">{entity}<xbrli:period><xbrli:startDate>{self.start + timedelta(days=1)}'
            f"</xbrli:startDate><xbrli:endDate>{self.end}</xbrli:endDate></xbrli:period></xbrli:context>"),
        ]
        return (
            '<div style="display:none"><ix:header><ix:hidden></ix:hidden><ix:resources>'
            + "".join(contexts)
            + '<xbrli:unit id="usd"><xbrli:measure>iso4217:USD</xbrli:measure></xbrli:unit>'
            "</ix:resources></ix:header></div>"
        )

    def tag(self, digits: str, value: int, caption: str, context: str) -> str:
        concept = "plantest:" + "".join(w.capitalize() for w in re.findall(r"[A-Za-z]+", caption))[:80]
        fmt = "ixt:fixed-zero" if value == 0 else "ixt:num-dot-decimal"
        sign = ' sign="-"' if value < 0 else ""
        return (
            f'<ix:nonFraction name="{concept or "plantest:Unlabelled"}" contextRef="{context}" unitRef="usd" '
            f'decimals="{-self.scale}" scale="{self.scale}" format="{fmt}"{sign}>{digits}</ix:nonFraction>'
        )

    def context(self, which: str, column: date | None, row: Row) -> str:
        if which == "net_assets" and column is not None:
            return f"i{column:%Y}"
        if row.caption.lower().startswith("beginning") or "beginning of year" in row.caption.lower():
            return f"i{self.start:%Y}"
        if row.kind == "total" and which == "changes":
            return f"i{self.end:%Y}"
        return f"d{self.end:%Y}"


# -- Markup by typist -------------------------------------------------------------------------


@dataclass
class _Style:
    variant: str
    layout: Layout
    tags: _Tags | None

    # -- prose --

    def prose(self, text: str) -> str:
        """A page of plain prose as this typist marks it up: centred blocks keep their lines,
        paragraphs flow."""
        out = []
        for group in _groups(text):
            centred = all(len(line) - len(line.lstrip()) >= 8 for line in group)
            lines = [escape(line.strip()) for line in group]
            out.append(self._centred(lines) if centred else self._paragraph(" ".join(lines)))
        return "\n".join(out)

    def _centred(self, lines: list[str]) -> str:
        if self.variant == "font_soup":
            return "\n".join(f'<div align="center"><font size="2" face="Times New Roman"><b>{line}</b></font></div>' for line in lines) + "\n<div>&nbsp;</div>"
        if self.variant == "dollar_cells":
            return '<p align="center"><b>' + "<br>\n".join(lines) + "</b></p>"
        return '<p style="text-align:center;font-weight:bold;margin:0 0 12pt 0">' + "<br/>\n".join(lines) + "</p>"

    def _paragraph(self, text: str) -> str:
        if self.variant == "font_soup":
            return f'<div><font size="2" face="Times New Roman">{text}</font></div>\n<div>&nbsp;</div>'
        if self.variant == "dollar_cells":
            return f'<p style="margin-top:6pt"><font size="2">{text}</font></p>'
        return f'<p style="margin:0 0 12pt 0;text-align:justify">{text}</p>'

    # -- statements --

    def statement(self, doc: lay_.Doc, which: str, rows: list[Row]) -> list[str]:
        """One page, or two where the layout breaks the statement ("(continued)")."""
        lay = self.layout
        headings = doc.headings(which)
        dates = doc.years if which == "net_assets" else [None] * len(headings[-1]) if headings else [None]
        table = _Table(self, which, rows, headings, dates)
        if lay.continued != which:
            return [self._top(doc, which, False) + table.html(0, len(rows))]
        cut = lay_.page_break(rows)
        if self.variant == "font_soup":  # the break inside the table, the headings not repeated
            return [self._top(doc, which, False) + table.html(0, len(rows), cut)]
        return [self._top(doc, which, False) + table.html(0, cut), self._top(doc, which, True) + table.html(cut, len(rows))]

    def _top(self, doc: lay_.Doc, which: str, continued: bool) -> str:
        lay = self.layout
        title = {"net_assets": "Statements of net assets available for benefits",
                 "changes": "Statement of changes in net assets available for benefits"}[which]
        title = cased(title, lay.case) + (" (continued)" if continued else "")
        when = f"{long_date(doc.end)} and {doc.start.year}" if which == "net_assets" else f"For the year ended {long_date(doc.end)}"
        when = when.upper() if lay.case == "upper" else when
        unit = [lay.thousands_caption] if doc.scale > 1 else []
        name = doc.name.upper() if lay.case == "upper" else doc.name
        return self._centred([escape(t) for t in (name, title, when, *unit)]) + "\n"

    def reconciliations(self, events: list[ev.PlanEvent], end: date) -> str:
        """The note reconciling the statements to the Form 5500: its heading, then each
        reconciliation's sentence and table."""
        found = lay_.reconciliations_of(events)
        if not found:
            return ""
        out = ["", self.prose(lay_.RECONCILIATION_HEADING)]
        for block in lay_.reconciliation_blocks(self.layout, found, end):
            table = _Table(self, "notes", block.rows, block.headings, list(block.dates))
            out += [self.prose(block.intro), table.html(0, len(block.rows))]
        return "\n".join(out)

    def schedule(self, plan, holdings: list[ev.HoldingReported], end: date) -> str:
        cost = self.layout.schedule_cost
        top = self._centred([escape(plan.name), *lay_.plan_numbers(plan.ein, plan.plan_number, "EIN: {}", "Plan Number: {}", " "),
                             "Schedule H, Line 4i - Schedule of Assets (Held at End of Year)", long_date(end)])
        head = ["(a)", "(b) Identity of issuer, borrower, lessor or similar party", ("(c) Description of investment, including "
                "maturity date, rate of interest, par or maturity value"), *(["(d) Cost"] if cost else []), "(e) Current value"]
        cells = "".join(f'<td valign="bottom" style="border-bottom:1px solid #000"><b>{h}</b></td>' for h in head[:-1])
        rows = [f'<tr>{cells}<td colspan="2" align="center" valign="bottom" style="border-bottom:1px solid #000"><b>{head[-1]}</b></td></tr>']
        for n, h in enumerate(holdings):
            dollar = "$" if n == 0 and self.layout.dollars != "none" else ""
            rows.append(
                f'<tr><td align="center">{"*" if h.party_in_interest else ""}</td><td>{escape(h.issuer)}</td>'
                f'<td>{escape(h.description)}</td>{"<td align=center>**</td>" if cost else ""}'
                f'<td>{dollar}</td><td align="right">{h.amount:,}</td></tr>'
            )
        pad = "<td></td>" * (len(head) - 1)
        rows.append(f'<tr>{pad}<td style="border-top:1px solid #000">$</td><td align="right" style="border-top:1px solid #000;'
                    f'border-bottom:3px double #000">{sum(h.amount for h in holdings):,}</td></tr>')
        footnote = "<p>* Party-in-interest</p>" + ("\n<p>** Cost omitted for participant-directed investments</p>" if cost else "")
        return f'{top}\n<table cellspacing="0" cellpadding="2" width="100%">\n' + "\n".join(rows) + f"\n</table>\n{footnote}"


def _groups(text: str) -> list[list[str]]:
    groups: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip():
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    return [g for g in groups if g]


@dataclass
class _Table:
    """A statement's rows as one typist's HTML table."""

    style: _Style
    which: str
    rows: list[Row]
    headings: list[list[str]]
    dates: list[date | None]

    @property
    def layout(self) -> Layout:
        return self.style.layout

    @property
    def variant(self) -> str:
        return self.style.variant

    def html(self, start: int, stop: int, page_break_at: int | None = None) -> str:
        out = ['<table cellspacing="0" cellpadding="0" width="100%" border="0">', *self._heading_rows()]
        first_figures = next((i for i, r in enumerate(self.rows) if r.figures), -1)
        for i in range(start, stop):
            out += self._row(i, i == first_figures, i == page_break_at)
        out.append("</table>")
        return "\n".join(out)

    def _columns(self) -> int:
        return max(len(r.figures) for r in self.rows)

    # -- headings --

    def _heading_rows(self) -> list[str]:
        if not self.headings:
            return []
        out = []
        for n, line in enumerate(self.headings):
            last = n == len(self.headings) - 1
            if self.variant == "css_colspan" or self.variant == "ixbrl":
                out.append(self._css_heading(line, last))
            else:
                cells = "".join(self._heading_cell(text, last) for text in line)
                out.append(f"<tr>{self._leading() or '<td></td>'}{cells}</tr>")
        return out

    def _heading_cell(self, text: str, last: bool) -> str:
        if self.variant == "font_soup":
            rule = "<hr size=1 noshade>" if last and self.layout.year_underline else ""
            return f'<td></td><td align="center"><font size="2"><b>{escape(text)}</b></font>{rule}</td>'
        line = "<br>____________" if last and self.layout.year_underline else ""
        return f'<td>&nbsp;</td><td colspan="3" align="center"><b>{escape(text)}</b>{line}</td>'

    def _css_heading(self, line: list[str], last: bool) -> str:
        """'December 31,' spanning the years when only one column prints it."""
        border = "border-bottom:1px solid #000;" if last and self.layout.year_underline else ""
        texts = [t for t in line if t]
        if len(texts) == 1 and len(line) == 2 and not last:
            return f'<tr><td></td><td colspan="{4 * len(line) - 1}" style="text-align:center;font-weight:bold">{escape(texts[0])}</td></tr>'
        cells = "".join(
            f'<td style="width:1%"></td><td colspan="3" style="text-align:center;font-weight:bold;{border}">{escape(t)}</td>'
            for t in line
        )
        return f"<tr><td></td>{cells}</tr>"

    # -- body --

    def _row(self, i: int, first: bool, page_break: bool) -> list[str]:
        row, lay = self.rows[i], self.layout
        columns = self._columns()
        attr = ' style="page-break-before:always"' if page_break else ""
        if row.kind == "blank":
            return [f"<tr{attr}><td>&nbsp;</td></tr>"]
        out = []
        single = lay.single_rule or ("-" if row.kind == "subtotal" and not row.caption else "")
        ruled = row.kind in ("subtotal", "total") and bool(single)
        if ruled and self.variant in ("dollar_cells", "font_soup"):
            out.append(self._rule_row("_" * 12 if self.variant == "dollar_cells" else "<hr size=1 noshade>", columns))
        dollar = bool(row.figures) and (lay.dollars == "every" or lay.dollars == "first_and_total" and (first or row.kind == "total"))
        cells = [self._figure_cells(k, v, row, dollar, ruled) for k, v in enumerate(row.figures)]
        cells += [self._empty_cells()] * (columns - len(row.figures))
        out.append(f"<tr{attr}>{self._caption(row, columns)}{''.join(cells)}</tr>")
        if row.kind == "total" and lay.double_rule and self.variant == "dollar_cells":
            out.append(self._rule_row("=" * 12, columns))
        return out

    def _caption(self, row: Row, columns: int) -> str:
        lay = self.layout
        text = row.caption if row.keep_case else cased(row.caption, lay.case)
        lines = lay_.wrapped(text, lay.wrap) if lay.wrap and row.kind != "heading" else [text]
        if self.variant == "font_soup":
            spacers = '<td width="12"></td>' * row.level
            joined = "<br>&nbsp;&nbsp;".join(escape(line) for line in lines)
            return f'{spacers}<td colspan="{4 - row.level}"><font size="2">{joined}</font></td>'
        if self.variant == "dollar_cells":
            pad = "&nbsp;" * (lay.indent * row.level)
            return f"<td>{pad}" + f"<br>{pad}&nbsp;&nbsp;".join(escape(line) for line in lines) + "</td>"
        return (f'<td style="padding-left:{lay.indent * 5 * row.level}pt;text-indent:-5pt">'
                + "<br/>".join(escape(line) for line in lines) + "</td>")

    def _leading(self) -> str:
        return '<td colspan="4"></td>' if self.variant == "font_soup" else ""

    def _empty_cells(self) -> str:
        return "<td></td>" * (2 if self.variant == "font_soup" else 4)

    def _rule_row(self, mark: str, columns: int) -> str:
        cells = f'<td></td><td colspan="3" align="right">{mark}</td>' if self.variant == "dollar_cells" else f"<td></td><td>{mark}</td>"
        return f"<tr>{self._leading() or '<td></td>'}{cells * columns}</tr>"

    def _figure_cells(self, k: int, value: int | None, row: Row, dollar: bool, ruled: bool) -> str:
        if value is None:
            return self._empty_cells()
        lay = self.layout
        digits = f"{abs(value):,}" if value else lay.zero
        parens = value < 0 or bool(value) and row.deduction and lay.deductions == "parens"
        if self.style.tags is not None:
            date_ = self.dates[k] if k < len(self.dates) else None
            digits = self.style.tags.tag(digits, value, row.caption or "unlabelled", self.style.tags.context(self.which, date_, row))
        if self.variant == "font_soup":
            text = ("$&nbsp;&nbsp;&nbsp;" if dollar else "") + (f"({digits})" if parens else digits)
            return f'<td width="2%"></td><td align="right" nowrap><font size="2">{text}</font></td>'
        sign = "$" if dollar else ""
        opening = "(" if parens else ""
        closing = ")" if parens else "&nbsp;"
        if self.variant == "dollar_cells":
            return f'<td>&nbsp;</td><td>{sign}</td><td align="right">{opening}{digits}</td><td>{closing}</td>'
        top = "border-top:1px solid #000;" if ruled else ""
        bottom = "border-bottom:3px double #000;" if row.kind == "total" and lay.double_rule else ""
        return (f'<td style="width:1%"></td><td style="{top}{bottom}">{sign}</td>'
                f'<td style="text-align:right;{top}{bottom}">{opening}{digits}</td><td style="{top}{bottom}">{closing}</td>')


def measure(plans: int = 40, years: int = 5, seed: int = 98765) -> dict[str, float]:
    """Documents parsed per second, plain text against each HTML style, on the same filings."""
    import random
    import time

    from bench.synth import rich_filings
    from importers import parse_document

    rng = random.Random(seed)
    filings = [(f, Layout.draw(rng)) for f in rich_filings(plans, years, seed=seed)]
    rates = {}
    for kind in ("text", *VARIANTS, "submission"):
        documents = [(f.batch.document, _printed(kind, f, lay).encode()) for f, lay in filings]
        start = time.perf_counter()
        for name, data in documents:
            parse_document(name, data)
        rates[kind] = len(documents) / (time.perf_counter() - start)
    return rates


def _printed(kind: str, truth: Filing, layout: Layout) -> str:
    if kind == "text":
        return lay_.render(truth, layout)
    if kind == "submission":
        return render_submission(truth, layout, "css_colspan")
    return render_html(truth, layout, kind)


if __name__ == "__main__":
    for kind, rate in measure().items():
        print(f"{kind:<14}{rate:8.1f} documents/s")
