"""Periods: coalition terms, month arithmetic and period labels, defined once.

Every series in the monitor is monthly at its finest grain, so the roll-up, the
programme (trajectory, projection) and the filters all count in months; they
share these helpers instead of each keeping its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class Term:
    """A coalition term: the period a programme's targets run to.

    `label` is a string or a {nl, en} mapping; the library never picks a language.
    """

    id: str
    label: object
    start: dt.date
    end: dt.date


def month_index(day: dt.date) -> int:
    """Months since year 0 (year * 12 + month - 1): the unit every series counts in."""
    return day.year * 12 + day.month - 1


def from_index(n: int) -> dt.date:
    """The first day of month number `n` (inverse of `month_index`)."""
    return dt.date(n // 12, n % 12 + 1, 1)


def add_months(day: dt.date, n: int) -> dt.date:
    """The first day of the month `n` months after `day`'s month."""
    return from_index(month_index(day) + n)


def month_end(day: dt.date) -> dt.date:
    """The last day of `day`'s month."""
    return add_months(day, 1) - dt.timedelta(days=1)


def parse_month(text: str) -> dt.date:
    """`2024-03` -> 1 March 2024 (the month codes in URLs and the CLI)."""
    return dt.date(int(text[:4]), int(text[5:7]), 1)


def start_of(month: dt.date, grain: str) -> dt.date:
    """The first day of the quarter or year that holds `month` (the month itself for grain month)."""
    if grain == "quarter":
        return dt.date(month.year, (month.month - 1) // 3 * 3 + 1, 1)
    return dt.date(month.year, 1, 1) if grain == "year" else month


def label_of(start: dt.date, grain: str) -> str:
    """`2024-01`, `2024-Q1` or `2024`: the period codes of the CLI and the downloads."""
    if grain == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start:%Y-%m}" if grain == "month" else str(start.year)


def year_earlier(day: dt.date) -> dt.date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)
