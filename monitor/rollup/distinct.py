"""Distinct counts: each household (or person) once per period and area, counted from its events.

A count's periods are sums of its months, so the roll-up adds up a month x wijk
grid. A distinct count is not additive in time: a household seen in three months
of a year is 1 + 1 + 1 in the months and 1 in the year. So every period of every
grain (month, quarter, year, term, the rolling twelve months) is counted from the
events themselves.

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

How, and why this way: the events collapse to one row per key and month (its wijk
and whether any row that month is a numerator), sorted by key and month. A row
*places* its key in a period when it is the key's last row in that period, that
is when the key's next row lies after the period's end; and the key is in the
numerator when its last numerator month up to that row lies at or after the
period's start. Then counting is a filter and a group-by on (period, wijk), a
handful of groups. A rolling window is no fixed partition, but the windows a row
places its key in are a run of consecutive window ends (from its own month until
the key's next row or twelve months on), so they are added up as a difference
array over the months. A plain group-by on (period, key) over every key-month
times its periods gave the same numbers ten times slower on the demo's size.
These steps are SQL (`keys`) run by DuckDB under the build's memory limit, over the stored key
file read in batches: at scale 100 the key rows are 35 million, gigabytes in Polars. What comes
back is a few thousand (period, wijk) counts and the rolling windows' steps, run up here.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from monitor.indicators import Indicator
from monitor.rollup.keys import KeyRows, count_areas


def wijk_counts(rows: KeyRows | pl.DataFrame, ind: Indicator, wijken: pl.DataFrame, month_map: pl.DataFrame,
                periods: pl.DataFrame) -> pl.DataFrame:
    """Distinct keys per period and wijk: `_pid, _w, _s, value[, denominator]`, every pair (zeros too).

    `rows`: the key rows (`keys.KeyRows`, or a frame of them), counted in DuckDB (`keys`), so
    they are never held whole here. `wijken` is `areas._wijk_table` (sorted by wijk_code, so the
    greatest code has the greatest `_w`); `month_map` maps each month to the `_pid` of every period
    holding it.
    """
    return area_counts([(KeyRows.of(rows), wijken)], ind, month_map, periods)[0]


def area_counts(areas: Sequence[tuple[KeyRows, pl.DataFrame]], ind: Indicator, month_map: pl.DataFrame,
                periods: pl.DataFrame) -> list[pl.DataFrame]:
    """`wijk_counts` for several areas of the same key rows (the wijk, then a split's dimensions, each a
    `KeyRows.by` view with its table): counted in one pass over the keys (`keys.count_areas`)."""
    ratio = ind.is_ratio
    bounds = periods.select("_pid", "_grain", _index("period_start").alias("_s"),
                            _index("period_end").alias("_e"))
    fixed_map = month_map.join(bounds.filter(pl.col("_grain") != "rolling"), on="_pid").select(
        _index("month").cast(pl.Int32).alias("_t"), "_pid", "_s", "_e")
    windows = bounds.filter(pl.col("_grain") == "rolling")
    last = None if windows.is_empty() else int(windows["_e"].max())
    cols = ["value", "denominator"] if ratio else ["value"]
    out = []
    for (_, table), (fixed, steps, first) in zip(areas, count_areas(areas, fixed_map, last, ratio),
                                                  strict=True):
        counts = pl.concat([fixed, _rolling(steps, windows, table.height, first)])
        if ratio:
            counts = counts.rename({"_n": "value", "_d": "denominator"})
        else:
            counts = counts.drop("_n").rename({"_d": "value"})
        grid = periods.select("_pid").join(table.select("_w", "_s"), how="cross")
        out.append(grid.join(counts, on=["_pid", "_w"], how="left").with_columns(
            [pl.col(c).fill_null(0).cast(pl.Float64) for c in cols]))
    return out


def _index(col: str) -> pl.Expr:
    """A date's month number (year * 12 + month - 1), as `periods.month_index`."""
    return pl.col(col).dt.year().cast(pl.Int64) * 12 + pl.col(col).dt.month().cast(pl.Int64) - 1


