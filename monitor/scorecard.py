"""The coalition-programme scorecard: per ambition, where the outcome stands and where it is heading.

Assembled once here so the home page, the progress report and the tests read the
same numbers: current value (latest twelve months), a year earlier, the target,
status, projection to the end of the term, and the outputs that drive it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from dataclasses import dataclass

import polars as pl

from monitor import i18n, programme
from monitor.engine import Engine
from monitor.indicators import Indicator
from monitor.programme import backtest
from monitor.programme.model import target_date
from monitor.programme.projection import from_json, model_key, to_json
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
    # the target's date lies in the data but the published figure there is hidden (disclosure
    # control): no measured value and no verdict, and the card says why (not "too few months")
    hidden_at: dt.date | None = None

    @property
    def change(self) -> float | None:
        if self.current.value is None or self.previous.value is None:
            return None
        return self.current.value - self.previous.value

    @property
    def backwards_targets(self) -> tuple[programme.Target, ...]:
        """Targets on the worse side of the baseline (a share that should rise, aimed below where it
        started): the trajectory then goes the wrong way and 'on schedule' partly means a lowered
        bar, so every surface that shows the status says so beside it."""
        base, direction = self.ambition.baseline.value, self.indicator.direction
        if base is None or direction not in ("up", "down"):
            return ()
        return tuple(t for t in self.ambition.path_targets
                     if (t.value < base if direction == "up" else t.value > base))

    @property
    def receding_targets(self) -> tuple[tuple[programme.Target, programme.Target], ...]:
        """Pairs (earlier, later) of path targets where the later one is on the worse side of the
        earlier (a share that should rise, aimed lower in a later year): between them the trajectory
        goes the wrong way, so 'on schedule' there partly means a lowered bar, as with a target
        behind the baseline."""
        direction = self.indicator.direction
        if direction not in ("up", "down"):
            return ()
        path = sorted(self.ambition.path_targets, key=lambda t: t.year)
        return tuple((a, b) for a, b in itertools.pairwise(path)
                     if (b.value < a.value if direction == "up" else b.value > a.value))

    @property
    def wrong_way_years(self) -> tuple[int, ...]:
        """The years of the targets the path reaches by going the wrong way (behind the baseline or
        behind the target before it), in order: the scorecard CSV's `wrong_way_targets`."""
        years = {t.year for t in self.backwards_targets} | {b.year for _, b in self.receding_targets}
        return tuple(sorted(years))

    @property
    def settled(self) -> bool:
        """The target's date lies in the data: its projection is the measured value, its status met
        or missed (`programme.settled`); every surface words it in the past tense, without a band."""
        return self.status.code in ("target_met", "target_missed")


def backwards_words(card: Card, lang: str) -> str | None:
    """The warning for the card's first target on the worse side of the baseline, else for its first
    target on the worse side of the target before it, in `lang` (the page and the report word it
    alike), or None."""
    unit, up = card.indicator.unit, card.indicator.direction == "up"
    sides = {"side": i18n.t("side_below" if up else "side_above", lang),
             "better": i18n.t("better_up" if up else "better_down", lang)}
    if card.backwards_targets:
        tg = card.backwards_targets[0]
        return i18n.t("target_behind_baseline", lang, year=tg.year, value=i18n.value(tg.value, unit, lang),
                      baseline=i18n.value(card.ambition.baseline.value, unit, lang), **sides)
    if card.receding_targets:
        earlier, later = card.receding_targets[0]
        return i18n.t("target_behind_earlier", lang, year=later.year,
                      value=i18n.value(later.value, unit, lang), earlier_year=earlier.year,
                      earlier=i18n.value(earlier.value, unit, lang), **sides)
    return None


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
    rows = _rows(rolling, ind.behaves_as)
    twelve = rolling.with_frame(rows, view=f"{ind.id}: twelve months x city")
    if rows.is_empty():
        return None, Figure(None), Figure(None), twelve
    as_of = rows["month"].max()
    return as_of, _figure_at(rows, as_of), _figure_at(rows, year_earlier(as_of)), twelve


