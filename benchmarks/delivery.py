"""Delivery benchmark (issue 11): `python -m monitor bench [--scales 1,10,100] [--phases ...]`.

A measurement, not a test. Per demo scale, in a temporary folder, each phase in a fresh process
(`benchmarks.fresh`, phases in `delivery_phases`): the demo extracts, a bare DuckDB load of the same
files, the catalog build, the rest of `monitor build`, the first scorecard and every indicator
page's first roll-up. The figures go into docs/benchmarks.md between two marks (the rest of the
page is kept), beside "today's" figures: the same benchmark on the code before issue 11
(`before.json`). The machine's cores and the load average at the start of each phase stand beside
every figure, because a benchmark on a shared machine is only as good as its load.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import platform
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import fresh
from monitor.settings import ROOT, get_settings

UNTIL = "2026-10"  # fixed, so runs on different days measure the same data
SEED = 2026
PHASES = ("sample", "bare", "build", "after_build", "scorecard", "pages")
NEEDS = {"after_build": {"build"}, "scorecard": {"build", "after_build"}, "pages": {"build", "after_build"}}
BEGIN = "<!-- bench:begin: written by `python -m monitor bench` (benchmarks/delivery.py); not by hand -->"
END = "<!-- bench:end -->"
DOC = ROOT / "docs" / "benchmarks.md"
BEFORE = Path(__file__).with_name("before.json")


def to_run(phases: Sequence[str]) -> list[str]:
    """The phases asked for and those they need (a scorecard needs a built, protected catalog), in order."""
    unknown = set(phases) - set(PHASES)
    if unknown:
        raise ValueError(f"unknown phase(s) {sorted(unknown)}; choose from {', '.join(PHASES)}")
    wanted = {"sample", *phases}
    for phase in phases:
        wanted |= NEEDS.get(phase, set())
    return [p for p in PHASES if p in wanted]


def bench_scale(scale: int | float, *, until: str, seed: int, phases: Sequence[str],
                workdir: Path) -> dict[str, Any]:
    """Every phase for one scale, on demo extracts written into `workdir`."""
    data = (workdir / "data").resolve()
    settings = dataclasses.replace(get_settings(), data_dir=data)
    out: dict[str, Any] = {"scale": scale}
    bare = workdir / "bare.duckdb"
    args: dict[str, tuple[Any, ...]] = {"sample": (str(data), seed, until, scale),
                                        "bare": (str(data), str(bare))}
    for phase in to_run(phases):
        function = "bare_load" if phase == "bare" else phase
        out[phase] = fresh.run(f"benchmarks.delivery_phases:{function}", *args.get(phase, (settings,)))
        (workdir / "bare.duckdb").unlink(missing_ok=True)  # only its time counts; free the disk
    if "bare" in out and "build" in out:
        out["ratio"] = out["build"]["seconds"] / out["bare"]["seconds"]
        if "after_build" in out:  # all `monitor build` does after a delivery: the figure
            whole = out["build"]["seconds"] + out["after_build"]["seconds"]
            out["command_ratio"] = whole / out["bare"]["seconds"]
        extracts = out["build"].get("parts", {}).get("extracts")
        if extracts:  # the part of the build a bare load also does (validation on top)
            out["extracts_ratio"] = extracts / out["bare"]["seconds"]
    return out


def run(scales: Sequence[int | float], *, until: str = UNTIL, seed: int = SEED,
        phases: Sequence[str] = PHASES, say: Callable[[str], None] = print) -> dict[str, Any]:
    """The whole benchmark as a JSON-ready dict: meta and one entry per scale."""
    results = []
    for scale in scales:
        say(f"scale {scale}: {', '.join(to_run(phases))} (each in a fresh process) ...")
        with tempfile.TemporaryDirectory(prefix=f"monitor-bench-{scale}-") as tmp:
            results.append(bench_scale(scale, until=until, seed=seed, phases=phases, workdir=Path(tmp)))
    return {"meta": meta(until, seed), "scales": results}


def meta(until: str, seed: int) -> dict[str, Any]:
    """The machine and the versions the figures belong to."""
    import duckdb
    import polars as pl
    import pyarrow as pa

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True, check=False).stdout.strip()
    return {"created": dt.datetime.now(dt.UTC).isoformat(timespec="minutes"), "commit": commit or "?",
            "until": until, "seed": seed, "cpus": os.cpu_count(), "system": platform.platform(),
            "python": platform.python_version(), "duckdb": duckdb.__version__, "polars": pl.__version__,
            "pyarrow": pa.__version__, "load_after": os.getloadavg()[0],
            "build_memory_mib": get_settings().build_memory >> 20}


def before() -> dict[str, Any] | None:
    """Today's figures: the same benchmark on the code before issue 11 (benchmarks/before.json)."""
    return json.loads(BEFORE.read_text()) if BEFORE.is_file() else None


def write_doc(path: Path, section: str) -> Path:
    """Put `section` between the marks in `path`, keeping the rest; append it when there are no marks."""
    block = f"{BEGIN}\n{section.rstrip()}\n{END}\n"
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Benchmarks\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        text = head + block + ("\n" + tail if tail else "")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def main(scales: Sequence[int | float] = (1, 10), out: str | Path = DOC, *, until: str = UNTIL,
         phases: Sequence[str] = PHASES, json_out: str | Path | None = "bench-results/delivery.json") -> int:
    """Run, write the section of `out` (and every number as JSON), print where. Missed targets are
    findings to read, not failures of the command."""
    result = run(scales, until=until, phases=phases)
    if json_out:
        Path(json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(json_out).write_text(json.dumps(result, indent=2, default=str) + "\n")
    from benchmarks.delivery_report import markdown

    path = write_doc(Path(out), markdown(result, before()))
    print(f"Wrote {path}" + (f" and {json_out}" if json_out else ""))
    return 0


def command(scales: str, phases: str, out: str | None, *, naive: bool, say: Callable[[str], None]) -> int:
    """`monitor bench`'s arguments checked before anything runs (exit 2), then the benchmark."""
    from benchmarks import engine
    from monitor.sample.grid import check_scale

    try:
        chosen = [check_scale(float(s)) for s in scales.split(",")]
        steps = PHASES if phases == "all" else tuple(phases.split(","))
        to_run(steps)
    except ValueError as exc:
        say(f"bench: {exc}")
        return 2
    if naive:
        return engine.main(scales=chosen, out=out or "bench-results/engine.json")
    return main(scales=chosen, out=out or DOC, phases=steps)


if __name__ == "__main__":  # `python -m benchmarks.delivery 1,10 OUT.json`: raw figures only (before.json)
    import sys

    from monitor.sample.grid import check_scale

    figures = run([check_scale(float(s)) for s in sys.argv[1].split(",")])
    Path(sys.argv[2]).write_text(json.dumps(figures, indent=2, default=str) + "\n")
