"""Engine benchmark: `python -m monitor bench [--scales 1,10] [--out bench-results/engine.json]`.

A measurement, not a test. For each demo scale it writes demo extracts into a
temporary folder, builds the catalog there, and measures on the same machine in
one run:

- **cold**: every indicator computed by a fresh engine on a fresh catalog
  connection (DESIGN.md section 3: computed once per catalog version);
- **roll-ups**: a count, a ratio and a stock at every grain x area level, as the
  surfaces ask for them (disclosure control included), plus the first roll-up
  of an indicator, which pays for suppressing all views at once;
- **naive**: the same indicators the way one would without the monitor: pandas
  reading the Parquet files and grouping to month x wijk, then a pandas groupby
  per view. Every naive frame is checked to EQUAL the engine's frame, and every
  naive roll-up the engine's unsuppressed cells, so the comparison is fair; a
  difference is a bug in one of the two and is reported.

Each phase runs in a fresh process, so "cold" is cold (no DuckDB instance, no
frame or roll-up cache, no parsed registry) and the peak RSS of a phase is its
own. The engine reads the catalog that build made once per delivery; the naive
way reads Parquet on every run. Both speed-ups are reported: without the build
(what a user waits for) and with it (the whole cost of a new delivery).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import pickle
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl

from monitor import catalog, engine, rollup, sample
from monitor.settings import ROOT, Settings, get_settings

UNTIL = "2026-10"  # fixed, so runs on different days measure the same data
SEED = 2026
REPEATS = 3
ROLLUP_REPEATS = 15
TARGET_COLD_S = 2.0  # all indicators cold at scale 1
TARGET_ROLLUP_MS = 20.0  # any roll-up
TARGET_SPEEDUP = 5.0  # engine vs naive at scale 10
GRAINS: tuple[rollup.Grain, ...] = ("month", "quarter", "year", "term")
LEVELS: tuple[rollup.Level, ...] = ("city", "stadsdeel", "wijk")
# The roll-up set: the biggest count, a people ratio and the benefit stock; any other of the
# measure is used when a file is renamed.
PREFERRED = {"count": "vroegsignalen_ontvangen", "ratio": "vroegsignalen_bereikt_pct",
             "stock": "bijstand_personen"}
TOLERANCE = 1e-9


# ---------------------------------------------------------------- naive pandas equivalents

Reader = Callable[[str], pd.DataFrame]
NaiveFn = Callable[[Reader], pd.DataFrame]
NAIVE: dict[str, NaiveFn] = {}


def _naive(*ids: str) -> Callable[[NaiveFn], NaiveFn]:
    """Register a pandas equivalent of the query files `ids` (same semantics, written independently)."""
    def register(fn: NaiveFn) -> NaiveFn:
        for ind_id in ids:
            NAIVE[ind_id] = fn
        return fn
    return register


def _dates(s: pd.Series) -> pd.Series:
    """pandas reads a Parquet DATE as datetime.date objects; arithmetic needs datetime64."""
    return pd.to_datetime(s)


def _month(s: pd.Series) -> pd.Series:
    return _dates(s).dt.to_period("M").dt.to_timestamp()


def _month_index(s: pd.Series) -> pd.Series:
    """Months since year 0, for 'month + n months' comparisons without date offsets."""
    return s.dt.year * 12 + s.dt.month - 1


def _count(df: pd.DataFrame, when: str) -> pd.DataFrame:
    d = df[df[when].notna()]
    out = d.assign(month=_month(d[when])).groupby(["month", "wijk_code"]).size()
    return out.rename("value").reset_index()


def _share(df: pd.DataFrame, when: str, hit: pd.Series) -> pd.DataFrame:
    d = df.assign(month=_month(df[when]), _hit=hit)
    out = d.groupby(["month", "wijk_code"]).agg(value=("_hit", "sum"), denominator=("_hit", "size"))
    return out.reset_index()


@_naive("vroegsignalen_ontvangen")
def _signals_received(r: Reader) -> pd.DataFrame:
    return _count(r("early_signals"), "received_on")


@_naive("vroegsignalen_bereikt_pct")
def _signals_reached(r: Reader) -> pd.DataFrame:
    s = r("early_signals")
    return _share(s, "received_on", s["contact_result"].eq("bereikt"))


@_naive("hulp_geaccepteerd")
def _help_accepted(r: Reader) -> pd.DataFrame:
    s = r("early_signals")
    s = s[s["help_accepted"].eq(True)]
    out = s.assign(month=_month(s["received_on"])).groupby(["month", "wijk_code"])["household_id"].nunique()
    return out.rename("value").reset_index()


@_naive("schuldhulp_aanmeldingen")
def _registrations(r: Reader) -> pd.DataFrame:
    return _count(r("debt_cases"), "registered_on")


@_naive("dagen_tot_eerste_gesprek")
def _days_to_interview(r: Reader) -> pd.DataFrame:
    c = r("debt_cases")
    c = c[c["first_interview_on"].notna()]
    days = (_dates(c["first_interview_on"]) - _dates(c["registered_on"])).dt.days
    out = c.assign(month=_month(c["first_interview_on"]), days=days).groupby(["month", "wijk_code"])
    return out.agg(value=("days", "sum"), denominator=("days", "size")).reset_index()


SETTLEMENTS = ["schuldbemiddeling", "saneringskrediet"]


@_naive("schuldregelingen_gestart")
def _settlements_started(r: Reader) -> pd.DataFrame:
    c = r("debt_cases")
    return _count(c[c["route"].isin(SETTLEMENTS)], "started_on")


@_naive("trajecten_afgerond")
def _cases_closed(r: Reader) -> pd.DataFrame:
    return _count(r("debt_cases"), "ended_on")


@_naive("huishoudens_schuldenvrij")
def _debt_free(r: Reader) -> pd.DataFrame:
    c = r("debt_cases")
    return _count(c[c["end_reason"].eq("schuldenvrij")], "ended_on")


@_naive("schuldenvrij_na_regeling_pct")
def _debt_free_share(r: Reader) -> pd.DataFrame:
    c = r("debt_cases")
    c = c[c["route"].isin(SETTLEMENTS) & c["ended_on"].notna()]
    return _share(c, "ended_on", c["end_reason"].eq("schuldenvrij"))


@_naive("huishoudens_in_schuldhulp")
def _households_in_debt_help(r: Reader) -> pd.DataFrame:
    """Households with a case open at each month end: one filter per month, the obvious way."""
    c = r("debt_cases")
    registered, ended = _dates(c["registered_on"]), _dates(c["ended_on"])
    months = pd.date_range(_month(ended).min(), max(_month(registered).max(), _month(ended).max()), freq="MS")
    per_month = {}
    for m in months:
        month_end = m + pd.offsets.MonthEnd(0)
        open_ = c[(registered <= month_end) & (ended.isna() | (ended > month_end))]
        per_month[m] = open_.groupby("wijk_code")["household_id"].nunique()
    return _on_spine(per_month, months, c["wijk_code"].unique())


def _on_spine(per_month: Mapping[pd.Timestamp, pd.Series], months: pd.DatetimeIndex,
              wijken: Iterable[str]) -> pd.DataFrame:
    """Every month x wijk, a wijk without a value in a month as 0 (the stock queries' month spine)."""
    index = pd.MultiIndex.from_product([months, sorted(wijken)], names=["month", "wijk_code"])
    long = pd.concat(per_month, names=["month", "wijk_code"]) if per_month else pd.Series(dtype=float)
    return long.reindex(index, fill_value=0).rename("value").reset_index()


@_naive("bijstand_personen")
def _on_benefit(r: Reader) -> pd.DataFrame:
    """People on benefit at each month end: starts minus ends, summed up per wijk."""
    s = r("benefit_spells")
    start, end = _month(s["started_on"]), _month(s["ended_on"])
    first, last = end.min(), max(start.max(), end.max())
    changes = pd.concat([
        pd.DataFrame({"month": start, "wijk_code": s["wijk_code"], "change": 1}),
        pd.DataFrame({"month": end, "wijk_code": s["wijk_code"], "change": -1})[end.notna()],
    ])
    changes["month"] = changes["month"].clip(lower=first)
    net = changes.groupby(["month", "wijk_code"])["change"].sum()
    months, wijken = pd.date_range(first, last, freq="MS"), sorted(s["wijk_code"].unique())
    index = pd.MultiIndex.from_product([months, wijken], names=["month", "wijk_code"])
    level = net.reindex(index, fill_value=0).groupby(level="wijk_code").cumsum()
    return level.rename("value").reset_index()


@_naive("uitstroom_werk_scholing")
def _benefit_exits(r: Reader) -> pd.DataFrame:
    s = r("benefit_spells")
    return _count(s[s["end_reason"].isin(["werk", "scholing"])], "ended_on")


@_naive("plaatsingen_vanuit_bijstand")
def _placed_from_benefit(r: Reader) -> pd.DataFrame:
    p = r("placements")
    return _count(p[p["from_benefit"].eq(True)], "placed_on")


@_naive("plaatsingen_zonder_uitkering")
def _placed_without_benefit(r: Reader) -> pd.DataFrame:
    p = r("placements")
    return _count(p[p["from_benefit"].eq(False)], "placed_on")


@_naive("duurzaam_werk_12m_pct")
def _working_after_12m(r: Reader) -> pd.DataFrame:
    p = r("placements")
    p = p[p["employed_12m"].notna()]
    measured = _dates(p["placed_on"]) + pd.DateOffset(months=12)
    return _share(p.assign(measured_on=measured), "measured_on", p["employed_12m"].eq(True))


def _located(r: Reader, activity: str) -> pd.DataFrame:
    """Activities with the wijk of the person: the spell running then, else the latest spell, else the
    latest placement; activities of nobody known are left out (as the query files do)."""
    a = r("work_activities")
    a = a.loc[a["activity"] == activity, ["person_id", "activity_on"]]
    a = a.assign(activity_on=_dates(a["activity_on"])).sort_values("activity_on")
    spells = r("benefit_spells")[["person_id", "wijk_code", "started_on"]]
    spells = spells.assign(started_on=_dates(spells["started_on"])).sort_values("started_on")
    then = pd.merge_asof(a, spells, left_on="activity_on", right_on="started_on", by="person_id")
    last_spell = spells.groupby("person_id")["wijk_code"].last()
    p = r("placements")
    last_placement = p.assign(placed_on=_dates(p["placed_on"])).sort_values("placed_on") \
        .groupby("person_id")["wijk_code"].last()
    wijk = then["wijk_code"].fillna(then["person_id"].map(last_spell)) \
        .fillna(then["person_id"].map(last_placement))
    out = pd.DataFrame({"month": then["activity_on"].dt.to_period("M").dt.to_timestamp(), "wijk_code": wijk})
    return out[out["wijk_code"].notna()].groupby(["month", "wijk_code"]).size().rename("value").reset_index()


@_naive("werk_gesprekken")
def _talks(r: Reader) -> pd.DataFrame:
    return _located(r, "gesprek")


@_naive("platform_profielen")
def _profiles(r: Reader) -> pd.DataFrame:
    return _located(r, "profiel")


@_naive("matches")
def _matches(r: Reader) -> pd.DataFrame:
    return _located(r, "match")


@_naive("proefplaatsingen")
def _trial_placements(r: Reader) -> pd.DataFrame:
    return _located(r, "proefplaatsing")


def _last_full_month(latest: pd.Timestamp) -> int:
    """Month index of the last month the data cover to its last day."""
    after = latest + pd.Timedelta(days=1)
    return after.year * 12 + after.month - 2


def _cohort_cells(cases: pd.DataFrame, steps: Sequence[int], last_full: int) -> pd.DataFrame:
    """cohort_month x months_since x wijk cells that are complete; `reached(n)` decides the numerator."""
    x = cases.merge(pd.DataFrame({"months_since": list(steps)}), how="cross")
    x = x[_month_index(x["cohort_month"]) + x["months_since"] <= last_full]
    return x


@_naive("schuldenvrij_cohort")
def _debt_free_cohort(r: Reader) -> pd.DataFrame:
    c = r("debt_cases")
    registered, ended = _dates(c["registered_on"]), _dates(c["ended_on"])
    first = _month(c["ended_on"]).min()
    keep = registered >= first
    cohort = _month(c["registered_on"])[keep]
    months = (_month_index(_month(c["ended_on"])) - _month_index(_month(c["registered_on"])))[keep]
    to_free = months.where(c["end_reason"][keep].eq("schuldenvrij"))
    cases = pd.DataFrame({"cohort_month": cohort, "wijk_code": c["wijk_code"][keep], "to_free": to_free})
    x = _cohort_cells(cases, range(0, 37, 3), _last_full_month(max(registered.max(), ended.max())))
    x = x.assign(hit=x["to_free"] <= x["months_since"])
    out = x.groupby(["cohort_month", "months_since", "wijk_code"]).agg(value=("hit", "sum"),
                                                                     denominator=("hit", "size"))
    return out.reset_index()


@_naive("werkend_na_plaatsing_cohort")
def _working_cohort(r: Reader) -> pd.DataFrame:
    p = r("placements")
    cases = pd.DataFrame({"cohort_month": _month(p["placed_on"]), "wijk_code": p["wijk_code"],
                          "w6": p["employed_6m"], "w12": p["employed_12m"]})
    x = _cohort_cells(cases, (0, 6, 12), _last_full_month(_dates(p["placed_on"]).max()))
    working = x["w12"].where(x["months_since"] == 12, x["w6"]).where(x["months_since"] != 0, True)
    x = x.assign(hit=working.eq(True), seen=working.notna())
    out = x.groupby(["cohort_month", "months_since", "wijk_code"]).agg(value=("hit", "sum"),
                                                                     denominator=("seen", "sum"))
    return out[out["denominator"] > 0].reset_index()


# ---------------------------------------------------------------- naive roll-up


def naive_rollup(frame: pd.DataFrame, measure: str, percentage: bool, wijken: pd.DataFrame,
                 grain: str, level: str, terms: Sequence[rollup.Term], municipality: str) -> pd.DataFrame:
    """period, area, value[, denominator], result: a pandas groupby per view, no disclosure control."""
    f = _with_periods(frame, grain, terms)
    if measure == "stock":  # the level in the period's last month, or the data's last month while it runs
        f = f[f["month"] == f["last"].clip(upper=frame["month"].max())]
    f = f.assign(area=_area_of(f["wijk_code"], wijken, level, municipality))
    cols = ["value", "denominator"] if measure == "ratio" else ["value"]
    out = f.groupby(["period", "area"])[cols].sum().reset_index()
    if measure == "ratio":
        out["result"] = out["value"] / out["denominator"] * (100 if percentage else 1)
    else:
        out["result"] = out["value"]
    return out


def _with_periods(frame: pd.DataFrame, grain: str, terms: Sequence[rollup.Term]) -> pd.DataFrame:
    m = frame["month"]
    if grain == "month":
        return frame.assign(period=m.dt.strftime("%Y-%m"), last=m)
    if grain == "quarter":
        q = m.dt.quarter
        return frame.assign(period=m.dt.year.astype(str) + "-Q" + q.astype(str),
                            last=m.dt.to_period("Q").dt.to_timestamp() + pd.DateOffset(months=2))
    if grain == "year":
        year = m.dt.year.astype(str)
        return frame.assign(period=year, last=pd.to_datetime(year + "-12-01"))
    parts = []
    for term in terms:  # a month belongs to the term its first day falls in
        inside = frame[(m >= pd.Timestamp(term.start)) & (m <= pd.Timestamp(term.end))]
        parts.append(inside.assign(period=_term_label(term), last=pd.Timestamp(term.end.replace(day=1))))
    return pd.concat(parts) if parts else frame.iloc[:0].assign(period="", last=m.iloc[:0])


def _term_label(term: rollup.Term) -> str:
    label: Any = term.label
    return label if isinstance(label, str) else (label.get("nl") or next(iter(label.values()), ""))


def _area_of(wijk_code: pd.Series, wijken: pd.DataFrame, level: str, municipality: str) -> pd.Series:
    if level == "city":
        return pd.Series(municipality, index=wijk_code.index)
    if level == "wijk":
        return wijk_code
    return wijk_code.map(wijken["stadsdeel"]).fillna(rollup.UNKNOWN_STADSDEEL)


def naive_wijken(areas: pd.DataFrame) -> pd.DataFrame:
    """wijk_code -> stadsdeel as in each wijk's latest areas year."""
    return areas.sort_values("year").groupby("wijk_code")[["wijk_name", "stadsdeel"]].last()


# ---------------------------------------------------------------- equality


def frame_problems(engine_frame: pl.DataFrame, naive: pd.DataFrame, shape: str, measure: str) -> list[str]:
    """Differences between the engine's indicator frame and the naive one; [] when they are equal."""
    keys = ["cohort_month", "months_since", "wijk_code"] if shape == "cohort" else ["month", "wijk_code"]
    cols = ["value", "denominator"] if measure == "ratio" else ["value"]
    theirs = _as_contract(naive, keys, cols)
    ours = engine_frame.select(*keys, *cols)
    return _differences(ours, theirs, keys, cols, fill_missing=False)


def _as_contract(naive: pd.DataFrame, keys: list[str], cols: list[str]) -> pl.DataFrame:
    f = pl.from_pandas(naive.reset_index(drop=True)[keys + cols]) if len(naive) else \
        pl.DataFrame(schema=dict.fromkeys(keys + cols, pl.Float64))
    casts = [pl.col(k).cast(pl.Date) if k.endswith("month") else
             pl.col(k).cast(pl.Int64) if k == "months_since" else pl.col(k).cast(pl.String) for k in keys]
    return f.select(*casts, *[pl.col(c).cast(pl.Float64) for c in cols])


def _differences(ours: pl.DataFrame, theirs: pl.DataFrame, keys: list[str], cols: list[str],
                 *, fill_missing: bool) -> list[str]:
    """Rows in one frame only, and numbers that differ; a missing row reads 0 when `fill_missing`."""
    joined = ours.join(theirs, on=keys, how="full", coalesce=True, suffix="_naive")
    problems = []
    if not fill_missing:
        for side, missing in (("engine", f"{cols[0]}_naive"), ("naive", cols[0])):
            only = joined.filter(pl.col(missing).is_null())
            if only.height:
                problems.append(f"{only.height} rows only in the {side} frame, e.g. {_row(only, keys)}")
    joined = joined.with_columns(pl.col(c).fill_null(0.0) for c in cols + [f"{c}_naive" for c in cols])
    for c in cols:
        a, b = pl.col(c), pl.col(f"{c}_naive")
        bad = joined.filter((a - b).abs() > TOLERANCE * pl.max_horizontal(a.abs(), b.abs(), pl.lit(1.0)))
        if bad.height:
            problems.append(f"{bad.height} rows differ in {c}, e.g. {_row(bad, keys)}: engine "
                            f"{bad[c][0]}, naive {bad[f'{c}_naive'][0]}")
    return problems


def _row(df: pl.DataFrame, keys: list[str]) -> str:
    return "/".join(str(df[k][0]) for k in keys)


def rollup_problems(series: pl.DataFrame, naive: pd.DataFrame, measure: str) -> list[str]:
    """The naive roll-up against the engine's cells that disclosure control left visible."""
    cols = ["value", "denominator"] if measure == "ratio" else ["value"]
    schema = {"period": pl.String, "area": pl.String} | dict.fromkeys(cols, pl.Float64)
    theirs = pl.from_pandas(naive[["period", "area", *cols]]).cast(schema) if len(naive) else \
        pl.DataFrame(schema=schema)
    hidden = series.filter(pl.col("suppressed")).select("period", "area")
    ours = series.filter(~pl.col("suppressed")).select("period", "area", *cols)
    return _differences(ours, theirs.join(hidden, on=["period", "area"], how="anti"), ["period", "area"],
                        cols, fill_missing=True)


# ---------------------------------------------------------------- phases (each in a fresh process)


def _peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB.

    VmHWM on Linux: getrusage's ru_maxrss survives exec, so a fresh phase process would report
    the parent's size at fork (the demo generator's) instead of its own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_build(settings: Settings) -> dict[str, Any]:
    """Validate the extracts and load the catalog, from scratch."""
    started = time.perf_counter()
    report = catalog.build(settings, force=True)
    return {"seconds": time.perf_counter() - started, "ok": report.ok, "peak_rss_mb": _peak_rss_mb(),
            "problems": [p for e in report.extracts for p in e.problems]}


