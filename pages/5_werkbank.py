"""Analyst workbench: guarded SQL on the catalog, and "make this an indicator".

Layout only; monitor.workbench does the work. Queries run through Catalog.guarded, the
same path as `python -m monitor sql`. A deployment switches the page off with
MONITOR_WORKBENCH=0: it then shows how to switch it on, and no data.
"""

from __future__ import annotations

import streamlit as st

from monitor import charts, i18n, ui, workbench
from monitor.i18n import t

ctx = ui.page("page_werkbank")
lang, settings = ctx.lang, ctx.settings
if not settings.workbench:
    st.warning(t("wb_disabled", lang), icon=":material/block:")
    st.stop()

cat = ctx.engine.catalog
state = st.session_state
state.setdefault("wb_history", [])


def _reuse(sql: str) -> None:
    """History click: put the query back into the editor (before the editor is drawn)."""
    state["wb_sql"] = sql


# ---- filters: the editor, the limits, the schema and the history
st.html("<style>.st-key-wb_sql textarea {font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "
        "monospace; font-size: 0.9rem;}</style>")
st.markdown(t("wb_intro", lang))  # markdown: inline code in a caption fails contrast
st.warning(t("wb_record_level", lang), icon=":material/shield:")
editor, schema_col = st.columns([3, 2], gap="medium")
with editor:
    sql = st.text_area(t("wb_sql", lang), key="wb_sql", height=220, placeholder=workbench.EXAMPLE_SQL)
    run_clicked = st.button(t("wb_run", lang), key="wb_run", type="primary", icon=":material/play_arrow:")
    st.caption(t("wb_limits", lang, timeout=i18n.number(settings.query_timeout_s, lang, 0),
                 rows=i18n.number(settings.row_cap, lang), memory=settings.memory_limit))
with schema_col:
    st.markdown(f"**{t('wb_schema', lang)}**")
    schema = workbench.schema_overview(cat)
    st.dataframe(workbench.table_summary(schema), hide_index=True, key="wb_tables")
    table = st.selectbox(t("wb_table", lang), workbench.table_summary(schema)["table"].to_list(),
                         key="wb_schema_table", help=t("wb_schema_help", lang))
    st.dataframe(schema.filter(schema["table"] == table).drop("table", "rows"), hide_index=True,
                 key="wb_columns")

# ---- data
if run_clicked:
    with st.spinner(t("computing", lang)):
        outcome = workbench.run(cat, sql or "", settings)
    state["wb_outcome"] = outcome
    state["wb_history"] = workbench.remember(state["wb_history"], outcome)
    state.pop("wb_form_outcome", None)
outcome: workbench.RunOutcome | None = state.get("wb_outcome")

# ---- render: the history (after the run, so it includes it), result, downloads, quick chart
with st.sidebar.expander(t("wb_history", lang), expanded=True):
    if not state["wb_history"]:
        st.caption(t("wb_history_empty", lang))
    for i, entry in enumerate(state["wb_history"]):
        summary = (t("wb_rows", lang, rows=i18n.number(entry.rows, lang)) if entry.outcome == "ok"
                   else t(f"wb_{entry.outcome}", lang))
        st.button(workbench.history_label(entry, summary, width=48), key=f"wb_hist_{i}", on_click=_reuse,
                  args=(entry.sql,), type="tertiary", help=entry.sql)

if outcome is None:
    st.stop()
if not outcome.ok:
    st.error(outcome.error, icon=":material/error:")
    st.stop()

frame = outcome.frame
st.caption(t("wb_rows_elapsed", lang, rows=i18n.number(frame.height, lang),
             seconds=i18n.number(outcome.elapsed_s, lang, 2)))
if outcome.truncated:
    st.warning(t("wb_truncated", lang, cap=i18n.number(outcome.row_cap, lang)), icon=":material/content_cut:")
st.dataframe(frame, hide_index=True, key="wb_result")
c1, c2, _ = st.columns([1, 1, 4])
c1.download_button(t("wb_download_csv", lang), workbench.to_csv(frame), file_name="werkbank.csv",
                   mime="text/csv", key="wb_csv", on_click="ignore")
c2.download_button(t("wb_download_parquet", lang), workbench.to_parquet(frame), file_name="werkbank.parquet",
                   mime="application/vnd.apache.parquet", key="wb_parquet", on_click="ignore")

