"""Breakdowns by group (front matter `dimensions:`, `monitor.rollup.groups`).

Expected numbers are counted by hand from the records in each test (comments show the
sums) or computed by plain Polars; the suppression tests attack the published frames with
their own small linear programme (scipy's linprog), written here without monitor.rollup's attack.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from monitor import exports, rollup
from monitor.indicators import IndicatorError, parse_text
from monitor.indicators.contract import check_result
from monitor.rollup import View
from monitor.rollup.groups import UNKNOWN_GROUP
from tests.test_definitions import DEBT_COLUMNS, PLACEMENT_COLUMNS, SIGNAL_COLUMNS, W1, W2, _case, _sql
from tests.test_rollup import indicator, make_areas

CITY = "Stad"
QUERIES = Path(__file__).resolve().parent.parent / "queries"
AREAS = make_areas({"Noord": ["WK01", "WK02"], "Zuid": ["WK03"]})
d = dt.date


def counts(rows) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"month": pl.Date, "wijk_code": pl.String, "g": pl.String,
                                      "value": pl.Float64}, orient="row")


def split_ind(measure: str = "count", unit: str = "personen"):
    return dataclasses.replace(indicator(measure, unit), dimensions=("g",))


def roll(frame: pl.DataFrame, ind, grain: str, split: str | None, k: int = 0) -> pl.DataFrame:
    return rollup.rollup(frame, ind, AREAS, View(grain=grain, split=split), k=k, municipality=CITY).frame


def by_group(frame: pl.DataFrame) -> dict[tuple[str, str], float]:
    return {(p, g): v for p, g, v in frame.select("period", "group", "value").iter_rows()}


# ---------------------------------------------------------------- the numbers

ROWS = [
    (d(2023, 1, 1), "WK01", "a", 20.0), (d(2023, 1, 1), "WK02", "b", 15.0),
    (d(2023, 1, 1), "WK03", None, 12.0),  # a null group: its own group
    (d(2023, 2, 1), "WK01", "a", 30.0), (d(2023, 2, 1), "WK01", "b", 11.0),  # one wijk, two groups
    (d(2023, 2, 1), "WK03", "b", 14.0),
]


def test_a_split_adds_up_to_the_series_without_it() -> None:
    ind = split_ind()
    months = by_group(roll(counts(ROWS), ind, "month", "g"))
    # January: a 20, b 15, unknown 12; February: a 30, b 11 + 14 = 25, unknown 0
    assert months == {("2023-01", "a"): 20, ("2023-01", "b"): 15, ("2023-01", UNKNOWN_GROUP): 12,
                      ("2023-02", "a"): 30, ("2023-02", "b"): 25, ("2023-02", UNKNOWN_GROUP): 0}
    years = by_group(roll(counts(ROWS), ind, "year", "g"))
    assert years == {("2023", "a"): 50, ("2023", "b"): 40, ("2023", UNKNOWN_GROUP): 12}
    # the plain series is the series of the same rows without the column: plain Polars sums
    plain = roll(counts(ROWS), ind, "month", None)
    alone = counts(ROWS).group_by("month").agg(pl.col("value").sum()).sort("month")
    assert plain["value"].to_list() == alone["value"].to_list() == [47, 55]
    without = roll(counts(ROWS).drop("g"), indicator("count"), "month", None)
    assert plain["value"].to_list() == without["value"].to_list()
    split = roll(counts(ROWS), ind, "quarter", "g")
    assert split["area"].unique().to_list() == [CITY] and split["value"].sum() == 102


def test_a_ratio_splits_its_numerator_and_denominator() -> None:
    rows = pl.DataFrame([(d(2023, 1, 1), "WK01", "a", 3.0, 12.0), (d(2023, 1, 1), "WK02", "b", 5.0, 20.0),
                         (d(2023, 1, 1), "WK02", "a", 1.0, 4.0)],
                        schema=["month", "wijk_code", "g", "value", "denominator"], orient="row")
    out = roll(rows, split_ind("ratio", "%"), "year", "g")
    # a: (3 + 1) / (12 + 4) = 25 %; b: 5 / 20 = 25 %
    assert out.select("group", "value", "denominator", "result").rows() == [("a", 4, 16, 25.0),
                                                                            ("b", 5, 20, 25.0)]


def test_a_distinct_count_puts_a_household_in_the_group_of_its_latest_row() -> None:
    # H1: a in January, b in March -> b in the year and in Q1; H2: a; H3: no group (unknown);
    # H4: a and b in the same month (May) -> the greatest code, b; again b in December, so the year
    # is whole (a group's running year is not published: docs/disclosure.md, consecutive deliveries)
    events = pl.DataFrame([
        (d(2023, 1, 1), "WK01", "H1", "a"), (d(2023, 3, 1), "WK01", "H1", "b"),
        (d(2023, 2, 1), "WK02", "H2", "a"), (d(2023, 2, 1), "WK03", "H3", None),
        (d(2023, 5, 1), "WK01", "H4", "a"), (d(2023, 5, 1), "WK01", "H4", "b"),
        (d(2023, 12, 1), "WK01", "H4", "b"),
    ], schema=["month", "wijk_code", "key", "g"], orient="row")
    ind = split_ind("distinct", "huishoudens")
    assert by_group(roll(events, ind, "year", "g")) == {("2023", "a"): 1, ("2023", "b"): 2,
                                                        ("2023", UNKNOWN_GROUP): 1}
    quarters = {k: v for k, v in by_group(roll(events, ind, "quarter", "g")).items() if v}
    assert quarters == {("2023-Q1", "a"): 1, ("2023-Q1", "b"): 1, ("2023-Q1", UNKNOWN_GROUP): 1,
                        ("2023-Q2", "b"): 1, ("2023-Q4", "b"): 1}
    months = {k: v for k, v in by_group(roll(events, ind, "month", "g")).items() if v}
    assert months == {("2023-01", "a"): 1, ("2023-02", "a"): 1, ("2023-02", UNKNOWN_GROUP): 1,
                      ("2023-03", "b"): 1, ("2023-05", "b"): 1, ("2023-12", "b"): 1}
    total = roll(events, ind, "year", None)["value"].to_list()
    assert total == [events["key"].n_unique()] == [4]


def _latest_by(frame: pl.DataFrame, column: str) -> dict[tuple[str, str], tuple[float, float]]:
    """(keys, keys with a numerator row) per year and value of `column`, in plain DuckDB: a key goes to
    its latest row's value (the greatest on a tie, a null as the unknown group). A year that runs past
    the data's last month is not published below the city (docs/disclosure.md)."""
    con = duckdb.connect()
    con.register("frame", frame)
    sql = f"""
        WITH e AS (SELECT year(month)::VARCHAR AS p, key, numerator, month,
                          coalesce({column}, '{UNKNOWN_GROUP}') AS a FROM frame),
        placed AS (SELECT p, key, max_by(a, (month, a)) AS a, bool_or(numerator) AS num
                   FROM e GROUP BY p, key)
        SELECT p, a, count(*)::DOUBLE, count_if(num)::DOUBLE FROM placed
        WHERE make_date(p::INTEGER, 12, 1) <= (SELECT max(month) FROM frame) GROUP BY ALL"""
    return {(p, a): (n, m) for p, a, n, m in con.execute(sql).fetchall()}


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 23), st.sampled_from(["WK01", "WK02", "WK03"]), st.integers(0, 5),
                          st.sampled_from(["a", "b", None]), st.sampled_from(["x", "y", "z"]), st.booleans()),
                min_size=1, max_size=30))
