"""The extract contract (version 1) as code, and its validation.

The contract is data (``CONTRACT``) so that validation, the data dictionary in
``data/README.md`` and the sources page are all generated from one place and
cannot drift apart. Validation reads the Parquet files with Polars; DuckDB is
only used by ``catalog`` once an extract has passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

CONTRACT_VERSION = 1
EARLIEST_DATE = dt.date(2000, 1, 1)
DEMO_METADATA_KEY = "monitor.demo"

# Logical types of the contract and the Polars types that satisfy them.
_TYPE_CHECKS: dict[str, tuple[str, ...]] = {
    "VARCHAR": ("String", "Categorical", "Enum"),
    "INTEGER": ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"),
    "DOUBLE": (
        "Float32", "Float64", "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32",
        "UInt64", "Decimal",
    ),
    "DATE": ("Date",),
    "BOOLEAN": ("Boolean",),
}


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    description: str
    nullable: bool = False
    codes: tuple[str, ...] | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class Extract:
    name: str
    key: tuple[str, ...]
    description: str
    columns: tuple[Column, ...]
    # (earlier, later) date columns that must be in that order when both are set
    date_order: tuple[tuple[str, str], ...] = ()
    # whether wijk_code must refer to the areas extract
    refers_to_areas: bool = True

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def date_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.dtype == "DATE"]


WIJK = Column("wijk_code", "VARCHAR", "CBS wijk code, `WK` + gemeente code + wijk number",
              pattern=r"^WK\d{6}$")

CONTRACT: dict[str, Extract] = {
    e.name: e
    for e in (
        Extract(
            "areas", ("year", "wijk_code"),
            "Wijken per year with their stadsdeel and population (CBS kerncijfers wijken en buurten).",
            (
                Column("year", "INTEGER", "Reference year (population on 1 January)"),
                WIJK,
                Column("wijk_name", "VARCHAR", "Wijk name as the municipality writes it"),
                Column("stadsdeel", "VARCHAR", "Stadsdeel the wijk belongs to"),
                Column("inhabitants", "INTEGER", "Inhabitants on 1 January"),
                Column("households", "INTEGER", "Private households on 1 January"),
            ),
            refers_to_areas=False,
        ),
        Extract(
            "early_signals", ("signal_id",),
            "Early-warning signals of payment arrears from partners (vroegsignalering), one per signal.",
            (
                Column("signal_id", "VARCHAR", "Pseudonymised signal id"),
                Column("household_id", "VARCHAR", "Pseudonymised household id"),
                WIJK,
                Column("partner", "VARCHAR", "Partner that sent the signal",
                       codes=("zorgverzekeraar", "energie", "woningcorporatie", "water", "cak")),
                Column("received_on", "DATE", "Date the signal was received"),
                Column("contacted_on", "DATE", "Date of the first contact attempt", nullable=True),
                Column("contact_result", "VARCHAR", "Result of the contact attempt", nullable=True,
                       codes=("bereikt", "niet_bereikt", "geweigerd")),
                Column("help_accepted", "BOOLEAN", "Whether the household accepted help"),
            ),
            date_order=(("received_on", "contacted_on"),),
        ),
        Extract(
            "debt_cases", ("case_id",),
            "Debt-help cases (schuldhulpverlening), one per registration.",
            (
                Column("case_id", "VARCHAR", "Pseudonymised case id"),
                Column("household_id", "VARCHAR", "Pseudonymised household id"),
                WIJK,
                Column("household_type", "VARCHAR", "Household composition",
                       codes=("alleenstaand", "alleenstaande_ouder", "paar", "paar_met_kinderen",
                              "overig")),
                Column("age_band", "VARCHAR", "Age band of the applicant",
                       codes=("18-26", "27-44", "45-66", "67+")),
                Column("referral", "VARCHAR", "How the household came in",
                       codes=("vroegsignalering", "zelfmelder", "partner", "wijkteam")),
                Column("registered_on", "DATE", "Date of registration (aanmelding)"),
                Column("first_interview_on", "DATE", "Date of the first interview", nullable=True),
                Column("route", "VARCHAR", "Route chosen after the interview", nullable=True,
                       codes=("stabilisatie", "schuldbemiddeling", "saneringskrediet", "wsnp",
                              "budgetbeheer")),
                Column("started_on", "DATE", "Start of the route", nullable=True),
                Column("ended_on", "DATE", "End of the case", nullable=True),
                Column("end_reason", "VARCHAR", "Why the case ended", nullable=True,
                       codes=("schuldenvrij", "stabiel", "uitval", "verhuisd", "overig")),
                Column("debt_eur", "DOUBLE", "Total debt at registration in euros"),
                Column("creditors", "INTEGER", "Number of creditors at registration"),
            ),
            date_order=(("registered_on", "first_interview_on"), ("registered_on", "started_on"),
                        ("started_on", "ended_on"), ("registered_on", "ended_on")),
        ),
        Extract(
            "benefit_spells", ("spell_id",),
            "Spells of social assistance (Participatiewet bijstand), one per spell.",
            (
                Column("spell_id", "VARCHAR", "Pseudonymised spell id"),
                Column("person_id", "VARCHAR", "Pseudonymised person id"),
                WIJK,
                Column("age_band", "VARCHAR", "Age band at the start",
                       codes=("18-26", "27-44", "45-66", "67+")),
                Column("started_on", "DATE", "First day of the benefit"),
                Column("ended_on", "DATE", "Last day of the benefit", nullable=True),
                Column("end_reason", "VARCHAR", "Why the benefit ended", nullable=True,
                       codes=("werk", "scholing", "verhuisd", "overig")),
            ),
            date_order=(("started_on", "ended_on"),),
        ),
        Extract(
            "work_activities", ("activity_id",),
            "Activities of the work programme (interviews, platform profiles, matches, ...).",
            (
                Column("activity_id", "VARCHAR", "Pseudonymised activity id"),
                Column("person_id", "VARCHAR", "Pseudonymised person id"),
                Column("activity_on", "DATE", "Date of the activity"),
                Column("activity", "VARCHAR", "Kind of activity",
                       codes=("gesprek", "profiel", "match", "proefplaatsing", "leerwerktraject")),
                Column("channel", "VARCHAR", "Channel",
                       codes=("hallowerk", "werkgeversservicepunt", "wijk")),
            ),
            refers_to_areas=False,
        ),
        Extract(
            "placements", ("placement_id",),
            "Placements in work, one per placement.",
            (
                Column("placement_id", "VARCHAR", "Pseudonymised placement id"),
                Column("person_id", "VARCHAR", "Pseudonymised person id"),
                WIJK,
                Column("placed_on", "DATE", "First working day"),
                Column("from_benefit", "BOOLEAN", "Whether the person came from social assistance"),
                Column("sector", "VARCHAR", "Sector of the employer"),
                Column("contract", "VARCHAR", "Contract type", codes=("vast", "tijdelijk", "uitzend")),
                Column("hours_per_week", "INTEGER", "Contract hours per week"),
                Column("wage_subsidy", "BOOLEAN", "Whether a wage subsidy (loonkostensubsidie) applies"),
                Column("employed_6m", "BOOLEAN", "Still employed 6 months later; null while not yet "
                       "observable", nullable=True),
                Column("employed_12m", "BOOLEAN", "Still employed 12 months later; null while not yet "
                       "observable", nullable=True),
            ),
        ),
    )
}

# `areas` first: the others are checked against its wijk codes.
LOAD_ORDER: tuple[str, ...] = tuple(CONTRACT)


@dataclass(frozen=True)
class Problem:
    """One broken rule in one extract, phrased so the supplier can fix it."""

    extract: str
    file: str
    rule: str
    message: str
    column: str | None = None
    rows: int | None = None
    example: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}" + (f": column '{self.column}'" if self.column else "")
        count = f" ({self.rows} rows, e.g. {self.example})" if self.rows else ""
        return f"{where}: {self.rule}: {self.message}{count}"


@dataclass
class ValidationResult:
    extract: str
    path: Path | None
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    period: tuple[dt.date, dt.date] | None = None
    demo: bool = False

    @property
    def ok(self) -> bool:
        return self.path is not None and not self.problems


def find_extract(data_dir: Path, name: str) -> Path | None:
    """An extract is `<name>.parquet` or a folder `<name>/` of Parquet files."""
    single = data_dir / f"{name}.parquet"
    if single.is_file():
        return single
    folder = data_dir / name
    if folder.is_dir() and any(folder.glob("*.parquet")):
        return folder
    return None


def extract_files(path: Path) -> list[Path]:
    return sorted(path.glob("*.parquet")) if path.is_dir() else [path]


def fingerprint(path: Path) -> list[tuple[str, int, int]]:
    """Name, size and mtime of each file: cheap, and changes whenever a file is replaced."""
    out = []
    for f in extract_files(path):
        st = f.stat()
        out.append((f.name, st.st_size, st.st_mtime_ns))
    return out


def extract_date(path: Path) -> dt.date:
    """The date an extract was made: its newest file's modification date."""
    return max(dt.date.fromtimestamp(f.stat().st_mtime) for f in extract_files(path))


