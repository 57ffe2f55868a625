"""The schema of programme.yaml and the reader that checks each value at its line.

Kept apart from the loader, which walks the file: this part says what a key may hold and
words the problem when it does not (`programme.yaml:LINE: place.in.the.file: what; how to fix`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from monitor.problems import Collector, did_you_mean, join
from monitor.programme.model import Texts

KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # section: (required keys, optional keys)
    "top": (("terms", "programmes", "ambitions"), ("note", "tolerance", "events")),
    "term": (("id", "label", "start", "end"), ()),
    "programme": (("id", "title", "funnel"), ("description",)),
    "ambition": (("id", "programme", "term", "title", "indicator", "baseline", "targets"),
                 ("description", "outputs", "tolerance", "population")),
    # a baseline is either adopted (date, value, source) or computed (from_data); checked in _baseline
    "baseline": ((), ("date", "value", "source", "page", "from_data")),
    "target": (("year", "value", "source"), ("illustrative", "page", "definition")),
    "event": (("date", "title"), ("programmes", "break")),
}

# Keys that used to be allowed, and where their setting went.
MOVED = {
    "municipality": "the municipality's name is a setting of the deployment now: set MONITOR_MUNICIPALITY "
                    "and remove this key",
}

HINTS = {
    "baseline": "a mapping with date, value and source, or with from_data: YYYY-MM",
    "targets": "a list of {year, value, source, illustrative}",
    "title": "a mapping {nl: ..., en: ...}",
    "label": "a mapping {nl: ..., en: ...}",
    "indicator": "an outcome indicator id (a file queries/<id>.sql)",
    "term": "a term id from `terms`",
    "programme": "a programme id from `programmes`",
    "date": "a date written as YYYY-MM-DD",
    "start": "a date written as YYYY-MM-DD",
    "end": "a date written as YYYY-MM-DD",
    "year": "a year such as 2027",
    "population": "a population indicator id from queries/population.yaml",
}


class Checker(Collector):
    """The problems of programme.yaml, each at its line, with the place in the file."""

    def __init__(self, path: Path, lines: dict[str, int]):
        super().__init__(path, lines, name=path.name, show_path=True)

    def mapping(self, value: Any, path: str, section: str) -> dict | None:
        """Check a mapping's keys against the section's schema; None when it is not a mapping."""
        required, optional = KEYS[section]
        if not isinstance(value, dict):
            self.add(path, f"expected a mapping with the keys {', '.join(required)}; "
                           f"found {type(value).__name__}")
            return None
        allowed = required + optional
        for key in value:
            if section == "top" and key in MOVED:
                self.add(join(path, key), MOVED[key])
            elif key not in allowed:
                self.add(join(path, key), f"unknown key '{key}'{did_you_mean(str(key), allowed)}; "
                                          f"allowed keys: {', '.join(allowed)}")
        for key in required:
            if key not in value:
                hint = f" ({HINTS[key]})" if key in HINTS else ""
                self.add(path, f"missing key '{key}'{hint}; add it")
        return value

    def items(self, value: Any, path: str, what: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(path, f"expected a list of {what}; found {type(value).__name__}")
            return []
        return value

    def texts(self, value: Any, path: str, required: bool = True) -> Texts:
        if value is None and not required:
            return Texts()
        if isinstance(value, str):
            return Texts(nl=value)
        if (isinstance(value, dict) and value.get("nl") and all(isinstance(k, str) for k in value)
                and all(isinstance(v, str) for v in value.values())):
            return Texts(value)
        self.add(path, "expected a text mapping {nl: ..., en: ...} with at least the Dutch text (nl); "
                       "put a text with a comma or colon in quotes")
        return Texts()

    def date(self, value: Any, path: str) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.add(path, f"cannot read '{value}' as a date; write YYYY-MM-DD (for example 2026-06-01)")
            return None

    def number(self, value: Any, path: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.add(path, f"expected a number; found '{value}' (write 1500 or 64.5, no thousands separator)")
            return None
        return float(value)

    def string(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.add(path, f"expected a text; found '{value}'")
            return ""
        return value

    def known(self, value: Any, path: str, known: Iterable[str], what: str) -> bool:
        known = sorted(set(known))
        if value in known:
            return True
        self.add(path, f"unknown {what} '{value}'{did_you_mean(str(value), known)}; "
                       f"known: {', '.join(known)}")
        return False
