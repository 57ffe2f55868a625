"""`python -m monitor`: exit codes, CSV shapes and messages that name the file."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys

import pytest

from monitor import cli, rollup
from monitor.engine import get_engine
from tests.conftest import ROOT

COMMANDS = ["sample", "build", "check", "indicators", "series", "sql", "new", "report", "bench", "contract",
            "scorecard", "changes", "commentary"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    out = subprocess.run([sys.executable, "-m", "monitor", command, "--help"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "usage: python -m monitor" in out.stdout


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_check_passes_on_demo(demo_settings, capsys) -> None:
    assert cli.main(["check"]) == 0
    err = capsys.readouterr().err
    assert "All checks passed" in err
    # the projection's backtest: a line per ambition indicator and one overall
    from monitor import programme

    pf = programme.load_programme(demo_settings.programme_file)
    for ind_id in {a.indicator for a in pf.ambitions.values()}:
        assert re.search(rf"^  {ind_id} +\d+ of +\d+ inside the 80% band", err, re.M), ind_id
    assert re.search(r"^  overall +\d+ of +\d+ \(\d+%\)$", err, re.M)


# ---------------------------------------------------------------- scorecard

SCORECARD_COLUMNS = ["ambition", "indicator", "status", "current", "year_earlier", "change", "target",
                     "target_date", "trajectory_now", "projection", "projection_low", "projection_high",
                     "reaches_target", "as_of", "baseline", "wrong_way_targets"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_scorecard_csv_one_row_per_ambition_of_each_term(demo_settings, capsys, lang) -> None:
    from monitor import i18n, programme

    pf = programme.load_programme(demo_settings.programme_file)
    for term in pf.terms:
        assert cli.main(["scorecard", "--term", term.id, "--lang", lang]) == 0
        out = capsys.readouterr().out
        assert out.splitlines()[0] == ",".join(SCORECARD_COLUMNS)
        rows = _rows(out)
        mine = [a for a in pf.ambitions.values() if a.term == term.id]
        assert sorted(r["indicator"] for r in rows) == sorted(a.indicator for a in mine)
        assert sorted(r["ambition"] for r in rows) == sorted(i18n.pick(a.title, lang) for a in mine)
        words = {i18n.t(f"status_{code}", lang) for code in programme.STATUS_CODES}
        assert all(r["status"] in words for r in rows)


def test_scorecard_status_never_contradicts_its_own_facts(demo_settings, capsys) -> None:
    """Over every ambition of both terms: the status is the function of the two facts in the row."""
    from monitor import i18n, programme

    pf = programme.load_programme(demo_settings.programme_file)
    # worked out here from the words the council reads, not from the code's verdict()
    table = {(True, "true"): "status_on_track", (False, "true"): "status_behind_reaching",
             (True, "false"): "status_on_path_missing", (False, "false"): "status_off_track",
             (True, ""): "status_no_projection", (False, ""): "status_no_projection"}
    directions = {i.id: i.direction for i in get_engine(demo_settings).registry.indicators.values()}
    seen = settled = 0
    for term in pf.terms:
        assert cli.main(["scorecard", "--term", term.id, "--lang", "en"]) == 0
        for r in _rows(capsys.readouterr().out):
            if r["target_date"] and r["as_of"] and r["target_date"][:7] <= r["as_of"][:7]:
                # the target's month is in the data: met or missed, read from the measured value
                value, target = float(r["projection"]), float(r["target"])
                met = value >= target if directions[r["indicator"]] == "up" else value <= target
                assert r["projection_low"] == r["projection_high"] == r["projection"]  # measured, no band
                assert r["status"] == i18n.t("status_target_met" if met else "status_target_missed", "en"), r
                assert r["trajectory_now"] == ""  # no trajectory 'now' after the target's date
                settled += 1
                continue
            if r["trajectory_now"] == "" or r["current"] == "":
                assert r["status"] == i18n.t("status_no_target", "en")
                continue
            current, expected = float(r["current"]), float(r["trajectory_now"])
            tolerance = next(a.tolerance for a in pf.ambitions.values()
                             if a.term == term.id and a.indicator == r["indicator"])
            # fact (a), from the row's own numbers: short of the trajectory by at most the tolerance,
            # and never worse than the baseline
            up = directions[r["indicator"]] == "up"
            short = expected - current if up else current - expected
            baseline = float(r["baseline"])
            not_worse = current >= baseline - 0.01 if up else current <= baseline + 0.01
            on_path = short <= abs(expected) * tolerance + 0.01 and (short <= 0.01 or not_worse)
            # fact (b), from the row's own projection and target
            if r["projection"]:
                value, target = float(r["projection"]), float(r["target"])
                reaches = value >= target if directions[r["indicator"]] == "up" else value <= target
                assert r["reaches_target"] == str(reaches).lower()
                assert float(r["projection_low"]) <= value <= float(r["projection_high"])
            assert r["status"] == i18n.t(table[(on_path, r["reaches_target"])], "en"), r
            seen += 1
    assert seen >= 5 and settled >= 5, (seen, settled)  # the demo's 2022-2026 term ended before its data


def test_scorecard_csv_names_the_targets_that_go_the_wrong_way(demo_settings, tmp_path, monkeypatch,
                                                              capsys) -> None:
    """`wrong_way_targets`: empty for the demo's rising paths; a later target set below an earlier
    one (a share that should rise) is named by its year, and only that ambition's row names it."""
    import shutil

    copy = tmp_path / "programme.yaml"
    shutil.copy(demo_settings.programme_file, copy)
    assert cli.main(["scorecard", "--term", "2022-2026", "--lang", "en"]) == 0
    assert {r["wrong_way_targets"] for r in _rows(capsys.readouterr().out)} == {""}
    # plaatsingen_2022 aims at 1460 in 2025 (programme.yaml); 2026 set to 1450 recedes from it
    text = copy.read_text()
    old = "{year: 2026, value: 1500,"
    assert text.count(old) == 1
    copy.write_text(text.replace(old, "{year: 2026, value: 1450,"))
    monkeypatch.setenv("MONITOR_PROGRAMME", str(copy))
    assert cli.main(["scorecard", "--term", "2022-2026", "--lang", "en"]) == 0
    named = {r["indicator"]: r["wrong_way_targets"] for r in _rows(capsys.readouterr().out)}
    assert named.pop("plaatsingen_vanuit_bijstand") == "2026"
    assert set(named.values()) == {""}


