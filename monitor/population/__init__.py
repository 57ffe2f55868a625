"""Population outcomes: how all residents are doing, beside what the programmes achieve.

Results-Based Accountability separates population accountability (the share of all households
with problematic debts) from performance accountability (households our debt help got
debt-free). The first comes from published area-level statistics, the optional extract
`population_outcomes`, defined in `queries/population.yaml`:

- `registry`: the definitions (unit, denominator, definition, publisher), read and checked;
- `data`: the extract's rows from the catalog, made `Published` (origin `public`);
- `peers`: this municipality beside its peers, with footnotes where period or source differ;
- `check_links`: the `population:` of ambitions and `peer:` of query files name known indicators.
"""

from __future__ import annotations

from collections.abc import Iterable

from monitor.population.data import (
    ILLUSTRATIVE,
    ORIGIN,
    TABLE,
    by_wijk,
    home_code,
    latest,
    mark_illustrative,
    outcomes,
    published,
    registry,
    registry_stamp,
)
from monitor.population.peers import Comparison, Footnote, compare
from monitor.population.registry import UNITS, PopulationIndicator, Registry, load_registry


def check_links(reg: Registry, ambitions: Iterable[tuple[str, str]], peers: Iterable[tuple[str, str]],
                delivered: Iterable[str] = ()) -> list[str]:
    """The registry's own problems, then every population indicator named by an ambition's
    `population:`, a query file's `peer:` or the extract's `indicator` column that the registry
    does not define; one line each, naming where it stands and what to do."""
    known = ", ".join(sorted(reg.indicators)) or "none: add queries/population.yaml"
    fix = f"define it in queries/population.yaml (known: {known})"
    out = [f"programme.yaml: ambition '{a}': population '{p}' is unknown; {fix}"
           for a, p in ambitions if p not in reg.indicators]
    out += [f"queries/{i}.sql: peer '{p}' is unknown; {fix}" for i, p in peers if p not in reg.indicators]
    out += [f"{TABLE}: indicator '{d}' is unknown; {fix}" for d in sorted(set(delivered))
            if d not in reg.indicators]
    return [*(str(p) for p in reg.problems), *out]


__all__ = [
    "ILLUSTRATIVE",
    "ORIGIN",
    "TABLE",
    "UNITS",
    "Comparison",
    "Footnote",
    "PopulationIndicator",
    "Registry",
    "by_wijk",
    "check_links",
    "compare",
    "home_code",
    "latest",
    "load_registry",
    "mark_illustrative",
    "outcomes",
    "published",
    "registry",
    "registry_stamp",
]
