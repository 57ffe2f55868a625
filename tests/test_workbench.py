"""The analyst workbench: hostile SQL through both surfaces, the add-an-indicator workflow, isolation.

Every statement in tests/hostile_sql.yaml runs through `python -m monitor sql` (a subprocess) and
through the workbench page (AppTest): each is refused with a clear message, or cut off by the time,
row or memory limit, and the extracts are byte-for-byte unchanged afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import yaml

from monitor import i18n
from monitor.indicators.frontmatter import BASIS_HINT
from tests.conftest import ROOT, checksums

CORPUS_FILE = Path(__file__).with_name("hostile_sql.yaml")
CORPUS: list[dict] = yaml.safe_load(CORPUS_FILE.read_text(encoding="utf-8"))
PAGE = ROOT / "pages" / "5_werkbank.py"
TIMEOUT_S = 2
ROW_CAP = 500
CANARY = "canary-7f3e9b1d-do-not-leak"
LIMITS = {
    "MONITOR_QUERY_TIMEOUT": str(TIMEOUT_S),
    "MONITOR_ROW_CAP": str(ROW_CAP),
    "MONITOR_WB_CANARY": CANARY,
}
# an indicator as an analyst would write it on the workbench: debt-help registrations per month and wijk
RUNNING_JS = """() => document.querySelector('[data-testid="stApp"]')
    ?.getAttribute('data-test-script-state') === 'running'"""
NEW_SQL = """
SELECT date_trunc('month', registered_on)::DATE AS month,
       wijk_code,
       count(*)::DOUBLE AS value
FROM debt_cases
WHERE referral = 'wijkteam'
GROUP BY ALL
"""


def _sql(case: dict, data_dir: Path) -> str:
    return case["sql"].replace("{data_dir}", str(data_dir))


def test_corpus_is_large_and_well_formed() -> None:
    assert len(CORPUS) >= 40
    ids = [c["id"] for c in CORPUS]
    assert len(ids) == len(set(ids)), "duplicate ids in hostile_sql.yaml"
    for case in CORPUS:
        assert case["expect"] in {"refused", "failed", "limit", "capped", "allowed"}, case
        if case["expect"] in {"refused", "failed", "limit"}:
            assert case.get("message"), f"{case['id']}: say which message the person sees"


# ---------------------------------------------------------------- the CLI


@pytest.fixture(scope="module")
def cli_env(demo_settings) -> dict[str, str]:
    return {**os.environ, "MONITOR_DATA_DIR": str(demo_settings.data_dir), **LIMITS}


def _cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "monitor", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("case", CORPUS, ids=[c["id"] for c in CORPUS])
def test_hostile_sql_cli(case: dict, cli_env: dict[str, str], demo_settings) -> None:
    data = demo_settings.data_dir
    before = checksums(data)
    started = time.monotonic()
    proc = _cli(cli_env, "sql", _sql(case, data))
    elapsed = time.monotonic() - started
    assert "Traceback" not in proc.stderr, proc.stderr
    assert CANARY not in proc.stdout + proc.stderr
    expect = case["expect"]
    if expect in {"refused", "failed", "limit"}:
        assert proc.returncode == 2, (proc.returncode, proc.stdout[:300], proc.stderr)
        assert case["message"].lower() in proc.stderr.lower(), proc.stderr
        assert proc.stdout == ""
    elif expect == "capped":
        assert proc.returncode == 0, proc.stderr
        lines = proc.stdout.splitlines()
        assert len(lines) == ROW_CAP + 1  # header + capped rows
        assert f"row cap of {ROW_CAP}" in proc.stderr
    else:
        assert proc.returncode == 0, proc.stderr
    assert elapsed < TIMEOUT_S + 30, f"{case['id']} took {elapsed:.1f} s"
    assert checksums(data) == before


# ---------------------------------------------------------------- the page


@pytest.fixture(scope="module")
def limits_env(demo_settings) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        for name, value in LIMITS.items():
            mp.setenv(name, value)
        mp.setenv("MONITOR_WORKBENCH", "1")
        yield


def _open_page(page: Path = PAGE, state: dict[str, str] | None = None, **params: str):
    """Run a page the way the server does: entry point dashboard.py, then the page, URL parameters set.

    AppTest 1.67 drops `query_params` on `switch_page` (the first run sees an empty URL), so a
    widget bound to the URL is also given its value through session state (`state`).
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.switch_page(str(page.relative_to(ROOT)))
    for key, value in params.items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def werkbank(limits_env) -> object:
    """One page session for the whole corpus (as an analyst would use it): faster than one per case."""
    return _open_page(lang="en")  # the corpus gives the English wording (CLI and page alike)


