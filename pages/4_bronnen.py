"""Sources page: each extract's rows, period, delivery date and validation; the indicator catalogue."""

from __future__ import annotations

import streamlit as st

from monitor import ui

ctx = ui.page("page_bronnen")
t = ctx.t

# ---- data
report = ctx.engine.report
extracts_table = ui.extracts_table(ctx, report)
catalogue = ui.catalogue_table(ctx)
problems = ui.file_problems(ctx)

# ---- render
st.markdown(t("catalog_built", when=ui.timestamp(ctx, report.built_at), file=report.database))
st.subheader(t("extracts"))
st.dataframe(extracts_table, hide_index=True)
for status in report.extracts:
    if status.problems:
        word = t("kept_note") if status.status == "kept" else t("failed_note")
        with st.expander(f"{status.name}: {len(status.problems)} {t('problems')} · {word}",
                         icon=":material/warning:"):
            if ctx.visitor.may("analyst"):  # the messages quote example rows: record-level detail
                st.markdown("\n".join(f"- `{p}`" for p in status.problems))
            else:
                st.caption(t("problems_for_analysts"))
st.markdown(t("contract_note"))  # markdown: inline code in a caption fails contrast

st.subheader(t("indicator_catalogue"))
# the whole catalogue at once (a reader looks an indicator up in it), not ten rows in a scroll box
st.dataframe(catalogue, hide_index=True, height="content", column_config={
    t("col_link"): st.column_config.LinkColumn(t("col_link"), display_text=t("open")),
})
if problems:
    st.subheader(t("file_problems"))
    st.markdown("\n".join(f"- `{p}`" for p in problems))
else:
    st.success(t("files_ok"))
