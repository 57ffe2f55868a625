"""Distinct counts (`measure: distinct`, `distinct_ratio`): hand-built households, answers worked out here.

Every expected number below is counted by hand from the records in the test (the comments
show the count); one property test compares with plain DuckDB SQL written without any code
from monitor.rollup.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor import rollup
from monitor.audit import audit, audit_pattern
from monitor.rollup import Term, View
from monitor.rollup.keys import KeyRows
from monitor.rollup.linked import linked_cells, suppressed_cells
from tests.test_rollup import indicator, make_areas

CITY = "Stad"
AREAS = make_areas({"Noord": ["WK01", "WK02"], "Zuid": ["WK03"]})  # 1000 inhabitants, 500 households each
# ends with the data (February 2024): a whole term, so a wijk shows it (a running one it does not)
TERM = Term("t", "2023-2024", dt.date(2023, 1, 1), dt.date(2024, 2, 29))
d = dt.date


def keys(rows, numerator: bool = False) -> pl.DataFrame:
    """(month, wijk_code, key[, numerator]) rows as the query returns them."""
    schema = {"month": pl.Date, "wijk_code": pl.String, "key": pl.String}
    if numerator:
        schema["numerator"] = pl.Boolean
    return pl.DataFrame(rows, schema=schema, orient="row")


# H1: WK01 in Jan, Feb, Mar 2023 (numerator in Jan), and WK03 in Feb 2024 (it moved to Zuid).
# H2: WK01 in Feb 2023 (numerator), WK02 in Jun 2023: moved within the year.
# H3: WK03 in Jun 2023, twice (a repeated row).
# H4: WK01 and WK02 both in Sep 2023: a tie in its latest month goes to the greatest code, WK02.
EVENTS = [
    (d(2023, 1, 1), "WK01", "H1", True), (d(2023, 2, 1), "WK01", "H1", False),
    (d(2023, 3, 1), "WK01", "H1", False), (d(2023, 2, 1), "WK01", "H2", True),
    (d(2023, 6, 1), "WK02", "H2", False), (d(2023, 6, 1), "WK03", "H3", False),
    (d(2023, 6, 1), "WK03", "H3", False), (d(2023, 9, 1), "WK02", "H4", False),
    (d(2023, 9, 1), "WK01", "H4", False), (d(2024, 2, 1), "WK03", "H1", False),
]


def roll(measure: str, grain: str, level: str, *, k: int = 0, per=None, compare=False) -> pl.DataFrame:
    ratio = measure == "distinct_ratio"
    frame = keys(EVENTS, numerator=True)
    ind = indicator(measure, "%" if ratio else "huishoudens")
    out = rollup.rollup(frame if ratio else frame.drop("numerator"), ind, AREAS,
                        View(grain=grain, level=level, per=per, compare=compare), k=k, municipality=CITY,
                        terms=[TERM])
    return out.frame


def values(frame: pl.DataFrame, column: str = "value") -> dict[tuple[str, str], float]:
    return {(p, a): v for p, a, v in frame.select("period", "area", column).iter_rows()}


def test_a_household_in_three_months_counts_once_in_the_year_and_in_each_month() -> None:
    months = values(roll("distinct", "month", "city"))
    # H1 alone in Jan and Mar; H1 and H2 in Feb
    assert (months[("2023-01", CITY)], months[("2023-02", CITY)], months[("2023-03", CITY)]) == (1, 2, 1)
    quarters = values(roll("distinct", "quarter", "city"))
    assert quarters[("2023-Q1", CITY)] == 2  # H1 and H2: H1's three months are one household
    years = values(roll("distinct", "year", "city"))
    assert years[("2023", CITY)] == 4  # H1, H2, H3, H4; the months of 2023 add up to 1+2+1+2+1 = 7
    assert years[("2024", CITY)] == 1  # H1
    assert values(roll("distinct", "term", "city"))[("t", CITY)] == 4


def test_a_household_that_moved_counts_once_in_the_city_in_its_latest_wijk() -> None:
    wijk = values(roll("distinct", "year", "wijk"))
    # 2023: WK01 only H1 (H2 moved to WK02 in June, H4's tie goes to WK02); WK02 H2 and H4; WK03 H3
    assert {a: v for (p, a), v in wijk.items() if p == "2023"} == {"WK01": 1, "WK02": 2, "WK03": 1}
    sd = values(roll("distinct", "year", "stadsdeel"))
    assert (sd[("2023", "Noord")], sd[("2023", "Zuid")]) == (3, 1)
    # the term 2023-2024: H1's latest row is WK03 (Feb 2024), so WK01 has nobody left
    term = values(roll("distinct", "term", "wijk"))
    assert (term[("t", "WK01")], term[("t", "WK02")], term[("t", "WK03")]) == (0, 2, 2)
    # the month of the move: Feb 2023 has H1 and H2 in WK01, both in Noord
    assert values(roll("distinct", "month", "stadsdeel"))[("2023-02", "Noord")] == 2


def test_rolling_twelve_months_count_each_household_once_per_window() -> None:
    rolling = values(roll("distinct", "rolling", "city"))
    assert rolling[("2022-07/2023-06", CITY)] == 3  # H1, H2, H3
    assert rolling[("2023-01/2023-12", CITY)] == 4  # the whole of 2023
    assert rolling[("2023-03/2024-02", CITY)] == 4  # H1 (Mar 2023 and Feb 2024) once, H2, H3, H4


def test_distinct_ratio_counts_a_household_in_the_numerator_when_any_of_its_rows_is() -> None:
    year = roll("distinct_ratio", "year", "wijk")
    num, den = values(year), values(year, "denominator")
    # H2's numerator row is in WK01 (Feb) but it counts where its latest row is: WK02 (1 of H2, H4)
    assert (num[("2023", "WK01")], den[("2023", "WK01")]) == (1, 1)  # H1, numerator in Jan
    assert (num[("2023", "WK02")], den[("2023", "WK02")]) == (1, 2)
    assert (num[("2023", "WK03")], den[("2023", "WK03")]) == (0, 1)
    assert values(year, "result")[("2023", "WK02")] == 50.0  # unit '%'
    rolling = roll("distinct_ratio", "rolling", "city")
    # window Mar 2023 - Feb 2024: H1's numerator row (Jan 2023) is outside it, H2's (Feb 2023) too
    assert values(rolling)[("2023-03/2024-02", CITY)] == 0
    assert values(rolling)[("2023-02/2024-01", CITY)] == 1  # H2's Feb 2023
    assert values(rolling, "denominator")[("2023-02/2024-01", CITY)] == 4


def test_per_thousand_and_a_year_earlier_work_as_for_counts() -> None:
    per = values(roll("distinct", "year", "city", per="inhabitants"), "result")
    assert per[("2023", CITY)] == pytest.approx(4 / 3000 * 1000)  # three wijken of 1000
    cmp = roll("distinct", "year", "city", compare=True).filter(pl.col("period") == "2024")
    # the data end in February 2024: an unfinished year of a count has no earlier value and no
    # change (`views`); its own value stands (H1 so far)
    assert not cmp["complete"].any() and cmp["change"].is_null().all() and cmp["result_prev"].is_null().all()
    assert dict(zip(cmp["area"], cmp["result"], strict=True)) == {CITY: 1}
    # below the city a distinct count's running year is not published (docs/disclosure.md,
    # consecutive deliveries); the whole year 2023 is
    for level in ("stadsdeel", "wijk"):
        assert set(roll("distinct", "year", level)["period"]) == {"2023"}


def test_a_distinct_ratio_refuses_per_thousand() -> None:
    with pytest.raises(ValueError, match="not to a ratio"):
        roll("distinct_ratio", "year", "city", per="inhabitants")


def test_a_small_distinct_count_is_hidden_and_the_attack_pins_nothing() -> None:
    # 2023: WK01 30 households (each in Jan, Jul and Dec: the year is whole), WK02 3 (Mar), WK03 40
    # (May). Noord = 33.
    rows = [(d(2023, m, 1), "WK01", f"a{i}") for i in range(30) for m in (1, 7, 12)]
    rows += [(d(2023, 3, 1), "WK02", f"b{i}") for i in range(3)]
    rows += [(d(2023, 5, 1), "WK03", f"c{i}") for i in range(40)]
    frame, ind = keys(rows), indicator("distinct", "huishoudens")
    out = rollup.rollup(frame, ind, AREAS, View(grain="year", level="wijk"), k=10, municipality=CITY).frame
    hidden = dict(zip(out["area"], out["suppressed"], strict=True))
    # WK02 (3) is primary; Noord (33) is published, so its other wijk WK01 is hidden too
    assert hidden == {"WK01": True, "WK02": True, "WK03": False}
    assert out.filter(pl.col("suppressed"))["value"].null_count() == 2
    linked = linked_cells(frame, ind, AREAS, municipality=CITY, terms=())
    cells = suppressed_cells(frame, ind, AREAS, k=10, municipality=CITY, terms=())
    (report,) = audit(cells, linked, ind)
    assert report.primary > 0 and report.exposed == 0
    # the months of Noord are 30, 3, 0, 30, 30: the March cell of 3 is primary too, and protected


def test_distinct_cells_have_only_area_equations() -> None:
    """A year is no sum of its months: no equation may tie cells of different periods."""
    frame = keys([e[:3] for e in EVENTS])
    linked = linked_cells(frame, indicator("distinct"), AREAS, municipality=CITY, terms=[TERM])
    pid = linked.cells["_pid"].to_numpy()
    for family in linked.families:
        by_set = family.with_columns(pl.Series("_pid", pid[family["cell"].to_numpy()]))
        assert (by_set.group_by("set").agg(pl.col("_pid").n_unique())["_pid"] == 1).all()


def test_without_repair_the_attack_reads_a_lone_hidden_wijk() -> None:
    """The audit works on distinct cells: hiding only the small wijk leaves it exact (Noord - WK01)."""
    rows = [(d(2023, m, 1), "WK01", f"a{i}") for i in range(30) for m in (1, 12)]  # a whole year
    rows += [(d(2023, 1, 1), "WK02", "b0")]
    ind = indicator("distinct", "huishoudens")
    linked = linked_cells(keys(rows), ind, AREAS, municipality=CITY, terms=())
    names = linked.cells.join(linked.periods, on="_pid").join(linked.places, on="_area")
    small = ((names["_grain"] == "year") & (names["area"] == "WK02")).to_numpy()
    (report,) = audit_pattern(linked, ind, small, k=10)
    assert report.exact >= 1


def _row(linked, grain: str, period: str, area: str) -> int:
    names = (linked.cells.with_row_index("_row").join(linked.periods, on="_pid")
             .join(linked.places, on="_area"))
    hit = names.filter((pl.col("_grain") == grain) & (pl.col("period") == period) & (pl.col("area") == area))
    assert hit.height == 1
    return int(hit["_row"][0])


def test_the_attack_knows_a_period_is_at_most_its_parts_and_at_least_each_part() -> None:
    # 3 households in WK01 (Noord) in Jan 2023, 9 others in WK03 (Zuid) in Jul 2023.
    rows = [(d(2023, 1, 1), "WK01", f"a{i}") for i in range(3)]
    rows += [(d(2023, 7, 1), "WK03", f"b{i}") for i in range(9)]
    ind = indicator("distinct", "huishoudens")
    linked = linked_cells(keys(rows), ind, AREAS, municipality=CITY, terms=())
    jan = [_row(linked, "month", "2023-01", a) for a in (CITY, "Noord", "Zuid")]
    hidden = np.zeros(linked.cells.height, bool)
    hidden[jan] = True  # January hidden in every area, everything else shown
    # No equation ties January to the quarter (a quarter is no sum of months), so the equations
    # alone leave the city's January anything from 0 up. But the city's Q1 (3) is shown and Feb
    # and Mar are 0: Q1 <= Jan + Feb + Mar gives Jan >= 3, and Jan <= Q1 gives Jan <= 3.
    (bare,) = audit_pattern(replace(linked, bounds=[]), ind, hidden, k=10)
    assert bare.exposed == 0
    (report,) = audit_pattern(linked, ind, hidden, k=10)
    pinned = {(e.level, e.area): (e.low, e.high) for e in report.worst}
    assert pinned[("city", CITY)] == pytest.approx((3, 3))
    assert pinned[("stadsdeel", "Noord")] == pytest.approx((3, 3))  # Noord's Q1 and months alike
    # the repair hides what it takes, and then nothing is pinned
    cells = suppressed_cells(keys(rows), ind, AREAS, k=10, municipality=CITY, terms=())
    assert all(r.exposed == 0 for r in audit(cells, linked, ind))


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 27), st.sampled_from(["WK01", "WK02", "WK03"]), st.integers(0, 6),
                          st.booleans()), min_size=1, max_size=40))
def test_every_relation_the_attack_uses_holds_on_the_true_numbers(events) -> None:
    """The inequalities must be true of every data, or the attack would 'prove' what is false."""
    from monitor.rollup import attack

    frame = keys([(d(2023 + m // 12, m % 12 + 1, 1), w, f"h{h}", n) for m, w, h, n in events], numerator=True)
    for ind, data in ((indicator("distinct_ratio", "%"), frame),
                      (indicator("distinct"), frame.drop("numerator"))):
        linked = linked_cells(data, ind, AREAS, municipality=CITY, terms=[TERM])
        rows, members, coef, sense, only = attack.system(linked)
        for column in attack.number_columns(ind):
            on = attack.rows_for(column, only)
            true = linked.cells[column].to_numpy()[members[on]]
            total = np.bincount(rows[on], weights=coef[on] * true)  # parts - total, per row
            kind = np.zeros(total.size, np.int8)
            kind[rows[on]] = sense[on]
            assert (np.abs(total[kind == 0]) < 1e-9).all(), (ind.measure, column)
            assert (total[kind > 0] >= -1e-9).all(), (ind.measure, column)
            assert (total[kind < 0] <= 1e-9).all(), (ind.measure, column)


# ---------------------------------------------------------------- key rows where they are stored


def test_key_rows_in_a_file_count_from_their_start(tmp_path: Path) -> None:
    """The engine hands the roll-up the stored file, not the rows; months before the sources' coverage
    are left out. From June 2023 (by hand from EVENTS): H2 (Jun, WK02), H3 (Jun, WK03, twice) and H4
    (Sep, WK02 on the tie) in 2023, none of them with a numerator row from June on; H1 alone in 2024,
    a running year that a wijk does not show (docs/disclosure.md, consecutive deliveries)."""
    path = tmp_path / "keys.parquet"
    keys(EVENTS, numerator=True).write_parquet(path)
    ind = indicator("distinct_ratio", "%")
    rows = KeyRows(path).since(d(2023, 6, 1))
    assert rows.height == 6 and rows.month_range() == (d(2023, 6, 1), d(2024, 2, 1))
    out = rollup.rollup(rows, ind, AREAS, View(grain="year", level="wijk"), k=0, municipality=CITY).frame
    got = {(p, a): (n, den) for p, a, n, den in out.select("period", "area", "value", "denominator")
           .iter_rows() if den}
    assert got == {("2023", "WK02"): (0, 2), ("2023", "WK03"): (0, 1)}


def test_a_split_of_key_rows_in_a_file_is_the_split_of_the_frame(tmp_path: Path) -> None:
    """Every cell, groups included (a null group as its own group), the same from the file as from the
    frame cut at the start by hand."""
    partners = ["CAK", None, "Eneco", "CAK", "CAK", None, "Eneco", "CAK", "Eneco", None]
    frame = keys(EVENTS, numerator=True).with_columns(pl.Series("partner", partners))
    path = tmp_path / "keys.parquet"
    frame.write_parquet(path)
    ind = replace(indicator("distinct_ratio", "%"), dimensions=("partner",))
    start = d(2023, 2, 1)
    from_file = linked_cells(KeyRows(path, start=start), ind, AREAS, municipality=CITY, terms=[TERM])
    from_frame = linked_cells(frame.filter(pl.col("month") >= start), ind, AREAS, municipality=CITY,
                              terms=[TERM])
    assert from_file.cells.equals(from_frame.cells) and from_file.places.equals(from_frame.places)
    assert set(from_file.places["area"].drop_nulls()) >= {"CAK", "Eneco", "(onbekend)"}


# ---------------------------------------------------------------- against plain SQL


def _reference(frame: pl.DataFrame, grain: str, level: str) -> dict[tuple[str, str], tuple[float, float]]:
    """(keys, keys with a numerator row) per period and area in DuckDB: the latest row (greatest wijk
    on a tie) places a key; a rolling window is the twelve months ending in each month of the data.
    Below the city, a period that runs past the data's last month is not published (its months are
    not, so two deliveries would give the newest one: docs/disclosure.md)."""
    area = {"city": "'Stad'", "stadsdeel": "a.stadsdeel", "wijk": "e.wijk_code"}[level]
    if grain == "rolling":
        periods = """SELECT m.m AS p, m.m AS last, strftime(m.m - INTERVAL 11 MONTH, '%Y-%m') || '/'
                     || strftime(m.m, '%Y-%m') AS label, f.* FROM frame f JOIN (SELECT unnest(generate_series(
                     (SELECT min(month) FROM frame), (SELECT max(month) FROM frame), INTERVAL 1 MONTH))::DATE
                     AS m) m ON f.month BETWEEN m.m - INTERVAL 11 MONTH AND m.m"""
    else:
        label = {"month": "strftime(month, '%Y-%m')", "quarter": "year(month) || '-Q' || quarter(month)",
                 "year": "CAST(year(month) AS VARCHAR)"}[grain]
        months = {"month": 1, "quarter": 3, "year": 12}[grain]
        periods = f"""SELECT date_trunc('{grain}', month) AS p, {label} AS label,
                      date_trunc('{grain}', month) + INTERVAL ({months - 1}) MONTH AS last, * FROM frame"""
    whole = "TRUE" if level == "city" else "last <= (SELECT max(month) FROM frame)"
    sql = f"""
        WITH e AS ({periods}),
        placed AS (SELECT label, any_value(last) AS last, key,
                          max_by(wijk_code, (month, wijk_code)) AS wijk_code,
                          bool_or(numerator) AS num FROM e GROUP BY label, key)
        SELECT label, {area} AS area, count(*)::DOUBLE, count_if(num)::DOUBLE
        FROM placed e JOIN areas a USING (wijk_code) WHERE {whole} GROUP BY label, area
    """
    con = duckdb.connect()
    con.register("frame", frame)
    con.register("areas", AREAS)
    return {(p, a): (n, m) for p, a, n, m in con.execute(sql).fetchall()}


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 27), st.sampled_from(["WK01", "WK02", "WK03"]), st.integers(0, 6),
                          st.booleans()), min_size=1, max_size=40))
def test_every_grain_and_level_matches_plain_sql(events) -> None:
    frame = keys([(d(2023 + m // 12, m % 12 + 1, 1), w, f"h{h}", n) for m, w, h, n in events], numerator=True)
    ind = indicator("distinct_ratio", "%")
    for grain, level in [("month", "city"), ("month", "stadsdeel"), ("quarter", "stadsdeel"),
                         ("year", "wijk"), ("year", "city"), ("rolling", "city")]:
        out = rollup.rollup(frame, ind, AREAS, View(grain=grain, level=level), k=0, municipality=CITY).frame
        got = {(p, a): (den, num) for p, a, num, den in out.select("period", "area", "value", "denominator")
               .iter_rows() if den}
        assert got == _reference(frame, grain, level), (grain, level)
        plain = rollup.rollup(frame.drop("numerator"), indicator("distinct"), AREAS,
                              View(grain=grain, level=level), k=0, municipality=CITY).frame
        assert plain["value"].to_list() == out["denominator"].to_list()


def test_the_roll_up_of_half_a_million_events_is_fast() -> None:
    """About the demo's size: a few seconds at most (rolling windows multiply key-months by 12)."""
    import time

    rng = np.random.default_rng(1)
    n = 500_000
    months = pl.date_range(d(2015, 1, 1), d(2024, 12, 1), "1mo", eager=True)
    frame = pl.DataFrame({"month": months.gather(rng.integers(0, months.len(), n)),
                          "wijk_code": rng.choice(["WK01", "WK02", "WK03"], n),
                          "key": [f"h{i}" for i in rng.integers(0, 60_000, n)]})
    started = time.perf_counter()
    linked = linked_cells(frame, indicator("distinct"), AREAS, municipality=CITY, terms=[TERM])
    assert linked is not None and time.perf_counter() - started < 20


