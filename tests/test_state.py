"""The state database and the settings are set up once per process, and still follow a change."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from monitor import state
from monitor.settings import get_settings


def _tables(con: sqlite3.Connection) -> set[str]:
    return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_a_state_file_made_again_gets_its_tables_again(tmp_path: Path) -> None:
    """Tables and WAL mode are set once per file; a file removed and made again is a new file."""
    settings = dataclasses.replace(get_settings(), state_dir=tmp_path / "state")
    for _ in range(3):
        with state.reading(settings) as con:
            assert {"commentary", "summaries", "changes"} <= _tables(con)
            assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        for f in (tmp_path / "state").iterdir():
            f.unlink()


def test_settings_follow_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MONITOR_MIN_CELL", "7")
    monkeypatch.setenv("MONITOR_DATA_DIR", str(tmp_path / "a"))
    first = get_settings()
    assert first.min_cell == 7 and first.data_dir == (tmp_path / "a").resolve()
    assert get_settings() is first  # kept while nothing changed
    monkeypatch.setenv("MONITOR_MIN_CELL", "12")
    monkeypatch.setenv("MONITOR_DATA_DIR", str(tmp_path / "b"))
    second = get_settings()
    assert second.min_cell == 12 and second.data_dir == (tmp_path / "b").resolve()


def test_a_relative_folder_follows_the_working_folder(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    monkeypatch.setenv("MONITOR_DATA_DIR", "data")
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    monkeypatch.chdir(tmp_path / "one")
    assert get_settings().data_dir == tmp_path / "one" / "data"
    monkeypatch.chdir(tmp_path / "two")
    assert get_settings().data_dir == tmp_path / "two" / "data"
