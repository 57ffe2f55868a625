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
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from monitor import disclosure
from monitor.indicators import Indicator
from monitor.rollup import attack, distinct, groups
from monitor.rollup.areas import _grid, _numbers, _places, _wijk_sums, _wijk_table
from monitor.rollup.equations import ATOM, equations
from monitor.rollup.keys import KeyRows
from monitor.rollup.periods import MONTHS_IN as _MONTHS
from monitor.rollup.periods import Term, add_months, label_of, month_end, start_of, year_earlier
from monitor.rollup.plan import PLAN, published_mask

_PARENT = {"month": "quarter", "quarter": "year"}
# the index of a grain is used in the equations: 0 month, 1 quarter, 2 year, 3 term, 4 rolling
LEVELS = ("city", "stadsdeel", "wijk")
CELL_LEVELS = (*LEVELS, "group")  # a cell's _level names, a split's groups included (`groups`)


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
    shown: np.ndarray  # per cell: in the publication plan (the rest are link cells, never shown)
    # inequalities the attacker also knows (a distinct count's periods: `distinct.time_bounds`);
    # only the attack uses them, the complementary rule works on `families`
    bounds: list[pl.DataFrame] = field(default_factory=list)


def linked_cells(
    frame: pl.DataFrame | KeyRows, ind: Indicator, areas: pl.DataFrame, *, municipality: str,
    terms: Sequence[Term],
) -> Linked | None:
    """Every cell of every view with its true numbers and the equations; None when the frame has no rows.

    A distinct measure counts each period from its keys (`distinct`): no month adds up to
    a year, so it needs no atoms and its equations are the area equations per period.
    """
    if ind.is_distinct:  # its key rows are counted by DuckDB (`keys`), never held whole here
        frame = KeyRows.of(frame)
        span = frame.month_range()
        if span is None:
            return None
        wijken = _wijk_table(frame.codes("wijk_code"), areas)
        months = pl.date_range(span[0], span[1], "1mo", eager=True).to_list()
        periods, month_map = _periods(months, terms, atoms=False, provisional=ind.provisional_months)
        # the wijk and every dimension of a split counted in one pass over the keys (`groups`)
        wijk, counted = groups.distinct_counts(frame, ind, wijken, month_map, periods)
    else:
        counted = None
        wijken = _wijk_table(frame, areas)
        grid = _grid(frame, ind, wijken)
        if grid.is_empty():
            return None
        months = pl.date_range(grid["month"].min(), grid["month"].max(), "1mo", eager=True).to_list()
        periods, month_map = _periods(months, terms, atoms=ind.measure != "stock",
                                      provisional=ind.provisional_months)
        wijk = _wijk_sums(grid, month_map, periods, ind)
    places = _places(wijken, municipality).with_columns(pl.lit(None, pl.String).alias("dimension"))
    cells = _all_levels(wijk, ind, wijken)
    if ind.dimensions:  # the split's cells: a pseudo-area per group, adding up to the city (`groups`)
        city = int(places["_area"].max())
        split, split_places = groups.group_cells(frame, ind, month_map, periods, first_area=city + 1,
                                                 city=city, counted=counted)
        cells = pl.concat([cells, split]) if split.height else cells
        places = pl.concat([places, split_places])
    # one row order every run (group_by's is not): the attack's solver path depends on it
    cells = cells.sort("_level", "_pid", "_area")
    shown, link = _in_plan(cells, periods, stock=ind.measure == "stock", distinct=ind.is_distinct)
    cells = cells.filter(pl.Series(shown | link))
    shown = shown[shown | link]
    families = equations(cells, month_map, periods, ind.measure, places.sort("_area")["_up"].to_numpy(),
                         groups.dimension_of(places, ind.dimensions))
    bounds = distinct.time_bounds(cells, month_map, periods, ind) if ind.is_distinct else []
    return Linked(cells, families, periods, places, shown, bounds)


