"""Accessibility: the real axe-core (node_modules/axe-core) on every page, in Dutch and English.

WCAG 2.0/2.1 A and AA rules, on the page as it opens and again with each of its tabs shown
(axe skips hidden content); a violation with impact "critical" or "serious" fails, and the
message lists every rule with its help text, help URL and the CSS targets of the nodes, so the
developer can go straight to the element. Nothing is excluded.
"""

from __future__ import annotations

import json

import pytest

from monitor import ui
from monitor.settings import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ui.page_files()
SLUGS = [ui.page_slug(p) for p in PAGES]
FAILING_IMPACTS = ("critical", "serious")
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def page_path(slug: str) -> str:
    return "/" if slug == "home" else f"/{slug}"


def run_axe(page) -> dict:
    """Inject axe-core and audit the whole document."""
    if page.evaluate("() => typeof window.axe") == "undefined":
        page.add_script_tag(path=str(AXE))
    return page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            summary = " ".join(x.strip() for x in node.get("failureSummary", "").splitlines()[1:])
            lines.append(f"    {json.dumps(node['target'])}: {summary}")
            lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)


@pytest.fixture(scope="module", autouse=True)
def _axe_installed() -> None:
    if not AXE.is_file():
        pytest.fail(f"axe-core not found at {AXE}: run `npm ci` (scripts/test.sh does it)", pytrace=False)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("slug", SLUGS)
def test_no_serious_violations(server: str, app, slug: str, lang: str) -> None:
    app.open(server, page_path(slug) + ("?lang=en" if lang == "en" else ""))
    found: dict[str, dict] = {}
    tabs = app.page.get_by_role("tab").all()
    for i in range(max(1, len(tabs))):
        if i:
            tabs[i].click()
            app.wait()
        for v in run_axe(app.page)["violations"]:
            seen = found.setdefault(v["id"], {**v, "nodes": []})
            known = {json.dumps(n["target"]) for n in seen["nodes"]}
            seen["nodes"] += [n for n in v["nodes"] if json.dumps(n["target"]) not in known]
    bad = [v for v in found.values() if v["impact"] in FAILING_IMPACTS]
    minor = [v for v in found.values() if v["impact"] not in FAILING_IMPACTS]
    if minor:
        print(f"minor/moderate on {slug} ({lang}):\n{describe(minor)}")
    assert not bad, f"axe: serious or critical violations on {page_path(slug)} ({lang}):\n{describe(bad)}"
    app.assert_clean()  # the tabs shown for the audit broke nothing and fetched nothing from elsewhere
