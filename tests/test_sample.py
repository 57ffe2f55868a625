"""The demo generator: reproducible, valid against the contract, and telling the DESIGN.md story."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from monitor import cli, extracts, sample

UNTIL = "2026-10"
CUTOFF = dt.date(2026, 10, 31)
FULL_YEARS = range(2019, 2026)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    sample.write_sample(out, seed=2026, until=UNTIL)
    return out


@pytest.fixture(scope="module")
def frames(demo: Path) -> dict[str, pl.DataFrame]:
    return {name: pl.read_parquet(demo / f"{name}.parquet") for name in extracts.CONTRACT}


def _bytes(folder: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(folder.iterdir())}


# --- files -------------------------------------------------------------------------------------------


def test_writes_the_six_extracts_marked_as_demo(demo: Path, tmp_path: Path) -> None:
    paths = sample.write_sample(tmp_path / "new" / "data", until="2019-03")
    assert [p.name for p in paths] == [f"{name}.parquet" for name in extracts.CONTRACT]
    assert sorted(f.name for f in (tmp_path / "new" / "data").iterdir()) == sorted(p.name for p in paths)
    assert sorted(f.name for f in demo.iterdir()) == sorted(p.name for p in paths)  # no temp files left
    for path in paths:
        assert extracts.is_demo(path)


def test_same_arguments_give_identical_bytes(demo: Path, tmp_path: Path) -> None:
    sample.write_sample(tmp_path, seed=2026, until=UNTIL)
    assert _bytes(tmp_path) == _bytes(demo)


def test_another_seed_gives_other_records(demo: Path, tmp_path: Path) -> None:
    sample.write_sample(tmp_path, seed=7, until=UNTIL)
    other, same = _bytes(tmp_path), _bytes(demo)
    # areas are facts, not draws: same rows (the metadata names the seed)
    assert pl.read_parquet(tmp_path / "areas.parquet").equals(pl.read_parquet(demo / "areas.parquet"))
    for name in extracts.CONTRACT:
        if name != "areas":
            assert other[f"{name}.parquet"] != same[f"{name}.parquet"], name


def test_every_extract_validates_clean(demo: Path) -> None:
    areas, frame = extracts.validate(demo, "areas")
    assert areas.ok, [str(p) for p in areas.problems]
    assert areas.demo
    codes = frame.get_column("wijk_code").unique().to_list()
    for name in extracts.CONTRACT:
        result, _ = extracts.validate(demo, name, wijk_codes=codes)
        assert result.ok and not result.problems, [str(p) for p in result.problems]
        assert result.demo


def test_until_and_scale(tmp_path: Path) -> None:
    one = sample.write_sample(tmp_path / "one", until="2019-06")
    two = sample.write_sample(tmp_path / "two", until="2019-06", scale=2)
    signals = [pl.read_parquet(p[1]) for p in (one, two)]
    assert 1.9 < signals[1].height / signals[0].height < 2.1
    assert pl.read_parquet(one[0]).equals(pl.read_parquet(two[0]))  # areas do not scale
    for path in one:
        df = pl.read_parquet(path)
        for col in extracts.CONTRACT[path.stem].date_columns:
            assert df.get_column(col).max() <= dt.date(2019, 6, 30), (path.stem, col)


def test_default_until_is_the_last_complete_month() -> None:
    assert sample.default_until(dt.date(2026, 11, 27)) == "2026-10"
    assert sample.default_until(dt.date(2026, 11, 30)) == "2026-10"
    assert sample.default_until(dt.date(2027, 1, 1)) == "2026-12"


@pytest.mark.parametrize("until", ["2026-13", "2026-1", "2018-12", "2999-01", "oct"])
def test_refuses_a_bad_or_incomplete_until(tmp_path: Path, until: str) -> None:
    with pytest.raises(ValueError, match="until"):
        sample.write_sample(tmp_path, until=until)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("scale", [0, -1, 0.0, float("nan"), float("inf"), "abc", "1", None, True])
def test_refuses_a_bad_scale(tmp_path: Path, scale: object) -> None:
    with pytest.raises(ValueError, match=r"scale must be a positive number .* pass a finite number above 0"):
        sample.write_sample(tmp_path, until="2019-01", scale=scale)  # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan"])
def test_the_cli_refuses_a_bad_scale(tmp_path: Path, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["sample", "--until", "2019-01", f"--scale={value}", "--out", str(tmp_path)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "argument --scale: scale must be a positive number" in err and "above 0" in err, err
    assert not list(tmp_path.iterdir())


def test_a_whole_float_scale_is_the_integer_scale(tmp_path: Path) -> None:
    sample.write_sample(tmp_path / "int", seed=5, until="2019-03", scale=10)
    assert cli.main(["sample", "--seed", "5", "--until", "2019-03", "--scale", "10.0",
                     "--out", str(tmp_path / "float")]) == 0
    assert _bytes(tmp_path / "float") == _bytes(tmp_path / "int")


# --- sparse data: a fractional scale -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sparse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sparse") / "data"
    sample.write_sample(out, seed=2026, until=UNTIL, scale=0.2)
    return out


def test_a_fractional_scale_is_deterministic(sparse: Path, tmp_path: Path) -> None:
    sample.write_sample(tmp_path, seed=2026, until=UNTIL, scale=0.2)
    assert _bytes(tmp_path) == _bytes(sparse)


def test_a_fractional_scale_thins_every_extract_but_areas(sparse: Path,
                                                          frames: dict[str, pl.DataFrame]) -> None:
    thin = {name: pl.read_parquet(sparse / f"{name}.parquet") for name in extracts.CONTRACT}
    assert thin["areas"].equals(frames["areas"])  # facts, not draws
    for name in sample.FACTS:
        assert thin[name].equals(frames[name]), name  # facts about areas, not draws
    ratios = {name: thin[name].height / frames[name].height for name in extracts.CONTRACT
              if name not in sample.FACTS}
    assert 0.10 < ratios["debt_cases"] < 0.35, ratios
    for name, ratio in ratios.items():
        assert 0.10 < ratio < 0.35, (name, ratio)
    # small cells become common: wijk x year counts below the disclosure threshold (10)
    def small(df: pl.DataFrame) -> float:
        per_cell = df.group_by("wijk_code", pl.col("registered_on").dt.year()).len()
        return float((per_cell.get_column("len") < 10).mean())
    assert small(thin["debt_cases"]) > 2 * small(frames["debt_cases"]), (small(thin["debt_cases"]),
                                                                         small(frames["debt_cases"]))


def test_sparse_data_builds_and_checks_clean(sparse: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MONITOR_DATA_DIR", str(sparse))
    # the disclosure protection and its attack on sparse data are tested in test_audit (same seed
    # and scale); here only the extracts, the catalog and the query files
    monkeypatch.setattr(cli, "_protect_all", lambda settings: None)
    monkeypatch.setattr("monitor.checks.check_disclosure", lambda settings: [])
    assert cli.main(["build"]) == 0, capsys.readouterr().err
    assert cli.main(["check"]) == 0, capsys.readouterr().err
    assert "All checks passed" in capsys.readouterr().err


# --- consistency -------------------------------------------------------------------------------------


def test_dates_stop_at_the_cutoff_and_flows_start_in_2019(frames: dict[str, pl.DataFrame]) -> None:
    for name, df in frames.items():
        for col in extracts.CONTRACT[name].date_columns:
            assert df.get_column(col).max() <= CUTOFF, (name, col)
    for name, col in [("early_signals", "received_on"), ("placements", "placed_on"),
                      ("work_activities", "activity_on")]:
        assert frames[name].get_column(col).min() >= dt.date(2019, 1, 1)


def test_ids_are_formatted_and_unique(frames: dict[str, pl.DataFrame]) -> None:
    prefixes = {"early_signals": "S", "debt_cases": "C", "benefit_spells": "B", "work_activities": "A",
                "placements": "W"}
    for name, prefix in prefixes.items():
        ids = frames[name].get_column(extracts.CONTRACT[name].key[0])
        assert ids.str.contains(rf"^{prefix}\d{{8}}$").all(), name
        assert ids.is_unique().all(), name


def test_den_haag_areas(frames: dict[str, pl.DataFrame]) -> None:
    areas = frames["areas"]
    assert areas.get_column("year").unique().sort().to_list() == list(range(2019, 2027))
    first = areas.filter(pl.col("year") == 2019)
    assert first.get_column("wijk_code").to_list() == [f"WK0518{i:02d}" for i in range(1, 45)]
    assert first.get_column("stadsdeel").n_unique() == 8
    names = dict(zip(first["wijk_code"], first["wijk_name"], strict=True))
    assert names["WK051828"] == "Centrum" and names["WK051838"] == "Laakkwartier en Spoorwijk"
    deel = dict(zip(first["wijk_name"], first["stadsdeel"], strict=True))
    assert deel["Benoordenhout"] == "Haagse Hout" and deel["Moerwijk"] == "Escamp"
    assert deel["Schildersbuurt"] == "Centrum" and deel["Binckhorst"] == "Laak"
    totals = areas.group_by("year").agg(pl.col("inhabitants", "households").sum()).sort("year")
    assert 540_000 <= totals["inhabitants"][0] <= 550_000
    assert 560_000 <= totals["inhabitants"][-1] <= 572_000
    assert (totals["households"] / totals["inhabitants"]).is_between(0.45, 0.55).all()
    assert first.filter(pl.col("inhabitants") < 1000).height >= 3  # tiny wijken for disclosure control


def test_wijk_names_match_the_cbs_map() -> None:
    import json

    from tests.conftest import GEOJSON as geo

    features = json.loads(geo.read_text())["features"]
    cbs = {f["properties"]["statcode"]: f["properties"]["statnaam"].split(" ", 2)[2] for f in features}
    ours = {f"WK0518{w[0]:02d}": w[1] for w in sample.WIJKEN}
    # the one name Den Haag writes longer than CBS's map (issue 10: "Bouwlust en Vrederust")
    assert cbs["WK051833"] == "Bouwlust" and ours["WK051833"] == "Bouwlust en Vrederust"
    assert {k: v for k, v in ours.items() if k != "WK051833"} == {k: v for k, v in cbs.items()
                                                                   if k != "WK051833"}


def test_employment_is_null_while_not_observable_and_when_untraced(frames: dict[str, pl.DataFrame]) -> None:
    p = frames["placements"]
    for months, col, share in [(6, "employed_6m", (0.01, 0.03)), (12, "employed_12m", (0.03, 0.05))]:
        unobservable = pl.col("placed_on").dt.offset_by(f"{months}mo") > CUTOFF
        assert p.filter(unobservable & pl.col(col).is_not_null()).height == 0, col
        assert p.filter(unobservable).height > 0
        # observable but null: placements the wage administration could not trace
        observed = p.filter(~unobservable)
        untraced = observed[col].null_count() / observed.height
        assert share[0] <= untraced <= share[1], (col, untraced)
    assert p.filter(pl.col("employed_12m") & ~pl.col("employed_6m")).height == 0
    # untraced at 6 months: untraced at 12 months too, once 12 months have passed
    old = p.filter(pl.col("placed_on").dt.offset_by("12mo") <= CUTOFF)
    assert old.filter(pl.col("employed_6m").is_null() & pl.col("employed_12m").is_not_null()).height == 0


def test_placements_from_benefit_end_a_spell_with_work(frames: dict[str, pl.DataFrame]) -> None:
    placed = frames["placements"].filter(pl.col("from_benefit"))
    spells = frames["benefit_spells"].filter(pl.col("end_reason") == "werk")
    # a person who came back to social assistance may have two such spells: match by date
    joined = placed.join(spells, on="person_id", how="left").filter(
        (pl.col("ended_on") - pl.col("placed_on")).dt.total_days().is_between(0, 31))
    assert joined.height == placed.height
    assert joined.get_column("placement_id").is_unique().all()
    assert (joined["wijk_code"] == joined["wijk_code_right"]).all()


def test_referrals_from_signals_follow_an_accepted_signal(frames: dict[str, pl.DataFrame]) -> None:
    cases = frames["debt_cases"].filter(
        (pl.col("referral") == "vroegsignalering") & (pl.col("registered_on") >= dt.date(2019, 1, 1)))
    accepted = frames["early_signals"].filter(pl.col("help_accepted"))
    assert accepted.get_column("contact_result").unique().to_list() == ["bereikt"]
    matched = cases.join(accepted.select("household_id", "contacted_on"), on="household_id").filter(
        pl.col("contacted_on") <= pl.col("registered_on")).get_column("case_id").n_unique()
    assert cases.height > 500 and matched == cases.height


# --- the story ---------------------------------------------------------------------------------------


def _per_year(df: pl.DataFrame, col: str) -> dict[int, int]:
    counts = df.group_by(pl.col(col).dt.year().alias("y")).len()
    return dict(zip(counts["y"], counts["len"], strict=True))


def test_signals_volume_peak_and_reach(frames: dict[str, pl.DataFrame]) -> None:
    s = frames["early_signals"].with_columns(
        y=pl.col("received_on").dt.year(), reached=(pl.col("contact_result") == "bereikt").fill_null(False))
    monthly = s.group_by(pl.col("received_on").dt.truncate("1mo")).len()["len"]
    assert monthly.min() >= 3500 and monthly.max() <= 4250
    by_year = s.group_by("y").agg(n=pl.len(), reach=pl.col("reached").mean())
    per = {r["y"]: r for r in by_year.iter_rows(named=True)}
    assert per[2022]["n"] > 1.03 * per[2021]["n"]  # energy crisis
    assert 0.17 <= s["reached"].mean() <= 0.24
    assert per[2025]["reach"] > per[2022]["reach"] + 0.03  # better outreach after 2023
    reached = s.filter(pl.col("reached"))
    assert 0.31 <= reached["help_accepted"].mean() <= 0.39
    assert s.filter(~pl.col("reached"))["help_accepted"].sum() == 0


def test_debt_help_volumes_and_outcomes(frames: dict[str, pl.DataFrame]) -> None:
    cases = frames["debt_cases"]
    registrations = _per_year(cases, "registered_on")
    assert all(2400 <= registrations[y] <= 3600 for y in FULL_YEARS), registrations
    free = _per_year(cases.filter(pl.col("end_reason") == "schuldenvrij"), "ended_on")
    assert all(300 <= free[y] <= 1200 for y in FULL_YEARS), free
    settlements = cases.filter(pl.col("route").is_in(["schuldbemiddeling", "saneringskrediet"]))
    done = settlements.filter(pl.col("started_on").dt.year().is_between(2019, 2021))
    assert done["ended_on"].null_count() == 0  # 36 months have passed for all of them
    assert 0.58 <= (done["end_reason"] == "schuldenvrij").mean() <= 0.70
    months = ((pl.col("ended_on") - pl.col("started_on")).dt.total_days() / 30.44).median()
    debt_free = settlements.filter(pl.col("end_reason") == "schuldenvrij")
    before = debt_free.filter(pl.col("started_on") < dt.date(2023, 7, 1)).select(months).item()
    after = debt_free.filter(pl.col("started_on") >= dt.date(2023, 7, 1)).select(months).item()
    assert 35 <= before <= 38 and 17 <= after <= 20


def test_more_debt_help_in_laak_than_in_haagse_hout(frames: dict[str, pl.DataFrame]) -> None:
    households = frames["areas"].filter(pl.col("year") == 2019).select("wijk_code", "stadsdeel", "households")
    cases = frames["debt_cases"].filter(pl.col("registered_on") >= dt.date(2019, 1, 1))
    rate = (cases.group_by("wijk_code").len().join(households, on="wijk_code", how="right")
            .group_by("stadsdeel").agg(rate=pl.col("len").sum() / pl.col("households").sum()))
    per = dict(zip(rate["stadsdeel"], rate["rate"], strict=True))
    assert per["Laak"] > 1.5 * per["Haagse Hout"]
    assert per["Escamp"] > per["Haagse Hout"] and per["Centrum"] > per["Segbroek"]


def test_benefit_stock_stays_in_range(frames: dict[str, pl.DataFrame]) -> None:
    spells = frames["benefit_spells"]
    ends = pl.date_range(dt.date(2019, 1, 1), CUTOFF, "1mo", eager=True).dt.month_end()
    stock = [spells.filter((pl.col("started_on") <= d) & (pl.col("ended_on").is_null()
                                                         | (pl.col("ended_on") >= d))).height for d in ends]
    assert min(stock) >= 22_000 and max(stock) <= 27_000, (min(stock), max(stock))
    assert spells.filter(pl.col("ended_on").is_null() != pl.col("end_reason").is_null()).height == 0


def test_placements_dip_in_2020_and_rise_since_2021(frames: dict[str, pl.DataFrame]) -> None:
    per = _per_year(frames["placements"], "placed_on")
    assert all(1500 <= per[y] <= 2500 for y in FULL_YEARS), per
    assert per[2020] < 0.92 * per[2019]
    assert per[2021] < per[2023] < per[2025]
    assert 0.6 <= frames["placements"]["from_benefit"].mean() <= 0.85


def test_work_activities_lead_to_placements(frames: dict[str, pl.DataFrame]) -> None:
    acts = frames["work_activities"]
    per = _per_year(acts, "activity_on")
    assert all(20_000 <= per[y] <= 60_000 for y in FULL_YEARS), per
    placed = frames["placements"]
    later = placed.filter(pl.col("placed_on") >= dt.date(2019, 7, 1))
    matched = later.join(acts.filter(pl.col("activity") == "match"), on="person_id").filter(
        pl.col("activity_on") <= pl.col("placed_on")).get_column("placement_id").n_unique()
    assert matched > 0.98 * later.height
    matches = _per_year(acts.filter(pl.col("activity") == "match"), "activity_on")
    placements = _per_year(placed, "placed_on")
    assert all(2 <= matches[y] / placements[y] <= 10 for y in FULL_YEARS)


def test_the_last_months_hold_the_people_still_on_their_way_to_work(frames: dict[str, pl.DataFrame]) -> None:
    """The road to a placement is drawn back from it, so the last months also need the roads of
    people placed after the cut-off: without them matches fell by a third in the demo's last two
    months, a fall an alderman would read as the programme's."""
    acts = frames["work_activities"].with_columns(month=pl.col("activity_on").dt.truncate("1mo"))
    months = sorted(acts["month"].unique())[-15:]
    assert months[-1] == CUTOFF.replace(day=1)
    per = acts.filter(pl.col("month").is_in(months)).group_by("activity", "month").len()
    for kind in ("gesprek", "profiel", "match", "proefplaatsing"):
        n = per.filter(pl.col("activity") == kind)
        recent = n.filter(pl.col("month").is_in(months[-3:]))["len"].mean()
        earlier = n.filter(pl.col("month").is_in(months[:-3]))["len"].mean()
        assert recent >= 0.9 * earlier, (kind, recent, earlier)


