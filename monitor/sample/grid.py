"""The calendar of the demo and its arguments: every extract is drawn on the same month grid.

Days are numbers (days since 1970-01-01) so the generators stay vectorised; `check_args`
refuses a cut-off month that has not ended yet, because validation rejects future dates,
and a scale that is not a positive finite number. `count` turns a scaled volume into a
whole number of records.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from dataclasses import dataclass

import numpy as np

FIRST_MONTH = "2019-01"  # every flow starts here; stocks open before it are drawn as such
MONTH_DAYS = 30.4375  # average month, to turn durations in months into days


@dataclass(frozen=True)
class Grid:
    """Calendar of the demo: months from January 2019 through the cut-off month, as day numbers."""

    start: np.ndarray  # first day of each month, days since 1970-01-01
    length: np.ndarray  # days in each month
    year: np.ndarray
    month: np.ndarray  # 1..12
    cutoff: int  # last day of the `until` month

    @property
    def t(self) -> np.ndarray:
        """Time in fractional years, for smooth trends."""
        return self.year + (self.month - 1) / 12


def default_until(today: dt.date | None = None) -> str:
    """The last complete month before today, as 'YYYY-MM': a demo never shows a half month."""
    today = today or dt.date.today()
    last = today.replace(day=1) - dt.timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"


def check_args(until: str, scale: float) -> int | float:
    """Refuse a cut-off that is not a complete month yet (validation rejects dates after today)
    and a bad scale; returns the scale as `check_scale` normalises it."""
    try:
        first = dt.date.fromisoformat(f"{until}-01")
    except (TypeError, ValueError):
        raise ValueError(f"until must be 'YYYY-MM', got {until!r}") from None
    if len(until) != 7 or first < dt.date(2019, 1, 1):
        raise ValueError(f"until must be 'YYYY-MM' from 2019-01 on, got {until!r}")
    if _month_end(first) >= dt.date.today():
        raise ValueError(f"until {until} is not a complete month yet; the latest is {default_until()}")
    return check_scale(scale)


def check_scale(scale: object) -> int | float:
    """The volume multiplier: any positive finite number, e.g. 0.2 for sparse data, 10 for volume.

    A whole number comes back as an int, so scale=10.0 draws and writes exactly what scale=10 does
    (the scale is also written into the files' metadata).
    """
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not math.isfinite(scale) \
            or scale <= 0:
        raise ValueError(f"scale must be a positive number such as 0.2 (sparse data), 1 (the default) "
                         f"or 10 (volume), got {scale!r}; pass a finite number above 0")
    return int(scale) if float(scale).is_integer() else float(scale)


def count(volume: float, *, at_least: int = 0) -> int:
    """A scaled volume as a whole number of records, rounded half to even, never below `at_least`;
    at a whole-number scale the product is already whole, so nothing changes there."""
    return max(at_least, round(float(volume)))


def _month_end(first: dt.date) -> dt.date:
    """Last day of the month that starts on `first`."""
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def month_grid(first: str, until: str) -> Grid:
    """Months from `first` through `until` (both 'YYYY-MM'); the debt stock uses an earlier `first`."""
    months = np.arange(np.datetime64(first), np.datetime64(until) + 1, dtype="datetime64[M]")
    bounds = np.append(months, months[-1] + 1).astype("datetime64[D]").astype(np.int64)
    ym = months.astype(np.int64)
    return Grid(bounds[:-1], np.diff(bounds), 1970 + ym // 12, ym % 12 + 1, int(bounds[-1] - 1))


def day_number(iso: str) -> int:
    """An ISO date as days since 1970-01-01, the unit every draw works in."""
    return int(np.datetime64(iso, "D").astype(np.int64))
