"""monitor.programme: trajectory, current value, status, projection and the programme.yaml checks.

Every series here is constructed, and expected values are computed from the
construction, so a test states the rule rather than a number that happened to come out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import yaml

from monitor import i18n, indicators
from monitor import programme as P
from monitor.rollup import Term

ROOT = Path(__file__).resolve().parent.parent
PROGRAMME_YAML = ROOT / "programme.yaml"

# What the registry scans in queries/, never a list kept here: a new query file needs no test change.
REGISTRY = indicators.load_registry(ROOT / "queries")
ALL_IDS = set(REGISTRY.indicators)
OUTCOMES = {i.id for i in REGISTRY if i.kind == "outcome" and i.shape == "series"}  # ambitions measure these


def outputs_of(programme_id: str) -> set[str]:
    """The outputs an ambition of this programme may show beside its outcome."""
    return {i.id for i in REGISTRY if i.programme == programme_id and i.kind == "output"}


TERM = Term("2026-2030", "Coalitieperiode 2026-2030", dt.date(2026, 6, 1), dt.date(2030, 5, 31))


def ambition(baseline: float = 100.0, targets: dict[int, float] | None = None, *,
             base_date: dt.date = dt.date(2025, 12, 31), tolerance: float = 0.05) -> P.Ambition:
    if targets is None:
        targets = {2026: 200.0, 2027: 300.0, 2028: 400.0, 2029: 500.0, 2030: 600.0}
    return P.Ambition(
        id="a", programme="p", term=TERM.id, title=P.Texts(nl="A"), description=P.Texts(nl=""),
        indicator="x", baseline=P.Baseline(base_date, baseline, "test"),
        targets=tuple(P.Target(y, v, "test") for y, v in targets.items()), tolerance=tolerance)


def months(start: dt.date, n: int) -> list[dt.date]:
    return pl.date_range(start, start + dt.timedelta(days=31 * n), "1mo", eager=True).head(n).to_list()


def monthly(values: list[float], denominators: list[float] | None = None,
            start: dt.date = dt.date(2024, 1, 1)) -> pl.DataFrame:
    data = {"month": months(start, len(values)), "value": [float(v) for v in values]}
    if denominators is not None:
        data["denominator"] = [float(d) for d in denominators]
    return pl.DataFrame(data)


def traj_at(frame: pl.DataFrame, month: dt.date) -> float:
    return frame.filter(pl.col("month") == month)["target"].item()


# ---------------------------------------------------------------- trajectory


def test_trajectory_starts_at_baseline_and_reaches_each_target_at_year_end():
    a = ambition()
    traj = P.trajectory(a, TERM)
    assert traj["month"][0] == dt.date(2025, 12, 1)
    assert traj["month"][-1] == dt.date(2030, 5, 1)
    assert traj_at(traj, dt.date(2025, 12, 1)) == pytest.approx(a.baseline.value)
    for target in a.targets[:-1]:
        assert traj_at(traj, dt.date(target.year, 12, 1)) == pytest.approx(target.value)
    # the last target's year ends after the term: it holds at the term end
    assert traj_at(traj, dt.date(2030, 5, 1)) == pytest.approx(a.targets[-1].value)


def test_trajectory_is_linear_between_points():
    a = ambition()
    traj = P.trajectory(a, TERM)
    # June 2026 is halfway between December 2025 (baseline) and December 2026 (first target)
    halfway = (a.baseline.value + a.targets[0].value) / 2
    assert traj_at(traj, dt.date(2026, 6, 1)) == pytest.approx(halfway)
    steps = np.diff(traj.filter(pl.col("month") <= dt.date(2026, 12, 1))["target"].to_numpy())
    assert np.allclose(steps, (a.targets[0].value - a.baseline.value) / 12)


def test_trajectory_flat_after_last_target_and_empty_without_targets():
    a = ambition(targets={2026: 200.0, 2027: 300.0})
    traj = P.trajectory(a, TERM)
    after = traj.filter(pl.col("month") >= dt.date(2027, 12, 1))["target"]
    assert (after == 300.0).all()
    assert P.trajectory(ambition(targets={}), TERM).is_empty()


def test_a_target_that_counts_otherwise_is_not_a_point_on_the_trajectory():
    """Begroting 2026's 1,500 counts part-time exits pro rata; the indicator counts persons, so a
    line through it would compare unlike numbers: it is shown with its note, not drawn."""
    real = P.Target(2026, 1500.0, "Begroting 2026", page="https://example.org",
                    definition=P.Texts(nl="naar rato", en="pro rata"))
    a = dataclasses.replace(ambition(2680.0, {2027: 2840.0, 2030: 3080.0}),
                            targets=(real, P.Target(2027, 2840.0, "test"), P.Target(2030, 3080.0, "test")))
    assert a.path_targets == a.targets[1:] and not real.on_trajectory
    traj = P.trajectory(a, TERM)
    # December 2026 lies halfway between the baseline (Dec 2025) and the 2027 target: 1,500 plays no part
    assert traj_at(traj, dt.date(2026, 12, 1)) == pytest.approx((2680 + 2840) / 2)
    assert P.expected_at(a, TERM, dt.date(2026, 12, 31)) == pytest.approx(2760.0)
    # with only such a target there is no trajectory, so no status (not a status against 1,500)
    only = dataclasses.replace(a, targets=(real,))
    assert P.trajectory(only, TERM).is_empty() and P.expected_at(only, TERM, dt.date(2026, 6, 30)) is None
    assert P.status(only, TERM, 2594.0, dt.date(2026, 10, 1), "up").code == "no_target"


# ---------------------------------------------------------------- current value
# The current value is the roll-up's rolling twelve-month view at city level (the one road
# from the catalog to the scorecard); these hand-worked series pin its rule per measure.


def _rolling(frame: pl.DataFrame, measure: str, percentage: bool) -> pl.DataFrame:
    from monitor import rollup
    from tests.test_rollup import indicator, make_areas

    ind = indicator(measure, "%" if percentage else "x")
    one_wijk = frame.with_columns(wijk_code=pl.lit("WK0001"))
    out = rollup.rollup(one_wijk, ind, make_areas({"Noord": ["WK0001"]}), rollup.View(grain="rolling"), k=0,
                        municipality="Den Haag")
    # a stock's current value is its level: it needs no twelve months of history
    return out.frame.filter(pl.col("complete") | (measure == "stock")).select(
        pl.col("period_end").dt.month_start().alias("month"), pl.col("result").alias("current"))


def current_value(frame: pl.DataFrame, measure: str, *, percentage: bool) -> tuple[dt.date, float] | None:
    """(latest month, value) of the complete twelve-month window ending in the data's last month."""
    series = _rolling(frame, measure, percentage)
    last = frame["month"].max()
    if series.is_empty() or series["month"][-1] != last:
        return None
    return last, float(series["current"][-1])


