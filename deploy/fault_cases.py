"""The four faults of docs/faults.md as checks on a running cluster, seen from Chromium.

`Faults` holds the cluster and the browser; each method causes one fault and returns a `Result`
(named checks and measured numbers). The page a session looks at is the sources page, which names
the catalog file; every page names "data up to": the pair says which catalog a page run used.
Run by `python -m deploy.faults`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from deploy import render
from deploy.cluster import Backend, Cluster

FILE = re.compile(r"catalog-\d{8}T\d{6}-[0-9a-f]{6}\.duckdb")
PAGE = "/bronnen?lang=en"  # the sources page names the catalog file; every page names "data up to"
DISCONNECTED = ("() => document.querySelector('[data-testid=\"stApp\"]')"
                "?.getAttribute('data-test-connection-state') !== 'CONNECTED'")


# ---------------------------------------------------------------- the catalog as a page should show it


@dataclass(frozen=True)
class Shown:
    """One page run as the browser drew it: the catalog file and the "data up to" date."""

    file: str | None
    as_of: str | None
    error: bool = False

    def __str__(self) -> str:
        return "error" if self.error else f"{self.file} / {self.as_of}"


def expected(data_dir: Path) -> Shown:
    """The pair the current manifest stands for, worded as the English page words it."""
    from monitor import i18n

    report = json.loads((data_dir / ".catalog" / "manifest.json").read_text())["report"]
    ends = [e["period"][1] for e in report["extracts"] if e.get("period") and e["name"] != "areas"]
    return Shown(report["database"], i18n.date(dt.date.fromisoformat(max(ends)), "en"))


def shown(page) -> Shown:
    """What the rendered page says (call after `wait_rendered`)."""
    text = page.locator('[data-testid="stApp"]').inner_text()
    if page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count():
        return Shown(None, None, error=True)
    found = FILE.search(text)
    as_of = re.search(r"Data up to ([^·\n]+)", text)
    return Shown(found.group(0) if found else None, as_of.group(1).strip() if as_of else None)


# ---------------------------------------------------------------- the run


@dataclass
class Result:
    fault: str
    checks: list[tuple[str, bool]] = field(default_factory=list)
    numbers: dict[str, object] = field(default_factory=dict)

    def check(self, what: str, ok: bool) -> bool:
        self.checks.append((what, bool(ok)))
        return bool(ok)

    @property
    def ok(self) -> bool:
        return all(ok for _, ok in self.checks)


class Faults:
    """The set-up and the browser; one method per fault."""

    def __init__(self, cluster: Cluster, browser, log: Callable[[str], None]) -> None:
        self.cluster = cluster
        self.browser = browser
        self.log = log
        self.data_dir = cluster.data_dir
        self.env = {**os.environ, "MONITOR_DATA_DIR": str(self.data_dir)}

    # ---- helpers

    def session(self, path: str = PAGE):
        from tests.browser import harness

        context = self.browser.new_context(viewport={"width": 1300, "height": 900})
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.goto(self.cluster.url + path)
        harness.wait_rendered(page, timeout_s=180)
        return context, page

    def rerun(self, page) -> Shown:
        from tests.browser import harness

        page.goto(self.cluster.url + PAGE)
        harness.wait_rendered(page, timeout_s=180)
        return shown(page)

    def backend_of(self, context) -> Backend:
        """The server nginx routes this browser to (its route cookie, asked through nginx)."""
        route = next(c["value"] for c in context.cookies() if c["name"] == render.ROUTE_COOKIE)
        req = urllib.request.Request(self.cluster.url + "/_stcore/health",
                                     headers={"Cookie": f"{render.ROUTE_COOKIE}={route}"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return self.cluster.backend_at(resp.headers[render.UPSTREAM_HEADER])

    def build(self, **kwargs) -> subprocess.Popen:
        return subprocess.Popen(render.build_command(), cwd=render.ROOT, env=self.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                                **kwargs)

    def build_now(self) -> subprocess.CompletedProcess:
        return subprocess.run(render.build_command(), cwd=render.ROOT, env=self.env, capture_output=True,
                              text=True)

    def deliver(self, folder: Path) -> None:
        """A delivery: each extract written beside the data folder's and renamed over it (atomic per file)."""
        for src in sorted(folder.glob("*.parquet")):
            tmp = self.data_dir / f".{src.name}.incoming"
            shutil.copy2(src, tmp)
            os.utime(tmp)  # delivered now: a new modification time, as a copy made today has
            os.replace(tmp, self.data_dir / src.name)

    # ---- 1. a server killed mid-session

    def kill_server(self) -> Result:
        from tests.browser import harness

        res = Result("server killed mid-session")
        context, page = self.session()
        try:
            before = shown(page)
            victim = self.backend_of(context)
            res.check("the page is drawn through nginx", before == expected(self.data_dir))
            started = time.perf_counter()
            self.cluster.kill(victim)
            page.wait_for_function(DISCONNECTED, timeout=30_000)
            harness.wait_rendered(page, timeout_s=120)
            seconds = round(time.perf_counter() - started, 1)
            res.numbers["seconds from the kill to the page drawn again"] = seconds
            after = shown(page)
            res.check("the same page is shown again, without an error", after == before)
            res.check("the browser is now on the other server", self.backend_of(context) is not victim)
        finally:
            context.close()
        started = time.perf_counter()
        self.cluster.restart(victim)
        res.numbers["seconds to restart the killed server"] = round(time.perf_counter() - started, 1)
        return res

    # ---- 2. a delivery while sessions are on the pages

    def delivery(self, folder: Path, sessions: int) -> Result:
        res = Result("delivery during use")
        old = expected(self.data_dir)
        opened = [self.session() for _ in range(sessions)]
        try:
            res.numbers["sessions"] = sessions
            res.numbers["servers the sessions were on"] = len({self.backend_of(c).port for c, _ in opened})
            self.deliver(folder)
            started = time.perf_counter()
            build = self.build()
            runs: list[Shown] = []
            first_new: float | None = None
            while build.poll() is None:
                for _, page in opened:
                    runs.append(self.rerun(page))
                    if first_new is None and runs[-1].file not in (old.file, None):
                        first_new = time.perf_counter() - started
            res.numbers["build seconds (all of monitor build)"] = round(time.perf_counter() - started, 1)
            if first_new is not None:
                res.numbers["seconds until a page showed the new catalog"] = round(first_new, 1)
            res.check("the build succeeded", build.returncode == 0)
            new = expected(self.data_dir)
            res.check("the new delivery made a different catalog",
                      new.file != old.file and new.as_of != old.as_of)
            res.numbers["page runs during the build"] = len(runs)
            res.numbers["of which the old catalog"] = sum(r == old for r in runs)
            res.numbers["of which the new catalog"] = sum(r == new for r in runs)
            mixed = [str(r) for r in runs if r not in (old, new)]
            res.numbers["mixed or failed page runs"] = len(mixed)
            res.check("every page run showed the old or the new catalog, never a mix"
                      + (": " + "; ".join(mixed[:3]) if mixed else ""), not mixed)
            after = [self.rerun(page) for _, page in opened]
            res.check("after the build every session shows the new data", all(a == new for a in after))
        finally:
            for context, _ in opened:
                context.close()
        return res

    # ---- 3. a build killed half-way

    def killed_build(self, folder: Path, after: str) -> Result:
        """`after`: "load" (while the extracts load into the new file) or "swap" (right after the
        manifest names the new file, while the build still computes the disclosure patterns)."""
        res = Result(f"build killed half-way ({after})")
        old = expected(self.data_dir)
        self.deliver(folder)
        build = self.build()
        catalog_dir = self.data_dir / ".catalog"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and build.poll() is None:
            if after == "load" and any(catalog_dir.glob(".catalog-*.duckdb.tmp")):
                time.sleep(1.0)
                break
            if after == "swap" and expected(self.data_dir).file != old.file:
                break
            time.sleep(0.05)
        res.check(f"the build was still running at the kill point ({after})", build.poll() is None)
        os.killpg(build.pid, signal.SIGKILL)
        build.wait()
        in_use = expected(self.data_dir)
        if after == "load":
            res.check("the previous catalog is still the one in use", in_use == old)
        else:
            res.check("the new catalog, swapped in before the kill, is in use", in_use.file != old.file)
        context, page = self.session()
        try:
            res.check("a page shows the catalog in use, without an error", shown(page) == in_use)
        finally:
            context.close()
        res.numbers["half-written files left by the kill"] = len(list(catalog_dir.glob(".catalog-*.tmp*")))
        started = time.perf_counter()
        again = self.build_now()
        res.numbers["next build seconds"] = round(time.perf_counter() - started, 1)
        res.check("the next build succeeds", again.returncode == 0)
        res.check("and leaves no half-written file", not list(catalog_dir.glob(".catalog-*.tmp*")))
        context, page = self.session()
        try:
            res.check("pages show the catalog of the next build", shown(page) == expected(self.data_dir))
        finally:
            context.close()
        return res

    # ---- 4. a corrupt manifest or catalog file

    def corrupt(self, what: str) -> Result:
        res = Result(f"corrupt {what}")
        catalog_dir = self.data_dir / ".catalog"
        before = expected(self.data_dir)
        if what == "manifest":
            (catalog_dir / "manifest.json").write_text('{"fingerprint": "', encoding="utf-8")
        else:  # bytes in the middle of the file in use changed, its size kept
            path = catalog_dir / before.file
            with path.open("r+b") as fh:
                fh.seek(path.stat().st_size // 2)
                chunk = fh.read(4096)
                fh.seek(path.stat().st_size // 2)
                fh.write(bytes(b ^ 0xFF for b in chunk))
        context, page = self.session()
        try:
            during = shown(page)
            res.numbers["a page meanwhile shows"] = "the last good catalog" if during == before \
                else str(during)
        finally:
            context.close()
        started = time.perf_counter()
        build = self.build_now()
        res.numbers["build seconds"] = round(time.perf_counter() - started, 1)
        res.check("the build succeeds", build.returncode == 0)
        res.check("the damage was detected: the build wrote a new catalog (the extracts are unchanged)",
                  "Built catalog-" in build.stderr and expected(self.data_dir).file != before.file)
        context, page = self.session()
        try:
            res.check("pages show the new catalog", shown(page) == expected(self.data_dir))
        finally:
            context.close()
        return res
