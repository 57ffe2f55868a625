"""Where the trend leads: exponential smoothing on monthly city values, summed to the twelve-month measure.

Why monthly values: twelve-month sums overlap, so a line through them sees every month
twelve times and its band is far too narrow. The model (statsmodels' ETSModel: additive
errors, a damped additive trend, additive seasonality of period 12) is fitted on the
months since the last break (an event marked `break: true`, such as the move to
18-month settlements), because months before it describe another regime. With at least
`MIN_SEASONAL` months it is seasonal, with `MIN_TREND` a damped trend without seasons,
with fewer there is no projection.

Why simulation: the twelve-month value adds up twelve forecast months whose errors are
correlated; the band is taken from `PATHS` simulated futures of the fitted model (a fixed
seed, so the same data give the same band), each summed to the measure, which gets the
aggregation of uncertainty right and widens with the horizon. The library returns the
method as a code (`ets_seasonal`, `ets_damped`, `observed`); the edge words it
(labels.yaml `projection_method_<code>`).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import warnings
from dataclasses import dataclass

import numpy as np
import polars as pl

from monitor.rollup.periods import from_index, month_index

MIN_SEASONAL = 24  # two years: the seasonal states need two of each month
MIN_TREND = 12
METHODS: tuple[str, ...] = ("ets_seasonal", "ets_damped", "observed")
PATHS = 1000
SEED = 2026
LEVEL = 0.80
MODEL_VERSION = 1  # raise when the model or the band change: stored projections are then stale
_SHARE_CLIP = 0.005  # a month at 0% or 100% has no logit; half a percent from the edge


@dataclass(frozen=True)
class Monthly:
    """A city's published monthly values, the projection's only input (hashable, so fits are cached on it).

    count and stock: `values` are the monthly values; ratio: `values` are numerators and
    `denominators` the denominators, `scale` 100 for a percentage. Months are consecutive.
    """

    measure: str
    months: tuple[dt.date, ...]
    values: tuple[float, ...]
    denominators: tuple[float, ...] = ()
    scale: float = 1.0

    def __post_init__(self) -> None:
        if self.measure not in ("count", "ratio", "stock"):
            raise ValueError(f"Monthly: measure must be count, ratio or stock, not {self.measure!r}")
        if self.measure == "ratio" and len(self.denominators) != len(self.values):
            raise ValueError("Monthly: a ratio needs one denominator per month")
        idx = [month_index(m) for m in self.months]
        if any(b - a != 1 for a, b in itertools.pairwise(idx)):
            raise ValueError("Monthly: months must be consecutive (Monthly.from_frame takes the last run)")

    @classmethod
    def from_frame(cls, frame: pl.DataFrame, measure: str, scale: float = 1.0) -> Monthly:
        """The latest run of consecutive usable months of a (month, value[, denominator]) frame.

        A hidden (null) month, or a ratio month without denominator, ends the run: the model
        needs consecutive months, and only published numbers may feed a projection.
        """
        cols = ["month", "value"] + (["denominator"] if measure == "ratio" else [])
        rows = frame.select(cols).sort("month").rows()
        run: list[tuple] = []
        for row in rows:
            usable = row[1] is not None and (measure != "ratio" or (row[2] is not None and row[2] > 0))
            consecutive = not run or month_index(row[0]) == month_index(run[-1][0]) + 1
            run = ([*run, row] if consecutive else [row]) if usable else []
        return cls(measure, tuple(r[0] for r in run), tuple(float(r[1]) for r in run),
                   tuple(float(r[2]) for r in run) if measure == "ratio" else (), scale)

    def upto(self, month: dt.date) -> Monthly:
        """The months up to and including `month` (what was known at a backtest origin)."""
        n = sum(m <= month for m in self.months)
        return Monthly(self.measure, self.months[:n], self.values[:n], self.denominators[:n], self.scale)

    def since(self, month: dt.date | None) -> Monthly:
        """The months from `month` on (a break's first month): what the model is fitted on."""
        if month is None:
            return self
        n = sum(m < month for m in self.months)
        return Monthly(self.measure, self.months[n:], self.values[n:], self.denominators[n:], self.scale)

    def twelve(self, i: int) -> float | None:
        """The twelve-month value ending at position `i`, as the roll-up computes it (None: no 12 months)."""
        if self.measure == "stock":
            return self.values[i]
        if i < 11:
            return None
        if self.measure == "count":
            return float(sum(self.values[i - 11:i + 1]))
        return sum(self.values[i - 11:i + 1]) / sum(self.denominators[i - 11:i + 1]) * self.scale


@dataclass(frozen=True)
class Projection:
    date: dt.date
    value: float
    low: float  # the 80% prediction interval
    high: float
    method: str  # a code from METHODS
    months: int | None = None  # the months the model was fitted on
    since: dt.date | None = None  # the break the fit starts from, if any


def method_for(months: int) -> str | None:
    """The model that `months` months since the last break allow, or None (no projection)."""
    return "ets_seasonal" if months >= MIN_SEASONAL else "ets_damped" if months >= MIN_TREND else None


def _transform(series: Monthly) -> np.ndarray:
    """The scale the model works on: a share on the logit scale (so it stays within 0-100), a
    non-percentage ratio on the log scale, a count or stock as it is."""
    values = np.array(series.values, dtype=float)
    if series.measure != "ratio":
        return values
    ratio = values / np.array(series.denominators, dtype=float)
    if series.scale == 100.0:
        share = np.clip(ratio, _SHARE_CLIP, 1 - _SHARE_CLIP)
        return np.log(share / (1 - share))
    return np.log(np.maximum(ratio, 1e-9))


def _back(series: Monthly, y: np.ndarray) -> np.ndarray:
    if series.measure != "ratio":
        return np.maximum(y, 0.0)  # no month has fewer than zero
    return 1 / (1 + np.exp(-y)) if series.scale == 100.0 else np.exp(y)


@functools.lru_cache(maxsize=32)  # a card's paths are up to 50 x 1000 floats: keep a few dozen
def _simulate(fit_on: Monthly, horizon: int) -> tuple[str, np.ndarray, np.ndarray] | None:
    """(method, point forecast (horizon,), simulated paths (horizon, PATHS)), on the measure's monthly scale.

    Cached on the data: a page, the report and the scorecard command ask for the same fit.
    Initial states by statsmodels' heuristic (not estimated): as well calibrated in the
    backtest and about ten times faster than estimating them.
    """
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel  # 2 s to import: only when projecting

    method = method_for(len(fit_on.months))
    if method is None or horizon < 1:
        return None
    seasonal = {"seasonal": "add", "seasonal_periods": 12} if method == "ets_seasonal" else {}
    model = ETSModel(_transform(fit_on), error="add", trend="add", damped_trend=True,
                     initialization_method="heuristic", **seasonal)
    with warnings.catch_warnings():  # convergence chatter on short series; the backtest judges the result
        warnings.simplefilter("ignore")
        fitted = model.fit(disp=False)
        paths = fitted.simulate(horizon, anchor="end", repetitions=PATHS, rng=np.random.default_rng(SEED))
    point = np.asarray(fitted.forecast(horizon), dtype=float)
    paths = np.asarray(paths, dtype=float).reshape(horizon, PATHS)
    return method, _back(fit_on, point), _back(fit_on, paths)


def _aggregate(series: Monthly, monthly: np.ndarray) -> np.ndarray:
    """Twelve-month values (horizon, paths) from forecast months (horizon, paths), observed months before.

    count: the sum of the last twelve months, observed plus forecast. stock: the month's level.
    ratio: the model forecasts the share; a forecast month's numerator is that share times the
    denominator of the same calendar month in the latest observed year. Why not a second model
    for the denominator: the volume only weights the months, and two independent models could
    simulate more successes than cases; this way every twelve-month share stays within 0-100.
    """
    if series.measure == "stock":
        return monthly
    h = monthly.shape[0]
    obs_n = np.array(series.values[-11:], dtype=float)[:, None] * np.ones((1, monthly.shape[1]))
    if series.measure == "count":
        full = np.vstack([obs_n, monthly])
        return np.stack([full[k:k + 12].sum(axis=0) for k in range(h)])
    dens = np.array(series.denominators, dtype=float)
    weights = np.array([dens[-12 + (k % 12)] for k in range(h)])[:, None]
    obs_d = dens[-11:][:, None] * np.ones((1, monthly.shape[1]))
    num = np.vstack([obs_n, monthly * weights])
    den = np.vstack([obs_d, weights * np.ones((1, monthly.shape[1]))])
    return np.stack([num[k:k + 12].sum(axis=0) / den[k:k + 12].sum(axis=0) * series.scale for k in range(h)])


def _band(series: Monthly, since: dt.date | None, horizon: int
          ) -> tuple[str, int, np.ndarray, np.ndarray, np.ndarray] | None:
    """(method, months fitted, value, low, high), each (horizon,), for the twelve-month value."""
    fit_on = series.since(since)
    sim = _simulate(fit_on, horizon)
    if sim is None or (len(series.months) < 12 and series.measure != "stock"):
        return None
    method, point, paths = sim
    agg = _aggregate(series, paths)
    value = _aggregate(series, point[:, None])[:, 0]
    low, high = np.quantile(agg, [(1 - LEVEL) / 2, (1 + LEVEL) / 2], axis=1)
    return method, len(fit_on.months), value, np.minimum(low, value), np.maximum(high, value)


def projection(series: Monthly, end: dt.date, *, since: dt.date | None = None) -> Projection | None:
    """The twelve-month value at `end`'s month if the fitted trend and seasons go on, with its 80% band.

    `since`: the first month of the current regime (the last break), or None for all months.
    When `end` is already observed, the observed value. None when too few months allow no model.
    """
    if not series.months:
        return None
    last = month_index(series.months[-1])
    horizon = month_index(end) - last
    if horizon <= 0:
        i = len(series.months) - 1 + horizon
        value = series.twelve(i) if i >= 0 else None
        return None if value is None else Projection(end, value, value, value, "observed")
    band = _band(series, since, horizon)
    if band is None:
        return None
    method, months, value, low, high = band
    return Projection(end, float(value[-1]), float(low[-1]), float(high[-1]), method, months, since)


def projection_path(series: Monthly, end: dt.date, *, since: dt.date | None = None) -> pl.DataFrame:
    """The projection month by month (month, value, low, high), from the last observed month to `end`.

    The first row is the observed twelve-month value, so the chart's line joins the data.
    """
    schema = {"month": pl.Date, "value": pl.Float64, "low": pl.Float64, "high": pl.Float64}
    if not series.months:
        return pl.DataFrame(schema=schema)
    last = month_index(series.months[-1])
    horizon = month_index(end) - last
    now = series.twelve(len(series.months) - 1)
    band = _band(series, since, horizon) if horizon > 0 else None
    if band is None or now is None:
        return pl.DataFrame(schema=schema)
    _, _, value, low, high = band
    rows = [(series.months[-1], now, now, now)]
    rows += [(from_index(last + k + 1), float(value[k]), float(low[k]), float(high[k]))
             for k in range(horizon)]
    return pl.DataFrame(rows, schema=schema, orient="row")


def will_reach(projection: Projection, target_value: float, direction: str) -> bool:
    """Does the projected (central) value meet the target, in the direction that is better?"""
    if direction == "up":
        return projection.value >= target_value
    if direction == "down":
        return projection.value <= target_value
    return False


def model_key() -> tuple[object, ...]:
    """Everything besides the data that a projection depends on: a stored one with another key is stale."""
    from importlib.metadata import version

    return (MODEL_VERSION, PATHS, SEED, LEVEL, MIN_SEASONAL, MIN_TREND, version("statsmodels"))


def to_json(result: tuple[Projection | None, pl.DataFrame | None]) -> dict:
    """A projection and its path as JSON (stored beside the catalog: a fresh process skips the fits)."""
    proj, path = result
    return {
        "projection": None if proj is None else {
            "date": proj.date.isoformat(), "value": proj.value, "low": proj.low, "high": proj.high,
            "method": proj.method, "months": proj.months,
            "since": proj.since.isoformat() if proj.since else None},
        "path": None if path is None else {
            "month": [m.isoformat() for m in path["month"]],
            **{c: path[c].to_list() for c in ("value", "low", "high")}},
    }


def from_json(data: dict) -> tuple[Projection | None, pl.DataFrame | None]:
    p, rows = data["projection"], data["path"]
    proj = None if p is None else Projection(
        dt.date.fromisoformat(p["date"]), float(p["value"]), float(p["low"]), float(p["high"]), p["method"],
        p["months"], dt.date.fromisoformat(p["since"]) if p["since"] else None)
    path = None if rows is None else pl.DataFrame(
        {"month": [dt.date.fromisoformat(m) for m in rows["month"]],
         **{c: rows[c] for c in ("value", "low", "high")}},
        schema={"month": pl.Date, "value": pl.Float64, "low": pl.Float64, "high": pl.Float64})
    return proj, path


def clear_cache() -> None:
    """Forget cached fits (tests that time a fit; a long-running server never needs it)."""
    _simulate.cache_clear()


__all__ = ["LEVEL", "METHODS", "MIN_SEASONAL", "MIN_TREND", "Monthly", "Projection", "clear_cache",
           "method_for", "projection", "projection_path", "will_reach"]
