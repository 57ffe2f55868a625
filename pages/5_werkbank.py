"""Analyst workbench: guarded SQL on the catalog, and "make this an indicator".

Layout only; monitor.ui.workbench keeps the session's state and monitor.workbench does
the work. Queries run through Catalog.guarded, the same path as `python -m monitor sql`.
A deployment switches the page off with MONITOR_WORKBENCH=0: it then shows how to
switch it on, and no data.
"""

from __future__ import annotations

import streamlit as st

from monitor import charts, ui

wb = ui.workbench
ctx = ui.page("page_werkbank", access="analyst")
t = ctx.t
if not wb.enabled(ctx):
    st.warning(t("wb_disabled"), icon=":material/block:")
    st.stop()

# ---- filters: the editor, the limits, the schema and the history
st.html("<style>.st-key-wb_sql textarea {font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "
        "monospace; font-size: 0.9rem;}</style>")
st.markdown(t("wb_intro"))  # markdown: inline code in a caption fails contrast
st.warning(t("wb_record_level"), icon=":material/shield:")
editor, schema_col = st.columns([3, 2], gap="medium")
with editor:
    plain = st.toggle(t("wb_plain"), key="wb_plain", help=t("wb_plain_help"))
    if plain:
        sql, submitted = wb.plain_box(ctx), False
    else:
        st.markdown(f"**{t('wb_sql')}**")
        sql, submitted = wb.code_box(ctx)
        st.caption(t("wb_editor_keys"))
    clicked = st.button(t("wb_run"), key="wb_run", type="primary", icon=":material/play_arrow:")
    run_clicked = clicked or submitted  # the Run button, or Ctrl+Enter in the code editor
    st.caption(wb.limits(ctx))
with schema_col:
    st.markdown(f"**{t('wb_schema')}**")
    st.dataframe(wb.tables_view(ctx), hide_index=True, key="wb_tables", column_config=wb.table_columns(ctx))
    if note := wb.views_note(ctx):
        st.caption(note)
    table = st.selectbox(t("wb_table"), wb.table_names(ctx), key="wb_schema_table", help=t("wb_schema_help"))
    st.dataframe(wb.columns_of(ctx, table), hide_index=True, key="wb_columns",
                 column_config=wb.column_columns(ctx))

# ---- data
if run_clicked:
    wb.run(ctx, sql)
outcome = wb.outcome()

# ---- render: the history (after the run, so it includes it), result, downloads, quick chart
with st.sidebar.expander(t("wb_history"), expanded=True):
    entries = wb.history(ctx)
    if not entries:
        st.caption(t("wb_history_empty"))
    for i, entry in enumerate(entries):
        st.button(entry.label, key=f"wb_hist_{i}", on_click=wb.reuse, args=(entry.sql,), type="tertiary",
                  help=entry.sql)

if outcome is None:
    st.stop()
if not outcome.ok:
    st.error(wb.error_text(ctx, outcome), icon=":material/error:")
    st.stop()

frame = outcome.frame
st.caption(wb.result_caption(ctx, outcome))
if note := wb.truncated_note(ctx, outcome):
    st.warning(note, icon=":material/content_cut:")
st.dataframe(frame, hide_index=True, key="wb_result")
c1, c2, _ = st.columns([1, 1, 4])
c1.download_button(t("wb_download_csv"), wb.as_csv(frame), file_name="werkbank.csv",
                   mime="text/csv", key="wb_csv", on_click=wb.logged_download(ctx, "werkbank.csv", outcome))
c2.download_button(t("wb_download_parquet"), wb.as_parquet(frame), file_name="werkbank.parquet",
                   mime="application/vnd.apache.parquet", key="wb_parquet",
                   on_click=wb.logged_download(ctx, "werkbank.parquet", outcome))

with st.expander(t("wb_chart"), expanded=True):
    plain, numeric = wb.chartable_columns(frame)
    if not numeric or frame.is_empty():
        st.caption(t("wb_no_numeric"))
    else:
        sig = abs(hash(tuple(frame.columns)))
        a, b, c = st.columns(3)
        x = a.selectbox(t("wb_x"), plain, key=f"wb_x_{sig}")
        y = b.selectbox(t("wb_y"), numeric, index=len(numeric) - 1, key=f"wb_y_{sig}")
        colour = c.selectbox(t("wb_colour"), [None, *plain], key=f"wb_c_{sig}",
                             format_func=lambda v: t("wb_none") if v is None else v)
        st.plotly_chart(wb.quick_chart(frame, x, y, colour), key="wb_chart")

# ---- make this an indicator
st.subheader(t("wb_make_indicator"))
st.markdown(t("wb_form_intro"))
choices = wb.form_choices(ctx, outcome.sql)
with st.form("wb_indicator_form"):
    a, b = st.columns(2)
    form = wb.IndicatorForm(
        id=a.text_input(t("wb_id"), key="wb_f_id"),
        title_nl=a.text_input(t("wb_title_nl"), key="wb_f_title_nl"),
        title_en=b.text_input(t("wb_title_en"), key="wb_f_title_en"),
        description_nl=a.text_area(t("wb_description_nl"), key="wb_f_desc_nl", height=90),
        description_en=b.text_area(t("wb_description_en"), key="wb_f_desc_en", height=90),
        kind=a.selectbox(t("wb_kind"), ["outcome", "output", "context"], index=1, key="wb_f_kind",
                         format_func=lambda v: t(f"kind_{v}")),
        programme=b.selectbox(t("programme"), list(choices.programmes), key="wb_f_programme",
                              format_func=lambda p: choices.programmes.get(p, p)) or "",
        measure=a.selectbox(t("wb_measure"), ["count", "ratio", "stock"], key="wb_f_measure",
                            format_func=lambda v: t(f"measure_{v}")),
        unit=b.text_input(t("unit"), key="wb_f_unit"),
        direction=a.selectbox(t("wb_direction"), ["up", "down", "none"], key="wb_f_direction",
                              format_func=lambda v: t(f"direction_{v}")),
        sources=b.multiselect(t("sources"), choices.tables, default=choices.sources,
                              key=f"wb_f_sources_{abs(hash(outcome.sql))}"),
        drivers=b.multiselect(t("drivers"), list(choices.outputs), key="wb_f_drivers",
                              format_func=lambda i: choices.outputs.get(i, i)),
    )
    if st.form_submit_button(t("wb_check"), type="primary"):
        wb.check_form(ctx, form, outcome.sql)

checked = wb.form_outcome()
if checked is not None:
    if checked.problems:
        st.error(t("wb_problems") + "\n\n" + "\n".join(f"- {p}" for p in checked.problems))
    else:
        st.success(t("wb_contract_ok"), icon=":material/check_circle:")
    if (preview := wb.preview(ctx, checked)) is not None:
        shown, unit = preview
        ind = checked.indicator
        st.markdown(f"**{t('wb_preview')}**")
        st.plotly_chart(charts.series_chart(shown, title=ind.label(ctx.lang), unit=unit, t=t, compare=False,
                                            kind="bar" if ind.measure == "count" else "line"),
                        key="wb_preview_chart")
    if checked.text and checked.indicator is not None:
        name = f"{checked.indicator.id}.sql"
        st.markdown(f"**{t('wb_file')}**")
        st.code(checked.text, language="sql")
        st.download_button(t("wb_download_sql", name=name), checked.text.encode("utf-8"),
                           file_name=name, mime="application/sql", key="wb_sql_file", on_click="ignore")
        if checked.ok:
            st.markdown(t("wb_steps", id=checked.indicator.id))
