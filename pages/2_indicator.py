"""Indicator page: any indicator (chosen with ?id=), analysts' new files included.

Filters -> roll-up (disclosure applied in the library) -> chart or table, definition, downloads.
"""

from __future__ import annotations

import streamlit as st

from monitor import charts, ui

ctx = ui.page("page_indicator", partners=True)
t = ctx.t

# ---- filters
ind = ui.indicator_picker(ctx, shape=None)
if ind is None:
    st.stop()
view = ui.view_filters(ctx, ind, per=True) if ind.shape == "series" else None
if view is not None:
    view = ui.split_filter(ctx, ind, view)  # only for an indicator with dimensions

# ---- data
published = ui.series(ctx, ind, view)  # None: the error is shown
if published is None:
    st.stop()
title = ind.label(ctx.lang)

# ---- render
st.markdown(f"## {title}")
st.markdown(ui.description_text(ctx, ind))
st.caption(ui.indicator_facts(ctx, ind))

tab_chart, tab_table, tab_def = st.tabs([t(f"tab_{n}") for n in ("chart", "table", "definition")])
with tab_chart:
    if view is None:
        fig = charts.cohort_chart(published, title=title, t=t)
    elif view.split:
        fig = charts.split_chart(published, title=f"{title}: {ui.dimension_text(ctx, view.split)}",
                                 unit=ui.value_unit(ctx, ind, view), t=t, compare=view.compare,
                                 groups=ui.group_labels(ctx, published, view.split),
                                 kind="bar" if ind.measure == "count" else "line")
    else:
        fig = charts.series_chart(published, title=title, unit=ui.value_unit(ctx, ind, view), t=t,
                                  compare=view.compare, kind="bar" if ind.measure == "count" else "line")
    st.plotly_chart(fig, key="indicator_chart")
    if view is None:
        st.caption(t("followed_whole_note"))
    ui.peer_comparison(ctx, ind)  # `peer:`: this city beside its peers on the population counterpart
with tab_table:
    if view is None:
        table = ui.cohort_table(ctx, published)
    elif view.split:
        table = ui.split_table(ctx, published, ind, view.split)
    else:
        table = ui.styled_table(ctx, published, ind)
    st.dataframe(table, hide_index=True)
    ui.suppression_legend(ctx)
    ui.downloads(ctx, published, f"{ind.id}_{view.split}" if view is not None and view.split else ind.id)
with tab_def:
    ui.definition(ctx, ind)
