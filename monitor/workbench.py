"""The analyst workbench: schema browser, guarded runs, quick charts, history, "make this an indicator".

Everything the workbench page needs that is not layout lives here, without
Streamlit, so it is tested directly. Queries go through `catalog.worker.run`, the
same path as `python -m monitor sql`: one read-only SELECT on the hardened
catalog, in a worker process with memory and CPU limits, with the time limit, row cap
and byte cap from the settings. Nothing here writes
a file: the indicator form hands back the text of a query file for the analyst
to save (the app never writes into queries/).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from monitor import catalog, indicators, rollup, staging_sources
from monitor.catalog import worker
from monitor.extracts import CONTRACT
from monitor.indicators import ID_PATTERN
from monitor.settings import Settings

# re-exported: callers use workbench.to_csv, workbench.quick_chart and so on
from monitor.workbench_results import chartable_columns, quick_chart, to_csv, to_parquet  # noqa: F401

HISTORY_LIMIT = 25
OUTCOMES = ("ok", "refused", "timeout", "failed")  # what a run can end in (history, labels wb_<outcome>)
EXAMPLE_SQL = "SELECT wijk_code, count(*) AS n FROM debt_cases GROUP BY ALL ORDER BY n DESC"
EXAMPLES_PER_COLUMN = 3
_EXAMPLE_CHARS = 40

# ---------------------------------------------------------------- schema browser

def schema_overview(cat: catalog.Catalog) -> pl.DataFrame:
    """Tables, columns, types, row counts and a few example values: what an analyst needs to start.

    Not cached here: the caller caches it with the engine (`engine.memo`, one per catalog version).
    """
    columns = cat.tables()
    views = cat.view_names()  # computed when read (a staging view): neither counted nor sampled here
    rows = []
    for table in columns["table_name"].unique(maintain_order=True).to_list():
        view = table in views
        count = None if view else int(cat.query(f"SELECT count(*) AS n FROM {_quote(table)}")["n"][0])
        for col in columns.filter(pl.col("table_name") == table).iter_rows(named=True):
            rows.append({
                "table": table,
                "column": col["column_name"],
                "type": col["data_type"],
                "rows": count,
                "examples": "" if view else _examples(cat, table, col["column_name"]),
            })
    frame = pl.DataFrame(rows, schema={"table": pl.String, "column": pl.String, "type": pl.String,
                                       "rows": pl.Int64, "examples": pl.String})
    return frame


def _examples(cat: catalog.Catalog, table: str, column: str) -> str:
    """The smallest few distinct values: deterministic, so the browser does not change between runs."""
    col = _quote(column)
    values = cat.query(
        f"SELECT DISTINCT {col} AS v FROM {_quote(table)} WHERE {col} IS NOT NULL "
        f"ORDER BY 1 LIMIT {EXAMPLES_PER_COLUMN}"
    )["v"].to_list()
    return ", ".join(_short(v) for v in values)


def _short(value: object) -> str:
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text if len(text) <= _EXAMPLE_CHARS else text[: _EXAMPLE_CHARS - 1] + "…"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def table_summary(schema: pl.DataFrame) -> pl.DataFrame:
    """One row per table (name, rows, columns) for the top of the schema browser."""
    return (
        schema.group_by("table", maintain_order=True)
        .agg(pl.col("rows").first(), pl.len().alias("columns"))
        .sort("table")
    )


def completions(schema: pl.DataFrame, table_doc: str, column_doc: str) -> list[dict]:
    """The SQL editor's completion list (Ace items): each table, then each column once, naming its tables.
    `table_doc`/`column_doc` are the caller's words (the library picks no language; `{tables}`)."""
    items = [{"caption": t, "value": t, "docText": table_doc, "score": 1000}
             for t in schema["table"].unique(maintain_order=True).to_list()]
    for column, tables in schema.group_by("column", maintain_order=True).agg(
            pl.col("table").unique(maintain_order=True)).iter_rows():
        doc = column_doc.format(tables=", ".join(tables[:3]) + ("…" if len(tables) > 3 else ""))
        items.append({"caption": column, "value": column, "docText": doc, "score": 500})
    return items


