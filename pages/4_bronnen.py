"""Sources page: each extract's rows, period, delivery date and validation; the indicator catalogue."""

from __future__ import annotations

import streamlit as st

from monitor import checks, ui
from monitor.i18n import t

ctx = ui.page("page_bronnen")
lang = ctx.lang

# ---- data
report = ctx.engine.report
extracts_table = ui.extracts_table(ctx, report)
catalogue = ui.catalogue_table(ctx)
registry_problems = [str(p) for p in ctx.engine.registry.problems]
registry_problems += [p for s in report.staging for p in s.problems]  # staging files: the last build
programme_problems = checks.check_programme(ctx.settings, set(ctx.engine.registry.indicators))

# ---- render
st.markdown(t("catalog_built", lang, when=ui.timestamp(report.built_at, lang), file=report.database))
st.subheader(t("extracts", lang))
st.dataframe(extracts_table, hide_index=True)
for status in report.extracts:
    if status.problems:
        word = t("kept_note", lang) if status.status == "kept" else t("failed_note", lang)
        with st.expander(f"{status.name}: {len(status.problems)} {t('problems', lang)} · {word}",
                         icon=":material/warning:"):
            st.markdown("\n".join(f"- `{p}`" for p in status.problems))
st.markdown(t("contract_note", lang))  # markdown: inline code in a caption fails contrast

st.subheader(t("indicator_catalogue", lang))
st.dataframe(catalogue, hide_index=True, column_config={
    t("col_link", lang): st.column_config.LinkColumn(t("col_link", lang), display_text=t("open", lang)),
})
if registry_problems or programme_problems:
    st.subheader(t("file_problems", lang))
    st.markdown("\n".join(f"- `{p}`" for p in registry_problems + programme_problems))
else:
    st.success(t("files_ok", lang))
