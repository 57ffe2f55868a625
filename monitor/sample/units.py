"""Households on social assistance (version 2 of the contract): re-entries, couples, where people live.

Drawn after every version-1 draw, so the spells, placements and activities themselves stay
as they were; these steps only relink them:

- re-entries: some people who left for work come back; an inflow spell that starts later is
  given to them (same person, same wijk, usually the same benefit unit), so the stock of
  spells does not change;
- couples: partners in one household share one benefit (leefeenheid); a partner's spell
  takes the dates, wijk and end reason of the other's and carries the same unit id;
- placements the wage administration could not trace; and the home wijk of jobseekers
  without a benefit, for the work activities.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from monitor.sample.areas import RISK, WIJK_CODES, WIJKEN
from monitor.sample.columns import id_series, labels
from monitor.sample.draw import choice, gamma_days
from monitor.sample.grid import Grid

RETURN_WITHIN_12M = 0.20  # share of exits to work that come back within twelve months
RETURN_LATER = 0.08  # ... and after more than twelve months
SAME_UNIT = 0.85  # a returning person usually returns to the same household's benefit
PARTNER_SHARE = 0.09  # share of spells that are the second person of a couple
UNTRACED_6M, UNTRACED_12M = 0.02, 0.04  # placements the wage administration could not trace


def _roots(parent: np.ndarray) -> np.ndarray:
    """Follow links to the first spell of each chain (links always point back in time: no cycles)."""
    root = parent.copy()
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            return root
        root = nxt


def draw_reentries(rng: np.random.Generator, grid: Grid, spells: dict[str, np.ndarray]
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (source spell, target spell): the source ended with 'werk', the target starts later
    (from the next month on) and becomes the same person's new spell."""
    starts = grid.start
    src = np.flatnonzero(spells["ended_ok"] & (spells["reason"] == 0) & (spells["ended"] >= starts[0]))
    kind = choice(rng, len(src), [RETURN_WITHIN_12M, RETURN_LATER, 1 - RETURN_WITHIN_12M - RETURN_LATER])
    # within: 35-335 days, so that even the last day of the month it lands in is within a year
    soon = np.minimum(gamma_days(rng, len(src), 1.3, 110.0, lo=35), 335)
    late = gamma_days(rng, len(src), 2.0, 240.0, lo=400)
    wanted = spells["ended"][src] + np.where(kind == 0, soon, late)
    keep = (kind < 2) & (wanted <= grid.cutoff)
    src, month = src[keep], np.searchsorted(starts, wanted[keep], side="right") - 1
    order = np.argsort(month, kind="stable")
    src, month = src[order], month[order]
    # candidates: spells that started within the grid, by month, in random order
    cand = np.flatnonzero(spells["started"] >= starts[0])
    cand_month = np.searchsorted(starts, spells["started"][cand], side="right") - 1
    corder = np.lexsort((rng.random(len(cand)), cand_month))
    cand, cand_month = cand[corder], cand_month[corder]
    first = np.searchsorted(cand_month, np.arange(len(starts)))
    available = np.bincount(cand_month, minlength=len(starts))
    rank = np.arange(len(src)) - np.searchsorted(month, month)
    ok = rank < available[month]
    return src[ok], cand[first[month[ok]] + rank[ok]]


Arrays = dict[str, np.ndarray]


def relink(rng: np.random.Generator, grid: Grid, spells: Arrays, p: Arrays,
           a: Arrays) -> tuple[Arrays, Arrays, Arrays]:
    """Re-entries and couples, with the placements and activities following their people."""
    n = len(spells["started"])
    src, target = draw_reentries(rng, grid, spells)
    parent = np.arange(n)
    parent[target] = src
    root = _roots(parent)
    unit_parent = np.arange(n)
    same = rng.random(len(target)) < SAME_UNIT
    unit_parent[target[same]] = src[same]
    unit_root = _roots(unit_parent)
    # couples among spells untouched by re-entries and placements (the partner has no placement)
    busy = np.zeros(n, bool)
    busy[np.concatenate([src, target, p["spell"][p["spell"] >= 0]])] = True
    partner = np.flatnonzero(~busy & (rng.random(n) < PARTNER_SHARE))
    free = np.flatnonzero(~busy & ~np.isin(np.arange(n), partner))
    head = rng.choice(free, size=min(len(partner), len(free)), replace=False)
    partner = partner[:len(head)]
    unit_root[partner] = head
    s = dict(spells)
    for key in ("started", "ended", "ended_ok", "wijk", "reason"):
        s[key] = spells[key].copy()
        s[key][partner] = spells[key][head]
    s["wijk"] = s["wijk"][root]  # a returning person lives where they lived
    old = spells["person"]
    s["person"] = old[root]
    s["unit"] = (1 + rng.permutation(n))[unit_root]
    # person ids: old -> new, for the placements and activities drawn with the old ones
    top = max(int(old.max()), int(p["person"].max(initial=0)), int(a["person"].max(initial=0)))
    new_id = np.arange(top + 1)
    new_id[old] = s["person"]
    q = dict(p)
    q["person"] = new_id[p["person"]]
    fb = p["spell"] >= 0
    q["wijk"] = p["wijk"].copy()
    q["wijk"][fb] = s["wijk"][p["spell"][fb]]
    b = dict(a)
    b["person"] = new_id[a["person"]]
    return s, q, b


def draw_untraced(rng: np.random.Generator, p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Placements the wage administration could not trace at 6 and 12 months (the 6 among the 12)."""
    u = rng.random(len(p["placed"]))
    return {**p, "untraced_6m": u < UNTRACED_6M, "untraced_12m": u < UNTRACED_12M}


def draw_homes(rng: np.random.Generator, first_id: int, pool: int) -> pl.DataFrame:
    """Where the jobseekers without a benefit (ids first_id..first_id+pool-1) live."""
    wijk = choice(rng, pool, np.array([w[3] for w in WIJKEN]) * np.sqrt(RISK))
    return pl.DataFrame({"person_id": id_series("P", first_id + np.arange(pool)),
                         "wijk_code": labels(WIJK_CODES, wijk)})


def homes(spells: pl.DataFrame, placements: pl.DataFrame, outside: pl.DataFrame) -> pl.DataFrame:
    """Everyone's wijk: from their spells (one wijk per person), else their placement, else drawn."""
    return pl.concat([spells.select("person_id", "wijk_code"), placements.select("person_id", "wijk_code"),
                      outside]).unique("person_id", keep="first", maintain_order=True)
