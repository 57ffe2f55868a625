"""The gate every page run passes: sign-in, the reader's role, refusals, and the audit trail.

Called by `frame.page` before anything of a page is drawn, so a refused reader gets the
refusal and nothing of the page: the check is made on the server for every run, not by
hiding links. Sign-in is Streamlit's own OpenID Connect (`st.login`, configured in the
`[auth]` section of `.streamlit/secrets.toml`); without that section the monitor runs in
local mode (one user, everything visible) and says so on every page, unless
MONITOR_REQUIRE_LOGIN=1 makes that an error. The rule itself is `monitor.access`.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import streamlit as st

from monitor import access, i18n, trail
from monitor.access import Grant, PageAccess
from monitor.settings import Settings

LOCAL_USER = "local"


@dataclass(frozen=True)
class Visitor:
    """Who runs this page: their grant, the name the audit trail uses, and whether this is local mode."""

    grant: Grant
    user: str
    local: bool

    def may(self, role: access.Role) -> bool:
        return self.grant.at_least(role)


LOCAL_VISITOR = Visitor(access.LOCAL, LOCAL_USER, True)


def auth_section() -> dict[str, Any] | None:
    """The `[auth]` section of the secrets (None: not configured, local mode)."""
    secrets = st.secrets  # looked up per call: AppTest swaps the object per run
    try:
        if not secrets.load_if_toml_exists():
            return None
        section = secrets.get("auth")
    except Exception:  # an unreadable secrets file is a missing configuration, reported as such
        return None
    return dict(section) if section else None


def providers(section: dict[str, Any]) -> list[str | None]:
    """Named providers (`[auth.microsoft]`, ...) or the one unnamed provider of `[auth]`."""
    named = [name for name, value in section.items() if isinstance(value, dict)]
    return named or [None]


def admit(tr: i18n.Translator, settings: Settings, page_key: str) -> Visitor:
    """The visitor of this run, or stop the run with a sign-in screen or a no-role page (logged)."""
    section = auth_section()
    if section is None:
        if settings.require_login:
            st.error(tr("login_unconfigured"), icon=":material/lock:")
            st.stop()
        return LOCAL_VISITOR
    if not st.user.is_logged_in:
        _sign_in_screen(tr, section)
        st.stop()
    try:
        config = (access.load_access(settings.access_file) if settings.access_file.is_file()
                  else access.AccessConfig())
    except access.AccessError as exc:
        st.error(tr("access_file_problem") + "\n\n" + "\n".join(f"- `{p}`" for p in exc.problems))
        st.stop()
    user = access.user_from_claims(st.user.to_dict(), config.groups_claim)
    grant = config.grant(user)
    visitor = Visitor(grant, user.email or "(no e-mail)", False)
    if _first_sight(st.user.to_dict(), visitor.user):
        log(settings, "sign_in", visitor, role=grant.role, partner=grant.partner)
    _who(tr, visitor)
    if grant.role is None:
        log(settings, "refusal", visitor, page=page_key, reason="no_role")
        st.title(tr("no_role_title"))
        st.warning(tr("no_role_text", email=visitor.user, contact=config.contact or tr("no_contact")),
                   icon=":material/person_off:")
        st.stop()
    return visitor


def refuse_unless_allowed(tr: i18n.Translator, settings: Settings, page_key: str, needs: PageAccess,
                          visitor: Visitor) -> None:
    """Stop the run with a refusal (logged) when the visitor's grant does not open this page."""
    if visitor.grant.may_open(needs):
        return
    log(settings, "refusal", visitor, page=page_key, reason="role")
    st.title(tr(page_key))
    st.error(tr("refused", role=tr(f"role_{visitor.grant.role}"), needed=tr(f"role_{needs.role}")),
             icon=":material/block:")
    st.stop()


_SIGN_INS: dict[tuple[str, str], None] = {}  # (user, the ID token's issue time) seen by this process
_SIGN_INS_KEPT = 10_000
_LOCK = threading.Lock()


