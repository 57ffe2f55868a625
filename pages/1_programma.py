"""Programme page: outcomes next to their outputs on one time axis, the funnel, cohorts, stadsdelen.

One file serves every programme in programme.yaml (chosen with ?programma=).
"""

from __future__ import annotations

import streamlit as st

from monitor import charts, ui

ctx = ui.page("page_programma", partners=True)
t = ctx.t

# ---- filters
prog_id = ui.programme_picker(ctx)
term = ui.term_picker(ctx)

# ---- data
with st.spinner(t("computing")):
    cards = ui.cards(ctx, term, prog_id)
    events = ui.events(ctx, prog_id)
    funnel = ui.funnel(ctx, prog_id)
    cohorts = ui.cohorts(ctx, prog_id)
description = ui.programme_description(ctx, prog_id)

# ---- render
if description:
    st.markdown(description)

tab_outcomes, tab_funnel, tab_cohorts, tab_areas = st.tabs(
    [t("tab_outcomes"), t("tab_funnel"), t("tab_cohorts"), t("tab_stadsdelen")]
)

with tab_outcomes:
    if not cards:
        st.info(t("no_ambitions"))
    for card in cards:
        st.markdown(f"### {ui.ambition_title(ctx, card)}")
        ui.card_status_line(ctx, card)
        outcome, outputs = ui.programme_chart_series(ctx, card)
        st.plotly_chart(charts.programme_chart(outcome, outputs, events=events, t=t),
                        key=f"prog_{card.ambition.id}")
        ui.card_projection(ctx, card)
        ui.definition_note(ctx, card)
        ui.population_outcome(ctx, card)  # all residents beside our programme, and the peers
        ui.story(ctx, card)

with tab_funnel:
    st.caption(t("funnel_help"))
    st.plotly_chart(charts.funnel(funnel, title=t("tab_funnel"), t=t), key="funnel")
    ui.suppression_legend(ctx)

with tab_cohorts:
    if not cohorts:
        st.info(t("no_cohorts"))
    for ind, cohort in cohorts:
        st.markdown(f"**[{ind.label(ctx.lang)}]({ui.indicator_url(ctx, ind.id)})**")
        st.caption(ui.description_text(ctx, ind))
        st.plotly_chart(charts.cohort_chart(cohort, title=ind.label(ctx.lang), t=t), key=f"cohort_{ind.id}")
    if cohorts:
        st.caption(t("followed_whole_note"))
        ui.suppression_legend(ctx)

with tab_areas:
    st.caption(t("stadsdelen_help"))
    for card in cards:
        shown, period = ui.latest_by_stadsdeel(ctx, card.indicator)
        st.plotly_chart(charts.area_bars(shown, title=f"{card.indicator.label(ctx.lang)} · {period}",
                                         unit=ui.unit_text(ctx, card.indicator), t=t),
                        key=f"areas_{card.ambition.id}")
    ui.suppression_legend(ctx)
