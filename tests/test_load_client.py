"""The load client speaks Streamlit's protocol: every page runs to `script_finished` through it,
a broken page is reported as an error, and the short load form passes against a real server."""

from __future__ import annotations

import asyncio
import concurrent.futures
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.load import browsers, report, scenarios
from benchmarks.load.__main__ import main as load_main
from benchmarks.load.run import slope_mb_per_hour
from deploy.stclient import Session, View
from monitor.settings import ROOT
from tests.browser.harness import serving

PAGES = scenarios.page_paths()


@pytest.fixture(scope="module")
def app_url(demo_settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a copy of the built demo data (the server stores disclosure patterns beside it)."""
    from monitor.precompute import protect_all

    protect_all(demo_settings)
    data = tmp_path_factory.mktemp("load") / "data"
    shutil.copytree(demo_settings.data_dir, data, copy_function=shutil.copy2,
                    ignore=shutil.ignore_patterns("*.lock", "*.tmp"))
    with serving(ROOT / "dashboard.py", data) as server:
        yield server.url


def _outside_loop(fn, *args, **kwargs):
    """Call `fn` on a thread of its own: in the whole suite the browser tests' Playwright (sync API)
    keeps an event loop running on the main thread, where asyncio.run and a second sync Playwright
    refuse to start (as the load script runs its browsers, on threads)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def _views(url: str, steps: list[tuple[str, str]]) -> list[View]:
    async def go() -> list[View]:
        async with Session(url, timeout=90) as s:
            return [await s.view(page, query) for page, query in steps]
    return _outside_loop(asyncio.run, go())


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "home")
def test_every_page_runs_to_script_finished(app_url: str, page: str) -> None:
    """The default view and a filtered one (in English, moving within the app by page hash)."""
    import random

    query = scenarios.Choices.of().query(page, random.Random(3)) + "&lang=en"
    first, moved = _views(app_url, [(page, ""), (page, query.lstrip("&"))])
    for view in (first, moved):
        assert view.ok, f"{page or 'home'}?{view.query}: {view.errors}"
        assert view.first is not None and 0 < view.first <= view.total
        assert view.messages > 2 and view.nbytes > 1000  # a title, a sidebar: not just the run's frame


def test_message_cache_is_kept_and_used(app_url: str) -> None:
    """The second view of a page lists the hashes it holds; the server then sends references,
    which the client resolves (a missing one would be an error): fewer bytes for the same page."""
    first, again = _views(app_url, [("programma", ""), ("programma", "")])  # its charts are large
    assert first.ok and again.ok
    assert again.nbytes < first.nbytes


def test_broken_page_is_an_error(tmp_path: Path) -> None:
    app = tmp_path / "broken.py"
    app.write_text("import streamlit as st\nst.title('before')\nraise ValueError('the page broke here')\n")
    with serving(app, tmp_path) as server:
        (view,) = _views(server.url, [("", "")])
    assert not view.ok
    assert any("the page broke here" in e for e in view.errors), view.errors


def test_short_form_passes(app_url: str, tmp_path: Path) -> None:
    """What CI runs: 8 readers for 20 s, no error; the figures land in their section of the file."""
    out = tmp_path / "load.md"
    out.write_text("# Load\n\nkept text\n")
    assert _outside_loop(load_main, ["short", "--url", app_url, "--out", str(out)]) == 0
    text = out.read_text()
    assert "kept text" in text and "<!-- load:short -->" in text and "errors 0" in text


def test_readers_plan_checks_every_page_in_a_browser(app_url: str, tmp_path: Path) -> None:
    """During the last level a Chromium session opens every page (scanned from pages/) and finds
    each rendered, without an exception; the section says so."""
    out = tmp_path / "load.md"
    argv = ["readers", "--url", app_url, "--levels", "2", "--seconds", "5", "--browsers", "1",
            "--out", str(out)]
    assert _outside_loop(load_main, argv) == 0
    text = out.read_text()
    assert ("**Browsers during the 2 readers**: 1 Chromium session, " in text
            and f"over {len(PAGES)} pages, 0 failed" in text), text


def test_a_broken_page_fails_the_browser_check(tmp_path: Path) -> None:
    app = tmp_path / "broken.py"
    app.write_text("import streamlit as st\nst.title('before')\nraise ValueError('the page broke here')\n")
    with serving(app, tmp_path) as server:
        run = _outside_loop(browsers.walk_pages, server.url, [""], scenarios.Choices((), (), ()),
                            seed=1, until=0)
    assert run.problem is None and len(run.renders) == 1
    assert "exception shown" in run.renders[0].problem and "the page broke here" in run.renders[0].problem
    assert browsers.failures([run]) == 1
    assert "1 page renders over 1 pages, 1 failed" in browsers.section([run], "a test")