def test_scorecard_leaves_a_hidden_figure_empty(demo_settings, monkeypatch, capsys) -> None:
    monkeypatch.setenv("MONITOR_MIN_CELL", str(10**9))
    assert cli.main(["scorecard"]) == 0
    rows = _rows(capsys.readouterr().out)
    assert rows and all(r["current"] == r["year_earlier"] == r["change"] == "" for r in rows)


def test_scorecard_refuses_an_unknown_term(demo_settings, capsys) -> None:
    assert cli.main(["scorecard", "--term", "1999-2003"]) == 2
    assert "2022-2026" in capsys.readouterr().err


def test_check_fails_when_the_protection_does_not_hold(demo_settings, tmp_path, monkeypatch, capsys) -> None:
    # The roll-up's repair switched off (the per-equation rule only), with patterns computed
    # afresh: the attack must find the leaks and `check` must fail, naming the file and the
    # command that shows the details.
    from monitor.rollup import attack, stored

    queries = tmp_path / "queries"
    shutil.copytree(ROOT / "queries", queries)
    monkeypatch.setenv("MONITOR_QUERIES_DIR", str(queries))
    monkeypatch.setattr(stored.attack, "protect", lambda linked, ind, hidden, **kw: attack.Protection(
        hidden, 0, 0, 0, 0.0))
    monkeypatch.setattr(stored, "PATTERN_VERSION", -1)  # not the stored, protected pattern
    assert cli.main(["check"]) == 1
    out = capsys.readouterr().out
    assert "schuldhulp_aanmeldingen.sql" in out and "audit-disclosure schuldhulp_aanmeldingen" in out


def test_check_names_a_broken_query_file(demo_settings, tmp_path, monkeypatch, capsys) -> None:
    queries = tmp_path / "queries"
    shutil.copytree(ROOT / "queries", queries)
    broken = "/*---\ntitle: {nl: Kapot, en: Broken}\nkind: outcomee\n---*/\nSELECT 1\n"
    (queries / "kapot.sql").write_text(broken)
    monkeypatch.setenv("MONITOR_QUERIES_DIR", str(queries))
    assert cli.main(["check"]) == 1
    out = capsys.readouterr().out
    assert "kapot.sql" in out and "outcomee" in out


