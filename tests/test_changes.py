"""What changed with a delivery: two demo deliveries (cut-off September, then October 2026) through
`monitor build`, and the change log checked against the scorecard each delivery printed itself.

The expected status changes are computed here from `monitor scorecard` output of each version
(titles and status words, as a reader sees them); the new month is the cut-off the test chose.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from monitor import changes, changes_text, i18n, sample, state, ui
from monitor.cli import main
from monitor.programme import load_programme
from tests.conftest import DEMO_SEED, PROGRAMME_YAML

FIRST, SECOND = "2026-09", "2026-10"


def _run(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(argv) in (0, 1)
    return out.getvalue()


def _statuses(scorecard_csv: str) -> dict[str, str]:
    return {row["ambition"]: row["status"] for row in csv.DictReader(io.StringIO(scorecard_csv))}


@pytest.fixture(scope="module")
def deliveries(tmp_path_factory: pytest.TempPathFactory):
    """Two builds in one data folder; returns (scorecard CSV after each, the change log as JSON)."""
    root = tmp_path_factory.mktemp("deliveries")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MONITOR_DATA_DIR", str(root / "data"))
        mp.setenv("MONITOR_STATE_DIR", str(root / "state"))
        mp.setenv("MONITOR_AUDIT_DIR", str(root / "audit"))
        mp.setenv("MONITOR_REPORTING_CYCLE", "month")  # so the new month is a new reporting period too
        cards = []
        for until in (FIRST, SECOND):
            sample.write_sample(root / "data", seed=DEMO_SEED, until=until)  # the later cut replaces them
            _run(["build"])
            cards.append(_run(["scorecard", "--lang", "en"]))
        log = json.loads(_run(["changes", "--format", "json"]))
        again = json.loads(_run(["changes", "--format", "json"]))
        as_csv = _run(["changes", "--format", "csv"])
        as_text = _run(["changes", "--lang", "en"])
        none_since = json.loads(_run(["changes", "--format", "json", "--since", "2999-01-01"]))
        yield {"cards": cards, "log": log, "again": again, "csv": as_csv, "text": as_text,
               "since": none_since}


def test_one_entry_per_delivery_newest_first(deliveries) -> None:
    log = deliveries["log"]
    assert [e["as_of"][:7] for e in log] == [SECOND, FIRST]
    assert log[1]["items"][0]["kind"] == "first"
    assert log[0]["previous_version"] == log[1]["catalog_version"]
    assert deliveries["again"] == log  # recording is idempotent: asking again adds nothing
    assert deliveries["since"] == []


def test_the_new_month_and_reporting_period_are_listed(deliveries) -> None:
    items = deliveries["log"][0]["items"]
    assert {"kind": "new_month", "subject": "", "before": FIRST, "after": SECOND, "change": None,
            "detail": ""} in items
    assert [(i["before"], i["after"]) for i in items if i["kind"] == "new_period"] == [(FIRST, SECOND)]
    rows = list(csv.DictReader(io.StringIO(deliveries["csv"])))
    assert any((r["kind"], r["subject"], r["before"], r["after"]) == ("new_month", "", FIRST, SECOND)
               for r in rows)


def test_every_status_change_is_listed(deliveries) -> None:
    before, after = (_statuses(c) for c in deliveries["cards"])
    expected = {(title, before[title], after[title]) for title in after if before.get(title) != after[title]}
    titles = {a.id: i18n.pick(a.title, "en") for a in load_programme(PROGRAMME_YAML).ambitions.values()}
    def word(code: str) -> str:
        return i18n.t(f"status_{code}", "en")

    listed = {(titles[i["subject"]], word(i["before"]), word(i["after"]))
              for i in deliveries["log"][0]["items"] if i["kind"] == "status"}
    assert expected, "these two demo cut-offs change some statuses (two, when this test was written)"
    assert listed == expected
    for title, was, now in expected:  # and the mail's text says each of them
        assert f"{title}: {was} → {now}" in deliveries["text"]


def test_largest_moves_are_the_largest_against_a_year_earlier(deliveries) -> None:
    moves = [i for i in deliveries["log"][0]["items"] if i["kind"] == "move"]
    assert 0 < len(moves) <= changes.MOVES
    sizes = [abs(m["after"] - m["before"]) / abs(m["before"]) for m in moves]
    assert sizes == sorted(sizes, reverse=True)
    assert all(abs(m["change"] - (m["after"] - m["before"]) / abs(m["before"])) < 1e-4 for m in moves)


# ---- the comparison on hand-made summaries

def _summary(as_of: str, statuses: dict[str, str], indicators: dict, extracts: list | None = None) -> dict:
    return {"as_of": as_of, "reporting_period": as_of[:7], "ambitions": {a: {"status": s, "indicator": "x"}
                                                                        for a, s in statuses.items()},
            "indicators": indicators, "extracts": extracts or []}


def test_compare_broke_recovered_failed_and_moves() -> None:
    before = _summary("2026-09-30", {"a": "on_track", "b": "off_track"}, {
        "up": {"last_month": "2026-09-01", "current": 110.0, "previous": 100.0},
        "gone": {"last_month": "2026-09-01", "current": 5.0, "previous": 4.0},
        "back": {"problem": "QueryError: no such column"},
    })
    after = _summary("2026-10-31", {"a": "off_track", "b": "off_track"}, {
        "up": {"last_month": "2026-10-01", "current": 150.0, "previous": 100.0},   # +50 %
        "down": {"last_month": "2026-10-01", "current": 80.0, "previous": 100.0},  # -20 %
        "hidden": {"last_month": "2026-10-01", "current": None, "previous": 100.0},  # never compared
        "gone": {"problem": "QueryError: table debt_cases has no column x"},
        "back": {"last_month": "2026-10-01", "current": 1.0, "previous": 1.0},
    }, [{"name": "benefits", "status": "kept", "problem": "benefits.parquet: column x missing"}])
    got = [(i["kind"], i["subject"], i["before"], i["after"]) for i in changes.compare(before, after)]
    assert got == [
        ("new_month", "", "2026-09", "2026-10"),
        ("new_period", "", "2026-09", "2026-10"),
        ("status", "a", "on_track", "off_track"),
        ("new_month", "up", "2026-09", "2026-10"),
        ("broke", "gone", None, None),
        ("recovered", "back", None, None),
        ("move", "up", 100.0, 150.0),
        ("move", "down", 100.0, 80.0),
        ("extract", "benefits", None, "kept"),
    ]


def test_a_catalog_built_again_on_the_same_extracts_is_no_new_delivery() -> None:
    """A query or programme file changed, the extracts did not: the entry says 'rebuilt, the same
    data', lists what that changed (a status) and not again the year-on-year moves of the delivery."""
    data = [["debt_cases", "loaded", 27796, ["2019-01-02", "2026-10-31"], "2026-11-30T10:00:00"]]
    indicators = {"up": {"last_month": "2026-10-01", "current": 150.0, "previous": 100.0}}
    before = {**_summary("2026-10-31", {"a": "on_track"}, indicators), "data": data}
    after = {**_summary("2026-10-31", {"a": "off_track"}, indicators), "data": data}
    got = [(i["kind"], i["subject"]) for i in changes.compare(before, after)]
    assert got == [("rebuild", ""), ("status", "a")]
    entry = {"built_at": "2026-12-01T06:00:00", "as_of": "2026-10-31",
             "items": changes.compare(before, after)}
    assert changes_text.heading(entry, "nl").startswith("Opnieuw opgebouwd op ")
    assert changes_text.heading(entry, "en").startswith("Rebuilt on ")
    # a new file (another modification time) is a delivery again, with its moves
    moved = {**after, "data": [[*data[0][:4], "2026-12-01T09:00:00"]]}
    kinds = [i["kind"] for i in changes.compare(before, moved)]
    assert "rebuild" not in kinds and "move" in kinds
    delivered = {"built_at": "2026-12-01T09:30:00", "as_of": "2026-10-31",
                 "items": changes.compare(before, moved)}
    assert changes_text.heading(delivered, "nl").startswith("Levering van ")


