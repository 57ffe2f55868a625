"""The registry: every query file in the folder, parsed; a broken file is a problem, not a crash.

`registry_cached` is cheap enough to call on every page render: a new or changed
file shows up without a restart.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from monitor.indicators.frontmatter import parse_file
from monitor.indicators.model import ID_PATTERN, Indicator, IndicatorError
from monitor.problems import Problem, display_path


@dataclass
class Registry:
    """The indicators that loaded, by id, and a problem for every file that did not."""

    indicators: dict[str, Indicator] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def __contains__(self, ind_id: object) -> bool:
        return ind_id in self.indicators

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators.values())

    def __len__(self) -> int:
        return len(self.indicators)


def query_files(queries_dir: Path) -> list[Path]:
    """Every `*.sql` under the folder, subfolders included (group files by programme if you like).

    Hidden files and folders (editor backups, .ipynb_checkpoints) are skipped, and so is the
    top-level `_staging/` folder: staging files are tables the build makes, not indicators
    (monitor.staging). Files are sorted by depth, then path: on a duplicate id the file nearest
    the top wins.
    """
    if not queries_dir.is_dir():
        return []
    found = [p for p in queries_dir.rglob("*.sql")
             if p.is_file() and not any(part.startswith(".") for part in p.relative_to(queries_dir).parts)
             and p.relative_to(queries_dir).parts[0] != "_staging"]
    return sorted(found, key=lambda p: (len(p.relative_to(queries_dir).parts), str(p)))


def load_registry(queries_dir: Path, programme_ids: Collection[str] | None = None) -> Registry:
    """Parse every query file; each broken one becomes a problem and the others still load.

    Drivers are checked against every file present (even a broken one), so a broken
    output does not take the outcomes it drives down with it. The same file reached
    twice (a symlink) counts once; two different files with one id: the first wins.
    """
    registry = Registry()
    files = query_files(queries_dir)
    known = {p.stem for p in files if ID_PATTERN.fullmatch(p.stem)}
    seen: dict[str, Path] = {}
    for path in files:
        ind_id = path.stem
        if ind_id in seen:
            if _same_file(seen[ind_id], path):
                continue
            registry.problems.append(Problem(
                path, None, f"duplicate id '{ind_id}': {display_path(seen[ind_id])} already defines it; "
                            "rename one of the files (the id is the file name)"))
            continue
        seen[ind_id] = path
        try:
            ind = parse_file(path, programme_ids=programme_ids, known_ids=known)
        except IndicatorError as exc:
            registry.problems += exc.problems or [Problem(path, None, str(exc))]
            continue
        registry.indicators[ind.id] = ind
    registry.indicators = dict(sorted(registry.indicators.items()))
    return registry


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or a.samefile(b)
    except OSError:
        return False


_CACHE: dict[tuple[Path, frozenset[str] | None], tuple[tuple, Registry]] = {}
_CACHE_LOCK = threading.Lock()


def _stamp(queries_dir: Path) -> tuple:
    """(path, mtime, size) of every query file `query_files` would list, sorted.

    Called on every `Engine.registry` (a scorecard asks ~160 times), so it walks the folder with
    `os.scandir` (names and types from the directory, one stat per query file): about 1 ms for
    the project's files, where `rglob` took ~10 ms a call and a scorecard a second.
    """
    out = []
    stack = [str(queries_dir)]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir():
                    if not (folder == str(queries_dir) and entry.name == "_staging"):
                        stack.append(entry.path)
                elif entry.name.endswith(".sql") and entry.is_file():
                    st = entry.stat()
                    out.append((entry.path, st.st_mtime_ns, st.st_size))
            except OSError:
                continue
    return tuple(sorted(out))


def registry_cached(queries_dir: Path, programme_ids: Collection[str] | None = None) -> Registry:
    """The registry, reparsed only when a query file is added, removed or changed (name, mtime, size)."""
    key = (Path(queries_dir).resolve(), None if programme_ids is None else frozenset(programme_ids))
    stamp = _stamp(key[0])
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
    registry = load_registry(key[0], programme_ids)
    with _CACHE_LOCK:
        _CACHE[key] = (stamp, registry)
    return registry
