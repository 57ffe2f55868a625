"""The protected pattern, computed once per catalog version and kept beside the catalog.

Protecting a pattern runs the linear-programming attack (`attack.protect`), up to
a few seconds per indicator; a page must not wait for that. So the pattern (one
Boolean per cell) is stored in `<catalog>/protection/<version>/` the first time
it is computed, by `monitor build` for every indicator, and read back after. The
file name carries a digest of everything the pattern depends on (the indicator's
SQL and measure, the terms, k, the protection width, the code's pattern version
and the cell count), so a changed query file or setting computes a new one. A
stored file that is missing a primary cell is ignored: the store can only save
time, never weaken the protection. A read-only data folder computes every time.

The published cells themselves (`Cells`: suppressed numbers already null) are kept too
(`to_frames` / `from_frames`, stored by the engine beside the frames), so the first roll-up
in a fresh process reads three small files instead of counting the cells again from the
frame (a distinct count's key frame grows with the delivery). A stored set in which a shown
cell is primary is ignored, like a pattern that misses one.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import polars as pl

from monitor import disclosure
from monitor.indicators import Indicator
from monitor.rollup import attack, shared
from monitor.rollup.linked import Cells, Linked, cells_from, linked_cells
from monitor.rollup.periods import Term

PATTERN_VERSION = 6  # raise when the plan, the equations or the repair change
CELLS_VERSION = 1  # raise when the Cells' columns or their meaning change
PARTS = ("cells", "periods", "places")  # the frames a stored Cells is kept as


def protected_cells(frame: pl.DataFrame, ind: Indicator, areas: pl.DataFrame, *, k: int, width: float,
                    municipality: str, terms: Sequence[Term], store: Path | None = None,
                    version: str = "", twins: Mapping[str, tuple[Indicator, pl.DataFrame]] | None = None,
                    ) -> Cells | None:
    """`linked.suppressed_cells`, reading and writing the pattern in `store`/`version` when given.

    `twins`: indicators publishing a number this one publishes too (`shared.twins`), by id:
    protected together with it (`shared.protect_together`).
    """
    linked = linked_cells(frame, ind, areas, municipality=municipality, terms=terms)
    if linked is None:
        return None
    twins = twins or {}
    name = f"{ind.id}-{_digest(ind, linked, k, width, terms, [t for t, _ in twins.values()])}.npy"
    path = None if store is None else store / version / name
    hidden = _read(path, linked, ind, k)
    if hidden is None:
        others = {i: linked_cells(f, t, areas, municipality=municipality, terms=terms)
                  for i, (t, f) in twins.items()}
        group = {i: lk for i, lk in others.items() if lk is not None} | {ind.id: linked}
        inds = {i: t for i, (t, _) in twins.items()} | {ind.id: ind}
        hidden = shared.protect_together(group, inds, k=k, width=width)[ind.id]
        if path is not None:
            _write(path, hidden)
    return cells_from(linked, hidden, k)


def _digest(ind: Indicator, linked: Linked, k: int, width: float, terms: Sequence[Term],
            twins: Sequence[Indicator] = ()) -> str:
    parts = [PATTERN_VERSION, ind.sql, ind.measure, ind.numerator_is_people, k, width,
             [(t.id, t.start.isoformat(), t.end.isoformat()) for t in terms], linked.cells.height,
             sorted((t.id, t.sql) for t in twins)]
    if ind.dimensions:  # a split's cells are protected with the series' (rollup.groups)
        parts.append(list(ind.dimensions))
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def _read(path: Path | None, linked: Linked, ind: Indicator, k: int) -> np.ndarray | None:
    """The stored pattern, when it fits these cells and hides every primary cell."""
    if path is None or not path.exists():
        return None
    try:
        hidden = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    if hidden.dtype != bool or hidden.shape != (linked.cells.height,):
        return None
    if (attack.primary_cells(linked, ind, k) & ~hidden).any() or (~linked.shown & ~hidden).any():
        return None
    return hidden


def _write(path: Path, hidden: np.ndarray) -> None:
    """Atomically (a reader never sees half a file); old catalog versions' patterns go."""
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.parent.iterdir():
            if old.is_dir() and old != path.parent:
                shutil.rmtree(old, ignore_errors=True)
        with open(tmp, "wb") as fh:
            np.save(fh, hidden, allow_pickle=False)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


@functools.cache
def code_digest() -> str:
    """A digest of the code that turns a frame into published cells (read once per process): a
    changed roll-up or disclosure rule makes new stored cells, not yesterday's."""
    base = Path(__file__).parent.parent
    files = [*sorted((base / "rollup").glob("*.py")), base / "disclosure.py", base / "engine.py"]
    return hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:16]


def to_frames(cells: Cells) -> dict[str, pl.DataFrame]:
    """The published cells as frames to store (`PARTS`); k goes into the key, not the files."""
    return {"cells": cells.cells, "periods": cells.periods, "places": cells.places}


def from_frames(frames: Mapping[str, pl.DataFrame | None], ind: Indicator, k: int) -> Cells | None:
    """Stored published cells, or None (compute them) when a part is missing or a shown cell is
    primary: a damaged or foreign file can cost time, never a small number on a surface."""
    if any(frames.get(p) is None for p in PARTS):
        return None
    cells = frames["cells"]
    need = {"_level", "_pid", "_area", "value", "suppressed"} | ({"denominator"} if ind.is_ratio else set())
    if not need <= set(cells.columns):
        return None
    if cells.schema["suppressed"] != pl.Boolean or cells["suppressed"].null_count():
        return None
    numbers = [c for c in ("value", "denominator") if c in cells.columns]
    if cells.filter(pl.col("suppressed") & pl.any_horizontal(pl.col(numbers).is_not_null())).height:
        return None  # a hidden cell must carry no number
    exposed = cells.filter(~pl.col("suppressed")).select(
        disclosure.primary(k=k, measure=ind.behaves_as, numerator_is_people=ind.numerator_is_people)
    ).to_series()
    if exposed.any():
        return None
    return Cells(cells, frames["periods"], frames["places"], k)
