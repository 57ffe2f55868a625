"""The disclosure attack and its repair: the worked example of docs/disclosure.md, a safe table,
and the demo data (every series indicator, every number column, dense and sparse)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from monitor.audit import audit, audit_indicator, audit_pattern
from monitor.rollup import attack
from monitor.rollup.linked import first_pattern, linked_cells, suppressed_cells
from monitor.rollup.periods import Term
from tests.test_rollup import indicator, make_areas, series_frame

J23, J24 = dt.date(2023, 1, 1), dt.date(2024, 1, 1)
AREAS = make_areas({"Noord": ["WK01", "WK02", "WK03"]})
# a term that is exactly 2023 and 2024, so a wijk's term is the sum of its two years
TERM = Term("t", "2023-2024", dt.date(2023, 1, 1), dt.date(2024, 12, 31))


def _frame(b2023: float):
    """docs/disclosure.md's table: each wijk's year counted in January, every other month 0.

                 2023   2024   term
        WK01        3     20     23
        WK02    b2023     25
        WK03       50     40     90
    """
    rows = [(J23, "WK01", 3), (J24, "WK01", 20), (J23, "WK02", b2023), (J24, "WK02", 25),
            (J23, "WK03", 50), (J24, "WK03", 40), (dt.date(2024, 12, 1), "WK03", 0)]
    return series_frame(rows)


def _cell(linked, grain: str, period: str, area: str) -> int:
    names = linked.cells.with_row_index("_row").join(linked.periods, on="_pid").join(
        linked.places, on="_area")
    row = names.filter((names["_grain"] == grain) & (names["period"] == period) & (names["area"] == area))
    assert row.height == 1
    return int(row["_row"][0])


def _first(b2023: float, terms=()):
    ind = indicator("count")
    linked = linked_cells(_frame(b2023), ind, AREAS, municipality="Stad", terms=terms)
    return ind, linked, first_pattern(linked, ind, 10)


def test_an_empty_partner_leaves_a_small_cell_proven_small() -> None:
    # Years only. WK01-2023 (3) is primary; the per-equation rule hides the smallest sibling in
    # Noord 2023, WK02-2023 (0). Noord 2023 (53) and WK03-2023 (50) are published, so
    # WK01 + WK02 = 3, and no count is negative: WK01-2023 lies in [0, 3], narrower than k = 10.
    ind, linked, hidden = _first(0)
    a, b = _cell(linked, "year", "2023", "WK01"), _cell(linked, "year", "2023", "WK02")
    assert hidden[a] and hidden[b]
    (result,) = audit_pattern(linked, ind, hidden, k=10)
    worst = [e for e in result.worst if (e.grain, e.period, e.area) == ("year", "2023", "WK01")]
    assert result.narrow >= 1 and worst
    assert worst[0].low == pytest.approx(0) and worst[0].high == pytest.approx(3)
    assert any("Noord" in label for label in worst[0].exposed_by)


def test_two_views_give_a_small_cell_away_exactly() -> None:
    # A hand-made pattern, the classic one: WK01-2023 and its smallest sibling WK02-2023 (15)
    # hidden, all else shown. Noord 2023 has two unknowns, but WK01's term (23) and its 2024
    # (20) are published, so WK01-2023 = 23 - 20 = 3 exactly.
    ind, linked, first = _first(15, terms=(TERM,))
    hidden = ~linked.shown.copy()  # link cells are never shown
    hidden[[_cell(linked, "year", "2023", "WK01"), _cell(linked, "year", "2023", "WK02")]] = True
    (result,) = audit_pattern(linked, ind, hidden, k=10)
    worst = [e for e in result.worst if (e.grain, e.period, e.area) == ("year", "2023", "WK01")]
    assert result.exact >= 1 and worst
    assert worst[0].low == pytest.approx(3) and worst[0].high == pytest.approx(3)
    # the monitor's own first pattern applies the rule to the term relation as well, and holds
    (own,) = audit_pattern(linked, ind, first, k=10)
    assert own.exact == own.narrow == 0


@pytest.mark.parametrize(("b2023", "terms"), [(0, ()), (0, (TERM,))])
def test_the_repair_leaves_every_small_cell_at_least_k_wide(b2023, terms) -> None:
    ind, linked, hidden = _first(b2023, terms)
    done = attack.protect(linked, ind, hidden, k=10, width=10)
    assert done.rounds >= 1 and done.added >= 1
    assert (done.hidden & hidden).sum() == hidden.sum()  # the repair only adds
    # WK02-2023 is 0 and cannot absorb anything: the repair brings in WK03-2023 (50)
    assert done.hidden[_cell(linked, "year", "2023", "WK03")]
    (result,) = audit_pattern(linked, ind, done.hidden, k=10)
    assert result.primary >= 1 and result.exact == result.narrow == 0
    # docs/disclosure.md: with the term, WK01-2023 = t leaves WK01-2024 = 23 - t, so t in [0, 23]
    if terms:
        (wide,) = audit_pattern(linked, ind, done.hidden, k=10, width=1000, examples=50)
        cell = [e for e in wide.worst if (e.grain, e.period, e.area) == ("year", "2023", "WK01")]
        assert (cell[0].low, cell[0].high) == (pytest.approx(0), pytest.approx(23))
    # the roll-up's own road gives a pattern that holds as well
    cells = suppressed_cells(_frame(b2023), ind, AREAS, k=10, municipality="Stad", terms=terms)
    (again,) = audit(cells, linked, ind)
    assert again.exact == again.narrow == 0


def test_a_stuck_repair_hides_the_citys_own_cells_last(monkeypatch) -> None:
    """When picking one partner a round gets nowhere, every published cell of the pinning equations
    goes, but the city's own totals only where nothing else is left: a stuck repair once hid the
    city's monthly placements (110 a month) for half a year. The pattern still withstands the attack."""
    monkeypatch.setattr(attack, "MAX_ROUNDS", 0)  # the first repair round already takes everything
    # docs/disclosure.md's table, and a second stadsdeel beside Noord, so the city is no copy of it
    areas = make_areas({"Noord": ["WK01", "WK02", "WK03"], "Zuid": ["WK04", "WK05"]})
    frame = pl.concat([_frame(0), series_frame([(J23, "WK04", 60), (J24, "WK04", 70), (J23, "WK05", 80),
                                                (J24, "WK05", 90)])])
    ind = indicator("count")
    linked = linked_cells(frame, ind, areas, municipality="Stad", terms=())
    hidden = first_pattern(linked, ind, 10)
    city = (linked.cells["_level"].to_numpy() == 0) & linked.shown
    done = attack.protect(linked, ind, hidden, k=10, width=10)
    assert done.added >= 1 and not (done.hidden & city).any()
    (result,) = audit_pattern(linked, ind, done.hidden, k=10)
    assert result.primary >= 1 and result.exact == result.narrow == 0
    # the rule itself, on one equation "cell 1 (the city's) = cells 0 + 2 + 3", cell 0 exposed
    rows, members = np.zeros(4, np.int64), np.array([0, 1, 2, 3])
    known, trues = np.array([False, True, True, True]), {"value": np.array([3.0, 60.0, 20.0, 37.0])}

    def everything(spare):
        picked = attack._partners({0: [0]}, rows, members, known, trues, 10, everything=True, spare=spare)
        return picked.tolist()

    assert everything(np.array([False, True, False, False])) == [2, 3]
    assert everything(None) == [1, 2, 3]
    assert everything(np.array([False, True, True, True])) == [1, 2, 3]  # nothing else left: the city's go


