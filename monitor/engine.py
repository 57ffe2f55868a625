"""The engine: catalog + indicator registry + programme, with per-catalog-version caching.

One object that the CLI, the report and the Streamlit frame share, so each of them
asks for "series of indicator X for this view" and gets the same, already
suppressed, answer. Indicator frames are computed once per catalog version and
query-file version; everything interactive is a Polars roll-up of those frames.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from monitor import catalog, indicators, programme, rollup
from monitor.indicators import Indicator, IndicatorError
from monitor.settings import Settings, get_settings


@dataclass
class Engine:
    settings: Settings
    catalog: catalog.Catalog
    report: catalog.BuildReport
    _frames: dict[tuple[str, str, int], pl.DataFrame] = field(default_factory=dict)
    _memo: dict[tuple, object] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ------------------------------------------------------------ inputs

    @property
    def registry(self) -> indicators.Registry:
        """Rescanned when a query file changes: a new file shows up without a restart."""
        return indicators.registry_cached(self.settings.queries_dir, self.programme_ids)

    @property
    def programme_ids(self) -> set[str] | None:
        pf = self.programme_or_none
        return set(pf.programmes) if pf else None

    @property
    def programme_or_none(self) -> programme.ProgrammeFile | None:
        try:
            return _programme_cached(self.settings.programme_file)
        except (programme.ProgrammeError, FileNotFoundError):
            return None

    @property
    def programme(self) -> programme.ProgrammeFile:
        return _programme_cached(self.settings.programme_file)

    @property
    def terms(self) -> tuple[rollup.Term, ...]:
        pf = self.programme_or_none
        return tuple(pf.terms) if pf else ()

    @property
    def areas(self) -> pl.DataFrame:
        key = ("__areas__", self.catalog.version, 0)
        with self._lock:
            if key not in self._frames:
                self._frames[key] = self.catalog.query("SELECT * FROM areas ORDER BY year, wijk_code")
            return self._frames[key]

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

    # ------------------------------------------------------------ frames and series

    def frame(self, ind_id: str) -> pl.DataFrame:
        """The indicator's full-history frame (month x wijk), cached per catalog and file version."""
        ind = self.indicator(ind_id)
        key = (ind.id, self.catalog.version, hash(ind.sql))
        with self._lock:
            cached = self._frames.get(key)
        if cached is not None:
            return cached
        frame = indicators.compute(self.catalog, ind)
        with self._lock:
            self._frames[key] = frame
        return frame

    def memo(self, key: tuple, compute: Callable[[], object]) -> object:
        """Cache a derived result for this catalog version, keyed also on the query files.

        The key includes every indicator's SQL, so an analyst's edit invalidates it.
        """
        full = (key, tuple((i.id, hash(i.sql)) for i in self.registry.indicators.values()),
                self._programme_stamp())
        with self._lock:
            if full in self._memo:
                return self._memo[full]
        value = compute()
        with self._lock:
            self._memo[full] = value
        return value

    def _programme_stamp(self) -> tuple[int, int]:
        st = self.settings.programme_file.stat()
        return (st.st_mtime_ns, st.st_size)

    def series(self, ind_id: str, view: rollup.View | None = None) -> pl.DataFrame:
        """A roll-up with disclosure control applied: what every surface shows."""
        ind = self.indicator(ind_id)
        view = view or rollup.View()
        if ind.shape == "cohort":
            raise IndicatorError(f"{ind.path.name}: a cohort indicator has no time series; use cohort()")
        return rollup.rollup(self.frame(ind_id), ind, self.areas, view, k=self.settings.min_cell,
                             municipality=self.settings.municipality, terms=self.terms)

    def cohort(self, ind_id: str, *, grain: str = "year", level: str = "city") -> pl.DataFrame:
        ind = self.indicator(ind_id)
        return rollup.rollup_cohort(self.frame(ind_id), ind, self.areas, grain=grain, level=level,
                                    k=self.settings.min_cell, municipality=self.settings.municipality)

    def twelve_months(self, ind_id: str) -> pl.DataFrame:
        """City-level rolling twelve-month statistic (month, current) for scorecard and projection."""
        ind = self.indicator(ind_id)
        monthly = self.city_monthly(ind_id)
        return programme.twelve_month_series(monthly, ind.measure, percentage=ind.is_percentage)

    def city_monthly(self, ind_id: str) -> pl.DataFrame:
        """Monthly city totals (month, value[, denominator]) before roll-up to periods.

        City totals of a whole municipality are far above k; the surfaces still
        show them through `display_value`, which applies the same rule.
        """
        ind = self.indicator(ind_id)
        frame = self.frame(ind_id)
        aggs = [pl.col("value").sum()]
        if ind.measure == "ratio":
            aggs.append(pl.col("denominator").sum())
        return frame.group_by("month").agg(aggs).sort("month")


_PROGRAMME_CACHE: dict[Path, tuple[tuple[int, int], programme.ProgrammeFile]] = {}


def _programme_cached(path: Path) -> programme.ProgrammeFile:
    st = path.stat()
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _PROGRAMME_CACHE.get(path)
    if hit and hit[0] == stamp:
        return hit[1]
    pf = programme.load_programme(path)
    _PROGRAMME_CACHE[path] = (stamp, pf)
    return pf


_ENGINES: dict[tuple[str, str], Engine] = {}
_ENGINES_LOCK = threading.Lock()


def get_engine(settings: Settings | None = None, progress: Callable[[str], None] | None = None) -> Engine:
    """The engine for the current catalog; builds (and on first start, generates demo data) if needed."""
    settings = settings or get_settings()
    report = catalog.ensure_catalog(settings, progress=progress)
    key = (str(settings.data_dir), report.version)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None or engine.settings != settings:
            engine = Engine(settings, catalog.open_catalog(settings), report)
            _ENGINES[key] = engine
        return engine
