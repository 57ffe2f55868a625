"""Two Streamlit servers behind nginx (the configuration deploy/render.py renders), seen from Chromium.

Pages are drawn through the proxy (WebSocket upgraded), browsers spread over the servers and each
stays on its own for every request, the stream included (nginx's access log names the server per
request and route cookie), and sign-in with the local identity provider works through nginx.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy import render
from deploy.cluster import Cluster, free_port
from monitor.i18n import t
from tests.browser.test_sign_in import ACCESS, _sign_out, provider  # noqa: F401 (the fixture)

# a line of the trial configuration's access log (deploy/nginx/test-main.conf, log_format monitor)
LOG_LINE = re.compile(r'"GET (?P<path>\S+) HTTP/1\.1" (?P<status>\d+) '
                      r'upstream=(?P<up>\S*) route=(?P<route>\S*)')


def _requests(cluster: Cluster) -> list[dict[str, str]]:
    log = cluster.workdir / "nginx" / "access.log"
    return [m.groupdict() for m in map(LOG_LINE.search, log.read_text().splitlines()) if m]


@pytest.fixture(scope="module")
def cluster(browser_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not render.NGINX.is_file():
        pytest.fail("nginx not found at /usr/sbin/nginx: scripts/test.sh installs Debian's package",
                    pytrace=False)
    with Cluster(browser_data, 2, workdir=tmp_path_factory.mktemp("cluster")) as running:
        yield running


def test_browsers_spread_over_the_servers_and_each_stays_on_its_own(browser, cluster: Cluster) -> None:
    from tests.browser import harness

    contexts, routes = [], {}
    try:
        for _ in range(12):  # until both servers have a browser (each new browser: a fair coin)
            context = browser.new_context(viewport={"width": 1300, "height": 900})
            page = context.new_page()
            page.goto(cluster.url + "/bronnen?lang=en")
            harness.wait_rendered(page)
            assert page.get_by_role("heading", name=t("page_bronnen", "en"), level=1).is_visible()
            contexts.append(context)
            routes[next(c["value"] for c in context.cookies() if c["name"] == render.ROUTE_COOKIE)] = page
            page.goto(cluster.url + "/?lang=en")  # a second page in the same browser
            harness.wait_rendered(page)
            served = {r["route"]: r["up"] for r in _requests(cluster) if r["route"] in routes}
            if len(set(served.values())) == 2:
                break
    finally:
        for context in contexts:
            context.close()  # closes the WebSockets: nginx logs them now
    by_route: dict[str, set[str]] = {}
    streams = set()
    for r in _requests(cluster):
        if r["route"] in routes:
            by_route.setdefault(r["route"], set()).add(r["up"])
            if r["path"] == "/_stcore/stream":
                assert r["status"] == "101", r  # upgraded to a WebSocket through nginx
                streams.add(r["route"])
    assert streams == set(routes)
    assert all(len(ups) == 1 for ups in by_route.values()), by_route  # each browser stayed on one server
    assert {next(iter(u)) for u in by_route.values()} == {b.address for b in cluster.backends}


def test_sign_in_through_nginx(app, provider: str, browser_data: Path, tmp_path: Path) -> None:  # noqa: F811
    """The whole OIDC round trip (login, the provider's form, /oauth2callback) through the proxy, with
    the redirect URI on nginx's address and the same secrets on both servers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        f'[auth]\nredirect_uri = "{url}/oauth2callback"\ncookie_secret = "{os.urandom(24).hex()}"\n'
        'client_id = "uitkomstenmonitor"\nclient_secret = "test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n', encoding="utf-8")
    (tmp_path / "access.yaml").write_text(ACCESS, encoding="utf-8")
    env = {"MONITOR_ACCESS": str(tmp_path / "access.yaml"), "MONITOR_AUDIT_DIR": str(tmp_path / "audit")}
    with Cluster(browser_data, 2, workdir=tmp_path / "cluster", port=port, env=env,
                 secrets=secrets) as cluster:
        app.open(url)
        app.page.get_by_role("button", name=t("sign_in", "nl")).click()
        app.page.locator('button[name="sub"][value="gerrit"]').click()  # the provider's own form
        app.page.wait_for_url(f"{url}/**")
        app.wait()
        assert "gerrit@denhaag.example" in app.sidebar().inner_text()
        assert t("page_werkbank", "nl") in app.sidebar().inner_text()  # the analyst's role came through
        _sign_out(app)
        route = next(c["value"] for c in app.page.context.cookies() if c["name"] == render.ROUTE_COOKIE)
        ups = {r["up"] for r in _requests(cluster) if r["route"] == route and r["path"].startswith(
            ("/auth/", "/oauth2callback"))}
        assert len(ups) == 1  # the sign-in's round trip stayed on one server
    audit = sorted((tmp_path / "audit").glob("*.jsonl"))
    lines = [json.loads(x) for f in audit for x in f.read_text().splitlines()]
    assert [(e["event"], e["user"]) for e in lines] == [("sign_in", "gerrit@denhaag.example")]
