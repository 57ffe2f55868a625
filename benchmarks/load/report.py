"""Figures from phases, as Markdown tables, written into their own section of docs/load.md.

A section sits between `<!-- load:NAME -->` and `<!-- /load:NAME -->`; a run rewrites only its
own sections, so runs of different phases (before and after a change) stand side by side.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import platform
import re
import statistics
from pathlib import Path

from benchmarks.load.run import Phase, slope_mb_per_hour
from deploy.stclient import View


def pct(values: list[float], q: float) -> float | None:
    """The q-quantile (0..1) by nearest rank; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _s(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def page_name(page: str) -> str:
    return page or "home"


def by_page(views: list[View]) -> dict[str, list[View]]:
    out: dict[str, list[View]] = {}
    for v in views:
        out.setdefault(page_name(v.page), []).append(v)
    return out


def page_table(phase: Phase) -> str:
    """Per page: views, errors, p50/p95 to `script_finished`, p50/p95 to the first element, KB per view."""
    rows = ["| page | views | errors | p50 s | p95 s | first p50 s | first p95 s | KB/view |",
            "|---|--:|--:|--:|--:|--:|--:|--:|"]
    for page, views in by_page(phase.views).items():
        done = [v.total for v in views if v.total is not None]
        first = [v.first for v in views if v.first is not None]
        kb = statistics.median(v.nbytes for v in views) / 1024
        rows.append(f"| {page} | {len(views)} | {sum(not v.ok for v in views)} | {_s(pct(done, .5))} | "
                    f"{_s(pct(done, .95))} | {_s(pct(first, .5))} | {_s(pct(first, .95))} | {kb:.0f} |")
    return "\n".join(rows)


def summary(phase: Phase) -> str:
    n = len(phase.views)
    cpu = f"{phase.server_cpu / n:.3f}" if n and phase.cpu else "–"
    rss = ", ".join(f"{after / 1e6:.0f} MB" for _, after in phase.rss.values()) or "–"
    load = f"{statistics.mean(phase.load):.1f} (max {max(phase.load):.1f})" if phase.load else "–"
    done = [v.total for v in phase.views if v.total is not None]
    return (f"**{phase.name}**: {phase.sessions} sessions, {phase.seconds:.0f} s, {n} page views "
            f"({n / phase.seconds:.2f}/s), errors {phase.errors}, p50 {_s(pct(done, .5))} s, "
            f"p95 {_s(pct(done, .95))} s, server CPU {cpu} s per view, memory per server {rss}, "
            f"load average {load}")


def errors_list(phase: Phase, limit: int = 5) -> str:
    seen = [f"{page_name(v.page)}?{v.query}: {e}" for v in phase.views for e in v.errors]
    seen += phase.connect_errors
    return "\n".join(f"- `{e[:300]}`" for e in seen[:limit])


def phase_section(phase: Phase) -> str:
    parts = [summary(phase), "", page_table(phase)]
    errs = errors_list(phase)
    if errs:
        parts += ["", "First errors:", errs]
    return "\n".join(parts)


def cost_table(single: dict[str, list[tuple[View, float]]], at_n: dict[str, Phase], n: int) -> str:
    """Per page: its own cost alone (one session: script time, CPU and bytes per view, medians) and
    with `n` sessions asking for that page only (server CPU over the phase / views, the mean)."""
    rows = [f"| page | script s (1 session, p50) | CPU s/view (1 session, p50) | KB/view | "
            f"CPU s/view ({n} sessions) | views ({n} sessions) | errors |",
            "|---|--:|--:|--:|--:|--:|--:|"]
    for page in dict.fromkeys([*single, *at_n]):
        one = single.get(page, [])
        phase = at_n.get(page)
        script = pct([v.total for v, _ in one if v.total is not None], .5)
        cpu1 = pct([c for _, c in one], .5)
        kb = statistics.median(v.nbytes for v, _ in one) / 1024 if one else None
        cpun = phase.server_cpu / len(phase.views) if phase and phase.views else None
        errs = sum(not v.ok for v, _ in one) + (phase.errors if phase else 0)
        rows.append(f"| {page} | {_s(script)} | {_s(cpu1, 3)} | {_s(kb, 0)} | {_s(cpun, 3)} | "
                    f"{len(phase.views) if phase else '–'} | {errs} |")
    return "\n".join(rows)


WARM_S = 300.0  # a soak's first five minutes: caches filling, first figures of every view


def soak_section(phase: Phase, series: dict[int, list[tuple[float, int]]]) -> str:
    """Per server: memory at the start, the peak and the end, the slope over the whole run and after
    the first five minutes (a server's caches fill first; what matters is whether it then keeps
    growing), and a reading every five minutes."""
    lines = [summary(phase), ""]
    for i, points in enumerate(series.values(), 1):
        if not points:
            continue
        settled = [p for p in points if p[0] >= WARM_S]
        every = [min(points, key=lambda p, m=m: abs(p[0] - m))
                 for m in range(0, int(points[-1][0]) + 1, 300)]
        start, peak, end = points[0][1] / 1e6, max(r for _, r in points) / 1e6, points[-1][1] / 1e6
        lines.append(
            f"- server {i}: {start:.0f} MB at the start, peak {peak:.0f} MB, {end:.0f} MB at the end "
            f"({phase.seconds / 60:.0f} min, {len(points)} readings); "
            f"slope {_s(slope_mb_per_hour(points), 1)} MB/hour over the run, "
            f"{_s(slope_mb_per_hour(settled), 1)} MB/hour after the first {WARM_S / 60:.0f} minutes; "
            "every 5 minutes: " + ", ".join(f"{r / 1e6:.0f}" for _, r in every) + " MB")
    return "\n".join(lines)


def machine() -> str:
    load = os.getloadavg()
    return (f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {platform.python_implementation()} "
            f"{platform.python_version()}, {os.cpu_count()} cores, load average before "
            f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}")


def write_section(path: Path, name: str, body: str) -> None:
    """Replace (or append) the section `name` of `path`, leaving the rest as it was."""
    start, end = f"<!-- load:{name} -->", f"<!-- /load:{name} -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Load\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