def test_the_wijk_and_every_dimension_counted_in_one_pass_match_plain_sql(events) -> None:
    """A distinct measure's wijken and the groups of two dimensions are counted in one pass over the
    keys (`groups.distinct_counts`): each must equal its own count, here plain SQL per column."""
    rows = [(d(2023 + m // 12, m % 12 + 1, 1), w, f"h{h}", g, q, n) for m, w, h, g, q, n in events]
    frame = pl.DataFrame(rows,
                         schema={"month": pl.Date, "wijk_code": pl.String, "key": pl.String, "g": pl.String,
                                 "q": pl.String, "numerator": pl.Boolean}, orient="row")
    ind = dataclasses.replace(indicator("distinct_ratio", "%"), dimensions=("g", "q"))
    for split in ("g", "q"):
        out = roll(frame, ind, "year", split)
        got = {(p, g): (den, num) for p, g, num, den in
               out.select("period", "group", "value", "denominator").iter_rows() if den}
        assert got == _latest_by(frame, split), split
    wijk = rollup.rollup(frame, ind, AREAS, View(grain="year", level="wijk"), k=0, municipality=CITY).frame
    got = {(p, a): (den, num) for p, a, num, den in
           wijk.select("period", "area", "value", "denominator").iter_rows() if den}
    assert got == _latest_by(frame, "wijk_code")


# ---------------------------------------------------------------- disclosure control across the split

# a: 50 a month; b: 40 a month, but 3 in March (small); June: a 2 and b 2, so the total (4) is small too
SMALL = [(d(2023, m, 1), "WK01", g, v) for m in range(1, 13) for g, v in
         (("a", 2.0 if m == 6 else 50.0), ("b", 3.0 if m == 3 else 2.0 if m == 6 else 40.0))]


def _published(k: int) -> dict[tuple[str, str, str], tuple[float | None, bool]]:
    """(series, grain, period) -> (value or None, hidden): all the city publishes, with the split."""
    ind, frame, out = split_ind(), counts(SMALL), {}
    for grain in ("month", "quarter", "year"):
        for split in (None, "g"):
            got = roll(frame, ind, grain, split, k=k)
            for row in got.iter_rows(named=True):
                out[(row["group"] if split else "total", grain, row["period"])] = (row["value"],
                                                                                   row["suppressed"])
    return out


def _interval(cells: dict, target: tuple[str, str, str]) -> tuple[float, float]:
    """Smallest and largest value of `target` given every shown cell and the relations between them:
    groups add up to the total per period; months to quarters and quarters to the year per series."""
    unknown = sorted(c for c, (_, hidden) in cells.items() if hidden)
    col = {c: i for i, c in enumerate(unknown)}
    rows, rhs = [], []

    def relation(total: tuple, parts: list[tuple]) -> None:
        row, b = np.zeros(len(unknown)), 0.0
        for cell, sign in [(total, -1.0)] + [(p, 1.0) for p in parts]:
            if cell in col:
                row[col[cell]] += sign
            else:
                b -= sign * cells[cell][0]
        rows.append(row)
        rhs.append(b)

    periods = {(g, p) for (_, g, p) in cells}
    for grain, period in periods:
        relation(("total", grain, period), [(s, grain, period) for s in ("a", "b")])
    for series in ("total", "a", "b"):
        for q in range(1, 5):
            relation((series, "quarter", f"2023-Q{q}"),
                     [(series, "month", f"2023-{m:02d}") for m in range(3 * q - 2, 3 * q + 1)])
        relation((series, "year", "2023"), [(series, "quarter", f"2023-Q{q}") for q in range(1, 5)])
    c = np.zeros(len(unknown))
    c[col[target]] = 1.0
    low = linprog(c, A_eq=np.array(rows), b_eq=rhs, bounds=(0, None))
    high = linprog(-c, A_eq=np.array(rows), b_eq=rhs, bounds=(0, None))
    assert low.status == 0
    return low.fun, (np.inf if high.status == 3 else -high.fun)


def test_a_small_group_cannot_be_read_as_the_total_minus_the_others() -> None:
    cells = _published(k=10)
    assert cells[("b", "month", "2023-03")] == (None, True)
    assert cells[("total", "month", "2023-03")] == (53.0, False)  # the series keeps its total
    low, high = _interval(cells, ("b", "month", "2023-03"))
    assert low <= 3 <= high and high - low >= 10


def test_a_small_total_cannot_be_read_off_its_groups() -> None:
    cells = _published(k=10)
    assert cells[("total", "month", "2023-06")] == (None, True)  # 2 + 2 = 4
    assert cells[("a", "month", "2023-06")][1] and cells[("b", "month", "2023-06")][1]
    low, high = _interval(cells, ("total", "month", "2023-06"))
    assert low <= 4 <= high and high - low >= 10


def test_the_audit_attacks_the_groups_a_lone_hidden_group_is_the_total_minus_the_others() -> None:
    from monitor.audit import audit_pattern
    from monitor.rollup import attack
    from monitor.rollup.linked import linked_cells

    ind = split_ind()
    linked = linked_cells(counts(SMALL), ind, AREAS, municipality=CITY, terms=())
    only_small = attack.primary_cells(linked, ind, 10) | ~linked.shown  # no complementary cells
    found = audit_pattern(linked, ind, only_small, k=10)[0].worst
    # March: the city's 53 minus group a's 50 gives group b's 3 exactly
    assert any(e.level == "group" and e.area == "g=b" and e.period == "2023-03" and e.low == e.high == 3
               and "month 2023-03 city Stad" in e.exposed_by for e in found)


def test_split_and_plain_views_show_the_same_totals() -> None:
    cells = _published(k=10)
    for (series, grain, period), (value, hidden) in cells.items():
        if series != "total" or hidden:
            continue
        parts = [cells[(g, grain, period)] for g in ("a", "b")]
        if not any(h for _, h in parts):
            assert value == sum(v for v, _ in parts), (grain, period)


def test_a_split_is_published_for_the_city_only_and_for_its_own_dimensions() -> None:
    ind = split_ind()
    with pytest.raises(ValueError, match="city only"):
        rollup.check_view(ind, View(grain="year", level="wijk", split="g"), ())
    with pytest.raises(ValueError, match="no dimension 'h'"):
        rollup.check_view(ind, View(grain="year", split="h"), ())
    with pytest.raises(ValueError, match="not published split by group"):
        rollup.check_view(ind, View(grain="rolling", split="g"), ())


def test_downloads_carry_the_group_column() -> None:
    published = rollup.rollup(counts(ROWS), split_ind(), AREAS, View(grain="year", split="g"), k=0,
                              municipality=CITY)
    assert exports.csv_plain(published).splitlines()[0].split(",")[:4] == ["period", "area", "area_name",
                                                                          "group"]
    dutch = exports.csv_dutch_excel(published, lang="nl").decode("utf-8-sig").splitlines()
    assert dutch[0].split(";")[3] == "groep" and dutch[1].split(";")[3] == UNKNOWN_GROUP
    with zipfile.ZipFile(io.BytesIO(exports.xlsx(published, lang="nl"))) as z:
        strings = z.read("xl/sharedStrings.xml").decode()
    assert ">groep<" in strings and f">{UNKNOWN_GROUP}<" in strings


# ---------------------------------------------------------------- the front matter and the query contract

FRONT = """/*---
title: {nl: Signalen, en: Signals}
kind: output
programme: schulden
measure: count
unit: signalen
direction: none
sources: [early_signals]
dimensions: [partner]
---*/
SELECT 1
"""


def test_a_dimension_the_query_does_not_return_is_reported_on_its_line() -> None:
    ind = parse_text(FRONT, Path("queries/s.sql"))
    assert ind.dimensions == ("partner",) and ind.dimensions_line == 9
    frame = pl.DataFrame({"month": [d(2023, 1, 1)], "wijk_code": ["WK01"], "partnr": ["cak"], "value": [3.0]})
    with pytest.raises(IndicatorError) as err:
        check_result(ind, frame)
    assert str(err.value).startswith("queries/s.sql:9: dimension 'partner' is not a result column")
    assert "did you mean 'partnr'" in str(err.value)


def test_the_contract_keeps_dimensions_as_text_and_one_row_per_group() -> None:
    ind = dataclasses.replace(parse_text(FRONT, Path("queries/s.sql")), dimensions=("partner", "flag"))
    frame = pl.DataFrame({"month": [d(2023, 1, 1)] * 2, "wijk_code": ["WK01"] * 2, "partner": ["cak", None],
                          "flag": [True, False], "value": [3.0, 4.0]})
    out = check_result(ind, frame)
    assert out.columns == ["month", "wijk_code", "value", "partner", "flag"]
    assert out["flag"].to_list() == ["true", "false"] and out["partner"].to_list() == ["cak", None]
    with pytest.raises(IndicatorError, match="rows share their"):
        check_result(ind, pl.concat([frame, frame]))
    with pytest.raises(IndicatorError, match="dimension 'value' must be a result column of its own"):
        parse_text(FRONT.replace("[partner]", "[value]"), Path("queries/s.sql"))


# ---------------------------------------------------------------- the demo data: every split, audited

SPLITS = {"vroegsignalen_ontvangen": ("partner", "partner_name"),
          "vroegsignalen_bereikt_pct": ("partner", "partner_name"),
          "schuldhulp_aanmeldingen": ("household_type", "age_band"),
          "plaatsingen_vanuit_bijstand": ("contract", "wage_subsidy")}


@pytest.mark.parametrize("data", ["demo_settings", "sparse_settings"])
def test_the_attack_finds_no_exposed_cell_in_any_split(data: str, request) -> None:
    from monitor.audit import audit_indicator
    from monitor.engine import get_engine
    from monitor.rollup.linked import linked_cells

    settings = request.getfixturevalue(data)
    engine = get_engine(settings)
    found = {i.id: i.dimensions for i in engine.registry.indicators.values() if i.dimensions}
    assert SPLITS.items() <= found.items()
    hidden_groups = 0
    for ind_id in sorted(found):
        ind = engine.indicator(ind_id)
        results = audit_indicator(engine, ind_id)
        assert results and [a.exposed for a in results] == [0] * len(results), ind_id
        # the groups of each dimension add up to the city in every period, on the true numbers
        linked = linked_cells(engine.frame(ind_id), ind, engine.areas, municipality=settings.municipality,
                              terms=engine.terms)
        true = linked.cells.join(linked.places.select("_area", "dimension"), on="_area")
        city = true.filter(pl.col("_level") == 0).select("_pid", pl.col("value").alias("_city"))
        for dim in ind.dimensions:
            sums = (true.filter(pl.col("dimension") == dim).group_by("_pid").agg(pl.col("value").sum())
                    .join(city, on="_pid"))
            assert sums.height > 0 and (sums["value"] == sums["_city"]).all(), (ind_id, dim)
        cells = engine.cells(ind_id)
        groups = cells.cells.filter(pl.col("_level") == 3).join(cells.places, on="_area")
        assert set(groups["dimension"]) == set(ind.dimensions)
        hidden_groups += int(groups["suppressed"].sum())
    if data == "sparse_settings":
        assert hidden_groups > 500  # sparse data really has small groups to protect


# ---------------------------------------------------------------- the indicator page


def test_the_indicator_page_splits_by_a_dimension_and_downloads_the_groups(demo_settings) -> None:
    from monitor import i18n, ui
    from monitor.engine import get_engine
    from tests.test_apptest_pages import by_label, run_page, table

    engine = get_engine(demo_settings)
    ind_id, dim = "schuldhulp_aanmeldingen", "household_type"
    at = run_page(ui.PAGES_DIR / "2_indicator.py", id=ind_id, grain="year", level="wijk", uitsplitsing=dim)
    assert by_label(at.selectbox, i18n.t("split_by", "nl")).value == dim
    assert i18n.t("split_note", "nl") in [str(c.value) for c in at.caption]
    expected = engine.series(ind_id, View(grain="year", split=dim)).frame  # the city, whatever the link said
    words = {c: i18n.t(f"grp_{dim}_{c}", "nl") for c in expected["group"].unique()}
    shown = table(at)
    assert list(shown.columns[:2]) == [i18n.t("col_period", "nl"), i18n.t("dim_household_type", "nl")]
    assert shown[i18n.t("dim_household_type", "nl")].tolist() == [words[g] for g in expected["group"]]
    marks = (shown[i18n.t("col_value", "nl")] == i18n.hidden("nl")).tolist()
    assert marks == expected["suppressed"].to_list()
    spec = at.get("plotly_chart")[0].proto.spec
    assert all(f'"name":"{w}"' in spec for w in words.values())
    buttons = at.get("download_button")
    assert len(buttons) == 2 and all(b.proto.id.endswith(f"_{ind_id}_{dim}") for b in buttons)
    # what the buttons offer (AppTest cannot read a download): the same split, with its group column
    csv = exports.csv_dutch_excel(engine.series(ind_id, View(grain="year", split=dim)), lang="nl")
    assert csv.decode("utf-8-sig").splitlines()[0].split(";")[3] == "groep"


def test_an_indicator_without_dimensions_has_no_split_filter(demo_settings) -> None:
    from monitor import i18n, ui
    from tests.test_apptest_pages import run_page

    at = run_page(ui.PAGES_DIR / "2_indicator.py", id="huishoudens_schuldenvrij", grain="year")
    assert i18n.t("split_by", "nl") not in [s.label for s in at.selectbox]


# ---------------------------------------------------------------- the queries' groups, on records by hand


def test_the_queries_return_their_groups() -> None:
    def run(con, ind_id: str) -> list[tuple]:
        return sorted(con.execute(_sql(ind_id)).fetchall(), key=lambda r: tuple(str(x) for x in r))

    full = ", household_type VARCHAR, age_band VARCHAR"
    cases = [(*_case(c, h, d(2024, 1, 5)), t, a) for c, h, t, a in (
        ("c1", "h1", "alleenstaand", "27-44"), ("c2", "h2", "alleenstaand", "27-44"),
        ("c3", "h3", "paar", "18-26"), ("c4", "h4", None, "67+"))]
    con = duckdb.connect()
    con.execute(f"CREATE TABLE debt_cases ({DEBT_COLUMNS}{full})")
    con.executemany(f"INSERT INTO debt_cases VALUES ({', '.join('?' * len(cases[0]))})", cases)
    # January W1: two single applicants aged 27-44, one couple aged 18-26, one of unknown type aged 67+
    assert run(con, "schuldhulp_aanmeldingen") == [
        (d(2024, 1, 1), W1, None, "67+", 1.0), (d(2024, 1, 1), W1, "alleenstaand", "27-44", 2.0),
        (d(2024, 1, 1), W1, "paar", "18-26", 1.0)]
    signals = [("s1", "h1", W1, d(2024, 1, 3), "bereikt", False, "cak", "CAK"),
               ("s2", "h1", W1, d(2024, 1, 9), None, False, "energie", "Energieleverancier A"),
               ("s3", "h2", W2, d(2024, 1, 9), None, False, "energie", "Energieleverancier A")]
    con = duckdb.connect()
    con.execute(f"CREATE TABLE early_signals ({SIGNAL_COLUMNS}, partner VARCHAR, partner_name VARCHAR)")
    con.executemany("INSERT INTO early_signals VALUES (?, ?, ?, ?, ?, ?, ?, ?)", signals)
    con.execute(f"CREATE TABLE debt_cases ({DEBT_COLUMNS}{full})")
    assert run(con, "vroegsignalen_ontvangen") == [
        (d(2024, 1, 1), W1, "cak", "CAK", 1.0), (d(2024, 1, 1), W1, "energie", "Energieleverancier A", 1.0),
        (d(2024, 1, 1), W2, "energie", "Energieleverancier A", 1.0)]
    # one row per signal, each with its partner: the roll-up puts h1 with energie (its latest signal)
    assert set(run(con, "vroegsignalen_bereikt_pct")) == {
        (d(2024, 1, 1), W1, "h1", True, "cak", "CAK"), (d(2024, 1, 1), W1, "h1", False, "energie",
                                                        "Energieleverancier A"),
        (d(2024, 1, 1), W2, "h2", False, "energie", "Energieleverancier A")}
    # rolled up by partner: h1 counts with energie (its latest signal), reached through its CAK signal
    ind = parse_text((QUERIES / "vroegsignalen_bereikt_pct.sql").read_text(encoding="utf-8"),
                     QUERIES / "vroegsignalen_bereikt_pct.sql")
    frame = check_result(ind, con.sql(_sql(ind.id)).pl())
    areas = make_areas({"Noord": [W1, W2]})
    # per month (January 2024, the only one: a running year is not published per group)
    out = rollup.rollup(frame, ind, areas, View(grain="month", split="partner"), k=0, municipality=CITY).frame
    assert out.select("group", "value", "denominator").rows() == [("cak", 0, 0), ("energie", 1, 2)]
    placements = [("x1", "p1", W1, d(2023, 1, 10), True, None, "vast", True),
                  ("x2", "p2", W1, d(2023, 1, 20), True, None, "vast", True),
                  ("x3", "p3", W1, d(2023, 1, 25), True, None, "uitzend", False),
                  ("x4", "p4", W1, d(2023, 1, 25), False, None, "vast", False)]  # not from a benefit
    con = duckdb.connect()
    con.execute(f"CREATE TABLE placements ({PLACEMENT_COLUMNS}, contract VARCHAR, wage_subsidy BOOLEAN)")
    con.executemany("INSERT INTO placements VALUES (?, ?, ?, ?, ?, ?, ?, ?)", placements)
    assert run(con, "plaatsingen_vanuit_bijstand") == [(d(2023, 1, 1), W1, "uitzend", False, 1.0),
                                                       (d(2023, 1, 1), W1, "vast", True, 2.0)]
