"""Indicator page: any indicator (chosen with ?id=), analysts' new files included.

Filters -> roll-up (disclosure applied in the library) -> chart or table, definition, downloads.
"""

from __future__ import annotations

import streamlit as st

from monitor import charts, i18n, ui
from monitor.i18n import t
from monitor.indicators import IndicatorError

ctx = ui.page("page_indicator")
lang, k = ctx.lang, ctx.k
tr = i18n.Translator(lang)

# ---- filters
ind = ui.indicator_picker(ctx, shape=None)
if ind is None:
    st.stop()
view = ui.view_filters(ctx, ind, per=True) if ind.shape == "series" else None

# ---- data
try:
    with st.spinner(t("computing", lang)):
        if view is not None:
            published = ctx.engine.series(ind.id, view)
        else:
            published = ctx.engine.cohort(ind.id, grain="year")
except IndicatorError as exc:
    st.error(str(exc))
    st.stop()
frame = published.frame

# ---- render
st.markdown(f"## {ind.label(lang)}")
st.markdown(i18n.pick(ind.description, lang))
st.caption(ui.indicator_facts(ctx, ind))

tab_chart, tab_table, tab_def = st.tabs([t(f"tab_{n}", lang) for n in ("chart", "table", "definition")])
with tab_chart:
    if view is None:
        fig = charts.cohort_chart(published, title=ind.label(lang), t=tr)
    else:
        fig = charts.series_chart(published, title=ind.label(lang), unit=tr.unit(ind.unit), t=tr,
                                  compare=view.compare, kind="bar" if ind.measure == "count" else "line")
    st.plotly_chart(fig, key="indicator_chart")
with tab_table:
    if view is None:
        st.dataframe(ui.cohort_table(ctx, frame), hide_index=True)
    else:
        st.dataframe(ui.display_table(ctx, frame, ind), hide_index=True)
    st.caption(t("suppression_note", lang, k=k))
    ui.downloads(ctx, published.with_frame(frame.rename({"cohort": "period"})) if view is None else published,
                 ind.id)
with tab_def:
    ui.definition(ctx, ind)
