"""One benchmark step, run in its own process so its peak RSS is its own.

`python -m bench.steps STEP WORKDIR PLANS YEARS SEED [STORE]` prints one JSON object: what was
counted, how long it took, the rate and the process's peak RSS. Each measured step has its
baseline step beside it, run on the same rows in the same database:

- parse / (none): the plain-text importer on rendered documents (rendering is not timed);
- import_parallel / import_serial: rendered documents imported from a folder as `planledger
  import` does (read, parse, append in groups), with a parser process per core, and in one
  process (`--jobs 1`);
- ingest / raw_ingest: filings appended through the application in groups, and the same
  stored rows inserted into a table of the same shape with the driver alone (SQLite:
  `executemany`; PostgreSQL: binary COPY), committed in pages of the same size;
- rebuild / raw_rebuild: the DuckDB projections rebuilt from the store, and the same stored
  rows read a page at a time and bulk-loaded into DuckDB through Arrow;
- audit, balances, replay: every check over every plan-year; listing every year end's
  balances; one plan's replay from the store.
"""

from __future__ import annotations

import json
import resource
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from statistics import median

GROUP = 100  # filings per record_many transaction
PARSE_SAMPLE = 2_000  # documents parsed, at most: the parse rate does not depend on N
IMPORT_SAMPLE = 1_000  # documents imported by the import steps: enough groups to keep the parsers busy
PAGE = 5_000  # rows per transaction of the raw baselines (about GROUP filings' worth)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Clock:
    """Adds up only the time spent inside `with clock:` blocks."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __enter__(self) -> None:
        self._start = time.perf_counter()

    def __exit__(self, *_) -> None:
        self.seconds += time.perf_counter() - self._start


def filings(plans: int, years: int, seed: int):
    from bench.synth import synth_filings

    return synth_filings(plans, years, seed=seed, discrepancy_rate=0.01)


def groups(items, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def open_ledger(work: Path, store: str):
    from ledger.application import Ledger

    return Ledger.open(work / "home", store or None)


def step_parse(work: Path, plans: int, years: int, seed: int, store: str) -> dict:
    from bench.render import render
    from importers import parse_document

    documents = [(f.batch.document, render(f.batch).encode()) for f in islice(filings(plans, years, seed), PARSE_SAMPLE)]
    clock = Clock()
    with clock:
        for name, data in documents:
            parse_document(name, data)
    return {"count": len(documents), "unit": "documents"} | timed(clock)


REPEATS = 10_000


def repeated_holdings(times: int) -> bytes:
    """A synthetic filing whose first Schedule H line is printed `times` times (an 837 KB filing
    of 10,000 such lines once took 40 s: linking each to the ones before it was quadratic)."""
    from bench.render import render

    text = render(next(iter(filings(1, 1, 0))).batch)
    start = text.index("SCHEDULE H, LINE 4i")
    line_start = text.index("\n *   ", start) + 1
    line = text[line_start : text.index("\n", line_start) + 1]
    return (text[:line_start] + line * times + text[line_start + len(line):]).encode()


def step_repeated_holdings(work: Path, plans: int, years: int, seed: int, store: str) -> dict:
    """One filing whose holding line repeats REPEATS times, imported whole (read, appended,
    projected); the baseline is the same filing with a tenth of the repeats, per line: a ratio
    near 1 is cost linear in the document's size."""
    return import_one_document(work / "big", repeated_holdings(REPEATS), REPEATS)


