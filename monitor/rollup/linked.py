"""Linked suppression: every cell of every view of an indicator, suppressed together.

Views of the same data are tied by equations (a wijk's months add up to its
quarter, a stadsdeel's wijken to the stadsdeel, twelve months to a rolling
twelve-month window). Suppressing each view on its own could hide a cell in one
view that another shows; suppressing all at once, with every equation between
them, keeps the views consistent. The result (`Cells`) does not depend on the
view a surface asks for, so the engine computes it once per indicator and
catalog version, and every view is a cheap selection of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from monitor import disclosure
from monitor.indicators import Indicator
from monitor.rollup.areas import _grid, _numbers, _places, _wijk_table
from monitor.rollup.periods import MONTHS_IN as _MONTHS
from monitor.rollup.periods import Term, add_months, label_of, month_end, start_of, year_earlier

_PARENT = {"month": "quarter", "quarter": "year"}
# the index of a grain is used in the equations: 0 month, 1 quarter, 2 year, 3 term, 4 rolling
GRAINS = ("month", "quarter", "year", "term", "rolling")
LEVELS = ("city", "stadsdeel", "wijk")


@dataclass(frozen=True)
class Cells:
    """Every cell of every view, suppressed, in integer keys; `periods` and `places` name them."""

    cells: pl.DataFrame  # _level, _pid, _area, value[, denominator], suppressed
    periods: pl.DataFrame  # _pid, _grain, period, period_start, period_end, complete, _prev_pid, _aux, ...
    places: pl.DataFrame  # _area, area, area_name, stadsdeel
    k: int


@dataclass(frozen=True)
class Linked:
    """Every view's cells before suppression (true numbers) and the equations between them.

    `families` are `disclosure.suppress_linked`'s memberships; their `cell` is a row of
    `cells`, and `suppressed_cells` keeps that row order. `places` has `_up`, the area
    each area adds up into. For the disclosure audit (`monitor.audit`), never a surface.
    """

    cells: pl.DataFrame  # _level, _pid, _area, value[, denominator]
    families: list[pl.DataFrame]
    periods: pl.DataFrame
    places: pl.DataFrame


def linked_cells(
    frame: pl.DataFrame, ind: Indicator, areas: pl.DataFrame, *, municipality: str, terms: Sequence[Term]
) -> Linked | None:
    """Every cell of every view with its true numbers and the equations; None when the frame has no rows."""
    wijken = _wijk_table(frame, areas)
    grid = _grid(frame, ind, wijken)
    if grid.is_empty():
        return None
    months = pl.date_range(grid["month"].min(), grid["month"].max(), "1mo", eager=True).to_list()
    periods, month_map = _periods(months, terms)
    places = _places(wijken, municipality)
    cells = _all_levels(grid, month_map, periods, ind, wijken)
    families = _equations(cells, month_map, periods, ind.measure, places.sort("_area")["_up"].to_numpy())
    return Linked(cells, families, periods, places)


def suppressed_cells(
    frame: pl.DataFrame,
    ind: Indicator,
    areas: pl.DataFrame,
    *,
    k: int,
    municipality: str,
    terms: Sequence[Term],
) -> Cells | None:
    """Every cell (city, stadsdeel, wijk x month, quarter, year, term, rolling twelve months).

    Integer keys keep this within milliseconds; None when the frame has no rows.
    """
    linked = linked_cells(frame, ind, areas, municipality=municipality, terms=terms)
    if linked is None:
        return None
    cells = disclosure.suppress_linked(
        linked.cells,
        linked.families,
        k=k,
        measure=ind.measure,
        numerator_is_people=ind.numerator_is_people,
        order_by=["_pid", "_area"],
    )
    return Cells(cells, linked.periods, linked.places.drop("_up"), k)

def _periods(months: list[dt.date], terms: Sequence[Term]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One row per period of every grain (integer _pid), and month -> _pid for each grain.

    A rolling window is labelled `2023-11/2024-10` (first and last month, as ISO 8601 intervals).

    Built in Python: a century of months is a few thousand small rows at most.
    """
    lo, hi = months[0], months[-1]
    rows: list[dict] = []
    index: dict[tuple[str, dt.date], int] = {}
    pairs: list[tuple[dt.date, int]] = []
    for grain in ("year", "quarter", "month"):  # parents first, so children can point at them
        for m in months:
            start = start_of(m, grain)
            key = (grain, start)
            if key not in index:
                index[key] = len(rows)
                parent = (
                    index.get((_PARENT[grain], start_of(m, _PARENT[grain]))) if grain in _PARENT else None
                )
                end = add_months(start, _MONTHS[grain]) - dt.timedelta(days=1)
                rows.append(
                    _period(len(rows), grain, label_of(start, grain), start, end, lo, hi, parent=parent)
                )
            pairs.append((m, index[key]))
    for m in months:  # the twelve months ending in each month: the scorecard's "current" value
        start = add_months(m, -11)
        index[("rolling", start)] = len(rows)
        rows.append(_period(len(rows), "rolling", f"{start:%Y-%m}/{m:%Y-%m}", start, month_end(m), lo, hi))
        pairs.extend((x, index[("rolling", start)]) for x in months if start <= x <= m)
    for row in rows:
        row["_prev_pid"] = index.get((row["_grain"], year_earlier(row["period_start"])))
    for term in terms:
        label = term.id  # a code: the edge words it from the term's label
        this = _period(len(rows), "term", label, term.start, term.end, lo, hi)
        prev = _period(
            len(rows) + 1, "term", label, year_earlier(term.start), year_earlier(term.end), lo, hi
        )
        this["_prev_pid"], prev["_aux"] = prev["_pid"], True
        for row in (this, prev):
            rows.append(row)
            pairs.extend((m, row["_pid"]) for m in months if row["period_start"] <= m <= row["period_end"])
    month_pid = {m: index[("month", m)] for m in months}
    for row in rows:
        row["_ref_pid"] = month_pid.get(row["_ref"])
    periods = pl.DataFrame(rows, schema=_PERIOD_SCHEMA)
    month_map = pl.DataFrame(pairs, schema={"month": pl.Date, "_pid": pl.Int64}, orient="row")
    return periods, month_map


