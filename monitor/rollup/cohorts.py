"""Cohorts: of those who started in a period, how many reached the outcome after n months."""

from __future__ import annotations

from typing import Literal

import polars as pl

from monitor import disclosure
from monitor.indicators import Indicator
from monitor.rollup.areas import _to_level, _with_wijk_names, wijk_map
from monitor.rollup.linked import _PARENT
from monitor.rollup.periods import MONTHS_IN as _MONTHS
from monitor.rollup.published import Published
from monitor.rollup.views import Level, _area_output, _label, _ratio, _truncate


def rollup_cohort(
    frame: pl.DataFrame,
    ind: Indicator,
    areas: pl.DataFrame,
    *,
    grain: Literal["month", "quarter", "year"] = "quarter",
    level: Level = "city",
    k: int,
    municipality: str,
) -> Published:
    """Cohorts by start quarter or year: of those who started, how many reached the outcome after n months.

    Columns: cohort (label), cohort_start, months_since, area, area_name, stadsdeel,
    value, denominator, suppressed, result (value / denominator, x100 for a percentage).
    Suppressed as a ratio, with area siblings and (quarter grain) quarters within the year.
    """
    if grain not in _MONTHS:
        raise ValueError(f"Unknown cohort grain '{grain}': expected month, quarter or year")
    schema = {
        "cohort": pl.String,
        "cohort_start": pl.Date,
        "months_since": pl.Int64,
        "area": pl.String,
        "area_name": pl.String,
        "stadsdeel": pl.String,
        "value": pl.Float64,
        "denominator": pl.Float64,
        "suppressed": pl.Boolean,
        "result": pl.Float64,
    }
    f = frame.select(
        pl.col("cohort_month").cast(pl.Date),
        pl.col("months_since").cast(pl.Int64),
        pl.col("wijk_code").cast(pl.String),
        pl.col("value").cast(pl.Float64).fill_null(0),
        pl.col("denominator").cast(pl.Float64).fill_null(0),
    )
    f = _followed_whole(f, grain)
    if f.is_empty():
        return Published(pl.DataFrame(schema=schema), k, f"{ind.id}: cohorts")
    start = _truncate(pl.col("cohort_month"), grain)
    f = _with_wijk_names(f, wijk_map(areas)).with_columns(
        _label(start, grain).alias("cohort"),
        start.alias("cohort_start"),
        (
            _label(_truncate(pl.col("cohort_month"), _PARENT[grain]), _PARENT[grain])
            if grain in _PARENT
            else pl.lit(None, pl.String)
        ).alias("_parent"),
    )
    cells = _to_level(
        f,
        level,
        municipality,
        ["cohort", "cohort_start", "_parent", "months_since"],
        ["value", "denominator"],
    )
    area_groups = {
        "wijk": [["cohort", "months_since", "stadsdeel"]],
        "stadsdeel": [["cohort", "months_since"]],
    }
    groups = area_groups.get(level, []) + ([["area", "months_since", "_parent"]] if grain in _PARENT else [])
    cells = disclosure.suppress(
        cells, k=k, measure="ratio", numerator_is_people=ind.numerator_is_people, groups=groups
    )
    cells = cells.with_columns(_ratio(ind.is_percentage).alias("result"))
    cells = _area_output(cells, level)
    out = cells.sort("cohort_start", "months_since", "area").select(
        [pl.col(c).cast(t) for c, t in schema.items()]
    )
    return Published(out, k, f"{ind.id}: cohorts by {grain} x {level}")


def _months_on(month: pl.Expr, months: pl.Expr | int) -> pl.Expr:
    n = months if isinstance(months, pl.Expr) else pl.lit(months)
    return month.dt.offset_by(pl.concat_str(n.cast(pl.String), pl.lit("mo")))


def _followed_whole(f: pl.DataFrame, grain: str) -> pl.DataFrame:
    """Only the (period, months since) cells whose every start month has been followed that long.

    The frame holds a start month at n months only once month start + n is complete, so a year
    group at 27 months would be its early months alone, and at 33 months fewer still: its share
    could fall as months drop out, reading as households falling back into debt. The data's last
    complete month is the latest start month + n in the frame; a period counts at n months when its
    last month + n is no later than that.
    """
    if f.is_empty():
        return f
    last = f.select(_months_on(pl.col("cohort_month"), pl.col("months_since")).max()).item()
    period_end = _months_on(_truncate(pl.col("cohort_month"), grain), _MONTHS[grain] - 1)
    return f.filter(_months_on(period_end, pl.col("months_since")) <= last)
