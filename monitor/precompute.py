"""What the build computes ahead, so a page reads it instead of waiting: the indicator frames.

`compute_frames` is the build's `after_load` step (`catalog.build` runs it on the new catalog
file before the swap) and what `monitor build` runs when only query files changed: each
indicator frame is stored beside the catalog (`catalog.store`) and only the missing ones run
SQL. `store_projections` stores the scorecard's projections (the fits are most of a cold
home page); `protect_all` stores the protected patterns. The lines `monitor build` prints
are worded here (English, like every CLI message).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from monitor import catalog, scorecard
from monitor.engine import Engine, frame_parts, get_engine
from monitor.indicators import IndicatorError
from monitor.rollup.keys import KeyRows
from monitor.settings import Settings


@dataclass(frozen=True)
class FrameTiming:
    """What the build did with one indicator's frame: `computed` (seconds of SQL), `stored` (read
    from the store: nothing to do) or `failed` (the problem, naming file and line)."""

    id: str
    status: str
    seconds: float
    rows: int | None = None
    problem: str | None = None


def compute_frames(target: catalog.Catalog | Settings) -> list[FrameTiming]:
    """Store every indicator's frame for a new catalog (the build's `after_load`), or for the current
    one when only query files changed (`monitor build`): only the missing ones run SQL."""
    engine = get_engine(target) if isinstance(target, Settings) else \
        Engine(target.settings, target, target.report)
    out: list[FrameTiming] = []
    for ind in sorted(engine.registry.indicators.values(), key=lambda i: i.id):
        stored = engine.catalog.store.has(ind.id, frame_parts(ind))
        started = time.perf_counter()
        try:  # a distinct measure's keys go to the store and are never read back here (millions of rows)
            frame = engine.frame(ind.id)
            rows = engine.catalog.store.rows(ind.id, frame_parts(ind)) if isinstance(frame, KeyRows) else None
            rows = frame.height if rows is None else rows
        except IndicatorError as exc:
            out.append(FrameTiming(ind.id, "failed", time.perf_counter() - started, None, str(exc)))
            continue
        except Exception as exc:  # any other error too: one query must not hold back a delivery
            out.append(FrameTiming(ind.id, "failed", time.perf_counter() - started, None,
                                   f"{ind.path.name}: {type(exc).__name__}: {exc}"))
            continue
        out.append(FrameTiming(ind.id, "stored" if stored else "computed", time.perf_counter() - started,
                               rows))
        engine.forget_frames()  # stored now; memory stays one frame's, whatever the delivery's size
    return out


def protect_all(settings: Settings | None = None, *, release: bool = False, workers: int | None = None
                ) -> list[tuple[str, float, int | None, str | None]]:
    """Compute and store every series indicator's protected pattern (`monitor build` does this after
    a build, so no page waits for it): (id, seconds, hidden cells, problem) per indicator, by id. The
    frames are let go after each indicator (read again from the store when a later one needs them).

    `release` (`monitor build`, a process of its own): the protection reads stored frames, not the
    catalog, so its connection is closed first and the blocks DuckDB kept from computing the frames
    (up to its memory limit) go before the distinct counts' own DuckDB takes its share
    (`rollup.keys`). The linear-programming attack is single-threaded Python and does not shrink with
    the data (most of a small delivery's build), so `monitor build` spreads the work over processes
    (`workers`, default `MONITOR_PROTECT_WORKERS`): `0`, the default, protects the distinct counts here
    (their key files are what takes memory) while one worker takes the others, and then shares
    those with it (`_beside_a_worker`), when the machine has two cores or more; `n` > 1 spreads all
    indicators over `n` workers, each with an equal share of the build's memory limit (their memory
    adds up: docs/benchmarks.md); `1` protects all here. Never in the app: its sessions share that
    connection."""
    if release:
        get_engine(settings).catalog.close()
    engine = get_engine(settings)
    series = [i for i in sorted(engine.registry.indicators.values(), key=lambda i: i.id)
              if i.shape == "series"]
    ids = [i.id for i in series]
    n = workers if workers is not None else engine.settings.protect_workers if release else 1
    if n == 0:
        light = [i.id for i in series if not i.is_distinct]
        if (os.cpu_count() or 1) < 2 or not light or len(light) == len(ids):
            n = 1
        else:
            return _beside_a_worker(engine, ids, light)
    n = min(n, len(ids))
    if n <= 1:
        return [_protect_one(ind_id, engine) for ind_id in ids]
    engine.catalog.close()  # the workers open their own; the parent holds no DuckDB cache meanwhile
    share = max(engine.settings.build_memory // n, 64 << 20)
    with _pool(n, engine.settings, share) as pool:
        return list(pool.map(_protect_in_worker, ids))


def _beside_a_worker(engine: Engine, ids: list[str], light: list[str]
                     ) -> list[tuple[str, float, int | None, str | None]]:
    """Two processes share the work: a worker takes the indicators in `light` from the front, while
    this process protects the rest (the distinct counts, which read their key files under the build's
    memory limit) and then takes `light` from the back, each indicator the worker has not started.
    The worker counts no keys, so a quarter of that limit is its DuckDB's share."""
    with _pool(1, engine.settings, max(engine.settings.build_memory // 4, 64 << 20)) as pool:
        queued = {ind_id: pool.submit(_protect_in_worker, ind_id) for ind_id in light}
        done = {ind_id: _protect_one(ind_id, engine) for ind_id in ids if ind_id not in queued}
        for ind_id in reversed(light):
            if not queued[ind_id].cancel():  # started or about to: the worker has reached this one
                break
            done[ind_id] = _protect_one(ind_id, engine)
        done |= {ind_id: f.result() for ind_id, f in queued.items() if ind_id not in done}
    return [done[i] for i in ids]


def _pool(n: int, settings: Settings, share: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"), initializer=_worker,
                               initargs=(settings, share))


def _protect_one(ind_id: str, engine: Engine) -> tuple[str, float, int | None, str | None]:
    started = time.perf_counter()
    try:
        cells = engine.cells(ind_id)
    except (IndicatorError, ValueError) as exc:
        return ind_id, time.perf_counter() - started, None, str(exc)
    finally:
        engine.forget_frames()
    hidden = 0 if cells is None else int(cells.cells["suppressed"].sum())
    return ind_id, time.perf_counter() - started, hidden, None


_WORKER_SETTINGS: Settings | None = None


def _worker(settings: Settings, memory: int) -> None:
    """A protection worker: the build's settings with its share of the memory limit (the distinct
    counts' DuckDB reads `MONITOR_BUILD_MEMORY`, `catalog.scratch`)."""
    global _WORKER_SETTINGS
    os.environ["MONITOR_BUILD_MEMORY"] = str(memory)
    _WORKER_SETTINGS = dataclasses.replace(settings, build_memory=memory, memory_limit=f"{memory >> 20}MiB")


def _protect_in_worker(ind_id: str) -> tuple[str, float, int | None, str | None]:
    return _protect_one(ind_id, get_engine(_WORKER_SETTINGS))


def build_settings(settings: Settings) -> Settings:
    """The settings `monitor build` computes frames and protection with: the catalog's DuckDB under the
    build's memory limit (`MONITOR_BUILD_MEMORY`), not the app's (`MONITOR_MEMORY_LIMIT`, for many
    readers), so the whole build stays in the build's bounds whatever the delivery's size."""
    return dataclasses.replace(settings, memory_limit=f"{settings.build_memory >> 20}MiB")


class Frames(list[FrameTiming]):
    """`compute_frames` as the build's `after_load` step, keeping the timings `monitor build` prints."""

    def __call__(self, cat: catalog.Catalog) -> None:
        self.extend(compute_frames(cat))


def frame_lines(timings: list[FrameTiming]) -> str:
    """What `monitor build` prints: each computed frame's SQL time, and how many were stored already."""
    computed = [t for t in timings if t.status == "computed"]
    stored = sum(t.status == "stored" for t in timings)
    lines = [f"Indicator frames (stored with the catalog): {len(computed)} computed in "
             f"{sum(t.seconds for t in computed):.1f} s, {stored} stored already"]
    wide = max((len(t.id) for t in timings), default=32)
    for t in timings:
        if t.status == "failed":
            lines.append(f"  {t.id:{wide}} not computed: {t.problem}")
        elif t.status == "computed":
            lines.append(f"  {t.id:{wide}} {t.seconds:6.2f} s  {t.rows:>8} rows")
    return "\n".join(lines)


def store_projections(settings: Settings) -> str:
    """The scorecard's projections computed and stored (`scorecard.store_projections`), as a line."""
    engine = get_engine(settings)
    if engine.programme_or_none is None:
        return "Scorecard projections: no programme.yaml, none to store"
    started = time.perf_counter()
    n = scorecard.store_projections(engine)
    return f"Scorecard projections (stored with the catalog): {n} in {time.perf_counter() - started:.1f} s"
