"""The story behind the curve: per ambition and reporting period, four short texts with their full history.

Results-Based Accountability pairs every curve with what happened, why (the forces at
work), the partners with a role to play and what we will do next. An editor writes
them per reporting period (MONITOR_REPORTING_CYCLE: a quarter unless the municipality
reports per month, four months (`tertiaal`), half year or year). Every save is a new
version in an append-only table (`monitor.state`): who, when and what, never
overwritten. The writer sends the version they edited; when another has saved since,
the save is refused with that text (`Conflict`), so no one's words are lost unseen.
Every change also goes to the audit trail (who, ambition, period, version; no text).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from monitor import state, trail
from monitor.rollup.periods import add_months, month_end, month_index
from monitor.settings import Settings

FIELDS = ("what", "why", "partners", "next")  # RBA: story, forces at work, partners, what we will do
FIELD_LABELS = {"what": "story_what", "why": "story_why", "partners": "story_partners", "next": "story_next"}
MAX_CHARS = 4000  # per field: "short" texts; a longer one is refused with its length
CYCLES = {"month": 1, "quarter": 3, "tertiaal": 4, "half": 6, "year": 12}
_LETTER = {3: "Q", 4: "T", 6: "H"}
_CODE = re.compile(r"^(\d{4})(?:-(\d{2})|-([QTH])(\d))?$")


class CommentaryError(ValueError):
    """A save that cannot be made as asked (unknown ambition or period, a text too long)."""


@dataclass(frozen=True)
class Entry:
    """One version of one ambition's story for one period."""

    ambition: str
    period: str
    version: int
    texts: Mapping[str, str]
    author: str
    written_at: str  # ISO 8601, UTC

    @property
    def empty(self) -> bool:
        return not any(self.texts.get(f, "").strip() for f in FIELDS)


class Conflict(Exception):
    """The text changed under the writer: `current` is what the other author saved since."""

    def __init__(self, current: Entry, expected: int) -> None:
        super().__init__(f"{current.ambition} {current.period}: version {current.version} by "
                         f"{current.author} was saved after version {expected}, which this edit started from")
        self.current = current
        self.expected = expected


# ---- reporting periods

def months_in(cycle: str) -> int:
    if cycle not in CYCLES:
        raise CommentaryError(f"unknown reporting cycle '{cycle}' (MONITOR_REPORTING_CYCLE): use one of "
                              f"{', '.join(CYCLES)}")
    return CYCLES[cycle]


def period_of(month: dt.date, cycle: str) -> str:
    """The period code holding `month`: `2026-09`, `2026-Q3`, `2026-T3`, `2026-H2` or `2026`."""
    n = months_in(cycle)
    if n == 1:
        return f"{month:%Y-%m}"
    if n == 12:
        return str(month.year)
    return f"{month.year}-{_LETTER[n]}{(month.month - 1) // n + 1}"


def bounds(code: str) -> tuple[dt.date, dt.date]:
    """(first day, last day) of a period code of any cycle; CommentaryError for anything else."""
    m = _CODE.match(code.strip())
    if not m:
        raise CommentaryError(f"'{code}' is not a period: write 2026-Q3, 2026-T2, 2026-H1, 2026-09 or 2026")
    year, month, letter, number = int(m[1]), m[2], m[3], m[4]
    if month is not None:
        if not 1 <= int(month) <= 12:
            raise CommentaryError(f"'{code}': month {month} does not exist")
        first, span = dt.date(year, int(month), 1), 1
    elif letter is not None:
        span = {v: k for k, v in _LETTER.items()}[letter]
        if not 1 <= int(number) <= 12 // span:
            raise CommentaryError(f"'{code}': a year has {12 // span} periods of {span} months")
        first = dt.date(year, (int(number) - 1) * span + 1, 1)
    else:
        first, span = dt.date(year, 1, 1), 12
    return first, month_end(add_months(first, span - 1))


def last_complete(as_of: dt.date, cycle: str) -> str:
    """The newest period the data cover in full: its last month is complete by `as_of`."""
    month = as_of.replace(day=1) if as_of == month_end(as_of) else add_months(as_of, -1)
    code = period_of(month, cycle)
    return code if bounds(code)[1] <= month_end(month) else period_of(add_months(bounds(code)[0], -1), cycle)


