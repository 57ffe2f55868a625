"""The coalition programme as the monitor holds it: terms, programmes, ambitions, targets, events.

Texts are {nl, en} mappings; the library never picks a language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from monitor.rollup import Term

DEFAULT_TOLERANCE = 0.05


class Texts(dict):
    """A {nl, en} text mapping that can be hashed, so the frozen dataclasses holding it can be too."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items())))


# A target's `page` when nobody has checked where in the document it stands yet.
PAGE_UNVERIFIED = "unverified"


@dataclass(frozen=True)
class Target:
    """A streefwaarde for the end of `year`.

    A real one (not illustrative) names its document (`source`) and where in it (`page`: a
    page number, the address of the online document's page, or PAGE_UNVERIFIED), so a council
    member can look it up; `definition` says how the document counts when that differs from
    the indicator (the scorecard shows it beside the number).
    """

    year: int
    value: float
    source: str
    illustrative: bool = False
    page: str | None = None
    definition: Texts = field(default_factory=Texts)

    @property
    def on_trajectory(self) -> bool:
        """A target whose document counts otherwise (`definition`) is not on the indicator's scale:
        a line through it would compare unlike numbers, so it is shown with its note, not drawn."""
        return not self.definition


@dataclass(frozen=True)
class Baseline:
    """The nulmeting: where the trajectory starts.

    Either adopted by the council (a literal value with its source), or `from_data`: the
    twelve-month city value of the ambition's indicator in the month of `date`, computed from
    the extracts (`resolve_baselines`), so the demo's baselines cannot drift from the demo data.
    `value` is None until a from_data baseline is resolved, and stays None when the data have
    no (published) value for that month.
    """

    date: dt.date  # the last day of the baseline month
    value: float | None
    source: str
    from_data: bool = False
    page: str | None = None
    where: str = field(default="", compare=False)  # "programme.yaml:LINE: ambitions[i].baseline" for messages


@dataclass(frozen=True)
class Event:
    """A dated event on the charts. `is_break`: the series changes meaning or level here (a new
    rule, a new system), so a projection fits only the months after the last break."""

    date: dt.date
    title: Texts
    programmes: tuple[str, ...] = ()  # empty: applies to every programme
    is_break: bool = False


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
    # the population outcome shown beside the programme outcome: an indicator of queries/population.yaml
    population: str | None = None

    @property
    def path_targets(self) -> tuple[Target, ...]:
        """The targets the trajectory runs through and the status is measured against
        (`Target.on_trajectory`)."""
        return tuple(t for t in self.targets if t.on_trajectory)


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
    # What resolving the baselines against the data found wrong (one line each, for `monitor check`);
    # empty for a file as read, which has not met the data yet.
    problems: tuple[str, ...] = ()


class ProgrammeError(Exception):
    """programme.yaml is unusable; `problems` lists every problem found, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def target_date(year: int, term: Term) -> dt.date:
    """A yearly target holds at the end of its year, or at the term end when that comes first."""
    return min(dt.date(year, 12, 31), term.end)