# ---------------------------------------------------------------- running a query


@dataclass(frozen=True)
class RunOutcome:
    """A run as the page shows it: a result or the catalog's message, never an exception."""

    sql: str
    frame: pl.DataFrame | None
    error: str | None
    error_kind: str | None  # refused | timeout | failed
    error_code: str | None = None  # catalog.ERROR_CODES: worded at the edge (label err_<code>)
    error_params: dict | None = None
    truncated: bool = False
    elapsed_s: float = 0.0
    row_cap: int | None = None
    byte_cap: int | None = None  # set when the result was cut at MONITOR_RESULT_BYTES

    @property
    def ok(self) -> bool:
        return self.error is None


_RUNNING: dict[str, int] = {}  # user -> workbench queries running now (this serving process)
_RUNNING_LOCK = threading.Lock()


@contextmanager
def _slot(user: str | None, allowed: int) -> Iterator[None]:
    """One of the user's MONITOR_QUERIES_PER_USER slots, or QueryRefused: one user cannot fill the server."""
    if user is None:
        yield
        return
    with _RUNNING_LOCK:
        if _RUNNING.get(user, 0) >= max(allowed, 1):
            raise catalog.QueryRefused(
                f"Refused: you already have {_RUNNING[user]} query running (MONITOR_QUERIES_PER_USER). "
                "Wait for it to finish.", "query_busy", n=_RUNNING[user])
        _RUNNING[user] = _RUNNING.get(user, 0) + 1
    try:
        yield
    finally:
        with _RUNNING_LOCK:
            _RUNNING[user] -= 1
            if not _RUNNING[user]:
                del _RUNNING[user]


def run(cat: catalog.Catalog, sql: str, settings: Settings, user: str | None = None) -> RunOutcome:
    """Run the analyst's SQL in a worker process (guarded, limited) with the limits from the settings.

    The limits are passed explicitly (not taken from the catalog's own settings)
    so a changed MONITOR_QUERY_TIMEOUT, MONITOR_ROW_CAP or worker limit holds on the next run.
    `user` (the signed-in analyst) counts against MONITOR_QUERIES_PER_USER.
    """
    try:
        with _slot(user, settings.queries_per_user):
            result = worker.run(cat, sql, timeout=settings.query_timeout_s, row_cap=settings.row_cap,
                                byte_cap=settings.result_bytes, settings=settings)
    except catalog.QueryError as exc:
        kind = ("refused" if isinstance(exc, catalog.QueryRefused)
                else "timeout" if isinstance(exc, catalog.QueryTimeout) else "failed")
        return RunOutcome(sql, None, str(exc), kind, error_code=exc.code, error_params=exc.params)
    return RunOutcome(sql, result.frame, None, None, truncated=result.truncated, elapsed_s=result.elapsed_s,
                      row_cap=result.row_cap, byte_cap=result.byte_cap)


# ---------------------------------------------------------------- history


@dataclass(frozen=True)
class HistoryEntry:
    sql: str
    ran_at: str  # HH:MM:SS, local time of the server
    outcome: str  # "ok", or the error kind: refused | timeout | failed
    rows: int | None = None


def remember(
    history: list[HistoryEntry], outcome: RunOutcome, limit: int = HISTORY_LIMIT
) -> list[HistoryEntry]:
    """A new history, newest first; running the same SQL again moves it to the top instead of repeating it."""
    rows = outcome.frame.height if outcome.frame is not None else None
    ran_at = dt.datetime.now().strftime("%H:%M:%S")
    entry = HistoryEntry(outcome.sql, ran_at, outcome.error_kind or "ok", rows)
    rest = [h for h in history if h.sql.strip() != outcome.sql.strip()]
    return [entry, *rest][:limit]


