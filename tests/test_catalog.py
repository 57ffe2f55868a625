"""The catalog: build, atomic swap, keeping the last good table, and the hardened query side."""

from __future__ import annotations

import threading
from pathlib import Path

import polars as pl
import pytest

from monitor import catalog
from monitor.catalog import QueryFailed, QueryRefused, QueryTimeout
from tests.conftest import checksums


@pytest.fixture(scope="module")
def cat(demo_settings) -> catalog.Catalog:
    return catalog.open_catalog(demo_settings)


def test_build_loads_every_extract(data_copy) -> None:
    report = catalog.build(data_copy)
    assert report.built and report.ok and report.demo
    cat = catalog.open_catalog(data_copy)
    for status in report.extracts:
        expected = pl.read_parquet(data_copy.data_dir / f"{status.name}.parquet").height
        assert status.rows == expected
        assert cat.query(f"SELECT count(*) AS n FROM {status.name}")["n"][0] == expected
    assert report.as_of is not None and report.as_of.isoformat().startswith("2026-10")


def test_build_skipped_when_nothing_changed(data_copy) -> None:
    first = catalog.build(data_copy)
    second = catalog.build(data_copy)
    assert first.built and not second.built
    assert second.database == first.database
    third = catalog.build(data_copy, force=True)
    assert third.built and third.database != first.database
    # the old file is gone, only the current one remains
    files = sorted(p.name for p in data_copy.catalog_dir.glob("catalog-*.duckdb"))
    assert files == [third.database]


def test_corrupt_extract_keeps_last_good_table(data_copy) -> None:
    catalog.build(data_copy)
    good_rows = pl.read_parquet(data_copy.data_dir / "debt_cases.parquet").height
    (data_copy.data_dir / "debt_cases.parquet").write_bytes(b"PAR1 truncated garbage")
    report = catalog.build(data_copy)
    assert report.built
    status = next(e for e in report.extracts if e.name == "debt_cases")
    assert status.status == "kept"
    assert any("debt_cases.parquet" in p and "unreadable file" in p for p in status.problems)
    cat = catalog.open_catalog(data_copy)
    assert cat.query("SELECT count(*) AS n FROM debt_cases")["n"][0] == good_rows
    # the other extracts still loaded
    assert all(e.status == "loaded" for e in report.extracts if e.name != "debt_cases")
    # and the report survives a reread (what the sources page shows)
    reread = catalog.read_report(data_copy)
    assert next(e for e in reread.extracts if e.name == "debt_cases").status == "kept"


def test_invalid_extract_without_previous_is_reported_not_loaded(data_copy) -> None:
    df = pl.read_parquet(data_copy.data_dir / "placements.parquet")
    df.drop("contract").write_parquet(data_copy.data_dir / "placements.parquet")
    report = catalog.build(data_copy)
    status = next(e for e in report.extracts if e.name == "placements")
    assert status.status == "failed"
    assert any("column 'contract': missing column" in p for p in status.problems)
    assert "placements" not in catalog.open_catalog(data_copy).table_names()
    assert "debt_cases" in catalog.open_catalog(data_copy).table_names()


def test_a_version_1_extract_keeps_its_last_good_table(data_copy) -> None:
    """Delivered without the version-2 column `urgent`: one message naming it, the old table stays."""
    catalog.build(data_copy)
    path = data_copy.data_dir / "debt_cases.parquet"
    good = pl.read_parquet(path)
    good.drop("urgent").write_parquet(path)
    report = catalog.build(data_copy)
    status = next(e for e in report.extracts if e.name == "debt_cases")
    assert status.status == "kept"
    assert [p for p in status.problems if "missing column" in p] == status.problems
    assert len(status.problems) == 1
    assert "debt_cases.parquet: column 'urgent': missing column" in status.problems[0]
    assert "added in version 2 of the extract contract" in status.problems[0]
    cat = catalog.open_catalog(data_copy)
    kept = cat.query("SELECT count(*) AS n, count(*) FILTER (WHERE urgent) AS urgent FROM debt_cases")
    assert kept["n"][0] == good.height and kept["urgent"][0] == good["urgent"].sum()


