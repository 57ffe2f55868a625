"""Den Haag's stadsdelen and wijken: inhabitants and households per year, and where records fall.

Areas are facts, not draws (the same for every seed); the relative risk per wijk weights
where signals, debt cases and benefit spells land, so Laak and Escamp carry more of them.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from monitor.sample.draw import choice
from monitor.sample.grid import Grid

# Names as Den Haag writes them; CBS's map (2024) calls wijk 33 just "Bouwlust".
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
    (33, "Bouwlust en Vrederust", "Escamp", 28700, 0.50, 0.004, 1.7),
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


def areas_frame(grid: Grid) -> pl.DataFrame:
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


def households_by_year(areas: pl.DataFrame, grid: Grid) -> np.ndarray:
    """Households per (month of the grid, wijk), to weight where records fall."""
    hh = areas.get_column("households").to_numpy().reshape(-1, len(WIJKEN)).astype(float)
    return hh[grid.year - 2019]


def household_pool(hh2019: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Households at risk per wijk (offset, size): signals and cases draw from it, so ids recur;
    at least one household per wijk at any scale."""
    size = np.maximum(1, np.round(hh2019 * RISK * 0.3 * scale)).astype(np.int64)
    offset = np.concatenate([[1], 1 + np.cumsum(size)[:-1]])
    return offset, size


def wijk_per_month(rng: np.random.Generator, counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Wijk index for each record, month by month, from (month x wijk) weights."""
    return np.concatenate([choice(rng, int(c), weights[m]) for m, c in enumerate(counts)]).astype(np.int64)
