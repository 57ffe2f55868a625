"""Areas side by side: a trace per area over time, ranked bars for one period, a tile-free map.

Every frame arrives as a `Published` roll-up (refused otherwise); a hidden cell arrives with
its result null and is only shown with the hidden-cell mark, never recomputed.
"""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go
import polars as pl

from monitor.charts.memo import cached_figure
from monitor.charts.theme import (
    ACTUAL,
    DASH,
    DEFAULT_ATTRIBUTION,
    HIGHLIGHT,
    LINE_COLOURS,
    NO_DATA_FILL,
    PATTERN,
    SYMBOLS,
    TEXT,
    TEXT_MUTED,
    Kind,
    axis_title,
    cell,
    col,
    layout,
    period_axis,
    period_text,
    suppressed_marks,
    unit_axis,
    unit_title,
)
from monitor.i18n import Translator
from monitor.rollup.published import Published, require


def area_traces(
    frame: pl.DataFrame,
    *,
    unit: str,
    t: Translator,
    kind: Kind,
    compare: bool,
    showlegend: bool = True,
) -> list[go.BaseTraceType]:
    """One trace per area (x = period_start, y = result), plus the year-earlier line and suppressed marks.

    `frame` is the inside of a `Published` the calling builder has already let in.
    """
    traces: list[go.BaseTraceType] = []
    hidden_x: list = []
    hidden_labels: list[str] = []
    order = frame.select("area", "area_name").unique(maintain_order=True)
    for i, (area, name) in enumerate(order.iter_rows()):
        rows = frame.filter(pl.col("area") == area).sort("period_start")
        label = name or area
        colour, symbol = LINE_COLOURS[i % len(LINE_COLOURS)], SYMBOLS[i % len(SYMBOLS)]
        x, y = rows["period_start"].to_list(), rows["result"].to_list()
        suppressed = col(rows, "suppressed") or [False] * len(x)
        complete = col(rows, "complete") or [True] * len(x)
        periods = [period_text(p, s, t) for p, s in zip(rows["period"].to_list(), x, strict=True)]
        incomplete = f" ({t('chart_incomplete')})"
        common = {
            "x": x,
            "y": y,
            "name": label,
            "legendgroup": area,
            "text": [t.value(v, unit, suppressed=bool(s)) for v, s in zip(y, suppressed, strict=True)],
            "hovertext": [
                f"{label}<br>{p}: {cell(v, unit, t, suppressed=bool(s))}"
                + ("" if c is not False else incomplete)
                for p, v, s, c in zip(periods, y, suppressed, complete, strict=True)
            ],
            "hovertemplate": "%{hovertext}<extra></extra>",
            "showlegend": showlegend,
        }
        if kind == "bar":
            patterns = ["" if c is not False else PATTERN["incomplete"] for c in complete]
            traces.append(
                go.Bar(
                    **common,
                    textposition="none",
                    marker={"color": colour, "pattern": {"shape": patterns, "fgcolor": "#ffffff"}},
                )
            )
        else:
            traces.extend(_line_traces(common, complete, colour, symbol, tail_name=label + incomplete))
        if compare and "result_prev" in rows.columns:
            prev = rows["result_prev"].to_list()
            prev_name = f"{label} ({t('chart_year_earlier')})"
            traces.append(
                go.Scatter(
                    x=x,
                    y=prev,
                    mode="lines",
                    name=prev_name,
                    legendgroup=area,
                    line={"color": colour, "dash": DASH["previous"], "width": 2},
                    connectgaps=False,
                    showlegend=showlegend,
                    hovertext=[
                        f"{prev_name}<br>{p}: {cell(v, unit, t)}" for p, v in zip(periods, prev, strict=True)
                    ],
                    hovertemplate="%{hovertext}<extra></extra>",
                )
            )
        for xi, p, s in zip(x, periods, suppressed, strict=True):
            if s:
                hidden_x.append(xi)
                hidden_labels.append(f"{label}<br>{p}: {t.hidden(explained=True)}")
    if hidden_x:
        shown = [v for v in frame["result"].to_list() if v is not None]
        base = 0.0 if kind == "bar" else min(shown, default=0.0)
        traces.append(suppressed_marks(hidden_x, base, hidden_labels, t, showlegend=showlegend))
    if showlegend and _has_incomplete(frame):  # the hatch or the dotted tail, named in the legend
        traces.append(_incomplete_key(kind, t))
    return traces