def is_demo(path: Path) -> bool:
    """Demo extracts carry a marker in their Parquet key-value metadata."""
    try:
        meta = pq.read_schema(extract_files(path)[0]).metadata or {}
    except Exception:
        return False
    return DEMO_METADATA_KEY.encode() in meta


def read_extract(path: Path) -> pl.DataFrame:
    files = extract_files(path)
    return pl.concat([pl.read_parquet(f) for f in files], how="vertical_relaxed")


def _example(series: pl.Series) -> str:
    value = series.drop_nulls().head(1).to_list() if series.null_count() < len(series) else [None]
    return repr(value[0]) if value else "null"


def _type_ok(dtype: pl.DataType, logical: str) -> bool:
    return type(dtype).__name__ in _TYPE_CHECKS[logical]


def validate_frame(
    spec: Extract,
    df: pl.DataFrame,
    file: str,
    *,
    wijk_codes: Iterable[str] | None = None,
    made_on: dt.date | None = None,
) -> list[Problem]:
    """Check a frame against the contract; each problem names file, column and rule."""
    problems: list[Problem] = []

    def add(rule: str, message: str, column: str | None = None, bad: pl.Series | None = None):
        rows = None if bad is None else len(bad)
        example = None if bad is None else _example(bad)
        problems.append(Problem(spec.name, file, rule, message, column, rows, example))

    if df.height == 0:
        add("empty file", "the extract has no rows; deliver the full history, not an empty file")
        return problems
    missing = [c.name for c in spec.columns if c.name not in df.columns]
    for name in missing:
        col = spec.column(name)
        add("missing column", f"expected a {col.dtype} column '{name}' ({col.description}); "
            "columns may be added but never renamed or left out", name)
    wrong = []
    for col in spec.columns:
        if col.name in df.columns and not _type_ok(df.schema[col.name], col.dtype):
            wrong.append(col.name)
            add("wrong type", f"is {df.schema[col.name]}, expected {col.dtype}; "
                "write it with that Parquet type", col.name)
    usable = [c for c in spec.columns if c.name in df.columns and c.name not in wrong]
    usable_names = {c.name for c in usable}

    for col in usable:
        if (col.name in spec.key or not col.nullable) and df.get_column(col.name).null_count():
            nulls = df.filter(pl.col(col.name).is_null())
            if nulls.height:
                rule = "null key" if col.name in spec.key else "null value"
                add(rule, "must be filled in every row", col.name,
                    nulls.select(spec.key[0]).to_series() if spec.key[0] in df.columns
                    and spec.key[0] != col.name else nulls.get_column(col.name))
    if set(spec.key) <= usable_names:
        keys = pl.col(spec.key[0]) if len(spec.key) == 1 else pl.struct(list(spec.key))
        dup = df.filter(keys.is_duplicated())
        if dup.height:
            label = ", ".join(spec.key)
            add("duplicate key", f"({label}) must be unique; remove or merge the repeated rows",
                label, dup.select(pl.concat_str([pl.col(k).cast(pl.String) for k in spec.key],
                                                separator="/")).to_series())
    for col in usable:
        s = df.get_column(col.name)
        if col.codes is not None:
            bad = s.filter(s.is_not_null() & ~s.cast(pl.String).is_in(list(col.codes)))
            if len(bad):
                add("unknown code", f"allowed codes are {', '.join(col.codes)}", col.name, bad)
        if col.pattern is not None:
            bad = s.filter(s.is_not_null() & ~s.cast(pl.String).str.contains(col.pattern))
            if len(bad):
                add("malformed code", f"must match {col.pattern} (e.g. WK051828)", col.name, bad)
    if wijk_codes is not None and spec.refers_to_areas and "wijk_code" in usable_names:
        known = list(wijk_codes)
        s = df.get_column("wijk_code").cast(pl.String)
        bad = s.filter(s.is_not_null() & ~s.is_in(known))
        if len(bad):
            add("unknown wijk_code", "not in the areas extract; deliver areas with every wijk used",
                "wijk_code", bad)
    latest = made_on or dt.date.today()
    for name in spec.date_columns:
        if name not in usable_names:
            continue
        s = df.get_column(name)
        early = s.filter(s < EARLIEST_DATE)
        if len(early):
            add("implausible date", f"before {EARLIEST_DATE.isoformat()}", name, early)
        late = s.filter(s > latest)
        if len(late):
            add("future date", f"after the extract date {latest.isoformat()}", name, late)
    for first, then in spec.date_order:
        if {first, then} <= usable_names:
            bad = df.filter(pl.col(then) < pl.col(first))
            if bad.height:
                add("end before start", f"'{then}' lies before '{first}'", then,
                    bad.get_column(spec.key[0]) if spec.key[0] in usable_names
                    else bad.get_column(then))
    return problems


