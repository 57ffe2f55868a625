"""This municipality beside its peers on one population indicator, with a footnote where they differ.

One indicator has one unit (the registry's), so the bars never mix a share with a rate. What can
still differ is the period (a peer's latest figure is older, or of another grain) and the source
(another publisher or table, so possibly another definition): each such peer gets a footnote,
returned as data (`Footnote`) for the surface to word.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

from monitor.population.data import published
from monitor.population.registry import PopulationIndicator, Registry
from monitor.rollup.published import Published

FootnoteKind = Literal["period", "source"]


@dataclass(frozen=True)
class Footnote:
    number: int  # shown beside the peer's name
    area: str  # the peer's name
    kinds: tuple[FootnoteKind, ...]
    period: str  # the peer's period
    source: str  # the peer's source
    home_period: str
    home_source: str


@dataclass(frozen=True)
class Comparison:
    indicator: PopulationIndicator
    home: str  # region code
    period: str  # the home figure's period
    # area, area_name, period, value, denominator, source, illustrative, home (bool), note (int | None),
    # suppressed; the home municipality first, then the peers in the registry's order
    table: Published
    footnotes: tuple[Footnote, ...]


def compare(frame: pl.DataFrame, registry: Registry, ind_id: str, home: str, k: int, lang: str = "nl"
            ) -> Comparison | None:
    """The latest home figure beside each peer's figure for the same period (else its latest one).

    `lang`: the reader's language, for the areas' names (Nederland, Netherlands).

    `frame`: the extract's rows (`data.outcomes`); only gemeenten and the Netherlands take part.
    None when the indicator is unknown or the home municipality has no published figure for it.
    """
    ind = registry.indicators.get(ind_id)
    if ind is None:
        return None
    rows = published(frame.filter(pl.col("indicator") == ind_id,
                                  pl.col("area_code").str.contains(r"^(GM\d{4}|NL01)$")),
                     k, f"population: {ind_id} peers")
    shown = rows.frame
    mine = shown.filter(pl.col("area_code") == home, ~pl.col("suppressed")).sort("period")
    if mine.is_empty():
        return None
    here = mine.row(-1, named=True)
    order = {code: i for i, code in enumerate(registry.areas)}
    picked = [here]
    others = set(shown["area_code"].to_list()) - {home}
    for code in sorted(others, key=lambda c: (order.get(c, len(order)), c)):
        theirs = shown.filter(pl.col("area_code") == code).sort("period")
        same = theirs.filter(pl.col("period") == here["period"])
        picked.append((same if same.height else theirs).row(-1, named=True))
    notes: list[Footnote] = []
    for row in picked:
        row["home"] = row["area_code"] == home
        row["area_name"] = registry.area_name(row["area_code"], lang)
        kinds: list[FootnoteKind] = []
        if row["period"] != here["period"]:
            kinds.append("period")
        if row["source"] != here["source"]:
            kinds.append("source")
        row["note"] = None
        if kinds and not row["home"]:
            row["note"] = len(notes) + 1
            notes.append(Footnote(row["note"], row["area_name"], tuple(kinds), row["period"], row["source"],
                                  here["period"], here["source"]))
    table = pl.DataFrame(picked).select(
        area=pl.col("area_code"), area_name="area_name", period="period", value="value",
        denominator="denominator", source="source", illustrative="illustrative", home="home",
        note=pl.col("note").cast(pl.Int64), suppressed="suppressed")
    return Comparison(ind, home, here["period"], rows.with_frame(table), tuple(notes))
