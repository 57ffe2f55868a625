"""The front matter of a query file: split it from the SQL, check every key, write a new file.

A file starts with a `/*--- ... ---*/` YAML block (queries/README.md). Parsing lists
every problem in the file at once, each with the file line and the fix; `template`
writes a new file that parses back to its values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from monitor.extracts import CONTRACT
from monitor.i18n import LANGUAGES
from monitor.indicators.model import (
    DIRECTIONS,
    DISTINCT,
    ID_PATTERN,
    KEYS,
    KINDS,
    MEASURES,
    SHAPES,
    Indicator,
    IndicatorError,
)
from monitor.problems import Collector, YamlSyntaxError, did_you_mean, read_yaml
from monitor.workdays import TABLE as WORKDAYS_TABLE

OPEN, CLOSE = "/*---", "---*/"


@dataclass
class Front:
    """The front matter of one file, split from the SQL body."""

    yaml_text: str
    yaml_line: int  # file line of the first YAML line
    sql: str
    sql_line: int


def split(text: str, path: Path) -> Front:
    """Front matter and SQL body, with the file line where each starts."""
    text = text.lstrip("\ufeff")
    start = len(text) - len(text.lstrip())

    def line_of(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    if not text.startswith(OPEN, start):
        raise IndicatorError.at(path, line_of(start),
                                f"no front matter: start the file with a {OPEN} ... {CLOSE} block holding "
                                "title, kind, programme, measure, unit, direction and sources "
                                "(see queries/README.md)")
    end = text.find(CLOSE, start + len(OPEN))
    if end < 0:
        raise IndicatorError.at(path, line_of(start), f"the front matter opened on line {line_of(start)} is "
                                                      f"never closed: end it with a line {CLOSE}")
    after = end + len(CLOSE)
    body = text[after:]
    rest_of_line, newline, below = body.partition("\n")
    if not rest_of_line.strip():
        body = below if newline else ""
        sql_line = line_of(after) + 1
    else:
        sql_line = line_of(after)
    return Front(text[start + len(OPEN):end], line_of(start), body, sql_line)


class _Checker(Collector):
    """Every front-matter problem of one file, so the analyst fixes them in one pass."""

    def __init__(self, path: Path, data: dict[str, Any], lines: dict[str, int], first_line: int) -> None:
        super().__init__(path, lines, first_line=first_line)
        self.data = data

    def choice(self, key: str, options: tuple[str, ...], default: str | None = None) -> str | None:
        """The value, or None (reported) when missing or not allowed: then rules that need it are skipped."""
        value = self.data.get(key, default)
        if value is None:
            self.add(key, f"missing key '{key}': one of {', '.join(options)}")
            return None
        if value not in options:
            self.add(key, f"{key} '{value}' is not allowed{did_you_mean(str(value), options)}; "
                          f"use one of {', '.join(options)}")
            return None
        return str(value)

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(key, f"missing key '{key}': give a non-empty text")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.add(key, f"{key} must be a text, not {type(value).__name__}")
            return ""
        return str(value)

    def languages(self, key: str, required: bool) -> dict[str, str]:
        value = self.data.get(key)
        if value is None and not required:
            return {lang: "" for lang in LANGUAGES}
        example = f"{key}: {{nl: ..., en: ...}}"
        if not isinstance(value, dict):
            self.add(key, f"{'missing key' if value is None else 'malformed'} '{key}': write it as "
                          f"{example}, Dutch and English")
            return {}
        out: dict[str, str] = {}
        for lang in value:
            if lang not in LANGUAGES:
                self.add(key, f"{key} has an unknown language '{lang}'{did_you_mean(str(lang), LANGUAGES)}; "
                              f"use {' and '.join(LANGUAGES)}")
        for lang in LANGUAGES:
            text = value.get(lang)
            if text is not None and not isinstance(text, str):
                text = str(text)
            if required and not (text or "").strip():
                self.add(key, f"{key} needs a non-empty '{lang}' text: {example}")
            out[lang] = (text or "").strip()
        return out

    def names(self, key: str, *, required: bool) -> tuple[str, ...]:
        value = self.data.get(key, None if required else [])
        if value is None:
            self.add(key, f"missing key '{key}': a list such as [a, b]")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(key, f"{key} must be a list of names such as [a, b]")
            return ()
        return tuple(value)


def _read(front: Front, path: Path) -> _Checker:
    """The YAML of the front matter, with the file line of each key; YAML errors carry the file line."""
    try:
        parsed = read_yaml(front.yaml_text, front.yaml_line)
    except YamlSyntaxError as exc:
        raise IndicatorError.at(path, exc.line, f"front matter is not valid YAML: {exc.reason}; check "
                                                "indentation, colons and quotes (quote values holding ':' "
                                                "or '%')") from None
    if not isinstance(parsed.data, dict):
        raise IndicatorError.at(path, front.yaml_line,
                                "front matter must be a YAML mapping of keys to values, e.g. 'kind: output'")
    # a missing key is reported on the line that opens the block
    check = _Checker(path, parsed.data, {**parsed.lines, "": front.yaml_line}, front.yaml_line)
    check.duplicates(parsed.duplicates)
    if check.problems:
        raise IndicatorError.of(check.problems)
    return check


def parse_text(
    text: str,
    path: Path,
    *,
    programme_ids: Collection[str] | None = None,
    known_ids: Collection[str] | None = None,
) -> Indicator:
    """Parse one query file's text; raises IndicatorError listing every problem found.

    `known_ids` (when given) are the ids drivers may name; `programme_ids` the programmes.
    """
    ind_id = path.stem
    if not ID_PATTERN.fullmatch(ind_id):
        raise IndicatorError.at(path, None, f"'{path.name}' is not a valid indicator file name: the id (file "
                                            "name without .sql) uses lowercase letters, digits and "
                                            "underscores and starts with a letter; rename the file")
    front = split(text, path)
    check = _read(front, path)
    data = check.data
    for key in data:
        if key not in KEYS:
            check.add(str(key), f"unknown key '{key}'{did_you_mean(str(key), KEYS)}; "
                                f"allowed keys: {', '.join(KEYS)}")
    title = check.languages("title", required=True)
    description = check.languages("description", required=False)
    unit_label = check.languages("unit_label", required=True) if "unit_label" in data else None
    basis = check.languages("basis", required=True) if "basis" in data else None
    provisional = data.get("provisional_months", 0)
    if isinstance(provisional, bool) or not isinstance(provisional, int) or provisional < 0:
        check.add("provisional_months", f"provisional_months must be a whole number of months, 0 or more, "
                                        f"not '{provisional}'")
        provisional = 0
    kind = check.choice("kind", KINDS)
    measure = check.choice("measure", MEASURES)
    direction = check.choice("direction", DIRECTIONS)
    shape = check.choice("shape", SHAPES, default="series")
    programme = check.text("programme")
    unit = check.text("unit")
    sources = check.names("sources", required=True)
    drivers = check.names("drivers", required=False)
    dimensions = _dimensions(check)
    peer = check.text("peer") if "peer" in data else None
    if peer and not ID_PATTERN.fullmatch(peer):
        check.add("peer", f"peer '{peer}' must be a population indicator id of queries/population.yaml "
                          "(lowercase letters, digits, underscores)")
    # a distinct ratio's numerator is households or persons by construction (distinct keys)
    people = data.get("numerator_is_people",
                      measure == "distinct_ratio" or (measure == "ratio" and unit == "%"))
    _cross_checks(check, kind=kind, measure=measure, unit=unit, shape=shape, programme=programme,
                  sources=sources, drivers=drivers, people=people, ind_id=ind_id,
                  programme_ids=programme_ids, known_ids=known_ids)
    if not front.sql.strip():
        check.add(None, f"no SQL after the front matter: write a SELECT below the {CLOSE} line",
                  front.sql_line)
    if check.problems:
        raise IndicatorError.of(check.problems)
    return Indicator(
        id=ind_id, path=path, title=title, description=description, kind=kind,  # type: ignore[arg-type]
        programme=programme, measure=measure, unit=unit, direction=direction,  # type: ignore[arg-type]
        sources=sources, drivers=drivers, shape=shape, sql=front.sql,  # type: ignore[arg-type]
        sql_line=front.sql_line, numerator_is_people=bool(people), unit_label=unit_label,
        basis=basis, provisional_months=provisional, dimensions=dimensions,
        dimensions_line=check.lines.get("dimensions"), peer=peer or None,
    )


# result columns a dimension may not be named after: the contract's own columns
_RESERVED = ("month", "wijk_code", "value", "denominator", "key", "numerator", "cohort_month", "months_since")


def _dimensions(check: _Checker) -> tuple[str, ...]:
    """`dimensions:`: result columns to split by; each a plain column name, named once."""
    names = check.names("dimensions", required=False)
    for name in names:
        if not ID_PATTERN.fullmatch(name) or name in _RESERVED:
            check.add("dimensions", f"dimension '{name}' must be a result column of its own (lowercase "
                                    f"letters, digits, underscores; not {', '.join(_RESERVED)})")
    if len(set(names)) != len(names):
        check.add("dimensions", "a dimension is named twice: list each column once")
    if names and check.data.get("shape") == "cohort":
        check.add("dimensions", "a cohort has no dimensions: split a series indicator instead")
    return names


def _cross_checks(check: _Checker, *, kind: str | None, measure: str | None, unit: str, shape: str | None,
                  programme: str,
                  sources: tuple[str, ...], drivers: tuple[str, ...], people: object, ind_id: str,
                  programme_ids: Collection[str] | None, known_ids: Collection[str] | None) -> None:
    """Rules that tie keys together or to the world outside the file."""
    if programme and programme_ids is not None and programme not in programme_ids:
        known = ", ".join(sorted(programme_ids)) or "(none)"
        check.add("programme", f"unknown programme '{programme}'{did_you_mean(programme, programme_ids)}; "
                               f"programme.yaml defines: {known}")
    if "sources" in check.data and not sources and not any(p.line == check.lines.get("sources")
                                                           for p in check.problems):
        check.add("sources", "sources is empty: list the extracts the query reads, e.g. [debt_cases]")
    for name in sources:
        if name not in CONTRACT and name != WORKDAYS_TABLE:
            check.add("sources", f"unknown source '{name}'{did_you_mean(name, [*CONTRACT, WORKDAYS_TABLE])}; "
                                 f"the extracts are: {', '.join(CONTRACT)}; the calendar: {WORKDAYS_TABLE}")
    if kind == "outcome" and not drivers:
        check.add("drivers" if "drivers" in check.data else "kind",
                  "an outcome needs drivers: list the output indicators behind it, e.g. "
                  "drivers: [schuldhulp_aanmeldingen]")
    for name in drivers:
        if name == ind_id:
            check.add("drivers", f"'{name}' names itself as a driver; list other indicators")
        elif known_ids is not None and name not in known_ids:
            check.add("drivers", f"driver '{name}' does not exist{did_you_mean(name, known_ids)}: "
                                 f"there is no queries/{name}.sql")
    if unit == "%" and measure not in ("ratio", "distinct_ratio", None):
        check.add("unit", f"unit '%' is for a ratio (value / denominator); this is a {measure}: "
                          "use measure: ratio (or distinct_ratio) or a unit such as personen")
    if shape == "cohort" and measure not in ("ratio", None):
        check.add("shape", "a cohort returns value and denominator: use measure: ratio")
    if not isinstance(people, bool):
        check.add("numerator_is_people", f"numerator_is_people must be true or false, not '{people}'")


def parse_file(path: Path, **kwargs: Any) -> Indicator:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IndicatorError.at(path, None, f"cannot read the file ({exc}); save it as UTF-8 text") from None
    return parse_text(text, path, **kwargs)


# ---------------------------------------------------------------- new files


_PLACEHOLDER = """\
-- Write the query here (see queries/README.md): one row per month and wijk with
--   month (DATE, first day of the month), wijk_code, value (DOUBLE){denominator}.
-- A readable chain of CTEs works best: select the events, then count them per month and wijk.
WITH events AS (
    -- replace with the rows that count, e.g.:
    -- SELECT registered_on AS happened_on, wijk_code FROM debt_cases
    SELECT NULL::DATE AS happened_on, NULL::VARCHAR AS wijk_code WHERE false
)

