"""Work and income: social-assistance spells, placements in work, and the activities before them.

Placements dip with covid in 2020 and then rise; most come from benefit and end a spell with
'werk', so the three extracts are drawn together: spells first, then placements (which change
the spells' end reasons), then the activities that lead to placements or not.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from monitor.extracts import CONTRACT
from monitor.sample.areas import RISK, WIJK_CODES, WIJKEN, wijk_per_month
from monitor.sample.columns import dates, id_series, labels, with_ids
from monitor.sample.draw import choice, choice_rows, gamma_days, in_month, months_idx
from monitor.sample.grid import MONTH_DAYS, Grid, count, day_number

# Placements per year (scale 1): a covid dip in 2020, then a rising trend.
PLACEMENTS_PER_YEAR = {2019: 1950, 2020: 1850, 2021: 1750, 2022: 1950, 2023: 2100, 2024: 2220,
                       2025: 2320, 2026: 2400}
PLACEMENT_SEASON = np.array([1.1, 1.05, 1.05, 1.0, 1.0, 0.95, 0.85, 0.85, 1.05, 1.05, 1.05, 1.0])
COVID_2020 = np.array([1, 1, 0.85, 0.5, 0.55, 0.7, 0.85, 0.9, 1, 1, 1, 1])
SECTORS = ("zorg", "logistiek", "detailhandel", "horeca", "schoonmaak", "techniek",
           "zakelijke_dienstverlening", "bouw", "onderwijs", "overheid")
# Target stock of people on social assistance at month ends (scale 1), interpolated.
BENEFIT_STOCK = (("2019-01", 24600), ("2020-03", 24300), ("2020-12", 25900), ("2021-12", 25000),
                 ("2023-06", 23100), ("2024-06", 22800), ("2026-12", 23700))


def _survival_new(months: np.ndarray) -> np.ndarray:
    """Share of new spells still running after `months`: a short-stay and a long-stay group."""
    return 0.35 * np.exp(-months / 7) + 0.65 * np.exp(-months / 62)


def _benefit_inflow(grid: Grid, stock0: float) -> np.ndarray:
    """Expected inflow per month that makes the expected stock follow BENEFIT_STOCK."""
    knots_t = np.array([int(k[:4]) + (int(k[5:]) - 1) / 12 for k, _ in BENEFIT_STOCK])
    target = np.interp(grid.t, knots_t, [v for _, v in BENEFIT_STOCK])
    m = len(grid.t)
    inflow = np.zeros(m)
    for i in range(m):
        ages = i - np.arange(i) + 0.5
        expected = stock0 * np.exp(-(i + 1) / 44) + inflow[:i] @ _survival_new(ages)
        inflow[i] = max(0.0, (target[i] - expected) / _survival_new(np.array([0.5]))[0])
    return inflow


def draw_benefit_spells(rng: np.random.Generator, grid: Grid, hh: np.ndarray,
                    scale: float) -> dict[str, np.ndarray]:
    weights = hh * RISK**1.2
    stock0 = BENEFIT_STOCK[0][1]
    n0 = count(stock0 * scale, at_least=1)  # placements and activities draw from a non-empty stock
    jan = day_number("2019-01-01")
    # time already on benefit; wrapped (not clipped) at 2000 to avoid a spike on one start date
    elapsed = np.round(rng.exponential(5.5 * 365, n0)).astype(np.int64) % (jan - day_number("2000-01-03"))
    start0 = jan - 1 - elapsed
    end0 = jan + np.round(rng.exponential(44 * MONTH_DAYS, n0)).astype(np.int64)
    counts = rng.poisson(_benefit_inflow(grid, stock0) * scale)
    mi = months_idx(counts)
    start1 = in_month(rng, grid, mi)
    short = rng.random(len(mi)) < 0.35
    months = rng.exponential(np.where(short, 7, 62))
    end1 = start1 + 1 + np.round(months * MONTH_DAYS).astype(np.int64)
    wijk = np.concatenate([choice(rng, n0, weights[0]), wijk_per_month(rng, counts, weights)])
    started = np.concatenate([start0, start1])
    ended = np.concatenate([end0, end1])
    n = len(started)
    return {
        "started": started, "ended": ended, "ended_ok": ended <= grid.cutoff, "wijk": wijk,
        "age_band": choice(rng, n, [0.12, 0.40, 0.475, 0.005]),
        # werk (without a placement), scholing, verhuisd, overig; placements add more 'werk'
        "reason": choice(rng, n, [0.12, 0.06, 0.14, 0.68]),
        "person": 1 + rng.permutation(n),
    }


def spells_frame(s: dict[str, np.ndarray]) -> pl.DataFrame:
    spec = CONTRACT["benefit_spells"]
    df = pl.DataFrame({
        "person_id": id_series("P", s["person"]),
        "benefit_unit_id": id_series("U", s["unit"]),
        "wijk_code": labels(WIJK_CODES, s["wijk"]),
        "age_band": labels(spec.column("age_band").codes, s["age_band"]),
        "started_on": dates(s["started"]),
        "ended_on": dates(s["ended"], s["ended_ok"]),
        "end_reason": labels(spec.column("end_reason").codes, s["reason"], s["ended_ok"]),
    }).sort("started_on", maintain_order=True)
    return with_ids(df, "spell_id", "B")


# --- placements ------------------------------------------------------------------------------------


def placement_level(grid: Grid) -> np.ndarray:
    years = [PLACEMENTS_PER_YEAR.get(int(y), 2400 + 40 * (int(y) - 2026)) for y in grid.year]
    covid = np.where(grid.year == 2020, COVID_2020[grid.month - 1], 1.0)
    return np.array(years) / 12 * PLACEMENT_SEASON[grid.month - 1] * covid


def spells_ending(rng: np.random.Generator, grid: Grid, spells: dict[str, np.ndarray], eligible: np.ndarray,
                  wanted: np.ndarray) -> np.ndarray:
    """The indices of the first `wanted[m]` eligible spells ending in each month m of `grid`, in a
    random order within the month: the spells a month's placements end."""
    idx = np.flatnonzero(eligible)
    end_month = np.searchsorted(grid.start, spells["ended"][idx], side="right") - 1
    order = np.lexsort((rng.random(len(idx)), end_month))
    idx, end_month = idx[order], end_month[order]
    first = np.searchsorted(end_month, np.arange(len(grid.start)))
    rank = np.arange(len(idx)) - first[end_month]
    return idx[rank < wanted[end_month]]


