"""A private DuckDB over in-memory frames and stored Parquet, in bounded memory: for steps too large
for Polars at scale.

Why: a distinct count groups and sorts every key's months (35 million key rows at scale 100), about
5 GB in Polars on top of the key frame, and the key frame itself is gigabytes once in Python.
DuckDB does the same under its `memory_limit`, spilling to disk, reading a stored key frame
itself, in row groups, so memory no longer grows with the delivery. The SQL is written by its
caller (`monitor.rollup.keys`), as the contract's rules are (`monitor.extracts.rules`); only this
package opens DuckDB. Frames are handed over as Arrow (no copy), a stored file by its path (the one
file `allowed_paths` lets through, as a view under the name given), and nothing else is reachable:
no other file, no extensions, no setting changed. DuckDB's `allowed_paths` does not tell reading
from writing, so that one file could be written by the SQL run here: only the roll-up's own SQL
runs here (`rollup.keys`), never an analyst's (the workbench has its own worker, `catalog.worker`).
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import duckdb
import polars as pl

from monitor.settings import get_settings

Source = pl.DataFrame | Path  # a frame in memory, or a Parquet file read in batches


class Scratch:
    """One private connection: the caller's sources registered, then its SQL, nothing else."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def run(self, sql: str) -> None:
        """A statement whose result stays inside (a temporary table or view)."""
        self._con.execute(sql)

    def frame(self, sql: str) -> pl.DataFrame:
        return self._con.sql(sql).pl()


@contextlib.contextmanager
def scratch(sources: Mapping[str, Source], *, memory: int | None = None,
            threads: int | None = None) -> Iterator[Scratch]:
    """A private DuckDB with `sources` registered under their names, external access off.

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
            files = {name: str(source) for name, source in sources.items() if isinstance(source, Path)}
            _still_there(files.values())
            for name, source in sources.items():
                if not isinstance(source, Path):
                    con.register(name, source.to_arrow())
            # a stored file is read by DuckDB itself (its reads count in its memory limit; Arrow's
            # read-ahead did not, about a gigabyte more at scale 100), and only that file is reachable
            con.execute("SET allowed_paths = ?", [list(files.values())])
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
            try:
                for name, path in files.items():
                    con.execute(f"CREATE TEMP VIEW {name} AS SELECT * FROM read_parquet({_literal(path)})")
                yield Scratch(con)
            except duckdb.IOException:
                _still_there(files.values())  # a file removed while read: say so, as before reading
                raise
        finally:
            con.close()


def _still_there(paths: Iterable[str]) -> None:
    """A stored file goes with its catalog version (a newer build prunes it): FileNotFoundError, so
    the caller computes instead (`engine`), as a reader of an old version always did."""
    for path in paths:
        if not Path(path).is_file():
            raise FileNotFoundError(f"{path}: removed with its catalog version")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def query_frames(sql: str, frames: Mapping[str, Source], *, memory: int | None = None,
                 threads: int | None = None) -> pl.DataFrame:
    """Run `sql` over `frames` (registered under their names) and return the result."""
    with scratch(frames, memory=memory, threads=threads) as s:
        return s.frame(sql)
