"""The population indicators' definitions: `queries/population.yaml`, read and checked.

Population outcomes (how all residents are doing) are published statistics, not queries over
our records, so their definitions live in one small YAML registry beside the query files: the
unit the source publishes (one per indicator, so definitions are never mixed), the denominator,
the definition and the publisher. A table id is given only when someone checked it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.problems import Collector, Problem, YamlSyntaxError, did_you_mean, join, read_yaml

FILE_NAME = "population.yaml"
UNITS: tuple[str, ...] = ("percent", "per_1000", "per_10000")
DIRECTIONS: tuple[str, ...] = ("up", "down", "none")
ID = re.compile(r"^[a-z][a-z0-9_]*$")
AREA = re.compile(r"^(GM\d{4}|NL01)$")
_REQUIRED = ("title", "unit", "direction", "population", "denominator", "definition", "publisher")
_OPTIONAL = ("table", "verified")


@dataclass(frozen=True)
class PopulationIndicator:
    """One population indicator as its source defines it; texts are {nl, en}."""

    id: str
    title: dict[str, str]
    unit: str  # percent | per_1000 | per_10000
    direction: str
    population: dict[str, str]  # who: "alle huishoudens"
    denominator: dict[str, str]
    definition: dict[str, str]
    publisher: str
    table: str | None = None
    verified: bool = False

    def label(self, lang: str = "nl") -> str:
        return self.title.get(lang) or self.title.get("nl") or self.id


@dataclass(frozen=True)
class Registry:
    indicators: dict[str, PopulationIndicator] = field(default_factory=dict)
    # region code -> name per language ({"nl": ..., "en": ...}; a plain name in the file stands for both)
    areas: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()

    def area_name(self, code: str, lang: str = "nl") -> str:
        """The region's name in `lang` (the caller's language), else its Dutch name, else its code."""
        names = self.areas.get(code, {})
        return names.get(lang) or names.get("nl") or code


def load_registry(queries_dir: Path) -> Registry:
    """`<queries_dir>/population.yaml`; no file is an empty registry (population outcomes are optional).

    A broken entry is left out and reported (`problems`, each with file and line); the others stay.
    """
    path = Path(queries_dir) / FILE_NAME
    if not path.is_file():
        return Registry()
    try:
        parsed = read_yaml(path.read_text(encoding="utf-8"))
    except YamlSyntaxError as exc:
        return Registry(problems=(Problem(path, exc.line, f"invalid YAML: {exc.reason}; check the "
                                                          "indentation and quoting", FILE_NAME),))
    check = Collector(path, parsed.lines, name=FILE_NAME, show_path=True)
    check.duplicates(parsed.duplicates)
    data = parsed.data or {}
    if not isinstance(data, dict):
        check.add(None, "expected a mapping with the keys areas and indicators")
        return Registry(problems=tuple(check.problems))
    for key in data:
        if key not in ("areas", "indicators"):
            check.add(str(key), f"unknown key '{key}'{did_you_mean(str(key), ('areas', 'indicators'))}; "
                                "allowed keys: areas, indicators")
    areas = _areas(check, data.get("areas") or {})
    indicators = {}
    raw = data.get("indicators") or {}
    if not isinstance(raw, dict):
        check.add("indicators", "expected a mapping of indicator id to its definition")
        raw = {}
    for ind_id, entry in raw.items():
        ind = _indicator(check, str(ind_id), entry)
        if ind is not None:
            indicators[ind.id] = ind
    return Registry(indicators, areas, tuple(check.problems))


def _areas(check: Collector, raw: Any) -> dict[str, dict[str, str]]:
    if not isinstance(raw, dict):
        check.add("areas", "expected a mapping of region code to name, e.g. GM0518: Den Haag")
        return {}
    out = {}
    for code, name in raw.items():
        if not AREA.fullmatch(str(code)):
            check.add(join("areas", code), f"'{code}' is not a CBS region code of a gemeente (GM + 4 digits) "
                                           "or the Netherlands (NL01)")
        elif isinstance(name, str) and name.strip():
            out[str(code)] = {"nl": name, "en": name}
        elif isinstance(name, dict) and set(name) <= {"nl", "en"} and all(
                isinstance(v, str) and v.strip() for v in name.values()) and name.get("nl"):
            out[str(code)] = {"nl": name["nl"], "en": name.get("en") or name["nl"]}
        else:
            check.add(join("areas", code), "give the area's name as a text, or as {nl: ..., en: ...} "
                                           "where the name differs by language (NL01: {nl: Nederland, "
                                           "en: Netherlands})")
    return out


def _indicator(check: Collector, ind_id: str, entry: Any) -> PopulationIndicator | None:
    where = join("indicators", ind_id)
    before = len(check.problems)
    if not ID.fullmatch(ind_id):
        check.add(where, f"'{ind_id}' is not a valid id: lowercase letters, digits and underscores")
    if not isinstance(entry, dict):
        check.add(where, f"expected a mapping with {', '.join(_REQUIRED)}")
        return None
    for key in entry:
        if key not in _REQUIRED + _OPTIONAL:
            check.add(join(where, key), f"unknown key '{key}'{did_you_mean(str(key), _REQUIRED + _OPTIONAL)}")
    for key in _REQUIRED:
        if key not in entry:
            check.add(where, f"missing key '{key}'; add it")
    if check.problems[before:]:
        return None
    texts = {k: _texts(check, entry[k], join(where, k))
             for k in ("title", "population", "denominator", "definition")}
    for key, options in (("unit", UNITS), ("direction", DIRECTIONS)):
        if entry[key] not in options:
            hint = did_you_mean(str(entry[key]), options)
            check.add(join(where, key), f"{key} '{entry[key]}' is not allowed{hint}; "
                                        f"use one of {', '.join(options)}")
    verified = entry.get("verified", "table" in entry)
    if not isinstance(verified, bool):
        check.add(join(where, "verified"), "expected true or false")
    if check.problems[before:]:
        return None
    return PopulationIndicator(ind_id, texts["title"], entry["unit"], entry["direction"], texts["population"],
                               texts["denominator"], texts["definition"], str(entry["publisher"]),
                               str(entry["table"]) if entry.get("table") else None, bool(verified))


def _texts(check: Collector, value: Any, path: str) -> dict[str, str]:
    if isinstance(value, dict) and isinstance(value.get("nl"), str) and value["nl"].strip():
        return {str(k): str(v) for k, v in value.items()}
    check.add(path, "expected a text mapping {nl: ..., en: ...} with at least the Dutch text")
    return {}
