"""Who may see what, page by page, under AppTest with `st.user` set per role (no browser).

The identity provider is configured through `at.secrets["auth"]`, roles through an access.yaml
in a temporary folder; every refusal and sign-in must land in the audit trail, and a refused
page must show nothing of itself. Expected pages per role come from the issue's definition of
the roles, written out here, not from `monitor.access`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from monitor import ui
from monitor.i18n import t

AUTH = {"client_id": "monitor", "client_secret": "secret", "cookie_secret": "x" * 32,
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
ACCESS_YAML = """\
contact: data@denhaag.example
roles:
  viewer:
    domains: [denhaag.example]
  analyst:
    emails: [ana@denhaag.example]
    groups: [grp-analisten]
  admin:
    emails: [root@denhaag.example]
partners:
  CAK:
    domains: [cak.example]
"""
USERS = {  # role -> a user the access.yaml above grants it
    "viewer": {"email": "vera@denhaag.example"},
    "analyst": {"email": "gerrit@denhaag.example", "groups": ["grp-analisten"]},
    "admin": {"email": "root@denhaag.example"},
    "partner": {"email": "piet@cak.example"},
    "none": {"email": "someone@elsewhere.example"},
}
# The roles: viewer reads the scorecard, programme, indicator, area and sources pages;
# analyst adds the workbench; admin adds the audit trail; a partner the shared outcomes and its own
# organisation's early-warning figures (the indicator page, split by partner name, its group only).
# What changed with a delivery (issue 14) is for staff: it names every ambition's status.
MAY_OPEN = {
    "viewer": {"home", "programma", "indicator", "gebieden", "bronnen", "veranderd"},
    "analyst": {"home", "programma", "indicator", "gebieden", "bronnen", "veranderd", "werkbank"},
    "admin": {"home", "programma", "indicator", "gebieden", "bronnen", "veranderd", "werkbank", "audit"},
    "partner": {"home", "programma", "indicator"},
}
PAGES = {ui.page_slug(p): p for p in ui.page_files()}


@pytest.fixture
def secured(demo_settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Roles from a temporary access.yaml, the trail in a temporary folder; returns the trail folder."""
    (tmp_path / "access.yaml").write_text(ACCESS_YAML, encoding="utf-8")
    monkeypatch.setenv("MONITOR_ACCESS", str(tmp_path / "access.yaml"))
    monkeypatch.setenv("MONITOR_AUDIT_DIR", str(tmp_path / "audit"))
    return tmp_path / "audit"


def run_as(slug: str, user: dict | None, *, auth: bool = True, at: AppTest | None = None) -> AppTest:
    at = at or AppTest.from_file(str(ui.HOME), default_timeout=180)
    if auth:
        at.secrets["auth"] = AUTH
    if user is not None:
        at.user = {"is_logged_in": True, **user}
    elif auth:
        at.user = {"is_logged_in": False}
    if PAGES[slug] != ui.HOME:
        at.switch_page(str(PAGES[slug].relative_to(ui.HOME.parent)))
    at.run()
    assert not at.exception, "\n".join(e.message for e in at.exception)
    return at


def events(folder: Path) -> list[dict]:
    return [json.loads(line) for f in sorted(folder.glob("*.jsonl")) for line in f.read_text().splitlines()]


def texts(at: AppTest) -> str:
    parts = [str(e.value) for kind in ("markdown", "caption", "error", "warning", "info", "title")
             for e in getattr(at, kind)]
    return "\n".join(parts)


@pytest.mark.parametrize("role", sorted(MAY_OPEN))
@pytest.mark.parametrize("slug", sorted(PAGES))
def test_each_role_opens_exactly_its_pages(secured: Path, role: str, slug: str) -> None:
    at = run_as(slug, USERS[role])
    refused = t("refused", "nl", role=t(f"role_{role}", "nl"), needed="").split("(")[0]
    shown_refusal = any(str(e.value).startswith(refused) for e in at.error)
    if slug in MAY_OPEN[role]:
        assert not shown_refusal, f"{role} refused on {slug}"
        assert at.title[0].value == t(f"page_{slug}", "nl")
    else:
        assert shown_refusal, f"{role} let into {slug}"
        assert len(at.title) == 1 and not at.dataframe and not at.text_area and not at.get("plotly_chart")
        last = events(secured)[-1]
        assert (last["event"], last["user"], last["page"]) == \
            ("refusal", USERS[role]["email"], f"page_{slug}")
    # navigation lists exactly the pages the role may open
    linked = {link.proto.label for link in at.sidebar.get("page_link")}
    assert linked == {t(f"page_{s}", "nl") for s in MAY_OPEN[role]}


def test_signed_out_reader_sees_the_sign_in_button_and_nothing_else(secured: Path) -> None:
    at = run_as("indicator", None)
    assert [b.label for b in at.button] == [t("sign_in", "nl")]
    assert not at.dataframe and not at.get("plotly_chart") and not at.get("page_link")
    assert events(secured) == []  # nobody signed in, nothing to log yet