def test_an_update_of_the_monitor_is_said_above_the_status_changes() -> None:
    """A status that changed because the monitor computes it differently now is not the data's doing:
    the entry says so first in its status section; the same rules, or a summary without a digest
    (recorded before it was kept), say nothing."""
    indicators = {"x": {"last_month": "2026-10-01", "current": 1.0, "previous": 1.0}}
    before = {**_summary("2026-09-30", {"a": "on_track"}, indicators), "rules": "0123456789abcdef"}
    after = {**_summary("2026-10-31", {"a": "off_track"}, indicators), "rules": "fedcba9876543210"}
    got = [(i["kind"], i["subject"], i["before"], i["after"]) for i in changes.compare(before, after)]
    assert got[2:4] == [("rules", "", "0123456789abcdef", "fedcba9876543210"),
                        ("status", "a", "on_track", "off_track")]
    for same in ({**before, "rules": after["rules"]}, {k: v for k, v in before.items() if k != "rules"}):
        assert "rules" not in [i["kind"] for i in changes.compare(same, after)]
    entry = {"built_at": "2026-11-01T06:00:00", "as_of": "2026-10-31",
             "items": changes.compare(before, after)}
    for lang, word in (("nl", "bijgewerkt"), ("en", "updated")):
        section = [line for key, line in changes_text.lines(entry, lang, {"a": {"nl": "A", "en": "A"}}, {})
                   if key == "changes_status"]
        assert len(section) == 2 and word in section[0] and section[1].startswith("A: ")


