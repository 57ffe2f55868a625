"""Roll-ups: the same numbers as an independent DuckDB computation, and never a disclosive cell.

The reference for every published grain and level is plain SQL over the raw indicator frame
(GROUP BY date_trunc), written here without any code from monitor.rollup. Views outside the
publication plan (`monitor.rollup.plan`, e.g. wijk x month) are refused, and tested as such.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor import rollup
from monitor.indicators import Indicator
from monitor.rollup import Term, View, plan

CITY = "Gemeente"
GRAINS = ("month", "quarter", "year")
LEVELS = ("city", "stadsdeel", "wijk")
SETTINGS = settings(max_examples=40, deadline=None)


def indicator(
    measure: str, unit: str = "personen", *, people: bool = True, shape: str = "series"
) -> Indicator:
    return Indicator(
        id=f"test_{measure}",
        path=Path(f"test_{measure}.sql"),
        title={"nl": "test"},
        description={},
        kind="outcome",
        programme="schulden",
        measure=measure,
        unit=unit,
        direction="up",
        sources=(),
        shape=shape,
        numerator_is_people=people,
    )


def roll(*args, **kwargs) -> pl.DataFrame:
    """`rollup.rollup`'s frame, after checking it comes out as a `Published` with its k."""
    kwargs.setdefault("municipality", CITY)
    out = rollup.rollup(*args, **kwargs)
    assert isinstance(out, rollup.Published) and out.k == kwargs["k"]
    return out.frame


def roll_cohort(*args, **kwargs) -> pl.DataFrame:
    kwargs.setdefault("municipality", CITY)
    out = rollup.rollup_cohort(*args, **kwargs)
    assert isinstance(out, rollup.Published) and out.k == kwargs["k"]
    return out.frame


def month(year: int, m: int) -> dt.date:
    return dt.date(year, m, 1)


