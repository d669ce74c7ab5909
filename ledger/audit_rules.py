"""How far a printed figure can be from the truth, and the standard ways interest is computed.

False alarms cost an auditor as much as misses: a figure printed "approximately", rounded, or
computable by more than one convention disagrees only when no reading of it fits. Pure functions
on Decimal; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

HALF = Decimal("0.5")


def rounding_unit(value: Decimal) -> Decimal:
    """The unit a printed figure was rounded to: 127,800 -> 100; 9.25 -> 0.01; 16.5 -> 0.1."""
    sign, digits, exponent = value.normalize().as_tuple()
    if not digits or digits == (0,):
        return Decimal(1)
    return Decimal(1).scaleb(exponent)


def printed_range(value: Decimal, approximate: bool = True) -> tuple[Decimal, Decimal]:
    """The values a printed figure stands for: exact figures are whole dollars (+-0.50);
    approximate ones anything that rounds to them at the precision printed."""
    half = max(rounding_unit(value) if approximate else Decimal(1), Decimal(1)) * HALF
    return value - half, value + half


# -- interest -------------------------------------------------------------------------------


def days_30_360(start: date, end: date) -> int:
    d1 = min(start.day, 30)
    d2 = min(end.day, 30) if d1 == 30 or end.day < 31 else 30
    return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)


def years_actual_actual(start: date, end: date) -> Decimal:
    years, cursor = Decimal(0), start
    while cursor < end:
        stop = min(date(cursor.year + 1, 1, 1), end)
        length = 366 if date(cursor.year, 12, 31).timetuple().tm_yday == 366 else 365
        years += Decimal((stop - cursor).days) / length
        cursor = stop
    return years


def year_fractions(start: date, end: date) -> dict[str, Decimal]:
    days = (end - start).days
    return {
        "actual/365": Decimal(days) / 365,
        "actual/360": Decimal(days) / 360,
        "30/360": Decimal(days_30_360(start, end)) / 360,
        "actual/actual": years_actual_actual(start, end),
    }


COMPOUNDING = {"simple": 0, "annual": 1, "semiannual": 2, "quarterly": 4, "monthly": 12, "daily": 365, "continuous": -1}


def interest(principal: Decimal, rate_percent: Decimal, years: Decimal, compounding: str) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 34
        r = rate_percent / 100
        n = COMPOUNDING[compounding]
        if n == 0:
            return principal * r * years
        if n < 0:
            return principal * ((r * years).exp() - 1)
        return principal * ((1 + r / n) ** (n * years) - 1)


@dataclass(frozen=True)
class InterestReading:
    compounding: str
    day_count: str
    low: Decimal  # interest at the lowest rate the printed rate stands for
    high: Decimal

    def __str__(self) -> str:
        return f"{self.compounding} interest, {self.day_count}"


def interest_readings(principal: Decimal, rate_percent: Decimal, start: date, end: date) -> Iterator[InterestReading]:
    """Each standard convention, with the interest range the printed rate allows."""
    unit = rounding_unit(rate_percent)
    low_rate, high_rate = rate_percent - unit / 2, rate_percent + unit / 2
    for day_count, years in year_fractions(start, end).items():
        for compounding in COMPOUNDING:
            yield InterestReading(
                compounding,
                day_count,
                interest(principal, low_rate, years, compounding),
                interest(principal, high_rate, years, compounding),
            )


def fitting_interest_reading(
    principal: Decimal, rate_percent: Decimal, start: date, end: date, printed: Decimal
) -> InterestReading | None:
    """A convention under which the printed interest (whole dollars) follows from principal,
    rate (as precise as printed) and dates; None when no reading fits."""
    low_printed, high_printed = printed_range(printed, approximate=False)
    for reading in interest_readings(principal, rate_percent, start, end):
        if reading.low <= high_printed and reading.high >= low_printed:
            return reading
    return None


def nearest_interest_reading(principal: Decimal, rate_percent: Decimal, start: date, end: date, printed: Decimal) -> InterestReading:
    return min(
        interest_readings(principal, rate_percent, start, end),
        key=lambda r: min(abs(r.low - printed), abs(r.high - printed)),
    )
