"""A private DuckDB over in-memory frames, in bounded memory: for steps too large for Polars at scale.

Why: a distinct count's first step (one row per key and month, with the key's next month) grouped
and sorted 35 million key rows in Polars at scale 100, about 5 GB on top of the frame. DuckDB does
the same under its `memory_limit`, spilling to disk, so memory no longer grows with the delivery.
The SQL is written by its caller (`monitor.rollup.distinct`), as the contract's rules are
(`monitor.extracts.rules`); only this package opens DuckDB. The frames are handed over as Arrow
(no copy) and nothing else is reachable: no files, no extensions.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping

import duckdb
import polars as pl

from monitor.settings import get_settings


def query_frames(sql: str, frames: Mapping[str, pl.DataFrame], *, memory: int | None = None,
                 threads: int | None = None) -> pl.DataFrame:
    """Run `sql` over `frames` (registered under their names) and return the result.

    `memory`: DuckDB's limit in bytes (default the build's, `MONITOR_BUILD_MEMORY`); beyond it
    DuckDB spills to a temporary folder removed afterwards."""
    settings = get_settings()
    limit = memory or settings.build_memory
    with tempfile.TemporaryDirectory(prefix="monitor-scratch-") as spill:
        con = duckdb.connect()
        try:
            for statement in (f"SET memory_limit = '{max(limit >> 20, 64)}MiB'",
                              f"SET temp_directory = '{spill}'",
                              f"SET threads = {threads or settings.threads}",
                              "SET preserve_insertion_order = false",
                              "SET enable_progress_bar = false"):
                con.execute(statement)
            for name, frame in frames.items():
                con.register(name, frame.to_arrow())
            con.execute("SET enable_external_access = false")
            return con.sql(sql).pl()
        finally:
            con.close()
