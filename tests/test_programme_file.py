"""programme.yaml as a document: baselines from the data, pages and definitions of real targets, breaks.

Expected values are worked out by hand in the test or recomputed from the extracts with plain
DuckDB, never taken from the code under test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import duckdb
import polars as pl
import pytest

from monitor import checks, indicators
from monitor import programme as P

ROOT = Path(__file__).resolve().parent.parent
PROGRAMME_YAML = ROOT / "programme.yaml"
ALL_IDS = set(indicators.load_registry(ROOT / "queries").indicators)
TEXT = PROGRAMME_YAML.read_text(encoding="utf-8")


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def problems_for(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "programme.yaml"
    path.write_text(text, encoding="utf-8")
    return P.check_programme(path, ALL_IDS)


def one_problem(problems: list[str], *needles: str) -> str:
    hits = [p for p in problems if all(n in p for n in needles)]
    assert len(hits) == 1, problems
    return hits[0]


# A minimal programme: one term, one programme, one ambition; each test varies one part.
MINIMAL = """\
terms:
  - {id: "2026-2030", label: {nl: Periode, en: Term}, start: 2026-06-01, end: 2030-05-31}
programmes:
  - {id: werk, title: {nl: Werk, en: Work}, funnel: [uitstroom_werk_scholing]}
ambitions:
  - id: a
    programme: werk
    term: "2026-2030"
    title: {nl: A, en: A}
    indicator: uitstroom_werk_scholing
    baseline: BASELINE
    targets:
      - TARGET
events:
  - {date: 2023-07-01, title: {nl: Breuk, en: Break}, break: BREAK}
