"""What changed since the last delivery: status changes, the new month, the largest moves, problems.

Layout only; the change log is recorded and worded by monitor.ui (monitor.changes underneath).
"""

from __future__ import annotations

import streamlit as st

from monitor import ui

ctx = ui.page("page_veranderd")
t = ctx.t

# ---- data
with st.spinner(t("computing")):
    deliveries = ui.change_log(ctx)

# ---- render
st.caption(t("changes_intro"))
if not deliveries:
    st.info(t("changes_empty"))
for n, (heading, sections) in enumerate(deliveries):
    with st.expander(heading, expanded=n == 0):
        if not sections:
            st.markdown(t("changes_nothing"))
        for title, lines in sections:
            st.markdown(f"**{title}**")
            st.markdown("\n".join(f"- {line}" for line in lines))
