"""Charts over time: an outcome against its trajectory and projection, a programme, a series per area.

The data (the outcome's twelve-month series, each output's roll-up, a series) arrive as
`Published` frames and are refused otherwise. The trajectory and the projection path are
exempt: they are targets from programme.yaml and a model's line through the published
series, not counts of people, so there is nothing in them to hide.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from typing import Any

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from monitor.charts.areas import area_figure, area_traces, marks_key
from monitor.charts.memo import cached_figure
from monitor.charts.theme import (
    ACTUAL,
    BAND,
    DASH,
    EVENT_LINE,
    TARGET,
    TEXT,
    TEXT_MUTED,
    Kind,
    as_date,
    axis_title,
    cell,
    col,
    layout,
    month_axis,
    short,
    suppressed_marks,
    unit_axis,
)
from monitor.i18n import Translator
from monitor.rollup.published import Published, require


def _outcome_traces(
    twelve: pl.DataFrame,
    trajectory: pl.DataFrame | None,
    projection: pl.DataFrame | None,
    *,
    unit: str,
    t: Translator,
    whole: bool = False,
) -> list[go.Scatter]:
    """Band, target (dashed), projection (dotted), actual (solid) and the latest-point markers."""
    traces: list[go.Scatter] = []
    p_months, p_low, p_high = col(projection, "month"), col(projection, "low"), col(projection, "high")
    band = [(m, lo, hi) for m, lo, hi in zip(p_months, p_low, p_high, strict=True) if None not in (lo, hi)]
    if band:
        xs = [b[0] for b in band]
        traces.append(
            go.Scatter(
                x=xs + xs[::-1],
                y=[b[2] for b in band] + [b[1] for b in band][::-1],
                mode="lines",
                fill="toself",
                fillcolor=BAND,
                line={"width": 0},
                hoverinfo="skip",
                name=t("chart_band"),
                legendgroup="projection",
            )
        )
    t_months, t_values = col(trajectory, "month"), col(trajectory, "target")
    if t_months:
        traces.append(
            go.Scatter(
                x=t_months,
                y=t_values,
                mode="lines",
                name=t("chart_target"),
                line={"color": TARGET, "dash": DASH["target"], "width": 2.5},
                hovertext=[
                    f"{t('chart_target')} {t.month(m)}: {cell(v, unit, t, whole=whole)}"
                    for m, v in zip(t_months, t_values, strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    if p_months:
        nones = [None] * len(p_months)
        traces.append(
            go.Scatter(
                x=p_months,
                y=col(projection, "value"),
                mode="lines",
                name=t("chart_projection"),
                legendgroup="projection",
                line={"color": ACTUAL, "dash": DASH["projection"], "width": 2.5},
                hovertext=[
                    _projection_hover(m, v, lo, hi, unit, t, whole)
                    for m, v, lo, hi in zip(
                        p_months, col(projection, "value"), p_low or nones, p_high or nones, strict=True
                    )
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    months, values = col(twelve, "month"), col(twelve, "current")
    hidden = col(twelve, "suppressed") or [False] * len(months)
    traces.append(
        go.Scatter(
            x=months,
            y=values,
            mode="lines",
            name=t("chart_actual"),
            connectgaps=False,
            line={"color": ACTUAL, "dash": DASH["actual"], "width": 3},
            text=[t.value(v, unit, suppressed=h) for v, h in zip(values, hidden, strict=True)],
            hovertext=[
                f"{t('chart_actual')} {t.month(m)}: {cell(v, unit, t, suppressed=h)}"
                for m, v, h in zip(months, values, hidden, strict=True)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    traces.extend(_latest_markers(months, values, t_months, t_values))
    hidden_months = [m for m, h in zip(months, hidden, strict=True) if h]
    if hidden_months:
        shown = [v for v in values + t_values if v is not None]
        labels = [f"{t.month(m)}: {t.hidden(explained=True)}" for m in hidden_months]
        traces.append(suppressed_marks(hidden_months, min(shown, default=0.0), labels, t))
    return traces


def _projection_hover(
    m: dt.date, v: float | None, lo: float | None, hi: float | None, unit: str, t: Translator,
    whole: bool = False,
) -> str:
    text = f"{t('chart_projection')} {t.month(m)}: {cell(v, unit, t, whole=whole)}"
    if lo is not None and hi is not None:
        text += f" ({t.value(lo, unit, whole=whole)} – {t.value(hi, unit, whole=whole)})"
    return text


def target_at(months: Sequence[dt.date], targets: Sequence[float | None], when: dt.date) -> float | None:
    """The trajectory at `when`, linear between its points; None outside it (it is not extrapolated)."""
    points = sorted((m, v) for m, v in zip(months, targets, strict=True) if v is not None)
    for (m0, t0), (m1, t1) in itertools.pairwise(points):
        if m0 <= when <= m1:
            return t0 if m1 == m0 else t0 + (t1 - t0) * (when - m0).days / (m1 - m0).days
    return points[0][1] if len(points) == 1 and points[0][0] == when else None


def _latest_markers(months: list, values: list, t_months: list, t_values: list) -> list[go.Scatter]:
    """Where the outcome is now (filled circle) and where the trajectory says it should be (open diamond).

    The vertical distance between two differently shaped markers shows the status without colour.
    """
    latest = [(m, v) for m, v in zip(months, values, strict=True) if v is not None]
    if not latest:
        return []
    m, v = latest[-1]
    marker = {"symbol": "circle", "size": 10, "color": ACTUAL, "line": {"color": "#ffffff", "width": 1}}
    out = [go.Scatter(x=[m], y=[v], mode="markers", showlegend=False, hoverinfo="skip", marker=marker)]
    target_now = target_at(t_months, t_values, m)
    if target_now is not None:
        diamond = {"symbol": "diamond-open", "size": 11, "color": TARGET, "line": {"width": 2}}
        out.append(
            go.Scatter(
                x=[m], y=[target_now], mode="markers", showlegend=False, hoverinfo="skip", marker=diamond
            )
        )
    return out


EVENT_LABEL_CHARS = 40  # a label longer than this is cut (the full text is in its hover)
EVENT_ROW_PX = 18  # one row of 12 px event labels
EVENT_MARK = "◆"  # a crowded event's short mark: no room for its label, its text is in the hover


def event_rows(
    events: Iterable[tuple[Any, str]], lo: dt.date, hi: dt.date, *, levels: int = 4, chars: int = 100
) -> list[tuple[dt.date, str, str, int]]:
    """Where each event's label goes: (date, full text, shown text, row), in date order, inside lo..hi.

    A label takes the highest row whose previous label has ended, its width estimated from its
    length (`chars`: how many 12 px characters span the time axis, on the narrow side). An event
    with no free row is crowded: it gets the short mark on the row below the labels, so no label
    is drawn over another; its full text is in the hover like every label's.
    """
    span = max((hi - lo).days, 1)
    per_char = dt.timedelta(days=span / chars)
    ends: list[dt.date | None] = [None] * (levels + 1)  # the last row holds crowded events' marks
    placed = []
    for when, label in sorted(((as_date(d), str(e)) for d, e in events), key=lambda e: e[0]):
        if not lo <= when <= hi:
            continue
        text = short(event_head(label), EVENT_LABEL_CHARS)
        free = [n for n, end in enumerate(ends[:levels]) if end is None or end < when]
        level = free[0] if free else levels
        if not free:
            text = EVENT_MARK
        ends[level] = when + per_char * (len(text) + 2)
        placed.append((when, label, text, level))
    return placed


def event_head(title: str) -> str:
    """An event's title up to its explanation (after ': ' or in brackets): 'Start coalitieperiode
    2022-2026', not 'Start coalitieperiode…' twice, for two terms (the whole title is in the hover)."""
    head = re.split(r": | \(", title, maxsplit=1)[0].strip()
    return head or title


