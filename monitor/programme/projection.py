"""Where the recent trend leads: a linear projection of the twelve-month value with an 80% band.

The library returns the method as a code with its parameters (`linear_trend` over
`months` points, `on_logit` when the caller fitted shares on the logit scale, or
`observed`); the edge words it from labels.yaml (`projection_method_<code>`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from monitor.rollup.periods import from_index, month_index

MIN_PROJECTION_POINTS = 6
METHODS: tuple[str, ...] = ("linear_trend", "observed")

# Student t quantiles at 0.90 (two-sided 80% interval) for 1..30 degrees of freedom.
_T90 = (3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415, 1.397, 1.383, 1.372, 1.363, 1.356, 1.350, 1.345,
        1.341, 1.337, 1.333, 1.330, 1.328, 1.325, 1.323, 1.321, 1.319, 1.318, 1.316, 1.315, 1.314, 1.313,
        1.311, 1.310)
_Z90 = 1.2815515655446004


def _t90(df: int) -> float:
    """t quantile without scipy: the table, then the Cornish-Fisher expansion (error < 0.001 above 30)."""
    if df <= len(_T90):
        return _T90[df - 1]
    z = _Z90
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


@dataclass(frozen=True)
class Projection:
    date: dt.date
    value: float
    low: float
    high: float
    method: str  # a code from METHODS
    months: int | None = None  # linear_trend: the monthly points the line was fitted to
    on_logit: bool = False  # linear_trend: fitted to logit(share), shown back as a percentage


@dataclass(frozen=True)
class _Fit:
    x0: int  # month number of the first point used
    intercept: float
    slope: float
    s: float  # residual standard error
    n: int
    xbar: float
    sxx: float

    def at(self, month: int) -> tuple[float, float, float]:
        """(value, low, high): the line and its 80% prediction interval at a month number."""
        x = month - self.x0
        value = self.intercept + self.slope * x
        half = _t90(self.n - 2) * self.s * math.sqrt(1 + 1 / self.n + (x - self.xbar) ** 2 / self.sxx)
        return value, value - half, value + half


def _fit(series12: pl.DataFrame, months: int) -> _Fit | None:
    points = series12.drop_nulls("current").sort("month").tail(months)
    if points.height < MIN_PROJECTION_POINTS:
        return None
    m = np.array([month_index(d) for d in points["month"]], dtype=float)
    x = m - m[0]
    y = points["current"].to_numpy().astype(float)
    design = np.column_stack([np.ones_like(x), x])
    (intercept, slope), *_ = np.linalg.lstsq(design, y, rcond=None)
    residuals = y - (intercept + slope * x)
    n = len(x)
    s = math.sqrt(float(residuals @ residuals) / (n - 2))
    xbar = float(x.mean())
    return _Fit(int(m[0]), float(intercept), float(slope), s, n, xbar, float(((x - xbar) ** 2).sum()))


Bounds = tuple[float | None, float | None]


def _clip(values: tuple[float, float, float], bounds: Bounds) -> tuple[float, float, float]:
    lo = -math.inf if bounds[0] is None else bounds[0]
    hi = math.inf if bounds[1] is None else bounds[1]
    value, low, high = (min(max(v, lo), hi) for v in values)
    return value, low, high


def projection(series12: pl.DataFrame, end: dt.date, *, months: int = 24,
               bounds: Bounds = (0.0, None)) -> Projection | None:
    """Where the twelve-month value lands at `end` if the recent linear trend goes on.

    None with fewer than six points. When `end` is already observed, the observed value.
    `bounds` clips the line and band: no measure here goes below zero, and a
    percentage not above 100 (pass (0, 100)), however steep the recent trend.
    """
    fit = _fit(series12, months)
    if fit is None:
        return None
    end_month = month_index(end)
    if end_month <= month_index(series12["month"].max()):
        observed = series12.filter(pl.col("month") == from_index(end_month))
        if observed.is_empty():
            return None
        value = float(observed["current"][0])
        return Projection(end, value, value, value, "observed")
    value, low, high = _clip(fit.at(end_month), bounds)
    return Projection(end, value, low, high, "linear_trend", months=fit.n)


def projection_path(series12: pl.DataFrame, end: dt.date, months: int = 24,
                    bounds: Bounds = (0.0, None)) -> pl.DataFrame:
    """The projection month by month (month, value, low, high), from the last observed month to `end`."""
    schema = {"month": pl.Date, "value": pl.Float64, "low": pl.Float64, "high": pl.Float64}
    fit = _fit(series12, months)
    if fit is None:
        return pl.DataFrame(schema=schema)
    last = month_index(series12.drop_nulls("current")["month"].max())
    rows = [(from_index(m), *_clip(fit.at(m), bounds)) for m in range(last, month_index(end) + 1)
            if month_index(end) > last]
    return pl.DataFrame(rows, schema=schema, orient="row")


def will_reach(projection: Projection, target_value: float, direction: str) -> bool:
    """Does the projected (central) value meet the target, in the direction that is better?"""
    if direction == "up":
        return projection.value >= target_value
    if direction == "down":
        return projection.value <= target_value
    return False
