"""Reading and checking programme.yaml.

The file is written by people, so the loader reports every problem at once, each as
`programme.yaml:LINE: place.in.the.file: what is wrong; how to fix it`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection
from pathlib import Path
from typing import Any

from monitor.problems import Problem, YamlSyntaxError, read_yaml
from monitor.programme.checker import HINTS, KEYS, Checker
from monitor.programme.model import (
    DEFAULT_TOLERANCE,
    PAGE_UNVERIFIED,
    Ambition,
    Baseline,
    Event,
    Programme,
    ProgrammeError,
    ProgrammeFile,
    Target,
    target_date,
)
from monitor.rollup import Term
from monitor.rollup.periods import month_index


def _term(c: Checker, raw: Any, path: str) -> Term | None:
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
    return Term(id=str(m["id"]), label=label, start=start, end=end)


def _check_terms(c: Checker, terms: list[Term], path: str) -> None:
    """Terms must not overlap: 'the current term' has to be one term."""
    ordered = sorted(terms, key=lambda t: t.start)
    for before, after in itertools.pairwise(ordered):
        if after.start <= before.end:
            c.add(path, f"terms '{before.id}' and '{after.id}' overlap; let one end before the next starts")


def _ids(c: Checker, values: Any, path: str, known: Collection[str] | None, what: str) -> tuple[str, ...]:
    out = []
    for i, value in enumerate(c.items(values, path, f"{what} ids")):
        if known is None or c.known(value, f"{path}[{i}]", known, what):
            out.append(str(value))
    return tuple(out)


def _targets(c: Checker, raw: Any, path: str, term: Term | None) -> tuple[Target, ...]:
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
        page = _target_page(c, m, tpath, illustrative is True)
        definition = c.texts(m.get("definition"), f"{tpath}.definition", required=False)
        if value is not None:
            out.append(Target(year, value, source, bool(illustrative), page, definition))
    return tuple(sorted(out, key=lambda t: t.year))


def _page(c: Checker, value: Any, path: str) -> str | None:
    """A page number (45 or "45-46"), the address of an online document's page, or `unverified`."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return str(value)
    text = str(value).strip() if isinstance(value, str) else ""
    if text == PAGE_UNVERIFIED or text.startswith(("https://", "http://")) or (
            text.replace("-", "").isdigit() and not text.startswith("-")):
        return text
    c.add(path, f"cannot read '{value}' as a page; write the page number (45), the address of the online "
                f"page (https://...), or '{PAGE_UNVERIFIED}' while nobody has checked it")
    return None


def _target_page(c: Checker, m: dict, path: str, illustrative: bool) -> str | None:
    """Where a real target stands in its document: required, so a council member can look it up."""
    if "page" not in m:
        if not illustrative:
            c.add(path, "a target from a council document needs `page:` (the page number, the address of "
                        f"the online page, or '{PAGE_UNVERIFIED}' until someone has checked it); add it, or "
                        "mark the target `illustrative: true`")
        return None
    if illustrative:
        c.add(f"{path}.page", "an illustrative target has no document to point into; drop `page`")
        return None
    return _page(c, m["page"], f"{path}.page")


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _from_data(c: Checker, value: Any, path: str) -> dt.date | None:
    """`from_data: 2025-12`: the month (its last day) whose twelve-month value is the baseline."""
    text = value.strip() if isinstance(value, str) else ""
    try:
        if len(text) != 7 or text[4] != "-":
            raise ValueError(text)
        return _month_end(dt.date(int(text[:4]), int(text[5:]), 1))
    except ValueError:
        c.add(path, f"cannot read '{value}' as a month; write it as YYYY-MM (for example 2025-12): the "
                    "baseline is the twelve-month value up to and including that month")
        return None