def phase_cold(settings: Settings) -> dict[str, Any]:
    """One cold computation of every indicator: open the catalog, a new engine, every frame."""
    base = _peak_rss_mb()
    started = time.perf_counter()
    eng = engine.get_engine(settings)
    ids = list(eng.registry.indicators)
    opened = time.perf_counter()
    per: dict[str, float] = {}
    rows: dict[str, int] = {}
    for ind_id in ids:
        t = time.perf_counter()
        rows[ind_id] = eng.frame(ind_id).height
        per[ind_id] = time.perf_counter() - t
    total = time.perf_counter() - started
    return {"total_s": total, "open_s": opened - started, "per_indicator_s": per, "rows": rows,
            "problems": [str(p) for p in eng.registry.problems], "baseline_rss_mb": base,
            "peak_rss_mb": _peak_rss_mb()}


def representative(eng: engine.Engine) -> dict[str, str]:
    """measure -> indicator id for the roll-up set: the preferred ids, else the first of that measure."""
    series = [i for i in eng.registry if i.shape == "series"]
    out = {}
    for measure, preferred in PREFERRED.items():
        ids = [i.id for i in series if i.measure == measure]
        if ids:
            out[measure] = preferred if preferred in ids else ids[0]
    return out


def phase_rollups(settings: Settings, repeats: int) -> dict[str, Any]:
    """Roll-up latency as the surfaces see it (engine.series), after the frames are cached."""
    eng = engine.get_engine(settings)
    chosen = representative(eng)
    first, views = {}, []
    for ind_id in chosen.values():
        frame, ind = eng.frame(ind_id), eng.indicator(ind_id)
        first[ind_id] = _stats_ms([_first_rollup(eng, frame, ind) for _ in range(repeats)])
        eng.series(ind_id)  # the cached frame's joint suppression, so the views below time a view switch
        for grain in _grains(eng):
            for level in LEVELS:
                view = rollup.View(grain=grain, level=level)
                times, rows = _timed(lambda v=view, i=ind_id: eng.series(i, v), repeats)
                views.append({"indicator": ind_id, "measure": ind.measure, "grain": grain, "level": level,
                              "rows": rows, **_stats_ms(times)})
    return {"indicators": chosen, "first": first, "views": views, "peak_rss_mb": _peak_rss_mb()}


