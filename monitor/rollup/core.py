"""Indicator frame -> series: grain, area level, ratios, stocks, comparisons.

Indicator queries return month x wijk (DESIGN section 5); every surface asks for a
roll-up of that frame. The roll-up rules:

- a count sums over months and areas;
- a ratio is sum(value) / sum(denominator), never a mean of ratios;
- a stock is the level in the last month of the period (the last month in the
  data for a period that is not over yet), summed over areas.

Disclosure control (monitor.disclosure) runs inside `rollup`, `rollup_cohort` and
`trailing_twelve_months`: callers cannot skip it. `rollup` suppresses every cell of
every view at once (each level x month, quarter, year and term, on the full
history) with the equations that tie them together, and only then picks the view
and applies its filters. So no view shows a cell that another view hides, and
filtering never changes which cells are hidden.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from monitor import disclosure
from monitor.indicators import Indicator
from monitor.rollup.periods import MONTHS_IN as _MONTHS
from monitor.rollup.periods import Term
from monitor.rollup.periods import add_months as _add_months
from monitor.rollup.periods import label_of as _label_of
from monitor.rollup.periods import start_of as _start_of
from monitor.rollup.periods import year_earlier as _year_earlier

Grain = Literal["month", "quarter", "year", "term"]
Level = Literal["city", "stadsdeel", "wijk"]
Per = Literal["inhabitants", "households"]

UNKNOWN_STADSDEEL = "(onbekend)"
_PARENT = {"month": "quarter", "quarter": "year"}
_GRAINS = ("month", "quarter", "year", "term")
_LEVELS = ("city", "stadsdeel", "wijk")

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
COMPARE_COLUMNS: dict[str, type[pl.DataType] | pl.DataType] = {
    "result_prev": pl.Float64,
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


@dataclass(frozen=True)
class _Cells:
    """Every cell of every view, suppressed, in integer keys; `periods` and `places` name them."""

    cells: pl.DataFrame  # _level, _pid, _area, value[, denominator], suppressed
    periods: pl.DataFrame  # _pid, _grain, period, period_start, period_end, complete, _prev_pid, _aux, ...
    places: pl.DataFrame  # _area, area, area_name, stadsdeel


# ---------------------------------------------------------------- public API


def rollup(
    frame: pl.DataFrame,
    ind: Indicator,
    areas: pl.DataFrame,
    view: View,
    *,
    k: int,
    municipality: str = "Den Haag",
    terms: Sequence[Term] = (),
) -> pl.DataFrame:
    """The indicator per period and area, suppressed; columns as in `COLUMNS` (+ comparison)."""
    _check_view(ind, view, terms)
    schema = COLUMNS | (COMPARE_COLUMNS if view.compare else {})
    joint = _cached_cells(frame, ind, areas, k=k, municipality=municipality, terms=terms)
    if joint is None:
        return pl.DataFrame(schema=schema)
    cells = (
        joint.cells.filter(pl.col("_level") == _LEVELS.index(view.level))
        .join(joint.periods.filter(pl.col("_grain") == view.grain), on="_pid")
        .join(joint.places, on="_area")
    )
    if cells.is_empty():
        return pl.DataFrame(schema=schema)
    cells = _with_result(cells, ind, view.per, areas, view.level, municipality)
    if view.compare:
        cells = _with_comparison(cells)
    return _finish(_filter(cells, view), schema, ind, view.level)


def trailing_twelve_months(
    frame: pl.DataFrame,
    ind: Indicator,
    areas: pl.DataFrame,
    *,
    k: int,
    level: Level = "city",
    municipality: str = "Den Haag",
) -> pl.DataFrame:
    """Per month the twelve months ending there: sum (count), ratio of sums (ratio), level (stock).

    `period_start` is the window's first month; `complete` says all twelve are in the
    data. Suppressed with area siblings per month. Overlapping windows are not
    protected against differencing (window t minus window t-1); that is why the
    scorecard uses this at city level, where cells are far above k.
    """
    grid = monthly_grid(frame, ind, areas)
    schema = {"month": pl.Date} | COLUMNS
    if grid.is_empty():
        return pl.DataFrame(schema=schema)
    lo = grid["month"].min()
    cols = _numbers(ind)
    per_month = _to_level(grid, level, municipality, ["month"], cols).sort("area", "month")
    if ind.measure != "stock":
        per_month = per_month.with_columns(
            [pl.col(c).rolling_sum(12, min_samples=1).over("area").alias(c) for c in cols]
        )
    per_month = per_month.with_columns(
        pl.col("month").dt.strftime("%Y-%m").alias("period"),
        pl.col("month").dt.offset_by("-11mo").alias("period_start"),
        pl.col("month").dt.month_end().alias("period_end"),
        (pl.col("month").dt.offset_by("-11mo") >= lo).alias("complete"),
    )
    area_siblings = {"wijk": [["month", "stadsdeel"]], "stadsdeel": [["month"]]}.get(level, [])
    cells = disclosure.suppress(
        per_month,
        k=k,
        measure=ind.measure,
        numerator_is_people=ind.numerator_is_people,
        groups=area_siblings,
    )
    cells = _with_result(cells, ind, None, areas, level, municipality)
    return _finish(cells.sort("month", "area"), schema, ind, level)


def rollup_cohort(
    frame: pl.DataFrame,
    ind: Indicator,
    areas: pl.DataFrame,
    *,
    grain: Literal["month", "quarter", "year"] = "quarter",
    level: Level = "city",
    k: int,
    municipality: str = "Den Haag",
) -> pl.DataFrame:
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
    if f.is_empty():
        return pl.DataFrame(schema=schema)
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
    return cells.sort("cohort_start", "months_since", "area").select(
        [pl.col(c).cast(t) for c, t in schema.items()]
    )


# ---------------------------------------------------------------- all views, suppressed together


_CACHE: OrderedDict[tuple, tuple[pl.DataFrame, pl.DataFrame, _Cells | None]] = OrderedDict()
_CACHE_SIZE = 32
_CACHE_LOCK = threading.Lock()


def _cached_cells(
    frame: pl.DataFrame,
    ind: Indicator,
    areas: pl.DataFrame,
    *,
    k: int,
    municipality: str,
    terms: Sequence[Term],
) -> _Cells | None:
    """`_suppressed_cells`, remembered per frame object: it does not depend on the view.

    A page that flips through grains and levels of one indicator pays for the joint
    suppression once. An entry holds its frames, so their ids cannot be reused while
    it lives, and a hit must be the very same objects. Frames must not be mutated
    in place after a roll-up (the engine's cached frames never are).
    """
    key = (id(frame), id(areas), k, municipality, tuple(terms), ind.measure, ind.numerator_is_people)
    try:
        hash(key)
    except TypeError:  # a term label given as a mapping
        return _suppressed_cells(frame, ind, areas, k=k, municipality=municipality, terms=terms)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is frame and hit[1] is areas:
            _CACHE.move_to_end(key)
            return hit[2]
    joint = _suppressed_cells(frame, ind, areas, k=k, municipality=municipality, terms=terms)
    with _CACHE_LOCK:
        _CACHE[key] = (frame, areas, joint)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return joint


def _suppressed_cells(
    frame: pl.DataFrame,
    ind: Indicator,
    areas: pl.DataFrame,
    *,
    k: int,
    municipality: str,
    terms: Sequence[Term],
) -> _Cells | None:
    """Every cell (city, stadsdeel, wijk x month, quarter, year, term), suppressed together.

    Views of the same data are linked: a wijk's months add up to its quarter, a
    stadsdeel's wijken to the stadsdeel. Suppressing each view on its own could
    hide a cell in one view that another shows (a stadsdeel with one wijk shows
    that wijk's value). Suppressing all at once, with every equation between them,
    keeps the views consistent. Integer keys keep this within milliseconds.
    """
    wijken = _wijk_table(frame, areas)
    grid = _grid(frame, ind, wijken)
    if grid.is_empty():
        return None
    months = pl.date_range(grid["month"].min(), grid["month"].max(), "1mo", eager=True).to_list()
    periods, month_map = _periods(months, terms)
    places = _places(wijken, municipality)
    cells = _all_levels(grid, month_map, periods, ind, wijken)
    families = _equations(cells, month_map, periods, ind.measure, places.sort("_area")["_up"].to_numpy())
    cells = disclosure.suppress_linked(
        cells,
        families,
        k=k,
        measure=ind.measure,
        numerator_is_people=ind.numerator_is_people,
        order_by=["_pid", "_area"],
    )
    return _Cells(cells, periods, places.drop("_up"))


def _wijk_table(frame: pl.DataFrame, areas: pl.DataFrame) -> pl.DataFrame:
    """Every wijk (in areas or in the data): code, name, stadsdeel, and integer ids _w and _s."""
    wmap = wijk_map(areas)
    codes = pl.concat([wmap.select("wijk_code"), frame.select(pl.col("wijk_code").cast(pl.String))]).unique()
    table = _with_wijk_names(codes, wmap).sort("wijk_code")
    return table.with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_w"),
        (pl.col("stadsdeel").rank("dense").cast(pl.Int64) - 1).alias("_s"),
    )


def _grid(frame: pl.DataFrame, ind: Indicator, wijken: pl.DataFrame) -> pl.DataFrame:
    """Every month in the data's range x every wijk (by _w, _s), missing combinations as 0.

    Filling the grid makes zero cells real parts of their totals, and for a stock a
    missing month then reads as 0, as the indicator contract says.
    """
    cols = _numbers(ind)
    f = frame.select(
        pl.col("month").cast(pl.Date),
        pl.col("wijk_code").cast(pl.String),
        *[pl.col(c).cast(pl.Float64) for c in cols],
    )
    f = f.group_by("month", "wijk_code").agg([pl.col(c).sum() for c in cols])  # duplicate rows add up
    if f.is_empty():
        return f
    months = pl.date_range(f["month"].min(), f["month"].max(), "1mo", eager=True).alias("month").to_frame()
    grid = months.join(wijken.select("wijk_code", "_w", "_s"), how="cross")
    grid = grid.join(f, on=["month", "wijk_code"], how="left")
    return grid.with_columns([pl.col(c).fill_null(0) for c in cols])


def _places(wijken: pl.DataFrame, municipality: str) -> pl.DataFrame:
    """One integer _area per wijk, stadsdeel and the city, with its names and the area it adds up to."""
    nw = wijken.height
    sds = wijken.select("_s", "stadsdeel").unique().sort("_s")
    city = nw + sds.height
    rows = wijken.select(
        pl.col("_w").alias("_area"),
        pl.col("wijk_code").alias("area"),
        pl.col("wijk_name").alias("area_name"),
        "stadsdeel",
        (pl.col("_s") + nw).alias("_up"),
    )
    sd_rows = sds.select(
        (pl.col("_s") + nw).alias("_area"),
        pl.col("stadsdeel").alias("area"),
        pl.col("stadsdeel").alias("area_name"),
        pl.lit(None, pl.String).alias("stadsdeel"),
        pl.lit(city, pl.Int64).alias("_up"),
    )
    city_row = pl.DataFrame(
        {
            "_area": [city],
            "area": [municipality],
            "area_name": [municipality],
            "stadsdeel": [None],
            "_up": [-1],
        },
        schema=rows.schema,
    )
    return pl.concat([rows, sd_rows, city_row])


def _periods(months: list[dt.date], terms: Sequence[Term]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One row per period of every grain (integer _pid), and month -> _pid for each grain.

    Built in Python: a century of months is a few thousand small rows at most.
    """
    lo, hi = months[0], months[-1]
    rows: list[dict] = []
    index: dict[tuple[str, dt.date], int] = {}
    pairs: list[tuple[dt.date, int]] = []
    for grain in ("year", "quarter", "month"):  # parents first, so children can point at them
        for m in months:
            start = _start_of(m, grain)
            key = (grain, start)
            if key not in index:
                index[key] = len(rows)
                parent = (
                    index.get((_PARENT[grain], _start_of(m, _PARENT[grain]))) if grain in _PARENT else None
                )
                end = _add_months(start, _MONTHS[grain]) - dt.timedelta(days=1)
                rows.append(
                    _period(len(rows), grain, _label_of(start, grain), start, end, lo, hi, parent=parent)
                )
            pairs.append((m, index[key]))
    for row in rows:
        row["_prev_pid"] = index.get((row["_grain"], _year_earlier(row["period_start"])))
    for term in terms:
        label = _text(term.label)
        this = _period(len(rows), "term", label, term.start, term.end, lo, hi)
        prev = _period(
            len(rows) + 1, "term", label, _year_earlier(term.start), _year_earlier(term.end), lo, hi
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
    first = start if start.day == 1 else _add_months(start.replace(day=1), 1)
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
    Periods, per area: months to quarters, quarters to years, months to terms. A
    stock's quarter, year or term is no sum but a copy of its reference month, so
    for a stock each of those is tied to that month (one is never hidden alone).
    A set is numbered `period * n_areas + area` of its total; `up_of[area]` is the
    area it adds up into.
    """
    n_areas = up_of.size
    pid = cells["_pid"].to_numpy()
    area = cells["_area"].to_numpy()
    level = cells["_level"].to_numpy()
    grain = np.array([_GRAINS.index(g) for g in periods["_grain"]])[pid]
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
    term_of = month_map.join(periods.filter(pl.col("_grain") == "term").select("_pid"), on="_pid")
    if not term_of.is_empty():
        month_pid = periods.filter(pl.col("_grain") == "month").select(
            "_pid", pl.col("period_start").alias("month")
        )
        links = month_pid.join(term_of.rename({"_pid": "_term"}), on="month").select("_pid", "_term")
        cell_rows = pl.DataFrame({"_cell": np.arange(pid.size), "_pid": pid, "_area": area})
        parts = cell_rows.join(links, on="_pid")
        set_ids = parts["_term"].to_numpy() * n_areas + parts["_area"].to_numpy()
        terms = np.flatnonzero(grain == 3)
        families.append(_members(parts["_cell"].to_numpy(), set_ids, terms, own[terms]))
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


# ---------------------------------------------------------------- wijken and periods


def wijk_map(areas: pl.DataFrame) -> pl.DataFrame:
    """wijk_code -> wijk_name, stadsdeel, as in each wijk's latest areas year (the current map)."""
    latest = areas.filter(pl.col("year") == pl.col("year").max().over("wijk_code"))
    return latest.select(
        pl.col("wijk_code").cast(pl.String),
        pl.col("wijk_name").cast(pl.String),
        pl.col("stadsdeel").cast(pl.String),
    ).unique("wijk_code", keep="last")


def monthly_grid(frame: pl.DataFrame, ind: Indicator, areas: pl.DataFrame) -> pl.DataFrame:
    """month, wijk_code, wijk_name, stadsdeel, value[, denominator]: every month x wijk, gaps as 0."""
    wijken = _wijk_table(frame, areas)
    grid = _grid(frame, ind, wijken)
    if grid.is_empty():
        return grid.join(wijken.select("wijk_code", "wijk_name", "stadsdeel"), on="wijk_code")
    return grid.join(wijken.select("_w", "wijk_name", "stadsdeel"), on="_w").drop("_w", "_s")


def _with_wijk_names(df: pl.DataFrame, wmap: pl.DataFrame) -> pl.DataFrame:
    """Attach wijk_name and stadsdeel; a wijk missing from `areas` keeps its code and an unknown stadsdeel."""
    return df.join(wmap, on="wijk_code", how="left").with_columns(
        pl.col("wijk_name").fill_null(pl.col("wijk_code")),
        pl.col("stadsdeel").fill_null(UNKNOWN_STADSDEEL),
    )


def _numbers(ind: Indicator) -> list[str]:
    return ["value", "denominator"] if ind.measure == "ratio" else ["value"]





def _truncate(month: pl.Expr, grain: str) -> pl.Expr:
    return month.dt.truncate({"month": "1mo", "quarter": "1q", "year": "1y"}[grain])


def _label(start: pl.Expr, grain: str) -> pl.Expr:
    """`_label_of` for a column."""
    if grain == "quarter":
        return pl.format("{}-Q{}", start.dt.year(), start.dt.quarter())
    return start.dt.strftime("%Y-%m" if grain == "month" else "%Y")


def _text(label: str | Mapping[str, str]) -> str:
    if isinstance(label, str):
        return label
    return label.get("nl") or next(iter(label.values()), "")



def _to_level(
    df: pl.DataFrame, level: str, municipality: str, keys: list[str], cols: list[str]
) -> pl.DataFrame:
    """Sum `cols` by `keys` and area; the area columns follow the level (stadsdeel kept for grouping)."""
    if level == "city":
        area = [
            pl.lit(municipality).alias("area"),
            pl.lit(municipality).alias("area_name"),
            pl.lit(None, pl.String).alias("stadsdeel"),
        ]
    elif level == "stadsdeel":
        area = [
            pl.col("stadsdeel").alias("area"),
            pl.col("stadsdeel").alias("area_name"),
            pl.col("stadsdeel"),
        ]
    elif level == "wijk":
        area = [
            pl.col("wijk_code").alias("area"),
            pl.col("wijk_name").alias("area_name"),
            pl.col("stadsdeel"),
        ]
    else:
        raise ValueError(f"Unknown area level '{level}': expected city, stadsdeel or wijk")
    return df.group_by([*keys, *area]).agg([pl.col(c).sum() for c in cols])


# ---------------------------------------------------------------- result, comparison, filters


def _ratio(percentage: bool) -> pl.Expr:
    den = pl.col("denominator")
    ratio = pl.when(den != 0).then(pl.col("value") / den)
    return ratio * 100 if percentage else ratio


def _with_result(
    cells: pl.DataFrame, ind: Indicator, per: str | None, areas: pl.DataFrame, level: str, municipality: str
) -> pl.DataFrame:
    """`result`: the value, the ratio (x100 for a percentage) or the value per 1,000 residents."""
    if ind.measure == "ratio":
        return cells.with_columns(_ratio(ind.is_percentage).alias("result"))
    if per is None:
        return cells.with_columns(pl.col("value").alias("result"))
    pop = _population(areas, level, per, cells["_ref_year"].unique().to_list(), municipality)
    cells = cells.join(pop, on=["_ref_year", "area"], how="left")
    per_1000 = pl.when(pl.col("_pop") > 0).then(pl.col("value") / pl.col("_pop") * 1000)
    return cells.with_columns(per_1000.alias("result")).drop("_pop")


def _population(
    areas: pl.DataFrame, level: str, per: str, years: list[int], municipality: str
) -> pl.DataFrame:
    """Inhabitants or households per area for each wanted year, from the nearest areas year.

    Ties (a year halfway between two areas years) go to the later year.
    """
    available = sorted(areas["year"].unique().to_list())
    if not available:
        return pl.DataFrame(schema={"_ref_year": pl.Int32, "area": pl.String, "_pop": pl.Float64})
    nearest = {y: min(available, key=lambda a, y=y: (abs(a - y), -a)) for y in years}
    a = areas.select("year", pl.col("wijk_code").cast(pl.String), pl.col(per).cast(pl.Float64))
    a = _with_wijk_names(a, wijk_map(areas))
    pop = _to_level(a, level, municipality, ["year"], [per]).select("year", "area", pl.col(per).alias("_pop"))
    wanted = pl.DataFrame(
        {"_ref_year": list(nearest), "year": list(nearest.values())},
        schema={"_ref_year": pl.Int32, "year": pop.schema["year"]},
    )
    return wanted.join(pop, on="year").drop("year")


def _with_comparison(cells: pl.DataFrame) -> pl.DataFrame:
    """result_prev: the same area's cell a year earlier, and change; null when either is hidden or missing."""
    prev = cells.select(pl.col("_pid").alias("_prev_pid"), "_area", pl.col("result").alias("result_prev"))
    out = cells.join(prev, on=["_prev_pid", "_area"], how="left")
    hidden = pl.col("suppressed") | pl.col("result").is_null()
    out = out.with_columns(pl.when(hidden).then(None).otherwise(pl.col("result_prev")).alias("result_prev"))
    return out.with_columns((pl.col("result") - pl.col("result_prev")).alias("change"))


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
    if ind.measure != "ratio":
        cells = cells.with_columns(pl.lit(None, pl.Float64).alias("denominator"))
    if "month" not in schema:
        cells = cells.sort("period_start", "area")
    return cells.select([pl.col(c).cast(t) for c, t in schema.items()])


def _check_view(ind: Indicator, view: View, terms: Sequence[Term]) -> None:
    if ind.shape == "cohort":
        raise ValueError(f"{ind.id}: a cohort indicator has no time series; use rollup_cohort()")
    if view.grain not in _GRAINS:
        raise ValueError(f"Unknown grain '{view.grain}': expected month, quarter, year or term")
    if view.grain == "term" and not terms:
        raise ValueError("Grain 'term' needs the coalition terms (programme.yaml); none were given")
    if view.per is not None and ind.measure == "ratio":
        raise ValueError(f"{ind.id}: 'per 1,000' applies to counts and stocks, not to a ratio")
    if view.per not in (None, "inhabitants", "households"):
        raise ValueError(f"Unknown 'per' '{view.per}': expected inhabitants or households")
    if view.level not in _LEVELS:
        raise ValueError(f"Unknown area level '{view.level}': expected city, stadsdeel or wijk")