def _first_sight(claims: dict[str, Any], user: str) -> bool:
    """True on the first page run of a sign-in: one ID token (its `iat`) is one sign-in, across the
    browser tabs and pages (each a session of its own) that carry its cookie. Without `iat`, once
    per session."""
    issued = claims.get("iat")
    if issued is None:
        if st.session_state.get("_monitor_signed_in") == user:
            return False
        st.session_state["_monitor_signed_in"] = user
        return True
    key = (user, str(issued))
    with _LOCK:
        if key in _SIGN_INS:
            return False
        _SIGN_INS[key] = None
        while len(_SIGN_INS) > _SIGN_INS_KEPT:
            _SIGN_INS.pop(next(iter(_SIGN_INS)))
    return True


def local_notice(tr: i18n.Translator) -> None:
    """Local mode says so on every page: whoever reaches this server sees everything."""
    st.warning(tr("local_mode"), icon=":material/lock_open:")


def log(settings: Settings, event: str, visitor: Visitor, **fields: Any) -> None:
    """Append to the audit trail; a trail that cannot be written stops the page (never silent)."""
    try:
        trail.record(settings.audit_dir, event, visitor.user, **fields)
    except trail.TrailError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()


def download_logger(settings: Settings, visitor: Visitor, what: str, view: str) -> Callable[[], None]:
    """An `on_click` for a download button: the download goes to the audit trail (user, what, view)."""
    return lambda: log(settings, "download", visitor, what=what, view=view)


def _sign_in_screen(tr: i18n.Translator, section: dict[str, Any]) -> None:
    st.title(tr("app_title"))
    st.markdown(tr("sign_in_text"))
    for name in providers(section):
        label = tr("sign_in") if name is None else tr("sign_in_with", provider=name)
        st.button(label, key=f"provider_{name or 'default'}_button", type="primary", icon=":material/login:",
                  on_click=st.login, args=() if name is None else (name,))


def _who(tr: i18n.Translator, visitor: Visitor) -> None:
    with st.sidebar:
        role = tr(f"role_{visitor.grant.role}") if visitor.grant.role else tr("role_none")
        if visitor.grant.partner:
            role = f"{role}: {visitor.grant.partner}"
        st.caption(tr("signed_in_as", user=visitor.user, role=role))
        st.button(tr("sign_out"), key="sign_out", icon=":material/logout:", on_click=st.logout)


def date_input_format(ctx: Any) -> str:
    """A date field written as the page writes dates (`24-11-2026` in Dutch, `24/11/2026` in English)."""
    return "DD-MM-YYYY" if ctx.lang == "nl" else "DD/MM/YYYY"


def audit_default_since() -> dt.date:
    """The audit page opens on the last seven days."""
    return dt.date.today() - dt.timedelta(days=7)


LOCAL_TIME = ZoneInfo("Europe/Amsterdam")  # the trail records UTC; the reader reads Dutch time


def _when(stamp: str | None, lang: str) -> str:
    """An audit time as the reader writes it (30-11-2026 15:05:09), in Dutch time (the trail keeps
    UTC); a stamp that is no ISO time is shown as it is."""
    try:
        moment = dt.datetime.fromisoformat(stamp or "")
    except (TypeError, ValueError):
        return stamp or ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(LOCAL_TIME)
    return f"{i18n.date(moment.date(), lang)} {moment:%H:%M:%S}"


def audit_table(ctx: Any, since: dt.date | None, user: str | None) -> pl.DataFrame:
    """The audit trail for the admin page, newest first: time, event, user and the event's details."""
    t = ctx.t
    rows = list(trail.read(ctx.settings.audit_dir, since=since, user=user or None))[::-1]
    fixed = ("time", "event", "user")
    return pl.DataFrame({
        t("audit_time"): [_when(r.get("time", ""), ctx.lang) for r in rows],
        t("audit_event"): [t(f"audit_{r.get('event')}") for r in rows],
        t("audit_user"): [r.get("user", "") for r in rows],
        t("audit_details"): ["; ".join(f"{k}={v}" for k, v in r.items() if k not in fixed) for r in rows],
    }, schema={t(k): pl.String for k in ("audit_time", "audit_event", "audit_user", "audit_details")})
