"""Hostile input: the sample filings mutated every way a damaged or malicious document might be
(truncated, lines shuffled or dropped, digits flipped, control characters and garbage inserted,
other encodings, enormous numbers), a 50 MB file and a file that is not text. Each import
either stores the whole filing or rejects it with a clear reason; nothing raises, nothing is
written in part, and each document costs bounded time and memory."""

from __future__ import annotations

import codecs
import json
import os
import re
import resource
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from importers import parse_document
from ledger.application import Ledger
from ledger.prepared import validate
from ledger.batch import FilingBatch, Rejected, Skipped
from ledger.importing import import_one
from projections.rows import EventColumns
from tests.bulk import check_whole_filings
from tests.cli import planledger

DATA = Path(__file__).parent / "data"
SAMPLES = [p.read_bytes() for p in [*sorted((DATA / "seeds").glob("*.txt")), *sorted((DATA / "filings").glob("*.txt"))]]
SECONDS_PER_DOCUMENT = 15.0  # a sample parses in under 0.1 s; a blow-up takes minutes. Under tracemalloc, with both
# cores busy, a filing with three 5,000-digit figures once took 5.2 s
PEAK_BYTES = 64 * 1024 * 1024
FIGURE = re.compile(rb"\d{1,3}(?:,\d{3})+")
CONTROLS = [chr(c) for c in [*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F]]

