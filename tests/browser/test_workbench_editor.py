"""The workbench's code editor in a real browser: completion, Ctrl+Enter, the history, accessibility.

The editor (streamlit-code-editor, Ace) lives in a component frame that AppTest does not draw;
this drives it as an analyst would: type, take a column name from the completion list, run with
the keyboard, bring an earlier query back with one click. axe-core audits the page *and* the
editor's frame (axe is put into every frame, so the frame is not skipped as untested).
"""

from __future__ import annotations

import json

import pytest

from monitor import i18n
from monitor.settings import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
EDITOR_FRAME = 'iframe[title="code_editor.code_editor"]'
EDITOR_TEXT_JS = "() => ace.edit(document.querySelector('.ace_editor')).getValue()"
FIRST = "SELECT wijk_code FROM areas ORDER BY wijk_code LIMIT 3"
SECOND = "SELECT 2 AS second_query"


def _editor_frame(app):
    """The editor's frame once its Ace editor is drawn (a new frame after a history click)."""
    app.page.locator(EDITOR_FRAME).wait_for()
    frame = app.page.frame_locator(EDITOR_FRAME)
    frame.locator(".ace_editor").wait_for()
    return frame


def _editor_text(app) -> str:
    handle = app.page.locator(EDITOR_FRAME).element_handle()
    return handle.content_frame().evaluate(EDITOR_TEXT_JS)


HISTORY_COUNT_JS = """() => new Set(
    [...document.querySelectorAll('[data-testid=stSidebar] [class*=st-key-wb_hist_]')]
    .flatMap(e => [...e.classList].filter(c => /^st-key-wb_hist_[0-9]+$/.test(c)))).size"""


def _history(app) -> list[str]:
    """The history buttons' texts, newest first (one per st-key-wb_hist_<i>)."""
    count = app.page.evaluate(HISTORY_COUNT_JS)
    return [app.sidebar().locator(f".st-key-wb_hist_{i} button").first.inner_text() for i in range(count)]


def _wait_for_run(app, count: int) -> None:
    """Until the history holds `count` queries and Streamlit has drawn the result."""
    app.page.wait_for_function(f"() => ({HISTORY_COUNT_JS})() >= {count}")
    app.wait()


def test_type_complete_run_with_keyboard_and_reload_from_history(server: str, app) -> None:
    def t(key: str, **params: object) -> str:
        return i18n.t(key, "en", **params)

    app.open(server, "/werkbank?lang=en")
    frame = _editor_frame(app)
    frame.locator(".ace_text-input").first.focus()  # the second is the completion list's
    app.page.keyboard.type("SELECT wijk_co", delay=30)
    popup = frame.locator(".ace_autocomplete")
    popup.wait_for(state="visible")
    offered = [line.get_attribute("aria-label") for line in popup.locator(".ace_line").all()]
    assert "wijk_code" in offered, offered
    # what the selected name is: a column, and its tables, in the tooltip beside the list
    tooltip = frame.locator(".ace_doc-tooltip")
    tooltip.wait_for(state="visible")
    assert tooltip.inner_text().startswith(t("wb_complete_column", tables="areas")), tooltip.inner_text()
    app.page.keyboard.press("Enter")  # take the offered column name
    assert _editor_text(app) == "SELECT wijk_code"
    app.page.keyboard.type(" FROM areas ORDER BY wijk_code LIMIT 3", delay=10)
    assert _editor_text(app) == FIRST
    app.page.keyboard.press("Control+Enter")
    _wait_for_run(app, 1)
    assert t("wb_rows", rows="3") in _history(app)[0]
    assert app.page.locator(".st-key-wb_csv").is_visible()  # a result to download

    # a second query, run with the keyboard too; then the first back with one click
    frame.locator(".ace_text-input").first.focus()  # the second is the completion list's
    app.page.keyboard.press("Control+A")
    app.page.keyboard.type(SECOND, delay=10)
    app.page.keyboard.press("Control+Enter")
    _wait_for_run(app, 2)
    history = _history(app)
    assert SECOND in history[0] and "SELECT wijk_code FROM areas" in history[1]
    app.sidebar().locator(".st-key-wb_hist_1 button").first.click()
    app.wait()
    _editor_frame(app)
    assert _editor_text(app) == FIRST
    app.page.locator(".st-key-wb_run button").click()  # the Run button runs the reloaded query
    app.wait()
    history = _history(app)
    assert len(history) == 2 and "SELECT wijk_code FROM areas" in history[0]  # ran again: back on top
    app.assert_clean()  # no error, and nothing fetched from elsewhere (the editor is offline)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_editor_frame_passes_axe(server: str, app, lang: str) -> None:
    app.open(server, "/werkbank" + ("?lang=en" if lang == "en" else ""))
    frame = _editor_frame(app)
    frame.locator(".ace_text-input").first.focus()  # the second is the completion list's
    app.page.keyboard.type("SELECT wijk", delay=30)
    frame.locator(".ace_autocomplete").wait_for(state="visible")  # the completion list is audited too
    for f in app.page.frames:
        f.add_script_tag(path=str(AXE))
    result = app.page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    bad = [v for v in result["violations"] if v["impact"] in ("critical", "serious")]
    assert not bad, json.dumps([(v["id"], [n["target"] for n in v["nodes"]]) for v in bad], indent=1)
    untested = [v for v in result["incomplete"] if v["id"] == "frame-tested"]
    assert not untested, "axe could not look inside the editor's frame"
    # no keyboard trap (WCAG 2.1.2): Esc closes the list, Esc leaves the text, Tab reaches Run
    frame.locator(".ace_text-input").first.focus()
    for key in ("Escape", "Escape", "Tab"):
        app.page.keyboard.press(key)
    assert app.page.evaluate("() => document.activeElement.closest('.st-key-wb_run') !== null")
    app.assert_clean()
