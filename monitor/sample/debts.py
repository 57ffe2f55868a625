"""Debt help: early-warning signals and the debt cases that follow them or come in otherwise.

The stories: a signal peak in the 2022 energy crisis, better reach after 2023, and shorter
settlements (18 instead of 36 months) from 1 July 2023. Cases start from 2015 so the ones
still open on 1 January 2019 are in the extract.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from monitor.extracts import CONTRACT
from monitor.sample.areas import RISK, WIJK_CODES, household_pool, wijk_per_month
from monitor.sample.columns import dates, id_series, labels, with_ids
from monitor.sample.draw import choice, choice_rows, gamma_days, in_month, months_idx
from monitor.sample.grid import MONTH_DAYS, Grid, count, day_number, month_grid

# Who sends signals, per partner type: the CAK by its name (the public body that reports unpaid
# health-insurance premiums); for the others synthetic names, so no real company is said to send them.
PARTNER_NAMES: dict[str, tuple[str, ...]] = {
    "zorgverzekeraar": ("Zorgverzekeraar A", "Zorgverzekeraar B", "Zorgverzekeraar C", "Zorgverzekeraar D"),
    "energie": ("Energieleverancier A", "Energieleverancier B", "Energieleverancier C"),
    "woningcorporatie": ("Woningcorporatie A", "Woningcorporatie B", "Woningcorporatie C"),
    "water": ("Drinkwaterbedrijf",),
    "cak": ("CAK",),
}
STOCK_FROM = "2015-01"  # settlements last 36 months plus waiting time: cases from 2015 still end in 2019
SHORT_SETTLEMENTS_FROM = dt.date(2023, 7, 1)


def _signal_level(grid: Grid) -> np.ndarray:
    """Signals a month: ~3,750, an energy-crisis peak around October 2022, winter seasonality."""
    t = grid.t
    crisis = 330 * np.exp(-0.5 * ((t - 2022.75) / 0.33) ** 2)
    covid = -50 * ((t >= 2020.25) & (t < 2020.75))
    season = 1 + 0.025 * np.cos(2 * np.pi * (grid.month - 2) / 12)
    return (3750 + 15 * np.clip(t - 2023, 0, None) + crisis + covid) * season


def _reach_rate(t: np.ndarray) -> np.ndarray:
    """Share of signals reached: flat until 2023, then better outreach lifts it to ~25%."""
    return 0.185 + 0.07 * np.clip((t - 2023) / 3, 0, 1)


def draw_signals(rng: np.random.Generator, grid: Grid, hh: np.ndarray, scale: float) -> dict[str, np.ndarray]:
    # clipped to the range DESIGN.md promises; at scale 1 the clip almost never bites
    counts = np.clip(rng.poisson(_signal_level(grid) * scale), count(3520 * scale), count(4230 * scale))
    mi = months_idx(counts)
    n = len(mi)
    wijk = wijk_per_month(rng, counts, hh * RISK)
    offset, size = household_pool(hh[0], scale)
    household = offset[wijk] + (rng.random(n) * size[wijk]).astype(np.int64)
    partner = choice_rows(rng, np.column_stack([
        np.full(n, 0.25), 0.22 + 0.5 * np.exp(-0.5 * ((grid.t[mi] - 2022.75) / 0.33) ** 2),
        np.full(n, 0.31), np.full(n, 0.13), np.full(n, 0.09)]))
    received = in_month(rng, grid, mi)
    contacted = received + gamma_days(rng, n, 2.0, 10.0, lo=1)
    reach = _reach_rate(grid.t[mi])
    result = choice_rows(rng, np.column_stack([reach, 0.89 - reach, np.full(n, 0.04), np.full(n, 0.07)]))
    result[result == 3] = -1  # never contacted
    contacted_ok = (result >= 0) & (contacted <= grid.cutoff)
    result[~contacted_ok] = -1
    accepted = (result == 0) & (rng.random(n) < 0.35)
    return {"received": received, "contacted": contacted, "contacted_ok": contacted_ok, "result": result,
            "accepted": accepted, "wijk": wijk, "household": household, "partner": partner}


def _partner_names(partner: np.ndarray, household: np.ndarray) -> pl.Series:
    """The sender's name: fixed per household and partner type (a household has one insurer)."""
    codes = CONTRACT["early_signals"].column("partner").codes
    names = [n for code in codes for n in PARTNER_NAMES[code]]
    first = np.cumsum([0] + [len(PARTNER_NAMES[code]) for code in codes])
    size = np.diff(first)[partner]
    return pl.Series(names, dtype=pl.String).gather(first[partner] + (household * 7919 + partner) % size)