def test_current_value_count_is_sum_of_latest_twelve_months():
    values = [float(i * 7 % 13 + i) for i in range(30)]
    as_of, value = current_value(monthly(values), "count", percentage=False)
    assert as_of == months(dt.date(2024, 1, 1), 30)[-1]
    assert value == pytest.approx(sum(values[-12:]))


def test_current_value_ratio_is_ratio_of_sums_times_100():
    rng = np.random.default_rng(1)
    num = rng.integers(5, 50, 20).tolist()
    den = [n + int(d) for n, d in zip(num, rng.integers(1, 60, 20), strict=True)]
    _, value = current_value(monthly(num, den), "ratio", percentage=True)
    assert value == pytest.approx(sum(num[-12:]) / sum(den[-12:]) * 100)
    mean_of_ratios = np.mean(np.array(num[-12:]) / np.array(den[-12:])) * 100
    assert value != pytest.approx(mean_of_ratios)  # not an average of monthly percentages
    _, share = current_value(monthly(num, den), "ratio", percentage=False)
    assert share == pytest.approx(value / 100)


def test_current_value_stock_is_latest_month():
    values = [25000.0 - 13 * i for i in range(5)]
    as_of, value = current_value(monthly(values), "stock", percentage=False)
    assert (as_of, value) == (dt.date(2024, 5, 1), values[-1])


