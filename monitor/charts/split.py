"""A series split by group (front matter `dimensions:`): one line (or bar) per group over time.

The split arrives as a `Published` from the roll-up (`View(split=...)`, city only), with a
`group` column of codes; `groups` words them (code -> label), chosen at the edge. The traces
are those of a series per area (`areas.area_traces`): same colours, marks for hidden cells,
incomplete periods, the year-earlier line.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl

from monitor.charts.areas import area_figure
from monitor.charts.memo import cached_figure
from monitor.charts.theme import Kind
from monitor.i18n import Translator
from monitor.rollup.published import Published, require


@cached_figure
def split_chart(series: Published, *, title: str, unit: str, t: Translator, groups: Mapping[str, str],
                compare: bool = False, kind: Kind = "line") -> go.Figure:
    """One trace per group; `groups` maps each group code to its words (a code not in it: as delivered)."""
    frame = require(series, "split_chart")
    if "group" not in frame.columns:
        raise ValueError(f"split_chart needs a split series (a 'group' column); '{series.view}' has none")
    frame = frame.with_columns(
        pl.col("group").alias("area"),
        pl.col("group").replace_strict(dict(groups), default=pl.col("group"), return_dtype=pl.String)
        .alias("area_name"),
    )
    return area_figure(frame, title=title, unit=unit, t=t, kind=kind, compare=compare,
                       barmode="stack" if kind == "bar" else "group")
