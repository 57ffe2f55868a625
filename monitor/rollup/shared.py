"""Indicators that publish the same number get one pattern for it.

The protection rule is per indicator, but an attacker reads every indicator. When
two indicators carry the same number per month and wijk (the early-warning reach
ratio's denominator is the count of signals received), a cell one hides and the
other shows is simply read from the other; and each one's complementary cells,
chosen on its own, can pin a cell in the other. So such *twins* are protected
together: each starts from the union of their hidden cells, is repaired by the
attack, and that repeats until neither changes. Then the shared number is hidden
in the same cells in both, and each one's own attack covers it.

Twins are found from the data (equal per month and wijk, not all zero), among
indicators reading the same extract, so no hand-kept list can fall out of date.

*Complements* are protected the same way: two indicators whose numbers add up, per
month and wijk, to numbers published elsewhere (the placements that cannot be traced
after twelve months plus the traced ones, the denominator of the lasting-work ratio,
are all placements of twelve months earlier, from and without social assistance; that
count is no longer published for this reason, docs/disclosure.md). Each is then the
published total minus the other, so a cell one hides and the other shows is read by a
subtraction. Found from the data too: a number
column of each whose sum equals one or two published number columns of other
indicators reading the same extracts, in the same month or twelve months earlier (a
follow-up), in every month both cover. Each is also repaired as if the other's small
cells were its own, so that neither is pinned in its own equations. The attack does not
solve the two systems together with the relation between them (nor protect the total's own
hidden cells through it): where two wide intervals meet, an attacker may narrow a cell
further (docs/disclosure.md, limits); no cell is read by one subtraction any more.

A distinct measure has no month x wijk numbers to compare (its frame is keys, and
its periods are no sums of months), so it is never a twin and is protected on its
own (docs/disclosure.md, limits).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np
import polars as pl

from monitor.indicators import Indicator
from monitor.rollup import attack
from monitor.rollup.linked import Linked, cell_keys, first_pattern


def twins(ind: Indicator, frames: Mapping[str, pl.DataFrame], inds: Mapping[str, Indicator]) -> list[str]:
    """The other indicators (ids, sorted) linked to `ind` by a shared number column, directly or through
    another twin."""
    return _Pairs(frames, inds).twins(ind)


def twin_groups(frames: Mapping[str, pl.DataFrame], inds: Mapping[str, Indicator]) -> dict[str, list[str]]:
    """`twins` of every indicator in `inds` at once, with one grid and each pair compared once: the
    build protects every indicator, and each asking alone built the grid from every frame again."""
    pairs = _Pairs(frames, inds)
    return {i: pairs.twins(ind) for i, ind in inds.items()}


class _Pairs:
    """Which pairs of indicators share a number or complement each other, each pair decided once."""

    def __init__(self, frames: Mapping[str, pl.DataFrame], inds: Mapping[str, Indicator]) -> None:
        self.frames, self.inds = frames, inds
        self.grid: _Grid | None = None
        self.linked: dict[frozenset[str], bool] = {}

    def twins(self, ind: Indicator) -> list[str]:
        if ind.is_distinct:
            return []
        group, todo = {ind.id}, [ind.id]
        while todo:
            one = self.inds[todo.pop()]
            for other in self.inds.values():
                if other.id in group or other.shape != "series" or other.is_distinct or \
                        not set(one.sources) & set(other.sources):
                    continue
                if self._linked(one.id, other.id):
                    group.add(other.id)
                    todo.append(other.id)
        return sorted(group - {ind.id})

    def _linked(self, a: str, b: str) -> bool:
        pair = frozenset((a, b))
        if pair not in self.linked:
            found = _share(self.frames[a], self.frames[b])
            if not found:
                self.grid = self.grid or _Grid(self.frames, self.inds)
                found = self.grid.complements(a, b)
            self.linked[pair] = found
        return self.linked[pair]


SHIFTS = (0, 12)  # months: a total published in the same month, or a year before (a 12-month follow-up)
MIN_MONTHS = 6  # months a complement must hold in: a short overlap proves nothing
WINDOW = 24  # the latest months it is checked in (a relation of the definitions holds in all of them)


class _Grid:
    """Every number column of the series indicators given, summed per month and wijk on one dense
    grid (months x wijken), to find complements: `a + b` equal to a sum of one or two other columns,
    shifted by `SHIFTS`, in every month both `a` and `b` cover."""

    def __init__(self, frames: Mapping[str, pl.DataFrame], inds: Mapping[str, Indicator]) -> None:
        usable = {i: f for i, f in frames.items() if i in inds and not inds[i].is_distinct
                  and inds[i].shape == "series" and isinstance(f, pl.DataFrame) and f.height
                  and {"month", "wijk_code", "value"} <= set(f.columns)}
        months = [_month_no(f["month"]) for f in usable.values()]
        self.first = min((int(m.min()) for m in months), default=0)
        last = max((int(m.max()) for m in months), default=0)
        wijken = sorted({w for f in usable.values() for w in f["wijk_code"].drop_nulls().unique()})
        index = {w: n for n, w in enumerate(wijken)}
        shape = (last - self.first + 1 + max(SHIFTS), max(len(wijken), 1))
        self.columns: dict[tuple[str, str], np.ndarray] = {}
        self.span: dict[str, tuple[int, int]] = {}
        for ind_id, f in usable.items():
            f = f.filter(pl.col("wijk_code").is_not_null())
            if f.is_empty():
                continue
            m = _month_no(f["month"]) - self.first
            w = np.array([index[x] for x in f["wijk_code"].to_list()], dtype=np.int64)
            self.span[ind_id] = (int(m.min()), int(m.max()))
            for col in ("value", "denominator"):
                if col in f.columns:
                    grid = np.zeros(shape)
                    np.add.at(grid, (m, w), f[col].fill_null(0).to_numpy().astype(float))
                    self.columns[(ind_id, col)] = grid

    def complements(self, a: str, b: str) -> bool:
        """Some number column of `a` plus some of `b` is a published total (see the class), in the
        last `WINDOW` months both cover (fewer when they cover fewer, at least `MIN_MONTHS`), each
        of the two not all zero there. A total's parts must cover the same months (a year earlier
        for a follow-up). A total with a part that equals `a`'s or `b`'s column on its own is no
        evidence (twins of the two would always add up), so it is not counted."""
        if a not in self.span or b not in self.span:
            return False
        lo = max(self.span[a][0], self.span[b][0])
        hi = min(self.span[a][1], self.span[b][1])
        start = max(lo, hi - WINDOW + 1)
        if hi - start + 1 < MIN_MONTHS:
            return False
        for ka, kb in itertools.product([k for k in self.columns if k[0] == a],
                                        [k for k in self.columns if k[0] == b]):
            x, y = self.columns[ka][start:hi + 1], self.columns[kb][start:hi + 1]
            if not x.any() or not y.any():
                continue
            for shift in SHIFTS:
                if start - shift < 0:
                    continue
                slices = {k: g[start - shift:hi + 1 - shift] for k, g in self.columns.items()
                          if k[0] not in (a, b) and self.span[k[0]][0] <= start - shift}
                usable = {k: v for k, v in slices.items()
                          if not np.array_equal(v, x) and not np.array_equal(v, y)}
                whole = x + y
                by_bytes = {v.tobytes(): k for k, v in usable.items()}
                if whole.tobytes() in by_bytes:
                    return True
                for k, v in usable.items():  # two parts: the rest of the total is another column
                    other = by_bytes.get((whole - v).tobytes())
                    if other is not None and other != k:
                        return True
        return False


def _month_no(months: pl.Series) -> np.ndarray:
    return (months.dt.year().cast(pl.Int64) * 12 + months.dt.month().cast(pl.Int64) - 1).to_numpy()


def _share(a: pl.DataFrame, b: pl.DataFrame) -> bool:
    """Some number column of `a` equals some number column of `b` in every month and wijk (and is not 0)."""
    for ca in ("value", "denominator"):
        for cb in ("value", "denominator"):
            if ca not in a.columns or cb not in b.columns:
                continue
            x = a.group_by("month", "wijk_code").agg(pl.col(ca).sum().alias("_x"))
            y = b.group_by("month", "wijk_code").agg(pl.col(cb).sum().alias("_y"))
            both = x.join(y, on=["month", "wijk_code"], how="full", coalesce=True).fill_null(0)
            if both.height and both["_x"].abs().sum() > 0 and (both["_x"] == both["_y"]).all():
                return True
    return False


def protect_together(linked: Mapping[str, Linked], inds: Mapping[str, Indicator], *, k: int,
                     width: float) -> dict[str, np.ndarray]:
    """Each twin's pattern: protected on its own, and hiding every cell any twin hides; a cell small
    in any twin is repaired as a primary cell in each (for a twin with the same number that changes
    little, a ratio's small numerators aside; for a complement it keeps the hidden cell's partner
    from being pinned in its own equations)."""
    ids = sorted(linked)
    keys = {i: cell_keys(linked[i]) for i in ids}
    rows = {i: {key: n for n, key in enumerate(keys[i])} for i in ids}
    small = {i: attack.primary_cells(linked[i], inds[i], k) for i in ids}
    also = {i: np.zeros(linked[i].cells.height, dtype=bool) for i in ids}
    for i in ids:
        for j in ids:
            if j != i:
                for n in np.flatnonzero(small[j]):
                    m = rows[i].get(keys[j][n])
                    if m is not None:
                        also[i][m] = True
    hidden = {}
    for i in ids:
        first = attack.complete_pattern(linked[i], inds[i], first_pattern(linked[i], inds[i], k),
                                        np.flatnonzero(also[i] & linked[i].shown), k)
        hidden[i] = attack.protect(linked[i], inds[i], first, k=k, width=width, also=also[i]).hidden
    changed = len(ids) > 1
    while changed:
        changed = False
        for i in ids:
            start = hidden[i].copy()
            for j in ids:
                if j == i:
                    continue
                for n in np.flatnonzero(hidden[j] & linked[j].shown):
                    m = rows[i].get(keys[j][n])
                    if m is not None and linked[i].shown[m]:
                        start[m] = True
            if (start != hidden[i]).any():
                closed = attack.complete_pattern(linked[i], inds[i], start, np.zeros(0, np.int64), k)
                hidden[i] = attack.protect(linked[i], inds[i], closed, k=k, width=width, also=also[i]).hidden
                changed = True
    return hidden
