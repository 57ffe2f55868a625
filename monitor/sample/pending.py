"""The people in the pipeline at the cut-off: the activities before placements still to come.

The road to a placement (interview, profile, matches, a trial) is drawn backwards from the
placement (`work.chain_activities`). Drawn from the placements up to the cut-off alone, the
last months would lack the activities of everyone placed after it: interviews fell by 7%
and matches by a third in the demo's last two months, a fall no programme had, which an
alderman would read as one. So the placements of the twelve months after the cut-off are drawn
too, the same way as the real ones (spells ending then, and people from outside social
assistance), and only their activities up to the cut-off are kept; the placements themselves
are not written.

It draws with its own generator, after every other draw, so every other extract keeps its
bytes for the same seed.
"""

from __future__ import annotations

import numpy as np

from monitor.sample.draw import in_month, months_idx
from monitor.sample.grid import Grid, month_grid
from monitor.sample.work import chain_activities, placement_level, spells_ending

AHEAD = 12  # months after the cut-off; the longest road drawn (interview to placement) is rarely longer
PENDING_STREAM = 11  # the generator's stream, beside the seed and block (`pending_generator`)


def pending_generator(seed: int, block: int) -> np.random.Generator:
    """A generator of its own: drawing more or less here changes no other extract."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence((seed, block, PENDING_STREAM))))


def future_grid(grid: Grid) -> Grid:
    """The AHEAD months after the cut-off month."""
    last = np.datetime64(int(grid.start[-1]), "D").astype("datetime64[M]")
    return month_grid(str(last + 1), str(last + AHEAD))


def draw_pending(rng: np.random.Generator, grid: Grid, spells: dict[str, np.ndarray],
                 outside_from: int, pool: int, scale: float) -> dict[str, np.ndarray]:
    """Activities up to the cut-off of the people placed in the AHEAD months after it.

    As in `work.draw_placements`: 72% of a month's placements end a spell that ends that month
    (lasting more than 30 days), picked at random among those; 28% are people without a benefit,
    here from the pool the other activities draw such jobseekers from (`outside_from`, `pool`).
    """
    ahead = future_grid(grid)
    level = placement_level(ahead)
    wanted = rng.poisson(level * 0.72 * scale)
    duration = spells["ended"] - spells["started"]
    eligible = ~spells["ended_ok"] & (spells["ended"] <= ahead.cutoff) & (duration > 30)
    chosen = spells_ending(rng, ahead, spells, eligible, wanted)
    # a placement that would fall on or before the cut-off (its spell ends in the first weeks after
    # it) is put on the day after: these placements are never written, only the roads to them, and
    # leaving them out would thin the last month's activities again
    placed_fb = np.maximum(spells["ended"][chosen] - (rng.random(len(chosen)) * 21).astype(np.int64),
                           np.maximum(spells["started"][chosen] + 1, grid.cutoff + 1))
    counts = rng.poisson(level * 0.28 * scale)
    mi = months_idx(counts)[:pool]  # each one a different jobseeker of the pool
    p = {
        "placed": np.concatenate([placed_fb, in_month(rng, ahead, mi)]),
        "person": np.concatenate([spells["person"][chosen],
                                  outside_from + rng.choice(pool, len(mi), replace=False)]),
        "from_benefit": np.concatenate([np.ones(len(chosen), bool), np.zeros(len(mi), bool)]),
    }
    chain = chain_activities(rng, p)
    keep = (chain["day"] >= grid.start[0]) & (chain["day"] <= grid.cutoff)
    return {k: v[keep] for k, v in chain.items()}