def test_percentile_by_nearest_rank() -> None:
    values = [5.0, 1.0, 4.0, 2.0, 3.0, 10.0, 6.0, 7.0, 8.0, 9.0]
    assert report.pct(values, 0.5) == 5.0  # rank ceil(0.5 * 10) = 5
    assert report.pct(values, 0.95) == 10.0  # rank ceil(9.5) = 10
    assert report.pct([], 0.5) is None


def test_memory_slope() -> None:
    # 1 MB every 60 s: 60 MB per hour
    points = [(60.0 * i, 400_000_000 + 1_000_000 * i) for i in range(5)]
    assert slope_mb_per_hour(points) == pytest.approx(60.0)
    assert slope_mb_per_hour(points[:2]) is None


def test_sections_are_rewritten_in_place(tmp_path: Path) -> None:
    path = tmp_path / "load.md"
    report.write_section(path, "a", "one")
    report.write_section(path, "b", "two")
    report.write_section(path, "a", "three")
    text = path.read_text()
    assert "one" not in text and text.index("three") < text.index("two")


def test_soak_section_separates_the_warm_up_from_the_settled_slope() -> None:
    from benchmarks.load.run import Phase

    phase = Phase("soak", 25)
    phase.seconds = 1800
    # worked by hand: +1 MB every 30 s for the first five minutes (10 readings), then flat at 410 MB
    points = [(30.0 * i, (400 + min(i, 10)) * 1_000_000) for i in range(61)]
    text = report.soak_section(phase, {1: points})
    assert "400 MB at the start, peak 410 MB, 410 MB at the end" in text
    assert "0.0 MB/hour after the first 5 minutes" in text
    assert "every 5 minutes: 400, 410, 410, 410, 410, 410, 410 MB" in text


# ---------------------------------------------------------------- warming a server (deploy/warm.py)


def test_warm_views_cover_every_page_programme_term_and_indicator_in_both_languages() -> None:
    """Counted from programme.yaml, the pages folder and the query files themselves."""
    import yaml

    from deploy import warm

    raw = yaml.safe_load((ROOT / "programme.yaml").read_text(encoding="utf-8"))
    n_terms, n_programmes = len(raw["terms"]), len(raw["programmes"])
    n_pages = 1 + len(list((ROOT / "pages").glob("[0-9]*_*.py")))
    series = [p for p in (ROOT / "queries").glob("*.sql") if "shape: cohort" not in p.read_text()]
    wanted = warm.views()
    per_lang = n_pages + n_terms + n_programmes * n_terms + len(series)
    assert len(wanted) == 2 * per_lang
    assert {page for page, _ in wanted} == set(PAGES)
    assert sum("lang=en" in q for _, q in wanted) == per_lang
    assert ("programma", f"programma={raw['programmes'][0]['id']}&term={raw['terms'][0]['id']}") in wanted


def test_warm_up_views_every_page_of_a_running_server_without_an_error(app_url: str) -> None:
    from deploy import warm

    (result,) = _outside_loop(warm.warm, [app_url], wait=30)
    assert result.errors == [] and len(result.views) == len(warm.views())
    assert all(v.total is not None for v in result.views)
    assert result.line().startswith(f"warmed {app_url}: {len(result.views)} views in ")


def test_warm_up_of_a_server_that_never_answers_says_so() -> None:
    from deploy import warm
    from deploy.cluster import free_port

    url = f"http://127.0.0.1:{free_port()}"
    (result,) = warm.warm([url], wait=1)
    assert result.errors == ["home?: not healthy within 1 s"]


def test_a_cluster_warms_each_server_before_nginx_takes_readers(demo_settings, tmp_path: Path) -> None:
    """`scripts/serve.sh` starts its servers this way: each warmed on its own address, no view failed."""
    from deploy import render, warm
    from deploy.cluster import Cluster

    if not render.NGINX.is_file():
        pytest.skip("nginx is not installed (Debian's nginx package)")
    data = tmp_path / "data"
    shutil.copytree(demo_settings.data_dir, data, copy_function=shutil.copy2,
                    ignore=shutil.ignore_patterns("*.lock", "*.tmp"))
    with Cluster(data, 1, workdir=tmp_path / "cluster", warm=True) as cluster:
        assert len(cluster.warmed) == 1
        expected = f"warmed {cluster.backends[0].url}: {len(warm.views())} views in "
        assert cluster.warmed[0].startswith(expected)
        assert "failed" not in cluster.warmed[0]