def _event_layer(
    fig: go.Figure, events: Iterable[tuple[Any, str]], lo: dt.date | None, hi: dt.date | None
) -> None:
    """Vertical lines with short labels on staggered rows (`event_rows`), the full text on hover."""
    if lo is None or hi is None:
        return
    for when, label, text, level in event_rows(events, lo, hi):
        fig.add_shape(
            type="line",
            x0=when,
            x1=when,
            xref="x",
            y0=0,
            y1=1,
            yref="paper",
            line={"color": EVENT_LINE, "width": 1.5, "dash": "solid"},
            layer="below",
        )
        fig.add_annotation(
            x=when,
            xref="x",
            y=1,
            yref="y domain",
            yanchor="top",
            xanchor="left" if text != EVENT_MARK else "center",
            yshift=-EVENT_ROW_PX * level,
            text=text,
            hovertext=label,
            showarrow=False,
            align="left",
            font={"size": 12, "color": TEXT_MUTED},
            bgcolor="rgba(255,255,255,0.85)",
        )


def _date_range(*columns: list) -> tuple[dt.date | None, dt.date | None]:
    dates = [as_date(d) for c in columns for d in c if d is not None]
    return (min(dates), max(dates)) if dates else (None, None)


# ---------------------------------------------------------------- builders


