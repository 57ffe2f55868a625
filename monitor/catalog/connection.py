"""The query side: a hardened read-only connection to the catalog, and guarded query execution.

The catalog file is opened read-only and hardened (docs/architecture.md, "Data flow"): no file
access, no extensions, no configuration changes, a memory and thread limit. Every
query gets its own cursor, a time limit (an interrupt from a timer thread, since
DuckDB has no statement timeout) and optionally a row cap.
"""

from __future__ import annotations

import collections
import threading
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from monitor import staging
from monitor.catalog.report import BuildReport, read_report
from monitor.catalog.store import FrameStore
from monitor.settings import Settings, get_settings

# ---------------------------------------------------------------- errors


class QueryError(Exception):
    """A query did not produce a result; the message is meant for the person who wrote it.

    `code` and `params` say the same for a surface that words it in its reader's language
    (labels `err_<code>`); the message is the English text the CLI prints.
    """

    def __init__(self, message: str, code: str = "query_failed", **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = {"detail": "", **params}


# every QueryError code, worded by the label err_<code>
ERROR_CODES = ("query_empty", "query_parse", "query_statements", "query_not_select", "query_no_rows",
               "query_timeout", "query_memory", "query_read_only", "query_failed", "query_worker_memory",
               "query_worker_cpu", "query_busy", "query_draft_too_large")


class QueryRefused(QueryError):
    """The statement is not allowed on the read-only catalog."""


class QueryTimeout(QueryError):
    """The statement ran past the time limit and was interrupted."""


class QueryFailed(QueryError):
    """The statement is allowed but DuckDB could not run it (syntax, unknown column, memory)."""


class CatalogMissing(Exception):
    """There is no catalog yet: run `python -m monitor build`."""


# shared with `builder`, which loads and stages on its own (writable) connection
def _do(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[tuple]:
    """Execute and fetch to the end: DuckDB 2.x refuses new work while a result is unfinished."""
    return con.execute(sql, params).fetchall()


@dataclass(frozen=True)
class QueryResult:
    frame: pl.DataFrame
    truncated: bool
    elapsed_s: float
    row_cap: int | None
    byte_cap: int | None = None  # set when the result was cut at the byte cap (the worker's path)


class Catalog:
    """A hardened read-only connection to one catalog file."""

    def __init__(self, path: Path, settings: Settings, report: BuildReport) -> None:
        self.path = path
        self.settings = settings
        self.report = report
        self.version = report.version
        self._con = duckdb.connect(str(path), read_only=True)
        for statement in (
            "SET enable_external_access = false",
            "SET autoload_known_extensions = false",
            "SET autoinstall_known_extensions = false",
            f"SET memory_limit = '{settings.memory_limit}'",
            f"SET threads = {int(settings.threads)}",
            "SET lock_configuration = true",
        ):
            _do(self._con, statement)
        self._lock = threading.Lock()
        self.closed = False
        # frames derived from this version (indicator frames), beside the file: see `store`
        self.store = FrameStore(settings.catalog_dir, report.version, path)
        # every statement run, counted, and the latest ones kept: how a test sees that a page ran
        # no indicator SQL (the pages read stored frames)
        self.queries_run = 0
        self.recent: collections.deque[str] = collections.deque(maxlen=256)

    def close(self) -> None:
        self.closed = True
        self._con.close()

    def __del__(self) -> None:
        if not getattr(self, "closed", True):
            self.close()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            return self._con.cursor()

    def query(
        self,
        sql: str,
        params: list[Any] | dict[str, Any] | None = None,
        *,
        timeout: float | None = None,
        row_cap: int | None = None,
    ) -> pl.DataFrame:
        """Run trusted SQL (indicator files) on its own cursor with a time limit."""
        return self._run(sql, params, timeout, row_cap).frame

    def query_batches(self, sql: str, *, timeout: float | None = None, rows: int = 250_000
                      ) -> Iterator[pl.DataFrame]:
        """Run trusted SQL (an indicator file) and hand its result over in batches of `rows`, never
        whole: a distinct measure's key rows run to tens of millions at scale (issue 11). At least
        one batch (empty when there are no rows); the time limit covers the whole stream."""
        cur, timer, limit = self._timed(sql, timeout)
        try:
            reader = cur.sql(sql).to_arrow_reader(rows)
            empty = True
            for batch in reader:
                empty = False
                yield pl.from_arrow(batch)  # type: ignore[misc]
            if empty:
                yield pl.from_arrow(reader.schema.empty_table())  # type: ignore[misc]
        except duckdb.Error as exc:
            raise self.error_for(exc, limit) from None
        finally:
            timer.cancel()
            cur.close()

    def guarded(self, sql: str, *, timeout: float | None = None, row_cap: int | None = None) -> QueryResult:
        """The workbench path: exactly one read-only SELECT, time limit and row cap always on."""
        self.check_statement(sql)
        cap = row_cap if row_cap is not None else self.settings.row_cap
        return self._run(sql, None, timeout if timeout is not None else self.settings.query_timeout_s, cap)

    def check_statement(self, sql: str) -> None:
        if not sql.strip():
            raise QueryRefused("The query is empty: write one SELECT statement.", "query_empty")
        cur = self._cursor()
        try:
            statements = cur.extract_statements(sql)
        except duckdb.Error as exc:
            raise QueryFailed(f"The query could not be parsed: {_first_line(exc)}", "query_parse",
                              detail=_first_line(exc)) from None
        finally:
            cur.close()
        if len(statements) != 1:
            raise QueryRefused(
                f"Refused: {len(statements)} statements. Run one SELECT statement at a time.",
                "query_statements", n=len(statements),
            )
        try:
            kind = statements[0].type
        except ValueError:  # a type newer than the Python enum (UPDATE EXTENSIONS): never a SELECT
            kind = duckdb.StatementType.INVALID
        if kind != duckdb.StatementType.SELECT:
            raise QueryRefused(
                f"Refused: {kind.name} statements are not allowed. The workbench only reads: "
                "write a SELECT (or WITH ... SELECT) query.", "query_not_select", kind=kind.name,
            )

    def _timed(self, sql: str, timeout: float | None
               ) -> tuple[duckdb.DuckDBPyConnection, threading.Timer, float]:
        """A cursor of its own for `sql`, counted, with its time limit running (DuckDB has no statement
        timeout: the timer interrupts the cursor); the caller cancels the timer and closes the cursor."""
        limit = timeout if timeout is not None else self.settings.query_timeout_s
        with self._lock:
            self.queries_run += 1
            self.recent.append(sql)
        cur = self._cursor()
        timer = threading.Timer(limit, cur.interrupt)
        timer.daemon = True
        timer.start()
        return cur, timer, limit

    def _run(
        self, sql: str, params: Any, timeout: float | None, row_cap: int | None
    ) -> QueryResult:
        cur, timer, limit = self._timed(sql, timeout)
        started = time.perf_counter()
        failure: QueryError | None = None
        try:
            rel = cur.sql(sql, params=params) if params is not None else cur.sql(sql)
            if rel is None:
                raise QueryRefused("Refused: the statement returns no rows; write a SELECT query.",
                                   "query_no_rows")
            if row_cap is not None:
                rel = rel.limit(row_cap + 1)
            frame = rel.pl()
        except duckdb.Error as exc:
            failure = self.error_for(exc, limit)
            if failure.code != "query_failed" or failure.params["detail"] == _first_line(exc):
                raise failure from None  # readers find DuckDB's error (its LINE) as the context
        finally:
            timer.cancel()
            cur.close()
        if failure is not None:
            # raised outside the handler, so readers that look at the DuckDB error behind a
            # QueryError (for its LINE) find none and show this message, naming the staging file
            raise failure
        truncated = row_cap is not None and frame.height > row_cap
        if truncated:
            frame = frame.head(row_cap)
        return QueryResult(frame, truncated, time.perf_counter() - started, row_cap)

    def error_for(self, exc: duckdb.Error, limit: float) -> QueryError:
        """DuckDB's error as the person who wrote the query should read it (shared with the worker)."""
        if isinstance(exc, duckdb.InterruptException) or "interrupt" in str(exc).lower():
            return QueryTimeout(
                f"Stopped: the query ran longer than the time limit of {limit:g} s. "
                "Filter earlier, aggregate, or add a LIMIT.", "query_timeout", seconds=limit,
            )
        if isinstance(exc, duckdb.OutOfMemoryException):
            return QueryRefused(
                f"Stopped: the query needs more memory than the limit of {self.settings.memory_limit} "
                f"({_first_line(exc)}). Aggregate or filter before joining.", "query_memory",
                limit=self.settings.memory_limit, detail=_first_line(exc),
            )
        if isinstance(exc, duckdb.PermissionException | duckdb.InvalidInputException):
            return QueryRefused(f"Refused on the read-only catalog: {_first_line(exc)}", "query_read_only",
                                detail=_first_line(exc))
        hint = staging.missing_table_message(str(exc), self.report.staging)
        if hint is None:
            return QueryFailed(_first_line(exc), detail=_first_line(exc))
        return QueryFailed(hint, detail=hint)

    def tables(self) -> pl.DataFrame:
        """Tables and columns with types, for the schema browser."""
        return self.query(
            "SELECT table_name, column_name, data_type, column_index AS ordinal_position "
            "FROM duckdb_columns() WHERE database_name = current_database() "
            "ORDER BY table_name, column_index"
        )

    def table_names(self) -> list[str]:
        """Tables and views (a staging file with `materialized: view`), by name."""
        tables = self.query("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()")
        return sorted({*tables["table_name"].to_list(), *self.view_names()})

    def view_names(self) -> set[str]:
        """The views: computed when read, so a schema browser does not count their rows."""
        return set(self.query("SELECT view_name FROM duckdb_views() WHERE database_name = current_database() "
                              "AND NOT internal")["view_name"].to_list())


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# One connection per catalog file and process: DuckDB shares one database instance per file in
# a process, and its configuration is locked after the first connection hardened it. Weak values:
# when the engine that used a catalog is dropped, the connection closes with it.
_OPEN: weakref.WeakValueDictionary[str, Catalog] = weakref.WeakValueDictionary()
_OPEN_LOCK = threading.Lock()


def open_connections(settings: Settings | None = None) -> int:
    """How many catalog connections this process holds open (for one data folder when given).

    The engine keeps one per data folder; old catalogs' connections close with their engine.
    """
    with _OPEN_LOCK:
        cats = [cat for cat in list(_OPEN.values()) if not cat.closed]
    if settings is not None:
        cats = [cat for cat in cats if cat.path.parent == settings.catalog_dir]
    return len(cats)


def open_catalog(settings: Settings | None = None) -> Catalog:
    """The current catalog's hardened read-only connection, shared while anyone holds it."""
    settings = settings or get_settings()
    report = read_report(settings)
    if report is None:
        raise CatalogMissing(
            f"No catalog in {settings.catalog_dir}: run `python -m monitor build` first."
        )
    return open_file(settings.catalog_dir / report.database, settings, report)


def open_file(path: Path, settings: Settings, report: BuildReport) -> Catalog:
    """The shared connection to one catalog file (the build opens the new file before swapping it in)."""
    with _OPEN_LOCK:
        cat = _OPEN.get(str(path))
        if cat is None or cat.closed:
            cat = Catalog(path, settings, report)
            _OPEN[str(path)] = cat
        return cat