def test_a_partner_with_room_is_safe_without_repair() -> None:
    # Years only, WK02-2023 = 15: WK01 + WK02 = 18, so WK01-2023 lies anywhere in [0, 18] >= k.
    ind, linked, hidden = _first(15)
    (result,) = audit_pattern(linked, ind, hidden, k=10)
    assert result.primary >= 1 and result.exact == result.narrow == 0
    assert attack.protect(linked, ind, hidden, k=10, width=10).added == 0


def test_a_wider_protection_width_asks_for_more() -> None:
    # with width 20 the [0, 18] of the safe table is too narrow, so the repair must act
    ind, linked, hidden = _first(15)
    (result,) = audit_pattern(linked, ind, hidden, k=10, width=20)
    assert result.narrow >= 1
    done = attack.protect(linked, ind, hidden, k=10, width=20)
    assert done.added >= 1
    (after,) = audit_pattern(linked, ind, done.hidden, k=10, width=20)
    assert after.exact == after.narrow == 0


def test_every_equation_holds_on_the_true_numbers(demo_settings) -> None:
    # The attack is only as good as its equations: each "total = sum of parts" must hold on
    # the unsuppressed demo numbers, for every series indicator and number column.
    from monitor.engine import get_engine

    engine = get_engine(demo_settings)
    for ind_id in _series_ids(demo_settings):
        ind = engine.indicator(ind_id)
        linked = linked_cells(engine.frame(ind_id), ind, engine.areas,
                              municipality=demo_settings.municipality, terms=engine.terms)
        rows, members, coef = attack.equations(linked.families)
        assert rows.size > 0
        for column in attack.number_columns(ind):
            residual = np.bincount(rows, weights=coef * linked.cells[column].to_numpy()[members])
            assert np.abs(residual).max() < 1e-6, (ind_id, column)


