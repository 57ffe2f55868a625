"""Indicator frame -> published series: periods, areas, linked suppression and the roll-up itself.

Everything a surface shows leaves the library here, as a `Published` frame with
disclosure control applied.
"""

from monitor.rollup.core import (
    COLUMNS,
    COMPARE_COLUMNS,
    UNKNOWN_STADSDEEL,
    Grain,
    Level,
    Per,
    View,
    monthly_grid,
    rollup,
    rollup_cohort,
    trailing_twelve_months,
    wijk_map,
)
from monitor.rollup.periods import Term
from monitor.rollup.published import Published, require

__all__ = [
    "COLUMNS", "COMPARE_COLUMNS", "UNKNOWN_STADSDEEL", "Grain", "Level", "Per", "Published", "Term",
    "View", "monthly_grid", "require", "rollup", "rollup_cohort", "trailing_twelve_months", "wijk_map",
]
