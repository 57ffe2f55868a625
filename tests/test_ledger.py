"""Two deliveries a month apart: what the first published, the second's attack knows.

The second delivery's pattern is computed from scratch; it may hide a cell the first showed
with the same number. Whoever kept the first download knows that cell, so the check here is
the attacker's: take the second pattern, treat every such cell as known (the first download,
compared by cell and number, written here without the ledger), and solve for the small cells
(`audit.audit_pattern`). Without the ledger some are pinned on the demo data; with it none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from monitor import engine as engine_mod
from monitor.audit import audit_pattern
from monitor.rollup import ledger
from monitor.rollup.linked import Linked, cell_keys, linked_cells
from monitor.rollup.stored import protected_cells

# series indicators whose second pattern hid cells the first showed (demo data, checked by hand
# with the loop below before the ledger existed): a month of a stadsdeel picked as a complement
CANDIDATES = ("schuldregelingen_gestart", "eerste_gesprek_binnen_termijn_pct", "trechter_schulden_4_regeling",
              "trechter_schulden_5_schuldenvrij", "trechter_werk_3_match", "trechter_schulden_3_aangemeld")


def _previous_month(day: dt.date) -> dt.date:
    return dt.date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


def _pattern(linked: Linked, cells) -> np.ndarray:
    """The hidden mask over every cell of `linked` (link cells are never shown: unknown)."""
    hidden = ~linked.shown.copy()
    hidden[linked.shown] = cells.cells["suppressed"].to_numpy()
    return hidden


def _kept_download(linked: Linked, hidden: np.ndarray) -> dict[tuple, tuple]:
    cols = [c for c in ("value", "denominator") if c in linked.cells.columns]
    numbers = list(zip(*(linked.cells[c].to_list() for c in cols), strict=True))
    return {key: numbers[n] for n, key in enumerate(cell_keys(linked)) if linked.shown[n] and not hidden[n]}


def _exposed_with_old_download(eng, ind_id: str, settings) -> tuple[int, int]:
    """(cells the second delivery hides that the first showed with the same numbers, small cells of
    the second delivery pinned when the attacker also holds the first download)."""
    ind = eng.indicator(ind_id)
    frame = eng.frame(ind_id)
    first = frame.filter(pl.col("month") <= _previous_month(frame["month"].max()))
    common = dict(k=eng.settings.min_cell, width=float(eng.settings.protection_width),
                  municipality=eng.settings.municipality, terms=eng.terms)
    out = []
    for f in (first, frame):
        linked = linked_cells(f, ind, eng.areas, municipality=common["municipality"], terms=common["terms"])
        cells = protected_cells(f, ind, eng.areas, **common, remember=settings)
        out.append((linked, _pattern(linked, cells)))
    (l1, h1), (l2, h2) = out
    old = _kept_download(l1, h1)
    cols = [c for c in ("value", "denominator") if c in l2.cells.columns]
    numbers = list(zip(*(l2.cells[c].to_list() for c in cols), strict=True))
    leaked = np.array([h2[n] and l2.shown[n] and old.get(key) == numbers[n]
                       for n, key in enumerate(cell_keys(l2))])
    reports = audit_pattern(l2, ind, h2 & ~leaked, k=common["k"])
    return int(leaked.sum()), sum(r.exact + r.narrow for r in reports)


@pytest.fixture(scope="module")
def eng(demo_settings):
    return engine_mod.get_engine(demo_settings)


def test_without_the_ledger_an_old_download_pins_small_cells(eng, tmp_path: Path) -> None:
    """The control: each delivery protected on its own (no state database to remember in)."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    alone = dataclasses.replace(eng.settings, state_dir=blocked)
    results = [_exposed_with_old_download(eng, i, alone) for i in CANDIDATES]
    assert sum(exposed for _, exposed in results) > 0


def test_with_the_ledger_an_old_download_pins_nothing(eng, tmp_path: Path) -> None:
    settings = dataclasses.replace(eng.settings, state_dir=tmp_path / "state")
    results = {i: _exposed_with_old_download(eng, i, settings) for i in CANDIDATES}
    assert sum(leaked for leaked, _ in results.values()) > 0  # the second pattern still hides such cells
    assert {i: exposed for i, (_, exposed) in results.items() if exposed} == {}


def test_the_ledger_knows_a_cell_only_with_the_numbers_it_was_published_with(eng, tmp_path: Path) -> None:
    settings = dataclasses.replace(eng.settings, state_dir=tmp_path / "state")
    ind = eng.indicator("schuldhulp_aanmeldingen")
    frame = eng.frame(ind.id)
    linked = linked_cells(frame, ind, eng.areas, municipality=eng.settings.municipality, terms=eng.terms)
    hidden = ~linked.shown.copy()
    hidden[::2] = True  # publish every other shown cell
    assert ledger.record(settings, ind, linked, hidden)
    # what a surface shows: not hidden, and a term a year earlier only beside a shown term (written
    # out here: the periods flagged `_aux` whose own term is hidden or not in the plan)
    aux = linked.periods.sort("_pid")["_aux"].to_numpy()[linked.cells["_pid"].to_numpy()]
    assert aux.any()
    known = ledger.known(settings, ind.id, linked)
    assert (known[~aux] == (linked.shown & ~hidden)[~aux]).all()
    assert not (known & hidden).any() and known[aux].sum() < (linked.shown & ~hidden)[aux].sum()
    revised = linked_cells(frame.with_columns(pl.col("value") + 1), ind, eng.areas,
                           municipality=eng.settings.municipality, terms=eng.terms)
    same = (revised.cells["value"] == linked.cells["value"]).to_numpy()  # cells of no rows stay 0
    again = ledger.known(settings, ind.id, revised)
    assert not (again & ~same).any() and again.sum() < (linked.shown & ~hidden).sum()
    assert not ledger.known(settings, "werk_gesprekken", linked).any()  # per indicator
