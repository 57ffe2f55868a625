"""The build report: what became of each extract and staging file, kept in the catalog's manifest.

`build` writes it next to the catalog file it describes; the sources page, the CLI and
the filters (the extracts' coverage) read it back with `read_report`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from monitor import staging
from monitor.settings import Settings, get_settings

MANIFEST = "manifest.json"
# what became of an extract in a build: loaded anew, last good table kept, failed (no table), missing
EXTRACT_STATUSES = ("loaded", "kept", "failed", "missing")


@dataclass
class ExtractStatus:
    name: str
    status: str  # loaded | kept | failed | missing
    file: str | None = None
    rows: int = 0
    period: tuple[str, str] | None = None
    modified: str | None = None
    demo: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "loaded" or self.optional_missing

    @property
    def optional_missing(self) -> bool:
        """An optional extract (the contract's `optional`) left out of the delivery: not a failure."""
        from monitor.extracts import CONTRACT

        spec = CONTRACT.get(self.name)
        return self.status == "missing" and spec is not None and spec.optional


@dataclass
class BuildReport:
    built: bool
    database: str
    version: str
    built_at: str
    extracts: list[ExtractStatus]
    # the staging tables built from `<queries_dir>/_staging/*.sql` after the extracts
    staging: list[staging.StagingStatus] = field(default_factory=list)
    # seconds per part of the build: "extracts" (validated, loaded and written to disk) and "staging"
    # (the staging tables, written): what an operator (and `monitor bench`) compares with a bare load
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(e.ok for e in self.extracts) and all(s.ok for s in self.staging)

    @property
    def demo(self) -> bool:
        loaded = [e for e in self.extracts if e.status in {"loaded", "kept"}]
        return bool(loaded) and all(e.demo for e in loaded)

    @property
    def as_of(self) -> dt.date | None:
        """The newest event date in the event extracts: what 'the data run until' means."""
        ends = [e.period[1] for e in self.extracts if e.period and e.name != "areas"]
        return dt.date.fromisoformat(max(ends)) if ends else None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BuildReport:
        items = []
        for e in data["extracts"]:
            e = dict(e)
            if e.get("period"):
                e["period"] = tuple(e["period"])
            items.append(ExtractStatus(**e))
        staged = [staging.StagingStatus(**s) for s in data.get("staging", [])]
        return cls(data["built"], data["database"], data["version"], data["built_at"], items, staged,
                   dict(data.get("timings") or {}))


def read_report(settings: Settings | None = None) -> BuildReport | None:
    """The last build's report, or None when nothing was built yet (or its manifest is unreadable)."""
    settings = settings or get_settings()
    data = read_manifest(settings)
    return BuildReport.from_json(data["report"]) if data is not None else None


def read_manifest(settings: Settings) -> dict[str, Any] | None:
    """The manifest as the last build wrote it; None when there is none or it is corrupt (not JSON,
    or without a readable report): the building side then builds anew, a reader says so."""
    path = settings.catalog_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        BuildReport.from_json(data["report"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return data if isinstance(data.get("fingerprint"), str) else None
