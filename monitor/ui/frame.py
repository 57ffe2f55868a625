"""The frame every page shares: page setup, the page context, sidebar navigation, language, data status.

Pages call `page()` first and then only lay out what it hands them. The sidebar
navigation is drawn here from the files in `pages/` (no hand-kept list).
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from monitor import catalog, i18n
from monitor.access import Grant, PageAccess
from monitor.engine import Engine, get_engine
from monitor.precompute import protect_all
from monitor.settings import ROOT, Settings, get_settings
from monitor.ui import gate
from monitor.ui.filters import url_choice

PAGES_DIR = ROOT / "pages"
HOME = ROOT / "dashboard.py"


@dataclass(frozen=True)
class Ctx:
    """What a page gets from the frame: the language and its translator, the engine and the settings.

    `ctx.t(label_key, **params)` is a label in the page's language; `ctx.t.value(...)`,
    `.number`, `.date`, `.month`, `.unit`, `.pick`, `.hidden` format in it.
    """

    lang: str
    engine: Engine
    settings: Settings
    visitor: gate.Visitor = gate.LOCAL_VISITOR
    t: i18n.Translator = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "t", i18n.Translator(self.lang))

    @property
    def k(self) -> int:
        return self.settings.min_cell

    def link_params(self, **extra: str) -> dict[str, str]:
        """Query parameters that carry the language to the next page."""
        params = {"lang": self.lang} if self.lang != "nl" else {}
        params.update({k: v for k, v in extra.items() if v})
        return params


def page_files(settings: Settings | None = None, grant: Grant | None = None) -> list[Path]:
    """The pages in navigation order: home, then `pages/*.py` sorted by file name.

    The workbench shows record-level data, so it is left out when switched off; with a
    `grant`, only the pages it may open are listed (each page also checks for itself).
    """
    settings = settings or get_settings()
    files = sorted(PAGES_DIR.glob("*.py"))
    if not settings.workbench:
        files = [f for f in files if page_slug(f) != "werkbank"]
    files = [HOME, *files]
    return files if grant is None else [f for f in files if grant.may_open(page_access(f))]


def page_access(path: Path) -> PageAccess:
    """What a page asks of its reader, read from its own `ui.page(..., access=, partners=)` call.

    The page file is the one place that says it (no hand-kept list); the page's run checks
    the same values, so navigation and the server's check cannot disagree. Parsed once per
    file version: the navigation asks on every page run.
    """
    return _page_access(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _page_access(path: Path, _stamp: int) -> PageAccess:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        func = getattr(node, "func", None)
        if isinstance(func, ast.Attribute) and func.attr == "page" and getattr(func.value, "id", "") == "ui":
            kw = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
            return PageAccess(role=kw.get("access", "viewer"), partners=bool(kw.get("partners", False)))
    return PageAccess()


def page_slug(path: Path) -> str:
    """`pages/2_indicator.py` -> `indicator` (Streamlit's URL path for the page)."""
    if path == HOME:
        return "home"
    stem = path.stem
    return stem.split("_", 1)[1] if stem[0].isdigit() and "_" in stem else stem


def page(title_key: str, *, access: str = "viewer", partners: bool = False) -> Ctx:
    """Set up the page, admit the reader, draw the sidebar and load the engine (with visible progress).

    access: the least role that may open the page (viewer, analyst, admin); partners: whether a
    partner may open it. A reader who may not gets a refusal, logged, and nothing of the page.
    """
    tr = i18n.Translator(i18n.lang_or_default(st.query_params.get("lang")))
    st.set_page_config(page_title=f"{tr(title_key)} · {tr('app_title')}", layout="wide",
                       initial_sidebar_state="expanded")
    tr = i18n.Translator(_language_switch(tr.lang))
    settings = get_settings()
    visitor = gate.admit(tr, settings, title_key)
    _navigation(tr, settings, visitor.grant)
    needs = PageAccess(role=access, partners=partners)  # type: ignore[arg-type]
    gate.refuse_unless_allowed(tr, settings, title_key, needs, visitor)
    engine = _load_engine(tr, settings)
    engine.pin_registry()  # one look at the query files per page run
    ctx = Ctx(tr.lang, engine, settings, visitor)
    st.title(ctx.t(title_key))
    if visitor.local:
        gate.local_notice(ctx.t)
    _data_status(ctx)
    return ctx


def _switch_label() -> str:
    """`Taal / Language`: the switch names itself in every language, for a reader of either."""
    return " / ".join(i18n.t("language", code) for code in i18n.LANGUAGES)


def _language_switch(lang: str) -> str:
    with st.sidebar:
        choice = url_choice(st.segmented_control, _switch_label(), list(i18n.LANGUAGES), key="lang",
                            default="nl", format_func=lambda code: i18n.t("language_name", code),
                            required=True)
    return i18n.lang_or_default(choice or lang)


def _navigation(tr: i18n.Translator, settings: Settings, grant: Grant) -> None:
    with st.sidebar:
        st.markdown(f"### {tr('app_title')}")
        params = {"lang": tr.lang} if tr.lang != "nl" else None
        for path in page_files(settings, grant):
            target = "dashboard.py" if path == HOME else f"pages/{path.name}"
            st.page_link(target, label=tr(f"page_{page_slug(path)}"), query_params=params)
        st.divider()


def _load_engine(tr: i18n.Translator, settings: Settings) -> Engine:
    if catalog.read_report(settings) is not None and catalog.has_extracts(settings):
        try:
            return get_engine(settings)
        except Exception as exc:  # shown, never a blank page
            fatal(tr, exc)
    with st.status(tr("building"), expanded=True) as status:
        try:
            engine = get_engine(settings, progress=status.write)
            status.write(tr("protecting"))
            protect_all(settings)  # as `monitor build` does, so the first page does not wait per indicator
        except Exception as exc:
            fatal(tr, exc)
        status.update(label=tr("ready"), state="complete", expanded=False)
    return engine


def fatal(tr: i18n.Translator, exc: Exception) -> None:
    """Show what failed and stop the page: never a blank page."""
    st.error(f"{tr('load_failed')}\n\n`{type(exc).__name__}: {exc}`")
    st.stop()


def _data_status(ctx: Ctx) -> None:
    eng = ctx.engine
    parts = []
    if eng.as_of:
        parts.append(f"{ctx.t('as_of')} {ctx.t.date(eng.as_of)}")
    failed = [e.name for e in eng.report.extracts if not e.ok]
    if failed:
        parts.append(ctx.t("extract_problems", names=", ".join(failed)))
    if parts:
        st.caption(" · ".join(parts))
    if eng.demo:
        st.info(ctx.t("demo_banner"), icon=":material/science:")
