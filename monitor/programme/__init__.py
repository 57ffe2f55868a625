"""programme.yaml: the coalition programme, its ambitions and targets; status and projection.

`model` holds the dataclasses, `loader` reads and checks the file, `baselines` computes the
`from_data` baselines from the published twelve-month values, `status` compares
the current value with the trajectory, `projection` extends the recent trend. The
functions `status` and `projection` are re-exported here under their modules' names:
`programme.status(...)` and `programme.projection(...)` are the functions.
"""

from monitor.programme.baselines import resolve_baselines, twelve_month_value, unresolved
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
from monitor.programme.projection import METHODS, Projection, projection, projection_path, will_reach
from monitor.programme.status import (
    Status,
    ambitions_for,
    current_term,
    expected_at,
    status,
    trajectory,
)
from monitor.rollup import Term

__all__ = [
    "METHODS", "PAGE_UNVERIFIED", "Ambition", "Baseline", "Event", "Programme", "ProgrammeError",
    "ProgrammeFile", "Projection",
    "Status", "Target", "Term", "Texts", "ambitions_for", "check_programme", "current_term",
    "expected_at", "load_programme", "projection", "projection_path", "resolve_baselines", "status",
    "trajectory", "twelve_month_value", "unresolved", "will_reach",
]
