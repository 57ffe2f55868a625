"""The attack, and the repair that makes a suppression pattern withstand it (docs/disclosure.md).

The attacker takes every published cell of an indicator (every grain and area
level the plan publishes, value and denominator), writes the equations between
them ("total = sum of its parts", the same families `linked` suppresses with),
and asks a linear-programming solver for the smallest and largest value each
hidden cell can take, knowing only that no count is negative. A *primary* cell
(fewer than k people) is protected when that interval is at least the
protection width wide.

`protect` runs the attack on a pattern and, where a primary cell is pinned,
hides one more published cell in the equations that pin it (the LP's dual
values name them), lets the complementary rule restore its own invariant, and
attacks again. Hiding a cell only removes a known value, so no interval ever
shrinks: cells proven safe stay safe, and each round re-attacks only the cells
that were still exposed. Each round hides at least one cell, so it ends.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass

import highspy
import numpy as np
import polars as pl
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from monitor import disclosure
from monitor.rollup.distinct import ONLY, SENSE

EXACT = 1e-6
# a solver's floating-point noise: an interval counts as `width` wide when it is within this of it
TOLERANCE = 1e-6
MAX_ROUNDS = 60  # then every published cell in the pinning equations goes at once, the city's last:
SPARE_ROUNDS = 10  # for this many rounds more the city's own cells are spared where others can go


@dataclass(frozen=True)
class Protection:
    """What the repair did, for the build report and docs/benchmarks.md."""

    hidden: np.ndarray  # per cell of `Linked.cells`: the final pattern
    primary: int
    added: int  # cells hidden by the repair (after the complementary rule)
    rounds: int
    seconds: float


def equations(families: list[pl.DataFrame]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every equation as (row, cell, coefficient): parts +1, the total -1, summing to zero."""
    rows, members, coef, offset = [], [], [], 0
    for fam in families:
        ids = np.unique(fam[disclosure.SET].to_numpy(), return_inverse=True)[1]
        rows.append(ids + offset)
        members.append(fam[disclosure.CELL].to_numpy())
        coef.append(np.where(fam[disclosure.TOTAL].to_numpy(), -1.0, 1.0))
        offset += int(ids.max()) + 1 if ids.size else 0
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    r, m, c = np.concatenate(rows), np.concatenate(members), np.concatenate(coef)
    # one order whatever order the joins gave the memberships in: the solver's path (and on a
    # tie, which of several optimal points it returns) must not change from run to run
    order = np.lexsort((m, r))
    return r[order], m[order], c[order]