@cached_figure
def outcome_chart(
    twelve: Published,
    trajectory: pl.DataFrame | None,
    projection: pl.DataFrame | None,
    events: Sequence[tuple[Any, str]] = (),
    *,
    title: str,
    unit: str,
    t: Translator,
    whole: bool = False,
) -> go.Figure:
    """The outcome's twelve-month value (month, current) against its trajectory and projection, with events.

    `unit` is already worded (`t.unit(code)`); `%` formats as a percentage. `whole`: a count, whose
    trajectory and projection are shown without decimals.
    """
    frame = require(twelve, "outcome_chart")
    fig = go.Figure(_outcome_traces(frame, trajectory, projection, unit=unit, t=t, whole=whole))
    layout(fig, title=title, t=t, height=440)
    month_axis(fig, t)
    fig.update_xaxes(title=axis_title(t("chart_month")))
    unit_axis(fig, unit, t)
    fig.update_layout(legend={"orientation": "h", "y": -0.2, "x": 0}, margin={"b": 90})
    _event_layer(
        fig, events, *_date_range(col(frame, "month"), col(trajectory, "month"), col(projection, "month"))
    )
    return fig


@cached_figure
def programme_chart(
    outcome: dict, outputs: Sequence[dict], *, events: Sequence[tuple[Any, str]] = (), t: Translator
) -> go.Figure:
    """An outcome above the outputs that drive it, on one shared time axis, so cause and effect line up.

    outcome: {title, unit, twelve: Published, trajectory, projection[, whole]}; outputs: [{title, unit,
    frame: Published}], each a month-grain, city-level roll-up. Units are already worded.
    """
    twelve = require(outcome["twelve"], "programme_chart (outcome)")
    frames = [require(o["frame"], f"programme_chart (output '{o['title']}')") for o in outputs]
    rows = 1 + len(outputs)
    fig = make_subplots(
        rows=rows,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06 if rows > 1 else 0.0,
        row_heights=[2.0] + [1.0] * len(outputs),
        subplot_titles=[outcome["title"]] + [o["title"] for o in outputs],
    )
    fig.update_annotations(font={"size": 14, "color": TEXT}, xanchor="left", x=0)
    trajectory, projection = outcome.get("trajectory"), outcome.get("projection")
    for trace in _outcome_traces(twelve, trajectory, projection, unit=outcome["unit"], t=t,
                                 whole=outcome.get("whole", False)):
        fig.add_trace(trace, row=1, col=1)
    unit_axis(fig, outcome["unit"], t, row=1, col=1)
    dates = [col(twelve, "month"), col(trajectory, "month"), col(projection, "month")]
    panels: list[tuple[pl.DataFrame, Kind]] = []
    for r, (output, frame) in enumerate(zip(outputs, frames, strict=True), start=2):
        kind: Kind = "line" if output["unit"] == "%" else "bar"
        for trace in area_traces(
            frame, unit=output["unit"], t=t, kind=kind, compare=False, showlegend=False
        ):
            fig.add_trace(trace, row=r, col=1)
        unit_axis(fig, output["unit"], t, row=r, col=1)
        dates.append(col(frame, "period_start"))
        panels.append((frame, kind))
    named = {tr.legendgroup for tr in fig.data if tr.showlegend is not False and tr.legendgroup}
    for key in marks_key(panels, t):  # the outputs' marks, named once in the legend
        if not (key.legendgroup and key.legendgroup in named):  # the outcome's hidden mark names it already
            fig.add_trace(key, row=1, col=1)
    layout(fig, title=None, t=t, height=360 + 180 * len(outputs))
    month_axis(fig, t)
    fig.update_xaxes(title=axis_title(t("chart_month")), row=rows, col=1)
    fig.update_layout(
        # the legend at the top of the figure, above the first panel's title (two rows of keys fit)
        legend={"orientation": "h", "yref": "container", "y": 0.995, "yanchor": "top", "x": 1,
                "xanchor": "right"},
        margin={"t": 100},
        bargap=0.15,
    )
    _event_layer(fig, events, *_date_range(*dates))
    return fig


@cached_figure
def series_chart(
    series: Published, *, title: str, unit: str, t: Translator, compare: bool = False, kind: Kind = "line"
) -> go.Figure:
    """One trace per area over time; `compare` adds each area's value a year earlier as a dotted line.

    With many areas (44 wijken) the legend scrolls and each area also differs by marker shape;
    clicking legend entries isolates areas.
    """
    frame = require(series, "series_chart")
    return area_figure(frame, title=title, unit=unit, t=t, kind=kind, compare=compare, barmode="group")