def _in_plan(cells: pl.DataFrame, periods: pl.DataFrame, *, stock: bool, distinct: bool = False
             ) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: published (`plan`), and a link cell that ties published cells together.

    Links: a wijk's and a stadsdeel's atoms (a count), or a stock's wijk level in the
    reference month of a published wijk period (a stock's year is that month's level), and
    every *running* period (one the next delivery adds a month to) where its months are not
    published: a wijk's current year and term, and for a distinct count also a stadsdeel's
    and a group's (its months are no parts that add up to it). Published, it would differ
    from the same cell in the previous delivery by the newest month, which the plan does not
    publish there (docs/disclosure.md, consecutive deliveries).
    Every other unpublished cell is a sum nothing published depends on, so it is dropped.
    """
    by_pid = periods.sort("_pid")
    grain = by_pid["_grain"].to_numpy()[cells["_pid"].to_numpy()]
    level = cells["_level"].to_numpy()
    shown = published_mask(level, grain)
    wijk = LEVELS.index("wijk")
    link = (grain == ATOM) & ((level == 1) | (level == wijk))  # a split's groups publish their months
    refs = by_pid.filter(pl.col("_grain").is_in(PLAN["wijk"]))["_ref_pid"].drop_nulls().unique()
    link |= stock & (level == wijk) & (grain == "month") & np.isin(cells["_pid"].to_numpy(), refs.to_numpy())
    running = _running(by_pid)[cells["_pid"].to_numpy()] & ((level >= 1) if distinct else (level == wijk))
    link |= running & shown
    shown &= ~running
    return shown, link & ~shown


def _running(periods: pl.DataFrame) -> np.ndarray:
    """Per period (by _pid): does it run on past the data's last month (the next delivery adds to it)?"""
    months = periods.filter(pl.col("_grain") == "month")
    if months.is_empty():
        return np.zeros(periods.height, dtype=bool)
    return (periods["period_end"] > months["period_end"].max()).to_numpy()


def suppressed_cells(
    frame: pl.DataFrame,
    ind: Indicator,
    areas: pl.DataFrame,
    *,
    k: int,
    municipality: str,
    terms: Sequence[Term],
    width: float | None = None,
) -> Cells | None:
    """Every published cell (the plan's grains per level), suppressed and protected.

    The complementary rule first (cheap, per equation), then `attack.protect` until no
    small cell can be pinned narrower than `width` (default k) from everything
    published. None when the frame has no rows.
    """
    linked = linked_cells(frame, ind, areas, municipality=municipality, terms=terms)
    if linked is None:
        return None
    hidden = first_pattern(linked, ind, k)
    done = attack.protect(linked, ind, hidden, k=k, width=float(k if width is None else width))
    return cells_from(linked, done.hidden, k)


def cells_from(linked: Linked, hidden: np.ndarray, k: int) -> Cells:
    """The published cells of `linked` with the pattern `hidden` applied (a stored one, or a fresh one)."""
    cells = linked.cells.with_columns(pl.Series("suppressed", hidden))
    numbers = [c for c in ("value", "denominator") if c in cells.columns]
    cells = cells.with_columns(
        [pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c) for c in numbers])
    return Cells(cells.filter(pl.Series(linked.shown)), linked.periods, linked.places.drop("_up"), k)


def cell_keys(linked: Linked) -> list[tuple[int, str, str, bool, str]]:
    """(level, grain, period, a year earlier?, area) of every cell, in row order: the same cell
    in any indicator (the audit names cells by it, `shared` matches twins' cells by it)."""
    named = (linked.cells.select("_level", "_pid", "_area").with_row_index("_row")
             .join(linked.periods.select("_pid", "_grain", "period", "_aux"), on="_pid", how="left")
             .join(linked.places.select("_area", _key_area()), on="_area", how="left").sort("_row"))
    return list(zip(named["_level"], named["_grain"], named["period"], named["_aux"], named["area"],
                    strict=True))


