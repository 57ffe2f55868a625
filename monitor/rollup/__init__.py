"""Indicator frame -> published series: periods, areas, linked suppression and the views.

Everything a surface shows leaves the library here, as a `Published` frame with
disclosure control applied (`views.select`, `cohorts.rollup_cohort`).
"""

from monitor.rollup import groups, plan, shared
from monitor.rollup.areas import UNKNOWN_STADSDEEL, wijk_map
from monitor.rollup.cohorts import rollup_cohort
from monitor.rollup.equations import GRAINS
from monitor.rollup.linked import LEVELS, Cells, suppressed_cells
from monitor.rollup.periods import Term
from monitor.rollup.published import Published, require
from monitor.rollup.stored import protected_cells
from monitor.rollup.views import (
    COLUMNS,
    COMPARE_COLUMNS,
    SPLIT_COLUMNS,
    Grain,
    Level,
    Per,
    View,
    check_view,
    rollup,
    select,
)

__all__ = [
    "COLUMNS",
    "COMPARE_COLUMNS",
    "GRAINS",
    "LEVELS",
    "SPLIT_COLUMNS",
    "UNKNOWN_STADSDEEL",
    "Cells",
    "Grain",
    "Level",
    "Per",
    "Published",
    "Term",
    "View",
    "check_view",
    "groups",
    "plan",
    "protected_cells",
    "require",
    "rollup",
    "rollup_cohort",
    "select",
    "shared",
    "suppressed_cells",
    "wijk_map",
]
