"""The registry's file stamp (checked on every `Engine.registry`) sees exactly the query files the
registry reads, and changes when one is added, edited or removed."""

from __future__ import annotations

import os
from pathlib import Path

from monitor.indicators.registry import _stamp, query_files


def _tree(root: Path) -> None:
    for rel in ("a.sql", "werk/b.sql", "werk/diep/c.sql", "_staging/stg_x.sql", ".hidden/d.sql",
                "werk/.e.sql", "notes.md", "werk/_staging/f.sql"):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("SELECT 1\n")


def test_the_stamp_lists_the_files_the_registry_reads(tmp_path: Path) -> None:
    _tree(tmp_path)
    stamped = [Path(p) for p, _, _ in _stamp(tmp_path)]
    assert sorted(stamped) == sorted(query_files(tmp_path))
    # by hand: the top-level _staging folder and hidden names are skipped, a nested _staging is not
    assert sorted(p.relative_to(tmp_path).as_posix() for p in stamped) == [
        "a.sql", "werk/_staging/f.sql", "werk/b.sql", "werk/diep/c.sql"]


def test_the_stamp_changes_with_every_change(tmp_path: Path) -> None:
    _tree(tmp_path)
    first = _stamp(tmp_path)
    (tmp_path / "werk" / "b.sql").write_text("SELECT 22\n")  # same name, new size
    edited = _stamp(tmp_path)
    assert edited != first
    st = (tmp_path / "a.sql").stat()
    os.utime(tmp_path / "a.sql", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # touched only
    assert _stamp(tmp_path) != edited
    touched = _stamp(tmp_path)
    (tmp_path / "werk" / "diep" / "c.sql").unlink()
    assert len(_stamp(tmp_path)) == len(touched) - 1
    assert _stamp(tmp_path / "missing") == ()
