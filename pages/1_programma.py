"""Programme page: outcomes next to their outputs on one time axis, the funnel, cohorts, stadsdelen.

One file serves every programme in programme.yaml (chosen with ?programma=).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from monitor import charts, i18n, rollup, scorecard, ui
from monitor.i18n import t
from monitor.rollup import Published

ctx = ui.page("page_programma")
lang, k = ctx.lang, ctx.k
tr = i18n.Translator(lang)

# ---- filters
prog_id = ui.programme_picker(ctx)
term = ui.term_picker(ctx)
prog = ctx.engine.programme.programmes[prog_id]

# ---- data
with st.spinner(t("computing", lang)):
    cards = scorecard.scorecard(ctx.engine, term.id, prog_id)
    events = scorecard.events(ctx.engine, prog_id, lang)
    steps = scorecard.funnel(ctx.engine, prog_id)
    cohorts = scorecard.cohort_indicators(ctx.engine, prog_id)

# ---- render
if prog.description:
    st.markdown(i18n.pick(prog.description, lang))

tab_outcomes, tab_funnel, tab_cohorts, tab_areas = st.tabs(
    [t("tab_outcomes", lang), t("tab_funnel", lang), t("tab_cohorts", lang), t("tab_stadsdelen", lang)]
)

with tab_outcomes:
    if not cards:
        st.info(t("no_ambitions", lang))
    for card in cards:
        st.markdown(f"### {i18n.pick(card.ambition.title, lang)}")
        st.markdown(f"**{ui.status_badge(card.status.code, lang)}** · "
                    f"[{card.indicator.label(lang)}]({ui.indicator_url(ctx, card.indicator.id)})")
        outputs = [{"title": ind.label(lang), "unit": tr.unit(ind.unit), "frame": frame}
                   for ind, frame in scorecard.output_frames(ctx.engine, card)]
        fig = charts.programme_chart(
            {"title": card.indicator.label(lang), "unit": tr.unit(card.indicator.unit), "twelve": card.twelve,
             "trajectory": card.trajectory, "projection": card.projection_path},
            outputs, events=events, t=tr,
        )
        st.plotly_chart(fig, key=f"prog_{card.ambition.id}")
        ui.card_projection(ctx, card)

with tab_funnel:
    st.caption(t("funnel_help", lang))
    st.plotly_chart(
        charts.funnel(Published(pl.DataFrame(
            {"label": [ind.label(lang) for ind, _ in steps], "value": [fig.value for _, fig in steps],
             "suppressed": [fig.suppressed for _, fig in steps]},
            schema={"label": pl.String, "value": pl.Float64, "suppressed": pl.Boolean}), k, "funnel"),
            title=t("tab_funnel", lang), t=tr),
        key="funnel",
    )

with tab_cohorts:
    if not cohorts:
        st.info(t("no_cohorts", lang))
    for ind in cohorts:
        st.markdown(f"**[{ind.label(lang)}]({ui.indicator_url(ctx, ind.id)})**")
        st.caption(i18n.pick(ind.description, lang))
        cohort = ctx.engine.cohort(ind.id, grain="year")
        st.plotly_chart(charts.cohort_chart(cohort, title=ind.label(lang), t=tr), key=f"cohort_{ind.id}")

with tab_areas:
    st.caption(t("stadsdelen_help", lang))
    view = rollup.View(grain="year", level="stadsdeel")
    for card in cards:
        frame = ctx.engine.series(card.indicator.id, view).frame  # selection keeps its suppression
        complete = frame.filter(frame["complete"])
        latest = (complete if not complete.is_empty() else frame)["period"].max()
        shown = frame.filter(frame["period"] == latest)
        st.plotly_chart(
            charts.area_bars(Published(shown, k, f"{card.indicator.id}: stadsdelen"),
                             title=f"{card.indicator.label(lang)} · {latest}",
                             unit=tr.unit(card.indicator.unit), t=tr),
            key=f"areas_{card.ambition.id}",
        )