def test_current_value_needs_twelve_months_for_flows_and_counts_gaps_as_zero():
    assert current_value(monthly([1.0] * 11), "count", percentage=False) is None
    assert current_value(monthly([1.0] * 11, [2.0] * 11), "ratio", percentage=True) is None
    gap = monthly([5.0] * 14).filter(pl.col("month") != dt.date(2024, 12, 1))
    assert current_value(gap, "count", percentage=False)[1] == pytest.approx(5.0 * 11)


def test_twelve_month_series_repeats_current_value_for_every_month():
    values = [float(10 + (i % 5)) for i in range(20)]
    frame = monthly(values, [v * 2 + 3 for v in values])
    for measure in ("count", "ratio", "stock"):
        series = _rolling(frame, measure, percentage=True)
        for row in series.iter_rows(named=True):
            upto = frame.filter(pl.col("month") <= row["month"])
            assert row["current"] == pytest.approx(current_value(upto, measure, percentage=True)[1])
        assert series.height == (20 if measure == "stock" else 20 - 11)


# ---------------------------------------------------------------- status

AS_OF = dt.date(2026, 10, 1)


def series_with_current(measure: str, level: float) -> pl.DataFrame:
    """A monthly series ending in AS_OF whose current value (by the measure's rule) is `level`."""
    start = dt.date(2025, 11, 1)  # twelve months up to and including AS_OF
    if measure == "count":
        return monthly([level / 12] * 12, start=start)
    if measure == "ratio":
        den = [40.0 + i for i in range(12)]
        return monthly([d * level / 100 for d in den], den, start=start)
    return monthly([level * 1.3] * 11 + [level], start=start)


@pytest.mark.parametrize("measure", ["count", "ratio", "stock"])
@pytest.mark.parametrize(("direction", "factor", "on_path"), [
    ("up", 1.01, True), ("up", 0.97, True), ("up", 0.90, False),  # 0.97: short, but within 5%
    ("down", 0.99, True), ("down", 1.03, True), ("down", 1.10, False),
])
def test_on_trajectory_within_tolerance_in_the_better_direction(measure, direction, factor, on_path):
    # a percentage ambition for ratios (values 50..70), a volume otherwise
    a = ambition(60.0, {2026: 70.0, 2027: 72.0}) if measure == "ratio" else ambition()
    if direction == "down":
        a = ambition(60.0, {2026: 50.0, 2027: 45.0}) if measure == "ratio" else ambition(600.0, {2026: 500.0})
    expected = traj_at(P.trajectory(a, TERM), AS_OF)
    as_of, current = current_value(series_with_current(measure, expected * factor), measure,
                                     percentage=True)
    result = P.status(a, TERM, current, as_of, direction)
    assert result.on_trajectory is on_path
    assert result.code == "no_projection"  # no second fact given: the status does not guess it
    assert result.expected == pytest.approx(expected)
    assert result.gap == pytest.approx(current - expected)
    assert result.as_of == AS_OF
    # on the path only thanks to the margin (0.97 up, 1.03 down): the card must say so, with the shortfall
    short = factor < 1 if direction == "up" else factor > 1
    assert result.within_margin is (on_path and short)
    if result.within_margin:
        assert result.shortfall == pytest.approx(abs(current - expected))


# The four statuses, written out here as the table the council reads (not taken from the code).
VERDICTS = {(True, True): "on_track", (False, True): "behind_reaching",
            (True, False): "on_path_missing", (False, False): "off_track"}


@pytest.mark.parametrize(("on_path", "reaches"), list(VERDICTS))
def test_status_is_the_function_of_the_two_facts(on_path, reaches):
    a = ambition()
    expected = traj_at(P.trajectory(a, TERM), AS_OF)
    current = expected * (1.0 if on_path else 0.5)
    result = P.status(a, TERM, current, AS_OF, "up", reaches_target=reaches)
    assert (result.on_trajectory, result.reaches_target) == (on_path, reaches)
    assert result.code == VERDICTS[(on_path, reaches)]
    assert P.verdict(on_path, reaches) == VERDICTS[(on_path, reaches)]
    assert P.verdict(None, reaches) == "no_target" and P.verdict(on_path, None) == "no_projection"


