"""A definition names other indicators by title, linked to their page, never by file name."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from monitor import i18n
from monitor.indicators import load_registry
from monitor.settings import get_settings
from monitor.ui import present


def _ctx(indicators: dict, lang: str) -> SimpleNamespace:
    frame_ctx = SimpleNamespace(lang=lang)
    frame_ctx.link_params = lambda **extra: ({"lang": lang} if lang != "nl" else {}) | extra
    return SimpleNamespace(t=i18n.Translator(lang), lang=lang, link_params=frame_ctx.link_params,
                           engine=SimpleNamespace(registry=SimpleNamespace(indicators=indicators)))


def _ind(ind_id: str, title: str, description: str) -> SimpleNamespace:
    return SimpleNamespace(id=ind_id, description={"nl": description, "en": description},
                           label=lambda lang, title=title: title)


def test_an_id_becomes_the_linked_title_and_paths_words_and_itself_stay():
    text = ("Zie vroeg_pct; niet dit_ene zelf, niet queries/_staging/vroeg_pct.sql, niet bron.vroeg_pct, "
            "en matches blijft een woord.")
    inds = {i.id: i for i in (_ind("dit_ene", "Dit ene", text), _ind("vroeg_pct", "Vroeg bereikt", ""),
                              _ind("matches", "Matches met een vacature", ""))}
    got = present.description_text(_ctx(inds, "en"), inds["dit_ene"])
    assert got == ("Zie [Vroeg bereikt](indicator?lang=en&id=vroeg_pct); niet dit_ene zelf, niet "
                   "queries/_staging/vroeg_pct.sql, niet bron.vroeg_pct, en matches blijft een woord.")


INDICATORS = load_registry(get_settings().queries_dir).indicators


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("ind_id", sorted(INDICATORS))
def test_no_definition_shows_another_indicators_file_name(ind_id: str, lang: str):
    ctx = _ctx(INDICATORS, lang)
    shown = present.description_text(ctx, INDICATORS[ind_id])
    prose = re.sub(r"\]\([^)]*\)", "]", shown)  # the link targets hold ids on purpose
    named = {w for w in re.findall(r"[a-z0-9_]+", i18n.pick(INDICATORS[ind_id].description, lang))
             if w in INDICATORS and "_" in w and w != ind_id}
    for other in named:
        assert not re.search(rf"(?<![\w./]){other}(?![\w/])", prose), (ind_id, other)
        assert f"[{INDICATORS[other].label(lang)}](indicator?" in shown
