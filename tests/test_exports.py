"""Downloads: Dutch Excel CSV and xlsx carry the same suppression as the screen.

A hidden cell is an empty value with a `suppressed` column of its own: no text where a number belongs.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import polars as pl
import pytest

from monitor import exports, i18n
from monitor.rollup import Published


def _frame() -> Published:
    return Published(_raw(), k=10, view="test")


def _raw() -> pl.DataFrame:
    return pl.DataFrame({
        "period": ["2024", "2024", "2024"],
        "period_start": [dt.date(2024, 1, 1)] * 3,
        "area": ["WK051801", "WK051802", "WK051803"],
        "area_name": ["Oostduinen", "Belgisch Park", "Westbroekpark"],
        "value": [1234.5, None, 12.0],
        "denominator": [None, None, None],
        "suppressed": [False, True, False],
        "result": [1234.5, None, 12.0],
    }, schema_overrides={"denominator": pl.Float64})


def test_csv_for_dutch_excel() -> None:
    data = exports.csv_dutch_excel(_frame(), lang="nl")
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == "periode;gebied;naam;waarde;uitkomst;afgeschermd"
    assert lines[1] == "2024;WK051801;Oostduinen;1234,5;1234,5;nee"
    assert lines[2] == "2024;WK051802;Belgisch Park;;;ja"


def test_plain_csv_for_machines() -> None:
    text = exports.csv_plain(_frame(), columns=["period", "area", "value"])
    assert text.splitlines() == ["period,area,value,suppressed", "2024,WK051801,1234.5,false",
                                 "2024,WK051802,,true", "2024,WK051803,12.0,false"]


def test_a_hidden_cell_with_a_value_behind_it_is_still_written_empty() -> None:
    """A complementary cell keeps its true value in the roll-up (171, or 0); no export may write it."""
    raw = _raw().with_columns(value=pl.Series([1234.5, 171.0, 0.0]), result=pl.Series([1234.5, 171.0, 0.0]),
                              suppressed=pl.Series([False, True, True]))
    published = Published(raw, k=10, view="test")
    plain = exports.csv_plain(published).splitlines()
    assert plain[2:] == ["2024,WK051802,Belgisch Park,,,true", "2024,WK051803,Westbroekpark,,,true"]
    excel = exports.csv_dutch_excel(published, lang="en").decode("utf-8-sig").splitlines()
    assert excel[0].endswith(";suppressed") and excel[2].endswith(";;;yes") and excel[3].endswith(";;;yes")
    with zipfile.ZipFile(io.BytesIO(exports.xlsx(published, lang="nl"))) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    written = set(re.findall(r'<c r="([A-Z]+\d+)"', sheet))
    assert {"D2", "E2"} <= written and not {"D3", "E3", "D4", "E4"} & written  # value, result: empty


def test_xlsx_numbers_stay_numbers_and_a_hidden_cell_is_empty() -> None:
    data = exports.xlsx(_frame(), lang="en")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        strings = z.read("xl/sharedStrings.xml").decode()
    assert "&lt;" not in strings and f">{i18n.hidden('en')}<" not in strings
    assert "<v>1234.5</v>" in sheet  # a real number cell, not text
    assert "Belgisch Park" in strings and ">suppressed<" in strings and ">yes<" in strings
    # row 3 (Belgisch Park): no value cell in the value (D) and result (E) columns
    assert 'r="D3"' not in sheet and 'r="E3"' not in sheet and 'r="D2"' in sheet


def test_english_headers_and_the_worded_flag() -> None:
    text = exports.csv_dutch_excel(Published(_raw(), k=7, view="test"), lang="en").decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "period;area;name;value;result;suppressed"
    assert lines[2].endswith(";;;yes") and lines[1].endswith(";no")


def test_an_unfinished_period_is_marked_in_every_download() -> None:
    """2024 over, 2025 unfinished: the column `complete` says which (its change is empty, `views`)."""
    raw = _raw().with_columns(period=pl.Series(["2024", "2025", "2025"]),
                              complete=pl.Series([True, False, False]))
    published = Published(raw, k=10, view="test")
    plain = exports.csv_plain(published, columns=["period", "complete"]).splitlines()
    assert plain == ["period,complete,suppressed", "2024,true,false", "2025,false,true", "2025,false,false"]
    excel = exports.csv_dutch_excel(published, lang="nl").decode("utf-8-sig").splitlines()
    assert excel[0].endswith(";volledig;afgeschermd") and excel[2].endswith(";nee;ja")


EXPORTS = {
    "table": exports.table,
    "csv_plain": exports.csv_plain,
    "csv_dutch_excel": lambda f: exports.csv_dutch_excel(f, lang="nl"),
    "xlsx": lambda f: exports.xlsx(f, lang="nl"),
}


@pytest.mark.parametrize("surface", sorted(EXPORTS))
def test_every_export_refuses_a_raw_frame(surface: str) -> None:
    """A download shows only what went through the roll-up's disclosure control."""
    with pytest.raises(TypeError, match="Published"):
        EXPORTS[surface](_raw())
    assert EXPORTS[surface](_frame()) is not None


def test_cli_sql_writes_nested_columns_as_text(demo_settings) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {**os.environ, "MONITOR_DATA_DIR": str(demo_settings.data_dir)}
    out = subprocess.run([sys.executable, "-m", "monitor", "sql", "SELECT [1, 2] AS l, {'a': 1} AS s"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["l,s", '"[1, 2]",{\'a\': 1}']
