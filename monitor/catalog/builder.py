"""The build: load the extracts into a new catalog file, validate them there, swap it in.

Each extract goes straight from its Parquet files into the new file and is checked there by the
contract's SQL rules (`catalog.validate`); one that breaks a rule is dropped again. The build's
connection has its own memory limit (`MONITOR_BUILD_MEMORY`) and spills to `data/.catalog/spill/`,
so memory does not grow with the delivery.

Build writes a new database file and swaps it in by rewriting a small manifest
atomically, so readers never see a half-built catalog, and an extract that fails
validation keeps the table it had in the previous catalog. After the extracts, the
staging files (`<queries_dir>/_staging/stg_*.sql`, see `monitor.staging`) are built
as tables, on a connection that no longer reaches files. A fingerprint of the
extracts, the staging files and the contract skips a build when nothing changed.

Then, before the swap, `after_load` (the engine's `compute_frames`, handed in by the caller:
`catalog` does not know indicators) runs on the new file, read-only, and stores every indicator
frame beside it (`catalog.store`), so the first page after a delivery runs no indicator SQL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb

from monitor import extracts, staging, workdays
from monitor.catalog import validate as checks
from monitor.catalog.connection import Catalog, CatalogMissing, _do, open_file
from monitor.catalog.report import MANIFEST, BuildReport, ExtractStatus, read_manifest, read_report
from monitor.catalog.store import prune
from monitor.settings import Settings, get_settings


def _fingerprint(settings: Settings) -> str:
    parts: list[Any] = [extracts.CONTRACT_VERSION]
    for name in extracts.LOAD_ORDER:
        path = extracts.find_extract(settings.data_dir, name)
        parts.append([name, extracts.fingerprint(path) if path else None])
    parts.append(["staging", staging.fingerprint(settings.queries_dir)])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


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


AfterLoad = Callable[[Catalog], object]


def build(settings: Settings | None = None, *, force: bool = False,
          after_load: AfterLoad | None = None) -> BuildReport:
    """Validate every extract and load the good ones into a fresh catalog file, then the staging tables.

    Skipped (returning the previous report with built=False) when no extract and
    no staging file changed since the last build. `after_load` gets the new catalog, opened
    read-only, before it is swapped in (to store derived frames, see the module's docstring).
    """
    settings = settings or get_settings()
    with _build_lock(settings):
        fp = _fingerprint(settings)
        previous = read_manifest(settings)
        if previous is not None and not intact(settings, previous, checksum=True):
            previous = None  # a corrupt catalog is neither reused nor a source of kept tables
        if not force and previous and previous.get("fingerprint") == fp:
            report = BuildReport.from_json(previous["report"])
            report.built = False
            return report
        prev_db = settings.catalog_dir / previous["report"]["database"] if previous else None
        return _build_new(settings, fp, prev_db if prev_db and prev_db.is_file() else None, after_load)


SPILL = "spill"  # DuckDB's temp directory for the build, inside the catalog folder


class BuildMemoryError(RuntimeError):
    """The build ran out of its memory (`MONITOR_BUILD_MEMORY`) even spilling to disk."""


def connect_build(path: Path, settings: Settings) -> duckdb.DuckDBPyConnection:
    """The build's connection to the new file: its own memory limit (`MONITOR_BUILD_MEMORY`) and a
    temp directory inside `data/.catalog/` to spill to, so a delivery of any size builds in bounded
    memory (the app's query connections keep `MONITOR_MEMORY_LIMIT`).

    No vacuum at its checkpoints: DuckDB would merge row groups that are not full at each checkpoint
    (up to `max_vacuum_tasks`), rewriting some 200 MB of a catalog it has just written and never
    deletes from; at scale 100 that was 6 s per checkpoint, 12 s of the build."""
    con = duckdb.connect(str(path))
    _do(con, "SET enable_progress_bar = false")
    _do(con, f"SET memory_limit = '{settings.build_memory >> 20}MiB'")
    _do(con, f"SET temp_directory = '{settings.catalog_dir / SPILL}'")
    _do(con, "SET max_vacuum_tasks = 0")  # see above: nothing to reclaim in a new file
    return con


def _short_of_memory(staged: list[staging.StagingStatus]) -> None:
    """A staging table that ran out of the build's memory is not a bad file: stop the build (the last
    good catalog stays) rather than swap in a catalog without it."""
    for status in staged:
        if any("Out of Memory Error" in p for p in status.problems):
            raise duckdb.OutOfMemoryException(next(p for p in status.problems if "Out of Memory Error" in p))


def _build_new(settings: Settings, fp: str, prev_db: Path | None,
               after_load: AfterLoad | None) -> BuildReport:
    version = f"{dt.datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    name = f"catalog-{version}.duckdb"
    tmp = settings.catalog_dir / f".{name}.tmp"
    final = settings.catalog_dir / name
    statuses: list[ExtractStatus] = []
    con = connect_build(tmp, settings)
    started, timings = time.perf_counter(), {}
    try:
        if prev_db is not None:
            _do(con, f"ATTACH '{prev_db}' AS previous (READ_ONLY)")
        wijk = False
        for extract in extracts.LOAD_ORDER:
            status = _load_one(con, settings, extract, wijk, prev_db is not None)
            statuses.append(status)
            if extract == "areas" and status.status in {"loaded", "kept"}:
                codes = [r[0] for r in _do(con, "SELECT DISTINCT wijk_code FROM areas")]
                wijk = checks.known_wijk(con, codes)
        checks.known_wijk(con, None)
        _store_coverage(con, settings, statuses, prev_db is not None)
        if prev_db is not None:
            _do(con, "DETACH previous")
        load_workdays(con)
        _do(con, "CHECKPOINT")  # the extracts on disk: the part a bare load of the same files does
        timings["extracts"] = time.perf_counter() - started
        # Staging SQL is a query file like the indicators: it reads tables, never files or extensions.
        # A staging table's row order carries no meaning (its SQL has no ORDER BY; joins and
        # aggregates give none), so DuckDB may write it in parallel: ~30% faster at scale 10. The
        # extracts were written so too (`validate._load`); an example of a broken rule comes from the files.
        for statement in ("SET enable_external_access = false", "SET autoload_known_extensions = false",
                          "SET autoinstall_known_extensions = false", "SET preserve_insertion_order = false"):
            _do(con, statement)
        staged = staging.build_all(con, settings.queries_dir)
        _short_of_memory(staged)
        _do(con, "CHECKPOINT")
        timings["staging"] = time.perf_counter() - started - timings["extracts"]
    except BaseException as exc:
        con.close()
        for left in (tmp, tmp.with_name(tmp.name + ".wal")):  # never swapped in; the last good one stays
            left.unlink(missing_ok=True)
        if isinstance(exc, duckdb.OutOfMemoryException):
            raise BuildMemoryError(
                f"the build needed more memory than MONITOR_BUILD_MEMORY ({settings.build_memory >> 20} MiB) "
                f"allows, even spilling to {settings.catalog_dir / SPILL}: raise MONITOR_BUILD_MEMORY "
                f"(e.g. 2GB) and build again; the last good catalog stays in use "
                f"({str(exc).splitlines()[0]})") from exc
        raise
    con.close()
    os.replace(tmp, final)
    report = BuildReport(True, name, version, dt.datetime.now().isoformat(timespec="seconds"), statuses,
                         staged, {k: round(v, 3) for k, v in timings.items()})
    if after_load is not None:
        after_load(open_file(final, settings, report))
    manifest = {"fingerprint": fp, "report": report.to_json(), "file": _file_facts(final)}
    tmp_manifest = settings.catalog_dir / f".{MANIFEST}.tmp"
    tmp_manifest.write_text(json.dumps(manifest, indent=2, default=str))
    os.replace(tmp_manifest, settings.catalog_dir / MANIFEST)
    _remove_old(settings, keep=name)
    return report


def load_workdays(con: duckdb.DuckDBPyConnection) -> None:
    """The working-day calendar (monitor.workdays) as a table, for terms counted in working days (Wgs)."""
    first, last = workdays.default_range()
    con.register("incoming_days", workdays.calendar_frame(first, last).to_arrow())
    _do(con, f'CREATE TABLE "{workdays.TABLE}" AS SELECT * FROM incoming_days')
    con.unregister("incoming_days")


def _load_one(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    name: str,
    wijk: bool,
    has_previous: bool,
) -> ExtractStatus:
    result, loaded = checks.validate_extract(con, settings.data_dir, name, wijk=wijk, load=True)
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
    if loaded:
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


COVERAGE_TABLE = "_coverage"


def _store_coverage(con: duckdb.DuckDBPyConnection, settings: Settings, statuses: list[ExtractStatus],
                    has_previous: bool) -> None:
    """One row per extract in the catalog: `coverage_from` of the file loaded now, or, for a kept
    table, the coverage it was loaded with; null when the extract makes no claim."""
    kept: dict[str, dt.date | None] = {}
    if has_previous and _do(con, "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'previous' "
                                 "AND table_name = ?", [COVERAGE_TABLE])[0][0]:
        kept = dict(_do(con, f"SELECT extract, coverage_from FROM previous.{COVERAGE_TABLE}"))
    rows: list[tuple[str, dt.date | None]] = []
    for status in statuses:
        if status.status == "loaded":
            path = extracts.find_extract(settings.data_dir, status.name)
            rows.append((status.name, extracts.coverage_from(path) if path else None))
        elif status.status == "kept":
            rows.append((status.name, kept.get(status.name)))
    _do(con, f"CREATE TABLE {COVERAGE_TABLE} (extract VARCHAR PRIMARY KEY, coverage_from DATE)")
    if rows:
        con.executemany(f"INSERT INTO {COVERAGE_TABLE} VALUES (?, ?)", rows)


def coverage(cat: Catalog) -> dict[str, dt.date | None]:
    """The first day of the first complete month per extract in the catalog (None: no claim).

    An extract absent from the catalog is absent here; a catalog built before coverage was kept
    gives an empty dict.
    """
    if COVERAGE_TABLE not in cat.table_names():
        return {}
    frame = cat.query(f"SELECT extract, coverage_from FROM {COVERAGE_TABLE} ORDER BY extract")
    return dict(zip(frame["extract"].to_list(), frame["coverage_from"].to_list(), strict=True))


def _remove_old(settings: Settings, keep: str) -> None:
    """Old catalog files go once the manifest points elsewhere, and their stored frames and patterns
    with them; open readers keep their inode (and compute what they miss). A killed build's
    half-written file goes too (this runs under the build lock: no other build is writing)."""
    folder = settings.catalog_dir
    for old in [*folder.glob("catalog-*.duckdb"), *folder.glob(".catalog-*.tmp*")]:
        if old.name != keep:
            with contextlib.suppress(OSError):
                old.unlink()
    prune(settings.catalog_dir, keep.removeprefix("catalog-").removesuffix(".duckdb"))


def ensure_catalog(
    settings: Settings | None = None, progress: Callable[[str], None] | None = None,
    after_load: AfterLoad | None = None,
) -> BuildReport:
    """First start: write demo extracts when the data folder has none, then build if needed.
    A server with MONITOR_BUILDS=0 does neither: it takes what the build service swapped in."""
    settings = settings or get_settings()
    if not settings.builds:  # a server behind the proxy: the build service swaps catalogs in
        return _read_only_report(settings)
    say = progress or (lambda _msg: None)
    if not has_extracts(settings):
        from monitor import sample  # only on first start: keeps import of the query side light

        say(f"No extracts in {settings.data_dir}: generating demo data for Den Haag...")
        sample.write_sample(settings.data_dir)
    report = read_report(settings)
    manifest = read_manifest(settings)
    if report is None or manifest is None or not intact(settings, manifest) \
            or _fingerprint(settings) != manifest["fingerprint"]:
        say("Validating extracts and building the catalog...")
        report = build(settings, after_load=after_load)
    return report


# ---------------------------------------------------------------- a corrupt catalog is detected

# per data folder, the last report a reading server found readable, with its file still in place
_LAST_GOOD: dict[str, BuildReport] = {}


def _read_only_report(settings: Settings) -> BuildReport:
    """What a server that never builds uses: the manifest's report; while the manifest is unreadable
    (damaged; the next build rewrites it), the last good one this process read, if its file is there."""
    report = read_report(settings)
    key = str(settings.catalog_dir)
    if report is None:
        last = _LAST_GOOD.get(key)
        if last is not None and (settings.catalog_dir / last.database).is_file():
            return last
        raise CatalogMissing(f"No usable catalog in {settings.catalog_dir} (none built yet, or its "
                             "manifest is corrupt): the build service writes it (`python -m monitor build`).")
    _LAST_GOOD[key] = report
    return report


def _file_facts(path: Path) -> dict[str, object]:
    """Size and SHA-256 of a finished catalog file, kept in the manifest to tell a damaged file."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return {"size": path.stat().st_size, "sha256": digest.hexdigest()}


def intact(settings: Settings, manifest: dict[str, Any], *, checksum: bool = False) -> bool:
    """Whether the catalog file the manifest names is there as the build left it: its size (cheap,
    on every page run of a building server) and with `checksum` its SHA-256 (every `build`, so the
    build timer finds a damaged file and builds a new one). A manifest from before sizes were kept
    passes on the file's presence alone."""
    path = settings.catalog_dir / manifest["report"]["database"]
    facts = manifest.get("file")
    try:
        if not isinstance(facts, dict):
            return path.is_file()
        if path.stat().st_size != facts.get("size"):
            return False
        return not checksum or _file_facts(path)["sha256"] == facts.get("sha256")
    except OSError:
        return False
