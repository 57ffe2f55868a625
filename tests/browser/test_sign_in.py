"""The real sign-in flow: Streamlit's OpenID Connect against a local identity provider on 127.0.0.1.

`oidc-provider-mock` plays the municipality's identity provider (Entra ID in production): the
test starts it, points the monitor's `[auth]` secrets at it, signs in as a viewer and as an
analyst through the provider's own form, sees the difference and signs out. Roles come from an
access.yaml written here; the audit trail must hold each sign-in and the viewer's refusal.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.i18n import t
from monitor.settings import ROOT
from tests.browser import harness

VIEWER = {"sub": "vera", "email": "vera@denhaag.example", "name": "Vera"}
ANALYST = {"sub": "gerrit", "email": "gerrit@denhaag.example", "name": "Gerrit", "groups": ["grp-analisten"]}
EDITOR_FRAME = 'iframe[title="code_editor.code_editor"]'
ACCESS = """\
contact: monitor@denhaag.example
roles:
  viewer:
    domains: [denhaag.example]
  analyst:
    groups: [grp-analisten]
"""


@pytest.fixture
def provider(tmp_path: Path) -> Iterator[str]:
    """The identity provider on a free port of 127.0.0.1, with the two users predefined."""
    port = harness.free_port()
    log = (tmp_path / "oidc.log").open("wb")
    cmd = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port),
           "--user-claims", json.dumps(VIEWER), "--user-claims", json.dumps(ANALYST)]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the OIDC provider did not start:\n{(tmp_path / 'oidc.log').read_text()}")
                time.sleep(0.2)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        log.close()


@pytest.fixture
def signed_server(provider: str, browser_data: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The monitor with sign-in configured against `provider`; yields its URL and the audit folder."""
    port = harness.free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{os.urandom(24).hex()}"\n'
        'client_id = "uitkomstenmonitor"\nclient_secret = "test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n', encoding="utf-8")
    (tmp_path / "access.yaml").write_text(ACCESS, encoding="utf-8")
    audit = tmp_path / "audit"
    env = {"MONITOR_ACCESS": str(tmp_path / "access.yaml"), "MONITOR_AUDIT_DIR": str(audit)}
    with harness.serving(ROOT / "dashboard.py", browser_data, log_dir=tmp_path, env=env, port=port,
                         args=["--secrets.files", str(secrets)]) as server:
        yield server.url, audit


def _sign_in(app, url: str, sub: str) -> None:
    app.open(url)
    app.page.get_by_role("button", name=t("sign_in", "nl")).click()
    app.page.locator(f'button[name="sub"][value="{sub}"]').click()  # the provider's own form
    app.page.wait_for_url(f"{url}/**")
    app.wait()


def _sign_out(app) -> None:
    """Sign out: Streamlit ends the provider's session too (its end-session page, where the user
    confirms), and the monitor shows the sign-in button again."""
    app.page.get_by_role("button", name=t("sign_out", "nl")).click()
    sign_in = app.page.get_by_role("button", name=t("sign_in", "nl"))
    end_session = app.page.get_by_role("button", name="End session")
    sign_in.or_(end_session).first.wait_for(state="visible", timeout=60_000)
    if end_session.count():
        end_session.click()
    sign_in.wait_for(state="visible", timeout=60_000)
    app.wait()


def _sidebar_links(app) -> set[str]:
    return set(app.sidebar().locator('[data-testid="stPageLink"]').all_inner_texts())


def test_viewer_and_analyst_sign_in_see_the_difference_and_sign_out(app, signed_server) -> None:
    url, audit = signed_server
    workbench = t("page_werkbank", "nl")

    _sign_in(app, url, "vera")
    assert app.heading(t("page_home", "nl")).is_visible()
    assert "vera@denhaag.example" in app.sidebar().inner_text()
    assert workbench not in _sidebar_links(app)
    app.open(url, "/werkbank")  # typed by hand: refused on the server, nothing of the page
    assert app.page.get_by_text(t("refused", "nl", role=t("role_viewer", "nl"),
                                  needed=t("role_analyst", "nl"))).is_visible()
    assert app.page.locator("textarea").count() == 0 and app.page.locator(EDITOR_FRAME).count() == 0
    _sign_out(app)

    _sign_in(app, url, "gerrit")
    assert workbench in _sidebar_links(app)
    app.open(url, "/werkbank")
    assert app.heading(workbench).is_visible()
    # the workbench opens on its SQL code editor (a component frame): drawn before signing out,
    # so no load of its script is cut off by the navigation
    app.page.locator(EDITOR_FRAME).wait_for()
    app.page.frame_locator(EDITOR_FRAME).locator(".ace_editor").wait_for()
    _sign_out(app)

    lines = [json.loads(x) for f in sorted(audit.glob("*.jsonl")) for x in f.read_text().splitlines()]
    assert [(e["event"], e["user"]) for e in lines if e["event"] != "refusal"] == [
        ("sign_in", "vera@denhaag.example"), ("sign_in", "gerrit@denhaag.example")]
    refusals = [e for e in lines if e["event"] == "refusal"]
    assert [(e["user"], e["page"]) for e in refusals] == [("vera@denhaag.example", "page_werkbank")]
    # The monitor's pages are clean; the test provider's own form links a stylesheet on a CDN
    # (blocked here, never fetched): that is the stand-in identity provider, not the monitor.
    provider_css = "https://cdn.jsdelivr.net/npm/@picocss/"
    assert not app.exceptions() and not app.page_errors
    assert all(url.startswith(provider_css) for url in app.foreign_requests())
    assert all(provider_css in e for e in app.console_errors), app.console_errors
