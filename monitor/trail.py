"""The audit trail: who signed in, ran which workbench query, downloaded what, was refused where, and
changed which story behind the curve (ambition, period, version; never the text).

One JSON line per event, appended to a file per day (`audit-YYYY-MM-DD.jsonl`) in
MONITOR_AUDIT_DIR, outside the data folder, so a new delivery or a rebuilt catalog
never touches it. Lines are only ever appended (one `write` on a file opened with
O_APPEND, so two servers on one host do not interleave within a line); nothing
rewrites or deletes them. Nothing in a line holds record-level values: the event,
who, when, what (a page, an indicator, a view, the analyst's SQL text) and
counts (rows, bytes, seconds), never a result.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

EVENTS = ("sign_in", "query", "download", "refusal", "commentary")
UNREADABLE = "unreadable"  # what `read` returns for a line that is not JSON
PREFIX = "audit-"


class TrailError(Exception):
    """The audit trail cannot be written where it is configured."""


def _day_file(folder: Path, day: dt.date) -> Path:
    return folder / f"{PREFIX}{day.isoformat()}.jsonl"


def record(folder: Path, event: str, user: str, *, now: dt.datetime | None = None, **fields: Any) -> dict:
    """Append one event; returns the line as written. Field values must be JSON scalars or lists."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event '{event}' (known: {', '.join(EVENTS)})")
    now = now or dt.datetime.now(dt.UTC)
    line = {"time": now.isoformat(timespec="milliseconds"), "event": event, "user": user, **fields}
    data = (json.dumps(line, ensure_ascii=False, sort_keys=False, default=str) + "\n").encode("utf-8")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(_day_file(folder, now.date()), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    except OSError as exc:
        raise TrailError(f"cannot write the audit trail in {folder}: {exc.strerror}; set MONITOR_AUDIT_DIR "
                         "to a folder the server may write (outside the data folder)") from None
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    return line


def read(folder: Path, *, since: dt.date | None = None, user: str | None = None) -> Iterator[dict]:
    """Every event from `since` (a day, inclusive) on, of `user` (case-insensitive), oldest first.

    A line that is not JSON (a disk that filled up mid-line) is returned as an event
    `unreadable` with its file and line number, never skipped in silence.
    """
    if not folder.is_dir():
        return
    for path in sorted(folder.glob(f"{PREFIX}*.jsonl")):
        try:
            day = dt.date.fromisoformat(path.stem.removeprefix(PREFIX))
        except ValueError:
            continue
        if since is not None and day < since:
            continue
        with path.open(encoding="utf-8", errors="replace") as fh:
            for n, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                try:
                    line = json.loads(text)
                except json.JSONDecodeError:
                    yield {"time": "", "event": UNREADABLE, "user": "", "file": path.name, "line": n}
                    continue
                if user is None or str(line.get("user", "")).lower() == user.lower():
                    yield line
