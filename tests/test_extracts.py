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
