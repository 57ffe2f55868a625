"""The contract's value rules run as SQL in DuckDB, over the Parquet files or the table just loaded.

Why here: only ``catalog`` talks to DuckDB. The rules themselves are the contract's
(`monitor.extracts.rules` writes their SQL); this module runs them and turns the counts into
`Problem`s. Memory is bounded by the connection's `memory_limit`, not by the delivery: DuckDB
streams the files and spills what it must hold (a duplicate-key GROUP BY) to its temp directory.

- `check_source`: every rule over one relation (a `read_parquet` scan, a table, a frame);
- `validate_extract`: find one extract, check its schema, then either load it into the build's
  new database file and check the table (one read of the files; a second, in place, only when a
  rule breaks, for its first example in file order), or check the files in place;
- `validate` / `validate_frame`: the same on a private in-memory connection (`monitor check`,
  tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import duckdb
import polars as pl

from monitor import extracts
from monitor.extracts import rules as sql
from monitor.extracts.contract import CONTRACT, Extract
from monitor.extracts.validation import Problem, ValidationResult

KNOWN_WIJK = "_known_wijk"  # a temporary table of the wijk codes in `areas`
FRAME_ORDER = "__monitor_row__"  # the row number of a checked frame (for the first example)


def _fetch(con: duckdb.DuckDBPyConnection, query: str) -> tuple:
    row = con.execute(query).fetchone()
    assert row is not None  # an aggregate without GROUP BY always returns one row
    return row


def known_wijk(con: duckdb.DuckDBPyConnection, codes: Iterable[str] | None) -> bool:
    """Put the areas' wijk codes in a temporary table (none: no wijk check); True when set."""
    if codes is None:
        con.execute(f"DROP TABLE IF EXISTS {KNOWN_WIJK}")
        return False
    con.execute(f"CREATE OR REPLACE TEMP TABLE {KNOWN_WIJK} AS "
                "SELECT DISTINCT unnest(?::VARCHAR[]) AS wijk_code", [list(codes)])
    return True


def check_source(con: duckdb.DuckDBPyConnection, spec: Extract, source: str, order: str, file: str,
                 usable: list[str], present: list[str], *, wijk: bool, made_on: dt.date,
                 ) -> tuple[list[Problem], tuple[dt.date, dt.date] | None]:
    """Every value rule of `spec` over `source` (ordered by `order` for the examples): the problems
    in the contract's order, and the period (earliest and latest date of the usable date columns)."""
    every = sql.rules(spec, usable, present, made_on=made_on, wijk_check=wijk)
    row_rules = [r for r in every if r.kind == sql.ROW]
    dates = [c for c in spec.date_columns if c in usable]
    years = "year" if spec.name == "areas" and "year" in usable else None
    first = _fetch(con, sql.row_query(source, row_rules, dates, years))
    counts = dict(zip(map(id, row_rules), first[1:], strict=False))
    broken = [r for r in row_rules if counts[id(r)]]
    examples = _fetch(con, sql.example_query(source, order, broken)) if broken else ()
    found: dict[int, tuple[int, object]] = {id(r): (counts[id(r)], None) for r in row_rules}
    found.update({id(r): (counts[id(r)], e) for r, e in zip(broken, examples, strict=True)})
    period = None
    lo, hi = first[1 + len(row_rules):] if (dates or years) else (None, None)
    if lo is not None and hi is not None:
        period = (lo, hi) if dates else (dt.date(int(lo), 1, 1), dt.date(int(hi), 12, 31))
    for r in every:
        if r.kind == sql.DUPLICATE:
            repeated = _fetch(con, sql.duplicate_count_query(source, r))[0]
            found[id(r)] = _fetch(con, sql.duplicate_query(source, order, r)) if repeated else (0, None)
        elif r.kind == sql.WIJK_REF:
            found[id(r)] = _fetch(con, sql.wijk_query(source, order, KNOWN_WIJK))
    problems = []
    for r in every:
        rows, example = found[id(r)]
        if rows:
            problems.append(Problem(spec.name, file, r.rule, r.message, r.column, int(rows), repr(example)))
    return problems, period


def _scan(files: list[Path], numbered: bool = True) -> tuple[str, str]:
    """A `read_parquet` over the extract's files and the expression that orders its rows as the files
    do (`numbered`: the row numbers are read too; a load does not need them)."""
    names = "[" + ", ".join(sql.literal(str(f)) for f in files) + "]"
    options = ((", union_by_name = true" if len(files) > 1 else "")
               + (", file_row_number = true" if numbered else ""))
    source = f"read_parquet({names}{options})"
    if len(files) == 1:
        return source, "file_row_number"
    return source, f"(list_position({names}, filename)::BIGINT << 40) + file_row_number"