# ---------------------------------------------------------------- on the demo data, through the engine

REGISTERED = """/*---
title: {nl: Huishoudens aangemeld, en: Households registered}
kind: output
programme: schulden
measure: distinct
unit: huishoudens
direction: none
sources: [debt_cases]
---*/
SELECT date_trunc('month', registered_on)::DATE AS month, wijk_code, household_id AS key
FROM debt_cases
"""

DEBT_FREE_SHARE = """/*---
title: {nl: Aangemelde huishoudens schuldenvrij, en: Registered households debt-free}
kind: output
programme: schulden
measure: distinct_ratio
unit: '%'
direction: up
sources: [debt_cases]
---*/
SELECT date_trunc('month', registered_on)::DATE AS month, wijk_code, household_id AS key,
       coalesce(end_reason = 'schuldenvrij', false) AS numerator
FROM debt_cases
"""


@pytest.fixture(params=["demo_settings", "sparse_settings"])
def distinct_engine(request, tmp_path, monkeypatch):
    """The demo catalog (dense, and sparse: small cells everywhere) with a query folder of two
    distinct indicators over debt_cases."""
    from monitor.engine import get_engine
    from monitor.settings import get_settings

    monkeypatch.setenv("MONITOR_DATA_DIR", str(request.getfixturevalue(request.param).data_dir))
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "huishoudens_aangemeld.sql").write_text(REGISTERED)
    (queries / "aangemeld_schuldenvrij_pct.sql").write_text(DEBT_FREE_SHARE)
    monkeypatch.setenv("MONITOR_QUERIES_DIR", str(queries))
    engine = get_engine(get_settings())
    assert not engine.registry.problems
    return engine


