"""What changed since the last delivery: each catalog version's summary, compared with the one before.

A college and a council ask *what changed* before *where do we stand*. When a new
catalog replaces the previous one, its summary (status per ambition, last complete
month and twelve-month values per indicator, indicators that fail, extracts that failed
validation) is stored in the state database (`monitor.state`) and compared with the
previous version's stored summary, since the previous catalog file itself is removed
by later builds. The comparison is kept as one change entry per catalog version.
`record` is idempotent (the version is the key, checked inside the write transaction),
so `monitor build`, the changes page and a second server may all call it.

Every value comes from the roll-up's published twelve-month view (`scorecard.headline`);
a hidden cell is stored as None and never compared.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from monitor import commentary, scorecard, state
from monitor.engine import Engine
from monitor.settings import Settings

KINDS = ("first", "rebuild", "new_month", "new_period", "rules", "status", "move", "broke", "recovered",
         "extract")
MOVES = 5  # the largest moves against the previous year, listed per delivery
_PROBLEM_CHARS = 300


# The code whose rules turn published cells into figures and statuses: the roll-up and disclosure
# control, the programme's status, trajectory and projection, the scorecard.
_RULES = ("rollup/*.py", "programme/*.py", "disclosure.py", "scorecard.py", "engine.py", "workdays.py",
          "funnel.py", "indicators/contract.py")


@functools.cache
def rules_digest(base: Path = Path(__file__).parent) -> str:
    """A digest of the rules in `_RULES` (files under `base`), read as Python syntax trees without
    docstrings: a new version of the monitor that changes how a figure or status is computed gets
    another digest, one that only rewords a comment or docstring keeps it (so the change log does
    not cry wolf)."""
    digest = hashlib.sha256()
    for path in sorted(f for pattern in _RULES for f in base.glob(pattern)):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                    and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)):
                node.body = body[1:] or [ast.Pass()]  # type: ignore[attr-defined]
        # the code written back without its comments and docstrings (`ast.unparse`: the same text on
        # every Python version, where `ast.dump` adds fields with 3.12 and drops empty ones with 3.13)
        digest.update(path.relative_to(base).as_posix().encode() + b"\0" + ast.unparse(tree).encode() + b"\0")
    return digest.hexdigest()[:16]


def summary(engine: Engine) -> dict[str, Any]:
    """What a delivery looks like, as plain JSON: enough to compare the next one with."""
    report = engine.report
    as_of = engine.as_of
    cycle = engine.settings.reporting_cycle
    out: dict[str, Any] = {
        "catalog_version": report.version, "built_at": report.built_at,
        # the rules and the disclosure settings: a changed k or width changes hidden cells and statuses
        "rules": f"{rules_digest()}:k{engine.settings.min_cell}:w{engine.settings.protection_width:g}",
        "as_of": as_of.isoformat() if as_of else None,
        "reporting_period": commentary.last_complete(as_of, cycle) if as_of else None,
        "ambitions": {}, "indicators": {},
        "extracts": [{"name": e.name, "status": e.status, "problem": (e.problems or [""])[0][:_PROBLEM_CHARS]}
                     for e in report.extracts if e.status != "loaded"],
        # what was delivered: a catalog built again on the same files is no new delivery
        "data": [[e.name, e.status, e.rows, list(e.period) if e.period else None, e.modified]
                 for e in report.extracts],
    }
    try:
        cards = scorecard.scorecard(engine)
    except Exception as exc:  # a programme that cannot be scored is itself a change worth reporting
        out["programme_problem"] = f"{type(exc).__name__}: {exc}"[:_PROBLEM_CHARS]
        cards = []
    for card in cards:
        out["ambitions"][card.ambition.id] = {"status": card.status.code, "indicator": card.indicator.id}
    for ind in sorted(engine.registry.indicators.values(), key=lambda i: i.id):
        if ind.shape != "series":
            continue
        try:
            month, cur, prev, _ = scorecard.headline(engine, ind)
        except Exception as exc:  # a broken indicator is recorded, with its message
            out["indicators"][ind.id] = {"problem": f"{type(exc).__name__}: {exc}"[:_PROBLEM_CHARS]}
            continue
        out["indicators"][ind.id] = {
            "last_month": month.isoformat() if month else None,
            "current": None if cur.suppressed else cur.value,
            "previous": None if prev.suppressed else prev.value,
        }
    return out


def compare(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """The change items from one summary to the next (codes and values; the edges word them).

    Each item: kind (KINDS), subject (an ambition, indicator or extract id, or ""), before,
    after, change (a relative move) and detail (a problem text).
    """
    items: list[dict[str, Any]] = []

    def add(kind: str, subject: str = "", before_=None, after_=None, change=None, detail: str = "") -> None:
        items.append({"kind": kind, "subject": subject, "before": before_, "after": after_,
                      "change": change, "detail": detail})

    inds_after = after["indicators"]
    # built again on the same extracts (a query, staging or programme file changed): said so, and
    # the moves against a year earlier, the same as at the delivery itself, are not listed again
    rebuilt = before is not None and before.get("data") is not None and before["data"] == after.get("data")
    if before is None:
        add("first", after_=_month(after["as_of"]))
    else:
        if rebuilt:
            add("rebuild")
        inds_before = before["indicators"]
        if after["as_of"] != before["as_of"]:
            add("new_month", before_=_month(before["as_of"]), after_=_month(after["as_of"]))
        if after["reporting_period"] != before["reporting_period"] and after["reporting_period"]:
            add("new_period", before_=before["reporting_period"], after_=after["reporting_period"])
        # the monitor itself was updated in between: a status may have changed by its rules, not by
        # the data (unknown for a summary from before the digest was kept: nothing said)
        if before.get("rules") and after.get("rules") and before["rules"] != after["rules"]:
            add("rules", before_=before["rules"], after_=after["rules"])
        for amb, now in after["ambitions"].items():
            was = before["ambitions"].get(amb)
            if was is not None and was["status"] != now["status"]:
                add("status", amb, was["status"], now["status"])
        for ind, now in inds_after.items():
            was = inds_before.get(ind)
            if was is None:
                continue
            if "problem" in now and "problem" not in was:
                add("broke", ind, detail=now["problem"])
            elif "problem" in was and "problem" not in now:
                add("recovered", ind)
            elif "problem" not in now and now["last_month"] != was["last_month"] and now["last_month"]:
                add("new_month", ind, _month(was["last_month"]), _month(now["last_month"]))
    moves = []
    for ind, now in inds_after.items():
        cur, prev = now.get("current"), now.get("previous")
        if cur is not None and prev and cur != prev:
            moves.append((abs(cur - prev) / abs(prev), ind, cur, prev))
    for _, ind, cur, prev in ([] if rebuilt else sorted(moves, key=lambda m: (-m[0], m[1]))[:MOVES]):
        add("move", ind, prev, cur, change=round((cur - prev) / abs(prev), 4))
    for e in after["extracts"]:
        add("extract", e["name"], after_=e["status"], detail=e["problem"])
    if after.get("programme_problem"):
        add("broke", "programme.yaml", detail=after["programme_problem"])
    return items


def _month(day: str | None) -> str | None:
    return day[:7] if day else None


def record(engine: Engine) -> dict[str, Any] | None:
    """Store this catalog version's summary and its changes against the previous one (None: done before).

    The previous one is the last recorded for the same data folder: a second folder on the same
    state database (a test delivery, another municipality's extracts) is another history, and
    comparing across them would report its numbers as changes."""
    settings = engine.settings
    version, folder = engine.report.version, str(settings.data_dir)
    with state.reading(settings) as con:
        if con.execute("SELECT 1 FROM changes WHERE catalog_version = ?", (version,)).fetchone():
            return None
    now_summary = summary(engine)  # outside the write lock: it may compute for a while
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with state.writing(settings) as con:
        if con.execute("SELECT 1 FROM changes WHERE catalog_version = ?", (version,)).fetchone():
            return None
        for table in ("summaries", "changes"):  # history from before folders were kept: the first to record
            con.execute(f"UPDATE {table} SET data_dir = ? WHERE data_dir IS NULL", (folder,))
        row = con.execute("SELECT catalog_version, data FROM summaries WHERE catalog_version != ? "
                          f"AND {_SAME_FOLDER} ORDER BY recorded_at DESC, rowid DESC LIMIT 1",
                          (version, folder)).fetchone()
        before = json.loads(row["data"]) if row else None
        entry = {"catalog_version": version, "previous_version": row["catalog_version"] if row else None,
                 "built_at": engine.report.built_at, "recorded_at": now, "as_of": now_summary["as_of"],
                 "items": compare(before, now_summary)}
        con.execute("INSERT OR REPLACE INTO summaries (catalog_version, built_at, recorded_at, data, "
                    "data_dir) VALUES (?, ?, ?, ?, ?)",
                    (version, engine.report.built_at, now, json.dumps(now_summary), folder))
        con.execute("INSERT INTO changes (catalog_version, previous_version, built_at, recorded_at, data, "
                    "data_dir) VALUES (?, ?, ?, ?, ?, ?)",
                    (version, entry["previous_version"], entry["built_at"], now, json.dumps(entry), folder))
    return entry


# a row of this data folder; a row recorded before folders were kept (null) is listed for every folder
# until the first delivery after the upgrade claims it (`record`)
_SAME_FOLDER = "(data_dir = ? OR data_dir IS NULL)"


def log(settings: Settings, since: dt.date | None = None) -> list[dict[str, Any]]:
    """Every recorded delivery of this data folder with its changes, newest delivery first; `since`:
    built on or after that day."""
    with state.reading(settings) as con:
        rows = con.execute(f"SELECT data FROM changes WHERE {_SAME_FOLDER} "
                           "ORDER BY built_at DESC, recorded_at DESC", (str(settings.data_dir),)).fetchall()
    entries = [json.loads(r["data"]) for r in rows]
    if since is not None:
        entries = [e for e in entries if dt.date.fromisoformat(e["built_at"][:10]) >= since]
    return entries
