"""Deterministic demo extracts for Den Haag: the six extracts of the contract, synthetic.

The data must tell the stories the dashboard is built to show (a signal peak in the
2022 energy crisis, a covid dip in placements, better reach of signals after 2023,
shorter settlements after 1 July 2023, more debt problems in Laak and Escamp), while
being reproducible byte for byte from (seed, until, scale). Everything is drawn with
one numpy PCG64 generator in a fixed order and vectorised per extract; loops only run
over months. Extracts hold their full history: the debt cases and benefit spells that
were still open on 1 January 2019 are included, so they start before 2019 (every flow
starts in January 2019).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from monitor.extracts import CONTRACT, DEMO_METADATA_KEY

FIRST_MONTH = "2019-01"
STOCK_FROM = "2015-01"  # settlements last 36 months plus waiting time: cases from 2015 still end in 2019
SHORT_SETTLEMENTS_FROM = dt.date(2023, 7, 1)
MONTH_DAYS = 30.4375

# nn, wijk name, stadsdeel, inhabitants 1 Jan 2019 (before scaling to the city total),
# households per inhabitant, yearly growth, relative debt/benefit risk per household
WIJKEN: tuple[tuple[int, str, str, int, float, float, float], ...] = (
    (1, "Oostduinen", "Scheveningen", 420, 0.55, 0.0, 0.6),
    (2, "Belgisch Park", "Scheveningen", 8600, 0.55, 0.003, 0.45),
    (3, "Westbroekpark en Duttendel", "Scheveningen", 760, 0.45, 0.0, 0.2),
    (4, "Benoordenhout", "Haagse Hout", 13900, 0.50, 0.002, 0.25),
    (5, "Archipelbuurt", "Centrum", 6100, 0.58, 0.002, 0.35),
    (6, "Van Stolkpark en Scheveningse Bosjes", "Scheveningen", 2400, 0.50, 0.0, 0.25),
    (7, "Scheveningen", "Scheveningen", 23500, 0.57, 0.006, 1.0),
    (8, "Duindorp", "Scheveningen", 6200, 0.48, 0.002, 1.3),
    (9, "Geuzen- en Statenkwartier", "Scheveningen", 14800, 0.55, 0.003, 0.35),
    (10, "Zorgvliet", "Scheveningen", 1100, 0.45, 0.0, 0.2),
    (11, "Duinoord", "Segbroek", 5900, 0.60, 0.002, 0.6),
    (12, "Bomen- en Bloemenbuurt", "Segbroek", 24500, 0.48, 0.002, 0.5),
    (13, "Vogelwijk", "Segbroek", 6200, 0.42, 0.001, 0.2),
    (14, "Bohemen en Meer en Bos", "Loosduinen", 7400, 0.45, 0.002, 0.45),
    (15, "Kijkduin en Ockenburgh", "Loosduinen", 3600, 0.52, 0.004, 0.5),
    (16, "Kraayenstein en Vroondaal", "Loosduinen", 9300, 0.40, 0.03, 0.45),
    (17, "Loosduinen", "Loosduinen", 18300, 0.52, 0.003, 0.95),
    (18, "Waldeck", "Loosduinen", 12800, 0.50, 0.002, 0.75),
    (19, "Vruchtenbuurt", "Loosduinen", 8100, 0.48, 0.002, 0.8),
    (20, "Valkenboskwartier", "Segbroek", 17200, 0.53, 0.004, 1.0),
    (21, "Regentessekwartier", "Segbroek", 13100, 0.55, 0.003, 0.85),
    (22, "Zeeheldenkwartier", "Centrum", 11300, 0.60, 0.004, 0.85),
    (23, "Willemspark", "Centrum", 4300, 0.58, 0.002, 0.3),
    (24, "Haagse Bos", "Haagse Hout", 1600, 0.55, 0.002, 0.5),
    (25, "Mariahoeve en Marlot", "Haagse Hout", 19700, 0.50, 0.004, 1.2),
    (26, "Bezuidenhout", "Haagse Hout", 20300, 0.55, 0.005, 0.75),
    (27, "Stationsbuurt", "Centrum", 14200, 0.58, 0.012, 1.5),
    (28, "Centrum", "Centrum", 21000, 0.65, 0.010, 1.2),
    (29, "Schildersbuurt", "Centrum", 33000, 0.45, 0.003, 2.2),
    (30, "Transvaalkwartier", "Centrum", 15200, 0.43, 0.003, 2.3),
    (31, "Rustenburg en Oostbroek", "Escamp", 15600, 0.50, 0.003, 1.3),
    (32, "Leyenburg", "Escamp", 10200, 0.52, 0.002, 1.1),
    (33, "Bouwlust", "Escamp", 28700, 0.50, 0.004, 1.7),
    (34, "Morgenstond", "Escamp", 21800, 0.52, 0.004, 1.6),
    (35, "Zuiderpark", "Escamp", 450, 0.55, 0.0, 1.2),
    (36, "Moerwijk", "Escamp", 29300, 0.47, 0.006, 2.1),
    (37, "Groente- en Fruitmarkt", "Centrum", 3400, 0.50, 0.010, 1.8),
    (38, "Laakkwartier en Spoorwijk", "Laak", 42300, 0.48, 0.008, 2.2),
    (39, "Binckhorst", "Laak", 650, 0.70, 0.15, 1.0),
    (40, "Wateringse Veld", "Escamp", 25100, 0.40, 0.004, 0.7),
    (41, "Hoornwijk", "Leidschenveen-Ypenburg", 360, 0.45, 0.0, 0.8),
    (42, "Ypenburg", "Leidschenveen-Ypenburg", 31200, 0.38, 0.003, 0.6),
    (43, "Forepark", "Leidschenveen-Ypenburg", 120, 0.60, 0.0, 0.8),
    (44, "Leidschenveen", "Leidschenveen-Ypenburg", 23800, 0.38, 0.008, 0.6),
)
WIJK_CODES: tuple[str, ...] = tuple(f"WK0518{w[0]:02d}" for w in WIJKEN)
RISK = np.array([w[6] for w in WIJKEN])

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


@dataclass(frozen=True)
class Grid:
    """Calendar of the demo: months from January 2019 through the cut-off month, as day numbers."""

    start: np.ndarray  # first day of each month, days since 1970-01-01
    length: np.ndarray  # days in each month
    year: np.ndarray
    month: np.ndarray  # 1..12
    cutoff: int  # last day of the `until` month

    @property
    def t(self) -> np.ndarray:
        """Time in fractional years, for smooth trends."""
        return self.year + (self.month - 1) / 12


def default_until(today: dt.date | None = None) -> str:
    """The last complete month before today, as 'YYYY-MM': a demo never shows a half month."""
    today = today or dt.date.today()
    last = today.replace(day=1) - dt.timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"


def write_sample(out_dir: Path, *, seed: int = 2026, until: str | None = None, scale: int = 1) -> list[Path]:
    """Write the six extracts <name>.parquet into out_dir (created if missing).

    until = 'YYYY-MM' last month included; default: the last complete month before today.
    Returns the written paths. Same arguments, same bytes.
    """
    until = until or default_until()
    _check_args(until, scale)
    frames = generate(seed=seed, until=until, scale=scale)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = {DEMO_METADATA_KEY: json.dumps({"seed": seed, "until": until, "scale": scale})}
    return [_write_atomic(frames[name], out_dir / f"{name}.parquet", meta) for name in CONTRACT]


def generate(*, seed: int = 2026, until: str, scale: int = 1) -> dict[str, pl.DataFrame]:
    """All six extracts as frames, in contract order; the draw order is fixed for reproducibility."""
    _check_args(until, scale)
    rng = np.random.Generator(np.random.PCG64(seed))
    grid = _grid(FIRST_MONTH, until)
    areas = _areas(grid)
    hh = _households_by_year(areas, grid)
    signals = _signals(rng, grid, hh, scale)
    cases = _debt_cases(rng, grid, hh, signals, scale, until)
    spells = _benefit_spells(rng, grid, hh, scale)
    placements, spells = _placements(rng, grid, spells, scale)
    activities = _work_activities(rng, grid, spells, placements, scale)
    frames = {
        "areas": areas,
        "early_signals": _signals_frame(signals),
        "debt_cases": _cases_frame(cases),
        "benefit_spells": _spells_frame(spells),
        "work_activities": _activities_frame(activities),
        "placements": _placements_frame(placements, grid.cutoff),
    }
    return {name: frames[name] for name in CONTRACT}


# --- arguments, calendar, output -------------------------------------------------------------------


def _check_args(until: str, scale: int) -> None:
    """Refuse a cut-off that is not a complete month yet: validation rejects dates after today."""
    try:
        first = dt.date.fromisoformat(f"{until}-01")
    except (TypeError, ValueError):
        raise ValueError(f"until must be 'YYYY-MM', got {until!r}") from None
    if len(until) != 7 or first < dt.date(2019, 1, 1):
        raise ValueError(f"until must be 'YYYY-MM' from 2019-01 on, got {until!r}")
    if _month_end(first) >= dt.date.today():
        raise ValueError(f"until {until} is not a complete month yet; the latest is {default_until()}")
    if not isinstance(scale, int) or scale < 1:
        raise ValueError(f"scale must be a positive integer, got {scale!r}")


def _month_end(first: dt.date) -> dt.date:
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def _grid(first: str, until: str) -> Grid:
    months = np.arange(np.datetime64(first), np.datetime64(until) + 1, dtype="datetime64[M]")
    bounds = np.append(months, months[-1] + 1).astype("datetime64[D]").astype(np.int64)
    ym = months.astype(np.int64)
    return Grid(bounds[:-1], np.diff(bounds), 1970 + ym // 12, ym % 12 + 1, int(bounds[-1] - 1))


def _day(iso: str) -> int:
    return int(np.datetime64(iso, "D").astype(np.int64))


def _write_atomic(df: pl.DataFrame, path: Path, metadata: dict[str, str]) -> Path:
    """Write beside the target and rename: a reader never sees half a file, a crash leaves none.

    The marker goes into the Parquet key-value metadata and into the embedded Arrow schema:
    pyarrow's `read_schema` (which `extracts.is_demo` uses) only reports the latter.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    schema = df.head(0).to_arrow().schema.with_metadata(metadata)
    try:
        df.write_parquet(tmp, compression="zstd", statistics=True, metadata=metadata, arrow_schema=schema)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