def test_every_status_is_worded_and_explained_in_both_languages():
    for code in P.STATUS_CODES:
        for lang in ("nl", "en"):
            word = i18n.t(f"status_{code}", lang)
            assert f"*{word.lower()}*" in i18n.t("how_computed_text", lang).lower(), (code, lang)


def test_status_tolerance_per_call_and_per_ambition():
    a = ambition(tolerance=0.2)
    expected = traj_at(P.trajectory(a, TERM), AS_OF)
    assert P.status(a, TERM, expected * 0.85, AS_OF, "up").on_trajectory
    assert not P.status(a, TERM, expected * 0.85, AS_OF, "up", tolerance=0.05).on_trajectory
    assert P.status(a, TERM, expected, AS_OF, "up", tolerance=0.0).on_trajectory


def test_no_target_without_direction_targets_or_before_baseline():
    a = ambition()
    assert P.status(a, TERM, 123.0, AS_OF, "none", reaches_target=True).code == "no_target"
    assert P.status(ambition(targets={}), TERM, 123.0, AS_OF, "up").code == "no_target"
    early = P.status(a, TERM, 123.0, dt.date(2025, 6, 1), "up")
    assert (early.code, early.expected) == ("no_target", None)


# ---------------------------------------------------------------- projection


def series(values: list[float], denominators: list[float] | None = None, *, measure: str = "count",
           start: dt.date = dt.date(2022, 1, 1)) -> P.Monthly:
    """A Monthly built by hand: consecutive months from `start`."""
    ms = tuple(months(start, len(values)))
    return P.Monthly(measure, ms, tuple(float(v) for v in values),
                     tuple(float(d) for d in denominators) if denominators else (),
                     100.0 if measure == "ratio" else 1.0)


END = dt.date(2027, 12, 31)


def test_a_constant_count_projects_twelve_times_the_month_with_no_band():
    proj = P.projection(series([50.0] * 36), END)
    assert proj.value == pytest.approx(12 * 50.0)
    assert proj.low == pytest.approx(600.0) and proj.high == pytest.approx(600.0)
    assert (proj.method, proj.months, proj.since, proj.date) == ("ets_seasonal", 36, None, END)


def test_a_pure_seasonal_pattern_sums_to_its_yearly_total():
    # 100 + 20 sin(2 pi m / 12): the twelve months of any year add up to 1200 exactly
    values = [100 + 20 * np.sin(2 * np.pi * m / 12) for m in range(36)]
    proj = P.projection(series(values), END)
    assert proj.value == pytest.approx(1200.0, rel=1e-3)


def test_a_rising_line_is_damped_between_today_and_the_straight_line():
    values = [100.0 + 2 * m for m in range(36)]
    now = sum(values[-12:])  # 1200 + 2 * (24 + ... + 35) = 1908
    horizon = (END.year - 2024) * 12 + END.month - 12  # months after the last one (Dec 2024)
    straight = sum(100.0 + 2 * m for m in range(35 + horizon - 11, 35 + horizon + 1))
    proj = P.projection(series(values), END)
    assert now == 1908.0
    assert now < proj.value < straight
    assert proj.low < proj.value < proj.high


def test_band_widens_with_the_horizon():
    rng = np.random.default_rng(1)
    path = P.projection_path(series(list(100 + rng.normal(0, 10, 48))), END)
    width = (path["high"] - path["low"]).to_list()
    assert width[0] == 0.0  # the first row is the observed value
    assert len(width) == 25 and width[1] < width[12] < width[24]  # Dec 2025 + 24 months
    assert (path["low"] <= path["value"]).all() and (path["value"] <= path["high"]).all()


