"""Breakdowns by group: the cells of a split (front matter `dimensions:`), beside the area cells.

A query with `dimensions: [partner, ...]` returns those columns beside month and wijk.
The plain series ignores them (it sums, or counts distinct keys, over the groups), so it
is exactly the series without a split. A split is published for the city only, for the
grains in `SPLIT_GRAINS`: one cell per group, period and dimension, at cell level
`GROUP_LEVEL`. Each group is a pseudo-area whose total is the city, so the machinery of
the areas carries over unchanged (docs/disclosure.md, "Breakdowns by group"):

- per dimension and period, the groups add up to the city's cell (one equation family per
  dimension: two splits of one total are two equations, not one);
- per group, its months add up to its quarters, years and terms, as a city's do;
- a distinct count puts each key in the group of its latest row in the period (on a tie in
  that month, the greatest group code), as it puts it in a wijk, so the groups of a period
  still add up to the city's distinct count; its inequalities between periods hold per group
  as they do per stadsdeel (`distinct.time_bounds`).

The group cells are suppressed and attacked together with every area cell of the indicator
(one `Linked`), so a total hidden by the main series cannot be read off its groups, a hidden
group cannot be read as the total minus the others, and split and plain views show the same
totals. A null group value is the group `UNKNOWN_GROUP`, so the groups always add up.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from monitor.indicators import Indicator
from monitor.rollup import distinct
from monitor.rollup.areas import _grid, _numbers, _wijk_sums
from monitor.rollup.equations import GROUP as GROUP_LEVEL  # a cell's _level: 0 city .. 2 wijk, 3 a group
from monitor.rollup.keys import KeyRows
from monitor.rollup.plan import SPLIT_GRAINS

__all__ = ["GROUP_LEVEL", "SPLIT_GRAINS", "UNKNOWN_GROUP", "dimension_of", "distinct_counts", "group_cells",
           "group_table"]

UNKNOWN_GROUP = "(onbekend)"  # a null group value: its own group, so groups add up to the total


def group_table(frame: pl.DataFrame, dimension: str) -> pl.DataFrame:
    """The groups of a dimension as `areas._wijk_table` shapes wijken: code (in `wijk_code`), `_w`, `_s`.

    Sorted by code, so on a tie a distinct count takes the greatest code, as it does for wijken.
    """
    codes = frame.select(pl.col(dimension).cast(pl.String).fill_null(UNKNOWN_GROUP).alias("wijk_code"))
    return codes.unique().sort("wijk_code").with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_w"), pl.lit(0, pl.Int64).alias("_s"))


def _as_groups(frame: pl.DataFrame, dimension: str) -> pl.DataFrame:
    """The frame with the dimension in the place of the wijk (a null as `UNKNOWN_GROUP`)."""
    return frame.drop("wijk_code").with_columns(
        pl.col(dimension).cast(pl.String).fill_null(UNKNOWN_GROUP).alias("wijk_code"))


def distinct_counts(rows: KeyRows, ind: Indicator, wijken: pl.DataFrame, month_map: pl.DataFrame,
                    periods: pl.DataFrame
                    ) -> tuple[pl.DataFrame, dict[str, tuple[pl.DataFrame, pl.DataFrame]]]:
    """A distinct measure's counts per wijk (`distinct.wijk_counts`) and per group of each dimension
    (its table and counts, for `group_cells`), in one pass over the keys: grouping and ordering every
    key's months is the largest step, at scale a quarter of a minute per area."""
    tables = {dim: group_table(rows.codes(dim), dim) for dim in ind.dimensions}
    areas = [(rows, wijken)] + [(rows.by(dim, UNKNOWN_GROUP), tables[dim]) for dim in ind.dimensions]
    wijk, *split = distinct.area_counts(areas, ind, month_map, periods)
    return wijk, {dim: (tables[dim], sums) for dim, sums in zip(ind.dimensions, split, strict=True)}


def group_cells(frame: pl.DataFrame | KeyRows, ind: Indicator, month_map: pl.DataFrame, periods: pl.DataFrame,
                *, first_area: int, city: int,
                counted: Mapping[str, tuple[pl.DataFrame, pl.DataFrame]] | None = None,
                ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every period's cells per group of every dimension, and their places.

    Cells: `_level, _pid, _area, value[, denominator]` (areas numbered from `first_area`);
    places: `_area, area` (the group code), `area_name`, `stadsdeel` (null), `_up` (the city),
    `dimension`. `counted`: a distinct measure's groups already counted (`distinct_counts`).
    """
    cells, places, next_area = [], [], first_area
    for dim in ind.dimensions:
        if ind.is_distinct:  # key rows counted by DuckDB (`keys`), the group as their area
            if counted is None:
                raise ValueError(f"{ind.id}: a distinct measure's groups are counted with its wijken "
                                 "(`distinct_counts`) and handed in as `counted`")
            table, sums = counted[dim]
        else:
            table = group_table(frame, dim)
            data = _as_groups(frame, dim)
            grid = _grid(data, ind, table)
            sums = _wijk_sums(grid, month_map, periods, ind) if not grid.is_empty() else None
        if sums is not None:
            cells.append(sums.select(pl.lit(GROUP_LEVEL, pl.Int64).alias("_level"), "_pid",
                                     (pl.col("_w") + next_area).alias("_area"), *_numbers(ind)))
        places.append(table.select(
            (pl.col("_w") + next_area).alias("_area"), pl.col("wijk_code").alias("area"),
            pl.col("wijk_code").alias("area_name"), pl.lit(None, pl.String).alias("stadsdeel"),
            pl.lit(city, pl.Int64).alias("_up"), pl.lit(dim).alias("dimension")))
        next_area += table.height
    if not places:
        return pl.DataFrame(), pl.DataFrame()
    return pl.concat(cells), pl.concat(places)


def dimension_of(places: pl.DataFrame, dimensions: tuple[str, ...]) -> np.ndarray:
    """Per area (by `_area`): the index of its dimension in `dimensions`, -1 for a real area."""
    ordered = places.sort("_area")["dimension"].to_list()
    return np.array([dimensions.index(d) if d is not None else -1 for d in ordered], dtype=np.int64)
