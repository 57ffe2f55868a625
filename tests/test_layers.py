"""The layers hold: pages talk to `monitor.ui` only, only `monitor/ui/` imports Streamlit, modules stay small.

Files are found by globbing (docs/architecture.md), so a new page or module is checked
without anyone adding it here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MONITOR = ROOT / "monitor"
PAGES = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))]
MODULES = sorted(MONITOR.rglob("*.py"))
UI = MONITOR / "ui"
MAX_LINES = 400

# What a page may import: Streamlit, the frame and the chart builders.
PAGE_IMPORTS = {"__future__", "streamlit", "monitor.ui", "monitor.charts"}



def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import: `from monitor import ui` gives `monitor.ui`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            if node.module in ("monitor",) and node.level == 0:
                found += [(node.lineno, f"monitor.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, base))
    return found


def _page_may_import(module: str) -> bool:
    return any(module == ok or module.startswith(ok + ".") for ok in PAGE_IMPORTS)


@pytest.mark.parametrize("path", PAGES, ids=[_rel(p) for p in PAGES])
def test_pages_import_only_ui_and_charts(path: Path) -> None:
    bad = [f"{_rel(path)}:{line}: imports {module}" for line, module in _imports(path)
           if not _page_may_import(module)]
    assert not bad, ("a page imports only streamlit, monitor.ui and monitor.charts; move the work into "
                     "monitor/ui/:\n" + "\n".join(bad))


@pytest.mark.parametrize("path", [p for p in MODULES if UI not in p.parents], ids=_rel)
def test_only_ui_imports_streamlit(path: Path) -> None:
    bad = [f"{_rel(path)}:{line}: imports {module}" for line, module in _imports(path)
           if module == "streamlit" or module.startswith("streamlit.")]
    assert not bad, "only monitor/ui/ (and the pages) may import Streamlit:\n" + "\n".join(bad)


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{_rel(path)} has {lines} lines (max {MAX_LINES}): split it by concept"


def test_the_checks_see_files() -> None:
    assert len(PAGES) > 1 and (UI / "__init__.py") in MODULES
