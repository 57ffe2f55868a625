"""Real browsers beside the load (issue 13): while the readers run, Chromium sessions open every
page and check that it still renders.

The load client measures the protocol; only a browser shows that a page a reader would see is
whole under that load: the app connected, the run finished, every chart drawn, no exception
element. Each browser is its own context (own cookies, so nginx may route it to either server)
and walks every page in turn, with the readers' filters, until the phase ends, at least once.
Playwright's sync API runs in a thread per browser so the readers' event loop keeps going.
"""

from __future__ import annotations

import random
import time
import urllib.parse
from dataclasses import dataclass, field

from benchmarks.load import scenarios

TIMEOUT_S = 120.0  # a render slower than this under load is reported as a failure


@dataclass
class Render:
    page: str
    query: str
    seconds: float
    problem: str | None = None  # None: rendered, no exception shown


@dataclass
class BrowserRun:
    renders: list[Render] = field(default_factory=list)
    problem: str | None = None  # the browser itself failed (start, crash)


def walk_pages(url: str, pages: list[str], choices: scenarios.Choices, *, seed: int, until: float,
               timeout_s: float = TIMEOUT_S) -> BrowserRun:
    """One Chromium session through every page until `until` (time.monotonic()), at least one round."""
    from playwright.sync_api import sync_playwright

    from tests.browser.harness import launch_chromium, wait_rendered

    run, rng = BrowserRun(), random.Random(seed)
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:
                page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
                rounds = 0
                while rounds == 0 or time.monotonic() < until:
                    for path in pages:
                        query = choices.query(path, rng)
                        run.renders.append(_render(page, url, path, query, timeout_s, wait_rendered))
                    rounds += 1
            finally:
                browser.close()
    except Exception as exc:  # a browser that cannot start or crashes is a finding, not a crash of the run
        run.problem = f"{type(exc).__name__}: {exc}"
    return run


def _render(page, url: str, path: str, query: str, timeout_s: float, wait_rendered) -> Render:
    target = urllib.parse.urljoin(url.rstrip("/") + "/", path) + (f"?{query}" if query else "")
    started = time.perf_counter()
    try:
        page.goto(target, wait_until="domcontentloaded", timeout=timeout_s * 1000)
        done = wait_rendered(page, timeout_s=timeout_s)
    except Exception as exc:  # a time-out or a navigation error on one page: record it, go on
        return Render(path, query, time.perf_counter() - started, f"{type(exc).__name__}: {exc}"[:300])
    shown = page.locator('[data-testid="stException"]').all_inner_texts()
    problem = ("exception shown: " + shown[0][:300]) if shown else None
    if problem is None and not page.locator("h1").count():
        problem = "no page heading"
    return Render(path, query, done - started, problem)


def failures(runs: list[BrowserRun]) -> int:
    """Renders that failed, and browsers that did not run: each counts as an error of the plan."""
    return sum(bool(r.problem) for run in runs for r in run.renders) + sum(bool(run.problem) for run in runs)


def section(runs: list[BrowserRun], during: str) -> str:
    """A paragraph for docs/load.md: what the browsers saw during the phase."""
    renders = [r for run in runs for r in run.renders]
    failed = [r for r in renders if r.problem]
    broken = [run.problem for run in runs if run.problem]
    slowest = max(renders, key=lambda r: r.seconds, default=None)
    pages = sorted({r.page or "home" for r in renders})
    sessions = f"{len(runs)} Chromium session" + ("" if len(runs) == 1 else "s")
    text = (f"**Browsers during {during}**: {sessions}, {len(renders)} page renders "
            f"over {len(pages)} pages, {len(failed)} failed")
    if slowest is not None:
        text += f", slowest {slowest.seconds:.1f} s ({slowest.page or 'home'}"
        text += f"?{slowest.query})" if slowest.query else ")"
    lines = [text]
    lines += [f"- {r.page or 'home'}?{r.query}: {r.problem}" for r in failed[:10]]
    lines += [f"- a browser failed: {p}" for p in broken]
    return "\n".join(lines)
