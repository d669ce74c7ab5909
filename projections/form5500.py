"""The `form5500` projection: one row per Form5500Reported, one DECIMAL(18,2) column per measure.

A million plan-years are a million of these events, each a hundred figures: they are never
decoded into Python objects. The page's stored JSON goes to DuckDB as it is and `from_json`
shreds it there, into the columns `ledger.form5500` declares (a measure's column is read from the
dataset column its schedule prints it in). The SQL below is generated from those declarations:
the table, the lines each measure is printed on, and the checks that follow the form's own sums
(`TOTALS`, `ROLL`).
"""

from __future__ import annotations

import json
from functools import cache

import pyarrow as pa

from ledger import events as ev
from ledger.form5500 import ANSWERS, LINES, MEASURES, ROLL, TOTALS
from ledger.transcoding import _topic
from projections.rows import PlanFilingHead

TOPIC = _topic(ev.Form5500Reported)
ANSWER_MEASURES: tuple[str, ...] = tuple(dict.fromkeys(m for answers in ANSWERS.values() for m in answers.values()))
SCHEDULES = tuple(LINES)


def answer_column(measure: str) -> str:
    """The column holding a Part IV yes/no answer (`late_contributions_answer`)."""
    return f"{measure}_answer"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


RAW_SCHEMA = pa.schema(
    [
        ("notification_id", pa.int64()),
        ("state", pa.string()),
        ("filing_document", pa.string()),
        ("filing_year_end", pa.date32()),
        ("filing_prior_year_end", pa.date32()),
        ("period_start", pa.date32()),
    ]
)

class RawRows:
    """A page's Form5500Reported events as stored, with their filing's head (the plan's
    FilingReported before them): loaded as one Arrow table and shredded in DuckDB."""

    def __init__(self) -> None:
        self.columns: dict[str, list] = {name: [] for name in RAW_SCHEMA.names}

    def __len__(self) -> int:
        return len(self.columns["notification_id"])

    def add(self, notification_id: int, state: bytes, head: PlanFilingHead) -> None:
        c = self.columns
        c["notification_id"].append(notification_id)
        c["state"].append(state)
        c["filing_document"].append(head[0])
        c["filing_year_end"].append(head[1])
        c["filing_prior_year_end"].append(head[2])
        c["period_start"].append(head[3])

    def table(self) -> pa.Table:
        arrays = [pa.array(self.columns["notification_id"], pa.int64()), pa.array(self.columns["state"], pa.binary()).cast(pa.string())]
        arrays += [pa.array(self.columns[name], RAW_SCHEMA.field(name).type) for name in RAW_SCHEMA.names[2:]]
        return pa.Table.from_arrays(arrays, schema=RAW_SCHEMA)


def _columns_read() -> dict[str, str]:
    """Every dataset column any schedule's measure is read from, as `from_json` types it."""
    return {x.column: "DECIMAL(18,2)" for lines in LINES.values() for x in lines}


def _structure() -> str:
    """The JSON structure `from_json` shreds a stored Form5500Reported by."""
    answers = {column: "BOOLEAN" for a in ANSWERS.values() for column in a}
    return json.dumps(
        {
            "originator_id": "UUID", "originator_version": "INTEGER", "as_of": "DATE", "known_at": "DATE",
            "provenance": {"filing_id": "UUID", "section": "VARCHAR", "line": "INTEGER", "text": "VARCHAR", "document": "VARCHAR"},
            "ack_id": "VARCHAR", "schedule": "VARCHAR", "form_year": "INTEGER", "amended": "BOOLEAN",
            "amounts": _columns_read(), "answers": answers,
            "opinion": "VARCHAR", "accountant": "VARCHAR", "accountant_ein": "VARCHAR",
        }
    )


def _by_schedule(measure: str, columns: dict[str, dict[str, str]], path: str) -> str:
    """The expression reading `measure` from the column its row's schedule prints it in. The three
    schedules' column names never coincide and a row holds only its own schedule's, so the first
    present is that one (a coalesce costs a third less than a CASE on the schedule)."""
    read = [f"j.{path}.{columns[s][measure]}" for s in SCHEDULES if measure in columns[s]]
    if not read:
        return "NULL"
    return read[0] if len(read) == 1 else f"coalesce({', '.join(read)})"



def table_statement() -> str:
    measures = ",\n    ".join(f"{m} DECIMAL(18, 2)" for m in MEASURES)
    answers = ",\n    ".join(f"{answer_column(m)} BOOLEAN" for m in ANSWER_MEASURES)
    return f"""CREATE TABLE IF NOT EXISTS form5500 (
    notification_id BIGINT NOT NULL,
    plan_id UUID NOT NULL,
    position INTEGER NOT NULL,
    filing_id UUID NOT NULL,
    ack_id VARCHAR NOT NULL,
    schedule VARCHAR NOT NULL,
    form_year INTEGER NOT NULL,
    amended BOOLEAN NOT NULL,
    as_of DATE NOT NULL,
    period_start DATE,
    known_at DATE NOT NULL,
    document VARCHAR,
    section VARCHAR NOT NULL,
    line INTEGER NOT NULL,
    text VARCHAR,
    opinion VARCHAR,
    accountant VARCHAR,
    accountant_ein VARCHAR,
    {measures},
    {answers}
)"""


