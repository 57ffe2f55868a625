"""The query-file registry: front matter, broken files, caching, the template.

Broken examples live in tests/fixtures/broken_queries/ (sqlfluff style): every file
dropped there is picked up, copied into a copy of the real queries folder, and must
produce the messages its trailing `-- expect:` lines name (and `-- expect-line:` the
line), while every real indicator still loads.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from monitor import indicators
from monitor.indicators import IndicatorError, IndicatorProblem
from tests.conftest import programme_ids

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
BROKEN = ROOT / "tests" / "fixtures" / "broken_queries"
PROGRAMMES = programme_ids()
REAL_IDS = sorted(p.stem for p in indicators.query_files(QUERIES))
BROKEN_FILES = sorted(p.relative_to(BROKEN) for p in BROKEN.rglob("*.sql"))

MINIMAL = """/*---
title: {nl: Aanmeldingen, en: Registrations}
kind: output
programme: schulden
measure: count
unit: aanmeldingen
direction: up
sources: [debt_cases]
---*/
SELECT date_trunc('month', registered_on)::DATE AS month, wijk_code, count(*)::DOUBLE AS value
FROM debt_cases
GROUP BY ALL
"""


def _copy_queries(tmp_path: Path) -> Path:
    dst = tmp_path / "queries"
    shutil.copytree(QUERIES, dst)
    return dst


def _expectations(path: Path) -> tuple[list[str], int | None]:
    text = path.read_text(encoding="utf-8")
    expected = re.findall(r"^-- expect: (.+)$", text, flags=re.MULTILINE)
    line = re.search(r"^-- expect-line: (\d+)$", text, flags=re.MULTILINE)
    return expected, int(line.group(1)) if line else None


def _problems_for(path: Path, queries: Path, settings) -> list[IndicatorProblem]:
    """Problems the registry reports for this file, or (when it loads) those of running it."""
    registry = indicators.load_registry(queries, PROGRAMMES)
    mine = [p for p in registry.problems if p.path == path]
    if mine or path.stem not in registry.indicators:
        return mine
    from monitor import catalog

    try:
        indicators.compute(catalog.open_catalog(settings), registry.indicators[path.stem])
    except IndicatorError as exc:
        return exc.problems
    return []


# ---------------------------------------------------------------- broken files


def test_there_are_broken_examples() -> None:
    assert len(BROKEN_FILES) >= 10


@pytest.mark.parametrize("rel", BROKEN_FILES, ids=str)
def test_broken_file_is_reported_and_the_others_load(rel: Path, tmp_path: Path, demo_settings) -> None:
    expected, line = _expectations(BROKEN / rel)
    assert expected, f"{rel}: add '-- expect: <message part>' lines saying what the problem must say"
    queries = _copy_queries(tmp_path)
    target = queries / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(BROKEN / rel, target)

    problems = _problems_for(target, queries, demo_settings)
    assert problems, f"{rel}: no problem reported"
    text = "\n".join(str(p) for p in problems)
    for part in expected:
        assert part in text, f"{rel}: expected {part!r} in:\n{text}"
    for p in problems:
        assert str(p).startswith(f"queries/{rel.as_posix()}"), str(p)  # names the file
    if line is not None:
        assert line in {p.line for p in problems}, text
        assert f"queries/{rel.as_posix()}:{line}: " in text

    registry = indicators.load_registry(queries, PROGRAMMES)
    assert set(REAL_IDS) <= set(registry.indicators)  # every real indicator still loads
    assert all(p.path == target for p in registry.problems)
    # a file that parses but fails when run stays listed, and compute() says why (the pages show it)
    assert set(registry.indicators) - set(REAL_IDS) <= {target.stem}


def test_problem_string_format() -> None:
    p = IndicatorProblem(QUERIES / "x.sql", 3, "unknown key 'titel'")
    assert str(p) == "queries/x.sql:3: unknown key 'titel'"
    assert str(IndicatorProblem(QUERIES / "x.sql", None, "m")) == "queries/x.sql: m"


def test_yaml_error_line_is_the_file_line(tmp_path: Path) -> None:
    text = "\n\n" + MINIMAL.replace("unit: aanmeldingen", "unit: [aanmeldingen")
    with pytest.raises(IndicatorError) as info:
        indicators.parse_text(text, tmp_path / "x.sql")
    (problem,) = info.value.problems
    assert "not valid YAML" in problem.message
    # the unclosed flow sequence is noticed at the next line: line 9 of the file (2 blank lines first)
    assert problem.line in (8, 9)


def test_duplicate_key_is_reported(tmp_path: Path) -> None:
    text = MINIMAL.replace("unit: aanmeldingen", "unit: aanmeldingen\nkind: context")
    with pytest.raises(IndicatorError, match=r"x.sql:7: key 'kind' is given twice \(also on line 3\)"):
        indicators.parse_text(text, tmp_path / "x.sql")


def test_every_problem_in_a_file_is_listed_at_once(tmp_path: Path) -> None:
    text = MINIMAL.replace("kind: output", "kind: result").replace("unit: aanmeldingen", "unit: '%'")
    with pytest.raises(IndicatorError) as info:
        indicators.parse_text(text, tmp_path / "x.sql")
    messages = [p.message for p in info.value.problems]
    assert any("kind 'result'" in m for m in messages)
    assert any("unit '%' is for a ratio" in m for m in messages)


# ---------------------------------------------------------------- duplicates and symlinks


def test_symlink_to_a_file_already_read_counts_once(tmp_path: Path) -> None:
    queries = _copy_queries(tmp_path)
    (queries / "more").mkdir()
    os.symlink(queries / "matches.sql", queries / "more" / "matches.sql")
    registry = indicators.load_registry(queries, PROGRAMMES)
    assert not registry.problems
    assert registry.indicators["matches"].path == queries / "matches.sql"


def test_symlink_under_another_name_is_another_indicator(tmp_path: Path) -> None:
    queries = _copy_queries(tmp_path)
    os.symlink(queries / "matches.sql", queries / "matches_kopie.sql")
    registry = indicators.load_registry(queries, PROGRAMMES)
    assert not registry.problems and "matches_kopie" in registry


def test_hidden_folders_are_skipped(tmp_path: Path) -> None:
    queries = _copy_queries(tmp_path)
    (queries / ".ipynb_checkpoints").mkdir()
    shutil.copy(BROKEN / "bad_yaml.sql", queries / ".ipynb_checkpoints" / "matches.sql")
    registry = indicators.load_registry(queries, PROGRAMMES)
    assert not registry.problems and sorted(registry.indicators) == REAL_IDS


def test_uppercase_twin_is_not_a_second_id(tmp_path: Path) -> None:
    queries = _copy_queries(tmp_path)
    shutil.copy(queries / "matches.sql", queries / "Matches.sql")
    registry = indicators.load_registry(queries, PROGRAMMES)
    (problem,) = registry.problems
    assert "'Matches.sql' is not a valid indicator file name" in str(problem)
    assert "matches" in registry


def test_broken_driver_file_does_not_take_its_outcome_down(tmp_path: Path) -> None:
    queries = _copy_queries(tmp_path)
    path = queries / "matches.sql"
    path.write_text(path.read_text().replace("kind: output", "kind: outputt"))
    registry = indicators.load_registry(queries, PROGRAMMES)
    assert [p.path for p in registry.problems] == [path]
    assert "kind 'outputt' is not allowed (did you mean 'output'?)" in str(registry.problems[0])
    assert "plaatsingen_vanuit_bijstand" in registry  # names matches as a driver


def test_no_programme_check_without_programme_ids(tmp_path: Path) -> None:
    path = tmp_path / "x.sql"
    ind = indicators.parse_text(MINIMAL.replace("schulden", "anders"), path)
    assert ind.programme == "anders"


# ---------------------------------------------------------------- registry API


def test_registry_api() -> None:
    registry = indicators.load_registry(QUERIES, PROGRAMMES)
    assert not registry.problems
    assert list(registry.indicators) == sorted(registry.indicators)
    assert "matches" in registry and "nope" not in registry
    assert [i.id for i in registry] == list(registry.indicators) and len(registry) == len(REAL_IDS)


def test_defaults() -> None:
    registry = indicators.load_registry(QUERIES)
    assert registry.indicators["matches"].shape == "series"
    assert registry.indicators["schuldenvrij_na_regeling_pct"].numerator_is_people is True
    assert registry.indicators["dagen_tot_eerste_gesprek"].numerator_is_people is False
    assert registry.indicators["matches"].numerator_is_people is False  # not a ratio


def test_sql_line_points_below_the_front_matter() -> None:
    ind = indicators.load_registry(QUERIES).indicators["matches"]
    lines = ind.path.read_text().split("\n")
    assert lines[ind.sql_line - 2].strip() == "---*/"
    assert ind.sql.split("\n")[0] == lines[ind.sql_line - 1]


# ---------------------------------------------------------------- no restart needed


def test_registry_cached_sees_new_changed_and_removed_files(tmp_path: Path) -> None:
    queries = _copy_queries(tmp_path)
    first = indicators.registry_cached(queries, PROGRAMMES)
    assert indicators.registry_cached(queries, PROGRAMMES) is first  # unchanged: the cached one

    new = queries / "aanmeldingen_test.sql"
    new.write_text(MINIMAL)
    second = indicators.registry_cached(queries, PROGRAMMES)
    assert second is not first and second.indicators["aanmeldingen_test"].label("en") == "Registrations"

    new.write_text(MINIMAL.replace("Registrations", "Registrations (all routes)"))
    st = new.stat()
    os.utime(new, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    third = indicators.registry_cached(queries, PROGRAMMES)
    assert third.indicators["aanmeldingen_test"].label("en") == "Registrations (all routes)"

    new.write_text("not a query")
    st = new.stat()
    os.utime(new, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000))
    fourth = indicators.registry_cached(queries, PROGRAMMES)
    assert "aanmeldingen_test" not in fourth and fourth.problems

    new.unlink()
    assert sorted(indicators.registry_cached(queries, PROGRAMMES).indicators) == REAL_IDS


# ---------------------------------------------------------------- template


@pytest.mark.parametrize("measure,unit", [("count", "huishoudens"), ("ratio", "%"), ("stock", "personen"),
                                          ("distinct", "huishoudens"), ("distinct_ratio", "%")])
def test_template_round_trips(measure: str, unit: str, tmp_path: Path) -> None:
    values = dict(
        title_nl="Aanmeldingen: via het wijkteam", title_en='Registrations "wijkteam"',
        description_nl="Aantal aanmeldingen #1, per maand; 50% van het totaal.",
        description_en="yes", kind="outcome", programme="schulden", measure=measure, unit=unit,
        direction="down", sources=["debt_cases", "early_signals"], drivers=["matches"],
    )
    text = indicators.template("nieuw", **values, sql_body=MINIMAL.split("---*/\n")[1])
    ind = indicators.parse_text(text, tmp_path / "nieuw.sql", programme_ids=PROGRAMMES,
                                known_ids={"matches", "nieuw"})
    assert ind.title == {"nl": values["title_nl"], "en": values["title_en"]}
    assert ind.description == {"nl": values["description_nl"], "en": "yes"}
    assert (ind.kind, ind.programme, ind.measure, ind.unit, ind.direction) == (
        "outcome", "schulden", measure, unit, "down")
    assert ind.sources == ("debt_cases", "early_signals") and ind.drivers == ("matches",)
    assert ind.sql.strip().startswith("SELECT")


def test_template_placeholder_parses_runs_and_says_what_to_do(tmp_path: Path, demo_settings) -> None:
    from monitor import catalog

    text = indicators.template("nieuw", title_nl="Nieuw", title_en="New", programme="schulden",
                               measure="ratio", unit="%", sources=["debt_cases"])
    ind = indicators.parse_text(text, tmp_path / "nieuw.sql")
    frame = indicators.compute(catalog.open_catalog(demo_settings), ind)
    assert frame.is_empty() and frame.columns == ["month", "wijk_code", "value", "denominator"]
    queries = tmp_path / "q"
    queries.mkdir()
    (queries / "nieuw.sql").write_text(text)
    settings = demo_settings.__class__(**{**demo_settings.__dict__, "queries_dir": queries})
    assert any("returns no rows" in p for p in indicators.check_queries(settings, PROGRAMMES))


def test_check_queries_flags_an_undeclared_source(tmp_path: Path) -> None:
    text = MINIMAL.replace("FROM debt_cases", "FROM debt_cases JOIN areas USING (wijk_code)")
    ind = indicators.parse_text(text, tmp_path / "x.sql")
    assert indicators.undeclared_sources(ind) == ["areas"]


# ---------------------------------------------------------------- documentation


def test_every_front_matter_key_is_documented() -> None:
    readme = (QUERIES / "README.md").read_text(encoding="utf-8")
    for key in indicators.KEYS:
        documented = re.search(rf"^\| `{key}` \|", readme, flags=re.MULTILINE)
        assert documented, f"document the key '{key}' in the front-matter table of queries/README.md"
    for values in (indicators.KINDS, indicators.MEASURES, indicators.DIRECTIONS, indicators.SHAPES):
        for value in values:
            assert f"`{value}`" in readme, f"document the value '{value}' in queries/README.md"
    for column in ("month", "wijk_code", "value", "denominator", "cohort_month", "months_since"):
        assert f"| `{column}` |" in readme


def test_readme_example_is_a_real_file() -> None:
    readme = (QUERIES / "README.md").read_text(encoding="utf-8")
    example = re.search(r"`queries/(\w+)\.sql`:\n\n```sql\n(.*?)```", readme, flags=re.DOTALL)
    assert example, "the README shows a complete example file"
    assert (QUERIES / f"{example.group(1)}.sql").read_text(encoding="utf-8") == example.group(2)


def test_unit_label_is_optional_and_needs_both_languages(tmp_path: Path) -> None:
    assert indicators.parse_text(MINIMAL, tmp_path / "x.sql").unit_label is None
    text = MINIMAL.replace("unit: aanmeldingen", "unit: aanmeldingen\nunit_label: {nl: aanmeldingen, "
                                                  "en: registrations}")
    assert indicators.parse_text(text, tmp_path / "x.sql").unit_label == {"nl": "aanmeldingen",
                                                                          "en": "registrations"}
    with pytest.raises(IndicatorError, match=r"x.sql:7: unit_label needs a non-empty 'en' text"):
        indicators.parse_text(text.replace(", en: registrations", ""), tmp_path / "x.sql")


def test_a_value_yaml_cannot_read_is_reported_on_its_line(tmp_path: Path) -> None:
    text = MINIMAL.replace("programme: schulden", "programme: 2026-13-01")
    ind = indicators.parse_text(text, tmp_path / "x.sql")  # read as text, not a crash in the date parser
    assert ind.programme == "2026-13-01"
