"""monitor.programme: trajectory, current value, status, projection and the programme.yaml checks.

Every series here is constructed, and expected values are computed from the
construction, so a test states the rule rather than a number that happened to come out.
"""

from __future__ import annotations

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
@pytest.mark.parametrize(("direction", "factor", "code"), [
    ("up", 1.01, "on_track"), ("up", 0.97, "attention"), ("up", 0.90, "off_track"),
    ("down", 0.99, "on_track"), ("down", 1.03, "attention"), ("down", 1.10, "off_track"),
])
def test_status_against_trajectory(measure, direction, factor, code):
    # a percentage ambition for ratios (values 50..70), a volume otherwise
    a = ambition(60.0, {2026: 70.0, 2027: 72.0}) if measure == "ratio" else ambition()
    if direction == "down":
        a = ambition(60.0, {2026: 50.0, 2027: 45.0}) if measure == "ratio" else ambition(600.0, {2026: 500.0})
    expected = traj_at(P.trajectory(a, TERM), AS_OF)
    as_of, current = current_value(series_with_current(measure, expected * factor), measure,
                                     percentage=True)
    result = P.status(a, TERM, current, as_of, direction)
    assert result.code == code
    assert result.expected == pytest.approx(expected)
    assert result.gap == pytest.approx(current - expected)
    assert result.as_of == AS_OF


def test_status_tolerance_per_call_and_per_ambition():
    a = ambition(tolerance=0.2)
    expected = traj_at(P.trajectory(a, TERM), AS_OF)
    assert P.status(a, TERM, expected * 0.85, AS_OF, "up").code == "attention"
    assert P.status(a, TERM, expected * 0.85, AS_OF, "up", tolerance=0.05).code == "off_track"
    assert P.status(a, TERM, expected, AS_OF, "up", tolerance=0.0).code == "on_track"


def test_no_target_without_direction_targets_or_before_baseline():
    a = ambition()
    assert P.status(a, TERM, 123.0, AS_OF, "none").code == "no_target"
    assert P.status(ambition(targets={}), TERM, 123.0, AS_OF, "up").code == "no_target"
    early = P.status(a, TERM, 123.0, dt.date(2025, 6, 1), "up")
    assert (early.code, early.expected) == ("no_target", None)


# ---------------------------------------------------------------- projection


def line_series(n: int = 36, intercept: float = 1000.0, slope: float = 12.5, noise: float = 0.0,
                seed: int = 7) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    y = intercept + slope * np.arange(n) + rng.normal(0, noise, n) * (noise > 0)
    return pl.DataFrame({"month": months(dt.date(2023, 1, 1), n), "current": y})


def month_number(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def test_projection_recovers_an_exact_line():
    series = line_series()
    end = dt.date(2030, 5, 31)
    proj = P.projection(series, end)
    on_line = 1000.0 + 12.5 * (month_number(end) - month_number(dt.date(2023, 1, 1)))
    assert proj.value == pytest.approx(on_line)
    assert proj.low <= proj.value <= proj.high
    assert proj.high - proj.low == pytest.approx(0, abs=1e-6)
    assert proj.date == end and proj.method == "linear_trend" and proj.months == 24 and not proj.on_logit


def test_every_projection_method_is_worded_in_both_languages():
    for method in P.METHODS:
        for lang in ("nl", "en"):
            assert i18n.t(f"projection_method_{method}", lang, months=24)
    assert "24" in i18n.t("projection_method_linear_trend", "nl", months=24)


def test_projection_band_widens_with_noise_and_covers_the_line():
    end = dt.date(2030, 5, 31)
    exact = P.projection(line_series(), end)
    noisy = P.projection(line_series(noise=40.0), end)
    noisier = P.projection(line_series(noise=120.0), end)
    assert noisy.high - noisy.low > exact.high - exact.low
    assert noisier.high - noisier.low > noisy.high - noisy.low
    assert noisy.low <= noisy.value <= noisy.high


def test_projection_uses_only_the_last_months():
    # a break two years ago: only the recent slope counts
    old = line_series(24, 500.0, -20.0)
    recent = line_series(24, 800.0, 5.0).with_columns(month=pl.Series(months(dt.date(2025, 1, 1), 24)))
    proj = P.projection(pl.concat([old, recent]), dt.date(2027, 12, 31), months=24)
    assert proj.value == pytest.approx(800.0 + 5.0 * (month_number(dt.date(2027, 12, 1)) - 2025 * 12))


def test_projection_path_runs_from_last_month_to_end_along_the_line():
    series = line_series()
    end = dt.date(2027, 6, 30)
    path = P.projection_path(series, end)
    assert path["month"][0] == series["month"][-1]
    assert path["month"][-1] == dt.date(2027, 6, 1)
    assert path["value"][0] == pytest.approx(series["current"][-1])
    assert path["value"][-1] == pytest.approx(P.projection(series, end).value)
    assert (path["low"] <= path["value"]).all() and (path["value"] <= path["high"]).all()


def test_projection_edge_cases():
    assert P.projection(line_series(5), dt.date(2030, 5, 31)) is None  # too few points
    series = line_series()
    observed = P.projection(series, dt.date(2024, 6, 30))
    assert observed.method == "observed"
    assert observed.value == series.filter(pl.col("month") == dt.date(2024, 6, 1))["current"].item()
    steep = line_series(24, 70.0, 1.5)  # a percentage racing upward
    capped = P.projection(steep, dt.date(2030, 5, 31), bounds=(0.0, 100.0))
    assert capped.value == capped.high == 100.0
    falling = P.projection(line_series(24, 500.0, -30.0), dt.date(2030, 5, 31))
    assert falling.low >= 0.0


def test_will_reach_respects_direction():
    proj = P.Projection(dt.date(2030, 5, 31), 100.0, 90.0, 110.0, "test")
    assert P.will_reach(proj, 95.0, "up") and not P.will_reach(proj, 105.0, "up")
    assert P.will_reach(proj, 105.0, "down") and not P.will_reach(proj, 95.0, "down")
    assert not P.will_reach(proj, 50.0, "none")


def test_explanation_names_every_rule_in_both_languages():
    for lang, words in {"nl": ("traject", "twaalf maanden", "tolerantie", "5%", "80%"),
                        "en": ("trajectory", "twelve months", "tolerance", "5%", "80%")}.items():
        text = i18n.t("how_computed_text", lang).lower()
        assert all(w in text for w in words), lang


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
        assert len(prog.funnel) == 5 and prog.funnel[-1] in OUTCOMES
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
    broken = TEXT.replace("funnel: [werk_gesprekken,", "funnel: [werkgesprekken,", 1)
    msg = one_problem(problems_for(tmp_path, broken), "unknown indicator 'werkgesprekken'")
    assert "programmes[1].funnel[0]" in msg and "did you mean 'werk_gesprekken'" in msg


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
    broken = TEXT.replace("{year: 2022, value: 750,", "{year: 2021, value: 750,", 1)
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
              .replace("{year: 2022, value: 750,", "{year: 2030, value: 750,", 1))
    problems = problems_for(tmp_path, broken)
    assert len(problems) == 3, problems


def test_missing_file_is_reported():
    assert P.check_programme(Path("/nonexistent/programme.yaml"), ALL_IDS)[0].startswith("programme.yaml: ")