def validate(
    data_dir: Path, name: str, *, wijk_codes: Iterable[str] | None = None
) -> tuple[ValidationResult, pl.DataFrame | None]:
    """Find, read and check one extract. Returns the frame when it is usable."""
    spec = CONTRACT[name]
    path = find_extract(data_dir, name)
    result = ValidationResult(name, path)
    if path is None:
        result.problems.append(Problem(
            name, f"{name}.parquet", "missing extract",
            f"no {name}.parquet (or folder {name}/ of Parquet files) in {data_dir}"))
        return result, None
    label = _label(data_dir, path)
    try:
        df = read_extract(path)
    except Exception as exc:  # any reader error means the same to the supplier
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        result.problems.append(Problem(
            name, label, "unreadable file",
            f"not a readable Parquet file ({first}); export it again as Parquet"))
        return result, None
    result.rows = df.height
    result.demo = is_demo(path)
    result.problems = validate_frame(spec, df, label, wijk_codes=wijk_codes,
                                     made_on=extract_date(path))
    dates = [c for c in spec.date_columns if c in df.columns and df.schema[c] == pl.Date]
    if dates and df.height:
        lo = df.select(pl.min_horizontal([pl.col(c).min() for c in dates])).item()
        hi = df.select(pl.max_horizontal([pl.col(c).max() for c in dates])).item()
        if lo is not None and hi is not None:
            result.period = (lo, hi)
    elif name == "areas" and "year" in df.columns and df.height:
        result.period = (dt.date(int(df["year"].min()), 1, 1), dt.date(int(df["year"].max()), 12, 31))
    return result, (df if result.ok else None)


