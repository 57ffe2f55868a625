"""The wijk boundaries for the area map: the user's GeoJSON (MONITOR_GEOJSON), else the shipped one.

The project ships Den Haag's 44 wijken of 2024 (`geo_data/den_haag_wijken_2024.geojson`, from
CBS/Kadaster's Wijk- en Buurtkaart 2024, simplified; credit "CBS / Kadaster, 2024"), so the demo
shows a map without configuration. It is used only for data whose wijk codes it holds: another
municipality sees bars until it sets its own file. A wrong file gives a message, not a blank map.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

SHIPPED = Path(__file__).parent / "geo_data" / "den_haag_wijken_2024.geojson"
SHIPPED_KEY = "statcode"  # the CBS wijk code property of the shipped file


class Boundaries(NamedTuple):
    geojson: dict
    key: str  # the feature property holding the CBS wijk code
    shipped: bool  # the boundaries the project ships (credit "CBS / Kadaster, 2024")

    @property
    def featureidkey(self) -> str:
        return f"properties.{self.key}"


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


def boundaries(configured: Path | None, key: str, wijk_codes: Collection[str]) -> Boundaries | None:
    """(GeoJSON, its code property, shipped?) for a map of these wijk codes, or None (draw bars).

    The configured file always wins (a broken one raises GeoError); without one, the shipped
    file serves when it holds any of the codes.
    """
    if configured is not None:
        return Boundaries(load_geojson(configured, key), key, False)
    shipped = load_geojson(SHIPPED, SHIPPED_KEY)
    if codes(shipped, SHIPPED_KEY) & set(wijk_codes):
        return Boundaries(shipped, SHIPPED_KEY, True)
    return None
