"""Demo population outcomes: area-level statistics for Den Haag, its wijken and its peers.

No one published these figures: every row's `source` says `illustratief (demo)`, and the
interface shows that. They are computed, not drawn (the same for every seed, and no draw of the
other extracts moves), so they stay plausible: in the range of what CBS publishes for the G4 and
the Netherlands, Den Haag's wijken spread by the same relative risk that places the demo's debt
cases and benefit spells (`sample.areas.RISK`), weighted so the wijken add up to the city.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from monitor.sample.areas import RISK

ILLUSTRATIVE = "illustratief (demo)"
HOME = "GM0518"

# indicator: (denominator per inhabitant, {area: (value in the first year, change per year)})
# Units as queries/population.yaml defines them: % of households, % of residents aged 15-74,
# persons per 10,000 adults.
_LEVELS: dict[str, tuple[float, dict[str, tuple[float, float]]]] = {
    "problematische_schulden": (0.52, {
        HOME: (10.8, -0.25), "GM0363": (9.6, -0.2), "GM0599": (12.4, -0.3), "GM0344": (7.1, -0.15),
        "NL01": (7.4, -0.15)}),
    "risico_armoede": (0.52, {
        HOME: (10.9, -0.2), "GM0363": (10.4, -0.15), "GM0599": (12.8, -0.25), "GM0344": (8.2, -0.1),
        "NL01": (6.9, -0.1)}),
    "nettoarbeidsparticipatie": (0.73, {
        HOME: (66.2, 0.45), "GM0363": (69.0, 0.4), "GM0599": (64.8, 0.5), "GM0344": (71.3, 0.35),
        "NL01": (68.8, 0.4)}),
    "bijstand_per_10000": (0.80, {
        HOME: (560.0, -9.0), "GM0363": (505.0, -8.0), "GM0599": (640.0, -11.0), "GM0344": (330.0, -5.0),
        "NL01": (300.0, -4.0)}),
}
# Inhabitants on 1 January of the first year (rounded; for the denominators only), growing 0.5% a year.
_INHABITANTS = {"GM0363": 872_000, "GM0599": 651_000, "GM0344": 357_000, "NL01": 17_280_000}
# Work goes up where risk is low: a wijk's value moves against its risk for these.
_HIGHER_IS_LOWER_RISK = {"nettoarbeidsparticipatie"}


def population_frame(areas: pl.DataFrame) -> pl.DataFrame:
    """One row per (year, area, indicator): the city, its 44 wijken and the peers, for every year of
    `areas` but the last (statistics are published a year or more after their reference date)."""
    years = sorted(areas["year"].unique().to_list())[:-1] or sorted(areas["year"].unique().to_list())
    rows: list[dict[str, object]] = []
    for i, year in enumerate(years):
        wijken = areas.filter(pl.col("year") == year).sort("wijk_code")
        inhabitants = wijken["inhabitants"].to_numpy().astype(float)
        for indicator, (per_inhabitant, levels) in _LEVELS.items():
            for code, (start, step) in levels.items():
                value = start + step * i
                base = inhabitants.sum() if code == HOME else _INHABITANTS[code] * 1.005 ** i
                rows.append(_row(year, code, indicator, value, base * per_inhabitant))
                if code == HOME:
                    rows += [_row(year, c, indicator, v, d) for c, v, d in
                             _wijken(wijken["wijk_code"].to_list(), inhabitants * per_inhabitant, value,
                                     indicator in _HIGHER_IS_LOWER_RISK)]
    return pl.DataFrame(rows, schema={"period": pl.String, "area_code": pl.String, "indicator": pl.String,
                                      "value": pl.Float64, "denominator": pl.Float64, "source": pl.String})


def _wijken(codes: list[str], bases: np.ndarray, city: float, inverse: bool
            ) -> list[tuple[str, float, float]]:
    """Each wijk's value from its risk, so the denominator-weighted mean of the wijken is the city's value.

    A share of households in trouble rises with risk (damped: wijken differ, not wildly); the share
    of residents in work falls with it, by at most a few tenths, so it stays a plausible share.
    """
    relative = RISK / np.average(RISK, weights=bases)  # weighted mean 1
    shape = 1 - 0.12 * (relative - 1) if inverse else 0.55 + 0.45 * relative
    values = city * shape / np.average(shape, weights=bases)
    return [(c, round(float(v), 1), float(round(b))) for c, v, b in zip(codes, values, bases, strict=True)]


def _row(year: int, code: str, indicator: str, value: float, denominator: float) -> dict[str, object]:
    return {"period": str(year), "area_code": code, "indicator": indicator, "value": round(value, 1),
            "denominator": float(round(denominator)), "source": ILLUSTRATIVE}
