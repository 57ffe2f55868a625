"""Complements (`rollup.shared`): two indicators whose numbers add up to a published total are
found from the data, and only they: twins of the two, or a series of zeros, are no evidence."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import polars as pl

from monitor.rollup import shared
from tests.test_rollup import indicator

WIJKEN = ["WK01", "WK02", "WK03"]


def _months(first: dt.date, n: int) -> list[dt.date]:
    steps = [first.month - 1 + i for i in range(n)]
    return [dt.date(first.year + k // 12, k % 12 + 1, 1) for k in steps]


def _frame(values: np.ndarray, first: dt.date, column: str = "value") -> pl.DataFrame:
    """A month x wijk frame from a (months, wijken) array."""
    rows = [(m, w, float(values[i, j])) for i, m in enumerate(_months(first, values.shape[0]))
            for j, w in enumerate(WIJKEN)]
    schema = {"month": pl.Date, "wijk_code": pl.String, column: pl.Float64}
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.with_columns(pl.lit(None, pl.Float64).alias("denominator")) if column == "value" else frame


def _inds(*ids: str) -> dict:
    return {i: dataclasses.replace(indicator("count"), id=i, sources=("x",)) for i in ids}


def test_a_follow_up_and_its_complement_are_found_a_year_after_the_total_starts() -> None:
    rng = np.random.default_rng(7)
    total = rng.integers(5, 40, size=(36, 3)).astype(float)  # placements, 2019-2021
    traced = np.floor(total[:24] * 0.9)  # measured twelve months later, 2020-2021
    frames = {"total": _frame(total, dt.date(2019, 1, 1)),
              "traced": _frame(traced, dt.date(2020, 1, 1)),
              "untraced": _frame(total[:24] - traced, dt.date(2020, 1, 1))}
    inds = _inds(*frames)
    assert shared.twins(inds["untraced"], frames, inds) == ["traced"]
    assert shared.twins(inds["traced"], frames, inds) == ["untraced"]  # the same group, whoever asks


def test_twins_of_the_two_and_a_zero_series_are_no_evidence() -> None:
    rng = np.random.default_rng(8)
    a, b = rng.integers(1, 30, size=(24, 3)).astype(float), rng.integers(1, 30, size=(24, 3)).astype(float)
    first = dt.date(2021, 1, 1)
    frames = {"a": _frame(a, first), "a_twin": _frame(a, first), "b": _frame(b, first),
              "b_twin": _frame(b, first), "zero": _frame(np.zeros((24, 3)), first)}
    inds = _inds(*frames)
    # a + b equals a_twin + b_twin in every cell, which says nothing: a's group is its own twin only
    assert shared.twins(inds["a"], frames, inds) == ["a_twin"]
    assert shared.twins(inds["zero"], frames, inds) == []  # zero + a = a_twin is no relation
