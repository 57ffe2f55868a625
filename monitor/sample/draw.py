"""Small vectorised draws shared by the generators; each takes the one generator, so order is kept."""

from __future__ import annotations

import numpy as np

from monitor.sample.grid import Grid


def choice(rng: np.random.Generator, n: int, weights: np.ndarray | list[float]) -> np.ndarray:
    """n category indexes from unnormalised weights."""
    w = np.asarray(weights, dtype=float)
    return rng.choice(len(w), size=n, p=w / w.sum())


def choice_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One category per row from a (rows x categories) probability matrix."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)


def in_month(rng: np.random.Generator, grid: Grid, month_idx: np.ndarray) -> np.ndarray:
    """A uniform day within each record's month."""
    return grid.start[month_idx] + (rng.random(len(month_idx)) * grid.length[month_idx]).astype(np.int64)


def gamma_days(rng: np.random.Generator, n: int, shape: float, mean: float, lo: int = 0) -> np.ndarray:
    """Waiting times in whole days: right-skewed like real lead times, never below `lo`."""
    return lo + np.round(rng.gamma(shape, mean / shape, n)).astype(np.int64)


def months_idx(counts: np.ndarray) -> np.ndarray:
    """The month index of each record, from the number of records per month."""
    return np.repeat(np.arange(len(counts)), counts)
