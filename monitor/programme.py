"""programme.yaml: the coalition programme, its ambitions and targets; status and projection.

The file is written by people, so the loader reports every problem at once, each with
the file name, the line, the place in the file and how to fix it. Status and
projection are plain arithmetic on the city-level monthly series so that the
scorecard, the report and the tests agree (and the interface can explain them:
see EXPLANATION).
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import polars as pl
import yaml

from monitor.rollup import Term

DEFAULT_TOLERANCE = 0.05
MIN_PROJECTION_POINTS = 6
StatusCode = Literal["on_track", "attention", "off_track", "no_target"]


class Texts(dict):
    """A {nl, en} text mapping that can be hashed, so the frozen dataclasses holding it can be too."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items())))


# ---------------------------------------------------------------- the model


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
    municipality: str
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


# ---------------------------------------------------------------- YAML with line numbers

_SAFE = yaml.SafeLoader("")  # only its constructors are used, to turn scalar nodes into values


def _node_to_python(node: yaml.Node, path: str, lines: dict[str, int], problems: list[str], name: str) -> Any:
    """Convert a composed YAML node, remembering the line of every path (for messages)."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            child = f"{path}.{key}" if path else str(key)
            if key in out:
                problems.append(f"{name}: line {key_node.start_mark.line + 1}: {child}: "
                                f"duplicate key '{key}'; keep one of them")
            out[key] = _node_to_python(value_node, child, lines, problems, name)
            lines[child] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_node_to_python(item, f"{path}[{i}]", lines, problems, name)
                for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    """The value YAML would give; an unparsable date (2026-13-01) stays text and is reported later."""
    if not isinstance(node, yaml.ScalarNode):
        return str(node.value)
    try:
        return _SAFE.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError):
        return node.value


def _read_yaml(path: Path) -> tuple[Any, dict[str, int], list[str]]:
    name = path.name
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}: " if mark else ""
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        return None, {}, [f"{name}: {line}invalid YAML: {what}; check the indentation and quoting on this "
                          "line and the one before it"]
    except yaml.YAMLError as exc:
        return None, {}, [f"{name}: invalid YAML: {exc}"]
    if root is None:
        return None, {}, [f"{name}: line 1: the file is empty; start from the example in the README"]
    lines: dict[str, int] = {}
    problems: list[str] = []
    data = _node_to_python(root, "", lines, problems, name)
    return data, lines, problems


# ---------------------------------------------------------------- validation

_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # section: (required keys, optional keys)
    "top": (("municipality", "terms", "programmes", "ambitions"), ("note", "tolerance", "events")),
    "term": (("id", "label", "start", "end"), ()),
    "programme": (("id", "title", "funnel"), ("description",)),
    "ambition": (("id", "programme", "term", "title", "indicator", "baseline", "targets"),
                 ("description", "outputs", "tolerance")),
    "baseline": (("date", "value", "source"), ()),
    "target": (("year", "value", "source"), ("illustrative",)),
    "event": (("date", "title"), ("programmes",)),
}

_HINTS = {
    "baseline": "a mapping with date, value and source",
    "targets": "a list of {year, value, source, illustrative}",
    "title": "a mapping {nl: ..., en: ...}",
    "label": "a mapping {nl: ..., en: ...}",
    "indicator": "an outcome indicator id (a file queries/<id>.sql)",
    "term": "a term id from `terms`",
    "programme": "a programme id from `programmes`",
    "date": "a date written as YYYY-MM-DD",
    "start": "a date written as YYYY-MM-DD",
    "end": "a date written as YYYY-MM-DD",
    "year": "a year such as 2027",
}


class _Checker:
    """Collects problems as `file: line N: path: what; fix`."""

    def __init__(self, name: str, lines: dict[str, int]):
        self.name = name
        self.lines = lines
        self.problems: list[str] = []

    def line(self, path: str) -> int:
        while path and path not in self.lines:
            path = path.rsplit(".", 1)[0] if "." in path else (path.rsplit("[", 1)[0] if "[" in path else "")
        return self.lines.get(path, 1)

    def add(self, path: str, message: str) -> None:
        where = f"{path}: " if path else ""
        self.problems.append(f"{self.name}: line {self.line(path)}: {where}{message}")

    def mapping(self, value: Any, path: str, section: str) -> dict | None:
        """Check a mapping's keys against the section's schema; None when it is not a mapping."""
        required, optional = _KEYS[section]
        if not isinstance(value, dict):
            self.add(path, f"expected a mapping with the keys {', '.join(required)}; "
                           f"found {type(value).__name__}")
            return None
        allowed = required + optional
        for key in value:
            if key not in allowed:
                self.add(_join(path, key), f"unknown key '{key}'{_suggest(str(key), allowed)}; "
                                           f"allowed keys: {', '.join(allowed)}")
        for key in required:
            if key not in value:
                hint = f" ({_HINTS[key]})" if key in _HINTS else ""
                self.add(path, f"missing key '{key}'{hint}; add it")
        return value

    def items(self, value: Any, path: str, what: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(path, f"expected a list of {what}; found {type(value).__name__}")
            return []
        return value

    def texts(self, value: Any, path: str, required: bool = True) -> Texts:
        if value is None and not required:
            return Texts()
        if isinstance(value, str):
            return Texts(nl=value)
        if (isinstance(value, dict) and value.get("nl") and all(isinstance(k, str) for k in value)
                and all(isinstance(v, str) for v in value.values())):
            return Texts(value)
        self.add(path, "expected a text mapping {nl: ..., en: ...} with at least the Dutch text (nl); "
                       "put a text with a comma or colon in quotes")
        return Texts()

    def date(self, value: Any, path: str) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.add(path, f"cannot read '{value}' as a date; write YYYY-MM-DD (for example 2026-06-01)")
            return None

    def number(self, value: Any, path: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.add(path, f"expected a number; found '{value}' (write 1500 or 64.5, no thousands separator)")
            return None
        return float(value)

    def string(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.add(path, f"expected a text; found '{value}'")
            return ""
        return value

    def known(self, value: Any, path: str, known: Iterable[str], what: str) -> bool:
        known = sorted(set(known))
        if value in known:
            return True
        self.add(path, f"unknown {what} '{value}'{_suggest(str(value), known)}; known: {', '.join(known)}")
        return False


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _suggest(value: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _term(c: _Checker, raw: Any, path: str) -> Term | None:
    m = c.mapping(raw, path, "term")
    if m is None or not {"id", "start", "end"} <= m.keys():
        return None
    start, end = c.date(m["start"], f"{path}.start"), c.date(m["end"], f"{path}.end")
    label = c.texts(m.get("label"), f"{path}.label")
    if start is None or end is None:
        return None
    if end <= start:
        c.add(f"{path}.end", f"the term ends ({end}) before it starts ({start}); swap start and end")
        return None
    return Term(id=str(m["id"]), label=label, start=start, end=end)  # type: ignore[arg-type]


def _check_terms(c: _Checker, terms: list[Term], path: str) -> None:
    """Terms must not overlap: 'the current term' has to be one term."""
    ordered = sorted(terms, key=lambda t: t.start)
    for before, after in itertools.pairwise(ordered):
        if after.start <= before.end:
            c.add(path, f"terms '{before.id}' and '{after.id}' overlap; let one end before the next starts")


def _ids(c: _Checker, values: Any, path: str, known: Collection[str] | None, what: str) -> tuple[str, ...]:
    out = []
    for i, value in enumerate(c.items(values, path, f"{what} ids")):
        if known is None or c.known(value, f"{path}[{i}]", known, what):
            out.append(str(value))
    return tuple(out)


def _target_date(year: int, term: Term) -> dt.date:
    """A yearly target holds at the end of its year, or at the term end when that comes first."""
    return min(dt.date(year, 12, 31), term.end)


def _targets(c: _Checker, raw: Any, path: str, term: Term | None) -> tuple[Target, ...]:
    out: list[Target] = []
    for i, item in enumerate(c.items(raw, path, "targets")):
        tpath = f"{path}[{i}]"
        m = c.mapping(item, tpath, "target")
        if m is None or not {"year", "value", "source"} <= m.keys():
            continue
        year, value = m["year"], c.number(m["value"], f"{tpath}.value")
        source = c.string(m["source"], f"{tpath}.source")
        illustrative = m.get("illustrative", False)
        if not isinstance(illustrative, bool):
            c.add(f"{tpath}.illustrative", f"expected true or false; found '{illustrative}'")
        if isinstance(year, bool) or not isinstance(year, int):
            c.add(f"{tpath}.year", f"expected a year such as 2027; found '{year}'")
            continue
        if term is not None and not term.start.year <= year <= term.end.year:
            c.add(f"{tpath}.year", f"target year {year} lies outside term '{term.id}' ({term.start} to "
                                   f"{term.end}); use a year from {term.start.year} to {term.end.year}")
            continue
        if any(t.year == year for t in out):
            c.add(f"{tpath}.year", f"a second target for {year}; keep one target per year")
            continue
        if value is not None:
            out.append(Target(year, value, source, bool(illustrative)))
    return tuple(sorted(out, key=lambda t: t.year))


def _baseline(c: _Checker, raw: Any, path: str) -> Baseline | None:
    m = c.mapping(raw, path, "baseline")
    if m is None or not {"date", "value", "source"} <= m.keys():
        return None
    when, value = c.date(m["date"], f"{path}.date"), c.number(m["value"], f"{path}.value")
    source = c.string(m["source"], f"{path}.source")
    return None if when is None or value is None else Baseline(when, value, source)


def _tolerance(c: _Checker, value: Any, path: str) -> float | None:
    number = c.number(value, path)
    if number is not None and not 0 <= number < 1:
        c.add(path, f"tolerance {number} is a share of the trajectory value; use a number such as 0.05 (5%)")
        return None
    return number


def _ambition(c: _Checker, raw: Any, path: str, terms: dict[str, Term], programmes: Collection[str],
              indicator_ids: Collection[str] | None, default_tol: float) -> Ambition | None:
    m = c.mapping(raw, path, "ambition")
    if m is None or not set(_KEYS["ambition"][0]) <= m.keys():
        return None
    term_ok = c.known(m["term"], f"{path}.term", terms, "term")
    prog_ok = c.known(m["programme"], f"{path}.programme", programmes, "programme")
    ind_ok = indicator_ids is None or c.known(m["indicator"], f"{path}.indicator", indicator_ids, "indicator")
    term = terms.get(m["term"]) if term_ok else None
    baseline = _baseline(c, m["baseline"], f"{path}.baseline")
    targets = _targets(c, m["targets"], f"{path}.targets", term)
    outputs = _ids(c, m.get("outputs"), f"{path}.outputs", indicator_ids, "indicator")
    tol = _tolerance(c, m["tolerance"], f"{path}.tolerance") if "tolerance" in m else default_tol
    title = c.texts(m["title"], f"{path}.title")
    description = c.texts(m.get("description"), f"{path}.description", required=False)
    if baseline and targets and term and _month(baseline.date) >= _month(_target_date(targets[0].year, term)):
        c.add(f"{path}.baseline.date", f"the baseline ({baseline.date}) must lie before the first target "
                                       f"(end of {targets[0].year}); move it back or drop that target")
        return None
    if not (term_ok and prog_ok and ind_ok and baseline and tol is not None):
        return None
    return Ambition(str(m["id"]), str(m["programme"]), str(m["term"]), title, description,
                    str(m["indicator"]), baseline, targets, outputs, tol)


def _unique_ids(c: _Checker, items: list, path: str, what: str) -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if isinstance(item, dict) and "id" in item:
            if item["id"] in seen:
                c.add(f"{path}[{i}].id", f"duplicate {what} id '{item['id']}'; ids must be unique")
            seen.add(item["id"])


def _parse(c: _Checker, data: Any, indicator_ids: Collection[str] | None) -> ProgrammeFile | None:
    top = c.mapping(data, "", "top")
    if top is None:
        return None
    tol = _tolerance(c, top["tolerance"], "tolerance") if "tolerance" in top else DEFAULT_TOLERANCE
    tol = DEFAULT_TOLERANCE if tol is None else tol
    raw_terms = c.items(top.get("terms"), "terms", "terms")
    raw_progs = c.items(top.get("programmes"), "programmes", "programmes")
    raw_ambs = c.items(top.get("ambitions"), "ambitions", "ambitions")
    for items, path, what in ((raw_terms, "terms", "term"), (raw_progs, "programmes", "programme"),
                              (raw_ambs, "ambitions", "ambition")):
        _unique_ids(c, items, path, what)
    terms = [t for i, raw in enumerate(raw_terms) if (t := _term(c, raw, f"terms[{i}]"))]
    _check_terms(c, terms, "terms")
    term_map = {t.id: t for t in terms}
    prog_ids = [str(p["id"]) for p in raw_progs if isinstance(p, dict) and "id" in p]
    ambitions = [a for i, raw in enumerate(raw_ambs)
                 if (a := _ambition(c, raw, f"ambitions[{i}]", term_map, prog_ids, indicator_ids, tol))]
    programmes = {}
    for i, raw in enumerate(raw_progs):
        path = f"programmes[{i}]"
        m = c.mapping(raw, path, "programme")
        if m is None or "id" not in m:
            continue
        pid = str(m["id"])
        programmes[pid] = Programme(pid, c.texts(m.get("title"), f"{path}.title"),
                                    c.texts(m.get("description"), f"{path}.description", required=False),
                                    _ids(c, m.get("funnel"), f"{path}.funnel", indicator_ids, "indicator"),
                                    tuple(a.id for a in ambitions if a.programme == pid))
    events = _events(c, top.get("events"), prog_ids)
    municipality = c.string(top.get("municipality"), "municipality") if "municipality" in top else ""
    note = c.texts(top.get("note"), "note", required=False)
    return ProgrammeFile(municipality, tuple(sorted(terms, key=lambda t: t.start)), programmes,
                         {a.id: a for a in ambitions}, events, note, tol)


def _events(c: _Checker, raw: Any, programmes: Collection[str]) -> tuple[Event, ...]:
    out = []
    for i, item in enumerate(c.items(raw, "events", "events")):
        path = f"events[{i}]"
        m = c.mapping(item, path, "event")
        if m is None or not {"date", "title"} <= m.keys():
            continue
        when = c.date(m["date"], f"{path}.date")
        title = c.texts(m["title"], f"{path}.title")
        progs = _ids(c, m.get("programmes"), f"{path}.programmes", programmes, "programme")
        if when is not None:
            out.append(Event(when, title, progs))
    return tuple(sorted(out, key=lambda e: e.date))


def load_programme(path: Path, indicator_ids: Collection[str] | None = None) -> ProgrammeFile:
    """Read and check programme.yaml; raise ProgrammeError listing every problem.

    indicator_ids: the known indicator ids (None: indicator references are not checked,
    for callers that load the programme before the query files).
    """
    path = Path(path)
    data, lines, problems = _read_yaml(path)
    if data is None:
        raise ProgrammeError(problems)
    checker = _Checker(path.name, lines)
    checker.problems = problems
    pf = _parse(checker, data, None if indicator_ids is None else set(indicator_ids))
    if checker.problems or pf is None:
        raise ProgrammeError(checker.problems)
    return pf


def check_programme(path: Path, indicator_ids: Collection[str] | None) -> list[str]:
    """Every problem in programme.yaml, for `python -m monitor check` (empty: fine)."""
    path = Path(path)
    if not path.is_file():
        return [f"{path.name}: not found at {path}; create it (see the README) or set MONITOR_PROGRAMME"]
    try:
        load_programme(path, indicator_ids)
    except ProgrammeError as exc:
        return exc.problems
    return []


# ---------------------------------------------------------------- lookups


def current_term(pf: ProgrammeFile, today: dt.date | None) -> Term:
    """The term running on `today`; between or after terms the latest that started; else the first."""
    today = today or dt.date.today()
    if not pf.terms:
        raise ProgrammeError(["programme.yaml: no terms; add at least one term under `terms`"])
    for term in pf.terms:
        if term.start <= today <= term.end:
            return term
    started = [t for t in pf.terms if t.start <= today]
    return max(started, key=lambda t: t.start) if started else pf.terms[0]


def ambitions_for(pf: ProgrammeFile, term_id: str, programme_id: str | None = None) -> list[Ambition]:
    """The term's ambitions in programme order, then file order."""
    order = {pid: i for i, pid in enumerate(pf.programmes)}
    chosen = [a for a in pf.ambitions.values()
              if a.term == term_id and (programme_id is None or a.programme == programme_id)]
    return sorted(chosen, key=lambda a: order.get(a.programme, len(order)))


