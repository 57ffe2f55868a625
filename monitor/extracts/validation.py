"""Validation of a delivery against the extract contract: find the extracts, read their schema.

What the schema alone decides (empty, missing column, wrong type) is checked here; the values
(nulls, keys, codes, wijk codes, dates) are checked by SQL over the Parquet files
(`monitor.extracts.rules`, run by `monitor.catalog.validate`), so no extract is ever held in
memory. Every problem names the file, the column, the rule, how many rows and one example.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from monitor.extracts.contract import (
    DEMO_METADATA_KEY,
    Extract,
    missing_column_advice,
)
from monitor.extracts.coverage import coverage_problem, declared_coverage

# Logical types of the contract and the Polars types that satisfy them.
_TYPE_CHECKS: dict[str, tuple[str, ...]] = {
    "VARCHAR": ("String", "Categorical", "Enum"),
    "INTEGER": ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"),
    "DOUBLE": (
        "Float32", "Float64", "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32",
        "UInt64", "Decimal",
    ),
    "DATE": ("Date",),
    "BOOLEAN": ("Boolean",),
}


@dataclass(frozen=True)
class Problem:
    """One broken rule in one extract, phrased so the supplier can fix it."""

    extract: str
    file: str
    rule: str
    message: str
    column: str | None = None
    rows: int | None = None
    example: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}" + (f": column '{self.column}'" if self.column else "")
        count = f" ({self.rows} rows, e.g. {self.example})" if self.rows else ""
        return f"{where}: {self.rule}: {self.message}{count}"


@dataclass
class ValidationResult:
    extract: str
    path: Path | None
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    period: tuple[dt.date, dt.date] | None = None
    demo: bool = False
    # first day of the first complete month the delivery claims; None: no claim (or unreadable)
    coverage_from: dt.date | None = None

    @property
    def ok(self) -> bool:
        return self.path is not None and not self.problems


def find_extract(data_dir: Path, name: str) -> Path | None:
    """An extract is `<name>.parquet` or a folder `<name>/` of Parquet files."""
    single = data_dir / f"{name}.parquet"
    if single.is_file():
        return single
    folder = data_dir / name
    if folder.is_dir() and any(folder.glob("*.parquet")):
        return folder
    return None


def extract_files(path: Path) -> list[Path]:
    return sorted(path.glob("*.parquet")) if path.is_dir() else [path]


def fingerprint(path: Path) -> list[tuple[str, int, int]]:
    """Name, size and mtime of each file: cheap, and changes whenever a file is replaced."""
    out = []
    for f in extract_files(path):
        st = f.stat()
        out.append((f.name, st.st_size, st.st_mtime_ns))
    return out


def extract_date(path: Path) -> dt.date:
    """The date an extract was made: its newest file's modification date."""
    return max(dt.date.fromtimestamp(f.stat().st_mtime) for f in extract_files(path))


def is_demo(path: Path) -> bool:
    """Demo extracts carry a marker in their Parquet key-value metadata."""
    try:
        meta = pq.read_schema(extract_files(path)[0]).metadata or {}
    except Exception:
        return False
    return DEMO_METADATA_KEY.encode() in meta


def coverage_from(path: Path) -> dt.date | None:
    """The first day of the month from which the extract at `path` is complete (None: no claim);
    see `monitor.extracts.coverage`."""
    return declared_coverage(extract_files(path))


def read_extract(path: Path) -> pl.DataFrame:
    """The whole extract as one frame: for tests and small tools only; validation and the build
    never hold an extract in memory (they run in DuckDB, `monitor.catalog.validate`)."""
    files = extract_files(path)
    return pl.concat([pl.read_parquet(f) for f in files], how="vertical_relaxed")


