"""The scorecard's sparkline as inline SVG: the outcome chart's marks, without Plotly.

The home page shows one per ambition; drawing them as SVG spares the browser loading and
laying out Plotly for a glance. The twelve-month series is a `Published` frame (refused
otherwise); the trajectory and the projection path are exempt, as in `trend`.
"""

from __future__ import annotations

import html
from typing import Any

import polars as pl

from monitor.charts.memo import cached_figure
from monitor.charts.theme import ACTUAL, TARGET
from monitor.charts.trend import target_at
from monitor.rollup.published import Published, require


@cached_figure
def sparkline_svg(
    twelve: Published,
    trajectory: pl.DataFrame | None,
    projection: pl.DataFrame | None,
    *,
    label: str,
    width: int = 260,
    height: int = 72,
) -> str:
    """Actual solid, target dashed, projection dotted in a band; `label` (worded) is its accessible name.

    The latest value is a filled circle, the target at that month an open diamond: the vertical
    distance between two differently shaped marks shows the status without colour or text.
    A hidden month is left out of the line (it has no value to draw).
    """
    series: list[tuple[str, list[tuple[Any, float]]]] = [
        ("actual", _points(require(twelve, "sparkline_svg"), "month", "current")),
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
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{name}" '
        f'style="width:100%;height:auto;max-width:{width}px" viewBox="0 0 {width} {height}">'
        f"<title>{name}</title>"
    ]
    if band:
        ring = [xy(lo) for lo, _ in band] + [xy(hi) for _, hi in reversed(band)]
        parts.append(f'<polygon points="{" ".join(ring)}" fill="{ACTUAL}" fill-opacity="0.15"/>')
    styles = {
        "actual": f'stroke="{ACTUAL}" stroke-width="2.2"',
        "target": f'stroke="{TARGET}" stroke-width="1.6" stroke-dasharray="6 4"',
        "projection": f'stroke="{ACTUAL}" stroke-width="2" stroke-dasharray="1.5 3"',
    }
    for kind, pts in series:
        if len(pts) > 1:
            parts.append(f'<polyline points="{" ".join(xy(p) for p in pts)}" fill="none" {styles[kind]}/>')
    actual = series[0][1]
    if actual:
        last = actual[-1]
        cx, cy = xy(last).split(",")
        parts.append(f'<circle cx="{cx}" cy="{cy}" r="3.5" fill="{ACTUAL}"/>')
        goal = target_at([p[0] for p in series[1][1]], [p[1] for p in series[1][1]], last[0])
        if goal is not None:
            gx, gy = (float(v) for v in xy((last[0], goal)).split(","))
            parts.append(
                f'<polygon points="{gx},{gy - 5} {gx + 5},{gy} {gx},{gy + 5} {gx - 5},{gy}" '
                f'fill="white" stroke="{TARGET}" stroke-width="1.5"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _points(frame: pl.DataFrame | None, x: str, y: str) -> list[tuple[Any, float]]:
    if frame is None or frame.is_empty() or y not in frame.columns:
        return []
    return [(a, float(b)) for a, b in frame.select(x, y).drop_nulls().iter_rows()]
