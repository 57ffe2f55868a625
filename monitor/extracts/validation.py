"""Validation of a delivery against the extract contract: find, read and check each extract.

Validation reads the Parquet files with Polars; DuckDB is only used by ``catalog``
once an extract has passed. Every problem names the file, the column and the rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from monitor.extracts.contract import (
    CONTRACT,
    DEMO_METADATA_KEY,
    EARLIEST_DATE,
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
    files = extract_files(path)
    return pl.concat([pl.read_parquet(f) for f in files], how="vertical_relaxed")


def _example(series: pl.Series) -> str:
    value = series.drop_nulls().head(1).to_list() if series.null_count() < len(series) else [None]
    return repr(value[0]) if value else "null"


def _type_ok(dtype: pl.DataType, logical: str) -> bool:
    return type(dtype).__name__ in _TYPE_CHECKS[logical]


def validate_frame(
    spec: Extract,
    df: pl.DataFrame,
    file: str,
    *,
    wijk_codes: Iterable[str] | None = None,
    made_on: dt.date | None = None,
) -> list[Problem]:
    """Check a frame against the contract; each problem names file, column and rule."""
    problems: list[Problem] = []

    def add(rule: str, message: str, column: str | None = None, bad: pl.Series | None = None):
        rows = None if bad is None else len(bad)
        example = None if bad is None else _example(bad)
        problems.append(Problem(spec.name, file, rule, message, column, rows, example))

    if df.height == 0:
        add("empty file", "the extract has no rows; deliver the full history, not an empty file")
        return problems
    missing = [c.name for c in spec.columns if c.name not in df.columns]
    for name in missing:
        col = spec.column(name)
        add("missing column", f"expected a {col.dtype} column '{name}' ({col.description}); "
            f"{missing_column_advice(col)}", name)
    wrong = []
    for col in spec.columns:
        if col.name in df.columns and not _type_ok(df.schema[col.name], col.dtype):
            wrong.append(col.name)
            add("wrong type", f"is {df.schema[col.name]}, expected {col.dtype}; "
                "write it with that Parquet type", col.name)
    usable = [c for c in spec.columns if c.name in df.columns and c.name not in wrong]
    usable_names = {c.name for c in usable}

    for col in usable:
        if (col.name in spec.key or not col.nullable) and df.get_column(col.name).null_count():
            nulls = df.filter(pl.col(col.name).is_null())
            if nulls.height:
                rule = "null key" if col.name in spec.key else "null value"
                add(rule, "must be filled in every row", col.name,
                    nulls.select(spec.key[0]).to_series() if spec.key[0] in df.columns
                    and spec.key[0] != col.name else nulls.get_column(col.name))
    if set(spec.key) <= usable_names:
        keys = pl.col(spec.key[0]) if len(spec.key) == 1 else pl.struct(list(spec.key))
        dup = df.filter(keys.is_duplicated())
        if dup.height:
            label = ", ".join(spec.key)
            add("duplicate key", f"({label}) must be unique; remove or merge the repeated rows",
                label, dup.select(pl.concat_str([pl.col(k).cast(pl.String) for k in spec.key],
                                                separator="/")).to_series())
    for col in usable:
        s = df.get_column(col.name)
        if col.codes is not None:
            bad = s.filter(s.is_not_null() & ~s.cast(pl.String).is_in(list(col.codes)))
            if len(bad):
                add("unknown code", f"allowed codes are {', '.join(col.codes)}", col.name, bad)
        if col.pattern is not None:
            bad = s.filter(s.is_not_null() & ~s.cast(pl.String).str.contains(col.pattern))
            if len(bad):
                add("malformed code", f"must match {col.pattern} (e.g. {col.example})", col.name, bad)
    if wijk_codes is not None and spec.refers_to_areas and "wijk_code" in usable_names:
        known = list(wijk_codes)
        s = df.get_column("wijk_code").cast(pl.String)
        bad = s.filter(s.is_not_null() & ~s.is_in(known))
        if len(bad):
            add("unknown wijk_code", "not in the areas extract; deliver areas with every wijk used",
                "wijk_code", bad)
    latest = made_on or dt.date.today()
    for name in spec.date_columns:
        if name not in usable_names:
            continue
        s = df.get_column(name)
        early = s.filter(s < EARLIEST_DATE)
        if len(early):
            add("implausible date", f"before {EARLIEST_DATE.isoformat()}", name, early)
        late = s.filter(s > latest)
        if len(late):
            add("future date", f"after the extract date {latest.isoformat()}", name, late)
    for first, then in spec.date_order:
        if {first, then} <= usable_names:
            bad = df.filter(pl.col(then) < pl.col(first))
            if bad.height:
                add("end before start", f"'{then}' lies before '{first}'", then,
                    bad.get_column(spec.key[0]) if spec.key[0] in usable_names
                    else bad.get_column(then))
    return problems


def validate(
    data_dir: Path, name: str, *, wijk_codes: Iterable[str] | None = None
) -> tuple[ValidationResult, pl.DataFrame | None]:
    """Find, read and check one extract. Returns the frame when it is usable."""
    spec = CONTRACT[name]
    path = find_extract(data_dir, name)
    result = ValidationResult(name, path)
    if path is None and spec.optional:
        return result, None  # an optional extract left out: nothing to check, nothing to load
    if path is None:
        result.problems.append(Problem(
            name, f"{name}.parquet", "missing extract",
            f"no {name}.parquet (or folder {name}/ of Parquet files) in {data_dir}"))
        return result, None
    label = _label(data_dir, path)
    try:
        df = read_extract(path)
    except Exception as exc:  # any reader error means the same to the supplier
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        result.problems.append(Problem(
            name, label, "unreadable file",
            f"not a readable Parquet file ({first}); export it again as Parquet"))
        return result, None
    result.rows = df.height
    result.demo = is_demo(path)
    made_on = extract_date(path)
    result.problems = validate_frame(spec, df, label, wijk_codes=wijk_codes, made_on=made_on)
    refused = coverage_problem(extract_files(path), made_on)
    if refused is not None:
        result.problems.append(Problem(name, label, *refused))
    else:
        result.coverage_from = declared_coverage(extract_files(path))
    dates = [c for c in spec.date_columns if c in df.columns and df.schema[c] == pl.Date]
    if dates and df.height:
        lo = df.select(pl.min_horizontal([pl.col(c).min() for c in dates])).item()
        hi = df.select(pl.max_horizontal([pl.col(c).max() for c in dates])).item()
        if lo is not None and hi is not None:
            result.period = (lo, hi)
    elif name == "areas" and "year" in df.columns and df.height:
        result.period = (dt.date(int(df["year"].min()), 1, 1), dt.date(int(df["year"].max()), 12, 31))
    return result, (df if result.ok else None)


def _label(data_dir: Path, path: Path) -> str:
    try:
        return str(path.relative_to(data_dir.parent))
    except ValueError:
        return str(path)
