"""Staging tables: the shared building blocks of the indicator queries (queries/README.md).

A staging file is `<queries_dir>/_staging/stg_<name>.sql`: a front-matter block
(`/*--- ... ---*/`, YAML: `description: {nl, en}`, `sources: [...]`, `materialized: view`
optional) and one SELECT. The catalog build runs it after the extracts are loaded and stores
the result as the table (or view) named after the file, so indicator queries,
analysts' files and the workbench read it like an extract, and no two indicators
repeat a join (as dbt's staging models).

Order: a staging file may read the extracts and other staging tables. Files are
built in dependency order (a file that names another staging table is built
after it), alphabetically where the order is free. A file that fails (bad front
matter, bad SQL, a missing source) is reported with its name, the line where that
applies and the reason; its table is absent, the files that read it fail naming it,
and every other staging table and indicator is built as usual.

This module never imports the catalog or the indicator registry: the catalog calls it.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import yaml

from monitor.extracts import CONTRACT
from monitor.i18n import LANGUAGES

FOLDER = "_staging"
NAME_PATTERN = re.compile(r"stg_[a-z][a-z0-9_]*")
OPEN, CLOSE = "/*---", "---*/"
KEYS = ("description", "sources", "materialized")
# table (default): computed once by the build; view: defined by the build, computed when read (for a
# table no indicator reads; one read by several indicators is cheaper once), as dbt's `materialized`
MATERIALIZED = ("table", "view")
# A staging query runs once per build on the whole extract, not per page view: a generous limit,
# still a limit, so that a runaway join cannot hold the build (and its lock) forever.
BUILD_TIMEOUT_S = 300.0

_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_STRINGS = re.compile(r"'(?:[^']|'')*'")
_READS = re.compile(r"\b(?:from|join)\s+\"?([a-z_][a-z0-9_]*)\"?", re.IGNORECASE)
_MISSING_TABLE = re.compile(r'Table with name "?([A-Za-z_][A-Za-z0-9_]*)"? does not exist')
_LINE = re.compile(r"^LINE (\d+):", re.MULTILINE)


@dataclass
class StagingStatus:
    """What the build did with one staging file; stored in the build report."""

    name: str  # the table: the file name without .sql
    file: str  # as shown to people: queries/_staging/stg_x.sql
    status: str  # built | failed
    rows: int = 0  # a view's rows are not counted (that would compute it): 0
    sources: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    materialized: str = "table"  # or "view": defined by the build, computed when read
    seconds: float = 0.0  # what building it took (a view: only its definition), printed by `monitor build`

    @property
    def ok(self) -> bool:
        return self.status == "built"


@dataclass(frozen=True)
class StagingFile:
    name: str
    path: Path
    shown: str
    description: dict[str, str]
    sources: tuple[str, ...]
    sql: str
    sql_line: int
    reads: frozenset[str]  # tables named after FROM / JOIN (a quick scan, not a parser)
    materialized: str = "table"

    def run_sql(self) -> str:
        """The body padded with blank lines, so that DuckDB's `LINE n` is the line in the file."""
        return "\n" * max(self.sql_line - 1, 0) + self.sql.rstrip().rstrip(";")


class StagingError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# ---------------------------------------------------------------- files


def folder(queries_dir: Path) -> Path:
    return Path(queries_dir) / FOLDER


def files(queries_dir: Path) -> list[Path]:
    """The `*.sql` files directly in `<queries_dir>/_staging/`, by name; hidden files skipped."""
    where = folder(queries_dir)
    if not where.is_dir():
        return []
    return sorted(p for p in where.glob("*.sql") if p.is_file() and not p.name.startswith("."))


def shown(path: Path, queries_dir: Path) -> str:
    """`queries/_staging/stg_x.sql`: the query folder's name, then the path inside it."""
    return f"{Path(queries_dir).name}/{FOLDER}/{path.name}"


def fingerprint(queries_dir: Path) -> list[list[str]]:
    """Name and content hash of every staging file: a changed file makes the next build run."""
    return [[p.name, hashlib.sha256(p.read_bytes()).hexdigest()] for p in files(queries_dir)]


def _code(sql: str) -> str:
    return _STRINGS.sub("''", _COMMENTS.sub(" ", sql))


def reads(sql: str) -> set[str]:
    """The table names after FROM and JOIN, lowercased; comments and string literals do not count."""
    return {m.group(1).lower() for m in _READS.finditer(_code(sql))}


