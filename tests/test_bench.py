"""The benchmark machinery on a tiny period: the result structure, and naive == engine.

No timing assertions (a benchmark measures; it does not pass or fail on a slow machine).
The valuable part is the equality: every indicator that has a naive pandas equivalent
must give the same month x wijk frame as its query file, and the naive roll-ups the
same unsuppressed cells, or the speed comparison compares different answers.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import polars as pl
import pytest

from monitor import bench

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
    assert len(views) == 3 * len(bench.GRAINS) * len(bench.LEVELS)
    assert {(v["indicator"], v["grain"], v["level"]) for v in scale["naive"]["views"]} == views
    assert {"speedup_without_build", "speedup_with_build"} <= set(scale["comparison"])
    assert [t["target"] for t in result["targets"]] and all("pass" in t for t in result["targets"])


def test_every_indicator_has_a_naive_equivalent(result: dict) -> None:
    naive = result["scales"][0]["naive"]
    assert naive["not_expressed"] == [], "add a pandas equivalent to monitor/bench.py NAIVE"
    assert set(naive["expressed"]) == set(result["scales"][0]["cold"]["per_indicator_s"])


def test_naive_frames_equal_the_engine_frames(result: dict) -> None:
    problems = result["scales"][0]["naive"]["frame_problems"]
    assert problems and {i: p for i, p in problems.items() if p} == {}


def test_naive_rollups_equal_the_engine_rollups(result: dict) -> None:
    problems = result["scales"][0]["naive"]["rollup_problems"]
    assert len(problems) == 3 * len(bench.GRAINS) * len(bench.LEVELS)
    assert {k: p for k, p in problems.items() if p} == {}


# ---------------------------------------------------------------- the checks can fail


def _frame() -> pl.DataFrame:
    month = dt.date(2024, 1, 1)
    return pl.DataFrame({"month": [month, month], "wijk_code": ["WK051801", "WK051802"], "value": [3.0, 4.0]})


def test_frame_check_sees_a_different_value_and_a_missing_row() -> None:
    naive = _frame().to_pandas()
    assert bench.frame_problems(_frame(), naive, "series", "count") == []
    naive.loc[1, "value"] = 5
    assert "differ in value" in " ".join(bench.frame_problems(_frame(), naive, "series", "count"))
    assert "only in the engine" in " ".join(bench.frame_problems(_frame(), naive.iloc[:1], "series", "count"))


def test_rollup_check_ignores_suppressed_cells_only() -> None:
    series = pl.DataFrame({"period": ["2024", "2024"], "area": ["A", "B"], "value": [30.0, None],
                           "suppressed": [False, True]})
    naive = pd.DataFrame({"period": ["2024", "2024"], "area": ["A", "B"], "value": [30.0, 4.0]})
    assert bench.rollup_problems(series, naive, "count") == []
    naive.loc[0, "value"] = 31.0
    assert bench.rollup_problems(series, naive, "count") != []


def test_markdown_names_every_target(result: dict) -> None:
    text = bench.markdown(result)
    for t in result["targets"]:
        assert t["target"] in text