def test_the_pipeline_draws_change_no_other_extract(demo: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The roads after the cut-off draw from a generator of their own: without them every other
    extract keeps its bytes, and the activities lose only rows up to the cut-off's last months."""
    import numpy as np

    from monitor.sample import write

    def nothing(*args: object, **kwargs: object) -> dict[str, np.ndarray]:
        return {"day": np.zeros(0, np.int64), "person": np.zeros(0, np.int64),
                "activity": np.zeros(0, np.int64)}

    monkeypatch.setattr(write, "draw_pending", nothing)
    sample.write_sample(tmp_path, seed=2026, until=UNTIL)
    without, full = _bytes(tmp_path), _bytes(demo)
    for name in extracts.CONTRACT:
        if name != "work_activities":
            assert without[f"{name}.parquet"] == full[f"{name}.parquet"], name
    fewer = pl.read_parquet(tmp_path / "work_activities.parquet")
    more = pl.read_parquet(demo / "work_activities.parquet")
    key = ["person_id", "activity_on", "activity"]
    extra = more.select(key).join(fewer.select(key), on=key, how="anti")
    assert fewer.height < more.height and extra["activity_on"].min() > CUTOFF - dt.timedelta(days=366)


# --- version 2 of the contract ----------------------------------------------------------------------


def test_flow_extracts_declare_their_coverage(demo: Path) -> None:
    import pyarrow.parquet as pq

    for name in extracts.CONTRACT:
        meta = pq.read_metadata(demo / f"{name}.parquet").metadata or {}
        got = meta.get(b"monitor.coverage_from")
        assert got == (None if name in sample.FACTS else b"2019-01"), name


def test_urgent_requests_and_the_legal_term(frames: dict[str, pl.DataFrame]) -> None:
    import numpy as np

    cases = frames["debt_cases"].filter(pl.col("registered_on") >= dt.date(2019, 1, 1))
    assert 0.10 <= cases["urgent"].mean() <= 0.15
    share = dict(cases.group_by("referral").agg(pl.col("urgent").mean()).iter_rows())
    assert share["vroegsignalering"] > 1.5 * max(v for k, v in share.items() if k != "vroegsignalering")
    # due: three working days after the request when urgent, else four weeks (Wgs art. 4);
    # weekends only here, so a public holiday can only make this count stricter
    reg = cases["registered_on"].to_numpy().astype("datetime64[D]")
    due = np.where(cases["urgent"].to_numpy(), np.busday_offset(reg, 3, roll="forward"), reg + 28)
    interview = cases["first_interview_on"].to_numpy().astype("datetime64[D]")
    passed = due <= np.datetime64(CUTOFF)
    on_time = ~np.isnat(interview) & (interview <= due)
    assert 0.75 <= on_time[passed].mean() <= 0.90, on_time[passed].mean()
    urgent = cases["urgent"].to_numpy() & passed
    assert 0.70 <= on_time[urgent].mean() <= 0.95
    # some never had an interview: still open, or ended as uitval
    never = cases.filter(pl.col("first_interview_on").is_null()
                         & (pl.col("registered_on") < dt.date(2026, 9, 1)))
    assert never.filter(pl.col("ended_on").is_null()).height > 0
    assert never.filter(pl.col("end_reason") == "uitval").height > 0


def test_debt_free_households_register_again_within_and_after_a_year(frames: dict[str, pl.DataFrame]) -> None:
    cases = frames["debt_cases"]
    free = cases.filter(pl.col("end_reason") == "schuldenvrij").select("household_id", "ended_on")
    again = free.join(cases.select("household_id", "registered_on"), on="household_id").filter(
        pl.col("registered_on") > pl.col("ended_on"))
    days = (again["registered_on"] - again["ended_on"]).dt.total_days()
    assert (days <= 365).sum() > 50 and (days > 365).sum() > 50


def test_people_who_left_for_work_come_back(frames: dict[str, pl.DataFrame]) -> None:
    spells = frames["benefit_spells"]
    exits = spells.filter((pl.col("end_reason") == "werk") & (pl.col("ended_on") >= dt.date(2019, 1, 1))
                          & (pl.col("ended_on") <= dt.date(2025, 10, 31)))  # twelve months observable
    later = exits.join(spells, on="person_id", suffix="_next").filter(
        pl.col("started_on_next") > pl.col("ended_on"))
    first_back = later.group_by("spell_id").agg(
        days=(pl.col("started_on_next") - pl.col("ended_on")).dt.total_days().min(),
        same_unit=(pl.col("benefit_unit_id_next") == pl.col("benefit_unit_id")).sort_by("started_on_next")
        .first(),
        same_wijk=(pl.col("wijk_code_next") == pl.col("wijk_code")).all())
    within = first_back.filter(pl.col("days") <= 365).height / exits.height
    assert 0.15 <= within <= 0.25, within
    assert first_back.filter(pl.col("days") > 365).height > 100
    assert first_back["same_wijk"].all()
    assert 0.75 <= first_back["same_unit"].mean() < 1  # usually the same household's benefit
    assert later["spell_id"].is_in(later["spell_id_next"].implode()).any()  # some return more than once


def test_couples_share_one_benefit(frames: dict[str, pl.DataFrame]) -> None:
    spells = frames["benefit_spells"]
    units = spells.group_by("benefit_unit_id").agg(
        people=pl.col("person_id").n_unique(), starts=pl.col("started_on").n_unique(),
        ends=pl.col("ended_on").n_unique(), wijken=pl.col("wijk_code").n_unique())
    couples = units.filter(pl.col("people") == 2)
    assert units["people"].max() == 2
    assert 0.05 <= couples.height / units.height <= 0.15
    # one benefit: the partners' spells run together, in one home
    assert (couples["starts"] == 1).all() and (couples["ends"] == 1).all() and (couples["wijken"] == 1).all()


def test_work_activities_know_the_wijk_and_the_benefit(frames: dict[str, pl.DataFrame]) -> None:
    acts = frames["work_activities"]
    spells = frames["benefit_spells"]
    assert acts["wijk_code"].null_count() == 0
    running = acts.join(spells.select("person_id", "started_on", "ended_on"), on="person_id").filter(
        (pl.col("activity_on") >= pl.col("started_on"))
        & (pl.col("ended_on").is_null() | (pl.col("activity_on") <= pl.col("ended_on"))))
    expected = acts["activity_id"].is_in(running["activity_id"].implode())
    assert (acts["on_benefit"] == expected).all()
    off = 1 - acts["on_benefit"].mean()
    assert 0.15 <= off <= 0.25, off
    # where the person lives: one wijk per person, the wijk of their spells when they have any
    assert acts.group_by("person_id").agg(pl.col("wijk_code").n_unique())["wijk_code"].max() == 1
    homes = spells.group_by("person_id").agg(pl.col("wijk_code").first(), n=pl.col("wijk_code").n_unique())
    assert homes["n"].max() == 1
    joined = acts.join(homes, on="person_id", suffix="_spell")
    assert (joined["wijk_code"] == joined["wijk_code_spell"]).all()
    never = acts.join(spells, on="person_id", how="anti")
    assert never.height > 0.05 * acts.height and not never["on_benefit"].any()


def test_signals_name_their_sender(frames: dict[str, pl.DataFrame]) -> None:
    s = frames["early_signals"]
    names = s.group_by("partner").agg(pl.col("partner_name").unique().sort())
    per = dict(names.iter_rows())
    assert per["cak"] == ["CAK"]
    prefix = {"zorgverzekeraar": "Zorgverzekeraar ", "energie": "Energieleverancier ",
              "woningcorporatie": "Woningcorporatie ", "water": "Drinkwaterbedrijf"}
    for partner, start in prefix.items():
        assert all(n.startswith(start) for n in per[partner]), per[partner]
    assert all(len(per[p]) >= 3 for p in ("zorgverzekeraar", "energie", "woningcorporatie"))
    # a household has one insurer, one energy supplier, ...
    assert s.group_by("household_id", "partner").agg(pl.col("partner_name").n_unique())[
        "partner_name"].max() == 1


# --- at scale: blocks of households (issue 11) ---------------------------------------------------------


def test_a_scale_above_one_block_is_drawn_in_equal_blocks() -> None:
    from monitor.sample import blocks

    assert blocks.plan(0.2) == [0.2] and blocks.plan(1) == [1]
    assert blocks.plan(10) == [1] * 10 and blocks.plan(2.5) == [2.5 / 3] * 3
    assert sum(blocks.plan(2.5)) == pytest.approx(2.5)


def test_every_id_column_of_the_contract_is_renumbered_per_block() -> None:
    """A new id column left out of the renumbering would repeat its numbers in every block."""
    from monitor.sample.blocks import ID_PREFIX

    ids = {c.name for spec in extracts.CONTRACT.values() for c in spec.columns if c.name.endswith("_id")}
    assert ids == set(ID_PREFIX)


def test_blocks_keep_the_first_block_and_share_no_one(tmp_path: Path) -> None:
    """Scale 2 is two blocks: the first is the scale-1 data itself, the second has ids of its own."""
    import pyarrow.parquet as pq

    sample.write_sample(tmp_path / "one", seed=2026, until="2019-06")
    sample.write_sample(tmp_path / "two", seed=2026, until="2019-06", scale=2)
    files = sorted(f.name for f in (tmp_path / "two").iterdir())
    assert files == sorted(f.name for f in (tmp_path / "one").iterdir())  # no temporary file left
    signals = pq.ParquetFile(tmp_path / "two" / "early_signals.parquet")
    assert signals.metadata.num_row_groups == 2  # a row group per block
    for name, spec in extracts.CONTRACT.items():
        one = pl.read_parquet(tmp_path / "one" / f"{name}.parquet")
        two = pl.read_parquet(tmp_path / "two" / f"{name}.parquet")
        assert two.schema == one.schema, name
        assert two.select(spec.key).is_unique().all(), name
        assert two.head(one.height).equals(one), name  # block 0 first, unchanged
        meta = pq.read_metadata(tmp_path / "two" / f"{name}.parquet").metadata
        assert meta.get(b"monitor.coverage_from") == (None if name in sample.FACTS else b"2019-01"), name
        assert extracts.is_demo(tmp_path / "two" / f"{name}.parquet")
        second = two.slice(one.height)
        for column in (c for c in two.columns if c.endswith("_id") and c not in spec.key):
            shared = second[column].is_in(one[column].implode())
            assert not shared.any(), (name, column)  # a household or person lives in one block
    for name in extracts.CONTRACT:
        result, _ = extracts.validate(tmp_path / "two", name, wijk_codes=list(sample.WIJK_CODES))
        assert result.ok and not result.problems, [str(p) for p in result.problems]


def test_a_block_that_fails_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The files appear together when every block is written; a failure half-way leaves nothing."""
    from monitor.sample import write

    real = write.generate

    def second_block_fails(**kwargs: object) -> dict[str, pl.DataFrame]:
        if kwargs.get("block"):
            raise RuntimeError("disk full")
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(write, "generate", second_block_fails)
    with pytest.raises(RuntimeError, match="disk full"):
        sample.write_sample(tmp_path, until="2019-03", scale=2)
    assert list(tmp_path.iterdir()) == []
