"""The result contract: what a query must return, running it, and `check` over every file.

`compute` runs a query on the catalog and checks its result against the contract,
so a query that returns the wrong shape fails here, with its file name and the fix,
instead of deep in a roll-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from typing import Any

import polars as pl

from monitor import catalog
from monitor.extracts import CONTRACT
from monitor.indicators.model import Indicator, IndicatorError
from monitor.indicators.registry import load_registry
from monitor.problems import Problem, did_you_mean, display_path
from monitor.staging import reads  # the one scan of "which tables does this SQL read"

# Result columns per shape: name -> (accepted Polars type names, the SQL type to name in messages).
_NUMERIC = ("Float32", "Float64", "Int8", "Int16", "Int32", "Int64", "Int128", "UInt8", "UInt16",
            "UInt32", "UInt64", "Decimal")
_INTEGER = ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64")
_SQL_TYPES = {
    "String": "VARCHAR", "Date": "DATE", "Datetime": "TIMESTAMP", "Float64": "DOUBLE", "Float32": "FLOAT",
    "Int64": "BIGINT", "Int32": "INTEGER", "Int16": "SMALLINT", "Int8": "TINYINT", "Int128": "HUGEINT",
    "Boolean": "BOOLEAN", "Decimal": "DECIMAL", "Null": "NULL", "Time": "TIME", "Duration": "INTERVAL",
}
_FIXES = {
    "month": "cast it with date_trunc('month', ...)::DATE",
    "cohort_month": "cast it with date_trunc('month', ...)::DATE",
    "wijk_code": "select the wijk_code column of the extract (VARCHAR)",
    "value": "cast it with ...::DOUBLE",
    "denominator": "cast it with ...::DOUBLE",
    "months_since": "cast it with ...::INTEGER",
    "key": "select the pseudonymised household or person id, cast with ...::VARCHAR",
    "numerator": "select a condition, e.g. (end_reason = 'schuldenvrij')::BOOLEAN",
}


def result_columns(ind: Indicator) -> dict[str, tuple[tuple[str, ...], str]]:
    """The columns a query must return for its shape and measure: name -> (Polars types, SQL type)."""
    if ind.shape == "cohort":
        return {"cohort_month": (("Date",), "DATE"), "months_since": (_INTEGER, "INTEGER"),
                "wijk_code": (("String",), "VARCHAR"), "value": (_NUMERIC, "DOUBLE"),
                "denominator": (_NUMERIC, "DOUBLE")}
    cols = {"month": (("Date",), "DATE"), "wijk_code": (("String",), "VARCHAR")}
    if ind.is_distinct:  # one row per event: the roll-up counts distinct keys per period and area
        cols["key"] = (("String",), "VARCHAR")
        if ind.is_ratio:
            cols["numerator"] = (("Boolean",), "BOOLEAN")
        return cols
    cols["value"] = (_NUMERIC, "DOUBLE")
    if ind.measure == "ratio":
        cols["denominator"] = (_NUMERIC, "DOUBLE")
    return cols


def _sql_type(dtype: pl.DataType) -> str:
    name = type(dtype).__name__
    return _SQL_TYPES.get(name, name.upper())


def run_sql(ind: Indicator) -> str:
    """The body padded with blank lines, so DuckDB's `LINE n` is the line in the file."""
    return "\n" * max(ind.sql_line - 1, 0) + ind.sql


def _query_error(ind: Indicator, exc: catalog.QueryError) -> IndicatorError:
    # catalog keeps only DuckDB's first line; the original (kept as context) may say which line.
    full = str(exc.__context__ or exc).strip()
    match = re.search(r"^LINE (\d+):", full, flags=re.MULTILINE)
    detail = [ln for ln in full.splitlines() if ln.strip() and not ln.startswith("LINE ")
              and not set(ln.strip()) <= {"^"}][:2]
    message = "; ".join(detail) or str(exc)
    if isinstance(exc, catalog.QueryTimeout):
        message = str(exc)
    return IndicatorError.at(ind.path, int(match.group(1)) if match else ind.sql_line,
                             f"the query failed: {message}")


