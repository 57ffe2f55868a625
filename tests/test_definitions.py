"""Every indicator's definition on a few records written by hand (issue 10, item 2).

Each test builds a tiny in-memory DuckDB database with exactly the columns the query reads,
runs the query file's SQL body as it is, and compares the rows with the answer worked out
by hand in the comments. Nothing here computes the expected values with the code under test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
import yaml

from monitor import checks, indicators, staging, workdays
from monitor.indicators import IndicatorError
from monitor.indicators.frontmatter import parse_text, split

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
D = dt.date

DEBT_COLUMNS = ("case_id VARCHAR, household_id VARCHAR, wijk_code VARCHAR, registered_on DATE, "
                "first_interview_on DATE, urgent BOOLEAN, route VARCHAR, started_on DATE, ended_on DATE, "
                "end_reason VARCHAR")
SIGNAL_COLUMNS = ("signal_id VARCHAR, household_id VARCHAR, wijk_code VARCHAR, received_on DATE, "
                  "contact_result VARCHAR, help_accepted BOOLEAN")
SPELL_COLUMNS = ("spell_id VARCHAR, person_id VARCHAR, benefit_unit_id VARCHAR, wijk_code VARCHAR, "
                 "started_on DATE, ended_on DATE, end_reason VARCHAR")
ACTIVITY_COLUMNS = ("activity_id VARCHAR, person_id VARCHAR, wijk_code VARCHAR, on_benefit BOOLEAN, "
                    "activity_on DATE, activity VARCHAR, channel VARCHAR")
PLACEMENT_COLUMNS = "placement_id VARCHAR, person_id VARCHAR, wijk_code VARCHAR, placed_on DATE, " \
                    "from_benefit BOOLEAN, employed_12m BOOLEAN"


def _sql(ind_id: str) -> str:
    path = QUERIES / f"{ind_id}.sql"
    return split(path.read_text(encoding="utf-8"), path).sql


# the columns the queries split by (front matter `dimensions:`): added to each table, null unless a
# test sets them; `_run` leaves them out, so each definition test reads as before (tests/test_groups.py
# checks the splits)
DIMENSION_COLUMNS = {"debt_cases": "household_type VARCHAR, age_band VARCHAR",
                     "early_signals": "partner VARCHAR, partner_name VARCHAR",
                     "placements": "contract VARCHAR, wage_subsidy BOOLEAN"}


def _db(**tables: tuple[str, list[tuple]]) -> duckdb.DuckDBPyConnection:
    """An in-memory database: table name -> (column definitions, rows)."""
    con = duckdb.connect()
    for name, (columns, rows) in tables.items():
        extra = DIMENSION_COLUMNS.get(name, "")
        con.execute(f"CREATE TABLE {name} ({columns}{', ' + extra if extra else ''})")
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            names = ", ".join(c.split()[0] for c in columns.split(", ")[:len(rows[0])])
            con.executemany(f"INSERT INTO {name} ({names}) VALUES ({marks})", rows)
    return con


def _run(con: duckdb.DuckDBPyConnection, ind_id: str) -> list[tuple]:
    """The query's rows without its dimension columns, sorted, with DOUBLE values as plain numbers."""
    path = QUERIES / f"{ind_id}.sql"
    dims = parse_text(path.read_text(encoding="utf-8"), path).dimensions
    sql = f"SELECT * EXCLUDE ({', '.join(dims)}) FROM ({_sql(ind_id)})" if dims else _sql(ind_id)
    return sorted(con.execute(sql).fetchall(), key=lambda r: tuple(str(x) for x in r))


def _case(case_id: str, household: str, registered: dt.date, *, wijk: str = "WK051801",
          interview: dt.date | None = None, urgent: bool = False, route: str | None = None,
          started: dt.date | None = None, ended: dt.date | None = None, reason: str | None = None) -> tuple:
    return (case_id, household, wijk, registered, interview, urgent, route, started, ended, reason)


W1, W2 = "WK051801", "WK051802"


