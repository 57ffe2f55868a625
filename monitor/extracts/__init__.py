"""The extract contract (version 2) as code, and its validation.

- `contract`: the contract as data (``CONTRACT``) and the data dictionary generated from it;
- `validation`: finding, reading and checking the Parquet extracts against it;
- `coverage`: the first complete month an extract declares in its metadata, and its check.

Callers use the names below (`extracts.CONTRACT`, `extracts.validate`, ...).
"""

from __future__ import annotations

from monitor.extracts.contract import (
    CONTRACT,
    CONTRACT_VERSION,
    COVERAGE_METADATA_KEY,
    DEMO_METADATA_KEY,
    EARLIEST_DATE,
    LOAD_ORDER,
    WIJK,
    Column,
    Extract,
    changes,
    contract_markdown,
    missing_column_advice,
)
from monitor.extracts.validation import (
    Problem,
    ValidationResult,
    coverage_from,
    extract_date,
    extract_files,
    find_extract,
    fingerprint,
    is_demo,
    read_extract,
    validate,
    validate_frame,
)

__all__ = [
    "CONTRACT",
    "CONTRACT_VERSION",
    "COVERAGE_METADATA_KEY",
    "DEMO_METADATA_KEY",
    "EARLIEST_DATE",
    "LOAD_ORDER",
    "WIJK",
    "Column",
    "Extract",
    "Problem",
    "ValidationResult",
    "changes",
    "contract_markdown",
    "coverage_from",
    "extract_date",
    "extract_files",
    "find_extract",
    "fingerprint",
    "is_demo",
    "missing_column_advice",
    "read_extract",
    "validate",
    "validate_frame",
]
