"""The access rule (access.yaml) and the audit trail, without Streamlit."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from monitor import access, trail
from monitor.access import Grant, PageAccess, User
from monitor.settings import ROOT

CONFIG = """\
contact: servicedesk@denhaag.example
groups_claim: roles
roles:
  viewer:
    domains: ["@DenHaag.example"]
  analyst:
    emails: [Ana@DenHaag.example]
    groups: [Monitor.Analist]
  admin:
    emails: [beheer@denhaag.example]
partners:
  CAK:
    domains: [cak.example]
  Dunea:
    emails: [vroegsignalering@dunea.example]
"""


@pytest.fixture
def config(tmp_path: Path) -> access.AccessConfig:
    path = tmp_path / "access.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return access.load_access(path)


@pytest.mark.parametrize(("user", "expected"), [
    (User("vera@denhaag.example"), Grant("viewer")),
    (User("ANA@denhaag.example"), Grant("analyst")),  # addresses compare case-insensitively
    (User("x@denhaag.example", groups=frozenset({"Monitor.Analist"})), Grant("analyst")),
    (User("x@elders.example", groups=frozenset({"monitor.analist"})), Grant(None)),  # group ids are exact
    (User("beheer@denhaag.example"), Grant("admin")),
    (User("jan@cak.example"), Grant("partner", "CAK")),
    (User("vroegsignalering@dunea.example"), Grant("partner", "Dunea")),
    (User("info@dunea.example"), Grant(None)),  # only the one address, not the domain
    (User("vera@denhaag.example.evil"), Grant(None)),  # a domain is the whole part after @
    (User(""), Grant(None)),
])
def test_grants(config: access.AccessConfig, user: User, expected: Grant) -> None:
    assert config.grant(user) == expected


def test_a_partner_entry_wins_over_a_staff_rule(tmp_path: Path) -> None:
    path = tmp_path / "access.yaml"
    path.write_text("roles:\n  analyst:\n    domains: [cak.example]\n"
                    "partners:\n  CAK:\n    domains: [cak.example]\n")
    assert access.load_access(path).grant(User("a@cak.example")) == Grant("partner", "CAK")


@pytest.mark.parametrize(("grant", "page", "expected"), [
    (Grant("viewer"), PageAccess(), True),
    (Grant("viewer"), PageAccess("analyst"), False),
    (Grant("analyst"), PageAccess("analyst"), True),
    (Grant("analyst"), PageAccess("admin"), False),
    (Grant("admin"), PageAccess("analyst"), True),
    (Grant("partner", "CAK"), PageAccess(), False),
    (Grant("partner", "CAK"), PageAccess(partners=True), True),
    (Grant("partner", "CAK"), PageAccess("analyst", partners=False), False),
    (Grant(None), PageAccess(partners=True), False),
])
def test_who_opens_which_page(grant: Grant, page: PageAccess, expected: bool) -> None:
    assert grant.may_open(page) is expected


def test_claims_from_entra_id() -> None:
    user = access.user_from_claims({"preferred_username": "a@denhaag.example", "name": "A", "roles": "X"},
                                   groups_claim="roles")
    assert user == User("a@denhaag.example", "A", frozenset({"X"}))


def test_problems_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "access.yaml"
    path.write_text("roles:\n  viewer:\n    domain: [denhaag.nl]\n  analist:\n    emails: [a@b.nl]\n"
                    "partners:\n  CAK:\n    emails: a@cak.nl\ncontacts: x\n")
    with pytest.raises(access.AccessError) as err:
        access.load_access(path)
    problems = err.value.problems
    assert any(p.startswith("access.yaml:3:") and "did you mean 'domains'" in p for p in problems)
    assert any(p.startswith("access.yaml:4:") and "'analist'" in p and "'analyst'" in p for p in problems)
    assert any(p.startswith("access.yaml:8:") and "list" in p for p in problems)
    assert any(p.startswith("access.yaml:9:") and "'contacts'" in p for p in problems)


def test_the_example_file_is_valid() -> None:
    cfg = access.load_access(ROOT / "access.example.yaml")
    assert set(cfg.roles) == {"viewer", "editor", "analyst", "admin"} and cfg.partners


# ---------------------------------------------------------------- the audit trail


def test_trail_appends_one_line_per_event_per_day(tmp_path: Path) -> None:
    day1 = dt.datetime(2026, 11, 29, 23, 59, tzinfo=dt.UTC)
    day2 = dt.datetime(2026, 11, 30, 0, 1, tzinfo=dt.UTC)
    trail.record(tmp_path, "sign_in", "a@x.nl", now=day1, role="viewer")
    trail.record(tmp_path, "refusal", "a@x.nl", now=day2, page="page_werkbank")
    trail.record(tmp_path, "query", "b@x.nl", now=day2, sql="SELECT 1", rows=1)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["audit-2026-11-29.jsonl", "audit-2026-11-30.jsonl"]
    lines = (tmp_path / "audit-2026-11-30.jsonl").read_text().splitlines()
    assert [json.loads(line)["event"] for line in lines] == ["refusal", "query"]
    assert [e["event"] for e in trail.read(tmp_path)] == ["sign_in", "refusal", "query"]
    assert [e["event"] for e in trail.read(tmp_path, since=dt.date(2026, 11, 30))] == ["refusal", "query"]
    assert [e["event"] for e in trail.read(tmp_path, user="A@X.NL")] == ["sign_in", "refusal"]


def test_trail_never_rewrites_and_reports_a_broken_line(tmp_path: Path) -> None:
    now = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
    trail.record(tmp_path, "sign_in", "a@x.nl", now=now)
    path = tmp_path / "audit-2026-11-30.jsonl"
    with path.open("a") as fh:
        fh.write('{"time": "2026-11-30T12:00:01", "event": "que')  # a disk that filled up mid-line
    before = path.read_bytes()
    trail.record(tmp_path, "download", "a@x.nl", now=now, what="x.csv")
    assert path.read_bytes().startswith(before)  # appended, never rewritten
    events = list(trail.read(tmp_path))
    assert events[0]["event"] == "sign_in"
    assert events[1] == {"time": "", "event": "unreadable", "user": "", "file": path.name, "line": 2}


def test_trail_refuses_an_unknown_event_and_an_unwritable_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown audit event"):
        trail.record(tmp_path, "look", "a@x.nl")
    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(trail.TrailError, match="MONITOR_AUDIT_DIR"):
        trail.record(blocked / "audit", "sign_in", "a@x.nl")


def test_cli_audit_reads_the_trail(tmp_path: Path) -> None:
    trail.record(tmp_path, "sign_in", "a@x.nl", now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    trail.record(tmp_path, "refusal", "b@x.nl", now=dt.datetime(2026, 11, 30, tzinfo=dt.UTC), page="p")
    env = {**os.environ, "MONITOR_AUDIT_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "monitor", "audit", "--since", "2026-11-15"], env=env,
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert [json.loads(line)["user"] for line in out.splitlines()] == ["b@x.nl"]
    bad = subprocess.run([sys.executable, "-m", "monitor", "audit", "--since", "30-11-2026"], env=env,
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
