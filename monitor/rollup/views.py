"""Views: a surface's question (grain, area level, filters, comparison) answered from the suppressed cells.

The roll-up rules: a count sums over months and areas; a ratio is sum(value) /
sum(denominator), never a mean of ratios; a stock is the level in the last month
of the period (the last month in the data for a period that is not over yet),
summed over areas; a distinct count (or distinct ratio) counts each key once per
period, in the wijk of its latest row there (`distinct`). The rolling grain is
the twelve months ending in each month (the scorecard's current value). Every
answer is a `Published` frame: selected from cells that were suppressed together,
so no view shows what another hides and filtering never changes which cells are
hidden.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import polars as pl

from monitor.indicators import Indicator
from monitor.rollup import plan
from monitor.rollup.areas import _population
from monitor.rollup.equations import GRAINS
from monitor.rollup.groups import GROUP_LEVEL
from monitor.rollup.linked import LEVELS, Cells, suppressed_cells
from monitor.rollup.periods import Term
from monitor.rollup.published import Published

Grain = Literal["month", "quarter", "year", "term", "rolling"]
Level = Literal["city", "stadsdeel", "wijk"]
Per = Literal["inhabitants", "households"]

COLUMNS: dict[str, type[pl.DataType] | pl.DataType] = {
    "period": pl.String,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "complete": pl.Boolean,
    "area": pl.String,
    "area_name": pl.String,
    "stadsdeel": pl.String,
    "value": pl.Float64,
    "denominator": pl.Float64,
    "suppressed": pl.Boolean,
    "result": pl.Float64,
}

SPLIT_COLUMNS: dict[str, type[pl.DataType] | pl.DataType] = {
    "group": pl.String,  # the group's code as delivered (a null group: `groups.UNKNOWN_GROUP`)
}

COMPARE_COLUMNS: dict[str, type[pl.DataType] | pl.DataType] = {
    "result_prev": pl.Float64,
    "prev_suppressed": pl.Boolean,
    "change": pl.Float64,
}

@dataclass(frozen=True)
class View:
    """What a surface asks for. `areas`: stadsdeel names or wijk codes to keep; `per`: per 1,000."""

    grain: Grain = "month"
    level: Level = "city"
    areas: tuple[str, ...] = ()
    per: Per | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    compare: bool = False
    # split by one of the indicator's `dimensions` (city only, `plan.SPLIT_GRAINS`): one row per group
    split: str | None = None


def rollup(
    frame: pl.DataFrame,
    ind: Indicator,
    areas: pl.DataFrame,
    view: View,
    *,
    k: int,
    municipality: str,
    terms: Sequence[Term] = (),
) -> Published:
    """The indicator per period and area, suppressed; columns as in `COLUMNS` (+ comparison).

    Computes the joint suppression each call; the engine keeps it per catalog version
    and calls `select` instead.
    """
    check_view(ind, view, terms)
    joint = suppressed_cells(frame, ind, areas, k=k, municipality=municipality, terms=terms)
    return select(joint, ind, areas, view, k=k, municipality=municipality)


def select(
    joint: Cells | None, ind: Indicator, areas: pl.DataFrame, view: View, *, k: int, municipality: str
) -> Published:
    """One view out of the jointly suppressed cells."""
    schema = COLUMNS | (SPLIT_COLUMNS if view.split else {}) | (COMPARE_COLUMNS if view.compare else {})
    name = f"{ind.id}: {view.grain} x {view.level}" + (f" by {view.split}" if view.split else "")
    if joint is None:
        return Published(pl.DataFrame(schema=schema), k, name)
    if view.split:  # a split's groups: pseudo-areas of the city (`groups`), named by their dimension
        level, places = GROUP_LEVEL, joint.places.filter(pl.col("dimension") == view.split)
    else:
        level, places = LEVELS.index(view.level), joint.places
    cells = (
        joint.cells.filter(pl.col("_level") == level)
        .join(joint.periods.filter(pl.col("_grain") == view.grain), on="_pid")
        .join(places, on="_area")
    )
    if cells.is_empty():
        return Published(pl.DataFrame(schema=schema), k, name)
    cells = _with_result(cells, ind, view.per, areas, view.level, municipality)
    if view.compare:
        cells = _with_comparison(cells, ind)
    if view.split:
        cells = cells.with_columns(pl.col("area").alias("group"), pl.lit(municipality).alias("area"),
                                   pl.lit(municipality).alias("area_name"))
    return Published(_finish(_filter(cells, view), schema, ind, view.level), joint.k, name)



def _truncate(month: pl.Expr, grain: str) -> pl.Expr:
    return month.dt.truncate({"month": "1mo", "quarter": "1q", "year": "1y"}[grain])

def _label(start: pl.Expr, grain: str) -> pl.Expr:
    """`periods.label_of` as a Polars expression, for a whole column of period starts."""
    if grain == "quarter":
        return pl.format("{}-Q{}", start.dt.year(), start.dt.quarter())
    return start.dt.strftime("%Y-%m" if grain == "month" else "%Y")

def _ratio(percentage: bool) -> pl.Expr:
    den = pl.col("denominator")
    ratio = pl.when(den != 0).then(pl.col("value") / den)
    return ratio * 100 if percentage else ratio

def _with_result(
    cells: pl.DataFrame, ind: Indicator, per: str | None, areas: pl.DataFrame, level: str, municipality: str
) -> pl.DataFrame:
    """`result`: the value, the ratio (x100 for a percentage) or the value per 1,000 residents."""
    if ind.is_ratio:
        return cells.with_columns(_ratio(ind.is_percentage).alias("result"))
    if per is None:
        return cells.with_columns(pl.col("value").alias("result"))
    pop = _population(areas, level, per, cells["_ref_year"].unique().to_list(), municipality)
    cells = cells.join(pop, on=["_ref_year", "area"], how="left")
    per_1000 = pl.when(pl.col("_pop") > 0).then(pl.col("value") / pl.col("_pop") * 1000)
    return cells.with_columns(per_1000.alias("result")).drop("_pop")

def _with_comparison(cells: pl.DataFrame, ind: Indicator) -> pl.DataFrame:
    """result_prev: the same area's cell a year earlier, and change; null when either is hidden or missing.
    prev_suppressed: the earlier cell is hidden (a surface shows the mark there, not a dash).

    An unfinished period of a count or stock, or one whose earlier period is unfinished, has no
    earlier value and no change: January to November against a whole year is no fall (nor
    November's level against December's a year before, nor a running term against a whole one),
    and the same months a year earlier are no published cell (at a wijk they would give away a
    month by subtraction). A share compares as it is. (Leaving a value out only tells an attacker
    less than the protection assumed he knows.)"""
    prev = cells.select(pl.col("_pid").alias("_prev_pid"), "_area", pl.col("result").alias("result_prev"),
                        pl.col("suppressed").alias("prev_suppressed"),
                        pl.col("complete").alias("_prev_complete"))
    out = cells.join(prev, on=["_prev_pid", "_area"], how="left")
    out = out.with_columns(pl.col("prev_suppressed").fill_null(False))  # no earlier cell: nothing hidden
    hidden = pl.col("suppressed") | pl.col("result").is_null()
    if not ind.is_ratio:
        unfinished = ~pl.col("complete") | ~pl.col("_prev_complete").fill_null(True)
        hidden = hidden | unfinished  # no earlier value, and so no mark for a hidden one either
        out = out.with_columns(pl.when(unfinished).then(False).otherwise(pl.col("prev_suppressed"))
                               .alias("prev_suppressed"))
    out = out.with_columns(pl.when(hidden).then(None).otherwise(pl.col("result_prev")).alias("result_prev"))
    return out.drop("_prev_complete").with_columns((pl.col("result") - pl.col("result_prev")).alias("change"))

def _filter(cells: pl.DataFrame, view: View) -> pl.DataFrame:
    """Drop comparison-only cells, then keep the view's areas and period range (after suppression)."""
    keep = ~pl.col("_aux")
    if view.areas and view.level == "stadsdeel":
        keep &= pl.col("area").is_in(list(view.areas))
    elif view.areas and view.level == "wijk":
        keep &= pl.col("area").is_in(list(view.areas)) | pl.col("stadsdeel").is_in(list(view.areas))
    if view.start is not None:
        keep &= pl.col("period_start") >= view.start
    if view.end is not None:
        keep &= pl.col("period_start") <= view.end
    return cells.filter(keep)

