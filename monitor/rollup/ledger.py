"""What earlier deliveries published: an attacker keeps old downloads, so the protection must too.

Each delivery is protected from scratch, and its pattern may hide a cell that the previous
delivery showed with the same number (a month of a stadsdeel chosen as a complement now,
shown last month). Whoever kept last month's download knows that cell anyway, and with it a
primary cell of this delivery may be pinned: on the demo data, two deliveries a month apart
exposed 27 small cells that way. So every published cell (its key, `linked.cell_keys`, and
its numbers) is remembered per data folder in the state database (`monitor.state`), and the
attack treats a cell as known when an earlier delivery published it with the numbers it has
now (`attack.protect(fixed=)`); the repair then hides other cells. A revised number is not
known (the old one no longer holds). Recording the same delivery twice changes nothing.

No state database (not configured, not writable): nothing is remembered and each delivery is
protected on its own, as before; `monitor build` says so.
"""

from __future__ import annotations

import sqlite3

import numpy as np

from monitor import state
from monitor.indicators import Indicator
from monitor.rollup import attack
from monitor.rollup.linked import Linked, cell_keys
from monitor.settings import Settings


def _rows(linked: Linked) -> list[tuple[str, str]]:
    """(cell key, numbers) per cell of `linked`, in its row order, as text (exact: the numbers are
    counts and sums of counts, written by `repr`)."""
    columns = [c for c in ("value", "denominator") if c in linked.cells.columns]
    numbers = zip(*(linked.cells[c].to_list() for c in columns), strict=True)
    return [("|".join(map(str, key)), "|".join(repr(None if v is None else float(v)) for v in nums))
            for key, nums in zip(cell_keys(linked), numbers, strict=True)]


def known(settings: Settings, ind_id: str, linked: Linked) -> np.ndarray:
    """Per cell of `linked`: published by an earlier delivery (or this one) with these numbers."""
    out = np.zeros(linked.cells.height, dtype=bool)
    try:
        with state.reading(settings) as con:
            seen = {(r[0], r[1]) for r in con.execute(
                "SELECT cell, numbers FROM published_cells WHERE data_dir = ? AND indicator = ?",
                (str(settings.data_dir), ind_id))}
    except (state.StateError, sqlite3.Error):
        return out
    if seen:
        out[:] = [row in seen for row in _rows(linked)]
    return out


def record(settings: Settings, ind: Indicator, linked: Linked, hidden: np.ndarray) -> bool:
    """Remember the cells this pattern publishes (what a surface shows: `attack.known_cells`, so a
    term a year earlier only where it stands beside a shown term); False when there is no state
    database to write to."""
    shown = attack.known_cells(linked.cells, linked.periods, ind.behaves_as, hidden) & linked.shown
    rows = [r for r, show in zip(_rows(linked), shown, strict=True) if show]
    try:
        with state.writing(settings) as con:
            con.executemany("INSERT OR IGNORE INTO published_cells VALUES (?, ?, ?, ?)",
                            [(str(settings.data_dir), ind.id, cell, nums) for cell, nums in rows])
    except (state.StateError, sqlite3.Error):
        return False
    return True