with st.expander(t("wb_chart", lang), expanded=True):
    plain, numeric = workbench.chartable_columns(frame)
    if not numeric or frame.is_empty():
        st.caption(t("wb_no_numeric", lang))
    else:
        sig = abs(hash(tuple(frame.columns)))
        a, b, c = st.columns(3)
        x = a.selectbox(t("wb_x", lang), plain, key=f"wb_x_{sig}")
        y = b.selectbox(t("wb_y", lang), numeric, index=len(numeric) - 1, key=f"wb_y_{sig}")
        colour = c.selectbox(t("wb_colour", lang), [None, *plain], key=f"wb_c_{sig}",
                             format_func=lambda v: t("wb_none", lang) if v is None else v)
        st.plotly_chart(workbench.quick_chart(frame, x, y, colour), key="wb_chart")

# ---- make this an indicator
st.subheader(t("wb_make_indicator", lang))
st.markdown(t("wb_form_intro", lang))
registry = ctx.engine.registry
pf = ctx.engine.programme_or_none
programmes = list(pf.programmes) if pf else []
outputs = sorted(i.id for i in registry.indicators.values() if i.kind == "output")
tables = cat.table_names()
source_options, detected_sources = workbench.form_sources(outcome.sql, tables, ctx.settings.queries_dir)
with st.form("wb_indicator_form"):
    a, b = st.columns(2)
    form = workbench.IndicatorForm(
        id=a.text_input(t("wb_id", lang), key="wb_f_id"),
        title_nl=a.text_input(t("wb_title_nl", lang), key="wb_f_title_nl"),
        title_en=b.text_input(t("wb_title_en", lang), key="wb_f_title_en"),
        description_nl=a.text_area(t("wb_description_nl", lang), key="wb_f_desc_nl", height=90),
        description_en=b.text_area(t("wb_description_en", lang), key="wb_f_desc_en", height=90),
        kind=a.selectbox(t("wb_kind", lang), ["outcome", "output", "context"], index=1, key="wb_f_kind",
                         format_func=lambda v: t(f"kind_{v}", lang)),
        programme=b.selectbox(t("programme", lang), programmes, key="wb_f_programme",
                              format_func=lambda p: i18n.pick(pf.programmes[p].title, lang) if pf else p)
        or "",
        measure=a.selectbox(t("wb_measure", lang), ["count", "ratio", "stock"], key="wb_f_measure",
                            format_func=lambda v: t(f"measure_{v}", lang)),
        unit=b.text_input(t("unit", lang), key="wb_f_unit"),
        direction=a.selectbox(t("wb_direction", lang), ["up", "down", "none"], key="wb_f_direction",
                              format_func=lambda v: t(f"direction_{v}", lang)),
        sources=b.multiselect(t("sources", lang), source_options, default=detected_sources,
                              key=f"wb_f_sources_{abs(hash(outcome.sql))}"),
        drivers=b.multiselect(t("drivers", lang), outputs, key="wb_f_drivers",
                              format_func=lambda i: registry.indicators[i].label(lang)),
    )
    if st.form_submit_button(t("wb_check", lang), type="primary"):
        with st.spinner(t("computing", lang)):
            state["wb_form_outcome"] = workbench.indicator_from_form(ctx.engine, form, outcome.sql)

checked: workbench.FormOutcome | None = state.get("wb_form_outcome")
if checked is not None:
    if checked.problems:
        st.error(t("wb_problems", lang) + "\n\n" + "\n".join(f"- {p}" for p in checked.problems))
    else:
        st.success(t("wb_contract_ok", lang), icon=":material/check_circle:")
    if checked.preview is not None and checked.indicator is not None and not checked.preview.is_empty():
        st.markdown(f"**{t('wb_preview', lang)}**")
        ind = checked.indicator
        preview = checked.preview
        st.plotly_chart(charts.series_chart(preview, title=ind.label(lang), unit=i18n.unit(ind.unit, lang),
                                            t=i18n.Translator(lang), compare=False,
                                            kind="bar" if ind.measure == "count" else "line"),
                        key="wb_preview_chart")
    if checked.text and checked.indicator is not None:
        name = f"{checked.indicator.id}.sql"
        st.markdown(f"**{t('wb_file', lang)}**")
        st.code(checked.text, language="sql")
        st.download_button(t("wb_download_sql", lang, name=name), checked.text.encode("utf-8"),
                           file_name=name, mime="application/sql", key="wb_sql_file", on_click="ignore")
        if checked.ok:
            st.markdown(t("wb_steps", lang, id=checked.indicator.id))
