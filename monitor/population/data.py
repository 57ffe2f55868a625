"""Population outcomes from the catalog, made `Published` the way public statistics are.

These are published area-level figures (CBS and the like), not records: there is nothing for
the roll-up to add up or protect. They still reach a surface as `Published` (origin `public`),
so the one road to a surface holds, and one rule applies on the way: a figure that rests on
fewer than k people or households (`MONITOR_MIN_CELL`, default 10) is hidden like a small cell.
A publisher normally does that itself; a user-typed or demo figure for a tiny wijk may not have
(docs/disclosure.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from monitor.population.registry import Registry, load_registry
from monitor.rollup.published import Published

if TYPE_CHECKING:
    from monitor.engine import Engine

TABLE = "population_outcomes"
ORIGIN = "public"
ILLUSTRATIVE = "illustratief"  # a `source` containing it marks a figure no one published
SCHEMA = {"period": pl.String, "area_code": pl.String, "indicator": pl.String, "value": pl.Float64,
          "denominator": pl.Float64, "source": pl.String}
_REGISTRIES: dict[str, tuple[tuple[int, int], Registry]] = {}


def registry_stamp(queries_dir: Path) -> tuple[int, int]:
    """population.yaml's modification time and size ((0, 0) without one): what a cache keys on."""
    path = Path(queries_dir) / "population.yaml"
    return (path.stat().st_mtime_ns, path.stat().st_size) if path.is_file() else (0, 0)


def registry(queries_dir: Path) -> Registry:
    """The registry, read again only when population.yaml changes (an analyst's edit shows at once)."""
    path = Path(queries_dir) / "population.yaml"
    stamp = registry_stamp(queries_dir)
    cached = _REGISTRIES.get(str(path))
    if cached is None or cached[0] != stamp:
        cached = (stamp, load_registry(queries_dir))
        _REGISTRIES[str(path)] = cached
    return cached[1]


def outcomes(engine: Engine) -> pl.DataFrame:
    """The extract's rows, with `illustrative` (the source says so); empty when it was not delivered."""
    def read() -> pl.DataFrame:
        if TABLE not in engine.catalog.table_names():
            return pl.DataFrame(schema=SCHEMA).with_columns(illustrative=pl.lit(False))
        frame = engine.catalog.query(f"SELECT * FROM {TABLE} ORDER BY indicator, area_code, period")
        return mark_illustrative(frame.select(list(SCHEMA)).cast(SCHEMA))  # type: ignore[arg-type]
    return engine.memo(("population_outcomes",), read)  # type: ignore[return-value]


def mark_illustrative(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        illustrative=pl.col("source").str.to_lowercase().str.contains(ILLUSTRATIVE, literal=True))


def home_code(engine: Engine) -> str | None:
    """The municipality's CBS code, from its wijk codes (`WK0518NN` -> `GM0518`)."""
    codes = engine.areas["wijk_code"].to_list() if engine.areas.height else []
    return f"GM{codes[0][2:6]}" if codes else None


def published(frame: pl.DataFrame, k: int, view: str) -> Published:
    """Public statistics as `Published`: a figure on fewer than `k` (its denominator) is hidden."""
    hidden = pl.col("denominator").is_null() | (pl.col("denominator") < k)
    out = frame.with_columns(suppressed=hidden).with_columns(
        value=pl.when(pl.col("suppressed")).then(None).otherwise(pl.col("value")))
    return Published(out, k, view, origin=ORIGIN)


def latest(engine: Engine, ind_id: str, area_code: str) -> Published:
    """The area's most recent figure for one indicator (zero or one row)."""
    frame = outcomes(engine).filter(pl.col("indicator") == ind_id, pl.col("area_code") == area_code)
    frame = frame.sort("period").tail(1)
    return published(frame, engine.settings.min_cell, f"population: {ind_id} {area_code} latest")


def by_wijk(engine: Engine, ind_id: str, period: str | None = None) -> Published:
    """One indicator per wijk of this municipality, for one period (default: the latest it has),
    in the columns the area charts read (`area`, `area_name`, `result`, `suppressed`)."""
    home = home_code(engine)
    prefix = f"WK{home[2:]}" if home else "WK"
    frame = outcomes(engine).filter(pl.col("indicator") == ind_id,
                                    pl.col("area_code").str.starts_with(prefix))
    if frame.is_empty():
        return published(frame.with_columns(area=pl.col("area_code"), area_name=pl.col("area_code"),
                                            result=pl.col("value")), engine.settings.min_cell,
                         f"population: {ind_id} by wijk")
    period = period or frame["period"].max()
    frame = frame.filter(pl.col("period") == period)
    names = engine.areas.sort("year").group_by("wijk_code").agg(pl.col("wijk_name").last())
    frame = frame.join(names, left_on="area_code", right_on="wijk_code", how="left")
    out = published(frame, engine.settings.min_cell, f"population: {ind_id} {period} by wijk")
    shaped = out.frame.with_columns(area=pl.col("area_code"), area_name=pl.col("wijk_name"),
                                    result=pl.col("value"))
    return out.with_frame(shaped)
