"""UI benchmark: `python -m benchmarks.ui [-n 5] [--out bench-results]` -> ui.json and ui.md.

A measurement, not a test: it serves the scorecard and a bare one-metric Streamlit page
the same way on the same machine and reports the median time until each is fully rendered
in headless Chromium (target: scorecard <= 2x the bare page), and the server-side time of a
grain or area change on the indicator page (target: <= 300 ms). Everything runs on
127.0.0.1 with the demo data; nothing is fetched from the internet.

Playwright is a development dependency (requirements-dev.txt); it is imported only inside
the functions that drive the browser.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.demo import data_env, prepare_demo_data
from monitor.settings import ROOT
from tests.browser.harness import chromium_problem, launch_chromium, serving, wait_rendered

TARGET_RATIO, TARGET_SERVER_MS = 2.0, 300.0

BARE_APP = '''import streamlit as st

st.metric("Huishoudens schuldenvrij", "1.234", delta="+56")
'''


@dataclass
class PageTiming:
    name: str
    path: str
    warmup_s: float
    runs_s: list[float] = field(default_factory=list)

    @property
    def median_s(self) -> float:
        return statistics.median(self.runs_s)


def time_page_loads(browser: Any, url: str, name: str, path: str, n: int) -> PageTiming:
    """One warm-up, then `n` page loads, each in a fresh browser context (no cache, no session)."""
    times = []
    for _ in range(n + 1):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url + path, wait_until="commit")
        done = wait_rendered(page)
        times.append(done - start)
        context.close()
    return PageTiming(name, path, times[0], times[1:])


def server_latency(data_dir: Path, repeats: int = 5) -> dict[str, Any]:
    """Time `engine.series()` for every series indicator x grain x level, frames already cached.

    That call is what a grain or area change on the indicator page costs the server on top of
    redrawing; the first call per indicator (the SQL, cached per catalog version) is reported apart.
    """
    from monitor import rollup
    from monitor.engine import get_engine
    from monitor.settings import get_settings

    with data_env(data_dir):
        engine = get_engine(get_settings())
        ids = sorted(i.id for i in engine.registry.indicators.values() if i.shape == "series")
        frame_ms = {}
        for ind_id in ids:
            t0 = time.perf_counter()
            engine.frame(ind_id)
            frame_ms[ind_id] = (time.perf_counter() - t0) * 1000
        combos: dict[str, dict[str, float]] = {}
        for grain in ("month", "quarter", "year", "term"):
            for level in ("city", "stadsdeel", "wijk"):
                view = rollup.View(grain=grain, level=level)
                per_ind = []
                for ind_id in ids:
                    runs = []
                    for _ in range(repeats):
                        t0 = time.perf_counter()
                        engine.series(ind_id, view)
                        runs.append((time.perf_counter() - t0) * 1000)
                    per_ind.append(statistics.median(runs))
                combos[f"{grain}/{level}"] = {"median_ms": statistics.median(per_ind), "max_ms": max(per_ind)}
    return {
        "indicators": len(ids),
        "first_frame_ms": {"median": statistics.median(frame_ms.values()), "max": max(frame_ms.values())},
        "series_ms": combos,
        "worst_ms": max(c["max_ms"] for c in combos.values()),
    }


def apptest_rerun(data_dir: Path, ind_id: str | None = None) -> dict[str, float]:
    """Server-side time of a whole indicator-page rerun after a grain and after an area change."""
    from streamlit.testing.v1 import AppTest

    from monitor.i18n import t

    with data_env(data_dir):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.switch_page("pages/2_indicator.py")
        if ind_id:
            at.query_params["id"] = ind_id
        at.run()
        if at.exception:
            raise RuntimeError(f"indicator page failed: {at.exception[0].message}")
        at.run()  # warm
        out: dict[str, float] = {}
        changes = {"grain": ("month", "year", "quarter"), "level": ("wijk", "stadsdeel", "city")}
        for name, values in changes.items():
            runs = []
            for value in values:
                # found by its label: how the frame keys its widgets is its own business
                control = next(w for w in at.segmented_control if w.label == t(name, "nl"))
                control.set_value(value)
                t0 = time.perf_counter()
                at.run()
                runs.append((time.perf_counter() - t0) * 1000)
            out[f"rerun_after_{name}_change_ms"] = statistics.median(runs)
        return out


def benchmark(n: int = 5, out_dir: Path = ROOT / "bench-results") -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="monitor-uibench-") as tmp:
        tmp_path = Path(tmp)
        data = prepare_demo_data(tmp_path / "data")
        bare = tmp_path / "bare" / "bare_app.py"
        bare.parent.mkdir()
        bare.write_text(BARE_APP, encoding="utf-8")
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:
                with serving(bare, data, log_dir=tmp_path) as server:
                    bare_t = time_page_loads(browser, server.url, "bare one-metric page", "/", n)
                with serving(ROOT / "dashboard.py", data, log_dir=tmp_path) as server:
                    home_t = time_page_loads(browser, server.url, "scorecard (home)", "/", n)
            finally:
                browser.close()
        latency = server_latency(data)
        rerun = apptest_rerun(data)
    ratio = home_t.median_s / bare_t.median_s
    server_worst = max(latency["worst_ms"], *rerun.values())
    result = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "n": n,
        "pages": {t.name: {"path": t.path, "warmup_s": round(t.warmup_s, 3),
                           "runs_s": [round(x, 3) for x in t.runs_s], "median_s": round(t.median_s, 3)}
                  for t in (bare_t, home_t)},
        "scorecard_vs_bare": round(ratio, 2),
        "server": latency,
        "apptest": {k: round(v, 1) for k, v in rerun.items()},
        "targets": {
            "scorecard_le_2x_bare": {"target": TARGET_RATIO, "measured": round(ratio, 2),
                                     "met": ratio <= TARGET_RATIO},
            "grain_area_change_le_300ms": {"target_ms": TARGET_SERVER_MS,
                                           "measured_ms": round(server_worst, 1),
                                           "met": server_worst <= TARGET_SERVER_MS},
        },
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "ui.json").write_text(json.dumps(result, indent=2, default=float), encoding="utf-8")
    (out_dir / "ui.md").write_text(markdown(result), encoding="utf-8")
    return result


def markdown(r: dict[str, Any]) -> str:
    pages = r["pages"]
    lines = [
        f"# UI benchmark ({r['when']}, {r['machine']['cpus']} CPUs, Python {r['machine']['python']})",
        "",
        f"Time until fully rendered in headless Chromium; median of {r['n']} fresh page loads "
        "after one warm-up.",
        "",
        "| page | median (s) | runs (s) | warm-up (s) |",
        "|---|---:|---|---:|",
    ]
    for name, p in pages.items():
        lines.append(f"| {name} | {p['median_s']:.3f} | {', '.join(f'{x:.3f}' for x in p['runs_s'])} "
                     f"| {p['warmup_s']:.3f} |")
    tg = r["targets"]
    lines += [
        "",
        f"Scorecard / bare page: **{r['scorecard_vs_bare']:.2f}x** (target <= {TARGET_RATIO:.0f}x: "
        f"{'met' if tg['scorecard_le_2x_bare']['met'] else 'NOT met'})",
        "",
        f"Server side, `engine.series()` per grain x level over {r['server']['indicators']} indicators "
        "(frames cached; median and worst indicator):",
        "",
        "| grain/level | median (ms) | max (ms) |",
        "|---|---:|---:|",
    ]
    for combo, v in r["server"]["series_ms"].items():
        lines.append(f"| {combo} | {v['median_ms']:.1f} | {v['max_ms']:.1f} |")
    ff, change = r["server"]["first_frame_ms"], tg["grain_area_change_le_300ms"]
    lines += [
        "",
        "First computation of an indicator frame (SQL, once per catalog version): "
        f"median {ff['median']:.0f} ms, max {ff['max']:.0f} ms.",
        "",
        "Whole indicator-page rerun (AppTest, server side): "
        + ", ".join(f"{k.removesuffix('_ms').replace('_', ' ')} {v:.0f} ms" for k, v in r["apptest"].items()),
        "",
        f"Grain/area change, worst server-side: **{change['measured_ms']:.0f} ms** "
        f"(target <= {TARGET_SERVER_MS:.0f} ms: {'met' if change['met'] else 'NOT met'})",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ui", description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=5, help="page loads per page after one warm-up (default 5)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results")
    args = parser.parse_args(argv)
    if chromium_problem():
        print(chromium_problem(), file=sys.stderr)
        return 2
    result = benchmark(args.n, args.out)
    print(markdown(result))
    return 0  # a measurement, not a gate: the targets are reported, not enforced


if __name__ == "__main__":
    raise SystemExit(main())