def _has_incomplete(frame: pl.DataFrame) -> bool:
    return "complete" in frame.columns and bool((frame["complete"] == False).any())  # noqa: E712


def _incomplete_key(kind: Kind, t: Translator) -> go.BaseTraceType:
    """The legend key of an unfinished period: a hatched bar, or a dotted line to an open marker (a
    trace without data: a key only)."""
    if kind == "bar":
        return go.Bar(x=[None], y=[None], name=t("chart_incomplete"), hoverinfo="skip",
                      marker={"color": TEXT_MUTED,
                              "pattern": {"shape": PATTERN["incomplete"], "fgcolor": "#ffffff"}})
    return go.Scatter(x=[None], y=[None], name=t("chart_incomplete"), hoverinfo="skip", mode="lines+markers",
                      line={"color": TEXT_MUTED, "dash": DASH["incomplete"], "width": 2},
                      marker={"symbol": "circle-open", "size": 7, "color": TEXT_MUTED})


def marks_key(panels: list[tuple[pl.DataFrame, Kind]], t: Translator) -> list[go.BaseTraceType]:
    """One legend key for each mark the panels (traces drawn with `showlegend=False`, as small
    multiples are) actually show: an unfinished period as a bar, as a line, and a hidden cell. A
    hatched bar or a dotted tail without a key reads as a fall, or as the projection."""
    keys: list[go.BaseTraceType] = []
    for kind in ("bar", "line"):
        if any(k == kind and _has_incomplete(f) for f, k in panels):
            keys.append(_incomplete_key(kind, t))
    if any("suppressed" in f.columns and bool(f["suppressed"].any()) for f, _ in panels):
        keys.append(suppressed_marks([None], None, [""], t))
    return keys


def _line_traces(
    common: dict[str, Any], complete: list, colour: str, symbol: str, *, tail_name: str
) -> list[go.Scatter]:
    """An area's line: solid over complete periods, dotted into an incomplete one (open marker).

    An unfinished period (the latest month, a provisional month) is lower because it is not over, so
    the solid line stops at the last complete period and a dotted segment reaches the open marker:
    a reader does not read a dip. The dotted part (`tail_name`) shares the area's legend entry.
    """
    done = [c is not False for c in complete]
    solid = [v if ok else None for v, ok in zip(common["y"], done, strict=True)]
    line = {"color": colour, "dash": DASH["actual"], "width": 2}
    marker = {"symbol": [symbol if ok else f"{symbol}-open" for ok in done], "size": 7, "color": colour}
    out = [go.Scatter(**{**common, "y": solid}, mode="lines+markers", connectgaps=False, line=line,
                      marker=marker)]
    if all(done):
        return out
    # the dotted part: every incomplete period and its complete neighbours, so it joins the solid line
    near = [not ok or (i > 0 and not done[i - 1]) or (i + 1 < len(done) and not done[i + 1])
            for i, ok in enumerate(done)]
    tail = [v if n else None for v, n in zip(common["y"], near, strict=True)]
    out.append(go.Scatter(
        **{**common, "y": tail, "name": tail_name, "showlegend": False},
        mode="lines+markers", connectgaps=False, line={**line, "dash": DASH["incomplete"]}, marker=marker))
    return out