def test_user_without_role_is_told_whom_to_ask_and_refused(secured: Path) -> None:
    at = run_as("home", USERS["none"])
    assert at.title[0].value == t("no_role_title", "nl")
    told = at.warning[0].value
    assert "data@denhaag.example" in told and "someone@elsewhere.example" in told
    assert not at.get("page_link") and not at.dataframe
    logged = [(e["event"], e.get("reason")) for e in events(secured)]
    assert logged == [("sign_in", None), ("refusal", "no_role")]


def test_sign_in_is_logged_once_per_session(secured: Path) -> None:
    at = run_as("home", USERS["viewer"])
    at.run()
    at.run()
    signed = [e for e in events(secured) if e["event"] == "sign_in"]
    assert len(signed) == 1 and signed[0]["user"] == "vera@denhaag.example" and signed[0]["role"] == "viewer"


def test_workbench_query_is_logged_without_its_result(secured: Path) -> None:
    at = run_as("werkbank", USERS["analyst"])
    at.toggle(key="wb_plain").set_value(True).run()  # the plain box: AppTest does not draw the code editor
    at.text_area(key="wb_sql").input("SELECT wijk_code, wijk_name FROM areas ORDER BY wijk_code LIMIT 3")
    at.button(key="wb_run").click().run()
    assert not at.exception
    shown = at.dataframe[-1].value if at.dataframe else None
    query = [e for e in events(secured) if e["event"] == "query"]
    assert len(query) == 1
    q = query[0]
    assert q["user"] == "gerrit@denhaag.example" and q["outcome"] == "ok" and q["rows"] == 3
    assert q["bytes"] > 0 and q["seconds"] >= 0 and q["sql"].startswith("SELECT wijk_code")
    # no value of the result is in the trail (the wijk codes and names shown on the page)
    line = json.dumps(q)
    if shown is not None:
        assert len(shown) == 3
        for value in shown.iloc[:, 1]:
            assert str(value) not in line


def test_admin_reads_the_trail_on_the_audit_page(secured: Path) -> None:
    run_as("werkbank", USERS["viewer"])  # a refusal to find
    at = run_as("audit", USERS["admin"])
    frame = at.dataframe[0].value
    assert t("audit_refusal", "nl") in set(frame[t("audit_event", "nl")])
    assert "vera@denhaag.example" in set(frame[t("audit_user", "nl")])


def test_sources_page_hides_example_rows_from_viewers(secured: Path) -> None:
    at = run_as("bronnen", USERS["viewer"])
    assert not at.exception  # the demo delivery has no problems; the rule is in the page, tested in a unit


@pytest.mark.parametrize("slug", sorted(PAGES))
def test_local_mode_says_so_on_every_page(demo_settings, slug: str, monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    monkeypatch.setenv("MONITOR_AUDIT_DIR", str(tmp_path / "audit"))
    at = run_as(slug, None, auth=False)
    assert at.title[0].value == t(f"page_{slug}", "nl")
    assert any(str(w.value).startswith(t("local_mode", "nl")[:30]) for w in at.warning)


def test_required_login_without_configuration_stops_every_page(demo_settings, monkeypatch) -> None:
    monkeypatch.setenv("MONITOR_REQUIRE_LOGIN", "1")
    at = run_as("home", None, auth=False)
    assert at.error[0].value == t("login_unconfigured", "nl")
    assert not at.get("page_link") and not at.dataframe


def test_partner_sees_only_its_own_organisation(secured: Path, engine_for_partner) -> None:
    at = run_as("indicator", USERS["partner"])
    picker = at.selectbox(key="_w_id")
    split_by_partner = {i.id for i in engine_for_partner.registry.indicators.values()
                        if "partner_name" in i.dimensions}
    assert split_by_partner and set(picker.options) <= {
        engine_for_partner.indicator(i).label("nl") for i in split_by_partner}
    table = at.dataframe[0].value
    groups = set(table[t("dim_partner_name", "nl")])
    assert groups == {"CAK"}, groups  # never another partner's rows


def test_partner_editing_the_url_gets_no_other_indicator(secured: Path, engine_for_partner) -> None:
    at = AppTest.from_file(str(ui.HOME), default_timeout=180)
    at.query_params["id"] = "huishoudens_schuldenvrij"
    at.query_params["uitsplitsing"] = "household_type"
    at = run_as("indicator", USERS["partner"], at=at)
    shown = at.selectbox(key="_w_id").value
    assert "partner_name" in engine_for_partner.indicator(shown).dimensions
    assert set(at.dataframe[0].value[t("dim_partner_name", "nl")]) <= {"CAK"}


@pytest.fixture
def engine_for_partner(demo_settings):
    from monitor.engine import get_engine

    return get_engine(demo_settings)
