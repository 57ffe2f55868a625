"""Two consecutive deliveries: what the second publishes must not give the newest month by subtraction.

Each delivery is protected on its own. The current year and term grow by a month with every
delivery, so a wijk's running year published in both would differ by the wijk's newest month,
which the plan never publishes (wijken show years and terms only) and which is often fewer than
k. A running period is therefore shown only where its months are shown too (docs/disclosure.md,
consecutive deliveries). The expected values here are worked by hand from the rows below, not
from the roll-up.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from monitor import rollup
from monitor.indicators import Indicator
from monitor.rollup import Term, View

CITY = "Gemeente"
LAYOUT = {"Noord": ["WK01", "WK02"], "Zuid": ["WK03", "WK04"]}
AREAS = pl.DataFrame(
    [(y, w, f"Wijk {w}", sd, 1000, 500) for y in (2024, 2025) for sd, ws in LAYOUT.items() for w in ws],
    schema=["year", "wijk_code", "wijk_name", "stadsdeel", "inhabitants", "households"], orient="row")
TERM = Term("2022-2026", "2022-2026", dt.date(2022, 5, 16), dt.date(2026, 5, 15))
NEXT = Term("2026-2030", "2026-2030", dt.date(2026, 5, 16), dt.date(2030, 5, 15))


def indicator(measure: str) -> Indicator:
    return Indicator(id=f"t_{measure}", path=Path(f"t_{measure}.sql"), title={"nl": "t"}, description={},
                     kind="output", programme="schulden", measure=measure, unit="huishoudens",
                     direction="up", sources=(), shape="series", numerator_is_people=True)


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = dt.date(m.year + m.month // 12, m.month % 12 + 1, 1)
    return out


# 2025-01 .. 2026-10: every wijk 30 a month, except WK01, which has 3 in October 2026 (the newest
# month of the second delivery). The first delivery ends in September 2026.
ROWS = [(m, w, 3.0 if (w == "WK01" and m == dt.date(2026, 10, 1)) else 30.0)
        for m in months(dt.date(2025, 1, 1), dt.date(2026, 10, 1)) for ws in LAYOUT.values() for w in ws]
FRAME = pl.DataFrame(ROWS, schema={"month": pl.Date, "wijk_code": pl.String, "value": pl.Float64},
                     orient="row")


def published(frame: pl.DataFrame, ind: Indicator, grain: str, level: str
              ) -> dict[tuple[str, str], float | None]:
    """(period, area) -> the published value (None: hidden), as a surface or a download reads it."""
    out = rollup.rollup(frame, ind, AREAS, View(grain=grain, level=level), k=10, municipality=CITY,
                        terms=(TERM, NEXT)).frame
    return {(p, a): v for p, a, v in out.select("period", "area", "value").iter_rows()}


@pytest.mark.parametrize("grain", ["year", "term"])
def test_a_wijk_shows_no_running_period_so_two_deliveries_give_no_newest_month(grain: str) -> None:
    ind = indicator("count")
    first = published(FRAME.filter(pl.col("month") <= dt.date(2026, 9, 1)), ind, grain, "wijk")
    second = published(FRAME, ind, grain, "wijk")
    running = "2026" if grain == "year" else "2026-2030"
    assert not [key for key in second if key[0] == running]  # the running period: no wijk cell
    assert not [key for key in first if key[0] == running]
    # whatever both show is the same number: a subtraction gives nothing
    both = set(first) & set(second)
    assert both and all(first[key] == second[key] for key in both)
    if grain == "year":  # the whole year 2025 is shown: 12 x 30 in each wijk
        assert second[("2025", "WK01")] == 360.0
    else:  # the ended term holds 2025-01 .. 2026-05 of the data: 17 months x 30
        assert second[("2022-2026", "WK01")] == 510.0


def test_the_stadsdeel_keeps_its_running_year_because_its_months_are_shown() -> None:
    """Noord's year 2026 to October is Jan-Sep 2 x 30 x 9 = 540 plus October 30 + 3 = 573, and its
    October (33) is a published month of its own: the running year tells nothing more."""
    ind = indicator("count")
    year = published(FRAME, ind, "year", "stadsdeel")
    month = published(FRAME, ind, "month", "stadsdeel")
    assert year[("2026", "Noord")] == 573.0
    assert month[("2026-10", "Noord")] == 33.0


def test_a_distinct_count_shows_its_running_periods_in_the_city_only() -> None:
    """Households counted once per period: a stadsdeel's running year minus the previous delivery's
    is the households first seen this year in the newest month, which no month shows. Here one
    household (h1, in WK01 since January) and, new in October, h2 in WK02."""
    ind = indicator("distinct")
    keys = [(m, "WK01", "h1") for m in months(dt.date(2026, 1, 1), dt.date(2026, 10, 1))]
    keys += [(dt.date(2026, 10, 1), "WK02", "h2")]
    keys += [(m, w, f"{w}-{n}") for m in months(dt.date(2025, 1, 1), dt.date(2026, 10, 1))
             for ws in LAYOUT.values() for w in ws for n in range(12)]
    frame = pl.DataFrame(keys, schema={"month": pl.Date, "wijk_code": pl.String, "key": pl.String},
                         orient="row")
    city = published(frame, ind, "year", "city")
    assert city[("2026", CITY)] == 2 + 4 * 12  # h1, h2 and the 12 households of each wijk
    for level in ("stadsdeel", "wijk"):
        assert not [key for key in published(frame, ind, "year", level) if key[0] == "2026"]
        assert published(frame, ind, "year", level)  # the whole year 2025 is there
    assert not [key for key in published(frame, ind, "quarter", "stadsdeel") if key[0] == "2026-Q4"]
    assert ("2026-Q3", "Noord") in published(frame, ind, "quarter", "stadsdeel")