def history_label(entry: HistoryEntry, summary: str, width: int = 70) -> str:
    """One line for a history button: time, outcome (worded by the caller) and the start of the query."""
    one_line = " ".join(entry.sql.split())
    if len(one_line) > width:
        one_line = one_line[: width - 1] + "…"
    return f"{entry.ran_at} · {summary} · {one_line}"


# ---------------------------------------------------------------- make this an indicator

_COMMENT_OR_STRING = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'", re.DOTALL)
_WORD = re.compile(r'"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_]*)')


def detect_sources(sql: str, table_names: list[str]) -> list[str]:
    """The catalog tables the query names, in catalog order; comments and string literals do not count."""
    code = _COMMENT_OR_STRING.sub(" ", sql)
    words = {(quoted.replace('""', '"') if quoted else bare).lower() for quoted, bare in _WORD.findall(code)}
    return [name for name in table_names if name.lower() in words]


def form_sources(sql: str, table_names: list[str], queries_dir: Path) -> tuple[list[str], list[str]]:
    """The extracts a new indicator may list as sources, and those its query reads.

    `sources` names extracts only: a staging table the query reads (stg_...) stands for the
    extracts it is built from (its own front matter says which).
    """
    options = [name for name in table_names if name in CONTRACT]
    behind = staging_sources.extracts_behind(queries_dir)
    read: set[str] = set()
    for name in detect_sources(sql, table_names):
        read |= behind.get(name, {name})
    return options, [name for name in options if name in read]


@dataclass
class IndicatorForm:
    """The front matter an analyst fills in on the workbench (queries/README.md)."""

    id: str
    title_nl: str
    title_en: str
    description_nl: str = ""
    description_en: str = ""
    kind: str = "output"
    programme: str = ""
    measure: str = "count"
    unit: str = ""
    direction: str = "up"
    sources: list[str] = field(default_factory=list)
    drivers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FormOutcome:
    text: str
    problems: list[str]
    preview: rollup.Published | None
    indicator: indicators.Indicator | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def sql_body(sql: str) -> str:
    """The query as it goes into the file: trimmed, without the trailing semicolon."""
    return sql.strip().rstrip(";").rstrip() + "\n"


def form_problems(form: IndicatorForm, known_ids: set[str]) -> list[str]:
    """Problems the analyst can fix in the form itself, before any SQL runs."""
    problems = []
    if not ID_PATTERN.fullmatch(form.id or ""):
        problems.append(f"'{form.id}' is not a valid id: use lowercase letters, digits and underscores, "
                        "starting with a letter (it becomes queries/<id>.sql).")
    elif form.id in known_ids:
        problems.append(f"An indicator '{form.id}' already exists: choose another id.")
    if not form.title_nl.strip() or not form.title_en.strip():
        problems.append("Give a Dutch and an English title.")
    if not form.unit.strip():
        problems.append("Give a unit (for a ratio shown as a percentage: %).")
    return problems


def indicator_text(form: IndicatorForm, sql: str) -> str:
    """The complete query file, written by the same template as `python -m monitor new`."""
    return indicators.template(
        form.id, title_nl=form.title_nl.strip(), title_en=form.title_en.strip(),
        description_nl=form.description_nl.strip(), description_en=form.description_en.strip(),
        kind=form.kind, programme=form.programme, measure=form.measure, unit=form.unit.strip(),
        direction=form.direction, sources=list(form.sources), drivers=list(form.drivers),
        sql_body=sql_body(sql),
    )


# rows a draft from the form may return for its preview (a distinct measure's key rows run to
# hundreds of thousands at Den Haag's volume); MONITOR_RESULT_BYTES bounds them in bytes as well
FORM_ROW_CAP = 2_000_000


