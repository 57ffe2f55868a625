"""Indicator frames computed at build and stored beside the catalog (issue 11, item 2).

On small demo data (scale 0.2) in private folders: a page's data after a build runs no
indicator SQL (the catalog counts what it runs), a changed query file is recomputed alone,
a stored frame equals a freshly computed one, and a corrupt or missing file is computed again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from monitor import catalog, cli, indicators, precompute, programme, scorecard
from monitor.engine import Engine, frame_columns, frame_parts, get_engine
from monitor.indicators.contract import run_sql
from monitor.precompute import compute_frames, protect_all
from tests.conftest import DEMO_SEED, DEMO_UNTIL, ROOT, copy_extracts


@pytest.fixture(scope="module")
def small_extracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from monitor import sample

    out = tmp_path_factory.mktemp("small-extracts")
    sample.write_sample(out, seed=DEMO_SEED, until=DEMO_UNTIL, scale=0.2)
    return out


@pytest.fixture
def small(small_extracts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Private extracts and a private copy of the query files (a test may edit one)."""
    from monitor.settings import get_settings

    data = copy_extracts(small_extracts, tmp_path / "data")
    queries = tmp_path / "queries"
    shutil.copytree(ROOT / "queries", queries)
    monkeypatch.setenv("MONITOR_DATA_DIR", str(data))
    monkeypatch.setenv("MONITOR_QUERIES_DIR", str(queries))
    return get_settings()


def _fresh_engine(settings) -> Engine:
    """A new engine on the current catalog: no frame in memory, as in a fresh process."""
    cat = catalog.open_catalog(settings)
    return Engine(settings, cat, cat.report)


def _indicator_sql_run(cat: catalog.Catalog, registry: indicators.Registry) -> list[str]:
    """The indicators whose SQL the catalog ran since its counters were read (by exact text)."""
    texts = {run_sql(ind): ind.id for ind in registry}
    return sorted(texts[sql] for sql in cat.recent if sql in texts)


def test_a_page_after_the_build_runs_no_indicator_sql_and_no_fit(small, monkeypatch) -> None:
    report = catalog.build(small, after_load=compute_frames)
    assert report.built and report.ok
    # k = 1: the protection's linear programs on sparse data take minutes and are not the subject here
    settings = dataclasses.replace(small, min_cell=1, protection_width=1)
    protect_all(settings)  # what `monitor build` does next: every series' protected pattern, stored
    assert scorecard.store_projections(_fresh_engine(settings)) > 0  # and last
    monkeypatch.setattr(sys.modules["monitor.programme.projection"], "_simulate",
                        lambda *a: pytest.fail("a projection was fitted again"))
    engine = _fresh_engine(settings)
    cat = engine.catalog
    cat.recent.clear()
    before, reads, writes = cat.queries_run, cat.store.reads, cat.store.writes
    cards = scorecard.scorecard(engine)  # the home page's data: every ambition, outputs, baselines
    assert cards and any(c.projection is not None for c in cards)
    for ind in engine.registry:  # and every indicator's frame, as the other pages read them
        engine.frame(ind.id)
    assert _indicator_sql_run(cat, engine.registry) == []
    # what did run is the areas table and the coverage per extract: a handful, not one per indicator
    assert cat.queries_run - before <= 4, list(cat.recent)
    # every frame (and each card's projection) read from the store, nothing computed and stored
    assert cat.store.reads - reads >= len(engine.registry.indicators)
    assert cat.store.writes == writes


def test_get_engine_builds_with_frames_stored(small) -> None:
    """The app's own first build (get_engine -> ensure_catalog) stores the frames before the swap."""
    engine = get_engine(small)
    folder = small.catalog_dir / "frames" / engine.report.version
    stored = {p.name.rsplit("-", 1)[0] for p in folder.glob("*.parquet")}
    assert stored == set(engine.registry.indicators)


