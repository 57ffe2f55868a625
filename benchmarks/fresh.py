"""Run one benchmark phase in a fresh interpreter (`python -m benchmarks.fresh module:function OUT`).

A fresh process per phase makes "cold" cold (no DuckDB instance, no frame or roll-up cache, no
parsed registry) and gives each phase a peak memory of its own, read from the operating system.
Arguments travel pickled on stdin, the result (a dict) pickled to the file OUT, with the machine's
cores and load average at the start of the phase and the peak memory at its end added to it: its
own, plus the peaks of the processes it started (the build's protection workers), summed.
"""

from __future__ import annotations

import importlib
import os
import pickle
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB.

    VmHWM on Linux: getrusage's ru_maxrss survives exec, so a fresh phase process would report
    the parent's size at fork (the demo generator's) instead of its own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class ChildPeaks:
    """The peak memory of this process's children (the build's protection workers), sampled from /proc
    every `every` seconds: each child's own high-water mark (VmHWM) as last seen. Their sum plus this
    process's is an upper bound on the whole tree's peak (they need not peak at once), so a phase that
    works in several processes reports no less than it used."""

    def __init__(self, every: float = 0.1) -> None:
        import threading

        self.seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._every = every
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        me = os.getpid()
        while not self._stop.wait(self._every):
            for pid, mb in _children_hwm(me).items():
                self.seen[pid] = max(self.seen.get(pid, 0.0), mb)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return sum(self.seen.values())


def _children_hwm(parent: int) -> dict[int, float]:
    """VmHWM in MiB of every descendant of `parent` now alive."""
    kids: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                kids[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, todo = set(), [parent]
    while todo:
        p = todo.pop()
        for pid, ppid in kids.items():
            if ppid == p and pid not in tree:
                tree.add(pid)
                todo.append(pid)
    out = {}
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    out[pid] = int(line.split()[1]) / 1024
        except OSError:
            continue
    return out


def run(target: str, *args: Any) -> dict[str, Any]:
    """`target` ('module:function') called with `args` in a fresh interpreter; its result dict plus
    `cpus`, `load_1m` (at the start) and `peak_rss_mb` (imports included).

    A subprocess, not multiprocessing: spawn would re-run the caller's unguarded main script.
    """
    with tempfile.TemporaryDirectory(prefix="monitor-bench-phase-") as tmp:
        out = Path(tmp) / "result.pickle"
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
        subprocess.run([sys.executable, "-m", "benchmarks.fresh", target, str(out)], input=pickle.dumps(args),
                       env={**os.environ, "PYTHONPATH": path}, cwd=ROOT, check=True)
        return pickle.loads(out.read_bytes())


def _child(target: str, out: str) -> None:
    """The other end of `run`."""
    args = pickle.loads(sys.stdin.buffer.read())
    load = os.getloadavg()[0]
    module, function = target.split(":")
    children = ChildPeaks()
    result = getattr(importlib.import_module(module), function)(*args)
    own, kids = peak_rss_mb(), children.stop()
    result = {"cpus": os.cpu_count(), "load_1m": load, **result, "peak_rss_mb": own + kids,
              "own_peak_rss_mb": own, "children_peak_rss_mb": kids}
    Path(out).write_bytes(pickle.dumps(result))


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2])
