"""The catalog: validated extracts loaded as DuckDB tables, and guarded query execution.

Build writes a new database file and swaps it in by rewriting a small manifest
atomically, so readers never see a half-built catalog, and an extract that fails
validation keeps the table it had in the previous catalog. After the extracts, the
staging files (`<queries_dir>/_staging/stg_*.sql`, see `monitor.staging`) are built
as tables, on a connection that no longer reaches files. The query side opens
the file read-only and hardened (DESIGN.md section 3): no file access, no
extensions, no configuration changes, a memory and thread limit. Every query
gets its own cursor, a time limit (an interrupt from a timer thread, since
DuckDB has no statement timeout) and optionally a row cap.

This is the only module that opens DuckDB; `monitor.staging` runs on the build connection it hands over.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from monitor import extracts, staging
from monitor.settings import Settings, get_settings

MANIFEST = "manifest.json"
# what became of an extract in a build: loaded anew, last good table kept, failed (no table), missing
EXTRACT_STATUSES = ("loaded", "kept", "failed", "missing")


# ---------------------------------------------------------------- errors


class QueryError(Exception):
    """A query did not produce a result; the message is meant for the person who wrote it."""


class QueryRefused(QueryError):
    """The statement is not allowed on the read-only catalog."""


class QueryTimeout(QueryError):
    """The statement ran past the time limit and was interrupted."""


class QueryFailed(QueryError):
    """The statement is allowed but DuckDB could not run it (syntax, unknown column, memory)."""


class CatalogMissing(Exception):
    """There is no catalog yet: run `python -m monitor build`."""


# ---------------------------------------------------------------- build


@dataclass
class ExtractStatus:
    name: str
    status: str  # loaded | kept | failed | missing
    file: str | None = None
    rows: int = 0
    period: tuple[str, str] | None = None
    modified: str | None = None
    demo: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "loaded"


@dataclass
class BuildReport:
    built: bool
    database: str
    version: str
    built_at: str
    extracts: list[ExtractStatus]
    # the staging tables built from `<queries_dir>/_staging/*.sql` after the extracts
    staging: list[staging.StagingStatus] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(e.ok for e in self.extracts) and all(s.ok for s in self.staging)

    @property
    def demo(self) -> bool:
        loaded = [e for e in self.extracts if e.status in {"loaded", "kept"}]
        return bool(loaded) and all(e.demo for e in loaded)

    @property
    def as_of(self) -> dt.date | None:
        """The newest event date in the event extracts: what 'the data run until' means."""
        ends = [e.period[1] for e in self.extracts if e.period and e.name != "areas"]
        return dt.date.fromisoformat(max(ends)) if ends else None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BuildReport:
        items = []
        for e in data["extracts"]:
            e = dict(e)
            if e.get("period"):
                e["period"] = tuple(e["period"])
            items.append(ExtractStatus(**e))
        staged = [staging.StagingStatus(**s) for s in data.get("staging", [])]
        return cls(data["built"], data["database"], data["version"], data["built_at"], items, staged)


def _fingerprint(settings: Settings) -> str:
    parts: list[Any] = [extracts.CONTRACT_VERSION]
    for name in extracts.LOAD_ORDER:
        path = extracts.find_extract(settings.data_dir, name)
        parts.append([name, extracts.fingerprint(path) if path else None])
    parts.append(["staging", staging.fingerprint(settings.queries_dir)])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


def read_report(settings: Settings | None = None) -> BuildReport | None:
    """The last build's report, or None when nothing was built yet."""
    settings = settings or get_settings()
    path = settings.catalog_dir / MANIFEST
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return BuildReport.from_json(data["report"])


@contextlib.contextmanager
def _build_lock(settings: Settings) -> Iterator[None]:
    """One build at a time across processes (the app and the CLI may both start one)."""
    settings.catalog_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.catalog_dir / "build.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def has_extracts(settings: Settings) -> bool:
    return any(extracts.find_extract(settings.data_dir, n) for n in extracts.LOAD_ORDER)


def build(settings: Settings | None = None, *, force: bool = False) -> BuildReport:
    """Validate every extract and load the good ones into a fresh catalog file, then the staging tables.

    Skipped (returning the previous report with built=False) when no extract and
    no staging file changed since the last build.
    """
    settings = settings or get_settings()
    with _build_lock(settings):
        manifest_path = settings.catalog_dir / MANIFEST
        fp = _fingerprint(settings)
        previous = json.loads(manifest_path.read_text()) if manifest_path.is_file() else None
        if (
            not force
            and previous
            and previous.get("fingerprint") == fp
            and (settings.catalog_dir / previous["report"]["database"]).is_file()
        ):
            report = BuildReport.from_json(previous["report"])
            report.built = False
            return report
        prev_db = settings.catalog_dir / previous["report"]["database"] if previous else None
        return _build_new(settings, fp, prev_db if prev_db and prev_db.is_file() else None)


