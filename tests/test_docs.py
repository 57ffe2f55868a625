"""What the project documents matches what the code does (as datasette checks its settings).

- every `MONITOR_*` variable the code reads is in the README's settings table;
- every label key the code uses exists in labels.yaml, and every key there is used,
  including keys built with f-strings (`f"status_{code}"`), whose possible values are
  enumerated here from the code's own constants, not from a list kept by hand.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor import i18n, indicators, programme, rollup
from monitor.indicators import model
from tests.conftest import ROOT

CODE = [ROOT / "dashboard.py", *sorted(ROOT.glob("pages/*.py")), *sorted(ROOT.glob("monitor/**/*.py")),
        *sorted(ROOT.glob("benchmarks/*.py"))]


def _trees() -> Iterator[tuple[Path, ast.AST]]:
    for path in CODE:
        yield path, ast.parse(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- settings


def _settings_read() -> set[str]:
    found: set[str] = set()
    for path in CODE:
        if path.parts[-2] != "pages":
            found |= set(re.findall(r"MONITOR_[A-Z_]+[A-Z]", path.read_text(encoding="utf-8")))
    return found


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    settings = _settings_read()
    assert {"MONITOR_DATA_DIR", "MONITOR_MIN_CELL"} <= settings  # the scan finds what it should
    undocumented = sorted(s for s in settings if f"`{s}`" not in readme)
    assert undocumented == [], f"document these settings in the README's settings table: {undocumented}"


# ---------------------------------------------------------------- labels


def _enumerations() -> dict[str, set[str]]:
    """The values an f-string label key can take, by its literal prefix, from the code's constants."""
    from monitor import access, catalog, population, report, trail, ui, workbench

    registry = indicators.load_registry(ROOT / "queries")
    units = {i.unit for i in registry.indicators.values()} - {"%"}
    return {
        "status_": set(ui.STATUS_ORDER),
        "kind_": set(model.KINDS),
        "measure_": set(model.MEASURES),
        "direction_": set(model.DIRECTIONS),
        "grain_": set(rollup.GRAINS),
        "level_": set(rollup.LEVELS),
        "per_": {"abs", "inhabitants", "households"},
        "unit_": units,
        "page_": {ui.page_slug(p) for p in ui.page_files()},
        "extract_": set(catalog.EXTRACT_STATUSES),
        "wb_": set(workbench.OUTCOMES) - {"ok"},
        "export_": set(rollup.COLUMNS) | set(rollup.COMPARE_COLUMNS) | set(rollup.SPLIT_COLUMNS)
        | {"cohort", "months_since"},
        "dim_": {d for i in registry.indicators.values() for d in i.dimensions},
        "grp_": {f"{d}_{c}" for d, codes in ui.split.WORDED.items() for c in codes},
        "projection_method_": set(programme.METHODS),
        "tab_": {"chart", "table", "definition"},
        "rep_": set(report.HEADERS),
        "err_": set(catalog.ERROR_CODES),
        "audit_": {*trail.EVENTS, trail.UNREADABLE},
        "role_": {*access.STAFF_ROLES, "partner"},
        "pop_unit_": set(population.UNITS) - {"percent"},
    }


def _code_keys() -> tuple[set[str], set[str]]:
    """(string constants that are label keys, literal prefixes of f-strings that prefix a label key)."""
    labels = set(i18n.LABELS)
    literal, prefixes = set(), set()
    for _, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in labels:
                literal.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                head = str(node.values[0].value)
                if len(node.values) > 1 and any(k.startswith(head) for k in labels):
                    prefixes.add(head)
    return literal, prefixes


def test_every_f_string_label_prefix_is_enumerated() -> None:
    _, prefixes = _code_keys()
    assert prefixes, "the scan found no f-string label keys at all"
    missing = sorted(prefixes - set(_enumerations()))
    assert missing == [], f"enumerate the values of these label prefixes in tests/test_docs.py: {missing}"


def test_every_label_key_the_code_can_build_exists() -> None:
    _, prefixes = _code_keys()
    wanted = {p + v for p, values in _enumerations().items() if p in prefixes for v in values}
    missing = sorted(k for k in wanted if k not in i18n.LABELS and not k.startswith("export_"))
    assert missing == [], f"add these keys to monitor/labels.yaml: {missing}"


def test_no_label_key_is_unused() -> None:
    literal, prefixes = _code_keys()
    built = {p + v for p, values in _enumerations().items() if p in prefixes for v in values}
    unused = sorted(set(i18n.LABELS) - literal - built)
    assert unused == [], f"these labels.yaml keys are used nowhere: remove them or use them: {unused}"


@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_literal_t_calls_name_existing_keys(path: Path) -> None:
    """`t("key")`, `ctx.t("key")`, `tr("key")`: a typo in a key fails here, not on a page."""
    keys = re.findall(r"""\bt[r]?\(\s*["']([a-z_]+[a-z0-9])["']""", path.read_text(encoding="utf-8"))
    missing = sorted({k for k in keys if k not in i18n.LABELS})
    assert missing == [], f"{path.name}: add these keys to monitor/labels.yaml: {missing}"
