"""The area map: a user-supplied wijk GeoJSON, checked, and drawn on the area page without tiles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from monitor import geo, ui
from tests.conftest import GEOJSON


def test_loads_the_den_haag_wijken() -> None:
    data = geo.load_geojson(GEOJSON)
    codes = geo.codes(data)
    assert len(codes) == 44 and min(codes) == "WK051801" and max(codes) == "WK051844"


def test_not_a_feature_collection(tmp_path: Path) -> None:
    bad = tmp_path / "wijken.geojson"
    bad.write_text(json.dumps({"type": "Feature", "geometry": None}))
    with pytest.raises(geo.GeoError, match="FeatureCollection"):
        geo.load_geojson(bad)


def test_missing_code_property_names_the_setting(tmp_path: Path) -> None:
    bad = tmp_path / "wijken.geojson"
    data = json.loads(GEOJSON.read_text())
    bad.write_text(json.dumps(data))
    with pytest.raises(geo.GeoError, match="MONITOR_GEOJSON_KEY") as info:
        geo.load_geojson(bad, key="wijkcode")
    assert "wijken.geojson" in str(info.value) and "'wijkcode'" in str(info.value)


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(geo.GeoError, match="not found"):
        geo.load_geojson(tmp_path / "nope.geojson")
    broken = tmp_path / "kapot.geojson"
    broken.write_text("{not json")
    with pytest.raises(geo.GeoError, match=r"kapot\.geojson: not readable"):
        geo.load_geojson(broken)


def _area_page(monkeypatch, geojson: Path | None, level: str) -> AppTest:
    if geojson is None:
        monkeypatch.delenv("MONITOR_GEOJSON", raising=False)
    else:
        monkeypatch.setenv("MONITOR_GEOJSON", str(geojson))
    at = AppTest.from_file(str(ui.HOME), default_timeout=180)
    at.switch_page("pages/3_gebieden.py")
    at.query_params["level"] = level
    at.query_params["id"] = "huishoudens_schuldenvrij"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_area_page_draws_a_tile_free_map_when_configured(demo_settings, monkeypatch) -> None:
    at = _area_page(monkeypatch, GEOJSON, "wijk")
    figs = _figures(at)
    maps = [f for f in figs if f["data"] and f["data"][0]["type"] == "choroplethmap"]
    assert len(maps) == 2  # the indicator's, and all residents per wijk below it (both on these boundaries)
    located = [loc for trace in maps[0]["data"] for loc in trace.get("locations", [])]
    # every wijk is drawn once: with its value, or grey as x (suppressed cells in their own trace)
    assert sorted(located) == sorted(geo.codes(geo.load_geojson(GEOJSON)))
    for fig in maps:
        assert fig["layout"]["map"]["style"] == "white-bg"
        assert "layers" not in fig["layout"]["map"]  # no tile or raster source


def test_area_page_draws_bars_at_stadsdeel_level_and_hints_at_a_map_for_other_wijken(
        demo_settings, monkeypatch) -> None:
    # without MONITOR_GEOJSON the shipped Den Haag boundaries serve the demo (tests/test_population.py);
    # at stadsdeel level there is no map, and for another municipality's wijken neither
    at = _area_page(monkeypatch, None, "stadsdeel")
    figs = _figures(at)
    assert [f["data"][0]["type"] for f in figs][:1] == ["bar"]
    assert geo.boundaries(None, "statcode", {"WK036301"}) is None