# ---------------------------------------------------------------- debt help: the Wsnp rule


DEBT_FREE_CASES = [
    # h1 ends debt-free in January in W1, registers again, moves and ends debt-free in June in W2
    _case("c1", "h1", D(2023, 3, 1), route="schuldbemiddeling", started=D(2023, 5, 1), ended=D(2024, 1, 15),
          reason="schuldenvrij"),
    _case("c2", "h1", D(2024, 2, 1), wijk=W2, route="saneringskrediet", started=D(2024, 3, 1),
          ended=D(2024, 6, 10), reason="schuldenvrij"),
    # h2 drops out: no debt-free household, but an ended settlement
    _case("c3", "h2", D(2023, 4, 1), route="schuldbemiddeling", started=D(2023, 6, 1), ended=D(2024, 1, 20),
          reason="uitval"),
    # h3 goes through the Wsnp and ends debt-free: counted everywhere (the one Wsnp rule)
    _case("c4", "h3", D(2021, 1, 1), route="wsnp", started=D(2021, 3, 1), ended=D(2024, 3, 31),
          reason="schuldenvrij"),
    # h4 is still running; h5 had budget management (not a settlement) that ended stable
    _case("c5", "h4", D(2024, 1, 5), route="wsnp", started=D(2024, 2, 1)),
    _case("c6", "h5", D(2023, 1, 5), route="budgetbeheer", started=D(2023, 2, 1), ended=D(2024, 1, 31),
          reason="stabiel"),
]


def test_huishoudens_schuldenvrij_is_one_row_per_debt_free_end_keyed_by_household() -> None:
    con = _db(debt_cases=(DEBT_COLUMNS, DEBT_FREE_CASES))
    rows = _run(con, "huishoudens_schuldenvrij")
    # by hand: c1 (Jan, W1, h1), c4 (Mar, W1, h3: the Wsnp counts), c2 (Jun, W2, h1); c3, c5, c6 are no
    # debt-free ends
    assert rows == [(D(2024, 1, 1), W1, "h1"), (D(2024, 3, 1), W1, "h3"), (D(2024, 6, 1), W2, "h1")]
    # three debt-free ends, but two households in 2024: h1 (counted in W2, its latest row) and h3
    assert {key for _, _, key in rows} == {"h1", "h3"}


def test_the_settlement_indicators_follow_the_same_wsnp_rule() -> None:
    con = _db(debt_cases=(DEBT_COLUMNS, DEBT_FREE_CASES))
    # started settlements: c1 2023-05, c3 2023-06, c4 2021-03 (Wsnp), c2 2024-03 W2, c5 2024-02 (Wsnp);
    # c6 is budget management, not a settlement
    assert _run(con, "schuldregelingen_gestart") == [
        (D(2021, 3, 1), W1, 1.0), (D(2023, 5, 1), W1, 1.0), (D(2023, 6, 1), W1, 1.0),
        (D(2024, 2, 1), W1, 1.0), (D(2024, 3, 1), W2, 1.0)]
    # ended settlements: Jan W1 c1 (debt-free) and c3 (drop-out); Mar W1 c4 (Wsnp, debt-free);
    # Jun W2 c2 (debt-free); c6 is no settlement
    assert _run(con, "schuldenvrij_na_regeling_pct") == [
        (D(2024, 1, 1), W1, 1.0, 2.0), (D(2024, 3, 1), W1, 1.0, 1.0), (D(2024, 6, 1), W2, 1.0, 1.0)]
    # every ended case, whatever the reason or route: Jan W1 c1, c3, c6; Mar W1 c4; Jun W2 c2
    assert _run(con, "trajecten_beeindigd") == [
        (D(2024, 1, 1), W1, 3.0), (D(2024, 3, 1), W1, 1.0), (D(2024, 6, 1), W2, 1.0)]
    # requests by request month: 2021-01 c4, 2023-01 c6, 2023-03 c1, 2023-04 c3, 2024-01 c5, 2024-02 c2 (W2)
    assert _run(con, "schuldhulp_aanmeldingen") == [
        (D(2021, 1, 1), W1, 1.0), (D(2023, 1, 1), W1, 1.0), (D(2023, 3, 1), W1, 1.0),
        (D(2023, 4, 1), W1, 1.0), (D(2024, 1, 1), W1, 1.0), (D(2024, 2, 1), W2, 1.0)]