def test_a_changed_query_file_is_recomputed_alone(small) -> None:
    catalog.build(small, after_load=compute_frames)
    path = small.queries_dir / "matches.sql"
    path.write_text(path.read_text(encoding="utf-8").rstrip() + "\n-- edited after the build\n",
                    encoding="utf-8")
    engine = _fresh_engine(small)
    engine.catalog.recent.clear()
    for ind in engine.registry:
        engine.frame(ind.id)
    assert _indicator_sql_run(engine.catalog, engine.registry) == ["matches"]
    # and it is stored now: a next fresh engine reads it
    again = _fresh_engine(small)
    again.catalog.recent.clear()
    again.frame("matches")
    assert _indicator_sql_run(again.catalog, again.registry) == []


def test_monitor_build_after_a_query_change_computes_that_frame_alone(small, capsys, monkeypatch) -> None:
    # the protection and the backtest after the frames are other tests' subject (and minutes long)
    monkeypatch.setattr(cli, "_protect_all", lambda settings: None)
    monkeypatch.setattr(cli, "_calibrate", lambda settings: None)
    monkeypatch.setattr("monitor.precompute.store_projections", lambda settings: "")
    assert cli.main(["build"]) == 0
    first = catalog.read_report(small)
    out = capsys.readouterr().err
    n = len(indicators.load_registry(small.queries_dir).indicators)
    assert f"Indicator frames (stored with the catalog): {n} computed" in out
    # the build's parts, timed: as the report keeps them
    assert set(first.timings) == {"extracts", "staging"} and all(v > 0 for v in first.timings.values())
    assert f"Extracts validated and loaded in {first.timings['extracts']:.1f} s, staging tables built in " \
        f"{first.timings['staging']:.1f} s" in out
    # each staging table with its own seconds (a view is only defined: none shown), adding up to the part
    tables = [s for s in first.staging if s.materialized == "table"]
    assert tables and all(s.seconds > 0 for s in tables)
    assert sum(s.seconds for s in first.staging) <= first.timings["staging"]
    for s in first.staging:
        line = next(x for x in out.splitlines() if x.startswith(s.name + " "))
        assert (f"{s.seconds:6.1f} s" in line) == (s.materialized == "table"), line
    path = small.queries_dir / "werk_gesprekken.sql"
    path.write_text(path.read_text(encoding="utf-8").rstrip() + "\n-- edited\n", encoding="utf-8")
    assert cli.main(["build"]) == 0
    out = capsys.readouterr().err
    assert catalog.read_report(small).database == first.database  # the extracts were not reloaded
    assert "1 computed in" in out and f"{n - 1} stored already" in out
    assert "\n  werk_gesprekken " in out and "\n  matches " not in out  # one line per computed frame
    assert "Extracts validated and loaded" not in out  # nothing loaded this time


def test_a_stored_frame_equals_a_freshly_computed_one(small) -> None:
    catalog.build(small, after_load=compute_frames)
    cat = catalog.open_catalog(small)
    registry = indicators.load_registry(small.queries_dir)
    for ind in registry:
        stored = cat.store.read(ind.id, frame_parts(ind), frame_columns(ind))
        assert stored is not None, ind.id
        # a distinct measure's events are sorted by month and wijk only: rows within them may come
        # in any order from DuckDB's threads, so both sides are compared in one full order
        assert_frame_equal(stored.sort(stored.columns), indicators.compute(cat, ind).sort(stored.columns))