hostile = settings(
    max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def lines_of(data: bytes) -> list[bytes]:
    return data.split(b"\n")


@st.composite
def truncated(draw):
    data = draw(st.sampled_from(SAMPLES))
    return data[: draw(st.integers(0, len(data)))]


@st.composite
def lines_shuffled_or_dropped(draw):
    lines = lines_of(draw(st.sampled_from(SAMPLES)))
    rng = draw(st.randoms(use_true_random=False))
    start = draw(st.integers(0, len(lines) - 1))
    window = lines[start : start + draw(st.integers(2, 80))]
    if draw(st.booleans()):
        rng.shuffle(window)
    else:
        window = [line for line in window if rng.random() < 0.7]
    return b"\n".join(lines[:start] + window + lines[start + 80 :])


@st.composite
def digits_flipped(draw):
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    digits = [i for i, b in enumerate(data) if 0x30 <= b <= 0x39]
    for i in draw(st.lists(st.sampled_from(digits), min_size=1, max_size=20)):
        data[i] = ord(draw(st.sampled_from("0123456789")))
    return bytes(data)


@st.composite
def with_inserts(draw, pieces):
    """The sample with `pieces` inserted at random places."""
    data = draw(st.sampled_from(SAMPLES))
    for piece in draw(st.lists(pieces, min_size=1, max_size=12)):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + piece + data[at:]
    return data


control_characters = with_inserts(st.text(st.sampled_from(CONTROLS), min_size=1, max_size=40).map(str.encode))
garbage = with_inserts(st.binary(min_size=1, max_size=300) | st.text(max_size=100).map(str.encode))


@st.composite
def other_encodings(draw):
    """The sample with non-ASCII text added, in an encoding a filer's system might have used."""
    text = draw(st.sampled_from(SAMPLES)).decode()
    accented = draw(st.sampled_from(["Société Générale", "Müller GmbH", "Ñandú Fund", "Fund — “Class A”", "株式会社"]))
    lines = text.split("\n")
    at = draw(st.integers(0, len(lines)))
    text = "\n".join([*lines[:at], accented, *lines[at:]])
    encoding = draw(st.sampled_from(["utf-8-sig", "utf-16", "utf-16-be", "utf-32", "latin-1", "cp1252", "cp500", "mac_roman", "shift_jis"]))
    return codecs.encode(text, encoding, errors="replace")


@st.composite
def enormous_numbers(draw):
    """Figures replaced by numbers no plan reports: too many digits, or fractions of a cent."""
    data = draw(st.sampled_from([s for s in SAMPLES if FIGURE.search(s)]))
    figures = list(FIGURE.finditer(data))
    for m in draw(st.lists(st.sampled_from(figures), min_size=1, max_size=3, unique_by=lambda m: m.start())):
        digits = draw(st.integers(13, 5000))
        number = draw(
            st.sampled_from(
                [b"9" * digits, f"{10 ** min(digits, 60):,}".encode(), b"1." + b"5" * digits, b"1" + b"0" * digits + b".25"]
            )
        )
        data = data.replace(m.group(), number, 1)
    return data


MUTATIONS = {
    "truncated": truncated(),
    "lines shuffled or dropped": lines_shuffled_or_dropped(),
    "digits flipped": digits_flipped(),
    "control characters": control_characters,
    "garbage": garbage,
    "other encodings": other_encodings(),
    "enormous numbers": enormous_numbers(),
}


def parse_bounded(data: bytes):
    """Parse, asserting the time and memory it took."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = parse_document("hostile.txt", data)
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seconds < SECONDS_PER_DOCUMENT
    assert peak < PEAK_BYTES
    return result


def check_figures_are_storable(batch: FilingBatch) -> None:
    """Every figure is an exact decimal a plan could report, and fits the projections' columns."""
    columns = EventColumns(earlier=lambda plan_id, filing_id: None)
    for plan in batch.plans:
        for fact in plan.events:
            for value in msgspec.structs.asdict(fact).values():
                if isinstance(value, Decimal):
                    assert value.is_finite() and abs(value) < Decimal(10) ** 12, (value, fact.provenance)
            columns.add(1, fact)
    columns.flush()
    columns.table()  # raises if a figure does not fit DECIMAL(18, 2)


@pytest.mark.parametrize("kind", MUTATIONS)
@hostile
@given(drawn=st.data())
def test_mutated_filings_are_stored_whole_or_rejected_clearly(kind, drawn):
    result = parse_bounded(drawn.draw(MUTATIONS[kind], label=kind))
    event(type(result).__name__)
    assert isinstance(result, FilingBatch | Skipped | Rejected)
    ledger = Ledger.open(Path("."), "sqlite:///:memory:")
    try:
        report = import_one(ledger, "hostile.txt", result)
        if isinstance(result, FilingBatch):
            validate(result)
            check_figures_are_storable(result)
            assert report.status == "imported"
            assert check_whole_filings(ledger) == {result.filing_id: result.event_count}
        else:
            assert result.reason.strip()
            assert not result.reason.startswith("internal parser error"), result.reason
            assert report.status == ("rejected" if isinstance(result, Rejected) else "skipped")
            assert not ledger.recorder.max_notification_id()
    finally:
        ledger.close()


def test_an_enormous_figure_is_rejected_and_a_large_one_stored_exactly(tmp_path):
    """A figure of 30 digits would lose digits in arithmetic and overflow the projections'
    DECIMAL(18, 2); it is refused naming its line. $999,999,999,999.99 is kept to the cent."""
    sample = (DATA / "seeds" / "000_7d7b012b68c2cbfb.txt").read_bytes()
    (tmp_path / "enormous.txt").write_bytes(sample.replace(b"432,724", b"999999999999999999999999999999", 1))
    (tmp_path / "large.txt").write_bytes(sample.replace(b"432,724", b"999,999,999,999.99", 1))

    result = planledger(tmp_path / "home", "import", str(tmp_path / "enormous.txt"), "--format", "json")
    assert result.returncode == 1
    (report,) = json.loads(result.stdout)
    assert report["status"] == "rejected" and report["line"] == 155
    assert "out of range" in report["reason"] and "999999999999999999999999999999" in report["reason"]

    result = planledger(tmp_path / "home", "import", str(tmp_path / "large.txt"))
    assert result.returncode == 0, result.stderr
    query = "SELECT amount FROM events WHERE line = 155 AND type = 'HoldingReported' ORDER BY amount"
    result = planledger(tmp_path / "home", "query", query, "--format", "json")
    assert json.loads(result.stdout) == [{"amount": "300752.00"}, {"amount": "999999999999.99"}]


def test_a_50_mb_file_and_a_binary_file_are_rejected_by_name_writing_nothing(tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    big, binary = folder / "big.txt", folder / "scan.pdf"
    big.write_bytes((SAMPLES[0] + b"\n") * (50 * 1024 * 1024 // len(SAMPLES[0])))
    binary.write_bytes(os.urandom(200_000))

    start = time.perf_counter()
    result = planledger(tmp_path / "home", "import", str(folder), "--format", "json")
    assert time.perf_counter() - start < 60
    assert result.returncode == 1
    reports = {Path(r["document"]).name: r for r in json.loads(result.stdout)}
    assert reports["big.txt"]["status"] == "rejected" and "too large" in reports["big.txt"]["reason"]
    assert reports["scan.pdf"]["status"] == "rejected"
    assert re.search(r"binary|not a text file", reports["scan.pdf"]["reason"])
    assert "0 imported, 0 duplicate, 0 skipped, 2 rejected" in result.stderr
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1024 * 1024  # KiB: under 1 GiB

    ledger = Ledger.open(tmp_path / "home")
    try:
        assert not ledger.recorder.max_notification_id()
    finally:
        ledger.close()