def draw_placements(rng: np.random.Generator, grid: Grid, spells: dict[str, np.ndarray],
                scale: float) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Placements from benefit end a spell with 'werk' just after the first working day; the rest
    come from outside social assistance."""
    level = placement_level(grid)
    wanted = rng.poisson(level * 0.72 * scale)
    # spells ending in each month, in random order; the first `wanted` become placements
    duration = spells["ended"] - spells["started"]
    ended = spells["ended_ok"] & (spells["ended"] >= grid.start[0]) & (duration > 30)
    chosen = spells_ending(rng, grid, spells, ended, wanted)
    spells = dict(spells)
    spells["reason"] = spells["reason"].copy()
    spells["reason"][chosen] = 0
    placed_fb = np.maximum.reduce([spells["ended"][chosen] - (rng.random(len(chosen)) * 21).astype(np.int64),
                                   spells["started"][chosen] + 1, np.full(len(chosen), grid.start[0])])
    counts = rng.poisson(level * 0.28 * scale)
    mi = months_idx(counts)
    hh_weights = np.ones((len(counts), 1)) * np.array([w[3] for w in WIJKEN]) * np.sqrt(RISK)
    first_outside = int(spells["person"].max()) + 1
    p = {
        "placed": np.concatenate([placed_fb, in_month(rng, grid, mi)]),
        "wijk": np.concatenate([spells["wijk"][chosen], wijk_per_month(rng, counts, hh_weights)]),
        "person": np.concatenate([spells["person"][chosen], first_outside + np.arange(len(mi))]),
        "from_benefit": np.concatenate([np.ones(len(chosen), bool), np.zeros(len(mi), bool)]),
        "spell": np.concatenate([chosen, np.full(len(mi), -1)]),  # the spell a placement ended, or -1
    }
    n = len(p["placed"])
    contract = choice(rng, n, [0.14, 0.56, 0.30])
    year = 2019 + (p["placed"] - grid.start[0]) / 365.25
    p6 = np.array([0.88, 0.74, 0.60])[contract] + 0.01 * np.clip(year - 2021, 0, 5)
    employed_6m = rng.random(n) < p6
    p.update({
        "sector": choice(rng, n, [0.18, 0.16, 0.14, 0.09, 0.10, 0.08, 0.11, 0.04, 0.04, 0.06]),
        "contract": contract,
        "hours": np.array([12, 16, 20, 24, 28, 32, 36, 38, 40])[
            choice(rng, n, [0.04, 0.08, 0.12, 0.14, 0.10, 0.16, 0.18, 0.08, 0.10])],
        "wage_subsidy": rng.random(n) < np.where(p["from_benefit"], 0.18, 0.07),
        "employed_6m": employed_6m,
        "employed_12m": employed_6m & (rng.random(n) < 0.85),
    })
    return p, spells


def placements_frame(p: dict[str, np.ndarray], cutoff: int) -> pl.DataFrame:
    """employed_6m/12m stay null until 6/12 months after placed_on have passed by the cut-off, and
    for the people the wage administration could not trace (`untraced_6m`/`untraced_12m`)."""
    end = pl.lit(dates(np.array([cutoff]))[0])
    df = pl.DataFrame({
        "person_id": id_series("P", p["person"]),
        "wijk_code": labels(WIJK_CODES, p["wijk"]),
        "placed_on": dates(p["placed"]),
        "from_benefit": p["from_benefit"],
        "sector": labels(SECTORS, p["sector"]),
        "contract": labels(CONTRACT["placements"].column("contract").codes, p["contract"]),
        "hours_per_week": p["hours"].astype(np.int32),
        "wage_subsidy": p["wage_subsidy"],
        "employed_6m": p["employed_6m"],
        "employed_12m": p["employed_12m"],
        "untraced_6m": p["untraced_6m"],
        "untraced_12m": p["untraced_12m"],
    }).with_columns(
        employed_6m=pl.when((pl.col("placed_on").dt.offset_by("6mo") <= end) & ~pl.col("untraced_6m"))
        .then(pl.col("employed_6m")),
        employed_12m=pl.when((pl.col("placed_on").dt.offset_by("12mo") <= end) & ~pl.col("untraced_12m"))
        .then(pl.col("employed_12m")),
    ).drop("untraced_6m", "untraced_12m").sort("placed_on", maintain_order=True)
    return with_ids(df, "placement_id", "W")


# --- work activities -------------------------------------------------------------------------------


def chain_activities(rng: np.random.Generator, p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The road to each placement: an interview, a profile, one or more matches, sometimes a trial."""
    n = len(p["placed"])
    gesprek = p["placed"] - gamma_days(rng, n, 2.0, 80.0, lo=30)
    profiel = gesprek + gamma_days(rng, n, 2.0, 8.0, lo=2)
    has_profiel = rng.random(n) < 0.8
    n_match = 1 + rng.poisson(1.2, n)
    match_owner = np.repeat(np.arange(n), n_match)
    span = p["placed"][match_owner] - gesprek[match_owner]
    match_on = gesprek[match_owner] + (rng.random(len(match_owner)) * span * 0.9).astype(np.int64) + 1
    trial = np.flatnonzero(rng.random(n) < np.where(p["from_benefit"], 0.18, 0.08))
    learn = np.flatnonzero(rng.random(n) < 0.06)
    owners = np.concatenate([np.arange(n), np.flatnonzero(has_profiel), match_owner, trial, learn])
    return {
        "day": np.concatenate([gesprek, profiel[has_profiel], match_on,
                               p["placed"][trial] - gamma_days(rng, len(trial), 3.0, 30.0, lo=7),
                               p["placed"][learn] - gamma_days(rng, len(learn), 2.0, 60.0, lo=14)]),
        "activity": np.repeat(np.arange(5), [n, has_profiel.sum(), len(match_owner), len(trial), len(learn)]),
        "person": p["person"][owners],
    }


