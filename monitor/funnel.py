"""A programme's funnel as a cohort: of those who started in the same twelve months, how far they got.

Each step is an indicator (`queries/trechter_*.sql`) counted by the month of the group's
first step, and each step's cell is a subset of the step before's in the same cell, so
sums over the same cells keep the order. The figures are the roll-up's rolling
twelve-month cells (suppressed like every published cell) of one and the same window
of cohort months: the latest twelve that could be followed for the whole window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl

from monitor.rollup import Published, View
from monitor.rollup.periods import add_months, month_index

if TYPE_CHECKING:
    from monitor.engine import Engine

SCHEMA: dict[str, type[pl.DataType]] = {
    "indicator": pl.String,
    "value": pl.Float64,
    "suppressed": pl.Boolean,
    "cohort_start": pl.Date,
    "cohort_end": pl.Date,
    "window_months": pl.Int64,
}


def funnel(engine: Engine, programme_id: str) -> Published:
    """The programme's funnel steps (programme.yaml's `funnel:` list), one row per step in order."""
    ids = [i for i in engine.programme.programmes[programme_id].funnel if i in engine.registry.indicators]
    return steps(engine, ids, name=f"{programme_id}: funnel")


def steps(engine: Engine, ids: Sequence[str], *, name: str = "funnel") -> Published:
    """Each step's rolling twelve-month city cell over the first step's latest complete window.

    Columns: indicator, value, suppressed, cohort_start and cohort_end (first days of the
    window's first and last cohort month) and window_months (how long each cohort was
    followed). A step without that cell (a step whose data end earlier) is shown hidden
    rather than as a bar of 0: it is not known, not zero.
    """
    if not ids:
        return Published(pl.DataFrame(schema=SCHEMA), engine.settings.min_cell, name)
    cells = {i: _latest_windows(engine, i) for i in ids}
    first = cells[ids[0]]
    period = first["period"][-1] if first.height else None
    rows = []
    for ind_id in ids:
        hit = cells[ind_id].filter(pl.col("period") == period) if period else cells[ind_id].clear()
        if hit.height:
            rows.append((ind_id, hit["result"][0], bool(hit["suppressed"][0])))
        else:
            rows.append((ind_id, None, True))
    start = first["period_start"][-1] if period else None
    end = first["period_end"][-1].replace(day=1) if period else None
    window = cohort_window(end, _last_full_month(engine, ids[0])) if end else None
    frame = pl.DataFrame(
        [(i, v, h, start, end, window) for i, v, h in rows], schema=SCHEMA, orient="row"
    )
    return Published(frame, engine.settings.min_cell, name)


def cohort_window(last_cohort: dt.date, last_full_month: dt.date | None) -> int | None:
    """Months each cohort was followed: from the latest cohort month shown to the data's last full month.

    The step queries keep a cohort month only when its window has passed, so the newest cohort
    month is exactly `window` months before the last month the data cover in full. None when
    there is no such gap (a funnel of steps that are not cohort counts follows nobody).
    """
    if last_full_month is None:
        return None
    window = month_index(last_full_month) - month_index(last_cohort)
    return window if window > 0 else None  # steps that are not cohorts: no window to state


def last_full_month(end: dt.date) -> dt.date:
    """The last month covered to its last day by data that run until `end` (as the queries compute it)."""
    return add_months((end + dt.timedelta(days=1)).replace(day=1), -1)


def _last_full_month(engine: Engine, ind_id: str) -> dt.date | None:
    """The earliest end over the step's source extracts (the build report's periods), as a full month."""
    sources = set(engine.indicator(ind_id).sources)
    ends = [dt.date.fromisoformat(e.period[1]) for e in engine.report.extracts
            if e.name in sources and e.period]
    return last_full_month(min(ends)) if ends else None


def _latest_windows(engine: Engine, ind_id: str) -> pl.DataFrame:
    """The step's complete rolling twelve-month windows at city level, oldest first."""
    frame = engine.series(ind_id, View(grain="rolling", level="city")).frame
    return frame.filter(pl.col("complete")).sort("period_start")
