"""programme.yaml read once and again only when it changes: the pages ask for it on every run.

`stamp` is the file's (mtime, size), also part of the engine's cache keys, so an edit to
programme.yaml shows without a restart; `cached` keeps one parsed file per path.
"""

from __future__ import annotations

from pathlib import Path

from monitor.programme.loader import load_programme
from monitor.programme.model import ProgrammeFile

_CACHE: dict[Path, tuple[tuple[int, int], ProgrammeFile]] = {}


def stamp(path: Path) -> tuple[int, int]:
    """(mtime, size) of a file; (0, 0) when it is missing (a monitor may run without programme.yaml)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


def cached(path: Path) -> ProgrammeFile:
    """programme.yaml, re-read when it changes (small: one entry per file path)."""
    path.stat()  # a missing file is the caller's FileNotFoundError, not a cached (0, 0)
    now = stamp(path)
    hit = _CACHE.get(path)
    if hit and hit[0] == now:
        return hit[1]
    pf = load_programme(path)
    _CACHE[path] = (now, pf)
    return pf
