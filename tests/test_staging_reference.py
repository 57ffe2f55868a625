"""The staging tables, row for row, against a plain Python reading of their own definitions.

Why: the staging SQL is written for speed at scale (`docs/benchmarks.md`: only units with more
than one spell are put in order, only the asked steps are joined, only observable months are
grouped), and speed-ups are where a definition quietly drifts. Each test draws small random
deliveries (hypothesis), builds the staging tables on them in DuckDB and compares every row with
what the table's description in `queries/_staging/` says, computed here in Python, one record at a
time, without SQL. Dates are drawn without ties where the SQL would pick one of two rows freely
(`arg_min`/`arg_max` on the same day).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor import staging

QUERIES = Path(__file__).resolve().parent.parent / "queries"
D = dt.date
WIJKEN = ("WK051801", "WK051802", "WK051803")
SETTLEMENT = ("schuldbemiddeling", "saneringskrediet", "wsnp")
DDL = {
    "benefit_spells": "spell_id VARCHAR, person_id VARCHAR, benefit_unit_id VARCHAR, wijk_code VARCHAR, "
    "started_on DATE, ended_on DATE",
    "work_activities": "activity_id VARCHAR, person_id VARCHAR, activity_on DATE, activity VARCHAR, "
    "wijk_code VARCHAR",
    "placements": "placement_id VARCHAR, person_id VARCHAR, wijk_code VARCHAR, placed_on DATE",
    "early_signals": "signal_id VARCHAR, household_id VARCHAR, wijk_code VARCHAR, received_on DATE, "
    "contacted_on DATE, contact_result VARCHAR",
    "debt_cases": "case_id VARCHAR, household_id VARCHAR, registered_on DATE, first_interview_on DATE, "
    "route VARCHAR, started_on DATE, ended_on DATE, end_reason VARCHAR",
}
RUN = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _staged(tables: dict[str, list[tuple]], name: str) -> list[tuple]:
    """Build every staging file on these records (a file whose extracts are absent fails alone)
    and read one staging table, sorted."""
    con = duckdb.connect()
    try:
        for table, rows in tables.items():
            con.execute(f"CREATE TABLE {table} ({DDL[table]})")
            if rows:
                con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
        built = {s.name: s for s in staging.build_all(con, QUERIES)}
        assert built[name].ok, built[name].problems
        return sorted(con.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
    finally:
        con.close()


def _month(day: D) -> D:
    return day.replace(day=1)


def _add_months(month: D, n: int) -> D:
    index = month.year * 12 + month.month - 1 + n
    return D(index // 12, index % 12 + 1, 1)


def _month_end(month: D) -> D:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _last_full_month(latest: D | None) -> D | None:
    """The last month the data cover to its last day (the staging files' `coverage`)."""
    return None if latest is None else _add_months(_month(latest + dt.timedelta(days=1)), -1)


def _distinct_days(draw: st.DrawFn, n: int, lo: D, hi: D) -> list[D]:
    return draw(st.lists(st.dates(lo, hi), min_size=n, max_size=n, unique=True))


# ---------------------------------------------------------------- the month-end level of social assistance


@st.composite
def spells(draw: st.DrawFn) -> list[tuple]:
    """Spells of a few people in a few benefits (couples share one); starts never tie."""
    n = draw(st.integers(1, 14))
    starts = _distinct_days(draw, n, D(2022, 1, 1), D(2024, 6, 30))
    rows = []
    for i, start in enumerate(starts):
        person = draw(st.integers(0, 5))
        unit = draw(st.sampled_from([person, person // 2]))  # p0 and p1 can share benefit u0
        ended = draw(st.none() | st.dates(start, start + dt.timedelta(days=500)))
        rows.append((f"s{i}", f"p{person}", f"u{unit}", draw(st.sampled_from(WIJKEN)), start, ended))
    return rows


def _stretches(rows: list[tuple]) -> list[tuple[D, D | None, str]]:
    """A unit's spells merged while they overlap (a spell starting after every earlier one ended
    starts a new stretch): (start, end or None when open, wijk of the latest spell)."""
    out: list[list] = []
    earlier_end: D | None = None  # the latest end so far; None: open (or no spell yet)
    for _, _, _, wijk, start, ended in sorted(rows, key=lambda r: (r[4], r[0])):
        if not out or (earlier_end is not None and start > earlier_end):
            out.append([start, ended, wijk])
            earlier_end = ended
            continue
        stretch = out[-1]
        stretch[1] = None if ended is None or stretch[1] is None else max(stretch[1], ended)
        stretch[2] = wijk  # sorted by start: this spell is the stretch's latest
        earlier_end = stretch[1]
    return [tuple(s) for s in out]


def _level_reference(rows: list[tuple]) -> list[tuple]:
    ends = [r[5] for r in rows if r[5] is not None]
    if not ends:
        return []
    first = _month(min(ends))
    last = _month(max(max(r[4] for r in rows), max(ends)))
    wijken = sorted({r[3] for r in rows})
    out = []
    for counted, at in (("personen", 1), ("uitkeringen", 2)):
        units: dict[str, list[tuple]] = defaultdict(list)
        for r in rows:
            units[r[at]].append(r)
        stretches = [s for unit in units.values() for s in _stretches(unit)]
        month = first
        while month <= last:
            day = _month_end(month)
            for wijk in wijken:
                level = sum(1 for start, end, w in stretches
                            if w == wijk and start <= day and (end is None or end >= day))
                out.append((counted, month, wijk, float(level)))
            month = _add_months(month, 1)
    return sorted(out, key=repr)


@RUN
@given(spells())
def test_the_benefit_level_is_every_unit_on_benefit_on_the_months_last_day(rows: list[tuple]) -> None:
    assert _staged({"benefit_spells": rows}, "stg_bijstand_stand") == _level_reference(rows)


# ---------------------------------------------------------------- the work funnel


def _near(draw: st.DrawFn, anchors: list[D], lo: D, hi: D, window: int) -> D:
    """Mostly a day on an edge of one of `anchors`: the day itself or the day before, the last day
    of its window of `window` months or the day after (the edges a definition gets wrong); else
    some days after an anchor, or anywhere in [lo, hi]."""
    choice = draw(st.integers(0, 3)) if anchors else 0
    if choice == 0:
        return draw(st.dates(lo, hi))
    anchor = draw(st.sampled_from(anchors))
    if choice == 3:
        return draw(st.dates(anchor, anchor + dt.timedelta(days=800)))
    last = _add_months(_month(anchor), window + 1) - dt.timedelta(days=1)
    one = dt.timedelta(days=1)
    return draw(st.sampled_from([anchor, anchor - one, last, last + one]))


@st.composite
def work(draw: st.DrawFn) -> dict[str, list[tuple]]:
    """Interviews of a few people (no two on one day: the first of a month is then one row), each
    followed now and then by the later steps and a placement on or near the window's edges, and a
    few steps anywhere; the data's end varies, so the newest observable month moves through them."""
    days = _distinct_days(draw, draw(st.integers(0, 8)), D(2022, 1, 1), D(2023, 12, 31))
    acts, placed = [], []
    for i, day in enumerate(days):
        person = f"p{draw(st.integers(0, 2))}"
        acts.append((f"g{i}", person, day, "gesprek", draw(st.none() | st.sampled_from(WIJKEN))))
        for kind in ("profiel", "match", "proefplaatsing", "plaatsing"):
            if draw(st.booleans()):
                on = _near(draw, [day], day, day, 12)
                if kind == "plaatsing":
                    placed.append((f"w{i}", person, draw(st.sampled_from(WIJKEN)), on))
                else:
                    acts.append((f"{kind}{i}", person, on, kind, draw(st.sampled_from(WIJKEN))))
    acts += [(f"a{i}", f"p{draw(st.integers(0, 2))}", draw(st.dates(D(2022, 1, 1), D(2024, 12, 31))),
              draw(st.sampled_from(["profiel", "match", "proefplaatsing", "leerwerktraject"])), None)
             for i in range(draw(st.integers(0, 6)))]
    end = draw(st.dates(D(2023, 1, 1), D(2025, 6, 30)))  # the data's last day (someone else's)
    acts.append(("az", "pz", end, "leerwerktraject", WIJKEN[0]))
    placed.append(("wz", "pz", WIJKEN[0], end))
    return {"work_activities": acts, "placements": placed}


def _work_reference(tables: dict[str, list[tuple]]) -> list[tuple]:
    acts, placed = tables["work_activities"], tables["placements"]
    last = _last_full_month(min(max(a[2] for a in acts), max(p[3] for p in placed)))
    first_interview: dict[tuple[str, D], tuple] = {}
    for a in acts:
        if a[3] == "gesprek" and a[4] is not None:
            key = (a[1], _month(a[2]))
            if key not in first_interview or a[2] < first_interview[key][2]:
                first_interview[key] = a
    out = []
    for (person, month), a in first_interview.items():
        if _add_months(month, 12) > last:
            continue  # the window has not passed: no row
        start, end = a[2], _add_months(month, 13) - dt.timedelta(days=1)
        had = {k for _, p, day, k, _ in acts if p == person and start <= day <= end}
        placed_in = any(p == person and start <= day <= end for _, p, _, day in placed)
        profiled = "profiel" in had
        matched = profiled and "match" in had
        trial = matched and "proefplaatsing" in had
        out.append((person, month, a[4], start, end, 12, profiled, matched, trial, trial and placed_in))
    return sorted(out, key=repr)


@RUN
@given(work())
def test_the_work_funnel_follows_each_interview_month_for_a_year(tables: dict[str, list[tuple]]) -> None:
    assert _staged(tables, "stg_trechter_werk") == _work_reference(tables)


# ---------------------------------------------------------------- the debt funnel


@st.composite
def debts(draw: st.DrawFn) -> dict[str, list[tuple]]:
    """Signals of a few households (no two on one day), mostly answered, and debt cases that mostly
    follow one of the household's signals, starting and ending on a window's edge now and then;
    the data's end varies, so the newest observable month moves through the signals."""
    households = [f"h{i}" for i in range(draw(st.integers(1, 4)))]
    days = _distinct_days(draw, draw(st.integers(0, 12)), D(2021, 1, 1), D(2023, 12, 31))
    signals = []
    for i, day in enumerate(days):
        contacted = None if draw(st.integers(0, 3)) == 0 else _near(draw, [day], day, day, 24)
        answers = ["bereikt", "bereikt", "geweigerd", "niet_bereikt"]
        result = draw(st.sampled_from(answers)) if contacted else None
        signals.append((f"s{i}", draw(st.sampled_from(households)), draw(st.sampled_from(WIJKEN)), day,
                        max(day, contacted) if contacted else None, result))
    routes = [*SETTLEMENT, *SETTLEMENT, "stabilisatie", "budgetbeheer", None]
    cases = []
    for i in range(draw(st.integers(0, 8))):
        signal = draw(st.sampled_from(signals)) if signals and draw(st.integers(0, 3)) else None
        household = signal[1] if signal else draw(st.sampled_from(households))
        anchors = [signal[3]] if signal else []
        registered = _near(draw, anchors, D(2020, 6, 1), D(2025, 6, 30), 24)
        started = None if draw(st.integers(0, 3)) == 0 else max(
            registered, _near(draw, anchors, registered, registered, 24))
        since = started or registered
        ended = None if draw(st.integers(0, 3)) == 0 else max(since, _near(draw, anchors, since, since, 24))
        reason = draw(st.sampled_from(["schuldenvrij", "schuldenvrij", "uitval"])) if ended else None
        route = draw(st.sampled_from(routes))
        cases.append((f"c{i}", household, registered, None, route, started, ended, reason))
    end = draw(st.dates(D(2023, 1, 1), D(2026, 12, 31)))  # the data's last day (someone else's)
    signals.append(("sz", "hz", WIJKEN[0], end, None, None))
    cases.append(("cz", "hy", end, None, None, None, None, None))
    return {"early_signals": signals, "debt_cases": cases}


def _latest(*days: D | None) -> D | None:
    known = [d for d in days if d is not None]
    return max(known) if known else None


def _debt_reference(tables: dict[str, list[tuple]]) -> list[tuple]:
    signals, cases = tables["early_signals"], tables["debt_cases"]
    signal_end = _latest(*(s[3] for s in signals), *(s[4] for s in signals))
    case_end = _latest(*(d for c in cases for d in (c[2], c[3], c[5], c[6])))
    last = _last_full_month(min(d for d in (signal_end, case_end) if d is not None))
    cohorts: dict[tuple[str, D], list[tuple]] = defaultdict(list)
    for s in signals:
        cohorts[(s[1], _month(s[3]))].append(s)
    out = []
    for (household, month), rows in cohorts.items():
        if _add_months(month, 24) > last:
            continue  # the window has not passed: no row
        first = min(rows, key=lambda s: s[3])
        signal_on, end = first[3], _add_months(month, 25) - dt.timedelta(days=1)
        own = [c for c in cases if c[1] == household]
        if any(c[2] < signal_on and (c[6] is None or c[6] >= signal_on) for c in own):
            continue  # in debt help on the signal date: not in the cohort
        answered = [s[4] for s in rows if s[5] in ("bereikt", "geweigerd") and s[4] is not None]
        reached = bool(answered) and min(answered) <= end
        window = [c for c in own if signal_on <= c[2] <= end]
        settled = [c for c in window if c[4] in SETTLEMENT and c[5] is not None and c[5] <= end]
        free = [c for c in settled if c[7] == "schuldenvrij" and c[6] is not None and c[6] <= end]
        registered = reached and bool(window)
        out.append((household, month, first[2], signal_on, end, 24, reached, registered,
                    registered and bool(settled), registered and bool(settled) and bool(free)))
    return sorted(out, key=repr)


@RUN
@given(debts())
def test_the_debt_funnel_follows_each_signal_month_for_24_months(tables: dict[str, list[tuple]]) -> None:
    assert _staged(tables, "stg_trechter_schulden") == _debt_reference(tables)
