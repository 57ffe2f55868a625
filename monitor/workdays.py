"""The working-day calendar the Wgs term of three working days is counted on.

The Wet gemeentelijke schuldhulpverlening (art. 4) gives the municipality three working days
for the first interview when there is a threat of eviction, of cutting off energy or water,
or of ending the health insurance. Working days are Monday to Friday except the Dutch
public holidays. The holidays come from the `holidays` package (pinned in requirements.txt),
never a hand-made list, with both its categories for the Netherlands:

- `public`: Nieuwjaarsdag, Goede Vrijdag, Eerste en Tweede Paasdag, Koningsdag (27 April,
  26 April when the 27th is a Sunday), Hemelvaartsdag, Eerste en Tweede Pinksterdag, Eerste
  en Tweede Kerstdag, and Bevrijdingsdag only every fifth year (2020, 2025, ...: the rule
  of many cao's);
- `optional`: Bevrijdingsdag (5 May) in every year.

Together that is the list of the Algemene termijnenwet (art. 3 lid 1: the "algemeen erkende
feestdagen", 5 May every year; lid 2: Goede Vrijdag), the law that says how statutory
terms treat holidays. Not included: days the Crown adds now and then under art. 3 lid 3
(such as the Friday after Hemelvaartsdag); the package does not know them.

The catalog build stores `calendar_frame` as the table `workdays` (day DATE, working_day
BOOLEAN), which query files read and list in `sources` like an extract.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

TABLE = "workdays"
CATEGORIES = ("public", "optional")


def holidays_nl(first_year: int, last_year: int) -> dict[dt.date, str]:
    """The Dutch holidays of the years, by date, with their Dutch name."""
    import holidays  # imported here: only the build needs it

    found = holidays.country_holidays("NL", years=range(first_year, last_year + 1), categories=CATEGORIES,
                                      language="nl")
    return dict(sorted(found.items()))


def calendar_frame(first: dt.date, last: dt.date) -> pl.DataFrame:
    """One row per day from `first` to `last`: `day` and whether it is a working day."""
    if last < first:
        raise ValueError(f"calendar_frame: last ({last}) lies before first ({first})")
    off = holidays_nl(first.year, last.year)
    days = pl.date_range(first, last, "1d", eager=True).alias("day")
    return pl.DataFrame({"day": days}).with_columns(
        working_day=(pl.col("day").dt.weekday() <= 5) & ~pl.col("day").is_in(list(off)))


def default_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """From 2000 (the contract's earliest date) to the end of next year: every term the data can hold."""
    today = today or dt.date.today()
    return dt.date(2000, 1, 1), dt.date(today.year + 1, 12, 31)