def _guarded_draft(engine, user: str | None) -> Callable[[str, float], pl.DataFrame]:
    """How the form runs a draft: as the workbench runs a query (one SELECT, in a worker process with
    its memory, CPU, byte and per-user limits), never on the serving process's own connection, where
    a draft of tens of millions of rows would take the server's memory from every user."""
    settings = engine.settings
    cap = max(settings.row_cap, FORM_ROW_CAP)

    def run(sql: str, timeout: float) -> pl.DataFrame:
        with _slot(user, settings.queries_per_user):
            result = worker.run(engine.catalog, sql, timeout=timeout, row_cap=cap,
                                byte_cap=settings.result_bytes, settings=settings)
        if result.truncated:
            limit = (f"{result.byte_cap / 2**20:g} MB (MONITOR_RESULT_BYTES)" if result.byte_cap
                     else f"{cap:,} rows")
            raise catalog.QueryRefused(
                f"Refused: the draft returned more than {limit}, more than a preview may hold. An "
                "indicator returns one row per month and wijk (a distinct measure one per key and "
                "month): group the rows, or save the file and check it with `python -m monitor check`.",
                "query_draft_too_large", limit=limit)
        return result.frame
    return run


def indicator_from_form(engine, form: IndicatorForm, sql: str, user: str | None = None) -> FormOutcome:
    """Check the query against the indicator contract on the current data, as `monitor check` would.

    Builds the file text, parses it with the registry's own parser (so what
    passes here passes there), runs it through `indicators.compute` and, when
    it holds, rolls it up to the city per month for a preview. `engine` is a
    `monitor.engine.Engine`: it brings the catalog, registry, areas and terms. The draft runs
    guarded, as a workbench query does (`_guarded_draft`); `user` counts against
    MONITOR_QUERIES_PER_USER.
    """

    registry = engine.registry
    problems = form_problems(form, set(registry.indicators))
    if not ID_PATTERN.fullmatch(form.id or ""):
        return FormOutcome("", problems, None)
    text = indicator_text(form, sql)
    path = engine.settings.queries_dir / f"{form.id}.sql"
    try:
        ind = indicators.parse_text(text, path, programme_ids=engine.programme_ids,
                                    known_ids=set(registry.indicators) | {form.id})
    except indicators.IndicatorError as exc:
        return FormOutcome(text, [*problems, *_messages(exc)], None)
    problems += [f"The query reads {name} but sources does not list it: add it to sources."
                 for name in indicators.undeclared_sources(ind)]
    try:
        # a draft from the form: the workbench's own time limit, not the indicator files'
        frame = indicators.compute(engine.catalog, ind, timeout=engine.settings.query_timeout_s,
                                   run=_guarded_draft(engine, user))
    except indicators.IndicatorError as exc:
        return FormOutcome(text, [*problems, *_messages(exc)], None, ind)
    problems += _data_problems(frame, engine.areas)
    if problems or ind.shape == "cohort":
        return FormOutcome(text, problems, None, ind)
    view = rollup.View(grain="month", level="city")
    preview = rollup.rollup(frame, ind, engine.areas, view, k=engine.settings.min_cell,
                            municipality=engine.settings.municipality, terms=engine.terms)
    return FormOutcome(text, problems, preview, ind)


def _messages(exc: indicators.IndicatorError) -> list[str]:
    """One line per problem, as `python -m monitor check` prints them."""
    problems = getattr(exc, "problems", None)
    return [str(p) for p in problems] if problems else [str(exc)]


def _data_problems(frame: pl.DataFrame, areas: pl.DataFrame) -> list[str]:
    """What `monitor check` asks of the result beyond its columns: rows, and wijk codes that exist."""
    if frame.is_empty():
        return ["The query returns no rows on the current data: check its filters and joins."]
    unknown = sorted(set(frame["wijk_code"].unique().to_list()) - set(areas["wijk_code"].to_list()))
    if unknown:
        return [f"wijk_code {', '.join(map(str, unknown[:3]))} is not in areas ({len(unknown)} codes): "
                "use the extract's wijk_code."]
    return []

