"""Population outcomes on the pages: beside an ambition, beside an indicator, on the wijk map.

Each piece is one call from a page: `population_outcome` (programme page, per ambition),
`peer_comparison` (indicator page, for an indicator with `peer:`), `population_map` (area
page). All numbers come as `Published` from `monitor.population`; words from labels.yaml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from monitor import charts, geo, population
from monitor.population import words
from monitor.scorecard import Card
from monitor.ui.cards import figure_text
from monitor.ui.present import unit_text

if TYPE_CHECKING:
    from monitor.indicators import Indicator
    from monitor.ui.frame import Ctx


def _registry(ctx: Ctx) -> population.Registry:
    return population.registry(ctx.settings.queries_dir)


def _comparison(ctx: Ctx, ind_id: str) -> population.Comparison | None:
    """Kept per catalog version and population.yaml (`Engine.memo`): every view of a programme
    page compared the same peers again (a quarter of its server time, docs/load.md)."""
    home = population.home_code(ctx.engine)
    if home is None:
        return None
    k = ctx.settings.min_cell
    stamp = population.registry_stamp(ctx.settings.queries_dir)
    key = ("population_compare", ind_id, home, k, ctx.lang, stamp)
    return ctx.engine.memo(key, lambda: population.compare(  # type: ignore[return-value]
        population.outcomes(ctx.engine), _registry(ctx), ind_id, home, k, ctx.lang))


def population_outcome(ctx: Ctx, card: Card) -> None:
    """The ambition's population outcome beside its programme outcome, each labelled as what it is,
    and the municipality beside its peers; nothing when the ambition names none."""
    ind_id = card.ambition.population
    if ind_id is None:
        return
    t, city = ctx.t, ctx.settings.municipality
    pop = _registry(ctx).indicators.get(ind_id)
    if pop is None:
        st.caption(t("pop_unknown", id=ind_id))
        return
    st.markdown(f"**{t('pop_heading')}**")
    left, right = st.columns(2)
    with left:
        st.caption(t("pop_programme_side"))
        value = figure_text(ctx, card.current, card.indicator.unit)
        if card.indicator.unit != "%" and not card.current.suppressed:
            value = f"{value} {unit_text(ctx, card.indicator)}"
        window = t("current_stock" if card.indicator.measure == "stock" else "current_twelve").lower()
        st.metric(t("pop_programme_label", indicator=card.indicator.label(ctx.lang), window=window), value)
    home = population.home_code(ctx.engine) or ""
    latest = ctx.engine.memo(("population_latest", ind_id, home),  # type: ignore[union-attr]
                             lambda: population.latest(ctx.engine, ind_id, home)).frame
    with right:
        st.caption(t("pop_population_side", who=words.who(pop, city, t)))
        if latest.is_empty():
            st.info(t("pop_no_data"))
            return
        row = latest.row(0, named=True)
        st.metric(f"{pop.label(ctx.lang)} · {row['period']}",
                  words.figure(pop, row["value"], row["suppressed"], t), help=t.pick(pop.definition))
        st.caption(words.source(pop, row["source"], row["illustrative"], t))
    _peers(ctx, pop, key=f"peers_{card.ambition.id}")


def peer_comparison(ctx: Ctx, ind: Indicator) -> None:
    """The indicator's population counterpart (`peer:`): this municipality beside its peers."""
    if not getattr(ind, "peer", None):
        return
    pop = _registry(ctx).indicators.get(ind.peer)
    st.markdown(f"### {ctx.t('pop_peers_heading')}")
    if pop is None:
        st.caption(ctx.t("pop_unknown", id=ind.peer))
        return
    st.caption(ctx.t("pop_peers_help", indicator=ind.label(ctx.lang), peer=pop.label(ctx.lang)))
    _peers(ctx, pop, key=f"peers_{ind.id}")


def _peers(ctx: Ctx, pop: population.PopulationIndicator, *, key: str) -> None:
    t, city = ctx.t, ctx.settings.municipality
    comparison = _comparison(ctx, pop.id)
    if comparison is None:
        st.info(t("pop_no_data"))
        return
    if comparison.table.height < 2:
        st.caption(t("pop_no_peers"))
        return
    title = t("pop_peers_title", indicator=pop.label(ctx.lang), period=comparison.period)
    st.plotly_chart(charts.peer_bars(comparison.table, title=title, unit=words.unit(pop, t), t=t), key=key)
    for note in comparison.footnotes:
        st.caption(words.footnote(note, city, t))
    frame = comparison.table.frame
    sources = sorted({(s, bool(i)) for s, i in zip(frame["source"], frame["illustrative"], strict=True)})
    st.caption(" · ".join(words.source(pop, s, i, t) for s, i in sources) + " · " + words.definition(pop, t))


def population_map(ctx: Ctx) -> None:
    """Population outcomes per wijk on the wijk map (the configured or shipped boundaries)."""
    reg = _registry(ctx)
    outcomes = population.outcomes(ctx.engine)
    ids = [i for i in reg.indicators if outcomes.filter(outcomes["indicator"] == i)
           ["area_code"].str.starts_with("WK").any()]
    if not ids:
        return
    t = ctx.t
    st.markdown(f"### {t('pop_map_heading')}")
    chosen = st.selectbox(t("pop_map_pick"), ids, format_func=lambda i: reg.indicators[i].label(ctx.lang),
                          key="pop_map_indicator")
    pop = reg.indicators[chosen]
    shown = population.by_wijk(ctx.engine, chosen)
    if shown.is_empty():
        return
    found = _boundaries(ctx, set(shown.frame["area"].to_list()))
    title = f"{pop.label(ctx.lang)} · {shown.frame['period'][0]}"
    if found is None:
        st.plotly_chart(charts.area_bars(shown, title=title, unit=words.unit(pop, t), t=t), key="pop_bars")
    else:
        st.plotly_chart(charts.choropleth(shown, found.geojson, featureidkey=found.featureidkey, title=title,
                                          unit=words.unit(pop, t), t=t, attribution=map_credit(ctx, found)),
                        key="pop_map")
    frame = shown.frame
    sources = sorted({(s, bool(i)) for s, i in zip(frame["source"], frame["illustrative"], strict=True)})
    st.caption(" · ".join(words.source(pop, s, i, t) for s, i in sources) + " · " + words.definition(pop, t))


def _boundaries(ctx: Ctx, codes: set[str]) -> geo.Boundaries | None:
    try:
        return geo.boundaries(ctx.settings.geojson, ctx.settings.geojson_key, codes)
    except geo.GeoError as exc:
        st.warning(str(exc))
        return None


def map_credit(ctx: Ctx, found: geo.Boundaries) -> str:
    """The credit under a map: the shipped boundaries' own ("CBS / Kadaster, 2024"), else the general one."""
    return ctx.t("map_attribution_shipped" if found.shipped else "map_attribution")
