"""`python -m benchmarks.load PLAN`: load figures into docs/load.md (see --help).

Plans: `short` (8 readers, 20 s: the CI form; exit 1 on any error), `cost` (each page's own
cost: alone, then with N sessions, beside a bare one-metric page), `readers` (10, 25, 50
readers with pauses of 3-8 s; two Chromium sessions check every page during the last),
`burst` (25 sessions without pauses), `soak` (25 readers, memory slope).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sys
import time
import urllib.parse
from pathlib import Path

from benchmarks.load import browsers, report, scenarios, servers
from benchmarks.load.run import Phase, run_phase, soak
from deploy.stclient import Session
from monitor.settings import ROOT

BARE = Path(__file__).with_name("bare_app.py")


def _pids(args: argparse.Namespace, url: str) -> list[int]:
    if args.pid:
        return args.pid
    ports = args.server_port or [urllib.parse.urlsplit(url).port or 80]
    return [servers.listening_pid(p) for p in ports]


async def _single(url: str, pids: list[int], pages: list[str], choices: scenarios.Choices, repeat: int):
    """Each page `repeat` times in one session, one after another: CPU per view exactly from /proc
    (summed over the servers: behind nginx the session's server is the route cookie's)."""

    def cpu() -> float:
        return sum(servers.sample(pid).cpu for pid in pids)

    out: dict[str, list] = {}
    async with Session(url) as s:
        for page in pages:  # warm: first-time work (imports, engine, caches of the default view)
            await s.view(page, "")
        for r in range(repeat):
            for page in pages:
                query = choices.query(page, random.Random(r))
                await asyncio.sleep(0.3)
                before = cpu()
                view = await s.view(page, query)
                await asyncio.sleep(0.3)  # work after script_finished (garbage collection) counts too
                out.setdefault(report.page_name(page), []).append((view, cpu() - before))
    return out


async def plan_cost(args, url: str, pids: list[int], choices) -> str:
    pages = scenarios.page_paths()
    single = await _single(url, pids, pages, choices, args.repeat)
    at_n: dict[str, Phase] = {}
    for page in pages:
        at_n[report.page_name(page)] = await run_phase(
            page or "home", url, lambda i, p=page: scenarios.same_page(p, choices, i),
            sessions=args.sessions, seconds=args.seconds, pids=pids)
    bare_row = ""
    if not args.no_bare:
        from tests.browser.harness import serving
        with serving(BARE, Path(os.environ.get("MONITOR_DATA_DIR", "/tmp"))) as bare:
            bare_pid = bare.proc.pid
            one = await _single(bare.url, [bare_pid], [""], scenarios.Choices((), (), ()), args.repeat)
            phase = await run_phase("bare", bare.url, lambda i: iter(lambda: ("", ""), None),
                                    sessions=args.sessions, seconds=args.seconds, pids=[bare_pid])
        single["bare one-metric page"] = one["home"]
        at_n["bare one-metric page"] = phase
        bare_row = (" The last row is a bare Streamlit page with one `st.metric` "
                    "(benchmarks/load/bare_app.py).")
    errors = "\n".join(e for e in (report.errors_list(p) for p in at_n.values()) if e)
    return (f"{report.machine()}; {len(pids)} server(s) at {url}.{bare_row}\n\n"
            + report.cost_table(single, at_n, args.sessions)
            + (f"\n\nFirst errors:\n{errors}" if errors else ""))


async def main_async(args: argparse.Namespace, url: str) -> tuple[str, int]:
    pids = _pids(args, url)
    choices = scenarios.Choices.of()
    pages = scenarios.page_paths()

    def walk(i: int):
        return scenarios.walk(pages, choices, seed=i)

    head = f"{report.machine()}; {len(pids)} server(s) behind {url}.\n\n"
    if args.plan == "cost":
        return await plan_cost(args, url, pids, choices), 0
    if args.plan == "soak":
        phase, series = await soak("soak", url, walk, sessions=args.sessions or 25, seconds=args.seconds,
                                   pids=pids)
        return head + report.soak_section(phase, series), phase.errors
    if args.plan == "short":
        phase = await run_phase("short", url, walk, sessions=args.sessions or 8, seconds=args.seconds or 20,
                                pids=pids)
        return head + report.phase_section(phase), phase.errors
    if args.plan == "burst":
        phase = await run_phase("burst", url, walk, sessions=args.sessions or 25, seconds=args.seconds,
                                pause=(0, 0), pids=pids)
        return head + report.phase_section(phase), phase.errors
    parts, errors = [head], 0
    for n in args.levels:
        last = n == args.levels[-1]
        checking = _browsers(url, pages, choices, args.browsers, args.seconds) if last else None
        phase = await run_phase(f"{n} readers", url, walk, sessions=n, seconds=args.seconds, pids=pids,
                                warm=n == args.levels[0])
        parts += [report.phase_section(phase), ""]
        errors += phase.errors
        if checking is not None:
            runs = await checking
            parts += [browsers.section(runs, f"the {n} readers"), ""]
            errors += browsers.failures(runs)
    return "\n".join(parts), errors


def _browsers(url: str, pages: list[str], choices, n: int, seconds: float):
    """`n` Chromium sessions walking every page while the phase runs (None when n is 0)."""
    if n <= 0:
        return None
    until = time.monotonic() + seconds
    return asyncio.gather(*(asyncio.to_thread(browsers.walk_pages, url, pages, choices, seed=100 + i,
                                              until=until) for i in range(n)))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("plan", choices=["short", "cost", "readers", "burst", "soak"])
    p.add_argument("--url", help="the app's base URL (nginx or one server); default: start one server here")
    p.add_argument("--server-port", type=int, action="append",
                   help="port of an app server behind --url, for its CPU and memory (repeat per server)")
    p.add_argument("--pid", type=int, action="append", help="an app server's process id (instead of ports)")
    p.add_argument("--sessions", type=int, default=0, help="sessions (default: 8 short, 25 otherwise)")
    p.add_argument("--levels", type=int, nargs="+", default=[10, 25, 50],
                   help="readers plan: sessions per phase")
    p.add_argument("--seconds", type=float, default=120.0, help="length of each phase")
    p.add_argument("--browsers", type=int, default=2,
                   help="readers plan: Chromium sessions checking every page renders during the last level")
    p.add_argument("--repeat", type=int, default=5, help="cost plan: views of each page in one session")
    p.add_argument("--no-bare", action="store_true", help="cost plan: skip the bare one-metric page")
    p.add_argument("--out", type=Path, help="write the figures into this file's section (e.g. docs/load.md)")
    p.add_argument("--section", help="the section's name (default: the plan)")
    args = p.parse_args(argv)
    if args.plan == "cost":
        args.sessions = args.sessions or 25
    if args.plan == "short" and args.seconds == 120.0:
        args.seconds = 20.0
    with contextlib.ExitStack() as stack:
        url = args.url
        if url is None:
            from tests.browser.harness import serving
            data = Path(os.environ.get("MONITOR_DATA_DIR", ROOT / "data"))
            url = stack.enter_context(serving(ROOT / "dashboard.py", data)).url
        t0 = time.monotonic()
        text, errors = asyncio.run(main_async(args, url))
    print(text)
    if args.out:
        report.write_section(args.out, args.section or args.plan, text)
        print(f"wrote section '{args.section or args.plan}' of {args.out} ({time.monotonic() - t0:.0f} s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
