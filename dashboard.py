"""Home: the coalition-programme scorecard. Layout only; the numbers come from monitor.scorecard."""

from __future__ import annotations

import streamlit as st

from monitor import charts, i18n, scorecard, ui
from monitor.i18n import t

ctx = ui.page("page_home")
lang = ctx.lang
pf = ctx.engine.programme

# ---- filters: the term (bound to ?term=)
term = ui.term_picker(ctx)

# ---- data
with st.spinner(t("computing", lang)):
    cards = scorecard.scorecard(ctx.engine, term.id)

# ---- render
counts = {code: sum(c.status.code == code for c in cards) for code in ui.STATUS_ORDER}
st.markdown(" · ".join(f"{ui.status_badge(code, lang)}: **{n}**" for code, n in counts.items() if n))
if pf.note:
    st.caption(i18n.pick(pf.note, lang))

for prog_id, prog in pf.programmes.items():
    prog_cards = [c for c in cards if c.ambition.programme == prog_id]
    if not prog_cards:
        continue
    st.subheader(i18n.pick(prog.title, lang))
    st.page_link("pages/1_programma.py", label=t("open_programme", lang), icon=":material/arrow_forward:",
                 query_params=ctx.link_params(programma=prog_id))
    for card in prog_cards:
        with st.container(border=True):
            left, mid, right = st.columns([3, 2, 3], gap="medium")
            with left:
                ui.card_heading(ctx, card)
                ui.card_numbers(ctx, card)
            with mid:
                st.markdown(charts.sparkline_svg(card.twelve, card.trajectory, card.projection_path,
                                                 label=ui.sparkline_label(ctx, card)),
                            unsafe_allow_html=True)
                ui.card_projection(ctx, card)
            with right:
                ui.card_outputs(ctx, card)

with st.expander(t("how_computed", lang)):
    st.markdown(t("how_computed_text", lang))