SELECT
    date_trunc('month', happened_on)::DATE AS month,
    wijk_code,
    count(*)::DOUBLE AS value{denominator_col}
FROM events
GROUP BY ALL
"""


_PLACEHOLDER_DISTINCT = """\
-- Write the query here (see queries/README.md): one row per event with
--   month (DATE, first day of the month), wijk_code, key (VARCHAR: the pseudonymised household or
--   person id){numerator}. Rows may repeat: the monitor counts each key once per period and area.
SELECT
    date_trunc('month', registered_on)::DATE AS month,
    wijk_code,
    household_id AS key{numerator_col}
FROM debt_cases
WHERE false  -- replace with the rows that count
"""

# `monitor check` asks every indicator for its basis; the form cannot know it, so the file says where it goes.
BASIS_HINT = "# basis: {nl: ..., en: ...}  the legal or statistical source of the definition (check asks)"

_PLAIN = re.compile(r"[^\s,:#\[\]{}'\"&*!|>%@`?-][^,:#\[\]{}]*")


def _scalar(text: str) -> str:
    """A YAML scalar that reads back as exactly `text`: plain when that is safe, else quoted."""
    if _PLAIN.fullmatch(text) and text == text.strip() and yaml.safe_load(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _by_language(key: str, texts: Mapping[str, str]) -> list[str]:
    lines = [f"{key}:"]
    for lang in LANGUAGES:
        lines.append(f"  {lang}: {_scalar(texts.get(lang, ''))}")
    return lines


def template(
    id: str, *, title_nl: str, title_en: str, description_nl: str = "", description_en: str = "",
    kind: str = "output", programme: str, measure: str = "count", unit: str = "personen",
    direction: str = "up", sources: Collection[str] = (), drivers: Collection[str] = (),
    sql_body: str | None = None,
) -> str:
    """The text of a new query file; `parse_text` reads it back to the same values (tested)."""
    def note(line: str, comment: str) -> str:
        return f"{line:<24}# {comment}"

    front = [
        OPEN,
        f"title: {{nl: {_scalar(title_nl)}, en: {_scalar(title_en)}}}",
        *_by_language("description", {"nl": description_nl, "en": description_en}),
        BASIS_HINT,
        note(f"kind: {kind}", "outcome | output | context"),
        f"programme: {_scalar(programme)}",
        note(f"measure: {measure}", " | ".join(MEASURES)),
        note(f"unit: {_scalar(unit)}", "'%' for a ratio shown as a percentage"),
        note(f"direction: {direction}", "up: higher is better | down | none"),
        note(f"sources: [{', '.join(sources)}]", "the extracts the query reads"),
        note(f"drivers: [{', '.join(drivers)}]", "the outputs behind an outcome (required for an outcome)"),
        CLOSE,
        "",
    ]
    if sql_body is None and measure in DISTINCT:
        ratio = measure == "distinct_ratio"
        sql_body = _PLACEHOLDER_DISTINCT.format(
            numerator=" and numerator (BOOLEAN: does this row count in the share?)" if ratio else "",
            numerator_col=",\n    end_reason = 'schuldenvrij' AS numerator" if ratio else "")
    if sql_body is None:
        ratio = measure == "ratio"
        sql_body = _PLACEHOLDER.format(
            denominator=" and denominator (DOUBLE)" if ratio else "",
            denominator_col=",\n    count(*)::DOUBLE AS denominator" if ratio else "")
    return "\n".join(front) + "\n" + sql_body.rstrip() + "\n"