def test_a_corrupt_or_missing_file_is_computed_again(small) -> None:
    catalog.build(small, after_load=compute_frames)
    cat = catalog.open_catalog(small)
    registry = indicators.load_registry(small.queries_dir)
    corrupt, missing = registry.indicators["matches"], registry.indicators["schuldhulp_aanmeldingen"]
    cat.store.path(corrupt.id, frame_parts(corrupt)).write_bytes(b"PAR1 not a parquet file")
    cat.store.path(missing.id, frame_parts(missing)).unlink()
    engine = _fresh_engine(small)
    engine.catalog.recent.clear()
    frames = {ind.id: engine.frame(ind.id) for ind in (corrupt, missing)}
    assert _indicator_sql_run(engine.catalog, registry) == sorted([corrupt.id, missing.id])
    for ind in (corrupt, missing):  # row order within a month, wijk and group is DuckDB's: compare sorted
        fresh = _covered(engine, ind, indicators.compute(cat, ind))
        assert_frame_equal(frames[ind.id].sort(fresh.columns), fresh.sort(fresh.columns))
    for ind in (corrupt, missing):  # both stored again, readable
        assert cat.store.read(ind.id, frame_parts(ind), frame_columns(ind)) is not None


def test_a_frame_with_other_columns_is_not_used(small) -> None:
    catalog.build(small, after_load=compute_frames)
    cat = catalog.open_catalog(small)
    ind = indicators.load_registry(small.queries_dir).indicators["matches"]
    path = cat.store.path(ind.id, frame_parts(ind))
    pl.DataFrame({"month": [1], "value": [2.0]}).write_parquet(path)
    assert cat.store.read(ind.id, frame_parts(ind), frame_columns(ind)) is None


def test_old_versions_stores_go_with_their_catalog(small) -> None:
    first = catalog.build(small, after_load=compute_frames)
    assert (small.catalog_dir / "frames" / first.version).is_dir()
    second = catalog.build(small, force=True, after_load=compute_frames)
    versions = sorted(p.name for p in (small.catalog_dir / "frames").iterdir())
    assert versions == [second.version]
    # a reader still on the old version cannot bring its folder back
    old = catalog.FrameStore(small.catalog_dir, first.version, small.catalog_dir / first.database)
    assert not old.write("matches", ("x",), pl.DataFrame({"a": [1]}))
    assert not (small.catalog_dir / "frames" / first.version).exists()


def _covered(engine: Engine, ind: indicators.Indicator, frame: pl.DataFrame) -> pl.DataFrame:
    """The coverage cut the engine applies (its first month), worked out here from the catalog table."""
    start = engine.coverage_start(ind)
    return frame if start is None else frame.filter(pl.col("month") >= start)


