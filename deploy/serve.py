"""`scripts/serve.sh N`: the deployment on 127.0.0.1 for a trial or a load test.

Writes demo data when the data folder has no extracts (as the first start of scripts/start.sh
does), builds the catalog once, starts N Streamlit servers that only read it and nginx in front,
prints the address, and runs `monitor build` every `--build-every` seconds (the build timer of a
server; a delivery dropped into the data folder shows up after the next one). Ctrl+C or SIGTERM
stops everything it started.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from deploy import render
from deploy.cluster import Cluster, free_port
from monitor import catalog
from monitor.settings import Settings, get_settings


def prepare(data_dir: Path) -> None:
    """Demo extracts on first start, then a build (skipped by `monitor build` when nothing changed)."""
    env = {**os.environ, "MONITOR_DATA_DIR": str(data_dir)}
    settings = get_settings()
    if not catalog.has_extracts(settings):
        print(f"No extracts in {data_dir}: writing demo data for Den Haag", flush=True)
        subprocess.run([sys.executable, "-m", "monitor", "sample"], env=env, cwd=render.ROOT, check=True)
    print("Building the catalog (seconds when up to date, minutes for new demo data)...", flush=True)
    subprocess.run(render.build_command(), env=env, cwd=render.ROOT, stdout=subprocess.DEVNULL, check=False)
    if catalog.read_report(settings) is None:
        raise SystemExit(f"no catalog in {settings.catalog_dir}: see `python -m monitor build`")


def _version(settings: Settings) -> str | None:
    report = catalog.read_report(settings)
    return report.version if report else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/serve.sh", description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=2, help="Streamlit servers (default 2)")
    parser.add_argument("--port", type=int, default=0, help="nginx's port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--build-every", type=float, default=300.0,
                        help="seconds between builds (0: never; default 300)")
    parser.add_argument("--workdir", type=Path, help="logs and nginx files (default: a new temp folder)")
    parser.add_argument("--no-warm", action="store_true",
                        help="do not warm the servers (deploy/warm.py) after start and after a new catalog")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    settings = get_settings()
    prepare(settings.data_dir)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="monitor-serve-"))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    cluster = Cluster(settings.data_dir, args.n, workdir=workdir, port=args.port or free_port(),
                      warm=not args.no_warm)
    if cluster.warm:
        print(f"Starting {args.n} servers and warming each (its first views of every page)...", flush=True)
    with cluster:
        print(f"The monitor: {cluster.url}  ({args.n} servers: "
              f"{', '.join(b.address for b in cluster.backends)}; logs in {workdir})", flush=True)
        for line in cluster.warmed:
            print(line, flush=True)
        print("Ctrl+C stops it.", flush=True)
        while not stop.wait(args.build_every or None):
            env = {**os.environ, "MONITOR_DATA_DIR": str(settings.data_dir)}
            before = _version(settings)
            subprocess.run(render.build_command(), env=env, cwd=render.ROOT, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
            if cluster.warm and _version(settings) != before:  # a new catalog: its figures are new
                for line in cluster.warm_servers():
                    print(line, flush=True)
            for backend in cluster.backends:
                if not backend.running():
                    print(f"server {backend.address} ended; starting it again", flush=True)
                    cluster.restart(backend)
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