def _series_ids(settings) -> list[str]:
    from monitor.engine import get_engine

    return sorted(i.id for i in get_engine(settings).registry.indicators.values() if i.shape == "series")


def _assert_nothing_exposed(settings) -> int:
    """Every series indicator audited as published: nothing exposed. Returns the primary cells."""
    from monitor.engine import get_engine

    engine = get_engine(settings)
    ids = _series_ids(settings)
    assert len(ids) >= 19
    primary = 0
    for ind_id in ids:
        results = audit_indicator(engine, ind_id)
        assert {r.column for r in results} == (
            {"value", "denominator"} if engine.indicator(ind_id).is_ratio else {"value"})
        for r in results:
            assert r.hidden >= r.primary
            assert r.exact == 0 and r.narrow == 0, (ind_id, r.column, r.worst[:2])
        primary += results[0].primary if results else 0
    return primary


def test_the_demo_data_exposes_no_small_cell(demo_settings) -> None:
    _assert_nothing_exposed(demo_settings)


def test_sparse_data_exposes_no_small_cell(sparse_settings) -> None:
    # sparse data really is sparse: many small cells to protect (about 15,000 at scale 0.2)
    assert _assert_nothing_exposed(sparse_settings) > 5000


def test_a_stored_pattern_that_misses_a_small_cell_is_not_used(demo_settings) -> None:
    from monitor.engine import get_engine

    engine = get_engine(demo_settings)
    ind_id = "hulp_geaccepteerd"
    cells = engine.cells(ind_id)
    stored = list((demo_settings.catalog_dir / "protection").rglob(f"{ind_id}-*.npy"))
    assert len(stored) == 1
    pattern = np.load(stored[0])
    np.save(stored[0], np.zeros_like(pattern))  # a tampered or broken file: shows everything
    # the published cells stored beside the frames would serve first (tests/test_stored_cells.py):
    # without them the engine goes back to the pattern
    for published in (demo_settings.catalog_dir / "frames").rglob(f"published-{ind_id}-*.parquet"):
        published.unlink()
    engine._cells.clear()
    again = engine.cells(ind_id)
    assert again is not None and cells is not None
    # computed afresh: as many cells hidden as the first time, not none
    assert again.cells["suppressed"].sum() == cells.cells["suppressed"].sum() > 0
    assert np.load(stored[0]).sum() == pattern.sum()  # and the broken file replaced


def test_the_protected_pattern_is_the_same_every_run() -> None:
    # Views are answered from one pattern, and a pattern is stored per catalog version, so a
    # recomputation (another process, another server) must give the same one. Polars' group_by
    # orders rows differently from run to run; the solver's path must not follow that.
    d = dt.date
    rows = [(d(2020, 6, 1), "WK01", 0), (d(2020, 8, 1), "WK02", 14), (d(2020, 9, 1), "WK01", 14),
            (d(2020, 11, 1), "WK02", 2), (d(2021, 9, 1), "WK01", 8), (d(2021, 3, 1), "WK03", 5)]
    ind = indicator("count")
    patterns = {tuple(suppressed_cells(series_frame(rows), ind, AREAS, k=9, municipality="Stad",
                                       terms=(TERM,)).cells["suppressed"].to_list()) for _ in range(8)}
    assert len(patterns) == 1


def _keyed(cells):
    return (cells.cells.join(cells.periods.select("_pid", "_grain", "period", "_aux"), on="_pid")
            .join(cells.places.select("_area", "area"), on="_area")
            .select("_level", "_grain", "period", "_aux", "area", "suppressed"))


TWIN = """/*---
title: {nl: Signalen met contact, en: Signals contacted}
kind: output
programme: schulden
measure: ratio
unit: '%'
direction: up
sources: [early_signals]
---*/
SELECT date_trunc('month', received_on)::DATE AS month, wijk_code,
       count(*) FILTER (WHERE contacted_on IS NOT NULL)::DOUBLE AS value, count(*)::DOUBLE AS denominator
FROM early_signals
GROUP BY ALL
"""


