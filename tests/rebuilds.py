"""Twenty rebuilds in a fresh interpreter, for tests/test_engine.py's memory test.

`python -m tests.rebuilds N IND...` touches the extracts of MONITOR_DATA_DIR N times (a new
delivery each time: same bytes, newer modification time), opens the new engine, asks each
indicator for three views, drops the engine, and prints one JSON line: per rebuild the
catalog version, open connections, whether the previous engine is still alive, the live
Polars frames and the resident memory after returning freed heap pages to the system.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import resource
import sys
import weakref
from pathlib import Path

import polars as pl

from monitor import catalog, rollup
from monitor.engine import get_engine
from monitor.settings import get_settings


def rss_mb() -> float:
    """Resident memory (Linux /proc) in MB, after glibc returned freed pages (malloc_trim)."""
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def touch(folder: Path, n: int) -> None:
    for f in folder.glob("*.parquet"):
        st = f.stat()
        os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + (n + 1) * 10**9))


def main(rebuilds: int, ids: list[str]) -> list[dict]:
    settings = get_settings()
    runs: list[dict] = []
    previous = None
    for n in range(rebuilds):
        touch(settings.data_dir, n)
        engine = get_engine(settings)
        version = engine.report.version
        for ind_id in ids:
            for grain, level in (("month", "stadsdeel"), ("year", "wijk"), ("rolling", "city")):
                shown = engine.series(ind_id, rollup.View(grain=grain, level=level))
                assert isinstance(shown, rollup.Published)
        current = weakref.ref(engine)
        del engine
        gc.collect()
        runs.append({"version": version, "connections": catalog.open_connections(settings),
                     "previous_alive": previous is not None and previous() is not None,
                     "frames": sum(1 for o in gc.get_objects() if isinstance(o, pl.DataFrame)),
                     "rss_mb": rss_mb()})
        previous = current
    return runs


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), sys.argv[2:])))