def test_schuldenvrij_cohort_counts_the_wsnp_too() -> None:
    cases = [
        # the first recorded end (2024-01-10) opens the cohorts: January 2024
        _case("c1", "h1", D(2024, 1, 2), route="wsnp", started=D(2024, 1, 5), ended=D(2024, 1, 10),
              reason="schuldenvrij"),
        _case("c2", "h2", D(2024, 1, 3), route="schuldbemiddeling", started=D(2024, 2, 1),
              ended=D(2024, 4, 30), reason="schuldenvrij"),
        _case("c3", "h3", D(2024, 1, 4)),
    ]
    con = _db(debt_cases=(DEBT_COLUMNS, cases))
    rows = [r for r in _run(con, "schuldenvrij_cohort")]
    # data run to 2024-04-30: the last full month is April, so n = 0 and 3 only. January's group of 3:
    # debt-free within 0 months: c1 (Wsnp, January); within 3 months (by April): c1 and c2
    assert rows == [(D(2024, 1, 1), 0, W1, 1.0, 3.0), (D(2024, 1, 1), 3, W1, 2.0, 3.0)]


def test_duurzaam_schuldenvrij_pct_waits_twelve_months() -> None:
    cases = [
        # h1: debt-free 2023-01-10, back on 2023-12-01 (within 12 months): not lasting
        _case("a1", "h1", D(2022, 1, 1), ended=D(2023, 1, 10), reason="schuldenvrij"),
        _case("a2", "h1", D(2023, 12, 1)),
        # h2: debt-free 2023-01-20, back on 2024-01-21, one day after the twelve months: lasting
        _case("b1", "h2", D(2022, 1, 1), ended=D(2023, 1, 20), reason="schuldenvrij"),
        _case("b2", "h2", D(2024, 1, 21)),
        # h3: debt-free 2023-01-31, back on 2024-01-31, the last day of the twelve months: not lasting
        _case("c1", "h3", D(2022, 1, 1), ended=D(2023, 1, 31), reason="schuldenvrij"),
        _case("c2", "h3", D(2024, 1, 31)),
        # h4: debt-free 2023-06-15: measured in 2024-06, which the data (to 2024-06-20) do not cover
        _case("d1", "h4", D(2022, 1, 1), ended=D(2023, 6, 15), reason="schuldenvrij"),
        _case("z1", "h9", D(2024, 6, 20)),
    ]
    con = _db(debt_cases=(DEBT_COLUMNS, cases))
    # all three January exits are measured in January 2024; h4 has no row (not yet observable, not 0)
    assert _run(con, "duurzaam_schuldenvrij_pct") == [
        (D(2024, 1, 1), W1, "h1", False), (D(2024, 1, 1), W1, "h2", True), (D(2024, 1, 1), W1, "h3", False)]


# ---------------------------------------------------------------- the legal term of the first interview


def test_the_calendar_knows_the_dutch_holidays() -> None:
    days = workdays.calendar_frame(D(2025, 4, 17), D(2025, 5, 6))
    working = dict(zip(days["day"].to_list(), days["working_day"].to_list(), strict=True))
    # 2025: Goede Vrijdag 18 April, Tweede Paasdag 21 April, Koningsdag on Saturday 26 April (27 April is a
    # Sunday), Bevrijdingsdag Monday 5 May; weekends off
    off = {D(2025, 4, 18), D(2025, 4, 19), D(2025, 4, 20), D(2025, 4, 21), D(2025, 4, 26), D(2025, 4, 27),
           D(2025, 5, 3), D(2025, 5, 4), D(2025, 5, 5)}
    assert {d for d, ok in working.items() if not ok} == off
    # Bevrijdingsdag is a holiday every year (Algemene termijnenwet), not only every fifth: Tuesday 5 May 2026
    assert workdays.calendar_frame(D(2026, 5, 5), D(2026, 5, 5))["working_day"].to_list() == [False]