def parse(path: Path, queries_dir: Path, staging_names: Iterable[str] = ()) -> StagingFile:
    """One staging file, or a StagingError listing every problem (`file:line: reason`)."""
    where = shown(path, queries_dir)
    if not NAME_PATTERN.fullmatch(path.stem):
        raise StagingError([f"{where}: '{path.name}' is not a valid staging file name: name it "
                            "stg_<name>.sql (lowercase letters, digits, underscores); the table is "
                            "called after the file"])
    try:
        text = path.read_text(encoding="utf-8").lstrip("\ufeff")
    except (OSError, UnicodeDecodeError) as exc:
        raise StagingError([f"{where}: cannot read the file ({exc}); save it as UTF-8 text"]) from None
    start = len(text) - len(text.lstrip())

    def line_of(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    if not text.startswith(OPEN, start):
        raise StagingError([f"{where}:{line_of(start)}: no front matter: start the file with a {OPEN} ... "
                            f"{CLOSE} block holding description and sources (see queries/README.md)"])
    end = text.find(CLOSE, start + len(OPEN))
    if end < 0:
        raise StagingError([f"{where}:{line_of(start)}: the front matter is never closed: end it with "
                            f"a line {CLOSE}"])
    yaml_line = line_of(start)
    try:
        node = yaml.compose(text[start + len(OPEN):end], Loader=yaml.SafeLoader)
        data = yaml.safe_load(text[start + len(OPEN):end])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = yaml_line + mark.line if mark else yaml_line
        reason = getattr(exc, "problem", None) or "invalid YAML"
        raise StagingError([f"{where}:{line}: front matter is not valid YAML: {reason}; check "
                            "indentation, colons and quotes"]) from None
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise StagingError([f"{where}:{yaml_line}: front matter must be a YAML mapping with "
                            "description and sources"])
    lines = {str(k.value): yaml_line + k.start_mark.line for k, _ in node.value}
    problems: list[str] = []

    def add(key: str | None, message: str) -> None:
        problems.append(f"{where}:{lines.get(key, yaml_line) if key else yaml_line}: {message}")

    for key in data:
        if key not in KEYS:
            add(str(key), f"unknown key '{key}'; a staging file has: {', '.join(KEYS)}")
    description = data.get("description")
    if not isinstance(description, dict) or not all(
            str(description.get(lang) or "").strip() for lang in LANGUAGES):
        add("description", "description needs a Dutch and an English text: description: {nl: ..., en: ...}")
        description = {}
    known = set(CONTRACT) | set(staging_names)
    sources = data.get("sources")
    if isinstance(sources, str):
        sources = [sources]
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) for s in sources):
        add("sources", "sources must be a non-empty list of what the query reads, e.g. "
                       "[work_activities, benefit_spells]")
        sources = []
    for name in sources:
        if name not in known:
            add("sources", f"unknown source '{name}': list extracts ({', '.join(CONTRACT)}) or staging "
                           "tables (stg_...)")
    materialized = data.get("materialized", "table")
    if materialized not in MATERIALIZED:
        add("materialized", f"materialized is '{materialized}'; use table (computed once by the build, "
                            "the default) or view (computed when a query reads it)")
    after = end + len(CLOSE)
    rest, newline, below = text[after:].partition("\n")
    body, sql_line = (below, line_of(after) + 1) if not rest.strip() and newline else (text[after:],
                                                                                       line_of(after))
    if not body.strip():
        problems.append(f"{where}:{sql_line}: no SQL after the front matter: write a SELECT below "
                        f"the {CLOSE} line")
    if problems:
        raise StagingError(problems)
    return StagingFile(name=path.stem, path=path, shown=where,
                       description={lang: str(description[lang]).strip() for lang in LANGUAGES},
                       sources=tuple(sources), sql=body, sql_line=sql_line, reads=frozenset(reads(body)),
                       materialized=str(materialized))


# ---------------------------------------------------------------- build


def build_all(con: duckdb.DuckDBPyConnection, queries_dir: Path, *,
              timeout_s: float = BUILD_TIMEOUT_S) -> list[StagingStatus]:
    """Create a table for every staging file on the build connection; never raises for a bad file."""
    paths = files(queries_dir)
    names = {p.stem for p in paths}
    statuses: dict[str, StagingStatus] = {}
    parsed: dict[str, StagingFile] = {}
    for path in paths:
        try:
            parsed[path.stem] = parse(path, queries_dir, names - {path.stem})
        except StagingError as exc:
            statuses[path.stem] = StagingStatus(path.stem, shown(path, queries_dir), "failed",
                                                problems=exc.problems)
    for item in _in_order(parsed, statuses):
        started = time.perf_counter()
        statuses[item.name] = _build_one(con, item, statuses, timeout_s)
        statuses[item.name].seconds = round(time.perf_counter() - started, 3)
    return [statuses[p.stem] for p in paths]


