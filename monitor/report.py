"""The progress report for the council: one self-contained HTML file.

Everything is inline (styles, Plotly's JavaScript, the data), so the file can be
mailed or attached to a council letter and opened offline. The numbers come
from the same scorecard as the home page, disclosure control included.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import plotly.io as pio

from monitor import calibration, charts, i18n, programme, report_population, report_story, scorecard, signs
from monitor.engine import Engine
from monitor.i18n import t

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f1f1f;margin:2rem auto;
max-width:1100px;padding:0 1rem;line-height:1.45}
h1{font-size:1.8rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:2px solid #0b5394}
.meta{color:#404040}.banner{background:#fff4ce;border:1px solid #8a6d00;padding:.6rem 1rem;margin:1rem 0}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #8c8c8c;padding:.35rem .5rem;
text-align:left;vertical-align:top}th{background:#e8eef7}td.num{text-align:right;white-space:nowrap}
.ambition{page-break-inside:avoid;margin:1.5rem 0}.small{font-size:.9rem;color:#404040}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media print{.plotly-graph-div{page-break-inside:avoid}}
"""


def _md(text: str) -> str:
    """The labels use **bold**; everything else is escaped."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(text))


# the summary table's columns; each is worded by the label rep_<column>
HEADERS = ("ambition", "indicator", "current_twelve", "year_earlier", "change", "target", "status",
           "projection")


def _fig(fig: scorecard.Figure, unit: str, lang: str) -> str:
    """A figure as HTML: a hidden one is the mark `x` with its meaning as accessible name (`<abbr title>`)."""
    if fig.suppressed:
        meaning = html.escape(t("hidden_meaning", lang))
        return f'<abbr title="{meaning}">{html.escape(i18n.hidden(lang))}</abbr>'
    return html.escape(i18n.value(fig.value, unit, lang))


def change_html(change: float | None, direction: str, unit: str, lang: str) -> str:
    """A change with its arrow and colour (`signs.change_style`), worded for screen readers too.

    The sign, the arrow and the colour come from the number, never from the formatted text
    (which writes a fall with U+2212).
    """
    if change is None:
        return "–"
    arrow, colour = signs.change_style(change, direction)
    text = html.escape(signs.arrow_text(change, i18n.signed(change, unit, lang)))
    if arrow == "off":
        return text
    words = f"{t(signs.ARROW_WORD[arrow], lang)}, {t(signs.TONE_WORD[colour], lang)}"
    return (f'<span class="change {arrow} {colour}" style="color:{signs.COLOUR_HEX[colour]}">{text}'
            f'<span class="sr"> ({html.escape(words)})</span></span>')


def _row(card: scorecard.Card, lang: str) -> str:
    unit = card.indicator.unit
    whole = card.indicator.is_whole
    cur, prev = _fig(card.current, unit, lang), _fig(card.previous, unit, lang)
    target = (f"{i18n.value(card.target.value, unit, lang)} ({card.target.year})"
              if card.target else "–")
    p = card.projection
    if p is None:
        proj = "–"
    elif card.settled:  # the target's date is in the data: the measured value, no band
        proj = f"{i18n.value(p.value, unit, lang, whole=whole)} ({t('measured', lang)})"
    else:
        low, high = (i18n.value(v, unit, lang, whole=whole) for v in (p.low, p.high))
        proj = f"{i18n.value(p.value, unit, lang, whole=whole)} ({low} – {high})"
    cells = [
        _md(i18n.pick(card.ambition.title, lang)),
        _md(card.indicator.label(lang)),
        f'<td class="num">{cur}</td>', f'<td class="num">{prev}</td>',
        f'<td class="num">{change_html(card.change, card.indicator.direction, unit, lang)}</td>',
        f'<td class="num">{target}</td>',
        _md(f"{_icon(card.status.code)} {t('status_' + card.status.code, lang)}"),
        f'<td class="num">{proj}</td>',
    ]
    return "<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in cells) + "</tr>"


def _caution(engine: Engine, card: scorecard.Card, lang: str) -> str:
    """The card's warning when the backtest showed its projection's band too narrow (as on the page)."""
    p = card.projection
    found = calibration.weak(engine, card.indicator.id) if p is not None and not card.settled else None
    if found is None:
        return ""
    words = t("projection_weak", lang, hits=found.hits, trials=len(found.trials),
              coverage=i18n.percent(100 * found.coverage, lang, 0))
    return f"<p class='small caution'>⚠ {_md(words)}</p>"


def _backwards(card: scorecard.Card, lang: str) -> str:
    """The card's warning when a target lies on the worse side of the baseline (as on the page)."""
    words = scorecard.backwards_words(card, lang)
    return "" if words is None else f"<p class='small caution'>⚠ {_md(words)}</p>"


