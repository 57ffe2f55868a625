"""The naive roll-up: a pandas groupby per view (grain x area level), without disclosure control.

The counterpart of `monitor.rollup` for the benchmark: it times what a view switch costs the
naive way, and its cells are checked against the engine's unsuppressed ones (compare.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from monitor import rollup


def naive_rollup(frame: pd.DataFrame, measure: str, percentage: bool, wijken: pd.DataFrame,
                 grain: str, level: str, terms: Sequence[rollup.Term], municipality: str) -> pd.DataFrame:
    """period, area, value[, denominator], result: a pandas groupby per view, no disclosure control."""
    f = _with_periods(frame, grain, terms)
    if level == "wijk":  # a wijk's running year or term is not published (docs/disclosure.md)
        f = f[f["last"] <= frame["month"].max()]
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
