"""What pages show, selected from the engine: scorecards, the funnel, cohorts, one period of areas.

Every frame handed to a page is a `Published` from the roll-up, or a selection of
one that keeps its protection (`Published.with_frame`). Pages call these instead of
the scorecard, the engine or the checks, so a page holds layout only.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import polars as pl
import streamlit as st

from monitor import calibration, checks, geo, rollup, scorecard
from monitor.access import PARTNER_DIMENSION
from monitor.funnel import funnel as funnel_steps
from monitor.indicators import Indicator, IndicatorError
from monitor.rollup import Published
from monitor.scorecard import Card
from monitor.ui import gate
from monitor.ui.filters import url_choice
from monitor.ui.present import period_label, unit_text

if TYPE_CHECKING:
    from monitor.ui.frame import Ctx


# ---------------------------------------------------------------- home and programme page


def cards(ctx: Ctx, term: rollup.Term, programme_id: str | None = None) -> list[Card]:
    """The scorecard of the term (all programmes, or one), in programme order."""
    return scorecard.scorecard(ctx.engine, term.id, programme_id)


def programme_cards(ctx: Ctx, cards: list[Card]) -> list[tuple[str, str, list[Card]]]:
    """(programme id, its title, its cards) for each programme with cards, in programme.yaml's order."""
    out = []
    for prog_id, prog in ctx.engine.programme.programmes.items():
        mine = [c for c in cards if c.ambition.programme == prog_id]
        if mine:
            out.append((prog_id, ctx.t.pick(prog.title), mine))
    return out


def programme_note(ctx: Ctx) -> str:
    return ctx.t.pick(ctx.engine.programme.note)


def explanation(ctx: Ctx) -> str:
    """How the scorecard is computed, in the page's language, with the backtest's figure."""
    # the same for every reader of a language; kept until the stored backtest changes (`monitor build`)
    try:
        stored = (ctx.settings.catalog_dir / calibration.STORE).stat().st_mtime_ns
    except FileNotFoundError:
        stored = 0
    words = ctx.engine.memo(("calibration_words", ctx.lang, stored),
                            lambda: calibration.words(ctx.engine, ctx.lang, compute=False))
    return ctx.t("how_computed_text") + "\n\n" + words


def projection_caution(ctx: Ctx, ind_id: str) -> str | None:
    """A card's warning when the backtest showed its projection's band too narrow for this indicator."""
    try:
        stored = (ctx.settings.catalog_dir / calibration.STORE).stat().st_mtime_ns
    except FileNotFoundError:
        return None
    found = ctx.engine.memo(("calibration_weak", ind_id, stored),
                            lambda: calibration.weak(ctx.engine, ind_id))
    if found is None:
        return None
    return ":material/warning: " + ctx.t("projection_weak", hits=found.hits, trials=len(found.trials),
                 coverage=ctx.t.percent(100 * found.coverage, decimals=0))


def programme_description(ctx: Ctx, programme_id: str) -> str:
    return ctx.t.pick(ctx.engine.programme.programmes[programme_id].description)


def events(ctx: Ctx, programme_id: str) -> list[tuple[dt.date, str]]:
    """The programme's events (date, worded title) for the time axis."""
    return [(day, ctx.t.pick(title)) for day, title in scorecard.events(ctx.engine, programme_id)]


def programme_chart_series(ctx: Ctx, card: Card) -> tuple[dict, list[dict]]:
    """The outcome (twelve months, trajectory, projection) and its outputs' monthly series, with titles."""
    outcome = {"title": card.indicator.label(ctx.lang), "unit": unit_text(ctx, card.indicator),
               "twelve": card.twelve, "trajectory": card.trajectory, "projection": card.projection_path,
               "whole": card.indicator.is_whole}
    # the same for every reader of this engine (city cells): kept with the catalog version
    key = ("output_frames", card.indicator.id, tuple(line.indicator.id for line in card.outputs))
    frames = ctx.engine.memo(key, lambda: scorecard.output_frames(ctx.engine, card))
    outputs = [{"title": ind.label(ctx.lang), "unit": unit_text(ctx, ind), "frame": frame}
               for ind, frame in frames]  # type: ignore[attr-defined]
    return outcome, outputs


def funnel(ctx: Ctx, programme_id: str) -> Published:
    """The programme's funnel as a cohort (`monitor.funnel`), with each step's worded label.

    The figures are cells of the roll-up's suppressed rolling view, so this frame carries the
    same protection (k) as every other published frame.
    """
    # the same for every reader (published city cells, no partner rows): kept with the catalog version
    steps = ctx.engine.memo(("funnel", programme_id), lambda: funnel_steps(ctx.engine, programme_id))
    labels = [_step_name(ctx.engine.indicator(i).label(ctx.lang)) for i in steps.frame["indicator"]]
    return steps.with_frame(steps.frame.with_columns(pl.Series("label", labels, pl.String)))


