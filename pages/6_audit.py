"""Audit trail (admins): sign-ins, workbench queries, downloads and refusals, newest first.

Layout only; the trail is read by monitor.ui (monitor.trail underneath).
"""

from __future__ import annotations

import streamlit as st

from monitor import ui

ctx = ui.page("page_audit", access="admin")
t = ctx.t

# ---- filters
a, b = st.columns(2)
since = a.date_input(t("audit_since"), value=ui.audit_default_since(), key="audit_since",
                     format=ui.date_input_format(ctx))
user = b.text_input(t("audit_user"), key="audit_user")

# ---- data
rows = ui.audit_table(ctx, since, user)

# ---- render
st.caption(t("audit_where", folder=str(ctx.settings.audit_dir)))
if rows.is_empty():
    st.info(t("audit_empty"))
else:
    st.dataframe(rows, hide_index=True)
