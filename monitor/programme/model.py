"""The coalition programme as the monitor holds it: terms, programmes, ambitions, targets, events.

Texts are {nl, en} mappings; the library never picks a language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from monitor.rollup import Term

DEFAULT_TOLERANCE = 0.05


class Texts(dict):
    """A {nl, en} text mapping that can be hashed, so the frozen dataclasses holding it can be too."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items())))


@dataclass(frozen=True)
class Target:
    year: int
    value: float
    source: str
    illustrative: bool = False


@dataclass(frozen=True)
class Baseline:
    date: dt.date
    value: float
    source: str


@dataclass(frozen=True)
class Event:
    date: dt.date
    title: Texts
    programmes: tuple[str, ...] = ()  # empty: applies to every programme


@dataclass(frozen=True)
class Ambition:
    id: str
    programme: str
    term: str
    title: Texts
    description: Texts
    indicator: str
    baseline: Baseline
    targets: tuple[Target, ...]
    outputs: tuple[str, ...] = ()
    tolerance: float = DEFAULT_TOLERANCE  # resolved at load time: the ambition's own or the file default


@dataclass(frozen=True)
class Programme:
    id: str
    title: Texts
    description: Texts
    funnel: tuple[str, ...]
    ambitions: tuple[str, ...]  # ambition ids, every term, in file order


@dataclass(frozen=True)
class ProgrammeFile:
    """programme.yaml, checked. The municipality's name is a deployment setting (MONITOR_MUNICIPALITY)."""

    terms: tuple[Term, ...]
    programmes: dict[str, Programme]
    ambitions: dict[str, Ambition]
    events: tuple[Event, ...]
    note: Texts
    tolerance: float = DEFAULT_TOLERANCE


class ProgrammeError(Exception):
    """programme.yaml is unusable; `problems` lists every problem found, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def target_date(year: int, term: Term) -> dt.date:
    """A yearly target holds at the end of its year, or at the term end when that comes first."""
    return min(dt.date(year, 12, 31), term.end)
