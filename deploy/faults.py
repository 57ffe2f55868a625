"""The fault script: what two servers behind nginx survive, seen from a browser (docs/faults.md).

`python -m deploy.faults` starts the set-up of docs/deploy.md on 127.0.0.1 (deploy.cluster: N
Streamlit servers that only read, nginx with the route cookie) on a copy of a data folder and
causes four faults while Chromium sessions are on the pages:

1. a server killed (SIGKILL) in the middle of a session: the browser reconnects through nginx to
   the other server and shows the page again;
2. the extracts replaced by a new delivery, and the build run, while sessions reload the sources
   page: each page run shows the old catalog or the new one (file and "data up to" as one pair),
   never a mix, and after the build every session shows the new one;
3. a build killed (SIGKILL) half-way: the previous catalog stays in use, and the next build succeeds;
4. a corrupt manifest and a damaged catalog file: detected, and the next build writes a new catalog.

`--short` does each fault once (the CI test, tests/browser/test_faults.py); the long form adds a
build killed right after its swap and a corrupt manifest, can repeat it all (`--rounds`), and
writes docs/faults.md. Each check that fails is listed; exit status 1 then.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from deploy import render
from deploy.cluster import Cluster
from deploy.fault_cases import Faults, Result

# ---------------------------------------------------------------- set-up and report


def prepare(workdir: Path, source: Path | None, scale: float) -> tuple[Path, Path, Path]:
    """The data folder (a copy of `source`, or demo data built here) and two deliveries: one a month
    shorter than the data (the "new" delivery of fault 2), one as the data (to go back)."""
    data = workdir / "data"
    py = [sys.executable, "-m", "monitor"]
    env = {**os.environ, "MONITOR_DATA_DIR": str(data)}
    if source is not None:
        shutil.copytree(source, data, copy_function=shutil.copy2,
                        ignore=shutil.ignore_patterns("*.lock", "*.tmp"))
    else:
        subprocess.run([*py, "sample", "--scale", str(scale)], env=env, cwd=render.ROOT, check=True,
                       capture_output=True)
    subprocess.run([*py, "build"], env=env, cwd=render.ROOT, check=True, capture_output=True)
    original = workdir / "delivery-original"
    original.mkdir()
    for f in data.glob("*.parquet"):
        shutil.copy2(f, original / f.name)
    as_of = dt.date.fromisoformat(_as_of_iso(data))
    until = (as_of.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    shorter = workdir / "delivery-shorter"
    subprocess.run([*py, "sample", "--scale", str(scale), "--until", until, "--out", str(shorter)], env=env,
                   cwd=render.ROOT, check=True, capture_output=True)
    return data, shorter, original


def _as_of_iso(data: Path) -> str:
    report = json.loads((data / ".catalog" / "manifest.json").read_text())["report"]
    return max(e["period"][1] for e in report["extracts"] if e.get("period") and e["name"] != "areas")


def run(*, workdir: Path, source: Path | None = None, servers: int = 2, rounds: int = 1, sessions: int = 2,
        scale: float = 0.3, short: bool = False, browser=None,
        log: Callable[[str], None] = print) -> list[Result]:
    """Every fault `rounds` times (`short`: once, the corrupt catalog file only, not also the
    manifest). `browser`: a Playwright browser to use (the tests' own); else one is started."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        from tests.browser import harness

        with sync_playwright() as pw:
            own = harness.launch_chromium(pw)
            try:
                return run(workdir=workdir, source=source, servers=servers, rounds=rounds, sessions=sessions,
                           scale=scale, short=short, browser=own, log=log)
            finally:
                own.close()
    data, shorter, original = prepare(workdir, source, scale)
    results: list[Result] = []
    with Cluster(data, servers, workdir=workdir / "cluster") as cluster:
        faults = Faults(cluster, browser, log)
        pending = [shorter, original]  # each delivery differs from the data in use

        def next_delivery() -> Path:
            pending.reverse()
            return pending[1]

        steps: list[Callable[[], Result]] = []
        for _ in range(1 if short else rounds):
            steps += [faults.kill_server,
                      lambda: faults.delivery(next_delivery(), sessions),
                      lambda: faults.killed_build(next_delivery(), "load")]
            if not short:
                steps += [lambda: faults.killed_build(next_delivery(), "swap"),
                          lambda: faults.corrupt("manifest")]
            steps.append(lambda: faults.corrupt("catalog file"))
        for step in steps:
            result = step()
            results.append(result)
            log(f"{'ok  ' if result.ok else 'FAIL'} {result.fault}: {result.numbers}")
            for what, ok in result.checks:
                if not ok:
                    log(f"     failed: {what}")
    return results


def markdown(results: list[Result], servers: int, sessions: int, rounds: int,
             load: tuple[float, float] | None = None) -> str:
    lines = [
        "# Faults: what the set-up survives",
        "",
        "<!-- Written by `python -m deploy.faults` (docs/deploy.md); do not edit by hand. -->",
        "",
        f"Measured {dt.datetime.now():%Y-%m-%d %H:%M} on this machine: {servers} Streamlit servers "
        f"(MONITOR_BUILDS=0) behind nginx on 127.0.0.1 (the configuration `deploy/render.py` renders), "
        f"demo data, headless Chromium through nginx, {sessions} sessions during a delivery, "
        f"{rounds} round(s) of every fault. The short form (each fault once) runs in CI: "
        "`tests/browser/test_faults.py`."
        + (f" The machine's load average (1 min) was {load[0]:.1f} at the start and {load[1]:.1f} at the "
           f"end, on {os.cpu_count()} cores: build seconds grow with it." if load else ""),
        "",
        "| fault | checks | result | measured |",
        "|---|---|---|---|",
    ]
    for r in results:
        checks = "<br>".join(f"{'✓' if ok else '✗'} {what}" for what, ok in r.checks)
        numbers = "<br>".join(f"{k}: {v}" for k, v in r.numbers.items())
        lines.append(f"| {r.fault} | {checks} | {'passed' if r.ok else '**failed**'} | {numbers} |")
    lines += ["", "How each fault is caused and what the set-up does about it: docs/deploy.md.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.faults", description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="each fault once; write nothing")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of every fault (long form; default 1)")
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--sessions", type=int, default=3, help="browser sessions during a delivery")
    parser.add_argument("--scale", type=float, default=0.3, help="demo data volume (default 0.3)")
    parser.add_argument("--data", type=Path, help="copy this data folder (extracts and catalog) instead")
    parser.add_argument("--out", type=Path, default=render.ROOT / "docs" / "faults.md")
    args = parser.parse_args(argv)
    rounds, sessions = (1, 2) if args.short else (args.rounds, args.sessions)
    # ended from outside (a CI timeout): unwind, so the cluster's servers and nginx are stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="monitor-faults-") as tmp:
        results = run(workdir=Path(tmp), source=args.data, servers=args.servers, rounds=rounds,
                      sessions=sessions, scale=args.scale, short=args.short)
    if not args.short:
        load = (load_start, os.getloadavg()[0])
        args.out.write_text(markdown(results, args.servers, sessions, rounds, load), encoding="utf-8")
        print(f"wrote {args.out}")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
