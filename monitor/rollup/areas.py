"""Areas: wijken, stadsdelen and the city, and the month x wijk grid every roll-up starts from.

A wijk's stadsdeel and name come from the latest `areas` year (the current map);
a wijk in the data but not in `areas` keeps its code under an unknown stadsdeel,
so no record silently drops out of a total.
"""

from __future__ import annotations

import polars as pl

from monitor.indicators import Indicator

UNKNOWN_STADSDEEL = "(onbekend)"


def wijk_map(areas: pl.DataFrame) -> pl.DataFrame:
    """wijk_code -> wijk_name, stadsdeel, as in each wijk's latest areas year (the current map)."""
    latest = areas.filter(pl.col("year") == pl.col("year").max().over("wijk_code"))
    return latest.select(
        pl.col("wijk_code").cast(pl.String),
        pl.col("wijk_name").cast(pl.String),
        pl.col("stadsdeel").cast(pl.String),
    ).unique("wijk_code", keep="last")


def _with_wijk_names(df: pl.DataFrame, wmap: pl.DataFrame) -> pl.DataFrame:
    """Attach wijk_name and stadsdeel; a wijk missing from `areas` keeps its code and an unknown stadsdeel."""
    return df.join(wmap, on="wijk_code", how="left").with_columns(
        pl.col("wijk_name").fill_null(pl.col("wijk_code")),
        pl.col("stadsdeel").fill_null(UNKNOWN_STADSDEEL),
    )


def _wijk_table(frame: pl.DataFrame, areas: pl.DataFrame) -> pl.DataFrame:
    """Every wijk (in areas or in the data): code, name, stadsdeel, and integer ids _w and _s."""
    wmap = wijk_map(areas)
    codes = pl.concat([wmap.select("wijk_code"), frame.select(pl.col("wijk_code").cast(pl.String))]).unique()
    table = _with_wijk_names(codes, wmap).sort("wijk_code")
    return table.with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_w"),
        (pl.col("stadsdeel").rank("dense").cast(pl.Int64) - 1).alias("_s"),
    )

def _grid(frame: pl.DataFrame, ind: Indicator, wijken: pl.DataFrame) -> pl.DataFrame:
    """Every month in the data's range x every wijk (by _w, _s), missing combinations as 0.

    Filling the grid makes zero cells real parts of their totals, and for a stock a
    missing month then reads as 0, as the indicator contract says.
    """
    cols = _numbers(ind)
    f = frame.select(
        pl.col("month").cast(pl.Date),
        pl.col("wijk_code").cast(pl.String),
        *[pl.col(c).cast(pl.Float64) for c in cols],
    )
    f = f.group_by("month", "wijk_code").agg([pl.col(c).sum() for c in cols])  # duplicate rows add up
    if f.is_empty():
        return f
    months = pl.date_range(f["month"].min(), f["month"].max(), "1mo", eager=True).alias("month").to_frame()
    grid = months.join(wijken.select("wijk_code", "_w", "_s"), how="cross")
    grid = grid.join(f, on=["month", "wijk_code"], how="left")
    return grid.with_columns([pl.col(c).fill_null(0) for c in cols])

def _places(wijken: pl.DataFrame, municipality: str) -> pl.DataFrame:
    """One integer _area per wijk, stadsdeel and the city, with its names and the area it adds up to."""
    nw = wijken.height
    sds = wijken.select("_s", "stadsdeel").unique().sort("_s")
    city = nw + sds.height
    rows = wijken.select(
        pl.col("_w").alias("_area"),
        pl.col("wijk_code").alias("area"),
        pl.col("wijk_name").alias("area_name"),
        "stadsdeel",
        (pl.col("_s") + nw).alias("_up"),
    )
    sd_rows = sds.select(
        (pl.col("_s") + nw).alias("_area"),
        pl.col("stadsdeel").alias("area"),
        pl.col("stadsdeel").alias("area_name"),
        pl.lit(None, pl.String).alias("stadsdeel"),
        pl.lit(city, pl.Int64).alias("_up"),
    )
    city_row = pl.DataFrame(
        {
            "_area": [city],
            "area": [municipality],
            "area_name": [municipality],
            "stadsdeel": [None],
            "_up": [-1],
        },
        schema=rows.schema,
    )
    return pl.concat([rows, sd_rows, city_row])

def _numbers(ind: Indicator) -> list[str]:
    return ["value", "denominator"] if ind.is_ratio else ["value"]

def _to_level(
    df: pl.DataFrame, level: str, municipality: str, keys: list[str], cols: list[str]
) -> pl.DataFrame:
    """Sum `cols` by `keys` and area; the area columns follow the level (stadsdeel kept for grouping)."""
    if level == "city":
        area = [
            pl.lit(municipality).alias("area"),
            pl.lit(municipality).alias("area_name"),
            pl.lit(None, pl.String).alias("stadsdeel"),
        ]
    elif level == "stadsdeel":
        area = [
            pl.col("stadsdeel").alias("area"),
            pl.col("stadsdeel").alias("area_name"),
            pl.col("stadsdeel"),
        ]
    elif level == "wijk":
        area = [
            pl.col("wijk_code").alias("area"),
            pl.col("wijk_name").alias("area_name"),
            pl.col("stadsdeel"),
        ]
    else:
        raise ValueError(f"Unknown area level '{level}': expected city, stadsdeel or wijk")
    return df.group_by([*keys, *area]).agg([pl.col(c).sum() for c in cols])

def _population(
    areas: pl.DataFrame, level: str, per: str, years: list[int], municipality: str
) -> pl.DataFrame:
    """Inhabitants or households per area for each wanted year, from the nearest areas year.

    Ties (a year halfway between two areas years) go to the later year.
    """
    available = sorted(areas["year"].unique().to_list())
    if not available:
        return pl.DataFrame(schema={"_ref_year": pl.Int32, "area": pl.String, "_pop": pl.Float64})
    nearest = {y: min(available, key=lambda a, y=y: (abs(a - y), -a)) for y in years}
    a = areas.select("year", pl.col("wijk_code").cast(pl.String), pl.col(per).cast(pl.Float64))
    a = _with_wijk_names(a, wijk_map(areas))
    pop = _to_level(a, level, municipality, ["year"], [per]).select("year", "area", pl.col(per).alias("_pop"))
    wanted = pl.DataFrame(
        {"_ref_year": list(nearest), "year": list(nearest.values())},
        schema={"_ref_year": pl.Int32, "year": pop.schema["year"]},
    )
    return wanted.join(pop, on="year").drop("year")


def _wijk_sums(grid: pl.DataFrame, month_map: pl.DataFrame, periods: pl.DataFrame, ind: Indicator
               ) -> pl.DataFrame:
    """Month x wijk -> every period per wijk (`_pid, _w, _s` and the numbers): the sum of its months.

    A stock keeps only each period's reference month.
    """
    rows = grid.join(month_map, on="month")
    if ind.measure == "stock":
        ref = periods.select("_pid", "_ref")
        rows = rows.join(ref, left_on=["_pid", "month"], right_on=["_pid", "_ref"])
    return rows.group_by("_pid", "_w", "_s").agg([pl.col(c).sum() for c in _numbers(ind)])
