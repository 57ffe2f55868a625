"""Plotly figure builders: each returns a go.Figure and never touches Streamlit.

Accessibility (WCAG 2.1 AA) is built in rather than left to callers:
- colours come from the Okabe-Ito palette, which stays distinguishable with colour-blindness;
- every text colour is dark grey on white (>= 4.5:1, see `contrast_ratio`), lines and bars >= 3:1;
- status never rests on colour alone: actual / target / projection differ in line dash, suppressed
  cells get a marker and "<k" text, a highlighted bar also gets a pattern and a bold label;
- Dutch number separators (`1.234,5`) and numeric dates (`03-2025`), since Plotly's month names are English;
- no external resources: the map uses the tile-free "white-bg" style and a system font stack.

Labels are passed in already translated; the few words the builders add themselves live in `_WORDS`.
Suppressed cells arrive with result null (monitor.rollup applies disclosure control); here they only
have to be shown as "<k", never recomputed.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

# Okabe & Ito (2008), "Color Universal Design": black, orange, sky blue, bluish green, yellow, blue,
# vermillion, reddish purple.
PALETTE: tuple[str, ...] = (
    "#000000",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
)
# The Okabe-Ito colours with at least 3:1 against white (WCAG 1.4.11), for lines and unoutlined marks.
LINE_COLOURS: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000")
TEXT = "#1f1f1f"
TEXT_MUTED = "#333333"
TEXT_COLOURS: tuple[str, ...] = (TEXT, TEXT_MUTED)
ACTUAL = "#0072B2"
TARGET = "#000000"
HIGHLIGHT = "#D55E00"
FAINT = "#8c8c8c"  # older cohorts: fainter, still 3.4:1 on white
EVENT_LINE = "#595959"
FUNNEL_FILL = "#56B4E9"  # light enough for dark text inside (7.1:1); outlined for the 3:1 boundary
NO_DATA_FILL = "#bdbdbd"
BAND = "rgba(0, 114, 178, 0.15)"
DASH = {"actual": "solid", "target": "dash", "projection": "dot", "previous": "dot"}
SEPARATORS = {"nl": ",.", "en": ".,"}
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
FONT_SIZE = 13
DEFAULT_ATTRIBUTION = "Kadaster / Centraal Bureau voor de Statistiek"
# Nine shapes against five colours: lcm(5, 9) = 45 distinct looks, enough for Den Haag's 44 wijken.
SYMBOLS = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "triangle-down",
    "cross",
    "star",
    "hexagon",
    "pentagon",
)

_WORDS: dict[str, dict[str, str]] = {
    "actual": {"nl": "Realisatie", "en": "Actual"},
    "target": {"nl": "Doelpad", "en": "Target trajectory"},
    "projection": {"nl": "Projectie", "en": "Projection"},
    "band": {"nl": "Onzekerheidsmarge", "en": "Uncertainty band"},
    "suppressed": {"nl": "afgeschermd", "en": "suppressed"},
    "no_data": {"nl": "geen gegevens", "en": "no data"},
    "year_earlier": {"nl": "jaar eerder", "en": "a year earlier"},
    "incomplete": {"nl": "onvolledige periode", "en": "incomplete period"},
    "month": {"nl": "Maand", "en": "Month"},
    "period": {"nl": "Periode", "en": "Period"},
    "area": {"nl": "Gebied", "en": "Area"},
    "months_since": {"nl": "Maanden sinds start", "en": "Months since start"},
    "months": {"nl": "maanden", "en": "months"},
    "of_previous": {"nl": "van vorige stap", "en": "of previous step"},
    "percent": {"nl": "procent", "en": "per cent"},
    "grey": {"nl": "Grijs", "en": "Grey"},
}

Kind = Literal["line", "bar"]


# ---------------------------------------------------------------- colour and text helpers


def _luminance(hex_colour: str) -> float:
    """Relative luminance as defined by WCAG 2.1."""
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    if len(h) != 6:
        raise ValueError(f"Not a hex colour: '{hex_colour}' (expected #rrggbb)")
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(hex1: str, hex2: str) -> float:
    """WCAG 2.1 contrast ratio (1 to 21); text needs >= 4.5, graphical objects >= 3."""
    hi, lo = sorted((_luminance(hex1), _luminance(hex2)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _lang(lang: str) -> str:
    return lang if lang in SEPARATORS else "nl"


def _w(key: str, lang: str) -> str:
    return _WORDS[key][_lang(lang)]


def _number(v: float, lang: str, decimals: int) -> str:
    """`1.234,5` in Dutch, `1,234.5` in English (matches the layout's separators)."""
    text = f"{v:,.{decimals}f}"
    if _lang(lang) == "nl":
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    return text


def value_text(v: float | None, unit: str, lang: str = "nl", *, suppressed: bool = False, k: int = 10) -> str:
    """The text a reader sees for one cell: `<k` when suppressed, `–` when missing."""
    if suppressed:
        return f"<{k}"
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if unit == "%":
        return f"{_number(v, lang, 1)}%"
    decimals = 1 if abs(v) < 100 and v != int(v) else 0
    return _number(v, lang, decimals)


def _with_unit(text: str, unit: str) -> str:
    return text if unit in ("%", "") or text.startswith(("<", "–")) else f"{text} {unit}"


def _cell(v: float | None, unit: str, lang: str) -> str:
    """A visible value with its unit, as hover text."""
    return _with_unit(value_text(v, unit, lang), unit)


def _month_text(d: dt.date, lang: str) -> str:
    return f"{d.month:02d}-{d.year}" if _lang(lang) == "nl" else d.strftime("%b %Y")


def _short(label: str, limit: int = 26) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _as_date(d: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(d, dt.datetime):
        return d.date()
    if isinstance(d, dt.date):
        return d
    return dt.date.fromisoformat(str(d)[:10])


# ---------------------------------------------------------------- layout


def _layout(fig: go.Figure, *, title: str | None, lang: str, height: int) -> go.Figure:
    """Shared look: plotly_white, dark text >= 12 px, language-specific separators, white hover labels."""
    fig.update_layout(
        template="plotly_white",
        title={"text": title or "", "x": 0, "xanchor": "left", "font": {"size": 16, "color": TEXT}},
        font={"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT},
        separators=SEPARATORS[_lang(lang)],
        height=height,
        hoverlabel={
            "bgcolor": "#ffffff",
            "bordercolor": TEXT_MUTED,
            "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT},
        },
        legend={"font": {"size": 12, "color": TEXT}},
        uniformtext={"minsize": 12, "mode": "show"},  # bar and funnel text never shrinks below 12 px
        margin={"l": 60, "r": 20, "t": 60 if title else 20, "b": 50},
    )
    return fig


def _month_axis(fig: go.Figure, lang: str, **selector: Any) -> None:
    """Numeric month ticks in Dutch (`03-2025`): Plotly only knows English month names."""
    fig.update_xaxes(
        tickformat="%m-%Y" if _lang(lang) == "nl" else "%b %Y",
        hoverformat="%d-%m-%Y" if _lang(lang) == "nl" else "%d %b %Y",
        tickfont={"size": 12, "color": TEXT},
        **selector,
    )


def _unit_axis(fig: go.Figure, unit: str, lang: str, axis: str = "y", **selector: Any) -> None:
    title = _w("percent", lang) if unit == "%" else unit
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    update(
        title={"text": title, "font": {"size": FONT_SIZE, "color": TEXT}},
        ticksuffix="%" if unit == "%" else "",
        tickfont={"size": 12, "color": TEXT},
        **selector,
    )


def _grain(periods: Sequence[str]) -> str:
    """month, quarter or year from the roll-up's period labels; anything else is labelled as given."""
    sample = [p for p in periods if p]
    if sample and all(re.fullmatch(r"\d{4}-\d{2}", p) for p in sample):
        return "month"
    if sample and all(re.fullmatch(r"\d{4}", p) for p in sample):
        return "year"
    return "other"


def _period_axis(fig: go.Figure, frame: pl.DataFrame, lang: str) -> None:
    """Month grain: numeric date ticks; year/quarter/term: tick at each period with its own label."""
    periods = frame.select("period", "period_start").unique().sort("period_start")
    grain = _grain(periods["period"].to_list())
    if grain == "month":
        _month_axis(fig, lang)
    else:
        fig.update_xaxes(
            tickmode="array",
            tickvals=periods["period_start"].to_list(),
            ticktext=periods["period"].to_list(),
            tickfont={"size": 12, "color": TEXT},
        )
    fig.update_xaxes(
        title={
            "text": _w("month" if grain == "month" else "period", lang),
            "font": {"size": FONT_SIZE, "color": TEXT},
        }
    )


def _period_text(period: str, start: dt.date, lang: str) -> str:
    return _month_text(start, lang) if _grain([period]) == "month" else period


# ---------------------------------------------------------------- shared traces


def _suppressed_marks(
    x: list, y: float, labels: list[str], k: int, lang: str, *, showlegend: bool = True
) -> go.Scatter:
    """A marker on the baseline where a cell is hidden: a gap alone would not say why."""
    return go.Scatter(
        x=x,
        y=[y] * len(x),
        mode="markers",
        name=f"<{k} ({_w('suppressed', lang)})",
        marker={
            "symbol": "x-thin-open",
            "size": 10,
            "color": TEXT_MUTED,
            "line": {"width": 2, "color": TEXT_MUTED},
        },
        hovertext=labels,
        hovertemplate="%{hovertext}<extra></extra>",
        legendgroup="suppressed",
        showlegend=showlegend,
    )


def _col(frame: pl.DataFrame | None, name: str) -> list:
    return [] if frame is None or name not in frame.columns else frame[name].to_list()


def _outcome_traces(
    twelve: pl.DataFrame,
    trajectory: pl.DataFrame | None,
    projection: pl.DataFrame | None,
    *,
    unit: str,
    lang: str,
    k: int,
    spark: bool = False,
) -> list[go.Scatter]:
    """Band, target (dashed), projection (dotted), actual (solid) and the latest-point markers."""
    traces: list[go.Scatter] = []
    show = not spark
    width = 2 if spark else 2.5
    p_months, p_low, p_high = _col(projection, "month"), _col(projection, "low"), _col(projection, "high")
    band = [
        (m, lo, hi)
        for m, lo, hi in zip(p_months, p_low, p_high, strict=True)
        if lo is not None and hi is not None
    ]
    if band:
        xs = [b[0] for b in band]
        traces.append(
            go.Scatter(
                x=xs + xs[::-1],
                mode="lines",
                y=[b[2] for b in band] + [b[1] for b in band][::-1],
                fill="toself",
                fillcolor=BAND,
                line={"width": 0},
                hoverinfo="skip",
                name=_w("band", lang),
                legendgroup="projection",
                showlegend=show,
            )
        )
    t_months, t_values = _col(trajectory, "month"), _col(trajectory, "target")
    if t_months:
        traces.append(
            go.Scatter(
                x=t_months,
                y=t_values,
                mode="lines",
                name=_w("target", lang),
                line={"color": TARGET, "dash": DASH["target"], "width": width},
                showlegend=show,
                hovertext=[
                    f"{_w('target', lang)} {_month_text(m, lang)}: {_cell(v, unit, lang)}"
                    for m, v in zip(t_months, t_values, strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    p_values = _col(projection, "value")
    if p_months:
        traces.append(
            go.Scatter(
                x=p_months,
                y=p_values,
                mode="lines",
                name=_w("projection", lang),
                legendgroup="projection",
                line={"color": ACTUAL, "dash": DASH["projection"], "width": width},
                showlegend=show,
                hovertext=[
                    _projection_hover(m, v, lo, hi, unit, lang)
                    for m, v, lo, hi in zip(
                        p_months,
                        p_values,
                        p_low or [None] * len(p_months),
                        p_high or [None] * len(p_months),
                        strict=True,
                    )
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    months, values = _col(twelve, "month"), _col(twelve, "current")
    texts = [value_text(v, unit, lang, suppressed=v is None, k=k) for v in values]
    traces.append(
        go.Scatter(
            x=months,
            y=values,
            mode="lines",
            name=_w("actual", lang),
            connectgaps=False,
            line={"color": ACTUAL, "dash": DASH["actual"], "width": width + 0.5},
            showlegend=show,
            text=texts,
            hovertext=[
                f"{_w('actual', lang)} {_month_text(m, lang)}: {_with_unit(t, unit)}"
                for m, t in zip(months, texts, strict=True)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    traces.extend(_latest_markers(months, values, t_months, t_values, spark=spark))
    hidden = [m for m, v in zip(months, values, strict=True) if v is None]
    if hidden:
        shown = [v for v in values + t_values if v is not None]
        traces.append(
            _suppressed_marks(
                hidden,
                min(shown, default=0.0),
                [f"{_month_text(m, lang)}: <{k}" for m in hidden],
                k,
                lang,
                showlegend=show,
            )
        )
    return traces


def _projection_hover(
    m: dt.date, v: float | None, lo: float | None, hi: float | None, unit: str, lang: str
) -> str:
    text = f"{_w('projection', lang)} {_month_text(m, lang)}: {_cell(v, unit, lang)}"
    if lo is not None and hi is not None:
        text += f" ({value_text(lo, unit, lang)} – {value_text(hi, unit, lang)})"
    return text


def target_at(months: Sequence[dt.date], targets: Sequence[float | None], when: dt.date) -> float | None:
    """The trajectory at `when`, linear between its points; None outside it (it is not extrapolated)."""
    points = sorted((m, t) for m, t in zip(months, targets, strict=True) if t is not None)
    for (m0, t0), (m1, t1) in itertools.pairwise(points):
        if m0 <= when <= m1:
            return t0 if m1 == m0 else t0 + (t1 - t0) * (when - m0).days / (m1 - m0).days
    return points[0][1] if len(points) == 1 and points[0][0] == when else None


def _latest_markers(
    months: list, values: list, t_months: list, t_values: list, *, spark: bool
) -> list[go.Scatter]:
    """Where the outcome is now (filled circle) and where the trajectory says it should be (open diamond).

    The vertical distance between two differently shaped markers shows the status without colour.
    """
    latest = [(m, v) for m, v in zip(months, values, strict=True) if v is not None]
    if not latest:
        return []
    m, v = latest[-1]
    out = [
        go.Scatter(
            x=[m],
            y=[v],
            mode="markers",
            showlegend=False,
            hoverinfo="skip",
            marker={
                "symbol": "circle",
                "size": 8 if spark else 10,
                "color": ACTUAL,
                "line": {"color": "#ffffff", "width": 1},
            },
        )
    ]
    target_now = target_at(t_months, t_values, m)
    if target_now is not None:
        out.append(
            go.Scatter(
                x=[m],
                y=[target_now],
                mode="markers",
                showlegend=False,
                hoverinfo="skip",
                marker={
                    "symbol": "diamond-open",
                    "size": 9 if spark else 11,
                    "color": TARGET,
                    "line": {"width": 2},
                },
            )
        )
    return out


def _area_traces(
    frame: pl.DataFrame, *, unit: str, lang: str, k: int, kind: Kind, compare: bool, showlegend: bool = True
) -> list[go.BaseTraceType]:
    """One trace per area (x = period_start, y = result), plus the year-earlier line and suppressed marks."""
    traces: list[go.BaseTraceType] = []
    hidden_x: list = []
    hidden_labels: list[str] = []
    order = frame.select("area", "area_name").unique(maintain_order=True)
    for i, (area, name) in enumerate(order.iter_rows()):
        rows = frame.filter(pl.col("area") == area).sort("period_start")
        label = name or area
        colour, symbol = LINE_COLOURS[i % len(LINE_COLOURS)], SYMBOLS[i % len(SYMBOLS)]
        x, y = rows["period_start"].to_list(), rows["result"].to_list()
        suppressed = _col(rows, "suppressed") or [False] * len(x)
        complete = _col(rows, "complete") or [True] * len(x)
        periods = [_period_text(p, s, lang) for p, s in zip(rows["period"].to_list(), x, strict=True)]
        texts = [
            value_text(v, unit, lang, suppressed=bool(s), k=k) for v, s in zip(y, suppressed, strict=True)
        ]
        hover = [
            f"{label}<br>{p}: {_with_unit(t, unit)}"
            + ("" if c is not False else f" ({_w('incomplete', lang)})")
            for p, t, c in zip(periods, texts, complete, strict=True)
        ]
        common = {
            "x": x,
            "y": y,
            "name": label,
            "legendgroup": area,
            "text": texts,
            "hovertext": hover,
            "hovertemplate": "%{hovertext}<extra></extra>",
            "showlegend": showlegend,
        }
        if kind == "bar":
            patterns = ["" if c is not False else "/" for c in complete]
            traces.append(
                go.Bar(
                    **common,
                    textposition="none",
                    marker={"color": colour, "pattern": {"shape": patterns, "fgcolor": "#ffffff"}},
                )
            )
        else:
            symbols = [symbol if c is not False else f"{symbol}-open" for c in complete]
            traces.append(
                go.Scatter(
                    **common,
                    mode="lines+markers",
                    connectgaps=False,
                    line={"color": colour, "dash": DASH["actual"], "width": 2},
                    marker={"symbol": symbols, "size": 7, "color": colour},
                )
            )
        if compare and "result_prev" in rows.columns:
            prev = rows["result_prev"].to_list()
            traces.append(
                go.Scatter(
                    x=x,
                    y=prev,
                    mode="lines",
                    name=f"{label} ({_w('year_earlier', lang)})",
                    legendgroup=area,
                    line={"color": colour, "dash": DASH["previous"], "width": 2},
                    connectgaps=False,
                    showlegend=showlegend,
                    hovertext=[
                        f"{label} ({_w('year_earlier', lang)})<br>{p}: {_cell(v, unit, lang)}"
                        for p, v in zip(periods, prev, strict=True)
                    ],
                    hovertemplate="%{hovertext}<extra></extra>",
                )
            )
        for xi, p, s in zip(x, periods, suppressed, strict=True):
            if s:
                hidden_x.append(xi)
                hidden_labels.append(f"{label}<br>{p}: <{k}")
    if hidden_x:
        shown = [v for v in frame["result"].to_list() if v is not None]
        base = 0.0 if kind == "bar" else min(shown, default=0.0)
        traces.append(_suppressed_marks(hidden_x, base, hidden_labels, k, lang, showlegend=showlegend))
    return traces


def _event_layer(
    fig: go.Figure,
    events: Iterable[tuple[Any, str]],
    lo: dt.date | None,
    hi: dt.date | None,
    *,
    levels: int = 3,
) -> None:
    """Vertical lines with short labels, staggered down so neighbouring labels do not overlap.

    A label goes on the highest row whose previous label has ended (width estimated from its length);
    the full text is in the label's hover.
    """
    if lo is None or hi is None:
        return
    span = max((hi - lo).days, 1)
    days_per_char = span / 110  # about 110 characters of 12 px text across a typical chart
    ends: list[dt.date | None] = [None] * levels
    for i, (when, label) in enumerate(sorted(((_as_date(d), str(t)) for d, t in events), key=lambda e: e[0])):
        if not lo <= when <= hi:
            continue
        short = _short(label)
        free = [n for n, end in enumerate(ends) if end is None or end < when]
        level = free[0] if free else i % levels
        ends[level] = when + dt.timedelta(days=days_per_char * (len(short) + 2))
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
            xanchor="left",
            yshift=-18 * level,
            text=short,
            hovertext=label,
            showarrow=False,
            align="left",
            font={"size": 12, "color": TEXT_MUTED},
            bgcolor="rgba(255,255,255,0.85)",
        )


def _date_range(*columns: list) -> tuple[dt.date | None, dt.date | None]:
    dates = [_as_date(d) for col in columns for d in col if d is not None]
    return (min(dates), max(dates)) if dates else (None, None)


# ---------------------------------------------------------------- builders


def sparkline(
    twelve: pl.DataFrame,
    trajectory: pl.DataFrame | None,
    projection: pl.DataFrame | None,
    *,
    lang: str = "nl",
    height: int = 110,
) -> go.Figure:
    """A scorecard's tiny chart: actual solid, target dashed, projection dotted in a band; no axes.

    The latest value (circle) sits above or below the trajectory's value (open diamond), so the
    status reads without colour and without text.
    """
    fig = go.Figure(_outcome_traces(twelve, trajectory, projection, unit="", lang=lang, k=10, spark=True))
    _layout(fig, title=None, lang=lang, height=height)
    fig.update_layout(showlegend=False, margin={"l": 4, "r": 4, "t": 4, "b": 4}, hovermode="closest")
    fig.update_xaxes(visible=False, showgrid=False)
    fig.update_yaxes(visible=False, showgrid=False)
    return fig


def outcome_chart(
    twelve: pl.DataFrame,
    trajectory: pl.DataFrame | None,
    projection: pl.DataFrame | None,
    events: Sequence[tuple[Any, str]] = (),
    *,
    title: str,
    unit: str,
    lang: str = "nl",
    k: int = 10,
) -> go.Figure:
    """The outcome's twelve-month value against its trajectory and projection, with dated events."""
    fig = go.Figure(_outcome_traces(twelve, trajectory, projection, unit=unit, lang=lang, k=k))
    _layout(fig, title=title, lang=lang, height=440)
    _month_axis(fig, lang)
    fig.update_xaxes(title={"text": _w("month", lang), "font": {"size": FONT_SIZE, "color": TEXT}})
    _unit_axis(fig, unit, lang)
    fig.update_layout(legend={"orientation": "h", "y": -0.2, "x": 0}, margin={"b": 90})
    _event_layer(
        fig, events, *_date_range(_col(twelve, "month"), _col(trajectory, "month"), _col(projection, "month"))
    )
    return fig


def programme_chart(
    outcome: dict,
    outputs: Sequence[dict],
    *,
    events: Sequence[tuple[Any, str]] = (),
    lang: str = "nl",
    k: int = 10,
) -> go.Figure:
    """An outcome above the outputs that drive it, on one shared time axis, so cause and effect line up.

    outcome: {title, unit, twelve, trajectory, projection}; outputs: [{title, unit, frame}] with a
    month-grain, city-level roll-up frame each.
    """
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
    for trace in _outcome_traces(
        outcome["twelve"],
        outcome.get("trajectory"),
        outcome.get("projection"),
        unit=outcome["unit"],
        lang=lang,
        k=k,
    ):
        fig.add_trace(trace, row=1, col=1)
    _unit_axis(fig, outcome["unit"], lang, row=1, col=1)
    dates = [
        _col(outcome["twelve"], "month"),
        _col(outcome.get("trajectory"), "month"),
        _col(outcome.get("projection"), "month"),
    ]
    for r, output in enumerate(outputs, start=2):
        frame = output["frame"]
        kind: Kind = "line" if output["unit"] == "%" else "bar"
        for trace in _area_traces(
            frame, unit=output["unit"], lang=lang, k=k, kind=kind, compare=False, showlegend=False
        ):
            fig.add_trace(trace, row=r, col=1)
        _unit_axis(fig, output["unit"], lang, row=r, col=1)
        dates.append(_col(frame, "period_start"))
    _layout(fig, title=None, lang=lang, height=360 + 180 * len(outputs))
    _month_axis(fig, lang)
    fig.update_xaxes(
        title={"text": _w("month", lang), "font": {"size": FONT_SIZE, "color": TEXT}}, row=rows, col=1
    )
    fig.update_layout(
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1, "xanchor": "right"},
        margin={"t": 70},
        bargap=0.15,
    )
    _event_layer(fig, events, *_date_range(*dates))
    return fig


def series_chart(
    frame: pl.DataFrame,
    *,
    title: str,
    unit: str,
    lang: str = "nl",
    k: int = 10,
    compare: bool = False,
    kind: Kind = "line",
) -> go.Figure:
    """One trace per area over time; `compare` adds each area's value a year earlier as a dotted line.

    With many areas (44 wijken) the legend scrolls and each area also differs by marker shape;
    clicking legend entries isolates areas.
    """
    fig = go.Figure(_area_traces(frame, unit=unit, lang=lang, k=k, kind=kind, compare=compare))
    n_areas = frame["area"].n_unique() if "area" in frame.columns else 0
    _layout(fig, title=title, lang=lang, height=480 if n_areas <= 12 else 560)
    if not frame.is_empty():
        _period_axis(fig, frame, lang)
    _unit_axis(fig, unit, lang)
    fig.update_layout(
        hovermode="closest",
        barmode="group",
        legend={"orientation": "v", "x": 1.02, "y": 1, "yanchor": "top", "itemclick": "toggleothers"},
    )
    if kind == "bar":
        fig.update_yaxes(rangemode="tozero")
    return fig


def area_bars(
    frame: pl.DataFrame, *, title: str, unit: str, lang: str = "nl", k: int = 10, highlight: str | None = None
) -> go.Figure:
    """Areas ranked by result for one period (the latest if several); hidden areas at the bottom, "<k".

    `highlight` (an area code or name) gets another colour, a hatch pattern and a bold label.
    """
    if not frame.is_empty() and "period_start" in frame.columns:
        frame = frame.filter(pl.col("period_start") == frame["period_start"].max())
    suppressed = pl.col("suppressed") if "suppressed" in frame.columns else pl.lit(False)
    ranked = frame.with_columns(suppressed.fill_null(False).alias("_hidden")).sort(
        [pl.col("result").is_null(), "result"], descending=[False, True], nulls_last=True
    )
    codes, names = ranked["area"].to_list(), ranked["area_name"].to_list()
    values, hidden = ranked["result"].to_list(), ranked["_hidden"].to_list()
    labels = [n or c for c, n in zip(codes, names, strict=True)]
    is_hl = [highlight is not None and highlight in (c, n) for c, n in zip(codes, names, strict=True)]
    texts = [value_text(v, unit, lang, suppressed=h, k=k) for v, h in zip(values, hidden, strict=True)]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=[0.0 if v is None else v for v in values],
            orientation="h",
            text=texts,
            textposition="outside",
            textfont={"size": 12, "color": TEXT},
            cliponaxis=False,
            marker={
                "color": [HIGHLIGHT if h else ACTUAL for h in is_hl],
                "pattern": {"shape": ["/" if h else "" for h in is_hl], "fgcolor": "#ffffff"},
            },
            customdata=codes,
            hovertext=[f"{lab}: {_with_unit(t, unit)}" for lab, t in zip(labels, texts, strict=True)],
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
        )
    )
    _layout(fig, title=title, lang=lang, height=max(280, 26 * len(labels) + 130))
    fig.update_yaxes(
        autorange="reversed",
        tickmode="array",
        tickvals=labels,
        ticktext=[f"<b>{lab}</b>" if h else lab for lab, h in zip(labels, is_hl, strict=True)],
        tickfont={"size": 12, "color": TEXT},
        title={"text": _w("area", lang), "font": {"size": FONT_SIZE, "color": TEXT}},
    )
    _unit_axis(fig, unit, lang, axis="x")
    fig.update_xaxes(rangemode="tozero")
    fig.update_layout(margin={"r": 60}, bargap=0.25)
    return fig


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


def choropleth(
    frame: pl.DataFrame,
    geojson: dict,
    *,
    featureidkey: str = "properties.statcode",
    title: str,
    unit: str,
    lang: str = "nl",
    k: int = 10,
    attribution: str | None = DEFAULT_ATTRIBUTION,
) -> go.Figure:
    """Areas coloured by result on a tile-free map; hidden areas grey with "<k" in their hover.

    "white-bg" fetches no tiles, and there is no text layer on the map, so no glyphs are fetched either.
    """
    hidden_expr = pl.col("suppressed").fill_null(False) if "suppressed" in frame.columns else pl.lit(False)
    marked = frame.with_columns(hidden_expr.alias("_hidden"))
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
                    "title": {"text": _w("percent", lang) if unit == "%" else unit, "font": {"color": TEXT}},
                    "ticksuffix": "%" if unit == "%" else "",
                    "tickfont": {"size": 12, "color": TEXT},
                },
                hovertext=[
                    f"{n}: {_cell(v, unit, lang)}"
                    for n, v in zip(names, shown["result"].to_list(), strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
                showlegend=False,
                name=title,
            )
        )
    if not rest.is_empty():
        names = [n or c for c, n in zip(rest["area"].to_list(), rest["area_name"].to_list(), strict=True)]
        texts = [f"<{k}" if h else _w("no_data", lang) for h in rest["_hidden"].to_list()]
        fig.add_trace(
            go.Choroplethmap(
                geojson=geojson,
                featureidkey=featureidkey,
                locations=rest["area"].to_list(),
                z=[0.0] * rest.height,
                colorscale=[[0, NO_DATA_FILL], [1, NO_DATA_FILL]],
                showscale=False,
                marker={"line": {"color": TEXT_MUTED, "width": 1.2}},
                hovertext=[f"{n}: {t}" for n, t in zip(names, texts, strict=True)],
                hovertemplate="%{hovertext}<extra></extra>",
                showlegend=False,
                name=f"<{k}",
            )
        )
        note = f"{_w('grey', lang)}: <{k} ({_w('suppressed', lang)}) / {_w('no_data', lang)}"
        fig.add_annotation(
            text=note,
            x=0,
            y=0,
            xref="paper",
            yref="paper",
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            font={"size": 12, "color": TEXT},
            bgcolor="rgba(255,255,255,0.85)",
        )
    center, zoom = map_view(geojson)
    _layout(fig, title=title, lang=lang, height=560)
    fig.update_layout(
        map={"style": "white-bg", "center": center, "zoom": zoom}, margin={"l": 0, "r": 0, "b": 0}
    )
    if attribution:
        fig.add_annotation(
            text=attribution,
            x=1,
            y=0,
            xref="paper",
            yref="paper",
            xanchor="right",
            yanchor="bottom",
            showarrow=False,
            font={"size": 12, "color": TEXT_MUTED},
            bgcolor="rgba(255,255,255,0.85)",
        )
    return fig


def funnel_percentages(values: Sequence[float | None]) -> list[float | None]:
    """Each step as a percentage of the step before it; None where either step is hidden or zero."""
    out: list[float | None] = [None] if values else []
    for prev, cur in itertools.pairwise(values):
        out.append(None if prev in (None, 0) or cur is None else 100 * cur / prev)
    return out


def funnel(
    steps: Sequence[tuple[str, float | None]], *, title: str, lang: str = "nl", k: int = 10
) -> go.Figure:
    """From signal to result: each step's value and its share of the step before; None shows as "<k"."""
    labels = [s[0] for s in steps]
    values = [s[1] for s in steps]
    shares = funnel_percentages(values)
    texts = []
    for v, share in zip(values, shares, strict=True):
        text = value_text(v, "", lang, suppressed=v is None, k=k)
        if share is not None:
            text += f" ({value_text(share, '%', lang)} {_w('of_previous', lang)})"
        texts.append(text)
    fig = go.Figure(
        go.Funnel(
            y=labels,
            x=[0.0 if v is None else v for v in values],
            text=texts,
            textinfo="text",
            textposition=["auto" if v else "outside" for v in values],
            insidetextfont={"size": 13, "color": TEXT},
            outsidetextfont={"size": 13, "color": TEXT},
            textfont={"size": 13, "color": TEXT},
            customdata=shares,
            marker={"color": FUNNEL_FILL, "line": {"color": TEXT_MUTED, "width": 1}},
            connector={"fillcolor": "#e8f4fb", "line": {"color": FAINT, "width": 1}},
            hovertext=[f"{lab}: {t}" for lab, t in zip(labels, texts, strict=True)],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    _layout(fig, title=title, lang=lang, height=max(260, 70 * len(steps) + 110))
    fig.update_yaxes(tickfont={"size": 12, "color": TEXT})
    return fig


def cohort_chart(
    frame: pl.DataFrame, *, title: str, lang: str = "nl", k: int = 10, highlight_latest: int = 2
) -> go.Figure:
    """One line per start cohort over months since start; the latest cohorts bold, older ones grey.

    Older cohorts stay at 3.4:1 against white, differ by dash, and every line is labelled at its end,
    so no cohort has to be found by colour.
    """
    order_by = "cohort_start" if "cohort_start" in frame.columns else "cohort"
    cohorts = (
        frame.select(list(dict.fromkeys(["cohort", order_by]))).unique().sort(order_by)["cohort"].to_list()
    )
    several_areas = "area" in frame.columns and frame["area"].n_unique() > 1
    latest = set(cohorts[-highlight_latest:]) if highlight_latest > 0 else set()
    fig = go.Figure()
    hidden_x: list = []
    hidden_labels: list[str] = []
    older_dashes = ("dash", "dashdot", "longdash", "longdashdot", "solid")
    for i, cohort in enumerate(cohorts):
        for area_rows in _split_areas(frame.filter(pl.col("cohort") == cohort), several_areas):
            area_label, rows = area_rows
            name = f"{cohort} · {area_label}" if several_areas else cohort
            rows = rows.sort("months_since")
            x, y = rows["months_since"].to_list(), rows["result"].to_list()
            hidden = _col(rows, "suppressed") or [False] * len(x)
            texts = [
                value_text(v, "%", lang, suppressed=bool(h), k=k) for v, h in zip(y, hidden, strict=True)
            ]
            if cohort in latest:
                rank = len(cohorts) - 1 - i
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
                        f"{name}<br>{m} {_w('months', lang)}: {t}" for m, t in zip(x, texts, strict=True)
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
            hidden_labels += [
                f"{name}<br>{m} {_w('months', lang)}: <{k}" for m, h in zip(x, hidden, strict=True) if h
            ]
    if hidden_x:
        fig.add_trace(_suppressed_marks(hidden_x, 0.0, hidden_labels, k, lang))
    _layout(fig, title=title, lang=lang, height=460)
    fig.update_xaxes(
        title={"text": _w("months_since", lang), "font": {"size": FONT_SIZE, "color": TEXT}},
        tickfont={"size": 12, "color": TEXT},
        dtick=6,
    )
    _unit_axis(fig, "%", lang)
    fig.update_yaxes(rangemode="tozero")
    fig.update_layout(hovermode="closest", margin={"r": 110})
    return fig


def _split_areas(rows: pl.DataFrame, several: bool) -> list[tuple[str, pl.DataFrame]]:
    if not several:
        return [("", rows)]
    name_col = "area_name" if "area_name" in rows.columns else "area"
    return [(str(key[0]), part) for key, part in rows.group_by(name_col, maintain_order=True)]


def sparkline_svg(
    twelve: pl.DataFrame,
    trajectory: pl.DataFrame | None,
    projection: pl.DataFrame | None,
    *,
    label: str,
    width: int = 260,
    height: int = 72,
) -> str:
    """The scorecard's sparkline as inline SVG: the same marks as `sparkline`, without Plotly.

    The home page shows one per ambition; drawing them as SVG spares the browser loading and
    laying out Plotly for a glance. Actual solid, target dashed, projection dotted in a band;
    the latest value is a filled circle, the target at that month an open diamond.
    """
    series: list[tuple[str, list[tuple[Any, float]]]] = [
        ("actual", _points(twelve, "month", "current")),
        ("target", _points(trajectory, "month", "target")),
        ("projection", _points(projection, "month", "value")),
    ]
    band = list(zip(_points(projection, "month", "low"), _points(projection, "month", "high"), strict=False))
    xs = [p[0] for _, pts in series for p in pts]
    ys = [p[1] for _, pts in series for p in pts] + [v for lo, hi in band for v in (lo[1], hi[1])]
    if not xs:
        return f'<svg role="img" aria-label="{html.escape(label)}" width="{width}" height="{height}"></svg>'
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    span_x = max((x1 - x0).days, 1)
    span_y = (y1 - y0) or 1.0
    pad = 6

    def xy(p: tuple[Any, float]) -> str:
        x = pad + (p[0] - x0).days / span_x * (width - 2 * pad)
        y = height - pad - (p[1] - y0) / span_y * (height - 2 * pad)
        return f"{x:.1f},{y:.1f}"

    name = html.escape(label)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{name}" '
             f'style="width:100%;height:auto;max-width:{width}px" viewBox="0 0 {width} {height}">'
             f"<title>{name}</title>"]
    if band:
        ring = [xy(lo) for lo, _ in band] + [xy(hi) for _, hi in reversed(band)]
        parts.append(f'<polygon points="{" ".join(ring)}" fill="{ACTUAL}" fill-opacity="0.15"/>')
    styles = {"actual": f'stroke="{ACTUAL}" stroke-width="2.2"',
              "target": f'stroke="{TARGET}" stroke-width="1.6" stroke-dasharray="6 4"',
              "projection": f'stroke="{ACTUAL}" stroke-width="2" stroke-dasharray="1.5 3"'}
    for name, pts in series:
        if len(pts) > 1:
            parts.append(f'<polyline points="{" ".join(xy(p) for p in pts)}" fill="none" {styles[name]}/>')
    actual = series[0][1]
    if actual:
        last = actual[-1]
        cx, cy = xy(last).split(",")
        parts.append(f'<circle cx="{cx}" cy="{cy}" r="3.5" fill="{ACTUAL}"/>')
        goal = target_at([p[0] for p in series[1][1]], [p[1] for p in series[1][1]], last[0])
        if goal is not None:
            gx, gy = (float(v) for v in xy((last[0], goal)).split(","))
            parts.append(f'<polygon points="{gx},{gy - 5} {gx + 5},{gy} {gx},{gy + 5} {gx - 5},{gy}" '
                         f'fill="white" stroke="{TARGET}" stroke-width="1.5"/>')
    parts.append("</svg>")
    return "".join(parts)


def _points(frame: pl.DataFrame | None, x: str, y: str) -> list[tuple[Any, float]]:
    if frame is None or frame.is_empty() or y not in frame.columns:
        return []
    return [(a, float(b)) for a, b in frame.select(x, y).drop_nulls().iter_rows()]