def step_repeated_holdings_tenth(work: Path, plans: int, years: int, seed: int, store: str) -> dict:
    return import_one_document(work / "small", repeated_holdings(REPEATS // 10), REPEATS // 10)


def import_one_document(folder: Path, data: bytes, lines: int) -> dict:
    from ledger.importing import import_documents
    from importers import parse_document
    from projections import runner

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "repeated.txt"
    path.write_bytes(data)
    ledger = open_ledger(folder, "")
    clock = Clock()
    try:
        with clock:
            (report,) = import_documents(ledger, [path], parse_document, max_bytes=10 * len(data))
            runner.catch_up(ledger, folder / "home")
    finally:
        ledger.close()
    if report.status != "imported":
        raise RuntimeError(f"the repeated-holdings filing was not imported: {report.reason}")
    return {"count": lines, "unit": "holding lines", "bytes": len(data)} | timed(clock)


def step_import_parallel(work: Path, plans: int, years: int, seed: int, store: str) -> dict:
    from ledger.parsing import available_cores

    return import_folder(work, plans, years, seed, available_cores())


def step_import_serial(work: Path, plans: int, years: int, seed: int, store: str) -> dict:
    return import_folder(work, plans, years, seed, 1)


def import_folder(work: Path, plans: int, years: int, seed: int, jobs: int) -> dict:
    """Import the rendered documents into a ledger of their own (rendering is not timed)."""
    from importers import MAX_BYTES, iter_documents, parse_document
    from ledger.application import Ledger
    from ledger.importing import import_documents

    from bench.render import render

    folder = work / "documents"
    if not folder.is_dir():
        folder.mkdir()
        for f in islice(filings(plans, years, seed), IMPORT_SAMPLE):
            (folder / f.batch.document).write_text(render(f.batch))
    paths = list(iter_documents([folder]))
    ledger = Ledger.open(work / f"import-{jobs}")
    clock = Clock()
    with clock:
        imported = sum(r.status == "imported" for r in import_documents(ledger, paths, parse_document, MAX_BYTES, jobs=jobs))
    ledger.close()
    return {"count": imported, "unit": "documents", "jobs": jobs} | timed(clock)


def step_ingest(work: Path, plans: int, years: int, seed: int, store: str) -> dict:
    ledger = open_ledger(work, store)
    clock = Clock()
    plan_events = 0
    for group in groups((f.batch for f in filings(plans, years, seed)), GROUP):
        plan_events += sum(b.event_count for b in group)
        with clock:
            ledger.record_many(group)
    stored = ledger.recorder.max_notification_id() or 0
    ledger.close()
    return {"count": stored, "unit": "events", "plan_events": plan_events} | timed(clock)


def stored_rows(ledger) -> Iterator[list]:
    """Every stored row, a page at a time, as (originator_id, version, topic, state)."""
    start = 1
    while page := ledger.recorder.select_notifications(start, PAGE):
        yield [(n.originator_id, n.originator_version, n.topic, n.state) for n in page]
        start = page[-1].id + 1


def step_raw_ingest(work: Path, plans: int, years: int, seed: int, store: str) -> dict:
    ledger = open_ledger(work, store)
    load = raw_postgres(ledger) if store else raw_sqlite(ledger)
    clock = Clock()
    count = 0
    for rows in stored_rows(ledger):
        count += len(rows)
        with clock:
            load(rows)
    load(None)
    ledger.close()
    return {"count": count, "unit": "events"} | timed(clock)


def raw_sqlite(ledger) -> Callable:
    """executemany into a table shaped like the events table, in the same database file,
    with the same journal mode and synchronous setting the recorder's connections use."""
    path = ledger.env["SQLITE_DBNAME"]
    connection = sqlite3.connect(path, isolation_level=None)
    with ledger.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute("PRAGMA synchronous")
        mode = cursor.fetchone()[0]
    connection.execute(f"PRAGMA synchronous={mode}")
    connection.execute("DROP TABLE IF EXISTS raw_events")
    connection.execute(
        "CREATE TABLE raw_events (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB, "
        "PRIMARY KEY (originator_id, originator_version))"
    )

    def load(rows):
        if rows is None:
            connection.execute("DROP TABLE raw_events")
            connection.close()
            return
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO raw_events VALUES (?, ?, ?, ?)", [(o.hex, v, t, s) for o, v, t, s in rows]
        )
        connection.execute("COMMIT")

    return load


def raw_postgres(ledger) -> Callable:
    """COPY (binary) into a table shaped like the events table, in the same schema: the fastest
    way the driver has to insert rows, as the recorder now inserts them."""
    import psycopg

    env = ledger.env
    connection = psycopg.connect(
        host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"], dbname=env["POSTGRES_DBNAME"],
        user=env["POSTGRES_USER"], password=env.get("POSTGRES_PASSWORD") or None,
    )
    schema = env.get("POSTGRES_SCHEMA") or "public"
    connection.execute(f"DROP TABLE IF EXISTS {schema}.raw_events")
    connection.execute(
        f"CREATE TABLE {schema}.raw_events (originator_id uuid NOT NULL, originator_version bigint NOT NULL, "
        "topic text, state bytea, notification_id bigserial, PRIMARY KEY (originator_id, originator_version))"
    )
    connection.execute(f"CREATE UNIQUE INDEX ON {schema}.raw_events (notification_id)")
    connection.commit()

    def load(rows):
        if rows is None:
            connection.execute(f"DROP TABLE {schema}.raw_events")
            connection.commit()
            connection.close()
            return
        with connection.cursor() as cursor, cursor.copy(
            f"COPY {schema}.raw_events (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(["uuid", "int8", "text", "bytea"])
            for row in rows:
                copy.write_row(row)
        connection.commit()

    return load


def step_rebuild(work: Path, plans: int, years: int, seed: int, store: str) -> dict:
    from projections import runner

    ledger = open_ledger(work, store)
    clock = Clock()
    with clock:
        added = runner.rebuild(ledger, work / "home")
    ledger.close()
    return {"count": added, "unit": "events"} | timed(clock)


def step_raw_rebuild(work: Path, plans: int, years: int, seed: int, store: str) -> dict:
    import duckdb
    import pyarrow as pa

    from projections.runner import PAGE_SIZE, settings

    ledger = open_ledger(work, store)
    path = work / "raw.duckdb"
    path.unlink(missing_ok=True)
    connection = duckdb.connect(str(path), config=settings())
    connection.execute(
        "CREATE TABLE raw_events (notification_id BIGINT, originator_id UUID, originator_version INTEGER, "
        "topic VARCHAR, state BLOB)"
    )
    clock = Clock()
    count = 0
    start = 1
    with clock:
        while page := ledger.recorder.select_notifications(start, PAGE_SIZE):
            table = pa.table(
                {
                    "notification_id": [n.id for n in page],
                    "originator_id": [str(n.originator_id) for n in page],
                    "originator_version": [n.originator_version for n in page],
                    "topic": [n.topic for n in page],
                    "state": [n.state for n in page],
                }
            )
            connection.begin()
            connection.register("page_rows", table)
            connection.execute("INSERT INTO raw_events SELECT * FROM page_rows")
            connection.unregister("page_rows")
            connection.commit()
            count += len(page)
            start = page[-1].id + 1
        connection.execute("CHECKPOINT")
    connection.close()
    ledger.close()
    path.unlink()
    return {"count": count, "unit": "events"} | timed(clock)


def step_audit(work: Path, plans: int, years: int, seed: int, store: str) -> dict:
    """Every check over every plan-year, from the projections as a rebuild left them."""
    from projections.audit import findings
    from projections.runner import read_only

    with read_only(work / "home") as connection:
        clock = Clock()
        with clock:
            found = findings(connection)
        year_ends = connection.execute("SELECT count(*) FROM net_assets").fetchone()[0]
    return {"count": year_ends, "unit": "plan-years", "findings": len(found)} | timed(clock)


def step_balances(work: Path, plans: int, years: int, seed: int, store: str) -> dict:
    """Listing every year end's balances, as `planledger audit` prints them."""
    from projections.audit import balances
    from projections.runner import read_only

    with read_only(work / "home") as connection:
        clock = Clock()
        with clock:
            listed = balances(connection)
    return {"count": len(listed), "unit": "plan-years"} | timed(clock)


def step_replay(work: Path, plans: int, years: int, seed: int, store: str) -> dict:
    """The median and slowest of one replay for each of up to 25 plans spread over the store."""
    from ledger.identity import new_plan_id, plan_keys
    from ledger.replay import replay

    from bench.synth import plan_ref

    ledger = open_ledger(work, store)
    times = []
    for p in range(0, plans, max(1, plans // 25)):
        ref = plan_ref(p)
        plan_id = new_plan_id(plan_keys(ref.name, ref.ein, ref.plan_number)[0])
        clock = Clock()
        with clock:
            state = replay(ledger.plan_events(plan_id))
        assert len(state.year_ends) == years + 1, "the plan was not replayed whole"
        times.append(clock.seconds)
    ledger.close()
    return {"count": len(times), "unit": "plans", "seconds": median(times), "slowest": max(times),
            "rate": 1 / median(times)}


def timed(clock: Clock) -> dict:
    return {"seconds": clock.seconds}


STEPS = {name.removeprefix("step_"): fn for name, fn in globals().items() if name.startswith("step_")}


def main(argv: list[str]) -> None:
    step, work, plans, years, seed, *store = argv
    work = Path(work)
    result = STEPS[step](work, int(plans), int(years), int(seed), store[0] if store else "")
    if "rate" not in result:
        result["rate"] = result["count"] / result["seconds"] if result["seconds"] else 0.0
    result["peak_rss_mib"] = peak_rss_mib()
    print(json.dumps({"step": step} | result))


if __name__ == "__main__":
    main(sys.argv[1:])
