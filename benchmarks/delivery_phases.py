"""The delivery benchmark's phases (issue 11), each called in a fresh interpreter by `benchmarks.fresh`.

What a municipality's data team and its first visitor wait for after a new delivery: writing the
extracts (the demo generator stands in for the source systems), a bare DuckDB load of the same
files (the yardstick), the catalog build, the rest of `monitor build` (disclosure protection and
the projection's backtest), the scorecard in a fresh process, and each indicator page's first
roll-up in a fresh process.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from monitor.settings import Settings


def sample(data_dir: str, seed: int, until: str, scale: float) -> dict[str, Any]:
    """`monitor sample`: the demo extracts at this scale."""
    import pyarrow.parquet as pq

    from monitor import sample as demo

    started = time.perf_counter()
    paths = demo.write_sample(Path(data_dir), seed=seed, until=until, scale=scale)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": {p.stem: pq.read_metadata(p).num_rows for p in paths},
            "parquet_mb": sum(p.stat().st_size for p in paths) / 2**20}


def bare_load(data_dir: str, database: str) -> dict[str, Any]:
    """The yardstick: `CREATE TABLE t AS SELECT * FROM read_parquet(...)` per extract into a new DuckDB
    file, DuckDB's defaults, nothing else (no validation, no staging, no indicators)."""
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect(database)
    for path in sorted(Path(data_dir).glob("*.parquet")):
        con.execute(f"CREATE TABLE {path.stem} AS SELECT * FROM read_parquet(?)", [str(path)])
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.close()
    return {"seconds": time.perf_counter() - started, "threads": threads}


def build(settings: Settings) -> dict[str, Any]:
    """`catalog.build` from scratch: validate, load, staging (and what else the build does now)."""
    from monitor import catalog

    started = time.perf_counter()
    report = catalog.build(settings, force=True)
    return {"seconds": time.perf_counter() - started, "ok": report.ok, "parts": report.timings,
            "problems": [p for e in report.extracts for p in e.problems]}


def after_build(settings: Settings) -> dict[str, Any]:
    """The rest of `monitor build`: every indicator's frame stored, its protected pattern, the
    projection's backtest and the scorecard's stored projections (as `cmd_build` runs them)."""
    from monitor import calibration, precompute
    from monitor.engine import get_engine
    from monitor.precompute import protect_all

    settings = precompute.build_settings(settings)  # as `monitor build` runs them
    started = time.perf_counter()
    precompute.compute_frames(settings)
    frames_s = time.perf_counter() - started
    protected = protect_all(settings, release=True)
    protect_s = time.perf_counter() - started - frames_s
    calibration.calibration(get_engine(settings))
    precompute.store_projections(settings)
    return {"seconds": time.perf_counter() - started, "frames_s": frames_s, "protect_s": protect_s,
            "calibrate_s": time.perf_counter() - started - protect_s - frames_s,
            "problems": [f"{i}: {p}" for i, _, _, p in protected if p]}


def scorecard(settings: Settings) -> dict[str, Any]:
    """The home page's data in a fresh process after a build: engine open, then every card."""
    from monitor import scorecard as cards
    from monitor.engine import get_engine

    started = time.perf_counter()
    eng = get_engine(settings)
    opened = time.perf_counter()
    n = len(cards.scorecard(eng))
    return {"seconds": time.perf_counter() - started, "open_s": opened - started, "cards": n}


def pages(settings: Settings) -> dict[str, Any]:
    """Each indicator page's first visit in one fresh process: the indicator frame (indicator SQL
    unless the build stored it), then the page's default roll-up with disclosure control."""
    from monitor.engine import get_engine
    from monitor.rollup import View

    started = time.perf_counter()
    eng = get_engine(settings)
    open_s = time.perf_counter() - started
    per: dict[str, dict[str, float]] = {}
    for ind in eng.registry:
        t = time.perf_counter()
        eng.frame(ind.id)
        framed = time.perf_counter()
        if ind.shape == "cohort":
            eng.cohort(ind.id, grain="year")
        else:
            eng.series(ind.id, View())
        per[ind.id] = {"frame_s": framed - t, "rollup_s": time.perf_counter() - framed}
    return {"open_s": open_s, "indicators": per}