def _step_name(title: str) -> str:
    """A step's title without its funnel's prefix: `Trechter schulden 2: huishoudens bereikt` ->
    `Huishoudens bereikt` (the chart's title already says which funnel it is)."""
    head, sep, rest = title.partition(": ")
    return rest[:1].upper() + rest[1:] if sep and rest and head[-1:].isdigit() else title


def cohorts(ctx: Ctx, programme_id: str) -> list[tuple[Indicator, Published]]:
    """The programme's cohort indicators, each with its yearly cohorts."""
    return [(ind, ctx.engine.cohort(ind.id, grain="year"))
            for ind in scorecard.cohort_indicators(ctx.engine, programme_id)]


def latest_by_stadsdeel(ctx: Ctx, ind: Indicator) -> tuple[Published, str]:
    """The indicator per stadsdeel in its latest complete year (the latest year if none is complete).

    Returns the selection (keeping its suppression) and the worded period.
    """
    published = ctx.engine.series(ind.id, rollup.View(grain="year", level="stadsdeel"))
    frame = published.frame
    complete = frame.filter(frame["complete"])
    latest = (complete if not complete.is_empty() else frame)["period"].max()
    shown = frame.filter(frame["period"] == latest)
    label = period_label(ctx, latest or "")
    return published.with_frame(shown, view=f"{ind.id}: stadsdelen, {latest}"), label


# ---------------------------------------------------------------- indicator and area pages


def series(ctx: Ctx, ind: Indicator, view: rollup.View | None) -> Published | None:
    """The indicator's series for the view (its yearly cohorts when view is None).

    A broken indicator file is shown as an error, and None returned: the page stops there.
    """
    partner = ctx.visitor.grant.partner
    if partner is not None and (view is None or view.split != PARTNER_DIMENSION):
        gate.log(ctx.settings, "refusal", ctx.visitor, indicator=ind.id, reason="partner_scope")
        st.error(ctx.t("partner_refused", partner=partner), icon=":material/block:")
        return None
    try:
        with st.spinner(ctx.t("computing")):
            if view is None:
                return ctx.engine.cohort(ind.id, grain="year")
            published = ctx.engine.series(ind.id, view)
    except IndicatorError as exc:
        st.error(str(exc))
        return None
    if partner is not None:  # its own organisation's rows only, checked here on the server
        published = published.with_frame(published.frame.filter(pl.col("group") == partner))
    return published


def periods(published: Published) -> tuple[list[str], str | None]:
    """The periods in a series, oldest first, and the latest complete one (the latest if none is)."""
    frame = published.frame
    codes = frame.unique("period").sort("period_start")["period"].to_list()
    complete = frame.filter(frame["complete"]).unique("period").sort("period_start")["period"].to_list()
    return codes, ((complete or codes)[-1] if codes else None)


def period_picker(ctx: Ctx, published: Published) -> str | None:
    """Choose one period of the series (bound to `?periode=`), the latest complete by default."""
    codes, default = periods(published)
    if not codes:
        return None
    return url_choice(st.selectbox, ctx.t("period_shown"), codes, key="periode", default=default,
                      format_func=lambda p: period_label(ctx, p)) or default


def at_period(published: Published, period: str, level: str) -> Published:
    """One period of the series: a selection that keeps its suppression."""
    shown = published.frame.filter(pl.col("period") == period)
    return published.with_frame(shown, view=f"{published.view}: {level}, {period}")


def value_unit(ctx: Ctx, ind: Indicator, view: rollup.View) -> str:
    """The unit of the values shown: `per 1,000 inhabitants` when normalised, else the indicator's unit."""
    return ctx.t(f"per_{view.per}").lower() if view.per else unit_text(ctx, ind)


def wijk_map(ctx: Ctx, view: rollup.View) -> geo.Boundaries | None:
    """The wijk boundaries at wijk level: the configured GeoJSON, else the shipped one when it holds
    the data's wijken (None otherwise: bars); a broken file is shown as a warning."""
    if view.level != "wijk":
        return None
    try:
        return geo.boundaries(ctx.settings.geojson, ctx.settings.geojson_key,
                              ctx.engine.areas["wijk_code"].unique().to_list())
    except geo.GeoError as exc:
        st.warning(str(exc))
        return None


# ---------------------------------------------------------------- sources page


def file_problems(ctx: Ctx) -> list[str]:
    """Problems in the query files and programme.yaml, one line each."""
    def compute() -> list[str]:
        registry = [str(p) for p in ctx.engine.registry.problems]
        registry += [p for s in ctx.engine.report.staging for p in s.problems]  # staging: the last build
        return registry + checks.check_programme(ctx.settings, set(ctx.engine.registry.indicators))

    # parsed once per catalog, query files and programme.yaml (the memo's key), not on every view
    return list(ctx.engine.memo(("file_problems",), compute))
