"""UI benchmark and screenshots; also the live-server and headless-Chromium helpers the browser tests use.

    python -m monitor.uibench               # benchmark -> bench-results/ui.json and ui.md
    python -m monitor.uibench screenshots   # docs/screenshots/scorecard.png and programme.png

The benchmark is a measurement, not a test: it serves the scorecard and a bare
one-metric Streamlit page the same way on the same machine and reports the median
time until each is fully rendered in headless Chromium (target: scorecard <= 2x
the bare page), and the server-side time of a grain or area change on the
indicator page (target: <= 300 ms). Everything runs on 127.0.0.1 with the demo
data; nothing is fetched from the internet.

Playwright is a development dependency (requirements-dev.txt); it is imported
only inside the functions that drive the browser.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.settings import ROOT

CHROMIUM = Path(os.environ.get("MONITOR_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DEMO_SEED, DEMO_UNTIL = 2026, "2026-10"
TARGET_RATIO, TARGET_SERVER_MS = 2.0, 300.0

# True once Streamlit has finished a script run and drawn it: connected, the
# script not running, no spinner or skeleton, every visible Plotly chart drawn.
RENDERED_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  const busy = '[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"], '
    + '[data-testid="stSpinner"], [data-testid="stSkeleton"]';
  if (document.querySelector(busy)) return false;
  for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (c.offsetParent !== null && !c.querySelector('.main-svg')) return false;
  }
  return true;
}"""