def compute(cat: catalog.Catalog, ind: Indicator, *, timeout: float | None = None,
            run: Callable[[str, float], pl.DataFrame] | None = None) -> pl.DataFrame:
    """Run the indicator's query and check the result contract; the frame has only contract columns.

    Numbers come back as Float64 (months_since as Int64), sorted. Raises IndicatorError naming
    the file and the fix for a failing query or a result of the wrong shape. `run(sql, timeout)`:
    how the SQL is run (default the catalog's own query; the workbench's form passes its guarded
    worker, since an analyst's draft must not run unguarded in the serving process).
    """
    # the indicator files' own limit (MONITOR_INDICATOR_TIMEOUT) unless the caller sets one: the
    # workbench's form runs an analyst's draft, which keeps the workbench's limit
    limit = timeout if timeout is not None else cat.settings.indicator_timeout_s
    try:
        frame = run(run_sql(ind), limit) if run is not None else cat.query(run_sql(ind), timeout=limit)
    except catalog.QueryError as exc:
        raise _query_error(ind, exc) from None
    return check_result(ind, frame)


def compute_batches(cat: catalog.Catalog, ind: Indicator, *, rows: int = 250_000) -> Iterator[pl.DataFrame]:
    """A distinct measure's key rows in checked batches, for storing without holding them whole.

    Only for a distinct measure: its rows may repeat and their order carries no meaning, so each
    batch is checked on its own (`check_result`); every other series needs the whole frame for
    its one-row-per-key check and keeps `compute`."""
    if not ind.is_distinct:
        raise ValueError(f"{ind.id} is no distinct measure: use compute()")
    try:
        for batch in cat.query_batches(run_sql(ind), timeout=cat.settings.indicator_timeout_s, rows=rows):
            yield check_result(ind, batch, sort=False)
    except catalog.QueryError as exc:
        raise _query_error(ind, exc) from None


def check_result(ind: Indicator, frame: pl.DataFrame, *, sort: bool = True) -> pl.DataFrame:
    """The result contract: columns, types, no nulls in keys, first-of-month, one row per key.

    `dimensions` are kept beside the contract columns, as text; a null group is allowed
    (the roll-up shows it as its own group, so the groups add up to the total).

    A distinct measure returns events, so its rows may repeat (a household seen twice in a
    month is one key); every other series has one row per month and wijk. `sort=False`: a
    distinct measure's batches keep DuckDB's order (it carries no meaning, and sorting tens of
    millions of key rows batch by batch only cost time at scale).
    """
    expected = result_columns(ind)
    problems = [_column_problem(ind, name, frame, types, sql)
                for name, (types, sql) in expected.items()]
    problems = [p for p in problems if p]
    missing = dimension_problems(ind, frame.columns)
    if problems or missing:
        raise IndicatorError.of([Problem(ind.path, None, m) for m in problems] + missing)
    casts = [pl.col(n).cast(pl.Int64) if n == "months_since" else
             pl.col(n).cast(pl.Float64) if n in ("value", "denominator") else pl.col(n)
             for n in expected]
    out = frame.select(casts)
    time_col = "cohort_month" if ind.shape == "cohort" else "month"
    keys = [time_col, "wijk_code"] + (["months_since"] if ind.shape == "cohort" else [])
    problems = _row_problems(out, time_col, [] if ind.is_distinct or ind.dimensions else keys)
    if problems:
        raise _many(ind, problems)
    if ind.dimensions:  # a group is a code as text (a Boolean `true`/`false`); null is a group too
        out = out.hstack(frame.select([pl.col(d).cast(pl.String) for d in ind.dimensions]))
        if not ind.is_distinct:  # one row per month, wijk and group
            by = [*keys, *ind.dimensions]
            problems = _row_problems(out.select(by).fill_null(""), time_col, by)
            if problems:
                raise _many(ind, problems)
    return out.sort(keys) if sort else out


def dimension_problems(ind: Indicator, columns: Collection[str]) -> list[Problem]:
    """A dimension the query does not return: on the front-matter line that names it."""
    return [Problem(ind.path, ind.dimensions_line,
                    f"dimension '{d}' is not a result column{did_you_mean(d, list(columns))}: the query "
                    f"returns {', '.join(columns) or '(none)'}; add '{d}' to the SELECT or remove it "
                    "from dimensions")
            for d in ind.dimensions if d not in columns]


