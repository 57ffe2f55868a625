"""Every page in a real browser: first request on a fresh server, language switch, deep link, no egress.

The pages come from `monitor.ui.page_files()` (dashboard.py + pages/*.py), so a new page is
tested without touching this file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor import ui
from monitor.i18n import signed, t

pytestmark = pytest.mark.browser

PAGES = ui.page_files()
SLUGS = [ui.page_slug(p) for p in PAGES]


def page_path(slug: str) -> str:
    """Streamlit's URL for a page: home is "/", others "/<slug>"."""
    return "/" if slug == "home" else f"/{slug}"


@pytest.mark.parametrize("path", PAGES, ids=SLUGS)
def test_first_request_on_fresh_server(fresh_server: str, app, path: Path) -> None:
    """Opened as the very first URL a new server gets: the title shows and nothing breaks."""
    slug = ui.page_slug(path)
    title = t(f"page_{slug}", "nl")
    app.open(fresh_server, page_path(slug))
    assert app.heading(title).count() == 1, f"no <h1> '{title}' on {page_path(slug)}"
    assert app.page.title().startswith(title)
    app.assert_clean()


@pytest.mark.parametrize("slug", SLUGS)
def test_language_switch(server: str, app, slug: str) -> None:
    """Clicking "English" in the sidebar translates the page and puts lang=en in the URL."""
    app.open(server, page_path(slug))
    app.sidebar().get_by_text("English", exact=True).click()
    app.page.wait_for_url("**lang=en**", timeout=15_000)
    app.wait()
    assert app.heading(t(f"page_{slug}", "en")).count() == 1
    assert "lang=en" in app.page.url
    app.assert_clean()


@pytest.mark.parametrize("slug", SLUGS)
def test_english_link(server: str, app, slug: str) -> None:
    """Opening ?lang=en directly gives the English page; the navigation keeps the language."""
    app.open(server, f"{page_path(slug)}?lang=en")
    assert app.heading(t(f"page_{slug}", "en")).count() == 1
    nav = app.sidebar().locator('[data-testid="stPageLink"] a')
    hrefs = nav.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(hrefs) == len(SLUGS)
    assert all("lang=en" in h for h in hrefs), hrefs
    app.assert_clean()


DEEP_LINK = "/indicator?id=huishoudens_schuldenvrij&grain=year&level=stadsdeel"


def test_deep_link_reproduces_view(fresh_server: str, app, demo_settings) -> None:
    """A copied link, as the first request on a fresh server, shows the indicator, grain and level."""
    from monitor.engine import get_engine

    engine = get_engine(demo_settings)
    ind = engine.indicator("huishoudens_schuldenvrij")
    app.open(fresh_server, DEEP_LINK)
    page, side = app.page, app.sidebar()
    assert page.get_by_role("heading", name=ind.label("nl"), level=2).count() == 1
    assert page.get_by_role("combobox", name=t("indicator", "nl")).input_value() == ind.label("nl")
    for key, value in (("grain", t("grain_year", "nl")), ("level", t("level_stadsdeel", "nl"))):
        active = side.locator(f'[aria-label="{t(key, "nl")}"] [aria-checked="true"]')
        assert active.all_inner_texts() == [value], f"{key}: {active.all_inner_texts()}"
    # the stadsdeel filter appears only at stadsdeel level
    assert side.get_by_text(t("stadsdelen", "nl"), exact=True).count() == 1
    query = page.evaluate("() => window.location.search")
    for part in ("id=huishoudens_schuldenvrij", "grain=year", "level=stadsdeel"):
        assert part in query
    app.assert_clean()


def test_no_request_leaves_localhost(server: str, app) -> None:
    """Every page with every tab opened: all requests go to 127.0.0.1 (or data:/blob:/about:).

    Every other browser test checks its own requests too (`assert_clean`), the a11y tests in
    both languages with every tab shown.
    """
    for slug in SLUGS:
        app.open(server, page_path(slug))
        for tab in app.page.get_by_role("tab").all():
            tab.click()
        app.wait()
    assert app.requests, "no requests recorded"
    app.assert_clean()


