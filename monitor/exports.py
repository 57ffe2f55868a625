"""Downloads of roll-up frames: CSV for Dutch Excel, `.xlsx`, and the CLI's plain CSV.

Every export takes a `Published` frame (anything else is refused with a TypeError) and
writes a suppressed cell with the one hidden-cell mark (`i18n.hidden`), so no download
can show what the screen hides. Column headers are the `export_<column>` labels.
"""

from __future__ import annotations

import io

import polars as pl
import xlsxwriter

from monitor import i18n
from monitor.rollup.published import Published, require

_NUMERIC = ("value", "denominator", "result", "result_prev", "change")
_COLUMNS = ("period", "months_since", "area", "area_name", *_NUMERIC)


def table(published: Published, *, lang: str) -> pl.DataFrame:
    """The exported columns, numbers as text with the hidden-cell mark where suppressed (None stays empty)."""
    frame = require(published, "exports.table")
    cols = [c for c in _COLUMNS if c in frame.columns]
    if "denominator" in cols and frame["denominator"].null_count() == frame.height:
        cols.remove("denominator")  # not a ratio
    mark = i18n.hidden(published.k, lang)
    exprs = []
    for c in cols:
        if c in _NUMERIC:
            text = pl.col(c).round(4).cast(pl.String)
            if c in ("value", "denominator", "result"):
                text = pl.when(frame["suppressed"]).then(pl.lit(mark)).otherwise(text)
            exprs.append(text.alias(c))
        else:
            exprs.append(pl.col(c))
    return frame.select(cols).with_columns(exprs)


def headers(columns: list[str], lang: str) -> list[str]:
    """`periode`, `gebied`, ...: the worded header of each exported column (others keep their name)."""
    return [i18n.t(f"export_{c}", lang) if f"export_{c}" in i18n.LABELS else c for c in columns]


def csv_plain(published: Published, *, lang: str, columns: list[str] | None = None) -> str:
    """Machine-readable CSV (the CLI's): `.` decimals, no thousands separator, column codes as header.

    `lang` only words the hidden-cell mark.
    """
    out = table(published, lang=lang)
    if columns:
        out = out.select([c for c in columns if c in out.columns])
    return out.write_csv()


def csv_dutch_excel(published: Published, *, lang: str) -> bytes:
    """`;`-separated, decimal comma, UTF-8 with BOM: opens correctly in Dutch Excel."""
    out = table(published, lang=lang)
    numeric = [c for c in _NUMERIC if c in out.columns]
    out = out.with_columns([pl.col(c).str.replace(".", ",", literal=True) for c in numeric])
    out = out.rename(dict(zip(out.columns, headers(out.columns, lang), strict=True)))
    return "\ufeff".encode() + out.write_csv(separator=";").encode("utf-8")


def xlsx(published: Published, *, lang: str, sheet: str = "data") -> bytes:
    """Numbers stay numbers (Excel formats them per the reader's locale); the hidden-cell mark is text."""
    out = table(published, lang=lang)
    mark = i18n.hidden(published.k, lang)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = book.add_worksheet(sheet[:31])
    ws.write_row(0, 0, headers(out.columns, lang), book.add_format({"bold": True}))
    for r, row in enumerate(out.iter_rows(), start=1):
        for c, (name, cell) in enumerate(zip(out.columns, row, strict=True)):
            if cell is None:
                continue
            if name in _NUMERIC and cell != mark:
                ws.write_number(r, c, float(cell))
            else:
                ws.write_string(r, c, str(cell))
    ws.autofit()
    book.close()
    return buf.getvalue()
