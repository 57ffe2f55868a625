"""Warm a server that just started, or that just got a new catalog, before readers need it.

A Streamlit server's first view of a page pays once for what every later view reads from its
caches: imports, opening the catalog, the scorecard, and the figures of each programme, term and
language (`monitor.charts.memo`, kept by content). On a server just started the programme page
cost 0.115 CPU-s per view at 25 sessions against 0.047 once warm (docs/load.md), so a server
is warmed before it takes its share of the readers: `scripts/serve.sh` warms each server after it
is healthy and after every build that swapped in a new catalog; the systemd units do the same
(`ExecStartPost`, deploy/systemd/). Each server is warmed on its own address (through nginx a
session sticks to one server).

What a warm-up views: every page in Dutch and English; the home page per term; the programme
page per programme and term; the indicator page per indicator in both languages (its default
grain and level). The values come from programme.yaml and the query folder, never a hand-kept
list. With sign-in required (`MONITOR_REQUIRE_LOGIN`) the views stop at the sign-in screen: the
imports are warmed, the data is not (the readers' first views pay for it).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from deploy.stclient import Session, View
from monitor import indicators, programme
from monitor.settings import Settings, get_settings
from monitor.ui.frame import HOME, page_files, page_slug

LANGS = ("nl", "en")


def page_paths(settings: Settings | None = None) -> list[str]:
    """The app's pages as URL paths, in navigation order ('' for home): scanned from `pages/`."""
    return ["" if f == HOME else page_slug(f) for f in page_files(settings)]


def views(settings: Settings | None = None) -> list[tuple[str, str]]:
    """(URL path, query string) of every view a warm-up asks for, in this order."""
    settings = settings or get_settings()
    pf = programme.load_programme(settings.programme_file)
    reg = indicators.load_registry(settings.queries_dir, set(pf.programmes))
    ids = sorted(i.id for i in reg.indicators.values() if i.shape == "series")
    per_page: dict[str, list[dict[str, str]]] = {
        "": [{"term": t.id} for t in pf.terms],
        "programma": [{"programma": p, "term": t.id} for p in pf.programmes for t in pf.terms],
        "indicator": [{"id": i} for i in ids],
    }
    out: list[tuple[str, str]] = []
    for page in page_paths(settings):
        for lang in LANGS:
            for params in [{}, *per_page.get(page, [])]:
                query = {**params, **({"lang": lang} if lang != "nl" else {})}
                out.append((page, urllib.parse.urlencode(query)))
    return out


@dataclass
class Warmed:
    """What one server's warm-up did: its views, their time, and any that failed."""

    url: str
    views: list[View] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> list[str]:
        return [f"{v.page or 'home'}?{v.query}: {e}" for v in self.views for e in v.errors]

    def line(self) -> str:
        head = f"warmed {self.url}: {len(self.views)} views in {self.seconds:.1f} s"
        return head + (f", {len(self.errors)} failed: {self.errors[0]}" if self.errors else "")


def wait_healthy(url: str, timeout: float) -> bool:
    """Whether `url`/_stcore/health answers "ok" within `timeout` seconds (a unit starting up)."""
    until = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    return True
        except OSError:
            pass
        if time.monotonic() >= until:
            return False
        time.sleep(0.5)


async def warm_one(url: str, wanted: list[tuple[str, str]], *, timeout: float = 120.0) -> Warmed:
    """View `wanted` one after another in one session on the server at `url`."""
    result = Warmed(url)
    started = time.monotonic()
    async with Session(url, timeout=timeout) as session:
        for page, query in wanted:
            result.views.append(await session.view(page, query))
    result.seconds = time.monotonic() - started
    return result


def warm(urls: list[str], settings: Settings | None = None, *, wait: float = 0.0) -> list[Warmed]:
    """Warm each server in turn (each on its own address); `wait`: seconds to wait for its health."""
    wanted = views(settings)
    out = []
    for url in urls:
        if wait and not wait_healthy(url, wait):
            out.append(Warmed(url, [View("", "", errors=[f"not healthy within {wait:.0f} s"])]))
            continue
        out.append(asyncio.run(warm_one(url, wanted)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.warm", description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+", help="each server's own address, e.g. http://127.0.0.1:8501")
    parser.add_argument("--wait", type=float, default=120.0,
                        help="seconds to wait for a server's health check first (default 120)")
    args = parser.parse_args(argv)
    results = warm(args.urls, wait=args.wait)
    for r in results:
        print(r.line(), flush=True)
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
