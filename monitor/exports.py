"""Downloads of roll-up frames: CSV for Dutch Excel, `.xlsx`, and the CLI's plain CSV.

Every export takes a `Published` frame (anything else is refused with a TypeError). A
suppressed cell is written as an EMPTY value, and every row carries a `suppressed` column
of its own, so a spreadsheet reads numbers where numbers belong and no download can show
what the screen hides (the screen's mark `x` is for readers, not for machines):

- plain CSV (`csv_plain`, the CLI's `series`): `suppressed` is `true` or `false`;
- CSV for Dutch Excel and `.xlsx`: the worded header (`afgeschermd` / `suppressed`) with
  `ja`/`nee` (`yes`/`no` in English), like the other worded columns.

Column headers of the worded downloads are the `export_<column>` labels.
"""

from __future__ import annotations

import io

import polars as pl
import xlsxwriter

from monitor import i18n
from monitor.rollup.published import Published, require

_NUMERIC = ("value", "denominator", "result", "result_prev", "change")
_HIDDEN = ("value", "denominator", "result")  # the cells disclosure control hides
_COLUMNS = ("period", "months_since", "area", "area_name", "group", *_NUMERIC, "prev_suppressed",
            "complete", "suppressed")  # complete: the period is over (an unfinished one has no change)


def table(published: Published) -> pl.DataFrame:
    """The exported columns: numbers as text, empty where suppressed or missing; `suppressed` a Boolean."""
    frame = require(published, "exports.table")
    cols = [c for c in _COLUMNS if c in frame.columns]
    if "denominator" in cols and frame["denominator"].null_count() == frame.height:
        cols.remove("denominator")  # not a ratio
    hidden = frame["suppressed"].fill_null(False)
    exprs = [pl.lit(hidden).alias("suppressed")]
    for c in cols:
        if c in _NUMERIC:
            text = pl.col(c).round(4).cast(pl.String)
            if c in _HIDDEN:
                text = pl.when(hidden).then(pl.lit(None, dtype=pl.String)).otherwise(text)
            exprs.append(text.alias(c))
    return frame.select(cols).with_columns(exprs)


def headers(columns: list[str], lang: str) -> list[str]:
    """`periode`, `gebied`, ...: the worded header of each exported column (others keep their name)."""
    return [i18n.t(f"export_{c}", lang) if f"export_{c}" in i18n.LABELS else c for c in columns]


def csv_plain(published: Published, *, columns: list[str] | None = None) -> str:
    """Machine-readable CSV (the CLI's): `.` decimals, no thousands separator, column codes as header.

    A hidden cell is an empty value; the last column, `suppressed`, says `true` or `false`
    (kept even when `columns` leaves it out).
    """
    out = table(published)
    if columns:
        out = out.select([c for c in columns if c in out.columns and c != "suppressed"] + ["suppressed"])
    return out.write_csv()


def _worded_flag(out: pl.DataFrame, lang: str) -> pl.DataFrame:
    """`suppressed` (and `complete`) as the reader's word: `ja`/`nee` (`yes`/`no`)."""
    yes, no = i18n.t("yes", lang), i18n.t("no", lang)
    flags = [c for c in ("prev_suppressed", "complete", "suppressed") if c in out.columns]
    return out.with_columns(
        [pl.when(pl.col(c)).then(pl.lit(yes)).otherwise(pl.lit(no)).alias(c) for c in flags])


def csv_dutch_excel(published: Published, *, lang: str) -> bytes:
    """`;`-separated, decimal comma, UTF-8 with BOM: opens correctly in Dutch Excel."""
    out = _worded_flag(table(published), lang)
    numeric = [c for c in _NUMERIC if c in out.columns]
    out = out.with_columns([pl.col(c).str.replace(".", ",", literal=True) for c in numeric])
    out = out.rename(dict(zip(out.columns, headers(out.columns, lang), strict=True)))
    return "\ufeff".encode() + out.write_csv(separator=";").encode("utf-8")


def xlsx(published: Published, *, lang: str, sheet: str = "data") -> bytes:
    """Numbers stay numbers (Excel formats them per the reader's locale); a hidden cell is an empty cell."""
    out = _worded_flag(table(published), lang)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = book.add_worksheet(sheet[:31])
    ws.write_row(0, 0, headers(out.columns, lang), book.add_format({"bold": True}))
    for r, row in enumerate(out.iter_rows(), start=1):
        for c, (name, cell) in enumerate(zip(out.columns, row, strict=True)):
            if cell is None:
                continue
            if name in _NUMERIC:
                ws.write_number(r, c, float(cell))
            else:
                ws.write_string(r, c, str(cell))
    ws.autofit()
    book.close()
    return buf.getvalue()
