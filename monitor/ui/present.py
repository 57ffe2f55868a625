"""Presentation: tables as the reader sees them, downloads, an indicator's definition and facts,
the extracts table and the indicator catalogue, links to the indicator page.

Codes from the library (period, unit, kind, status) are worded here, in the page's language.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import polars as pl
import streamlit as st

from monitor import catalog, exports, signs
from monitor.indicators import Indicator
from monitor.rollup import Published
from monitor.ui import gate

if TYPE_CHECKING:
    from monitor.ui.frame import Ctx


def unit_text(ctx: Ctx, ind: Indicator) -> str:
    """The indicator's unit as a reader sees it (its own `unit_label` when it has one)."""
    return ctx.t.unit(ind.unit, getattr(ind, "unit_label", None))


def period_label(ctx: Ctx, period: str) -> str:
    """A period code as the reader sees it: a term's id becomes its label; other codes stay as they are.

    The roll-up returns a term's id as the period of grain `term` (the library never picks
    a language); `2024`, `2024-Q1`, `2024-03` and `2023-11/2024-10` read the same in both.
    """
    for term in ctx.engine.terms:
        if term.id == period:
            return ctx.t.pick(term.label)
    return period


def downloads(ctx: Ctx, frame: Published, name: str) -> None:
    """CSV for Dutch Excel and .xlsx, both with the same suppression as the screen.

    A cohort frame's `cohort` is written as the download's period.
    """
    if "cohort" in frame.frame.columns and "period" not in frame.frame.columns:
        frame = frame.with_frame(frame.frame.rename({"cohort": "period"}))
    c1, c2 = st.columns(2)
    lang = ctx.lang
    # The files are written when a reader clicks (a callable: Streamlit's deferred download), not on
    # every page view: the .xlsx alone was a large part of a view's server time.
    c1.download_button(ctx.t("download_csv"), lambda: exports.csv_dutch_excel(frame, lang=lang),
                       file_name=f"{name}.csv", mime="text/csv", key=f"csv_{name}",
                       on_click=gate.download_logger(ctx.settings, ctx.visitor, f"{name}.csv", frame.view))
    c2.download_button(ctx.t("download_xlsx"), lambda: exports.xlsx(frame, lang=lang),
                       file_name=f"{name}.xlsx", key=f"xlsx_{name}",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       on_click=gate.download_logger(ctx.settings, ctx.visitor, f"{name}.xlsx", frame.view))


def suppression_legend(ctx: Ctx) -> None:
    """The legend of the hidden-cell mark (`x`), next to a table, card or chart that may show it."""
    st.caption(ctx.t.suppression_legend(ctx.k))


def display_table(ctx: Ctx, published: Published, ind: Indicator) -> pl.DataFrame:
    """The frame as the reader sees it: worded periods, formatted numbers, the mark for hidden cells."""
    t, frame = ctx.t, published.frame
    hidden = frame["suppressed"].to_list()

    def column(key: str, texts: list[str]) -> pl.Series:
        return pl.Series(t(key), texts, dtype=pl.String)

    cols: list[pl.Series] = []
    if "period" in frame.columns:
        # an unfinished period says so beside its label (its change stays empty for a count, `views`)
        done = frame["complete"].to_list() if "complete" in frame.columns else [True] * frame.height
        cols.append(column("col_period", [period_label(ctx, p) + ("" if d is not False else
                                                                   f" ({t('chart_incomplete')})")
                                          for p, d in zip(frame["period"], done, strict=True)]))
    if "area_name" in frame.columns:
        cols.append(frame["area_name"].alias(t("col_area")))
    values = zip(frame["result"].to_list(), hidden, strict=True)
    cols.append(column("col_value", [t.value(v, ind.unit, suppressed=s) for v, s in values]))
    if ind.is_ratio:
        dens = zip(frame["denominator"].to_list(), hidden, strict=True)
        cols.append(column("col_denominator", [t.value(v, "", suppressed=s) for v, s in dens]))
    if "result_prev" in frame.columns:
        prev = zip(frame["result_prev"].to_list(), frame["prev_suppressed"].to_list(), strict=True)
        cols.append(column("col_prev", [t.value(v, ind.unit, suppressed=s) for v, s in prev]))
        cols.append(column("col_change", [change_text(ctx, v, ind) for v in frame["change"]]))
    return pl.DataFrame(cols)


def change_text(ctx: Ctx, change: float | None, ind: Indicator) -> str:
    """A change worded with its arrow in front (`▼ −57`); arrow from the number, never from the text."""
    from monitor.ui.cards import delta_style  # cards imports this module: import at use

    arrow = signs.ARROW_TEXT[delta_style(change, ind.direction)[0]]
    text = ctx.t.signed(change, ind.unit)
    return f"{arrow} {text}" if arrow and change is not None else text


def change_colours(published: Published, ind: Indicator) -> list[str]:
    """Per row of `display_table`: the CSS colour of its change (green good, red bad, grey neither)."""
    from monitor.ui.cards import delta_style

    if "change" not in published.frame.columns:
        return []
    return [signs.COLOUR_HEX[delta_style(v, ind.direction)[1]] for v in published.frame["change"]]


def styled_table(ctx: Ctx, published: Published, ind: Indicator):  # -> pandas Styler
    """`display_table` with each change coloured by what its direction means, for `st.dataframe`.

    The arrow is in the text too, so the colour is never the only sign.
    """
    table = display_table(ctx, published, ind).to_pandas()
    colours = change_colours(published, ind)
    change_col = ctx.t("col_change")
    if not colours or change_col not in table.columns:
        return table.style
    return table.style.apply(lambda col: [f"color: {c}" for c in colours], subset=[change_col])

