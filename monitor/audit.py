"""Disclosure audit: what someone who downloads every view can work out about a hidden cell.

The attack: take every published cell of an indicator (every grain, every area
level, value and denominator), write the equations between them ("total = sum of
its parts", the same families `rollup.linked` suppresses with), and ask a linear
programming solver for the smallest and largest value each hidden cell can take,
knowing only that no count is negative. A hidden cell that rests on fewer than k
people (a *primary* cell) is `exact` when the interval is a single number and
`narrow` when it is shorter than the protection width (default k).

Unknowns are the cells nobody publishes; every hidden coarser cell is tied to
the finest cells (month x wijk) by the equations, so this is the same problem as
one over the hidden finest cells. The problem splits into connected components
(unknowns linked by equations), each solved on its own with HiGHS. Equations
whose unknowns are pinned one by one (a total and all but one of its parts shown)
are solved by substitution first; the solver sees only what is left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
import scipy.sparse as sp
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

from monitor import disclosure
from monitor.indicators import Indicator
from monitor.rollup.linked import LEVELS, Cells, Linked, linked_cells

EXACT = 1e-6


@dataclass(frozen=True)
class Exposure:
    """A primary hidden cell and what the published cells say about it."""

    grain: str
    level: str
    period: str
    area: str
    true: float
    low: float
    high: float
    exposed_by: tuple[str, ...]  # a few published cells in the equations that pin it

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass(frozen=True)
class Audit:
    """One indicator's number column: counts and the worst examples (narrowest interval first)."""

    indicator: str
    column: str
    width: float
    hidden: int
    primary: int
    exact: int
    narrow: int
    worst: tuple[Exposure, ...]

    @property
    def exposed(self) -> int:
        return self.exact + self.narrow


def audit(cells: Cells, linked: Linked, ind: Indicator, *, width: float | None = None,
          examples: int = 5) -> list[Audit]:
    """Audit each number column of an indicator's suppressed `cells` against its true `linked` cells.

    Both come from the same frame; they are matched by period and area (row order is the
    roll-up's own), and the audit works in the order of `linked.cells`, which its equations use.
    """
    width = float(cells.k if width is None else width)
    matched = linked.cells.select("_pid", "_area").join(
        cells.cells.drop("_level"), on=["_pid", "_area"], how="left", maintain_order="left")
    if matched.height != linked.cells.height or matched["suppressed"].null_count():
        raise ValueError("The suppressed cells and the true cells do not describe the same views")
    cells = Cells(linked.cells.select("_level", "_pid", "_area").hstack(matched.drop("_pid", "_area")),
                  cells.periods, cells.places, cells.k)
    hidden = cells.cells["suppressed"].to_numpy().astype(bool)
    aux = linked.periods.sort("_pid")["_aux"].to_numpy()[cells.cells["_pid"].to_numpy()]
    known = _published(cells, ind, hidden, aux)
    primary = linked.cells.select(
        disclosure.primary(k=cells.k, measure=ind.measure, numerator_is_people=ind.numerator_is_people)
    ).to_series().to_numpy() & ~known
    rows, members, coef = _equations(linked.families)
    names = _names(cells)
    label = _exposer_labels(rows, members, coef, known, names)
    out = []
    for column in ["value", "denominator"] if ind.measure == "ratio" else ["value"]:
        true = linked.cells[column].to_numpy().astype(float)
        low, high, used = _intervals(rows, members, coef, known, true, np.flatnonzero(primary), width)
        span = high - low
        exact, narrow = span < EXACT, (span >= EXACT) & (span < width)
        worst = np.flatnonzero(exact | narrow)
        worst = worst[np.argsort(span[worst], kind="stable")][:examples]
        shown = tuple(
            Exposure(*names[c], true=true[c], low=low[c], high=high[c],
                     exposed_by=tuple(dict.fromkeys(label[e] for e in used.get(c, ())))[:3])
            for c in worst
        )
        out.append(Audit(ind.id, column, width, int(hidden.sum()), int(primary.sum()),
                         int(exact.sum()), int(narrow.sum()), shown))
    return out


