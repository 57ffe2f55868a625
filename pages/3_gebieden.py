"""Area page: compare stadsdelen and wijken for one indicator and period, absolute or per 1,000.

A choropleth at wijk level (MONITOR_GEOJSON, else the shipped Den Haag wijken of 2024 when the data
are Den Haag's), ranked bars otherwise; below it, population outcomes per wijk.
"""

from __future__ import annotations

import streamlit as st

from monitor import charts, ui

ctx = ui.page("page_gebieden")
t = ctx.t

# ---- filters
ind = ui.indicator_picker(ctx)
if ind is None:
    st.stop()
view = ui.view_filters(ctx, ind, grains=("year", "quarter", "term"), default_grain="year",
                       levels=("stadsdeel", "wijk"), default_level="stadsdeel", per=True, compare=False)

# ---- data
published = ui.series(ctx, ind, view)
if published is None:
    st.stop()
period = ui.period_picker(ctx, published)
if period is None:
    st.info(t("no_data_for_view"))
    st.stop()
shown = ui.at_period(published, period, view.level)  # a selection: keeps its suppression
wijken = ui.wijk_map(ctx, view)  # the configured boundaries, else the shipped ones (Den Haag 2024)

# ---- render
title = f"{ind.label(ctx.lang)} · {ui.period_label(ctx, period)}"
unit = ui.value_unit(ctx, ind, view)
tab_chart, tab_table = st.tabs([t("tab_chart"), t("tab_table")])
with tab_chart:
    if wijken is not None:
        fig = charts.choropleth(shown, wijken.geojson, featureidkey=wijken.featureidkey,
                                title=title, unit=unit, t=t, attribution=ui.map_credit(ctx, wijken))
        st.plotly_chart(fig, key="map")
    else:
        if view.level == "wijk":
            st.caption(t("map_hint"))
        st.plotly_chart(charts.area_bars(shown, title=title, unit=unit, t=t), key="bars")
with tab_table:
    st.dataframe(ui.display_table(ctx, shown, ind), hide_index=True)
    ui.suppression_legend(ctx)
    ui.downloads(ctx, shown, f"{ind.id}_{view.level}_{period}")
ui.population_map(ctx)  # population outcomes per wijk, on the same boundaries
