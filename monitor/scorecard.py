"""The coalition-programme scorecard: per ambition, where the outcome stands and where it is heading.

Assembled once here so the home page, the progress report and the tests read the
same numbers: current value (latest twelve months), a year earlier, the target,
status, projection to the end of the term, and the outputs that drive it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

import polars as pl

from monitor import programme
from monitor.engine import Engine
from monitor.indicators import Indicator
from monitor.rollup import Published, Term, View
from monitor.rollup.periods import year_earlier


@dataclass(frozen=True)
class Figure:
    """A value as a surface may show it: suppressed below k (then value is None)."""

    value: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class OutputLine:
    indicator: Indicator
    current: Figure
    previous: Figure

    @property
    def change(self) -> float | None:
        if self.current.value is None or self.previous.value is None:
            return None
        return self.current.value - self.previous.value


@dataclass(frozen=True)
class Card:
    ambition: programme.Ambition
    indicator: Indicator
    term: Term
    as_of: dt.date | None
    current: Figure
    previous: Figure
    target: programme.Target | None  # the final target of the term
    expected_now: float | None  # the trajectory at the as-of date
    status: programme.Status
    projection: programme.Projection | None
    reaches_target: bool | None
    twelve: Published
    trajectory: pl.DataFrame
    projection_path: pl.DataFrame | None
    outputs: tuple[OutputLine, ...]

    @property
    def change(self) -> float | None:
        if self.current.value is None or self.previous.value is None:
            return None
        return self.current.value - self.previous.value


def _rows(twelve: Published, measure: str) -> pl.DataFrame:
    """Complete rolling windows as (month, current, suppressed): `month` is the window's last month.

    A stock's window is its last month's level, so it needs no twelve months of history.
    """
    frame = twelve.frame if measure == "stock" else twelve.frame.filter(pl.col("complete"))
    return frame.select(
        pl.col("period_end").dt.month_start().alias("month"),
        pl.col("result").alias("current"),
        "suppressed",
    ).filter(pl.col("current").is_not_null() | pl.col("suppressed"))


def _figure_at(rows: pl.DataFrame, month: dt.date) -> Figure:
    row = rows.filter(pl.col("month") == month)
    if row.is_empty():
        return Figure(None)
    return Figure(row["current"][0], bool(row["suppressed"][0]))


def headline(engine: Engine, ind: Indicator) -> tuple[dt.date | None, Figure, Figure, Published]:
    """Current twelve-month value, the same a year earlier, and the twelve-month series.

    All three come from the roll-up's rolling twelve-month view, so the scorecard shows
    exactly what every other surface would show for the same cells (suppressed or not).
    The series handed on has `month`, `current` and `suppressed` columns.
    """
    rolling = engine.twelve_months(ind.id)
    rows = _rows(rolling, ind.measure)
    twelve = rolling.with_frame(rows, view=f"{ind.id}: twelve months x city")
    if rows.is_empty():
        return None, Figure(None), Figure(None), twelve
    as_of = rows["month"].max()
    return as_of, _figure_at(rows, as_of), _figure_at(rows, year_earlier(as_of)), twelve


def _shown(twelve: Published) -> pl.DataFrame:
    """The published (not hidden) points of a twelve-month series: what a projection may use."""
    return twelve.frame.filter(~pl.col("suppressed")).select("month", "current")


def _project(twelve: pl.DataFrame, end: dt.date, percentage: bool
             ) -> tuple[programme.Projection | None, pl.DataFrame | None]:
    """The projection and its monthly path; a percentage is projected on the logit scale.

    A straight line through a share runs past 100% within a few years; on the
    logit scale the same trend bends towards 0 and 100 as shares really do.
    """
    if twelve.is_empty():
        return None, None
    if not percentage:
        proj = programme.projection(twelve, end)
        return proj, programme.projection_path(twelve, end) if proj is not None else None
    share = pl.col("current").clip(0.5, 99.5) / 100
    logit = twelve.with_columns(current=(share / (1 - share)).log())
    proj = programme.projection(logit, end, bounds=(None, None))
    if proj is None:
        return None, None
    back = lambda v: 100 / (1 + math.exp(-v))  # noqa: E731
    if proj.method == "observed":
        proj = programme.projection(twelve, end)
    else:
        proj = replace(proj, value=back(proj.value), low=back(proj.low), high=back(proj.high),
                       on_logit=True)
    path = programme.projection_path(logit, end, bounds=(None, None)).with_columns(
        (100 / (1 + (-pl.col(c)).exp())).alias(c) for c in ("value", "low", "high"))
    return proj, path


def card(engine: Engine, ambition: programme.Ambition, term: Term) -> Card:
    ind = engine.indicator(ambition.indicator)
    as_of, current, previous, twelve = headline(engine, ind)
    trajectory = programme.trajectory(ambition, term)
    target = max(ambition.targets, key=lambda t: t.year) if ambition.targets else None
    if current.value is not None and as_of is not None:
        status = programme.status(ambition, term, current.value, as_of, ind.direction)
    else:
        status = programme.Status("no_target", current.value, None, None, as_of)
    proj, path = _project(_shown(twelve), term.end, ind.is_percentage)
    reaches = (
        programme.will_reach(proj, target.value, ind.direction)
        if proj is not None and target is not None and ind.direction != "none"
        else None
    )
    outputs = []
    for out_id in ambition.outputs:
        if out_id not in engine.registry.indicators:
            continue
        _, o_cur, o_prev, _ = headline(engine, engine.indicator(out_id))
        outputs.append(OutputLine(engine.indicator(out_id), o_cur, o_prev))
    return Card(ambition, ind, term, as_of, current, previous, target, status.expected, status, proj,
                reaches, twelve, trajectory, path, tuple(outputs))


def scorecard(engine: Engine, term_id: str | None = None, programme_id: str | None = None) -> list[Card]:
    """One card per ambition of the term (default: the current term), in programme order.

    Cached per catalog version, query files and programme.yaml: the home page is opened
    far more often than the data change.
    """
    return list(engine.memo(("scorecard", term_id, programme_id),
                            lambda: _scorecard(engine, term_id, programme_id)))


def _scorecard(engine: Engine, term_id: str | None, programme_id: str | None) -> list[Card]:
    pf = engine.programme
    term = _term(pf, term_id, engine.as_of)
    return [card(engine, a, term) for a in programme.ambitions_for(pf, term.id, programme_id)
            if a.indicator in engine.registry.indicators]


def _term(pf: programme.ProgrammeFile, term_id: str | None, as_of: dt.date | None) -> Term:
    if term_id:
        for term in pf.terms:
            if term.id == term_id:
                return term
    return programme.current_term(pf, as_of or dt.date.today())


def funnel(engine: Engine, programme_id: str) -> Published:
    """The programme's funnel steps (indicator, value, suppressed), each its latest twelve-month figure.

    Each figure is a cell of the roll-up's suppressed rolling view (see `headline`), so the
    frame carries the same protection as every other published frame.
    """
    rows = []
    for ind_id in engine.programme.programmes[programme_id].funnel:
        if ind_id in engine.registry.indicators:
            fig = headline(engine, engine.indicator(ind_id))[1]
            rows.append((ind_id, fig.value, fig.suppressed))
    frame = pl.DataFrame(rows, schema={"indicator": pl.String, "value": pl.Float64, "suppressed": pl.Boolean},
                         orient="row")
    return Published(frame, engine.settings.min_cell, f"{programme_id}: funnel")


def output_frames(engine: Engine, card: Card) -> list[tuple[Indicator, Published]]:
    """Monthly city series of the outputs beside an ambition, from the outcome's first month on."""
    # outputs are shown over the outcome's own window: an output extract that reaches further
    # back (e.g. cases carried over from an older system) would otherwise fill the shared axis
    months = engine.series(card.indicator.id, View(grain="month", level="city")).frame["period_start"]
    start = months.min()
    out = []
    for line in card.outputs:
        pub = engine.series(line.indicator.id, View(grain="month", level="city"))
        out.append((line.indicator, pub.with_frame(pub.frame.filter(pl.col("period_start") >= start))
                    if start else pub))
    return out


def events(engine: Engine, programme_id: str) -> list[tuple[dt.date, programme.Texts]]:
    """The programme's dated events with their {nl, en} titles (the edge picks the language)."""
    return [(e.date, e.title) for e in engine.programme.events
            if not e.programmes or programme_id in e.programmes]


def cohort_indicators(engine: Engine, programme_id: str) -> list[Indicator]:
    return sorted((i for i in engine.registry.indicators.values()
                   if i.shape == "cohort" and i.programme == programme_id), key=lambda i: i.id)
