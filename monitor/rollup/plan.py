"""The publication plan: which period grains the monitor publishes at which area level.

Every view published beside another adds equations an attacker can combine
(docs/disclosure.md). Monthly and quarterly figures per wijk are mostly noise
(a wijk has a few thousand households; a month's count of debt registrations is
a handful) and they multiply the small cells and the overlaps, so the monitor
publishes wijk figures per calendar year and per coalition term only, as CBS
publishes its wijk and buurt figures per year. Months and quarters stop at the
stadsdeel; the rolling twelve-month window (the scorecard's current value) is a
city figure.

Cells outside the plan are still computed where they tie published cells
together (a *link* cell): a wijk's share of the months between a term's start
and the next year, or a stock's wijk level in a year's reference month. They
are never shown; suppression and the audit treat them as unknown.
"""

from __future__ import annotations

import numpy as np

PLAN: dict[str, tuple[str, ...]] = {
    "city": ("month", "quarter", "year", "term", "rolling"),
    "stadsdeel": ("month", "quarter", "year", "term"),
    "wijk": ("year", "term"),
}
LEVEL_ORDER = ("city", "stadsdeel", "wijk")  # the index is a cell's _level


def published(level: str, grain: str) -> bool:
    """True when the monitor shows `grain` figures at `level` (a surface may ask for them)."""
    return grain in PLAN.get(level, ())


def levels_for(grain: str, levels: tuple[str, ...] | list[str] = LEVEL_ORDER) -> list[str]:
    """The levels among `levels` that publish `grain`, in their given order."""
    return [lv for lv in levels if published(lv, grain)]


def grains_for(level: str, grains: tuple[str, ...] | list[str]) -> list[str]:
    """The grains among `grains` that `level` publishes, in their given order."""
    return [g for g in grains if published(level, g)]


# a split by group (front matter `dimensions:`) is published for the city only, without the rolling
# window (the scorecard's, which has no split): every extra view adds equations (docs/disclosure.md)
SPLIT_GRAINS: tuple[str, ...] = ("month", "quarter", "year", "term")


def published_mask(level: np.ndarray, grain: np.ndarray) -> np.ndarray:
    """Per cell (its _level index and grain name): is it in the plan? Level 3: a split's groups."""
    out = np.zeros(level.size, dtype=bool)
    for i, name in enumerate(LEVEL_ORDER):
        out |= (level == i) & np.isin(grain, PLAN[name])
    out |= (level == len(LEVEL_ORDER)) & np.isin(grain, SPLIT_GRAINS)
    return out
