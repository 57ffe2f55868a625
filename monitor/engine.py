"""The engine: the one owner of every cache (catalog, indicator frames, suppressed cells, results).

The CLI, the report and the Streamlit frame share it, so each asks "series of
indicator X for this view" and gets the same, already suppressed, answer. An engine
belongs to one catalog version: when a new catalog is in use, `get_engine` replaces
the data folder's engine, and the old one's frames, cells and DuckDB connection go
with it (nothing else in the process keeps them), so a long-running server that sees
many deliveries does not grow.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from monitor import catalog, indicators, programme, rollup
from monitor.indicators import Indicator, IndicatorError
from monitor.rollup import Published, View
from monitor.rollup import stored as kept
from monitor.rollup.keys import KeyRows
from monitor.settings import Settings, get_settings

T = TypeVar("T")
_RUN = threading.local()  # the registry pinned for the current page run (Engine.pin_registry)


@dataclass(eq=False)
class Engine:
    settings: Settings
    catalog: catalog.Catalog
    report: catalog.BuildReport
    _frames: dict[tuple, pl.DataFrame] = field(default_factory=dict)
    _cells: dict[tuple, rollup.Cells | None] = field(default_factory=dict)
    _memo: dict[tuple, object] = field(default_factory=dict)
    _series: OrderedDict[tuple, Published] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ------------------------------------------------------------ inputs

    @property
    def registry(self) -> indicators.Registry:
        """Rescanned when a query file changes: a new file shows up without a restart (at the next
        page run: within a run, the one `pin_registry` read)."""
        pinned = getattr(_RUN, "pinned", None)
        if pinned is not None and pinned[0] is self:
            return pinned[1]
        return indicators.registry_cached(self.settings.queries_dir, self.programme_ids)

    def pin_registry(self) -> None:
        """Read the query folder once for the rest of this thread's page run (`ui.frame.page` calls
        it first): each look walks the folder, and a programme page looked 25 times per view."""
        _RUN.pinned = None
        _RUN.pinned = (self, self.registry)

    @property
    def programme_ids(self) -> set[str] | None:
        pf = self.programme_or_none
        return set(pf.programmes) if pf else None

    @property
    def programme_or_none(self) -> programme.ProgrammeFile | None:
        """programme.yaml as written (baselines not computed): for its ids and titles only."""
        try:
            return programme.cached(self.settings.programme_file)
        except (programme.ProgrammeError, FileNotFoundError):
            return None

    @property
    def programme(self) -> programme.ProgrammeFile:
        """programme.yaml with its `from_data` baselines computed from this catalog's published
        twelve-month city values, the ones the scorecard shows (problems in `.problems`)."""
        pf = programme.cached(self.settings.programme_file)
        if not any(a.baseline.from_data for a in pf.ambitions.values()):
            return pf

        def value_at(ind_id: str, month: dt.date) -> float | None:
            ind = self.registry.indicators.get(ind_id)
            if ind is None or ind.shape != "series":
                return None
            try:
                return programme.twelve_month_value(self.twelve_months(ind_id).frame, ind.behaves_as, month)
            except IndicatorError:
                return None

        return self.memo(("programme", programme.stamp(self.settings.programme_file)),
                         lambda: programme.resolve_baselines(pf, value_at))

    @property
    def terms(self) -> tuple[rollup.Term, ...]:
        pf = self.programme_or_none
        return tuple(pf.terms) if pf else ()

    @property
    def areas(self) -> pl.DataFrame:
        return self._cached(self._frames, ("__areas__",),
                            lambda: self.catalog.query("SELECT * FROM areas ORDER BY year, wijk_code"))

    @property
    def as_of(self) -> dt.date | None:
        return self.report.as_of

    @property
    def demo(self) -> bool:
        return self.report.demo

    def indicator(self, ind_id: str) -> Indicator:
        try:
            return self.registry.indicators[ind_id]
        except KeyError:
            known = ", ".join(sorted(self.registry.indicators))
            raise KeyError(f"Unknown indicator '{ind_id}'. Known indicators: {known}") from None

    # ------------------------------------------------------------ caches

    def _cached(self, store: dict, key: tuple, compute: Callable[[], object]):
        """Compute outside the lock (a slow query must not block other sessions), store once."""
        with self._lock:
            if key in store:
                return store[key]
        value = compute()
        with self._lock:
            return store.setdefault(key, value)

    def frame(self, ind_id: str) -> pl.DataFrame | KeyRows:
        """The indicator's full-history frame, raw, never for a surface: month x wijk, or for a distinct
        measure its key rows (month, wijk_code, key[, numerator], `rollup.keys`: where they are
        stored), from which the roll-up counts every period (a year is no sum of months)."""
        return self._frame_of(self.indicator(ind_id))

    def cells(self, ind_id: str) -> rollup.Cells | None:
        """Every view's cells of the indicator, suppressed together (once per file version)."""
        return self._cells_of(self.indicator(ind_id), self.terms)

    # The registry is re-scanned (file stamps) on every `indicator()` call, so the hot path
    # (`series`) looks the indicator and the terms up once and passes them on.
    def _frame_of(self, ind: Indicator) -> pl.DataFrame | KeyRows:
        key = (ind.id, hash(ind.sql), ind.dimensions)
        frame = self._cached(self._frames, key, lambda: self._covered(ind, self._stored_frame(ind)))
        if isinstance(frame, KeyRows) and isinstance(frame.source, Path) and not frame.source.is_file():
            return self._recount(ind)  # a newer build pruned this version's key file
        return frame

    def _recount(self, ind: Indicator) -> KeyRows:
        """A distinct measure's key rows from its SQL again, held in memory (as every frame was before
        they were stored): its file went with its version while this engine still serves."""
        frame = self._covered(ind, KeyRows(indicators.compute(self.catalog, ind)))
        with self._lock:
            self._frames[(ind.id, hash(ind.sql), ind.dimensions)] = frame
        return frame

    def _stored_frame(self, ind: Indicator) -> pl.DataFrame | KeyRows:
        """The frame the build stored for this catalog version and SQL; else computed now and stored,
        so a query file changed after the build costs its own SQL once, and nothing else. A distinct
        measure's key rows stay in their file (`rollup.keys`: DuckDB reads them in batches)."""
        store = self.catalog.store
        parts = frame_parts(ind)
        if ind.is_distinct:
            path = store.source(ind.id, parts, frame_columns(ind))
            if path is None and self._store_keys(ind) is not None:
                path = store.source(ind.id, parts, frame_columns(ind))
            if path is not None:
                return KeyRows(path)
        frame = None if ind.is_distinct else store.read(ind.id, parts, columns=frame_columns(ind))
        if frame is None:
            frame = indicators.compute(self.catalog, ind)
            store.write(ind.id, parts, frame)
        return frame

    def _store_keys(self, ind: Indicator) -> int | None:
        """A distinct measure's key rows streamed from its SQL to the store, never held whole (tens of
        millions of rows at scale); the rows, or None when the store cannot take them."""
        return self.catalog.store.write_batches(ind.id, frame_parts(ind),
                                                indicators.compute_batches(self.catalog, ind))

    def coverage_start(self, ind: Indicator) -> dt.date | None:
        """The first month every source of the indicator is complete from (`coverage_from`, contract v2).

        A flow before it would be built from the records still open at the start of the delivery
        (a false rise), so no period before it is shown. None: no source claims a coverage.
        """
        claims = [d for name, d in self._coverage.items() if name in ind.sources and d is not None]
        return max(claims) if claims else None

    @property
    def _coverage(self) -> dict[str, dt.date | None]:
        return self._cached(self._memo, ("__coverage__",), lambda: catalog.coverage(self.catalog))

    def _covered(self, ind: Indicator, frame: pl.DataFrame | KeyRows) -> pl.DataFrame | KeyRows:
        start = self.coverage_start(ind)
        if isinstance(frame, KeyRows):
            return frame.since(start)
        column = "cohort_month" if "cohort_month" in frame.columns else "month"
        if start is None or column not in frame.columns:
            return frame
        return frame.filter(pl.col(column) >= start)

    def _cells_of(self, ind: Indicator, terms: tuple[rollup.Term, ...]) -> rollup.Cells | None:
        key = (ind.id, hash(ind.sql), ind.measure, ind.numerator_is_people, ind.dimensions, terms)
        return self._cached(self._cells, key, lambda: self._kept_cells(ind, terms))

    def _kept_cells(self, ind: Indicator, terms: tuple[rollup.Term, ...]) -> rollup.Cells | None:
        """The published cells the build (or an earlier process) stored for this catalog version,
        else computed from the frame (and its twins', protected together) and stored: a fresh
        process's first roll-up reads them instead of counting every cell again (issue 11)."""
        store, k = self.catalog.store, self.settings.min_cell
        parts = self._cells_parts(ind, terms)
        names = {p: f"published-{ind.id}-{p}" for p in kept.PARTS}
        found = kept.from_frames({p: store.read(n, parts) for p, n in names.items()}, ind, k)
        if found is not None:
            return found
        def protect(frame: pl.DataFrame | KeyRows) -> rollup.Cells | None:
            return rollup.protected_cells(
                frame, ind, self.areas, k=k, width=self.settings.protection_width,
                municipality=self.settings.municipality, terms=terms,
                store=self.settings.catalog_dir / "protection", version=self.report.version,
                twins=self._twins_of(ind))
        try:
            cells = protect(self._frame_of(ind))
        except FileNotFoundError:  # pruned while it was read: count from the SQL
            cells = protect(self._recount(ind))
        if cells is not None:
            for p, frame in kept.to_frames(cells).items():
                store.write(names[p], parts, frame)
        return cells

    def _cells_parts(self, ind: Indicator, terms: tuple[rollup.Term, ...]) -> tuple[object, ...]:
        """What an indicator's published cells depend on besides the catalog version: what of its
        file shapes the cells (query, measure, sources and so its coverage, provisional months,
        whether the numerator counts people, splits) and the same of every indicator it may share
        a number with (same sources), the terms, the disclosure settings and the roll-up's code."""
        s = self.settings
        near = [self._cell_facts(i) for i in sorted(self.registry.indicators.values(), key=lambda i: i.id)
                if i.shape == "series" and i.id != ind.id and set(i.sources) & set(ind.sources)]
        return (kept.PATTERN_VERSION, kept.CELLS_VERSION, kept.code_digest(), self._cell_facts(ind),
                [(t.id, t.start, t.end) for t in terms], s.min_cell, s.protection_width, s.municipality, near)

    def _cell_facts(self, ind: Indicator) -> tuple[object, ...]:
        return (ind.id, frame_parts(ind), sorted(ind.sources), self.coverage_start(ind),
                ind.provisional_months, ind.numerator_is_people, ind.dimensions)

    def _twins_of(self, ind: Indicator) -> dict[str, tuple[Indicator, pl.DataFrame]]:
        """Indicators publishing a number `ind` publishes too (rollup.shared), with their frames."""
        if ind.is_distinct:  # never a twin (rollup.shared): no frame to read
            return {}
        # a distinct measure's key frame (millions of rows at scale) is no twin either: not read.
        # Every other series is read, not only those sharing an extract with `ind`: a twin's twin or
        # a complement's total may read another extract, and the group must be the same whichever
        # of its members asks (`shared.twins` still pairs only indicators sharing an extract)
        near = {i.id: i for i in self.registry.indicators.values()
                if i.shape == "series" and not i.is_distinct}
        groups = self.memo(("twin-groups",), lambda: rollup.shared.twin_groups(
            {i: self._frame_of(near[i]) for i in near}, near))  # once per catalog version and query files
        return {i: (near[i], self._frame_of(near[i])) for i in groups.get(ind.id, [])}

    def forget_frames(self) -> None:
        """Drop the frames held (they stay stored beside the catalog): the build's loops over every
        indicator hold one indicator's frames at a time, not a distinct count's key frames for all."""
        with self._lock:
            self._frames.clear()

    def memo(self, key: tuple, compute: Callable[[], object]) -> object:
        """Cache a derived result for this catalog version, keyed also on the query files.

        The key includes every indicator's SQL and programme.yaml's stamp, so an analyst's
        edit invalidates it.
        """
        full = (key, tuple((i.id, hash(i.sql)) for i in self.registry.indicators.values()),
                programme.stamp(self.settings.programme_file))
        return self._cached(self._memo, full, compute)

    def stored(self, name: str, parts: tuple, compute: Callable[[], T], encode: Callable[[T], object],
               decode: Callable[[Any], T]) -> T:
        """`memo`, and kept on disk beside the catalog version (`catalog.store`), so a fresh process
        (the first visitor after a restart or a delivery) reads what the build or an earlier visit
        computed: for the scorecard's projections. Keyed also on every query file, programme.yaml
        and the disclosure settings, like `memo`; an unreadable file is computed again."""
        full = (*parts, self._context())

        def load() -> T:
            data = self.catalog.store.read_json(name, full)
            if data is not None:
                try:
                    return decode(data)
                except (KeyError, TypeError, ValueError):
                    pass
            value = compute()
            self.catalog.store.write_json(name, full, encode(value))
            return value
        return self.memo((name, catalog.store.digest(full)), load)

    def _context(self) -> str:
        """A digest of what every derived result depends on besides the catalog version."""
        try:
            text = self.settings.programme_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = ""
        s = self.settings
        inds = sorted((i.id, frame_parts(i)) for i in self.registry.indicators.values())
        return catalog.store.digest([text, s.min_cell, s.protection_width, s.municipality, inds])

    # ------------------------------------------------------------ what surfaces get

    def series(self, ind_id: str, view: View | None = None) -> Published:
        """A view of the indicator with disclosure control applied: what every surface shows."""
        ind = self.indicator(ind_id)
        view = view or View()
        if ind.shape == "cohort":
            raise IndicatorError(f"{ind.path.name}: a cohort indicator has no time series; use cohort()")
        terms = self.terms
        rollup.check_view(ind, view, terms)
        # Readers ask for the same views over and over: the selection is kept (the most recent
        # SERIES_KEPT), keyed like the cells it is cut from, plus the view.
        key = (ind.id, hash(ind.sql), ind.measure, ind.numerator_is_people, ind.dimensions, terms, view)
        with self._lock:
            hit = self._series.get(key)
            if hit is not None:
                self._series.move_to_end(key)
                return hit
        published = rollup.select(self._cells_of(ind, terms), ind, self.areas, view, k=self.settings.min_cell,
                                  municipality=self.settings.municipality)
        with self._lock:
            self._series[key] = published
            while len(self._series) > SERIES_KEPT:
                self._series.popitem(last=False)
        return published

    def twelve_months(self, ind_id: str, level: rollup.Level = "city") -> Published:
        """The rolling twelve-month view (the scorecard's current value), like any other view."""
        return self.series(ind_id, View(grain="rolling", level=level))

    def cohort(self, ind_id: str, *, grain: str = "year", level: str = "city") -> Published:
        """Cohorts by start period, suppressed; kept per file version like the series' cells."""
        ind = self.indicator(ind_id)
        return self._cached(self._cells, ("cohort", ind.id, hash(ind.sql), grain, level),
                            lambda: rollup.rollup_cohort(self._frame_of(ind), ind, self.areas, grain=grain,
                                                         level=level, k=self.settings.min_cell,
                                                         municipality=self.settings.municipality))

    def month_range(self, ind: Indicator) -> tuple[dt.date, dt.date] | None:
        """The months a filter may offer for an indicator, from the build report: no indicator SQL runs.

        From the first month any of its sources covers (not before the sources' declared
        coverage) to the extract date's month.
        """
        starts = [dt.date.fromisoformat(e.period[0]) for e in self.report.extracts
                  if e.name in ind.sources and e.ok and e.period]
        end = self.as_of
        if not starts or end is None:
            return None
        first = max(min(starts).replace(day=1), self.coverage_start(ind) or dt.date.min)
        return first, end.replace(day=1)


