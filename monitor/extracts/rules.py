"""The contract's rules as SQL text: what a breaking row looks like and what to show of it.

Validation runs inside DuckDB over the Parquet files (or the table just loaded from them), so a
delivery of any size is checked with bounded memory (`monitor.catalog.validate` runs these).
This module only writes the SQL, from ``CONTRACT``, and never opens a connection: the rules stay
data of the contract, and only ``catalog`` talks to DuckDB.

A row rule is one condition per row; all of them are counted in one scan (`count(*) FILTER`),
each keeping the first breaking row's example (`arg_min(example, row order)`). Two rules need the
whole column: a duplicate key (a GROUP BY) and an unknown wijk code (an anti join with `areas`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from monitor.extracts.contract import EARLIEST_DATE, Extract

ROW, DUPLICATE, WIJK_REF = "row", "duplicate", "wijk"


@dataclass(frozen=True)
class Rule:
    """One rule of one extract: the message a breaking row gets, and how to find those rows."""

    rule: str  # the name shown to the supplier: "null key", "unknown code", ...
    column: str | None
    message: str
    where: str  # SQL condition a breaking row meets (ROW), or the key columns (DUPLICATE)
    example: str  # SQL expression whose value for the first breaking row is shown
    kind: str = ROW


def quote(name: str) -> str:
    """An identifier as SQL text, whatever the supplier called the column."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def rules(spec: Extract, usable: list[str], present: list[str], *, made_on: dt.date,
          wijk_check: bool) -> list[Rule]:
    """Every value rule of `spec` over the usable columns (present with the right type), in the
    order the problems are reported: nulls, duplicate key, codes, wijk codes, dates, date order."""
    key0 = spec.key[0]
    out: list[Rule] = []
    for col in (c for c in spec.columns if c.name in usable):
        if col.name in spec.key or not col.nullable:
            shown = key0 if key0 in present and key0 != col.name else col.name
            out.append(Rule("null key" if col.name in spec.key else "null value", col.name,
                            "must be filled in every row", f"{quote(col.name)} IS NULL", quote(shown)))
    if set(spec.key) <= set(usable):
        label = ", ".join(spec.key)
        out.append(Rule("duplicate key", label,
                        f"({label}) must be unique; remove or merge the repeated rows",
                        ", ".join(quote(k) for k in spec.key),
                        " || '/' || ".join(f"CAST({quote(k)} AS VARCHAR)" for k in spec.key), DUPLICATE))
    for col in (c for c in spec.columns if c.name in usable):
        text = f"CAST({quote(col.name)} AS VARCHAR)"
        if col.codes is not None:
            allowed = ", ".join(literal(c) for c in col.codes)
            out.append(Rule("unknown code", col.name, f"allowed codes are {', '.join(col.codes)}",
                            f"{quote(col.name)} IS NOT NULL AND {text} NOT IN ({allowed})", quote(col.name)))
        if col.pattern is not None:
            out.append(Rule("malformed code", col.name, f"must match {col.pattern} (e.g. {col.example})",
                            f"{quote(col.name)} IS NOT NULL AND NOT regexp_matches({text}, "
                            f"{literal(col.pattern)})", quote(col.name)))
    if wijk_check and spec.refers_to_areas and "wijk_code" in usable:
        out.append(Rule("unknown wijk_code", "wijk_code",
                        "not in the areas extract; deliver areas with every wijk used",
                        "wijk_code", quote("wijk_code"), WIJK_REF))
    for name in (n for n in spec.date_columns if n in usable):
        out.append(Rule("implausible date", name, f"before {EARLIEST_DATE.isoformat()}",
                        f"{quote(name)} < DATE '{EARLIEST_DATE.isoformat()}'", quote(name)))
        out.append(Rule("future date", name, f"after the extract date {made_on.isoformat()}",
                        f"{quote(name)} > DATE '{made_on.isoformat()}'", quote(name)))
    for first, then in spec.date_order:
        if {first, then} <= set(usable):
            out.append(Rule("end before start", then, f"'{then}' lies before '{first}'",
                            f"{quote(then)} < {quote(first)}", quote(key0 if key0 in usable else then)))
    return out


def row_query(source: str, row_rules: list[Rule], period: list[str], years: str | None) -> str:
    """One scan: the row count, per row rule the number of rows breaking it, and the period."""
    parts = ["count(*)"]
    for r in row_rules:
        parts.append(f"count(*) FILTER (WHERE {r.where})")
    if period:
        parts += [f"least({', '.join(f'min({quote(c)})' for c in period)})",
                  f"greatest({', '.join(f'max({quote(c)})' for c in period)})"]
    elif years:
        parts += [f"min({quote(years)})", f"max({quote(years)})"]
    return f"SELECT {', '.join(parts)} FROM {source}"


def example_query(source: str, order: str, broken: list[Rule]) -> str:
    """The first breaking row's example of each rule in `broken` (a second scan, only for a bad
    delivery: a good one pays for the counts alone)."""
    parts = [f"arg_min({r.example}, {order}) FILTER (WHERE {r.where})" for r in broken]
    return f"SELECT {', '.join(parts)} FROM {source} WHERE {' OR '.join(f'({r.where})' for r in broken)}"


def duplicate_count_query(source: str, rule: Rule) -> str:
    """How many keys repeat: the cheap first pass (no row order or example kept per key, about a
    third faster on 36 million keys); `duplicate_query` runs only when some do."""
    return f"SELECT count(*) FROM (SELECT 1 FROM {source} GROUP BY {rule.where} HAVING count(*) > 1)"


def duplicate_query(source: str, order: str, rule: Rule) -> str:
    """Rows whose key repeats (every copy counts) and the first repeated key in file order."""
    return (f"SELECT sum(n), arg_min(example, first_row) FROM (SELECT {rule.example} AS example, "
            f"count(*) AS n, min({order}) AS first_row FROM {source} GROUP BY {rule.where} "
            f"HAVING count(*) > 1)")


def wijk_query(source: str, order: str, known: str) -> str:
    """Rows whose wijk code is not in `known` (a table with a wijk_code column): an anti join."""
    return (f"SELECT count(*), arg_min(s.wijk_code, {order}) FROM {source} AS s "
            f"WHERE s.wijk_code IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {known} AS k WHERE k.wijk_code = s.wijk_code)")