def test_eerste_gesprek_binnen_termijn_counts_working_days_and_missed_interviews() -> None:
    cases = [
        # urgent, requested on Goede Vrijdag 2025-04-18: the three working days are Tue 22, Wed 23 and
        # Thu 24 April (Easter Monday 21 April is a holiday). Interview on Thu 24: in time; on Fri 25: late
        _case("u1", "h1", D(2025, 4, 18), urgent=True, interview=D(2025, 4, 24)),
        _case("u2", "h2", D(2025, 4, 18), urgent=True, interview=D(2025, 4, 25)),
        # urgent, requested on Wednesday 23 April: Thu 24, Fri 25, (weekend), Mon 28. Interview Mon 28:
        # in time
        _case("u3", "h3", D(2025, 4, 23), urgent=True, interview=D(2025, 4, 28)),
        # not urgent, 1 April: the term ends on 29 April (28 days). Interview on 29 April: in time; 30: late
        _case("n1", "h4", D(2025, 4, 1), interview=D(2025, 4, 29)),
        _case("n2", "h5", D(2025, 4, 1), interview=D(2025, 4, 30)),
        # not urgent, 3 March, never interviewed: the term ended on 31 March, long before the data end: late
        _case("n3", "h6", D(2025, 3, 3)),
        # not urgent, Saturday 22 March: 28 days end on Saturday 19 April, a day off, as are Easter
        # Sunday and Monday, so the term runs on to Tuesday 22 April (Algemene termijnenwet art. 1).
        # Interview Tue 22 April: in time; Wed 23 April: late
        _case("n5", "h9", D(2025, 3, 22), interview=D(2025, 4, 22)),
        _case("n6", "h10", D(2025, 3, 22), interview=D(2025, 4, 23)),
        # the latest date in the data is 20 May. Not urgent on 20 May (term to 17 June) and urgent on
        # Monday 19 May (term to Thursday 22 May), no interview yet: terms still running, not counted yet
        _case("n4", "h7", D(2025, 5, 20)),
        _case("u4", "h8", D(2025, 5, 19), urgent=True),
    ]
    con = _db(debt_cases=(DEBT_COLUMNS, cases))
    con.register("calendar_days", workdays.calendar_frame(D(2025, 1, 1), D(2025, 12, 31)).to_arrow())
    con.execute(f"CREATE TABLE {workdays.TABLE} AS SELECT * FROM calendar_days")
    # March: n5 in time; n3, n6 late (1 of 3). April: u1, u3, n1 in time; u2, n2 late (3 of 5).
    # May: nothing decided yet
    assert _run(con, "eerste_gesprek_binnen_termijn_pct") == [
        (D(2025, 3, 1), W1, 1.0, 3.0), (D(2025, 4, 1), W1, 3.0, 5.0)]
    # the mean waiting time counts the interviews held, in the month of the interview: April holds
    # u1 6 days, u2 7, u3 5, n1 28, n2 29, n5 31, n6 32 = 138 days over 7 interviews
    assert _run(con, "dagen_tot_eerste_gesprek") == [(D(2025, 4, 1), W1, 138.0, 7.0)]


# ---------------------------------------------------------------- early warning


