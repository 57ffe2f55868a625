"""Results derived from one catalog version, kept beside it: computed once, read after.

Indicator frames as Parquet, small results (the scorecard's projections) as JSON; the engine
decides what to keep and under which key.

Why: the catalog file is read-only once swapped in, yet the first page after a delivery must
not wait for indicator SQL. So the build (or the first use, for a query file changed later)
writes each indicator frame to `<catalog_dir>/frames/<version>/<name>-<digest>.parquet`. The
digest covers everything the frame depends on besides the catalog version (for an indicator:
its SQL, shape and measure; the staging tables it reads belong to the version, since a changed
staging file makes a new one), so a changed query file gets a new name and is computed alone.

The store can only save time: a missing, unreadable or foreign file (other columns) reads as
None and the caller computes. Files are written atomically (tmp + rename) and only while the
version's catalog file exists, so a reader of an old version cannot bring its folder back after
the build removed it (`prune`, with the old catalog files). A read-only data folder computes
every time. Only `catalog` writes into the data folder, so the writer lives here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

FOLDER = "frames"
# folders per catalog version beside the catalog file, removed with it (`rollup.stored` writes
# `protection`)
VERSIONED = (FOLDER, "protection")


def digest(parts: Sequence[object]) -> str:
    """A short, stable digest of what a stored frame depends on (JSON of the parts)."""
    return hashlib.sha256(json.dumps(list(parts), default=str).encode()).hexdigest()[:16]


class FrameStore:
    """The stored frames of one catalog version."""

    def __init__(self, catalog_dir: Path, version: str, catalog_file: Path) -> None:
        self.folder = catalog_dir / FOLDER / version
        self.catalog_file = catalog_file
        self._lock = threading.Lock()
        self.reads = 0  # frames served from disk (what the tests and the build report count)
        self.writes = 0

    def path(self, name: str, parts: Sequence[object]) -> Path:
        return self.folder / f"{name}-{digest(parts)}.parquet"

    def has(self, name: str, parts: Sequence[object]) -> bool:
        return self.path(name, parts).is_file()

    def read(self, name: str, parts: Sequence[object], columns: Sequence[str] | None = None
             ) -> pl.DataFrame | None:
        """The stored frame when it is there, readable and has exactly `columns` (when given); else None."""
        path = self.path(name, parts)
        if not path.is_file():
            return None
        try:
            frame = pl.read_parquet(path)
        except Exception:  # any reader error (truncated, not Parquet) means: compute
            return None
        if columns is not None and frame.columns != list(columns):
            return None
        with self._lock:
            self.reads += 1
        return frame

    def source(self, name: str, parts: Sequence[object], columns: Sequence[str]) -> Path | None:
        """The stored file itself, for a reader that takes it in batches (a distinct measure's key rows,
        `rollup.keys`), when it is there with exactly `columns` (from its footer); else None."""
        path = self.path(name, parts)
        try:
            if pq.read_schema(path).names != list(columns):
                return None
        except Exception:  # missing, truncated, not Parquet: the caller computes
            return None
        with self._lock:
            self.reads += 1
        return path

    def write(self, name: str, parts: Sequence[object], frame: pl.DataFrame) -> bool:
        """Store atomically; False (and nothing written) when the version is gone or the folder read-only."""
        return self._write(self.path(name, parts), frame.write_parquet)

    def rows(self, name: str, parts: Sequence[object]) -> int | None:
        """A stored frame's row count from its Parquet footer (None when missing or unreadable)."""
        try:
            return pq.read_metadata(self.path(name, parts)).num_rows
        except Exception:  # missing, truncated, not Parquet: the caller computes
            return None

    def write_batches(self, name: str, parts: Sequence[object], batches: Iterable[pl.DataFrame]
                      ) -> int | None:
        """Store a frame that arrives in batches (a distinct measure's key rows), a row group each, never
        holding it whole; the rows written, or None when the version is gone or the folder cannot be
        written (a read-only data folder, a full disk: the caller computes, as after `write`).
        An error from the batches (the query's, the result contract's) is raised, and nothing stored."""
        if not self.catalog_file.is_file():
            return None
        path = self.path(name, parts)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        writer: pq.ParquetWriter | None = None
        rows = 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            for batch in batches:
                table = batch.to_arrow()
                writer = writer or pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table)
                rows += batch.height
            if writer is not None:
                writer.close()
                writer = None
                os.replace(tmp, path)
        except OSError:  # the folder, not the query: nothing stored
            return None
        finally:
            with contextlib.suppress(OSError):
                if writer is not None:
                    writer.close()
                tmp.unlink(missing_ok=True)
        with self._lock:
            self.writes += 1
        return rows

    def read_json(self, name: str, parts: Sequence[object]) -> Any | None:
        """A stored small result (a projection), or None when missing or unreadable."""
        path = self.folder / f"{name}-{digest(parts)}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        with self._lock:
            self.reads += 1
        return data

    def write_json(self, name: str, parts: Sequence[object], data: Any) -> bool:
        text = json.dumps(data)
        return self._write(self.folder / f"{name}-{digest(parts)}.json",
                           lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))

    def _write(self, path: Path, writer: Callable[[Path], object]) -> bool:
        if not self.catalog_file.is_file():
            return False
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            writer(tmp)
            os.replace(tmp, path)
        except Exception:  # a full disk, a read-only folder, a writer's own error: compute next time
            with contextlib.suppress(OSError):
                tmp.unlink()
            return False
        with self._lock:
            self.writes += 1
        return True


def prune(catalog_dir: Path, keep: str) -> None:
    """Remove every other version's stored frames and patterns (the build calls it with the
    catalog files it removes); a reader of an old version falls back to computing."""
    for kind in VERSIONED:
        base = catalog_dir / kind
        if not base.is_dir():
            continue
        for old in base.iterdir():
            if old.is_dir() and old.name != keep:
                shutil.rmtree(old, ignore_errors=True)