def monthly(engine: Engine, ind: Indicator) -> programme.Monthly:
    """The indicator's published monthly city values: what the projection is fitted on.

    The roll-up's suppressed monthly view, complete months only; a hidden month ends the run
    the model sees (Monthly.from_frame), so no hidden number feeds a projection.
    """
    frame = engine.series(ind.id, View(grain="month", level="city")).frame
    frame = frame.filter(pl.col("complete")).rename({"period_start": "month"})
    # a distinct count is projected as the sum of its monthly counts (a key seen in two months of a
    # window counts twice there: a small overstatement, docs/architecture.md); a distinct ratio as a ratio
    return programme.Monthly.from_frame(frame, ind.behaves_as, 100.0 if ind.is_percentage else 1.0)


def breaks(engine: Engine, programme_id: str) -> tuple[dt.date, ...]:
    """Dates of the events marked `break: true` that apply to the programme (an event without
    programmes applies to all). Read with getattr: older programme files have no such field."""
    return tuple(sorted(e.date for e in engine.programme.events if getattr(e, "is_break", False)
                        and (not e.programmes or programme_id in e.programmes)))


def _as_distinct(ind: Indicator, series: programme.Monthly, current: Figure,
                 proj: programme.Projection | None, path: pl.DataFrame | None):
    """A distinct count's projection on the scale of its published twelve-month value.

    The model sums monthly counts, in which a household seen in two months of a window counts
    twice; the published value counts it once. The projection (value, band, path) is scaled by
    today's ratio of the two, so it starts where the published line ends and meets the target
    in the target's own unit. Other measures pass through unchanged.
    """
    if ind.measure != "distinct" or proj is None or current.value is None or len(series.values) < 12:
        return proj, path
    summed = sum(series.values[-12:])
    if summed <= 0:
        return proj, path
    r = current.value / summed
    proj = dataclasses.replace(proj, value=proj.value * r, low=proj.low * r, high=proj.high * r)
    if path is not None:
        path = path.with_columns(pl.col("value", "low", "high") * r)
    return proj, path


def _measured(ind: Indicator, twelve: Published, proj: programme.Projection | None
              ) -> programme.Projection | None:
    """A target date already in the data is read from the published twelve-month value of that month,
    the figure the council saw (a distinct count's summed months, rescaled, would differ from it);
    a hidden or missing figure there gives no measured value, so no verdict on it either."""
    if proj is None or proj.method != "observed":
        return proj
    fig = _figure_at(twelve.frame, proj.date.replace(day=1))  # `headline`'s rows: month, current
    if fig.value is None or fig.suppressed:
        return None
    return dataclasses.replace(proj, value=fig.value, low=fig.value, high=fig.value)


def _projected(engine: Engine, series: programme.Monthly, end: dt.date, since: dt.date | None
               ) -> tuple[programme.Projection | None, pl.DataFrame | None]:
    """The projection and its path, stored beside the catalog (the fits are most of a cold home
    page's time): keyed on the published monthly values themselves and the model's settings."""
    def compute() -> tuple[programme.Projection | None, pl.DataFrame | None]:
        proj = programme.projection(series, end, since=since)
        return proj, programme.projection_path(series, end, since=since) if proj is not None else None
    return engine.stored("projection", (repr(series), end, since, model_key()), compute, to_json, from_json)


def _fit_inputs(engine: Engine, ambition: programme.Ambition, term: Term
                ) -> tuple[programme.Monthly, dt.date, dt.date | None]:
    """What the card's projection is fitted on: the monthly series, the target's date, the last break."""
    series = monthly(engine, engine.indicator(ambition.indicator))
    target = max(ambition.path_targets, key=lambda t: t.year) if ambition.path_targets else None
    last = series.months[-1] if series.months else None
    since = backtest.last_break(breaks(engine, ambition.programme), last) if last else None
    return series, target_date(target.year, term) if target is not None else term.end, since