SIGNALS = [
    # h1: not reached in January (W1), reached in February after a move (W2)
    ("s1", "h1", W1, D(2024, 1, 5), "niet_bereikt", False),
    ("s2", "h1", W2, D(2024, 2, 10), "bereikt", True),
    # h2 declined help: reached all the same
    ("s3", "h2", W1, D(2024, 1, 7), "geweigerd", False),
    # h3 not contacted yet
    ("s4", "h3", W1, D(2024, 1, 8), None, False),
    # h4 and h5 have a running debt-help case on the signal date (h5's ends that very day)
    ("s5", "h4", W1, D(2024, 1, 9), "bereikt", True),
    ("s6", "h5", W1, D(2024, 1, 31), "bereikt", False),
    # h6's case ended the day before the signal; h7's case starts the day after: both are in
    ("s7", "h6", W1, D(2024, 1, 15), "bereikt", True),
    ("s8", "h7", W1, D(2024, 1, 15), "niet_bereikt", False),
]
SIGNAL_CASES = [
    _case("k4", "h4", D(2023, 12, 1)),
    _case("k5", "h5", D(2023, 5, 1), ended=D(2024, 1, 31), reason="stabiel"),
    _case("k6", "h6", D(2023, 5, 1), ended=D(2024, 1, 14), reason="stabiel"),
    _case("k7", "h7", D(2024, 1, 16)),
]


def _signals_db() -> duckdb.DuckDBPyConnection:
    return _db(early_signals=(SIGNAL_COLUMNS, SIGNALS), debt_cases=(DEBT_COLUMNS, SIGNAL_CASES))


def test_vroegsignalen_bereikt_counts_households_and_geweigerd_as_reached() -> None:
    rows = _run(_signals_db(), "vroegsignalen_bereikt_pct")
    # h4 and h5 are left out (already in debt help); geweigerd (h2) is reached
    assert rows == [
        (D(2024, 1, 1), W1, "h1", False), (D(2024, 1, 1), W1, "h2", True), (D(2024, 1, 1), W1, "h3", False),
        (D(2024, 1, 1), W1, "h6", True), (D(2024, 1, 1), W1, "h7", False), (D(2024, 2, 1), W2, "h1", True)]
    # over 2024: 5 households (h1 once, though signalled twice), 3 reached (h1 in February, h2, h6)
    assert len({r[2] for r in rows}) == 5 and len({r[2] for r in rows if r[3]}) == 3


def test_households_already_in_debt_help_are_reported_apart() -> None:
    con = _signals_db()
    assert _run(con, "vroegsignalen_al_in_schuldhulp") == [(D(2024, 1, 1), W1, "h4"),
                                                           (D(2024, 1, 1), W1, "h5")]
    # accepted help: h1 (February, W2) and h6; h4 accepted too but is already in debt help
    assert _run(con, "hulp_geaccepteerd") == [(D(2024, 1, 1), W1, "h6"), (D(2024, 2, 1), W2, "h1")]
    # signals received: every signal, households in debt help included: 7 in January W1, 1 in February W2
    assert _run(con, "vroegsignalen_ontvangen") == [(D(2024, 1, 1), W1, 7.0), (D(2024, 2, 1), W2, 1.0)]


# ---------------------------------------------------------------- social assistance


def _spell(spell_id: str, person: str, unit: str, started: dt.date, ended: dt.date | None = None,
           reason: str | None = None, wijk: str = W1) -> tuple:
    return (spell_id, person, unit, wijk, started, ended, reason)


