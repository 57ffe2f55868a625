"""A distinct measure's key rows, wherever they are: counted by DuckDB, never held whole in Python.

At scale a distinct measure's key frame is tens of millions of rows (35 million for
`vroegsignalen_bereikt_pct` at scale 100, gigabytes in Polars). So the roll-up does not take
it as a frame: `KeyRows` names where the rows are (the Parquet file the build stored, or a frame
when nothing could be stored), which months count (the coverage start) and which column is the
area (the wijk, or a dimension for a split), and every question the roll-up asks of them (how many,
which months, which codes, the counts per period) is SQL run by `catalog.scratch` under the build's
memory limit, reading the file in batches. What comes back is small: codes, a month range, counts
per (period, area). The counting itself is `monitor.rollup.distinct`'s; the SQL is here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from monitor.catalog.scratch import Source, query_frames, scratch


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclasses.dataclass(frozen=True, eq=False)
class KeyRows:
    """The rows `month, wijk_code, key[, numerator][, dimensions]` of a distinct measure.

    `start`: months before it are left out (the sources' coverage); `area`: the column each row's
    area is read from, `unknown` standing in for a null (a split's group, `rollup.groups`)."""

    source: Source
    start: dt.date | None = None
    area: str = "wijk_code"
    unknown: str | None = None

    @classmethod
    def of(cls, rows: KeyRows | pl.DataFrame) -> KeyRows:
        return rows if isinstance(rows, KeyRows) else cls(rows)

    def since(self, start: dt.date | None) -> KeyRows:
        return self if start is None else dataclasses.replace(self, start=start)

    def by(self, dimension: str, unknown: str) -> KeyRows:
        """The same rows with `dimension` as their area (a null as `unknown`)."""
        return dataclasses.replace(self, area=dimension, unknown=unknown)

    @property
    def columns(self) -> list[str]:
        if isinstance(self.source, Path):
            import pyarrow.parquet as pq
            return list(pq.read_schema(self.source).names)
        return list(self.source.columns)

    def _where(self) -> str:
        return f"WHERE month >= DATE '{self.start.isoformat()}'" if self.start else ""

    def _area_sql(self) -> str:
        """This view's area column as text, a null as `unknown` (a split's group)."""
        area = f"{_quoted(self.area)}::VARCHAR"
        if self.unknown is not None:
            area = f"coalesce({area}, '{self.unknown.replace(chr(39), chr(39) * 2)}')"
        return area

    def _one(self, sql: str) -> pl.DataFrame:
        return query_frames(sql.format(where=self._where()), {"raw": self.source})

    @property
    def height(self) -> int:
        return int(self._one("SELECT count(*) AS n FROM raw {where}")["n"][0])

    def month_range(self) -> tuple[dt.date, dt.date] | None:
        """The first and last month with a row (None without rows)."""
        got = self._one("SELECT min(month)::DATE AS lo, max(month)::DATE AS hi FROM raw {where}").row(0)
        return None if got[0] is None else (got[0], got[1])

    def codes(self, column: str) -> pl.DataFrame:
        """The distinct values of `column` (as text, a null kept), as a one-column frame."""
        col = _quoted(column)
        return self._one(f"SELECT DISTINCT {col}::VARCHAR AS {col} FROM raw {{where}}")

    def counts(self, wijken: pl.DataFrame, fixed_map: pl.DataFrame, last: int | None, ratio: bool
               ) -> tuple[pl.DataFrame, pl.DataFrame, int | None]:
        """What `distinct.wijk_counts` adds up: (fixed `_pid, _w, _d, _n`; rolling steps `_m, _w, _d, _n`;
        the first month with a row). `fixed_map`: `_t, _pid, _s, _e` per month of each fixed period;
        `last`: the last rolling window's month (None: no rolling windows)."""
        return count_areas([(self, wijken)], fixed_map, last, ratio)[0]


def count_areas(areas: Sequence[tuple[KeyRows, pl.DataFrame]], fixed_map: pl.DataFrame, last: int | None,
                ratio: bool) -> list[tuple[pl.DataFrame, pl.DataFrame, int | None]]:
    """`KeyRows.counts` for several areas of the same rows at once (the wijk and each dimension of a
    split): one pass groups and orders every key's months, the largest step, for all of them.

    Each area is a `KeyRows` over the same source and months, with its table (`wijk_code, _w`) holding
    every code of its area column, as `areas._wijk_table` and `groups.group_table` do: a row's key
    month then exists for every area, so each area's counts equal those of a pass of its own."""
    first_rows = areas[0][0]
    if any((r.source is not first_rows.source) or r.start != first_rows.start for r, _ in areas):
        raise ValueError("count_areas counts one set of key rows: the same source and months for every area")
    sources: dict[str, Source] = {"raw": first_rows.source, "fixed_map": fixed_map}
    sources |= {f"area_codes_{i}": table.select("wijk_code", "_w") for i, (_, table) in enumerate(areas)}
    areas_sql = ", ".join(f"{rows._area_sql()} AS _a{i}" for i, (rows, _) in enumerate(areas))
    numerator = ", numerator::BOOLEAN AS numerator" if ratio else ""
    with scratch(sources) as s:
        s.run(f"CREATE TEMP VIEW events AS SELECT month::DATE AS month, key::VARCHAR AS key, {areas_sql}"
              f"{numerator} FROM raw {first_rows._where()}")
        s.run(KEY_ROWS_SQL.format(
            numerator="bool_or(f.numerator)" if ratio else "false",
            areas=", ".join(f"max(w{i}._w)::INTEGER AS _w{i}" for i in range(len(areas))),
            area_columns=", ".join(f"_w{i}" for i in range(len(areas))),
            joins=" ".join(f"JOIN area_codes_{i} AS w{i} ON w{i}.wijk_code = f._a{i}"
                           for i in range(len(areas)))))
        first = s.frame("SELECT min(_t) AS first FROM key_rows")["first"][0]
        n = len(areas)
        fixed = s.frame(FIXED_SQL.format(sets=_sets("m._pid", n), which=_which(n), area=_area(n)))
        # the rolling windows' steps per area: as grouping sets (like the fixed periods) they took
        # longer at scale, each step row carrying every area's code
        rolling = last is not None and first is not None
        steps = [s.frame(STEPS_SQL.format(last=last, w=f"_w{i}")) if rolling else _no_steps()
                 for i in range(n)]
    return [(fixed.filter(pl.col("_i") == i).drop("_i"), steps[i], first) for i in range(n)]


def _sets(by: str, n: int) -> str:
    """One grouping set per area: every area's counts from one scan of the key rows."""
    return ", ".join(f"({by}, _w{i})" for i in range(n))


def _which(n: int) -> str:
    """The area a grouping set's row counts for (0 the first)."""
    return "CASE " + " ".join(f"WHEN GROUPING(_w{i}) = 0 THEN {i}" for i in range(n)) + " END"


def _area(n: int) -> str:
    """That area's code number (`_w`): the one grouped by in the row's set."""
    return "CASE " + " ".join(f"WHEN GROUPING(_w{i}) = 0 THEN _w{i}" for i in range(n)) + " END"


def _no_steps() -> pl.DataFrame:
    return pl.DataFrame(schema={"_m": pl.Int64, "_w": pl.Int64, "_d": pl.Int64, "_n": pl.Int64})


# One row per key and month (Int32): `_t` the month number (year * 12 + month - 1), `_w0, _w1, ...` the
# greatest code of each area (the wijk, a dimension) that month, `_next` the key's next month (null at
# its last), `_u` its last numerator month up to this one (null when none yet). Grouping and sorting
# every key's months is the largest step.
KEY_ROWS_SQL = """
CREATE TEMP TABLE key_rows AS
WITH key_months AS (
    SELECT f.key, (year(f.month) * 12 + month(f.month) - 1)::INTEGER AS _t,
           {areas}, {numerator} AS _num
    FROM events AS f
    {joins}
    GROUP BY f.key, _t
)
SELECT _t, {area_columns},
       lead(_t) OVER (PARTITION BY key ORDER BY _t) AS _next,
       max(CASE WHEN _num THEN _t END) OVER (PARTITION BY key ORDER BY _t
                                               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS _u
FROM key_months
"""

# Months, quarters, years and terms: a row places its key in a period when the key's next row lies
# after the period's end; in the numerator when its last numerator month is in the period.
FIXED_SQL = """
SELECT m._pid::BIGINT AS _pid, ({area})::BIGINT AS _w, count(*)::BIGINT AS _d,
       count(*) FILTER (WHERE r._u >= m._s)::BIGINT AS _n, ({which})::INTEGER AS _i
FROM key_rows AS r JOIN fixed_map AS m ON m._t = r._t
WHERE r._next IS NULL OR r._next > m._e
GROUP BY GROUPING SETS ({sets})
"""

# The twelve months ending in each month: a row places its key in the windows ending from its own
# month to the month before the key's next row, at most eleven months on; as steps of a difference
# array per (month, wijk), summed here, run up by the caller.
STEPS_SQL = """
WITH spans AS (
    SELECT _t, {w} AS _w, least(coalesce(_next, {last} + 1) - 1, _t + 11, {last}) AS _end, _u FROM key_rows
), numerated AS (
    SELECT _t, _w, least(_end, _u + 11) AS _end_n FROM spans WHERE _u IS NOT NULL
), steps AS (
    SELECT _t AS _m, _w, 1 AS _d, 0 AS _n FROM spans
    UNION ALL SELECT _end + 1, _w, -1, 0 FROM spans
    UNION ALL SELECT _t, _w, 0, 1 FROM numerated WHERE _end_n >= _t
    UNION ALL SELECT _end_n + 1, _w, 0, -1 FROM numerated WHERE _end_n >= _t
)
SELECT _m::BIGINT AS _m, _w::BIGINT AS _w, sum(_d)::BIGINT AS _d, sum(_n)::BIGINT AS _n
FROM steps GROUP BY ALL
"""
