"""What the workbench does with a result: downloads (CSV, Parquet) and a first-look chart.

Apart from `workbench` (running a query, the schema browser, make-an-indicator) because it needs
only the frame; `workbench` re-exports these names, so callers keep using `workbench.to_csv`.
"""

from __future__ import annotations

import io

import plotly.express as px
import plotly.graph_objects as go
import polars as pl

__all__ = ["chartable_columns", "quick_chart", "to_csv", "to_parquet"]


# ---------------------------------------------------------------- downloads


def to_csv(frame: pl.DataFrame) -> bytes:
    """Plain CSV (`.` decimals, header row) as the CLI writes it; nested values become text."""
    return _flat(frame).write_csv().encode("utf-8")


def to_parquet(frame: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.write_parquet(buf)
    return buf.getvalue()


def _csv_safe(dtype: pl.DataType) -> bool:
    """Types CSV holds as they are; the rest (lists, structs, binary, DuckDB VARIANT) becomes text."""
    return (dtype.is_numeric() or dtype.is_temporal() or dtype in (pl.String, pl.Boolean, pl.Null)
            or isinstance(dtype, pl.Categorical | pl.Enum))


def _flat(frame: pl.DataFrame) -> pl.DataFrame:
    """CSV cannot hold lists or structs (duckdb_settings() returns some): write them as JSON-ish text."""
    nested = [name for name, dtype in frame.schema.items() if not _csv_safe(dtype)]
    if not nested:
        return frame
    return frame.with_columns(
        pl.Series(name, [None if v is None else str(v) for v in frame[name].to_list()], dtype=pl.String)
        for name in nested
    )


# ---------------------------------------------------------------- quick chart


def chartable_columns(frame: pl.DataFrame) -> tuple[list[str], list[str]]:
    """(columns usable on x or as colour, numeric columns usable on y)."""
    numeric = [c for c, d in frame.schema.items() if d.is_numeric()]
    plain = [c for c, d in frame.schema.items() if not d.is_nested() and d != pl.Binary]
    return plain, numeric


def quick_chart(frame: pl.DataFrame, x: str, y: str, color: str | None = None) -> go.Figure:
    """A first look at a result: a line over time, bars over categories, points otherwise.

    Rows are sorted on x so a line reads left to right even when the query had no ORDER BY.
    """
    cols = list(dict.fromkeys([x, y, *([color] if color else [])]))  # x may be y (a one-column result)
    data = frame.select(cols).sort(x, nulls_last=True)
    dtype = frame.schema[x]
    if dtype.is_temporal():
        fig = px.line(data, x=x, y=y, color=color or None, markers=data.height <= 60)
    elif dtype == pl.String or dtype == pl.Boolean or dtype == pl.Categorical or dtype == pl.Enum:
        fig = px.bar(data, x=x, y=y, color=color or None)
    else:
        fig = px.scatter(data, x=x, y=y, color=color or None)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend_title_text=color or "")
    return fig
