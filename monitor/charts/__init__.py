"""Plotly figure builders (and one inline SVG): each returns a figure and never touches Streamlit.

- `theme`: palette, contrast, layout and axes shared by every chart;
- `trend`: an outcome against its trajectory and projection, a programme, a series per area;
- `areas`: areas ranked for one period, the tile-free map;
- `flow`: the funnel and the start cohorts;
- `spark`: the scorecard's sparkline as inline SVG;
- `split`: a series split by group (front matter `dimensions:`), one trace per group.

Two rules hold for every builder:

- **Published only.** Data about people (roll-ups, twelve-month series, funnel steps, cohorts)
  arrive as `monitor.rollup.Published` and anything else is refused with a TypeError. Exempt are
  the trajectory and the projection path (targets and a model's line, no counts of people) and
  the GeoJSON.
- **Words from the edge.** Every builder takes `t`, a `monitor.i18n.Translator` bound by the
  caller (page context, report): its labels name the traces and axes, its formats (Babel) write
  numbers, months and the hidden-cell mark (`x`; in a hover and a legend `x: hidden to protect
  privacy`, the same for every hidden cell), and `t.separators` sets Plotly's. Titles and units
  arrive already worded (`t.unit(ind.unit, ind.unit_label)`); a unit `%` formats as a percentage.
"""

from monitor.charts.areas import area_bars, choropleth, map_view
from monitor.charts.flow import cohort_chart, funnel, funnel_of_first, funnel_percentages
from monitor.charts.peers import peer_bars
from monitor.charts.spark import sparkline_svg
from monitor.charts.split import split_chart
from monitor.charts.theme import (
    ACTUAL,
    DEFAULT_ATTRIBUTION,
    EVENT_LINE,
    FAINT,
    FUNNEL_FILL,
    HIGHLIGHT,
    LINE_COLOURS,
    PALETTE,
    TARGET,
    TEXT,
    TEXT_COLOURS,
    TEXT_MUTED,
    contrast_ratio,
)
from monitor.charts.trend import outcome_chart, programme_chart, series_chart, target_at

__all__ = [
    "ACTUAL",
    "DEFAULT_ATTRIBUTION",
    "EVENT_LINE",
    "FAINT",
    "FUNNEL_FILL",
    "HIGHLIGHT",
    "LINE_COLOURS",
    "PALETTE",
    "TARGET",
    "TEXT",
    "TEXT_COLOURS",
    "TEXT_MUTED",
    "area_bars",
    "choropleth",
    "cohort_chart",
    "contrast_ratio",
    "funnel",
    "funnel_of_first",
    "funnel_percentages",
    "map_view",
    "outcome_chart",
    "peer_bars",
    "programme_chart",
    "series_chart",
    "sparkline_svg",
    "split_chart",
    "target_at",
]