def test_a_share_stays_below_100_and_a_count_above_0():
    share = [min(0.5 + 0.015 * m, 0.97) for m in range(36)]  # a percentage racing to the top
    den = [80.0 + 5 * (m % 12) for m in range(36)]
    up = P.projection(series([s * d for s, d in zip(share, den, strict=True)], den, measure="ratio"), END)
    assert 0 < up.low <= up.value <= up.high < 100
    down = P.projection(series([max(200.0 - 8 * m, 0.0) for m in range(30)]), END)
    assert down.low >= 0 and down.value >= 0


def test_a_ratio_is_a_ratio_of_sums_over_observed_and_forecast_months():
    # a constant 60% share with denominators that vary: every twelve-month value is 60%
    den = [50.0 + 10 * (m % 12) for m in range(36)]
    proj = P.projection(series([0.6 * d for d in den], den, measure="ratio"), END)
    assert proj.value == pytest.approx(60.0)


def test_one_month_ahead_adds_eleven_observed_months_to_one_forecast():
    values = [50.0] * 35 + [80.0]  # the last observed month stands out
    last = months(dt.date(2022, 1, 1), 36)[-1]
    nxt = dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    proj = P.projection(series(values), nxt)
    # eleven observed months (ten of 50, one of 80) plus one forecast month somewhere between 50 and 80
    assert 10 * 50 + 80 + 50 <= proj.value <= 10 * 50 + 80 + 80


def test_the_model_follows_the_months_there_are():
    assert P.projection(series([50.0] * 24), END).method == "ets_seasonal"
    assert P.projection(series([50.0] * 23), END).method == "ets_damped"
    assert P.projection(series([50.0] * 12), END).method == "ets_damped"
    assert P.projection(series([50.0] * 11), END) is None
    assert (P.MIN_TREND, P.method_for(24), P.method_for(11)) == (12, "ets_seasonal", None)


def test_only_the_months_since_the_break_are_fitted():
    # 36 months at 100, then 24 at 200: after the break the twelve-month value is 2400
    values = [100.0] * 36 + [200.0] * 24
    start = dt.date(2020, 1, 1)
    brk = months(start, 37)[-1]
    proj = P.projection(series(values, start=start), END, since=brk)
    assert (proj.months, proj.since) == (24, brk)
    assert proj.value == pytest.approx(2400.0)
    late = months(start, 51)[-1]  # a break only 10 months before the data end: no model
    assert P.projection(series(values, start=start), END, since=late) is None


def test_projection_is_deterministic_and_cached():
    rng = np.random.default_rng(3)
    s = series(list(100 + rng.normal(0, 10, 40)))
    first = P.projection(s, END)
    import importlib

    importlib.import_module("monitor.programme.projection").clear_cache()
    assert P.projection(s, END) == first


def test_observed_when_the_end_is_already_in_the_data():
    values = [float(m) for m in range(36)]
    at = months(dt.date(2022, 1, 1), 30)[-1]  # the 30th month: twelve-month sum of months 18..29
    proj = P.projection(series(values), at)
    assert (proj.method, proj.value) == ("observed", float(sum(range(18, 30))))


def test_from_frame_takes_the_last_run_of_published_months():
    frame = pl.DataFrame({"month": months(dt.date(2024, 1, 1), 5), "value": [10.0, 20.0, None, 40.0, 50.0]})
    s = P.Monthly.from_frame(frame, "count")  # a hidden month in the middle
    assert s.values == (40.0, 50.0) and s.months == (dt.date(2024, 4, 1), dt.date(2024, 5, 1))
    with pytest.raises(ValueError, match="consecutive"):
        P.Monthly("count", (dt.date(2024, 1, 1), dt.date(2024, 3, 1)), (1.0, 2.0))


def test_every_projection_method_is_worded_in_both_languages():
    for method in P.METHODS:
        for lang in ("nl", "en"):
            assert i18n.t(f"projection_method_{method}", lang, months=24)
    assert "24" in i18n.t("projection_method_ets_seasonal", "nl", months=24)


def test_will_reach_respects_direction():
    proj = P.Projection(dt.date(2030, 5, 31), 100.0, 90.0, 110.0, "test")
    assert P.will_reach(proj, 95.0, "up") and not P.will_reach(proj, 105.0, "up")
    assert P.will_reach(proj, 105.0, "down") and not P.will_reach(proj, 95.0, "down")
    assert not P.will_reach(proj, 50.0, "none")


