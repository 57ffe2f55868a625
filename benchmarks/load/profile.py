"""Where a page view's time goes: a page run under AppTest, sampled every few milliseconds.

cProfile sees only the thread that started it, and Streamlit runs a page in its own thread;
this samples every other thread's stack (`sys._current_frames`) instead, and counts each
function once per sample it is on the stack in (inclusive) and when it is on top (self).
`python -m benchmarks.load.profile programma --runs 5 [--query term=2022-2026]`
"""

from __future__ import annotations

import argparse
import collections
import sys
import threading
import time
from pathlib import Path


def sample_stacks(stop: threading.Event, every: float, out: list[list[str]]) -> None:
    me = threading.get_ident()
    main = threading.main_thread().ident
    while not stop.is_set():
        for tid, frame in sys._current_frames().items():
            if tid in (me, main):
                continue
            stack = []
            while frame is not None:
                code = frame.f_code
                stack.append(f"{Path(code.co_filename).name}:{code.co_name}")
                frame = frame.f_back
            if any("exec_func_with_error_handling" in s or "_run_script" in s for s in stack):
                out.append(stack)
        time.sleep(every)


def main(argv: list[str] | None = None) -> int:
    from streamlit.testing.v1 import AppTest

    from monitor import ui

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("page", help="URL path of the page ('home' for the home page)")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--query", default="", help="URL parameters, a=b&c=d")
    p.add_argument("--top", type=int, default=40)
    args = p.parse_args(argv)
    path = next(f for f in ui.page_files() if ui.page_slug(f) == args.page)

    def run_once() -> float:
        at = AppTest.from_file(str(ui.HOME), default_timeout=300)
        if path != ui.HOME:
            at.switch_page(str(path.relative_to(ui.HOME.parent)))
        for pair in filter(None, args.query.split("&")):
            k, _, v = pair.partition("=")
            at.query_params[k] = v
        t0 = time.perf_counter()
        at.run()
        return time.perf_counter() - t0

    run_once()  # warm: the engine and first-time work
    stacks: list[list[str]] = []
    stop = threading.Event()
    sampler = threading.Thread(target=sample_stacks, args=(stop, 0.002, stacks), daemon=True)
    sampler.start()
    times = [run_once() for _ in range(args.runs)]
    stop.set()
    sampler.join()
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    for stack in stacks:
        own[stack[0]] += 1
        inclusive.update(set(stack))
    n = len(stacks) or 1
    print(f"{args.page}: runs {', '.join(f'{t:.2f}' for t in times)} s; {len(stacks)} samples")
    print("inclusive %  self %  function")
    for name, count in inclusive.most_common(args.top):
        print(f"{100 * count / n:10.1f} {100 * own[name] / n:7.1f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