def cohort_table(ctx: Ctx, published: Published) -> pl.DataFrame:
    t, frame = ctx.t, published.frame
    shown = [t.value(v, "%", suppressed=s)
             for v, s in zip(frame["result"].to_list(), frame["suppressed"].to_list(), strict=True)]
    return frame.select(
        pl.col("cohort").alias(t("cohort")),
        pl.col("months_since").alias(t("months_since")),
        pl.col("area").alias(t("col_area")),
    ).with_columns(pl.Series(t("col_value"), shown))


def indicator_facts(ctx: Ctx, ind: Indicator) -> str:
    """One line: kind, measure, unit, direction, programme."""
    t = ctx.t
    return " · ".join([
        t(f"kind_{ind.kind}"), t(f"measure_{ind.measure}"), f"{t('unit')}: {unit_text(ctx, ind)}",
        t(f"direction_{ind.direction}"), f"{t('programme')}: {programme_title(ctx, ind.programme)}",
    ])


def programme_title(ctx: Ctx, prog_id: str) -> str:
    """A programme's title in the page's language (its id when programme.yaml does not name it)."""
    pf = ctx.engine.programme_or_none
    prog = pf.programmes.get(prog_id) if pf else None
    return ctx.t.pick(prog.title) if prog is not None else prog_id


def description_text(ctx: Ctx, ind: Indicator) -> str:
    """The indicator's description in the reader's language, each other indicator it names by id
    (``vroegsignalen_al_in_schuldhulp``) shown as that indicator's title, linked to its page: a
    definition is read by people who know titles, not file names."""
    text, indicators = ctx.t.pick(ind.description), ctx.engine.registry.indicators

    def title(match: re.Match[str]) -> str:
        other = indicators.get(match.group(0))
        if other is None or other.id == ind.id or "_" not in other.id:  # `matches` is also a word
            return match.group(0)
        return f"[{other.label(ctx.lang)}]({indicator_url(ctx, other.id)})"

    return _ID_WORD.sub(title, text)


_ID_WORD = re.compile(r"(?<![\w./])[a-z][a-z0-9_]*(?![\w/]|\.\w)")  # a word that is not part of a path


def definition(ctx: Ctx, ind: Indicator) -> None:
    """Description, sources, drivers (linked) and the SQL itself: the indicator is its file."""
    t, indicators = ctx.t, ctx.engine.registry.indicators
    st.markdown(f"**{t('sources')}:** " + ", ".join(f"`{s}`" for s in ind.sources))
    if ind.drivers:
        links = ", ".join(f"[{indicators[d].label(ctx.lang)}]({indicator_url(ctx, d)})"
                          for d in ind.drivers if d in indicators)
        st.markdown(f"**{t('drivers')}:** {links}")
    st.markdown(f"**{t('file')}:** `queries/{ind.path.name}`")
    # no syntax colours: Streamlit's SQL palette fails WCAG contrast (comments 3.6:1)
    # wrapped: a long line of a query file would make a scroll box the keyboard cannot reach (axe)
    st.code(ind.path.read_text(encoding="utf-8"), language=None, wrap_lines=True)


def timestamp(ctx: Ctx, iso: str) -> str:
    moment = dt.datetime.fromisoformat(iso)
    return f"{ctx.t.date(moment.date())} {moment:%H:%M}"


def extracts_table(ctx: Ctx, report: catalog.BuildReport) -> pl.DataFrame:
    """One row per extract as the sources page shows it."""
    t = ctx.t
    rows = []
    for e in report.extracts:
        rows.append({
            t("col_extract"): e.name,
            t("col_status"): t(f"extract_{e.status}"),
            t("col_rows"): t.number(e.rows),
            t("col_period"): (f"{t.date(dt.date.fromisoformat(e.period[0]))} – "
                              f"{t.date(dt.date.fromisoformat(e.period[1]))}") if e.period else "–",
            t("col_modified"): timestamp(ctx, e.modified) if e.modified else "–",
            t("col_problems"): len(e.problems),
            t("col_demo"): t("yes") if e.demo else t("no"),
        })
    return pl.DataFrame(rows)


def catalogue_table(ctx: Ctx) -> pl.DataFrame:
    """The data dictionary of indicators, generated from the query files."""
    t = ctx.t
    rows = []
    for ind in sorted(ctx.engine.registry.indicators.values(), key=lambda i: (i.programme, i.kind, i.id)):
        rows.append({
            t("indicator"): ind.label(ctx.lang),
            "id": ind.id,
            t("programme"): programme_title(ctx, ind.programme),
            t("col_kind"): t(f"kind_{ind.kind}"),
            t("col_measure"): t(f"measure_{ind.measure}"),
            t("unit"): unit_text(ctx, ind),
            t("sources"): ", ".join(ind.sources),
            t("drivers"): ", ".join(ind.drivers),
            t("col_description"): t.pick(ind.description),
            t("col_link"): indicator_url(ctx, ind.id),
        })
    return pl.DataFrame(rows)


def indicator_url(ctx: Ctx, ind_id: str) -> str:
    """A relative link to the indicator page that keeps the language."""
    query = "&".join(f"{k}={v}" for k, v in ctx.link_params(id=ind_id).items())
    return f"indicator?{query}"