def _run_sql(at, sql: str):
    """Type the query in the plain text box (AppTest does not draw the code editor) and press Run."""
    if not at.toggle(key="wb_plain").value:
        at.toggle(key="wb_plain").set_value(True).run()
    at.text_area(key="wb_sql").input(sql)
    at.button(key="wb_run").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


SCHEMA_COLUMNS = ({"table", "rows", "columns"}, {"column", "type", "examples"})


def _result(at):
    """The result table (AppTest does not expose a dataframe's key): the one that is not the schema."""
    frames = [d.value for d in at.dataframe if set(d.value.columns) not in SCHEMA_COLUMNS]
    assert len(frames) <= 1
    return frames[0] if frames else None


def _page_text(at) -> str:
    parts = [e.value for e in (*at.error, *at.warning, *at.markdown, *at.caption, *at.info)]
    parts += [e.value.to_csv() for e in at.dataframe]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("case", CORPUS, ids=[c["id"] for c in CORPUS])
def test_hostile_sql_page(case: dict, werkbank, demo_settings) -> None:
    data = demo_settings.data_dir
    before = checksums(data)
    at = _run_sql(werkbank, _sql(case, data))
    errors = [e.value for e in at.error]
    assert CANARY not in _page_text(at)
    expect = case["expect"]
    if expect in {"refused", "failed", "limit"}:
        assert len(errors) == 1, errors
        assert case["message"].lower() in errors[0].lower(), errors
        assert _result(at) is None
    else:
        assert not errors, errors
        result = _result(at)
        if expect == "capped":
            assert len(result) == ROW_CAP
            assert any("MONITOR_ROW_CAP" in w.value for w in at.warning)
    assert checksums(data) == before


def test_history_newest_first_and_reusable(werkbank) -> None:
    at = _run_sql(werkbank, "SELECT 1 AS first_query")
    at = _run_sql(at, "SELECT 2 AS second_query")
    labels = [b.label for b in at.button if (b.key or "").startswith("wb_hist_")]
    assert "second_query" in labels[0] and "first_query" in labels[1]
    at.button(key="wb_hist_1").click()
    at.run()
    assert at.text_area(key="wb_sql").value == "SELECT 1 AS first_query"
    # the code editor shows the same query when the analyst switches back to it
    at.toggle(key="wb_plain").set_value(False).run()
    assert _editor_args(at)["code"] == "SELECT 1 AS first_query"


def _editor_args(at) -> dict:
    """The arguments the page gave the code editor (AppTest keeps a component as an unknown element)."""
    editors = at.get("component_instance")
    assert len(editors) == 1, "one code editor on the page"
    return json.loads(editors[0].proto.json_args)


def _editor_answers(at, answer: dict) -> None:
    """What the browser would send: the code editor's answer, under its current key."""
    key = f"wb_code_{at.session_state['wb_editor_mount']}"
    at.session_state[key] = {"lang": "sql", "selected": "", "cursor": "", **answer}
    at.run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture
