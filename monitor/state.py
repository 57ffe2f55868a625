"""The state users and builds write: one embedded SQLite database in MONITOR_STATE_DIR, outside `data/`.

The catalog stays read-only and is replaced with every delivery, so what people write
(commentary and its history) and what the monitor remembers across deliveries (each
catalog version's summary and the change log) live here instead. SQLite in WAL mode
lets two servers on one host read while one writes; every write is one
`BEGIN IMMEDIATE` transaction (the write lock taken up front, so a read-then-write
cannot interleave with another server's), and a busy database is waited for, not failed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from monitor.settings import Settings

FILE = "monitor.sqlite3"
BUSY_MS = 10_000  # how long a writer waits for another server's transaction before failing

_SCHEMA = """
CREATE TABLE IF NOT EXISTS commentary (
    ambition TEXT NOT NULL, period TEXT NOT NULL, version INTEGER NOT NULL,
    what TEXT NOT NULL, why TEXT NOT NULL, partners TEXT NOT NULL, next TEXT NOT NULL,
    author TEXT NOT NULL, written_at TEXT NOT NULL,
    PRIMARY KEY (ambition, period, version)
);
CREATE TRIGGER IF NOT EXISTS commentary_no_update BEFORE UPDATE ON commentary
BEGIN SELECT RAISE(ABORT, 'commentary history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS commentary_no_delete BEFORE DELETE ON commentary
BEGIN SELECT RAISE(ABORT, 'commentary history is append-only'); END;
CREATE TABLE IF NOT EXISTS summaries (
    catalog_version TEXT PRIMARY KEY, built_at TEXT NOT NULL, recorded_at TEXT NOT NULL, data TEXT NOT NULL,
    data_dir TEXT
);
CREATE TABLE IF NOT EXISTS changes (
    catalog_version TEXT PRIMARY KEY, previous_version TEXT, built_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL, data TEXT NOT NULL, data_dir TEXT
);
"""

# Columns added after a table was first made: (table, column, type). A database from before gets
# them on first use; its rows keep a null there (`changes`: belonging to any data folder).
_ADDED = (("summaries", "data_dir", "TEXT"), ("changes", "data_dir", "TEXT"))


class StateError(Exception):
    """The state database cannot be opened or written where it is configured."""


def path(settings: Settings) -> Path:
    return settings.state_dir / FILE


_READY: set[tuple[str, int, int, int]] = set()  # database files this process gave their tables and WAL mode


def _identity(db: Path) -> tuple[str, int, int, int] | None:
    try:
        st = db.stat()
    except OSError:
        return None
    return (str(db), st.st_dev, st.st_ino, st.st_ctime_ns)  # a file made again is another file


def connect(settings: Settings) -> sqlite3.Connection:
    """A connection to the state database (created with its tables on first use), in WAL mode.

    The tables and WAL mode (kept in the file) are set once per file and process: doing it on
    every connection was a tenth of a programme page's server time (docs/load.md)."""
    db = path(settings)
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        known = _identity(db) in _READY
        con = sqlite3.connect(db, timeout=BUSY_MS / 1000, isolation_level=None)
        con.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        if not known:
            con.execute("PRAGMA journal_mode = WAL")
            con.executescript(_SCHEMA)
            _add_columns(con)
            if (ident := _identity(db)) is not None:
                _READY.add(ident)
    except (OSError, sqlite3.Error) as exc:
        raise StateError(f"cannot open the state database {db}: {exc}; set MONITOR_STATE_DIR to a folder "
                         "the servers may write (outside the data folder)") from None
    con.row_factory = sqlite3.Row
    return con


def _add_columns(con: sqlite3.Connection) -> None:
    for table, column, kind in _ADDED:
        if column not in {r[1] for r in con.execute(f"PRAGMA table_info({table})")}:
            try:
                con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            except sqlite3.OperationalError:  # another server added it meanwhile
                if column not in {r[1] for r in con.execute(f"PRAGMA table_info({table})")}:
                    raise


@contextmanager
def writing(settings: Settings) -> Iterator[sqlite3.Connection]:
    """One write transaction, the write lock taken at its start; committed on success, else rolled back."""
    con = connect(settings)
    try:
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
    finally:
        con.close()


@contextmanager
def reading(settings: Settings) -> Iterator[sqlite3.Connection]:
    con = connect(settings)
    try:
        yield con
    finally:
        con.close()
