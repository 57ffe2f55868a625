"""Staging tables: queries/_staging/stg_*.sql built by the catalog, read by indicators and analysts."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from monitor import catalog, checks, cli, indicators, staging, workbench
from monitor.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
ACTIVITY_QUERIES = ("matches", "platform_profielen", "proefplaatsingen", "werk_gesprekken")
# Since contract v2 the activity indicators read work_activities.wijk_code; an analyst's file that
# still reads the staging table stands in for "an indicator built on a staging table".
READER = """/*---
title: {{nl: Gesprekken via staging, en: Conversations via staging}}
description: {{nl: Proef, en: Test}}
basis: {{nl: Proef, en: Test}}
kind: output
programme: werk
measure: count
unit: gesprekken
direction: up
sources: [{sources}]
---*/
-- every 'gesprek' with the wijk the staging table found
SELECT date_trunc('month', activity_on)::DATE AS month, wijk_code, count(*)::DOUBLE AS value
FROM stg_activity_wijk
WHERE activity = 'gesprek' AND wijk_code IS NOT NULL
GROUP BY ALL
"""


def _reader(queries: Path, sources: str = "work_activities, benefit_spells, placements") -> Path:
    path = queries / "gesprekken_via_staging.sql"
    path.write_text(READER.format(sources=sources))
    return path
D = dt.date


def _front(sources: str = "[debt_cases]", extra: str = "") -> str:
    return f"/*---\ndescription: {{nl: Proef, en: Test}}\nsources: {sources}\n{extra}---*/\n"


@pytest.fixture
def queries_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    dst = tmp_path / "queries"
    shutil.copytree(QUERIES, dst)
    monkeypatch.setenv("MONITOR_QUERIES_DIR", str(dst))
    return dst


# ---------------------------------------------------------------- stg_activity_wijk, worked by hand


def _hand_made(con: duckdb.DuckDBPyConnection) -> None:
    """Four people, worked out by hand in test_activity_wijk_by_hand."""
    spells = pl.DataFrame({
        "spell_id": ["s1", "s2", "s4"],
        "person_id": ["p1", "p1", "p4"],
        "wijk_code": ["WK051801", "WK051802", "WK051805"],
        "started_on": [D(2020, 1, 1), D(2021, 1, 1), D(2020, 1, 1)],
        "ended_on": [D(2020, 6, 30), None, None],
    })
    placements = pl.DataFrame({
        "placement_id": ["x1", "x2", "x4"],
        "person_id": ["p2", "p2", "p4"],
        "wijk_code": ["WK051803", "WK051804", "WK051806"],
        "placed_on": [D(2020, 2, 1), D(2021, 3, 1), D(2020, 3, 1)],
    })
    activities = pl.DataFrame({
        "activity_id": ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"],
        "person_id": ["p1", "p1", "p1", "p1", "p1", "p2", "p3", "p4"],
        "activity_on": [D(2019, 12, 15), D(2020, 3, 1), D(2020, 9, 1), D(2021, 1, 1), D(2022, 5, 5),
                        D(2020, 5, 1), D(2020, 5, 1), D(2020, 2, 1)],
        "activity": ["gesprek", "profiel", "match", "gesprek", "proefplaatsing", "match", "gesprek",
                     "gesprek"],
        "channel": ["wijk"] * 8,
    })
    for name, frame in (("benefit_spells", spells), ("placements", placements),
                        ("work_activities", activities)):
        con.register("incoming", frame.to_arrow())
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming")
        con.unregister("incoming")


def test_activity_wijk_by_hand(tmp_path: Path) -> None:
    queries = tmp_path / "queries"
    (queries / "_staging").mkdir(parents=True)
    shutil.copy(QUERIES / "_staging" / "stg_activity_wijk.sql", queries / "_staging")
    con = duckdb.connect()
    _hand_made(con)
    [status] = staging.build_all(con, queries)
    assert status.ok and status.name == "stg_activity_wijk", status.problems
    # a view (no indicator reads it): defined by the build, computed when read
    assert status.materialized == "view"
    assert con.execute("SELECT count(*) FROM stg_activity_wijk").fetchall() == [(8,)]
    got = {r[0]: (r[1], r[2]) for r in con.execute(
        "SELECT activity_id, wijk_code, wijk_from FROM stg_activity_wijk").fetchall()}
    assert got == {
        # p1: before the first spell (2020-01-01) the latest spell's wijk (s2, 02)
        "a1": ("WK051802", "spell_last"),
        "a2": ("WK051801", "spell_then"),  # during s1
        # after s1 ended but before s2 started: s1 stands for the wijk until the next spell starts
        "a3": ("WK051801", "spell_then"),
        "a4": ("WK051802", "spell_then"),  # the day s2 starts
        "a5": ("WK051802", "spell_then"),
        # p2 never had a benefit: the latest placement (2021, 04), not the one before the activity
        "a6": ("WK051804", "placement"),
        "a7": (None, None),  # p3: neither, kept with an empty wijk
        "a8": ("WK051805", "spell_then"),  # p4: a spell beats a placement
    }


# ---------------------------------------------------------------- the catalog build


def test_staging_tables_are_in_the_read_only_catalog(demo_settings, demo_extracts: Path) -> None:
    report = catalog.read_report(demo_settings)
    assert [(s.name, s.status, s.file) for s in report.staging] == [
        (p.stem, "built", f"queries/_staging/{p.name}") for p in sorted((QUERIES / "_staging").glob("*.sql"))]
    kinds = {s.name: s.materialized for s in report.staging}
    cat = catalog.open_catalog(demo_settings)
    views = {p.stem for p in (QUERIES / "_staging").glob("*.sql")
             if "\nmaterialized: view\n" in p.read_text()}
    assert {"stg_activity_wijk", "stg_trechter_schulden", "stg_trechter_werk"} <= views
    assert "stg_activity_wijk" in cat.table_names() and cat.view_names() == views
    assert {k: v for k, v in kinds.items() if v == "view"}.keys() == views
    assert set(kinds.values()) == {"table", "view"}
    activities = pl.read_parquet(demo_extracts / "work_activities.parquet").height
    result = cat.guarded("SELECT count(*) AS n, count(DISTINCT activity_id) AS ids FROM stg_activity_wijk")
    assert result.frame.row(0) == (activities, activities)
    schema = workbench.schema_overview(cat)
    view = schema.filter(pl.col("table") == "stg_activity_wijk")
    assert view["column"].to_list() == ["activity_id", "person_id", "activity_on", "activity", "channel",
                                        "wijk_code", "wijk_from"]
    # the schema browser does not compute a view to count it; a table it counts
    assert view["rows"].is_null().all() and set(view["examples"]) == {""}
    stand = next(s for s in report.staging if s.name == "stg_bijstand_stand")
    assert set(schema.filter(pl.col("table") == "stg_bijstand_stand")["rows"]) == {stand.rows} != {0}
    with pytest.raises(catalog.QueryRefused):
        cat.guarded("DROP TABLE stg_activity_wijk")


def test_both_benefit_stocks_read_one_month_end_level(demo_settings, demo_extracts: Path) -> None:
    """bijstand_personen and bijstandsuitkeringen are the two counts of stg_bijstand_stand, cell for cell."""
    cat = catalog.open_catalog(demo_settings)
    level = cat.query("SELECT counted, month, wijk_code, value FROM stg_bijstand_stand")
    assert level.select("counted", "month", "wijk_code").is_duplicated().sum() == 0
    persons = level.filter(pl.col("counted") == "personen").drop("counted").sort("month", "wijk_code")
    benefits = level.filter(pl.col("counted") == "uitkeringen").drop("counted").sort("month", "wijk_code")
    # the same spine (every month x wijk) for both, and a benefit has at least one person on it
    assert persons.select("month", "wijk_code").equals(benefits.select("month", "wijk_code"))
    assert (persons["value"] >= benefits["value"]).all()
    assert (persons["value"] > benefits["value"]).any()  # the demo data has couples
    for ind_id, part in (("bijstand_personen", persons), ("bijstandsuitkeringen", benefits)):
        ind = indicators.parse_file(QUERIES / f"{ind_id}.sql")
        assert "stg_bijstand_stand" in ind.sql
        assert indicators.compute(cat, ind).sort("month", "wijk_code").equals(part)


@pytest.mark.parametrize(("cohort", "counted", "flags"), [
    ("stg_trechter_schulden", "households", ["reached", "registered", "settled", "debt_free"]),
    ("stg_trechter_werk", "people", ["profiled", "matched", "trial", "placed"]),
])
def test_funnel_steps_table_counts_the_cohort_view(demo_settings, cohort, counted, flags) -> None:
    """The five funnel steps read a table of counts per cell; it holds what counting the cohort's rows
    (a view, one row per member) in Polars gives, cell for cell, and every step is within the one before."""
    cat = catalog.open_catalog(demo_settings)
    rows = cat.query(f"SELECT cohort_month, wijk_code, {', '.join(flags)} FROM {cohort}")
    assert rows.height > 1000  # a real cohort, not an empty view
    expected = (rows.group_by("cohort_month", "wijk_code", maintain_order=False)
                .agg(pl.len().alias(counted), *[pl.col(f).sum() for f in flags])
                .sort("cohort_month", "wijk_code"))
    got = cat.query(f"SELECT * FROM {cohort}_stappen").sort("cohort_month", "wijk_code")
    assert got.columns == ["cohort_month", "wijk_code", counted, *flags]
    assert got.cast({c: pl.Int64 for c in [counted, *flags]}).equals(
        expected.cast({c: pl.Int64 for c in [counted, *flags]}))
    steps = [counted, *flags]
    for before, after in itertools.pairwise(steps):
        assert (got[after] <= got[before]).all()


def test_a_changed_staging_file_is_picked_up_by_the_next_build(data_copy, queries_copy: Path) -> None:
    settings = get_settings()
    first = catalog.build(settings)
    assert first.built and first.ok
    assert not catalog.build(settings).built  # nothing changed
    path = queries_copy / "_staging" / "stg_activity_wijk.sql"
    path.write_text(path.read_text().replace("FROM located", "FROM located\nWHERE activity = 'match'"))
    second = catalog.build(settings)
    assert second.built and second.ok
    cat = catalog.open_catalog(settings)
    assert cat.query("SELECT DISTINCT activity FROM stg_activity_wijk")["activity"].to_list() == ["match"]
    assert second.version != first.version


def test_a_broken_staging_file_is_reported_and_the_rest_keeps_working(data_copy, queries_copy: Path,
                                                                      capsys) -> None:
    _reader(queries_copy)
    path = queries_copy / "_staging" / "stg_activity_wijk.sql"
    text = path.read_text()
    broken_line = text.splitlines().index("    FROM work_activities AS a") + 1
    path.write_text(text.replace("    FROM work_activities AS a", "    FROM work_activitiez AS a"))
    settings = get_settings()
    report = catalog.build(settings)
    assert report.built and not report.ok
    assert all(e.ok for e in report.extracts)
    status = next(s for s in report.staging if s.name == "stg_activity_wijk")
    assert status.status == "failed"
    assert status.problems == [
        f"queries/_staging/stg_activity_wijk.sql:{broken_line}: the query failed: Catalog Error: Table "
        "with name work_activitiez does not exist!; Did you mean \"work_activities\"?"]
    cat = catalog.open_catalog(settings)
    assert "stg_activity_wijk" not in cat.table_names()
    registry = indicators.load_registry(settings.queries_dir)
    assert not registry.problems
    assert len(registry) == len(indicators.query_files(settings.queries_dir))
    for ind in registry:
        if "stg_activity_wijk" in ind.sql:  # the files that read the broken table (a copy too)
            with pytest.raises(indicators.IndicatorError) as err:
                indicators.compute(cat, ind)
            message = str(err.value)
            assert f"{ind.id}.sql" in message and "queries/_staging/stg_activity_wijk.sql" in message
            assert f"line {broken_line}" in message and "work_activitiez" in message
        elif any(s.name in ind.sql for s in report.staging if not s.ok):  # built on the broken table
            with pytest.raises(indicators.IndicatorError):
                indicators.compute(cat, ind)
        else:
            assert not indicators.compute(cat, ind).is_empty()  # every other indicator still computes
    # the workbench and the CLI say the same
    with pytest.raises(catalog.QueryFailed, match=r"staging file queries/_staging/stg_activity_wijk\.sql"):
        cat.guarded("SELECT * FROM stg_activity_wijk")
    assert cli.main(["build"]) == 1  # up to date, but the report is not ok
    assert f"stg_activity_wijk.sql:{broken_line}" in capsys.readouterr().err
    problems = checks.check_all(settings)
    assert f"queries/_staging/stg_activity_wijk.sql:{broken_line}: the query failed" in problems[0]
    readers = sum("stg_activity_wijk" in ind.sql for ind in registry)
    assert readers >= 1
    # staging files built on the broken one are not built, and their readers fail too, all named
    downstream = [s.name for s in report.staging if not s.ok and s.name != "stg_activity_wijk"]
    indirect = sum(any(d in ind.sql for d in downstream) for ind in registry)
    assert sum("stg_activity_wijk" in p for p in problems) == 1 + readers + len(downstream) + indirect


def test_bad_front_matter_names_the_line(tmp_path: Path) -> None:
    folder = tmp_path / "queries" / "_staging"
    folder.mkdir(parents=True)
    (folder / "stg_yaml.sql").write_text("/*---\ndescription: {nl: a, en: b}\nsources: [debt_cases\n"
                                         "---*/\nSELECT 1 AS x\n")
    (folder / "stg_keys.sql").write_text(_front(extra="titel: x\n") + "SELECT 1 AS x\n")
    (folder / "stg_kind.sql").write_text(_front(extra="materialized: lazy\n") + "SELECT 1 AS x\n")
    (folder / "stg_sources.sql").write_text(_front("[debt_casez]") + "SELECT 1 AS x\n")
    (folder / "stg_empty.sql").write_text(_front())
    (folder / "Bad-Name.sql").write_text(_front() + "SELECT 1 AS x\n")
    (folder / "stg_two.sql").write_text(_front() + "SELECT 1 AS x;\nDROP TABLE debt_cases\n")
    con = duckdb.connect()
    con.execute("CREATE TABLE debt_cases AS SELECT 1 AS case_id")
    problems = {s.name: s.problems for s in staging.build_all(con, tmp_path / "queries")}
    assert problems["stg_yaml"][0].startswith("queries/_staging/stg_yaml.sql:4: front matter is not "
                                              "valid YAML")
    assert problems["stg_keys"] == ["queries/_staging/stg_keys.sql:4: unknown key 'titel'; a staging file "
                                    "has: description, sources, materialized"]
    assert problems["stg_kind"] == ["queries/_staging/stg_kind.sql:4: materialized is 'lazy'; use table "
                                    "(computed once by the build, the default) or view (computed when a "
                                    "query reads it)"]
    assert problems["stg_sources"][0].startswith("queries/_staging/stg_sources.sql:3: unknown source "
                                                 "'debt_casez'")
    assert problems["stg_empty"] == ["queries/_staging/stg_empty.sql:5: no SQL after the front matter: "
                                     "write a SELECT below the ---*/ line"]
    assert "not a valid staging file name" in problems["Bad-Name"][0]
    assert "exactly one SELECT" in problems["stg_two"][0]
    assert con.execute("SELECT count(*) FROM debt_cases").fetchall() == [(1,)]


def test_dependency_order_failures_and_cycles(tmp_path: Path) -> None:
    folder = tmp_path / "queries" / "_staging"
    folder.mkdir(parents=True)
    # stg_a reads stg_b: built after it, although it comes first in the alphabet
    (folder / "stg_a.sql").write_text(_front("[stg_b]") + "SELECT x + 1 AS y FROM stg_b\n")
    (folder / "stg_b.sql").write_text(_front() + "SELECT count(*) AS x FROM debt_cases\n")
    (folder / "stg_broken.sql").write_text(_front() + "SELECT nope FROM debt_cases\n")
    (folder / "stg_c.sql").write_text(_front("[stg_broken]") + "SELECT * FROM stg_broken\n")
    (folder / "stg_d.sql").write_text(_front("[stg_e]") + "SELECT * FROM stg_e\n")
    (folder / "stg_e.sql").write_text(_front("[stg_d]") + "SELECT * FROM stg_d\n")
    (folder / "stg_f.sql").write_text(_front("[placements]") + "SELECT * FROM placements\n")
    con = duckdb.connect()
    con.execute("CREATE TABLE debt_cases AS SELECT * FROM range(3) AS t(case_id)")
    statuses = {s.name: s for s in staging.build_all(con, tmp_path / "queries")}
    assert [n for n, s in statuses.items() if s.ok] == ["stg_a", "stg_b"]
    assert con.execute("SELECT y FROM stg_a").fetchall() == [(4,)]
    assert statuses["stg_broken"].problems[0].startswith("queries/_staging/stg_broken.sql:5: the query "
                                                         "failed")
    assert statuses["stg_c"].problems == ["queries/_staging/stg_c.sql: not built: staging table stg_broken "
                                          "failed (queries/_staging/stg_broken.sql)"]
    assert "a cycle" in statuses["stg_d"].problems[0] and "a cycle" in statuses["stg_e"].problems[0]
    assert statuses["stg_f"].problems == ["queries/_staging/stg_f.sql: not built: extract placements is not "
                                          "in the catalog (missing or failed validation)"]


def test_a_view_is_defined_by_the_build_and_computed_when_read(tmp_path: Path) -> None:
    """A view reads today's rows of its tables; a wrong name fails the build with its file and line;
    another staging file may read a view."""
    folder = tmp_path / "queries" / "_staging"
    folder.mkdir(parents=True)
    view = "materialized: view\n"
    (folder / "stg_open.sql").write_text(_front(extra=view) + "SELECT case_id FROM debt_cases\n"
                                         "WHERE case_id > 0\n")
    (folder / "stg_wrong.sql").write_text(_front(extra=view) + "SELECT\n  nope\nFROM debt_cases\n")
    (folder / "stg_total.sql").write_text(_front("[stg_open]") + "SELECT count(*) AS n FROM stg_open\n")
    con = duckdb.connect()
    con.execute("CREATE TABLE debt_cases AS SELECT * FROM range(3) AS t(case_id)")
    statuses = {s.name: s for s in staging.build_all(con, tmp_path / "queries")}
    assert statuses["stg_open"].ok and statuses["stg_open"].materialized == "view"
    assert statuses["stg_open"].rows == 0  # not counted: counting would compute it
    assert statuses["stg_total"].ok and con.execute("SELECT n FROM stg_total").fetchall() == [(2,)]
    assert statuses["stg_wrong"].problems[0].startswith("queries/_staging/stg_wrong.sql:7: the query failed")
    assert con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'stg_wrong'").fetchall() \
        == [(0,)]
    con.execute("INSERT INTO debt_cases VALUES (7)")  # computed when read: the new row is in it
    assert sorted(r[0] for r in con.execute("SELECT case_id FROM stg_open").fetchall()) == [1, 2, 7]


def test_staging_sql_cannot_reach_files(data_copy, queries_copy: Path) -> None:
    (queries_copy / "_staging" / "stg_files.sql").write_text(
        _front("[areas]") + f"SELECT * FROM read_parquet('{data_copy.data_dir}/areas.parquet')\n")
    report = catalog.build(get_settings())
    status = next(s for s in report.staging if s.name == "stg_files")
    assert status.status == "failed" and "file system operations are disabled" in status.problems[0]
    assert next(s for s in report.staging if s.name == "stg_activity_wijk").ok


# ---------------------------------------------------------------- the indicators and the registry


def test_activity_queries_read_the_wijk_of_the_activity_itself() -> None:
    """Contract v2 gives every activity its wijk: no staging table, no join, people without a benefit in."""
    for ind_id in ACTIVITY_QUERIES:
        ind = indicators.parse_file(QUERIES / f"{ind_id}.sql")
        code = re.sub(r"--[^\n]*", " ", ind.sql)
        assert re.search(r"\bFROM work_activities\b", code), ind_id
        for repeated in ("stg_activity_wijk", "benefit_spells", "placements", "JOIN"):
            assert repeated not in code, f"{ind_id}.sql still holds '{repeated}'"
        assert set(ind.sources) == {"work_activities"}


def test_the_registry_does_not_mistake_staging_files_for_indicators() -> None:
    files = indicators.query_files(QUERIES)
    assert files and not any("_staging" in p.parts for p in files)
    assert staging.files(QUERIES) == sorted((QUERIES / "_staging").glob("stg_*.sql"))
    assert QUERIES / "_staging" / "stg_activity_wijk.sql" in staging.files(QUERIES)
    assert not indicators.load_registry(QUERIES).problems


def test_check_asks_an_indicator_to_list_the_extracts_behind_a_staging_table(demo_settings, queries_copy,
                                                                             capsys) -> None:
    _reader(queries_copy, sources="work_activities")
    assert cli.main(["check"]) == 1
    out = capsys.readouterr().out
    assert ("queries/gesprekken_via_staging.sql: the query reads stg_activity_wijk, built from "
            "benefit_spells, placements; add them to sources") in out


def test_the_indicator_form_offers_extracts_for_a_staging_table() -> None:
    tables = ["areas", "benefit_spells", "debt_cases", "early_signals", "placements", "stg_activity_wijk",
              "work_activities"]
    options, detected = workbench.form_sources("SELECT * FROM stg_activity_wijk JOIN areas USING (wijk_code)",
                                               tables, QUERIES)
    assert "stg_activity_wijk" not in options
    assert detected == ["areas", "benefit_spells", "placements", "work_activities"]
