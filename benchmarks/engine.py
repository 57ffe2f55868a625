"""Engine benchmark: `python -m monitor bench --naive [--scales 1,10] [--out bench-results/engine.json]`.

A measurement, not a test. For each demo scale it writes demo extracts into a
temporary folder, builds the catalog there, and measures on the same machine in
one run (phases.py, each phase in a fresh process):

- **cold**: every indicator computed by a fresh engine on a fresh catalog
  connection (docs/architecture.md: computed once per catalog version);
- **roll-ups**: a count, a ratio and a stock at every grain x area level, as the
  surfaces ask for them (disclosure control included), plus the first roll-up
  of an indicator, which pays for suppressing all views at once;
- **naive**: the same indicators the way one would without the monitor: pandas
  reading the Parquet files and grouping to month x wijk (naive.py), then a pandas
  groupby per view (naive_rollup.py). Every naive frame is checked to EQUAL the
  engine's frame, and every naive roll-up the engine's unsuppressed cells
  (compare.py), so the comparison is fair; a difference is a bug in one of the two
  and is reported. An indicator without a naive twin is left out of the
  comparison and named in the report ("no naive baseline for X").

Each phase runs in a fresh process, so "cold" is cold (no DuckDB instance, no
frame or roll-up cache, no parsed registry) and the peak RSS of a phase is its
own. The engine reads the catalog that build made once per delivery; the naive
way reads Parquet on every run. Both speed-ups are reported: without the build
(what a user waits for) and with it (the whole cost of a new delivery).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl

from benchmarks.phases import isolated
from benchmarks.report import markdown
from monitor import sample
from monitor.settings import get_settings

UNTIL = "2026-10"  # fixed, so runs on different days measure the same data
SEED = 2026
REPEATS = 3
ROLLUP_REPEATS = 15
TARGET_COLD_S = 2.0  # all indicators cold at scale 1
TARGET_ROLLUP_MS = 20.0  # any roll-up
TARGET_SPEEDUP = 5.0  # engine vs naive at scale 10


# ---------------------------------------------------------------- one scale, all scales


def bench_scale(scale: int, *, until: str, seed: int, repeats: int, rollup_repeats: int,
                workdir: Path) -> dict[str, Any]:
    """Every measurement for one scale, on demo extracts written into `workdir`."""
    settings = dataclasses.replace(get_settings(), data_dir=(workdir / "data").resolve())
    t = time.perf_counter()
    paths = sample.write_sample(settings.data_dir, seed=seed, until=until, scale=scale)
    generate_s = time.perf_counter() - t
    rows = {p.stem: pl.scan_parquet(p).select(pl.len()).collect().item() for p in paths}
    build = isolated("build", settings)
    colds = [isolated("cold", settings) for _ in range(repeats)]
    rollups = isolated("rollups", settings, rollup_repeats)
    naive = isolated("naive", settings, repeats, rollup_repeats)
    cold = _summarise_cold(colds)
    return {"scale": scale, "rows": rows, "parquet_mb": sum(p.stat().st_size for p in paths) / 2**20,
            "generate_s": generate_s, "build": build, "cold": cold, "rollups": rollups, "naive": naive,
            "comparison": _compare(build, cold, naive)}


def _summarise_cold(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ids = list(runs[0]["per_indicator_s"])
    return {
        "runs_s": [r["total_s"] for r in runs],
        "total_s": statistics.median(r["total_s"] for r in runs),
        "open_s": statistics.median(r["open_s"] for r in runs),
        "per_indicator_s": {i: statistics.median(r["per_indicator_s"][i] for r in runs) for i in ids},
        "rows": runs[0]["rows"],
        "problems": runs[0]["problems"],
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "baseline_rss_mb": min(r["baseline_rss_mb"] for r in runs),
    }


def _compare(build: dict[str, Any], cold: dict[str, Any], naive: dict[str, Any]) -> dict[str, Any]:
    """Engine vs naive over the indicators both compute; the engine's open cost counts in full."""
    left_out = sum(s for i, s in cold["per_indicator_s"].items() if i not in naive["expressed"])
    engine_s = cold["total_s"] - left_out
    return {
        "indicators": len(naive["expressed"]),
        "engine_s": engine_s,
        "engine_with_build_s": engine_s + build["seconds"],
        "naive_s": naive["total_s"],
        "speedup_without_build": naive["total_s"] / engine_s,
        "speedup_with_build": naive["total_s"] / (engine_s + build["seconds"]),
    }


