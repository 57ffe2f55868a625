"""Every page under Streamlit's AppTest (no browser), with content checks computed from the library.

Pages are found by `monitor.ui.page_files()`; a page other than home runs through
`switch_page` from dashboard.py, as Streamlit serves it. Query parameters are set
before the run, so each test is also a deep-link test. Expected values are
computed with the library (scorecard, engine.series, i18n), never hard-coded.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from monitor import i18n, programme, rollup, scorecard, ui
from monitor.engine import Engine, get_engine
from monitor.i18n import t

PAGES = ui.page_files()
SLUGS = [ui.page_slug(p) for p in PAGES]


@pytest.fixture(scope="module")
def engine(demo_settings) -> Engine:
    return get_engine(demo_settings)


def run_page(path: Path, **params: str) -> AppTest:
    """Run one page the way the server does (entry point dashboard.py), with URL parameters set."""
    at = AppTest.from_file(str(ui.HOME), default_timeout=180)
    if path != ui.HOME:
        at.switch_page(str(path.relative_to(ui.HOME.parent)))
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, "\n".join(f"{e.message}\n{''.join(e.stack_trace)}" for e in at.exception)
    return at


def by_label(widgets, label: str):
    """The one widget with this label (widget keys are the frame's business, labels are what users see)."""
    found = [w for w in widgets if w.label == label]
    assert len(found) == 1, f"{len(found)} widgets labelled {label!r}"
    return found[0]


def markdown_text(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def table(at: AppTest, index: int = 0):
    """The (pandas) frame of the index-th st.dataframe."""
    return at.dataframe[index].value


# ---------------------------------------------------------------- every page


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("path", PAGES, ids=SLUGS)
def test_page_runs_and_shows_title(demo_settings, path: Path, lang: str) -> None:
    params = {"lang": "en"} if lang == "en" else {}
    at = run_page(path, **params)
    assert [x.value for x in at.title] == [t(f"page_{ui.page_slug(path)}", lang)]


# ---------------------------------------------------------------- home: the scorecard


def _home_cards(engine: Engine) -> list[scorecard.Card]:
    """The cards in the order the home page draws them: per programme, in programme order."""
    cards = scorecard.scorecard(engine)
    order = list(engine.programme.programmes)
    return sorted(cards, key=lambda c: order.index(c.ambition.programme))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_home_numbers_equal_library(engine: Engine, lang: str) -> None:
    cards = _home_cards(engine)
    assert cards, "the demo programme has no ambitions in the current term"
    at = run_page(ui.HOME, **({"lang": "en"} if lang == "en" else {}))
    expected = [i18n.value(c.current.value, c.indicator.unit, lang, suppressed=c.current.suppressed)
                for c in cards]
    assert [m.value for m in at.metric] == expected


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_home_arrows_follow_the_sign_and_colours_whether_it_is_good(engine: Engine, lang: str) -> None:
    """A fall is a down-arrow, whatever minus sign the words use; green only when it is good news."""
    from streamlit.proto.Metric_pb2 import Metric

    cards = _home_cards(engine)
    at = run_page(ui.HOME, **({"lang": "en"} if lang == "en" else {}))
    seen = set()
    for card, metric in zip(cards, at.metric, strict=True):
        proto = metric.proto
        change, direction = card.change, card.indicator.direction
        if change is None or change == 0:
            assert proto.direction == Metric.MetricDirection.NONE
            continue
        assert proto.direction == (Metric.MetricDirection.UP if change > 0 else Metric.MetricDirection.DOWN)
        good = (change > 0) == (direction == "up") if direction in ("up", "down") else None
        colours = Metric.MetricColor
        expected = {True: colours.GREEN, False: colours.RED, None: colours.GRAY}
        assert proto.color == expected[good], f"{card.ambition.id}: change {change}, direction {direction}"
        seen.add((change > 0, good))
    assert (False, False) in seen or (False, True) in seen, "the demo has no falling card to check"


def test_home_one_heading_and_status_per_ambition(engine: Engine) -> None:
    pf = engine.programme
    term = programme.current_term(pf, engine.as_of)
    ambitions = programme.ambitions_for(pf, term.id, None)
    cards = _home_cards(engine)
    assert len(cards) == len(ambitions), "an ambition of the current term has no scorecard card"
    at = run_page(ui.HOME)
    text = markdown_text(at)
    headings = [str(m.value) for m in at.markdown if str(m.value).startswith("#### ")]
    assert len(headings) == len(cards)
    for card in cards:
        title = i18n.pick(card.ambition.title, "nl")
        assert sum(title in h for h in headings) == 1, f"heading for '{title}'"
        assert t(f"status_{card.status.code}", "nl") in text
    # the bordered containers: one per ambition
    assert len(at.metric) == len(cards)


def test_home_cards_show_the_two_facts_their_status_is_made_of(engine: Engine) -> None:
    """Badge and text agree: the words of fact (a) and fact (b) beside each status are its own."""
    at = run_page(ui.HOME)
    blocks = [str(m.value) for m in at.markdown]
    # the status the council reads, from the two facts (worked out here, not by the code)
    table = {(True, True): "on_track", (False, True): "behind_reaching",
             (True, False): "on_path_missing", (False, False): "off_track"}
    for card in _home_cards(engine):
        facts = next(b for b in blocks if f"{t('target', 'nl')} {card.target.year}:" in b
                     and i18n.value(card.target.value, card.indicator.unit, "nl") in b)
        # on the trajectory outright, or only within the margin (then worded with its shortfall)
        within = t("fact_within_margin", "nl", gap="", margin="").split(":")[0]
        on_path = t("fact_on_trajectory", "nl") in facts or within in facts
        assert on_path != (t("fact_behind_trajectory", "nl") in facts)
        reaches = t("reaches_yes", "nl", year=card.target.year) in facts
        assert reaches != (t("reaches_no", "nl", year=card.target.year) in facts)
        assert card.status.code == table[(on_path, reaches)], card.ambition.id


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_finished_term_says_met_or_missed_as_measured(engine: Engine, lang: str) -> None:
    """The 2022-2026 term ended before the demo data do: each card reads the measured value at the
    target's date against the target, in the past tense, with no projection band, no 'if the
    development continues' and no trajectory 'now' (the sweep found them on a finished term)."""
    cards = [c for c in scorecard.scorecard(engine, "2022-2026") if c.target is not None]
    assert cards and all(c.projection is not None and c.projection.method == "observed" for c in cards)
    at = run_page(ui.HOME, term="2022-2026", lang=lang)
    blocks = [str(m.value) for m in at.markdown]
    for card in cards:
        unit = card.indicator.unit
        facts = next(b for b in blocks if f"{t('target', lang)} {card.target.year}:" in b
                     and i18n.value(card.target.value, unit, lang) in b)
        # the published twelve-month value in the target's month, read from the card's own series
        month = card.projection.date.replace(day=1)
        published = card.twelve.frame.filter(pl.col("month") == month)
        measured = published["current"][0]
        assert measured == pytest.approx(card.projection.value)
        up = card.indicator.direction == "up"
        met = measured >= card.target.value if up else measured <= card.target.value
        assert i18n.value(measured, unit, lang) in facts
        assert t("reached_yes" if met else "reached_no", lang, year=card.target.year) in facts, facts
        assert t("projection", lang) not in facts and t("expected_now", lang) not in facts
        assert t("reaches_yes", lang, year=card.target.year) not in facts
        assert t("reaches_no", lang, year=card.target.year) not in facts
        assert card.status.code == ("target_met" if met else "target_missed")


def test_an_output_that_is_a_mean_names_its_unit(engine: Engine) -> None:
    """A mean (days to the first interview) reads '15,1 dagen', not a bare '15,1' beside counts."""
    means = [(card, line) for card in _home_cards(engine) for line in card.outputs
             if line.indicator.measure == "ratio" and line.indicator.unit not in ("%", "")
             and not line.current.suppressed]
    assert means, "the demo programme has a mean among the outputs (dagen_tot_eerste_gesprek)"
    at = run_page(ui.HOME, lang="nl")
    text = "\n".join(str(m.value) for m in at.markdown)
    for _, line in means:
        word = i18n.unit(line.indicator.unit, "nl", line.indicator.unit_label)
        assert f"**{i18n.value(line.current.value, line.indicator.unit, 'nl')} {word}**" in text


def test_a_card_whose_backtest_band_proved_too_narrow_says_so(engine: Engine) -> None:
    """The card warns where the backtest's band held the realised value in under 60% of at least
    10 trials; worked out here from the stored trials (realised within [low, high]), not the code's
    counts."""
    import json

    from monitor import calibration

    calibration.calibration(engine)  # what `monitor build` stores
    stored = json.loads((engine.settings.catalog_dir / calibration.STORE).read_text(encoding="utf-8"))
    inside = {i: (sum(lo <= r <= hi for _, lo, hi, r in trials), len(trials))
              for i, trials in stored["indicators"].items()}
    weak = {i for i, (hits, n) in inside.items() if n >= 10 and hits / n < 0.6}
    fine = {i for i, (hits, n) in inside.items() if n >= 10 and hits / n >= 0.6}
    assert weak and fine, inside  # the demo has both kinds: the test means something
    at = run_page(ui.HOME)
    captions = [str(c.value) for c in at.caption]
    head = t("projection_weak", "nl", hits=0, trials=0, coverage="").split(".")[0]
    for card in _home_cards(engine):
        if card.projection is None or card.indicator.id not in inside:
            continue
        hits, n = inside[card.indicator.id]
        share = i18n.percent(100 * hits / n, "nl", 0)
        words = t("projection_weak", "nl", hits=hits, trials=n, coverage=share)
        assert any(words in c for c in captions) == (card.indicator.id in weak), card.indicator.id
    assert sum(head in c for c in captions) == sum(
        1 for c in _home_cards(engine) if c.projection is not None and c.indicator.id in weak)


# ---------------------------------------------------------------- indicator page


def _suppressed_count_indicator(engine: Engine) -> str | None:
    """A count indicator whose year x wijk roll-up has a suppressed cell."""
    view = rollup.View(grain="year", level="wijk")
    for ind in sorted(engine.registry.indicators.values(), key=lambda i: i.id):
        if ind.shape != "series" or ind.measure != "count":
            continue
        if engine.series(ind.id, view).frame["suppressed"].any():
            return ind.id
    return None


def test_indicator_shows_suppressed_cells_and_downloads(engine: Engine) -> None:
    ind_id = _suppressed_count_indicator(engine)
    assert ind_id is not None, "no count indicator has a suppressed year x wijk cell in the demo data"
    at = run_page(ui.PAGES_DIR / "2_indicator.py", id=ind_id, level="wijk", grain="year")
    frame = table(at)
    assert (frame == i18n.hidden("nl")).to_numpy().any(), f"no hidden-cell mark in the table of {ind_id}"
    assert len(at.get("download_button")) == 2


LESS_THAN_A_NUMBER = re.compile(r"(<|&lt;|\\u003c)\s*\d")  # "<10", also escaped in a chart's JSON


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_surface_shows_less_than_k_and_the_legend_explains_the_mark(engine: Engine, lang: str) -> None:
    """A hidden cell is `x` everywhere (table, chart hover and legend), explained by the legend beside it."""
    ind_id = _suppressed_count_indicator(engine)
    assert ind_id is not None
    params = {"lang": "en"} if lang == "en" else {}
    at = run_page(ui.PAGES_DIR / "2_indicator.py", id=ind_id, level="wijk", grain="year", **params)
    frame = table(at)
    cells = [str(v) for v in frame.to_numpy().ravel()]
    assert i18n.hidden(lang) in cells
    assert not [c for c in cells if LESS_THAN_A_NUMBER.search(c)]
    captions = [str(c.value) for c in at.caption]
    assert i18n.suppression_legend(engine.settings.min_cell, lang) in captions
    texts = captions + [str(m.value) for m in at.markdown] + [str(m.value) for m in at.metric]
    assert not [x for x in texts if LESS_THAN_A_NUMBER.search(x)]
    charts = [c.proto.spec for c in at.get("plotly_chart")]
    assert charts and any(i18n.hidden(lang, explained=True) in spec for spec in charts)
    assert not [spec for spec in charts if LESS_THAN_A_NUMBER.search(spec)]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_link_to_monthly_wijk_figures_shows_the_city_and_says_why(engine: Engine, lang: str) -> None:
    # wijk figures are published per year and term only (docs/disclosure.md); an old link that asks
    # for months per wijk gets the page's default level (the city), and the filter says why wijk is
    # not offered
    params = {"lang": "en"} if lang == "en" else {}
    at = run_page(ui.PAGES_DIR / "2_indicator.py", id="hulp_geaccepteerd", level="wijk", grain="month",
                  **params)
    assert not at.exception
    level = by_label(at.segmented_control, t("level", lang))
    assert level.value == "city" and "wijk" not in level.options
    assert t("plan_note", lang) in [str(c.value) for c in at.caption]
    periods = table(at)[t("col_period", lang)].astype(str).tolist()
    assert periods and all(re.fullmatch(r"\d{4}-\d{2}|[a-z]{3}\.? \d{4}|\w+ \d{4}", p) for p in periods[:3])


def test_indicator_deep_link_year_stadsdeel(engine: Engine) -> None:
    ind_id = "huishoudens_schuldenvrij"
    ind = engine.indicator(ind_id)
    at = run_page(ui.PAGES_DIR / "2_indicator.py", id=ind_id, grain="year", level="stadsdeel")
    assert by_label(at.selectbox, t("indicator", "nl")).value == ind_id
    assert by_label(at.segmented_control, t("grain", "nl")).value == "year"
    assert by_label(at.segmented_control, t("level", "nl")).value == "stadsdeel"
    assert f"## {ind.label('nl')}" in markdown_text(at)
    expected = engine.series(ind_id, rollup.View(grain="year", level="stadsdeel")).frame
    frame = table(at)
    periods = frame[t("col_period", "nl")].astype(str).tolist()
    unfinished = f" ({t('chart_incomplete', 'nl')})"  # the running year says so beside its label
    assert periods and all(re.fullmatch(r"\d{4}", p.removesuffix(unfinished)) for p in periods), periods[:5]
    assert sorted(set(periods)) == sorted(
        {p + ("" if done else unfinished) for p, done in expected.select("period", "complete").iter_rows()})
    assert set(frame[t("col_area", "nl")]) == set(expected["area_name"].to_list())


def test_indicator_deep_link_quarter_in_english(engine: Engine) -> None:
    ind_id = "huishoudens_schuldenvrij"
    ind = engine.indicator(ind_id)
    at = run_page(ui.PAGES_DIR / "2_indicator.py", id=ind_id, grain="quarter", lang="en")
    assert [x.value for x in at.title] == [t("page_indicator", "en")]
    assert f"## {ind.label('en')}" in markdown_text(at)
    periods = table(at)[t("col_period", "en")].astype(str).tolist()
    unfinished = f" ({t('chart_incomplete', 'en')})"
    codes = [p.removesuffix(unfinished) for p in periods]
    assert codes and all(re.fullmatch(r"\d{4}-Q[1-4]", p) for p in codes), periods[:5]
    assert sum(p.endswith(unfinished) for p in periods) == 1  # only the running quarter
    labels = [b.label for b in at.get("download_button")]
    assert labels == [t("download_csv", "en"), t("download_xlsx", "en")]


def test_indicator_term_periods_are_worded(engine: Engine) -> None:
    """The roll-up gives a term's id as its period; the table shows the term's label in the language."""
    ind_id = "huishoudens_schuldenvrij"
    labels = {term.id: i18n.pick(term.label, "en") for term in engine.terms}
    at = run_page(ui.PAGES_DIR / "2_indicator.py", id=ind_id, grain="term", lang="en")
    periods = {p.removesuffix(f" ({t('chart_incomplete', 'en')})")
               for p in table(at)[t("col_period", "en")].astype(str)}
    assert periods and periods <= set(labels.values()), periods


def test_pages_never_write_to_the_data_folder(demo_settings) -> None:
    """Every page runs (and the catalog is up to date); the extracts are byte for byte unchanged."""
    from tests.conftest import checksums

    before = checksums(demo_settings.data_dir)
    for path in PAGES:
        at = run_page(path)
        assert t(f"page_{ui.page_slug(path)}", "nl") in [x.value for x in at.title]
    assert checksums(demo_settings.data_dir) == before
    assert any(name.endswith(".parquet") for name in before)


def test_the_indicator_pickers_first_choice_is_the_same_in_both_languages() -> None:
    """Opened without ?id=, the areas and indicator pages start on one indicator whatever the
    language (the list is sorted by its titles, which differ per language)."""
    for page in ("2_indicator.py", "3_gebieden.py"):
        firsts = {lang: run_page(ui.PAGES_DIR / page, lang=lang).selectbox[0].value for lang in ("nl", "en")}
        assert firsts["nl"] == firsts["en"], (page, firsts)