def test_the_catalog_keeps_each_extracts_coverage(data_copy) -> None:
    import datetime as dt

    catalog.build(data_copy)
    # the demo declares 2019-01 for every extract but the facts about areas, which make no claim
    first = dt.date(2019, 1, 1)
    assert catalog.coverage(catalog.open_catalog(data_copy)) == {
        "areas": None, "benefit_spells": first, "debt_cases": first, "early_signals": first,
        "placements": first, "work_activities": first, "population_outcomes": None}
    # a new delivery with another coverage replaces it; a broken one keeps the coverage of its kept table
    signals = pl.read_parquet(data_copy.data_dir / "early_signals.parquet")
    signals.write_parquet(data_copy.data_dir / "early_signals.parquet",
                          metadata={"monitor.coverage_from": "2020-07"})
    (data_copy.data_dir / "debt_cases.parquet").write_bytes(b"PAR1 truncated garbage")
    report = catalog.build(data_copy)
    assert {e.name: e.status for e in report.extracts}["debt_cases"] == "kept"
    got = catalog.coverage(catalog.open_catalog(data_copy))
    assert got["early_signals"] == dt.date(2020, 7, 1) and got["debt_cases"] == first


def test_a_malformed_coverage_fails_the_extract(data_copy) -> None:
    path = data_copy.data_dir / "placements.parquet"
    pl.read_parquet(path).write_parquet(path, metadata={"monitor.coverage_from": "07-2020"})
    report = catalog.build(data_copy)
    status = next(e for e in report.extracts if e.name == "placements")
    assert status.status == "failed"
    assert status.problems == [
        "data/placements.parquet: malformed coverage: the metadata key 'monitor.coverage_from' is '07-2020'; "
        "expected the first month from which the extract is complete, written 'YYYY-MM' (e.g. 2019-01), "
        "or leave the key out to make no claim"]
    assert "placements" not in catalog.coverage(catalog.open_catalog(data_copy))


def test_build_never_touches_extracts(data_copy) -> None:
    before = checksums(data_copy.data_dir)
    catalog.build(data_copy)
    catalog.build(data_copy, force=True)
    catalog.open_catalog(data_copy).query("SELECT count(*) FROM areas")
    assert checksums(data_copy.data_dir) == before
    assert before  # the extracts are there


def test_ensure_catalog_generates_demo_data_on_first_start(tmp_path, monkeypatch) -> None:
    from monitor.settings import get_settings

    monkeypatch.setenv("MONITOR_DATA_DIR", str(tmp_path / "empty"))
    settings = get_settings()
    messages: list[str] = []
    report = catalog.ensure_catalog(settings, progress=messages.append)
    assert report.ok and report.demo
    assert any("demo data" in m for m in messages)
    assert (settings.data_dir / "debt_cases.parquet").is_file()


# ------------------------------------------------------------ the hardened connection