SERIES_KEPT = 512  # selections of the suppressed cells kept per engine (small: aggregates)
FRAME_VERSION = 1  # raise when `indicators.compute` returns other frames for the same SQL


def frame_columns(ind: Indicator) -> list[str]:
    """The columns of an indicator's frame: the contract's, then its `dimensions:` (a group each)."""
    return [*indicators.result_columns(ind), *ind.dimensions]


def frame_parts(ind: Indicator) -> tuple[object, ...]:
    """What a stored indicator frame depends on within one catalog version (`catalog.store`)."""
    return (FRAME_VERSION, ind.shape, ind.measure, ind.sql, ind.dimensions)


# One engine per data folder: the newest catalog's. Replacing it is what frees the old one.
_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def get_engine(settings: Settings | None = None, progress: Callable[[str], None] | None = None) -> Engine:
    """The engine for the current catalog; builds (and on first start, generates demo data) if needed."""
    settings = settings or get_settings()
    from monitor.precompute import compute_frames  # it builds on Engine: imported when first needed

    report = catalog.ensure_catalog(settings, progress=progress, after_load=compute_frames)
    key = str(settings.data_dir)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if (engine is None or engine.report.version != report.version or engine.settings != settings
                or engine.catalog.closed):  # closed: `precompute.protect_all` lets DuckDB's cache go
            # the report the connection was opened with, not the one read before the lock: a build
            # may have swapped the catalog in between, and report and file must belong together
            cat = catalog.open_catalog(settings)
            engine = Engine(settings, cat, cat.report)
            _ENGINES[key] = engine  # the old engine (frames, cells, connection) goes with the last page run
        return engine