def outside_pool(scale: float) -> int:
    """How many jobseekers without a benefit the activities draw from."""
    return count(6000 * scale, at_least=1)


def _background_activities(rng: np.random.Generator, grid: Grid, spells: dict[str, np.ndarray],
                           outside_from: int, scale: float) -> dict[str, np.ndarray]:
    """Activities that do not (yet) lead to a placement, mostly with people on social assistance."""
    t = grid.t
    trend = 1 + 0.05 * np.clip(t - 2021, 0, None) - 0.2 * ((t >= 2020.2) & (t < 2020.6))
    mix = np.array([1300, 350, 550, 70, 55])
    counts = rng.poisson(mix.sum() * trend * scale)
    days, persons, kinds = [], [], []
    ended = np.where(spells["ended_ok"], spells["ended"], np.iinfo(np.int64).max)
    pool_outside = outside_pool(scale)
    for m, c in enumerate(counts):
        lo, hi = grid.start[m], grid.start[m] + grid.length[m] - 1
        open_idx = np.flatnonzero((spells["started"] <= hi) & (ended >= lo))
        if len(open_idx) == 0:  # only at a tiny scale: no open spell to pick from, no activities
            c = 0
        day = lo + (rng.random(c) * grid.length[m]).astype(np.int64)
        pick = open_idx[rng.integers(0, len(open_idx), c)]
        on_benefit = rng.random(c) < 0.85
        days.append(np.where(on_benefit, np.clip(day, spells["started"][pick], ended[pick]), day))
        persons.append(np.where(on_benefit, spells["person"][pick],
                                outside_from + rng.integers(0, pool_outside, c)))
        kinds.append(choice(rng, int(c), mix))
    return {"day": np.concatenate(days), "person": np.concatenate(persons), "activity": np.concatenate(kinds)}


