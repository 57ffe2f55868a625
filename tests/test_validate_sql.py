"""Validation in DuckDB, streaming: every contract rule, broken on purpose in two known rows of a
Parquet file, gives one message naming file, column and rule, the count 2 and the first row's
example; the build's own memory limit is applied and a tiny one still builds or says what to do."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
import pytest

from monitor import catalog, extracts
from monitor.catalog import builder
from monitor.catalog import validate as checks
from monitor.extracts import CONTRACT
from monitor.extracts import rules as sql
from monitor.settings import get_settings

BROKEN = (3, 7)  # the rows broken in every case; row 3 gives the example


def _cases() -> list[tuple[str, str, str | None, str]]:
    """(extract, rule, column, message) for every rule the contract has, from the rules themselves."""
    out = []
    for spec in CONTRACT.values():
        names = [c.name for c in spec.columns]
        for r in sql.rules(spec, names, names, made_on=dt.date.today(), wijk_check=True):
            out.append((spec.name, r.rule, r.column, r.message))
    return out


CASES = _cases()


def _at_extract_date(name: str, rule: str, column: str | None, message: str, made_on: dt.date) -> str:
    """The case's message as the rules word it on the file's own extract date.

    The cases are collected once; a run that passes midnight writes its file a day later, and a
    future date's message names the extract date.
    """
    if rule != "future date":
        return message
    return f"after the extract date {made_on.isoformat()}"


def _break(df: pl.DataFrame, name: str, rule: str, column: str | None,
           message: str) -> tuple[pl.DataFrame, str]:
    """The frame with `rule` broken in the rows BROKEN, and the example expected from row 3."""
    spec = CONTRACT[name]
    at = pl.int_range(pl.len()).is_in(list(BROKEN))
    key0 = spec.key[0]
    if rule in ("null key", "null value"):
        out = df.with_columns(pl.when(at).then(None).otherwise(pl.col(column)).alias(column))
        return out, repr(None if column == key0 else df[key0][BROKEN[0]])
    if rule == "duplicate key":  # rows 3 and 7 take the keys of rows 0 and 1: four rows repeat
        out = df.with_columns([pl.when(pl.int_range(pl.len()) == BROKEN[0]).then(pl.lit(df[k][0]))
                               .when(pl.int_range(pl.len()) == BROKEN[1]).then(pl.lit(df[k][1]))
                               .otherwise(pl.col(k)).alias(k) for k in spec.key])
        return out, repr("/".join(str(df[k][0]) for k in spec.key))
    value: object = {"unknown code": "zzz", "malformed code": "XX0518", "unknown wijk_code": "WK999999",
                     "implausible date": dt.date(1990, 1, 1), "future date": dt.date(2099, 1, 1)}.get(rule)
    if value is not None:
        out = df.with_columns(pl.when(at).then(pl.lit(value)).otherwise(pl.col(column)).alias(column))
        return out, repr(value)
    assert rule == "end before start", rule
    first = message.split("'")[3]  # "'ended_on' lies before 'started_on'"
    out = df.with_columns(pl.when(at).then(pl.col(first) - pl.duration(days=1)).otherwise(pl.col(column))
                          .alias(column))
    return out, repr(df[key0][BROKEN[0]])


def _rows(demo_extracts: Path, name: str, rule: str, message: str) -> pl.DataFrame:
    """200 demo rows where the rule can be broken: for a date order, rows with both dates set."""
    df = pl.read_parquet(demo_extracts / f"{name}.parquet")
    if rule == "end before start":
        first = message.split("'")[3]
        df = df.filter(pl.col(first).is_not_null() & pl.col(message.split("'")[1]).is_not_null())
    return df.head(200)


@pytest.mark.parametrize(("name", "rule", "column", "message"), CASES,
                         ids=[f"{n}-{r}-{c}" for n, r, c, _ in CASES])
def test_every_rule_counts_the_breaking_rows_and_shows_the_first(
        demo_extracts: Path, tmp_path: Path, name: str, rule: str, column: str | None, message: str) -> None:
    df, example = _break(_rows(demo_extracts, name, rule, message), name, rule, column, message)
    written = tmp_path / f"{name}.parquet"
    df.write_parquet(written)
    message = _at_extract_date(name, rule, column, message, extracts.extract_date(written))
    codes = pl.read_parquet(demo_extracts / "areas.parquet")["wijk_code"].unique().to_list()
    result, frame = extracts.validate(tmp_path, name, wijk_codes=codes)
    assert frame is None and not result.ok
    hits = [p for p in result.problems if (p.rule, p.column, p.message) == (rule, column, message)]
    assert len(hits) == 1, [str(p) for p in result.problems]
    p = hits[0]
    assert (p.rows, p.example) == (4 if rule == "duplicate key" else 2, example)
    assert str(p).startswith(f"{tmp_path.name}/{name}.parquet: column '{column}': {rule}: ")
    # what else breaks follows from the change itself: a date moved far can break a date order, two
    # rows given one value (or null, as before) in a key column share the key
    shared = "duplicate key" if column in CONTRACT[name].key else ""
    others = {q.rule for q in result.problems} - {rule}
    assert others <= {"end before start", "unknown wijk_code", shared}, [str(q) for q in result.problems]
    # a frame in memory gets the same problems as the file (one set of rules, run the same way)
    made_on = extracts.extract_date(tmp_path / f"{name}.parquet")
    assert checks.validate_frame(CONTRACT[name], df, f"{tmp_path.name}/{name}.parquet", wijk_codes=codes,
                                 made_on=made_on) == result.problems


def test_every_rule_kind_is_covered() -> None:
    assert {r for _, r, _, _ in CASES} == {"null key", "null value", "duplicate key", "unknown code",
                                           "malformed code", "unknown wijk_code", "implausible date",
                                           "future date", "end before start"}


def test_a_folder_is_checked_in_file_order(demo_extracts: Path, tmp_path: Path) -> None:
    """The example is the first breaking row of the first file, however DuckDB splits the scan."""
    df = pl.read_parquet(demo_extracts / "early_signals.parquet").head(400)
    row = pl.int_range(pl.len())
    # row 150 (first file) has 'bankx'; row 390 (second file) 'aaa', which sorts first
    bad = df.with_columns(pl.when(row == 150).then(pl.lit("bankx")).when(row == 390).then(pl.lit("aaa"))
                          .otherwise(pl.col("partner")).alias("partner"))
    folder = tmp_path / "early_signals"
    folder.mkdir()
    bad.head(200).write_parquet(folder / "part-1.parquet")
    bad.tail(200).write_parquet(folder / "part-2.parquet")
    result, _ = extracts.validate(tmp_path, "early_signals")
    p = next(p for p in result.problems if p.rule == "unknown code")
    assert (p.rows, p.example) == (2, "'bankx'")


def test_a_load_that_breaks_a_rule_names_the_files_first_example(demo_extracts: Path, tmp_path: Path,
                                                                data_copy, monkeypatch) -> None:
    """The build writes an extract in parallel (its rows in no set order), yet the example of a broken
    rule is the first breaking row of the file, and the table does not stay. The load is made to
    write the rows backwards, so the table's own first example would be the file's last."""
    df = pl.read_parquet(demo_extracts / "early_signals.parquet").head(2000)
    row = pl.int_range(pl.len())
    bad = df.with_columns(pl.when(row == 7).then(pl.lit("bankx")).when(row == df.height - 3)
                          .then(pl.lit("aaa")).otherwise(pl.col("partner")).alias("partner"))
    path = tmp_path / "early_signals.parquet"
    bad.write_parquet(path, row_group_size=100)
    in_table: list[str] = []

    def backwards(con, name: str, source: str) -> None:
        con.execute(f"CREATE TABLE {name} AS SELECT * EXCLUDE (file_row_number) FROM "
                    f"read_parquet('{path}', file_row_number = true) ORDER BY file_row_number DESC")
        in_table.append(con.execute(f"SELECT partner FROM {name} WHERE partner IN ('bankx', 'aaa') "
                                    "ORDER BY rowid LIMIT 1").fetchone()[0])

    monkeypatch.setattr(checks, "_load", backwards)
    con = builder.connect_build(tmp_path / "x.duckdb", get_settings())
    try:
        result, kept = checks.validate_extract(con, tmp_path, "early_signals", wijk=False, load=True)
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    finally:
        con.close()
    assert in_table == ["aaa"]  # the table alone would have named the file's last breaking row
    p = next(p for p in result.problems if p.rule == "unknown code")
    assert (p.rows, p.example, kept, tables) == (2, "'bankx'", False, [])


def test_a_file_replaced_after_the_load_changes_no_count(demo_extracts: Path, tmp_path: Path,
                                                        data_copy, monkeypatch) -> None:
    """What broke and how often are the loaded table's: a file mended between the load and the second
    read in file order leaves the problem (and the table dropped), not an empty list."""
    df = pl.read_parquet(demo_extracts / "early_signals.parquet").head(500)
    row = pl.int_range(pl.len())
    path = tmp_path / "early_signals.parquet"
    df.with_columns(pl.when(row.is_in([4, 9, 30])).then(pl.lit("bankx")).otherwise(pl.col("partner"))
                    .alias("partner")).write_parquet(path)
    load = checks._load

    def load_then_mend(con, name: str, source: str) -> None:
        load(con, name, source)
        df.write_parquet(path)  # the supplier's corrected file arrives just after the load

    monkeypatch.setattr(checks, "_load", load_then_mend)
    con = builder.connect_build(tmp_path / "x.duckdb", get_settings())
    try:
        result, kept = checks.validate_extract(con, tmp_path, "early_signals", wijk=False, load=True)
    finally:
        con.close()
    p = next(p for p in result.problems if p.rule == "unknown code")
    assert (p.column, p.rows, kept) == ("partner", 3, False)


def test_the_build_connection_gets_its_own_memory_limit_and_spill_folder(data_copy, monkeypatch,
                                                                         tmp_path: Path) -> None:
    monkeypatch.setenv("MONITOR_BUILD_MEMORY", "300MB")
    settings = get_settings()
    assert settings.build_memory == 300 << 20
    con = builder.connect_build(tmp_path / "x.duckdb", settings)
    try:
        limit, spill = con.execute("SELECT current_setting('memory_limit'), current_setting('temp_directory')"
                                   ).fetchone()
    finally:
        con.close()
    assert limit == "300.0 MiB"
    assert Path(spill) == settings.catalog_dir / "spill"


def test_the_default_build_memory_is_a_share_of_the_machine(monkeypatch) -> None:
    monkeypatch.delenv("MONITOR_BUILD_MEMORY", raising=False)
    import os

    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert get_settings().build_memory == max(min(total // 4, 1 << 30), 128 << 20)


def test_a_tiny_build_memory_still_builds_or_says_what_to_do(data_copy, monkeypatch) -> None:
    """With 32 MiB DuckDB must spill; the build either completes with every table or stops naming
    the setting, and the last good catalog stays."""
    first = catalog.build(data_copy)
    assert first.ok
    monkeypatch.setenv("MONITOR_BUILD_MEMORY", "32MB")
    tight = get_settings()
    try:
        report = catalog.build(tight, force=True)
    except builder.BuildMemoryError as exc:
        assert "MONITOR_BUILD_MEMORY (32 MiB)" in str(exc) and "raise MONITOR_BUILD_MEMORY" in str(exc)
        assert catalog.read_report(tight).database == first.database  # the last good one stays
        assert not list(tight.catalog_dir.glob(".catalog-*.tmp*"))
    else:
        assert report.ok and report.database != first.database
        assert {e.name: e.status for e in report.extracts} == {n: "loaded" for n in extracts.LOAD_ORDER}
        assert {e.name: e.rows for e in report.extracts} == {e.name: e.rows for e in first.extracts}


def test_a_damaged_data_page_is_an_unreadable_file(demo_extracts: Path, tmp_path: Path) -> None:
    """The footer reads (schema and counts are fine) but a data page is garbage: found when DuckDB
    reads it, reported like any unreadable file, and nothing is loaded."""
    data = (demo_extracts / "placements.parquet").read_bytes()
    middle = len(data) // 2
    (tmp_path / "placements.parquet").write_bytes(data[:middle] + b"\x00" * 4096 + data[middle + 4096:])
    con = duckdb.connect()
    try:
        result, loaded = checks.validate_extract(con, tmp_path, "placements", wijk=False, load=True)
        tables = con.execute("SELECT count(*) FROM duckdb_tables()").fetchone()[0]
    finally:
        con.close()
    assert not loaded and tables == 0
    assert [p.rule for p in result.problems] == ["unreadable file"]
    assert "placements.parquet" in str(result.problems[0])


def test_settings_are_not_changed_by_the_build_for_queries(data_copy) -> None:
    """The app's read connections keep MONITOR_MEMORY_LIMIT; only the build gets the build's limit."""
    settings = dataclasses.replace(data_copy, build_memory=200 << 20)
    catalog.build(settings, force=True)
    cat = catalog.open_catalog(settings)
    limit = cat.query("SELECT current_setting('memory_limit') AS m")["m"][0]
    assert limit != "200.0 MiB"
