"""The disclosure audit: hidden cells worked out by hand, a safe pattern, and the demo data."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.audit import audit, audit_indicator
from monitor.rollup.linked import linked_cells, suppressed_cells
from tests.test_rollup import indicator, make_areas, series_frame

J, F, M = dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1)
AREAS = make_areas({"Noord": ["WK01", "WK02", "WK03"]})


def _audit(rows):
    ind = indicator("count")
    frame = series_frame(rows)
    cells = suppressed_cells(frame, ind, AREAS, k=10, municipality="Stad", terms=())
    true = linked_cells(frame, ind, AREAS, municipality="Stad", terms=())
    (result,) = audit(cells, true, ind)
    return result


def test_a_hidden_cell_recovered_by_hand_is_exact() -> None:
    # month x wijk (one stadsdeel Noord, one quarter):   Jan  Feb  Mar
    #                                            WK01     3   20   30
    #                                            WK02     0    0   35
    #                                            WK03    40   45   50
    # WK01-Jan (3) is primary. The suppression hides WK02-Jan (0, the smallest sibling in
    # Noord-Jan), then WK02-Feb (0, in WK02's quarter) and WK01-Feb (20, in Noord-Feb).
    # Published: WK02's quarter is 35 and its March 35, so Jan + Feb = 0 for WK02: both
    # are 0 (no count is negative). Noord-Jan is 43 and WK03-Jan 40, so
    # WK01-Jan = 43 - 40 - 0 = 3, exactly.
    r = _audit([(J, "WK01", 3), (F, "WK01", 20), (M, "WK01", 30), (J, "WK02", 0), (F, "WK02", 0),
                (M, "WK02", 35), (J, "WK03", 40), (F, "WK03", 45), (M, "WK03", 50)])
    month = [e for e in r.worst if e.grain == "month"]
    assert r.exact >= 1 and month
    assert (month[0].period, month[0].area) == ("2024-01", "WK01")
    assert month[0].low == pytest.approx(3) and month[0].high == pytest.approx(3)
    assert month[0].exposed_by


def test_two_hidden_cells_in_every_relation_with_room_is_safe() -> None:
    # As above but WK02 has 15 in January and 25 in February. Hidden: WK01-Jan (3),
    # WK02-Jan (15), WK01-Feb (20), WK02-Feb (25). With t = WK01-Jan: WK02-Jan = 18 - t,
    # WK01-Feb = 23 - t, WK02-Feb = 22 + t, all >= 0, so t lies anywhere in [0, 18].
    r = _audit([(J, "WK01", 3), (F, "WK01", 20), (M, "WK01", 30), (J, "WK02", 15), (F, "WK02", 25),
                (M, "WK02", 35), (J, "WK03", 40), (F, "WK03", 45), (M, "WK03", 50)])
    assert r.primary >= 1 and r.exact == 0 and r.narrow == 0 and r.worst == ()


@pytest.mark.parametrize("ind_id", ["bijstand_personen"])
def test_the_demo_audit_runs_with_consistent_counts(demo_settings, ind_id: str) -> None:
    from monitor.engine import get_engine

    results = audit_indicator(get_engine(demo_settings), ind_id)
    assert results
    for r in results:
        assert r.hidden >= r.primary >= r.exact + r.narrow >= 0
        assert all(e.high - e.low < r.width for e in r.worst)
        print(f"{ind_id} {r.column}: hidden {r.hidden}, primary {r.primary}, exact {r.exact}, "
              f"narrow {r.narrow}")