_PERIOD_SCHEMA = {
    "_pid": pl.Int64,
    "_grain": pl.String,
    "period": pl.String,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "complete": pl.Boolean,
    "_parent": pl.Int64,
    "_prev_pid": pl.Int64,
    "_aux": pl.Boolean,
    "_ref": pl.Date,
    "_ref_pid": pl.Int64,
    "_ref_year": pl.Int32,
}

def _period(
    pid: int,
    grain: str,
    label: str,
    start: dt.date,
    end: dt.date,
    lo: dt.date,
    hi: dt.date,
    *,
    parent: int | None = None,
) -> dict:
    """A period's facts: complete (all its months in the data); `_ref`, the month a stock
    reads (its last month, or the data's last month while it runs); the year for per 1,000.

    A term's months are those whose first day falls in it: terms change mid-month
    (16 May), and this keeps every month in exactly one of two adjoining terms.
    """
    first = start if start.day == 1 else add_months(start.replace(day=1), 1)
    last = end.replace(day=1)
    ref = min(last, hi)
    return {
        "_pid": pid,
        "_grain": grain,
        "period": label,
        "period_start": start,
        "period_end": end,
        "complete": first >= lo and last <= hi,
        "_parent": parent,
        "_prev_pid": None,
        "_aux": False,
        "_ref": ref,
        "_ref_pid": None,
        "_ref_year": ref.year,
    }

def _all_levels(
    grid: pl.DataFrame, month_map: pl.DataFrame, periods: pl.DataFrame, ind: Indicator, wijken: pl.DataFrame
) -> pl.DataFrame:
    """Month x wijk -> cells of every period at wijk, stadsdeel and city level (_level 2, 1, 0).

    A stock keeps only each period's reference month before summing over areas.
    """
    cols = _numbers(ind)
    sums = [pl.col(c).sum() for c in cols]
    nw, ns = wijken.height, wijken["_s"].n_unique()
    rows = grid.join(month_map, on="month")
    if ind.measure == "stock":
        ref = periods.select("_pid", "_ref")
        rows = rows.join(ref, left_on=["_pid", "month"], right_on=["_pid", "_ref"])
    wijk = rows.group_by("_pid", "_w", "_s").agg(sums)
    sd = wijk.group_by("_pid", "_s").agg(sums)
    city = sd.group_by("_pid").agg(sums)
    level = pl.lit(0, pl.Int64).alias("_level")
    return pl.concat(
        [
            city.select(level, "_pid", pl.lit(nw + ns, pl.Int64).alias("_area"), *cols),
            sd.select(level + 1, "_pid", (pl.col("_s") + nw).alias("_area"), *cols),
            wijk.select(level + 2, "_pid", pl.col("_w").alias("_area"), *cols),
        ]
    )