def validate_extract(con: duckdb.DuckDBPyConnection, data_dir: Path, name: str, *,
                     wijk: bool, load: bool) -> tuple[ValidationResult, bool]:
    """Find and check one extract; with `load`, load it as table `name` first and check the table
    (dropped again when a rule breaks). Returns the result and whether the table stays. `wijk`: the
    temporary table of known wijk codes is set (`known_wijk`)."""
    spec = CONTRACT[name]
    path = extracts.find_extract(data_dir, name)
    result = ValidationResult(name, path)
    if path is None:
        if not spec.optional:  # an optional extract left out: nothing to check, nothing to load
            result.problems.append(extracts.validation.missing(data_dir, name))
        return result, False
    label = extracts.validation.label(data_dir, path)
    try:
        schema, result.rows = extracts.validation.read_schema(path)
    except Exception as exc:  # any reader error means the same to the supplier
        result.problems.append(extracts.validation.unreadable(name, label, exc))
        return result, False
    result.demo = extracts.is_demo(path)
    made_on = extracts.extract_date(path)
    result.problems, usable = extracts.validation.structure(spec, schema, result.rows, label)
    if result.rows == 0:
        return result, False
    files = extracts.extract_files(path)
    loaded = load and not result.problems
    source, order = _scan(files, numbered=not loaded)
    try:
        if loaded:
            _load(con, name, source)
            found, result.period = check_source(con, spec, sql.quote(name), "rowid", label, usable,
                                                list(schema), wijk=wijk, made_on=made_on)
            if found:  # the table's rows are in no particular order: the first example is the file's
                found = _examples_in_file_order(con, found, spec, files, label, usable, list(schema),
                                                wijk=wijk, made_on=made_on)
        else:
            found, result.period = check_source(con, spec, source, order, label, usable, list(schema),
                                                wijk=wijk, made_on=made_on)
    except duckdb.OutOfMemoryException:
        raise
    except duckdb.Error as exc:  # a damaged data page shows only when it is read
        if loaded:
            con.execute(f"DROP TABLE IF EXISTS {sql.quote(name)}")
        result.problems = [extracts.validation.unreadable(name, label, exc)]
        return result, False
    result.problems += found
    extracts.validation.coverage_check(result, label, made_on)
    if loaded and result.problems:
        con.execute(f"DROP TABLE {sql.quote(name)}")
        loaded = False
    return result, loaded


def _examples_in_file_order(con: duckdb.DuckDBPyConnection, found: list[Problem], spec: Extract,
                            files: list[Path], label: str, usable: list[str], columns: list[str], *,
                            wijk: bool, made_on: dt.date) -> list[Problem]:
    """The table's problems with each example taken from the files, first in file order.

    What broke and how often stay the table's (the table is what was loaded, and is dropped for it):
    a file replaced between the load and this read changes at most an example.
    """
    source, order = _scan(files)
    again, _ = check_source(con, spec, source, order, label, usable, columns, wijk=wijk, made_on=made_on)
    first = {(p.rule, p.column): p.example for p in again}
    return [replace(p, example=first[(p.rule, p.column)]) if (p.rule, p.column) in first else p
            for p in found]


def _load(con: duckdb.DuckDBPyConnection, name: str, source: str) -> None:
    """The extract as table `name`, written in parallel: the file's row order is not kept (a fifth
    faster at scale 100), so an example of a broken rule is looked up in the files, not the table."""
    keep = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    con.execute("SET preserve_insertion_order = false")
    try:
        con.execute(f"CREATE TABLE {sql.quote(name)} AS SELECT * FROM {source}")
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if keep and keep[0] else 'false'}")


def connect(memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """A private in-memory connection for checking without building."""
    con = duckdb.connect()
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    return con


def check_all(data_dir: Path, memory_limit: str | None = None) -> list[ValidationResult]:
    """Every extract in load order, `areas` first (its wijk codes check the others); nothing loaded."""
    con = connect(memory_limit)
    try:
        results = []
        wijk = False
        for name in extracts.LOAD_ORDER:
            result, _ = validate_extract(con, data_dir, name, wijk=wijk, load=False)
            results.append(result)
            if name == "areas" and result.ok:
                files = extracts.extract_files(result.path)  # type: ignore[arg-type]
                source, _ = _scan(files)
                codes = [r[0] for r in con.execute(f"SELECT DISTINCT wijk_code FROM {source}").fetchall()]
                wijk = known_wijk(con, codes)
        return results
    finally:
        con.close()


def validate(data_dir: Path, name: str, *, wijk_codes: Iterable[str] | None = None,
             ) -> tuple[ValidationResult, pl.DataFrame | None]:
    """One extract checked in place; the frame (read only when it passed) is for tests and small tools."""
    con = connect()
    try:
        result, _ = validate_extract(con, data_dir, name, wijk=known_wijk(con, wijk_codes), load=False)
    finally:
        con.close()
    return result, (extracts.read_extract(result.path) if result.ok and result.path else None)


def validate_frame(spec: Extract, df: pl.DataFrame, file: str, *, wijk_codes: Iterable[str] | None = None,
                   made_on: dt.date | None = None) -> list[Problem]:
    """A frame checked with the same rules as a file (tests, and tools that hold a frame already)."""
    problems, usable = extracts.validation.structure(spec, dict(df.schema), df.height, file)
    if df.height == 0:
        return problems
    con = connect()
    try:
        con.register("incoming", df.with_row_index(FRAME_ORDER))
        found, _ = check_source(con, spec, "incoming", FRAME_ORDER, file, usable, df.columns,
                                wijk=known_wijk(con, wijk_codes), made_on=made_on or dt.date.today())
    finally:
        con.close()
    return problems + found
