"""Paths and knobs, read from `MONITOR_*` environment variables.

Read on every call (not at import) so tests and the CLI can point one process at
another data folder by setting the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "aan", "ja"}


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    queries_dir: Path
    programme_file: Path
    min_cell: int
    protection_width: int  # a hidden small cell must be able to lie anywhere in an interval this wide
    query_timeout_s: float
    row_cap: int
    memory_limit: str
    threads: int
    geojson: Path | None
    geojson_key: str
    workbench: bool
    municipality: str  # the name of the city level in every series and in the report
    access_file: Path  # roles (docs/access.md); read only when sign-in is configured
    audit_dir: Path  # the audit trail, outside the data folder
    require_login: bool  # MONITOR_REQUIRE_LOGIN=1: no [auth] configuration is an error, not local mode

    @property
    def catalog_dir(self) -> Path:
        """The only place in the data folder that the monitor itself writes."""
        return self.data_dir / ".catalog"


def get_settings() -> Settings:
    env = os.environ
    geo = env.get("MONITOR_GEOJSON", "").strip()
    programme_file = Path(env.get("MONITOR_PROGRAMME", ROOT / "programme.yaml")).resolve()
    return Settings(
        data_dir=Path(env.get("MONITOR_DATA_DIR", ROOT / "data")).resolve(),
        queries_dir=Path(env.get("MONITOR_QUERIES_DIR", ROOT / "queries")).resolve(),
        programme_file=programme_file,
        min_cell=int(env.get("MONITOR_MIN_CELL", "10")),
        protection_width=int(env.get("MONITOR_PROTECTION_WIDTH", "") or env.get("MONITOR_MIN_CELL", "10")),
        query_timeout_s=float(env.get("MONITOR_QUERY_TIMEOUT", "10")),
        row_cap=int(env.get("MONITOR_ROW_CAP", "10000")),
        memory_limit=env.get("MONITOR_MEMORY_LIMIT", "2GB"),
        threads=int(env.get("MONITOR_THREADS", "2")),
        geojson=Path(geo).resolve() if geo else None,
        geojson_key=env.get("MONITOR_GEOJSON_KEY", "statcode"),
        workbench=_flag(env.get("MONITOR_WORKBENCH"), True),
        municipality=env.get("MONITOR_MUNICIPALITY", "Den Haag"),
        access_file=Path(env.get("MONITOR_ACCESS") or programme_file.parent / "access.yaml").resolve(),
        audit_dir=Path(env.get("MONITOR_AUDIT_DIR") or ROOT / "audit").resolve(),
        require_login=_flag(env.get("MONITOR_REQUIRE_LOGIN"), False),
    )