def test_the_audit_finds_no_exposed_cell_for_distinct_indicators_on_the_demo(distinct_engine) -> None:
    from monitor.audit import audit_indicator

    for ind_id, columns in (("huishoudens_aangemeld", {"value"}),
                            ("aangemeld_schuldenvrij_pct", {"value", "denominator"})):
        reports = audit_indicator(distinct_engine, ind_id)
        assert {r.column for r in reports} == columns
        for report in reports:
            assert report.primary > 0 and report.exposed == 0, (ind_id, report)


def test_the_engine_and_the_cli_serve_distinct_indicators(distinct_engine, capsys) -> None:
    import csv
    import io

    from monitor import cli

    rows = distinct_engine.frame("huishoudens_aangemeld")
    # the engine keeps where the key rows are stored, not the rows (millions at scale)
    assert isinstance(rows.source, Path) and rows.columns == ["month", "wijk_code", "key"]
    # months before the sources' coverage are left out (the demo's debt cases are complete from 2019)
    assert rows.start == dt.date(2019, 1, 1)
    frame = pl.read_parquet(rows.source).filter(pl.col("month") >= rows.start)
    year = distinct_engine.series("huishoudens_aangemeld", View(grain="year")).frame
    # the city's year: every household registered that year, once, counted here from the key frame
    want = frame.group_by(pl.col("month").dt.year().alias("y")).agg(pl.col("key").n_unique())
    want = {str(y): float(n) for y, n in want.iter_rows()}
    assert {p: v for p, v in year.select("period", "value").iter_rows()} == want
    assert cli.main(["series", "aangemeld_schuldenvrij_pct", "--grain", "year", "--by", "stadsdeel"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == ["period", "area", "value", "denominator", "suppressed"]


# ---------------------------------------------------------------- the query contract


FRONT = """/*---
title: {{nl: Huishoudens, en: Households}}
kind: output
programme: schulden
measure: {measure}
unit: {unit}
direction: up
sources: [debt_cases]
---*/
SELECT 1
"""


def _parsed(measure: str, unit: str = "huishoudens"):
    from pathlib import Path

    from monitor import indicators

    return indicators.parse_text(FRONT.format(measure=measure, unit=unit), Path("queries/h.sql"))


def test_a_distinct_ratio_counts_people_in_its_numerator_and_may_be_a_percentage() -> None:
    ind = _parsed("distinct_ratio", "'%'")
    assert ind.numerator_is_people and ind.is_ratio and ind.is_percentage and ind.is_distinct
    assert not _parsed("distinct").is_ratio
    from monitor.indicators import IndicatorError

    with pytest.raises(IndicatorError, match="unit '%' is for a ratio"):
        _parsed("distinct", "'%'")


def test_the_contract_names_a_missing_key_column_and_the_fix() -> None:
    from monitor.indicators import IndicatorError
    from monitor.indicators.contract import check_result

    counted = pl.DataFrame({"month": [d(2023, 1, 1)], "wijk_code": ["WK01"], "value": [3.0]})
    with pytest.raises(IndicatorError) as err:
        check_result(_parsed("distinct"), counted)
    assert "queries/h.sql: result column 'key' is missing (a series distinct returns month, wijk_code, " \
           "key); the query returned: month, wijk_code, value" in str(err.value)
    with pytest.raises(IndicatorError, match=r"'numerator' is missing .* month, wijk_code, key, numerator\)"):
        check_result(_parsed("distinct_ratio", "'%'"), keys([(d(2023, 1, 1), "WK01", "H1")]))
    text = pl.DataFrame({"month": [d(2023, 1, 1)], "wijk_code": ["WK01"], "key": ["H1"], "numerator": ["ja"]})
    with pytest.raises(IndicatorError, match="'numerator' is VARCHAR, expected BOOLEAN: select a condition"):
        check_result(_parsed("distinct_ratio", "'%'"), text)
    with pytest.raises(IndicatorError, match="'key' is null in 1 rows: filter with WHERE key IS NOT NULL"):
        check_result(_parsed("distinct"), keys([(d(2023, 1, 1), "WK01", None)]))


def test_the_contract_lets_events_repeat_and_keeps_only_contract_columns() -> None:
    from monitor.indicators.contract import check_result

    rows = keys([(d(2023, 1, 1), "WK01", "H1"), (d(2023, 1, 1), "WK01", "H1")]).with_columns(
        pl.lit(1).alias("extra"))
    out = check_result(_parsed("distinct"), rows)
    assert out.columns == ["month", "wijk_code", "key"] and out.height == 2


def test_the_template_of_a_distinct_measure_runs_on_the_demo(demo_settings) -> None:
    from pathlib import Path

    from monitor import catalog, indicators

    for measure, unit in (("distinct", "huishoudens"), ("distinct_ratio", "%")):
        text = indicators.template("nieuw", title_nl="Nieuw", title_en="New", programme="schulden",
                                   measure=measure, unit=unit, sources=["debt_cases"])
        ind = indicators.parse_text(text, Path("nieuw.sql"))
        frame = indicators.compute(catalog.open_catalog(demo_settings), ind)
        assert frame.is_empty() and frame.columns == ["month", "wijk_code", "key"] + (
            ["numerator"] if measure == "distinct_ratio" else [])