def store_projections(engine: Engine) -> int:
    """Every term's ambitions' projections, computed and stored now (`monitor build`), so the
    first home page reads them; the number of projections."""
    pf = engine.programme
    done = 0
    for term in pf.terms:
        for ambition in programme.ambitions_for(pf, term.id, None):
            if ambition.indicator in engine.registry.indicators:
                _projected(engine, *_fit_inputs(engine, ambition, term))
                done += 1
    return done


def card(engine: Engine, ambition: programme.Ambition, term: Term) -> Card:
    ind = engine.indicator(ambition.indicator)
    as_of, current, previous, twelve = headline(engine, ind)
    trajectory = programme.trajectory(ambition, term)
    target = max(ambition.path_targets, key=lambda t: t.year) if ambition.path_targets else None
    series, end, since = _fit_inputs(engine, ambition, term)
    proj, path = _projected(engine, series, end, since)
    proj, path = _as_distinct(ind, series, current, proj, path)
    observed = proj.date if proj is not None and proj.method == "observed" else None
    proj = _measured(ind, twelve, proj)
    # a target date in the data: the card reads at that month (its headline, the year before it, the
    # outputs), not at the latest month, which may lie in the next term; hidden there, it has no
    # figure and no verdict (`hidden_at`), never one from after the term
    settled_at = observed.replace(day=1) if observed is not None else None
    if settled_at is not None:
        as_of = settled_at
        current = _figure_at(twelve.frame, settled_at)
        previous = _figure_at(twelve.frame, year_earlier(settled_at))
    reaches = (
        programme.will_reach(proj, target.value, ind.direction)
        if proj is not None and target is not None and ind.direction != "none"
        else None
    )
    if proj is not None and proj.method == "observed" and reaches is not None:
        # the target's date lies in the data: met or missed, measured; no trajectory 'now' after it
        status = programme.settled(reaches, current.value, as_of, ind.direction)
    elif current.value is not None and as_of is not None:
        status = programme.status(ambition, term, current.value, as_of, ind.direction, reaches_target=reaches)
    else:
        status = programme.Status("no_target", current.value, None, None, as_of)
    outputs = []
    for out_id in ambition.outputs:
        if out_id not in engine.registry.indicators:
            continue
        _, o_cur, o_prev, o_twelve = headline(engine, engine.indicator(out_id))
        if settled_at is not None:
            o_cur = _figure_at(o_twelve.frame, settled_at)
            o_prev = _figure_at(o_twelve.frame, year_earlier(settled_at))
        outputs.append(OutputLine(engine.indicator(out_id), o_cur, o_prev))
    return Card(ambition, ind, term, as_of, current, previous, target, status.expected, status, proj,
                reaches, twelve, trajectory, path, tuple(outputs),
                hidden_at=observed if observed is not None and proj is None else None)


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


TABLE_COLUMNS = ("ambition", "indicator", "status", "current", "year_earlier", "change", "target",
                 "target_date", "trajectory_now", "projection", "projection_low", "projection_high",
                 "reaches_target", "as_of", "baseline",  # added later, last: positions kept
                 "wrong_way_targets")


def table(cards: list[Card]) -> pl.DataFrame:
    """One row per card with TABLE_COLUMNS (`ambition` the id, `status` the code; the edge words both).

    Disclosure: `current` and `year_earlier` are the cards' figures, None when hidden, and
    `change` is None unless both are shown; the projection is fitted on published months only.
    """
    rows = []
    for c in cards:
        p = c.projection
        rows.append((c.ambition.id, c.indicator.id, c.status.code, c.current.value, c.previous.value,
                     c.change, c.target.value if c.target else None,
                     target_date(c.target.year, c.term) if c.target else None, c.expected_now,
                     p.value if p else None, p.low if p else None, p.high if p else None, c.reaches_target,
                     c.as_of, c.ambition.baseline.value, " ".join(map(str, c.wrong_way_years))))
    schema = dict(zip(TABLE_COLUMNS, (pl.String, pl.String, pl.String, *[pl.Float64] * 4, pl.Date,
                                      *[pl.Float64] * 4, pl.Boolean, pl.Date, pl.Float64, pl.String),
                      strict=True))
    return pl.DataFrame(rows, schema=schema, orient="row")


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