def test_indicators_that_publish_the_same_number_hide_the_same_cells(demo_settings, tmp_path) -> None:
    # A share of the signals received whose denominator is the count of signals received, per month
    # and wijk. An attacker reads both, so a cell one hides and the other shows would be read off,
    # and each one's complementary cells could pin a cell in the other: they get one pattern.
    import dataclasses
    import shutil

    from monitor.engine import get_engine

    queries = tmp_path / "queries"
    shutil.copytree(demo_settings.queries_dir, queries)
    (queries / "signalen_gecontacteerd_pct.sql").write_text(TWIN, encoding="utf-8")
    engine = get_engine(dataclasses.replace(demo_settings, queries_dir=queries))
    ratio = engine.indicator("signalen_gecontacteerd_pct")
    count = engine.frame("vroegsignalen_ontvangen")
    by_cell = engine.frame(ratio.id).group_by("month", "wijk_code").agg(pl.col("denominator").sum())
    same = by_cell.join(count.group_by("month", "wijk_code").agg(pl.col("value").sum()),
                        on=["month", "wijk_code"], how="full", coalesce=True).fill_null(0)
    assert (same["denominator"] == same["value"]).all()  # the data really share the number
    assert "vroegsignalen_ontvangen" in engine._twins_of(ratio)
    pairs = {(i.id, t) for i in engine.registry.indicators.values() if i.shape == "series"
             for t in engine._twins_of(i)}
    for a, b in sorted(pairs):
        both = _keyed(engine.cells(a)).join(_keyed(engine.cells(b)),
                                            on=["_level", "_grain", "period", "_aux", "area"])
        assert both.height > 0
        assert (both["suppressed"] == both["suppressed_right"]).all(), (a, b)


FIXTURES = Path(__file__).parent / "fixtures"


def test_numbers_adding_up_to_a_published_total_hide_the_same_cells(demo_settings, tmp_path) -> None:
    """The placements that cannot be traced after twelve months (a count, once a query file of the
    monitor, kept here as a fixture) plus the traced ones (the lasting-work ratio's denominator) are
    all placements of twelve months earlier, from and without social assistance: each is the
    published total minus the other. They are found as complements and hide the same cells, so the
    subtraction reads no cell; an attacker once recovered all 83 hidden city months that way."""
    import dataclasses
    import shutil

    from monitor.engine import get_engine

    queries = tmp_path / "queries"
    shutil.copytree(demo_settings.queries_dir, queries)
    shutil.copy(FIXTURES / "plaatsingen_niet_traceerbaar.sql", queries)
    engine = get_engine(dataclasses.replace(demo_settings, queries_dir=queries))
    per_cell = ["month", "wijk_code"]

    def summed(ind_id: str, column: str, shift: str = "0mo") -> pl.DataFrame:
        return (engine.frame(ind_id).group_by(per_cell).agg(pl.col(column).sum().alias(ind_id))
                .with_columns(pl.col("month").dt.offset_by(shift)))

    u, d = summed("plaatsingen_niet_traceerbaar", "value"), summed("duurzaam_werk_12m_pct", "denominator")
    total = summed("plaatsingen_vanuit_bijstand", "value", "12mo").join(
        summed("plaatsingen_zonder_uitkering", "value", "12mo"), on=per_cell, how="full", coalesce=True)
    both = (u.join(d, on=per_cell, how="full", coalesce=True).join(total, on=per_cell, how="left")
            .fill_null(0).filter(pl.col("month").is_between(u["month"].min(), u["month"].max())))
    assert both.height > 100  # the data really tie them: untraceable + traced = all placements a year earlier
    assert (both["plaatsingen_niet_traceerbaar"] + both["duurzaam_werk_12m_pct"]
            == both["plaatsingen_vanuit_bijstand"] + both["plaatsingen_zonder_uitkering"]).all()
    untraceable = engine.indicator("plaatsingen_niet_traceerbaar")
    assert list(engine._twins_of(untraceable)) == ["duurzaam_werk_12m_pct"]
    pair = _keyed(engine.cells("plaatsingen_niet_traceerbaar")).join(
        _keyed(engine.cells("duurzaam_werk_12m_pct")), on=["_level", "_grain", "period", "_aux", "area"])
    assert pair["suppressed"].sum() > 50  # the untraceable are few: many cells to protect
    assert (pair["suppressed"] == pair["suppressed_right"]).all()