def recent(as_of: dt.date, cycle: str, n: int = 4) -> list[str]:
    """The `n` newest complete periods, newest first: what an editor chooses from."""
    out = [last_complete(as_of, cycle)]
    while len(out) < n:
        out.append(period_of(add_months(bounds(out[-1])[0], -1), cycle))
    return out


def period_order(code: str) -> int:
    """Sort key: newest period last (by its last month)."""
    return month_index(bounds(code)[1])


# ---- reading

def _entry(row) -> Entry:
    return Entry(row["ambition"], row["period"], row["version"], {f: row[f] for f in FIELDS},
                 row["author"], row["written_at"])


def latest(settings: Settings, ambition: str, period: str) -> Entry | None:
    with state.reading(settings) as con:
        row = con.execute("SELECT * FROM commentary WHERE ambition = ? AND period = ? "
                          "ORDER BY version DESC LIMIT 1", (ambition, period)).fetchone()
    return _entry(row) if row else None


def history(settings: Settings, ambition: str, period: str) -> list[Entry]:
    """Every version of one story, oldest first."""
    with state.reading(settings) as con:
        rows = con.execute("SELECT * FROM commentary WHERE ambition = ? AND period = ? ORDER BY version",
                           (ambition, period)).fetchall()
    return [_entry(r) for r in rows]


def stories(settings: Settings, ambition: str | None = None, period: str | None = None) -> list[Entry]:
    """The latest version per (ambition, period), the newest period first; empty stories left out."""
    sql = ("SELECT c.* FROM commentary c JOIN (SELECT ambition, period, max(version) AS v FROM commentary "
           "GROUP BY ambition, period) m "
           "ON c.ambition = m.ambition AND c.period = m.period AND c.version = m.v")
    with state.reading(settings) as con:
        rows = [_entry(r) for r in con.execute(sql).fetchall()]
    rows = [e for e in rows if (ambition is None or e.ambition == ambition)
            and (period is None or e.period == period) and not e.empty]
    return sorted(rows, key=lambda e: (-period_order(e.period), e.ambition))


# ---- writing

def save(settings: Settings, ambition: str, period: str, texts: Mapping[str, str], *, author: str,
         expected: int, known: set[str] | None = None, how: str = "edit") -> Entry:
    """Save a new version, or raise `Conflict` when the story's latest version is not `expected`.

    `expected` is the version the writer started from (0 for a new story). The check and the
    insert are one `BEGIN IMMEDIATE` transaction, so two servers cannot both pass the check.
    The audit line is written inside it: a change that cannot be audited is not made.
    """
    if known is not None and ambition not in known:
        raise CommentaryError(f"unknown ambition '{ambition}': use an ambition id from programme.yaml")
    bounds(period)
    clean = {f: str(texts.get(f, "") or "").strip() for f in FIELDS}
    for f, text in clean.items():
        if len(text) > MAX_CHARS:
            raise CommentaryError(f"{ambition} {period}: the field '{f}' has {len(text)} characters; "
                                  f"keep it to {MAX_CHARS} (a short story: the details belong in a document)")
    unknown = sorted(set(texts) - set(FIELDS))
    if unknown:
        raise CommentaryError(f"unknown field(s) {', '.join(unknown)}: the fields are {', '.join(FIELDS)}")
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with state.writing(settings) as con:
        row = con.execute("SELECT * FROM commentary WHERE ambition = ? AND period = ? "
                          "ORDER BY version DESC LIMIT 1", (ambition, period)).fetchone()
        current = row["version"] if row else 0
        if current != expected:
            raise Conflict(_entry(row), expected)
        version = current + 1
        con.execute("INSERT INTO commentary (ambition, period, version, what, why, partners, next, author, "
                    "written_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (ambition, period, version, *(clean[f] for f in FIELDS), author, now))
        trail.record(settings.audit_dir, "commentary", author, ambition=ambition, period=period,
                     version=version, how=how)
    return Entry(ambition, period, version, clean, author, now)