@cached_figure
def area_bars(
    areas: Published, *, title: str, unit: str, t: Translator, highlight: str | None = None
) -> go.Figure:
    """Areas ranked by result for one period (the latest if several); hidden areas at the bottom, marked.

    `highlight` (an area code or name) gets another colour, a dotted fill and a bold label.
    """
    frame = require(areas, "area_bars")
    if not frame.is_empty() and "period_start" in frame.columns:
        frame = frame.filter(pl.col("period_start") == frame["period_start"].max())
    ranked = frame.with_columns(pl.col("suppressed").fill_null(False).alias("_hidden")).sort(
        [pl.col("result").is_null(), "result"], descending=[False, True], nulls_last=True
    )
    codes, names = ranked["area"].to_list(), ranked["area_name"].to_list()
    values, hidden = ranked["result"].to_list(), ranked["_hidden"].to_list()
    labels = [n or c for c, n in zip(codes, names, strict=True)]
    is_hl = [highlight is not None and highlight in (c, n) for c, n in zip(codes, names, strict=True)]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=[0.0 if v is None else v for v in values],
            orientation="h",
            text=[t.value(v, unit, suppressed=h) for v, h in zip(values, hidden, strict=True)],
            textposition="outside",
            textfont={"size": 12, "color": TEXT},
            cliponaxis=False,
            marker={
                "color": [HIGHLIGHT if h else ACTUAL for h in is_hl],
                "pattern": {"shape": [PATTERN["highlight"] if h else "" for h in is_hl],
                            "fgcolor": "#ffffff"},
            },
            customdata=codes,
            hovertext=[
                f"{lab}: {cell(v, unit, t, suppressed=h)}"
                for lab, v, h in zip(labels, values, hidden, strict=True)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
        )
    )
    layout(fig, title=title, t=t, height=max(280, 26 * len(labels) + 130))
    fig.update_yaxes(
        autorange="reversed",
        tickmode="array",
        tickvals=labels,
        ticktext=[f"<b>{lab}</b>" if h else lab for lab, h in zip(labels, is_hl, strict=True)],
        tickfont={"size": 12, "color": TEXT},
        title=axis_title(t("chart_area")),
    )
    unit_axis(fig, unit, t, axis="x")
    fig.update_xaxes(rangemode="tozero")
    fig.update_layout(margin={"r": 60}, bargap=0.25)
    return fig


# ---------------------------------------------------------------- map


def _bounds(geojson: dict) -> tuple[float, float, float, float]:
    """(lon_min, lat_min, lon_max, lat_max) over every coordinate of every feature."""
    lons: list[float] = []
    lats: list[float] = []

    def walk(coords: Any) -> None:
        if coords and isinstance(coords[0], (int, float)):
            lons.append(float(coords[0]))
            lats.append(float(coords[1]))
        else:
            for c in coords:
                walk(c)

    for feature in geojson.get("features", []):
        geometry = feature.get("geometry") or {}
        for geom in geometry.get("geometries", [geometry]):
            walk(geom.get("coordinates") or [])
    if not lons:
        raise ValueError("GeoJSON has no coordinates to fit the map to")
    return min(lons), min(lats), max(lons), max(lats)


def map_view(geojson: dict, *, width: int = 700, height: int = 480) -> tuple[dict[str, float], float]:
    """Center and zoom that fit the GeoJSON's bounds: no map tiles, so nothing else would frame it."""
    lon0, lat0, lon1, lat1 = _bounds(geojson)

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_span = max(lon1 - lon0, 1e-6)
    y_span = max(merc(lat1) - merc(lat0), 1e-8)
    # MapLibre web-mercator: at zoom z the world is 512 * 2**z px wide, i.e. 2*pi radians of mercator y.
    zoom_x = math.log2(width * 360 / (512 * lon_span))
    zoom_y = math.log2(height * 2 * math.pi / (512 * y_span))
    center_lat = math.degrees(math.atan(math.sinh((merc(lat0) + merc(lat1)) / 2)))
    return {"lon": (lon0 + lon1) / 2, "lat": center_lat}, round(min(zoom_x, zoom_y) - 0.25, 2)


def _note(text: str, x: float, xanchor: str, colour: str) -> dict:
    return {
        "text": text,
        "x": x,
        "y": 0,
        "xref": "paper",
        "yref": "paper",
        "xanchor": xanchor,
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 12, "color": colour},
        "bgcolor": "rgba(255,255,255,0.85)",
    }


