"""The naive baseline: each indicator computed the way one would without the monitor.

pandas reads the Parquet extracts and groups to month x wijk (or cohort x months_since x wijk),
one hand-written twin per query file, registered under the query's id with `@_naive(id)`.
Each twin is written independently of its SQL, so the benchmark's equality check (compare.py)
catches a bug in either. A query file without a twin is fine: the benchmark leaves it out of
the comparison and says so in its report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import pandas as pd

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


# the amicable settlements and the Wsnp: the one Wsnp rule of every debt indicator (queries/README.md)
SETTLEMENTS = ["schuldbemiddeling", "saneringskrediet", "wsnp"]


@_naive("schuldregelingen_gestart")
def _settlements_started(r: Reader) -> pd.DataFrame:
    c = r("debt_cases")
    return _count(c[c["route"].isin(SETTLEMENTS)], "started_on")


@_naive("trajecten_beeindigd")
def _cases_ended(r: Reader) -> pd.DataFrame:
    return _count(r("debt_cases"), "ended_on")


@_naive("schuldenvrij_na_regeling_pct")
def _debt_free_share(r: Reader) -> pd.DataFrame:
    c = r("debt_cases")
    c = c[c["route"].isin(SETTLEMENTS) & c["ended_on"].notna()]
    return _share(c, "ended_on", c["end_reason"].eq("schuldenvrij"))


@_naive("huishoudens_in_schuldhulp")
def _households_in_debt_help(r: Reader) -> pd.DataFrame:
    """Households with a case open on each month's last day (a case ending that day counts): one filter
    per month, the obvious way."""
    c = r("debt_cases")
    registered, ended = _dates(c["registered_on"]), _dates(c["ended_on"])
    months = pd.date_range(_month(ended).min(), max(_month(registered).max(), _month(ended).max()), freq="MS")
    per_month = {}
    for m in months:
        month_end = m + pd.offsets.MonthEnd(0)
        open_ = c[(registered <= month_end) & (ended.isna() | (ended >= month_end))]
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
    """People on benefit on each month's last day (a spell ending that day counts), each person once."""
    s = r("benefit_spells")
    started, ended = _dates(s["started_on"]), _dates(s["ended_on"])
    months = pd.date_range(_month(s["ended_on"]).min(), max(_month(s["started_on"]).max(),
                                                            _month(s["ended_on"]).max()), freq="MS")
    per_month = {}
    for m in months:
        month_end = m + pd.offsets.MonthEnd(0)
        running = s[(started <= month_end) & (ended.isna() | (ended >= month_end))]
        per_month[m] = running.groupby("wijk_code")["person_id"].nunique()
    return _on_spine(per_month, months, s["wijk_code"].unique())


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


def _located(r: Reader, activity: str, channel: str | None = None) -> pd.DataFrame:
    """Activities in the wijk the extract gives them (contract v2); those without a wijk are left out."""
    a = r("work_activities")
    a = a[(a["activity"] == activity) & a["wijk_code"].notna()]
    if channel is not None:
        a = a[a["channel"] == channel]
    return _count(a, "activity_on")


@_naive("werk_gesprekken")
def _talks(r: Reader) -> pd.DataFrame:
    return _located(r, "gesprek")


@_naive("platform_profielen")
def _profiles(r: Reader) -> pd.DataFrame:
    return _located(r, "profiel", channel="hallowerk")


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