def first_outside_id(spells: dict[str, np.ndarray], p: dict[str, np.ndarray]) -> int:
    """People outside social assistance get ids after every placed person (a tiny scale may place
    no one); the activities' pool of such jobseekers starts here."""
    return max(int(spells["person"].max()), int(p["person"].max(initial=0))) + 1


def draw_work_activities(rng: np.random.Generator, grid: Grid, spells: dict[str, np.ndarray],
                     p: dict[str, np.ndarray], scale: float) -> dict[str, np.ndarray]:
    chain = chain_activities(rng, p)
    outside_from = first_outside_id(spells, p)
    background = _background_activities(rng, grid, spells, outside_from, scale)
    a = {k: np.concatenate([chain[k], background[k]]) for k in chain}
    keep = (a["day"] >= grid.start[0]) & (a["day"] <= grid.cutoff)
    return draw_channels(rng, grid, {k: v[keep] for k, v in a.items()})


def draw_channels(rng: np.random.Generator, grid: Grid, a: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each activity's channel; HalloWerk (the online platform) takes a growing share of the work."""
    hallo = np.clip(0.25 + 0.045 * (a["day"] - grid.start[0]) / 365.25, 0.25, 0.6)
    kind = a["activity"]
    p_hallo = np.select([kind == 0, kind == 1], [0.5 * hallo, np.minimum(0.6 + 0.5 * (hallo - 0.25), 0.85)],
                        hallo)
    p_wsp = np.select([kind == 0, kind == 1], [0.15, 0.1], 0.35)
    a["channel"] = choice_rows(rng, np.column_stack([p_hallo, p_wsp, np.maximum(1 - p_hallo - p_wsp, 0.02)]))
    return a


def activities_frame(a: dict[str, np.ndarray], homes: pl.DataFrame, spells: pl.DataFrame) -> pl.DataFrame:
    """The activities with where the person lives (`homes`: person_id, wijk_code) and whether a
    spell of `spells` ran on the day, worked out from the spells themselves so it cannot disagree."""
    spec = CONTRACT["work_activities"]
    df = pl.DataFrame({
        "person_id": id_series("P", a["person"]),
        "activity_on": dates(a["day"]),
        "activity": labels(spec.column("activity").codes, a["activity"]),
        "channel": labels(spec.column("channel").codes, a["channel"]),
    }).with_row_index("row")
    running = df.join(spells.select("person_id", "started_on", "ended_on"), on="person_id").filter(
        (pl.col("activity_on") >= pl.col("started_on"))
        & (pl.col("ended_on").is_null() | (pl.col("activity_on") <= pl.col("ended_on")))).get_column("row")
    df = (df.join(homes, on="person_id", how="left", maintain_order="left")
          .with_columns(on_benefit=pl.col("row").is_in(running.implode())).drop("row")
          .sort("activity_on", maintain_order=True))
    return with_ids(df, "activity_id", "A")
