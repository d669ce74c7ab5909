"""Documents the importer must refuse, each with a reason naming the problem and its line, and
inputs it must survive: parse_document never raises and stays fast on large input."""

from __future__ import annotations

import re

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.batch import FilingBatch, Rejected, Skipped

from importers import parse_document
from importers.text import MAX_BYTES

SEEDS = Path(__file__).parent / "data" / "seeds"
FY2000 = (SEEDS / "000_7d7b012b68c2cbfb.txt").read_text()
FY2001 = (SEEDS / "001_554202e7201048b9.txt").read_text()


def lines(text: str) -> list[str]:
    return text.split("\n")


def with_line(text: str, number: int, old: str, new: str) -> bytes:
    """The document with `old` replaced by `new` on line `number` (1-based)."""
    out = lines(text)
    assert old in out[number - 1], out[number - 1]
    out[number - 1] = out[number - 1].replace(old, new)
    return "\n".join(out).encode()


def rejected(data: bytes) -> Rejected:
    result = parse_document("bad.txt", data)
    assert isinstance(result, Rejected), result
    assert result.document == "bad.txt"
    return result


def test_empty_file():
    assert "empty" in rejected(b"").reason
    assert "empty" in rejected(b"  \n\n \r\n").reason


def test_binary_file():
    result = rejected(b"\x07\x01\x00\x00\x00" + bytes(range(256)) * 4)
    assert "binary" in result.reason
    assert result.line == 1


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"GIF89a\x01\x00\x00\x00" + bytes(range(256)), "GIF image"),
        (b"\x89PNG\r\n\x1a\n" + bytes(256), "PNG image"),
        (b"PK\x03\x04" + bytes(64) + b"xl/workbook.xml", "XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "XLS or DOC"),
        (b"{\\rtf1\\ansi Form 11-K", "RTF"),
    ],
)
def test_a_format_no_reader_reads_is_named(data, named):
    result = rejected(data)
    assert named in result.reason and "not supported" in result.reason


def test_binary_bytes_inside_a_filing_name_their_line():
    data = FY2000.encode().replace(b"Cash   ", b"Ca\x00sh  ", 1)
    result = rejected(data)
    assert "binary" in result.reason
    assert result.line == 179


def test_undecodable_bytes():
    result = rejected(b"FORM 11-K\nplan name\n\x81\x8d\x8f\x90\x9d\n")
    assert "not a text file" in result.reason
    assert result.line == 3


@pytest.mark.parametrize(("cut", "where"), [(170, "statement of net assets"), (218, "statement of changes")])
def test_truncated_in_the_middle_of_a_statement(cut, where):
    """Cut after line `cut`: the statement never reaches its last line."""
    kept = lines(FY2000)[:cut]
    result = rejected("\n".join(kept).encode())
    assert where in result.reason
    assert "truncated" in result.reason
    last_with_figures = max(n for n, text in enumerate(kept, start=1) if re.search(r"\d,\d{3}", text))
    assert result.line == last_with_figures  # the last row the statement printed


def test_truncated_before_the_statements():
    result = rejected("\n".join(lines(FY2000)[:100]).encode())
    assert "Form 11-K without a statement of net assets" in result.reason


def test_statement_with_a_third_figure_has_unreadable_columns():
    data = with_line(FY2000, 155, "432,724", "432,724      1,000")
    result = rejected(data)
    assert "cannot read the columns" in result.reason
    assert result.line == 155


def test_statement_without_year_headings_has_unreadable_columns():
    data = with_line(FY2000, 148, "2000          1999", "")
    result = rejected(data)
    assert "cannot read its columns" in result.reason
    assert result.line == 144


def test_a_lone_figure_between_the_columns_is_not_guessed():
    data = with_line(FY2001, 189, "1,470      150,241", "           150,241")
    data = data.replace(b"1,470", b"     ")  # the cash line now holds one figure, off both columns
    out = data.decode().split("\n")
    out[188] = "CASH" + " " * 116 + "150,241"
    result = rejected("\n".join(out).encode())
    assert "cannot read the columns" in result.reason
    assert result.line == 189


@pytest.mark.parametrize(
    ("line", "old", "new", "where"),
    [
        (155, "300,752", "3O0,752", "statement of net assets"),  # a letter O for a zero
        (155, "432,724", "432,7Z4", "statement of net assets"),  # in the last column
        (208, "173,589", "1,73,589", "statement of changes"),  # commas in the wrong places
        (583, "94,870", "9l,870", "Schedule H"),
    ],
)
def test_unparseable_amount(line, old, new, where):
    result = rejected(with_line(FY2000, line, old, new))
    assert "unreadable amount" in result.reason
    assert repr(new) in result.reason
    assert where in result.reason
    assert result.line == line


def test_too_large_is_refused_up_front_and_fast():
    data = b"x" * (50 * 1024 * 1024)
    start = time.perf_counter()
    result = rejected(data)
    assert time.perf_counter() - start < 1
    assert "too large" in result.reason
    assert str(f"{MAX_BYTES:,}") in result.reason


def test_large_document_under_the_limit_parses_in_bounded_time():
    """A filing padded with many copies of its own pages (about 15 MB) still parses quickly."""
    data = (FY2000 + "\n") * (15 * 1024 * 1024 // len(FY2000))
    start = time.perf_counter()
    result = parse_document("big.txt", data.encode())
    assert time.perf_counter() - start < 20
    assert isinstance(result, FilingBatch | Rejected)


def test_a_long_line_without_spaces_or_periods_is_cheap():
    data = b"FORM 11-K\nNotes to Financial Statements\n" + b"forfeit" * 1_000_000 + b"\n"
    start = time.perf_counter()
    parse_document("long.txt", data)
    assert time.perf_counter() - start < 10


def test_crlf_copies_parse_alike():
    unix = parse_document("a.txt", FY2000.encode())
    dos = parse_document("a.txt", FY2000.replace("\n", "\r\n").encode())
    assert isinstance(unix, FilingBatch) and isinstance(dos, FilingBatch)
    assert unix.digest == dos.digest
    assert unix.plans == dos.plans


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_never_raises_on_arbitrary_bytes(data):
    assert isinstance(parse_document("x", data), FilingBatch | Skipped | Rejected)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, 703), st.integers(0, 40), st.sampled_from(["", "--", "(1,2", "$", "  7  ", "x"])),
        max_size=6,
    )
)
def test_never_raises_on_damaged_filings(damage):
    """Delete or overwrite stretches of a real filing: the result is always a clear outcome."""
    out = lines(FY2000)
    for start, length, filler in damage:
        out[start : start + length] = [filler] if filler else []
    result = parse_document("damaged.txt", "\n".join(out).encode())
    assert isinstance(result, FilingBatch | Skipped | Rejected)
    if isinstance(result, Rejected):
        assert not result.reason.startswith("internal parser error"), result
