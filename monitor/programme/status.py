"""Where an ambition stands: its trajectory, the current value and the status against the trajectory.

Plain arithmetic on the city-level monthly series, so that the scorecard, the report
and the tests agree; the interface explains it (label `how_computed_text`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from monitor.programme.model import Ambition, ProgrammeError, ProgrammeFile, target_date
from monitor.rollup import Term
from monitor.rollup.periods import from_index, month_index

StatusCode = Literal["on_track", "attention", "off_track", "no_target"]


# ---------------------------------------------------------------- lookups


def current_term(pf: ProgrammeFile, today: dt.date | None) -> Term:
    """The term running on `today`; between or after terms the latest that started; else the first."""
    today = today or dt.date.today()
    if not pf.terms:
        raise ProgrammeError(["programme.yaml: no terms; add at least one term under `terms`"])
    for term in pf.terms:
        if term.start <= today <= term.end:
            return term
    started = [t for t in pf.terms if t.start <= today]
    return max(started, key=lambda t: t.start) if started else pf.terms[0]


def ambitions_for(pf: ProgrammeFile, term_id: str, programme_id: str | None = None) -> list[Ambition]:
    """The term's ambitions in programme order, then file order."""
    order = {pid: i for i, pid in enumerate(pf.programmes)}
    chosen = [a for a in pf.ambitions.values()
              if a.term == term_id and (programme_id is None or a.programme == programme_id)]
    return sorted(chosen, key=lambda a: order.get(a.programme, len(order)))


# ---------------------------------------------------------------- trajectory and status


def _anchors(ambition: Ambition, term: Term) -> tuple[np.ndarray, np.ndarray]:
    """(month numbers, values): the baseline, then each target at the month it must be reached."""
    points = {month_index(ambition.baseline.date): ambition.baseline.value}
    for target in sorted(ambition.targets, key=lambda t: t.year):
        points[month_index(target_date(target.year, term))] = target.value
    xs = np.array(sorted(points), dtype=float)
    return xs, np.array([points[int(x)] for x in xs], dtype=float)


def trajectory(ambition: Ambition, term: Term) -> pl.DataFrame:
    """The path from baseline to targets, one point a month from the baseline month to the term end.

    Linear between the points; flat after the last target. Empty when there are no targets.
    """
    schema = {"month": pl.Date, "target": pl.Float64}
    if not ambition.targets:
        return pl.DataFrame(schema=schema)
    xs, ys = _anchors(ambition, term)
    months = np.arange(int(xs[0]), month_index(term.end) + 1)
    return pl.DataFrame({"month": [from_index(int(m)) for m in months],
                         "target": np.interp(months.astype(float), xs, ys)}, schema=schema)


def expected_at(ambition: Ambition, term: Term, when: dt.date) -> float | None:
    """The trajectory value in the month of `when`; None before the baseline or without targets."""
    if not ambition.targets or month_index(when) < month_index(ambition.baseline.date):
        return None
    xs, ys = _anchors(ambition, term)
    return float(np.interp(float(month_index(when)), xs, ys))


@dataclass(frozen=True)
class Status:
    code: StatusCode
    current: float | None
    expected: float | None  # the trajectory at the as-of month
    gap: float | None  # current - expected (negative: below the trajectory)
    as_of: dt.date | None


def status(ambition: Ambition, term: Term, current: float, as_of: dt.date, direction: str,
           tolerance: float | None = None) -> Status:
    """Compare the current value with the trajectory at the same month, in the direction that is better.

    Within `tolerance` (a share of the expected value) on the wrong side counts as attention.
    """
    expected = expected_at(ambition, term, as_of)
    if direction not in ("up", "down") or expected is None:
        return Status("no_target", current, expected, None, as_of)
    tol = ambition.tolerance if tolerance is None else tolerance
    band = abs(expected) * tol
    shortfall = expected - current if direction == "up" else current - expected
    code: StatusCode = "on_track" if shortfall <= 0 else "attention" if shortfall <= band else "off_track"
    return Status(code, current, expected, current - expected, as_of)


# ---------------------------------------------------------------- current value






