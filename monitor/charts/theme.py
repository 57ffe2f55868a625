"""The charts' shared look: palette, contrast, layout, axes, and the mark of a hidden cell.

Accessibility (WCAG 2.1 AA) is built in rather than left to callers:
- colours come from the Okabe-Ito palette, which stays distinguishable with colour-blindness;
- every text colour is dark grey on white (>= 4.5:1, see `contrast_ratio`), lines and bars >= 3:1;
- status never rests on colour alone: line dash, marker shape and pattern carry it too;
- numbers, months and separators come from `monitor.i18n` (Babel), the same as every other surface;
  axis ticks stay numeric in Dutch (`03-2025`), since Plotly only knows English month names;
- no external resources: the map uses the tile-free "white-bg" style and a system font stack.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas  # noqa: F401  (see below)
import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

from monitor.i18n import Translator

# pandas is imported above, with the charts, on purpose: Plotly looks it up in sys.modules without
# importing it (`to_dict`), so on a cold server two page threads at once saw a half-imported
# pandas ("partially initialized module 'pandas' has no attribute 'Series'"). A page imports the
# charts before drawing one, and Python's import lock makes it wait until pandas is complete.

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
DASH = {"actual": "solid", "target": "dash", "projection": "dot", "previous": "dot", "incomplete": "dot"}
# bar fills: one meaning each, on every chart (a hatch that marks an unfinished month on one chart and
# the home municipality on the next reads as the same thing)
PATTERN = {"incomplete": "/", "highlight": "."}
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

Kind = Literal["line", "bar"]


# ---------------------------------------------------------------- colour


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


# ---------------------------------------------------------------- text


def cell(v: float | None, unit: str, t: Translator, *, suppressed: bool = False, whole: bool = False) -> str:
    """A cell as hover text (`1.234 huishoudens`); a percentage or missing cell has no unit word.

    A hidden cell reads as the mark with its meaning (`x: hidden to protect privacy`); `whole`: an
    estimate of a count (trajectory, projection), shown without decimals as on the card.
    """
    if suppressed:
        return t.hidden(explained=True)
    text = t.value(v, unit, whole=whole)
    missing = v is None or v != v  # v != v: NaN
    return text if missing or unit in ("%", "") else f"{text} {unit}"


def short(label: str, limit: int = 26) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def as_date(d: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(d, dt.datetime):
        return d.date()
    if isinstance(d, dt.date):
        return d
    return dt.date.fromisoformat(str(d)[:10])


def col(frame: pl.DataFrame | None, name: str) -> list:
    return [] if frame is None or name not in frame.columns else frame[name].to_list()


# ---------------------------------------------------------------- layout and axes


def _slim_white() -> go.layout.Template:
    """plotly_white with only the parts these charts use (bar, scatter, funnel, map traces; cartesian
    axes): every figure carries its template to the browser, and the full one is 7 KB of each."""
    full = pio.templates["plotly_white"].to_plotly_json()
    used = {"scatter", "bar", "funnel", "choroplethmap", "choropleth"}
    unused_layout = {"polar", "ternary", "scene"}
    return go.layout.Template(
        data={k: v for k, v in full["data"].items() if k in used},
        layout={k: v for k, v in full["layout"].items() if k not in unused_layout},
    )


SLIM_WHITE = _slim_white()


def layout(fig: go.Figure, *, title: str | None, t: Translator, height: int) -> go.Figure:
    """Shared look: plotly_white (`SLIM_WHITE`), dark text >= 12 px, the language's separators,
    white hover labels."""
    fig.update_layout(
        template=SLIM_WHITE,
        title={"text": title or "", "x": 0, "xanchor": "left", "font": {"size": 16, "color": TEXT}},
        font={"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT},
        separators=t.separators,
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


def axis_title(text: str) -> dict:
    return {"text": text, "font": {"size": FONT_SIZE, "color": TEXT}}


# Plotly's `%b` (d3's en-US locale, whatever the server's own locale)
PLOTLY_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_axis(fig: go.Figure, t: Translator, **selector: Any) -> None:
    """Month ticks in the page's language (`mrt 2025`, `Mar 2025`).

    Plotly writes English month names only; it still picks the ticks (and picks again on zoom), and
    `labelalias` swaps each label it can write for the app's own word for that month
    (`i18n.month`), for every month of the years the figure's data span.
    """
    nl = t.lang == "nl"
    fig.update_xaxes(
        tickformat="%b %Y",
        labelalias=_month_words(fig, t) if nl else None,
        hoverformat="%d-%m-%Y" if nl else "%d %b %Y",
        tickfont={"size": 12, "color": TEXT},
        **selector,
    )


def _month_words(fig: go.Figure, t: Translator) -> dict[str, str]:
    """`Jan 2024` (Plotly's `%b %Y`) -> the page's word for that month, a year either side of the data."""
    years: list[int] = []
    for trace in fig.data:
        x = getattr(trace, "x", None)
        if x is None or len(x) == 0:
            continue
        try:
            months = np.asarray(x, dtype="datetime64[M]")
        except (TypeError, ValueError):  # not dates (a category axis)
            continue
        months = months[~np.isnat(months)]
        if months.size:
            years += [int(str(months.min())[:4]), int(str(months.max())[:4])]
    if not years:
        return {}
    return {f"{PLOTLY_MONTHS[m - 1]} {y}": t.month(dt.date(y, m, 1))
            for y in range(min(years) - 1, max(years) + 2) for m in range(1, 13)}


def unit_axis(fig: go.Figure, unit: str, t: Translator, axis: str = "y", **selector: Any) -> None:
    """Axis titled with the (already worded) unit; a percentage axis says "per cent" and ticks `%`."""
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    update(
        title=axis_title(unit_title(unit, t)),
        ticksuffix="%" if unit == "%" else "",
        tickformat=",~r",  # thousands grouped in the language's separators (7.000), as bar labels are
        tickfont={"size": 12, "color": TEXT},
        **selector,
    )


def unit_title(unit: str, t: Translator) -> str:
    return t("chart_percent") if unit == "%" else unit


def grain(periods: Sequence[str]) -> str:
    """month, quarter or year from the roll-up's period labels; anything else is labelled as given."""
    sample = [p for p in periods if p]
    if sample and all(re.fullmatch(r"\d{4}-\d{2}", p) for p in sample):
        return "month"
    if sample and all(re.fullmatch(r"\d{4}", p) for p in sample):
        return "year"
    return "other"


def period_axis(fig: go.Figure, frame: pl.DataFrame, t: Translator) -> None:
    """Month grain: numeric date ticks; year/quarter/term: tick at each period with its own label."""
    periods = frame.select("period", "period_start").unique().sort("period_start")
    g = grain(periods["period"].to_list())
    if g == "month":
        month_axis(fig, t)
    else:
        fig.update_xaxes(
            tickmode="array",
            tickvals=periods["period_start"].to_list(),
            ticktext=periods["period"].to_list(),
            tickfont={"size": 12, "color": TEXT},
        )
    fig.update_xaxes(title=axis_title(t("chart_month" if g == "month" else "chart_period")))


def period_text(period: str, start: dt.date, t: Translator) -> str:
    return t.month(start) if grain([period]) == "month" else period


# ---------------------------------------------------------------- shared traces


def suppressed_marks(
    x: list, y: float, labels: list[str], t: Translator, *, showlegend: bool = True
) -> go.Scatter:
    """A marker on the baseline where a cell is hidden: a gap alone would not say why."""
    return go.Scatter(
        x=x,
        y=[y] * len(x),
        mode="markers",
        name=t.hidden(explained=True),
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
