"""The funnel as a cohort: the trechter_* queries on hand-built records, a property test, the demo.

The staging files and step queries run on a small in-memory DuckDB holding only the
records of the test, so every expected number is worked out by hand from those records.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor import charts, funnel, i18n, indicators, staging
from monitor.indicators.contract import run_sql
from monitor.rollup import Published

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
DEBT = [
    f"trechter_schulden_{s}"
    for s in ("1_gesignaleerd", "2_bereikt", "3_aangemeld", "4_regeling", "5_schuldenvrij")
]
WORK = [
    f"trechter_werk_{s}" for s in ("1_gesprek", "2_profiel", "3_match", "4_proefplaatsing", "5_plaatsing")
]
D = dt.date

DDL = {
    "early_signals": "signal_id VARCHAR, household_id VARCHAR, wijk_code VARCHAR, received_on DATE, "
    "contacted_on DATE, contact_result VARCHAR",
    "debt_cases": "case_id VARCHAR, household_id VARCHAR, registered_on DATE, first_interview_on DATE, "
    "route VARCHAR, started_on DATE, ended_on DATE, end_reason VARCHAR",
    "work_activities": "activity_id VARCHAR, person_id VARCHAR, activity_on DATE, activity VARCHAR, "
    "channel VARCHAR, wijk_code VARCHAR, on_benefit BOOLEAN",
    "benefit_spells": "spell_id VARCHAR, person_id VARCHAR, wijk_code VARCHAR, started_on DATE, "
    "ended_on DATE",
    "placements": "placement_id VARCHAR, person_id VARCHAR, wijk_code VARCHAR, placed_on DATE",
}


def _run(tables: dict[str, list[tuple]], steps: list[str]) -> dict[str, dict[tuple[dt.date, str], float]]:
    """Build the staging tables on these records and run each step: {step: {(month, wijk): value}}."""
    con = duckdb.connect()
    for name, rows in tables.items():
        con.execute(f"CREATE TABLE {name} ({DDL[name]})")
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            con.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
    built = {s.name: s for s in staging.build_all(con, QUERIES)}
    out = {}
    for step in steps:
        ind = indicators.parse_file(QUERIES / f"{step}.sql")
        assert all(built[t].ok for t in ind.sql.split() if t in built), built
        rows = con.execute(run_sql(ind)).fetchall()
        out[step] = {(m, w): v for m, w, v in rows}
    con.close()
    return out


def _cells(result: dict[str, dict], steps: list[str]) -> dict[tuple[dt.date, str], list[float]]:
    return {cell: [result[s][cell] for s in steps] for cell in result[steps[0]]}


# ---------------------------------------------------------------- debt: by hand

# The data run until 31-12-2026 (a signal and a case that day), so with a 24-month window the
# last observable signal month is 2024-12.
DEBT_FILLERS = {
    "early_signals": [("Sz", "Z", "WK051801", D(2026, 12, 31), None, None)],
    "debt_cases": [("Cy", "Y", D(2026, 12, 31), None, None, None, None, None)],
}


def test_debt_funnel_by_hand() -> None:
    a, b = "WK051801", "WK051802"
    signals = [
        # H1: signalled twice in January (wijk A first, then B): one household, wijk A; reached.
        ("S1", "H1", a, D(2024, 1, 5), D(2024, 1, 25), "bereikt"),
        ("S1b", "H1", b, D(2024, 1, 20), None, None),
        ("S2", "H2", a, D(2024, 1, 10), D(2024, 1, 15), "geweigerd"),  # reached, said no
        ("S3", "H3", a, D(2024, 1, 12), D(2024, 1, 14), "niet_bereikt"),  # not reached: stops at step 1
        ("S4", "H4", a, D(2024, 1, 15), D(2024, 1, 20), "bereikt"),
        ("S5", "H5", a, D(2024, 1, 31), D(2024, 2, 3), "bereikt"),
        ("S6", "H6", a, D(2024, 1, 8), D(2024, 1, 9), "bereikt"),  # in debt help already: left out
        ("S7", "H7", b, D(2024, 1, 3), D(2024, 1, 4), "bereikt"),
        ("S8", "H8", a, D(2025, 6, 1), D(2025, 6, 2), "bereikt"),  # 2025-06 + 24 months > 2026-12
        ("S9", "H9", a, D(2024, 2, 1), D(2024, 2, 2), "bereikt"),
    ]
    cases = [
        # H1: settlement from June 2024, debt-free 1-12-2025 (window ends 31-1-2026): every step
        (
            "C1",
            "H1",
            D(2024, 2, 10),
            None,
            "schuldbemiddeling",
            D(2024, 6, 1),
            D(2025, 12, 1),
            "schuldenvrij",
        ),
        # H3 registers itself with a settlement, but was not reached: the funnel stops at step 1
        ("C3", "H3", D(2024, 3, 1), None, "saneringskrediet", D(2024, 7, 1), D(2025, 7, 1), "schuldenvrij"),
        # H4: stabilisation is help, not a settlement: steps 1-3
        ("C4", "H4", D(2024, 2, 1), None, "stabilisatie", D(2024, 2, 15), D(2024, 8, 1), "schuldenvrij"),
        # H5: Wsnp started (a settlement), debt-free one day after the window: steps 1-4
        ("C5", "H5", D(2024, 3, 1), None, "wsnp", D(2024, 8, 1), D(2026, 2, 1), "schuldenvrij"),
        # H6: open since June 2023
        ("C6", "H6", D(2023, 6, 1), None, "schuldbemiddeling", D(2023, 9, 1), None, None),
        # H7: an earlier case closed before the signal (not open then), a new one after the window
        ("C7a", "H7", D(2023, 12, 1), None, "stabilisatie", D(2023, 12, 5), D(2023, 12, 20), "stabiel"),
        ("C7b", "H7", D(2026, 2, 15), None, None, None, None, None),
    ]
    result = _run(
        {
            "early_signals": signals + DEBT_FILLERS["early_signals"],
            "debt_cases": cases + DEBT_FILLERS["debt_cases"],
        },
        DEBT,
    )
    assert _cells(result, DEBT) == {
        (D(2024, 1, 1), a): [5, 4, 3, 2, 1],  # H1-H5; H2, H4 and H5 drop out one by one after H3
        (D(2024, 1, 1), b): [1, 1, 0, 0, 0],  # H7
        (D(2024, 2, 1), a): [1, 1, 0, 0, 0],  # H9
    }


# ---------------------------------------------------------------- work: by hand

WORK_FILLERS = {
    "work_activities": [("Az", "Z", D(2026, 12, 31), "gesprek", "wijk", "WK051801", True)],
    "benefit_spells": [("Bz", "Z", "WK051801", D(2026, 12, 31), None)],
    "placements": [("Wy", "Y", "WK051801", D(2026, 12, 31))],
}


def test_work_funnel_by_hand() -> None:
    a, b = "WK051801", "WK051802"
    spells = [(f"B{p}", p, a, D(2020, 1, 1), None) for p in ("P1", "P2", "P3", "P4")]
    spells.append(("B6", "P6", b, D(2020, 1, 1), None))
    acts = [
        ("1a", "P1", D(2025, 1, 10), "gesprek", "wijk", a, True),
        ("1b", "P1", D(2025, 1, 20), "profiel", "hallowerk", a, True),
        ("1c", "P1", D(2025, 2, 1), "match", "hallowerk", a, True),
        ("1d", "P1", D(2025, 3, 1), "proefplaatsing", "wijk", a, True),
        # P2: two interviews in January (one person), a profile and a match, a job without a trial
        ("2a", "P2", D(2025, 1, 5), "gesprek", "wijk", a, True),
        ("2b", "P2", D(2025, 1, 25), "gesprek", "wijk", a, True),
        ("2c", "P2", D(2025, 3, 1), "profiel", "wijk", a, True),
        ("2d", "P2", D(2025, 3, 5), "match", "wijk", a, True),
        # P3: the profile was made before the interview: not a step of this cohort
        ("3a", "P3", D(2025, 1, 15), "gesprek", "wijk", a, True),
        ("3b", "P3", D(2024, 12, 1), "profiel", "wijk", a, True),
        ("3c", "P3", D(2025, 2, 1), "match", "wijk", a, True),
        # P4: the profile comes a day after the window (31-1-2026)
        ("4a", "P4", D(2025, 1, 20), "gesprek", "wijk", a, True),
        ("4b", "P4", D(2026, 2, 1), "profiel", "wijk", a, True),
        # P5 (wijk B): no benefit and no placement, an interview only (contract v2: the activity has its wijk)
        ("5a", "P5", D(2025, 1, 10), "gesprek", "wijk", b, False),
        # P6 (wijk B): every step, placed on the window's last day
        ("6a", "P6", D(2025, 1, 2), "gesprek", "wijk", b, True),
        ("6b", "P6", D(2025, 2, 2), "profiel", "wijk", b, True),
        ("6c", "P6", D(2025, 3, 2), "match", "wijk", b, True),
        ("6d", "P6", D(2025, 4, 2), "proefplaatsing", "wijk", b, True),
    ]
    placements = [
        ("W1", "P1", a, D(2025, 4, 1)),
        ("W2", "P2", a, D(2025, 6, 1)),
        ("W6", "P6", b, D(2026, 1, 31)),
    ]
    result = _run(
        {
            "work_activities": acts + WORK_FILLERS["work_activities"],
            "benefit_spells": spells + WORK_FILLERS["benefit_spells"],
            "placements": placements + WORK_FILLERS["placements"],
        },
        WORK,
    )
    assert _cells(result, WORK) == {
        (D(2025, 1, 1), a): [4, 2, 2, 1, 1],  # P1-P4; P1 and P2 profiled and matched, P1 all the way
        (D(2025, 1, 1), b): [2, 1, 1, 1, 1],  # P5 (interview only) and P6
    }


# ---------------------------------------------------------------- property: no step above the one before

WIJKEN = ("WK051801", "WK051802", "WK051803")
DAYS = st.dates(D(2023, 6, 1), D(2025, 6, 30))


@st.composite
def debt_records(draw: st.DrawFn) -> dict[str, list[tuple]]:
    households = [f"H{i}" for i in range(draw(st.integers(1, 8)))]
    signals, cases = [], []
    for n in range(draw(st.integers(0, 25))):
        received = draw(DAYS)
        contacted = draw(st.none() | st.dates(received, received + dt.timedelta(days=800)))
        result = draw(st.sampled_from(["bereikt", "geweigerd", "niet_bereikt"])) if contacted else None
        signals.append(
            (
                f"S{n}",
                draw(st.sampled_from(households)),
                draw(st.sampled_from(WIJKEN)),
                received,
                contacted,
                result,
            )
        )
    for n in range(draw(st.integers(0, 15))):
        registered = draw(DAYS)
        started = draw(st.none() | st.dates(registered, registered + dt.timedelta(days=400)))
        ended = draw(
            st.none() | st.dates(started or registered, (started or registered) + dt.timedelta(days=900))
        )
        cases.append(
            (
                f"C{n}",
                draw(st.sampled_from(households)),
                registered,
                None,
                draw(
                    st.none()
                    | st.sampled_from(
                        ["stabilisatie", "schuldbemiddeling", "saneringskrediet", "wsnp", "budgetbeheer"]
                    )
                ),
                started,
                ended,
                draw(st.sampled_from(["schuldenvrij", "uitval", "stabiel"])) if ended else None,
            )
        )
    return {
        "early_signals": signals + DEBT_FILLERS["early_signals"],
        "debt_cases": cases + DEBT_FILLERS["debt_cases"],
    }


@st.composite
def work_records(draw: st.DrawFn) -> dict[str, list[tuple]]:
    people = [f"P{i}" for i in range(draw(st.integers(1, 8)))]
    spells = [
        (f"B{p}", p, draw(st.sampled_from(WIJKEN)), draw(DAYS), None) for p in people if draw(st.booleans())
    ]
    acts = [
        (
            f"A{n}",
            draw(st.sampled_from(people)),
            draw(DAYS),
            draw(st.sampled_from(["gesprek", "profiel", "match", "proefplaatsing", "leerwerktraject"])),
            "wijk",
            draw(st.sampled_from(WIJKEN)),
            draw(st.booleans()),
        )
        for n in range(draw(st.integers(0, 30)))
    ]
    placed = [
        (f"W{n}", draw(st.sampled_from(people)), draw(st.sampled_from(WIJKEN)), draw(DAYS))
        for n in range(draw(st.integers(0, 8)))
    ]
    return {
        "work_activities": acts + WORK_FILLERS["work_activities"],
        "benefit_spells": spells + WORK_FILLERS["benefit_spells"],
        "placements": placed + WORK_FILLERS["placements"],
    }


def _never_above(result: dict[str, dict], steps: list[str]) -> None:
    cells = _cells(result, steps)
    assert all(set(result[s]) == set(cells) for s in steps), "every step has the cells of step 1"
    for values in cells.values():
        assert all(b <= a for a, b in itertools.pairwise(values)), cells
    for month in {m for m, _ in cells}:  # the city: a sum over the same cells keeps the order
        city = [sum(v[i] for (m, _), v in cells.items() if m == month) for i in range(len(steps))]
        assert all(b <= a for a, b in itertools.pairwise(city)), city


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(debt_records())
def test_debt_funnel_never_exceeds_the_step_before(records: dict[str, list[tuple]]) -> None:
    _never_above(_run(records, DEBT), DEBT)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(work_records())
def test_work_funnel_never_exceeds_the_step_before(records: dict[str, list[tuple]]) -> None:
    _never_above(_run(records, WORK), WORK)


# ---------------------------------------------------------------- the module on the demo data


def test_cohort_window_and_last_full_month() -> None:
    assert funnel.last_full_month(D(2026, 10, 31)) == D(2026, 10, 1)
    assert funnel.last_full_month(D(2026, 10, 30)) == D(2026, 9, 1)
    assert funnel.cohort_window(D(2024, 10, 1), D(2026, 10, 1)) == 24
    assert funnel.cohort_window(D(2024, 10, 1), None) is None
    assert funnel.cohort_window(D(2026, 10, 1), D(2026, 10, 1)) is None


@pytest.mark.parametrize(
    ("ids", "window", "last_cohort"), [(DEBT, 24, D(2024, 10, 1)), (WORK, 12, D(2025, 10, 1))]
)
def test_demo_funnel_is_one_cohort_in_order(demo_settings, ids, window, last_cohort) -> None:
    """Demo data run until 31-10-2026: the newest cohort month is the window before October 2026."""
    from monitor.engine import get_engine

    steps = funnel.steps(get_engine(demo_settings), ids)
    frame = steps.frame
    assert isinstance(steps, Published) and frame["indicator"].to_list() == ids
    assert frame["window_months"].unique().to_list() == [window]
    assert frame["cohort_end"].unique().to_list() == [last_cohort]
    assert frame["cohort_start"].unique().to_list() == [
        D(last_cohort.year - 1, last_cohort.month + 1, 1)
        if last_cohort.month < 12
        else D(last_cohort.year, 1, 1)
    ]
    values = [v for v in frame["value"].to_list() if v is not None]
    assert values[0] > 1000 and values == sorted(values, reverse=True)


def test_funnel_chart_states_the_cohort_and_shows_a_hidden_step() -> None:
    frame = pl.DataFrame(
        {
            "label": ["Gesignaleerd", "Bereikt", "Aangemeld", "Regeling"],
            "value": [2000.0, 500.0, None, 40.0],
            "suppressed": [False, False, True, False],
            "cohort_start": [D(2023, 11, 1)] * 4,
            "cohort_end": [D(2024, 10, 1)] * 4,
            "window_months": [24] * 4,
        },
        schema_overrides={"window_months": pl.Int64},
    )
    fig = charts.funnel(Published(frame, 10), title="Trechter", t=i18n.Translator("nl"))
    trace = fig.data[0]
    # hand-worked: 500/2000 = 25 %; 40/2000 = 2 %; no share next to the hidden step
    assert list(trace.text) == ["2.000", "500", "x", "40"]
    assert [(a.y, a.text) for a in fig.layout.annotations] == [
        ("Bereikt", "25,0% van vorige stap<br>25,0% van eerste stap"),
        ("Regeling", "2,0% van eerste stap"),
    ]
    assert list(trace.x) == [2000.0, 500.0, 0.0, 40.0]
    assert "nov 2023" in fig.layout.title.text and "okt 2024" in fig.layout.title.text
    assert "24 maanden" in fig.layout.title.text


def test_programme_page_draws_the_cohort_funnel(demo_settings, tmp_path, monkeypatch) -> None:
    """With programme.yaml's funnels set to the trechter steps, the programme page's funnel shows the
    steps in order, with the cohort months and window in its title (the figures: test above)."""
    import json
    import re

    from streamlit.testing.v1 import AppTest

    from monitor import ui
    from monitor.engine import get_engine

    text = (ROOT / "programme.yaml").read_text(encoding="utf-8")
    text = re.sub(r"funnel: \[vroegsignalen_ontvangen[^\]]*\]", f"funnel: [{', '.join(DEBT)}]", text)
    yaml_file = tmp_path / "programme.yaml"
    yaml_file.write_text(text, encoding="utf-8")
    monkeypatch.setenv("MONITOR_PROGRAMME", str(yaml_file))
    at = AppTest.from_file(str(ui.HOME), default_timeout=180)
    at.switch_page("pages/1_programma.py")
    at.query_params["programma"] = "schulden"
    at.run()
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    funnels = [s for s in specs if s["data"] and s["data"][0].get("type") == "funnel"]
    assert len(funnels) == 1
    engine = get_engine(demo_settings)
    # the step titles without "Trechter schulden n: ", capitalised
    assert funnels[0]["data"][0]["y"] == [
        "Huishoudens gesignaleerd", "Huishoudens bereikt", "Aangemeld voor schuldhulp",
        "Schuldregeling gestart", "Schuldenvrij"]
    assert [engine.indicator(i).label("nl").split(": ")[1] for i in DEBT][-1] == "schuldenvrij"
    title = funnels[0]["layout"]["title"]["text"]
    assert "nov 2023" in title and "okt 2024" in title and "24 maanden" in title
