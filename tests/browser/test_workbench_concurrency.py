"""A slow workbench query in one session does not block another session's page (real server)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from monitor import i18n, programme
from tests.browser import harness
from tests.conftest import ROOT

RUNNING_JS = """() => document.querySelector('[data-testid="stApp"]')
    ?.getAttribute('data-test-script-state') === 'running'"""


@pytest.mark.browser
def test_slow_query_does_not_block_another_session(browser, demo_settings, tmp_path: Path) -> None:
    pf = programme.load_programme(demo_settings.programme_file)
    first_programme = i18n.pick(next(iter(pf.programmes.values())).title, "nl")  # a scorecard heading
    data = tmp_path / "data"
    shutil.copytree(demo_settings.data_dir, data, copy_function=shutil.copy2,
                    ignore=shutil.ignore_patterns("*.lock", "*.tmp"))
    # far past the 20 s limit on any machine (a plain self-join finishes in ~12 s on 2 idle cores)
    slow = "SELECT count(*) FROM early_signals a, early_signals b, range(1000) c"
    with harness.serving(ROOT / "dashboard.py", data, log_dir=tmp_path,
                         env={"MONITOR_QUERY_TIMEOUT": "20", "MONITOR_WORKBENCH": "1",
                              # the wall-clock limit is what this test ends on: the worker's CPU-time
                              # limit (two DuckDB threads use two CPU-seconds a second) set above it
                              "MONITOR_WORKER_CPU": "600"}) as server:
        ctx_one, ctx_two = browser.new_context(), browser.new_context()
        try:
            # the engine's first computation of the scorecard (cold caches) is not what this test is
            # about: one visit first, so the timed visit below measures waiting for the other session
            warm = ctx_two.new_page()
            warm.goto(f"{server.url}/")
            warm.get_by_text(first_programme, exact=True).first.wait_for(timeout=120_000)
            harness.wait_rendered(warm, timeout_s=120)
            warm.close()
            one = ctx_one.new_page()
            one.goto(f"{server.url}/werkbank")
            harness.wait_rendered(one)
            one.locator(".st-key-wb_plain label").click()  # the plain box (the code editor has its own test)
            harness.wait_rendered(one)
            one.locator(".st-key-wb_sql textarea").fill(slow)
            one.locator(".st-key-wb_run button").click()
            one.wait_for_function(RUNNING_JS, timeout=10_000)  # session 1 is running its query
            started = time.monotonic()
            two = ctx_two.new_page()
            two.goto(f"{server.url}/")
            two.get_by_text(first_programme, exact=True).first.wait_for(timeout=15_000)
            harness.wait_rendered(two, timeout_s=15)
            waited = time.monotonic() - started
            assert waited < 15, f"the home page took {waited:.1f} s while a slow query ran"
            # session 1 is still busy with its query: the home page did not wait for it to finish
            assert one.evaluate(RUNNING_JS)
            stopped = i18n.t("err_query_timeout", "nl", seconds="20").split(".")[0]  # the page is Dutch
            one.get_by_text(stopped).wait_for(timeout=40_000)
        finally:
            ctx_one.close()
            ctx_two.close()