def audit_indicator(engine, ind_id: str, *, width: float | None = None) -> list[Audit]:
    """`audit` for an indicator as the engine computes it (its cached cells, true numbers recomputed)."""
    ind = engine.indicator(ind_id)
    cells = engine.cells(ind_id)
    if cells is None:
        return []
    linked = linked_cells(engine.frame(ind_id), ind, engine.areas, municipality=engine.settings.municipality,
                          terms=engine.terms)
    assert linked is not None
    return audit(cells, linked, ind, width=width)


def _published(cells: Cells, ind: Indicator, hidden: np.ndarray, aux: np.ndarray) -> np.ndarray:
    """Cells a surface shows: every cell not hidden, and a comparison-only cell (last year's term)
    where it is shown as `result_prev` beside a shown cell (a count or stock: its value itself)."""
    known = ~hidden & ~aux
    if ind.measure == "ratio" or not aux.any():
        return known
    c = cells.cells.with_row_index("_row").with_columns(pl.Series("_shown", ~hidden))
    prev = cells.periods.filter(pl.col("_prev_pid").is_not_null()).select("_pid", "_prev_pid")
    this = c.join(prev, on="_pid").select(pl.col("_prev_pid").alias("_pid"), "_area", "_shown")
    rows = c.join(this, on=["_pid", "_area"]).filter(pl.col("_shown_right") & pl.col("_shown"))
    known[rows["_row"].to_numpy()] = True
    return known


