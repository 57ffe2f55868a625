"""Baselines computed from the data: `from_data: YYYY-MM` in programme.yaml.

A baseline written as a number drifts from the data it claims to describe as soon as the
extracts or a query change; one computed from the extracts cannot. The loader only reads the
month; the figure is looked up here, where the caller has the data: `value_at(indicator,
month)` gives the twelve-month city value that every surface publishes (the roll-up's rolling
view, disclosure control applied), or None when there is none to give.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import replace

import polars as pl

from monitor.programme.model import Ambition, ProgrammeFile

ValueAt = Callable[[str, dt.date], "float | None"]


def twelve_month_value(frame: pl.DataFrame, measure: str, month: dt.date) -> float | None:
    """The published twelve-month value whose window ends in `month`, from a rolling city view.

    `frame` is a `Published.frame` of the rolling grain (period_end, result, complete,
    suppressed). A window that is not complete (a flow with months missing) or a hidden cell
    has no value: a baseline must be a number the monitor itself would show. A stock's
    window is its last month's level, so it needs no twelve months of history.
    """
    ends = frame["period_end"]
    rows = frame.filter((ends.dt.year() == month.year) & (ends.dt.month() == month.month))
    if measure != "stock" and "complete" in rows.columns:
        rows = rows.filter(pl.col("complete"))
    rows = rows.filter(~pl.col("suppressed") & pl.col("result").is_not_null())
    if rows.height != 1:
        return None
    value = float(rows["result"][0])
    return value if math.isfinite(value) else None


def _resolved(ambition: Ambition, value_at: ValueAt) -> tuple[Ambition, str | None]:
    baseline = ambition.baseline
    if not baseline.from_data:
        return ambition, None
    month = baseline.date.replace(day=1)
    value = value_at(ambition.indicator, month)
    if value is not None and math.isfinite(value):
        return replace(ambition, baseline=replace(baseline, value=float(value))), None
    problem = (f"{baseline.where}: ambition '{ambition.id}' has no baseline: the data give no twelve-month "
               f"value of '{ambition.indicator}' for {month:%Y-%m} (no data for that month yet, a window "
               "that is not complete, or a figure hidden to protect small numbers); the ambition shows no "
               "status until it has one. Choose a month with a published value, or write the nulmeting "
               "the council adopted (date, value, source)")
    # Without a baseline there is no trajectory: leaving the targets out makes every surface
    # show 'no status' instead of a status computed from a missing starting point.
    return replace(ambition, baseline=replace(baseline, value=None), targets=()), problem


def resolve_baselines(pf: ProgrammeFile, value_at: ValueAt) -> ProgrammeFile:
    """The programme with every `from_data` baseline filled in from `value_at`.

    An ambition whose baseline cannot be computed keeps no targets (so no status) and its
    problem is listed in `problems`, one line naming the file line, the ambition and the
    month, for `python -m monitor check` and the scorecard.
    """
    ambitions: dict[str, Ambition] = {}
    problems: list[str] = []
    for ambition_id, ambition in pf.ambitions.items():
        ambitions[ambition_id], problem = _resolved(ambition, value_at)
        if problem:
            problems.append(problem)
    return replace(pf, ambitions=ambitions, problems=tuple(problems))


def unresolved(ambition: Ambition) -> bool:
    """A from_data baseline the data could not give: the ambition has no status."""
    return ambition.baseline.from_data and ambition.baseline.value is None
