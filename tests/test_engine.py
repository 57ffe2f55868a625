"""The engine owns every cache, and a new catalog frees the old one's frames and connection."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys

import pytest

from monitor import rollup
from monitor.engine import get_engine
from monitor.settings import ROOT
from tests.rebuilds import touch as _touch

REBUILDS = 20
SAMPLE = ("huishoudens_schuldenvrij", "matches", "vroegsignalen_bereikt_pct", "bijstand_personen")


def test_memory_and_connections_stay_flat_over_twenty_rebuilds(data_copy) -> None:
    """Run in a fresh interpreter (tests/rebuilds.py): RSS in this long test session also carries
    the heap of every earlier test, whose fragmentation made it creep by 3-8 MB per rebuild with
    nothing held (the same loop alone is flat)."""
    env = {**os.environ, "MONITOR_DATA_DIR": str(data_copy.data_dir)}
    out = subprocess.run([sys.executable, "-m", "tests.rebuilds", str(REBUILDS), *SAMPLE], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=1200)
    assert out.returncode == 0, out.stderr[-3000:]
    runs = json.loads(out.stdout.strip().splitlines()[-1])
    assert len({r["version"] for r in runs}) == REBUILDS  # every touch was a real rebuild and a new engine
    for n, r in enumerate(runs):
        assert r["connections"] == 1, f"rebuild {n + 1}: old connections kept open"
        assert not r["previous_alive"], f"rebuild {n + 1}: the engine of rebuild {n} is still alive"
    frames, rss = [r["frames"] for r in runs], [r["rss_mb"] for r in runs]
    # What the process holds in Python objects is exact: no frame survives its engine.
    assert frames[-1] <= frames[1], f"live Polars frames grew from {frames[1]} to {frames[-1]}: {frames}"
    # RSS for native memory (DuckDB, Arrow): each kept engine of the demo data adds 40-50 MB (its
    # frames alone 10 MB), so a kept engine per rebuild would add 560 MB or more over the fourteen
    # rebuilds between the medians. Single readings swing by up to 130 MB (measured: 357-487 MB in
    # one run with nothing held), so medians of five, early and late, against 150 MB.
    early, late = statistics.median(rss[1:6]), statistics.median(rss[-5:])
    grown = late - early
    assert grown < 150, \
        f"RSS grew {grown:.0f} MB from rebuilds 2-6 ({early:.0f}) to 16-20 ({late:.0f}): {rss}"


def test_a_new_catalog_replaces_the_engine(data_copy) -> None:
    first = get_engine(data_copy)
    assert get_engine(data_copy) is first  # unchanged data: the same engine and caches
    _touch(data_copy.data_dir, 0)
    second = get_engine(data_copy)
    assert second is not first and second.report.version != first.report.version


def test_drawing_filters_runs_no_indicator_sql(data_copy, monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor import indicators

    engine = get_engine(data_copy)
    calls = []
    monkeypatch.setattr(indicators, "compute", lambda *a, **k: calls.append(a) or pytest.fail("SQL ran"))
    from types import SimpleNamespace

    from monitor.ui.filters import month_options

    ctx = SimpleNamespace(engine=engine, lang="nl")
    for ind in engine.registry.indicators.values():
        if ind.shape != "series":
            continue
        months = month_options(ctx, ind)  # what the period filter offers, as the page draws it
        assert months and months == sorted(months) and months[-1] == f"{engine.as_of:%Y-%m}"
    assert calls == []


def test_no_period_before_the_declared_coverage(demo_settings) -> None:
    """The demo declares its flows complete from 2019-01 (contract v2, `monitor.coverage_from`); its
    debt cases reach back to 2015 only through the cases still open then, which used to show as
    a false rise 2015-2018. Nothing before 2019 reaches a surface or a filter."""
    import datetime as dt

    import polars as pl

    engine = get_engine(demo_settings)
    raw = pl.read_parquet(demo_settings.data_dir / "debt_cases.parquet")
    assert raw["registered_on"].min() < dt.date(2019, 1, 1)  # the extract itself does reach back
    ind = engine.indicator("schuldhulp_aanmeldingen")
    assert engine.coverage_start(ind) == dt.date(2019, 1, 1)
    years = engine.series(ind.id, rollup.View(grain="year"))
    assert years.frame["period"].min() == "2019"
    assert engine.frame(ind.id)["month"].min() == dt.date(2019, 1, 1)
    assert engine.month_range(ind)[0] == dt.date(2019, 1, 1)
    # 2019 counts every registration of that year, worked out from the raw extract
    in_2019 = raw.filter(pl.col("registered_on").dt.year() == 2019).height
    city = years.frame.filter((pl.col("period") == "2019") & (pl.col("area") == years.frame["area"][0]))
    assert city.height == 1 and (city["suppressed"][0] or city["value"][0] == in_2019)


def test_provisional_months_mark_the_last_periods_incomplete(demo_settings) -> None:
    """`provisional_months: 1` (contacts after a signal are not all made yet): the demo's last month,
    2026-10, and the quarter and year holding it, are incomplete; the month before is complete. An
    indicator without the key has its last month complete (the demo runs to 31 October 2026)."""
    import polars as pl

    engine = get_engine(demo_settings)
    assert engine.indicator("vroegsignalen_bereikt_pct").provisional_months == 1
    months = engine.series("vroegsignalen_bereikt_pct", rollup.View(grain="month")).frame
    flags = dict(zip(months["period"].to_list(), months["complete"].to_list(), strict=True))
    assert flags["2026-10"] is False and flags["2026-09"] is True
    quarters = engine.series("vroegsignalen_bereikt_pct", rollup.View(grain="quarter")).frame
    assert quarters.filter(pl.col("period") == "2026-Q3")["complete"].to_list() == [True]
    plain = engine.series("vroegsignalen_ontvangen", rollup.View(grain="month")).frame
    assert plain.filter(pl.col("period") == "2026-10")["complete"].to_list() == [True]
