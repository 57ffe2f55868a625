"""Published cells stored beside the catalog (issue 11: a first roll-up after a build that
reads, not counts).

On small demo data (scale 0.2) in private folders, k = 1 where the protection's linear
programs are not the subject (they take minutes on sparse data): a fresh engine after the
build serves every series without computing cells and returns what a computing engine
returns; a changed query file recomputes only the cells it can touch; a stored set that
shows a small number is refused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from monitor import catalog, indicators, rollup
from monitor.engine import Engine
from monitor.precompute import compute_frames, protect_all
from monitor.rollup import View
from monitor.rollup import stored as kept
from tests.test_stored_frames import small, small_extracts  # noqa: F401 (fixtures)


def _fresh_engine(settings) -> Engine:
    cat = catalog.open_catalog(settings)
    return Engine(settings, cat, cat.report)


@pytest.fixture
def built(small):  # noqa: F811 (the fixture of the same name)
    catalog.build(small, after_load=compute_frames)
    settings = dataclasses.replace(small, min_cell=1, protection_width=1)
    protect_all(settings)  # `monitor build`: every series' cells computed and stored
    return settings


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each indicator whose cells are computed from its frame (the slow path)."""
    calls: list[str] = []
    real = rollup.protected_cells

    def spy(frame, ind, *args, **kwargs):
        calls.append(ind.id)
        return real(frame, ind, *args, **kwargs)
    monkeypatch.setattr(rollup, "protected_cells", spy)
    return calls


VIEWS = (View(), View(grain="year", level="wijk"), View(grain="rolling", level="city"))


def test_a_fresh_engine_after_the_build_reads_every_series_cells(built, monkeypatch) -> None:
    computing = _fresh_engine(built)
    series = [i for i in computing.registry if i.shape == "series"]
    # the reference: cells computed from the frames in this test (stored files moved out of the way)
    expected = {}
    for ind in series:
        cells = rollup.protected_cells(computing.frame(ind.id), ind, computing.areas, k=1, width=1,
                                       municipality=built.municipality, terms=computing.terms,
                                       twins=computing._twins_of(ind))
        expected[ind.id] = [rollup.select(cells, ind, computing.areas, v, k=1,
                                          municipality=built.municipality).frame for v in VIEWS]
    calls = _counting(monkeypatch)
    reading = _fresh_engine(built)
    for ind in series:
        for view, want in zip(VIEWS, expected[ind.id], strict=True):
            assert_frame_equal(reading.series(ind.id, view).frame, want)
    assert calls == []


def test_a_changed_query_file_recomputes_only_the_cells_it_can_touch(built, monkeypatch) -> None:
    path = built.queries_dir / "matches.sql"
    path.write_text(path.read_text(encoding="utf-8").rstrip() + "\n-- edited\n", encoding="utf-8")
    registry = indicators.load_registry(built.queries_dir)
    matches = registry.indicators["matches"]
    # matches' own cells and those of every series that reads one of its sources (a shared number
    # is protected together): worked out here from the query files' front matter
    touched = sorted(i.id for i in registry if i.shape == "series" and set(i.sources) & set(matches.sources))
    untouched = [i.id for i in registry if i.shape == "series" and i.id not in touched]
    assert "matches" in touched and untouched
    calls = _counting(monkeypatch)
    engine = _fresh_engine(built)
    for ind in registry:
        if ind.shape == "series":
            engine.series(ind.id)
    assert sorted(calls) == touched


def test_a_front_matter_change_alone_recomputes_the_cells(built, monkeypatch) -> None:
    """provisional_months decides which periods are complete; the SQL is unchanged, the cells are not."""
    path = built.queries_dir / "hulp_geaccepteerd.sql"
    text = path.read_text(encoding="utf-8")
    assert "provisional_months: 1\n" in text
    before = _fresh_engine(built).series("hulp_geaccepteerd").frame
    path.write_text(text.replace("provisional_months: 1\n", "provisional_months: 0\n"), encoding="utf-8")
    calls = _counting(monkeypatch)
    after = _fresh_engine(built).series("hulp_geaccepteerd").frame
    assert "hulp_geaccepteerd" in calls
    # the last month was provisional, now it is complete: one incomplete period fewer or more
    assert after["complete"].sum() > before["complete"].sum()


def _cells(value: float | None, suppressed: bool) -> dict[str, pl.DataFrame]:
    """One city cell of a count, made up here, with the periods and places it names."""
    return {
        "cells": pl.DataFrame({"_level": [0], "_pid": [0], "_area": [0], "value": [value],
                               "suppressed": [suppressed]}),
        "periods": pl.DataFrame({"_pid": [0], "period_start": [dt.date(2026, 1, 1)]}),
        "places": pl.DataFrame({"_area": [0], "area": ["GM0518"]}),
    }


@pytest.mark.parametrize(("value", "suppressed", "usable"), [
    (3.0, False, False),  # 3 people shown with k = 10: a small number, refused
    (None, True, True),   # the same cell hidden: fine
    (12.0, False, True),  # 12 >= 10: fine
    (0.0, False, True),   # zero is no person: fine
])
def test_a_stored_set_that_shows_a_small_number_is_refused(built, value, suppressed, usable) -> None:
    ind = indicators.load_registry(built.queries_dir).indicators["vroegsignalen_ontvangen"]
    assert ind.measure == "count"
    got = kept.from_frames(_cells(value, suppressed), ind, k=10)
    assert (got is not None) == usable


@pytest.mark.parametrize(("value", "suppressed"), [(3.0, None), (3.0, True), (12.0, None)])
def test_a_hidden_cell_carries_no_number_and_every_cell_says_whether_it_is_hidden(built, value,
                                                                                   suppressed) -> None:
    ind = indicators.load_registry(built.queries_dir).indicators["vroegsignalen_ontvangen"]
    parts = _cells(value, False)
    parts["cells"] = parts["cells"].with_columns(pl.Series("suppressed", [suppressed], pl.Boolean))
    assert kept.from_frames(parts, ind, k=10) is None


def test_a_stored_set_with_a_part_missing_is_not_used(built) -> None:
    ind = indicators.load_registry(built.queries_dir).indicators["vroegsignalen_ontvangen"]
    parts = _cells(12.0, False)
    assert kept.from_frames(parts, ind, k=10) is not None
    assert kept.from_frames({**parts, "places": None}, ind, k=10) is None
    assert kept.from_frames({**parts, "cells": parts["cells"].drop("suppressed")}, ind, k=10) is None


def test_a_tampered_stored_file_is_computed_again(built, monkeypatch) -> None:
    engine = _fresh_engine(built)
    want = engine.series("vroegsignalen_ontvangen").frame
    folder = built.catalog_dir / "frames" / engine.report.version
    [path] = folder.glob("published-vroegsignalen_ontvangen-cells-*.parquet")
    # every cell shown as 0.5 of a person: below k = 1 and above zero, a primary cell
    pl.read_parquet(path).with_columns(pl.lit(0.5).alias("value"), pl.lit(False).alias("suppressed")
                                       ).write_parquet(path)
    calls = _counting(monkeypatch)
    again = _fresh_engine(built).series("vroegsignalen_ontvangen").frame
    assert calls == ["vroegsignalen_ontvangen"]
    assert_frame_equal(again, want)
    assert 0.5 not in pl.read_parquet(path)["value"].to_list()  # and stored again, right
