"""Coverage: the first month from which an extract is complete, declared in its file metadata.

Before that month a delivery may hold only what was still open then (a stock), so flows counted
from it would rise falsely; the monitor shows no period before it. An extract without the key
makes no claim. Kept apart from `validation` so the rule and its messages are in one place.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyarrow.parquet as pq

from monitor.extracts.contract import COVERAGE_METADATA_KEY, COVERAGE_PATTERN, EARLIEST_DATE

_KEY = f"metadata key '{COVERAGE_METADATA_KEY}'"
_FORM = "the first month from which the extract is complete, written 'YYYY-MM' (e.g. 2019-01)"


def declared_values(files: list[Path]) -> list[str]:
    """The coverage values the files carry (Parquet key-value metadata), distinct, in file order."""
    values: list[str] = []
    for f in files:
        raw = (pq.read_metadata(f).metadata or {}).get(COVERAGE_METADATA_KEY.encode())
        if raw is not None and raw.decode(errors="replace") not in values:
            values.append(raw.decode(errors="replace"))
    return values


def coverage_problem(files: list[Path], made_on: dt.date) -> tuple[str, str] | None:
    """(rule, message) when the declared coverage is unusable, naming the key and the expected form."""
    values = declared_values(files)
    if not values:
        return None
    if len(values) > 1:
        return ("inconsistent coverage", f"the files of the extract give different values for the {_KEY} "
                f"({', '.join(values)}); write one value, {_FORM}, into every file")
    value = values[0]
    if not re.match(COVERAGE_PATTERN, value):
        return ("malformed coverage", f"the {_KEY} is {value!r}; expected {_FORM}, or leave the key out "
                "to make no claim")
    first = dt.date.fromisoformat(f"{value}-01")
    if first < EARLIEST_DATE.replace(day=1) or first > made_on:
        return ("implausible coverage", f"the {_KEY} is {value!r}, outside {EARLIEST_DATE:%Y-%m} to the "
                f"extract date {made_on.isoformat()}; expected {_FORM}")
    return None


def declared_coverage(files: list[Path]) -> dt.date | None:
    """The first day of the declared month, or None when the files make no claim; a value that
    `coverage_problem` refuses raises ValueError (validation reports it as a problem first)."""
    values = declared_values(files)
    if not values:
        return None
    if len(values) > 1 or not re.match(COVERAGE_PATTERN, values[0]):
        raise ValueError(f"{COVERAGE_METADATA_KEY} must be one 'YYYY-MM' value, got {values!r}")
    return dt.date.fromisoformat(f"{values[0]}-01")