def _equations(families: list[pl.DataFrame]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every equation as (row, cell, coefficient): parts +1, the total -1, summing to zero."""
    rows, members, coef, offset = [], [], [], 0
    for fam in families:
        ids = np.unique(fam[disclosure.SET].to_numpy(), return_inverse=True)[1]
        rows.append(ids + offset)
        members.append(fam[disclosure.CELL].to_numpy())
        coef.append(np.where(fam[disclosure.TOTAL].to_numpy(), -1.0, 1.0))
        offset += int(ids.max()) + 1 if ids.size else 0
    return np.concatenate(rows), np.concatenate(members), np.concatenate(coef)


def _intervals(rows: np.ndarray, members: np.ndarray, coef: np.ndarray, known: np.ndarray,
               true: np.ndarray, targets: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray, dict]:
    """Smallest and largest value of each target cell (NaN elsewhere), and the equations used."""
    n = known.size
    low, high = np.full(n, np.nan), np.full(n, np.nan)
    used: dict[int, list[int]] = {}
    unknown = np.flatnonzero(~known)
    col = np.full(n, -1)
    col[unknown] = np.arange(unknown.size)
    free = ~known[members]
    n_eq = int(rows.max()) + 1 if rows.size else 0
    rhs = -np.bincount(rows[~free], weights=(coef * true[members])[~free], minlength=n_eq)
    a = sp.csr_matrix((coef[free], (rows[free], col[members[free]])), shape=(n_eq, unknown.size))
    graph = sp.bmat([[None, a], [a.T, None]]).tocsr()
    _, label = connected_components(graph, directed=False)
    var_label, eq_label = label[n_eq:], label[:n_eq]
    eq_order = np.argsort(eq_label, kind="stable")
    eq_bounds = np.searchsorted(eq_label[eq_order], np.arange(label.max() + 2))
    for comp in np.unique(var_label[col[targets]]):
        variables = np.flatnonzero(var_label == comp)
        eqs = eq_order[eq_bounds[comp]:eq_bounds[comp + 1]]
        wanted = np.flatnonzero(np.isin(unknown[variables], targets))
        cells = unknown[variables[wanted]]
        if not eqs.size:  # in no equation: anything from 0 up
            low[cells], high[cells] = 0.0, np.inf
            continue
        lp = _Component(a[eqs][:, variables], rhs[eqs], true[unknown[variables]], wanted)
        for i, v in enumerate(wanted):
            low[cells[i]], high[cells[i]], duals = lp.interval(v, width)
            used[int(cells[i])] = [int(e) for e in eqs[np.argsort(-duals)][: int((duals > 1e-9).sum())]]
    return low, high, used


class _Component:
    """One connected component's linear programme: x >= 0, a @ x = b; intervals of its unknowns.

    Every solution found is a feasible point, so it widens the range seen for every
    other unknown as well: an unknown whose seen range (from the true values and the
    points found) is already `width` wide is safe without solving its own programmes.
    Its reported interval is then that seen range, a lower bound on the true one.
    """

    def __init__(self, a: sp.csr_matrix, b: np.ndarray, true: np.ndarray, wanted: np.ndarray):
        self.a, self.b = a, b
        self.seen_low, self.seen_high = true.copy(), true.copy()
        weights = np.zeros(a.shape[1])
        weights[wanted] = 1.0
        for sign in (1.0, -1.0):  # two cheap programmes that move many unknowns at once
            self._run(sign * weights)

    def _run(self, c: np.ndarray) -> tuple[float, np.ndarray]:
        res = linprog(c, A_eq=self.a, b_eq=self.b, bounds=(0, None), method="highs")
        if res.status == 3:  # unbounded
            return -np.inf, np.zeros(self.a.shape[0])
        if res.status != 0:
            raise RuntimeError(f"The audit's linear programme failed: {res.message}")
        self.seen_low = np.minimum(self.seen_low, res.x)
        self.seen_high = np.maximum(self.seen_high, res.x)
        return res.fun, np.abs(res.eqlin.marginals)

    def interval(self, v: int, width: float) -> tuple[float, float, np.ndarray]:
        """min and max of unknown v (or the seen range when that already proves it safe), and
        each equation's largest |dual| (the equations that pin it)."""
        duals = np.zeros(self.a.shape[0])
        if self.seen_high[v] - self.seen_low[v] >= width:
            return self.seen_low[v], self.seen_high[v], duals
        c = np.zeros(self.a.shape[1])
        c[v] = 1.0
        low, d = self._run(c)
        duals = np.maximum(duals, d)
        if self.seen_high[v] - self.seen_low[v] >= width:
            return low, self.seen_high[v], duals
        high, d = self._run(-c)
        return low, (np.inf if high == -np.inf else -high), np.maximum(duals, d)


def _names(cells: Cells) -> list[tuple[str, str, str, str]]:
    """(grain, level, period, area) of every cell; a comparison-only term is marked as such."""
    p = cells.periods.select(
        "_pid", "_grain",
        pl.when(pl.col("_aux")).then(pl.format("{} (a year earlier)", "period")).otherwise("period")
        .alias("period"))
    named = (cells.cells.select("_level", "_pid", "_area").with_row_index("_row")
             .join(p, on="_pid", how="left")
             .join(cells.places.select("_area", "area"), on="_area", how="left")
             .sort("_row"))
    levels = [LEVELS[i] for i in named["_level"]]
    return list(zip(named["_grain"], levels, named["period"], named["area"], strict=True))


def _exposer_labels(rows: np.ndarray, members: np.ndarray, coef: np.ndarray, known: np.ndarray,
                    names: list[tuple[str, str, str, str]]) -> dict[int, str]:
    """Per equation, the published cell that names it: its total when shown, else a shown part."""
    pick: dict[int, tuple[bool, int]] = {}
    for r, m, c in zip(rows.tolist(), members.tolist(), coef.tolist(), strict=True):
        if known[m] and (r not in pick or (c < 0 and not pick[r][0])):
            pick[r] = (c < 0, m)
    return _Labels(pick, names)


class _Labels(dict):
    """Equation -> "grain level period area" of its naming published cell, worded on demand."""

    def __init__(self, pick: dict[int, tuple[bool, int]], names: list[tuple[str, str, str, str]]):
        super().__init__()
        self._pick, self._names = pick, names

    def __missing__(self, eq: int) -> str:
        if eq not in self._pick:
            return "(equations between hidden cells only)"
        grain, level, period, area = self._names[self._pick[eq][1]]
        return f"{grain} {period} {level} {area}"

