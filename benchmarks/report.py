"""The engine benchmark's readable summary (Markdown): targets, then per scale phases, indicators,
roll-ups, and the indicators left out of the comparison."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def no_baseline(indicator_id: str) -> str:
    """The report's line for a query file that has no pandas twin in naive.py."""
    return f"no naive baseline for {indicator_id}"


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def markdown(result: dict[str, Any]) -> str:
    """The readable summary: targets, then per scale the phases, indicators and roll-ups."""
    m = result["meta"]
    lines = [
        "# Engine benchmark", "",
        f"{m['created']}, {m['system']}, {m['cpus']} CPUs; Python {m['python']}, DuckDB {m['duckdb']} "
        f"({m['duckdb_threads']} threads, {m['duckdb_memory_limit']}), Polars {m['polars']}, "
        f"pandas {m['pandas']}. Demo data until {m['until']} (seed {m['seed']}); {m['repeats']} repeats "
        f"(cold: each in a fresh process), {m['rollup_repeats']} per roll-up view; medians. Load average "
        f"{m['load_before'][0]:.1f} before, {m['load_after'][0]:.1f} after (other work on the machine "
        "inflates maxima).", "",
        "## Targets", "",
        *_table(["target", "goal", "measured", "result"],
                ([t["target"], t["goal"], t["text"], {True: "PASS", False: "FAIL", None: "-"}[t["pass"]]]
                 for t in result["targets"])),
    ]
    for r in result["scales"]:
        lines += ["", *_scale_markdown(r)]
    lines += ["", *_notes()]
    return "\n".join(lines) + "\n"


def _scale_markdown(r: dict[str, Any]) -> list[str]:
    c, b, cold, naive = r["comparison"], r["build"], r["cold"], r["naive"]
    rows = ", ".join(f"{k} {v:,}" for k, v in r["rows"].items())
    lines = [
        f"## Scale {r['scale']}", "",
        f"Extracts: {rows} ({r['parquet_mb']:.1f} MB Parquet; generated in {r['generate_s']:.1f} s).", "",
        *_table(["phase", "time", "peak RSS"], [
            ["build (validate + load catalog)", f"{b['seconds']:.2f} s", f"{b['peak_rss_mb']:.0f} MB"],
            ["engine: all indicators cold (open + compute)", f"{cold['total_s']:.2f} s "
             f"(runs {', '.join(f'{x:.2f}' for x in cold['runs_s'])}; open {cold['open_s']:.2f} s)",
             f"{cold['peak_rss_mb']:.0f} MB (imports {cold['baseline_rss_mb']:.0f} MB)"],
            [f"naive pandas: {c['indicators']} indicators (read + compute)",
             f"{naive['total_s']:.2f} s (read {naive['read_s']:.2f} s)", f"{naive['peak_rss_mb']:.0f} MB"],
            ["roll-ups (engine, views below)", "-", f"{r['rollups']['peak_rss_mb']:.0f} MB"],
        ]), "",
        f"Speed-up over naive on the same {c['indicators']} indicators: "
        f"**{c['speedup_without_build']:.1f}x** "
        f"with the catalog built ({c['engine_s']:.2f} s vs {c['naive_s']:.2f} s), "
        f"**{c['speedup_with_build']:.1f}x** counting the build ({c['engine_with_build_s']:.2f} s).", "",
        "### Indicators (median seconds)", "",
        *_table(["indicator", "rows", "engine s", "naive s (excl. read)", "naive / engine", "naive equal"],
                _indicator_rows(cold, naive)), "",
        "### Roll-ups (ms, median / max)", "",
        *_table(["indicator", "grain", "level", "rows", "engine", "naive pandas"], _view_rows(r)), "",
        "First roll-up of an indicator (joint suppression of all views; later views reuse it): "
        + ", ".join(f"{i} {f['median_ms']:.1f} / {f['max_ms']:.1f} ms"
                    for i, f in r["rollups"]["first"].items())
        + ".",
    ]
    if naive["not_expressed"]:  # a finding, not a failure: adding an indicator is adding one SQL file
        lines += ["", *(f"- {no_baseline(i)} (left out of the comparison; add a pandas twin to "
                        "benchmarks/naive.py to include it)" for i in naive["not_expressed"])]
    problems = [f"- frame {i}: {'; '.join(p)}" for i, p in naive["frame_problems"].items() if p]
    problems += [f"- roll-up {k}: {'; '.join(p)}" for k, p in naive["rollup_problems"].items() if p]
    if problems:
        lines += ["", "**Differences between naive and engine (a bug in one of them):**", "", *problems]
    return lines


def _indicator_rows(cold: dict[str, Any], naive: dict[str, Any]) -> Iterable[list[str]]:
    for i, s in sorted(cold["per_indicator_s"].items(), key=lambda kv: -kv[1]):
        n = naive["per_indicator_s"].get(i)
        problems = naive["frame_problems"].get(i)
        same = "-" if problems is None else ("NO" if problems else "yes")
        yield [i, f"{cold['rows'][i]:,}", f"{s:.3f}", "-" if n is None else f"{n:.3f}",
               "-" if n is None else f"{n / s:.1f}x", same]


def _view_rows(r: dict[str, Any]) -> Iterable[list[str]]:
    naive = {(v["indicator"], v["grain"], v["level"]): v for v in r["naive"]["views"]}
    for v in r["rollups"]["views"]:
        n = naive.get((v["indicator"], v["grain"], v["level"]))
        yield [v["indicator"], v["grain"], v["level"], v["rows"], f"{v['median_ms']:.1f} / {v['max_ms']:.1f}",
               "-" if n is None else f"{n['median_ms']:.1f} / {n['max_ms']:.1f}"]


def _notes() -> list[str]:
    return [
        "## How to read this", "",
        "- Engine: DuckDB on the catalog that `build` made (once per delivery), then Polars roll-ups "
        "with disclosure control. Naive: `pd.read_parquet` of the extracts on every run (each file once "
        "per run, in its favour) and pandas groupbys, without disclosure control.",
        "- Every naive frame is compared to the engine's frame row by row, and every naive roll-up to "
        "the engine's unsuppressed cells: the timings compare equal answers.",
        "- Cold: every run in a fresh process (no DuckDB instance, no frame cache), imports excluded; "
        "the OS file cache is warm for both sides.",
        "- Roll-up views are timed through `Engine.series` after the first roll-up of the indicator, "
        "which suppresses every view at once and is cached; that first one is listed separately.",
        "- Peak RSS is per process (each phase runs in its own), imports included.",
    ]
