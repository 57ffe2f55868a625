"""Every query file in queries/, run against the demo catalog.

Parametrized over the folder itself: a new file is tested the moment it is added.
A few indicators are checked against an independent Polars computation on the
extract files, so a query that runs but counts the wrong thing fails too.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from monitor import catalog, indicators
from monitor.indicators import Indicator
from monitor.indicators.frontmatter import split
from tests.conftest import named_indicators, programme_ids

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
FILES = sorted(indicators.query_files(QUERIES))  # the indicators: _staging/ holds tables, not indicators
PROGRAMMES = programme_ids()
AGREED_IDS = named_indicators()


def _cases(paths: list[Path]) -> list:
    return [pytest.param(p, id=p.stem) for p in paths]


@pytest.fixture(scope="module")
def cat(demo_settings) -> catalog.Catalog:
    return catalog.open_catalog(demo_settings)


@pytest.fixture(scope="module")
def frames(cat) -> dict[str, pl.DataFrame]:
    registry = indicators.load_registry(QUERIES, PROGRAMMES)
    return {i.id: indicators.compute(cat, i) for i in registry}


def _rows(cat, ind_id: str) -> pl.DataFrame:
    """The query's own rows, run straight on the catalog (no contract check, no roll-up)."""
    path = QUERIES / f"{ind_id}.sql"
    return cat.query(split(path.read_text(encoding="utf-8"), path).sql)


def _parse(path: Path) -> Indicator:
    known = {p.stem for p in FILES}
    return indicators.parse_file(path, programme_ids=PROGRAMMES, known_ids=known)