def _baseline(c: Checker, raw: Any, path: str) -> Baseline | None:
    """Adopted (date, value, source: the council's nulmeting) or from_data (computed from the extracts)."""
    m = c.mapping(raw, path, "baseline")
    if m is None:
        return None
    where = str(Problem(c.path, c.line(path), path, c.name))
    if "from_data" in m:
        if "date" in m or "value" in m:
            c.add(path, "give either from_data (computed from the extracts) or date and value (an adopted "
                        "nulmeting), not both")
            return None
        when = _from_data(c, m["from_data"], f"{path}.from_data")
        source = c.string(m["source"], f"{path}.source") if "source" in m else ""
        page = _page(c, m["page"], f"{path}.page") if "page" in m else None
        return None if when is None else Baseline(when, None, source, True, page, where=f"{where}.from_data")
    missing = [k for k in ("date", "value", "source") if k not in m]
    if missing:
        c.add(path, f"missing key{'s' if len(missing) > 1 else ''} {', '.join(repr(k) for k in missing)} "
                    f"({HINTS['baseline']}); add {'them' if len(missing) > 1 else 'it'}")
        return None
    when, value = c.date(m["date"], f"{path}.date"), c.number(m["value"], f"{path}.value")
    source = c.string(m["source"], f"{path}.source")
    page = _page(c, m["page"], f"{path}.page") if "page" in m else None
    return None if when is None or value is None else Baseline(when, value, source, False, page, where=where)


def _tolerance(c: Checker, value: Any, path: str) -> float | None:
    number = c.number(value, path)
    if number is not None and not 0 <= number < 1:
        c.add(path, f"tolerance {number} is a share of the trajectory value; use a number such as 0.05 (5%)")
        return None
    return number


def _ambition(c: Checker, raw: Any, path: str, terms: dict[str, Term], programmes: Collection[str],
              indicator_ids: Collection[str] | None, default_tol: float) -> Ambition | None:
    m = c.mapping(raw, path, "ambition")
    if m is None or not set(KEYS["ambition"][0]) <= m.keys():
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
    population = c.string(m["population"], f"{path}.population") if "population" in m else None
    if (baseline and targets and term
            and month_index(baseline.date) >= month_index(target_date(targets[0].year, term))):
        c.add(f"{path}.baseline.date", f"the baseline ({baseline.date}) must lie before the first target "
                                       f"(end of {targets[0].year}); move it back or drop that target")
        return None
    if not (term_ok and prog_ok and ind_ok and baseline and tol is not None):
        return None
    return Ambition(str(m["id"]), str(m["programme"]), str(m["term"]), title, description,
                    str(m["indicator"]), baseline, targets, outputs, tol, population or None)


def _unique_ids(c: Checker, items: list, path: str, what: str) -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if isinstance(item, dict) and "id" in item:
            if item["id"] in seen:
                c.add(f"{path}[{i}].id", f"duplicate {what} id '{item['id']}'; ids must be unique")
            seen.add(item["id"])


def _parse(c: Checker, data: Any, indicator_ids: Collection[str] | None) -> ProgrammeFile | None:
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
    note = c.texts(top.get("note"), "note", required=False)
    return ProgrammeFile(tuple(sorted(terms, key=lambda t: t.start)), programmes,
                         {a.id: a for a in ambitions}, events, note, tol)


def _events(c: Checker, raw: Any, programmes: Collection[str]) -> tuple[Event, ...]:
    out = []
    for i, item in enumerate(c.items(raw, "events", "events")):
        path = f"events[{i}]"
        m = c.mapping(item, path, "event")
        if m is None or not {"date", "title"} <= m.keys():
            continue
        when = c.date(m["date"], f"{path}.date")
        title = c.texts(m["title"], f"{path}.title")
        progs = _ids(c, m.get("programmes"), f"{path}.programmes", programmes, "programme")
        is_break = m.get("break", False)
        if not isinstance(is_break, bool):
            c.add(f"{path}.break", f"expected true or false; found '{is_break}' (true: the series changes "
                                   "meaning or level here, and a projection fits only the months after it)")
            continue
        if when is not None:
            out.append(Event(when, title, progs, is_break))
    return tuple(sorted(out, key=lambda e: e.date))


def load_programme(path: Path, indicator_ids: Collection[str] | None = None) -> ProgrammeFile:
    """Read and check programme.yaml; raise ProgrammeError listing every problem.

    indicator_ids: the known indicator ids (None: indicator references are not checked,
    for callers that load the programme before the query files).
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        parsed = read_yaml(text)
    except YamlSyntaxError as exc:
        raise ProgrammeError([f"{path.name}:{exc.line}: invalid YAML: {exc.reason}; check the indentation "
                              "and quoting on this line and the one before it"]) from None
    if parsed.data is None:
        raise ProgrammeError([f"{path.name}:1: the file is empty; start from the example in the README"])
    checker = Checker(path, parsed.lines)
    checker.duplicates(parsed.duplicates)
    pf = _parse(checker, parsed.data, None if indicator_ids is None else set(indicator_ids))
    if checker.problems or pf is None:
        raise ProgrammeError([str(p) for p in checker.problems])
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
