"""Disclosure audit: the report of `rollup.attack` on an indicator's published pattern.

`python -m monitor audit-disclosure` prints, per indicator and number column, the
hidden cells, the primary cells (fewer than k people) and how many of them the
attack pins exactly or to an interval narrower than the protection width, with
the worst examples and the published cells that pin them. The roll-up repairs
its pattern with the same attack, so on what the monitor publishes this reports
zero; `audit_pattern` attacks any other pattern (the tests' leaking tables).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from monitor.indicators import Indicator
from monitor.rollup import attack
from monitor.rollup.attack import EXACT
from monitor.rollup.linked import CELL_LEVELS, Cells, Linked, cell_keys, linked_cells


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

    Both come from the same frame; they are matched by period and area, and the audit
    works in the order of `linked.cells`, which its equations use. A link cell (not in
    the publication plan) is never shown, so it counts as hidden.
    """
    matched = linked.cells.select("_pid", "_area").join(
        cells.cells.select("_pid", "_area", "suppressed"), on=["_pid", "_area"], how="left",
        maintain_order="left")
    if matched.height != linked.cells.height or matched["suppressed"].null_count() != (~linked.shown).sum():
        raise ValueError("The suppressed cells and the true cells do not describe the same views")
    hidden = matched["suppressed"].fill_null(True).to_numpy().astype(bool)
    return audit_pattern(linked, ind, hidden, k=cells.k, width=width, examples=examples)


def audit_pattern(linked: Linked, ind: Indicator, hidden: np.ndarray, *, k: int, width: float | None = None,
                  examples: int = 5) -> list[Audit]:
    """The attack on one suppression pattern (`hidden`, per cell of `linked.cells`)."""
    width = float(k if width is None else width)
    known = attack.known_cells(linked.cells, linked.periods, ind.behaves_as, hidden)
    primary = attack.primary_cells(linked, ind, k)
    rows, members, coef, sense, only = attack.system(linked)
    names = _names(linked)
    label = _exposer_labels(rows, members, coef, known, names)
    out = []
    for column in attack.number_columns(ind):
        true = linked.cells[column].to_numpy().astype(float)
        on = attack.rows_for(column, only)
        low, high, used = attack.intervals(rows[on], members[on], coef[on], known, true,
                                           np.flatnonzero(primary), width, sense=sense[on])
        span = high - low
        exact, narrow = span < EXACT, (span >= EXACT) & (span < width - attack.TOLERANCE)
        worst = np.flatnonzero(exact | narrow)
        worst = worst[np.argsort(span[worst], kind="stable")][:examples]
        shown = tuple(
            Exposure(*names[c], true=true[c], low=low[c], high=high[c],
                     exposed_by=tuple(dict.fromkeys(label[e] for e in used.get(c, ())))[:3])
            for c in worst
        )
        out.append(Audit(ind.id, column, width, int((hidden & linked.shown).sum()), int(primary.sum()),
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


def _names(linked: Linked) -> list[tuple[str, str, str, str]]:
    """(grain, level, period, area) of every cell; a comparison-only term is marked as such."""
    return [(grain, CELL_LEVELS[level], f"{period} (a year earlier)" if aux else period, area)
            for level, grain, period, aux, area in cell_keys(linked)]


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