"""


def minimal(baseline: str = '{from_data: "2025-12"}',
            target: str = "{year: 2026, value: 1500, source: Illustratief, illustrative: true}",
            brk: str = "true") -> str:
    return MINIMAL.replace("BASELINE", baseline).replace("TARGET", target).replace("BREAK", brk)


def load(tmp_path: Path, text: str) -> P.ProgrammeFile:
    path = tmp_path / "programme.yaml"
    path.write_text(text, encoding="utf-8")
    return P.load_programme(path, ALL_IDS)


# ---------------------------------------------------------------- from_data: reading


def test_from_data_is_read_as_the_last_day_of_that_month(tmp_path):
    pf = load(tmp_path, minimal(baseline='{from_data: "2025-02"}'))
    b = pf.ambitions["a"].baseline
    assert (b.date, b.value, b.from_data) == (dt.date(2025, 2, 28), None, True)
    assert pf.problems == ()
    # unquoted works too: YAML reads 2025-12 as a text, not a date
    assert load(tmp_path, minimal(baseline="{from_data: 2025-12}")).ambitions["a"].baseline.date == \
        dt.date(2025, 12, 31)


@pytest.mark.parametrize("month", ['"2025-13"', '"2025-1"', "2025-12-31", '"december 2025"', "202512"])
def test_a_bad_month_is_a_problem_on_its_line(tmp_path, month):
    text = minimal(baseline=f"{{from_data: {month}}}")
    msg = one_problem(problems_for(tmp_path, text), "as a month")
    assert msg.startswith(f"programme.yaml:{line_of(text, 'from_data')}: ambitions[0].baseline.from_data: ")
    assert "YYYY-MM" in msg and "twelve-month value" in msg


def test_from_data_with_a_literal_value_is_refused(tmp_path):
    text = minimal(baseline='{from_data: "2025-12", date: 2025-12-31, value: 3}')
    msg = one_problem(problems_for(tmp_path, text), "either from_data")
    assert msg.startswith(f"programme.yaml:{line_of(text, 'from_data')}: ambitions[0].baseline: ")


def test_a_literal_baseline_still_needs_its_source(tmp_path):
    text = minimal(baseline="{date: 2025-12-31, value: 2593}")
    msg = one_problem(problems_for(tmp_path, text), "missing key 'source'")
    assert msg.startswith(f"programme.yaml:{line_of(text, 'date: 2025-12-31')}: ambitions[0].baseline: ")
    pf = load(tmp_path, minimal(baseline='{date: 2025-12-31, value: 2593, source: "Raadsvoorstel X"}'))
    b = pf.ambitions["a"].baseline
    assert (b.value, b.source, b.from_data) == (2593.0, "Raadsvoorstel X", False)


def test_the_demo_file_computes_every_baseline_from_the_data():
    pf = P.load_programme(PROGRAMME_YAML, ALL_IDS)
    assert pf.ambitions and all(a.baseline.from_data for a in pf.ambitions.values())
    assert all(a.baseline.value is None for a in pf.ambitions.values())  # not yet met the data


# ---------------------------------------------------------------- from_data: resolving


def rolling(values: list[float], first: dt.date = dt.date(2024, 1, 1), *, hidden: tuple[int, ...] = ()
            ) -> pl.DataFrame:
    """A rolling twelve-month city view of monthly `values`, as the roll-up publishes it.

    Sums are written out by the caller's expectation; here only the layout is built: window i
    ends in month i and is complete from the twelfth month on.
    """
    ends, results, complete = [], [], []
    for i in range(len(values)):
        month = dt.date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        ends.append(nxt - dt.timedelta(days=1))
        results.append(float(sum(values[max(0, i - 11): i + 1])))
        complete.append(i >= 11)
    return pl.DataFrame({"period_end": ends, "result": results, "complete": complete,
                         "suppressed": [i in hidden for i in range(len(values))]})


def test_twelve_month_value_by_hand():
    frame = rolling(list(range(1, 15)))  # 1 in 2024-01 ... 14 in 2025-02
    assert P.twelve_month_value(frame, "count", dt.date(2024, 12, 1)) == 78.0  # 1 + 2 + ... + 12
    assert P.twelve_month_value(frame, "count", dt.date(2025, 2, 1)) == 102.0  # 3 + 4 + ... + 14
    assert P.twelve_month_value(frame, "count", dt.date(2024, 11, 1)) is None  # eleven months only
    assert P.twelve_month_value(frame, "count", dt.date(2025, 3, 1)) is None  # no data yet
    # a stock's window is its own month's level: complete or not does not matter
    stock = pl.DataFrame({"period_end": [dt.date(2024, 1, 31)], "result": [500.0], "complete": [False],
                          "suppressed": [False]})
    assert P.twelve_month_value(stock, "stock", dt.date(2024, 1, 1)) == 500.0
    # a hidden cell gives no baseline
    hidden = rolling(list(range(1, 15)), hidden=(11,))
    assert P.twelve_month_value(hidden, "count", dt.date(2024, 12, 1)) is None


def test_resolving_fills_the_value_from_a_hand_built_series(tmp_path):
    pf = load(tmp_path, minimal(baseline='{from_data: "2024-12"}'))
    frame = rolling(list(range(1, 15)))
    asked = []

    def value_at(indicator: str, month: dt.date) -> float | None:
        asked.append((indicator, month))
        return P.twelve_month_value(frame, "count", month)

    resolved = P.resolve_baselines(pf, value_at)
    assert asked == [("uitstroom_werk_scholing", dt.date(2024, 12, 1))]
    a = resolved.ambitions["a"]
    assert a.baseline.value == 78.0 and a.targets == pf.ambitions["a"].targets
    assert resolved.problems == ()
    # the trajectory starts at the baseline: 78 at 2024-12, 1500 at the end of 2026 (24 months on)
    term = resolved.terms[0]
    assert P.expected_at(a, term, dt.date(2025, 12, 1)) == pytest.approx(78 + (1500 - 78) * 12 / 24)


def test_an_unresolvable_baseline_is_reported_and_gives_no_status(tmp_path):
    text = minimal(baseline='{from_data: "2019-06"}')
    pf = load(tmp_path, text)
    resolved = P.resolve_baselines(pf, lambda indicator, month: None)
    (problem,) = resolved.problems
    line = line_of(text, "from_data")
    assert problem.startswith(f"programme.yaml:{line}: ambitions[0].baseline.from_data: ")
    assert "'a'" in problem and "2019-06" in problem and "uitstroom_werk_scholing" in problem
    a = resolved.ambitions["a"]
    assert P.unresolved(a) and a.baseline.value is None
    # no trajectory, so the status is 'no target' whatever the current value
    term = resolved.terms[0]
    assert P.status(a, term, 2000.0, dt.date(2026, 10, 1), "up").code == "no_target"
    assert P.trajectory(a, term).is_empty()


def test_literal_baselines_are_left_alone(tmp_path):
    pf = load(tmp_path, minimal(baseline='{date: 2025-12-31, value: 2593, source: "Raadsvoorstel X"}'))

    def never(indicator: str, month: dt.date) -> float | None:
        raise AssertionError("a literal baseline needs no data")

    assert P.resolve_baselines(pf, never).ambitions == pf.ambitions


# ---------------------------------------------------------------- real targets: page and definition


def test_a_real_target_needs_a_page(tmp_path):
    text = minimal(target="{year: 2026, value: 1500, source: Begroting 2026, illustrative: false}")
    msg = one_problem(problems_for(tmp_path, text), "needs `page:`")
    assert msg.startswith(f"programme.yaml:{line_of(text, '{year: 2026')}: ambitions[0].targets[0]: ")
    assert "unverified" in msg


@pytest.mark.parametrize("page, stored", [("45", "45"), ('"45-46"', "45-46"), ("unverified", "unverified"),
                                          ("https://denhaag.begroting-2026.nl/p26767/x",
                                           "https://denhaag.begroting-2026.nl/p26767/x")])
def test_target_pages(tmp_path, page, stored):
    pf = load(tmp_path, minimal(target=f"{{year: 2026, value: 1500, source: Begroting 2026, "
                                       f"illustrative: false, page: {page}}}"))
    assert pf.ambitions["a"].targets[0].page == stored


@pytest.mark.parametrize("page", ["p. 45", "0", "-3", "somewhere"])
def test_a_bad_page_is_a_problem_on_its_line(tmp_path, page):
    text = minimal(target=f"{{year: 2026, value: 1500, source: Begroting 2026, illustrative: false, "
                          f"page: {page}}}")
    msg = one_problem(problems_for(tmp_path, text), "as a page")
    assert msg.startswith(f"programme.yaml:{line_of(text, '{year: 2026')}: ambitions[0].targets[0].page: ")


def test_an_illustrative_target_has_no_page(tmp_path):
    text = minimal(target="{year: 2026, value: 1500, source: Illustratief, illustrative: true, page: 4}")
    one_problem(problems_for(tmp_path, text), "drop `page`")


def test_definition_note(tmp_path):
    target = ("{year: 2026, value: 1500, source: Begroting 2026, illustrative: false, page: unverified, "
              "definition: {nl: Parttime naar rato., en: Part-time pro rata.}}")
    t = load(tmp_path, minimal(target=target)).ambitions["a"].targets[0]
    assert t.definition == {"nl": "Parttime naar rato.", "en": "Part-time pro rata."}
    bad = minimal(target=target.replace("{nl: Parttime naar rato., en: Part-time pro rata.}", "[1, 2]"))
    one_problem(problems_for(tmp_path, bad), "ambitions[0].targets[0].definition", "text mapping")


def test_the_demo_files_real_targets_carry_page_and_the_pro_rata_definition():
    pf = P.load_programme(PROGRAMME_YAML, ALL_IDS)
    real = [t for a in pf.ambitions.values() for t in a.targets if not t.illustrative]
    assert real and all(t.page and t.source.startswith("Begroting") for t in real)
    uitstroom = next(t for a in pf.ambitions.values() for t in a.targets
                     if a.indicator == "uitstroom_werk_scholing" and not t.illustrative)
    assert (uitstroom.year, uitstroom.value) == (2026, 1500.0)
    assert "naar rato" in uitstroom.definition["nl"] and "pro rata" in uitstroom.definition["en"]


# ---------------------------------------------------------------- events: break


def test_break_is_read(tmp_path):
    assert load(tmp_path, minimal(brk="true")).events[0].is_break is True
    assert load(tmp_path, minimal(brk="false")).events[0].is_break is False
    text = minimal(brk="ja")
    msg = one_problem(problems_for(tmp_path, text), "expected true or false")
    assert msg.startswith(f"programme.yaml:{line_of(text, 'break: ja')}: events[0].break: ")


def test_the_demo_file_marks_the_move_to_18_month_settlements_as_a_break():
    pf = P.load_programme(PROGRAMME_YAML, ALL_IDS)
    breaks = [e for e in pf.events if e.is_break]
    assert [(e.date, e.programmes) for e in breaks] == [(dt.date(2023, 7, 1), ("schulden",))]


def test_the_demo_file_has_the_haags_akkoord_and_the_2022_term_from_the_installation():
    pf = P.load_programme(PROGRAMME_YAML, ALL_IDS)
    assert [t.id for t in pf.terms] == ["2022-2026", "2026-2030"]
    assert pf.terms[0].start == dt.date(2022, 9, 27)
    assert any(e.date == dt.date(2023, 10, 2) and "Haags Akkoord 2023-2026" in e.title["nl"]
               for e in pf.events)
    # every key the loader knows is explained in the header comment
    header = TEXT[: TEXT.index("\ntolerance:")]
    for key in ("from_data", "page", "definition", "break", "illustrative", "tolerance", "funnel", "outputs"):
        assert re.search(rf"\b{key}\b", header), key


# ---------------------------------------------------------------- the demo data


@pytest.fixture(scope="module")
def engine(demo_settings):
    from monitor.engine import get_engine

    return get_engine(demo_settings)


def test_every_demo_baseline_resolves_to_the_published_twelve_month_value(engine):
    pf = engine.programme
    assert pf.problems == ()
    for a in pf.ambitions.values():
        assert a.baseline.value is not None, a.id
        month = a.baseline.date.replace(day=1)
        frame = engine.twelve_months(a.indicator).frame
        row = frame.filter((pl.col("period_end").dt.month_start() == month) & ~pl.col("suppressed"))
        assert row.height == 1, a.id
        assert a.baseline.value == row["result"][0], a.id


def test_a_demo_baseline_equals_the_count_recomputed_from_the_extract(engine, demo_settings):
    """uitstroom_2026: benefits ended for work or training in 2025, counted with plain DuckDB."""
    a = engine.programme.ambitions["uitstroom_2026"]
    assert a.indicator == "uitstroom_werk_scholing" and a.baseline.date == dt.date(2025, 12, 31)
    spells = demo_settings.data_dir / "benefit_spells.parquet"
    with duckdb.connect() as con:
        (expected,) = con.execute(f"""
            SELECT count(*) FROM read_parquet('{spells}')
            WHERE end_reason IN ('werk', 'scholing')
              AND ended_on BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'
        """).fetchone()
    assert expected > 0 and a.baseline.value == expected


def test_monitor_check_names_an_unresolvable_baseline(engine, demo_settings, tmp_path):
    before_data = TEXT.replace('baseline: {from_data: "2025-12"}', 'baseline: {from_data: "2001-12"}', 1)
    path = tmp_path / "programme.yaml"
    path.write_text(before_data, encoding="utf-8")
    settings = dataclasses.replace(demo_settings, programme_file=path)
    problems = checks.check_programme(settings, ALL_IDS)
    (msg,) = problems
    assert msg.startswith(f"programme.yaml:{line_of(before_data, '2001-12')}: ")
    assert "2001-12" in msg and "'schuldenvrij_2026'" in msg


# ---------------------------------------------------------------- the scorecard shows it


def run_page(path: Path, **params: str):
    from streamlit.testing.v1 import AppTest

    from monitor import ui

    at = AppTest.from_file(str(ui.HOME), default_timeout=180)
    if path != ui.HOME:
        at.switch_page(str(path.relative_to(ui.HOME.parent)))
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, "\n".join(f"{e.message}\n{''.join(e.stack_trace)}" for e in at.exception)
    return at


@pytest.mark.parametrize("page", ["home", "programma"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_scorecard_shows_the_budget_definition_and_the_baseline(engine, lang, page):
    from monitor import i18n, ui

    a = engine.programme.ambitions["uitstroom_2026"]
    real = next(t for t in a.targets if not t.illustrative)
    ind = engine.indicator(a.indicator)
    params = {"lang": lang} if lang == "en" else {}
    if page == "home":
        at = run_page(ui.HOME, **params)
    else:
        at = run_page(next(p for p in ui.page_files() if ui.page_slug(p) == "programma"),
                      programma="werk", term="2026-2030", **params)
    captions = "\n".join(str(c.value) for c in at.caption)
    assert i18n.pick(real.definition, lang) in captions
    assert i18n.t("target_source", lang, year=2026, value=i18n.value(1500, ind.unit, lang),
                  source=real.source, page=f"[{i18n.t('target_page_online', lang)}]({real.page})") in captions
    assert i18n.t("baseline_line", lang, month=i18n.month(a.baseline.date, lang),
                  value=i18n.value(a.baseline.value, ind.unit, lang),
                  source=i18n.t("baseline_from_data", lang)) in captions
