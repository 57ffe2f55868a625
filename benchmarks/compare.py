"""Equality of the naive baseline and the engine: the speed comparison must compare equal answers.

A difference is a bug in one of the two and is reported as a finding of the benchmark.
"""

from __future__ import annotations

import pandas as pd
import polars as pl

TOLERANCE = 1e-9


def frame_problems(engine_frame: pl.DataFrame, naive: pd.DataFrame, shape: str, measure: str) -> list[str]:
    """Differences between the engine's indicator frame and the naive one; [] when they are equal."""
    keys = ["cohort_month", "months_since", "wijk_code"] if shape == "cohort" else ["month", "wijk_code"]
    cols = ["value", "denominator"] if measure == "ratio" else ["value"]
    theirs = _as_contract(naive, keys, cols)
    ours = engine_frame.select(*keys, *cols)
    if ours.select(keys).is_duplicated().any():  # a frame with `dimensions:` has a row per group: add them up
        ours = ours.group_by(keys, maintain_order=True).agg(pl.col(c).sum() for c in cols)
    return _differences(ours, theirs, keys, cols, fill_missing=False)


def _as_contract(naive: pd.DataFrame, keys: list[str], cols: list[str]) -> pl.DataFrame:
    f = pl.from_pandas(naive.reset_index(drop=True)[keys + cols]) if len(naive) else \
        pl.DataFrame(schema=dict.fromkeys(keys + cols, pl.Float64))
    casts = [pl.col(k).cast(pl.Date) if k.endswith("month") else
             pl.col(k).cast(pl.Int64) if k == "months_since" else pl.col(k).cast(pl.String) for k in keys]
    return f.select(*casts, *[pl.col(c).cast(pl.Float64) for c in cols])


def _differences(ours: pl.DataFrame, theirs: pl.DataFrame, keys: list[str], cols: list[str],
                 *, fill_missing: bool) -> list[str]:
    """Rows in one frame only, and numbers that differ; a missing row reads 0 when `fill_missing`."""
    joined = ours.join(theirs, on=keys, how="full", coalesce=True, suffix="_naive")
    problems = []
    if not fill_missing:
        for side, missing in (("engine", f"{cols[0]}_naive"), ("naive", cols[0])):
            only = joined.filter(pl.col(missing).is_null())
            if only.height:
                problems.append(f"{only.height} rows only in the {side} frame, e.g. {_row(only, keys)}")
    joined = joined.with_columns(pl.col(c).fill_null(0.0) for c in cols + [f"{c}_naive" for c in cols])
    for c in cols:
        a, b = pl.col(c), pl.col(f"{c}_naive")
        bad = joined.filter((a - b).abs() > TOLERANCE * pl.max_horizontal(a.abs(), b.abs(), pl.lit(1.0)))
        if bad.height:
            problems.append(f"{bad.height} rows differ in {c}, e.g. {_row(bad, keys)}: engine "
                            f"{bad[c][0]}, naive {bad[f'{c}_naive'][0]}")
    return problems


def _row(df: pl.DataFrame, keys: list[str]) -> str:
    return "/".join(str(df[k][0]) for k in keys)


def rollup_problems(series: pl.DataFrame, naive: pd.DataFrame, measure: str) -> list[str]:
    """The naive roll-up against the engine's cells that disclosure control left visible."""
    cols = ["value", "denominator"] if measure == "ratio" else ["value"]
    schema = {"period": pl.String, "area": pl.String} | dict.fromkeys(cols, pl.Float64)
    theirs = pl.from_pandas(naive[["period", "area", *cols]]).cast(schema) if len(naive) else \
        pl.DataFrame(schema=schema)
    hidden = series.filter(pl.col("suppressed")).select("period", "area")
    ours = series.filter(~pl.col("suppressed")).select("period", "area", *cols)
    return _differences(ours, theirs.join(hidden, on=["period", "area"], how="anti"), ["period", "area"],
                        cols, fill_missing=True)