def _equations(
    cells: pl.DataFrame, month_map: pl.DataFrame, periods: pl.DataFrame, measure: str, up_of: np.ndarray
) -> list[pl.DataFrame]:
    """Every "total = sum of parts" between cells, one family per kind (see disclosure.suppress_linked).

    Areas: wijken add up to their stadsdeel, stadsdelen to the city, per period.
    Periods, per area: months to quarters, quarters to years, months to terms and to
    rolling twelve-month windows. A
    stock's quarter, year or term is no sum but a copy of its reference month, so
    for a stock each of those is tied to that month (one is never hidden alone).
    A set is numbered `period * n_areas + area` of its total; `up_of[area]` is the
    area it adds up into.
    """
    n_areas = up_of.size
    pid = cells["_pid"].to_numpy()
    area = cells["_area"].to_numpy()
    level = cells["_level"].to_numpy()
    grain = np.array([GRAINS.index(g) for g in periods["_grain"]])[pid]
    parent = periods["_parent"].fill_null(-1).to_numpy()[pid]
    up = up_of[area]
    own = pid * n_areas + area
    families = [
        _family(level == part, pid * n_areas + up, level == part - 1, own) for part in (2, 1)
    ]  # wijk -> stadsdeel, stadsdeel -> city
    if measure == "stock":
        ref = periods["_ref_pid"].fill_null(-1).to_numpy()[pid]
        whole = np.flatnonzero((grain > 0) & (ref >= 0))
        parts, keep = _find(own, ref[whole] * n_areas + area[whole])
        families.append(_pairs(parts[keep], whole[keep], own[whole[keep]]))
        return families
    for part, whole in ((0, 1), (1, 2)):  # month -> quarter, quarter -> year
        families.append(_family(grain == part, parent * n_areas + area, grain == whole, own))
    month_pid = periods.filter(pl.col("_grain") == "month").select(
        "_pid", pl.col("period_start").alias("month"))
    cell_rows = pl.DataFrame({"_cell": np.arange(pid.size), "_pid": pid, "_area": area})
    # Rolling windows overlap: a window hidden because one of its months is hidden costs
    # nothing elsewhere, while hiding a second month would ripple through every window that
    # holds it (and from small early months into recent ones). So a window hides itself.
    for name, prefer_total in (("term", False), ("rolling", True)):
        sums = month_map.join(periods.filter(pl.col("_grain") == name).select("_pid"), on="_pid")
        if sums.is_empty():
            continue
        links = month_pid.join(sums.rename({"_pid": "_sum"}), on="month").select("_pid", "_sum")
        parts = cell_rows.join(links, on="_pid")
        set_ids = parts["_sum"].to_numpy() * n_areas + parts["_area"].to_numpy()
        wholes = np.flatnonzero(grain == GRAINS.index(name))
        family = _members(parts["_cell"].to_numpy(), set_ids, wholes, own[wholes])
        families.append(family.with_columns(pl.lit(True).alias(disclosure.PREFER_TOTAL)) if prefer_total
                        else family)
    return families


def _find(keys: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row of each wanted key in `keys` (unique), and whether it was found."""
    order = np.argsort(keys)
    at = np.clip(np.searchsorted(keys[order], wanted), 0, keys.size - 1)
    return order[at], keys[order][at] == wanted

def _family(part: np.ndarray, part_set: np.ndarray, whole: np.ndarray, whole_set: np.ndarray) -> pl.DataFrame:
    """Members of equations from Boolean masks: parts with their set ids, totals with theirs."""
    parts, wholes = np.flatnonzero(part), np.flatnonzero(whole)
    return _members(parts, part_set[parts], wholes, whole_set[wholes])

def _pairs(parts: np.ndarray, wholes: np.ndarray, set_ids: np.ndarray) -> pl.DataFrame:
    """Equations "total = one part" (a stock's period and its reference month)."""
    return _members(parts, set_ids, wholes, set_ids)

def _members(
    parts: np.ndarray, part_sets: np.ndarray, wholes: np.ndarray, whole_sets: np.ndarray
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            disclosure.CELL: np.concatenate([parts, wholes]).astype(np.int64),
            disclosure.SET: np.concatenate([part_sets, whole_sets]).astype(np.int64),
            disclosure.TOTAL: np.concatenate([np.zeros(parts.size, bool), np.ones(wholes.size, bool)]),
        }
    )
