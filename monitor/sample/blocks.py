"""Demo data at any scale in bounded memory: blocks of households, streamed to Parquet.

A scale above `BLOCK_SCALE` is drawn as `ceil(scale / BLOCK_SCALE)` blocks of equal scale, each a
whole demo world of its own households, people and cases (the first with the seed itself, the others
with generators derived from (seed, block)), renumbered after the blocks before it and appended to
each extract's file with a `pyarrow.parquet.ParquetWriter`. Memory is then that of one block, at
any scale (issue 11: scale 100 used to need 11.6 GB). A scale up to `BLOCK_SCALE` is one block
drawn with the seed: the same bytes as before blocks existed. The areas are facts, the same in
every block, and are written once.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from monitor.sample.grid import check_scale

BLOCK_SCALE = 1  # one block is one Den Haag: about 170 MB of draws (scale 10 in one go: 1.8 GB)
ROW_GROUP = 512 * 512  # Polars' default row group, so the blocked files read like the one-block ones
# Every pseudonymised id column and its prefix: a block's numbers go on after the blocks before it,
# so keys stay unique and no household or person is shared between blocks.
# Extracts of facts about areas, not records: the same in every block (written once), with no coverage
# claim (yearly statistics), and not thinned by the scale.
FACTS = ("areas", "population_outcomes")
ID_PREFIX = {"signal_id": "S", "household_id": "H", "case_id": "C", "spell_id": "B", "person_id": "P",
             "benefit_unit_id": "U", "activity_id": "A", "placement_id": "W"}


def plan(scale: int | float) -> list[int | float]:
    """The scale of each block: one block up to BLOCK_SCALE, else equal blocks no bigger than it."""
    n = max(1, math.ceil(scale / BLOCK_SCALE))
    return [scale] if n == 1 else [check_scale(scale / n)] * n


def _number(column: str) -> pl.Expr:
    return pl.col(column).str.slice(1).cast(pl.Int64)


def renumber(frame: pl.DataFrame, offsets: dict[str, int]) -> pl.DataFrame:
    """Shift every id column of one block's extract by the numbers the earlier blocks used."""
    shifts = [(pl.lit(ID_PREFIX[c]) + (_number(c) + offsets[ID_PREFIX[c]]).cast(pl.String).str.zfill(8))
              .alias(c) for c in frame.columns if c in ID_PREFIX and offsets.get(ID_PREFIX[c], 0)]
    return frame.with_columns(shifts) if shifts else frame


def advance(offsets: dict[str, int], frames: dict[str, pl.DataFrame]) -> dict[str, int]:
    """The offsets after a block: the highest number per prefix used so far."""
    out = dict(offsets)
    for frame in frames.values():
        for c in frame.columns:
            if c in ID_PREFIX and frame.height:
                prefix = ID_PREFIX[c]
                out[prefix] = max(out.get(prefix, 0), int(frame.select(_number(c).max()).item()))
    return out


def write_blocks(out_dir: Path, names: list[str], blocks: Iterator[dict[str, pl.DataFrame]],
                 metadata: Callable[[str], dict[str, str]]) -> list[Path]:
    """Stream the blocks into one file per extract; the files appear together, only when all is written.

    The first block's schema (with the extract's key-value metadata) is every block's: a later
    block is cast to it. A failure leaves no file and no temporary file behind.
    """
    paths = [out_dir / f"{name}.parquet" for name in names]
    tmps = [p.with_name(f".{p.name}.{os.getpid()}.tmp") for p in paths]
    writers: dict[str, pq.ParquetWriter] = {}
    offsets: dict[str, int] = {}
    try:
        with ExitStack() as stack:
            for i, drawn in enumerate(blocks):
                frames = {name: renumber(frame, offsets) for name, frame in drawn.items()}
                del drawn
                for name, tmp in zip(names, tmps, strict=True):
                    if name in FACTS and i:
                        continue  # facts about areas: the same in every block
                    table = frames[name].to_arrow()
                    if name not in writers:
                        schema = table.schema.with_metadata(metadata(name))
                        writers[name] = stack.enter_context(pq.ParquetWriter(
                            tmp, schema, compression="zstd", write_statistics=True))
                    writers[name].write_table(_cast(table, writers[name].schema),
                                              row_group_size=ROW_GROUP)
                offsets = advance(offsets, frames)
                del frames, table
        for tmp, path in zip(tmps, paths, strict=True):
            os.replace(tmp, path)
    finally:
        for tmp in tmps:
            tmp.unlink(missing_ok=True)
    return paths


def _cast(table: pa.Table, schema: pa.Schema) -> pa.Table:
    return table.replace_schema_metadata(schema.metadata).cast(schema)
