"""What readers ask for: every page (from `pages/`, no hand-kept list) with changing filters.

A reader moves through the pages in navigation order and, on each, picks filters the
way a reader would click them (grain, level, indicator, programme, term, language), so
the load touches many views, not one cached answer. Choices are drawn from the
registry and programme.yaml of the checkout (the server's own), seeded per session.
"""

from __future__ import annotations

import random
import urllib.parse
from dataclasses import dataclass

from deploy.warm import page_paths as page_paths  # the pages readers move through
from monitor import indicators, programme
from monitor.settings import Settings, get_settings

# The URL parameters each page reads (monitor.ui.filters); a page not named here takes `lang` only.
PAGE_FILTERS: dict[str, tuple[str, ...]] = {
    "home": ("term",),
    "programma": ("programma", "term"),
    "indicator": ("id", "grain", "level"),
    "gebieden": ("id", "grain", "level"),
}


@dataclass(frozen=True)
class Choices:
    """The values each filter can take in this checkout."""

    ids: tuple[str, ...]
    programmes: tuple[str, ...]
    terms: tuple[str, ...]
    grains: tuple[str, ...] = ("month", "quarter", "year", "term")
    levels: tuple[str, ...] = ("city", "stadsdeel", "wijk")
    langs: tuple[str, ...] = ("nl", "en")

    @classmethod
    def of(cls, settings: Settings | None = None) -> Choices:
        settings = settings or get_settings()
        pf = programme.load_programme(settings.programme_file)
        reg = indicators.load_registry(settings.queries_dir, set(pf.programmes))
        ids = tuple(sorted(i.id for i in reg.indicators.values() if i.shape == "series"))
        return cls(ids=ids, programmes=tuple(pf.programmes), terms=tuple(t.id for t in pf.terms))

    def query(self, page: str, rng: random.Random) -> str:
        """A query string (no `?`) for `page` with filters drawn by `rng`."""
        pools = {"id": self.ids, "programma": self.programmes, "term": self.terms,
                 "grain": self.grains, "level": self.levels}
        params = {}
        for name in PAGE_FILTERS.get(page or "home", ()):
            pool = pools[name]
            if name == "level" and page == "gebieden":
                pool = ("stadsdeel", "wijk")
            if name == "grain" and page == "gebieden":
                pool = ("year", "quarter", "term")
            if pool:
                params[name] = rng.choice(pool)
        lang = rng.choice(self.langs)
        if lang != "nl":
            params["lang"] = lang
        return urllib.parse.urlencode(params)


def walk(pages: list[str], choices: Choices, seed: int):
    """An endless reader's path: every page in turn (starting at a seeded one), new filters each time."""
    rng = random.Random(seed)
    i = rng.randrange(len(pages))
    while True:
        page = pages[i % len(pages)]
        yield page, choices.query(page, rng)
        i += 1


def same_page(page: str, choices: Choices, seed: int):
    """One page over and over with new filters: its own cost, apart from the others'."""
    rng = random.Random(seed)
    while True:
        yield page, choices.query(page, rng)
