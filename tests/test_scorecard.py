"""The scorecard and the progress report read the same numbers as the library computes."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest

from monitor import i18n, programme, report, scorecard
from monitor.engine import get_engine


@pytest.fixture(scope="module")
def engine(demo_settings):
    return get_engine(demo_settings)


@pytest.fixture(scope="module")
def cards(engine):
    return scorecard.scorecard(engine)


def test_one_card_per_ambition_of_the_current_term(engine, cards) -> None:
    term = programme.current_term(engine.programme, engine.as_of)
    expected = [a.id for a in programme.ambitions_for(engine.programme, term.id)]
    assert [c.ambition.id for c in cards] == expected


def test_current_value_is_the_latest_twelve_months(engine, cards) -> None:
    for card in cards:
        ind = card.indicator
        monthly = engine.city_monthly(ind.id)
        as_of, value = programme.current_value(monthly, ind.measure, percentage=ind.is_percentage)
        assert card.as_of == as_of
        assert card.current.value == pytest.approx(value)
        expected = programme.status(card.ambition, card.term, value, as_of, ind.direction)
        assert card.status.code == expected.code


def test_outputs_are_those_of_the_ambition(cards) -> None:
    for card in cards:
        assert [o.indicator.id for o in card.outputs] == list(card.ambition.outputs)


def test_statuses_are_mixed_on_the_demo(cards) -> None:
    """The demo must show what the tool is for: not everything green."""
    assert len({c.status.code for c in cards}) >= 2


def _steep_share(n: int = 30) -> pl.DataFrame:
    months = pl.date_range(dt.date(2023, 1, 1), dt.date(2023, 1, 1) + dt.timedelta(days=31 * (n - 1)),
                           interval="1mo", eager=True)[:n]
    return pl.DataFrame({"month": months, "current": [50.0 + 1.5 * i for i in range(n)]})


def test_percentage_projection_stays_below_100() -> None:
    twelve = _steep_share()
    end = dt.date(2030, 5, 31)
    straight = programme.projection(twelve, end, bounds=(None, None))
    assert straight.value > 100  # a straight line would pass 100%
    proj, path = scorecard._project(twelve, end, percentage=True)
    assert twelve["current"][-1] < proj.value < 100
    assert proj.low <= proj.value <= proj.high < 100
    assert path["value"].max() < 100 and path["value"].is_sorted()


def test_count_projection_is_the_straight_line() -> None:
    twelve = _steep_share()
    end = dt.date(2030, 5, 31)
    proj, _ = scorecard._project(twelve, end, percentage=False)
    assert proj.value == pytest.approx(programme.projection(twelve, end).value)


def test_report_is_self_contained_and_shows_every_ambition(engine, cards) -> None:
    html = report.render(engine, lang="nl")
    markup = re.sub(r"<script[^>]*>.*?</script>", "", html, flags=re.S)  # plotly.js itself is inline
    assert "<script src=" not in html
    assert not re.search(r"""(src|href)=["']https?://""", markup), "the report must not load anything"
    assert "Plotly" in html  # the library is inline
    for card in cards:
        assert i18n.pick(card.ambition.title, "nl") in html
        assert card.current.text(card.indicator.unit, "nl", engine.settings.min_cell) in html
    assert i18n.t("demo_banner", "nl").split("**")[0] in html


def test_report_in_english(engine) -> None:
    html = report.render(engine, lang="en")
    assert "<html lang='en'>" in html
    assert i18n.t("report_title", "en") in html


def test_scorecard_is_cached_until_programme_changes(demo_settings, tmp_path, monkeypatch) -> None:
    import os
    import shutil

    from monitor.settings import get_settings

    copy = tmp_path / "programme.yaml"
    shutil.copy(demo_settings.programme_file, copy)
    monkeypatch.setenv("MONITOR_PROGRAMME", str(copy))
    engine = get_engine(get_settings())
    first = scorecard.scorecard(engine)
    assert scorecard.scorecard(engine)[0] is first[0]  # cached
    target = first[0].target
    text = copy.read_text()
    old = f"{{year: {target.year}, value: {target.value:g},"
    assert old in text
    copy.write_text(text.replace(old, f"{{year: {target.year}, value: {target.value + 7:g},"))
    os.utime(copy, ns=(copy.stat().st_atime_ns, copy.stat().st_mtime_ns + 10**9))
    again = scorecard.scorecard(engine)
    assert again[0].target.value == target.value + 7


def test_output_frames_start_with_the_outcome(engine, cards) -> None:
    for card in cards:
        start = engine.frame(card.indicator.id)["month"].min()
        for ind, frame in scorecard.output_frames(engine, card):
            assert frame["period_start"].min() >= start
            full = engine.series(ind.id)
            assert frame.height == full.filter(pl.col("period_start") >= start).height
