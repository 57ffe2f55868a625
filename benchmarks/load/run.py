"""Drive sessions against a base URL: readers (pauses between views), a burst (none), a page's own cost.

Each phase returns a `Phase`: every view, the wall time, and the servers' CPU and memory
before and after (from /proc, `servers.py`), plus the load average sampled meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from benchmarks.load import servers
from deploy.stclient import Session, View

Walk = Callable[[int], Iterator[tuple[str, str]]]  # session number -> (page, query) forever


@dataclass
class Phase:
    name: str
    sessions: int
    seconds: float = 0.0
    views: list[View] = field(default_factory=list)
    connect_errors: list[str] = field(default_factory=list)
    cpu: dict[int, float] = field(default_factory=dict)  # pid -> CPU-seconds spent in the phase
    rss: dict[int, tuple[int, int]] = field(default_factory=dict)  # pid -> (bytes before, after)
    load: list[float] = field(default_factory=list)  # 1-minute load average, every 5 s

    @property
    def server_cpu(self) -> float:
        return sum(self.cpu.values())

    @property
    def errors(self) -> int:
        return sum(not v.ok for v in self.views) + len(self.connect_errors)


async def _reader(url: str, steps: Iterator[tuple[str, str]], deadline: float, pause: tuple[float, float],
                  rng: random.Random, phase: Phase, start_delay: float) -> None:
    await asyncio.sleep(start_delay)
    try:
        session = Session(url)
        await session.open()
    except Exception as exc:
        phase.connect_errors.append(f"{type(exc).__name__}: {exc}")
        return
    try:
        while time.monotonic() < deadline:
            page, query = next(steps)
            phase.views.append(await session.view(page, query))
            if pause[1] > 0:
                await asyncio.sleep(rng.uniform(*pause))
    finally:
        await session.close()


async def _warm(url: str, steps: Iterator[tuple[str, str]]) -> None:
    async with Session(url) as s:
        seen = set()
        for page, query in steps:
            if page in seen:
                break
            seen.add(page)
            await s.view(page, query)


async def _load_sampler(phase: Phase, stop: asyncio.Event) -> None:
    while not stop.is_set():
        phase.load.append(os.getloadavg()[0])
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 5)


async def run_phase(name: str, url: str, walk: Walk, *, sessions: int, seconds: float,
                    pause: tuple[float, float] = (3.0, 8.0), pids: list[int] = (), seed: int = 0,
                    warm: bool = True) -> Phase:
    """`sessions` readers for `seconds` (a view under way at the end is waited for and counted).

    Sessions start spread over the first pause (or one second in a burst), as readers arrive.
    warm: each page viewed first, uncounted, so first-time work (imports, the engine) is outside.
    """
    phase = Phase(name, sessions)
    if warm:  # eight sessions: behind nginx each lands on the server its route cookie names
        await asyncio.gather(*(_warm(url, walk(-1 - i)) for i in range(8)))
    before = {pid: servers.sample(pid) for pid in pids}
    stop = asyncio.Event()
    sampler = asyncio.create_task(_load_sampler(phase, stop))
    t0 = time.monotonic()
    deadline = t0 + seconds
    spread = pause[1] if pause[1] > 0 else 1.0
    tasks = [_reader(url, walk(i), deadline, pause, random.Random(seed * 1000 + i), phase,
                     spread * i / max(sessions, 1)) for i in range(sessions)]
    await asyncio.gather(*tasks)
    phase.seconds = time.monotonic() - t0
    stop.set()
    await sampler
    for pid in pids:
        after = servers.sample(pid)
        phase.cpu[pid] = after.cpu - before[pid].cpu
        phase.rss[pid] = (before[pid].rss, after.rss)
    return phase


async def soak(name: str, url: str, walk: Walk, *, sessions: int, seconds: float, pids: list[int],
               every: float = 30.0) -> tuple[Phase, dict[int, list[tuple[float, int]]]]:
    """Readers for a long time; each server's resident memory every `every` seconds, for its slope."""
    series: dict[int, list[tuple[float, int]]] = {pid: [] for pid in pids}
    t0 = time.monotonic()
    done = asyncio.Event()

    async def watch() -> None:
        while not done.is_set():
            for pid in pids:
                series[pid].append((time.monotonic() - t0, servers.sample(pid).rss))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), every)

    watcher = asyncio.create_task(watch())
    phase = await run_phase(name, url, walk, sessions=sessions, seconds=seconds, pids=pids, warm=False)
    done.set()
    await watcher
    return phase, series


def slope_mb_per_hour(points: list[tuple[float, int]]) -> float | None:
    """Least-squares slope of resident memory over time, in MB per hour (None with < 3 points)."""
    if len(points) < 3:
        return None
    n = len(points)
    mx = sum(t for t, _ in points) / n
    my = sum(r for _, r in points) / n
    sxx = sum((t - mx) ** 2 for t, _ in points)
    sxy = sum((t - mx) * (r - my) for t, r in points)
    return (sxy / sxx) * 3600 / 1e6 if sxx else None
