"""The naive comparison's phases (`python -m monitor bench --naive`), each run in a fresh
interpreter by `benchmarks.fresh`: cold is cold, and each phase has a peak RSS of its own."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl

from benchmarks import fresh
from benchmarks.compare import frame_problems, rollup_problems
from benchmarks.naive import NAIVE
from benchmarks.naive_rollup import naive_rollup, naive_wijken
from monitor import catalog, engine, rollup
from monitor.settings import Settings

GRAINS: tuple[rollup.Grain, ...] = ("month", "quarter", "year", "term")
LEVELS: tuple[rollup.Level, ...] = ("city", "stadsdeel", "wijk")
# The roll-up set: the biggest count, a people ratio and the benefit stock; any other of the
# measure is used when a file is renamed.
PREFERRED = {"count": "vroegsignalen_ontvangen", "ratio": "vroegsignalen_bereikt_pct",
             "stock": "bijstand_personen"}


def phase_build(settings: Settings) -> dict[str, Any]:
    """Validate the extracts and load the catalog, from scratch."""
    started = time.perf_counter()
    report = catalog.build(settings, force=True)
    return {"seconds": time.perf_counter() - started, "ok": report.ok, "peak_rss_mb": fresh.peak_rss_mb(),
            "problems": [p for e in report.extracts for p in e.problems]}


def phase_cold(settings: Settings) -> dict[str, Any]:
    """One cold computation of every indicator: open the catalog, a new engine, every frame."""
    base = fresh.peak_rss_mb()
    started = time.perf_counter()
    eng = engine.get_engine(settings)
    ids = list(eng.registry.indicators)
    opened = time.perf_counter()
    per: dict[str, float] = {}
    rows: dict[str, int] = {}
    for ind_id in ids:
        t = time.perf_counter()
        rows[ind_id] = eng.frame(ind_id).height
        per[ind_id] = time.perf_counter() - t
    total = time.perf_counter() - started
    return {"total_s": total, "open_s": opened - started, "per_indicator_s": per, "rows": rows,
            "problems": [str(p) for p in eng.registry.problems], "baseline_rss_mb": base,
            "peak_rss_mb": fresh.peak_rss_mb()}


def representative(eng: engine.Engine) -> dict[str, str]:
    """measure -> indicator id for the roll-up set: the preferred ids, else the first of that measure."""
    series = [i for i in eng.registry if i.shape == "series"]
    out = {}
    for measure, preferred in PREFERRED.items():
        ids = [i.id for i in series if i.measure == measure]
        if ids:
            out[measure] = preferred if preferred in ids else ids[0]
    return out


def phase_rollups(settings: Settings, repeats: int) -> dict[str, Any]:
    """Roll-up latency as the surfaces see it (engine.series), after the frames are cached."""
    eng = engine.get_engine(settings)
    chosen = representative(eng)
    first, views = {}, []
    for ind_id in chosen.values():
        frame, ind = eng.frame(ind_id), eng.indicator(ind_id)
        first[ind_id] = _stats_ms([_first_rollup(eng, frame, ind) for _ in range(repeats)])
        eng.series(ind_id)  # the cached frame's joint suppression, so the views below time a view switch
        for grain in _grains(eng):
            for level in rollup.plan.levels_for(grain, LEVELS):
                view = rollup.View(grain=grain, level=level)
                times, rows = _timed(lambda v=view, i=ind_id: eng.series(i, v), repeats)
                views.append({"indicator": ind_id, "measure": ind.measure, "grain": grain, "level": level,
                              "rows": rows, **_stats_ms(times)})
    return {"indicators": chosen, "first": first, "views": views, "peak_rss_mb": fresh.peak_rss_mb()}


def _grains(eng: engine.Engine) -> tuple[rollup.Grain, ...]:
    return GRAINS if eng.terms else GRAINS[:-1]


def _first_rollup(eng: engine.Engine, frame: pl.DataFrame, ind: Any) -> float:
    """A roll-up on a frame the cache has not seen: suppressing every view of the indicator at once."""
    fresh = frame.clone()
    t = time.perf_counter()
    rollup.rollup(fresh, ind, eng.areas, rollup.View(), k=eng.settings.min_cell,
                  municipality=eng.settings.municipality, terms=eng.terms)
    return time.perf_counter() - t


def _timed(fn: Callable[[], pl.DataFrame], repeats: int) -> tuple[list[float], int]:
    times, rows = [], 0
    for _ in range(repeats):
        t = time.perf_counter()
        rows = fn().height
        times.append(time.perf_counter() - t)
    return times, rows


def _stats_ms(times: Sequence[float]) -> dict[str, float]:
    return {"median_ms": statistics.median(times) * 1000, "max_ms": max(times) * 1000}


def phase_naive(settings: Settings, repeats: int, rollup_repeats: int) -> dict[str, Any]:
    """The naive way, timed; then (untimed) every naive frame and roll-up against the engine's."""
    eng = engine.get_engine(settings)
    registry = eng.registry
    expressed = [i.id for i in registry if i.id in NAIVE]
    runs = [_naive_run(settings.data_dir, expressed) for _ in range(repeats)]
    frames = {i: _covered(f, eng.coverage_start(eng.indicator(i))) for i, f in runs[-1]["frames"].items()}
    chosen = representative(eng)
    wijken = naive_wijken(pd.read_parquet(settings.data_dir / "areas.parquet"))
    views, rollup_checks = [], {}
    for ind_id in chosen.values():
        if ind_id not in frames:
            continue
        ind = eng.indicator(ind_id)
        for grain in _grains(eng):
            for level in rollup.plan.levels_for(grain, LEVELS):
                args = (frames[ind_id], ind.measure, ind.is_percentage, wijken, grain, level, eng.terms,
                        settings.municipality)
                times, out = _timed_naive(args, rollup_repeats)
                views.append({"indicator": ind_id, "grain": grain, "level": level, "rows": len(out),
                              **_stats_ms(times)})
                series = eng.series(ind_id, rollup.View(grain=grain, level=level)).frame
                rollup_checks[f"{ind_id}/{grain}/{level}"] = rollup_problems(series, out, ind.measure)
    equal = {i: frame_problems(eng.frame(i), frames[i], eng.indicator(i).shape, eng.indicator(i).measure)
             for i in expressed}
    return {
        "expressed": expressed,
        "not_expressed": [i.id for i in registry if i.id not in NAIVE],
        "read_s": statistics.median(r["read_s"] for r in runs),
        "total_s": statistics.median(r["total_s"] for r in runs),
        "per_indicator_s": {i: statistics.median(r["per_indicator_s"][i] for r in runs) for i in expressed},
        "views": views,
        "frame_problems": equal,
        "rollup_problems": rollup_checks,
        "peak_rss_mb": fresh.peak_rss_mb(),
    }