def signals_frame(s: dict[str, np.ndarray]) -> pl.DataFrame:
    spec = CONTRACT["early_signals"]
    df = pl.DataFrame({
        "household_id": id_series("H", s["household"]),
        "wijk_code": labels(WIJK_CODES, s["wijk"]),
        "partner": labels(spec.column("partner").codes, s["partner"]),
        "partner_name": _partner_names(s["partner"], s["household"]),
        "received_on": dates(s["received"]),
        "contacted_on": dates(s["contacted"], s["contacted_ok"]),
        "contact_result": labels(spec.column("contact_result").codes, s["result"]),
        "help_accepted": s["accepted"],
    }).sort("received_on", maintain_order=True)
    return with_ids(df, "signal_id", "S")


# --- debt cases ------------------------------------------------------------------------------------


def _other_referrals_level(t: np.ndarray) -> np.ndarray:
    """Registrations a month that did not come from a signal record (zelfmelder, partner, wijkteam)."""
    level = np.select([t < 2019, t < 2020.2, t < 2021, t < 2022, t < 2023, t < 2024],
                      [255, 178, 140, 158, 185, 175], 163)
    return level.astype(float)


def draw_debt_cases(rng: np.random.Generator, grid: Grid, hh: np.ndarray, signals: dict[str, np.ndarray],
                scale: float, until: str) -> dict[str, np.ndarray]:
    # from accepted signals: same household, registered days to weeks after the contact
    acc = np.flatnonzero(signals["accepted"] & (rng.random(len(signals["accepted"])) < 0.30))
    reg_sig = signals["contacted"][acc] + gamma_days(rng, len(acc), 2.0, 14.0, lo=3)
    # other referrals, from 2015 so that the cases open on 1 January 2019 are in the extract
    full = month_grid(STOCK_FROM, until)
    counts = rng.poisson(_other_referrals_level(full.t) * scale)
    mi = months_idx(counts)
    hh_full = np.vstack([np.repeat(hh[:1], len(full.start) - len(grid.start), axis=0), hh])
    wijk_other = wijk_per_month(rng, counts, hh_full * RISK)
    offset, size = household_pool(hh[0], scale)
    household_other = offset[wijk_other] + (rng.random(len(mi)) * size[wijk_other]).astype(np.int64)
    pre = full.t[mi] < 2019
    referral_other = choice_rows(rng, np.column_stack([
        np.where(pre, 0.18, 0.0), np.full(len(mi), 0.6), np.full(len(mi), 0.22), np.full(len(mi), 0.18)]))
    c = {
        "registered": np.concatenate([reg_sig, in_month(rng, full, mi)]),
        "wijk": np.concatenate([signals["wijk"][acc], wijk_other]),
        "household": np.concatenate([signals["household"][acc], household_other]),
        "referral": np.concatenate([np.zeros(len(acc), np.int64), referral_other]),
    }
    keep = c["registered"] <= grid.cutoff
    c = {k: v[keep] for k, v in c.items()}
    c.update(_case_course(rng, c["registered"], grid.cutoff))
    # the opening stock: before 2019 only the cases still open on 1 January 2019
    jan = day_number("2019-01-01")
    open_2019 = (c["registered"] >= jan) | ~c["ended_ok"] | (c["ended"] >= jan)
    return {k: v[open_2019] for k, v in c.items()}


def _case_course(rng: np.random.Generator, registered: np.ndarray, cutoff: int) -> dict[str, np.ndarray]:
    """Interview, route, start and end of each case; anything after the cut-off is not known yet."""
    n = len(registered)
    interview = registered + gamma_days(rng, n, 2.0, 13.0, lo=4)
    has_interview = rng.random(n) < 0.92
    # routes: stabilisatie, schuldbemiddeling, saneringskrediet, wsnp, budgetbeheer; -1 = none
    route = choice(rng, n, [0.40, 0.22, 0.08, 0.04, 0.16, 0.10])
    route[route == 5] = -1
    route[~has_interview] = -1
    settlement = (route == 1) | (route == 2)
    started = interview + np.where(settlement | (route == 3), gamma_days(rng, n, 3.0, 75.0, lo=20),
                                   gamma_days(rng, n, 2.0, 10.0, lo=3))
    ended, reason = _case_end(rng, registered, interview, started, route, has_interview)
    ended_ok = ended <= cutoff
    interview_ok = has_interview & (interview <= cutoff)
    started_ok = (route >= 0) & interview_ok & (started <= cutoff)
    route = np.where(interview_ok, route, -1)
    ended_ok &= np.where(has_interview, interview_ok, True)
    ended_ok &= np.where(route >= 0, started_ok, True)
    reason = np.where(ended_ok, reason, -1)
    n_debt = rng.lognormal(np.log(17_000), 0.95, n)
    return {
        "interview": interview, "has_interview": has_interview, "interview_ok": interview_ok,
        "route": route, "started": started,
        "started_ok": started_ok, "ended": ended, "ended_ok": ended_ok, "reason": reason,
        "household_type": choice(rng, n, [0.45, 0.20, 0.10, 0.17, 0.08]),
        "age_band": choice(rng, n, [0.15, 0.45, 0.34, 0.06]),
        "debt": np.round(n_debt, 2),
        "creditors": np.clip(1 + rng.poisson(1.5 + n_debt / 2500), 1, 60),
    }


