"""Population outcomes in words, for every surface that shows them (pages, report).

Each function takes the `Translator` the edge chose (the library picks no language), so the
programme page and the report say the same thing in the same words.
"""

from __future__ import annotations

import re

from monitor.i18n import Translator
from monitor.population.data import ILLUSTRATIVE
from monitor.population.peers import Footnote
from monitor.population.registry import PopulationIndicator


def unit(ind: PopulationIndicator, t: Translator) -> str:
    """`%` (formats as a percentage) or the rate's words (`per 10.000`)."""
    return "%" if ind.unit == "percent" else t(f"pop_unit_{ind.unit}")


def figure(ind: PopulationIndicator, value: float | None, suppressed: bool, t: Translator) -> str:
    """`9,3%` or `506 per 10.000`; the hidden-cell mark for a figure on too few."""
    u = unit(ind, t)
    text = t.value(value, u, suppressed=suppressed)
    return text if suppressed or value is None or u == "%" else f"{text} {u}"


def who(ind: PopulationIndicator, city: str, t: Translator) -> str:
    """Whom the figure is about: `alle huishoudens in Den Haag`."""
    return t("pop_who", who=t.pick(ind.population), city=city)


def source(ind: PopulationIndicator, text: str, illustrative: bool, t: Translator) -> str:
    """The row's source, and what a reader must know about it (illustrative; table unchecked). The
    delivery marks an unpublished figure with the Dutch word (`population.data.ILLUSTRATIVE`):
    that word is shown in the reader's language, the rest of the source text as delivered."""
    if illustrative:
        text = re.sub(re.escape(ILLUSTRATIVE), t("illustrative"), text, flags=re.IGNORECASE)
    parts = [t("pop_source", source=text)]
    if illustrative:
        parts.append(t("pop_illustrative"))
    elif not ind.verified:
        parts.append(t("pop_unverified", publisher=ind.publisher))
    return " · ".join(parts)


def footnote(note: Footnote, city: str, t: Translator) -> str:
    """`¹ Rotterdam: figure for 2023 (Den Haag: 2024). Another source ...`"""
    from monitor.charts.peers import mark

    parts = []
    if "period" in note.kinds:
        parts.append(t("pop_note_period", area=note.area, period=note.period, city=city,
                       home_period=note.home_period))
    if "source" in note.kinds:
        parts.append(t("pop_note_source", area=note.area, source=note.source, city=city,
                       home_source=note.home_source))
    return f"{mark(note.number)} " + " ".join(parts)


def definition(ind: PopulationIndicator, t: Translator) -> str:
    """The definition with its denominator and publisher, for a caption."""
    return t("pop_definition", definition=t.pick(ind.definition), denominator=t.pick(ind.denominator),
             publisher=ind.publisher + (f" {ind.table}" if ind.table else ""))
