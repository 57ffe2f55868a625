"""`python -m monitor check`: every input a person delivers, checked in one pass; then, when
those are sound, the disclosure attack on everything the monitor publishes.

Each problem is one line naming the file (and column or line) and what to fix.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from monitor.problems import display_path
from monitor.settings import Settings

if TYPE_CHECKING:
    from monitor.indicators import Indicator


def check_extracts(settings: Settings) -> list[str]:
    """Every extract checked in place, in DuckDB with the build's memory limit (nothing loaded)."""
    from monitor.catalog import validate

    results = validate.check_all(settings.data_dir, f"{settings.build_memory >> 20}MiB")
    return [str(p) for result in results for p in result.problems]


def load_programme_ids(settings: Settings) -> set[str] | None:
    """The programme ids query files may name, or None (no check) when programme.yaml is broken."""
    from monitor import programme

    try:
        return set(programme.load_programme(settings.programme_file).programmes)
    except (programme.ProgrammeError, FileNotFoundError):
        return None


def check_programme(settings: Settings, indicator_ids: set[str] | None) -> list[str]:
    """The file's own problems; when it is sound and there are data, the baselines the data cannot give."""
    from monitor import catalog, programme

    if not settings.programme_file.is_file():
        return [f"{settings.programme_file.name}: missing; copy the example from the README"]
    problems = programme.check_programme(settings.programme_file, indicator_ids)
    if problems or not catalog.has_extracts(settings):
        return problems
    from monitor.engine import get_engine

    return list(get_engine(settings).programme.problems)


def check_staging(settings: Settings) -> list[str]:
    """The staging files (queries/_staging/): the last build's problems and undeclared sources."""
    from monitor import catalog, staging_sources

    report = catalog.read_report(settings)
    return staging_sources.check(settings.queries_dir, report.staging if report else None)


def check_all(settings: Settings) -> list[str]:
    """Extracts first (the queries run on them), then staging and query files, then programme.yaml."""
    from monitor import catalog, indicators, staging_sources

    problems = check_extracts(settings)
    programme_ids = load_programme_ids(settings)  # a broken file is reported by check_programme below
    if catalog.has_extracts(settings):
        catalog.ensure_catalog(settings)  # rebuilds when a staging file changed
    problems += check_staging(settings)
    problems += indicators.check_queries(settings, programme_ids)
    registry = indicators.load_registry(settings.queries_dir, programme_ids)
    problems += staging_sources.indicator_problems(
        settings.queries_dir, ((display_path(i.path), i.sql, i.sources) for i in registry))
    problems += check_definitions(registry)
    problems += check_programme(settings, set(registry.indicators))
    problems += check_population(settings, registry)
    if not problems and catalog.has_extracts(settings):
        problems += check_disclosure(settings)
    return problems


def check_population(settings: Settings, registry: Iterable[Indicator]) -> list[str]:
    """queries/population.yaml, and every population indicator named elsewhere: by an ambition
    (`population:`), a query file (`peer:`) or the delivered extract (`indicator`)."""
    from monitor import extracts, population, programme

    try:
        pf = programme.load_programme(settings.programme_file)
    except (programme.ProgrammeError, FileNotFoundError):
        pf = None  # reported by check_programme
    ambitions = [(a.id, a.population) for a in pf.ambitions.values() if a.population] if pf else []
    path = extracts.find_extract(settings.data_dir, population.TABLE)
    try:
        delivered = extracts.read_extract(path)["indicator"].unique().to_list() if path else []
    except Exception:  # an unreadable file is reported by check_extracts
        delivered = []
    return population.check_links(population.load_registry(settings.queries_dir), ambitions,
                                  [(i.id, i.peer) for i in registry if i.peer], delivered)


NO_DESCRIPTION = ("missing key 'description': say, in Dutch and English, the unit, what is counted and which "
                  "date puts it in a month, the denominator, and what is left out and why")
NO_BASIS = ("missing key 'basis': name the legal or statistical source of the definition, e.g. "
            "basis: {nl: Wgs art. 4, en: Wgs art. 4}")


def check_definitions(registry: Iterable[Indicator]) -> list[str]:
    """Every indicator says what it counts (description) and on what basis (basis), line-numbered.

    Both keys are optional to the parser so that an unfinished file still computes, but a
    number a council reads needs its definition and its source (queries/README.md, Definitions).
    The unit is required by the parser itself, so a file without one is already reported.
    """
    from monitor.indicators.frontmatter import split
    from monitor.problems import Problem

    problems = []
    for ind in sorted(registry, key=lambda i: i.id):
        try:
            line = split(ind.path.read_text(encoding="utf-8"), ind.path).yaml_line
        except OSError:
            line = None
        if not all(ind.description.get(lang) for lang in ("nl", "en")):
            problems.append(str(Problem(ind.path, line, NO_DESCRIPTION)))
        if not ind.basis:
            problems.append(str(Problem(ind.path, line, NO_BASIS)))
    return problems


def check_disclosure(settings: Settings) -> list[str]:
    """The disclosure attack on every series indicator as published: a line per exposed column.

    The roll-up repairs its pattern until the attack finds nothing, so a line here means
    the protection itself is broken; the line says how to see the details.
    """
    from monitor import audit
    from monitor.engine import get_engine

    engine = get_engine(settings)
    problems = []
    for ind in sorted(engine.registry.indicators.values(), key=lambda i: i.id):
        if ind.shape != "series":
            continue
        for r in audit.audit_indicator(engine, ind.id):
            if r.exposed:
                e = r.worst[0]
                problems.append(
                    f"{display_path(ind.path)}: {r.exposed} hidden small cell(s) of '{r.column}' can be "
                    f"worked out to within {r.width:g} from the published views (e.g. {e.grain} {e.period} "
                    f"{e.level} {e.area}: between {e.low:g} and {e.high:g}); see `python -m monitor "
                    f"audit-disclosure {ind.id}` and docs/disclosure.md")
    return problems
