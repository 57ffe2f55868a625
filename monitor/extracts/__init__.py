"""The extract contract (version 1) as code, and its validation.

- `contract`: the contract as data (``CONTRACT``) and the data dictionary generated from it;
- `validation`: finding, reading and checking the Parquet extracts against it.

Callers use the names below (`extracts.CONTRACT`, `extracts.validate`, ...).
"""

from __future__ import annotations

from monitor.extracts.contract import (
    CONTRACT,
    CONTRACT_VERSION,
    DEMO_METADATA_KEY,
    EARLIEST_DATE,
    LOAD_ORDER,
    WIJK,
    Column,
    Extract,
    contract_markdown,
)
from monitor.extracts.validation import (
    Problem,
    ValidationResult,
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
    "DEMO_METADATA_KEY",
    "EARLIEST_DATE",
    "LOAD_ORDER",
    "WIJK",
    "Column",
    "Extract",
    "Problem",
    "ValidationResult",
    "contract_markdown",
    "extract_date",
    "extract_files",
    "find_extract",
    "fingerprint",
    "is_demo",
    "read_extract",
    "validate",
    "validate_frame",
]
