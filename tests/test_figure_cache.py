"""Figures and series kept for the next reader are exactly what a fresh computation gives,
and a change in what they show (data, language, options, a partner's rows) is another entry."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from monitor import charts, i18n, rollup
from monitor.charts import memo
from monitor.rollup import Published


def _series(values: list[float | None]) -> Published:
    """A month-grain roll-up of one area, as monitor.rollup hands it out (None: suppressed)."""
    months = [dt.date(2024, m, 1) for m in range(1, len(values) + 1)]
    n = len(values)
    frame = pl.DataFrame({
        "period": [m.strftime("%Y-%m") for m in months], "period_start": months,
        "period_end": [m.replace(day=28) for m in months], "complete": [True] * n,
        "area": ["WK051801"] * n, "area_name": ["Centrum"] * n, "stadsdeel": ["Centrum"] * n,
        "value": values, "denominator": [None] * n, "suppressed": [v is None for v in values],
        "result": values, "result_prev": [None] * n,
    }, schema_overrides={"denominator": pl.Float64, "result_prev": pl.Float64})
    return Published(frame, k=10, view="test")


@pytest.fixture(autouse=True)
def _empty_cache():
    memo.clear()
    yield
    memo.clear()


def _chart(pub: Published, lang: str = "nl", unit: str = "huishoudens"):
    return charts.series_chart(pub, title="Schulden", unit=unit, t=i18n.Translator(lang))


def test_same_inputs_give_the_kept_figure_equal_to_a_fresh_build() -> None:
    first = _chart(_series([10.0, 11.0, None, 13.0]))
    again = _chart(_series([10.0, 11.0, None, 13.0]))  # another object with the same content
    assert again is first
    assert memo.stats()["hits"] == 1
    memo.clear()
    assert _chart(_series([10.0, 11.0, None, 13.0])).to_json() == first.to_json()


@pytest.mark.parametrize("change", [
    {"values": [10.0, 11.0, None, 14.0]},  # one number differs (a new delivery)
    {"values": [10.0, 11.0, None]},  # fewer rows (a partner's own rows, a filter)
    {"lang": "en"},
    {"unit": "%"},
])
def test_anything_shown_differently_is_another_figure(change: dict) -> None:
    base = _chart(_series([10.0, 11.0, None, 13.0]))
    other = _chart(_series(change.get("values", [10.0, 11.0, None, 13.0])), change.get("lang", "nl"),
                   change.get("unit", "huishoudens"))
    assert other is not base and other.to_json() != base.to_json()


def test_row_order_is_part_of_the_key() -> None:
    a = memo.content_key(pl.DataFrame({"x": [1, 2]}))
    b = memo.content_key(pl.DataFrame({"x": [2, 1]}))
    assert a != b


def test_the_cache_is_bounded() -> None:
    for i in range(memo.MAX_FIGURES + 5):
        _chart(_series([float(i), 1.0]))
    assert memo.stats()["held"] == memo.MAX_FIGURES


def test_engine_keeps_a_view_and_gives_the_same_numbers(demo_settings) -> None:
    from monitor.engine import get_engine

    engine = get_engine(demo_settings)
    ind = next(i for i in engine.registry.indicators.values() if i.shape == "series")
    view = rollup.View(grain="year", level="stadsdeel")
    first = engine.series(ind.id, view)
    assert engine.series(ind.id, view) is first
    fresh = rollup.select(engine.cells(ind.id), ind, engine.areas, view, k=demo_settings.min_cell,
                          municipality=demo_settings.municipality)
    assert first.frame.equals(fresh.frame)
    other = engine.series(ind.id, rollup.View(grain="quarter", level="city"))
    assert other is not first and not other.frame.equals(first.frame)


def test_a_page_run_reads_the_query_folder_once_and_the_next_sees_a_change(demo_settings, tmp_path) -> None:
    """Within a run (a thread that pinned it) the registry stays; another run sees an added file."""
    import dataclasses
    import shutil
    import threading

    from monitor.engine import Engine, get_engine

    shared = get_engine(demo_settings)
    queries = tmp_path / "queries"
    shutil.copytree(demo_settings.queries_dir, queries)
    engine = Engine(dataclasses.replace(demo_settings, queries_dir=queries), shared.catalog, shared.report)
    engine.pin_registry()
    before = engine.registry
    src = next(p for p in queries.rglob("*.sql") if "_staging" not in p.parts)
    shutil.copy(src, src.with_name("pinned_copy_test.sql"))
    assert engine.registry is before  # the same run: pinned
    seen: list = []
    other = threading.Thread(target=lambda: seen.append(set(engine.registry.indicators)))
    other.start()
    other.join()
    assert "pinned_copy_test" in seen[0] and "pinned_copy_test" not in before.indicators
    engine.pin_registry()  # the next run of this thread
    assert "pinned_copy_test" in engine.registry.indicators
