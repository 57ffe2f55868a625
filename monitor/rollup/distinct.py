"""Distinct counts: each household (or person) once per period and area, counted from its events.

A count's periods are sums of its months, so the roll-up adds up a month x wijk
grid. A distinct count is not additive in time: a household seen in three months
of a year is 1 + 1 + 1 in the months and 1 in the year. So every period of every
grain (month, quarter, year, term, the rolling twelve months) is counted from the
events themselves: each (key, month) is joined to the periods that hold that
month (a month's twelve rolling windows among them), and the keys are counted per
period.

It is additive over areas within one period, which is what the disclosure
equations need: a key is assigned to exactly one wijk per period, the wijk of its
latest row in the period (on a tie in that month, the greatest wijk_code, so the
answer never depends on row order). So a household that moved counts once in the
city and in its latest wijk; a stadsdeel is the sum of its wijken and the city the
sum of its stadsdelen, per period (`equations` keeps only those equations for a
distinct measure).

`distinct_ratio`: the denominator is the keys as above; the value is those of
them with `numerator = true` in any of their rows in the period (still counted in
the area of their latest row).
"""

from __future__ import annotations

import polars as pl

from monitor.indicators import Indicator


def wijk_counts(frame: pl.DataFrame, ind: Indicator, wijken: pl.DataFrame, month_map: pl.DataFrame,
                periods: pl.DataFrame) -> pl.DataFrame:
    """Distinct keys per period and wijk: `_pid, _w, _s, value[, denominator]`, every pair (zeros too).

    `wijken` is `areas._wijk_table` (sorted by wijk_code, so the greatest code has the
    greatest `_w`); `month_map` maps each month to the `_pid` of every period holding it.
    The work is two group-bys on (key, month) and (period, key): a rolling window
    multiplies the key-months by twelve, nothing multiplies the events.
    """
    n_w = wijken.height
    ratio = ind.is_ratio
    events = frame.lazy().select(
        pl.col("month").cast(pl.Date),
        pl.col("wijk_code").cast(pl.String),
        pl.col("key").cast(pl.String),
        *([pl.col("numerator").cast(pl.Boolean)] if ratio else []),
    ).join(wijken.lazy().select("wijk_code", "_w"), on="wijk_code")
    # "latest row, then greatest wijk_code" as one number: the maximum of month * n_w + _w
    order = (pl.col("month").dt.year().cast(pl.Int64) * 12 + pl.col("month").dt.month().cast(pl.Int64)) \
        * n_w + pl.col("_w")
    latest = [order.max().alias("_r")] + ([pl.col("numerator").any().alias("_n")] if ratio else [])
    key_months = events.group_by("key", "month").agg(latest)  # repeats of a key in a month collapse here
    per_key = (key_months.join(month_map.lazy(), on="month")
               .group_by("_pid", "key")
               .agg(pl.col("_r").max(), *([pl.col("_n").any()] if ratio else []))
               .with_columns((pl.col("_r") % n_w).alias("_w")))
    if ratio:
        numbers = [pl.col("_n").sum().cast(pl.Float64).alias("value"),
                   pl.len().cast(pl.Float64).alias("denominator")]
    else:
        numbers = [pl.len().cast(pl.Float64).alias("value")]
    counts = per_key.group_by("_pid", "_w").agg(numbers).collect()
    cols = ["value", "denominator"] if ratio else ["value"]
    grid = periods.select("_pid").join(wijken.select("_w", "_s"), how="cross")
    return grid.join(counts, on=["_pid", "_w"], how="left").with_columns(
        [pl.col(c).fill_null(0.0) for c in cols])