# --- small vectorised helpers ----------------------------------------------------------------------


def _choice(rng: np.random.Generator, n: int, weights: np.ndarray | list[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return rng.choice(len(w), size=n, p=w / w.sum())


def _choice_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One category per row from a (rows x categories) probability matrix."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)


def _in_month(rng: np.random.Generator, grid: Grid, month_idx: np.ndarray) -> np.ndarray:
    """A uniform day within each record's month."""
    return grid.start[month_idx] + (rng.random(len(month_idx)) * grid.length[month_idx]).astype(np.int64)


def _gamma_days(rng: np.random.Generator, n: int, shape: float, mean: float, lo: int = 0) -> np.ndarray:
    return lo + np.round(rng.gamma(shape, mean / shape, n)).astype(np.int64)


def _labels(codes: tuple[str, ...], idx: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    s = pl.Series(list(codes), dtype=pl.String).gather(np.where(idx < 0, 0, idx))
    missing = (idx < 0) if valid is None else (~valid | (idx < 0))
    return s.scatter(np.flatnonzero(missing), None) if missing.any() else s


def _dates(days: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    s = pl.Series(np.where(valid, days, 0) if valid is not None else days).cast(pl.Int32).cast(pl.Date)
    return s.scatter(np.flatnonzero(~valid), None) if valid is not None and (~valid).any() else s


def _id_series(prefix: str, numbers: np.ndarray) -> pl.Series:
    """Pseudonymised ids like 'S00000001'."""
    return pl.select(pl.lit(prefix) + pl.Series(numbers).cast(pl.String).str.zfill(8)).to_series()


def _with_ids(df: pl.DataFrame, key: str, prefix: str) -> pl.DataFrame:
    """Number the sorted records: ids follow time, like a source system's sequence."""
    return df.insert_column(0, _id_series(prefix, np.arange(1, df.height + 1)).alias(key))


def _months_idx(counts: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(len(counts)), counts)


# --- areas -----------------------------------------------------------------------------------------


def _areas(grid: Grid) -> pl.DataFrame:
    """Wijken per year: ~545,000 inhabitants in 2019 growing ~0.55% a year (566,000 in 2026)."""
    years = np.arange(2019, int(grid.year[-1]) + 1)
    base = np.array([w[3] for w in WIJKEN], dtype=float)
    growth = np.array([w[5] for w in WIJKEN])
    raw = base[None, :] * (1 + growth[None, :]) ** (years - 2019)[:, None]
    total = 545_000 * (566_000 / 545_000) ** ((years - 2019) / 7)
    inhabitants = np.round(raw * (total / raw.sum(axis=1))[:, None]).astype(np.int64)
    ratio = np.array([w[4] for w in WIJKEN])[None, :] * (1 + 0.002 * (years - 2019))[:, None]
    households = np.round(inhabitants * ratio).astype(np.int64)
    n = len(WIJKEN)
    return pl.DataFrame({
        "year": np.repeat(years, n).astype(np.int32),
        "wijk_code": list(WIJK_CODES) * len(years),
        "wijk_name": [w[1] for w in WIJKEN] * len(years),
        "stadsdeel": [w[2] for w in WIJKEN] * len(years),
        "inhabitants": inhabitants.ravel().astype(np.int32),
        "households": households.ravel().astype(np.int32),
    })


def _households_by_year(areas: pl.DataFrame, grid: Grid) -> np.ndarray:
    """Households per (month of the grid, wijk), to weight where records fall."""
    hh = areas.get_column("households").to_numpy().reshape(-1, len(WIJKEN)).astype(float)
    return hh[grid.year - 2019]


def _household_pool(hh2019: np.ndarray, scale: int) -> tuple[np.ndarray, np.ndarray]:
    """Households at risk per wijk (offset, size): signals and cases draw from it, so ids recur."""
    size = np.maximum(1, np.round(hh2019 * RISK * 0.3 * scale)).astype(np.int64)
    offset = np.concatenate([[1], 1 + np.cumsum(size)[:-1]])
    return offset, size


def _wijk_per_month(rng: np.random.Generator, counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Wijk index for each record, month by month, from (month x wijk) weights."""
    return np.concatenate([_choice(rng, int(c), weights[m]) for m, c in enumerate(counts)]).astype(np.int64)


# --- early-warning signals -------------------------------------------------------------------------


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


def _signals(rng: np.random.Generator, grid: Grid, hh: np.ndarray, scale: int) -> dict[str, np.ndarray]:
    # clipped to the range DESIGN.md promises; at scale 1 the clip almost never bites
    counts = np.clip(rng.poisson(_signal_level(grid) * scale), 3520 * scale, 4230 * scale)
    mi = _months_idx(counts)
    n = len(mi)
    wijk = _wijk_per_month(rng, counts, hh * RISK)
    offset, size = _household_pool(hh[0], scale)
    household = offset[wijk] + (rng.random(n) * size[wijk]).astype(np.int64)
    partner = _choice_rows(rng, np.column_stack([
        np.full(n, 0.25), 0.22 + 0.5 * np.exp(-0.5 * ((grid.t[mi] - 2022.75) / 0.33) ** 2),
        np.full(n, 0.31), np.full(n, 0.13), np.full(n, 0.09)]))
    received = _in_month(rng, grid, mi)
    contacted = received + _gamma_days(rng, n, 2.0, 10.0, lo=1)
    reach = _reach_rate(grid.t[mi])
    result = _choice_rows(rng, np.column_stack([reach, 0.89 - reach, np.full(n, 0.04), np.full(n, 0.07)]))
    result[result == 3] = -1  # never contacted
    contacted_ok = (result >= 0) & (contacted <= grid.cutoff)
    result[~contacted_ok] = -1
    accepted = (result == 0) & (rng.random(n) < 0.35)
    return {"received": received, "contacted": contacted, "contacted_ok": contacted_ok, "result": result,
            "accepted": accepted, "wijk": wijk, "household": household, "partner": partner}


def _signals_frame(s: dict[str, np.ndarray]) -> pl.DataFrame:
    spec = CONTRACT["early_signals"]
    df = pl.DataFrame({
        "household_id": _id_series("H", s["household"]),
        "wijk_code": _labels(WIJK_CODES, s["wijk"]),
        "partner": _labels(spec.column("partner").codes, s["partner"]),
        "received_on": _dates(s["received"]),
        "contacted_on": _dates(s["contacted"], s["contacted_ok"]),
        "contact_result": _labels(spec.column("contact_result").codes, s["result"]),
        "help_accepted": s["accepted"],
    }).sort("received_on", maintain_order=True)
    return _with_ids(df, "signal_id", "S")


# --- debt cases ------------------------------------------------------------------------------------


def _other_referrals_level(t: np.ndarray) -> np.ndarray:
    """Registrations a month that did not come from a signal record (zelfmelder, partner, wijkteam)."""
    level = np.select([t < 2019, t < 2020.2, t < 2021, t < 2022, t < 2023, t < 2024],
                      [255, 178, 140, 158, 185, 175], 163)
    return level.astype(float)


def _debt_cases(rng: np.random.Generator, grid: Grid, hh: np.ndarray, signals: dict[str, np.ndarray],
                scale: int, until: str) -> dict[str, np.ndarray]:
    # from accepted signals: same household, registered days to weeks after the contact
    acc = np.flatnonzero(signals["accepted"] & (rng.random(len(signals["accepted"])) < 0.30))
    reg_sig = signals["contacted"][acc] + _gamma_days(rng, len(acc), 2.0, 14.0, lo=3)
    # other referrals, from 2015 so that the cases open on 1 January 2019 are in the extract
    full = _grid(STOCK_FROM, until)
    counts = rng.poisson(_other_referrals_level(full.t) * scale)
    mi = _months_idx(counts)
    hh_full = np.vstack([np.repeat(hh[:1], len(full.start) - len(grid.start), axis=0), hh])
    wijk_other = _wijk_per_month(rng, counts, hh_full * RISK)
    offset, size = _household_pool(hh[0], scale)
    household_other = offset[wijk_other] + (rng.random(len(mi)) * size[wijk_other]).astype(np.int64)
    pre = full.t[mi] < 2019
    referral_other = _choice_rows(rng, np.column_stack([
        np.where(pre, 0.18, 0.0), np.full(len(mi), 0.6), np.full(len(mi), 0.22), np.full(len(mi), 0.18)]))
    c = {
        "registered": np.concatenate([reg_sig, _in_month(rng, full, mi)]),
        "wijk": np.concatenate([signals["wijk"][acc], wijk_other]),
        "household": np.concatenate([signals["household"][acc], household_other]),
        "referral": np.concatenate([np.zeros(len(acc), np.int64), referral_other]),
    }
    keep = c["registered"] <= grid.cutoff
    c = {k: v[keep] for k, v in c.items()}
    c.update(_case_course(rng, c["registered"], grid.cutoff))
    # the opening stock: before 2019 only the cases still open on 1 January 2019
    open_2019 = (c["registered"] >= _day("2019-01-01")) | ~c["ended_ok"] | (c["ended"] >= _day("2019-01-01"))
    return {k: v[open_2019] for k, v in c.items()}


def _case_course(rng: np.random.Generator, registered: np.ndarray, cutoff: int) -> dict[str, np.ndarray]:
    """Interview, route, start and end of each case; anything after the cut-off is not known yet."""
    n = len(registered)
    interview = registered + _gamma_days(rng, n, 2.0, 16.0, lo=5)
    has_interview = rng.random(n) < 0.92
    # routes: stabilisatie, schuldbemiddeling, saneringskrediet, wsnp, budgetbeheer; -1 = none
    route = _choice(rng, n, [0.40, 0.22, 0.08, 0.04, 0.16, 0.10])
    route[route == 5] = -1
    route[~has_interview] = -1
    settlement = (route == 1) | (route == 2)
    started = interview + np.where(settlement | (route == 3), _gamma_days(rng, n, 3.0, 75.0, lo=20),
                                   _gamma_days(rng, n, 2.0, 10.0, lo=3))
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
        "interview": interview, "interview_ok": interview_ok, "route": route, "started": started,
        "started_ok": started_ok, "ended": ended, "ended_ok": ended_ok, "reason": reason,
        "household_type": _choice(rng, n, [0.45, 0.20, 0.10, 0.17, 0.08]),
        "age_band": _choice(rng, n, [0.15, 0.45, 0.34, 0.06]),
        "debt": np.round(n_debt, 2),
        "creditors": np.clip(1 + rng.poisson(1.5 + n_debt / 2500), 1, 60),
    }


def _case_end(rng: np.random.Generator, registered: np.ndarray, interview: np.ndarray, started: np.ndarray,
              route: np.ndarray, has_interview: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """End date and reason (schuldenvrij, stabiel, uitval, verhuisd, overig) per route."""
    n = len(route)
    settlement = (route == 1) | (route == 2)
    # from 1 July 2023 settlements last 18 months instead of 36, phased in as cases qualify
    after = started >= _day(SHORT_SETTLEMENTS_FROM.isoformat())
    share_short = np.clip(0.5 + 0.4 * (started - _day("2023-07-01")) / 365, 0.5, 0.9)
    term = np.where(settlement & after & (rng.random(n) < share_short), 18, 36)
    reason_probs = np.select(
        [settlement[:, None], (route == 3)[:, None], (route == 0)[:, None], (route == 4)[:, None]],
        [np.array([0.645, 0, 0.275, 0.04, 0.04]), np.array([0.70, 0, 0.22, 0.03, 0.05]),
         np.array([0.10, 0.55, 0.25, 0.05, 0.05]), np.array([0, 0.5, 0.2, 0.1, 0.2])],
        np.array([0, 0, 0.7, 0.1, 0.2]))
    reason = _choice_rows(rng, np.broadcast_to(reason_probs, (n, 5)).copy())
    full_term = np.round(term * MONTH_DAYS).astype(np.int64) + _gamma_days(rng, n, 2.0, 12.0)
    dropout = np.round(term * MONTH_DAYS * rng.beta(1.3, 2.5, n)).astype(np.int64) + 14
    long_route = settlement | (route == 3)
    duration = np.select(
        [long_route & (reason == 0), long_route, route == 0, route == 4],
        [full_term, dropout, _gamma_days(rng, n, 2.5, 200.0, lo=45), _gamma_days(rng, n, 2.0, 720.0, lo=180)],
        0)
    ended = np.where(route >= 0, started + duration, 0)
    no_route = route < 0
    # no route: dropped out before or after the interview
    no_interview_end = registered + _gamma_days(rng, n, 2.0, 30.0, lo=10)
    after_interview_end = interview + _gamma_days(rng, n, 2.0, 35.0, lo=5)
    ended = np.where(no_route, np.where(has_interview, after_interview_end, no_interview_end), ended)
    return ended, reason


def _cases_frame(c: dict[str, np.ndarray]) -> pl.DataFrame:
    spec = CONTRACT["debt_cases"]
    codes = {name: spec.column(name).codes for name in
             ("household_type", "age_band", "referral", "route", "end_reason")}
    df = pl.DataFrame({
        "household_id": _id_series("H", c["household"]),
        "wijk_code": _labels(WIJK_CODES, c["wijk"]),
        "household_type": _labels(codes["household_type"], c["household_type"]),
        "age_band": _labels(codes["age_band"], c["age_band"]),
        "referral": _labels(codes["referral"], c["referral"]),
        "registered_on": _dates(c["registered"]),
        "first_interview_on": _dates(c["interview"], c["interview_ok"]),
        "route": _labels(codes["route"], c["route"]),
        "started_on": _dates(c["started"], c["started_ok"]),
        "ended_on": _dates(c["ended"], c["ended_ok"]),
        "end_reason": _labels(codes["end_reason"], c["reason"]),
        "debt_eur": c["debt"],
        "creditors": c["creditors"].astype(np.int32),
    }).sort("registered_on", maintain_order=True)
    return _with_ids(df, "case_id", "C")


# --- social assistance -----------------------------------------------------------------------------


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


def _benefit_spells(rng: np.random.Generator, grid: Grid, hh: np.ndarray,
                    scale: int) -> dict[str, np.ndarray]:
    weights = hh * RISK**1.2
    stock0 = BENEFIT_STOCK[0][1]
    n0 = stock0 * scale
    jan = _day("2019-01-01")
    # time already on benefit; wrapped (not clipped) at 2000 to avoid a spike on one start date
    elapsed = np.round(rng.exponential(5.5 * 365, n0)).astype(np.int64) % (jan - _day("2000-01-03"))
    start0 = jan - 1 - elapsed
    end0 = jan + np.round(rng.exponential(44 * MONTH_DAYS, n0)).astype(np.int64)
    counts = rng.poisson(_benefit_inflow(grid, stock0) * scale)
    mi = _months_idx(counts)
    start1 = _in_month(rng, grid, mi)
    short = rng.random(len(mi)) < 0.35
    months = rng.exponential(np.where(short, 7, 62))
    end1 = start1 + 1 + np.round(months * MONTH_DAYS).astype(np.int64)
    wijk = np.concatenate([_choice(rng, n0, weights[0]), _wijk_per_month(rng, counts, weights)])
    started = np.concatenate([start0, start1])
    ended = np.concatenate([end0, end1])
    n = len(started)
    return {
        "started": started, "ended": ended, "ended_ok": ended <= grid.cutoff, "wijk": wijk,
        "age_band": _choice(rng, n, [0.12, 0.40, 0.475, 0.005]),
        # werk (without a placement), scholing, verhuisd, overig; placements add more 'werk'
        "reason": _choice(rng, n, [0.12, 0.06, 0.14, 0.68]),
        "person": 1 + rng.permutation(n),
    }


def _spells_frame(s: dict[str, np.ndarray]) -> pl.DataFrame:
    spec = CONTRACT["benefit_spells"]
    df = pl.DataFrame({
        "person_id": _id_series("P", s["person"]),
        "wijk_code": _labels(WIJK_CODES, s["wijk"]),
        "age_band": _labels(spec.column("age_band").codes, s["age_band"]),
        "started_on": _dates(s["started"]),
        "ended_on": _dates(s["ended"], s["ended_ok"]),
        "end_reason": _labels(spec.column("end_reason").codes, s["reason"], s["ended_ok"]),
    }).sort("started_on", maintain_order=True)
    return _with_ids(df, "spell_id", "B")


# --- placements ------------------------------------------------------------------------------------


def _placement_level(grid: Grid) -> np.ndarray:
    years = [PLACEMENTS_PER_YEAR.get(int(y), 2400 + 40 * (int(y) - 2026)) for y in grid.year]
    covid = np.where(grid.year == 2020, COVID_2020[grid.month - 1], 1.0)
    return np.array(years) / 12 * PLACEMENT_SEASON[grid.month - 1] * covid


def _placements(rng: np.random.Generator, grid: Grid, spells: dict[str, np.ndarray],
                scale: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Placements from benefit end a spell with 'werk' just after the first working day; the rest
    come from outside social assistance."""
    level = _placement_level(grid)
    wanted = rng.poisson(level * 0.72 * scale)
    # spells ending in each month, in random order; the first `wanted` become placements
    duration = spells["ended"] - spells["started"]
    ended = spells["ended_ok"] & (spells["ended"] >= grid.start[0]) & (duration > 30)
    idx = np.flatnonzero(ended)
    end_month = np.searchsorted(grid.start, spells["ended"][idx], side="right") - 1
    order = np.lexsort((rng.random(len(idx)), end_month))
    idx, end_month = idx[order], end_month[order]
    first = np.searchsorted(end_month, np.arange(len(grid.start)))
    rank = np.arange(len(idx)) - first[end_month]
    chosen = idx[rank < wanted[end_month]]
    spells = dict(spells)
    spells["reason"] = spells["reason"].copy()
    spells["reason"][chosen] = 0
    placed_fb = np.maximum.reduce([spells["ended"][chosen] - (rng.random(len(chosen)) * 21).astype(np.int64),
                                   spells["started"][chosen] + 1, np.full(len(chosen), grid.start[0])])
    counts = rng.poisson(level * 0.28 * scale)
    mi = _months_idx(counts)
    hh_weights = np.ones((len(counts), 1)) * np.array([w[3] for w in WIJKEN]) * np.sqrt(RISK)
    first_outside = int(spells["person"].max()) + 1
    p = {
        "placed": np.concatenate([placed_fb, _in_month(rng, grid, mi)]),
        "wijk": np.concatenate([spells["wijk"][chosen], _wijk_per_month(rng, counts, hh_weights)]),
        "person": np.concatenate([spells["person"][chosen], first_outside + np.arange(len(mi))]),
        "from_benefit": np.concatenate([np.ones(len(chosen), bool), np.zeros(len(mi), bool)]),
    }
    n = len(p["placed"])
    contract = _choice(rng, n, [0.14, 0.56, 0.30])
    year = 2019 + (p["placed"] - grid.start[0]) / 365.25
    p6 = np.array([0.88, 0.74, 0.60])[contract] + 0.01 * np.clip(year - 2021, 0, 5)
    employed_6m = rng.random(n) < p6
    p.update({
        "sector": _choice(rng, n, [0.18, 0.16, 0.14, 0.09, 0.10, 0.08, 0.11, 0.04, 0.04, 0.06]),
        "contract": contract,
        "hours": np.array([12, 16, 20, 24, 28, 32, 36, 38, 40])[
            _choice(rng, n, [0.04, 0.08, 0.12, 0.14, 0.10, 0.16, 0.18, 0.08, 0.10])],
        "wage_subsidy": rng.random(n) < np.where(p["from_benefit"], 0.18, 0.07),
        "employed_6m": employed_6m,
        "employed_12m": employed_6m & (rng.random(n) < 0.85),
    })
    return p, spells


def _placements_frame(p: dict[str, np.ndarray], cutoff: int) -> pl.DataFrame:
    """employed_6m/12m stay null until 6/12 months after placed_on have passed by the cut-off."""
    end = pl.lit(_dates(np.array([cutoff]))[0])
    df = pl.DataFrame({
        "person_id": _id_series("P", p["person"]),
        "wijk_code": _labels(WIJK_CODES, p["wijk"]),
        "placed_on": _dates(p["placed"]),
        "from_benefit": p["from_benefit"],
        "sector": _labels(SECTORS, p["sector"]),
        "contract": _labels(CONTRACT["placements"].column("contract").codes, p["contract"]),
        "hours_per_week": p["hours"].astype(np.int32),
        "wage_subsidy": p["wage_subsidy"],
        "employed_6m": p["employed_6m"],
        "employed_12m": p["employed_12m"],
    }).with_columns(
        employed_6m=pl.when(pl.col("placed_on").dt.offset_by("6mo") <= end).then(pl.col("employed_6m")),
        employed_12m=pl.when(pl.col("placed_on").dt.offset_by("12mo") <= end).then(pl.col("employed_12m")),
    ).sort("placed_on", maintain_order=True)
    return _with_ids(df, "placement_id", "W")


# --- work activities -------------------------------------------------------------------------------


def _chain_activities(rng: np.random.Generator, p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The road to each placement: an interview, a profile, one or more matches, sometimes a trial."""
    n = len(p["placed"])
    gesprek = p["placed"] - _gamma_days(rng, n, 2.0, 80.0, lo=30)
    profiel = gesprek + _gamma_days(rng, n, 2.0, 8.0, lo=2)
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
                               p["placed"][trial] - _gamma_days(rng, len(trial), 3.0, 30.0, lo=7),
                               p["placed"][learn] - _gamma_days(rng, len(learn), 2.0, 60.0, lo=14)]),
        "activity": np.repeat(np.arange(5), [n, has_profiel.sum(), len(match_owner), len(trial), len(learn)]),
        "person": p["person"][owners],
    }


def _background_activities(rng: np.random.Generator, grid: Grid, spells: dict[str, np.ndarray],
                           outside_from: int, scale: int) -> dict[str, np.ndarray]:
    """Activities that do not (yet) lead to a placement, mostly with people on social assistance."""
    t = grid.t
    trend = 1 + 0.05 * np.clip(t - 2021, 0, None) - 0.2 * ((t >= 2020.2) & (t < 2020.6))
    mix = np.array([1300, 350, 550, 70, 55])
    counts = rng.poisson(mix.sum() * trend * scale)
    days, persons, kinds = [], [], []
    ended = np.where(spells["ended_ok"], spells["ended"], np.iinfo(np.int64).max)
    pool_outside = 6000 * scale
    for m, c in enumerate(counts):
        lo, hi = grid.start[m], grid.start[m] + grid.length[m] - 1
        open_idx = np.flatnonzero((spells["started"] <= hi) & (ended >= lo))
        day = lo + (rng.random(c) * grid.length[m]).astype(np.int64)
        pick = open_idx[rng.integers(0, len(open_idx), c)]
        on_benefit = rng.random(c) < 0.85
        days.append(np.where(on_benefit, np.clip(day, spells["started"][pick], ended[pick]), day))
        persons.append(np.where(on_benefit, spells["person"][pick],
                                outside_from + rng.integers(0, pool_outside, c)))
        kinds.append(_choice(rng, int(c), mix))
    return {"day": np.concatenate(days), "person": np.concatenate(persons), "activity": np.concatenate(kinds)}


def _work_activities(rng: np.random.Generator, grid: Grid, spells: dict[str, np.ndarray],
                     p: dict[str, np.ndarray], scale: int) -> dict[str, np.ndarray]:
    chain = _chain_activities(rng, p)
    background = _background_activities(rng, grid, spells, int(p["person"].max()) + 1, scale)
    a = {k: np.concatenate([chain[k], background[k]]) for k in chain}
    keep = (a["day"] >= grid.start[0]) & (a["day"] <= grid.cutoff)
    a = {k: v[keep] for k, v in a.items()}
    # HalloWerk (the online platform) takes a growing share of the work
    hallo = np.clip(0.25 + 0.045 * (a["day"] - grid.start[0]) / 365.25, 0.25, 0.6)
    kind = a["activity"]
    p_hallo = np.select([kind == 0, kind == 1], [0.5 * hallo, np.minimum(0.6 + 0.5 * (hallo - 0.25), 0.85)],
                        hallo)
    p_wsp = np.select([kind == 0, kind == 1], [0.15, 0.1], 0.35)
    a["channel"] = _choice_rows(rng, np.column_stack([p_hallo, p_wsp, np.maximum(1 - p_hallo - p_wsp, 0.02)]))
    return a


def _activities_frame(a: dict[str, np.ndarray]) -> pl.DataFrame:
    spec = CONTRACT["work_activities"]
    df = pl.DataFrame({
        "person_id": _id_series("P", a["person"]),
        "activity_on": _dates(a["day"]),
        "activity": _labels(spec.column("activity").codes, a["activity"]),
        "channel": _labels(spec.column("channel").codes, a["channel"]),
    }).sort("activity_on", maintain_order=True)
    return _with_ids(df, "activity_id", "A")
