"""Home: the coalition-programme scorecard. Layout only; the numbers come from monitor.ui."""

from __future__ import annotations

import streamlit as st

from monitor import charts, ui

ctx = ui.page("page_home", partners=True)

# ---- filters: the term (bound to ?term=)
term = ui.term_picker(ctx)

# ---- data
with st.spinner(ctx.t("computing")):
    cards = ui.cards(ctx, term)
    programmes = ui.programme_cards(ctx, cards)
note = ui.programme_note(ctx)

# ---- render
st.markdown(ui.status_counts(ctx, cards))
if note:
    st.caption(note)

for prog_id, title, prog_cards in programmes:
    st.subheader(title)
    st.page_link("pages/1_programma.py", label=ctx.t("open_programme"), icon=":material/arrow_forward:",
                 query_params=ctx.link_params(programma=prog_id))
    for card in prog_cards:
        with st.container(border=True):
            left, mid, right = st.columns([3, 2, 3], gap="medium")
            with left:
                ui.card_heading(ctx, card)
                ui.card_numbers(ctx, card)
            with mid:
                st.markdown(charts.sparkline_svg(ui.sparkline_series(card), card.trajectory,
                                                 card.projection_path, label=ui.sparkline_label(ctx, card)),
                            unsafe_allow_html=True)
                ui.card_projection(ctx, card)
                ui.definition_note(ctx, card)
            with right:
                ui.card_outputs(ctx, card)
            ui.story_card(ctx, card)

with st.expander(ctx.t("how_computed")):
    st.markdown(ui.explanation(ctx))