def _extract(demo_extracts: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(demo_extracts / f"{name}.parquet")


def _month(col: str) -> pl.Expr:
    return pl.col(col).dt.truncate("1mo")


# ---------------------------------------------------------------- every file


def test_the_agreed_indicators_exist() -> None:
    """Every indicator programme.yaml names has its file (the cohorts and the context stock are
    checked by name in the value tests below)."""
    assert AGREED_IDS and {p.stem for p in FILES} >= set(AGREED_IDS)


def test_registry_loads_every_file_without_problems() -> None:
    registry = indicators.load_registry(QUERIES, PROGRAMMES)
    assert [str(p) for p in registry.problems] == []
    assert set(registry.indicators) == {p.stem for p in FILES}


@pytest.mark.parametrize("path", _cases(FILES))
def test_query_file(path: Path, cat) -> None:
    ind = _parse(path)
    assert ind.title["nl"] and ind.title["en"] and ind.description["nl"] and ind.description["en"]
    assert indicators.undeclared_sources(ind) == [], "list every extract the query reads in sources"
    for driver in ind.drivers:
        assert (QUERIES / f"{driver}.sql").is_file(), f"driver {driver} has no query file"
    assert "--" in ind.sql, "explain the query's steps in comments"

    frame = indicators.compute(cat, ind)  # raises IndicatorError when the contract is broken
    assert frame.height > 0
    if ind.is_distinct:  # one row per event: keys, and a numerator that is not always false
        assert frame["key"].null_count() == 0 and frame["key"].n_unique() > 1
        if "numerator" in frame.columns:
            assert frame["numerator"].any() and not frame["numerator"].all()
        assert frame["month"].n_unique() >= 24, "full history: at least two years of months"
        return
    assert frame["value"].sum() > 0, "the city total over the whole history should not be 0"
    assert frame["value"].min() >= 0
    if ind.measure == "ratio":
        assert frame["denominator"].sum() > 0 and frame["denominator"].min() >= 0
    if ind.is_percentage:
        assert (frame["value"] <= frame["denominator"]).all(), "a share cannot exceed its denominator"
    if ind.shape == "series":
        assert frame["month"].n_unique() >= 24, "full history: at least two years of months"


@pytest.mark.parametrize("path", [p for p in FILES if "shape: cohort" in p.read_text()], ids=lambda p: p.stem)
def test_cohort_shares_never_fall_as_n_grows(path: Path, frames) -> None:
    frame = frames[path.stem]
    city = (frame.group_by("cohort_month", "months_since").agg(pl.col("value", "denominator").sum())
            .sort("cohort_month", "months_since"))
    if path.stem == "schuldenvrij_cohort":  # reaching the outcome is for good: counts only grow
        bad = city.filter(pl.col("value").diff().over("cohort_month") < 0)
        assert bad.is_empty(), bad
    assert city["months_since"].min() == 0


STOCKS = sorted(i.id for i in indicators.load_registry(QUERIES, PROGRAMMES)
                if i.measure == "stock")


@pytest.mark.parametrize("ind_id", STOCKS)
def test_stocks_have_a_month_spine(ind_id: str, frames) -> None:
    """A stock is read in the last month of a period, so every wijk needs a row in every month."""
    frame = frames[ind_id]
    months = frame["month"].unique().sort()
    wijken = frame["wijk_code"].n_unique()
    assert frame.height == len(months) * wijken, "one row per month x wijk, zeros included"
    steps = months.dt.offset_by("1mo")[:-1].to_list()
    assert steps == months[1:].to_list(), "no gaps in the months"


COLD_RUN = """
import time
from monitor import catalog, indicators
from monitor.settings import get_settings
settings = get_settings()
cat = catalog.open_catalog(settings)
registry = indicators.load_registry(settings.queries_dir)
filled = sum(indicators.compute(cat, ind).height > 0 for ind in registry)
print(filled, len(registry))
"""


def test_all_indicators_compute_cold_in_a_fresh_process(demo_settings) -> None:
    """Every indicator computes on a catalog opened cold in a new process (DuckDB shares a database
    per process, so a warm one would hide a cold-start problem). How fast is a benchmark's question
    (`python -m monitor bench --naive`, "all indicators cold"), not a timed unit test's."""
    env = {**os.environ, "MONITOR_DATA_DIR": str(demo_settings.data_dir), "MONITOR_QUERIES_DIR": str(QUERIES)}
    proc = subprocess.run([sys.executable, "-c", COLD_RUN], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=True)
    filled, total = map(int, proc.stdout.strip().splitlines()[-1].split())
    assert total == len(indicators.query_files(QUERIES)) and filled == total, proc.stdout


def test_check_queries_is_clean_on_the_demo(demo_settings) -> None:
    assert indicators.check_queries(demo_settings, PROGRAMMES) == []


# ---------------------------------------------------------------- values, computed independently


def test_huishoudens_schuldenvrij_by_year(cat, demo_extracts: Path) -> None:
    """One row per debt-free end, keyed by household: per year as many rows as debt-free ends, and as
    many distinct keys as distinct households (what the distinct roll-up will count)."""
    cases = _extract(demo_extracts, "debt_cases").filter(pl.col("end_reason") == "schuldenvrij")
    expected = (cases.group_by(year=pl.col("ended_on").dt.year())
                .agg(ends=pl.len(), households=pl.col("household_id").n_unique()).sort("year"))
    got = (_rows(cat, "huishoudens_schuldenvrij").group_by(year=pl.col("month").dt.year())
           .agg(ends=pl.len(), households=pl.col("key").n_unique()).sort("year"))
    assert got.to_dicts() == expected.to_dicts()
    assert (expected["households"] < expected["ends"]).any()  # some households go debt-free twice a year


def _on_benefit(spells: pl.DataFrame, month_end: dt.date) -> pl.DataFrame:
    # on benefit on the last day: a spell ending that day still counts
    return spells.filter((pl.col("started_on") <= month_end)
                         & (pl.col("ended_on").is_null() | (pl.col("ended_on") >= month_end)))


@pytest.mark.parametrize("month", [dt.date(2019, 1, 1), dt.date(2022, 6, 1), dt.date(2026, 10, 1)])
def test_bijstand_personen_at_month_end(month: dt.date, frames, demo_extracts: Path) -> None:
    spells = _extract(demo_extracts, "benefit_spells")
    month_end = (pl.Series([month]).dt.month_end())[0]
    expected = _on_benefit(spells, month_end).group_by("wijk_code").agg(
        pl.col("person_id").n_unique().alias("people"))
    got = frames["bijstand_personen"].filter(pl.col("month") == month)
    joined = got.join(expected, on="wijk_code", how="left").with_columns(pl.col("people").fill_null(0))
    assert joined.height == got.height and (joined["value"] == joined["people"]).all()
    assert got["value"].sum() == expected["people"].sum() > 15_000


def test_bijstand_personen_starts_when_the_extract_is_complete(frames, demo_extracts: Path) -> None:
    spells = _extract(demo_extracts, "benefit_spells")
    first_end = spells["ended_on"].min()
    assert frames["bijstand_personen"]["month"].min() == first_end.replace(day=1)


def test_huishoudens_in_schuldhulp_counts_households_once(frames, demo_extracts: Path) -> None:
    cases = _extract(demo_extracts, "debt_cases")
    month_end = dt.date(2024, 12, 31)
    open_ = cases.filter((pl.col("registered_on") <= month_end)
                         & (pl.col("ended_on").is_null() | (pl.col("ended_on") >= month_end)))
    expected = open_.group_by("wijk_code").agg(pl.col("household_id").n_unique()).select(
        pl.col("household_id").sum()).item()
    got = frames["huishoudens_in_schuldhulp"].filter(pl.col("month") == dt.date(2024, 12, 1))["value"].sum()
    assert got == expected


def test_vroegsignalen_bereikt_pct_by_year(cat, demo_extracts: Path) -> None:
    """Households, not signals; those already in debt help on the signal date left out; geweigerd reached."""
    signals = _extract(demo_extracts, "early_signals")
    cases = _extract(demo_extracts, "debt_cases").select("household_id", "registered_on", "ended_on")
    helped = (signals.join(cases, on="household_id")
              .filter((pl.col("registered_on") <= pl.col("received_on"))
                      & (pl.col("ended_on").is_null() | (pl.col("ended_on") >= pl.col("received_on"))))
              ["signal_id"].unique())
    kept = signals.filter(~pl.col("signal_id").is_in(helped.implode())).with_columns(
        reached=pl.col("contact_result").is_in(["bereikt", "geweigerd"]))
    expected = (kept.group_by(year=pl.col("received_on").dt.year())
                .agg(households=pl.col("household_id").n_unique(),
                     reached=pl.col("household_id").filter(pl.col("reached")).n_unique()).sort("year"))
    got = (_rows(cat, "vroegsignalen_bereikt_pct").group_by(year=pl.col("month").dt.year())
           .agg(households=pl.col("key").n_unique(),
                reached=pl.col("key").filter(pl.col("numerator")).n_unique()).sort("year"))
    assert got.to_dicts() == expected.to_dicts()
    assert 0 < helped.len() < signals.height


def test_dagen_tot_eerste_gesprek_is_a_true_average(frames, demo_extracts: Path) -> None:
    cases = _extract(demo_extracts, "debt_cases").filter(pl.col("first_interview_on").dt.year() == 2024)
    expected = (cases["first_interview_on"] - cases["registered_on"]).dt.total_days().mean()
    got = frames["dagen_tot_eerste_gesprek"].filter(pl.col("month").dt.year() == 2024)
    assert got["value"].sum() / got["denominator"].sum() == pytest.approx(expected)


def test_duurzaam_werk_12m_pct_leaves_out_the_unobserved(frames, demo_extracts: Path) -> None:
    placements = _extract(demo_extracts, "placements")
    observed = placements.filter(pl.col("employed_12m").is_not_null())
    got = frames["duurzaam_werk_12m_pct"]
    assert got["denominator"].sum() == observed.height
    assert got["value"].sum() == observed["employed_12m"].sum()
    # counted in the month of measurement: twelve months after the placement month
    first_placed = observed["placed_on"].min()
    assert got["month"].min() == dt.date(first_placed.year + 1, first_placed.month, 1)
    last = got.filter(pl.col("month") == got["month"].max())
    measured = pl.col("placed_on").dt.truncate("1mo").dt.offset_by("12mo")
    placed = observed.filter(measured == got["month"].max())
    assert last["denominator"].sum() == placed.height


def test_werk_gesprekken_reads_the_wijk_of_the_activity(frames, demo_extracts: Path) -> None:
    talks = (_extract(demo_extracts, "work_activities").filter(pl.col("activity") == "gesprek")
             .filter(pl.col("wijk_code").is_not_null()).with_columns(month=_month("activity_on")))
    expected = talks.group_by("month", "wijk_code").len().sort("month", "wijk_code")
    got = frames["werk_gesprekken"].sort("month", "wijk_code")
    assert got["wijk_code"].to_list() == expected["wijk_code"].to_list()
    assert got["value"].to_list() == expected["len"].cast(pl.Float64).to_list()
    assert not talks.filter(~pl.col("on_benefit")).is_empty()  # jobseekers without a benefit count too


def test_schuldenvrij_cohort_cell(frames, demo_extracts: Path) -> None:
    cases = _extract(demo_extracts, "debt_cases").with_columns(cohort=_month("registered_on"))
    cohort = cases.filter(pl.col("cohort") == dt.date(2022, 3, 1))
    within_18 = cohort.filter((pl.col("end_reason") == "schuldenvrij")
                              & (_month("ended_on") <= dt.date(2023, 9, 1)))
    got = frames["schuldenvrij_cohort"].filter((pl.col("cohort_month") == dt.date(2022, 3, 1))
                                               & (pl.col("months_since") == 18))
    assert got["denominator"].sum() == cohort.height
    assert got["value"].sum() == within_18.height


def test_cohorts_show_only_observable_cells(frames) -> None:
    last_full = dt.date(2026, 10, 1)  # the demo runs to 2026-10-31
    cohorts = [ind_id for ind_id, frame in frames.items() if "cohort_month" in frame.columns]
    assert cohorts
    for ind_id in cohorts:
        frame = frames[ind_id].with_columns(
            reached=pl.col("cohort_month").dt.offset_by(pl.format("{}mo", pl.col("months_since"))))
        assert frame["reached"].max() == last_full
    work = frames["werkend_na_plaatsing_cohort"]
    assert set(work["months_since"].unique().to_list()) == {0, 6, 12}
    zero = work.filter(pl.col("months_since") == 0)
    assert (zero["value"] == zero["denominator"]).all()  # at 0 months everyone placed works