def _case_end(rng: np.random.Generator, registered: np.ndarray, interview: np.ndarray, started: np.ndarray,
              route: np.ndarray, has_interview: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """End date and reason (schuldenvrij, stabiel, uitval, verhuisd, overig) per route."""
    n = len(route)
    settlement = (route == 1) | (route == 2)
    # from 1 July 2023 settlements last 18 months instead of 36, phased in as cases qualify
    after = started >= day_number(SHORT_SETTLEMENTS_FROM.isoformat())
    share_short = np.clip(0.5 + 0.4 * (started - day_number("2023-07-01")) / 365, 0.5, 0.9)
    term = np.where(settlement & after & (rng.random(n) < share_short), 18, 36)
    reason_probs = np.select(
        [settlement[:, None], (route == 3)[:, None], (route == 0)[:, None], (route == 4)[:, None]],
        [np.array([0.645, 0, 0.275, 0.04, 0.04]), np.array([0.70, 0, 0.22, 0.03, 0.05]),
         np.array([0.10, 0.55, 0.25, 0.05, 0.05]), np.array([0, 0.5, 0.2, 0.1, 0.2])],
        np.array([0, 0, 0.7, 0.1, 0.2]))
    reason = choice_rows(rng, np.broadcast_to(reason_probs, (n, 5)).copy())
    full_term = np.round(term * MONTH_DAYS).astype(np.int64) + gamma_days(rng, n, 2.0, 12.0)
    dropout = np.round(term * MONTH_DAYS * rng.beta(1.3, 2.5, n)).astype(np.int64) + 14
    long_route = settlement | (route == 3)
    duration = np.select(
        [long_route & (reason == 0), long_route, route == 0, route == 4],
        [full_term, dropout, gamma_days(rng, n, 2.5, 200.0, lo=45), gamma_days(rng, n, 2.0, 720.0, lo=180)],
        0)
    ended = np.where(route >= 0, started + duration, 0)
    no_route = route < 0
    # no route: dropped out before or after the interview
    no_interview_end = registered + gamma_days(rng, n, 2.0, 30.0, lo=10)
    after_interview_end = interview + gamma_days(rng, n, 2.0, 35.0, lo=5)
    ended = np.where(no_route, np.where(has_interview, after_interview_end, no_interview_end), ended)
    return ended, reason


def draw_urgency(rng: np.random.Generator, c: dict[str, np.ndarray], cutoff: int) -> dict[str, np.ndarray]:
    """Urgent requests (threat of eviction, cut-off or end of health insurance), more often after a
    signal, and their first interview: due within three working days (Wet gemeentelijke
    schuldhulpverlening art. 4), met most of the time but not always. Moving an interview
    earlier keeps every date order, since the route and the end follow the original date."""
    n = len(c["registered"])
    urgent = rng.random(n) < np.where(c["referral"] == 0, 0.24, 0.09)
    # working days after the request (weekends skipped; a public holiday makes a few late)
    days = 1 + choice(rng, n, [0.34, 0.32, 0.22, 0.06, 0.03, 0.03])
    quick = np.busday_offset(c["registered"].astype("datetime64[D]"), days, roll="forward").astype(np.int64)
    c = dict(c)
    c["urgent"] = urgent
    c["interview"] = np.where(urgent, np.minimum(quick, c["interview"]), c["interview"])
    c["interview_ok"] = c["has_interview"] & (c["interview"] <= cutoff)
    return c


def cases_frame(c: dict[str, np.ndarray]) -> pl.DataFrame:
    spec = CONTRACT["debt_cases"]
    codes = {name: spec.column(name).codes for name in
             ("household_type", "age_band", "referral", "route", "end_reason")}
    df = pl.DataFrame({
        "household_id": id_series("H", c["household"]),
        "wijk_code": labels(WIJK_CODES, c["wijk"]),
        "household_type": labels(codes["household_type"], c["household_type"]),
        "age_band": labels(codes["age_band"], c["age_band"]),
        "referral": labels(codes["referral"], c["referral"]),
        "registered_on": dates(c["registered"]),
        "urgent": c["urgent"],
        "first_interview_on": dates(c["interview"], c["interview_ok"]),
        "route": labels(codes["route"], c["route"]),
        "started_on": dates(c["started"], c["started_ok"]),
        "ended_on": dates(c["ended"], c["ended_ok"]),
        "end_reason": labels(codes["end_reason"], c["reason"]),
        "debt_eur": c["debt"],
        "creditors": c["creditors"].astype(np.int32),
    }).sort("registered_on", maintain_order=True)
    return with_ids(df, "case_id", "C")