def _label(data_dir: Path, path: Path) -> str:
    try:
        return str(path.relative_to(data_dir.parent))
    except ValueError:
        return str(path)


def contract_markdown() -> str:
    """The data dictionary for suppliers; `data/README.md` must equal this (tested)."""
    lines = [
        "# Extracts: what to deliver",
        "",
        "<!-- Generated from monitor/extracts.py by `python -m monitor contract`; do not edit. -->",
        "",
        f"Extract contract version {CONTRACT_VERSION}. Deliver one Parquet file `<extract>.parquet`"
        " (or a folder `<extract>/` of Parquet files) per extract into this folder.",
        "Each extract is record-level and pseudonymised, holds its full history, and uses the",
        "codes below exactly as written (Dutch, lower case). Columns may be added; none may be",
        "renamed or left out.",
        "",
        "Every delivery is validated before it is loaded (`python -m monitor check`). An extract",
        "that fails keeps its last good version in the dashboard, and the failure is listed on",
        "the sources page, naming the file, the column, the rule and an example row. Rules:",
        "",
        "- the file is readable Parquet and not empty; every column below is present with its type;",
        "- key columns and columns not marked nullable have no nulls; the key is unique;",
        "- codes are among the allowed codes; every `wijk_code` appears in `areas`;",
        f"- dates lie between {EARLIEST_DATE.isoformat()} and the extract date (the file's"
        " modification date), and an end date never lies before its start date.",
        "",
        "The monitor never writes to or deletes these files; it only writes `.catalog/`.",
        "",
    ]
    for spec in CONTRACT.values():
        lines += [f"## `{spec.name}`", "", spec.description, "",
                  f"Key: {', '.join(f'`{k}`' for k in spec.key)}."]
        if spec.date_order:
            order = "; ".join(f"`{a}` <= `{b}`" for a, b in spec.date_order)
            lines += ["", f"Date order: {order}."]
        lines += ["", "| column | type | null allowed | allowed codes | meaning |",
                  "|---|---|---|---|---|"]
        for c in spec.columns:
            codes = ", ".join(f"`{x}`" for x in c.codes) if c.codes else ""
            lines.append(f"| `{c.name}` | {c.dtype} | {'yes' if c.nullable else 'no'} | {codes} "
                         f"| {c.description} |")
        lines.append("")
    return "\n".join(lines)
