"""The indicator: one `queries/<id>.sql` file, parsed; its allowed values, defined once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from monitor.problems import Problem

Kind = Literal["outcome", "output", "context"]
Measure = Literal["count", "ratio", "stock", "distinct", "distinct_ratio"]
Direction = Literal["up", "down", "none"]
Shape = Literal["series", "cohort"]

# An indicator id: the file name without .sql (and so a table name in the catalog).
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*")

KINDS: tuple[str, ...] = ("outcome", "output", "context")
# Each measure and the measure its rolled-up numbers behave like on a surface and in disclosure
# control: a distinct count is shown and protected as a count (its value counts people), a
# distinct ratio as a ratio (value / denominator, both counting people). Only the roll-up
# (monitor.rollup.distinct) knows how the key frame becomes those numbers.
BEHAVES_AS: dict[str, str] = {
    "count": "count", "ratio": "ratio", "stock": "stock", "distinct": "count", "distinct_ratio": "ratio",
}
MEASURES: tuple[str, ...] = tuple(BEHAVES_AS)
# measures whose query returns one row per event with a `key` (the roll-up counts distinct keys)
DISTINCT: tuple[str, ...] = ("distinct", "distinct_ratio")
DIRECTIONS: tuple[str, ...] = ("up", "down", "none")
SHAPES: tuple[str, ...] = ("series", "cohort")

# Every front-matter key, with whether it must be present. queries/README.md documents each (tested).
KEYS: dict[str, bool] = {
    "title": True,
    "description": False,
    "kind": True,
    "programme": True,
    "measure": True,
    "unit": True,
    "unit_label": False,
    "direction": True,
    "sources": True,
    "drivers": False,
    "shape": False,
    "numerator_is_people": False,
    # the legal or statistical source of the definition; `monitor check` asks for it (queries/README.md)
    "basis": False,
    # the last N months of the series are not complete yet (contacts still being made)
    "provisional_months": False,
    # extra result columns to split the series by (e.g. [partner, age_band]); rollup.groups
    "dimensions": False,
    # the population indicator (queries/population.yaml) this one is compared with across municipalities
    "peer": False,
}

# A problem in a query file prints as `queries/x.sql:3: message`.
IndicatorProblem = Problem


class IndicatorError(Exception):
    """A query file that cannot be used: the message names the file, the line and the fix."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []

    @classmethod
    def of(cls, problems: list[Problem]) -> IndicatorError:
        return cls("\n".join(map(str, problems)), problems)

    @classmethod
    def at(cls, path: Path, line: int | None, message: str) -> IndicatorError:
        return cls.of([Problem(path, line, message)])


@dataclass(frozen=True)
class Indicator:
    """One `queries/<id>.sql` file, parsed."""

    id: str
    path: Path
    title: dict[str, str]
    description: dict[str, str]
    kind: Kind
    programme: str
    measure: Measure
    unit: str  # a code: `huishoudens`, `personen`, `dagen`, `%`
    direction: Direction
    sources: tuple[str, ...]
    drivers: tuple[str, ...] = ()
    shape: Shape = "series"
    sql: str = ""
    # line in the file where the SQL body starts (front matter above it)
    sql_line: int = 1
    # for a ratio: does the numerator count people (then it is suppressed below k too)?
    numerator_is_people: bool = True
    # {nl, en}: the reader's words for a unit code that labels.yaml does not know
    unit_label: dict[str, str] | None = None
    # {nl, en}: the legal or statistical source of the definition (e.g. "Wgs art. 4")
    basis: dict[str, str] | None = None
    # the last N months are incomplete (e.g. contacts not all made yet): shown as provisional
    provisional_months: int = 0
    # extra result columns to split by (`rollup.groups`), and the front-matter line naming them
    dimensions: tuple[str, ...] = ()
    dimensions_line: int | None = None
    # the population indicator (queries/population.yaml) shown beside it for this city and its peers
    peer: str | None = None

    def label(self, lang: str = "nl") -> str:
        return self.title.get(lang) or self.title.get("nl") or self.id

    @property
    def behaves_as(self) -> str:
        """`count`, `ratio` or `stock`: how its rolled-up numbers are shown and protected."""
        return BEHAVES_AS[self.measure]

    @property
    def is_ratio(self) -> bool:
        """A value / denominator (ratio or distinct_ratio): a surface shows both numbers."""
        return self.behaves_as == "ratio"

    @property
    def is_whole(self) -> bool:
        """A count or stock of households or people: an estimate of it (a trajectory, a projection)
        is shown as a whole number, not "31,8 households"."""
        return self.behaves_as in ("count", "stock")

    @property
    def is_distinct(self) -> bool:
        """The query returns events with a key; periods are counted from keys, not summed from months."""
        return self.measure in DISTINCT

    @property
    def is_mean(self) -> bool:
        """A ratio that is no percentage (days per interview): its figure is written with its unit."""
        return self.measure == "ratio" and self.unit != "%"

    @property
    def is_percentage(self) -> bool:
        return self.is_ratio and self.unit == "%"
