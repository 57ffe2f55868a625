"""Analysts' SQL in a worker process with operating-system limits, so a query cannot exhaust the server.

DuckDB's `memory_limit` does not bound what a query's vectors and their conversion to Arrow
take (issue 12 measured 2.3 and 3.7 GB for two one-line queries), so the workbench and
`python -m monitor sql` run each guarded query in a fresh child process:

- the child sets its limits first: memory (`MONITOR_WORKER_MEMORY`, as RLIMIT_DATA) and CPU
  time (`MONITOR_WORKER_CPU`, as RLIMIT_CPU), then opens the same catalog file through the
  same hardened read-only `Catalog` and runs the query with the time limit and row cap;
- the result comes back as Arrow IPC batches over a pipe, counted against a byte cap
  (`MONITOR_RESULT_BYTES`) as well as the row cap, so the serving process never holds more;
- the parent enforces the wall-clock limit (it kills the child a little after the child's own
  interrupt should have fired) and words a child's death as the limit it broke.

RLIMIT_DATA, not RLIMIT_AS (measured on Linux 6, DuckDB 2.0, pyarrow 26): with RLIMIT_AS at
300 MB pyarrow's shared library cannot even be mapped, and at 1 GB OpenBLAS (loaded with
numpy) fails to allocate its per-thread buffers, because address space counts reservations
(jemalloc arenas, thread stacks, libraries) that are never touched. RLIMIT_DATA counts the heap
and private anonymous mappings (Linux >= 4.7), which is where DuckDB's and Arrow's buffers
live; under it the issue's queries fail cleanly with DuckDB's or Arrow's "Out of Memory".

Children come from a "forkserver" context with duckdb, polars, pyarrow and this package
preloaded: a fork of a small clean process (no threads, no Streamlit), cheap to start.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from multiprocessing import spawn
from multiprocessing.connection import Connection
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from monitor.catalog.connection import (
    Catalog,
    QueryError,
    QueryFailed,
    QueryRefused,
    QueryResult,
    QueryTimeout,
)
from monitor.catalog.report import BuildReport
from monitor.settings import Settings, parse_bytes

BATCH_ROWS = 1024  # rows per Arrow batch sent back; a batch is the unit of the byte cap's check
GRACE_S = 5.0  # the parent kills the child this long after the child's own interrupt should have fired
_PRELOAD = ["duckdb", "polars", "pyarrow", "monitor.catalog"]
_CLASSES = {"QueryRefused": QueryRefused, "QueryTimeout": QueryTimeout, "QueryFailed": QueryFailed}
_NAME = "monitor-sql"  # the worker processes' name: how `_preparation` knows them
_CTX_LOCK = threading.Lock()
_ctx: mp.context.ForkServerContext | None = None


def _context() -> mp.context.ForkServerContext:
    """The forkserver context, its server started once per process with the heavy modules loaded."""
    global _ctx
    with _CTX_LOCK:
        if _ctx is None:
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(_PRELOAD)
            if not getattr(spawn.get_preparation_data, "_monitor", False):
                wrapped = _preparation(spawn.get_preparation_data)
                wrapped._monitor = True  # type: ignore[attr-defined]
                spawn.get_preparation_data = wrapped
            _ctx = ctx
        return _ctx


def _preparation(original: Callable[[str], dict]) -> Callable[[str], dict]:
    """A worker must not import the caller's main module: under Streamlit that is the page script.

    multiprocessing runs `__main__` again in every child (as `__mp_main__`), and Streamlit makes
    the running page `__main__`, so each worker would run the dashboard before its query. The
    worker needs nothing from it (its target lives in this module), so for our workers only the
    main-module entries are left out of the preparation data.
    """

    def prepare(name: str) -> dict:
        data = original(name)
        if name == _NAME:
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    return prepare


def _mb(n: int) -> str:
    return f"{n / 2**20:g} MB"


def memory_error(settings: Settings, detail: str) -> QueryRefused:
    limit = _mb(settings.worker_memory)
    return QueryRefused(
        f"Stopped: the query needed more than the workbench's memory limit of {limit} "
        f"(MONITOR_WORKER_MEMORY; {detail}). Only its worker was ended. Select fewer or shorter "
        "values, or aggregate first.", "query_worker_memory", limit=limit, detail=detail,
    )


def cpu_error(settings: Settings) -> QueryTimeout:
    return QueryTimeout(
        f"Stopped: the query used more than the CPU-time limit of {settings.worker_cpu_s} s "
        "(MONITOR_WORKER_CPU). Only its worker was ended. Filter earlier, aggregate, or add a LIMIT.",
        "query_worker_cpu", seconds=settings.worker_cpu_s,
    )


def run(cat: Catalog, sql: str, *, timeout: float | None = None, row_cap: int | None = None,
        byte_cap: int | None = None, settings: Settings | None = None) -> QueryResult:
    """`Catalog.guarded` in a worker process: the same checks and messages, plus memory, CPU and byte limits.

    The statement check (one read-only SELECT) runs here first, so a refusal costs no process.
    `settings` (default: the catalog's) gives the worker's limits, so a changed one holds on the next run.
    """
    cat.check_statement(sql)
    settings = settings or cat.settings
    limit = timeout if timeout is not None else settings.query_timeout_s
    cap = row_cap if row_cap is not None else settings.row_cap
    bytes_cap = byte_cap if byte_cap is not None else settings.result_bytes
    receive, send = _context().Pipe(duplex=False)
    child = _context().Process(target=_child, args=(send, cat.path, settings, cat.report, sql, limit, cap,
                                                     bytes_cap), daemon=True, name=_NAME)
    started = time.perf_counter()
    child.start()
    send.close()
    try:
        batches, schema, note = _receive(receive, child, settings, limit, started + limit + GRACE_S)
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()
        child.close()
    table = pa.Table.from_batches(batches, schema=schema)
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    truncated = frame.height > cap or note == "bytes"
    if frame.height > cap:
        frame = frame.head(cap)
    return QueryResult(frame, truncated, time.perf_counter() - started, cap,
                       byte_cap=bytes_cap if note == "bytes" else None)


def _receive(conn: Connection, child: mp.process.BaseProcess, settings: Settings, limit: float,
             deadline: float) -> tuple[list[pa.RecordBatch], pa.Schema, str | None]:
    """Read the child's messages until it says done; a silent end becomes the limit that ended it."""
    batches: list[pa.RecordBatch] = []
    schema: pa.Schema | None = None
    while True:
        if not conn.poll(max(deadline - time.perf_counter(), 0)):
            child.kill()
            raise QueryTimeout(f"Stopped: the query ran longer than the time limit of {limit:g} s; its "
                               "worker was ended. Filter earlier, aggregate, or add a LIMIT.",
                               "query_timeout", seconds=limit)
        try:
            kind, payload = conn.recv()
        except (EOFError, OSError):
            raise _death(child, settings) from None
        if kind == "batch":
            with pa.ipc.open_stream(payload) as reader:
                schema = reader.schema
                batches.extend(reader)
        elif kind == "error":
            name, message, code, params = payload
            raise _CLASSES.get(name, QueryFailed)(message, code, **params)
        else:  # "done", with None or "bytes" (the byte cap cut the result)
            assert schema is not None
            return batches, schema, payload


def _death(child: mp.process.BaseProcess, settings: Settings) -> QueryError:
    """Why the child ended without a word.

    SIGXCPU is the soft CPU limit, SIGKILL its hard one a second later (the kernel's OOM killer
    cannot be told apart, but under RLIMIT_DATA it has no reason to pick the worker). Any other
    end (an abort when a thread cannot get memory, exit code 1 from a failed allocation) is the
    memory limit.
    """
    child.join(2)
    code = child.exitcode
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        return cpu_error(settings)
    return memory_error(settings, f"the worker ended with exit code {code}")


# ---------------------------------------------------------------- the child


def _limit(settings: Settings) -> None:
    """Memory and CPU limits before anything allocates; the hard CPU limit a second later kills for sure."""
    memory = settings.worker_memory
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    cpu = max(1, int(settings.worker_cpu_s))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def _ipc(schema: pa.Schema, batch: pa.RecordBatch | None = None) -> bytes:
    """One self-contained Arrow IPC stream: the schema and at most one batch."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema) as writer:
        if batch is not None:
            writer.write_batch(batch)
    return sink.getvalue().to_pybytes()


def _child(conn: Connection, path: Path, settings: Settings, report: BuildReport, sql: str, limit: float,
           row_cap: int, byte_cap: int) -> None:
    """Run one query and send its batches, or the error as (class, message, code, params); then exit."""
    try:
        _limit(settings)
        # DuckDB's own limit under the worker's, so most queries fail in DuckDB, with its detail
        duck_mb = min(parse_bytes(settings.memory_limit), settings.worker_memory // 2) // 2**20
        duck = replace(settings, memory_limit=f"{max(duck_mb, 16)}MiB")
        cat = Catalog(path, duck, report)
        try:
            note = _stream(conn, cat, sql, limit, row_cap, byte_cap)
        finally:
            with contextlib.suppress(Exception):
                cat.close()
        conn.send(("done", note))
    except QueryError as exc:
        if exc.code == "query_memory":
            exc = memory_error(settings, exc.params.get("detail", ""))
        conn.send(("error", (type(exc).__name__, str(exc), exc.code, exc.params)))
    except Exception as exc:  # MemoryError; Arrow's "Out of Memory" is an OSError; else the query failed
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        error: QueryError = (memory_error(settings, detail)
                             if isinstance(exc, MemoryError) or "memory" in detail.lower()
                             else QueryFailed(detail, detail=detail))
        conn.send(("error", (type(error).__name__, str(error), error.code, error.params)))
    finally:
        conn.close()
        os._exit(0)  # no atexit work in a forked child (DuckDB is closed, the pipe flushed)


def _stream(conn: Connection, cat: Catalog, sql: str, limit: float, row_cap: int,
            byte_cap: int) -> str | None:
    """Send Arrow batches until the rows (cap + 1, so the parent can tell) or the byte cap run out."""
    cur = cat._cursor()
    timer = threading.Timer(limit, cur.interrupt)
    timer.daemon = True
    timer.start()
    sent = 0
    try:
        rel = cur.sql(sql)
        if rel is None:
            raise QueryRefused("Refused: the statement returns no rows; write a SELECT query.",
                               "query_no_rows")
        reader = rel.limit(row_cap + 1).to_arrow_reader(BATCH_ROWS)
        conn.send(("batch", _ipc(reader.schema)))  # the schema alone: an empty result still has columns
        for batch in reader:
            data, cut = _ipc(reader.schema, batch), False
            while sent + len(data) > byte_cap and batch.num_rows:  # halve the batch until it fits
                batch, cut = batch.slice(0, batch.num_rows // 2), True
                data = _ipc(reader.schema, batch)
            if batch.num_rows:
                conn.send(("batch", data))
                sent += len(data)
            if cut:
                return "bytes"
        return None
    except duckdb.Error as exc:
        raise cat.error_for(exc, limit) from None
    finally:
        timer.cancel()
        cur.close()
