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
"""

from __future__ import annotations

import polars as pl

from monitor.catalog.scratch import query_frames
from monitor.indicators import Indicator


def wijk_counts(frame: pl.DataFrame, ind: Indicator, wijken: pl.DataFrame, month_map: pl.DataFrame,
                periods: pl.DataFrame) -> pl.DataFrame:
    """Distinct keys per period and wijk: `_pid, _w, _s, value[, denominator]`, every pair (zeros too).

    `wijken` is `areas._wijk_table` (sorted by wijk_code, so the greatest code has the
    greatest `_w`); `month_map` maps each month to the `_pid` of every period holding it.
    """
    ratio = ind.is_ratio
    rows = _key_months(frame, wijken, ratio)
    bounds = periods.select("_pid", "_grain", _index("period_start").alias("_s"),
                            _index("period_end").alias("_e"))
    fixed = _fixed(rows, month_map, bounds.filter(pl.col("_grain") != "rolling"))
    rolling = _rolling(rows, bounds.filter(pl.col("_grain") == "rolling"), wijken.height)
    counts = pl.concat([fixed, rolling])
    cols = ["value", "denominator"] if ratio else ["value"]
    if ratio:
        counts = counts.rename({"_n": "value", "_d": "denominator"})
    else:
        counts = counts.drop("_n").rename({"_d": "value"})
    grid = periods.select("_pid").join(wijken.select("_w", "_s"), how="cross")
    return grid.join(counts, on=["_pid", "_w"], how="left").with_columns(
        [pl.col(c).fill_null(0).cast(pl.Float64) for c in cols])


def _index(col: str) -> pl.Expr:
    """A date's month number (year * 12 + month - 1), as `periods.month_index`."""
    return pl.col(col).dt.year().cast(pl.Int64) * 12 + pl.col(col).dt.month().cast(pl.Int64) - 1


KEY_MONTHS_SQL = """
WITH key_months AS (
    SELECT f.key, (year(f.month) * 12 + month(f.month) - 1)::INTEGER AS _t,
           max(w._w)::INTEGER AS _w, {numerator} AS _num
    FROM events AS f
    JOIN wijken AS w ON w.wijk_code = f.wijk_code::VARCHAR
    GROUP BY f.key, _t
)
SELECT _t, _w,
       lead(_t) OVER (PARTITION BY key ORDER BY _t) AS _next,
       max(CASE WHEN _num THEN _t END) OVER (PARTITION BY key ORDER BY _t
                                               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS _u
FROM key_months
"""


def _key_months(frame: pl.DataFrame, wijken: pl.DataFrame, ratio: bool) -> pl.DataFrame:
    """One row per key and month (Int32, in no particular order): `_t` (month number), `_w` (the
    greatest wijk that month), `_next` (the key's next month, null at its last), `_u` (its last
    numerator month up to this one, null when none yet).

    In DuckDB under the build's memory limit (`catalog.scratch`): grouping and sorting every key's
    months was the largest step of a build at scale (about 5 GB in Polars for 35 million rows)."""
    events = frame.select(pl.col("month").cast(pl.Date), pl.col("wijk_code").cast(pl.String),
                          pl.col("key").cast(pl.String),
                          *([pl.col("numerator").cast(pl.Boolean)] if ratio else []))
    sql = KEY_MONTHS_SQL.format(numerator="bool_or(f.numerator)" if ratio else "false")
    return query_frames(sql, {"events": events, "wijken": wijken.select("wijk_code", "_w")})


def _fixed(rows: pl.DataFrame, month_map: pl.DataFrame, bounds: pl.DataFrame) -> pl.DataFrame:
    """Months, quarters, years and terms: a row places its key where the key's next row is later."""
    fixed_map = month_map.join(bounds, on="_pid").select(_index("month").cast(pl.Int32).alias("_t"), "_pid",
                                                         "_s", "_e", "_grain")
    last_in_period = pl.col("_next").is_null() | (pl.col("_next") > pl.col("_e"))
    # one grain at a time: a key-month lies in one period of a grain (two for a term and the term a
    # year earlier), so each join is about as long as `rows`; all grains at once made it four to
    # five times longer, gigabytes at scale 100
    out = []
    for grain in fixed_map["_grain"].unique(maintain_order=True):
        placed = rows.join(fixed_map.filter(pl.col("_grain") == grain).drop("_grain"), on="_t"
                           ).filter(last_in_period)
        out.append(placed.group_by("_pid", "_w").agg(
            pl.len().cast(pl.Int64).alias("_d"),
            (pl.col("_u") >= pl.col("_s")).fill_null(False).sum().cast(pl.Int64).alias("_n"),
        ).with_columns(pl.col("_w").cast(pl.Int64)))
    if not out:
        return pl.DataFrame(schema={"_pid": pl.Int64, "_w": pl.Int64, "_d": pl.Int64, "_n": pl.Int64})
    return pl.concat(out)


def _rolling(rows: pl.DataFrame, bounds: pl.DataFrame, n_w: int) -> pl.DataFrame:
    """The twelve months ending in each month: a row places its key in the windows ending from its
    own month to the month before the key's next row, at most eleven months on (a difference array)."""
    if bounds.is_empty() or rows.is_empty():
        return pl.DataFrame(schema={"_pid": pl.Int64, "_w": pl.Int64, "_d": pl.Int64, "_n": pl.Int64})
    last = int(bounds["_e"].max())
    end = pl.min_horizontal(pl.col("_next").fill_null(last + 1) - 1, pl.col("_t") + 11, pl.lit(last))
    # the last window still holding its numerator month (none without one: min_horizontal skips nulls)
    end_n = pl.when(pl.col("_u").is_not_null()).then(pl.min_horizontal(end, pl.col("_u") + 11))
    spans = rows.select("_t", "_w", end.alias("_end"), end_n.alias("_end_n"))
    numerated = spans.filter((pl.col("_end_n") >= pl.col("_t")).fill_null(False))

    def steps_of(part: pl.DataFrame, month: pl.Expr, d: int, n: int) -> pl.DataFrame:
        # each kind of step summed on its own (a few thousand (month, wijk) rows), so the four are
        # never held at full length together
        return part.group_by(month.alias("_m"), "_w").agg(
            (pl.len() * d).cast(pl.Int64).alias("_d"), (pl.len() * n).cast(pl.Int64).alias("_n"))
    steps = pl.concat([
        steps_of(spans, pl.col("_t"), 1, 0), steps_of(spans, pl.col("_end") + 1, -1, 0),
        steps_of(numerated, pl.col("_t"), 0, 1), steps_of(numerated, pl.col("_end_n") + 1, 0, -1),
    ]).group_by("_m", "_w").agg(pl.col("_d").sum(), pl.col("_n").sum())
    first = min(int(rows["_t"].min()), int(bounds["_e"].min()))
    grid = pl.DataFrame({"_m": pl.int_range(first, last + 1, eager=True, dtype=pl.Int64)}).join(
        pl.DataFrame({"_w": pl.int_range(0, n_w, eager=True, dtype=pl.Int64)}), how="cross")
    running = (grid.join(steps.with_columns(pl.col("_m").cast(pl.Int64), pl.col("_w").cast(pl.Int64)),
                         on=["_m", "_w"], how="left")
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