def add_months(day: dt.date, n: int) -> dt.date:
    i = day.year * 12 + day.month - 1 + n
    return dt.date(i // 12, i % 12 + 1, 1)


def make_areas(layout: dict[str, list[str]], years=(2020,), inhabitants=None) -> pl.DataFrame:
    rows = []
    for year in years:
        for sd, wijken in layout.items():
            for w in wijken:
                pop = inhabitants(year, w) if inhabitants else 1000
                rows.append((year, w, f"Wijk {w}", sd, pop, pop // 2))
    return pl.DataFrame(
        rows,
        schema=["year", "wijk_code", "wijk_name", "stadsdeel", "inhabitants", "households"],
        orient="row",
    )


def series_frame(rows, ratio: bool = False) -> pl.DataFrame:
    schema = {"month": pl.Date, "wijk_code": pl.String, "value": pl.Float64}
    if ratio:
        schema["denominator"] = pl.Float64
    return pl.DataFrame(rows, schema=schema, orient="row")


# ---------------------------------------------------------------- random scenarios


@st.composite
def scenarios(draw, measure: str | None = None):
    """Stadsdelen with wijken, a month x wijk frame with gaps, and k."""
    n_sd = draw(st.integers(1, 3))
    layout, n = {}, 0
    for s in range(n_sd):
        size = draw(st.integers(1, 3))
        layout[f"Stadsdeel {s}"] = [f"WK{n + i:04d}" for i in range(size)]
        n += size
    areas = make_areas(layout, years=(2019, 2021), inhabitants=lambda y, w: 500 + y % 7 + int(w[2:]))
    measure = measure or draw(st.sampled_from(["count", "ratio", "stock"]))
    start = month(draw(st.integers(2019, 2020)), draw(st.integers(1, 12)))
    months = [add_months(start, i) for i in range(draw(st.integers(1, 26)))]
    small = draw(st.booleans())  # many small numbers, or mostly large ones
    top = 15 if small else 60
    wijken = [w for ws in layout.values() for w in ws]
    n = len(months) * len(wijken)
    present = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))  # 0: a missing combination
    values = draw(st.lists(st.integers(0, top), min_size=n, max_size=n))
    extra = draw(st.lists(st.integers(0, top), min_size=n, max_size=n))  # denominator minus value
    cells = itertools.product(months, wijken)
    rows = [
        (m, w, float(v), float(v + e)) if measure == "ratio" else (m, w, float(v))
        for (m, w), p, v, e in zip(cells, present, values, extra, strict=True)
        if p
    ]
    if not rows:
        rows.append((months[0], layout[next(iter(layout))][0], 1.0, *((2.0,) if measure == "ratio" else ())))
    return series_frame(rows, ratio=measure == "ratio"), areas, measure, draw(st.integers(0, 12))


def reference(con: duckdb.DuckDBPyConnection, measure: str, grain: str, level: str) -> pl.DataFrame:
    """The roll-up in plain DuckDB SQL over the raw `frame` (missing combinations simply absent)."""
    area = {"city": f"'{CITY}'", "stadsdeel": "m.stadsdeel", "wijk": "f.wijk_code"}[level]
    span = {"month": 1, "quarter": 3, "year": 12}[grain]
    den = "sum(f.denominator)" if measure == "ratio" else "NULL::DOUBLE"
    last = f"CAST(date_trunc('{grain}', f.month) + INTERVAL ({span - 1}) MONTH AS DATE)"
    where = ["TRUE"]
    if measure == "stock":  # the level in the period's last month, or the data's last month if earlier
        where.append(f"f.month = least({last}, (SELECT max(month) FROM frame))")
    if level == "wijk":  # a wijk's running period is not published (docs/disclosure.md)
        where.append(f"{last} <= (SELECT max(month) FROM frame)")
    stock_filter = "WHERE " + " AND ".join(where)
    sql = f"""
        WITH m AS (
            SELECT wijk_code, stadsdeel FROM areas
            QUALIFY row_number() OVER (PARTITION BY wijk_code ORDER BY year DESC) = 1
        )
        SELECT CAST(date_trunc('{grain}', f.month) AS DATE) AS period_start, {area} AS area,
               sum(f.value) AS ref_value, {den} AS ref_den
        FROM frame f JOIN m USING (wijk_code)
        {stock_filter}
        GROUP BY ALL
    """
    return con.sql(sql).pl()


def connect(**tables: pl.DataFrame) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB with the given frames registered as tables."""
    con = duckdb.connect()
    for name, table in tables.items():
        con.register(name, table.to_arrow())
    return con


def period_label(start: dt.date, grain: str) -> str:
    if grain == "month":
        return f"{start:%Y-%m}"
    if grain == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@SETTINGS
@given(scenarios())
def test_rollups_equal_an_independent_duckdb_computation(case) -> None:
    frame, areas, measure, k = case
    ind = indicator(measure, "%" if measure == "ratio" else "personen")
    lo, hi = frame["month"].min(), frame["month"].max()
    con = connect(frame=frame, areas=areas)
    for grain in GRAINS:
        for level in plan.levels_for(grain, LEVELS):  # published views only (wijk: year)
            ref = reference(con, measure, grain, level)
            for kk in (0, k):
                out = roll(
                    frame, ind, areas, View(grain=grain, level=level), k=kk, municipality=CITY
                )
                if kk == 0:
                    assert not out["suppressed"].any()
                both = out.join(ref, on=["period_start", "area"], how="left")
                assert both.height == out.height
                # every group the SQL finds is in the roll-up (the roll-up adds zero cells, never drops one)
                assert ref.join(out, on=["period_start", "area"], how="anti").is_empty()
                for row in both.iter_rows(named=True):
                    span = {"month": 1, "quarter": 3, "year": 12}[grain]
                    first, last = row["period_start"], add_months(row["period_start"], span - 1)
                    assert row["period"] == period_label(first, grain)
                    assert row["period_end"] == add_months(last, 1) - dt.timedelta(days=1)
                    assert row["complete"] == (first >= lo and last <= hi)
                    if row["suppressed"]:
                        assert row["value"] is None and row["result"] is None
                        continue
                    assert close(row["value"], row["ref_value"] or 0.0)
                    if measure == "ratio":
                        den = row["ref_den"] or 0.0
                        assert close(row["denominator"], den)
                        assert close(row["result"], 100 * row["value"] / den if den else None)
                    else:
                        assert row["denominator"] is None
                        assert close(row["result"], row["value"])
                assert out.sort("period_start", "area").equals(out)
    con.close()


def people(df: pl.DataFrame, measure: str) -> pl.Series:
    return df["denominator"] if measure == "ratio" else df["value"]


TERMS = (
    Term("a", "A", dt.date(2019, 3, 16), dt.date(2020, 3, 15)),
    Term("b", "B", dt.date(2020, 3, 16), dt.date(2021, 3, 15)),
)


def parent_of(level: str, grain: str):
    """(parent view, columns tying a child cell to its parent cell) for every "total = sum of parts"."""
    relations = []
    if level == "wijk":
        relations.append(
            (View(grain=grain, level="stadsdeel"), {"period_start": "period_start", "stadsdeel": "area"})
        )
    if level == "stadsdeel":
        relations.append((View(grain=grain, level="city"), {"period_start": "period_start"}))
    coarser = {"month": "quarter", "quarter": "year"}.get(grain)
    if coarser:
        relations.append(
            (View(grain=coarser, level=level), {"_parent_start": "period_start", "area": "area"})
        )
    if grain == "month":
        relations.append((View(grain="term", level=level), {"_term_start": "period_start", "area": "area"}))
    return [(v, tie) for v, tie in relations if plan.published(v.level, v.grain)]


def term_start(month_col: str) -> pl.Expr:
    """The start of the test term a month's first day falls in (null outside both)."""
    expr = pl.lit(None, pl.Date)
    for term in TERMS:
        expr = (
            pl.when(pl.col(month_col).is_between(term.start, term.end))
            .then(pl.lit(term.start))
            .otherwise(expr)
        )
    return expr


def view_of(frame, ind, areas, view: View, k: int) -> pl.DataFrame:
    return roll(frame, ind, areas, view, k=k, municipality=CITY, terms=TERMS)


@SETTINGS
@given(scenarios())
def test_no_cell_is_disclosive_or_recoverable(case) -> None:
    frame, areas, measure, k = case
    ind = indicator(measure, people=True)
    hi = frame["month"].max()
    for grain in (*GRAINS, "term"):
        for level in plan.levels_for(grain, LEVELS):  # every published view
            out = view_of(frame, ind, areas, View(grain=grain, level=level), k)
            full = view_of(frame, ind, areas, View(grain=grain, level=level), 0)
            # primary: every cell with 0 < people < k is hidden, at every level and grain
            n = people(full, measure)
            small = ((n > 0) & (n < k)) | ((full["value"] > 0) & (full["value"] < k))
            assert not (small & ~out["suppressed"]).any()
            shown = out.filter(~pl.col("suppressed"))
            assert not ((people(shown, measure) > 0) & (people(shown, measure) < k)).any()
            if measure == "stock" and plan.published(level, "month"):
                stock_periods_follow_their_month(frame, ind, areas, out, level, k, hi)
                if grain != "month":
                    continue  # a stock's longer periods are copies of a month, checked above
            # (a wijk publishes no months: its stock years and terms are checked against their
            # stadsdeel below, since wijken still sum to their stadsdeel at a reference month)
            # complementary: in every equation "total = sum of parts" shown across views, no single
            # unknown: not one hidden part beside a shown total, nor a hidden total beside shown parts
            child = out.with_columns(
                pl.col("period_start").dt.truncate("1q" if grain == "month" else "1y").alias("_parent_start"),
                term_start("period_start").alias("_term_start"),
            )
            for parent_view, tie in parent_of(level, grain):
                if measure == "stock" and parent_view.level == level:
                    continue  # months do not add up to a stock's quarter
                parent = view_of(frame, ind, areas, parent_view, k)
                sets = (
                    child.filter(pl.all_horizontal(pl.col(list(tie)).is_not_null()))
                    .group_by(list(tie))
                    .agg(pl.len().alias("n"), pl.col("suppressed").sum().alias("hidden"))
                )
                sets = sets.join(
                    parent.select(
                        *[pl.col(v).alias(c) for c, v in tie.items()],
                        pl.col("suppressed").alias("parent_hidden"),
                    ),
                    on=list(tie),
                    how="inner",
                )
                one_part = (pl.col("hidden") == 1) & ~pl.col("parent_hidden")
                total_only = (pl.col("hidden") == 0) & pl.col("parent_hidden")
                bad = sets.filter(one_part | total_only)
                assert bad.is_empty(), (grain, level, parent_view, bad)


def stock_periods_follow_their_month(frame, ind, areas, out, level, k, hi) -> None:
    """A stock's quarter, year or term is its reference month: hidden exactly when that month is."""
    months = view_of(frame, ind, areas, View(grain="month", level=level), k)
    ref = pl.min_horizontal(pl.col("period_end").dt.truncate("1mo"), pl.lit(hi))
    tied = out.with_columns(ref.alias("ref")).join(
        months.select(
            pl.col("period_start").alias("ref"), "area", pl.col("suppressed").alias("month_hidden")
        ),
        on=["ref", "area"],
    )
    assert tied.height == out.height
    assert (tied["suppressed"] == tied["month_hidden"]).all()


def summed_into(child: pl.DataFrame, parent: pl.DataFrame, key: pl.Expr, area: str) -> None:
    """The child cells, summed per parent period (`key`) and parent area (`area`), equal the parent."""
    summed = child.group_by(key.alias("period_start"), pl.col(area).alias("area")).agg(pl.col("value").sum())
    joined = summed.join(parent, on=["period_start", "area"], how="full", coalesce=True)
    assert joined.height == parent.height == summed.height
    if joined.height:  # nothing to add up when the data hold no whole period (both empty)
        assert (joined["value"] - joined["value_right"]).abs().max() == pytest.approx(0)


@SETTINGS
@given(scenarios(measure="count"))
def test_children_add_up_to_their_parents(case) -> None:
    """The sibling relations protected above are real: wijken sum to stadsdelen, months to quarters.

    Both over published views: wijk x year into stadsdeel x year (a wijk publishes no months, and
    no running year: the stadsdeel's year that runs past the data is the one it lacks), and
    stadsdeel x month into stadsdeel x quarter.
    """
    frame, areas, _, _ = case
    ind = indicator("count")
    wijk = roll(frame, ind, areas, View(grain="year", level="wijk"), k=0, municipality=CITY)
    sd_years = roll(frame, ind, areas, View(grain="year", level="stadsdeel"), k=0, municipality=CITY)
    last = frame["month"].max()
    running = pl.col("period_start").dt.offset_by("11mo") > last
    assert not wijk.filter(running).height
    summed_into(wijk, sd_years.filter(~running), pl.col("period_start"), "stadsdeel")
    sd = roll(frame, ind, areas, View(grain="month", level="stadsdeel"), k=0, municipality=CITY)
    quarters = roll(frame, ind, areas, View(grain="quarter", level="stadsdeel"), k=0, municipality=CITY)
    summed_into(sd, quarters, pl.col("period_start").dt.truncate("1q"), "area")


def test_every_view_outside_the_plan_is_refused() -> None:
    """Each level refuses the grains the plan does not publish there, naming what it offers."""
    ind = indicator("count")
    refused = [(lv, g) for lv in rollup.LEVELS for g in rollup.GRAINS if not plan.published(lv, g)]
    assert ("wijk", "month") in refused and ("stadsdeel", "rolling") in refused
    for level, grain in refused:
        with pytest.raises(ValueError) as err:
            rollup.check_view(ind, View(grain=grain, level=level), TERMS)
        msg = str(err.value)
        assert f"'{grain}' figures are not published at {level} level" in msg
        assert f"choose {', '.join(plan.PLAN[level])}" in msg
    for level in rollup.LEVELS:  # and every published view passes
        for grain in plan.grains_for(level, rollup.GRAINS):
            rollup.check_view(ind, View(grain=grain, level=level), TERMS)


# ---------------------------------------------------------------- unit tests


LAYOUT = {"Centrum": ["WK0001", "WK0002"], "Noord": ["WK0003"]}


def test_per_thousand_uses_the_nearest_areas_year() -> None:
    areas = make_areas(LAYOUT, years=(2022, 2025), inhabitants=lambda y, w: 1000 * (y - 2020) + int(w[2:]))
    rows = [
        (month(y, m), w, float(10 * y % 97 + m))
        for y in (2021, 2023, 2024)
        for m in (1, 6)
        for w in ("WK0001", "WK0002", "WK0003")
    ]
    frame = series_frame(rows)
    out = roll(
        frame, indicator("count"), areas, View(grain="year", per="inhabitants"), k=0, municipality=CITY
    )
    nearest = {2021: 2022, 2022: 2022, 2023: 2022, 2024: 2025}  # 2023: one year from 2022, two from 2025
    for row in out.iter_rows(named=True):
        year = row["period_start"].year
        total = frame.filter(pl.col("month").dt.year() == year)["value"].sum()
        pop = areas.filter(pl.col("year") == nearest[year])["inhabitants"].sum()
        assert row["value"] == total
        assert row["result"] == pytest.approx(total / pop * 1000)
    # households, and per stadsdeel: the stadsdeel's own population
    sd = roll(
        frame,
        indicator("count"),
        areas,
        View(grain="year", level="stadsdeel", per="households"),
        k=0,
        municipality=CITY,
    )
    row = sd.filter((pl.col("area") == "Noord") & (pl.col("period") == "2024")).row(0, named=True)
    hh = areas.filter((pl.col("year") == 2025) & (pl.col("stadsdeel") == "Noord"))["households"].sum()
    assert row["result"] == pytest.approx(row["value"] / hh * 1000)


def test_per_thousand_is_suppressed_with_its_count() -> None:
    areas = make_areas(LAYOUT)
    frame = series_frame(  # December (nothing) makes 2020 a whole year: a wijk shows no running one
        [(month(2020, 1), "WK0001", 4.0), (month(2020, 1), "WK0002", 40.0), (month(2020, 1), "WK0003", 400.0),
         (month(2020, 12), "WK0003", 0.0)]
    )
    out = roll(
        frame,
        indicator("count"),
        areas,
        View(grain="year", level="wijk", per="inhabitants"),
        k=10,
        municipality=CITY,
    )
    # 2020 (all in January): WK0001 = 4 < k; WK0002 is its complement in Centrum (44 is shown,
    # so 44 - 40 would give WK0001 away). The attack then knows only WK0001 + WK0002 = 44: each in
    # [0, 44], wider than k, so nothing more is hidden. Noord = WK0003 = 400 is safe.
    hidden = dict(zip(out["area"], out["suppressed"], strict=True))
    assert hidden == {"WK0001": True, "WK0002": True, "WK0003": False}
    assert out.filter(pl.col("suppressed"))["result"].null_count() == 2


def test_compare_gives_the_same_period_a_year_earlier() -> None:
    areas = make_areas(LAYOUT)
    rows = [
        (month(y, m), w, float((y - 2018) * 30 + m + int(w[2:])))
        for y in (2019, 2020, 2021)
        for m in range(1, 13)
        for w in ("WK0001", "WK0002", "WK0003")
    ]
    frame = series_frame(rows)
    for grain, level in [(g, lv) for g in GRAINS for lv in plan.levels_for(g, ("stadsdeel", "wijk"))]:
        plain = roll(frame, indicator("count"), areas, View(grain=grain, level=level), k=0)
        cmp = roll(
            frame, indicator("count"), areas, View(grain=grain, level=level, compare=True), k=0
        )
        assert cmp.drop("result_prev", "prev_suppressed", "change").equals(plain)
        earlier = plain.select(
            pl.col("period_start").dt.offset_by("1y"), "area", pl.col("result").alias("want")
        )
        got = cmp.join(earlier, on=["period_start", "area"], how="left")
        assert got["result_prev"].to_list() == got["want"].to_list()
        assert (
            got.filter(pl.col("period_start").dt.year() == 2019)["result_prev"].null_count()
            == got.filter(pl.col("period_start").dt.year() == 2019).height
        )
        assert (got["change"] - (got["result"] - got["want"])).abs().max() == 0


def test_compare_hides_a_suppressed_earlier_cell() -> None:
    areas = make_areas(LAYOUT)
    # 2020: WK0003 = Noord = 3 < k. The city's 73 = Centrum + Noord, so Centrum (70) is hidden
    # too, and then one of its wijken: the smallest, WK0002 (20). The attack then knows
    # Centrum = 50 + WK0002 >= 50, so Noord = 73 - Centrum lies in [0, 23], wider than k: WK0001
    # stays shown. (Without WK0002, the complement would be an empty WK0002 = 0, pinning Noord
    # to [0, 3]; the attack would then hide WK0001 as well, and nothing earlier would be shown.)
    frame = series_frame(
        [
            (month(2020, 1), "WK0003", 3.0),
            (month(2021, 1), "WK0003", 30.0),
            (month(2020, 1), "WK0001", 50.0),
            (month(2021, 1), "WK0001", 60.0),
            (month(2020, 1), "WK0002", 20.0),
            (month(2021, 1), "WK0002", 25.0),
            (month(2021, 12), "WK0001", 0.0),  # the data run to December: 2021 is a whole year
        ]
    )
    out = roll(
        frame, indicator("count"), areas, View(grain="year", level="wijk", compare=True), k=10
    )
    row = out.filter((pl.col("period") == "2021") & (pl.col("area") == "WK0003")).row(0, named=True)
    assert row["result"] == 30.0 and row["result_prev"] is None and row["change"] is None
    assert row["prev_suppressed"] is True  # a surface shows the mark there, not a dash
    row = out.filter((pl.col("period") == "2021") & (pl.col("area") == "WK0001")).row(0, named=True)
    assert row["result_prev"] == 50.0 and row["change"] == 10.0 and row["prev_suppressed"] is False
    hidden = out.filter(pl.col("suppressed")).select("period", "area").rows()
    assert sorted(hidden) == [("2020", "WK0002"), ("2020", "WK0003")]


@pytest.mark.parametrize("measure", ["count", "stock", "ratio"])
def test_an_unfinished_year_of_a_count_has_no_change_against_a_whole_year(measure: str) -> None:
    """January to March 2021 against the whole of 2020 is no fall of three quarters: a count or a
    stock gets no earlier value and no change there (a share compares as it is); the whole years
    compare as before."""
    areas = make_areas(LAYOUT)
    months = [add_months(month(2019, 1), n) for n in range(27)]  # January 2019 to March 2021
    ratio = measure == "ratio"
    frame = series_frame([(m, w, 20.0, 40.0) if ratio else (m, w, 20.0)
                          for m in months for w in ("WK0001", "WK0002", "WK0003")], ratio=ratio)
    out = roll(frame, indicator(measure), areas, View(grain="year", level="city", compare=True), k=10)
    by_year = {r["period"]: r for r in out.iter_rows(named=True)}
    assert by_year["2020"]["complete"] and not by_year["2021"]["complete"]
    # whole years: 12 months x 3 wijken x 20 = 720 both years (a stock: the December level, 60)
    assert by_year["2020"]["change"] == 0.0
    if ratio:  # 20 of 40 in both: the ratio of a part year compares with that of a whole one
        assert by_year["2021"]["result"] == 0.5 and by_year["2021"]["change"] == 0.0
    else:  # no earlier value beside it either (January-March against a whole year)
        assert by_year["2021"]["result_prev"] is None and by_year["2021"]["change"] is None
        assert by_year["2021"]["prev_suppressed"] is False


def test_term_grain_sums_the_months_whose_first_day_is_in_the_term() -> None:
    areas = make_areas(LAYOUT)
    months = [add_months(month(2021, 1), i) for i in range(48)]
    frame = series_frame(
        [(m, w, float(i % 7 + 1)) for i, m in enumerate(months) for w in ("WK0001", "WK0003")]
    )
    terms = [
        Term("t1", "2022-2026", dt.date(2022, 5, 16), dt.date(2026, 5, 15)),
        Term("t0", "2018-2022", dt.date(2018, 5, 16), dt.date(2022, 5, 15)),
    ]
    out = roll(
        frame,
        indicator("count"),
        areas,
        View(grain="term", compare=True),
        k=0,
        terms=terms,
        municipality=CITY,
    )
    assert out["period"].to_list() == ["t0", "t1"]  # term ids (the edge words them), sorted by start
    for term in terms:
        row = out.filter(pl.col("period") == term.id).row(0, named=True)
        inside = frame.filter(pl.col("month").is_between(term.start, term.end))
        assert row["value"] == inside["value"].sum()
        assert (row["period_start"], row["period_end"]) == (term.start, term.end)
        assert row["complete"] is False  # neither term lies wholly inside 2021-01 .. 2024-12
        # unfinished, a count's term has no earlier value beside it (`views`): a running term
        # against a whole one a year before would read as a fall
        assert row["result_prev"] is None and row["change"] is None


def test_term_grain_without_terms_is_an_error() -> None:
    frame = series_frame([(month(2020, 1), "WK0001", 3.0)])
    with pytest.raises(ValueError, match="term"):
        roll(frame, indicator("count"), make_areas(LAYOUT), View(grain="term"), k=10)


def test_area_filter_keeps_the_chosen_areas_and_their_suppression() -> None:
    areas = make_areas(LAYOUT)
    # wijk figures are yearly; in 2020 WK0002 rests on 4 people (January only), so it is hidden
    frame = series_frame(
        [
            (month(y, m), w, 4.0 * (m == 1) if (y, w) == (2020, "WK0002") else float(m * int(w[2:]) % 13))
            for y in (2019, 2020)
            for m in range(1, 13)
            for w in ("WK0001", "WK0002", "WK0003")
        ]
    )
    ind = indicator("count")
    all_wijken = roll(frame, ind, areas, View(grain="year", level="wijk"), k=10)
    chosen = roll(frame, ind, areas, View(grain="year", level="wijk", areas=("WK0002",)), k=10)
    assert set(chosen["area"]) == {"WK0002"}
    assert chosen.equals(all_wijken.filter(pl.col("area") == "WK0002"))  # filtering never unhides a cell
    assert chosen.filter(pl.col("suppressed"))["period"].to_list() == ["2020"]
    by_sd = roll(frame, ind, areas, View(grain="year", level="wijk", areas=("Centrum",)), k=10)
    assert set(by_sd["area"]) == {"WK0001", "WK0002"}
    sd = roll(frame, ind, areas, View(grain="quarter", level="stadsdeel", areas=("Noord",)), k=10)
    assert set(sd["area"]) == {"Noord"} and sd["stadsdeel"].null_count() == sd.height
    assert set(all_wijken["area_name"]) == {"Wijk WK0001", "Wijk WK0002", "Wijk WK0003"}


def test_period_range_filters_on_period_start() -> None:
    frame = series_frame([(month(2020, m), "WK0001", 20.0) for m in range(1, 13)])
    out = roll(
        frame,
        indicator("count"),
        make_areas(LAYOUT),
        View(grain="quarter", start=dt.date(2020, 2, 1), end=dt.date(2020, 9, 30)),
        k=10,
    )
    assert out["period"].to_list() == ["2020-Q2", "2020-Q3"]


def test_stock_takes_the_last_month_of_a_period_or_of_the_data() -> None:
    areas = make_areas(LAYOUT)
    # 2023-11 .. 2024-02: WK0003 has no row in the last month, so it is 0 there
    rows = [
        (month(2023, 11), "WK0001", 11.0),
        (month(2023, 12), "WK0001", 12.0),
        (month(2023, 12), "WK0003", 7.0),
        (month(2024, 1), "WK0001", 21.0),
        (month(2024, 2), "WK0001", 22.0),
        (month(2024, 1), "WK0003", 5.0),
    ]
    frame = series_frame(rows)
    q = roll(frame, indicator("stock"), areas, View(grain="quarter"), k=0, municipality=CITY)
    assert q.select("period", "value", "complete").rows() == [
        ("2023-Q4", 19.0, False),
        ("2024-Q1", 22.0, False),
    ]
    y = roll(frame, indicator("stock"), areas, View(grain="year", level="wijk"), k=0)
    got = {(r["period"], r["area"]): r["value"] for r in y.iter_rows(named=True)}
    assert got == {("2023", "WK0001"): 12.0, ("2023", "WK0002"): 0.0, ("2023", "WK0003"): 7.0}  # 2024 runs
    sd = roll(frame, indicator("stock"), areas, View(grain="year", level="stadsdeel"), k=0)
    got = {(r["period"], r["area"]): r["value"] for r in sd.iter_rows(named=True)}
    assert got[("2024", "Centrum")] == 22.0 and got[("2024", "Noord")] == 0.0  # the data's last month


def test_output_columns_and_an_empty_frame() -> None:
    frame = series_frame([(month(2020, 1), "WK0001", 3.0, 9.0)], ratio=True)
    out = roll(frame, indicator("ratio", "%"), make_areas(LAYOUT), View(compare=True), k=0)
    assert out.columns == [*rollup.COLUMNS, *rollup.COMPARE_COLUMNS]
    assert out["result"].to_list() == [pytest.approx(100 * 3 / 9)]
    empty = roll(frame.clear(), indicator("ratio", "%"), make_areas(LAYOUT), View(), k=10)
    assert empty.is_empty() and empty.columns == list(rollup.COLUMNS)


def test_rolling_grain_is_the_twelve_months_ending_in_each_month() -> None:
    """The scorecard's current value: sum (count), ratio of sums (ratio) or the level (stock)."""
    areas = make_areas(LAYOUT)
    months = [add_months(month(2020, 1), i) for i in range(18)]
    rows = [
        (m, w, float(i + int(w[2:])), float(3 * i + 20))
        for i, m in enumerate(months)
        for w in ("WK0001", "WK0003")
    ]
    frame = series_frame(rows, ratio=True)
    for measure in ("count", "ratio", "stock"):
        f = frame if measure == "ratio" else frame.drop("denominator")
        ind = indicator(measure, "%" if measure == "ratio" else "x")
        out = roll(f, ind, areas, View(grain="rolling"), k=0, municipality=CITY)
        ends = [row["period_end"].replace(day=1) for row in out.iter_rows(named=True)]
        assert ends == months
        assert out["period"][0] == "2019-02/2020-01" and out["period"][-1] == "2020-07/2021-06"
        for row, last in zip(out.iter_rows(named=True), ends, strict=True):
            window = f.filter((pl.col("month") <= last) & (pl.col("month") > add_months(last, -12)))
            assert row["complete"] == (last >= month(2020, 12))
            if measure == "count":
                assert row["result"] == window["value"].sum()
            elif measure == "ratio":
                assert row["result"] == pytest.approx(
                    100 * window["value"].sum() / window["denominator"].sum()
                )
            else:
                assert row["result"] == f.filter(pl.col("month") == last)["value"].sum()


def test_a_hidden_month_hides_its_rolling_windows_not_later_months() -> None:
    """One small early month must not ripple through the overlapping windows into later years.

    Each window that holds exactly one hidden month is hidden itself (a window is no part of
    any other sum); hiding a second month instead would hand the problem to the next window.
    """
    areas = make_areas({"Noord": ["WK0001"]})
    values = [3.0] + [50.0] * 35  # January 2020 rests on 3 people
    frame = series_frame([(add_months(month(2020, 1), i), "WK0001", v) for i, v in enumerate(values)])
    ind = indicator("count", "x")
    monthly = roll(frame, ind, areas, View(grain="month"), k=10, municipality=CITY)
    rolling = roll(frame, ind, areas, View(grain="rolling"), k=10, municipality=CITY)
    hidden = monthly.filter(pl.col("suppressed"))["period"].to_list()
    assert "2020-01" in hidden and all(p <= "2020-03" for p in hidden), hidden  # within its quarter
    for row in rolling.iter_rows(named=True):
        first, last = row["period"].split("/")
        holds = [p for p in hidden if first <= p <= last]
        if len(holds) == 1:
            assert row["suppressed"], f"window {row['period']} holds one hidden month and is shown"
    shown = rolling.filter(~pl.col("suppressed") & pl.col("complete"))
    assert shown.height == 24  # every complete window is shown: none holds exactly one hidden month
    assert shown["result"].to_list() == [3.0 + 11 * 50.0] + [12 * 50.0] * 23


def test_a_hidden_month_hides_a_second_cell_of_its_rolling_window() -> None:
    """A twelve-month window minus eleven shown months would give a hidden month away."""
    areas = make_areas({"Noord": ["WK0001"]})
    values = [50.0] * 12
    values[5] = 3.0  # one month below k = 10
    frame = series_frame([(add_months(month(2020, 1), i), "WK0001", v) for i, v in enumerate(values)])
    ind = indicator("count", "x")
    rolling = roll(frame, ind, areas, View(grain="rolling"), k=10, municipality=CITY)
    monthly = roll(frame, ind, areas, View(grain="month"), k=10, municipality=CITY)
    full_window = rolling.filter(pl.col("period") == "2020-01/2020-12")
    assert full_window["result"].to_list() == [sum(values)]  # 553 people: shown
    hidden_months = monthly.filter(pl.col("suppressed"))["period"].to_list()
    assert "2020-06" in hidden_months and len(hidden_months) >= 2


@SETTINGS
@given(st.data())
def test_a_cohorts_share_never_falls_as_its_months_go_by(data) -> None:
    """Debt-free is for good: of one group of starters, the share debt-free within n months can
    only grow with n. The frame holds a start month at n months only once start + n is complete
    (queries/schuldenvrij_cohort.sql), so a year group must not lose its late months at long n
    (the sweep saw the 2024 group fall from 19% to 16%)."""
    areas = make_areas(LAYOUT)
    last = add_months(month(2022, 1), data.draw(st.integers(6, 40)))  # the data's last full month
    rows = []
    for c in range(36):  # start months 2022-01 to 2024-12, each with its cases' debt-free months
        start = add_months(month(2022, 1), c)
        for w in ("WK0001", "WK0002", "WK0003"):
            free_after = data.draw(st.lists(st.none() | st.integers(0, 36), max_size=12))
            for since in range(0, 37, 3):
                if add_months(start, since) <= last and free_after:
                    free = sum(m is not None and m <= since for m in free_after)
                    rows.append((start, since, w, float(free), float(len(free_after))))
    frame = pl.DataFrame(
        rows, schema=["cohort_month", "months_since", "wijk_code", "value", "denominator"], orient="row"
    )
    ind = indicator("ratio", "%", shape="cohort")
    for grain in ("quarter", "year"):
        out = roll_cohort(frame, ind, areas, grain=grain, level="city", k=0, municipality=CITY)
        for cohort, part in out.sort("months_since").group_by("cohort"):
            shares = [r for r in part["result"].to_list() if r is not None]
            assert all(b >= a - 1e-9 for a, b in itertools.pairwise(shares)), (grain, cohort, shares)
            assert part["denominator"].n_unique() == 1, (grain, cohort)  # the same starters at every n


@SETTINGS
@given(st.data())
def test_cohort_rollup_is_a_ratio_of_sums(data) -> None:
    areas = make_areas(LAYOUT)
    rows = []
    for c in range(data.draw(st.integers(1, 8))):
        for since in (0, 6, 12):
            for w in ("WK0001", "WK0002", "WK0003"):
                den = data.draw(st.integers(0, 30))
                rows.append(
                    (
                        add_months(month(2023, 1), c),
                        since,
                        w,
                        float(data.draw(st.integers(0, den))),
                        float(den),
                    )
                )
    frame = pl.DataFrame(
        rows, schema=["cohort_month", "months_since", "wijk_code", "value", "denominator"], orient="row"
    )
    ind = indicator("ratio", "%", shape="cohort")
    k = data.draw(st.integers(0, 12))
    con = connect(frame=frame, areas=areas)
    for grain, trunc, length in (("quarter", "quarter", 3), ("year", "year", 12)):
        for level in ("city", "stadsdeel", "wijk"):
            out = roll_cohort(frame, ind, areas, grain=grain, level=level, k=k, municipality=CITY)
            area = {"city": f"'{CITY}'", "stadsdeel": "a.stadsdeel", "wijk": "f.wijk_code"}[level]
            # only periods whose every month has been followed that long: the period's last month
            # plus the months since lies within the data (its end: the latest month + months since)
            ref = con.sql(f"""
                SELECT CAST(date_trunc('{trunc}', cohort_month) AS DATE) AS cohort_start, months_since,
                       {area} AS area, sum(value) AS v, sum(denominator) AS d
                FROM frame f JOIN areas a USING (wijk_code)
                WHERE date_trunc('{trunc}', cohort_month) + to_months({length} - 1 + months_since)
                      <= (SELECT max(cohort_month + to_months(months_since)) FROM frame)
                GROUP BY ALL""").pl()
            both = out.join(ref, on=["cohort_start", "months_since", "area"], how="full", coalesce=True)
            assert both.height == out.height == ref.height
            shown = both.filter(~pl.col("suppressed"))
            assert (shown["value"] == shown["v"]).all() and (shown["denominator"] == shown["d"]).all()
            want = [100 * v / d if d else None for v, d in zip(shown["v"], shown["d"], strict=True)]
            assert all(close(a, b) for a, b in zip(shown["result"], want, strict=True))
            assert not ((shown["d"] > 0) & (shown["d"] < k)).any()
            assert not ((shown["v"] > 0) & (shown["v"] < k)).any()
            if level != "city":  # area siblings per cohort and months_since
                parent = ["cohort", "months_since"] + (["stadsdeel"] if level == "wijk" else [])
                sets = out.group_by(parent).agg(pl.len().alias("n"), pl.col("suppressed").sum().alias("h"))
                assert sets.filter((pl.col("h") == 1) & (pl.col("n") >= 2)).is_empty()
            if k == 0:
                assert not out["suppressed"].any()
