"""Downloads of roll-up frames: CSV for Dutch Excel, `.xlsx`, and the CLI's plain CSV.

Every export takes a frame that has already been through disclosure control and
writes a suppressed cell as `<k`, so no download can show what the screen hides.
"""

from __future__ import annotations

import io

import polars as pl
import xlsxwriter

HEADERS = {
    "nl": {"period": "periode", "area": "gebied", "area_name": "naam", "value": "waarde",
           "denominator": "noemer", "result": "uitkomst", "result_prev": "jaar_eerder", "change": "verschil"},
    "en": {"period": "period", "area": "area", "area_name": "name", "value": "value",
           "denominator": "denominator", "result": "result", "result_prev": "year_earlier",
           "change": "change"},
}
_NUMERIC = ("value", "denominator", "result", "result_prev", "change")


def table(frame: pl.DataFrame, *, k: int) -> pl.DataFrame:
    """The exported columns, numbers as text with `<k` where suppressed (None stays empty)."""
    cols = [c for c in ("period", "months_since", "area", "area_name", *_NUMERIC) if c in frame.columns]
    if "denominator" in cols and frame["denominator"].null_count() == frame.height:
        cols.remove("denominator")  # not a ratio
    out = frame.select(cols)
    mark = f"<{k}"
    exprs = []
    for c in cols:
        if c in _NUMERIC:
            text = pl.col(c).round(4).cast(pl.String)
            if c in ("value", "denominator", "result"):
                text = pl.when(frame["suppressed"]).then(pl.lit(mark)).otherwise(text)
            exprs.append(text.alias(c))
        else:
            exprs.append(pl.col(c))
    return out.with_columns(exprs)


def csv_plain(frame: pl.DataFrame, *, k: int, columns: list[str] | None = None) -> str:
    """Machine-readable CSV: `.` decimals, no thousands separator, header row (the CLI's format)."""
    out = table(frame, k=k)
    if columns:
        out = out.select([c for c in columns if c in out.columns])
    return out.write_csv()


def csv_dutch_excel(frame: pl.DataFrame, *, k: int, lang: str = "nl") -> bytes:
    """`;`-separated, decimal comma, UTF-8 with BOM: opens correctly in Dutch Excel."""
    out = table(frame, k=k)
    numeric = [c for c in _NUMERIC if c in out.columns]
    out = out.with_columns([pl.col(c).str.replace(".", ",", literal=True) for c in numeric])
    out = out.rename({c: HEADERS[lang].get(c, c) for c in out.columns})
    return "\ufeff".encode() + out.write_csv(separator=";").encode("utf-8")


def xlsx(frame: pl.DataFrame, *, k: int, lang: str = "nl", sheet: str = "data") -> bytes:
    """Numbers stay numbers (Excel formats them per the reader's locale); `<k` is text."""
    out = table(frame, k=k)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    headers = [HEADERS[lang].get(c, c) for c in out.columns]
    ws.write_row(0, 0, headers, bold)
    for r, row in enumerate(out.iter_rows(), start=1):
        for c, (name, cell) in enumerate(zip(out.columns, row, strict=True)):
            if cell is None:
                continue
            if name in _NUMERIC and cell != f"<{k}":
                ws.write_number(r, c, float(cell))
            else:
                ws.write_string(r, c, str(cell))
    ws.autofit()
    book.close()
    return buf.getvalue()
