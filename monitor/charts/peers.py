"""This municipality beside its peers on a population indicator: bars with footnote marks.

Takes the `Published` table of `population.compare` (public statistics; a figure on fewer than k
arrives hidden) and words nothing itself: the unit and the footnote texts come from the caller.
"""

from __future__ import annotations

import plotly.graph_objects as go

from monitor.charts.memo import cached_figure
from monitor.charts.theme import ACTUAL, HIGHLIGHT, PATTERN, TEXT, axis_title, cell, layout, unit_axis
from monitor.i18n import Translator
from monitor.rollup.published import Published, require

# superscript digits for the footnote mark beside a peer's name
_SUPER = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def mark(number: int | None) -> str:
    """The footnote mark (`¹`) a peer's name carries, or nothing."""
    return "" if number is None else str(number).translate(_SUPER)


@cached_figure
def peer_bars(table: Published, *, title: str, unit: str, t: Translator) -> go.Figure:
    """One bar per area in the table's order (the home municipality first, highlighted and dotted),
    each labelled with its value and period; a peer with a footnote carries its mark."""
    frame = require(table, "peer_bars")
    rows = frame.to_dicts()
    labels = [f"{r['area_name']}{mark(r['note'])}" for r in rows]
    values = [r["value"] for r in rows]
    fig = go.Figure(go.Bar(
        y=labels,
        x=[0.0 if v is None else v for v in values],
        orientation="h",
        text=[f"{t.value(r['value'], unit, suppressed=bool(r['suppressed']))} ({r['period']})" for r in rows],
        textposition="outside",
        textfont={"size": 12, "color": TEXT},
        cliponaxis=False,
        marker={"color": [HIGHLIGHT if r["home"] else ACTUAL for r in rows],
                "pattern": {"shape": [PATTERN["highlight"] if r["home"] else "" for r in rows],
                            "fgcolor": "#ffffff"}},
        hovertext=[f"{lab}, {r['period']}: {cell(r['value'], unit, t, suppressed=bool(r['suppressed']))}"
                   for lab, r in zip(labels, rows, strict=True)],
        hovertemplate="%{hovertext}<extra></extra>",
        showlegend=False,
    ))
    layout(fig, title=title, t=t, height=max(220, 34 * len(rows) + 110))
    bold = [f"<b>{lab}</b>" if r["home"] else lab for lab, r in zip(labels, rows, strict=True)]
    fig.update_yaxes(autorange="reversed", tickmode="array", tickvals=labels, ticktext=bold,
                     tickfont={"size": 12, "color": TEXT}, title=axis_title(""))
    unit_axis(fig, unit, t, axis="x")
    fig.update_xaxes(rangemode="tozero")
    fig.update_layout(margin={"r": 110}, bargap=0.3)
    return fig
