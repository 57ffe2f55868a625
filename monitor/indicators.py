"""Indicator query files: front matter, registry and result-contract check.

An indicator is one file `queries/<id>.sql` that starts with a `/*--- ... ---*/`
YAML block (DESIGN.md section 5, queries/README.md). The registry parses every
file it finds; a broken file becomes an `IndicatorProblem` naming the file, the
line and the fix, and every other file still loads. `compute` runs a query on
the catalog and checks its result against the contract, so a query that returns
the wrong shape fails here, with its file name, instead of deep in a roll-up.
"""

from __future__ import annotations

import difflib
import json
import re
import threading
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl
import yaml

from monitor import catalog
from monitor.extracts import CONTRACT

Kind = Literal["outcome", "output", "context"]
Measure = Literal["count", "ratio", "stock"]
Direction = Literal["up", "down", "none"]
Shape = Literal["series", "cohort"]

ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
OPEN, CLOSE = "/*---", "---*/"

KINDS: tuple[str, ...] = ("outcome", "output", "context")
MEASURES: tuple[str, ...] = ("count", "ratio", "stock")
DIRECTIONS: tuple[str, ...] = ("up", "down", "none")
SHAPES: tuple[str, ...] = ("series", "cohort")
LANGUAGES: tuple[str, ...] = ("nl", "en")

# Every front-matter key, with whether it must be present. queries/README.md documents each (tested).
KEYS: dict[str, bool] = {
    "title": True,
    "description": False,
    "kind": True,
    "programme": True,
    "measure": True,
    "unit": True,
    "direction": True,
    "sources": True,
    "drivers": False,
    "shape": False,
    "numerator_is_people": False,
}

# Result columns per shape: name -> (accepted Polars type names, the SQL type to name in messages).
_NUMERIC = ("Float32", "Float64", "Int8", "Int16", "Int32", "Int64", "Int128", "UInt8", "UInt16",
            "UInt32", "UInt64", "Decimal")
_INTEGER = ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64")
_SQL_TYPES = {
    "String": "VARCHAR", "Date": "DATE", "Datetime": "TIMESTAMP", "Float64": "DOUBLE", "Float32": "FLOAT",
    "Int64": "BIGINT", "Int32": "INTEGER", "Int16": "SMALLINT", "Int8": "TINYINT", "Int128": "HUGEINT",
    "Boolean": "BOOLEAN", "Decimal": "DECIMAL", "Null": "NULL", "Time": "TIME", "Duration": "INTERVAL",
}
_FIXES = {
    "month": "cast it with date_trunc('month', ...)::DATE",
    "cohort_month": "cast it with date_trunc('month', ...)::DATE",
    "wijk_code": "select the wijk_code column of the extract (VARCHAR)",
    "value": "cast it with ...::DOUBLE",
    "denominator": "cast it with ...::DOUBLE",
    "months_since": "cast it with ...::INTEGER",
}


