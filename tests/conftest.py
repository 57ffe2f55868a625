"""Shared fixtures: demo extracts written once per session, in temporary folders.

No test touches the repository's own data/ folder: MONITOR_DATA_DIR points at a
session folder before any test runs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest

DEMO_UNTIL = "2026-10"
DEMO_SEED = 2026
ROOT = Path(__file__).resolve().parent.parent

# Test data for the map code path: the CBS wijk boundaries in the shared folder beside the repo
# (CI lays a copy there); the product ships a copy as its default (monitor/geo_data/).
GEOJSON = next((p for p in (ROOT.parent / "shared" / "geo" / "den_haag_wijken_2024.geojson",
                            Path("/work/shared/geo/den_haag_wijken_2024.geojson")) if p.is_file()),
               ROOT.parent / "shared" / "geo" / "den_haag_wijken_2024.geojson")

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="monitor-tests-"))
os.environ["MONITOR_DATA_DIR"] = str(_SESSION_DIR / "data")
os.environ.setdefault("MONITOR_QUERIES_DIR", str(ROOT / "queries"))
os.environ["MONITOR_AUDIT_DIR"] = str(_SESSION_DIR / "audit")  # never the repository's own audit/ folder
os.environ["MONITOR_STATE_DIR"] = str(_SESSION_DIR / "state")  # nor its state/ database


PROGRAMME_YAML = ROOT / "programme.yaml"


def programme_ids() -> set[str]:
    """The programme ids programme.yaml defines: what query files may name (never a list kept in a test)."""
    from monitor.programme import load_programme

    return set(load_programme(PROGRAMME_YAML).programmes)


def named_indicators() -> set[str]:
    """Every indicator id programme.yaml names (ambitions' outcome and outputs, funnels): the agreed
    indicators, which must each have a query file."""
    from monitor.programme import load_programme

    pf = load_programme(PROGRAMME_YAML)
    ids = {a.indicator for a in pf.ambitions.values()}
    ids |= {o for a in pf.ambitions.values() for o in a.outputs}
    return ids | {i for p in pf.programmes.values() for i in p.funnel}


def copy_extracts(src: Path, dst: Path) -> Path:
    """Copy the Parquet extracts (not the catalog), keeping their modification times."""
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.glob("*.parquet"):
        shutil.copy2(f, dst / f.name)
    return dst


def checksums(folder: Path) -> dict[str, str]:
    """Hash of every file outside the catalog folder: what the app must never change."""
    out = {}
    for f in sorted(folder.rglob("*")):
        if f.is_file() and ".catalog" not in f.parts:
            out[str(f.relative_to(folder))] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="session")
def demo_extracts() -> Path:
    """Pristine demo extracts; copy them before changing anything."""
    from monitor import sample

    out = _SESSION_DIR / "pristine"
    if not out.exists():
        sample.write_sample(out, seed=DEMO_SEED, until=DEMO_UNTIL)
    return out


@pytest.fixture(scope="session")
def demo_settings(demo_extracts: Path):
    """The session data folder filled with demo extracts and a built catalog."""
    from monitor import catalog
    from monitor.settings import get_settings

    data = Path(os.environ["MONITOR_DATA_DIR"])
    copy_extracts(demo_extracts, data)
    settings = get_settings()
    assert settings.data_dir == data.resolve()
    catalog.build(settings)
    return settings


@pytest.fixture(scope="session")
def sparse_settings(tmp_path_factory: pytest.TempPathFactory):
    """Sparse demo data (scale 0.2: small cells everywhere) with a built catalog, in its own folder.

    Settings are read with MONITOR_DATA_DIR pointing there only while they are made; the
    session's data folder stays the environment's.
    """
    from monitor import catalog, sample
    from monitor.settings import get_settings

    data = tmp_path_factory.mktemp("sparse")
    sample.write_sample(data, seed=DEMO_SEED, until=DEMO_UNTIL, scale=0.2)
    old = os.environ["MONITOR_DATA_DIR"]
    os.environ["MONITOR_DATA_DIR"] = str(data)
    try:
        settings = get_settings()
    finally:
        os.environ["MONITOR_DATA_DIR"] = old
    catalog.build(settings)
    return settings


@pytest.fixture
def data_copy(demo_extracts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A private data folder with the demo extracts, selected through the environment."""
    from monitor.settings import get_settings

    data = copy_extracts(demo_extracts, tmp_path / "data")
    monkeypatch.setenv("MONITOR_DATA_DIR", str(data))
    return get_settings()
