"""Area page: compare stadsdelen and wijken for one indicator and period, absolute or per 1,000.

A choropleth when a wijk GeoJSON is configured (MONITOR_GEOJSON), ranked bars otherwise.
"""

from __future__ import annotations

import streamlit as st

from monitor import charts, geo, i18n, ui
from monitor.i18n import t
from monitor.rollup import Published

ctx = ui.page("page_gebieden")
lang, k = ctx.lang, ctx.k
tr = i18n.Translator(lang)

# ---- filters
ind = ui.indicator_picker(ctx)
if ind is None:
    st.stop()
view = ui.view_filters(ctx, ind, grains=("year", "quarter", "term"), default_grain="year",
                       levels=("stadsdeel", "wijk"), default_level="stadsdeel", per=True, compare=False)

# ---- data
with st.spinner(t("computing", lang)):
    frame = ctx.engine.series(ind.id, view).frame  # selection below keeps its suppression
periods = frame.unique("period").sort("period_start")["period"].to_list()
if not periods:
    st.info(t("no_data_for_view", lang))
    st.stop()
complete = frame.filter(frame["complete"]).unique("period").sort("period_start")["period"].to_list()
period = st.selectbox(t("period_shown", lang), periods, index=periods.index((complete or periods)[-1]),
                      key="periode", bind="query-params")
shown = frame.filter(frame["period"] == period)
published = Published(shown, k, f"{ind.id}: {view.level}, {period}")
geojson, geo_error = None, None
if view.level == "wijk" and ctx.settings.geojson is not None:
    try:
        geojson = geo.load_geojson(ctx.settings.geojson, ctx.settings.geojson_key)
    except geo.GeoError as exc:
        geo_error = str(exc)

# ---- render
title = f"{ind.label(lang)} · {period}"
unit = t(f"per_{view.per}", lang).lower() if view.per else tr.unit(ind.unit)
if geo_error:
    st.warning(geo_error)
tab_chart, tab_table = st.tabs([t("tab_chart", lang), t("tab_table", lang)])
with tab_chart:
    if geojson is not None:
        fig = charts.choropleth(published, geojson, featureidkey=f"properties.{ctx.settings.geojson_key}",
                                title=title, unit=unit, t=tr, attribution=t("map_attribution", lang))
        st.plotly_chart(fig, key="map")
    else:
        if view.level == "wijk" and ctx.settings.geojson is None:
            st.caption(t("map_hint", lang))
        st.plotly_chart(charts.area_bars(published, title=title, unit=unit, t=tr), key="bars")
with tab_table:
    st.dataframe(ui.display_table(ctx, shown, ind), hide_index=True)
    st.caption(t("suppression_note", lang, k=k))
    ui.downloads(ctx, published, f"{ind.id}_{view.level}_{period}")
