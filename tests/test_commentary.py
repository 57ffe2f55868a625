"""The story behind the curve: history with authors, no lost update, roles, the audit trail, Markdown files.

Expected values are written out by hand (periods, authors, texts); two writers at once run
in two processes against one database file, as two servers on one host would.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from monitor import access, commentary, report_story, state, trail
from monitor.cli import main
from monitor.programme import load_programme
from monitor.settings import get_settings
from tests.conftest import PROGRAMME_YAML
from tests.test_access_pages import run_as

AMB = next(iter(load_programme(PROGRAMME_YAML).ambitions))  # a real id: export and import check them
ANNA, BERT, PIET = "anna@denhaag.example", "bert@denhaag.example", "piet@denhaag.example"
STORY = {"what": "De instroom daalde in **Laak**.", "why": "Vroegsignalering via woningcorporaties.",
         "partners": "- Haag Wonen\n- Kredietbank", "next": "Uitbreiden naar Escamp."}


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MONITOR_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("MONITOR_AUDIT_DIR", str(tmp_path / "audit"))
    return get_settings()


def commentary_events(settings) -> list[dict]:
    return [e for e in trail.read(settings.audit_dir) if e["event"] == "commentary"]


# ---- reporting periods, worked by hand

@pytest.mark.parametrize(("as_of", "cycle", "expected"), [
    ("2026-10-31", "quarter", "2026-Q3"),  # October complete, but Q4 is not
    ("2026-09-30", "quarter", "2026-Q3"),  # September complete: Q3 is
    ("2026-09-29", "quarter", "2026-Q2"),  # September not complete yet
    ("2026-08-31", "tertiaal", "2026-T2"),  # May-August
    ("2026-10-31", "half", "2026-H1"),
    ("2026-10-31", "month", "2026-10"),
    ("2026-10-31", "year", "2025"),
])
def test_last_complete_period(as_of: str, cycle: str, expected: str) -> None:
    assert commentary.last_complete(dt.date.fromisoformat(as_of), cycle) == expected


def test_period_bounds_and_refusals() -> None:
    assert commentary.bounds("2026-T3") == (dt.date(2026, 9, 1), dt.date(2026, 12, 31))
    assert commentary.bounds("2026-Q1") == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert commentary.bounds("2025") == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert commentary.recent(dt.date(2026, 10, 31), "quarter", 3) == ["2026-Q3", "2026-Q2", "2026-Q1"]
    for bad in ("2026-Q5", "2026-13", "Q3 2026"):
        with pytest.raises(commentary.CommentaryError, match=bad.split()[0]):
            commentary.bounds(bad)
    with pytest.raises(commentary.CommentaryError, match="MONITOR_REPORTING_CYCLE"):
        commentary.period_of(dt.date(2026, 1, 1), "week")


# ---- history, concurrency, audit

def test_edit_twice_keeps_both_versions_with_their_authors(store) -> None:
    first = commentary.save(store, AMB, "2026-Q3", STORY, author=ANNA, expected=0)
    second = commentary.save(store, AMB, "2026-Q3", {**STORY, "next": "Ook naar Centrum."},
                             author=BERT, expected=first.version)
    versions = commentary.history(store, AMB, "2026-Q3")
    assert [(v.version, v.author) for v in versions] == [(1, ANNA), (2, BERT)]
    assert versions[0].texts["next"] == "Uitbreiden naar Escamp."
    assert versions[1].texts["next"] == "Ook naar Centrum." and versions[1].texts["why"] == STORY["why"]
    assert commentary.latest(store, AMB, "2026-Q3") == second
    assert [e.period for e in commentary.stories(store, ambition=AMB)] == ["2026-Q3"]


def test_second_writer_is_told_the_text_changed_under_them(store) -> None:
    commentary.save(store, AMB, "2026-Q3", STORY, author=ANNA, expected=0)
    # both open version 1; Bert saves first
    commentary.save(store, AMB, "2026-Q3", {**STORY, "what": "Bert's text"}, author=BERT,
                    expected=1)
    with pytest.raises(commentary.Conflict) as caught:
        commentary.save(store, AMB, "2026-Q3", {**STORY, "what": "Anna's text"}, author=ANNA,
                        expected=1)
    assert caught.value.current.author == BERT
    assert caught.value.current.texts["what"] == "Bert's text" and caught.value.current.version == 2
    kept = [v.texts["what"] for v in commentary.history(store, AMB, "2026-Q3")]
    assert kept == [STORY["what"], "Bert's text"]


def _writer(state_dir: str, audit_dir: str, author: str, keys: list[str], barrier, results) -> None:
    import os

    os.environ["MONITOR_STATE_DIR"], os.environ["MONITOR_AUDIT_DIR"] = state_dir, audit_dir
    settings = get_settings()
    for key in keys:
        barrier.wait()  # both writers start each save at the same moment, both from version 0
        try:
            commentary.save(settings, key, "2026-Q3", {"what": author}, author=author, expected=0)
            results.put((key, author, "saved"))
        except commentary.Conflict as exc:
            results.put((key, author, f"conflict:{exc.current.author}"))


def test_two_servers_at_once_lose_no_update(store) -> None:
    ctx = mp.get_context("spawn")
    keys = [f"ambitie_{n}" for n in range(15)]
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(str(store.state_dir), str(store.audit_dir), who, keys, barrier,
                                               results)) for who in ("anna", "bert")]
    for p in procs:
        p.start()
    got = [results.get(timeout=120) for _ in range(2 * len(keys))]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    for key in keys:
        outcomes = {who: what for k, who, what in got if k == key}
        winners = [who for who, what in outcomes.items() if what == "saved"]
        assert len(winners) == 1, (key, outcomes)  # exactly one save per key, never two version 1s
        loser = ({"anna", "bert"} - set(winners)).pop()
        assert outcomes[loser] == f"conflict:{winners[0]}"  # told whose text is there now
        assert [(v.version, v.author) for v in commentary.history(store, key, "2026-Q3")] == [(1, winners[0])]
    assert len(commentary_events(store)) == len(keys)  # one audit line per change made, none for a refusal


def test_every_change_is_audited_without_its_text(store) -> None:
    commentary.save(store, AMB, "2026-Q3", STORY, author=ANNA, expected=0)
    commentary.save(store, AMB, "2026-Q3", STORY, author=BERT, expected=1)
    commentary.save(store, AMB, "2026-Q2", STORY, author=ANNA, expected=0)
    lines = [(e["user"], e["ambition"], e["period"], e["version"]) for e in commentary_events(store)]
    assert lines == [(ANNA, AMB, "2026-Q3", 1), (BERT, AMB, "2026-Q3", 2),
                     (ANNA, AMB, "2026-Q2", 1)]
    written = "".join(f.read_text() for f in store.audit_dir.glob("*.jsonl"))
    assert "Laak" not in written and "Kredietbank" not in written


def test_history_is_append_only(store) -> None:
    commentary.save(store, AMB, "2026-Q3", STORY, author=ANNA, expected=0)
    con = sqlite3.connect(state.path(store))
    for sql in ("UPDATE commentary SET what = 'x'", "DELETE FROM commentary"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute(sql)
    con.close()


def test_a_trail_that_cannot_be_written_stops_the_change(store, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("MONITOR_AUDIT_DIR", str(blocker))
    with pytest.raises(trail.TrailError):
        commentary.save(get_settings(), AMB, "2026-Q3", STORY, author=ANNA, expected=0)
    assert commentary.history(store, AMB, "2026-Q3") == []


def test_refusals_name_what_is_wrong(store) -> None:
    with pytest.raises(commentary.CommentaryError, match=r"programme\.yaml"):
        commentary.save(store, "geen_ambitie", "2026-Q3", STORY, author="a", expected=0, known={AMB})
    with pytest.raises(commentary.CommentaryError, match="'why' has 4001 characters"):
        commentary.save(store, AMB, "2026-Q3", {"why": "x" * 4001}, author="a", expected=0)


# ---- roles

def test_editor_role_writes_commentary_and_sees_what_a_viewer_sees() -> None:
    assert access.Grant("editor").at_least("editor") and access.Grant("editor").at_least("viewer")
    assert not access.Grant("editor").at_least("analyst")
    assert access.Grant("analyst").at_least("editor") and access.LOCAL.at_least("editor")
    assert not access.Grant("viewer").at_least("editor")
    assert not access.Grant("partner", partner="CAK").at_least("editor")


ACCESS_YAML = """\
roles:
  viewer:
    domains: [denhaag.example]
  editor:
    emails: [eva@denhaag.example]