def system(linked) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The equations and then `linked.bounds`'s inequalities, as (row, cell, coefficient, sense, only).

    Every row reads "parts - total" (parts +1, the total -1) and its sense says how that
    compares with 0: 0 equal, +1 at least, -1 at most. `only`: the number column a row
    holds for ("" for all); `rows_for` picks a column's rows. Row numbers are shared by
    all columns, so the repair can name a row found for any of them.
    """
    rows, members, coef = equations(linked.families)
    sense, only = np.zeros(rows.size, np.int8), np.full(rows.size, "", dtype=object)
    offset = int(rows.max()) + 1 if rows.size else 0
    parts = [(rows, members, coef, sense, only)]
    for fam in linked.bounds:
        ids = np.unique(fam[disclosure.SET].to_numpy(), return_inverse=True)[1]
        r, m = ids + offset, fam[disclosure.CELL].to_numpy()
        order = np.lexsort((m, r))
        parts.append((r[order], m[order], np.where(fam[disclosure.TOTAL].to_numpy(), -1.0, 1.0)[order],
                      fam[SENSE].to_numpy().astype(np.int8)[order], fam[ONLY].to_numpy()[order]))
        offset += int(ids.max()) + 1 if ids.size else 0
    return tuple(np.concatenate(p) for p in zip(*parts, strict=True))  # type: ignore[return-value]


def rows_for(column: str, only: np.ndarray) -> np.ndarray:
    """The entries of `system` that hold for a number column."""
    return (only == "") | (only == column)


def known_cells(cells: pl.DataFrame, periods: pl.DataFrame, measure: str, hidden: np.ndarray) -> np.ndarray:
    """Cells a surface shows: every cell not hidden, and a comparison-only cell (last year's term)
    where it is shown as `result_prev` beside a shown cell (a count or stock: its value itself)."""
    aux = periods.sort("_pid")["_aux"].to_numpy()[cells["_pid"].to_numpy()]
    known = ~hidden & ~aux
    if measure == "ratio" or not aux.any():
        return known
    c = cells.select("_pid", "_area").with_row_index("_row").with_columns(pl.Series("_shown", ~hidden))
    prev = periods.filter(pl.col("_prev_pid").is_not_null()).select("_pid", "_prev_pid")
    this = c.join(prev, on="_pid").select(pl.col("_prev_pid").alias("_pid"), "_area", "_shown")
    rows = c.join(this, on=["_pid", "_area"]).filter(pl.col("_shown_right") & pl.col("_shown"))
    known[rows["_row"].to_numpy()] = True
    return known


def primary_cells(linked, ind, k: int) -> np.ndarray:
    """Published cells resting on fewer than k people (what the rule protects); a term a year
    earlier counts too (a surface shows it beside this term)."""
    small = linked.cells.select(
        disclosure.primary(k=k, measure=ind.behaves_as, numerator_is_people=ind.numerator_is_people)
    ).to_series().to_numpy()
    return small & linked.shown


def number_columns(ind) -> list[str]:
    return ["value", "denominator"] if ind.is_ratio else ["value"]


def protect(linked, ind, hidden: np.ndarray, *, k: int, width: float,
            also: np.ndarray | None = None) -> Protection:
    """Add suppressions to `hidden` until no primary cell is pinned narrower than `width`. `also`:
    cells to treat as primary besides this indicator's own (a complement's small cells,
    `shared.protect_together`)."""
    t0 = time.perf_counter()
    rows, members, coef, sense, only = system(linked)
    keep = {c: rows_for(c, only) for c in number_columns(ind)}
    primary = primary_cells(linked, ind, k)
    if also is not None:
        primary = primary | (also & linked.shown)
    start, targets, rounds = hidden.copy(), np.flatnonzero(primary), 0
    trues = {c: linked.cells[c].to_numpy().astype(float) for c in number_columns(ind)}
    city = linked.cells["_level"].to_numpy() == 0  # the totals an alderman reads first
    while targets.size:
        known = known_cells(linked.cells, linked.periods, ind.behaves_as, hidden)
        exposed: dict[int, list[int]] = {}
        for column, true in trues.items():
            on = keep[column]
            low, high, used = intervals(rows[on], members[on], coef[on], known, true, targets, width,
                                        sense=sense[on])
            for c in np.flatnonzero((high - low) < width - TOLERANCE):
                exposed.setdefault(int(c), []).extend(used.get(int(c), []))
        if not exposed:
            break
        rounds += 1
        extra = _partners(exposed, rows, members, known, trues, width, everything=rounds > MAX_ROUNDS,
                          spare=city if rounds <= MAX_ROUNDS + SPARE_ROUNDS else None)
        if not extra.size:  # nothing published pins it any more: cannot happen, but never loop forever
            break
        hidden = complete_pattern(linked, ind, hidden, extra, k)
        targets = np.array(sorted(exposed), dtype=np.int64)
    return Protection(hidden, int(primary.sum()), int((hidden & ~start).sum()), rounds,
                      time.perf_counter() - t0)


def _partners(exposed: dict[int, list[int]], rows: np.ndarray, members: np.ndarray, known: np.ndarray,
              trues: dict[str, np.ndarray], width: float, *, everything: bool,
              spare: np.ndarray | None = None) -> np.ndarray:
    """Per exposed cell, a published cell to hide from the equations that pin it.

    The smallest one that can absorb `width` (fewest people hidden for the protection),
    else the largest; `everything`: every published cell of those equations, but those
    `spare` marks (the city's own) only when no other is left there: a stuck repair
    hid the city's monthly totals of 110 placements for half a year (`proefplaatsingen`).
    When the pinning equations hold no published cell, the search widens one equation further.
    """
    order = np.argsort(rows, kind="stable")
    bounds = np.searchsorted(rows[order], np.arange(int(rows.max()) + 2 if rows.size else 1))
    by_cell = np.argsort(members, kind="stable")
    cell_bounds = np.searchsorted(members[by_cell], np.arange(known.size + 1))
    size = np.maximum.reduce(list(trues.values()))
    picks: set[int] = set()
    for cell, eqs in exposed.items():
        def eqs_of(m: int) -> np.ndarray:
            return rows[by_cell[cell_bounds[m]:cell_bounds[m + 1]]]

        frontier = list(dict.fromkeys(eqs)) or [int(r) for r in eqs_of(cell)]
        seen: set[int] = set()
        cand: list[int] = []
        while frontier and not cand:
            seen.update(frontier)
            inside = np.unique(np.concatenate([members[order[bounds[e]:bounds[e + 1]]] for e in frontier]))
            cand = [int(m) for m in inside if known[m]]
            nxt = np.unique(np.concatenate([eqs_of(m) for m in inside]))
            frontier = [int(e) for e in nxt if int(e) not in seen]
        if not cand:
            continue
        if everything:
            others = [c for c in cand if spare is None or not spare[c]]
            picks.update(others or cand)
            continue
        big = [c for c in cand if size[c] >= width]
        picks.add(min(big, key=lambda c: (size[c], c)) if big else max(cand, key=lambda c: (size[c], -c)))
    return np.array(sorted(picks), dtype=np.int64)


def complete_pattern(linked, ind, hidden: np.ndarray, extra: np.ndarray, k: int) -> np.ndarray:
    """`hidden` plus `extra`, closed under the complementary rule again."""
    start = hidden.copy()
    start[extra] = True
    out = disclosure.suppress_linked(
        linked.cells.with_columns(pl.Series("suppressed", start)), linked.families, k=k,
        measure=ind.behaves_as, numerator_is_people=ind.numerator_is_people, order_by=["_pid", "_area"],
        links=~linked.shown)
    return out["suppressed"].to_numpy().astype(bool)


def intervals(rows: np.ndarray, members: np.ndarray, coef: np.ndarray, known: np.ndarray,
              true: np.ndarray, targets: np.ndarray, width: float, sense: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray, dict]:
    """Smallest and largest value of each target cell (NaN elsewhere), and the equations that pin it.

    Unknowns are the cells not `known`; the problem splits into connected components
    (unknowns linked by equations), each solved on its own. `sense` (per entry, as from
    `system`): which rows are inequalities; none when not given.
    """
    n = known.size
    low, high = np.full(n, np.nan), np.full(n, np.nan)
    used: dict[int, list[int]] = {}
    unknown = np.flatnonzero(~known)
    col = np.full(n, -1)
    col[unknown] = np.arange(unknown.size)
    free = ~known[members]
    n_eq = int(rows.max()) + 1 if rows.size else 0
    rhs = -np.bincount(rows[~free], weights=(coef * true[members])[~free], minlength=n_eq)
    row_sense = np.zeros(n_eq, np.int8)
    if sense is not None:
        row_sense[rows] = sense
    a = sp.csr_matrix((coef[free], (rows[free], col[members[free]])), shape=(n_eq, unknown.size))
    graph = sp.bmat([[sp.csr_matrix((n_eq, n_eq)), a], [a.T, sp.csr_matrix((unknown.size, unknown.size))]])
    _, label = connected_components(graph.tocsr(), directed=False)
    var_label, eq_label = label[n_eq:], label[:n_eq]
    eq_order = np.argsort(eq_label, kind="stable")
    eq_bounds = np.searchsorted(eq_label[eq_order], np.arange(label.max() + 2))
    for comp in np.unique(var_label[col[targets]]):
        variables = np.flatnonzero(var_label == comp)
        eqs = eq_order[eq_bounds[comp]:eq_bounds[comp + 1]]
        wanted = np.flatnonzero(np.isin(unknown[variables], targets))
        cells = unknown[variables[wanted]]
        if not eqs.size or not rhs[eqs].any():
            # in no equation, or in equations between hidden cells only: those solutions form a
            # cone (any multiple of one is one; an inequality "... >= 0" or "<= 0" keeps that),
            # so a cell that is not 0 can be anything from 0 up
            low[cells], high[cells] = 0.0, np.inf
            continue
        lp = _Component(a[eqs][:, variables], rhs[eqs], true[unknown[variables]], wanted, width,
                        sense=row_sense[eqs])
        for i, v in enumerate(wanted):
            low[cells[i]], high[cells[i]], duals = lp.interval(v, width)
            used[int(cells[i])] = [int(e) for e in eqs[np.argsort(-duals)][: int((duals > 1e-9).sum())]]
    return low, high, used


class _Component:
    """One connected component's linear programme: x >= 0, a @ x = b (or >= b, <= b where `sense`
    says so); intervals of its unknowns.

    The model goes to HiGHS once; each interval changes only the objective, so the
    simplex restarts from the previous optimal basis (a few pivots, not a new solve).
    Every solution found is a feasible point, so it widens the range seen for every
    other unknown as well: an unknown whose seen range (from the true values and the
    points found) is already `width` wide is safe without solving its own programmes.
    Its reported interval is then that seen range, a lower bound on the true one.
    """

    def __init__(self, a: sp.csr_matrix, b: np.ndarray, true: np.ndarray, wanted: np.ndarray,
                 width: float = 0.0, sense: np.ndarray | None = None):
        self.n_rows, self.n_cols = a.shape
        self.seen_low, self.seen_high = true.copy(), true.copy()
        csc = a.tocsc()
        csc.sort_indices()
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n_cols, self.n_rows
        lp.col_cost_ = np.zeros(self.n_cols)
        lp.col_lower_, lp.col_upper_ = np.zeros(self.n_cols), np.full(self.n_cols, highspy.kHighsInf)
        b = np.asarray(b, dtype=float)
        sense = np.zeros(b.size, np.int8) if sense is None else sense
        lp.row_lower_ = np.where(sense < 0, -highspy.kHighsInf, b)
        lp.row_upper_ = np.where(sense > 0, highspy.kHighsInf, b)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_, lp.a_matrix_.index_ = csc.indptr, csc.indices
        lp.a_matrix_.value_ = csc.data
        self.h = _quiet_highs()
        self.h.passModel(lp)
        self.cols = np.arange(self.n_cols, dtype=np.int32)
        self._spread(wanted, width)

    def _spread(self, wanted: np.ndarray, width: float = 0.0, tries: int = 8) -> None:
        """A few programmes that move many unknowns at once: all wanted down, then, while it
        pays, the sum of those not yet seen `width` apart up. Each point found certifies
        every unknown it moves far enough, so most need no programme of their own."""
        weights = np.zeros(self.n_cols)
        weights[wanted] = 1.0
        self._run(weights)
        for _ in range(tries):
            open_ = wanted[self.seen_high[wanted] - self.seen_low[wanted] < max(width, 1e-9)]
            if open_.size < 2:
                return
            weights = np.zeros(self.n_cols)
            weights[open_] = -1.0
            self._run(weights)
            still = (self.seen_high[open_] - self.seen_low[open_] < max(width, 1e-9)).sum()
            if still > 0.9 * open_.size:
                return

    def _run(self, c: np.ndarray) -> tuple[float, np.ndarray]:
        """Minimise c @ x from the last basis: the optimum (-inf when unbounded) and |row duals|."""
        self.h.changeColsCost(self.n_cols, self.cols, c)
        self.h.run()
        status = self.h.getModelStatus()
        if status == highspy.HighsModelStatus.kUnbounded:
            return -np.inf, np.zeros(self.n_rows)
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"The disclosure attack's linear programme failed: "
                               f"{self.h.modelStatusToString(status)}")
        sol = self.h.getSolution()
        x = np.asarray(sol.col_value)
        self.seen_low = np.minimum(self.seen_low, x)
        self.seen_high = np.maximum(self.seen_high, x)
        return float(c @ x), np.abs(np.asarray(sol.row_dual))

    def interval(self, v: int, width: float) -> tuple[float, float, np.ndarray]:
        """min and max of unknown v (or the seen range when that already proves it safe), and
        each equation's largest |dual| (the equations that pin it)."""
        duals = np.zeros(self.n_rows)
        if self.seen_high[v] - self.seen_low[v] >= width - TOLERANCE:
            return self.seen_low[v], self.seen_high[v], duals
        c = np.zeros(self.n_cols)
        c[v] = 1.0
        top, d = self._run(-c)  # the largest value first: a small cell usually has room upwards
        high = np.inf if top == -np.inf else -top
        duals = np.maximum(duals, d)
        if high - self.seen_low[v] >= width - TOLERANCE:
            return self.seen_low[v], high, duals
        low, d = self._run(c)
        return low, high, np.maximum(duals, d)


def _swallow_banner() -> None:
    """HiGHS prints a banner on the first instance of a process, on file descriptor 1, whatever
    its options; `monitor series` writes CSV there. Make that first instance here, muted."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


_swallow_banner()


def _quiet_highs() -> highspy.Highs:
    """A HiGHS instance that prints nothing (its banner would land in the CLI's output)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    # Only the objective changes between solves, so the last basis stays primal feasible:
    # the primal simplex goes on from it (the dual simplex, HiGHS's default, starts over).
    h.setOptionValue("presolve", "off")
    h.setOptionValue("simplex_strategy", 4)
    return h