REFUSED = {
    "read_csv": "SELECT * FROM read_csv('/etc/passwd')",
    "read_text": "SELECT * FROM read_text('/etc/hostname')",
    "glob": "SELECT * FROM glob('/etc/*')",
    "read_parquet": "SELECT * FROM read_parquet('{data}/areas.parquet')",
    "copy_to": "COPY areas TO '{data}/stolen.csv'",
    "copy_overwrite_extract": "COPY (SELECT 1 AS x) TO '{data}/areas.parquet' (FORMAT parquet)",
    "export": "EXPORT DATABASE '{data}/export'",
    "attach": "ATTACH '{data}/other.duckdb' AS other",
    "install": "INSTALL httpfs",
    "load": "LOAD httpfs",
    "set": "SET enable_external_access = true",
    "reset": "RESET memory_limit",
    "set_threads": "SET threads = 64",
    "create": "CREATE TABLE evil AS SELECT 1 AS x",
    "drop": "DROP TABLE areas",
    "insert": "INSERT INTO areas SELECT * FROM areas",
    "update": "UPDATE areas SET inhabitants = 0",
    "delete": "DELETE FROM areas",
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_hardened_connection_refuses(cat: catalog.Catalog, demo_settings, name: str) -> None:
    """Even the trusted path (no statement guard) cannot touch files or change anything."""
    sql = REFUSED[name].format(data=demo_settings.data_dir)
    before = checksums(demo_settings.data_dir)
    with pytest.raises(catalog.QueryError) as info:
        cat.query(sql)
    assert str(info.value)  # a message for the person
    assert checksums(demo_settings.data_dir) == before
    assert cat.query("SELECT count(*) AS n FROM areas")["n"][0] > 0


@pytest.mark.parametrize("name", list(REFUSED))
def test_guarded_path_refuses_with_clear_message(cat: catalog.Catalog, demo_settings, name: str) -> None:
    sql = REFUSED[name].format(data=demo_settings.data_dir)
    with pytest.raises(catalog.QueryError) as info:
        cat.guarded(sql)
    assert "Refused" in str(info.value) or "not allowed" in str(info.value)


def test_guarded_refuses_several_statements(cat: catalog.Catalog) -> None:
    with pytest.raises(QueryRefused, match="2 statements"):
        cat.guarded("SELECT 1; SELECT 2")


def test_guarded_refuses_statement_hidden_behind_comment(cat: catalog.Catalog) -> None:
    with pytest.raises(QueryRefused, match="DROP"):
        cat.guarded("/* harmless */ -- really\nDROP TABLE areas")


def test_syntax_error_is_failed_not_refused(cat: catalog.Catalog) -> None:
    with pytest.raises(QueryFailed, match="parse"):
        cat.guarded("SELEC 1")


def test_query_over_time_limit_is_interrupted(cat: catalog.Catalog) -> None:
    with pytest.raises(QueryTimeout, match=r"time limit of 0\.5 s"):
        cat.guarded("SELECT count(*) FROM range(1000000000) a, range(1000000) b", timeout=0.5)
    # the connection still works afterwards
    assert cat.guarded("SELECT 42 AS x").frame["x"][0] == 42


def test_row_cap(cat: catalog.Catalog) -> None:
    result = cat.guarded("SELECT * FROM range(1000)", row_cap=25)
    assert result.truncated and result.frame.height == 25
    result = cat.guarded("SELECT * FROM range(10)", row_cap=25)
    assert not result.truncated and result.frame.height == 10


def test_params(cat: catalog.Catalog, demo_extracts: Path) -> None:
    df = pl.read_parquet(demo_extracts / "debt_cases.parquet")
    code = df["wijk_code"][0]
    got = cat.query("SELECT count(*) AS n FROM debt_cases WHERE wijk_code = ?", [code])["n"][0]
    assert got == df.filter(pl.col("wijk_code") == code).height


def test_concurrent_queries_all_correct(cat: catalog.Catalog, demo_extracts: Path) -> None:
    """8 threads x 50 queries on one connection, a cursor each: every answer right."""
    df = pl.read_parquet(demo_extracts / "debt_cases.parquet")
    expected = dict(df.group_by("wijk_code").len().iter_rows())
    codes = sorted(expected)
    errors: list[str] = []

    def work(t: int) -> None:
        for i in range(50):
            code = codes[(t * 50 + i) % len(codes)]
            try:
                n = cat.query("SELECT count(*) AS n FROM debt_cases WHERE wijk_code = ?", [code])["n"][0]
            except Exception as exc:  # collected: a failure in a thread must fail the test
                errors.append(f"{code}: {exc}")
                continue
            if n != expected[code]:
                errors.append(f"{code}: {n} != {expected[code]}")

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []


def test_an_indicator_query_has_its_own_time_limit(cat: catalog.Catalog, demo_settings, monkeypatch) -> None:
    """The indicator files' SQL (run by the build) is not held to the workbench's interactive limit:
    a query slower than MONITOR_QUERY_TIMEOUT completes under MONITOR_INDICATOR_TIMEOUT, and one
    past that stops with a message naming the file."""
    import dataclasses

    from monitor import indicators

    ind = indicators.load_registry(demo_settings.queries_dir).indicators["vroegsignalen_ontvangen"]
    burn = ("(SELECT count(*) AS n FROM range(20000000) r(x), range(8) s(y) "
            "WHERE hash(x + y) % 7 = 0) AS burn")
    slow = dataclasses.replace(ind, sql=f"SELECT o.* FROM ({ind.sql}) AS o, {burn} WHERE burn.n > 0")
    # the shared connection's limits, set per case (one process holds one connection per file)
    monkeypatch.setattr(cat, "settings", dataclasses.replace(demo_settings, query_timeout_s=0.05,
                                                             indicator_timeout_s=600))
    with pytest.raises(QueryTimeout):  # the same SQL on the workbench's path stops at its limit
        cat.guarded(f"SELECT count(*) FROM ({slow.sql})")
    assert indicators.compute(cat, slow).height == indicators.compute(cat, ind).height
    monkeypatch.setattr(cat, "settings", dataclasses.replace(demo_settings, indicator_timeout_s=0.05))
    with pytest.raises(indicators.IndicatorError, match=r"vroegsignalen_ontvangen\.sql.*time limit of 0\.05"):
        indicators.compute(cat, slow)