"""


@pytest.fixture
def secured_store(demo_settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "access.yaml").write_text(ACCESS_YAML, encoding="utf-8")
    monkeypatch.setenv("MONITOR_ACCESS", str(tmp_path / "access.yaml"))
    monkeypatch.setenv("MONITOR_AUDIT_DIR", str(tmp_path / "audit"))
    monkeypatch.setenv("MONITOR_STATE_DIR", str(tmp_path / "state"))
    return get_settings()


def _story_keys(at: AppTest, suffix: str) -> list[str]:
    return [w.key for w in (*at.text_area, *at.button) if w.key and w.key.startswith("cmt_")
            and w.key.endswith(suffix)]


def test_viewer_cannot_write_and_editor_can(secured_store) -> None:
    viewer = run_as("programma", {"email": "vera@denhaag.example"})
    assert _story_keys(viewer, "_save") == [] and _story_keys(viewer, "_what") == []
    editor = run_as("programma", {"email": "eva@denhaag.example"})
    saves = _story_keys(editor, "_save")
    assert saves, "the editor gets a save button per ambition"
    base = saves[0].removesuffix("_base_save")  # cmt_<ambition>_<period>
    editor.text_area(key=f"{base}_what").input("Meer aanmeldingen via de **wijkteams**.")
    editor.text_area(key=f"{base}_next").input("Spreekuur in Moerwijk.")
    editor.button(key=saves[0]).click().run()
    assert not editor.exception
    period = base.rsplit("_", 1)[1]
    ambition = base.removeprefix("cmt_").removesuffix(f"_{period}")
    saved = commentary.history(secured_store, ambition, period)
    assert [(v.version, v.author, v.texts["next"]) for v in saved] == \
        [(1, "eva@denhaag.example", "Spreekuur in Moerwijk.")]
    assert any("wijkteams" in str(m.value) for m in editor.markdown)  # shown under the curve right away
    events = commentary_events(secured_store)
    assert [(e["user"], e["ambition"], e["period"], e["version"]) for e in events] == \
        [("eva@denhaag.example", ambition, period, 1)]


def test_local_mode_writes_as_the_local_user(demo_settings, store) -> None:
    at = run_as("programma", None, auth=False)
    save = _story_keys(at, "_save")[0]
    base = save.removesuffix("_base_save")
    at.text_area(key=f"{base}_what").input("Lokaal geschreven.")
    at.button(key=save).click().run()
    stored = commentary.stories(get_settings())
    assert [(e.author, e.texts["what"]) for e in stored] == [("local", "Lokaal geschreven.")]


def test_the_second_editor_in_the_page_sees_the_other_text(secured_store) -> None:
    eva = run_as("programma", {"email": "eva@denhaag.example"})
    save = _story_keys(eva, "_save")[0]
    base = save.removesuffix("_base_save")
    period = base.rsplit("_", 1)[1]
    ambition = base.removeprefix("cmt_").removesuffix(f"_{period}")
    # someone else saves after Eva opened the form
    commentary.save(secured_store, ambition, period, {"what": "Tekst van Piet."}, author=PIET,
                    expected=0)
    eva.text_area(key=f"{base}_what").input("Tekst van Eva.")
    eva.button(key=save).click().run()
    assert any(PIET in str(w.value) for w in eva.warning)
    assert any("Tekst van Piet." in str(m.value) for m in eva.markdown)
    assert eva.text_area(key=f"{base}_what").value == "Tekst van Eva."  # her text is kept in the form
    assert [v.author for v in commentary.history(secured_store, ambition, period)] == [PIET]


# ---- Markdown: files and the report

def test_export_edit_import_round_trip(store, tmp_path: Path, capsys) -> None:
    commentary.save(store, AMB, "2026-Q3", STORY, author=ANNA, expected=0)
    out = tmp_path / "review"
    assert main(["commentary", "export", "--period", "2026-Q3", "--out", str(out)]) == 0
    file = out / "commentary-2026-Q3.md"
    text = file.read_text(encoding="utf-8")
    assert "Kredietbank" in text and "### Wat er gebeurde" in text
    edited = "Uitbreiden naar Escamp en Laak.\n\n### Let op\nkop"
    file.write_text(text.replace("Uitbreiden naar Escamp.", edited), encoding="utf-8")
    assert main(["commentary", "import", str(file), "--author", "team@denhaag.example"]) == 0
    latest = commentary.latest(store, AMB, "2026-Q3")
    assert (latest.version, latest.author) == (2, "team@denhaag.example")
    assert latest.texts["next"] == edited
    assert {f: latest.texts[f] for f in ("what", "why", "partners")} == \
        {f: STORY[f] for f in ("what", "why", "partners")}  # untouched fields come back unchanged
    # the same file again: nothing new
    assert main(["commentary", "import", str(file), "--author", "team@denhaag.example"]) == 0
    assert commentary.latest(store, AMB, "2026-Q3").version == 2
    # changed in the monitor since the export, and edited in the file: refused, not overwritten
    commentary.save(store, AMB, "2026-Q3", {**STORY, "what": "In de monitor."}, author=ANNA,
                    expected=2)
    file.write_text(text.replace("Vroegsignalering", "Andere oorzaak"), encoding="utf-8")
    assert main(["commentary", "import", str(file), "--author", "team@denhaag.example"]) == 1
    assert ANNA in capsys.readouterr().err
    assert commentary.latest(store, AMB, "2026-Q3").texts["what"] == "In de monitor."


def test_import_names_the_line_of_a_bad_file(store, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("<!-- monitor commentary: period=2026-Q3 -->\n<!-- ambition=x version=0 -->\n"
                   "<!-- field=wat -->\ntekst\n", encoding="utf-8")
    assert main(["commentary", "import", str(bad), "--author", "a@b"]) == 2
    assert "bad.md:3: unknown field 'wat'" in capsys.readouterr().err


def test_report_markdown_escapes_html() -> None:
    out = report_story.markdown_html("**vet** <script>alert(1)</script> [x](javascript:alert(1)) "
                                     "<img src=x onerror=alert(1)>")
    assert "<strong>vet</strong>" in out
    assert "<script" not in out and "<img" not in out and 'href="javascript' not in out


def test_report_for_a_period_holds_each_ambitions_story_of_that_period(demo_settings, store) -> None:
    from monitor import report, scorecard
    from monitor.engine import get_engine

    engine = get_engine(store)  # the session's catalog, this test's state database
    ids = [c.ambition.id for c in scorecard.scorecard(engine)][:2]
    for n, amb in enumerate(ids):
        commentary.save(store, amb, "2026-Q2", {"what": f"Verhaal Q2 nummer {n} <b>vet</b>"}, author=ANNA,
                        expected=0)
        commentary.save(store, amb, "2026-Q3", {"what": f"Verhaal Q3 nummer {n}"}, author=ANNA, expected=0)
    html = report.render(engine, lang="nl", period="2026-Q2")
    assert all(f"Verhaal Q2 nummer {n} &lt;b&gt;vet&lt;/b&gt;" in html for n in range(len(ids)))
    assert "Verhaal Q3" not in html and "<b>vet</b>" not in html
    assert html.count("Verhaal achter de curve · 2026-Q2") >= len(ids)
    # self-contained: nothing fetched from elsewhere
    assert "<script src=" not in html and "<link " not in html
