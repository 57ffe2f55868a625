"""The short form of the fault script (deploy/faults.py, docs/faults.md): each fault once.

Two Streamlit servers behind nginx on a copy of the session's demo data: a server killed
mid-session, a delivery while sessions are on the pages, a build killed half-way, a damaged
catalog file. Every check the script makes must hold. Slow (three builds of the demo data).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy import faults, render


@pytest.mark.timeout(3600)  # three full builds of the demo data: minutes each on a busy machine
def test_each_fault_once(browser, browser_data: Path, tmp_path: Path) -> None:
    if not render.NGINX.is_file():
        pytest.fail("nginx not found at /usr/sbin/nginx: scripts/test.sh installs Debian's package",
                    pytrace=False)
    results = faults.run(workdir=tmp_path, source=browser_data, short=True, browser=browser)
    assert [r.fault for r in results] == ["server killed mid-session", "delivery during use",
                                          "build killed half-way (load)", "corrupt catalog file"]
    failed = [f"{r.fault}: {what}" for r in results for what, ok in r.checks if not ok]
    assert not failed, "\n".join(failed)
    assert all(len(r.checks) >= 3 for r in results)  # each fault was checked, not skipped
