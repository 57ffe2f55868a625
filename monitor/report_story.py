"""The report's story behind the curve: each ambition's commentary of the chosen period, as HTML.

The commentary is Markdown written by editors; the report is a file mailed around and
opened anywhere, so raw HTML in it is never passed on: markdown-it's `js-default`
preset escapes HTML and refuses `javascript:` links. Nothing is fetched, so the report
stays self-contained.
"""

from __future__ import annotations

import datetime as dt
import html

from markdown_it import MarkdownIt

from monitor import commentary
from monitor.i18n import t
from monitor.settings import Settings

_MD = MarkdownIt("js-default")  # html: False; links validated (no javascript:, vbscript:, file:, data:)


def markdown_html(text: str) -> str:
    """An editor's Markdown as safe HTML (HTML in the text is shown as text)."""
    return _MD.render(text)


def default_period(settings: Settings, as_of: dt.date | None) -> str | None:
    """The newest period the data cover in full, in the municipality's reporting cycle."""
    return commentary.last_complete(as_of, settings.reporting_cycle) if as_of else None


def section(settings: Settings, ambition: str, period: str | None, lang: str) -> str:
    """The ambition's story of `period` (its latest version), or a line saying there is none."""
    if period is None:
        return ""
    entry = commentary.latest(settings, ambition, period)
    head = f"<h4>{html.escape(t('story_heading', lang, period=period))}</h4>"
    if entry is None or entry.empty:
        none = html.escape(t("story_report_none", lang))
        return f"<div class='story'>{head}<p class='small'>{none}</p></div>"
    parts = [f"<div class='story'>{head}"]
    for f, key in commentary.FIELD_LABELS.items():
        text = entry.texts.get(f, "").strip()
        if text:
            parts.append(f"<h5>{html.escape(t(key, lang))}</h5>{markdown_html(text)}")
    caption = t("story_caption", lang, period=period, version=entry.version, author=entry.author,
                when=entry.written_at[:10])
    parts.append(f"<p class='small'>{html.escape(caption)}</p></div>")
    return "".join(parts)
