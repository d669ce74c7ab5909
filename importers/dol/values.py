"""The cells of a DOL dataset: amounts, yes/no answers, dates, EINs, as the DOL writes them.

An empty cell is "not filed", never zero: each reader returns None for it. Anything else that is
not what the column holds raises `CellError` naming the column, so the import can say which file,
line and column to look at.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import msgspec


class CellError(ValueError):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(f"column {column}: {reason}")
        self.column = column


_AMOUNT = re.compile(r"-?\d+(?:\.\d+)?")
_AMOUNTS = re.compile(r"(?:-?\d+(?:\.\d+)?(?:\n|$))*")  # `_AMOUNT`s, a line each
_TRUE = frozenset({"1", "y", "yes", "true", "t"})
_FALSE = frozenset({"0", "2", "n", "no", "false", "f"})
_US_DATE = re.compile(r"(\d\d?)/(\d\d?)/(\d{4})")


def amount(column: str, text: str) -> Decimal | None:
    """Plain integers or decimals ("1234", "-56.78"), exactly: never a float."""
    text = text.strip()
    if not text:
        return None
    if _AMOUNT.fullmatch(text) is None:
        raise CellError(column, f"not an amount: {text[:40]!r}")
    return Decimal(text)


def amounts(columns: frozenset[str], cells: dict[str, str]) -> dict[str, Decimal]:
    """The filled amount cells of a row, by column, in the file's order, read as `amount` reads
    one. A row holds a few of a schedule's many amount columns, so the row is walked, not the
    columns; and its amounts are checked by one match and converted by one call, not one each."""
    texts = {column: kept for column, text in cells.items() if column in columns and (kept := text.strip())}
    together = "\n".join(texts.values())
    if _AMOUNTS.fullmatch(together) is None or together.count("\n") != len(texts) - 1:
        for column, text in texts.items():
            amount(column, text)
    return msgspec.convert(texts, dict[str, Decimal])


def indicator(column: str, text: str) -> bool | None:
    """The DOL's yes/no codes: 1/Y/yes true, 2/0/N/no false."""
    text = text.strip().lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(column, f"not a yes/no answer: {text[:40]!r}")


def indicators(columns: frozenset[str], cells: dict[str, str]) -> dict[str, bool]:
    """The answered yes/no cells of a row, by column, in the file's order (`indicator` for each)."""
    return {column: answer for column, text in cells.items() if column in columns and (answer := indicator(column, text)) is not None}


def day(column: str, text: str) -> date | None:
    """YYYY-MM-DD (a time after it is ignored), or MM/DD/YYYY."""
    text = text.strip()
    if not text:
        return None
    try:
        if (m := _US_DATE.fullmatch(text)) is not None:
            return date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
        return date.fromisoformat(text[:10])
    except ValueError:
        raise CellError(column, f"not a date: {text[:40]!r}") from None


def ein(column: str, text: str) -> str:
    """"NN-NNNNNNN", as 11-K covers print it, from the DOL's nine digits."""
    digits = text.replace("-", "").strip()
    if not digits.isdigit() or len(digits) > 9:
        raise CellError(column, f"not an EIN: {text[:40]!r}")
    digits = digits.zfill(9)
    return f"{digits[:2]}-{digits[2:]}"


def plan_number(column: str, text: str) -> str:
    """Three digits: "1" is plan 001."""
    text = text.strip()
    if not text.isdigit() or len(text) > 3:
        raise CellError(column, f"not a plan number: {text[:40]!r}")
    return text.zfill(3)
