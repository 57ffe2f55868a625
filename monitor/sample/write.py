"""The entry points: draw the extracts in a fixed order and write them as marked Parquet files
(at a scale above one block, block by block: `blocks`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import polars as pl

from monitor.extracts import CONTRACT, COVERAGE_METADATA_KEY, DEMO_METADATA_KEY
from monitor.sample.areas import areas_frame, households_by_year
from monitor.sample.blocks import FACTS, plan, write_blocks
from monitor.sample.debts import cases_frame, draw_debt_cases, draw_signals, draw_urgency, signals_frame
from monitor.sample.grid import FIRST_MONTH, check_args, default_until, month_grid
from monitor.sample.pending import draw_pending, pending_generator
from monitor.sample.population import population_frame
from monitor.sample.units import draw_homes, draw_untraced, homes, relink
from monitor.sample.work import (
    activities_frame,
    draw_benefit_spells,
    draw_channels,
    draw_placements,
    draw_work_activities,
    first_outside_id,
    outside_pool,
    placements_frame,
    spells_frame,
)

# Every extract but areas (yearly facts) is complete from the demo's first month: the debt cases
# and benefit spells before it are only those still open on 1 January 2019.
COVERAGE_FROM = FIRST_MONTH


def write_sample(out_dir: Path, *, seed: int = 2026, until: str | None = None,
                 scale: float = 1) -> list[Path]:
    """Write the extracts <name>.parquet into out_dir (created if missing).

    until = 'YYYY-MM' last month included; default: the last complete month before today.
    scale = any positive number multiplying every volume (households, signals, cases, spells,
    placements, activities): 0.2 gives sparse data with many small cells, 10 a benchmark load;
    10.0 is the same as 10. Returns the written paths. Same arguments, same bytes.
    """
    until = until or default_until()
    scale = check_args(until, scale)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = {DEMO_METADATA_KEY: json.dumps({"seed": seed, "until": until, "scale": scale})}
    flow = {**meta, COVERAGE_METADATA_KEY: COVERAGE_FROM}
    scales = plan(scale)
    if len(scales) > 1:  # bounded memory: one block of households at a time (monitor.sample.blocks)
        drawn = (generate(seed=seed, until=until, scale=s, block=b) for b, s in enumerate(scales))
        return write_blocks(out_dir, list(CONTRACT), drawn, lambda name: meta if name in FACTS else flow)
    frames = generate(seed=seed, until=until, scale=scale)
    return [_write_atomic(frames[name], out_dir / f"{name}.parquet", meta if name in FACTS else flow)
            for name in CONTRACT]


def generate(*, seed: int = 2026, until: str, scale: float = 1, block: int = 0) -> dict[str, pl.DataFrame]:
    """All extracts of one block as frames, in contract order; the draw order is fixed for
    reproducibility. Block 0 draws with the seed itself (so a one-block scale keeps its bytes),
    block b with a generator derived from (seed, b); its ids start at 1 (`blocks.renumber`)."""
    scale = check_args(until, scale)
    rng = np.random.Generator(np.random.PCG64(seed if block == 0 else np.random.SeedSequence((seed, block))))
    grid = month_grid(FIRST_MONTH, until)
    areas = areas_frame(grid)
    hh = households_by_year(areas, grid)
    signals = draw_signals(rng, grid, hh, scale)
    cases = draw_debt_cases(rng, grid, hh, signals, scale, until)
    spells = draw_benefit_spells(rng, grid, hh, scale)
    placements, spells = draw_placements(rng, grid, spells, scale)
    activities = draw_work_activities(rng, grid, spells, placements, scale)
    # version 2 of the contract: drawn last, so every earlier draw stays as it was
    cases = draw_urgency(rng, cases, grid.cutoff)
    outside_from = first_outside_id(spells, placements)  # before relink: the pool's ids as drawn
    outside = draw_homes(rng, outside_from, outside_pool(scale))
    spells, placements, activities = relink(rng, grid, spells, placements, activities)
    placements = draw_untraced(rng, placements)
    # the pipeline at the cut-off, with a generator of its own: every draw above keeps its bytes
    later = pending_generator(seed, block)
    pending = draw_pending(later, grid, spells, outside_from, outside_pool(scale), scale)
    pending = draw_channels(later, grid, pending)
    activities = {k: np.concatenate([v, pending[k]]) for k, v in activities.items()}
    spell_frame = spells_frame(spells)
    placement_frame = placements_frame(placements, grid.cutoff)
    frames = {
        "areas": areas,
        "early_signals": signals_frame(signals),
        "debt_cases": cases_frame(cases),
        "benefit_spells": spell_frame,
        "work_activities": activities_frame(activities, homes(spell_frame, placement_frame, outside),
                                            spell_frame),
        "placements": placement_frame,
        # area-level statistics (optional extract), computed from the areas: no draw
        "population_outcomes": population_frame(areas),
    }
    return {name: frames[name] for name in CONTRACT}


def _write_atomic(df: pl.DataFrame, path: Path, metadata: dict[str, str]) -> Path:
    """Write beside the target and rename: a reader never sees half a file, a crash leaves none.

    The marker goes into the Parquet key-value metadata and into the embedded Arrow schema:
    pyarrow's `read_schema` (which `extracts.is_demo` uses) only reports the latter.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    schema = df.head(0).to_arrow().schema.with_metadata(metadata)
    try:
        df.write_parquet(tmp, compression="zstd", statistics=True, metadata=metadata, arrow_schema=schema)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
