"""The report's population section for one ambition: all residents beside our programme, and peers.

Plain HTML (a table, no chart, no external load), so the report stays one self-contained file.
The numbers arrive as `Published` from `monitor.population` (public statistics; a figure on
fewer than k hidden); the words are the same as on the programme page (`population.words`).
"""

from __future__ import annotations

import html

from monitor import i18n, population, scorecard
from monitor.engine import Engine
from monitor.i18n import t
from monitor.population import words
from monitor.rollup.published import require


def section(engine: Engine, card: scorecard.Card, lang: str) -> str:
    """The ambition's population outcome beside its programme outcome, and the peers where defined;
    empty when the ambition names no population indicator."""
    ind_id = card.ambition.population
    pop = population.registry(engine.settings.queries_dir).indicators.get(ind_id) if ind_id else None
    if pop is None:
        return ""
    tr, city = i18n.Translator(lang), engine.settings.municipality
    home = population.home_code(engine) or ""
    latest = require(population.latest(engine, pop.id, home), "report population").to_dicts()
    unit = card.indicator.unit
    ours = (i18n.hidden(lang) if card.current.suppressed else i18n.value(card.current.value, unit, lang)
            + ("" if unit == "%" else f" {i18n.unit(unit, lang, card.indicator.unit_label)}"))
    window = t("current_stock" if card.indicator.measure == "stock" else "current_twelve", lang)
    rows = [(t("pop_programme_side", lang), card.indicator.label(lang), ours, window, "")]
    if latest:
        r = latest[0]
        rows.append((t("pop_population_side", lang, who=words.who(pop, city, tr)), pop.label(lang),
                     words.figure(pop, r["value"], r["suppressed"], tr), r["period"],
                     words.source(pop, r["source"], r["illustrative"], tr)))
    out = [f"<h4>{html.escape(t('pop_heading', lang))}</h4><table class='population'><tbody>"]
    out += [f"<tr><th>{html.escape(a)}</th><td>{html.escape(b)}</td><td class='num'>{html.escape(c)}"
            f"</td><td>{html.escape(d)}</td><td class='small'>{html.escape(e)}</td></tr>"
            for a, b, c, d, e in rows]
    out.append("</tbody></table>")
    if not latest:
        out.append(f"<p class='small'>{html.escape(t('pop_no_data', lang))}</p>")
        return "".join(out)
    out.append(_peers(engine, pop, home, city, tr))
    return "".join(out)


def _peers(engine: Engine, pop: population.PopulationIndicator, home: str, city: str,
           tr: i18n.Translator) -> str:
    reg = population.registry(engine.settings.queries_dir)
    comparison = population.compare(population.outcomes(engine), reg, pop.id, home, engine.settings.min_cell,
                                    tr.lang)
    if comparison is None or comparison.table.height < 2:
        return ""
    from monitor.charts.peers import mark

    lang = tr.lang
    cells = []
    for r in require(comparison.table, "report peers").to_dicts():
        name = html.escape(f"{r['area_name']}{mark(r['note'])}")
        name = f"<strong>{name}</strong>" if r["home"] else name
        cells.append(f"<tr><td>{name}</td><td class='num'>"
                     f"{html.escape(words.figure(pop, r['value'], r['suppressed'], tr))}</td>"
                     f"<td>{html.escape(r['period'])}</td>"
                     f"<td class='small'>{html.escape(words.source(pop, r['source'], r['illustrative'], tr))}"
                     "</td></tr>")
    notes = "".join(f"<p class='small'>{html.escape(words.footnote(n, city, tr))}</p>"
                    for n in comparison.footnotes)
    return (f"<p><strong>{html.escape(t('pop_peers_heading', lang))}</strong>: "
            f"{html.escape(pop.label(lang))}</p><table class='peers'><tbody>{''.join(cells)}</tbody></table>"
            f"{notes}<p class='small'>{html.escape(words.definition(pop, tr))}</p>")
