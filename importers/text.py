"""Reading a plain-text filing: lines, amounts, dates, and the figures at the end of a line.

Everything here works on one line at a time with regexes compiled once and without nested
quantifiers, so a large document costs time in proportion to its size.
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from importers.errors import ParseError

MAX_BYTES = 20 * 1024 * 1024
"""Larger documents are refused up front; a real 11-K is well under 1 MB."""

_TAG_ONLY = re.compile(r"^\s*(?:</?[A-Za-z][A-Za-z0-9-]{0,20}>\s*)+$")
_TABLE_TAG = re.compile(r"</?(?:S|C|FN|F\d{1,2}|TABLE|CAPTION|PAGE)>", re.IGNORECASE)
_PAGE_TAG = re.compile(r"<PAGE>", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^\s{8,}(?:-\s*)?(?:page\s+)?(?:[A-Z]-)?\d{1,3}(?:\s*-)?$", re.IGNORECASE)
_RULE_TOKEN = re.compile(r"^[-=_]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_WIDE_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class Line:
    no: int  # 1-based, as `grep -n` counts
    raw: str  # as printed, right-stripped
    text: str  # tabs expanded, markup-only lines blanked: what the parsers read
    page_break: bool = False

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip())


def decode(data: bytes) -> list[Line]:
    """The document's lines, or a ParseError saying why it is not a text document."""
    if not data.strip():
        raise ParseError("empty document")
    if len(data) > MAX_BYTES:
        raise ParseError(f"document too large: {len(data):,} bytes (limit {MAX_BYTES:,})")
    wide = next((encoding for bom, encoding in _WIDE_BOMS if data.startswith(bom)), None)
    if wide:
        try:
            data = data.decode(wide).encode()
        except UnicodeDecodeError as e:
            raise ParseError(f"not a text file: invalid {wide.upper()} at byte {e.start}") from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ParseError("binary file (NUL byte), not a text filing", data.count(b"\n", 0, nul) + 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            line = data.count(b"\n", 0, e.start) + 1
            raise ParseError(f"not a text file: undecodable byte 0x{data[e.start]:02x}", line) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 200):
        raise ParseError(f"binary file: {controls} control characters, not a text filing")
    return [_line(no, raw) for no, raw in enumerate(text.split("\n"), start=1)]


def _line(no: int, raw: str) -> Line:
    raw = raw.rstrip()
    page_break = "\f" in raw or bool(_PAGE_TAG.search(raw))
    text = raw.replace("\f", " ").expandtabs(8)
    if _TAG_ONLY.match(text):
        text = ""
    elif "<" in text:
        text = _TABLE_TAG.sub(lambda m: " " * len(m.group()), text)
    return Line(no, raw, text, page_break)


@functools.lru_cache(maxsize=8192)
def is_rule(text: str) -> bool:
    """An underline: only dashes, equals signs or underscores ('----', '====', '- ----')."""
    tokens = text.split()
    return bool(tokens) and all(_RULE_TOKEN.match(t) for t in tokens) and max(map(len, tokens)) >= 4


def rule_segments(text: str) -> list[tuple[int, int]]:
    """Column extents drawn by an underline line; '- ----' (an EDGAR artefact) counts as one."""
    segments: list[tuple[int, int]] = []
    for m in re.finditer(r"[-=_]+", text):
        if segments and m.start() - segments[-1][1] == 1 and segments[-1][1] - segments[-1][0] == 1:
            segments[-1] = (segments[-1][0], m.end())
        else:
            segments.append((m.start(), m.end()))
    return segments


def is_page_number(line: Line) -> bool:
    return bool(_PAGE_NUMBER.match(line.text))


# -- Amounts --------------------------------------------------------------------------------

_AMOUNT = re.compile(r"(-)?(\()?(-)?\$?(\()?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\))?")
_DASH = re.compile(r"\$?(?:-{1,3}|\u2014|\u2013|-0-)")
_LOOKS_NUMERIC = re.compile(r"\(?\$?\(?[0-9]\S*")  # starts like a figure: "1,18?,450", "3O0,752"
_CAPTION_LIKE = re.compile(r"\d+|-{1,3}|\u2014|\u2013")  # one space after a word: part of the caption
_FOOTNOTE = re.compile(r"(?:\([a-z]\)|\*+)$")


@dataclass(frozen=True, slots=True)
class Figure:
    value: Decimal
    start: int  # column where the printed figure starts (including '$' and '(')
    end: int  # column just after its last digit: what typists align
    raw: str