def choropleth(
    areas: Published,
    geojson: dict,
    *,
    featureidkey: str = "properties.statcode",
    title: str,
    unit: str,
    t: Translator,
    attribution: str | None = DEFAULT_ATTRIBUTION,
) -> go.Figure:
    """Areas coloured by result on a tile-free map; hidden areas grey, marked in their hover.

    "white-bg" fetches no tiles, and there is no text layer on the map, so no glyphs are fetched either.
    """
    frame = require(areas, "choropleth")
    marked = frame.with_columns(pl.col("suppressed").fill_null(False).alias("_hidden"))
    shown = marked.filter(pl.col("result").is_not_null())
    rest = marked.filter(pl.col("result").is_null())
    fig = go.Figure()
    if not shown.is_empty():
        names = [n or c for c, n in zip(shown["area"].to_list(), shown["area_name"].to_list(), strict=True)]
        fig.add_trace(
            go.Choroplethmap(
                geojson=geojson,
                featureidkey=featureidkey,
                locations=shown["area"].to_list(),
                z=shown["result"].to_list(),
                colorscale="Viridis",
                marker={"line": {"color": "#ffffff", "width": 0.8}},
                colorbar={
                    "title": {"text": unit_title(unit, t), "font": {"color": TEXT}},
                    "ticksuffix": "%" if unit == "%" else "",
                    "tickfont": {"size": 12, "color": TEXT},
                },
                hovertext=[
                    f"{n}: {cell(v, unit, t)}" for n, v in zip(names, shown["result"].to_list(), strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
                showlegend=False,
                name=title,
            )
        )
    if not rest.is_empty():
        names = [n or c for c, n in zip(rest["area"].to_list(), rest["area_name"].to_list(), strict=True)]
        texts = [t.hidden(explained=True) if h else t("chart_no_data") for h in rest["_hidden"].to_list()]
        fig.add_trace(
            go.Choroplethmap(
                geojson=geojson,
                featureidkey=featureidkey,
                locations=rest["area"].to_list(),
                z=[0.0] * rest.height,
                colorscale=[[0, NO_DATA_FILL], [1, NO_DATA_FILL]],
                showscale=False,
                marker={"line": {"color": TEXT_MUTED, "width": 1.2}},
                hovertext=[f"{n}: {text}" for n, text in zip(names, texts, strict=True)],
                hovertemplate="%{hovertext}<extra></extra>",
                showlegend=False,
                name=t.hidden(explained=True),
            )
        )
        grey = f"{t('chart_grey')}: {t.hidden(explained=True)} / {t('chart_no_data')}"
        fig.add_annotation(**_note(grey, 0, "left", TEXT))
    center, zoom = map_view(geojson)
    layout(fig, title=title, t=t, height=560)
    fig.update_layout(
        map={"style": "white-bg", "center": center, "zoom": zoom}, margin={"l": 0, "r": 0, "b": 0}
    )
    if attribution:
        fig.add_annotation(**_note(attribution, 1, "right", TEXT_MUTED))
    return fig


def area_figure(frame: pl.DataFrame, *, title: str, unit: str, t: Translator, kind: Kind, compare: bool,
                barmode: str) -> go.Figure:
    """A figure of one trace per area (or group) over time: the layout the series and split charts share.

    With many traces (44 wijken) the figure grows and the legend scrolls; clicking a legend
    entry isolates it.
    """
    fig = go.Figure(area_traces(frame, unit=unit, t=t, kind=kind, compare=compare))
    n_areas = frame["area"].n_unique() if "area" in frame.columns else 0
    layout(fig, title=title, t=t, height=480 if n_areas <= 12 else 560)
    if not frame.is_empty():
        period_axis(fig, frame, t)
    unit_axis(fig, unit, t)
    fig.update_layout(
        hovermode="closest", barmode=barmode,
        legend={"orientation": "v", "x": 1.02, "y": 1, "yanchor": "top", "itemclick": "toggleothers"},
    )
    if kind == "bar":
        fig.update_yaxes(rangemode="tozero")
    return fig
