"""Which query files wait for work merged by the lead (issue 10): contract v2 and the distinct measures.

Worked out from the files and the current code, not kept by hand: a file is pending while its
`measure` is not yet a known measure, or while it reads a version-2 column that the extract
contract does not have yet. Once the contract and the roll-up are merged, nothing is pending and
the xfail marks that use this disappear by themselves.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from monitor.extracts import CONTRACT
from monitor.indicators.frontmatter import split
from monitor.indicators.model import MEASURES

REASON = "needs contract v2 / distinct measure (issue 10), merged by the lead"

# The version-2 columns (issue 10, item 5) per extract.
V2_COLUMNS: dict[str, tuple[str, ...]] = {
    "debt_cases": ("urgent",),
    "work_activities": ("wijk_code", "on_benefit"),
    "benefit_spells": ("benefit_unit_id",),
    "early_signals": ("partner_name",),
}

# Indicators whose numbers need the version-2 demo data, not only its columns: the v1 demo has no
# re-entries into social assistance and no untraceable placements, so these are empty or zero on it.
NEEDS_V2_DEMO = {"herinstroom_bijstand_12m_pct": "the v1 demo data has no re-entries into social assistance",
                 "plaatsingen_niet_traceerbaar": "the v1 demo data has no untraceable placements"}


def _missing_v2(table: str) -> set[str]:
    have = {c.name for c in CONTRACT[table].columns} if table in CONTRACT else set()
    return set(V2_COLUMNS.get(table, ())) - have


def unknown_measure(path: Path) -> bool:
    """The file's measure is one the registry does not know yet (distinct, distinct_ratio)."""
    return (yaml.safe_load(split(path.read_text(encoding="utf-8"), path).yaml_text) or {}).get(
        "measure") not in MEASURES


def pending(path: Path) -> str | None:
    """Why this query file cannot run on the current code and demo data yet, or None."""
    text = path.read_text(encoding="utf-8")
    front = split(text, path)
    data = yaml.safe_load(front.yaml_text) or {}
    if data.get("measure") not in MEASURES:
        return f"{REASON}: measure '{data.get('measure')}'"
    code = re.sub(r"--[^\n]*", " ", front.sql)
    for table in data.get("sources") or []:
        for column in sorted(_missing_v2(table)):
            if re.search(rf"\b{column}\b", code):
                return f"{REASON}: {table}.{column}"
    if path.stem in NEEDS_V2_DEMO and _missing_v2("benefit_spells"):
        return f"{REASON}: {NEEDS_V2_DEMO[path.stem]}"
    return None