def test_the_benefit_stock_is_taken_on_the_last_day_of_the_month() -> None:
    spells = [
        _spell("s1", "p1", "b1", D(2024, 1, 10), D(2024, 1, 31), "werk"),  # ends on the last day: in January
        _spell("s2", "p2", "b2", D(2024, 1, 5), D(2024, 1, 30), "overig"),  # ends the day before: not
        _spell("s3", "p3", "b3", D(2023, 12, 1), D(2024, 2, 29), "werk"),  # to the last day of February 2024
        _spell("s4", "p4", "b4", D(2024, 2, 1)),  # a couple: two people, one benefit
        _spell("s5", "p5", "b4", D(2024, 2, 1)),
        _spell("s6", "p6", "b6", D(2024, 2, 10), wijk=W2),
        # a second spell of p3 overlapping the first (an administrative overlap): p3 still counts once
        _spell("s7", "p3", "b3", D(2024, 1, 15), D(2024, 2, 10), "overig"),
    ]
    con = _db(benefit_spells=(SPELL_COLUMNS, spells))
    # both stocks read the month-end level from the staging table (queries/_staging/stg_bijstand_stand.sql)
    built = {s.name: s for s in staging.build_all(con, QUERIES)}
    assert built["stg_bijstand_stand"].ok, built["stg_bijstand_stand"].problems
    # the first recorded end is in January 2024, the last date in February: two months, both wijken
    # 31 January: p1, p3 in W1; nobody in W2. 29 February: p3, p4, p5 in W1; p6 in W2
    assert _run(con, "bijstand_personen") == [
        (D(2024, 1, 1), W1, 2.0), (D(2024, 1, 1), W2, 0.0),
        (D(2024, 2, 1), W1, 3.0), (D(2024, 2, 1), W2, 1.0)]
    # benefits: January b1, b3 (its two spells once); February b3 and b4 (the couple once); W2 b6
    assert _run(con, "bijstandsuitkeringen") == [
        (D(2024, 1, 1), W1, 2.0), (D(2024, 1, 1), W2, 0.0),
        (D(2024, 2, 1), W1, 2.0), (D(2024, 2, 1), W2, 1.0)]
    # exits to work or training by month of the last benefit day: s1 January, s3 February
    assert _run(con, "uitstroom_werk_scholing") == [(D(2024, 1, 1), W1, 1.0), (D(2024, 2, 1), W1, 1.0)]


def test_huishoudens_in_schuldhulp_counts_a_case_ending_on_the_last_day() -> None:
    cases = [
        _case("c1", "h1", D(2024, 1, 5), ended=D(2024, 1, 31), reason="stabiel"),  # ends on the last day: in
        _case("c2", "h1", D(2024, 1, 20)),  # the same household again: counted once
        _case("c3", "h2", D(2024, 1, 2), ended=D(2024, 1, 30), reason="uitval"),  # ended before the last day
        _case("c4", "h3", D(2024, 1, 31)),  # registered on the last day: in
    ]
    con = _db(debt_cases=(DEBT_COLUMNS, cases))
    assert _run(con, "huishoudens_in_schuldhulp") == [(D(2024, 1, 1), W1, 2.0)]


def test_herinstroom_bijstand_counts_returns_within_twelve_months() -> None:
    spells = [
        # p1 left for work on 2023-03-10 and was back on 2024-03-10, the last day of the twelve months
        _spell("a1", "p1", "b1", D(2022, 1, 1), D(2023, 3, 10), "werk"),
        _spell("a2", "p1", "b1", D(2024, 3, 10)),
        # p2 left for work on 2023-03-15 and came back on 2024-03-16, one day too late to count
        _spell("b1", "p2", "b2", D(2022, 1, 1), D(2023, 3, 15), "werk"),
        _spell("b2", "p2", "b2", D(2024, 3, 16)),
        # p3 left for training: not in this indicator
        _spell("c1", "p3", "b3", D(2022, 1, 1), D(2023, 3, 20), "scholing"),
        # p4 left for work on 2023-09-05: measured in 2024-09, after the data's last full month (July)
        _spell("d1", "p4", "b4", D(2022, 1, 1), D(2023, 9, 5), "werk"),
        _spell("z1", "p9", "b9", D(2024, 8, 12)),
    ]
    con = _db(benefit_spells=(SPELL_COLUMNS, spells))
    assert _run(con, "herinstroom_bijstand_12m_pct") == [
        (D(2024, 3, 1), W1, "p1", True), (D(2024, 3, 1), W1, "p2", False)]


# ---------------------------------------------------------------- the work programme


