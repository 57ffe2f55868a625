"""The catalog: validated extracts loaded as DuckDB tables, and guarded query execution.

- `builder`: validate, load, staging tables, fingerprint, the manifest swapped in atomically;
- `report`: the build report (`BuildReport`, `ExtractStatus`) kept in the manifest;
- `connection`: the hardened read-only connection (`Catalog`), guarded queries and their errors;
- `validate`: the contract's value rules run as SQL over the Parquet files or the loaded table;
- `store`: results derived from one catalog version (indicator frames, projections), kept beside
  it as Parquet or JSON.

This is the only package that opens DuckDB; `monitor.staging` runs on the build connection it
hands over. Callers use the names below (`catalog.build`, `catalog.open_catalog`, ...).
"""

from __future__ import annotations

from monitor.catalog.builder import BuildMemoryError, build, coverage, ensure_catalog, has_extracts
from monitor.catalog.connection import (
    ERROR_CODES,
    Catalog,
    CatalogMissing,
    QueryError,
    QueryFailed,
    QueryRefused,
    QueryResult,
    QueryTimeout,
    open_catalog,
    open_connections,
)
from monitor.catalog.report import EXTRACT_STATUSES, MANIFEST, BuildReport, ExtractStatus, read_report
from monitor.catalog.store import FrameStore

__all__ = [
    "ERROR_CODES",
    "EXTRACT_STATUSES",
    "MANIFEST",
    "BuildMemoryError",
    "BuildReport",
    "Catalog",
    "CatalogMissing",
    "ExtractStatus",
    "FrameStore",
    "QueryError",
    "QueryFailed",
    "QueryRefused",
    "QueryResult",
    "QueryTimeout",
    "build",
    "coverage",
    "ensure_catalog",
    "has_extracts",
    "open_catalog",
    "open_connections",
    "read_report",
]
