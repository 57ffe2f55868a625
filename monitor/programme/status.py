"""Where an ambition stands: its trajectory, and one status from two facts shown beside it.

Fact (a): is the current value on the trajectory? Fact (b): does the projection reach the
term's target? The status is a function of those two only (`verdict`), so a card can never
say *off track* beside *the trend reaches the target*. Plain arithmetic, so the scorecard,
the report, the CLI and the tests agree; the interface explains it (label `how_computed_text`).
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

StatusCode = Literal["on_track", "behind_reaching", "on_path_missing", "off_track", "target_met",
                     "target_missed", "no_projection", "no_target"]
STATUS_CODES: tuple[StatusCode, ...] = ("on_track", "behind_reaching", "on_path_missing", "off_track",
                                       "target_met", "target_missed", "no_projection", "no_target")


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
    """(month numbers, values): the baseline, then each target at the month it must be reached (only
    targets in the indicator's own definition: `Ambition.path_targets`)."""
    points = {month_index(ambition.baseline.date): ambition.baseline.value}
    for target in sorted(ambition.path_targets, key=lambda t: t.year):
        points[month_index(target_date(target.year, term))] = target.value
    xs = np.array(sorted(points), dtype=float)
    return xs, np.array([points[int(x)] for x in xs], dtype=float)


def trajectory(ambition: Ambition, term: Term) -> pl.DataFrame:
    """The path from baseline to targets, one point a month from the baseline month to the term end.

    Linear between the points; flat after the last target. Empty when there are no targets.
    """
    schema = {"month": pl.Date, "target": pl.Float64}
    if not ambition.path_targets:
        return pl.DataFrame(schema=schema)
    xs, ys = _anchors(ambition, term)
    months = np.arange(int(xs[0]), month_index(term.end) + 1)
    return pl.DataFrame({"month": [from_index(int(m)) for m in months],
                         "target": np.interp(months.astype(float), xs, ys)}, schema=schema)


def expected_at(ambition: Ambition, term: Term, when: dt.date) -> float | None:
    """The trajectory value in the month of `when`; None before the baseline or without targets."""
    if not ambition.path_targets or month_index(when) < month_index(ambition.baseline.date):
        return None
    xs, ys = _anchors(ambition, term)
    return float(np.interp(float(month_index(when)), xs, ys))


@dataclass(frozen=True)
class Status:
    """The status and the two facts it is made of, so a surface shows them together."""

    code: StatusCode
    current: float | None
    expected: float | None  # the trajectory at the as-of month
    gap: float | None  # current - expected (negative: below the trajectory)
    as_of: dt.date | None
    on_trajectory: bool | None = None  # fact (a): on the trajectory, or within tolerance of it
    reaches_target: bool | None = None  # fact (b): the projection reaches the term's target
    tolerance: float | None = None  # the margin fact (a) allowed, as a share of the expected value
    direction: str | None = None  # the better direction of the indicator the facts are about

    @property
    def within_margin(self) -> bool:
        """On the trajectory only thanks to the margin: short of it, so a card must not read 'on it' bare."""
        return bool(self.on_trajectory) and self.shortfall is not None and self.shortfall > 0

    @property
    def shortfall(self) -> float | None:
        """How far the current value is on the worse side of the trajectory (negative: on the better side)."""
        if self.gap is None or self.direction is None:
            return None
        return -self.gap if self.direction == "up" else self.gap


def verdict(on_trajectory: bool | None, reaches_target: bool | None) -> StatusCode:
    """The status as a function of the two facts, and of nothing else: badge and facts cannot disagree.

    Without a trajectory there is no target to be on course for; without a projection (too few
    months since the last break) the status says so rather than guess the second fact.
    """
    if on_trajectory is None:
        return "no_target"
    if reaches_target is None:
        return "no_projection"
    if on_trajectory:
        return "on_track" if reaches_target else "on_path_missing"
    return "behind_reaching" if reaches_target else "off_track"


def settled(reached: bool, current: float | None, as_of: dt.date | None, direction: str) -> Status:
    """The target's date lies in the data: whether it was met is measured, not projected, and a
    trajectory 'now' (after that date) is no longer a question. `reached`: the measured value at
    the target's date meets it."""
    return Status("target_met" if reached else "target_missed", current, None, None, as_of,
                  None, reached, None, direction)


def on_trajectory(expected: float, current: float, direction: str, tolerance: float,
                  baseline: float | None = None) -> bool:
    """On the trajectory: on its better side, or short of it by at most the margin (`margin`)."""
    shortfall = expected - current if direction == "up" else current - expected
    return shortfall <= margin(expected, direction, tolerance, baseline)


def margin(expected: float, direction: str, tolerance: float, baseline: float | None = None) -> float:
    """How far short of the trajectory still counts as on it: `tolerance` x the expected value, but
    never past the baseline. A stock of 23,450 people with a 5% margin would otherwise read 'on
    schedule' while rising, 1,150 people being more than half of the planned fall: a value worse
    than where the term started is not on schedule, whatever the margin."""
    allowed = abs(expected) * tolerance
    if baseline is None:
        return allowed
    progress = expected - baseline if direction == "up" else baseline - expected  # planned so far
    return min(allowed, max(progress, 0.0))


def status(ambition: Ambition, term: Term, current: float, as_of: dt.date, direction: str,
           tolerance: float | None = None, reaches_target: bool | None = None) -> Status:
    """Fact (a) from the current value and the trajectory in the same month, in the better direction;
    fact (b) is the caller's (`will_reach` on the projection); the code is `verdict` of the two.
    """
    expected = expected_at(ambition, term, as_of)
    if direction not in ("up", "down") or expected is None:
        return Status("no_target", current, expected, None, as_of)
    tol = ambition.tolerance if tolerance is None else tolerance
    base = ambition.baseline.value
    on_path = on_trajectory(expected, current, direction, tol, base)
    share = margin(expected, direction, tol, base) / abs(expected) if expected else tol  # as the card says it
    return Status(verdict(on_path, reaches_target), current, expected, current - expected, as_of,
                  on_path, reaches_target, share, direction)
