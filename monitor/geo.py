"""The user-supplied wijk GeoJSON (setting MONITOR_GEOJSON) for the area map.

The product ships no boundaries; a municipality points the setting at its own
file. Checked here so a wrong file gives a message, not a blank map.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path


class GeoError(Exception):
    """The configured GeoJSON cannot be used; the message says why and what to do."""


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int, key: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GeoError(f"{path}: not readable as GeoJSON ({exc}); check MONITOR_GEOJSON") from None
    if data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise GeoError(f"{path}: expected a GeoJSON FeatureCollection of wijk polygons")
    missing = [i for i, f in enumerate(data["features"]) if key not in (f.get("properties") or {})]
    if missing:
        raise GeoError(f"{path}: feature {missing[0]} has no property '{key}' (the CBS wijk code, "
                       "e.g. WK051828); set MONITOR_GEOJSON_KEY to the property that holds it")
    return data


def load_geojson(path: Path, key: str = "statcode") -> dict:
    """The FeatureCollection, cached until the file changes."""
    if not path.is_file():
        raise GeoError(f"{path}: file not found; check MONITOR_GEOJSON")
    return _load(str(path), path.stat().st_mtime_ns, key)


def codes(geojson: dict, key: str = "statcode") -> set[str]:
    return {f["properties"][key] for f in geojson["features"]}