def _timed_naive(args: tuple, repeats: int) -> tuple[list[float], pd.DataFrame]:
    times, out = [], pd.DataFrame()
    for _ in range(repeats):
        t = time.perf_counter()
        out = naive_rollup(*args)
        times.append(time.perf_counter() - t)
    return times, out


def _covered(frame: pd.DataFrame, start) -> pd.DataFrame:
    """The naive frame from the sources' declared coverage on, as the engine shows it (contract v2)."""
    column = "cohort_month" if "cohort_month" in frame.columns else "month"
    if start is None or column not in frame.columns:
        return frame
    return frame[pd.to_datetime(frame[column]) >= pd.Timestamp(start)].reset_index(drop=True)


def _naive_run(data_dir: Path, ids: Sequence[str]) -> dict[str, Any]:
    """Read the Parquet files (each once per run, in the naive way's favour) and compute every frame."""
    started = time.perf_counter()
    cache: dict[str, pd.DataFrame] = {}
    read_s = 0.0

    def read(name: str) -> pd.DataFrame:
        nonlocal read_s
        if name not in cache:
            t = time.perf_counter()
            cache[name] = pd.read_parquet(data_dir / f"{name}.parquet")
            read_s += time.perf_counter() - t
        return cache[name]

    frames, per = {}, {}
    for ind_id in ids:
        t0, r0 = time.perf_counter(), read_s
        frames[ind_id] = NAIVE[ind_id](read)
        per[ind_id] = time.perf_counter() - t0 - (read_s - r0)
    return {"frames": frames, "per_indicator_s": per, "read_s": read_s,
            "total_s": time.perf_counter() - started}


PHASES: dict[str, Callable[..., dict[str, Any]]] = {
    "build": phase_build, "cold": phase_cold, "rollups": phase_rollups, "naive": phase_naive}


def isolated(phase: str, *args: Any) -> dict[str, Any]:
    """Run a phase in a fresh interpreter (`benchmarks.fresh`): cold caches, a peak RSS of its own."""
    return fresh.run(f"benchmarks.phases:{PHASES[phase].__name__}", *args)