@cache
def insert_statement() -> str:
    """Shred the registered `form5500_page` (RAW_SCHEMA) into `form5500` rows."""
    amounts = {s: {x.measure: x.column for x in lines} for s, lines in LINES.items()}
    answers = {s: {measure: column for column, measure in a.items()} for s, a in ANSWERS.items()}
    measures = ",\n       ".join(f"{_by_schedule(m, amounts, 'amounts')} AS {m}" for m in MEASURES)
    answered = ",\n       ".join(f"{_by_schedule(m, answers, 'answers')} AS {answer_column(m)}" for m in ANSWER_MEASURES)
    return f"""INSERT INTO form5500
WITH shredded AS MATERIALIZED (  -- parsed once: the columns below read one struct, not the JSON again each
    SELECT notification_id, period_start, filing_document, from_json(state, {_quote(_structure())}) AS j
    FROM form5500_page WHERE notification_id <= $last
)
SELECT notification_id, j.originator_id, j.originator_version, j.provenance.filing_id, j.ack_id, j.schedule, j.form_year,
       coalesce(j.amended, false), j.as_of, period_start, j.known_at,
       coalesce(nullif(j.provenance.document, ''), filing_document), j.provenance.section, j.provenance.line, j.provenance.text,
       j.opinion, j.accountant, j.accountant_ein,
       {measures},
       {answered}
FROM shredded"""


# The per-event row each Form5500Reported also gets in `events` (so plans, filings and chain
# positions count it), without its figures: those are in `form5500`.
EVENTS_STATEMENT = """INSERT INTO events
SELECT f.notification_id, f.plan_id, f.position, 'Form5500Reported', f.as_of, f.known_at, f.period_start,
       NULL, NULL, NULL, f.schedule, NULL, NULL, NULL, NULL,
       json_object('ack_id', f.ack_id, 'schedule', f.schedule, 'form_year', f.form_year, 'amended', f.amended),
       f.filing_id, f.document, p.filing_year_end, p.filing_prior_year_end, f.section, f.line, coalesce(f.text, ''),
       NULL, 'dollars', NULL
FROM form5500 f JOIN form5500_page p USING (notification_id)"""


def _lines_view() -> str:
    rows = ",\n    ".join(
        f"({_quote(s)}, {_quote(x.measure)}, {_quote(x.column)}, {_quote(x.line)}, {_quote(x.caption)})"
        for s, lines in LINES.items() for x in lines
    )
    return f"""CREATE OR REPLACE VIEW form5500_lines AS
SELECT * FROM (VALUES
    {rows}
) AS t(schedule, measure, column_name, form_line, caption)"""


def _cell_macro() -> str:
    """One figure of a filing as a finding's source: the file, its row, the DOL column and the form's line."""
    return (
        "CREATE OR REPLACE MACRO form5500_cell(document, section, line, column_name, form_line, text, amount) AS "
        "{'document': document, 'section': section, 'line': line, 'column': column_name, 'form_line': form_line, 'text': text, 'amount': amount}"
    )


def _signed(item: str) -> tuple[str, str]:
    return ("-", item[1:]) if item.startswith("-") else ("+", item)


def _sum(items: tuple[str, ...]) -> str:
    """The items added (a "-" prefix subtracts), absent ones counting as 0: NULL unless one is present."""
    terms = " ".join(f"{sign} coalesce({m}, 0)" for sign, m in map(_signed, items)).lstrip("+ ")
    present = " OR ".join(f"{m} IS NOT NULL" for _, m in map(_signed, items))
    return f"CASE WHEN {present} THEN {terms} END"


def _cells(schedule: str, measures: list[str]) -> str:
    """The cells behind a check, as sources (the column and line written out: a MAP per cell costs binding time)."""
    lines = {x.measure: x for x in LINES[schedule]}
    cells = ", ".join(
        f"{{'document': document, 'section': section, 'line': line, 'column': {_quote(lines[m].column)}, "
        f"'form_line': {_quote(lines[m].line)}, 'text': text, 'amount': {m}}}"
        for m in measures
    )
    return f"list_filter([{cells}], lambda x: x.amount IS NOT NULL)"