def _grains(eng: engine.Engine) -> tuple[rollup.Grain, ...]:
    return GRAINS if eng.terms else GRAINS[:-1]


def _first_rollup(eng: engine.Engine, frame: pl.DataFrame, ind: Any) -> float:
    """A roll-up on a frame the cache has not seen: suppressing every view of the indicator at once."""
    fresh = frame.clone()
    t = time.perf_counter()
    rollup.rollup(fresh, ind, eng.areas, rollup.View(), k=eng.settings.min_cell,
                  municipality=eng.settings.municipality, terms=eng.terms)
    return time.perf_counter() - t


def _timed(fn: Callable[[], pl.DataFrame], repeats: int) -> tuple[list[float], int]:
    times, rows = [], 0
    for _ in range(repeats):
        t = time.perf_counter()
        rows = fn().height
        times.append(time.perf_counter() - t)
    return times, rows


def _stats_ms(times: Sequence[float]) -> dict[str, float]:
    return {"median_ms": statistics.median(times) * 1000, "max_ms": max(times) * 1000}


def phase_naive(settings: Settings, repeats: int, rollup_repeats: int) -> dict[str, Any]:
    """The naive way, timed; then (untimed) every naive frame and roll-up against the engine's."""
    eng = engine.get_engine(settings)
    registry = eng.registry
    expressed = [i.id for i in registry if i.id in NAIVE]
    runs = [_naive_run(settings.data_dir, expressed) for _ in range(repeats)]
    frames = runs[-1]["frames"]
    chosen = representative(eng)
    wijken = naive_wijken(pd.read_parquet(settings.data_dir / "areas.parquet"))
    views, rollup_checks = [], {}
    for ind_id in chosen.values():
        if ind_id not in frames:
            continue
        ind = eng.indicator(ind_id)
        for grain in _grains(eng):
            for level in LEVELS:
                args = (frames[ind_id], ind.measure, ind.is_percentage, wijken, grain, level, eng.terms,
                        settings.municipality)
                times, out = _timed_naive(args, rollup_repeats)
                views.append({"indicator": ind_id, "grain": grain, "level": level, "rows": len(out),
                              **_stats_ms(times)})
                series = eng.series(ind_id, rollup.View(grain=grain, level=level))
                rollup_checks[f"{ind_id}/{grain}/{level}"] = rollup_problems(series, out, ind.measure)
    equal = {i: frame_problems(eng.frame(i), frames[i], eng.indicator(i).shape, eng.indicator(i).measure)
             for i in expressed}
    return {
        "expressed": expressed,
        "not_expressed": [i.id for i in registry if i.id not in NAIVE],
        "read_s": statistics.median(r["read_s"] for r in runs),
        "total_s": statistics.median(r["total_s"] for r in runs),
        "per_indicator_s": {i: statistics.median(r["per_indicator_s"][i] for r in runs) for i in expressed},
        "views": views,
        "frame_problems": equal,
        "rollup_problems": rollup_checks,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _timed_naive(args: tuple, repeats: int) -> tuple[list[float], pd.DataFrame]:
    times, out = [], pd.DataFrame()
    for _ in range(repeats):
        t = time.perf_counter()
        out = naive_rollup(*args)
        times.append(time.perf_counter() - t)
    return times, out


def _naive_run(data_dir: Path, ids: Sequence[str]) -> dict[str, Any]:
    """Read the Parquet files (each once per run, in the naive way's favour) and compute every frame."""
    started = time.perf_counter()
    cache: dict[str, pd.DataFrame] = {}
    read_s = 0.0

    def read(name: str) -> pd.DataFrame:
        nonlocal read_s
        if name not in cache:
            t = time.perf_counter()
            cache[name] = pd.read_parquet(data_dir / f"{name}.parquet")
            read_s += time.perf_counter() - t
        return cache[name]

    frames, per = {}, {}
    for ind_id in ids:
        t0, r0 = time.perf_counter(), read_s
        frames[ind_id] = NAIVE[ind_id](read)
        per[ind_id] = time.perf_counter() - t0 - (read_s - r0)
    return {"frames": frames, "per_indicator_s": per, "read_s": read_s,
            "total_s": time.perf_counter() - started}


PHASES: dict[str, Callable[..., dict[str, Any]]] = {
    "build": phase_build, "cold": phase_cold, "rollups": phase_rollups, "naive": phase_naive}


def _isolated(phase: str, *args: Any) -> dict[str, Any]:
    """Run a phase in a fresh interpreter: cold caches, and a peak RSS of its own.

    A subprocess, not multiprocessing: spawn would re-run the caller's unguarded main script.
    """
    with tempfile.TemporaryDirectory(prefix="monitor-bench-phase-") as tmp:
        out = Path(tmp) / "result.pickle"
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
        subprocess.run([sys.executable, "-m", "monitor.bench", phase, str(out)], input=pickle.dumps(args),
                       env={**os.environ, "PYTHONPATH": path}, cwd=ROOT, check=True)
        return pickle.loads(out.read_bytes())


def _child(phase: str, out: str) -> None:
    """The other end of `_isolated`: arguments pickled on stdin, the result pickled to a file."""
    args = pickle.loads(sys.stdin.buffer.read())
    Path(out).write_bytes(pickle.dumps(PHASES[phase](*args)))


# ---------------------------------------------------------------- one scale, all scales


def bench_scale(scale: int, *, until: str, seed: int, repeats: int, rollup_repeats: int,
                workdir: Path) -> dict[str, Any]:
    """Every measurement for one scale, on demo extracts written into `workdir`."""
    settings = dataclasses.replace(get_settings(), data_dir=(workdir / "data").resolve())
    t = time.perf_counter()
    paths = sample.write_sample(settings.data_dir, seed=seed, until=until, scale=scale)
    generate_s = time.perf_counter() - t
    rows = {p.stem: pl.scan_parquet(p).select(pl.len()).collect().item() for p in paths}
    build = _isolated("build", settings)
    colds = [_isolated("cold", settings) for _ in range(repeats)]
    rollups = _isolated("rollups", settings, rollup_repeats)
    naive = _isolated("naive", settings, repeats, rollup_repeats)
    cold = _summarise_cold(colds)
    return {"scale": scale, "rows": rows, "parquet_mb": sum(p.stat().st_size for p in paths) / 2**20,
            "generate_s": generate_s, "build": build, "cold": cold, "rollups": rollups, "naive": naive,
            "comparison": _compare(build, cold, naive)}


def _summarise_cold(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ids = list(runs[0]["per_indicator_s"])
    return {
        "runs_s": [r["total_s"] for r in runs],
        "total_s": statistics.median(r["total_s"] for r in runs),
        "open_s": statistics.median(r["open_s"] for r in runs),
        "per_indicator_s": {i: statistics.median(r["per_indicator_s"][i] for r in runs) for i in ids},
        "rows": runs[0]["rows"],
        "problems": runs[0]["problems"],
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "baseline_rss_mb": min(r["baseline_rss_mb"] for r in runs),
    }


def _compare(build: dict[str, Any], cold: dict[str, Any], naive: dict[str, Any]) -> dict[str, Any]:
    """Engine vs naive over the indicators both compute; the engine's open cost counts in full."""
    left_out = sum(s for i, s in cold["per_indicator_s"].items() if i not in naive["expressed"])
    engine_s = cold["total_s"] - left_out
    return {
        "indicators": len(naive["expressed"]),
        "engine_s": engine_s,
        "engine_with_build_s": engine_s + build["seconds"],
        "naive_s": naive["total_s"],
        "speedup_without_build": naive["total_s"] / engine_s,
        "speedup_with_build": naive["total_s"] / (engine_s + build["seconds"]),
    }


def run(scales: Sequence[int], *, until: str = UNTIL, seed: int = SEED, repeats: int = REPEATS,
        rollup_repeats: int = ROLLUP_REPEATS, say: Callable[[str], None] = print) -> dict[str, Any]:
    """The whole benchmark as a JSON-ready dict: meta, one entry per scale, and the targets."""
    results, load_before = [], os.getloadavg()
    for scale in scales:
        say(f"scale {scale}: demo extracts until {until}, build, cold, roll-ups, naive ...")
        with tempfile.TemporaryDirectory(prefix=f"monitor-bench-{scale}-") as tmp:
            results.append(bench_scale(scale, until=until, seed=seed, repeats=repeats,
                                       rollup_repeats=rollup_repeats, workdir=Path(tmp)))
    meta = _meta(until, seed, repeats, rollup_repeats) | {"load_before": load_before,
                                                          "load_after": os.getloadavg()}
    return {"meta": meta, "scales": results, "targets": targets(results)}


def _meta(until: str, seed: int, repeats: int, rollup_repeats: int) -> dict[str, Any]:
    import duckdb

    s = get_settings()
    return {
        "created": dt.datetime.now().isoformat(timespec="seconds"),
        "until": until, "seed": seed, "repeats": repeats, "rollup_repeats": rollup_repeats,
        "machine": platform.machine(), "system": platform.platform(), "cpus": os.cpu_count(),
        "python": platform.python_version(), "duckdb": duckdb.__version__, "polars": pl.__version__,
        "pandas": pd.__version__, "duckdb_threads": s.threads, "duckdb_memory_limit": s.memory_limit,
        "min_cell": s.min_cell,
    }


# ---------------------------------------------------------------- targets and output


def targets(results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pass/fail against the design targets; a target whose scale was not run is 'not measured'."""
    by_scale = {r["scale"]: r for r in results}
    out = []
    s1, s10 = by_scale.get(1), by_scale.get(10)
    out.append(_target("all indicators cold, scale 1", f"< {TARGET_COLD_S:g} s",
                       s1 and s1["cold"]["total_s"], lambda v: v < TARGET_COLD_S, "{:.2f} s"))
    views = [v["max_ms"] for r in results for v in r["rollups"]["views"]]
    out.append(_target("every roll-up view (max over repeats, all scales)", f"< {TARGET_ROLLUP_MS:g} ms",
                       max(views) if views else None, lambda v: v < TARGET_ROLLUP_MS, "{:.1f} ms"))
    firsts = [f["max_ms"] for r in results for f in r["rollups"]["first"].values()]
    out.append(_target("first roll-up of an indicator (all views suppressed together)",
                       f"< {TARGET_ROLLUP_MS:g} ms", max(firsts) if firsts else None,
                       lambda v: v < TARGET_ROLLUP_MS, "{:.1f} ms"))
    for key, label in (("speedup_without_build", "engine vs naive, scale 10, catalog already built"),
                       ("speedup_with_build", "engine vs naive, scale 10, build included")):
        out.append(_target(label, f">= {TARGET_SPEEDUP:g}x", s10 and s10["comparison"][key],
                           lambda v: v >= TARGET_SPEEDUP, "{:.1f}x"))
    mismatches = sum(bool(p) for r in results for p in [*r["naive"]["frame_problems"].values(),
                                                          *r["naive"]["rollup_problems"].values()])
    out.append(_target("naive frames and roll-ups equal the engine's", "0 differences", mismatches,
                       lambda v: v == 0, "{:d} differences"))
    return out


def _target(name: str, goal: str, value: float | None, ok: Callable[[Any], bool], fmt: str) -> dict[str, Any]:
    if value is None:
        return {"target": name, "goal": goal, "measured": None, "text": "not measured", "pass": None}
    return {"target": name, "goal": goal, "measured": value, "text": fmt.format(value),
            "pass": bool(ok(value))}


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def markdown(result: dict[str, Any]) -> str:
    """The readable summary: targets, then per scale the phases, indicators and roll-ups."""
    m = result["meta"]
    lines = [
        "# Engine benchmark", "",
        f"{m['created']}, {m['system']}, {m['cpus']} CPUs; Python {m['python']}, DuckDB {m['duckdb']} "
        f"({m['duckdb_threads']} threads, {m['duckdb_memory_limit']}), Polars {m['polars']}, "
        f"pandas {m['pandas']}. Demo data until {m['until']} (seed {m['seed']}); {m['repeats']} repeats "
        f"(cold: each in a fresh process), {m['rollup_repeats']} per roll-up view; medians. Load average "
        f"{m['load_before'][0]:.1f} before, {m['load_after'][0]:.1f} after (other work on the machine "
        "inflates maxima).", "",
        "## Targets", "",
        *_table(["target", "goal", "measured", "result"],
                ([t["target"], t["goal"], t["text"], {True: "PASS", False: "FAIL", None: "-"}[t["pass"]]]
                 for t in result["targets"])),
    ]
    for r in result["scales"]:
        lines += ["", *_scale_markdown(r)]
    lines += ["", *_notes()]
    return "\n".join(lines) + "\n"


def _scale_markdown(r: dict[str, Any]) -> list[str]:
    c, b, cold, naive = r["comparison"], r["build"], r["cold"], r["naive"]
    rows = ", ".join(f"{k} {v:,}" for k, v in r["rows"].items())
    lines = [
        f"## Scale {r['scale']}", "",
        f"Extracts: {rows} ({r['parquet_mb']:.1f} MB Parquet; generated in {r['generate_s']:.1f} s).", "",
        *_table(["phase", "time", "peak RSS"], [
            ["build (validate + load catalog)", f"{b['seconds']:.2f} s", f"{b['peak_rss_mb']:.0f} MB"],
            ["engine: all indicators cold (open + compute)", f"{cold['total_s']:.2f} s "
             f"(runs {', '.join(f'{x:.2f}' for x in cold['runs_s'])}; open {cold['open_s']:.2f} s)",
             f"{cold['peak_rss_mb']:.0f} MB (imports {cold['baseline_rss_mb']:.0f} MB)"],
            [f"naive pandas: {c['indicators']} indicators (read + compute)",
             f"{naive['total_s']:.2f} s (read {naive['read_s']:.2f} s)", f"{naive['peak_rss_mb']:.0f} MB"],
            ["roll-ups (engine, views below)", "-", f"{r['rollups']['peak_rss_mb']:.0f} MB"],
        ]), "",
        f"Speed-up over naive on the same {c['indicators']} indicators: "
        f"**{c['speedup_without_build']:.1f}x** "
        f"with the catalog built ({c['engine_s']:.2f} s vs {c['naive_s']:.2f} s), "
        f"**{c['speedup_with_build']:.1f}x** counting the build ({c['engine_with_build_s']:.2f} s).", "",
        "### Indicators (median seconds)", "",
        *_table(["indicator", "rows", "engine s", "naive s (excl. read)", "naive / engine", "naive equal"],
                _indicator_rows(cold, naive)), "",
        "### Roll-ups (ms, median / max)", "",
        *_table(["indicator", "grain", "level", "rows", "engine", "naive pandas"], _view_rows(r)), "",
        "First roll-up of an indicator (joint suppression of all views; later views reuse it): "
        + ", ".join(f"{i} {f['median_ms']:.1f} / {f['max_ms']:.1f} ms"
                    for i, f in r["rollups"]["first"].items())
        + ".",
    ]
    if naive["not_expressed"]:
        left_out = ", ".join(naive["not_expressed"])
        lines += ["", f"No naive equivalent (left out of the comparison): {left_out}."]
    problems = [f"- frame {i}: {'; '.join(p)}" for i, p in naive["frame_problems"].items() if p]
    problems += [f"- roll-up {k}: {'; '.join(p)}" for k, p in naive["rollup_problems"].items() if p]
    if problems:
        lines += ["", "**Differences between naive and engine (a bug in one of them):**", "", *problems]
    return lines


def _indicator_rows(cold: dict[str, Any], naive: dict[str, Any]) -> Iterable[list[str]]:
    for i, s in sorted(cold["per_indicator_s"].items(), key=lambda kv: -kv[1]):
        n = naive["per_indicator_s"].get(i)
        problems = naive["frame_problems"].get(i)
        same = "-" if problems is None else ("NO" if problems else "yes")
        yield [i, f"{cold['rows'][i]:,}", f"{s:.3f}", "-" if n is None else f"{n:.3f}",
               "-" if n is None else f"{n / s:.1f}x", same]


def _view_rows(r: dict[str, Any]) -> Iterable[list[str]]:
    naive = {(v["indicator"], v["grain"], v["level"]): v for v in r["naive"]["views"]}
    for v in r["rollups"]["views"]:
        n = naive.get((v["indicator"], v["grain"], v["level"]))
        yield [v["indicator"], v["grain"], v["level"], v["rows"], f"{v['median_ms']:.1f} / {v['max_ms']:.1f}",
               "-" if n is None else f"{n['median_ms']:.1f} / {n['max_ms']:.1f}"]


def _notes() -> list[str]:
    return [
        "## How to read this", "",
        "- Engine: DuckDB on the catalog that `build` made (once per delivery), then Polars roll-ups "
        "with disclosure control. Naive: `pd.read_parquet` of the extracts on every run (each file once "
        "per run, in its favour) and pandas groupbys, without disclosure control.",
        "- Every naive frame is compared to the engine's frame row by row, and every naive roll-up to "
        "the engine's unsuppressed cells: the timings compare equal answers.",
        "- Cold: every run in a fresh process (no DuckDB instance, no frame cache), imports excluded; "
        "the OS file cache is warm for both sides.",
        "- Roll-up views are timed through `Engine.series` after the first roll-up of the indicator, "
        "which suppresses every view at once and is cached; that first one is listed separately.",
        "- Peak RSS is per process (each phase runs in its own), imports included.",
    ]


def write(result: dict[str, Any], out: Path) -> tuple[Path, Path]:
    """JSON with every number, and the Markdown summary beside it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    md = out.with_suffix(".md")
    md.write_text(markdown(result))
    return out, md


def main(scales: Sequence[int] = (1, 10), out: str | Path = "bench-results/engine.json", *,
         until: str = UNTIL, repeats: int = REPEATS, rollup_repeats: int = ROLLUP_REPEATS) -> int:
    """Run, print the summary, write JSON + Markdown. Non-zero only when naive and engine disagree:
    missed speed targets are findings to read, not failures of the command."""
    result = run(scales, until=until, repeats=repeats, rollup_repeats=rollup_repeats)
    json_path, md_path = write(result, Path(out))
    print(markdown(result))
    print(f"Wrote {json_path} and {md_path}")
    equal = next(t for t in result["targets"] if t["target"].startswith("naive frames"))
    return 0 if equal["pass"] else 1


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2])