def _many(ind: Indicator, messages: list[str]) -> IndicatorError:
    return IndicatorError.of([Problem(ind.path, None, m) for m in messages])


def _column_problem(ind: Indicator, name: str, frame: pl.DataFrame, types: tuple[str, ...],
                    sql: str) -> str | None:
    if name not in frame.columns:
        have = ", ".join(frame.columns) or "(none)"
        shape = f"a {ind.shape}" + (f" {ind.measure}" if ind.shape == "series" else "")
        hint = did_you_mean(name, frame.columns)
        return (f"result column '{name}' is missing ({shape} returns "
                f"{', '.join(result_columns(ind))}); the query returned: {have}{hint}")
    dtype = frame.schema[name]
    if type(dtype).__name__ not in types:
        return (f"result column '{name}' is {_sql_type(dtype)}, expected {sql}: "
                f"{_FIXES.get(name, f'cast it to {sql}')}")
    return None


def _row_problems(out: pl.DataFrame, time_col: str, keys: list[str]) -> list[str]:
    problems = []
    for name in out.columns:
        nulls = out[name].null_count()
        if nulls:
            fix = "use coalesce(..., 0)" if name in ("value", "denominator") else \
                "use coalesce(..., false)" if name == "numerator" else \
                f"filter with WHERE {name} IS NOT NULL (and say so in the description)"
            problems.append(f"result column '{name}' is null in {nulls} rows: {fix}")
    not_first = out.filter(pl.col(time_col).dt.day() != 1)
    if not_first.height:
        problems.append(f"result column '{time_col}' holds {not_first.height} dates that are not the first "
                        f"of a month (e.g. {not_first[time_col][0]}): use date_trunc('month', ...)::DATE")
    dup = out.filter(pl.struct(keys).is_duplicated()) if keys else out.clear()
    if dup.height:
        example = "/".join(str(dup[k][0]) for k in keys)
        problems.append(f"{dup.height} rows share their ({', '.join(keys)}), e.g. {example}: return one row "
                        f"per {' x '.join(keys)} (GROUP BY {', '.join(keys)})")
    return problems


# ---------------------------------------------------------------- check (CLI)


def undeclared_sources(ind: Indicator) -> list[str]:
    """Extracts the SQL reads that `sources` does not list (a quick scan, not a parser)."""
    return sorted(n for n in reads(ind.sql) if n in CONTRACT and n not in ind.sources)


def check_queries(settings: Any, programme_ids: Collection[str] | None) -> list[str]:
    """Every problem with the query files, one line each, including running each query on the catalog."""
    registry = load_registry(settings.queries_dir, programme_ids)
    problems = [str(p) for p in registry.problems]
    if not registry.indicators and not registry.problems:
        folder = display_path(settings.queries_dir)
        problems.append(f"{folder}: no query files (*.sql); see queries/README.md")
    for ind in registry:
        missing = undeclared_sources(ind)
        if missing:
            problems.append(str(Problem(ind.path, None, f"the query reads {', '.join(missing)} but "
                                                        "sources does not list it: add it to sources")))
    try:
        cat = catalog.open_catalog(settings)
    except catalog.CatalogMissing as exc:
        return [*problems, f"{display_path(settings.queries_dir)}: queries not run: {exc}"]
    wijken = set(cat.query("SELECT DISTINCT wijk_code FROM areas")["wijk_code"].to_list()) \
        if "areas" in cat.table_names() else None
    for ind in registry:
        problems += _run_check(cat, ind, wijken)
    return problems


def _run_check(cat: catalog.Catalog, ind: Indicator, wijken: set[str] | None) -> list[str]:
    try:
        frame = compute(cat, ind)
    except IndicatorError as exc:
        return [str(p) for p in exc.problems] or [str(exc)]
    if frame.is_empty():
        return [str(Problem(ind.path, ind.sql_line, "the query returns no rows on the current data: "
                                                    "check its filters and joins"))]
    if wijken is not None:
        unknown = sorted(set(frame["wijk_code"].unique().to_list()) - wijken)
        if unknown:
            message = (f"wijk_code {', '.join(unknown[:3])} is not in areas ({len(unknown)} codes): "
                       "use the extract's wijk_code")
            return [str(Problem(ind.path, None, message))]
    return []