def _key_area() -> pl.Expr:
    """A cell's area in `cell_keys`: a group of a split as `dimension=group` (two splits may share a code)."""
    return (pl.when(pl.col("dimension").is_null()).then(pl.col("area"))
            .otherwise(pl.format("{}={}", pl.col("dimension"), pl.col("area"))).alias("area"))


def first_pattern(linked: Linked, ind: Indicator, k: int) -> np.ndarray:
    """The complementary rule's pattern: primary cells and, per equation, no lone hidden cell."""
    cells = disclosure.suppress_linked(
        linked.cells,
        linked.families,
        k=k,
        measure=ind.behaves_as,
        numerator_is_people=ind.numerator_is_people,
        order_by=["_pid", "_area"],
        links=~linked.shown,
    )
    return cells["suppressed"].to_numpy().astype(bool)

def _periods(months: list[dt.date], terms: Sequence[Term], *, atoms: bool = True, provisional: int = 0
             ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One row per period of every grain (integer _pid), and month -> _pid for each grain.

    A rolling window is labelled `2023-11/2024-10` (first and last month, as ISO 8601 intervals).
    `atoms`: add the link periods a count needs (`_atoms`). `provisional`: the indicator's last
    N months are not settled yet (front matter `provisional_months`), so a period that holds one
    of them is incomplete, and surfaces mark it as such instead of showing a dip.

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
    if atoms:
        _atoms(rows, pairs, months, lo, hi)
    if provisional:
        settled = add_months(hi, -provisional)
        for row in rows:
            if row["period_end"].replace(day=1) > settled:
                row["complete"] = False
    month_pid = {m: index[("month", m)] for m in months}
    for row in rows:
        row["_ref_pid"] = month_pid.get(row["_ref"])
    periods = pl.DataFrame(rows, schema=_PERIOD_SCHEMA)
    month_map = pl.DataFrame(pairs, schema={"month": pl.Date, "_pid": pl.Int64}, orient="row")
    return periods, month_map


def _atoms(rows: list[dict], pairs: list[tuple[dt.date, int]], months: list[dt.date],
           lo: dt.date, hi: dt.date) -> None:
    """Append the atoms: runs of months split at every year and at every term's first and next month.

    A wijk publishes years and terms only, and terms start mid-year; its year and
    term cells are sums of atoms, and a stadsdeel's atom is the sum of its wijken's.
    That is all an attacker can learn about a wijk's months: given the atom sums,
    any split of them over the months fits the stadsdeel's monthly figures
    (a transportation problem with equal totals is always solvable).

    A run that is a whole year (of the data) is no atom: the year's own cell takes its
    place in a term's equation, so the complementary rule sees the year it ties to.
    """
    starts = {months[0]} | {m for m in months if m.month == 1}
    for row in [r for r in rows if r["_grain"] == "term"]:
        inside = [m for m in months if row["period_start"] <= m <= row["period_end"]]
        if inside:
            starts |= {inside[0], add_months(inside[-1], 1)}
    bounds = sorted(m for m in starts if m <= months[-1])
    for first, nxt in zip(bounds, [*bounds[1:], add_months(months[-1], 1)], strict=True):
        last = add_months(nxt, -1)
        year = [m for m in months if m.year == first.year]
        if first == year[0] and last == year[-1]:
            continue
        pid = len(rows)
        rows.append(_period(pid, ATOM, f"{first:%Y-%m}/{last:%Y-%m}", first, month_end(last), lo, hi))
        pairs.extend((m, pid) for m in months if first <= m <= last)


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

def _all_levels(wijk: pl.DataFrame, ind: Indicator, wijken: pl.DataFrame) -> pl.DataFrame:
    """Period x wijk -> cells at wijk, stadsdeel and city level (_level 2, 1, 0): areas always add up."""
    cols = _numbers(ind)
    sums = [pl.col(c).sum() for c in cols]
    nw, ns = wijken.height, wijken["_s"].n_unique()
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