# ---------------------------------------------------------------- backtest


def test_last_break_starts_the_regime_month():
    from monitor.programme.backtest import last_break

    breaks = (dt.date(2023, 7, 1), dt.date(2024, 9, 15))
    assert last_break(breaks, dt.date(2023, 6, 1)) is None
    assert last_break(breaks, dt.date(2023, 7, 1)) == dt.date(2023, 7, 1)
    assert last_break(breaks, dt.date(2024, 9, 1)) == dt.date(2023, 7, 1)  # mid-month: from October
    assert last_break(breaks, dt.date(2024, 10, 1)) == dt.date(2024, 10, 1)


def test_backtest_compares_each_band_with_the_realised_value_a_year_later():
    from monitor.programme.backtest import Calibration, Trial, backtest

    s = series([50.0] * 60)  # constant: every band is 600 wide zero, and so is every realised value
    cal = backtest(s, origins=6)
    assert [t.origin for t in cal.trials] == list(s.months[60 - 12 - 6:60 - 12])
    assert all(t.realised == 600.0 and t.low == pytest.approx(600.0) == t.high for t in cal.trials)
    made = Calibration(tuple(Trial(dt.date(2024, m, 1), 90.0, 110.0, realised)
                             for m, realised in ((1, 110.0), (2, 89.0), (3, 90.0), (4, 111.0))))
    assert (made.hits, made.coverage) == (2, 0.5)  # the edges count as inside
    jump = series([50.0] * 48 + [90.0] * 12)  # the last year jumps: no band from before saw it coming
    assert backtest(jump, origins=1).coverage == 0.0


def test_explanation_names_every_rule_in_both_languages():
    for lang, words in {"nl": ("traject", "twaalf maanden", "tolerantie", "5%", "80%", "trendbreuk"),
                        "en": ("trajectory", "twelve months", "tolerance", "5%", "80%", "break")}.items():
        text = i18n.t("how_computed_text", lang).lower()
        assert all(w in text for w in words), lang
        assert "{coverage}" in i18n.LABELS["how_computed_backtest"][lang]


# ---------------------------------------------------------------- the real programme.yaml


@pytest.fixture(scope="module")
def pf() -> P.ProgrammeFile:
    return P.load_programme(PROGRAMME_YAML, ALL_IDS)


def test_real_programme_loads_without_problems(pf):
    assert P.check_programme(PROGRAMME_YAML, ALL_IDS) == []
    assert list(pf.programmes) == [p["id"] for p in yaml.safe_load(PROGRAMME_YAML.read_text())["programmes"]]
    assert [t.id for t in pf.terms] == ["2022-2026", "2026-2030"]
    assert pf.note.get("nl") and pf.note.get("en")


def test_every_ambition_measures_an_outcome_with_targets_inside_its_term(pf):
    terms = {t.id: t for t in pf.terms}
    for a in pf.ambitions.values():
        assert a.indicator in OUTCOMES, a.id
        assert a.outputs and set(a.outputs) <= outputs_of(a.programme), a.id
        term = terms[a.term]
        assert [t.year for t in a.targets] == list(range(term.start.year, term.end.year + 1)), a.id
        assert a.baseline.date < term.start, a.id
        assert all(t.illustrative == ("Begroting" not in t.source) for t in a.targets), a.id


def test_each_programme_has_ambitions_in_both_terms_and_a_funnel(pf):
    for pid, prog in pf.programmes.items():
        for term in pf.terms:
            assert P.ambitions_for(pf, term.id, pid), (pid, term.id)
        assert len(prog.funnel) == 5  # cohort steps (queries/trechter_*.sql), all outputs
    assert P.ambitions_for(pf, "2026-2030")[0].programme == next(iter(pf.programmes))  # file order


def test_real_budget_targets_are_marked_as_such(pf):
    real = {(a.indicator, t.year, t.value) for a in pf.ambitions.values() for t in a.targets
            if a.term == "2026-2030" and not t.illustrative}
    assert real == {("uitstroom_werk_scholing", 2026, 1500.0), ("plaatsingen_zonder_uitkering", 2026, 1000.0)}