def run(scales: Sequence[int], *, until: str = UNTIL, seed: int = SEED, repeats: int = REPEATS,
        rollup_repeats: int = ROLLUP_REPEATS, say: Callable[[str], None] = print) -> dict[str, Any]:
    """The whole benchmark as a JSON-ready dict: meta, one entry per scale, and the targets."""
    results, load_before = [], os.getloadavg()
    for scale in scales:
        say(f"scale {scale}: demo extracts until {until}, build, cold, roll-ups, naive ...")
        with tempfile.TemporaryDirectory(prefix=f"monitor-bench-{scale}-") as tmp:
            results.append(bench_scale(scale, until=until, seed=seed, repeats=repeats,
                                       rollup_repeats=rollup_repeats, workdir=Path(tmp)))
    meta = _meta(until, seed, repeats, rollup_repeats) | {"load_before": load_before,
                                                          "load_after": os.getloadavg()}
    return {"meta": meta, "scales": results, "targets": targets(results)}


def _meta(until: str, seed: int, repeats: int, rollup_repeats: int) -> dict[str, Any]:
    import duckdb

    s = get_settings()
    return {
        "created": dt.datetime.now().isoformat(timespec="seconds"),
        "until": until, "seed": seed, "repeats": repeats, "rollup_repeats": rollup_repeats,
        "machine": platform.machine(), "system": platform.platform(), "cpus": os.cpu_count(),
        "python": platform.python_version(), "duckdb": duckdb.__version__, "polars": pl.__version__,
        "pandas": pd.__version__, "duckdb_threads": s.threads, "duckdb_memory_limit": s.memory_limit,
        "min_cell": s.min_cell,
    }


# ---------------------------------------------------------------- targets and output


def targets(results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pass/fail against the design targets; a target whose scale was not run is 'not measured'."""
    by_scale = {r["scale"]: r for r in results}
    out = []
    s1, s10 = by_scale.get(1), by_scale.get(10)
    out.append(_target("all indicators cold, scale 1", f"< {TARGET_COLD_S:g} s",
                       s1 and s1["cold"]["total_s"], lambda v: v < TARGET_COLD_S, "{:.2f} s"))
    views = [v["max_ms"] for r in results for v in r["rollups"]["views"]]
    out.append(_target("every roll-up view (max over repeats, all scales)", f"< {TARGET_ROLLUP_MS:g} ms",
                       max(views) if views else None, lambda v: v < TARGET_ROLLUP_MS, "{:.1f} ms"))
    firsts = [f["max_ms"] for r in results for f in r["rollups"]["first"].values()]
    out.append(_target("first roll-up of an indicator (all views suppressed together)",
                       f"< {TARGET_ROLLUP_MS:g} ms", max(firsts) if firsts else None,
                       lambda v: v < TARGET_ROLLUP_MS, "{:.1f} ms"))
    for key, label in (("speedup_without_build", "engine vs naive, scale 10, catalog already built"),
                       ("speedup_with_build", "engine vs naive, scale 10, build included")):
        out.append(_target(label, f">= {TARGET_SPEEDUP:g}x", s10 and s10["comparison"][key],
                           lambda v: v >= TARGET_SPEEDUP, "{:.1f}x"))
    mismatches = sum(bool(p) for r in results for p in [*r["naive"]["frame_problems"].values(),
                                                          *r["naive"]["rollup_problems"].values()])
    out.append(_target("naive frames and roll-ups equal the engine's", "0 differences", mismatches,
                       lambda v: v == 0, "{:d} differences"))
    return out


def _target(name: str, goal: str, value: float | None, ok: Callable[[Any], bool], fmt: str) -> dict[str, Any]:
    if value is None:
        return {"target": name, "goal": goal, "measured": None, "text": "not measured", "pass": None}
    return {"target": name, "goal": goal, "measured": value, "text": fmt.format(value),
            "pass": bool(ok(value))}


def write(result: dict[str, Any], out: Path) -> tuple[Path, Path]:
    """JSON with every number, and the Markdown summary beside it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    md = out.with_suffix(".md")
    md.write_text(markdown(result))
    return out, md


def main(scales: Sequence[int] = (1, 10), out: str | Path = "bench-results/engine.json", *,
         until: str = UNTIL, repeats: int = REPEATS, rollup_repeats: int = ROLLUP_REPEATS) -> int:
    """Run, print the summary, write JSON + Markdown. Non-zero only when naive and engine disagree:
    missed speed targets are findings to read, not failures of the command."""
    result = run(scales, until=until, repeats=repeats, rollup_repeats=rollup_repeats)
    json_path, md_path = write(result, Path(out))
    print(markdown(result))
    print(f"Wrote {json_path} and {md_path}")
    equal = next(t for t in result["targets"] if t["target"].startswith("naive frames"))
    return 0 if equal["pass"] else 1