def test_the_rules_digest_moves_with_the_logic_not_with_its_wording(tmp_path) -> None:
    (tmp_path / "rollup").mkdir()
    (tmp_path / "programme").mkdir()
    rule = tmp_path / "programme" / "status.py"
    (tmp_path / "rollup" / "cells.py").write_text("K = 10\n")
    (tmp_path / "disclosure.py").write_text("def hide(n):\n    return n < 10\n")
    (tmp_path / "scorecard.py").write_text("")
    rule.write_text('"""Status."""\n\ndef margin(x):\n    """Why."""\n    return 0.05 * x  # five percent\n')
    first = changes.rules_digest(tmp_path)
    # reworded docstrings and comments, other blank lines: the same rules
    rule.write_text('"""The status rule."""\n\n\ndef margin(x):\n    """Why, longer."""\n\n'
                    '    return 0.05 * x  # 5%\n')
    changes.rules_digest.cache_clear()
    assert changes.rules_digest(tmp_path) == first
    rule.write_text('"""Status."""\n\ndef margin(x):\n    """Why."""\n    return 0.10 * x\n')
    changes.rules_digest.cache_clear()
    assert changes.rules_digest(tmp_path) != first
    changes.rules_digest.cache_clear()
    (tmp_path / "unrelated.py").write_text("X = 1\n")  # outside the rules: no change
    rule.write_text('"""Status."""\n\ndef margin(x):\n    """Why."""\n    return 0.05 * x\n')
    assert changes.rules_digest(tmp_path) == first
    changes.rules_digest.cache_clear()


# ---- the page

def test_changes_page_lists_the_recorded_delivery(demo_settings) -> None:
    at = AppTest.from_file(str(ui.HOME), default_timeout=180)
    at.switch_page("pages/7_veranderd.py")
    at.run()
    assert not at.exception
    assert at.title[0].value == i18n.t("page_veranderd", "nl")
    assert len(at.expander) >= 1 and at.expander[0].label.startswith("Levering van")


# ---- one state database, two data folders

def _delivery(folder, version: str, built_at: str):
    settings = SimpleNamespace(data_dir=folder, state_dir=folder.parent / "state")
    report = SimpleNamespace(version=version, built_at=built_at)
    return SimpleNamespace(settings=settings, report=report)


