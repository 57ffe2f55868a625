"""Draws to Polars columns: code labels, dates with nulls, pseudonymised ids that follow time."""

from __future__ import annotations

import numpy as np
import polars as pl


def labels(codes: tuple[str, ...], idx: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    """Code indexes as the contract's labels; -1 or not `valid` gives null (not known yet)."""
    s = pl.Series(list(codes), dtype=pl.String).gather(np.where(idx < 0, 0, idx))
    missing = (idx < 0) if valid is None else (~valid | (idx < 0))
    return s.scatter(np.flatnonzero(missing), None) if missing.any() else s


def dates(days: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    """Day numbers as a Date column; not `valid` gives null (after the cut-off)."""
    s = pl.Series(np.where(valid, days, 0) if valid is not None else days).cast(pl.Int32).cast(pl.Date)
    return s.scatter(np.flatnonzero(~valid), None) if valid is not None and (~valid).any() else s


def id_series(prefix: str, numbers: np.ndarray) -> pl.Series:
    """Pseudonymised ids like 'S00000001'."""
    return pl.select(pl.lit(prefix) + pl.Series(numbers).cast(pl.String).str.zfill(8)).to_series()


def with_ids(df: pl.DataFrame, key: str, prefix: str) -> pl.DataFrame:
    """Number the sorted records: ids follow time, like a source system's sequence."""
    return df.insert_column(0, id_series(prefix, np.arange(1, df.height + 1)).alias(key))
