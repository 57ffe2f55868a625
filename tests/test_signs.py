"""Signs and arrows: a change shows the arrow of its number and the colour its direction means.

Up-is-better and down-is-better indicators, each rising and falling, in the report and in
tables; the expected arrow and colour are written out per case, not computed by the code.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import polars as pl
import pytest

from monitor import i18n, report, signs
from monitor.rollup import Published
from monitor.ui import present
from monitor.ui.cards import delta_style

GREEN, RED, GREY = signs.COLOUR_HEX["green"], signs.COLOUR_HEX["red"], signs.COLOUR_HEX["gray"]

# (change, direction, arrow, colour): a fall of a count where up is better is a red down-arrow
CASES = [
    (12.0, "up", "up", "green"),
    (-57.0, "up", "down", "red"),
    (12.0, "down", "up", "red"),
    (-57.0, "down", "down", "green"),
    (-57.0, "none", "down", "gray"),
    (0.0, "up", "off", "gray"),
    (None, "up", "off", "gray"),
]


@pytest.mark.parametrize(("change", "direction", "arrow", "colour"), CASES)
def test_change_style_and_the_cards_agree(change, direction, arrow, colour) -> None:
    assert signs.change_style(change, direction) == (arrow, colour)
    assert delta_style(change, direction) == (arrow, colour)


def test_report_change_cells() -> None:
    assert report.change_html(-57.0, "up", "huishoudens", "nl") == (
        f'<span class="change down red" style="color:{RED}">▼ \u221257'
        '<span class="sr"> (daling, ongunstig)</span></span>')
    assert report.change_html(12.0, "up", "huishoudens", "nl") == (
        f'<span class="change up green" style="color:{GREEN}">▲ +12'
        '<span class="sr"> (stijging, gunstig)</span></span>')
    assert report.change_html(-57.0, "down", "huishoudens", "en") == (
        f'<span class="change down green" style="color:{GREEN}">▼ \u221257'
        '<span class="sr"> (fall, favourable)</span></span>')
    assert report.change_html(2.5, "down", "%", "nl") == (
        f'<span class="change up red" style="color:{RED}">▲ +2,5 %-punt'
        '<span class="sr"> (stijging, ongunstig)</span></span>')
    assert report.change_html(-3.0, "none", "signalen", "en").startswith(
        f'<span class="change down gray" style="color:{GREY}">▼ \u22123')
    assert report.change_html(0.0, "up", "huishoudens", "nl") == "±0"
    assert report.change_html(None, "up", "huishoudens", "nl") == "–"


def _ctx(lang: str = "nl") -> SimpleNamespace:
    return SimpleNamespace(t=i18n.Translator(lang), engine=SimpleNamespace(terms=()), lang=lang)


def _ind(direction: str, unit: str = "huishoudens") -> SimpleNamespace:
    return SimpleNamespace(direction=direction, unit=unit, measure="count", is_ratio=False)


def _table_frame(changes: list[float | None]) -> Published:
    n = len(changes)
    frame = pl.DataFrame({
        "period": [f"202{i}" for i in range(n)], "area_name": ["Den Haag"] * n,
        "result": [100.0] * n, "suppressed": [False] * n,
        "result_prev": [None if c is None else 100.0 - c for c in changes], "prev_suppressed": [False] * n,
        "change": changes,
    }, schema_overrides={"change": pl.Float64, "result_prev": pl.Float64})
    return Published(frame, 10)


def test_table_change_column_has_arrows_and_colours() -> None:
    ctx = _ctx()
    pub = _table_frame([12.0, -57.0, None])
    up_better = present.display_table(ctx, pub, _ind("up"))
    assert up_better["Verschil"].to_list() == ["▲ +12", "▼ \u221257", "–"]
    assert present.change_colours(pub, _ind("up")) == [GREEN, RED, GREY]
    assert present.change_colours(pub, _ind("down")) == [RED, GREEN, GREY]
    html = present.styled_table(ctx, pub, _ind("down")).to_html()
    assert html.count(f"color: {RED}") == 1 and html.count(f"color: {GREEN}") == 1
    assert "▼ \u221257" in html


def test_report_on_the_demo_data_arrows_follow_the_numbers(demo_settings) -> None:
    from monitor.engine import get_engine

    html = report.render(get_engine(demo_settings), lang="nl")
    found = re.findall(r'<span class="change (up|down) (green|red|gray)"[^>]*>([▲▼]) ([+\u2212])', html)
    assert found, "the report shows changes"
    for arrow, _, mark, sign in found:
        assert (arrow, mark, sign) in {("up", "▲", "+"), ("down", "▼", "\u2212")}
    assert "<th>Verschil</th>" in html
