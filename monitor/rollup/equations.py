"""The equations between published cells: every "total = sum of its parts" an attacker can use.

Areas: wijken add up to their stadsdeel, stadsdelen to the city, per period; a split's
groups (`groups`) add up to the city, per dimension and period.
Periods, per area: months to quarters, quarters to years, months to terms and to
rolling twelve-month windows, months to atoms, and (below the city, where atoms
exist) atoms and whole years to a wijk's year and term. A stock's quarter, year or
term is no sum but a copy of its reference month, so it is tied to that month.
Each family is a frame of memberships for `disclosure.suppress_linked` and the attack.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from monitor import disclosure
from monitor.indicators.model import DISTINCT

GRAINS = ("month", "quarter", "year", "term", "rolling")
# a link period (never shown): the longest runs of months no wijk-level period boundary splits
ATOM = "atom"
CODES = (*GRAINS, ATOM)
GROUP = 3  # the _level of a split's group cells (`groups.GROUP_LEVEL`; that module imports this one's users)


def equations(
    cells: pl.DataFrame, month_map: pl.DataFrame, periods: pl.DataFrame, measure: str, up_of: np.ndarray,
    dimension_of: np.ndarray | None = None,
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
    grain = np.array([CODES.index(g) for g in periods.sort("_pid")["_grain"]])[pid]
    parent = periods["_parent"].fill_null(-1).to_numpy()[pid]
    up = up_of[area]
    own = pid * n_areas + area
    families = [
        _family(level == part, pid * n_areas + up, level == part - 1, own) for part in (2, 1)
    ]  # wijk -> stadsdeel, stadsdeel -> city
    if dimension_of is not None and (dimension_of >= 0).any():  # a split's groups -> city, per dimension
        dim = dimension_of[area]
        families += [_family((level == GROUP) & (dim == d), pid * n_areas + up, level == 0, own)
                     for d in np.unique(dim[dim >= 0])]
    if measure in DISTINCT:  # a period is no sum of shorter ones (rollup.distinct): areas only
        return [_complete(f) for f in families]
    if measure == "stock":
        ref = periods["_ref_pid"].fill_null(-1).to_numpy()[pid]
        whole = np.flatnonzero((grain > 0) & (ref >= 0))
        parts, keep = _find(own, ref[whole] * n_areas + area[whole])
        families.append(_pairs(parts[keep], whole[keep], own[whole[keep]]))
        return [_complete(f) for f in families]
    for part, whole in ((0, 1), (1, 2)):  # month -> quarter, quarter -> year
        families.append(_family(grain == part, parent * n_areas + area, grain == whole, own))
    month_pid = periods.filter(pl.col("_grain") == "month").select(
        "_pid", pl.col("period_start").alias("month"))
    cell_rows = pl.DataFrame({"_cell": np.arange(pid.size), "_pid": pid, "_area": area})
    # Rolling windows overlap: a window hidden because one of its months is hidden costs
    # nothing elsewhere, while hiding a second month would ripple through every window that
    # holds it (and from small early months into recent ones). So a window hides itself.
    for name, prefer_total in (("term", False), ("rolling", True), (ATOM, False)):
        sums = month_map.join(periods.filter(pl.col("_grain") == name).select("_pid"), on="_pid")
        if sums.is_empty():
            continue
        links = month_pid.join(sums.rename({"_pid": "_sum"}), on="month").select("_pid", "_sum")
        parts = cell_rows.join(links, on="_pid")
        set_ids = parts["_sum"].to_numpy() * n_areas + parts["_area"].to_numpy()
        wholes = np.flatnonzero(grain == CODES.index(name))
        family = _members(parts["_cell"].to_numpy(), set_ids, wholes, own[wholes])
        families.append(family.with_columns(pl.lit(True).alias(disclosure.PREFER_TOTAL)) if prefer_total
                        else family)
    atoms = periods.filter(pl.col("_grain") == ATOM)
    atom_first = atoms.select("_pid", pl.col("period_start").alias("month"))
    split = month_map.join(atoms.select("_pid"), on="_pid")["month"]
    whole_years = (month_map.join(periods.filter(pl.col("_grain") == "year").select("_pid"), on="_pid")
                   .filter(~pl.col("month").is_in(split.implode())).group_by("_pid").agg(pl.col("month").min()))
    # a year's or term's atoms (and a term's whole years), where atoms exist: below the city
    below = (level == 1) | (level == 2)  # a split's groups publish their months: no atoms
    has_atoms = cell_rows.filter(pl.Series(below))
    for name in ("year", "term"):
        wholes_of = month_map.join(periods.filter(pl.col("_grain") == name).select("_pid"), on="_pid")
        firsts = pl.concat([atom_first, whole_years]) if name == "term" else atom_first
        links = firsts.join(wholes_of.rename({"_pid": "_sum"}), on="month").select("_pid", "_sum")
        parts = has_atoms.join(links, on="_pid")
        if parts.is_empty():
            continue
        set_ids = parts["_sum"].to_numpy() * n_areas + parts["_area"].to_numpy()
        wholes = np.flatnonzero((grain == CODES.index(name)) & below)
        families.append(_members(parts["_cell"].to_numpy(), set_ids, wholes, own[wholes]))
    return [_complete(f) for f in families]


def _complete(family: pl.DataFrame) -> pl.DataFrame:
    """Only the equations with a total and at least one part among the cells.

    A view outside the publication plan has no cells, so an equation can lose its
    parts (a wijk's months) or its total (a city atom); what is left is no equation.
    """
    sets = family.group_by(disclosure.SET).agg(
        pl.col(disclosure.TOTAL).any().alias("_t"), (~pl.col(disclosure.TOTAL)).any().alias("_p"))
    keep = sets.filter(pl.col("_t") & pl.col("_p")).select(disclosure.SET)
    return family.join(keep, on=disclosure.SET, how="semi", maintain_order="left")


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
