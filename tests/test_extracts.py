"""The extract contract: every kind of bad delivery gets a message naming file, column and rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from monitor import extracts
from monitor.extracts import CONTRACT, validate, validate_frame
from tests.conftest import ROOT


def _frame(demo_extracts: Path, name: str, n: int = 200) -> pl.DataFrame:
    return pl.read_parquet(demo_extracts / f"{name}.parquet").head(n)


def _codes(demo_extracts: Path) -> list[str]:
    return pl.read_parquet(demo_extracts / "areas.parquet")["wijk_code"].unique().to_list()


def _only(problems, rule: str):
    hits = [p for p in problems if p.rule == rule]
    assert len(hits) == 1, [str(p) for p in problems]
    return hits[0]


def test_demo_extracts_pass(demo_extracts: Path) -> None:
    codes = None
    for name in extracts.LOAD_ORDER:
        result, frame = validate(demo_extracts, name, wijk_codes=codes)
        assert result.ok, [str(p) for p in result.problems]
        assert result.demo
        if name == "areas":
            codes = frame["wijk_code"].unique().to_list()


def test_missing_column(demo_extracts: Path) -> None:
    df = _frame(demo_extracts, "debt_cases").drop("route")
    p = _only(validate_frame(CONTRACT["debt_cases"], df, "data/debt_cases.parquet"), "missing column")
    assert p.column == "route"
    assert "data/debt_cases.parquet: column 'route': missing column" in str(p)


def test_added_column_is_fine(demo_extracts: Path) -> None:
    df = _frame(demo_extracts, "debt_cases").with_columns(pl.lit("x").alias("extra_note"))
    assert validate_frame(CONTRACT["debt_cases"], df, "f.parquet") == []


def test_wrong_type(demo_extracts: Path) -> None:
    df = _frame(demo_extracts, "placements").with_columns(pl.col("placed_on").cast(pl.String))
    p = _only(validate_frame(CONTRACT["placements"], df, "data/placements.parquet"), "wrong type")
    assert p.column == "placed_on"
    assert "expected DATE" in str(p) and "String" in str(p)


def test_null_key(demo_extracts: Path) -> None:
    df = _frame(demo_extracts, "early_signals")
    df = df.with_columns(
        pl.when(pl.int_range(pl.len()) < 3).then(None).otherwise(pl.col("signal_id")).alias("signal_id")
    )
    p = _only(validate_frame(CONTRACT["early_signals"], df, "data/early_signals.parquet"), "null key")
    assert p.column == "signal_id" and p.rows == 3


def test_duplicate_key(demo_extracts: Path) -> None:
    df = _frame(demo_extracts, "benefit_spells")
    df = pl.concat([df, df.head(2)])
    p = _only(validate_frame(CONTRACT["benefit_spells"], df, "data/benefit_spells.parquet"), "duplicate key")
    assert p.rows == 4  # both copies of each of the two repeated keys
    assert df["spell_id"][0] in (p.example or "")


def test_unknown_code(demo_extracts: Path) -> None:
    df = _frame(demo_extracts, "early_signals")
    df = df.with_columns(
        pl.when(pl.int_range(pl.len()) == 5).then(pl.lit("bank")).otherwise(pl.col("partner"))
        .alias("partner")
    )
    p = _only(validate_frame(CONTRACT["early_signals"], df, "data/early_signals.parquet"), "unknown code")
    assert p.column == "partner" and p.rows == 1 and p.example == "'bank'"
    assert "zorgverzekeraar" in p.message


def test_unknown_wijk_code(demo_extracts: Path) -> None:
    df = _frame(demo_extracts, "placements")
    df = df.with_columns(
        pl.when(pl.int_range(pl.len()) < 2).then(pl.lit("WK051899")).otherwise(pl.col("wijk_code"))
        .alias("wijk_code")
    )
    problems = validate_frame(CONTRACT["placements"], df, "data/placements.parquet",
                              wijk_codes=_codes(demo_extracts))
    p = _only(problems, "unknown wijk_code")
    assert p.rows == 2 and p.example == "'WK051899'"
    assert "areas" in p.message


def test_implausible_and_future_dates(demo_extracts: Path) -> None:
    df = _frame(demo_extracts, "work_activities")
    df = df.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(dt.date(1970, 1, 1)))
        .when(pl.int_range(pl.len()) == 1).then(pl.lit(dt.date(2031, 1, 1)))
        .otherwise(pl.col("activity_on")).alias("activity_on")
    )
    problems = validate_frame(CONTRACT["work_activities"], df, "data/work_activities.parquet",
                              made_on=dt.date(2026, 11, 27))
    assert _only(problems, "implausible date").example == "datetime.date(1970, 1, 1)"
    future = _only(problems, "future date")
    assert "2026-11-27" in future.message and future.column == "activity_on"


def test_end_before_start(demo_extracts: Path) -> None:
    df = _frame(demo_extracts, "benefit_spells").filter(pl.col("ended_on").is_not_null()).head(10)
    df = df.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.col("started_on") - pl.duration(days=1))
        .otherwise(pl.col("ended_on")).alias("ended_on")
    )
    problems = validate_frame(CONTRACT["benefit_spells"], df, "data/benefit_spells.parquet")
    p = _only(problems, "end before start")
    assert p.column == "ended_on" and p.rows == 1
    assert df["spell_id"][0] in p.example


def test_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "debt_cases.parquet").write_bytes(b"this is not parquet, it is a CSV export\n1;2;3\n")
    result, frame = validate(tmp_path, "debt_cases")
    assert frame is None and not result.ok
    assert result.problems[0].rule == "unreadable file"
    assert "debt_cases.parquet" in str(result.problems[0])


def test_empty_file(demo_extracts: Path, tmp_path: Path) -> None:
    _frame(demo_extracts, "placements").head(0).write_parquet(tmp_path / "placements.parquet")
    result, frame = validate(tmp_path, "placements")
    assert frame is None
    assert [p.rule for p in result.problems] == ["empty file"]


def test_missing_extract(tmp_path: Path) -> None:
    result, _ = validate(tmp_path, "areas")
    assert result.problems[0].rule == "missing extract"
    assert "areas.parquet" in str(result.problems[0])


def test_folder_of_parquet_files(demo_extracts: Path, tmp_path: Path) -> None:
    df = pl.read_parquet(demo_extracts / "placements.parquet")
    folder = tmp_path / "placements"
    folder.mkdir()
    half = df.height // 2
    df.head(half).write_parquet(folder / "part-1.parquet")
    df.tail(df.height - half).write_parquet(folder / "part-2.parquet")
    result, frame = validate(tmp_path, "placements", wijk_codes=_codes(demo_extracts))
    assert result.ok and frame.height == df.height


@pytest.mark.parametrize("name", list(CONTRACT))
def test_every_contract_column_documented(name: str) -> None:
    readme = (ROOT / "data" / "README.md").read_text()
    for col in CONTRACT[name].columns:
        assert f"| `{col.name}` | {col.dtype} |" in readme


def test_data_readme_is_generated_from_the_contract() -> None:
    readme = (ROOT / "data" / "README.md").read_text()
    assert readme.strip() == extracts.contract_markdown().strip(), (
        "data/README.md is out of date: run `python -m monitor contract > data/README.md`"
    )


# --- version 2 -------------------------------------------------------------------------------------

V2_COLUMNS = {("early_signals", "partner_name"), ("debt_cases", "urgent"),
              ("benefit_spells", "benefit_unit_id"), ("work_activities", "wijk_code"),
              ("work_activities", "on_benefit")}


def test_version_2_adds_the_agreed_columns() -> None:
    assert extracts.CONTRACT_VERSION == 2
    added = {(e.name, c.name) for e in CONTRACT.values() for c in e.columns if c.since == 2}
    assert added == V2_COLUMNS
    spec = CONTRACT["work_activities"]
    assert spec.refers_to_areas and spec.column("wijk_code").pattern == extracts.WIJK.pattern
    readme = (ROOT / "data" / "README.md").read_text()
    assert "Extract contract version 2." in readme and "## What changed in version 2" in readme
    for name, column in V2_COLUMNS:
        assert f"`{name}`: new column `{column}`" in readme


@pytest.mark.parametrize(("name", "column"), sorted(V2_COLUMNS))
def test_a_version_1_extract_gets_one_message_per_missing_column(demo_extracts: Path, name: str,
                                                                 column: str) -> None:
    df = _frame(demo_extracts, name).drop(column)
    problems = validate_frame(CONTRACT[name], df, f"data/{name}.parquet", wijk_codes=_codes(demo_extracts))
    p = _only(problems, "missing column")
    assert len(problems) == 1 and p.column == column
    text = str(p)
    assert text.startswith(f"data/{name}.parquet: column '{column}': missing column")
    assert CONTRACT[name].column(column).description in text  # what it is
    assert "added in version 2 of the extract contract: add it to the export" in text  # what to do


def test_a_version_1_work_activities_names_both_new_columns(demo_extracts: Path) -> None:
    df = _frame(demo_extracts, "work_activities").drop("wijk_code", "on_benefit")
    problems = validate_frame(CONTRACT["work_activities"], df, "data/work_activities.parquet")
    assert sorted((p.rule, p.column) for p in problems) == [("missing column", "on_benefit"),
                                                            ("missing column", "wijk_code")]


def _with_coverage(demo_extracts: Path, tmp_path: Path, *values: str | None) -> Path:
    """The demo placements rewritten as one file per value, each with that coverage (None: no key)."""
    df = _frame(demo_extracts, "placements", n=100)
    target = tmp_path / "placements" if len(values) > 1 else tmp_path
    target.mkdir(exist_ok=True)
    for i, value in enumerate(values):
        meta = {extracts.COVERAGE_METADATA_KEY: value} if value is not None else None
        name = f"part-{i}.parquet" if len(values) > 1 else "placements.parquet"
        df.slice(i * 50, 50).write_parquet(target / name, metadata=meta)
    return tmp_path


def test_coverage_is_read_from_the_file_metadata(demo_extracts: Path, tmp_path: Path) -> None:
    result, _ = validate(demo_extracts, "placements", wijk_codes=_codes(demo_extracts))
    assert result.ok and result.coverage_from == dt.date(2019, 1, 1)  # the demo declares 2019-01
    areas, _ = validate(demo_extracts, "areas")
    assert areas.ok and areas.coverage_from is None  # no claim
    data = _with_coverage(demo_extracts, tmp_path, "2021-03")
    result, _ = validate(data, "placements", wijk_codes=_codes(demo_extracts))
    assert result.ok and result.coverage_from == dt.date(2021, 3, 1)
    assert extracts.coverage_from(data / "placements.parquet") == dt.date(2021, 3, 1)


def test_no_coverage_is_no_claim(demo_extracts: Path, tmp_path: Path) -> None:
    data = _with_coverage(demo_extracts, tmp_path, None)
    result, frame = validate(data, "placements", wijk_codes=_codes(demo_extracts))
    assert result.ok and frame is not None and result.coverage_from is None


@pytest.mark.parametrize(("value", "rule"), [
    ("2019-1", "malformed coverage"), ("januari 2019", "malformed coverage"),
    ("2019-13", "malformed coverage"),
    ("1999-12", "implausible coverage"), ("2999-01", "implausible coverage")])
def test_a_bad_coverage_names_the_file_the_key_and_the_form(demo_extracts: Path, tmp_path: Path, value: str,
                                                            rule: str) -> None:
    data = _with_coverage(demo_extracts, tmp_path, value)
    result, frame = validate(data, "placements", wijk_codes=_codes(demo_extracts))
    assert frame is None and [p.rule for p in result.problems] == [rule]
    text = str(result.problems[0])
    assert "placements.parquet" in text and "monitor.coverage_from" in text and "'YYYY-MM'" in text
    assert repr(value) in text


def test_parts_that_disagree_on_coverage_are_refused(demo_extracts: Path, tmp_path: Path) -> None:
    data = _with_coverage(demo_extracts, tmp_path, "2019-01", "2020-01")
    result, frame = validate(data, "placements", wijk_codes=_codes(demo_extracts))
    assert frame is None and [p.rule for p in result.problems] == ["inconsistent coverage"]
    assert "2019-01, 2020-01" in str(result.problems[0])
    (tmp_path / "same").mkdir()
    same = _with_coverage(demo_extracts, tmp_path / "same", "2019-01", "2019-01")
    result, _ = validate(same, "placements", wijk_codes=_codes(demo_extracts))
    assert result.ok and result.coverage_from == dt.date(2019, 1, 1)
