"""Run one benchmark phase in a fresh interpreter (`python -m benchmarks.fresh module:function OUT`).

A fresh process per phase makes "cold" cold (no DuckDB instance, no frame or roll-up cache, no
parsed registry) and gives each phase a peak memory of its own, read from the operating system.
Arguments travel pickled on stdin, the result (a dict) pickled to the file OUT, with the machine's
cores and load average at the start of the phase and the peak memory at its end added to it.
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
    result = getattr(importlib.import_module(module), function)(*args)
    result = {"cpus": os.cpu_count(), "load_1m": load, **result, "peak_rss_mb": peak_rss_mb()}
    Path(out).write_bytes(pickle.dumps(result))


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2])
