"""The extract contract (version 2) as data: extracts, keys, columns, codes and date rules.

Validation (`monitor.extracts.validation`), the data dictionary in `data/README.md`
(`contract_markdown`, printed by `python -m monitor contract`) and the sources page
are all generated from ``CONTRACT``, so they cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

CONTRACT_VERSION = 2
EARLIEST_DATE = dt.date(2000, 1, 1)
DEMO_METADATA_KEY = "monitor.demo"
# Parquet key-value metadata: the first month from which the extract is complete, 'YYYY-MM'.
# Before it a delivery may hold only what was still open then (a stock), so flows counted from
# it would rise falsely; the monitor shows no period before it. Absent: no claim.
COVERAGE_METADATA_KEY = "monitor.coverage_from"
COVERAGE_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    description: str
    nullable: bool = False
    codes: tuple[str, ...] | None = None
    pattern: str | None = None
    since: int = 1  # the contract version that added the column (named in a missing-column message)
    example: str = "WK051828"  # a value that matches `pattern`, for the message when one does not


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
    # an optional extract may be left out of a delivery: its absence is no problem (features that
    # read it say there is nothing to show)
    optional: bool = False

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def date_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.dtype == "DATE"]


# population_outcomes: the periods the monitor writes (`2024`, `2024-Q1`, `2024-01`) and CBS region codes
PERIOD_PATTERN = r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"
AREA_CODE_PATTERN = r"^(GM\d{4}|WK\d{6}|NL01)$"

WIJK = Column("wijk_code", "VARCHAR", "CBS wijk code, `WK` + gemeente code + wijk number",
              pattern=r"^WK\d{6}$")



def _employed(months: int) -> str:
    return (f"In paid work {months} months after the first working day, with any employer, from the "
            f"wage administration (polisadministratie); null while not yet observable (`placed_on` + "
            f"{months} months lies after the end of the data) or when the person could not be traced")


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
                Column("partner_name", "VARCHAR", "Name of the organisation that sent the signal (e.g. "
                       "`CAK` for unpaid health-insurance premiums, or the insurer, energy supplier, "
                       "housing corporation or water company), as the supplier names it", since=2),
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
                Column("urgent", "BOOLEAN", "At the request there was a threat of eviction, of cutting "
                       "off energy or water, or of ending the health insurance: the first interview is "
                       "then due within three working days instead of four weeks (Wet gemeentelijke "
                       "schuldhulpverlening, art. 4)", since=2),
                Column("first_interview_on", "DATE", "Date of the first interview; null while it has "
                       "not taken place", nullable=True),
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
                Column("benefit_unit_id", "VARCHAR", "Pseudonymised id of the benefit (the leefeenheid): "
                       "partners in one household share one benefit, and so this id; a person who "
                       "returns to the same household's benefit keeps it", since=2),
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
                Column(WIJK.name, WIJK.dtype, "CBS wijk code of where the person lived on the "
                       "activity date, `WK` + gemeente code + wijk number (also for jobseekers "
                       "without a benefit)", pattern=WIJK.pattern, since=2),
                Column("on_benefit", "BOOLEAN", "Whether the person had a running social-assistance "
                       "spell (bijstand) on the activity date", since=2),
            ),
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
                Column("employed_6m", "BOOLEAN", _employed(6), nullable=True),
                Column("employed_12m", "BOOLEAN", _employed(12), nullable=True),
            ),
        ),
        Extract(
            "population_outcomes", ("period", "area_code", "indicator"),
            "Optional. Published area-level statistics about all residents (population accountability), "
            "not records: e.g. the share of households with registered problematic debts (CBS), per "
            "gemeente or wijk, for this municipality and the ones it compares itself with. Each indicator "
            "is defined in `queries/population.yaml` (unit, denominator, source); a demo or typed-in "
            "figure without a publication says so in `source`.",
            (
                Column("period", "VARCHAR", "Reference period as the source states it: a year `2024`, "
                       "a quarter `2024-Q1` or a month `2024-01`", pattern=PERIOD_PATTERN, example="2024"),
                Column("area_code", "VARCHAR", "CBS region code: a gemeente `GM` + 4 digits (Den Haag "
                       "`GM0518`), a wijk `WK` + 6 digits, or `NL01` for the Netherlands",
                       pattern=AREA_CODE_PATTERN, example="GM0518"),
                Column("indicator", "VARCHAR", "Population indicator id, defined in queries/population.yaml",
                       pattern=r"^[a-z][a-z0-9_]*$", example="problematische_schulden"),
                Column("value", "DOUBLE", "The figure in the indicator's unit (a share in %, or per 1,000 "
                       "or per 10,000 of the denominator), as published"),
                Column("denominator", "DOUBLE", "The population the figure is about (households, residents "
                       "aged 15-74, adults, as the indicator defines it); a figure on fewer than 10 is not "
                       "shown (docs/disclosure.md)"),
                Column("source", "VARCHAR", "Publisher and table (e.g. `CBS StatLine, <table>`), or "
                       "`illustratief (demo)` for a figure no one published"),
            ),
            refers_to_areas=False,
            optional=True,
        ),
    )
}

# `areas` first: the others are checked against its wijk codes.
LOAD_ORDER: tuple[str, ...] = tuple(CONTRACT)

# What changed in version 2 besides the added columns (those are listed from `Column.since`).
CHANGES_V2: tuple[str, ...] = (
    "`placements`: `employed_6m` and `employed_12m` are defined: in paid work with any employer "
    "6 or 12 months after the first working day, from the wage administration (polisadministratie); "
    "null while not yet observable or when the person could not be traced.",
    f"Every extract may state the first month from which it is complete, as Parquet key-value "
    f"metadata `{COVERAGE_METADATA_KEY}` = `YYYY-MM` (see \"Coverage\" below).",
)


def changes(version: int = CONTRACT_VERSION) -> list[str]:
    """What `version` changed: its added columns (from the contract itself) and the notes above."""
    added = [f"`{e.name}`: new column `{c.name}` ({c.dtype}): {c.description}."
             for e in CONTRACT.values() for c in e.columns if c.since == version]
    return added + (list(CHANGES_V2) if version == 2 else [])


def missing_column_advice(col: Column) -> str:
    """What a supplier should do about a missing column; a column of a later version says so."""
    if col.since > 1:
        return (f"added in version {col.since} of the extract contract: add it to the export "
                f"(data/README.md, \"What changed in version {col.since}\")")
    return "columns may be added but never renamed or left out"


def contract_markdown() -> str:
    """The data dictionary for suppliers; `data/README.md` must equal this (tested)."""
    lines = [
        "# Extracts: what to deliver",
        "",
        "<!-- Generated from monitor/extracts/contract.py by `python -m monitor contract`; do not edit. -->",
        "",
        f"Extract contract version {CONTRACT_VERSION}. Deliver one Parquet file `<extract>.parquet`"
        " (or a folder `<extract>/` of Parquet files) per extract into this folder.",
        "Each extract is record-level and pseudonymised, holds its full history, and uses the",
        "codes below exactly as written (Dutch, lower case). Columns may be added; none may be",
        "renamed or left out. (The optional `population_outcomes` holds published area-level",
        "statistics instead of records.)",
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
        f"## What changed in version {CONTRACT_VERSION}",
        "",
        *[f"- {line}" for line in changes()],
        "",
        "A delivery made for an earlier version gets one message per missing column, naming the file,",
        "the column and what to do; it is not loaded, and the last good table stays in use.",
        "",
        "## Coverage",
        "",
        f"An extract may carry the Parquet key-value metadata key `{COVERAGE_METADATA_KEY}` with",
        "the first month from which it is complete, written `YYYY-MM` (e.g. `2019-01`). Before that",
        "month the extract may hold only what was still open then (cases or spells that started",
        "earlier), so flows counted from it would look like a rise; the monitor shows no period",
        "before it. Without the key the extract makes no claim. A value not of the form `YYYY-MM`,",
        "before 2000 or after the extract date fails validation.",
        "",
    ]
    for spec in CONTRACT.values():
        lines += [f"## `{spec.name}`", "", spec.description, "",
                  f"Key: {', '.join(f'`{k}`' for k in spec.key)}."]
        if spec.optional:
            lines += ["", "Optional: a delivery without it is complete; what reads it is then not shown."]
        if spec.date_order:
            order = "; ".join(f"`{a}` <= `{b}`" for a, b in spec.date_order)
            lines += ["", f"Date order: {order}."]
        lines += ["", "| column | type | null allowed | allowed codes | meaning |",
                  "|---|---|---|---|---|"]
        for c in spec.columns:
            codes = ", ".join(f"`{x}`" for x in c.codes) if c.codes else ""
            new = f" (new in version {c.since})" if c.since > 1 else ""
            lines.append(f"| `{c.name}` | {c.dtype} | {'yes' if c.nullable else 'no'} | {codes} "
                         f"| {c.description}{new} |")
        lines.append("")
    return "\n".join(lines)