# ---------------------------------------------------------------- server


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A Streamlit server in its own process group; `stop()` ends the whole group."""

    url: str
    proc: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.is_file() else ""


def start_server(script: Path, data_dir: Path, *, log_dir: Path | None = None, timeout: float = 90.0,
                 env: dict[str, str] | None = None) -> Server:
    """Serve `script` on a free port of 127.0.0.1 (cwd: the repository, so its .streamlit/config.toml
    applies) with MONITOR_DATA_DIR=`data_dir`; return once /_stcore/health answers "ok"."""
    port = free_port()
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="monitor-server-"))
    log = log_dir / f"streamlit-{port}.log"
    full_env = {**os.environ, "MONITOR_DATA_DIR": str(data_dir), **(env or {})}
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", proc, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{server.log_text()}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200 and resp.read().strip() == b"ok":
                    return server
        except OSError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"streamlit gave no /_stcore/health within {timeout:.0f} s:\n{server.log_text()}")


@contextlib.contextmanager
def serving(script: Path, data_dir: Path, **kwargs: Any) -> Iterator[Server]:
    server = start_server(script, data_dir, **kwargs)
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def data_env(folder: Path) -> Iterator[None]:
    """MONITOR_DATA_DIR pointing at `folder` for the duration of the block."""
    old = os.environ.get("MONITOR_DATA_DIR")
    os.environ["MONITOR_DATA_DIR"] = str(folder)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("MONITOR_DATA_DIR", None)
        else:
            os.environ["MONITOR_DATA_DIR"] = old


def prepare_demo_data(folder: Path) -> Path:
    """Demo extracts (the tests' seed and cut-off) and a built catalog in `folder`."""
    from monitor import catalog, sample
    from monitor.settings import get_settings

    folder.mkdir(parents=True, exist_ok=True)
    sample.write_sample(folder, seed=DEMO_SEED, until=DEMO_UNTIL)
    with data_env(folder):
        catalog.build(get_settings())
    return folder


# ---------------------------------------------------------------- browser


def chromium_problem() -> str | None:
    """Why Debian's chromium cannot be used, or None when it can."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return (f"Chromium not found at {CHROMIUM}. The browser tests use Debian's chromium: "
                "run scripts/test.sh (it installs it) or `apt-get install chromium`; "
                "set MONITOR_CHROMIUM to use another binary. Do not run `playwright install`.")
    return None


def launch_chromium(pw: Any) -> Any:
    """Headless Debian chromium through Playwright (never Playwright's own browser download)."""
    problem = chromium_problem()
    if problem:
        raise RuntimeError(problem)
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def wait_rendered(page: Any, timeout_s: float = 90.0, settle_s: float = 0.3) -> float:
    """Wait until Streamlit finished running and drawing the page, and it stays so for `settle_s`.

    Returns the `time.perf_counter()` at which the final, stable rendered state was first seen
    (a widget bound to the URL can trigger a second run right after the first).
    """
    deadline = time.perf_counter() + timeout_s
    while True:
        remaining_ms = max(1000.0, (deadline - time.perf_counter()) * 1000)
        page.wait_for_function(RENDERED_JS, polling=50, timeout=remaining_ms)
        seen = time.perf_counter()
        page.wait_for_timeout(settle_s * 1000)
        if page.evaluate(RENDERED_JS):
            return seen
        if time.perf_counter() > deadline:
            raise TimeoutError("Streamlit kept re-running the page")


# ---------------------------------------------------------------- benchmark

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


# ---------------------------------------------------------------- screenshots

SCREENSHOTS = {"scorecard": "/", "programme": "/programma"}
MAX_PNG_BYTES = 400_000
FULL_HEIGHT_JS = """() => Math.ceil(Math.max(document.documentElement.scrollHeight,
  ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
    .map(e => e.scrollHeight)))"""


def screenshots(out_dir: Path = ROOT / "docs" / "screenshots", lang: str = "nl") -> list[Path]:
    """Full-page PNGs (1400x1000 viewport) of the scorecard and the programme page on demo data."""
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="monitor-shots-") as tmp:
        data = prepare_demo_data(Path(tmp) / "data")
        with serving(ROOT / "dashboard.py", data, log_dir=Path(tmp)) as server, sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                for name, path in SCREENSHOTS.items():
                    query = f"?lang={lang}" if lang != "nl" else ""
                    page.set_viewport_size({"width": 1400, "height": 1000})
                    page.goto(server.url + path + query)
                    wait_rendered(page)
                    if page.locator('[data-testid="stException"]').count():
                        raise RuntimeError(f"{path} shows an exception; not taking a screenshot")
                    # Streamlit scrolls inside its main section, not the document, so a "full page"
                    # screenshot would stop at the viewport: grow the viewport to the content first.
                    height = page.evaluate(FULL_HEIGHT_JS)
                    page.set_viewport_size({"width": 1400, "height": max(1000, height)})
                    wait_rendered(page)
                    target = out_dir / f"{name}.png"
                    target.write_bytes(_small_png(page.screenshot(full_page=True, animations="disabled")))
                    written.append(target)
                context.close()
            finally:
                browser.close()
    return written


def _small_png(png: bytes) -> bytes:
    """Quantise to a 256-colour palette (Pillow ships with Streamlit) to keep the PNG small."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        small = img.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                            dither=Image.Dither.NONE)
        buf = io.BytesIO()
        small.save(buf, format="PNG", optimize=True)
    return buf.getvalue() if buf.tell() < len(png) else png


# ---------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m monitor.uibench", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    b = sub.add_parser("bench", help="measure render time and server latency (the default)")
    b.add_argument("-n", type=int, default=5, help="page loads per page after one warm-up (default 5)")
    b.add_argument("--out", type=Path, default=ROOT / "bench-results")
    s = sub.add_parser("screenshots", help="write docs/screenshots/*.png from the demo data")
    s.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    s.add_argument("--lang", default="nl", choices=["nl", "en"])
    args = parser.parse_args(argv)
    if chromium_problem():
        print(chromium_problem(), file=sys.stderr)
        return 2
    if args.command == "screenshots":
        for path in screenshots(args.out, args.lang):
            size = path.stat().st_size
            flag = "" if size < MAX_PNG_BYTES else f"  (over {MAX_PNG_BYTES // 1000} KB!)"
            print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {size // 1000} KB{flag}")
        return 0
    result = benchmark(getattr(args, "n", 5), getattr(args, "out", ROOT / "bench-results"))
    print(markdown(result))
    return 0  # a measurement, not a gate: the targets are reported, not enforced


if __name__ == "__main__":
    raise SystemExit(main())