# Interface words of the Dutch labels (labels.yaml, programme.yaml's term labels, units) that an
# English page must not show. Place names from the data are proper nouns and allowed, so only
# words that are interface words go here; code (the SQL of a query file) is not interface text.
DUTCH_WORDS = ("Coalitieperiode", "huishoudens", "plaatsingen", "Gegevens", "Bijgewerkt", "Gebiedsniveau",
               "Doel", "Prognose", "Uitkomst")


def _visible_text(app) -> str:
    """The page's visible text without code blocks, with every tab opened once.

    A block is cut out whole, and line by line too: the page's text can wrap or space a long
    block differently from the block's own text (the definition tab's SQL was left in)."""
    texts = []
    tabs = app.page.get_by_role("tab").all() or [None]
    for tab in tabs:
        if tab is not None:
            tab.click()
            app.wait()
        texts.append(app.page.evaluate(
            "() => { let s = document.body.innerText;"
            " for (const el of document.querySelectorAll('pre, code')) {"
            "   s = s.split(el.innerText).join(' ');"
            "   for (const line of el.innerText.split('\\n'))"
            "     if (line.trim().length >= 20) s = s.split(line).join(' ');"
            " }"
            " return s; }"))
    return "\n".join(texts)


def _word(word: str) -> str:
    """A whole word: not part of an id (`huishoudens_schuldenvrij`) or a path (`queries/...`)."""
    return rf"(?<![\w/]){re.escape(word)}" + ("" if word.endswith(" ") else r"(?!\w)")


@pytest.mark.parametrize("slug", SLUGS)
def test_english_pages_show_no_dutch(server: str, app, slug: str) -> None:
    """Every page with ?lang=en: no Dutch interface word anywhere in the visible text, in any tab."""
    app.open(server, f"{page_path(slug)}?lang=en")
    text = _visible_text(app)
    found = sorted(w for w in DUTCH_WORDS if re.search(_word(w), text))
    lines = [line for line in text.splitlines() if any(w in line for w in found)]
    assert not found, f"Dutch on /{slug}?lang=en: {found}\n" + "\n".join(lines[:10])
    app.assert_clean()


# The delta's colour as Streamlit draws it: red and green are far apart in their red and green
# channels; grey has them close together.
_COLOUR_JS = "e => getComputedStyle(e).color"


def _tone(css: str) -> str:
    r, g, _ = (int(x) for x in re.findall(r"\d+", css)[:3])
    return "green" if g - r > 40 else ("red" if r - g > 40 else "gray")


def test_card_arrows_follow_the_change_and_colour_its_direction(server: str, app, demo_settings) -> None:
    """On the home page, every card's change shows the arrow of its number and the colour its direction
    means: a fall of an up-is-better outcome (on the demo data: out of social assistance into work or
    school) points down and is red, never a green up-arrow; a rise points up."""
    from monitor import scorecard
    from monitor.engine import get_engine

    cards = [c for c in scorecard.scorecard(get_engine(demo_settings)) if c.change]
    # the delta as the card words it (Babel's U+2212 for a fall), to find each card's delta on the page
    expected = {f"{signed(c.change, c.indicator.unit, 'nl')} {t('vs_year_earlier', 'nl')}": c for c in cards}
    assert any(c.change < 0 and c.indicator.direction == "up" for c in cards), "demo data: a falling up-card"
    assert any(c.change > 0 for c in cards), "demo data: a rising card"
    app.open(server, "/")
    deltas = app.page.locator('[data-testid="stMetricDelta"]')
    seen = 0
    for i in range(deltas.count()):
        delta = deltas.nth(i)
        card = expected.get(delta.inner_text().strip())
        if card is None:
            continue
        seen += 1
        icon = delta.locator('svg[data-testid^="stMetricDeltaIcon-"]').get_attribute("data-testid")
        tone = _tone(delta.evaluate(_COLOUR_JS))
        if card.change < 0:
            assert icon == "stMetricDeltaIcon-Down", (card.ambition.id, icon)
        else:
            assert icon == "stMetricDeltaIcon-Up", (card.ambition.id, icon)
        good = {"up": card.change > 0, "down": card.change < 0}.get(card.indicator.direction)
        assert tone == ("gray" if good is None else "green" if good else "red"), (card.ambition.id, tone)
    assert seen == len(cards), f"found {seen} of {len(cards)} cards' changes on the home page"
    app.assert_clean()