def _in_order(parsed: dict[str, StagingFile], statuses: dict[str, StagingStatus]) -> list[StagingFile]:
    """Dependency order, alphabetical where it is free; a file in a cycle is reported, not built."""
    waiting = dict(sorted(parsed.items()))
    order: list[StagingFile] = []

    def needs(f: StagingFile) -> set[str]:
        return (set(f.reads) | set(f.sources)) - {f.name}

    while waiting:
        ready = next((f for f in waiting.values() if not needs(f) & set(waiting)), None)
        if ready is None:
            for f in waiting.values():
                cycle = ", ".join(sorted(needs(f) & set(waiting)))
                problem = (f"{f.shown}: not built: it reads {cycle}, which read(s) it back (a cycle); "
                           "staging files may read each other only one way")
                statuses[f.name] = StagingStatus(f.name, f.shown, "failed", sources=list(f.sources),
                                                 problems=[problem])
            break
        order.append(ready)
        del waiting[ready.name]
    return order


def _build_one(con: duckdb.DuckDBPyConnection, item: StagingFile, statuses: dict[str, StagingStatus],
               timeout_s: float) -> StagingStatus:
    status = StagingStatus(item.name, item.shown, "failed", sources=list(item.sources),
                           materialized=item.materialized)
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() UNION ALL "
        "SELECT view_name FROM duckdb_views() WHERE database_name = current_database()").fetchall()}
    for name in item.sources:
        if name not in tables:
            upstream = statuses.get(name)
            why = (f"staging table {name} failed ({upstream.file})" if upstream else
                   f"extract {name} is not in the catalog (missing or failed validation)")
            status.problems.append(f"{item.shown}: not built: {why}")
    for name in sorted(item.reads & set(statuses) - set(item.sources)):
        if not statuses[name].ok:
            status.problems.append(f"{item.shown}: not built: it reads {name}, which failed "
                                   f"({statuses[name].file})")
    if status.problems:
        return status
    sql = item.run_sql()
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        status.problems.append(_sql_problem(item, exc))
        return status
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        status.problems.append(f"{item.shown}:{item.sql_line}: a staging file holds exactly one SELECT "
                               "(or WITH ... SELECT); the build creates the table itself")
        return status
    timer = threading.Timer(timeout_s, con.interrupt)
    timer.daemon = True
    timer.start()
    try:
        if item.materialized == "view":  # bound now (a wrong name fails here), computed when read
            con.execute(f'CREATE VIEW "{item.name}" AS {sql}').fetchall()  # nothing made when it fails
        else:
            con.execute(f'CREATE TABLE "{item.name}" AS {sql}').fetchall()
            status.rows = con.execute(f'SELECT count(*) FROM "{item.name}"').fetchall()[0][0]
    except duckdb.Error as exc:
        interrupted = isinstance(exc, duckdb.InterruptException) or "interrupt" in str(exc).lower()
        status.problems.append(
            f"{item.shown}: the query ran longer than {timeout_s:g} s and was stopped" if interrupted
            else _sql_problem(item, exc))
        return status
    finally:
        timer.cancel()
    status.status = "built"
    return status


def _sql_problem(item: StagingFile, exc: Exception) -> str:
    text = str(exc).strip()
    match = _LINE.search(text)
    detail = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("LINE ")
              and not set(ln.strip()) <= {"^"}][:2]
    line = int(match.group(1)) if match else item.sql_line
    return f"{item.shown}:{line}: the query failed: {'; '.join(detail) or type(exc).__name__}"


# ---------------------------------------------------------------- readers


def missing_table_message(error: str, statuses: Iterable[StagingStatus]) -> str | None:
    """For a query that reads a staging table that is not in the catalog: which file and why."""
    match = _MISSING_TABLE.search(error)
    if not match or not NAME_PATTERN.fullmatch(match.group(1)):
        return None
    name = match.group(1)
    status = next((s for s in statuses if s.name == name), None)
    if status is None:
        return (f"Table {name} does not exist: the last build had no staging file {FOLDER}/{name}.sql "
                "in the query folder; add it and rebuild (python -m monitor build)")
    if status.ok:
        return None
    reason = status.problems[0] if status.problems else "see python -m monitor check"
    if reason.startswith(status.file + ":"):
        reason = reason[len(status.file) + 1:].strip()
        reason = f"line {reason}" if reason[:1].isdigit() else reason
    return (f"Table {name} is missing because its staging file {status.file} failed in the last build "
            f"({reason}); fix that file and rebuild (python -m monitor build)")