# ---------------------------------------------------------------- trajectory and status


def _month(d: dt.date) -> int:
    """Month number (year * 12 + month - 1): months are the unit of every series here."""
    return d.year * 12 + d.month - 1


def _from_month(n: int) -> dt.date:
    return dt.date(n // 12, n % 12 + 1, 1)


def _anchors(ambition: Ambition, term: Term) -> tuple[np.ndarray, np.ndarray]:
    """(month numbers, values): the baseline, then each target at the month it must be reached."""
    points = {_month(ambition.baseline.date): ambition.baseline.value}
    for target in sorted(ambition.targets, key=lambda t: t.year):
        points[_month(_target_date(target.year, term))] = target.value
    xs = np.array(sorted(points), dtype=float)
    return xs, np.array([points[int(x)] for x in xs], dtype=float)


def trajectory(ambition: Ambition, term: Term) -> pl.DataFrame:
    """The path from baseline to targets, one point a month from the baseline month to the term end.

    Linear between the points; flat after the last target. Empty when there are no targets.
    """
    schema = {"month": pl.Date, "target": pl.Float64}
    if not ambition.targets:
        return pl.DataFrame(schema=schema)
    xs, ys = _anchors(ambition, term)
    months = np.arange(int(xs[0]), _month(term.end) + 1)
    return pl.DataFrame({"month": [_from_month(int(m)) for m in months],
                         "target": np.interp(months.astype(float), xs, ys)}, schema=schema)


def expected_at(ambition: Ambition, term: Term, when: dt.date) -> float | None:
    """The trajectory value in the month of `when`; None before the baseline or without targets."""
    if not ambition.targets or _month(when) < _month(ambition.baseline.date):
        return None
    xs, ys = _anchors(ambition, term)
    return float(np.interp(float(_month(when)), xs, ys))


@dataclass(frozen=True)
class Status:
    code: StatusCode
    current: float | None
    expected: float | None  # the trajectory at the as-of month
    gap: float | None  # current - expected (negative: below the trajectory)
    as_of: dt.date | None


def status(ambition: Ambition, term: Term, current: float, as_of: dt.date, direction: str,
           tolerance: float | None = None) -> Status:
    """Compare the current value with the trajectory at the same month, in the direction that is better.

    Within `tolerance` (a share of the expected value) on the wrong side counts as attention.
    """
    expected = expected_at(ambition, term, as_of)
    if direction not in ("up", "down") or expected is None:
        return Status("no_target", current, expected, None, as_of)
    tol = ambition.tolerance if tolerance is None else tolerance
    band = abs(expected) * tol
    shortfall = expected - current if direction == "up" else current - expected
    code: StatusCode = "on_track" if shortfall <= 0 else "attention" if shortfall <= band else "off_track"
    return Status(code, current, expected, current - expected, as_of)


# ---------------------------------------------------------------- current value


def _complete_months(monthly: pl.DataFrame) -> pl.DataFrame:
    """Every month from the first to the last (a month without rows is a month with zero events)."""
    monthly = monthly.with_columns(pl.col("month").cast(pl.Date)).sort("month")
    months = pl.date_range(monthly["month"].min(), monthly["month"].max(), "1mo", eager=True).alias("month")
    return pl.DataFrame(months).join(monthly, on="month", how="left")


def twelve_month_series(monthly: pl.DataFrame, measure: str, percentage: bool = False) -> pl.DataFrame:
    """The current-value statistic for every month (month, current): twelve-month sum or ratio, or stock.

    Months without twelve months of history (count, ratio) or with a zero denominator are left out.
    """
    schema = {"month": pl.Date, "current": pl.Float64}
    if monthly.is_empty():
        return pl.DataFrame(schema=schema)
    frame = _complete_months(monthly)
    if measure == "stock":
        current = pl.col("value")
    elif measure == "count":
        current = pl.col("value").fill_null(0).rolling_sum(12)
    elif measure == "ratio":
        num = pl.col("value").fill_null(0).rolling_sum(12)
        den = pl.col("denominator").fill_null(0).rolling_sum(12)
        current = pl.when(den > 0).then(num / den * (100 if percentage else 1))
    else:
        raise ValueError(f"unknown measure '{measure}'; expected count, ratio or stock")
    return (frame.select("month", current.cast(pl.Float64).alias("current"))
            .drop_nulls("current").select(pl.col("month"), pl.col("current")))


def current_value(
    monthly: pl.DataFrame, measure: str, *, percentage: bool = False
) -> tuple[dt.date, float] | None:
    """(latest month, value): the latest twelve months (count, ratio) or the latest month (stock)."""
    if monthly.is_empty():
        return None
    series = twelve_month_series(monthly, measure, percentage)
    last = monthly["month"].cast(pl.Date).max()
    if series.is_empty() or series["month"][-1] != last:
        return None
    return last, float(series["current"][-1])


# ---------------------------------------------------------------- projection

# Student t quantiles at 0.90 (two-sided 80% interval) for 1..30 degrees of freedom.
_T90 = (3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415, 1.397, 1.383, 1.372, 1.363, 1.356, 1.350, 1.345,
        1.341, 1.337, 1.333, 1.330, 1.328, 1.325, 1.323, 1.321, 1.319, 1.318, 1.316, 1.315, 1.314, 1.313,
        1.311, 1.310)
_Z90 = 1.2815515655446004


def _t90(df: int) -> float:
    """t quantile without scipy: the table, then the Cornish-Fisher expansion (error < 0.001 above 30)."""
    if df <= len(_T90):
        return _T90[df - 1]
    z = _Z90
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


@dataclass(frozen=True)
class Projection:
    date: dt.date
    value: float
    low: float
    high: float
    method: str


@dataclass(frozen=True)
class _Fit:
    x0: int  # month number of the first point used
    intercept: float
    slope: float
    s: float  # residual standard error
    n: int
    xbar: float
    sxx: float

    def at(self, month: int) -> tuple[float, float, float]:
        """(value, low, high): the line and its 80% prediction interval at a month number."""
        x = month - self.x0
        value = self.intercept + self.slope * x
        half = _t90(self.n - 2) * self.s * math.sqrt(1 + 1 / self.n + (x - self.xbar) ** 2 / self.sxx)
        return value, value - half, value + half


def _fit(series12: pl.DataFrame, months: int) -> _Fit | None:
    points = series12.drop_nulls("current").sort("month").tail(months)
    if points.height < MIN_PROJECTION_POINTS:
        return None
    m = np.array([_month(d) for d in points["month"]], dtype=float)
    x = m - m[0]
    y = points["current"].to_numpy().astype(float)
    design = np.column_stack([np.ones_like(x), x])
    (intercept, slope), *_ = np.linalg.lstsq(design, y, rcond=None)
    residuals = y - (intercept + slope * x)
    n = len(x)
    s = math.sqrt(float(residuals @ residuals) / (n - 2))
    xbar = float(x.mean())
    return _Fit(int(m[0]), float(intercept), float(slope), s, n, xbar, float(((x - xbar) ** 2).sum()))


_METHOD = "linear trend over the last {n} months, 80% prediction interval"
Bounds = tuple[float | None, float | None]


def _clip(values: tuple[float, float, float], bounds: Bounds) -> tuple[float, float, float]:
    lo = -math.inf if bounds[0] is None else bounds[0]
    hi = math.inf if bounds[1] is None else bounds[1]
    value, low, high = (min(max(v, lo), hi) for v in values)
    return value, low, high


def projection(series12: pl.DataFrame, end: dt.date, *, months: int = 24,
               bounds: Bounds = (0.0, None)) -> Projection | None:
    """Where the twelve-month value lands at `end` if the recent linear trend goes on.

    None with fewer than six points. When `end` is already observed, the observed value.
    `bounds` clips the line and band: no measure here goes below zero, and a
    percentage not above 100 (pass (0, 100)), however steep the recent trend.
    """
    fit = _fit(series12, months)
    if fit is None:
        return None
    observed = series12.filter(pl.col("month") == _from_month(_month(end)))
    if _month(end) <= _month(series12["month"].max()):
        if observed.is_empty():
            return None
        value = float(observed["current"][0])
        return Projection(end, value, value, value, "observed")
    value, low, high = _clip(fit.at(_month(end)), bounds)
    return Projection(end, value, low, high, _METHOD.format(n=fit.n))


def projection_path(series12: pl.DataFrame, end: dt.date, months: int = 24,
                    bounds: Bounds = (0.0, None)) -> pl.DataFrame:
    """The projection month by month (month, value, low, high), from the last observed month to `end`."""
    schema = {"month": pl.Date, "value": pl.Float64, "low": pl.Float64, "high": pl.Float64}
    fit = _fit(series12, months)
    if fit is None:
        return pl.DataFrame(schema=schema)
    last = _month(series12.drop_nulls("current")["month"].max())
    rows = [(_from_month(m), *_clip(fit.at(m), bounds)) for m in range(last, _month(end) + 1)
            if _month(end) > last]
    return pl.DataFrame(rows, schema=schema, orient="row")


def will_reach(projection: Projection, target_value: float, direction: str) -> bool:
    """Does the projected (central) value meet the target, in the direction that is better?"""
    if direction == "up":
        return projection.value >= target_value
    if direction == "down":
        return projection.value <= target_value
    return False


# ---------------------------------------------------------------- explanation

EXPLANATION: dict[str, str] = {
    "nl": (
        "**Traject.** Per ambitie staan in programme.yaml een nulmeting (datum en waarde) en een doel per "
        "jaar van de coalitieperiode. Een jaardoel geldt aan het eind van dat jaar, of aan het eind van de "
        "periode als die eerder valt. Tussen nulmeting en doelen trekken we per maand een rechte lijn; na "
        "het laatste doel blijft de lijn vlak.\n\n"
        "**Huidige waarde.** Voor een aantal (bijvoorbeeld plaatsingen) is dat de som van de laatste twaalf "
        "maanden; voor een verhouding de som van de tellers gedeeld door de som van de noemers over de "
        "laatste twaalf maanden (dus geen gemiddelde van maandpercentages); voor een stand (bijvoorbeeld "
        "het aantal mensen in de bijstand) de stand in de laatste maand. Zo tellen seizoenen niet mee.\n\n"
        "**Status.** We vergelijken de huidige waarde met het traject in dezelfde maand, in de richting "
        "die beter is (hoger of lager). Op of voorbij het traject: *op koers*. Aan de verkeerde kant, "
        "maar binnen de tolerantie (standaard 5% van de trajectwaarde, per ambitie in te stellen): "
        "*aandacht*. Verder weg: *niet op koers*. Zonder doel, of vóór de nulmeting, geven we geen "
        "status.\n\n"
        "**Prognose.** We trekken een rechte lijn (kleinste kwadraten) door de twaalfmaandswaarden van de "
        "laatste 24 maanden en verlengen die tot het eind van de periode. De band is een 80%-"
        "voorspellingsinterval: hoe grilliger de recente maanden, hoe breder. De prognose zegt alleen waar "
        "de huidige trend uitkomt; nieuw beleid of een crisis zit er niet in, en omdat "
        "twaalfmaandswaarden elkaar overlappen is de band eerder te smal dan te breed."
    ),
    "en": (
        "**Trajectory.** For each ambition, programme.yaml holds a baseline (date and value) and a target "
        "for each year of the term. A yearly target applies at the end of that year, or at the end of the "
        "term when that comes first. Between baseline and targets we draw a straight line, month by month; "
        "after the last target the line stays flat.\n\n"
        "**Current value.** For a count (for example placements) it is the sum of the latest twelve "
        "months; for a ratio the sum of the numerators divided by the sum of the denominators over the "
        "latest twelve months (not an average of monthly percentages); for a stock (for example people "
        "on social assistance) the level in the latest month. Seasons therefore do not count.\n\n"
        "**Status.** We compare the current value with the trajectory in the same month, in the direction "
        "that is better (higher or lower). On or beyond the trajectory: *on track*. On the wrong side but "
        "within the tolerance (by default 5% of the trajectory value, adjustable per ambition): "
        "*attention*. Further away: *off track*. Without a target, or before the baseline, there is no "
        "status.\n\n"
        "**Projection.** We fit a straight line (least squares) through the twelve-month values of the "
        "latest 24 months and extend it to the end of the term. The band is an 80% prediction interval: "
        "the more erratic the recent months, the wider it is. The projection only says where the current "
        "trend leads; new policy or a crisis is not in it, and because twelve-month values overlap the "
        "band is more likely too narrow than too wide."
    ),
}


__all__ = [
    "EXPLANATION", "Ambition", "Baseline", "Event", "Programme", "ProgrammeError", "ProgrammeFile",
    "Projection", "Status", "Target", "Term", "Texts", "ambitions_for", "check_programme", "current_term",
    "current_value", "expected_at", "load_programme", "projection", "projection_path", "status",
    "trajectory", "twelve_month_series", "will_reach",
]