def test_a_second_data_folder_on_the_same_state_is_its_own_history(tmp_path, monkeypatch) -> None:
    """A test delivery into another folder (sharing MONITOR_STATE_DIR) is neither compared with the
    live folder's deliveries nor listed among them."""
    live, trial = tmp_path / "live", tmp_path / "trial"
    numbers = {"v1": 100.0, "t1": 9_000.0, "v2": 110.0}
    monkeypatch.setattr(changes, "summary", lambda engine: _summary("2026-10-31", {}, {
        "x": {"last_month": "2026-10-01", "current": numbers[engine.report.version], "previous": 50.0}}))
    first = changes.record(_delivery(live, "v1", "2026-11-01T08:00:00"))
    trial_entry = changes.record(_delivery(trial, "t1", "2026-11-02T08:00:00"))
    second = changes.record(_delivery(live, "v2", "2026-11-03T08:00:00"))
    assert first["previous_version"] is None and trial_entry["previous_version"] is None
    assert second["previous_version"] == "v1"  # not t1, recorded in between
    assert [e["catalog_version"] for e in changes.log(_delivery(live, "", "").settings)] == ["v2", "v1"]
    assert [e["catalog_version"] for e in changes.log(_delivery(trial, "", "").settings)] == ["t1"]


def test_a_state_database_from_before_data_folders_keeps_its_history(tmp_path, monkeypatch) -> None:
    """A database made before the data folder was recorded gains the column; its rows stay in the log
    and the next delivery is compared with its last one."""
    import sqlite3

    (tmp_path / "state").mkdir()
    old = sqlite3.connect(tmp_path / "state" / state.FILE)
    old.executescript("""
        CREATE TABLE summaries (catalog_version TEXT PRIMARY KEY, built_at TEXT NOT NULL,
                                recorded_at TEXT NOT NULL, data TEXT NOT NULL);
        CREATE TABLE changes (catalog_version TEXT PRIMARY KEY, previous_version TEXT, built_at TEXT NOT NULL,
                              recorded_at TEXT NOT NULL, data TEXT NOT NULL);""")
    before = _summary("2026-09-30", {}, {})
    old.execute("INSERT INTO summaries VALUES ('old', '2026-10-01T08:00:00', '2026-10-01T08:00:00', ?)",
                (json.dumps(before),))
    old.execute("INSERT INTO changes VALUES ('old', NULL, '2026-10-01T08:00:00', '2026-10-01T08:00:00', ?)",
                (json.dumps({"catalog_version": "old", "built_at": "2026-10-01T08:00:00", "items": []}),))
    old.commit()
    old.close()
    monkeypatch.setattr(changes, "summary", lambda engine: _summary("2026-10-31", {}, {}))
    entry = changes.record(_delivery(tmp_path / "data", "new", "2026-11-01T08:00:00"))
    assert entry["previous_version"] == "old"
    assert [e["catalog_version"] for e in changes.log(_delivery(tmp_path / "data", "", "").settings)] == \
        ["new", "old"]
    # the first folder to record after the upgrade took that history: another folder starts afresh
    trial = changes.record(_delivery(tmp_path / "trial", "t1", "2026-11-02T08:00:00"))
    assert trial["previous_version"] is None
    listed = changes.log(_delivery(tmp_path / "trial", "", "").settings)
    assert [e["catalog_version"] for e in listed] == ["t1"]


def test_a_move_says_whether_it_is_better_or_worse(demo_settings) -> None:
    """A fall is good news where lower is better: the line says so in words and shows the arrow of
    the number (plain text, so the mail reads it too)."""
    from monitor.engine import get_engine

    inds = get_engine(demo_settings).registry.indicators
    down, up = inds["bijstand_personen"], inds["huishoudens_schuldenvrij"]
    assert (down.direction, up.direction) == ("down", "up")
    move = {"kind": "move", "before": 100.0, "after": 88.0, "change": -0.12, "detail": ""}
    items = [{**move, "subject": down.id}, {**move, "subject": up.id}]
    entry = {"built_at": "2026-11-01T06:00:00", "as_of": "2026-10-31", "items": items}
    for lang in ("nl", "en"):
        fell, dropped = [line for _, line in changes_text.lines(entry, lang, {}, inds)]
        assert "▼ " in fell and changes_text.t("move_better", lang) in fell
        assert "▼ " in dropped and changes_text.t("move_worse", lang) in dropped