def test_work_outputs_read_the_wijk_of_the_activity_and_count_jobseekers_without_a_benefit() -> None:
    activities = [
        ("a1", "p1", W1, True, D(2024, 1, 3), "gesprek", "wijk"),
        ("a2", "p2", W1, False, D(2024, 1, 4), "gesprek", "hallowerk"),  # no benefit: counted too
        ("a3", "p3", None, False, D(2024, 1, 5), "gesprek", "wijk"),  # no wijk: left out
        ("a4", "p2", W2, False, D(2024, 1, 6), "profiel", "hallowerk"),
        ("a5", "p4", W2, True, D(2024, 1, 7), "profiel", "wijk"),  # not on the platform
        ("a6", "p2", W1, False, D(2024, 1, 8), "match", "werkgeversservicepunt"),
        ("a7", "p1", W2, True, D(2024, 2, 1), "proefplaatsing", "wijk"),
    ]
    con = _db(work_activities=(ACTIVITY_COLUMNS, activities))
    assert _run(con, "werk_gesprekken") == [(D(2024, 1, 1), W1, 2.0)]
    assert _run(con, "platform_profielen") == [(D(2024, 1, 1), W2, 1.0)]
    assert _run(con, "matches") == [(D(2024, 1, 1), W1, 1.0)]
    assert _run(con, "proefplaatsingen") == [(D(2024, 2, 1), W2, 1.0)]


def test_placements_after_twelve_months_and_the_untraceable_ones() -> None:
    placements = [
        ("x1", "p1", W1, D(2023, 1, 10), True, True),
        ("x2", "p2", W1, D(2023, 1, 20), True, False),
        ("x3", "p3", W1, D(2023, 1, 25), False, None),  # twelve months over, outcome empty: untraceable
        ("x4", "p4", W2, D(2024, 5, 10), False, None),  # twelve months not over: not yet observable
    ]
    con = _db(placements=(PLACEMENT_COLUMNS, placements))
    # the data end on 2024-05-10, so April 2024 is the last full month. January 2023's placements are
    # measured in January 2024: one of the two known outcomes works; x3 is left out of both
    assert _run(con, "duurzaam_werk_12m_pct") == [(D(2024, 1, 1), W1, 1.0, 2.0)]
    # by month of the first working day: from benefit x1, x2; without a benefit x3 (W1) and x4 (W2)
    assert _run(con, "plaatsingen_vanuit_bijstand") == [(D(2023, 1, 1), W1, 2.0)]
    assert _run(con, "plaatsingen_zonder_uitkering") == [(D(2023, 1, 1), W1, 1.0), (D(2024, 5, 1), W2, 1.0)]


@pytest.mark.parametrize("ind_id", ["werkend_na_plaatsing_cohort"])
def test_the_placement_cohort_keeps_its_shape(ind_id: str) -> None:
    columns = PLACEMENT_COLUMNS + ", employed_6m BOOLEAN"  # rows: ..., employed_12m, employed_6m
    rows = [("x1", "p1", W1, D(2023, 1, 10), True, True, True),
            ("x2", "p2", W1, D(2023, 1, 20), True, False, None),
            ("x9", "p9", W1, D(2024, 1, 31), True, None, None)]
    con = _db(placements=(columns, rows))
    got = [r for r in _run(con, ind_id) if r[0] == D(2023, 1, 1)]
    # January 2023's two placements: at 0 months both work; at 6 months x1 works, x2's outcome is empty
    # (left out); at 12 months x1 works and x2 does not
    assert got == [(D(2023, 1, 1), 0, W1, 2.0, 2.0), (D(2023, 1, 1), 12, W1, 1.0, 2.0),
                   (D(2023, 1, 1), 6, W1, 1.0, 1.0)]


# ---------------------------------------------------------------- the front matter and the Definitions table


MINIMAL = """/*---
title: {nl: Proef, en: Test}
description: {nl: Eenheid proef, en: Unit test}
basis: {nl: Wgs art. 4, en: Wgs art. 4}
kind: output
programme: schulden
measure: count
unit: aanmeldingen
direction: up
sources: [debt_cases]
---*/
-- a comment
SELECT date_trunc('month', registered_on)::DATE AS month, wijk_code, count(*)::DOUBLE AS value
FROM debt_cases GROUP BY ALL
"""


