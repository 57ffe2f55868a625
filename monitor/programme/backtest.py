"""Calibration: how often the projection's 80% band held the twelve-month value it was made for.

A rolling-origin backtest. For each origin month (the latest `ORIGINS` months that have
`HORIZON` months of realised data after them) the model is fitted on the months up to the
origin, since the last break before it, exactly as the scorecard would have done then; the
realised twelve-month value `HORIZON` months later is inside the band or not. A band that
holds about 80% of the time is honest; far less means it is too narrow, far more too wide.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from monitor.programme.projection import Monthly, projection
from monitor.rollup.periods import add_months

HORIZON = 12
ORIGINS = 24  # two years of monthly origins (each a fit: ~0.05 s, more on a busy machine)


@dataclass(frozen=True)
class Trial:
    origin: dt.date
    low: float
    high: float
    realised: float

    @property
    def inside(self) -> bool:
        return self.low <= self.realised <= self.high


@dataclass(frozen=True)
class Calibration:
    """The trials of one series: `coverage` is the share whose realised value fell in the band."""

    trials: tuple[Trial, ...]

    @property
    def hits(self) -> int:
        return sum(t.inside for t in self.trials)

    @property
    def coverage(self) -> float | None:
        return self.hits / len(self.trials) if self.trials else None


def last_break(breaks: tuple[dt.date, ...], month: dt.date) -> dt.date | None:
    """The first month of the regime `month` belongs to: the latest break on or before it.

    A break dated on the first of a month starts that month; later in a month, the next one
    (the month it falls in mixes both regimes).
    """
    firsts = [b if b.day == 1 else add_months(b, 1) for b in breaks]
    known = [b for b in firsts if b <= month]
    return max(known) if known else None


def backtest(series: Monthly, breaks: tuple[dt.date, ...] = (), *, origins: int = ORIGINS,
             horizon: int = HORIZON) -> Calibration:
    """Project from each origin to `horizon` months later and compare with what was realised.

    Origins where the model had too few months since the last break make no projection and
    are left out (as the card would have shown none).
    """
    trials = []
    last = len(series.months) - 1 - horizon
    for i in range(max(0, last - origins + 1), last + 1):
        origin = series.months[i]
        realised = series.twelve(i + horizon)
        proj = projection(series.upto(origin), series.months[i + horizon], since=last_break(breaks, origin))
        if proj is None or realised is None or proj.method == "observed":
            continue
        trials.append(Trial(origin, proj.low, proj.high, realised))
    return Calibration(tuple(trials))


def overall(calibrations: list[Calibration]) -> float | None:
    """All trials together (not the mean of the shares: a series with more origins weighs more)."""
    trials = [t for c in calibrations for t in c.trials]
    return sum(t.inside for t in trials) / len(trials) if trials else None
