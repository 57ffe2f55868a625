"""A damaged catalog is found and built anew; a server that only reads never builds.

The faults of docs/faults.md at the level of the catalog: a corrupt manifest, a catalog file cut
short or with flipped bytes, the half-written file a killed build leaves, and MONITOR_BUILDS=0.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from monitor import catalog
from monitor.catalog.builder import ensure_catalog, intact
from monitor.catalog.report import MANIFEST, read_manifest


def _manifest(settings) -> dict:
    return json.loads((settings.catalog_dir / MANIFEST).read_text())


def test_the_manifest_records_the_files_size_and_checksum(data_copy) -> None:
    report = catalog.build(data_copy)
    facts = _manifest(data_copy)["file"]
    path = data_copy.catalog_dir / report.database
    assert facts == {"size": path.stat().st_size, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


@pytest.mark.parametrize("damage", ["not json", "truncated json", "no report", "wrong type"])
def test_a_corrupt_manifest_counts_as_none_and_the_next_build_rewrites_it(data_copy, damage) -> None:
    first = catalog.build(data_copy)
    path = data_copy.catalog_dir / MANIFEST
    text = path.read_text()
    path.write_text({"not json": "\x00\x17garbage", "truncated json": text[: len(text) // 2],
                     "no report": json.dumps({"fingerprint": "x"}), "wrong type": "[1, 2]"}[damage])
    assert read_manifest(data_copy) is None and catalog.read_report(data_copy) is None
    second = catalog.build(data_copy)  # nothing changed in the extracts: still built, not skipped
    assert second.built and second.database != first.database
    assert catalog.read_report(data_copy).database == second.database


@pytest.mark.parametrize("damage", ["cut short", "bytes flipped", "deleted"])
def test_a_damaged_catalog_file_is_detected_and_rebuilt(data_copy, damage) -> None:
    first = catalog.build(data_copy)
    path = data_copy.catalog_dir / first.database
    data = bytearray(path.read_bytes())
    if damage == "cut short":
        path.write_bytes(data[: len(data) // 3])
    elif damage == "bytes flipped":  # same size: only the checksum tells
        mid = len(data) // 2
        data[mid: mid + 64] = bytes(b ^ 0xFF for b in data[mid: mid + 64])  # changed whatever was there
        path.write_bytes(bytes(data))
    else:
        path.unlink()
    manifest = _manifest(data_copy)
    assert not intact(data_copy, manifest, checksum=True)
    assert intact(data_copy, manifest) is (damage == "bytes flipped")  # the cheap check sees size only
    second = catalog.build(data_copy)
    assert second.built and second.database != first.database and second.ok
    assert intact(data_copy, _manifest(data_copy), checksum=True)
    assert sorted(p.name for p in data_copy.catalog_dir.glob("catalog-*.duckdb")) == [second.database]
    cat = catalog.open_catalog(data_copy)
    assert cat.query("SELECT count(*) AS n FROM debt_cases")["n"][0] > 0


def test_a_killed_builds_half_written_file_goes_with_the_next_build(data_copy) -> None:
    catalog.build(data_copy)
    stale = [data_copy.catalog_dir / ".catalog-20260101T000000-abcdef.duckdb.tmp",
             data_copy.catalog_dir / ".catalog-20260101T000000-abcdef.duckdb.tmp.wal"]
    for path in stale:
        path.write_bytes(b"half a build")
    report = catalog.build(data_copy, force=True)
    assert report.built and not any(p.exists() for p in stale)


def test_a_reading_server_never_builds(data_copy, monkeypatch) -> None:
    monkeypatch.setenv("MONITOR_BUILDS", "0")
    from monitor.settings import get_settings

    reader = get_settings()
    assert reader.builds is False
    with pytest.raises(catalog.CatalogMissing, match="build service"):
        ensure_catalog(reader)  # nothing built yet: said, not built here
    assert not (reader.catalog_dir / MANIFEST).exists()
    built = catalog.build(data_copy)
    (data_copy.data_dir / "placements.parquet").touch()  # a delivery the build has not seen
    assert ensure_catalog(reader).database == built.database  # what the manifest names, as it is
    assert sorted(p.name for p in reader.catalog_dir.glob("catalog-*.duckdb")) == [built.database]
