"""The benchmark machinery (benchmarks/) on a tiny period: the result structure, and naive == engine.

No timing assertions (a benchmark measures; it does not pass or fail on a slow machine).
The valuable part is the equality: every indicator that has a naive pandas twin
(benchmarks/naive.py) must give the same month x wijk frame as its query file, and the naive
roll-ups the same unsuppressed cells, or the speed comparison compares different answers.
A query file without a twin is not a failure (adding an indicator is adding one SQL file):
the report names it.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pandas as pd
import polars as pl
import pytest

from benchmarks import compare, report
from benchmarks import engine as bench
from benchmarks.naive import NAIVE
from benchmarks.phases import GRAINS, LEVELS
from monitor import indicators
from monitor.rollup.plan import PLAN
from monitor.settings import get_settings
from tests.conftest import ROOT

# every grain x level the publication plan shows (wijk: years and terms only)
_PUBLISHED_VIEWS = sum(g in PLAN[lv] for g in GRAINS for lv in LEVELS)

TINY_UNTIL = "2019-06"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("bench") / "engine.json"
    assert bench.main(scales=[1], out=out, until=TINY_UNTIL, repeats=1, rollup_repeats=1) == 0
    assert out.with_suffix(".md").is_file()
    return json.loads(out.read_text())


def test_result_file_structure(result: dict) -> None:
    assert result["meta"]["until"] == TINY_UNTIL
    [scale] = result["scales"]
    assert scale["scale"] == 1
    assert set(scale) >= {"rows", "generate_s", "build", "cold", "rollups", "naive", "comparison"}
    assert scale["build"]["ok"] and scale["build"]["seconds"] > 0
    assert set(scale["cold"]["per_indicator_s"]) == set(scale["cold"]["rows"])
    assert scale["cold"]["problems"] == []
    assert set(scale["rollups"]["indicators"]) == {"count", "ratio", "stock"}
    views = {(v["indicator"], v["grain"], v["level"]) for v in scale["rollups"]["views"]}
    assert len(views) == 3 * _PUBLISHED_VIEWS
    assert {(v["indicator"], v["grain"], v["level"]) for v in scale["naive"]["views"]} == views
    assert {"speedup_without_build", "speedup_with_build"} <= set(scale["comparison"])
    assert [t["target"] for t in result["targets"]] and all("pass" in t for t in result["targets"])


def test_every_twin_is_compared_and_every_other_indicator_named(result: dict) -> None:
    """Parametrized over what the registry scans: a twin is compared whenever its query file exists,
    and a query file without one is a line in the report, not a failure."""
    [scale] = result["scales"]
    naive, computed = scale["naive"], set(scale["cold"]["per_indicator_s"])
    registry = indicators.load_registry(get_settings().queries_dir)
    assert computed == set(registry.indicators)
    assert set(naive["expressed"]) == computed & set(NAIVE)
    assert set(naive["not_expressed"]) == computed - set(NAIVE)
    assert set(naive["frame_problems"]) == set(naive["expressed"])
    text = report.markdown(result)
    for ind_id in naive["not_expressed"]:
        assert report.no_baseline(ind_id) in text


def test_every_twin_has_its_query_file() -> None:
    """A twin whose query file was renamed or removed would silently stop being compared."""
    scanned = set(indicators.load_registry(get_settings().queries_dir).indicators)
    assert set(NAIVE) <= scanned, f"twins without a query file: {sorted(set(NAIVE) - scanned)}"


def test_report_names_an_indicator_without_a_twin(result: dict) -> None:
    naive = result["scales"][0]["naive"]
    without = {**result, "scales": [{**result["scales"][0],
                                     "naive": {**naive, "not_expressed": ["nieuwe_indicator"]}}]}
    assert "no naive baseline for nieuwe_indicator" in report.markdown(without)


def test_monitor_never_imports_benchmarks_or_tests() -> None:
    """Benchmarks and browser tooling are not product code: importing every module of monitor/
    (as a server or the CLI does) must load neither."""
    code = ("import pkgutil, importlib, sys, monitor\n"
            "for m in pkgutil.walk_packages(monitor.__path__, 'monitor.'):\n"
            "    if not m.name.endswith('__main__'):\n"
            "        importlib.import_module(m.name)\n"
            "print(sorted(n for n in sys.modules if n.split('.')[0] in ('benchmarks', 'tests')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip() == "[]"


def test_naive_frames_equal_the_engine_frames(result: dict) -> None:
    problems = result["scales"][0]["naive"]["frame_problems"]
    assert problems and {i: p for i, p in problems.items() if p} == {}


def test_naive_rollups_equal_the_engine_rollups(result: dict) -> None:
    problems = result["scales"][0]["naive"]["rollup_problems"]
    assert len(problems) == 3 * _PUBLISHED_VIEWS
    assert {k: p for k, p in problems.items() if p} == {}


# ---------------------------------------------------------------- the checks can fail


def _frame() -> pl.DataFrame:
    month = dt.date(2024, 1, 1)
    return pl.DataFrame({"month": [month, month], "wijk_code": ["WK051801", "WK051802"], "value": [3.0, 4.0]})


def test_frame_check_sees_a_different_value_and_a_missing_row() -> None:
    naive = _frame().to_pandas()
    assert compare.frame_problems(_frame(), naive, "series", "count") == []
    naive.loc[1, "value"] = 5
    assert "differ in value" in " ".join(compare.frame_problems(_frame(), naive, "series", "count"))
    missing = compare.frame_problems(_frame(), naive.iloc[:1], "series", "count")
    assert "only in the engine" in " ".join(missing)


def test_rollup_check_ignores_suppressed_cells_only() -> None:
    series = pl.DataFrame({"period": ["2024", "2024"], "area": ["A", "B"], "value": [30.0, None],
                           "suppressed": [False, True]})
    naive = pd.DataFrame({"period": ["2024", "2024"], "area": ["A", "B"], "value": [30.0, 4.0]})
    assert compare.rollup_problems(series, naive, "count") == []
    naive.loc[0, "value"] = 31.0
    assert compare.rollup_problems(series, naive, "count") != []


def test_markdown_names_every_target(result: dict) -> None:
    text = report.markdown(result)
    for t in result["targets"]:
        assert t["target"] in text
