"""Indicator query files: front matter, registry and contract check.

(Interface fixed here first; the registry is filled in below.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Kind = Literal["outcome", "output", "context"]
Measure = Literal["count", "ratio", "stock"]
Direction = Literal["up", "down", "none"]
Shape = Literal["series", "cohort"]


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
    unit: str
    direction: Direction
    sources: tuple[str, ...]
    drivers: tuple[str, ...] = ()
    shape: Shape = "series"
    sql: str = ""
    # line in the file where the SQL body starts (front matter above it)
    sql_line: int = 1
    # for a ratio: does the numerator count people (then it is suppressed below k too)?
    numerator_is_people: bool = True
    extra: dict = field(default_factory=dict)

    def label(self, lang: str = "nl") -> str:
        return self.title.get(lang) or self.title.get("nl") or self.id

    @property
    def is_percentage(self) -> bool:
        return self.measure == "ratio" and self.unit == "%"
