"""Downloads: Dutch Excel CSV and xlsx carry the same suppression as the screen."""

from __future__ import annotations

import datetime as dt
import io
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
    assert lines[0] == "periode;gebied;naam;waarde;uitkomst"
    assert lines[1] == "2024;WK051801;Oostduinen;1234,5;1234,5"
    assert lines[2] == "2024;WK051802;Belgisch Park;<10;<10"


def test_plain_csv_for_machines() -> None:
    text = exports.csv_plain(_frame(), lang="en", columns=["period", "area", "value"])
    assert text.splitlines() == ["period,area,value", "2024,WK051801,1234.5", "2024,WK051802,<10",
                                 "2024,WK051803,12.0"]


def test_xlsx_numbers_stay_numbers_and_suppressed_is_text() -> None:
    data = exports.xlsx(_frame(), lang="en")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        strings = z.read("xl/sharedStrings.xml").decode()
    assert "&lt;10" in strings
    assert "<v>1234.5</v>" in sheet  # a real number cell, not text
    assert "Belgisch Park" in strings


def test_english_headers_and_the_one_hidden_mark() -> None:
    text = exports.csv_dutch_excel(Published(_raw(), k=7, view="test"), lang="en").decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "period;area;name;value;result"
    assert lines[2].endswith(f";{i18n.hidden(7, 'en')};{i18n.hidden(7, 'en')}")


EXPORTS = {
    "table": lambda f: exports.table(f, lang="nl"),
    "csv_plain": lambda f: exports.csv_plain(f, lang="en"),
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
