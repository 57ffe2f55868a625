"""The workbench page's state machine: run a query, remember and reuse the history, check a form.

State lives in Streamlit's session (one analyst's history per browser session);
`monitor.workbench` does the work (guarded SQL in a limited worker process, the schema
browser, make-an-indicator). The page keeps only layout.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl
import streamlit as st
from code_editor import code_editor

from monitor import workbench
from monitor.rollup import Published
from monitor.ui import gate
from monitor.ui.present import unit_text

if TYPE_CHECKING:
    from monitor.ui.frame import Ctx

EXAMPLE_SQL = workbench.EXAMPLE_SQL
# Inside the editor's frame: a visible border (WCAG 1.4.11, as Streamlit's own text area) and token
# colours of Ace's "chrome" theme darkened where they fall under 4.5:1 on white (WCAG 1.4.3); line
# heights that do not cut off the underscore of column names in the fallback monospace font; the
# example in the empty editor on line 1 and wrapped, not shrunk above it and cut off; no "meta" text
# beside a suggestion (its accessible name is the name alone, WCAG 2.5.3): what a name is shows in
# the tooltip beside the list (docText).
EDITOR_CSS = """
.ace_editor { border: 1px solid #6b6f7a; border-radius: 0.5rem; line-height: 1.5; }
.ace-chrome .ace_gutter { background: #f0f2f6; color: #31333f; }
.ace-chrome .ace_keyword.ace_operator { color: #4a5568; }
.ace-chrome .ace_variable { color: #1f5f6e; }
.ace-chrome .ace_constant.ace_language, .ace-chrome .ace_constant.ace_buildin { color: #3b2fc9; }
.ace-chrome .ace_placeholder { color: #5f6470; }
.ace_placeholder { transform: none; white-space: pre-wrap; font-family: monospace; margin: 0 4px; top: 12px; }
.ace_autocomplete .ace_line { align-items: flex-start; }
.ace_autocomplete .ace_completion-meta { display: none; }
.ace_autocomplete .ace_line > * { line-height: 17px; }
"""
IndicatorForm = workbench.IndicatorForm
RunOutcome = workbench.RunOutcome
FormOutcome = workbench.FormOutcome
chartable_columns = workbench.chartable_columns
quick_chart = workbench.quick_chart


def enabled(ctx: Ctx) -> bool:
    """Whether this deployment shows the workbench (MONITOR_WORKBENCH); it shows record-level data."""
    return ctx.settings.workbench


def schema(ctx: Ctx) -> pl.DataFrame:
    """Tables, columns, types, rows and examples; cached by the engine (one per catalog version)."""
    return ctx.engine.memo(("schema",), lambda: workbench.schema_overview(ctx.engine.catalog))


def tables(ctx: Ctx) -> pl.DataFrame:
    """One row per table of the schema (table, rows, columns). The rows stay numbers, so the column
    sorts by size; views are listed apart (`views_note`), as counting their rows would compute them."""
    return workbench.table_summary(schema(ctx)).filter(pl.col("rows").is_not_null())


def table_names(ctx: Ctx) -> list[str]:
    """Every table and view the workbench can query, for the schema's picker: the extracts and
    staging tables first, the build's own bookkeeping (`_coverage`, a leading underscore) last."""
    names = workbench.table_summary(schema(ctx))["table"].to_list()
    return sorted(names, key=lambda n: (n.startswith("_"), n))


def views_note(ctx: Ctx) -> str | None:
    """The views under the schema table, with why their rows are not counted; None without views."""
    summary = workbench.table_summary(schema(ctx))
    views = summary.filter(pl.col("rows").is_null())["table"].to_list()
    return ctx.t("wb_views_note", views=", ".join(views)) if views else None


def tables_view(ctx: Ctx):
    """`tables` as the page shows it: the counts stay numbers underneath (the column sorts by size)
    and read in the page's language (`1.234` on a Dutch page), as every other count does."""
    return tables(ctx).to_pandas().style.format(ctx.t.number, subset=["rows", "columns"])


def table_columns(ctx: Ctx) -> dict:
    """The schema table's headers in the page's language."""
    return {
        "table": st.column_config.TextColumn(ctx.t("wb_table")),
        "rows": st.column_config.NumberColumn(ctx.t("wb_col_rows")),
        "columns": st.column_config.NumberColumn(ctx.t("wb_col_columns")),
    }


def columns_of(ctx: Ctx, table: str | None) -> pl.DataFrame:
    frame = schema(ctx)
    return frame.filter(frame["table"] == table).drop("table", "rows")


def column_columns(ctx: Ctx) -> dict:
    """The column list's headers in the page's language."""
    t = ctx.t
    words = {"column": t("wb_col_column"), "type": t("wb_col_type"), "examples": t("wb_col_examples")}
    return {name: st.column_config.TextColumn(word) for name, word in words.items()}


def limits(ctx: Ctx) -> str:
    """The guard's limits as a caption: timeout, row cap, the worker's memory (MONITOR_WORKER_MEMORY)."""
    s = ctx.settings
    return ctx.t("wb_limits", timeout=ctx.t.number(s.query_timeout_s, 0), rows=ctx.t.number(s.row_cap),
                 memory=f"{s.worker_memory / 2**20:g} MB")


def _state():
    state = st.session_state
    state.setdefault("wb_history", [])
    state.setdefault("wb_query", "")  # the editor's text, whichever box shows it
    state.setdefault("wb_editor_mount", 0)  # bumped to load a query into the code editor
    return state


def reuse(sql: str) -> None:
    """History click: put the query back into the editor (runs before the editor is drawn).

    The code editor keeps its own text in the browser: it is mounted anew (a new key) with
    the query; the plain box reads the same text from its widget state.
    """
    state = _state()
    state["wb_query"] = sql
    state["wb_sql"] = sql
    state["wb_editor_mount"] += 1


def completions(ctx: Ctx) -> list[dict]:
    """The editor's completion list: the tables and columns of the schema browser, worded for the page."""
    return workbench.completions(schema(ctx), ctx.t("wb_complete_table"), ctx.t("wb_complete_column"))


def plain_box(ctx: Ctx) -> str:
    """The plain text box (screen readers, or no code editor installed): same text as the code editor."""
    state = _state()
    if "wb_sql" not in state:  # the box was not shown on the previous run: start from the editor's text
        state["wb_sql"] = state["wb_query"]
    sql = st.text_area(ctx.t("wb_sql"), key="wb_sql", height=220, placeholder=EXAMPLE_SQL)
    state["wb_query"] = sql
    return sql


def code_box(ctx: Ctx) -> tuple[str, bool]:
    """The code editor: (its text, whether Ctrl+Enter asked to run it).

    streamlit-code-editor (Ace) answers on Ctrl+Enter ("submit") and when it loses focus
    ("blur", so the run button sees the text). Its answer stays the same on later reruns: an
    answer is acted on once, by its id.
    """
    state = _state()
    label = ctx.t("wb_sql")
    answer = code_editor(
        state["wb_query"], lang="sql", height=[10, 20], response_mode=["blur"], shortcuts="vscode",
        completions=completions(ctx), key=f"wb_code_{state['wb_editor_mount']}",
        # the package's own themes @import a web font from the internet: Ace's "chrome" theme instead
        options={"showLineNumbers": True, "enableKeyboardAccessibility": True, "textInputAriaLabel": label,
                 "fontFamily": "monospace", "wrap": True},  # wrapped: no sideways scrollbar to tab through
        props={"theme": "chrome", "placeholder": EXAMPLE_SQL},
        component_props={"globalCSS": EDITOR_CSS},
        # Esc leaves the text (Ace's keyboard accessibility; then Tab moves on, WCAG 2.1.2): the
        # component binds Esc to a command of its own (leave its snippet editor), unbound here
        keybindings={"commands": [{"name": "exitSession", "bindkey": ""}]},
    )
    return take_answer(answer)


def take_answer(answer: dict | None) -> tuple[str, bool]:
    """Fold the editor's answer into the session: (the text to run, whether to run it now)."""
    state = _state()
    if not answer or not answer.get("id") or answer["id"] == state.get("wb_editor_answer"):
        return state["wb_query"], False
    state["wb_editor_answer"] = answer["id"]
    state["wb_query"] = answer.get("text") or ""
    return state["wb_query"], answer.get("type") == "submit"


def run(ctx: Ctx, sql: str) -> None:
    """Run the editor's query, remember it in the history and forget an earlier form check."""
    state = _state()
    started = time.monotonic()
    with st.spinner(ctx.t("computing")):
        outcome = workbench.run(ctx.engine.catalog, sql or "", ctx.settings, user=ctx.visitor.user)
    frame = outcome.frame
    gate.log(ctx.settings, "query", ctx.visitor, sql=outcome.sql,
             outcome="ok" if outcome.ok else outcome.error_kind,
             rows=frame.height if frame is not None else 0,
             bytes=int(frame.estimated_size()) if frame is not None else 0,
             seconds=round(time.monotonic() - started, 3), error=outcome.error_code)
    state["wb_outcome"] = outcome
    state["wb_history"] = workbench.remember(state["wb_history"], outcome)
    state.pop("wb_form_outcome", None)


def logged_download(ctx: Ctx, what: str, run: workbench.RunOutcome):
    """The download's `on_click`: to the audit trail with the query it holds the result of."""
    return gate.download_logger(ctx.settings, ctx.visitor, what, view=run.sql)


def outcome() -> workbench.RunOutcome | None:
    """The latest run of this session (kept across reruns)."""
    return _state().get("wb_outcome")


@dataclass(frozen=True)
class HistoryEntry:
    label: str
    sql: str


def history(ctx: Ctx) -> list[HistoryEntry]:
    """The session's queries, newest first, each with a one-line summary (rows, or what went wrong)."""
    out = []
    for entry in _state()["wb_history"]:
        rows_key = "wb_row" if entry.rows == 1 else "wb_rows"
        summary = (ctx.t(rows_key, rows=ctx.t.number(entry.rows)) if entry.outcome == "ok"
                   else ctx.t(f"wb_{entry.outcome}"))
        out.append(HistoryEntry(workbench.history_label(entry, summary, width=48), entry.sql))
    return out


def result_caption(ctx: Ctx, result: workbench.RunOutcome) -> str:
    return ctx.t("wb_row_elapsed" if result.frame.height == 1 else "wb_rows_elapsed",
                 rows=ctx.t.number(result.frame.height),
                 seconds=ctx.t.number(result.elapsed_s, 2))


def truncated_note(ctx: Ctx, result: workbench.RunOutcome) -> str | None:
    """Why the result is shorter than the query's: the row cap, or the byte cap (MONITOR_RESULT_BYTES)."""
    if result.byte_cap is not None:
        return ctx.t("wb_truncated_bytes", cap=ctx.t.number(result.byte_cap / 2**20, 0),
                     rows=ctx.t.number(result.frame.height if result.frame is not None else 0))
    return ctx.t("wb_truncated", cap=ctx.t.number(result.row_cap)) if result.truncated else None


def as_csv(frame: pl.DataFrame) -> bytes:
    return workbench.to_csv(frame)


def as_parquet(frame: pl.DataFrame) -> bytes:
    return workbench.to_parquet(frame)


@dataclass(frozen=True)
class FormChoices:
    """What the make-an-indicator form offers: programmes (id -> title), outputs (id -> label), tables."""

    programmes: dict[str, str]
    outputs: dict[str, str]
    tables: list[str]
    sources: list[str]  # the tables the query reads: the form's default sources


def form_choices(ctx: Ctx, sql: str) -> FormChoices:
    pf = ctx.engine.programme_or_none
    programmes = {p: ctx.t.pick(prog.title) for p, prog in pf.programmes.items()} if pf else {}
    registry = ctx.engine.registry.indicators
    outputs = {i: registry[i].label(ctx.lang) for i in sorted(registry) if registry[i].kind == "output"}
    tables, detected = workbench.form_sources(sql, ctx.engine.catalog.table_names(), ctx.settings.queries_dir)
    return FormChoices(programmes, outputs, tables, detected)


def check_form(ctx: Ctx, form: workbench.IndicatorForm, sql: str) -> None:
    """Check the form against the indicator contract; the outcome is kept for the next reruns."""
    with st.spinner(ctx.t("computing")):
        _state()["wb_form_outcome"] = workbench.indicator_from_form(ctx.engine, form, sql,
                                                                    user=ctx.visitor.user)


def error_text(ctx: Ctx, outcome: workbench.RunOutcome) -> str:
    """Why a run gave no result, in the page's language (DuckDB's own detail stays as DuckDB wrote it)."""
    if outcome.error_code is None:
        return outcome.error or ""
    params = dict(outcome.error_params or {})
    if "seconds" in params:
        params["seconds"] = ctx.t.number(float(params["seconds"]), decimals=0)
    return ctx.t(f"err_{outcome.error_code}", **params)


def form_outcome() -> workbench.FormOutcome | None:
    return _state().get("wb_form_outcome")


def preview(ctx: Ctx, checked: workbench.FormOutcome) -> tuple[Published, str] | None:
    """The checked indicator's preview series (suppressed like any roll-up) and its worded unit."""
    ind, shown = checked.indicator, checked.preview
    if shown is None or ind is None:
        return None
    return (shown, unit_text(ctx, ind)) if not shown.frame.is_empty() else None