def _build_new(settings: Settings, fp: str, prev_db: Path | None) -> BuildReport:
    version = f"{dt.datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    name = f"catalog-{version}.duckdb"
    tmp = settings.catalog_dir / f".{name}.tmp"
    final = settings.catalog_dir / name
    statuses: list[ExtractStatus] = []
    con = duckdb.connect(str(tmp))
    try:
        if prev_db is not None:
            _do(con, f"ATTACH '{prev_db}' AS previous (READ_ONLY)")
        wijk_codes: list[str] | None = None
        for extract in extracts.LOAD_ORDER:
            status = _load_one(con, settings, extract, wijk_codes, prev_db is not None)
            statuses.append(status)
            if extract == "areas" and status.status in {"loaded", "kept"}:
                rows = _do(con, "SELECT DISTINCT wijk_code FROM areas")
                wijk_codes = [r[0] for r in rows]
        if prev_db is not None:
            _do(con, "DETACH previous")
        # Staging SQL is a query file like the indicators: it reads tables, never files or extensions.
        for statement in ("SET enable_external_access = false", "SET autoload_known_extensions = false",
                          "SET autoinstall_known_extensions = false"):
            _do(con, statement)
        staged = staging.build_all(con, settings.queries_dir)
        _do(con, "CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, final)
    report = BuildReport(True, name, version, dt.datetime.now().isoformat(timespec="seconds"), statuses,
                         staged)
    manifest = {"fingerprint": fp, "report": report.to_json()}
    tmp_manifest = settings.catalog_dir / f".{MANIFEST}.tmp"
    tmp_manifest.write_text(json.dumps(manifest, indent=2, default=str))
    os.replace(tmp_manifest, settings.catalog_dir / MANIFEST)
    _remove_old(settings, keep=name)
    return report


def _load_one(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    name: str,
    wijk_codes: list[str] | None,
    has_previous: bool,
) -> ExtractStatus:
    result, frame = extracts.validate(settings.data_dir, name, wijk_codes=wijk_codes)
    status = ExtractStatus(
        name,
        "loaded",
        file=str(result.path.name) if result.path else None,
        rows=result.rows,
        period=(result.period[0].isoformat(), result.period[1].isoformat()) if result.period else None,
        modified=(
            dt.datetime.fromtimestamp(
                max(f.stat().st_mtime for f in extracts.extract_files(result.path))
            ).isoformat(timespec="seconds")
            if result.path
            else None
        ),
        demo=result.demo,
        problems=[str(p) for p in result.problems],
    )
    if frame is not None:
        con.register("incoming", frame.to_arrow())
        _do(con, f'CREATE TABLE "{name}" AS SELECT * FROM incoming')
        con.unregister("incoming")
        return status
    kept = False
    if has_previous:
        exists = _do(
            con, "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'previous' AND table_name = ?",
            [name],
        )
        if exists[0][0]:
            _do(con, f'CREATE TABLE "{name}" AS SELECT * FROM previous."{name}"')
            kept = True
    status.status = "kept" if kept else ("missing" if result.path is None else "failed")
    if kept:
        # rows and period describe what the dashboard shows: the last good table
        status.rows = _do(con, f'SELECT count(*) FROM "{name}"')[0][0]
    return status


def _do(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[tuple]:
    """Execute and fetch to the end: DuckDB 2.x refuses new work while a result is unfinished."""
    return con.execute(sql, params).fetchall()


def _remove_old(settings: Settings, keep: str) -> None:
    """Old catalog files go once the manifest points elsewhere; open readers keep their inode."""
    for old in settings.catalog_dir.glob("catalog-*.duckdb"):
        if old.name != keep:
            with contextlib.suppress(OSError):
                old.unlink()


def ensure_catalog(
    settings: Settings | None = None, progress: Callable[[str], None] | None = None
) -> BuildReport:
    """First start: write demo extracts when the data folder has none, then build if needed."""
    settings = settings or get_settings()
    say = progress or (lambda _msg: None)
    if not has_extracts(settings):
        from monitor import sample  # only on first start: keeps import of the query side light

        say(f"No extracts in {settings.data_dir}: generating demo data for Den Haag...")
        sample.write_sample(settings.data_dir)
    report = read_report(settings)
    if report is None or _fingerprint(settings) != _manifest_fingerprint(settings):
        say("Validating extracts and building the catalog...")
        report = build(settings)
    return report


def _manifest_fingerprint(settings: Settings) -> str | None:
    path = settings.catalog_dir / MANIFEST
    return json.loads(path.read_text()).get("fingerprint") if path.is_file() else None


# ---------------------------------------------------------------- query side


@dataclass(frozen=True)
class QueryResult:
    frame: pl.DataFrame
    truncated: bool
    elapsed_s: float
    row_cap: int | None


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

    def guarded(self, sql: str, *, timeout: float | None = None, row_cap: int | None = None) -> QueryResult:
        """The workbench path: exactly one read-only SELECT, time limit and row cap always on."""
        self.check_statement(sql)
        cap = row_cap if row_cap is not None else self.settings.row_cap
        return self._run(sql, None, timeout if timeout is not None else self.settings.query_timeout_s, cap)

    def check_statement(self, sql: str) -> None:
        if not sql.strip():
            raise QueryRefused("The query is empty: write one SELECT statement.")
        cur = self._cursor()
        try:
            statements = cur.extract_statements(sql)
        except duckdb.Error as exc:
            raise QueryFailed(f"The query could not be parsed: {_first_line(exc)}") from None
        finally:
            cur.close()
        if len(statements) != 1:
            raise QueryRefused(
                f"Refused: {len(statements)} statements. Run one SELECT statement at a time."
            )
        try:
            kind = statements[0].type
        except ValueError:  # a type newer than the Python enum (UPDATE EXTENSIONS): never a SELECT
            kind = duckdb.StatementType.INVALID
        if kind != duckdb.StatementType.SELECT:
            raise QueryRefused(
                f"Refused: {kind.name} statements are not allowed. The workbench only reads: "
                "write a SELECT (or WITH ... SELECT) query."
            )

    def _run(
        self, sql: str, params: Any, timeout: float | None, row_cap: int | None
    ) -> QueryResult:
        limit = timeout if timeout is not None else self.settings.query_timeout_s
        cur = self._cursor()
        timer = threading.Timer(limit, cur.interrupt)
        timer.daemon = True
        started = time.perf_counter()
        timer.start()
        failure: QueryFailed | None = None
        try:
            rel = cur.sql(sql, params=params) if params is not None else cur.sql(sql)
            if rel is None:
                raise QueryRefused("Refused: the statement returns no rows; write a SELECT query.")
            if row_cap is not None:
                rel = rel.limit(row_cap + 1)
            frame = rel.pl()
        except duckdb.InterruptException:
            raise QueryTimeout(
                f"Stopped: the query ran longer than the time limit of {limit:g} s. "
                "Filter earlier, aggregate, or add a LIMIT."
            ) from None
        except duckdb.OutOfMemoryException as exc:
            raise QueryRefused(
                f"Stopped: the query needs more memory than the limit of {self.settings.memory_limit} "
                f"({_first_line(exc)}). Aggregate or filter before joining."
            ) from None
        except (duckdb.PermissionException, duckdb.InvalidInputException) as exc:
            raise QueryRefused(f"Refused on the read-only catalog: {_first_line(exc)}") from None
        except duckdb.Error as exc:
            if "interrupt" in str(exc).lower():
                raise QueryTimeout(
                    f"Stopped: the query ran longer than the time limit of {limit:g} s."
                ) from None
            hint = staging.missing_table_message(str(exc), self.report.staging)
            if hint is None:
                raise QueryFailed(_first_line(exc)) from None
            failure = QueryFailed(hint)
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

    def tables(self) -> pl.DataFrame:
        """Tables and columns with types, for the schema browser."""
        return self.query(
            "SELECT table_name, column_name, data_type, column_index AS ordinal_position "
            "FROM duckdb_columns() WHERE database_name = current_database() "
            "ORDER BY table_name, column_index"
        )

    def table_names(self) -> list[str]:
        return self.query(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "ORDER BY table_name"
        )["table_name"].to_list()


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
    path = settings.catalog_dir / report.database
    with _OPEN_LOCK:
        cat = _OPEN.get(str(path))
        if cat is None or cat.closed:
            cat = Catalog(path, settings, report)
            _OPEN[str(path)] = cat
        return cat