def _rolling(steps: pl.DataFrame, bounds: pl.DataFrame, n_w: int, first: int | None) -> pl.DataFrame:
    """The rolling windows' counts: the difference array's steps (`keys.STEPS_SQL`) run up per wijk
    over every month, read at each window's last month (a few thousand rows)."""
    if bounds.is_empty() or first is None:
        return pl.DataFrame(schema={"_pid": pl.Int64, "_w": pl.Int64, "_d": pl.Int64, "_n": pl.Int64})
    last = int(bounds["_e"].max())
    first = min(int(first), int(bounds["_e"].min()))
    grid = pl.DataFrame({"_m": pl.int_range(first, last + 1, eager=True, dtype=pl.Int64)}).join(
        pl.DataFrame({"_w": pl.int_range(0, n_w, eager=True, dtype=pl.Int64)}), how="cross")
    running = (grid.join(steps, on=["_m", "_w"], how="left")
               .fill_null(0).sort("_w", "_m")
               .with_columns(pl.col("_d").cum_sum().over("_w"), pl.col("_n").cum_sum().over("_w")))
    return bounds.select("_pid", pl.col("_e").alias("_m")).join(running, on="_m").select(
        "_pid", "_w", pl.col("_d").cast(pl.Int64), pl.col("_n").cast(pl.Int64))


# ---------------------------------------------------------------- what an attacker knows besides areas

SENSE = "sense"  # +1: the parts add up to at least the total; -1: a part is at most the total
ONLY = "only"  # the number column the relation holds for ("" for every one)


def time_bounds(cells: pl.DataFrame, month_map: pl.DataFrame, periods: pl.DataFrame, ind: Indicator
                ) -> list[pl.DataFrame]:
    """The inequalities between periods that hold for distinct counts, as families for the attack.

    Whole <= sum of its parts, for parts that split it exactly (months of a quarter, a
    year, a term or a rolling window; quarters of a year): a key counted in the whole is
    counted in the part holding its latest row, in the same area. That holds at every
    level for the keys (the value of `distinct`, the denominator of `distinct_ratio`),
    but a distinct ratio's numerator row may lie in another part than its latest row,
    so for that numerator it holds only for the city. Part <= whole (a month's
    households are among its year's): only for the city, since a household can leave
    an area later in the whole. A wijk publishes years and terms, which do not split
    each other (a term starts mid-May), so a wijk has no such relation.
    """
    rows = cells.select("_level", "_pid", "_area").with_row_index("_cell").with_columns(
        pl.col("_cell").cast(pl.Int64))
    month_pid = periods.filter(pl.col("_grain") == "month").select(
        "_pid", pl.col("period_start").alias("month"))
    pairs = [month_map.join(month_pid.rename({"_pid": "_part"}), on="month")
             .join(periods.filter(pl.col("_grain").is_in(["quarter", "year", "term", "rolling"]))
                   .select("_pid"), on="_pid").select("_part", pl.col("_pid").alias("_whole")),
             periods.filter(pl.col("_grain") == "quarter").select(
                 pl.col("_pid").alias("_part"), pl.col("_parent").alias("_whole"))]
    links = (pl.concat(pairs).unique()
             .join(rows.rename({"_cell": "_p", "_pid": "_part"}), on="_part")
             .join(rows.rename({"_cell": "_w", "_pid": "_whole"}).select("_w", "_whole", "_area"),
                   on=["_whole", "_area"])
             .sort("_w", "_p"))
    keys_column = "denominator" if ind.is_ratio else "value"
    city = pl.col("_level") == 0
    out = []
    for where, only in ((city, ""), (~city, keys_column)):
        at = links.filter(where)
        if at.is_empty():
            continue
        out.append(pl.concat([  # whole <= sum of parts: one set per whole cell
            at.select(pl.col("_p").alias("cell"), pl.col("_w").alias("set"), pl.lit(False).alias("total")),
            at.select(pl.col("_w").alias("cell"), pl.col("_w").alias("set"), pl.lit(True).alias("total"))
            .unique(maintain_order=True),
        ]).with_columns(pl.lit(1, pl.Int8).alias(SENSE), pl.lit(only).alias(ONLY)))
    at = links.filter(city).with_row_index("_pair")
    if at.height:  # part <= whole: one set per pair, the city only
        out.append(pl.concat([
            at.select(pl.col("_p").alias("cell"), pl.col("_pair").cast(pl.Int64).alias("set"),
                      pl.lit(False).alias("total")),
            at.select(pl.col("_w").alias("cell"), pl.col("_pair").cast(pl.Int64).alias("set"),
                      pl.lit(True).alias("total")),
        ]).with_columns(pl.lit(-1, pl.Int8).alias(SENSE), pl.lit("").alias(ONLY)))
    return out