def parse_amount(token: str) -> Decimal | None:
    """'$(1,234)' -> -1234; '--' -> 0; anything else that is not an amount -> None."""
    if _DASH.fullmatch(token):
        return Decimal(0)
    m = _AMOUNT.fullmatch(token)
    if not m:
        return None
    minus, open1, minus2, open2, digits, decimals, close = m.groups()
    if bool(open1 or open2) != bool(close):
        return None
    value = Decimal(digits.replace(",", "") + (decimals or ""))
    return -value if (open1 or open2 or minus or minus2) else value


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """Whitespace-separated tokens, with a lone '$' or '(' joined to the figure after it."""
    out: list[tuple[int, int, str]] = []
    for m in re.finditer(r"\S+", text):
        if out and out[-1][2] in ("$", "(", "$(", "($"):
            start, _, head = out.pop()
            out.append((start, m.end(), head + m.group()))
        else:
            out.append((m.start(), m.end(), m.group()))
    return out


def _digit_end(end: int, token: str) -> int:
    """Where the last digit ends: what typists align ('$  1,234' counts to its 4, '(5)' to 5)."""
    return end - (len(token) - len(token.rstrip(")")))


def trailing_figures(text: str, limit: int = 4) -> tuple[str, list[Figure]]:
    """Split a statement line into its caption and the figures printed after it.

    Raises ParseError (without a line; the caller adds it) when the token just before the
    figures looks like a mistyped amount ('1,2O3'), which must not pass as part of a caption.
    """
    tokens = _tokens(text)
    figures: list[Figure] = []
    while tokens and len(figures) < limit:
        start, end, token = tokens[-1]
        value = parse_amount(token)
        if value is None and _FOOTNOTE.search(token) and any(c.isdigit() for c in token):
            value = parse_amount(_FOOTNOTE.sub("", token))  # '$3,430(a)': a figure with its footnote mark
        if value is None:
            break
        figures.append(Figure(value, start, _digit_end(end, token), token))
        tokens.pop()
    figures.reverse()
    while figures and tokens and _CAPTION_LIKE.fullmatch(figures[0].raw) and figures[0].start - tokens[-1][1] == 1:
        first = figures.pop(0)
        tokens.append((first.start, first.end, first.raw))
    if tokens:
        start, end, token = tokens[-1]
        gap_before = start - tokens[-2][1] if len(tokens) > 1 else start
        if gap_before >= 2 and looks_like_bad_amount(token):
            raise ParseError(f"unreadable amount {token!r}")
    label_end = tokens[-1][1] if tokens else 0
    return text[:label_end].strip(), figures


def looks_like_bad_amount(token: str) -> bool:
    """A token shaped like an amount that is not one: '1,2O3', '12,34', '4.5.6'."""
    if parse_amount(token) is not None or not _LOOKS_NUMERIC.fullmatch(token):
        return False
    core = token.strip("$()")
    return "," in core or core.count(".") > 1 or re.search(r"\d[A-Za-z]+\d", core) is not None


def cell_amount(text: str) -> Decimal | None:
    """An amount in a table cell, ignoring footnote marks: '$3,430(a)' -> 3430."""
    token = _FOOTNOTE.sub("", text.strip()).replace(" ", "")
    return parse_amount(token) if token else None


# -- Words, numbers and dates ----------------------------------------------------------------

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
MONTH_PATTERN = r"(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
DATE = re.compile(MONTH_PATTERN + r"\s+(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*((?:19|20)\d{2})\b", re.IGNORECASE)
_DAY_OF = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+day\s+of\s+" + MONTH_PATTERN + r"\s*,?\s*((?:19|20)\d{2})\b", re.IGNORECASE
)
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, int, date]]:
    """Every 'June 28, 2001' or '30th day of June, 2003' in text: (start, end, date)."""
    found = []
    for m in DATE.finditer(text):
        d = make_date(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)))
        if d:
            found.append((m.start(), m.end(), d))
    for m in _DAY_OF.finditer(text):
        d = make_date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        if d:
            found.append((m.start(), m.end(), d))
    return sorted(found, key=lambda f: f[0])


def first_date(text: str) -> date | None:
    dates = find_dates(text)
    return dates[0][2] if dates else None


def year_end(year: int, like: date) -> date:
    """The fiscal year end in `year` with the month and day of `like` (Feb 29 falls back)."""
    return make_date(year, like.month, like.day) or date(year, like.month, 28)


NUMBER_WORDS = {
    "no": 0,
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
}


def number_word(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def squash(text: str) -> str:
    """Whitespace collapsed: how a caption is compared and stored."""
    return " ".join(text.split())


_DATE_WORDS = re.compile(
    r"\b(?:as|of|at|and|for|the|years?|ended|ending|period|plan|fiscal|december|june|september|march)\b",
    re.IGNORECASE,
)


def is_dateline(text: str) -> bool:
    """A title line that only dates the statement: 'As of December 31, 2000 and 1999'."""
    if not YEAR.search(text):
        return False
    rest = _DATE_WORDS.sub(" ", YEAR.sub(" ", DATE.sub(" ", text)))
    return not re.sub(r"[\s,.\d()]", "", rest)
