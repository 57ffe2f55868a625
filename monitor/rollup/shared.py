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

A distinct measure has no month x wijk numbers to compare (its frame is keys, and
its periods are no sums of months), so it is never a twin and is protected on its
own (docs/disclosure.md, limits).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from monitor.indicators import Indicator
from monitor.rollup import attack
from monitor.rollup.linked import Linked, cell_keys, first_pattern


def twins(ind: Indicator, frames: Mapping[str, pl.DataFrame], inds: Mapping[str, Indicator]) -> list[str]:
    """The other indicators (ids, sorted) linked to `ind` by a shared number column, directly or through
    another twin."""
    if ind.is_distinct:
        return []
    group, todo = {ind.id}, [ind.id]
    while todo:
        one = inds[todo.pop()]
        for other in inds.values():
            if other.id in group or other.shape != "series" or other.is_distinct or \
                    not set(one.sources) & set(other.sources):
                continue
            if _share(frames[one.id], frames[other.id]):
                group.add(other.id)
                todo.append(other.id)
    return sorted(group - {ind.id})


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
    """Each twin's pattern: protected on its own, and hiding every cell any twin hides."""
    ids = sorted(linked)
    keys = {i: cell_keys(linked[i]) for i in ids}
    rows = {i: {key: n for n, key in enumerate(keys[i])} for i in ids}
    hidden = {i: attack.protect(linked[i], inds[i], first_pattern(linked[i], inds[i], k), k=k,
                                width=width).hidden for i in ids}
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
                hidden[i] = attack.protect(linked[i], inds[i], closed, k=k, width=width).hidden
                changed = True
    return hidden
