"""Deterministic demo extracts for Den Haag: the extracts of the contract, synthetic.

The data must tell the stories the dashboard is built to show (a signal peak in the
2022 energy crisis, a covid dip in placements, better reach of signals after 2023,
shorter settlements after 1 July 2023, more debt problems in Laak and Escamp), while
being reproducible byte for byte from (seed, until, scale). `scale` is any positive number
multiplying every volume: 0.2 makes small cells common (disclosure-control tests), 10 a
benchmark load; a whole-number float is the same as the int. Far below 0.01 some extracts
come out empty, which the contract refuses. Everything is drawn with
one numpy PCG64 generator in a fixed order and vectorised per extract; loops only run
over months. Extracts hold their full history: the debt cases and benefit spells that
were still open on 1 January 2019 are included, so they start before 2019 (every flow
starts in January 2019), and every extract but areas declares `coverage_from` 2019-01.

- `write`: `write_sample` and `generate`, the entry points, which fix the draw order;
- `blocks`: a scale above one block drawn block by block (each its own households and people) and
  streamed to Parquet, so memory is that of one block at any scale; scale 1 and below are one block
  and keep their bytes;
- `grid`: the month calendar, day numbers and the check of `until` and `scale`;
- `areas`: stadsdelen and wijken, inhabitants and households, where records fall;
- `debts`: early-warning signals and debt cases;
- `work`: social-assistance spells, placements and work activities;
- `pending`: the roads to the placements of the twelve months after the cut-off (the people in the
  pipeline), so the last months' activities do not fall away; drawn last, with a generator of its
  own, so they changed only `work_activities` (December 2026: matches no longer fall by a third
  in the last two months);
- `units`: contract version 2's households on social assistance: re-entries after work, couples
  sharing one benefit, placements the wage administration could not trace, where jobseekers
  without a benefit live;
- `draw`, `columns`: shared vectorised draws and their conversion to Polars columns.

A new draw goes at the end of `generate`'s sequence: anything inserted earlier shifts every
later draw and so changes every demo set.
"""

from monitor.sample.areas import WIJK_CODES, WIJKEN
from monitor.sample.blocks import FACTS
from monitor.sample.grid import FIRST_MONTH, default_until
from monitor.sample.write import generate, write_sample

__all__ = ["FACTS", "FIRST_MONTH", "WIJKEN", "WIJK_CODES", "default_until", "generate", "write_sample"]