def _check_macro(name: str, check: str, detail: str, sums: dict[str, list[tuple[str, str, list[str], str]]]) -> str:
    """A table macro over the latest filing of each plan-year: per schedule, (subject, expected,
    the measures behind it, actual) compared; only the failing filings' lists are built."""
    failing = " OR ".join(
        f"(schedule = {_quote(s)} AND ({' OR '.join(f'({expected}) <> {actual}' for _, expected, _, actual in checks)}))"
        for s, checks in sums.items()
    )
    lists = " ".join(
        f"WHEN {_quote(s)} THEN ["
        + ", ".join(
            f"{{'subject': {_quote(subject)}, 'expected': {expected}, 'actual': {actual}, 'sources': {_cells(s, [actual, *measures])}}}"
            for subject, expected, measures, actual in checks
        )
        + "]"
        for s, checks in sums.items()
    )
    return f"""CREATE OR REPLACE MACRO {name}(k) AS TABLE
    WITH candidates AS MATERIALIZED (  -- the sums checked over the table first: only the few failing rows are matched to the latest
        SELECT * FROM form5500 WHERE known_at <= k AND ({failing})
    ), failing AS (
        SELECT * FROM candidates c WHERE NOT form5500_replaced(k, c.plan_id, c.as_of, c.known_at, c.notification_id)
    ), checked AS (SELECT plan_id, as_of, unnest(CASE schedule {lists} END) AS c FROM failing)
    SELECT {_quote(check)} AS "check", plan_id, as_of, c.subject, c.expected, c.actual, []::BIGINT[] AS source_ids,
           {_quote(detail)} AS detail, c.sources
    FROM checked
    WHERE c.expected <> c.actual"""


def footing_macro() -> str:
    sums = {
        s: [(t.measure, _sum(t.items), [_signed(i)[1] for i in t.items], t.measure) for t in totals]
        for s, totals in TOTALS.items()
    }
    return _check_macro(
        "audit_form5500_footing_known", "form5500_footing",
        "the Form 5500's lines do not sum to the total it prints", sums,
    )


def roll_forward_macro() -> str:
    sums = {}
    for s, items in ROLL.items():
        terms = " ".join(f"{sign} coalesce({m}, 0)" for sign, m in map(_signed, items)).lstrip("+ ")
        expected = f"CASE WHEN net_assets_boy IS NOT NULL AND net_income IS NOT NULL THEN {terms} END"
        sums[s] = [("net_assets_eoy", expected, [_signed(i)[1] for i in items], "net_assets_eoy")]
    return _check_macro(
        "audit_form5500_roll_forward_known", "form5500_roll_forward",
        "net assets at the beginning of the year plus net income and transfers do not give the net assets at its end", sums,
    )


def _known() -> list[str]:
    """The filing of each plan-year latest known on k: an amended filing is later knowledge."""
    return [
        # picked on three narrow columns, then the wide rows fetched: a window over every column would sort them all
        "CREATE OR REPLACE MACRO form5500_known_ids(k) AS TABLE "
        "SELECT arg_max(notification_id, recency(known_at, notification_id)) AS notification_id FROM form5500 WHERE known_at <= k GROUP BY plan_id, as_of",
        "CREATE OR REPLACE MACRO form5500_known(k) AS TABLE SELECT * FROM form5500 SEMI JOIN form5500_known_ids(k) USING (notification_id)",
        # for a few rows: a filing of the same plan-year known later (by k) replaces this one
        "CREATE OR REPLACE MACRO form5500_replaced(k, plan, year_end, known, id) AS EXISTS (SELECT 1 FROM form5500 l "
        "WHERE l.plan_id = plan AND l.as_of = year_end AND l.known_at <= k AND recency(l.known_at, l.notification_id) > recency(known, id))",
        "CREATE OR REPLACE VIEW form5500_latest AS SELECT * FROM form5500_known(DATE '9999-12-31')",
    ]


def _figures_view() -> str:
    """Every figure of every filing on a row of its own, with the dataset column and form line it was read from."""
    kept = "notification_id, plan_id, filing_id, ack_id, schedule, form_year, amended, as_of, period_start, known_at, document, section, line"
    return f"""CREATE OR REPLACE VIEW form5500_figures AS
SELECT u.notification_id, u.plan_id, u.filing_id, u.ack_id, u.schedule, u.form_year, u.amended, u.as_of, u.period_start,
       u.known_at, u.document, u.section, u.line, l.column_name, l.form_line, u.measure, l.caption, u.amount
FROM (UNPIVOT (SELECT {kept}, {", ".join(MEASURES)} FROM form5500) ON {", ".join(MEASURES)} INTO NAME measure VALUE amount) u
JOIN form5500_lines l USING (schedule, measure)"""


def statements() -> list[str]:
    """The projection's table and the SQL generated from the form's declarations, in order."""
    return [table_statement(), *_known(), _lines_view(), _figures_view(), _cell_macro(), footing_macro(), roll_forward_macro()]