def trail(limits_env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The audit trail in a folder of this test's own: one line per query run."""
    monkeypatch.setenv("MONITOR_AUDIT_DIR", str(tmp_path / "audit"))
    return tmp_path / "audit"


def _queries(folder: Path) -> int:
    lines = [json.loads(line) for f in folder.glob("*.jsonl") for line in f.read_text().splitlines()]
    return sum(1 for line in lines if line["event"] == "query")


def test_ctrl_enter_in_the_editor_runs_the_query_once(trail: Path) -> None:
    at = _open_page(lang="en")
    assert not at.toggle(key="wb_plain").value  # the code editor is the default
    _editor_answers(at, {"id": "a1", "type": "submit", "text": "SELECT 41 + 1 AS answer"})
    assert _result(at)["answer"].tolist() == [42]
    assert _queries(trail) == 1  # one audit line for the run
    at.run()  # a later rerun (another widget) sees the same answer: no second run
    at.run()
    assert _queries(trail) == 1
    # leaving the editor (blur) keeps its text for the Run button, without running it
    _editor_answers(at, {"id": "a2", "type": "blur", "text": "SELECT 7 AS seven"})
    assert _queries(trail) == 1 and _result(at)["answer"].tolist() == [42]
    at.button(key="wb_run").click().run()
    assert _result(at)["seven"].tolist() == [7]
    assert _queries(trail) == 2
    labels = [b.label for b in at.button if (b.key or "").startswith("wb_hist_")]
    assert "SELECT 7 AS seven" in labels[0] and "SELECT 41 + 1 AS answer" in labels[1]


def test_history_click_loads_the_query_into_a_new_editor(limits_env) -> None:
    at = _open_page(lang="en")
    _editor_answers(at, {"id": "b1", "type": "submit", "text": "SELECT 1 AS first_query"})
    _editor_answers(at, {"id": "b2", "type": "submit", "text": "SELECT 2 AS second_query"})
    mount = at.session_state["wb_editor_mount"]
    at.button(key="wb_hist_1").click().run()
    args = _editor_args(at)
    assert args["code"] == "SELECT 1 AS first_query"
    assert at.session_state["wb_editor_mount"] == mount + 1  # a new editor: the browser's text is replaced
    # the plain box opens with the same query
    at.toggle(key="wb_plain").set_value(True).run()
    assert at.text_area(key="wb_sql").value == "SELECT 1 AS first_query"


def test_editor_completes_the_tables_and_columns_the_workbench_can_query(limits_env, demo_settings) -> None:
    """The completion list against an independent route: information_schema through the guarded worker."""
    from monitor import catalog, workbench

    at = _open_page(lang="nl")
    args = _editor_args(at)
    table_word = i18n.t("wb_complete_table", "nl")
    offered = {(item["docText"] == table_word, item["value"]) for item in args["completions"]}
    cat = catalog.open_catalog(demo_settings)
    seen = workbench.run(cat, "SELECT table_name, column_name FROM information_schema.columns "
                              "WHERE table_catalog = current_database()", demo_settings)
    assert seen.ok, seen.error
    expected = ({(True, t) for t in seen.frame["table_name"].to_list()}
                | {(False, c) for c in seen.frame["column_name"].to_list()})
    assert offered == expected
    assert (False, "wijk_code") in offered and (True, "debt_cases") in offered
    # a column in several tables is offered once, naming its tables
    wijk = [i for i in args["completions"] if i["value"] == "wijk_code"]
    assert len(wijk) == 1 and "areas" in wijk[0]["docText"]
    # a language, line numbers, the SQL mode and the shortcut the caption names
    assert args["lang"] == "sql" and args["options"]["showLineNumbers"] is True
    assert any("Ctrl+Enter" in c.value for c in at.caption)


@pytest.mark.parametrize("lang, note", [("nl", "Views, berekend pas"), ("en", "Views, computed only")])
def test_schema_table_counts_rows_as_numbers_and_names_the_view_apart(lang: str, note: str, limits_env,
                                                                      demo_settings) -> None:
    """The row counts are numbers (a text column sorts 9 after 10,000); the view, not counted (that
    would compute it), is named under the table, and the picker still offers it."""
    import pyarrow.parquet as pq

    at = _open_page(lang=lang)
    summary = next(d.value for d in at.dataframe if set(d.value.columns) == SCHEMA_COLUMNS[0])
    summary = summary.set_index("table")
    assert summary["rows"].dtype.kind in "iu"  # integers without gaps: the column sorts by size
    views = ("stg_activity_wijk", "stg_trechter_schulden", "stg_trechter_werk")  # materialized: view
    assert not set(views) & set(summary.index) and "stg_trechter_werk_stappen" in summary.index
    for name in ("areas", "work_activities"):  # counted independently, from the Parquet footer
        path = demo_settings.data_dir / f"{name}.parquet"
        assert summary.loc[name, "rows"] == pq.ParquetFile(path).metadata.num_rows
    notes = [c.value for c in at.caption if c.value.startswith(note)]
    assert len(notes) == 1 and notes[0].endswith(": " + ", ".join(views) + ".")
    picker = at.selectbox(key="wb_schema_table")
    assert set(views) <= set(picker.options)
    # the build's bookkeeping (a leading underscore) comes last, so the picker opens on an extract
    assert picker.options[-1] == "_coverage" and picker.value == "areas"


def test_limits_are_visible(werkbank) -> None:
    captions = " ".join(c.value for c in werkbank.caption)
    assert f"{TIMEOUT_S} s" in captions and str(ROW_CAP) in captions


def test_page_switched_off(demo_settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_WORKBENCH", "0")
    at = _open_page()
    assert any("MONITOR_WORKBENCH=1" in w.value for w in at.warning)
    assert not [t for t in at.text_area if t.key == "wb_sql"]
    assert not at.dataframe


# ---------------------------------------------------------------- the library


def test_detect_sources_ignores_comments_and_strings() -> None:
    from monitor import workbench

    tables = ["areas", "debt_cases", "early_signals", "placements"]
    sql = """-- placements are not used here
    SELECT d.wijk_code, 'early_signals' AS label
    FROM "debt_cases" d /* areas */ JOIN AREAS a USING (wijk_code)"""
    assert workbench.detect_sources(sql, tables) == ["areas", "debt_cases"]


def test_quick_chart_picks_a_fitting_trace() -> None:
    from monitor import workbench

    frame = pl.DataFrame({
        "month": [dt.date(2024, 2, 1), dt.date(2024, 1, 1)] * 2,
        "stadsdeel": ["Centrum", "Centrum", "Escamp", "Escamp"],
        "n": [2.0, 1.0, 4.0, 3.0],
    })
    line = workbench.quick_chart(frame, "month", "n", "stadsdeel")
    assert {tr.type for tr in line.data} == {"scatter"} and len(line.data) == 2
    assert list(line.data[0].x) == sorted(line.data[0].x)  # sorted on x: a line reads left to right
    bars = workbench.quick_chart(frame, "stadsdeel", "n")
    assert {tr.type for tr in bars.data} == {"bar"}


def test_schema_overview(demo_settings) -> None:
    from monitor import catalog, workbench

    cat = catalog.open_catalog(demo_settings)
    schema = workbench.schema_overview(cat)
    assert schema.columns == ["table", "column", "type", "rows", "examples"]
    assert set(schema["table"]) >= {"areas", "debt_cases", "early_signals", "placements"}
    row = schema.filter((pl.col("table") == "debt_cases") & (pl.col("column") == "route")).row(0, named=True)
    assert row["type"] == "VARCHAR" and row["rows"] > 1000 and row["examples"]


def test_csv_download_handles_nested_values() -> None:
    from monitor import workbench

    frame = pl.DataFrame({"name": ["a"], "aliases": [["x", "y"]]})
    assert workbench.to_csv(frame).decode().splitlines()[0] == "name,aliases"
    assert pl.read_parquet(workbench.to_parquet(frame)).equals(frame)


def test_history_deduplicates_and_caps() -> None:
    from monitor import workbench

    history: list = []
    for sql in ["SELECT 1", "SELECT 2", "SELECT 1"]:
        history = workbench.remember(history, workbench.RunOutcome(sql, pl.DataFrame({"x": [1]}), None, None))
    assert [h.sql for h in history] == ["SELECT 1", "SELECT 2"]
    for i in range(40):
        history = workbench.remember(history, workbench.RunOutcome(f"SELECT {i}", None, "x", "failed"))
    assert len(history) == workbench.HISTORY_LIMIT and history[0].outcome == "failed"
    assert workbench.history_label(history[0], "mislukt").split(" · ")[1:] == ["mislukt", "SELECT 39"]


# ---------------------------------------------------------------- make this an indicator


@pytest.fixture
def queries_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    dst = tmp_path / "queries"
    shutil.copytree(ROOT / "queries", dst)
    monkeypatch.setenv("MONITOR_QUERIES_DIR", str(dst))
    return dst


def _fill_form(at, **values) -> None:
    for key, value in values.items():
        widgets = (*at.text_input, *at.text_area, *at.selectbox)
        next(w for w in widgets if w.key == f"wb_f_{key}").set_value(value)


def test_indicator_made_on_the_page_passes_check_and_shows(demo_settings, limits_env, queries_copy: Path,
                                                           tmp_path: Path) -> None:
    before = sorted(p.name for p in queries_copy.iterdir())
    at = _run_sql(_open_page(), NEW_SQL)
    assert not at.error
    _fill_form(at, id="aanmeldingen_wijkteam", title_nl="Aanmeldingen via het wijkteam",
               title_en="Registrations through the wijkteam", unit="huishoudens", programme="schulden",
               desc_nl="Eenheid: aanmelding, per maand van aanmelding", desc_en="Unit: request, by month")
    sources = next(m for m in at.multiselect if (m.key or "").startswith("wb_f_sources"))
    assert sources.value == ["debt_cases"]  # detected from the SQL
    next(b for b in at.button if b.label.startswith("Controleer")).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.success
    text = at.code[-1].value
    assert text.startswith("/*---") and "aanmeldingen" not in before
    assert "queries/aanmeldingen_wijkteam.sql" in " ".join(m.value for m in at.markdown)
    assert sorted(p.name for p in queries_copy.iterdir()) == before  # the app never writes into queries/

    # the analyst follows the three steps, filling in the basis the form cannot know
    text = text.replace(BASIS_HINT, "basis: {nl: Wgs art. 4, en: Wgs art. 4}")
    (queries_copy / "aanmeldingen_wijkteam.sql").write_text(text, encoding="utf-8")
    env = {**os.environ, "MONITOR_DATA_DIR": str(demo_settings.data_dir),
           "MONITOR_QUERIES_DIR": str(queries_copy)}
    proc = _cli(env, "check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = _open_page(ROOT / "pages" / "2_indicator.py", id="aanmeldingen_wijkteam",
                      state={"id": "aanmeldingen_wijkteam"})
    assert "Aanmeldingen via het wijkteam" in " ".join(m.value for m in page.markdown)


def test_form_reports_contract_problems(demo_settings, limits_env) -> None:
    at = _run_sql(_open_page(), "SELECT wijk_code, count(*) AS n FROM debt_cases GROUP BY ALL")
    _fill_form(at, id="kapot", title_nl="Kapot", title_en="Broken", unit="huishoudens")
    next(b for b in at.button if b.label.startswith("Controleer")).click()
    at.run()
    assert not at.exception
    assert at.error and "month" in at.error[0].value


# ---------------------------------------------------------------- python -m monitor new


def test_cli_new_writes_a_file_that_parses(demo_settings, queries_copy: Path) -> None:
    from monitor import indicators

    env = {**os.environ, "MONITOR_DATA_DIR": str(demo_settings.data_dir),
           "MONITOR_QUERIES_DIR": str(queries_copy)}
    proc = _cli(env, "new", "nieuwe_indicator", "--programme", "schulden", "--title-nl", "Nieuw",
                "--title-en", "New", "--source", "debt_cases", "--unit", "huishoudens")
    assert proc.returncode == 0, proc.stderr
    path = queries_copy / "nieuwe_indicator.sql"
    ind = indicators.parse_text(path.read_text(encoding="utf-8"), path)
    assert ind.id == "nieuwe_indicator" and ind.programme == "schulden" and ind.sources == ("debt_cases",)
    again = _cli(env, "new", "nieuwe_indicator", "--programme", "schulden")
    assert again.returncode == 2 and "already exists" in again.stderr
    bad = _cli(env, "new", "Bad-Id", "--programme", "schulden")
    assert bad.returncode == 2 and "not a valid id" in bad.stderr
    assert not (queries_copy / "Bad-Id.sql").exists()


def test_a_refusal_reads_in_the_pages_language(limits_env) -> None:
    """The library gives a code and parameters; a Dutch page words them in Dutch."""
    at = _run_sql(_open_page(), "DROP TABLE areas")
    errors = [e.value for e in at.error]
    assert errors == [i18n.t("err_query_not_select", "nl", kind="DROP")]
    assert "niet toegestaan" in errors[0]


def test_the_make_an_indicator_form_keeps_the_workbench_time_limit(demo_settings) -> None:
    """A draft from the form runs in the serving process: it stops at MONITOR_QUERY_TIMEOUT, not at
    the indicator files' far longer limit (MONITOR_INDICATOR_TIMEOUT)."""
    import dataclasses

    from monitor import workbench
    from monitor.engine import get_engine

    engine = get_engine(demo_settings)
    quick = dataclasses.replace(engine, settings=dataclasses.replace(
        demo_settings, query_timeout_s=0.05, indicator_timeout_s=600))
    form = workbench.IndicatorForm(id="trage_schets", title_nl="Traag", title_en="Slow", unit="keer",
                                   programme=next(iter(engine.programme_ids)), sources=["areas"])
    slow = ("SELECT DATE '2024-01-01' AS month, 'WK051801' AS wijk_code, count(*)::DOUBLE AS value\n"
            "FROM range(20000000) r(x), range(8) s(y), (SELECT 1 FROM areas LIMIT 1) a\n"
            "WHERE hash(x + y) % 7 = 0")
    outcome = workbench.indicator_from_form(quick, form, slow)
    assert not outcome.ok and any("time limit of 0.05 s" in p for p in outcome.problems), outcome.problems


def test_the_make_an_indicator_form_runs_its_draft_guarded(demo_settings, monkeypatch) -> None:
    """The form's draft goes through the workbench's guard, not the serving process's connection:
    one SELECT only (a second statement never runs), and a draft of more rows than a preview may
    hold is refused (it once pulled 30 million rows, 7 GB, into the server)."""
    import dataclasses

    from monitor import workbench
    from monitor.engine import get_engine

    engine = get_engine(demo_settings)
    form = workbench.IndicatorForm(id="schets_guard", title_nl="Schets", title_en="Draft", unit="keer",
                                   programme=next(iter(engine.programme_ids)), sources=["areas"])
    two = "CREATE TEMP TABLE schets_t AS SELECT 1 AS x; SELECT DATE '2024-01-01' AS month, 'WK051801' AS " \
          "wijk_code, 1::DOUBLE AS value FROM areas LIMIT 1"
    outcome = workbench.indicator_from_form(engine, form, two)
    assert not outcome.ok
    made = engine.catalog.query("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'schets_t'")
    assert made["n"][0] == 0  # refused before anything ran
    monkeypatch.setattr(workbench, "FORM_ROW_CAP", 1000)
    engine = dataclasses.replace(engine, settings=dataclasses.replace(demo_settings, row_cap=100))
    many = ("SELECT DATE '2024-01-01' AS month, 'WK' || lpad(x::VARCHAR, 6, '0') AS wijk_code, "
            "1::DOUBLE AS value FROM range(5000) r(x), (SELECT 1 FROM areas LIMIT 1) a")
    outcome = workbench.indicator_from_form(engine, form, many)
    assert not outcome.ok and any("more than 1,000 rows" in p for p in outcome.problems), outcome.problems
    assert outcome.preview is None