def _icon(code: str) -> str:
    return {"on_track": "✓", "behind_reaching": "↗", "on_path_missing": "↘", "off_track": "✗",
            "target_met": "✔", "target_missed": "✘", "no_projection": "?", "no_target": "–"}[code]


def render(engine: Engine, *, term_id: str | None = None, lang: str = "nl", period: str | None = None) -> str:
    """The whole report as one HTML string; `period`: whose story behind the curve (default: the newest
    complete reporting period)."""
    lang = i18n.lang_or_default(lang)
    period = period or report_story.default_period(engine.settings, engine.as_of)
    k = engine.settings.min_cell
    pf = engine.programme
    cards = scorecard.scorecard(engine, term_id)
    term = cards[0].term if cards else programme.current_term(pf, engine.as_of or dt.date.today())
    town = engine.settings.municipality
    parts = [
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>",
        f"<title>{html.escape(t('report_title', lang))} · {html.escape(town)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(t('report_title', lang))}</h1>",
        f"<p class='meta'>{html.escape(town)} · {html.escape(i18n.pick(term.label, lang))}"
        f" · {t('as_of', lang)} {i18n.date(engine.as_of, lang)} · {t('report_made', lang)} "
        f"{i18n.date(dt.date.today(), lang)}</p>",
    ]
    if engine.demo:
        parts.append(f"<div class='banner'>{_md(t('demo_banner', lang))}</div>")
    parts.append("<h2>" + html.escape(t("report_summary", lang)) + "</h2><table><thead><tr>"
                 + "".join(f"<th>{html.escape(t(f'rep_{h}', lang))}</th>" for h in HEADERS)
                 + "</tr></thead><tbody>" + "".join(_row(c, lang) for c in cards) + "</tbody></table>")
    # the legend of the mark, next to the table that may show it
    parts.append(f"<p class='small'>{_md(i18n.suppression_legend(k, lang))}</p>")
    # the backtest first (computed and stored when missing): the cautions under the charts read it
    backtest_words = calibration.words(engine, lang)
    first_chart = True
    for prog_id, prog in pf.programmes.items():
        prog_cards = [c for c in cards if c.ambition.programme == prog_id]
        if not prog_cards:
            continue
        parts.append(f"<h2>{html.escape(i18n.pick(prog.title, lang))}</h2>")
        events = [(day, i18n.pick(title, lang)) for day, title in scorecard.events(engine, prog_id)]
        for card in prog_cards:
            caution = _backwards(card, lang) + _caution(engine, card, lang)
            fig = charts.outcome_chart(card.twelve, card.trajectory, card.projection_path, events,
                                       title=card.indicator.label(lang),
                                       unit=i18n.unit(card.indicator.unit, lang, card.indicator.unit_label),
                                       t=i18n.Translator(lang),
                                       whole=card.indicator.is_whole)
            chart = pio.to_html(fig, full_html=False, include_plotlyjs=first_chart,
                                config={"displayModeBar": False, "responsive": True})
            first_chart = False
            parts.append(
                f"<div class='ambition'><h3>{html.escape(i18n.pick(card.ambition.title, lang))}</h3>"
                f"<p>{_md(i18n.pick(card.ambition.description, lang))}</p>{chart}{caution}"
                f"<p class='small'>{_md(t('rep_outputs_line', lang))}: "
                + "; ".join(
                    f"{html.escape(o.indicator.label(lang))} {_fig(o.current, o.indicator.unit, lang)}"
                    + (f" {html.escape(i18n.unit(o.indicator.unit, lang, o.indicator.unit_label))}"
                       if o.indicator.is_mean and o.current.value is not None else "")
                    + (f" ({change_html(o.change, o.indicator.direction, o.indicator.unit, lang)})"
                       if o.change is not None else "")
                    for o in card.outputs
                ) + "</p>" + report_population.section(engine, card, lang)
                + report_story.section(engine.settings, card.ambition.id, period, lang) + "</div>"
            )
    parts.append(f"<h2>{html.escape(t('how_computed', lang))}</h2>")
    parts.append("".join(f"<p>{_md(p)}</p>" for p in t("how_computed_text", lang).split("\n\n")))
    parts.append(f"<p>{_md(backtest_words)}</p>")
    parts.append(f"<p class='small'>{_md(i18n.suppression_legend(k, lang))}</p></body></html>")
    return "\n".join(parts)
