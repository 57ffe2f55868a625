"""Demo data for the UI benchmark and the screenshots: the tests' seed and cut-off, a built catalog.

Both start real servers on a temporary data folder, so the repository's own data/ is never touched.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

DEMO_SEED, DEMO_UNTIL = 2026, "2026-10"


@contextlib.contextmanager
def data_env(folder: Path) -> Iterator[None]:
    """MONITOR_DATA_DIR pointing at `folder` for the duration of the block."""
    old = os.environ.get("MONITOR_DATA_DIR")
    os.environ["MONITOR_DATA_DIR"] = str(folder)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("MONITOR_DATA_DIR", None)
        else:
            os.environ["MONITOR_DATA_DIR"] = old


def prepare_demo_data(folder: Path) -> Path:
    """Demo extracts (the tests' seed and cut-off), a built catalog and its disclosure patterns."""
    from monitor import catalog, sample
    from monitor.precompute import protect_all
    from monitor.settings import get_settings

    folder.mkdir(parents=True, exist_ok=True)
    sample.write_sample(folder, seed=DEMO_SEED, until=DEMO_UNTIL)
    with data_env(folder):
        catalog.build(get_settings())
        protect_all(get_settings())  # as `monitor build` does: pages read the stored patterns
    return folder