def _area_output(cells: pl.DataFrame, level: str) -> pl.DataFrame:
    """`stadsdeel` is only filled at wijk level (the area's parent)."""
    return cells if level == "wijk" else cells.with_columns(pl.lit(None, pl.String).alias("stadsdeel"))

def _finish(cells: pl.DataFrame, schema: Mapping[str, object], ind: Indicator, level: str) -> pl.DataFrame:
    """The public columns in their order and types, sorted by period and area."""
    cells = _area_output(cells, level)
    if not ind.is_ratio:
        cells = cells.with_columns(pl.lit(None, pl.Float64).alias("denominator"))
    if "month" not in schema:
        cells = cells.sort("period_start", "group" if "group" in schema else "area")
    return cells.select([pl.col(c).cast(t) for c, t in schema.items()])

def check_view(ind: Indicator, view: View, terms: Sequence[Term]) -> None:
    if ind.shape == "cohort":
        raise ValueError(f"{ind.id}: a cohort indicator has no time series; use rollup_cohort()")
    if view.grain not in GRAINS:
        raise ValueError(f"Unknown grain '{view.grain}': expected month, quarter, year, term or rolling")
    if view.grain == "term" and not terms:
        raise ValueError("Grain 'term' needs the coalition terms (programme.yaml); none were given")
    if view.per is not None and ind.is_ratio:
        raise ValueError(f"{ind.id}: 'per 1,000' applies to counts and stocks, not to a ratio")
    if view.per not in (None, "inhabitants", "households"):
        raise ValueError(f"Unknown 'per' '{view.per}': expected inhabitants or households")
    if view.level not in LEVELS:
        raise ValueError(f"Unknown area level '{view.level}': expected city, stadsdeel or wijk")
    if view.split is not None:
        _check_split(ind, view)
    elif not plan.published(view.level, view.grain):
        offered = ", ".join(plan.PLAN[view.level])
        raise ValueError(f"'{view.grain}' figures are not published at {view.level} level (privacy: "
                         f"docs/disclosure.md); at {view.level} level choose {offered}")


def _check_split(ind: Indicator, view: View) -> None:
    """A split is one of the indicator's dimensions, for the city, in `plan.SPLIT_GRAINS`, in counts."""
    if view.split not in ind.dimensions:
        offered = ", ".join(ind.dimensions) or "none (the file has no dimensions:)"
        raise ValueError(f"{ind.id}: no dimension '{view.split}' to split by; its dimensions: {offered}")
    if view.level != "city":
        raise ValueError(f"{ind.id}: a split by {view.split} is published for the city only (privacy: "
                         "docs/disclosure.md)")
    if view.grain not in plan.SPLIT_GRAINS:
        raise ValueError(f"'{view.grain}' figures are not published split by group; choose "
                         f"{', '.join(plan.SPLIT_GRAINS)}")
    if view.per is not None:
        raise ValueError(f"{ind.id}: 'per 1,000' is not offered for a split by group (no population "
                         "per group)")