def _series() -> programme.Monthly:
    """Three years of a seasonal monthly count, made up here: enough for the seasonal model."""
    months = tuple(dt.date(2022 + i // 12, i % 12 + 1, 1) for i in range(36))
    values = tuple(100.0 + 10 * (i % 12 == 6) + i for i in range(36))
    return programme.Monthly("count", months, values)


def test_a_projection_is_stored_and_read_back_without_a_fit(small, monkeypatch) -> None:
    catalog.build(small)
    series, end = _series(), dt.date(2026, 12, 1)
    expected = programme.projection(series, end)
    expected_path = programme.projection_path(series, end)
    first = scorecard._projected(_fresh_engine(small), series, end, None)
    assert first[0] == expected
    assert_frame_equal(first[1], expected_path)
    # the module (`programme.projection` is its function): no fit may run now
    monkeypatch.setattr(sys.modules["monitor.programme.projection"], "_simulate",
                        lambda *a: pytest.fail("fitted again"))
    again = scorecard._projected(_fresh_engine(small), series, end, None)  # a fresh process's engine
    assert again[0] == expected
    assert_frame_equal(again[1], expected_path)


def test_a_corrupt_stored_projection_is_computed_again(small) -> None:
    catalog.build(small)
    series, end = _series(), dt.date(2026, 12, 1)
    scorecard._projected(_fresh_engine(small), series, end, None)
    stored = list((small.catalog_dir / "frames").rglob("projection-*.json"))
    assert len(stored) == 1
    stored[0].write_text("{not json", encoding="utf-8")
    proj, _ = scorecard._projected(_fresh_engine(small), series, end, None)
    assert proj == programme.projection(series, end)
    assert json.loads(stored[0].read_text(encoding="utf-8"))["projection"]["value"] == proj.value


def test_a_failing_query_does_not_hold_back_the_swap(small) -> None:
    (small.queries_dir / "matches.sql").write_text(
        (small.queries_dir / "matches.sql").read_text(encoding="utf-8").replace("SELECT", "SELEKT", 1),
        encoding="utf-8")
    frames = precompute.Frames()
    report = catalog.build(small, after_load=frames)
    assert report.built and catalog.read_report(small).database == report.database  # swapped in
    failed = [t for t in frames if t.status == "failed"]
    assert [t.id for t in failed] == ["matches"] and "matches.sql" in failed[0].problem
    assert sum(t.status == "computed" for t in frames) == len(frames) - 1


# ---------------------------------------------------------------- a distinct measure's keys, streamed


def _distinct(settings) -> indicators.Indicator:
    reg = indicators.load_registry(settings.queries_dir)
    return next(i for i in sorted(reg, key=lambda i: i.id) if i.is_distinct and i.dimensions)


def _rows(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows as a multiset: a key frame's order carries no meaning."""
    return frame.sort(frame.columns, nulls_last=True)


def test_streamed_keys_are_the_computed_keys(small) -> None:
    """In batches of 1,000 rows, each checked on its own: the same rows as the whole query's result."""
    catalog.build(small)
    cat = catalog.open_catalog(small)
    ind = _distinct(small)
    whole = indicators.compute(cat, ind)
    batches = list(indicators.compute_batches(cat, ind, rows=1000))
    assert len(batches) == -(-whole.height // 1000) and all(b.height <= 1000 for b in batches)
    assert_frame_equal(_rows(pl.concat(batches)), _rows(whole))
    rows = cat.store.write_batches("keys", ("test",), indicators.compute_batches(cat, ind, rows=1000))
    assert rows == whole.height
    assert_frame_equal(_rows(cat.store.read("keys", ("test",))), _rows(whole))
    with pytest.raises(ValueError, match="no distinct measure"):
        next(indicators.compute_batches(cat, next(i for i in indicators.load_registry(small.queries_dir)
                                                  if i.shape == "series" and not i.is_distinct)))


def test_the_build_stores_a_distinct_measures_keys_without_reading_them_back(small, monkeypatch) -> None:
    """`compute_frames` streams the keys to the store; a fresh engine reads them as the frame."""
    catalog.build(small)
    ind = _distinct(small)
    read: list[str] = []
    real_read = catalog.FrameStore.read
    monkeypatch.setattr(catalog.FrameStore, "read", lambda self, name, *a, **k: read.append(name)
                        or real_read(self, name, *a, **k))
    timings = {t.id: t for t in compute_frames(small)}
    assert timings[ind.id].status == "computed" and ind.id not in read
    cat = catalog.open_catalog(small)
    whole = indicators.compute(cat, ind)
    assert timings[ind.id].rows == whole.height
    kept = _fresh_engine(small)._stored_frame(ind)  # where they are, not the rows (`rollup.keys`)
    assert isinstance(kept.source, Path) and kept.height == whole.height
    assert_frame_equal(_rows(pl.read_parquet(kept.source)), _rows(whole))


def test_a_failing_batch_stores_nothing(small) -> None:
    catalog.build(small)
    cat = catalog.open_catalog(small)

    def batches():
        yield pl.DataFrame({"a": [1, 2]})
        raise indicators.IndicatorError.at(Path("q.sql"), 1, "broken half-way")

    with pytest.raises(indicators.IndicatorError, match="broken half-way"):
        cat.store.write_batches("half", ("x",), batches())
    assert not cat.store.has("half", ("x",))
    assert not [p for p in cat.store.folder.glob(".*tmp")]


def test_an_empty_result_streams_as_one_empty_batch(small) -> None:
    catalog.build(small)
    cat = catalog.open_catalog(small)
    (only,) = list(cat.query_batches("SELECT 1 AS a, 'x' AS b WHERE false", timeout=10))
    assert only.height == 0 and only.columns == ["a", "b"]


def test_a_key_file_pruned_under_its_reader_is_counted_from_the_sql_instead(small) -> None:
    """A newer build removes the old version's stored frames (`store.prune`) while an engine of that
    version still serves: a distinct measure it has not protected yet is counted from its SQL again,
    to the same cells, instead of failing on the missing key file."""
    catalog.build(small, after_load=compute_frames)
    ind = _distinct(small)
    want = _fresh_engine(small).cells(ind.id)
    engine = _fresh_engine(small)
    assert isinstance(engine.frame(ind.id).source, Path)  # holds the path, not the rows
    shutil.rmtree(engine.catalog.store.folder)  # as the next build's prune does
    shutil.rmtree(small.catalog_dir / "protection")
    engine.catalog.recent.clear()
    got = engine.cells(ind.id)
    assert_frame_equal(got.cells, want.cells)
    assert _indicator_sql_run(engine.catalog, engine.registry) == [ind.id]


def test_the_app_keeps_its_connection_when_it_protects_and_monitor_build_lets_it_go(small) -> None:
    """The app protects on its first start with the engine its sessions share: its connection stays
    open. `monitor build` (a process of its own) closes it first, and the next engine opens a new one."""
    catalog.build(small, after_load=compute_frames)
    engine = get_engine(small)
    protect_all(small)
    assert get_engine(small) is engine and not engine.catalog.closed
    assert engine.catalog.query("SELECT count(*) AS n FROM areas")["n"][0] > 0
    protect_all(small, release=True)
    assert engine.catalog.closed and not get_engine(small).catalog.closed


def test_a_store_that_cannot_be_written_leaves_a_distinct_measure_computed_in_memory(small) -> None:
    """A read-only data folder (here: the version's frame folder cannot be made) stores no key rows:
    the engine counts them from the SQL in memory, to the same cells, instead of failing."""
    catalog.build(small)
    ind = _distinct(small)
    engine = _fresh_engine(small)
    engine.catalog.store.folder.parent.mkdir(parents=True, exist_ok=True)
    engine.catalog.store.folder.write_text("not a folder")  # mkdir of the version folder fails
    frame = engine.frame(ind.id)
    assert isinstance(frame, pl.DataFrame)
    assert frame.height == indicators.compute(engine.catalog, ind).filter(
        pl.col("month") >= engine.coverage_start(ind)).height
    engine.catalog.store.folder.unlink()
    want = _fresh_engine(small).cells(ind.id)
    assert_frame_equal(engine.cells(ind.id).cells, want.cells)


@pytest.mark.parametrize("workers", [2, 0])
def test_protection_in_worker_processes_stores_the_patterns_one_process_stores(small, workers) -> None:
    """`monitor build` protects the indicators in parallel processes (`protect_all(release=True)`):
    two workers, or (0, the default) this process and one worker sharing the indicators: every
    stored pattern file and every reported hidden count equal those of one process."""
    catalog.build(small, after_load=compute_frames)
    store = small.catalog_dir / "protection"

    def patterns() -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(store.rglob("*.npy"))}

    one = [(i, h, p) for i, _, h, p in protect_all(small, release=True, workers=1)]
    alone = patterns()
    shutil.rmtree(store)
    for name in [p for p in get_engine(small).catalog.store.folder.glob("published-*")]:
        name.unlink()  # the published cells too: each worker computes its indicators afresh
    two = [(i, h, p) for i, _, h, p in protect_all(small, release=True, workers=workers)]
    assert two == one and [i for i, _, _ in one] == sorted(i for i, _, _ in one)
    assert patterns() == alone and len(alone) >= 10
