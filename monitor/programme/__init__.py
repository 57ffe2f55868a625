"""programme.yaml: the coalition programme, its ambitions and targets; status and projection.

`model` holds the dataclasses, `loader` reads and checks the file, `baselines` computes the
`from_data` baselines from the published twelve-month values, `status` compares
the current value with the trajectory, `projection` extends the recent trend. The
functions `status` and `projection` are re-exported here under their modules' names:
`programme.status(...)` and `programme.projection(...)` are the functions.
"""

from monitor.programme.baselines import resolve_baselines, twelve_month_value, unresolved
from monitor.programme.cache import cached, stamp
from monitor.programme.loader import check_programme, load_programme
from monitor.programme.model import (
    PAGE_UNVERIFIED,
    Ambition,
    Baseline,
    Event,
    Programme,
    ProgrammeError,
    ProgrammeFile,
    Target,
    Texts,
)
from monitor.programme.projection import (
    METHODS,
    MIN_TREND,
    Monthly,
    Projection,
    method_for,
    projection,
    projection_path,
    will_reach,
)
from monitor.programme.status import (
    STATUS_CODES,
    Status,
    ambitions_for,
    current_term,
    expected_at,
    settled,
    status,
    trajectory,
    verdict,
)
from monitor.rollup import Term

__all__ = [
    "METHODS", "MIN_TREND", "PAGE_UNVERIFIED", "STATUS_CODES", "Ambition", "Baseline", "Event", "Monthly",
    "Programme", "ProgrammeError", "ProgrammeFile", "Projection", "Status", "Target", "Term", "Texts",
    "ambitions_for", "cached", "check_programme", "current_term", "expected_at", "load_programme",
    "method_for", "projection", "projection_path", "resolve_baselines", "settled", "stamp", "status",
    "trajectory", "twelve_month_value", "unresolved", "verdict", "will_reach",
]