def read_schema(path: Path) -> tuple[dict[str, pl.DataType], int]:
    """The columns with their types (from the Parquet schema, as Polars names them) and the row
    count (from the footer): no data page is read. Files of a folder combine as a relaxed concat
    would (e.g. Int32 and Int64 give Int64); files that cannot combine raise, like a bad file."""
    files = extract_files(path)
    schemas = [pl.read_parquet_schema(f) for f in files]
    rows = sum(pq.read_metadata(f).num_rows for f in files)
    if len(schemas) == 1:
        return dict(schemas[0]), rows
    empty = [pl.DataFrame(schema=s) for s in schemas]
    return dict(pl.concat(empty, how="vertical_relaxed").schema), rows


def unreadable(name: str, label: str, exc: Exception) -> Problem:
    """Any reader error means the same to the supplier: export the file again."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return Problem(name, label, "unreadable file",
                   f"not a readable Parquet file ({first}); export it again as Parquet")


def missing(data_dir: Path, name: str) -> Problem:
    return Problem(name, f"{name}.parquet", "missing extract",
                   f"no {name}.parquet (or folder {name}/ of Parquet files) in {data_dir}")


def _type_ok(dtype: pl.DataType, logical: str) -> bool:
    return type(dtype).__name__ in _TYPE_CHECKS[logical]


def structure(spec: Extract, schema: dict[str, pl.DataType], rows: int,
              file: str) -> tuple[list[Problem], list[str]]:
    """The rules the schema alone decides (empty, missing column, wrong type), and the columns
    whose values can be checked: present with the contract's type. Values are checked by
    `monitor.extracts.rules`, in DuckDB."""
    problems: list[Problem] = []
    if rows == 0:
        problems.append(Problem(spec.name, file, "empty file",
                                "the extract has no rows; deliver the full history, not an empty file"))
        return problems, []
    for col in spec.columns:
        if col.name not in schema:
            problems.append(Problem(spec.name, file, "missing column",
                                    f"expected a {col.dtype} column '{col.name}' ({col.description}); "
                                    f"{missing_column_advice(col)}", col.name))
    wrong = []
    for col in spec.columns:
        if col.name in schema and not _type_ok(schema[col.name], col.dtype):
            wrong.append(col.name)
            problems.append(Problem(spec.name, file, "wrong type", f"is {schema[col.name]}, expected "
                                    f"{col.dtype}; write it with that Parquet type", col.name))
    return problems, [c.name for c in spec.columns if c.name in schema and c.name not in wrong]


def coverage_check(result: ValidationResult, label: str, made_on: dt.date) -> None:
    """The declared coverage (file metadata): a problem when unusable, else `result.coverage_from`."""
    assert result.path is not None
    refused = coverage_problem(extract_files(result.path), made_on)
    if refused is not None:
        result.problems.append(Problem(result.extract, label, *refused))
    else:
        result.coverage_from = declared_coverage(extract_files(result.path))


def validate(
    data_dir: Path, name: str, *, wijk_codes: Iterable[str] | None = None
) -> tuple[ValidationResult, pl.DataFrame | None]:
    """Find and check one extract (in DuckDB, streaming); the frame, read only when it passed, is
    for tests and small tools. The build and `monitor check` use `catalog.validate` directly."""
    from monitor.catalog import validate as checks  # the SQL runs where DuckDB lives

    return checks.validate(data_dir, name, wijk_codes=wijk_codes)


def validate_frame(
    spec: Extract,
    df: pl.DataFrame,
    file: str,
    *,
    wijk_codes: Iterable[str] | None = None,
    made_on: dt.date | None = None,
) -> list[Problem]:
    """Check a frame against the contract with the same SQL rules as a file; each problem names
    file, column and rule."""
    from monitor.catalog import validate as checks

    return checks.validate_frame(spec, df, file, wijk_codes=wijk_codes, made_on=made_on)


def label(data_dir: Path, path: Path) -> str:
    """The extract's path as shown in a message: relative to the data folder's parent."""
    return _label(data_dir, path)


def _label(data_dir: Path, path: Path) -> str:
    try:
        return str(path.relative_to(data_dir.parent))
    except ValueError:
        return str(path)
