"""People moving through a programme: the funnel from signal to result, and start cohorts over time.

Both take `Published` frames (refused otherwise); a hidden cell shows the hidden-cell mark.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl

from monitor.charts.memo import cached_figure
from monitor.charts.theme import (
    FAINT,
    FUNNEL_FILL,
    LINE_COLOURS,
    TEXT,
    TEXT_MUTED,
    axis_title,
    col,
    layout,
    suppressed_marks,
    unit_axis,
)
from monitor.i18n import Translator
from monitor.rollup.published import Published, require


def funnel_percentages(values: Sequence[float | None]) -> list[float | None]:
    """Each step as a percentage of the step before it; None where either step is hidden or zero."""
    out: list[float | None] = [None] if values else []
    for prev, cur in itertools.pairwise(values):
        out.append(None if prev in (None, 0) or cur is None else 100 * cur / prev)
    return out


def funnel_of_first(values: Sequence[float | None]) -> list[float | None]:
    """Each later step as a percentage of the first; None for the first, a hidden step or a first of 0."""
    if not values:
        return []
    first = values[0]
    return [None] + [None if first in (None, 0) or v is None else 100 * v / first for v in values[1:]]


@cached_figure
def funnel(steps: Published, *, title: str, t: Translator) -> go.Figure:
    """From signal to result: each step's value, its share of the step before and of the first step.

    `steps` has one row per step, in order: `label` (already worded), `value`, `suppressed`; and,
    for a cohort funnel, `cohort_start`, `cohort_end` and `window_months`, which the subtitle states
    (which group is followed, and for how long). The shares stand in a column of their own to the
    right, so a narrow bar never pushes them off the chart. A hidden step is drawn as the
    hidden-cell mark beside an empty bar, never as a bar of some other size, and the shares that
    would need it are left out.
    """
    frame = require(steps, "funnel")
    labels, values = col(frame, "label"), col(frame, "value")
    hidden = [bool(h) for h in col(frame, "suppressed")]
    shown = [None if h else v for v, h in zip(values, hidden, strict=True)]
    shares, firsts = funnel_percentages(shown), funnel_of_first(shown)
    texts = [t.value(v, "", suppressed=h) for v, h in zip(values, hidden, strict=True)]
    notes = [funnel_share_text(share, first, t) for share, first in zip(shares, firsts, strict=True)]
    fig = go.Figure(
        go.Funnel(
            y=labels,
            x=[0.0 if v is None or h else v for v, h in zip(values, hidden, strict=True)],
            text=texts,
            textinfo="text",
            textposition=["auto" if v and not h else "outside" for v, h in zip(values, hidden, strict=True)],
            insidetextfont={"size": 13, "color": TEXT},
            outsidetextfont={"size": 13, "color": TEXT},
            textfont={"size": 13, "color": TEXT},
            customdata=shares,
            marker={"color": FUNNEL_FILL, "line": {"color": TEXT_MUTED, "width": 1}},
            connector={"fillcolor": "#e8f4fb", "line": {"color": FAINT, "width": 1}},
            hovertext=[
                f"{lab}: {t.hidden(explained=True) if h else text}" + (f" ({note})" if note else "")
                for lab, text, h, note in zip(labels, texts, hidden, notes, strict=True)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    for lab, note in zip(labels, notes, strict=True):
        if note:
            fig.add_annotation(x=1, xref="paper", xanchor="left", xshift=12, y=lab, yref="y", showarrow=False,
                               align="left", text=note.replace("; ", "<br>"),
                               font={"size": 12, "color": TEXT_MUTED})
    subtitle = funnel_subtitle(frame, t)
    full = f"{title}<br><span style='font-size:13px'>{subtitle}</span>" if subtitle else title
    layout(fig, title=full, t=t, height=max(260, 70 * len(labels) + 110))
    fig.update_layout(margin={"r": 190 if any(notes) else 20, "t": 80 if subtitle else 60})
    fig.update_yaxes(tickfont={"size": 12, "color": TEXT})
    return fig


def funnel_share_text(share: float | None, first: float | None, t: Translator) -> str:
    """`25,0% van vorige stap; 2,0% van eerste stap`: the shares that can be worked out, or empty."""
    parts = [f"{t.value(share, '%')} {t('chart_of_previous')}"] if share is not None else []
    parts += [f"{t.value(first, '%')} {t('chart_of_first')}"] if first is not None else []
    return "; ".join(parts)


def funnel_subtitle(frame: pl.DataFrame, t: Translator) -> str:
    """Which cohort months the funnel follows and for how long; empty for a funnel without cohort columns."""
    if not {"cohort_start", "cohort_end", "window_months"} <= set(frame.columns) or frame.is_empty():
        return ""
    start, end, window = frame["cohort_start"][0], frame["cohort_end"][0], frame["window_months"][0]
    if start is None or end is None or window is None:
        return ""
    return t("chart_funnel_cohort", start=t.month(start), end=t.month(end), months=window)


@cached_figure
def cohort_chart(cohorts: Published, *, title: str, t: Translator, highlight_latest: int = 2) -> go.Figure:
    """One line per start cohort over months since start; the latest cohorts bold, older ones grey.

    Older cohorts stay at 3.4:1 against white, differ by dash, and every line is labelled at its end,
    so no cohort has to be found by colour.
    """
    frame = require(cohorts, "cohort_chart")
    order_by = "cohort_start" if "cohort_start" in frame.columns else "cohort"
    names = (
        frame.select(list(dict.fromkeys(["cohort", order_by]))).unique().sort(order_by)["cohort"].to_list()
    )
    several_areas = "area" in frame.columns and frame["area"].n_unique() > 1
    latest = set(names[-highlight_latest:]) if highlight_latest > 0 else set()
    months_word = t("chart_months")
    fig = go.Figure()
    hidden_x: list = []
    hidden_labels: list[str] = []
    older_dashes = ("dash", "dashdot", "longdash", "longdashdot", "solid")
    for i, cohort in enumerate(names):
        for area_label, rows in _split_areas(frame.filter(pl.col("cohort") == cohort), several_areas):
            name = f"{cohort} · {area_label}" if several_areas else cohort
            rows = rows.sort("months_since")
            x, y = rows["months_since"].to_list(), rows["result"].to_list()
            hidden = col(rows, "suppressed") or [False] * len(x)
            texts = [t.value(v, "%", suppressed=bool(h)) for v, h in zip(y, hidden, strict=True)]
            if cohort in latest:
                rank = len(names) - 1 - i
                line = {"color": LINE_COLOURS[rank % len(LINE_COLOURS)], "width": 3.5, "dash": "solid"}
            else:
                line = {"color": FAINT, "width": 1.5, "dash": older_dashes[i % len(older_dashes)]}
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    mode="lines",
                    name=name,
                    line=line,
                    connectgaps=False,
                    text=texts,
                    hovertext=[
                        f"{name}<br>{m} {months_word}: {t.hidden(explained=True) if h else text}"
                        for m, text, h in zip(x, texts, hidden, strict=True)
                    ],
                    hovertemplate="%{hovertext}<extra></extra>",
                )
            )
            ends = [(m, v) for m, v in zip(x, y, strict=True) if v is not None]
            if ends:
                fig.add_annotation(
                    x=ends[-1][0],
                    y=ends[-1][1],
                    text=name,
                    showarrow=False,
                    xanchor="left",
                    xshift=4,
                    bgcolor="rgba(255,255,255,0.85)",
                    font={"size": 12, "color": TEXT if cohort in latest else TEXT_MUTED},
                )
            hidden_x += [m for m, h in zip(x, hidden, strict=True) if h]
            mark = t.hidden(explained=True)
            hidden_labels += [
                f"{name}<br>{m} {months_word}: {mark}" for m, h in zip(x, hidden, strict=True) if h
            ]
    if hidden_x:
        fig.add_trace(suppressed_marks(hidden_x, 0.0, hidden_labels, t))
    layout(fig, title=title, t=t, height=460)
    fig.update_xaxes(title=axis_title(t("chart_months_since")), tickfont={"size": 12, "color": TEXT}, dtick=6)
    unit_axis(fig, "%", t)
    fig.update_yaxes(rangemode="tozero")
    fig.update_layout(hovermode="closest", margin={"r": 110})
    return fig


def _split_areas(rows: pl.DataFrame, several: bool) -> list[tuple[str, pl.DataFrame]]:
    if not several:
        return [("", rows)]
    name_col = "area_name" if "area_name" in rows.columns else "area"
    return [(str(key[0]), part) for key, part in rows.group_by(name_col, maintain_order=True)]