def test_check_names_a_broken_extract(data_copy, capsys) -> None:
    (data_copy.data_dir / "placements.parquet").write_bytes(b"not parquet")
    assert cli.main(["check"]) == 1
    out = capsys.readouterr().out
    assert "placements.parquet" in out and "unreadable file" in out


def test_series_csv_equals_the_library(demo_settings, capsys) -> None:
    assert cli.main(["series", "huishoudens_schuldenvrij", "--grain", "year", "--by", "stadsdeel"]) == 0
    rows = _rows(capsys.readouterr().out)
    assert list(rows[0]) == ["period", "area", "value", "suppressed"]
    expected = get_engine(demo_settings).series("huishoudens_schuldenvrij",
                                                rollup.View(grain="year", level="stadsdeel"))
    assert len(rows) == expected.height
    for row, (period, area, value, suppressed) in zip(
        rows, expected.frame.select("period", "area", "value", "suppressed").iter_rows(), strict=True
    ):
        assert (row["period"], row["area"]) == (period, area)
        assert row["value"] == ("" if suppressed else str(value))
        assert row["suppressed"] == ("true" if suppressed else "false")


def test_series_ratio_has_denominator_and_suppression(demo_settings, capsys) -> None:
    assert cli.main(["series", "vroegsignalen_bereikt_pct", "--grain", "year", "--by", "wijk",
                     "--from", "2024-01", "--to", "2026-03"]) == 0
    rows = _rows(capsys.readouterr().out)
    assert list(rows[0]) == ["period", "area", "value", "denominator", "suppressed"]
    # the demo data run to October 2026: a wijk shows no running year (docs/disclosure.md)
    assert {r["period"] for r in rows} == {"2024", "2025"}
    assert all(r["area"].startswith("WK0518") for r in rows)
    shown = [r for r in rows if r["suppressed"] == "false"]
    assert all(float(r["denominator"]) == 0 or float(r["denominator"]) >= 10 for r in shown)
    hidden = [r for r in rows if r["suppressed"] == "true"]
    assert hidden, "small wijken must be suppressed"
    assert all(r["value"] == "" and r["denominator"] == "" for r in hidden)  # empty, not text
    assert not any(re.match(r"<\s*\d", v) for r in rows for v in r.values())


def test_series_output_is_only_csv_when_the_protection_is_computed(data_copy) -> None:
    # a fresh data folder: the catalog and the protected pattern are computed in this process,
    # and nothing (HiGHS prints a banner on fd 1) may land in the CSV on stdout
    env = {**os.environ, "MONITOR_DATA_DIR": str(data_copy.data_dir)}
    command = ["series", "hulp_geaccepteerd", "--grain", "year", "--by", "stadsdeel"]
    out = subprocess.run([sys.executable, "-m", "monitor", *command], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "period,area,value,suppressed"
    assert all(line.count(",") == 3 for line in lines)
    assert list((data_copy.catalog_dir / "protection").rglob("hulp_geaccepteerd-*.npy"))


def test_series_refuses_a_view_outside_the_publication_plan(demo_settings, capsys) -> None:
    # wijk figures are published per year and per term only (docs/disclosure.md)
    assert cli.main(["series", "vroegsignalen_bereikt_pct", "--grain", "month", "--by", "wijk"]) == 2
    err = capsys.readouterr().err
    assert "wijk" in err and "year, term" in err and "docs/disclosure.md" in err


def test_series_unknown_indicator(demo_settings, capsys) -> None:
    assert cli.main(["series", "huishoudens_schuldvrij"]) == 2
    assert "huishoudens_schuldenvrij" in capsys.readouterr().err  # the known ids are listed


def test_indicators_lists_every_query_file(demo_settings, capsys) -> None:
    assert cli.main(["indicators"]) == 0
    ids = {r["id"] for r in _rows(capsys.readouterr().out)}
    assert ids == {p.stem for p in (ROOT / "queries").rglob("*.sql") if "_staging" not in p.parts}


def test_report_writes_a_file(demo_settings, tmp_path) -> None:
    out = tmp_path / "rapport.html"
    assert cli.main(["report", "--out", str(out)]) == 0
    assert out.read_text().startswith("<!doctype html>")


def test_sql_refusal_exit_code(demo_settings, capsys) -> None:
    assert cli.main(["sql", "DROP TABLE areas"]) == 2
    assert "Refused" in capsys.readouterr().err
