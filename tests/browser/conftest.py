"""Browser-test fixtures: live Streamlit servers on 127.0.0.1 and Debian's headless Chromium.

- `browser_data`: a copy of the session's demo extracts *and* built catalog (tests/conftest.py),
  so a server never generates or builds data itself.
- `fresh_server` (per test) for "first request on a fresh server"; `server` (per module) otherwise.
  Both yield the base URL and end the server's whole process group afterwards.
- `browser` (per session): /usr/bin/chromium through Playwright; a missing chromium fails, not skips.
- `app` (per test): an `AppPage` in a new browser context that records console errors, page
  errors and every request URL; requests to anything but 127.0.0.1 are recorded and aborted.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from monitor.settings import ROOT
from tests.browser import harness

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob", "about"}
VIEWPORT = {"width": 1400, "height": 1000}


# ---------------------------------------------------------------- data and servers


@pytest.fixture(scope="session")
def browser_data(demo_settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo extracts plus the built catalog and its stored disclosure patterns (as `monitor build`
    leaves them), copied (modification times kept, so no rebuild)."""
    from monitor.precompute import protect_all

    protect_all(demo_settings)
    dst = tmp_path_factory.mktemp("browser") / "data"
    shutil.copytree(demo_settings.data_dir, dst, copy_function=shutil.copy2,
                    ignore=shutil.ignore_patterns("*.lock", "*.tmp"))
    assert (dst / ".catalog").is_dir(), f"no built catalog in {dst}"
    return dst


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the item, so a server fixture can show its log on failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _serve(data: Path, log_dir: Path) -> harness.Server:
    try:
        return harness.start_server(ROOT / "dashboard.py", data, log_dir=log_dir)
    except RuntimeError as exc:
        pytest.fail(f"could not start the Streamlit server: {exc}")


def _show_log_if_failed(node: pytest.Item | None, server: harness.Server) -> None:
    rep = getattr(node, "rep_call", None) if node is not None else None
    if rep is not None and rep.failed:
        print(f"---- server log ({server.url}) ----\n{server.log_text()[-6000:]}")


@pytest.fixture
def fresh_server(browser_data: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A new server for this test only: the test's first request is the server's first request."""
    server = _serve(browser_data, tmp_path)
    yield server.url
    server.stop()
    _show_log_if_failed(request.node, server)


@pytest.fixture(scope="module")
def server(browser_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server shared by the tests of a module."""
    srv = _serve(browser_data, tmp_path_factory.mktemp("server"))
    yield srv.url
    srv.stop()


# ---------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    problem = harness.chromium_problem()
    if problem:
        pytest.fail(problem, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = harness.launch_chromium(pw)
        yield chromium
        chromium.close()


@dataclass
class AppPage:
    """A Playwright page on the app plus everything it reported while the test ran."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def open(self, base_url: str, path: str = "/") -> AppPage:
        self.page.goto(base_url + path)
        return self.wait()

    def wait(self) -> AppPage:
        """Until Streamlit finished running and drawing (no "Running...", no spinner)."""
        harness.wait_rendered(self.page)
        return self

    def exceptions(self) -> list[str]:
        return self.page.locator('[data-testid="stException"]').all_inner_texts()

    def foreign_requests(self) -> list[str]:
        """Requests that would leave this machine."""
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if parts.hostname not in LOCAL_HOSTS:
                out.append(url)
        return out

    def assert_clean(self) -> None:
        """No exception element, no page error, no console error, nothing fetched from elsewhere."""
        problems = []
        if excs := self.exceptions():
            problems.append("exception shown:\n" + "\n".join(excs))
        if self.page_errors:
            problems.append("page errors:\n" + "\n".join(self.page_errors))
        if self.console_errors:
            problems.append("console errors:\n" + "\n".join(self.console_errors))
        if foreign := self.foreign_requests():
            problems.append("requests leaving 127.0.0.1:\n" + "\n".join(foreign))
        assert not problems, f"{self.page.url}\n" + "\n\n".join(problems)

    def heading(self, text: str, level: int = 1):
        return self.page.get_by_role("heading", name=text, level=level)

    def sidebar(self):
        return self.page.locator('[data-testid="stSidebar"]')


_NOT_LOCAL = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)(:\d+)?/)(https?|wss?|ftp)://")


# Streamlit's frontend, opened on a page path such as /programma, first looks for its server
# under that path (/programma/_stcore/health and /host-config), gets a 404 and then uses the
# root. The browser logs each 404 as a console error. That is Streamlit's own base-path probe,
# not the app; only exactly these two URLs one level below the root are ignored.
_PATH_PROBE = re.compile(r"^http://127\.0\.0\.1:\d+/[a-z0-9_]+/_stcore/(health|host-config)$")


def _streamlit_path_probe(message) -> bool:
    return "404" in message.text and bool(_PATH_PROBE.match(message.location.get("url", "")))


@pytest.fixture
def app(browser) -> Iterator[AppPage]:
    """A fresh browser context and page; what it requested and logged is on the `AppPage`."""
    context = browser.new_context(viewport=VIEWPORT)
    context.route(_NOT_LOCAL, lambda route: route.abort())  # recorded below, never fetched
    page = context.new_page()
    page.set_default_timeout(60_000)
    app_page = AppPage(page)
    page.on("console", lambda m: app_page.console_errors.append(f"{m.text} @ {m.location.get('url')}")
            if m.type == "error" and not _streamlit_path_probe(m) else None)
    page.on("pageerror", lambda e: app_page.page_errors.append(str(e)))
    page.on("request", lambda r: app_page.requests.append(r.url))
    page.on("websocket", lambda ws: app_page.requests.append(ws.url))
    yield app_page
    context.close()