class IndicatorError(Exception):
    """A query file that cannot be used: the message names the file, the line and the fix."""

    def __init__(self, message: str, problems: list[IndicatorProblem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class IndicatorProblem:
    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = display_path(self.path) + (f":{self.line}" if self.line else "")
        return f"{where}: {self.message}"


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


def display_path(path: Path) -> str:
    """`queries/x.sql`: relative to the working directory, else from a `queries` folder, else parent/name."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        pass
    parts = path.parts
    if "queries" in parts[:-1]:
        start = len(parts) - 1 - parts[::-1][1:].index("queries") - 1
        return "/".join(parts[start:])
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def _closest(word: str, options: Collection[str]) -> str:
    match = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean '{match[0]}'?)" if match else ""


# ---------------------------------------------------------------- parsing


@dataclass
class _Front:
    """The front matter of one file, split from the SQL body."""

    yaml_text: str
    yaml_line: int  # file line of the first YAML line
    sql: str
    sql_line: int


def _split(text: str, path: Path) -> _Front:
    text = text.lstrip("\ufeff")
    start = len(text) - len(text.lstrip())

    def line_of(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    if not text.startswith(OPEN, start):
        raise _problem(path, line_of(start),
                       f"no front matter: start the file with a {OPEN} ... {CLOSE} block holding title, "
                       "kind, programme, measure, unit, direction and sources (see queries/README.md)")
    end = text.find(CLOSE, start + len(OPEN))
    if end < 0:
        raise _problem(path, line_of(start), f"the front matter opened on line {line_of(start)} is never "
                                             f"closed: end it with a line {CLOSE}")
    after = end + len(CLOSE)
    body = text[after:]
    rest_of_line, newline, below = body.partition("\n")
    if not rest_of_line.strip():
        body = below if newline else ""
        sql_line = line_of(after) + 1
    else:
        sql_line = line_of(after)
    return _Front(text[start + len(OPEN):end], line_of(start), body, sql_line)


def _problem(path: Path, line: int | None, message: str) -> IndicatorError:
    p = IndicatorProblem(path, line, message)
    return IndicatorError(str(p), [p])


def _load_yaml(front: _Front, path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Values and the file line of each top-level key; YAML errors carry the file line."""
    try:
        node = yaml.compose(front.yaml_text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(front.yaml_text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = front.yaml_line + mark.line if mark else front.yaml_line
        reason = exc.problem or exc.context or "invalid YAML"
        raise _problem(path, line, f"front matter is not valid YAML: {reason}; check indentation, colons "
                                   "and quotes (quote values holding ':' or '%')") from None
    except yaml.YAMLError as exc:
        raise _problem(path, front.yaml_line, f"front matter is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise _problem(path, front.yaml_line,
                       "front matter must be a YAML mapping of keys to values, e.g. 'kind: output'")
    lines: dict[str, int] = {}
    problems = []
    for key_node, _ in node.value:
        key = str(key_node.value)
        line = front.yaml_line + key_node.start_mark.line
        if key in lines:
            problems.append(IndicatorProblem(path, line, f"key '{key}' is given twice (also on line "
                                                         f"{lines[key]}); keep one"))
        lines.setdefault(key, line)
    if problems:
        raise IndicatorError("\n".join(map(str, problems)), problems)
    return data, lines


class _Checker:
    """Collects every front-matter problem of one file, so the analyst fixes them in one pass."""

    def __init__(self, path: Path, data: dict[str, Any], lines: dict[str, int], first_line: int) -> None:
        self.path, self.data, self.lines, self.first_line = path, data, lines, first_line
        self.problems: list[IndicatorProblem] = []

    def add(self, key: str | None, message: str) -> None:
        line = self.lines.get(key, self.first_line) if key else self.first_line
        self.problems.append(IndicatorProblem(self.path, line, message))

    def choice(self, key: str, options: tuple[str, ...], default: str | None = None) -> str | None:
        """The value, or None (reported) when missing or not allowed: then rules that need it are skipped."""
        value = self.data.get(key, default)
        if value is None:
            self.add(key, f"missing key '{key}': one of {', '.join(options)}")
            return None
        if value not in options:
            self.add(key, f"{key} '{value}' is not allowed{_closest(str(value), options)}; "
                          f"use one of {', '.join(options)}")
            return None
        return str(value)

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(key, f"missing key '{key}': give a non-empty text")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.add(key, f"{key} must be a text, not {type(value).__name__}")
            return ""
        return str(value)

    def languages(self, key: str, required: bool) -> dict[str, str]:
        value = self.data.get(key)
        if value is None and not required:
            return {lang: "" for lang in LANGUAGES}
        example = f"{key}: {{nl: ..., en: ...}}"
        if not isinstance(value, dict):
            self.add(key, f"{'missing key' if value is None else 'malformed'} '{key}': write it as "
                          f"{example}, Dutch and English")
            return {}
        out: dict[str, str] = {}
        for lang in value:
            if lang not in LANGUAGES:
                self.add(key, f"{key} has an unknown language '{lang}'{_closest(str(lang), LANGUAGES)}; "
                              f"use {' and '.join(LANGUAGES)}")
        for lang in LANGUAGES:
            text = value.get(lang)
            if text is not None and not isinstance(text, str):
                text = str(text)
            if required and not (text or "").strip():
                self.add(key, f"{key} needs a non-empty '{lang}' text: {example}")
            out[lang] = (text or "").strip()
        return out

    def names(self, key: str, *, required: bool) -> tuple[str, ...]:
        value = self.data.get(key, None if required else [])
        if value is None:
            self.add(key, f"missing key '{key}': a list such as [a, b]")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(key, f"{key} must be a list of names such as [a, b]")
            return ()
        return tuple(value)


def parse_text(
    text: str,
    path: Path,
    *,
    programme_ids: Collection[str] | None = None,
    known_ids: Collection[str] | None = None,
) -> Indicator:
    """Parse one query file's text; raises IndicatorError listing every problem found.

    `known_ids` (when given) are the ids drivers may name; `programme_ids` the programmes.
    """
    ind_id = path.stem
    if not ID_PATTERN.fullmatch(ind_id):
        raise _problem(path, None, f"'{path.name}' is not a valid indicator file name: the id (file name "
                                   "without .sql) uses lowercase letters, digits and underscores and "
                                   "starts with a letter; rename the file")
    front = _split(text, path)
    data, lines = _load_yaml(front, path)
    check = _Checker(path, data, lines, front.yaml_line)
    allowed = ", ".join(KEYS)
    for key in data:
        if key not in KEYS:
            check.add(str(key), f"unknown key '{key}'{_closest(str(key), KEYS)}; allowed keys: {allowed}")
    title = check.languages("title", required=True)
    description = check.languages("description", required=False)
    kind = check.choice("kind", KINDS)
    measure = check.choice("measure", MEASURES)
    direction = check.choice("direction", DIRECTIONS)
    shape = check.choice("shape", SHAPES, default="series")
    programme = check.text("programme")
    unit = check.text("unit")
    sources = check.names("sources", required=True)
    drivers = check.names("drivers", required=False)
    people = data.get("numerator_is_people", measure == "ratio" and unit == "%")
    _cross_checks(check, kind=kind, measure=measure, unit=unit, shape=shape, programme=programme,
                  sources=sources, drivers=drivers, people=people, ind_id=ind_id,
                  programme_ids=programme_ids, known_ids=known_ids)
    if not front.sql.strip():
        check.problems.append(IndicatorProblem(path, front.sql_line, "no SQL after the front matter: "
                                               f"write a SELECT below the {CLOSE} line"))
    if check.problems:
        raise IndicatorError("\n".join(map(str, check.problems)), check.problems)
    return Indicator(
        id=ind_id, path=path, title=title, description=description, kind=kind,  # type: ignore[arg-type]
        programme=programme, measure=measure, unit=unit, direction=direction,  # type: ignore[arg-type]
        sources=sources, drivers=drivers, shape=shape, sql=front.sql,  # type: ignore[arg-type]
        sql_line=front.sql_line, numerator_is_people=bool(people),
    )


def _cross_checks(check: _Checker, *, kind: str | None, measure: str | None, unit: str, shape: str | None,
                  programme: str,
                  sources: tuple[str, ...], drivers: tuple[str, ...], people: object, ind_id: str,
                  programme_ids: Collection[str] | None, known_ids: Collection[str] | None) -> None:
    """Rules that tie keys together or to the world outside the file."""
    if programme and programme_ids is not None and programme not in programme_ids:
        known = ", ".join(sorted(programme_ids)) or "(none)"
        check.add("programme", f"unknown programme '{programme}'{_closest(programme, programme_ids)}; "
                               f"programme.yaml defines: {known}")
    if "sources" in check.data and not sources and not any(p.line == check.lines.get("sources")
                                                           for p in check.problems):
        check.add("sources", "sources is empty: list the extracts the query reads, e.g. [debt_cases]")
    for name in sources:
        if name not in CONTRACT:
            check.add("sources", f"unknown source '{name}'{_closest(name, CONTRACT)}; the extracts are: "
                                 f"{', '.join(CONTRACT)}")
    if kind == "outcome" and not drivers:
        check.add("drivers" if "drivers" in check.data else "kind",
                  "an outcome needs drivers: list the output indicators behind it, e.g. "
                  "drivers: [schuldhulp_aanmeldingen]")
    for name in drivers:
        if name == ind_id:
            check.add("drivers", f"'{name}' names itself as a driver; list other indicators")
        elif known_ids is not None and name not in known_ids:
            check.add("drivers", f"driver '{name}' does not exist{_closest(name, known_ids)}: there is no "
                                 f"queries/{name}.sql")
    if unit == "%" and measure not in ("ratio", None):
        check.add("unit", f"unit '%' is for a ratio (value / denominator); this is a {measure}: "
                          "use measure: ratio or a unit such as personen")
    if shape == "cohort" and measure not in ("ratio", None):
        check.add("shape", "a cohort returns value and denominator: use measure: ratio")
    if not isinstance(people, bool):
        check.add("numerator_is_people", f"numerator_is_people must be true or false, not '{people}'")


def parse_file(path: Path, **kwargs: Any) -> Indicator:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _problem(path, None, f"cannot read the file ({exc}); save it as UTF-8 text") from None
    return parse_text(text, path, **kwargs)


# ---------------------------------------------------------------- registry


@dataclass
class Registry:
    """The indicators that loaded, by id, and a problem for every file that did not."""

    indicators: dict[str, Indicator] = field(default_factory=dict)
    problems: list[IndicatorProblem] = field(default_factory=list)

    def __contains__(self, ind_id: object) -> bool:
        return ind_id in self.indicators

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators.values())

    def __len__(self) -> int:
        return len(self.indicators)

    def get(self, ind_id: str, default: Indicator | None = None) -> Indicator | None:
        return self.indicators.get(ind_id, default)

    def require(self, ind_id: str) -> Indicator:
        """The indicator, or a KeyError that suggests the closest id."""
        try:
            return self.indicators[ind_id]
        except KeyError:
            raise KeyError(f"unknown indicator '{ind_id}'{_closest(ind_id, self.indicators)}; known: "
                           f"{', '.join(self.indicators)}") from None

    def by_programme(self, programme_id: str) -> list[Indicator]:
        """Outcomes first, then outputs, then context; by id within each kind."""
        order = {k: i for i, k in enumerate(KINDS)}
        return sorted((i for i in self if i.programme == programme_id), key=lambda i: (order[i.kind], i.id))

    def programmes(self) -> list[str]:
        return sorted({i.programme for i in self})

    def drivers_of(self, ind_id: str) -> list[Indicator]:
        return [self.indicators[d] for d in self.require(ind_id).drivers if d in self.indicators]


def query_files(queries_dir: Path) -> list[Path]:
    """Every `*.sql` under the folder, subfolders included (group files by programme if you like).

    Hidden files and folders (editor backups, .ipynb_checkpoints) are skipped, and so is the
    top-level `_staging/` folder: staging files are tables the build makes, not indicators
    (monitor.staging). Files are sorted by depth, then path: on a duplicate id the file nearest
    the top wins.
    """
    if not queries_dir.is_dir():
        return []
    found = [p for p in queries_dir.rglob("*.sql")
             if p.is_file() and not any(part.startswith(".") for part in p.relative_to(queries_dir).parts)
             and p.relative_to(queries_dir).parts[0] != "_staging"]
    return sorted(found, key=lambda p: (len(p.relative_to(queries_dir).parts), str(p)))


def load_registry(queries_dir: Path, programme_ids: Collection[str] | None = None) -> Registry:
    """Parse every query file; each broken one becomes a problem and the others still load.

    Drivers are checked against every file present (even a broken one), so a broken
    output does not take the outcomes it drives down with it. The same file reached
    twice (a symlink) counts once; two different files with one id: the first wins.
    """
    registry = Registry()
    files = query_files(queries_dir)
    known = {p.stem for p in files if ID_PATTERN.fullmatch(p.stem)}
    seen: dict[str, Path] = {}
    for path in files:
        ind_id = path.stem
        if ind_id in seen:
            if _same_file(seen[ind_id], path):
                continue
            registry.problems.append(IndicatorProblem(
                path, None, f"duplicate id '{ind_id}': {display_path(seen[ind_id])} already defines it; "
                            "rename one of the files (the id is the file name)"))
            continue
        seen[ind_id] = path
        try:
            ind = parse_file(path, programme_ids=programme_ids, known_ids=known)
        except IndicatorError as exc:
            registry.problems += exc.problems or [IndicatorProblem(path, None, str(exc))]
            continue
        registry.indicators[ind.id] = ind
    registry.indicators = dict(sorted(registry.indicators.items()))
    return registry


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or a.samefile(b)
    except OSError:
        return False


_CACHE: dict[tuple[Path, frozenset[str] | None], tuple[tuple, Registry]] = {}
_CACHE_LOCK = threading.Lock()


def _stamp(queries_dir: Path) -> tuple:
    out = []
    for p in query_files(queries_dir):
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(out)


def registry_cached(queries_dir: Path, programme_ids: Collection[str] | None = None) -> Registry:
    """The registry, reparsed only when a query file is added, removed or changed (name, mtime, size).

    Cheap enough to call on every page render: a new file shows up without a restart.
    """
    key = (Path(queries_dir).resolve(), None if programme_ids is None else frozenset(programme_ids))
    stamp = _stamp(key[0])
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
    registry = load_registry(key[0], programme_ids)
    with _CACHE_LOCK:
        _CACHE[key] = (stamp, registry)
    return registry


# ---------------------------------------------------------------- running a query


def result_columns(ind: Indicator) -> dict[str, tuple[tuple[str, ...], str]]:
    """The columns a query must return for its shape and measure: name -> (Polars types, SQL type)."""
    if ind.shape == "cohort":
        return {"cohort_month": (("Date",), "DATE"), "months_since": (_INTEGER, "INTEGER"),
                "wijk_code": (("String",), "VARCHAR"), "value": (_NUMERIC, "DOUBLE"),
                "denominator": (_NUMERIC, "DOUBLE")}
    cols = {"month": (("Date",), "DATE"), "wijk_code": (("String",), "VARCHAR"),
            "value": (_NUMERIC, "DOUBLE")}
    if ind.measure == "ratio":
        cols["denominator"] = (_NUMERIC, "DOUBLE")
    return cols


def _sql_type(dtype: pl.DataType) -> str:
    name = type(dtype).__name__
    return _SQL_TYPES.get(name, name.upper())


def run_sql(ind: Indicator) -> str:
    """The body padded with blank lines, so DuckDB's `LINE n` is the line in the file."""
    return "\n" * max(ind.sql_line - 1, 0) + ind.sql


def _query_error(ind: Indicator, exc: catalog.QueryError) -> IndicatorError:
    # catalog keeps only DuckDB's first line; the original (kept as context) may say which line.
    full = str(exc.__context__ or exc).strip()
    match = re.search(r"^LINE (\d+):", full, flags=re.MULTILINE)
    detail = [ln for ln in full.splitlines() if ln.strip() and not ln.startswith("LINE ")
              and not set(ln.strip()) <= {"^"}][:2]
    message = "; ".join(detail) or str(exc)
    if isinstance(exc, catalog.QueryTimeout):
        message = str(exc)
    return _problem(ind.path, int(match.group(1)) if match else ind.sql_line,
                    f"the query failed: {message}")


def compute(cat: catalog.Catalog, ind: Indicator) -> pl.DataFrame:
    """Run the indicator's query and check the result contract; the frame has only contract columns.

    Numbers come back as Float64 (months_since as Int64), sorted. Raises IndicatorError naming
    the file and the fix for a failing query or a result of the wrong shape.
    """
    try:
        frame = cat.query(run_sql(ind))
    except catalog.QueryError as exc:
        raise _query_error(ind, exc) from None
    return check_result(ind, frame)


def check_result(ind: Indicator, frame: pl.DataFrame) -> pl.DataFrame:
    """The result contract: columns, types, no nulls in keys, first-of-month, one row per key."""
    expected = result_columns(ind)
    problems = [_column_problem(ind, name, frame, types, sql)
                for name, (types, sql) in expected.items()]
    problems = [p for p in problems if p]
    if problems:
        raise _many(ind, problems)
    casts = [pl.col(n).cast(pl.Int64) if n == "months_since" else
             pl.col(n).cast(pl.Float64) if n in ("value", "denominator") else pl.col(n)
             for n in expected]
    out = frame.select(casts)
    time_col = "cohort_month" if ind.shape == "cohort" else "month"
    keys = [time_col, "wijk_code"] + (["months_since"] if ind.shape == "cohort" else [])
    problems = _row_problems(out, time_col, keys)
    if problems:
        raise _many(ind, problems)
    return out.sort(keys)


def _many(ind: Indicator, messages: list[str]) -> IndicatorError:
    items = [IndicatorProblem(ind.path, None, m) for m in messages]
    return IndicatorError("\n".join(map(str, items)), items)


def _column_problem(ind: Indicator, name: str, frame: pl.DataFrame, types: tuple[str, ...],
                    sql: str) -> str | None:
    if name not in frame.columns:
        have = ", ".join(frame.columns) or "(none)"
        shape = f"a {ind.shape}" + (f" {ind.measure}" if ind.shape == "series" else "")
        hint = _closest(name, frame.columns)
        return (f"result column '{name}' is missing ({shape} returns "
                f"{', '.join(result_columns(ind))}); the query returned: {have}{hint}")
    dtype = frame.schema[name]
    if type(dtype).__name__ not in types:
        return (f"result column '{name}' is {_sql_type(dtype)}, expected {sql}: "
                f"{_FIXES.get(name, f'cast it to {sql}')}")
    return None


def _row_problems(out: pl.DataFrame, time_col: str, keys: list[str]) -> list[str]:
    problems = []
    for name in out.columns:
        nulls = out[name].null_count()
        if nulls:
            fix = "use coalesce(..., 0)" if name in ("value", "denominator") else \
                f"filter with WHERE {name} IS NOT NULL (and say so in the description)"
            problems.append(f"result column '{name}' is null in {nulls} rows: {fix}")
    not_first = out.filter(pl.col(time_col).dt.day() != 1)
    if not_first.height:
        problems.append(f"result column '{time_col}' holds {not_first.height} dates that are not the first "
                        f"of a month (e.g. {not_first[time_col][0]}): use date_trunc('month', ...)::DATE")
    dup = out.filter(pl.struct(keys).is_duplicated())
    if dup.height:
        example = "/".join(str(dup[k][0]) for k in keys)
        problems.append(f"{dup.height} rows share their ({', '.join(keys)}), e.g. {example}: return one row "
                        f"per {' x '.join(keys)} (GROUP BY {', '.join(keys)})")
    return problems


# ---------------------------------------------------------------- check (CLI)


_READS = re.compile(r"\b(?:from|join)\s+\"?([a-z_][a-z0-9_]*)\"?", re.IGNORECASE)


def undeclared_sources(ind: Indicator) -> list[str]:
    """Extracts the SQL reads that `sources` does not list (a quick scan, not a parser)."""
    sql = re.sub(r"--[^\n]*|/\*.*?\*/", " ", ind.sql, flags=re.DOTALL)
    read = {m.group(1).lower() for m in _READS.finditer(sql)}
    return sorted(n for n in read if n in CONTRACT and n not in ind.sources)


def check_queries(settings: Any, programme_ids: Collection[str] | None) -> list[str]:
    """Every problem with the query files, one line each, including running each query on the catalog."""
    registry = load_registry(settings.queries_dir, programme_ids)
    problems = [str(p) for p in registry.problems]
    if not registry.indicators and not registry.problems:
        folder = display_path(settings.queries_dir)
        problems.append(f"{folder}: no query files (*.sql); see queries/README.md")
    for ind in registry:
        missing = undeclared_sources(ind)
        if missing:
            problems.append(str(IndicatorProblem(ind.path, None, f"the query reads {', '.join(missing)} but "
                                                 f"sources does not list it: add it to sources")))
    try:
        cat = catalog.open_catalog(settings)
    except catalog.CatalogMissing as exc:
        return [*problems, f"{display_path(settings.queries_dir)}: queries not run: {exc}"]
    wijken = set(cat.query("SELECT DISTINCT wijk_code FROM areas")["wijk_code"].to_list()) \
        if "areas" in cat.table_names() else None
    for ind in registry:
        problems += _run_check(cat, ind, wijken)
    return problems


def _run_check(cat: catalog.Catalog, ind: Indicator, wijken: set[str] | None) -> list[str]:
    try:
        frame = compute(cat, ind)
    except IndicatorError as exc:
        return [str(p) for p in exc.problems] or [str(exc)]
    if frame.is_empty():
        return [str(IndicatorProblem(ind.path, ind.sql_line, "the query returns no rows on the current data: "
                                                             "check its filters and joins"))]
    if wijken is not None:
        unknown = sorted(set(frame["wijk_code"].unique().to_list()) - wijken)
        if unknown:
            message = (f"wijk_code {', '.join(unknown[:3])} is not in areas ({len(unknown)} codes): "
                       "use the extract's wijk_code")
            return [str(IndicatorProblem(ind.path, None, message))]
    return []


# ---------------------------------------------------------------- new files


_PLACEHOLDER = """\
-- Write the query here (see queries/README.md): one row per month and wijk with
--   month (DATE, first day of the month), wijk_code, value (DOUBLE){denominator}.
-- A readable chain of CTEs works best: select the events, then count them per month and wijk.
WITH events AS (
    -- replace with the rows that count, e.g.:
    -- SELECT registered_on AS happened_on, wijk_code FROM debt_cases
    SELECT NULL::DATE AS happened_on, NULL::VARCHAR AS wijk_code WHERE false
)

SELECT
    date_trunc('month', happened_on)::DATE AS month,
    wijk_code,
    count(*)::DOUBLE AS value{denominator_col}
FROM events
GROUP BY ALL
"""


_PLAIN = re.compile(r"[^\s,:#\[\]{}'\"&*!|>%@`?-][^,:#\[\]{}]*")


def _scalar(text: str) -> str:
    """A YAML scalar that reads back as exactly `text`: plain when that is safe, else quoted."""
    if _PLAIN.fullmatch(text) and text == text.strip() and yaml.safe_load(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _by_language(key: str, texts: Mapping[str, str]) -> list[str]:
    lines = [f"{key}:"]
    for lang in LANGUAGES:
        lines.append(f"  {lang}: {_scalar(texts.get(lang, ''))}")
    return lines


def template(
    id: str, *, title_nl: str, title_en: str, description_nl: str = "", description_en: str = "",
    kind: str = "output", programme: str, measure: str = "count", unit: str = "personen",
    direction: str = "up", sources: Collection[str] = (), drivers: Collection[str] = (),
    sql_body: str | None = None,
) -> str:
    """The text of a new query file; `parse_text` reads it back to the same values (tested)."""
    def note(line: str, comment: str) -> str:
        return f"{line:<24}# {comment}"

    front = [
        OPEN,
        f"title: {{nl: {_scalar(title_nl)}, en: {_scalar(title_en)}}}",
        *_by_language("description", {"nl": description_nl, "en": description_en}),
        note(f"kind: {kind}", "outcome | output | context"),
        f"programme: {_scalar(programme)}",
        note(f"measure: {measure}", "count | ratio | stock"),
        note(f"unit: {_scalar(unit)}", "'%' for a ratio shown as a percentage"),
        note(f"direction: {direction}", "up: higher is better | down | none"),
        note(f"sources: [{', '.join(sources)}]", "the extracts the query reads"),
        note(f"drivers: [{', '.join(drivers)}]", "the outputs behind an outcome (required for an outcome)"),
        CLOSE,
        "",
    ]
    if sql_body is None:
        ratio = measure == "ratio"
        sql_body = _PLACEHOLDER.format(
            denominator=" and denominator (DOUBLE)" if ratio else "",
            denominator_col=",\n    count(*)::DOUBLE AS denominator" if ratio else "")
    return "\n".join(front) + "\n" + sql_body.rstrip() + "\n"
