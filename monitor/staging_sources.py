"""Whether sources say what staging and indicator SQL rests on: `python -m monitor check`'s part
for staging files (queries/README.md, "Staging tables").

`sources` drive what the pages say about freshness and what a build reloads, so every extract
and staging table a file reads, and every extract behind a staging table an indicator reads,
must be listed. A scan of the SQL (`staging.reads`), not a parser.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from monitor.extracts import CONTRACT
from monitor.staging import StagingError, StagingStatus, files, parse, reads


def check(queries_dir: Path, statuses: list[StagingStatus] | None) -> list[str]:
    """`python -m monitor check` for staging files: the build's problems, and sources not listed.

    `statuses` are the current build's (None when there is no catalog: then the files are only parsed).
    """
    paths = files(queries_dir)
    names = {p.stem for p in paths}
    problems: list[str] = []
    if statuses is not None:
        problems += [p for s in statuses for p in s.problems]
    for path in paths:
        try:
            item = parse(path, queries_dir, names - {path.stem})
        except StagingError as exc:
            if statuses is None:
                problems += exc.problems
            continue
        missing = sorted(n for n in item.reads if (n in CONTRACT or n in names) and n not in item.sources)
        if missing:
            problems.append(f"{item.shown}: the query reads {', '.join(missing)} but sources does not "
                            "list it: add it to sources")
    return problems


def extracts_behind(queries_dir: Path) -> dict[str, set[str]]:
    """For every staging table that parses: the extracts it rests on, through other staging tables too."""
    paths = files(queries_dir)
    names = {p.stem for p in paths}
    direct: dict[str, set[str]] = {}
    for path in paths:
        try:
            direct[path.stem] = set(parse(path, queries_dir, names - {path.stem}).sources)
        except StagingError:
            continue

    def resolve(name: str, seen: frozenset[str]) -> set[str]:
        out: set[str] = set()
        for source in direct.get(name, set()):
            if source in direct and source not in seen:
                out |= resolve(source, seen | {source})
            elif source in CONTRACT:
                out.add(source)
        return out

    return {name: resolve(name, frozenset({name})) for name in direct}


def indicator_problems(queries_dir: Path, items: Iterable[tuple[str, str, Iterable[str]]]) -> list[str]:
    """An indicator that reads a staging table lists the extracts behind it in `sources`.

    `items` are (shown file, sql, sources) of each indicator. The sources drive what the
    indicator page says about freshness, so they should name every extract the numbers rest on.
    """
    behind = extracts_behind(queries_dir)
    problems = []
    for where, sql, sources in items:
        read = reads(sql)
        needed: set[str] = set()
        for name in sorted(read & set(behind)):
            needed |= behind[name]
        missing = sorted(needed - set(sources))
        if missing:
            via = ", ".join(sorted(read & set(behind)))
            problems.append(f"{where}: the query reads {via}, built from {', '.join(missing)}; add "
                            f"{'it' if len(missing) == 1 else 'them'} to sources")
    return problems
