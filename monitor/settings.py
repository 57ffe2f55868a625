"""Paths and knobs, read from `MONITOR_*` environment variables.

Read on every call (not at import) so tests and the CLI can point one process at
another data folder by setting the environment.
"""

from __future__ import annotations

import functools
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
    worker_memory: int = 1 << 30  # bytes a workbench query's worker may allocate (RLIMIT_DATA)
    worker_cpu_s: int = 30  # CPU seconds a workbench query's worker may use (RLIMIT_CPU)
    result_bytes: int = 50 << 20  # bytes of Arrow data a workbench result may hold
    queries_per_user: int = 1  # workbench queries one user may have running at a time
    build_memory: int = 1 << 30  # bytes: DuckDB memory_limit of the build's connection (it spills beyond)
    state_dir: Path = ROOT / "state"  # commentary and the change log (SQLite), outside data/
    reporting_cycle: str = "quarter"  # the commentary's period: month, quarter, tertiaal, half or year
    protect_workers: int = 0  # MONITOR_PROTECT_WORKERS: processes `monitor build` protects in (0: auto)
    builds: bool = True  # MONITOR_BUILDS=0: a server behind the proxy only reads what the build swapped in
    # the indicator files' own SQL (trusted, run by the build and stored): a national-scale delivery
    # takes longer than the workbench's interactive limit, and a stopped query would hold back its page
    indicator_timeout_s: float = 600.0

    @property
    def catalog_dir(self) -> Path:
        """The only place in the data folder that the monitor itself writes."""
        return self.data_dir / ".catalog"


def get_settings() -> Settings:
    """The settings from the MONITOR_* environment, kept while it (and the working folder) stays
    the same: pages ask several times per view, and resolving seven paths each time was 8% of a
    programme page's server time (docs/load.md)."""
    env = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("MONITOR_")))
    return _settings(env, os.getcwd())


@functools.lru_cache(maxsize=64)
def _settings(items: tuple[tuple[str, str], ...], _cwd: str) -> Settings:
    env = dict(items)
    geo = env.get("MONITOR_GEOJSON", "").strip()
    programme_file = Path(env.get("MONITOR_PROGRAMME", ROOT / "programme.yaml")).resolve()
    return Settings(
        data_dir=Path(env.get("MONITOR_DATA_DIR", ROOT / "data")).resolve(),
        queries_dir=Path(env.get("MONITOR_QUERIES_DIR", ROOT / "queries")).resolve(),
        programme_file=programme_file,
        min_cell=int(env.get("MONITOR_MIN_CELL", "10")),
        protection_width=int(env.get("MONITOR_PROTECTION_WIDTH", "") or env.get("MONITOR_MIN_CELL", "10")),
        query_timeout_s=float(env.get("MONITOR_QUERY_TIMEOUT", "10")),
        indicator_timeout_s=float(env.get("MONITOR_INDICATOR_TIMEOUT") or "600"),
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
        worker_memory=parse_bytes(env.get("MONITOR_WORKER_MEMORY") or "1GB"),
        worker_cpu_s=int(env.get("MONITOR_WORKER_CPU") or "30"),
        result_bytes=parse_bytes(env.get("MONITOR_RESULT_BYTES") or "50MB"),
        queries_per_user=int(env.get("MONITOR_QUERIES_PER_USER") or "1"),
        build_memory=parse_bytes(env.get("MONITOR_BUILD_MEMORY") or "0") or default_build_memory(),
        state_dir=Path(env.get("MONITOR_STATE_DIR") or ROOT / "state").resolve(),
        reporting_cycle=(env.get("MONITOR_REPORTING_CYCLE") or "quarter").strip().lower(),
        builds=_flag(env.get("MONITOR_BUILDS"), True),
        protect_workers=max(int(env.get("MONITOR_PROTECT_WORKERS") or "0"), 0),
    )


def default_build_memory() -> int:
    """A safe share of the machine for the build: a quarter of its memory, at most 1 GiB (DuckDB
    spills the rest to disk; the build stays well below 2 GB whatever the delivery's size)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 1 << 30
    return max(min(total // 4, 1 << 30), 128 << 20)


_UNITS = {"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "KIB": 1 << 10, "MIB": 1 << 20,
          "GIB": 1 << 30}


def parse_bytes(text: str) -> int:
    """'300MB', '1GB', '1.5 GiB' or a plain number of bytes; binary units (1 MB = 2**20 bytes)."""
    head = text.strip().upper()
    for suffix in sorted(_UNITS, key=len, reverse=True):
        if head.endswith(suffix):
            return int(float(head[: -len(suffix)].strip()) * _UNITS[suffix])
    return int(float(head))