def test_current_term(pf):
    assert P.current_term(pf, dt.date(2026, 10, 1)).id == "2026-2030"
    assert P.current_term(pf, dt.date(2026, 5, 31)).id == "2022-2026"
    assert P.current_term(pf, dt.date(2035, 1, 1)).id == "2026-2030"  # after the last: the latest
    assert P.current_term(pf, dt.date(2010, 1, 1)).id == "2022-2026"  # before the first: the first


def test_events_sorted_and_naming_known_programmes(pf):
    dates = [e.date for e in pf.events]
    assert dates == sorted(dates)
    assert dt.date(2023, 7, 1) in dates
    assert all(set(e.programmes) <= set(pf.programmes) for e in pf.events)


# ---------------------------------------------------------------- broken programme files

TEXT = PROGRAMME_YAML.read_text(encoding="utf-8")


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def problems_for(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "programme.yaml"
    path.write_text(text, encoding="utf-8")
    problems = P.check_programme(path, ALL_IDS)
    with pytest.raises(P.ProgrammeError) as exc:
        P.load_programme(path, ALL_IDS)
    assert exc.value.problems == problems
    return problems


def one_problem(problems: list[str], *needles: str) -> str:
    hits = [p for p in problems if all(n in p for n in needles)]
    assert len(hits) == 1, problems
    assert re.match(r"programme\.yaml:\d+: ", hits[0]), hits[0]
    return hits[0]


def test_bad_yaml_names_the_line(tmp_path):
    broken = TEXT.replace("    programme: werk\n", "    programme: werk\n   bad: [indent\n", 1)
    problems = problems_for(tmp_path, broken)
    assert len(problems) == 1
    line = line_of(broken, "   bad: [indent")
    assert re.match(rf"programme\.yaml:({line}|{line + 1}): invalid YAML", problems[0]), problems


def test_unknown_indicator(tmp_path):
    broken = TEXT.replace("indicator: huishoudens_schuldenvrij", "indicator: huishoudens_schuldevrij", 1)
    msg = one_problem(problems_for(tmp_path, broken), "unknown indicator 'huishoudens_schuldevrij'")
    assert msg.startswith(f"programme.yaml:{line_of(broken, 'huishoudens_schuldevrij')}: "
                          "ambitions[0].indicator: ")
    assert "did you mean 'huishoudens_schuldenvrij'" in msg and "known: " in msg


def test_unknown_output_and_funnel_indicator(tmp_path):
    broken = TEXT.replace("funnel: [trechter_werk_1_gesprek,", "funnel: [trechter_werk_1_gesprekken,", 1)
    msg = one_problem(problems_for(tmp_path, broken), "unknown indicator 'trechter_werk_1_gesprekken'")
    assert "programmes[1].funnel[0]" in msg and "did you mean 'trechter_werk_1_gesprek'" in msg


def test_unknown_term(tmp_path):
    broken = TEXT.replace('term: "2026-2030"', 'term: "2026-2031"', 1)
    msg = one_problem(problems_for(tmp_path, broken), "unknown term '2026-2031'")
    assert f"programme.yaml:{line_of(broken, '2026-2031')}:" in msg
    assert "known: 2022-2026, 2026-2030" in msg


def test_unknown_key_suggests_the_right_one(tmp_path):
    broken = TEXT.replace("    outputs: [werk_gesprekken, matches]", "    output: [werk_gesprekken, matches]",
                          1)
    msg = one_problem(problems_for(tmp_path, broken), "unknown key 'output'")
    assert f"programme.yaml:{line_of(broken, 'output: [werk')}:" in msg
    assert "did you mean 'outputs'" in msg and "allowed keys:" in msg


def test_target_year_outside_the_term(tmp_path):
    broken = TEXT.replace("{year: 2022, value: 720,", "{year: 2021, value: 720,", 1)
    msg = one_problem(problems_for(tmp_path, broken), "target year 2021 lies outside term '2022-2026'")
    assert f"programme.yaml:{line_of(broken, '{year: 2021')}: ambitions[0].targets[0].year:" in msg
    assert "use a year from 2022 to 2026" in msg


def test_missing_baseline(tmp_path):
    fragment = '    baseline: {from_data: "2021-12"}'
    start = TEXT.index(fragment)
    broken = TEXT[:start] + TEXT[TEXT.index("\n", start) + 1:]
    msg = one_problem(problems_for(tmp_path, broken), "missing key 'baseline'")
    assert "ambitions[0]:" in msg and "date, value and source" in msg and "add it" in msg


def test_municipality_is_a_setting_not_a_programme_key(tmp_path):
    msg = one_problem(problems_for(tmp_path, "municipality: Den Haag\n" + TEXT), "municipality")
    assert msg.startswith("programme.yaml:1: municipality: ") and "MONITOR_MUNICIPALITY" in msg


def test_duplicate_key_names_both_lines(tmp_path):
    broken = TEXT.replace('term: "2026-2030"', 'term: "2026-2030"\n    term: "2026-2030"', 1)
    line = line_of(broken, 'term: "2026-2030"')
    msg = one_problem(problems_for(tmp_path, broken), "given twice")
    assert f"(also on line {line})" in msg and msg.startswith(f"programme.yaml:{line + 1}: ")


def test_unparsable_date(tmp_path):
    broken = TEXT.replace("start: 2026-06-01", "start: 2026-13-01", 1)
    msg = one_problem(problems_for(tmp_path, broken), "cannot read '2026-13-01' as a date")
    assert f"programme.yaml:{line_of(broken, '2026-13-01')}:" in msg and "YYYY-MM-DD" in msg


def test_every_problem_is_reported_at_once(tmp_path):
    broken = (TEXT.replace("indicator: huishoudens_schuldenvrij", "indicator: nope", 1)
              .replace('term: "2026-2030"', 'term: "2099"', 1)
              .replace("{year: 2022, value: 720,", "{year: 2030, value: 720,", 1))
    problems = problems_for(tmp_path, broken)
    assert len(problems) == 3, problems


def test_missing_file_is_reported():
    assert P.check_programme(Path("/nonexistent/programme.yaml"), ALL_IDS)[0].startswith("programme.yaml: ")


@pytest.mark.parametrize(("current", "on_path"), [
    (23_708.0, False),  # 483 above the path, within 5% (1,161), but 258 above the baseline: rising
    (23_500.0, False),  # 275 above the path: still worse than the baseline of 23,450
    (23_400.0, True),   # 175 above the path, better than the baseline: within the margin
    (23_100.0, True),   # below the path: on its better side
])
def test_the_margin_never_reaches_past_the_baseline(current, on_path):
    """A stock that should fall from 23,450 to 23,000 in 2026: in June half-way, 23,225 (worked by
    hand: 450 x 6/12). A 5% margin is 1,161 people, more than twice the fall planned; a value worse
    than the baseline is not on schedule however wide the margin."""
    a = ambition(23_450.0, {2026: 23_000.0})
    result = P.status(a, TERM, current, dt.date(2026, 6, 1), "down")
    assert result.expected == pytest.approx(23_225.0)
    assert result.on_trajectory is on_path
    assert result.within_margin is (on_path and current > 23_225.0)
    if result.within_margin:  # the card says the margin it used: the 225 planned so far, not 5%
        assert result.tolerance == pytest.approx(225.0 / 23_225.0)


def test_the_margin_is_the_tolerance_where_the_path_has_moved_further():
    """Baseline 100, 200 at the end of 2026: in June the path is at 150 (hand-worked), 50 planned so
    far; a 5% margin (7.5) is the smaller, so it holds as set."""
    a = ambition()
    assert P.status(a, TERM, 143.0, dt.date(2026, 6, 1), "up").on_trajectory  # 7 short
    assert not P.status(a, TERM, 142.0, dt.date(2026, 6, 1), "up").on_trajectory  # 8 short
    assert P.status(a, TERM, 143.0, dt.date(2026, 6, 1), "up").tolerance == pytest.approx(0.05)