def _front(path: Path) -> dict:
    return yaml.safe_load(split(path.read_text(encoding="utf-8"), path).yaml_text)


def test_basis_and_provisional_months_are_read(tmp_path: Path) -> None:
    text = MINIMAL.replace("direction: up", "direction: up\nprovisional_months: 2")
    ind = parse_text(text, tmp_path / "x.sql")
    assert ind.basis == {"nl": "Wgs art. 4", "en": "Wgs art. 4"} and ind.provisional_months == 2
    plain = parse_text(MINIMAL.replace("basis: {nl: Wgs art. 4, en: Wgs art. 4}\n", ""), tmp_path / "x.sql")
    assert plain.basis is None and plain.provisional_months == 0
    with pytest.raises(IndicatorError, match=r"x.sql:4: basis needs a non-empty 'en' text"):
        parse_text(MINIMAL.replace(", en: Wgs art. 4}", "}"), tmp_path / "x.sql")
    for bad in ("-1", "true", "'twee'"):
        # line 10: below direction (line 9)
        with pytest.raises(IndicatorError, match=r"x.sql:10: provisional_months must be a whole number"):
            parse_text(MINIMAL.replace("direction: up", f"direction: up\nprovisional_months: {bad}"),
                       tmp_path / "x.sql")


def test_the_working_day_calendar_is_an_allowed_source(tmp_path: Path) -> None:
    ind = parse_text(MINIMAL.replace("[debt_cases]", f"[debt_cases, {workdays.TABLE}]"), tmp_path / "x.sql")
    assert workdays.TABLE in ind.sources
    with pytest.raises(IndicatorError, match=r"x.sql:10: unknown source 'workday' \(did you mean 'workdays'"):
        parse_text(MINIMAL.replace("[debt_cases]", "[debt_cases, workday]"), tmp_path / "x.sql")


def test_check_reports_an_indicator_without_description_or_basis(tmp_path: Path) -> None:
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "complete.sql").write_text(MINIMAL)
    (folder / "bare.sql").write_text("\n" + MINIMAL.replace("basis: {nl: Wgs art. 4, en: Wgs art. 4}\n", "")
                                     .replace("description: {nl: Eenheid proef, en: Unit test}\n", ""))
    registry = indicators.load_registry(folder)
    assert not registry.problems
    problems = checks.check_definitions(registry)
    # the front matter of bare.sql opens on line 2: both problems point there
    assert [p.split(": missing key")[0].endswith("bare.sql:2") for p in problems] == [True, True]
    assert "missing key 'description'" in problems[0] and "missing key 'basis'" in problems[1]


def test_every_indicator_has_a_description_and_a_basis() -> None:
    for path in sorted(QUERIES.glob("*.sql")):
        data = _front(path)
        for key in ("description", "basis"):
            assert all(str(data.get(key, {}).get(lang) or "").strip() for lang in ("nl", "en")), \
                f"{path.name}: give {key}: {{nl: ..., en: ...}}"
        assert data["description"]["nl"].startswith("Eenheid: "), f"{path.name}: start with the unit"
        assert data["description"]["en"].startswith("Unit: "), f"{path.name}: start with the unit"


def test_the_definitions_table_matches_the_front_matter() -> None:
    readme = (QUERIES / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Definitions\n", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    table = {}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        table[cells[0].strip("`")] = cells
    assert sorted(table) == sorted(p.stem for p in QUERIES.glob("*.sql")), \
        "one row per query file in the Definitions table of queries/README.md"
    for ind_id, cells in table.items():
        data = _front(QUERIES / f"{ind_id}.sql")
        assert cells[1].endswith(f"(`{data['unit']}`, {data['measure']})"), f"{ind_id}: unit/measure drifted"
        assert cells[5] == data["basis"]["en"], f"{ind_id}: the source differs from basis.en in the file"
