"""Live Streamlit servers and headless Chromium: the harness the browser tests (and the UI benchmark) use.

Kept beside the browser tests because that is what it serves: a server in its own process
group on a free port of 127.0.0.1, Debian's chromium driven through Playwright (never
`playwright install`), and a wait that knows when Streamlit has finished drawing a page.
Playwright is a development dependency; it is imported only where a browser is driven.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.settings import ROOT

CHROMIUM = Path(os.environ.get("MONITOR_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

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
                 env: dict[str, str] | None = None, port: int | None = None,
                 args: list[str] | None = None) -> Server:
    """Serve `script` on a free port of 127.0.0.1 (cwd: the repository, so its .streamlit/config.toml
    applies) with MONITOR_DATA_DIR=`data_dir`; return once /_stcore/health answers "ok".

    port: a port chosen beforehand (an OIDC redirect URI names it); args: more `streamlit run`
    options (e.g. `--secrets.files`)."""
    port = port or free_port()
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="monitor-server-"))
    log = log_dir / f"streamlit-{port}.log"
    full_env = {**os.environ, "MONITOR_DATA_DIR": str(data_dir), **(env or {})}
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *(args or []),
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
    """`start_server` for a block: the server's process group ends however the block ends."""
    server = start_server(script, data_dir, **kwargs)
    try:
        yield server
    finally:
        server.stop()


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
