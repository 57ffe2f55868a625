"""Small-cell and complementary suppression (README.md, "Disclosure control").

Social-domain data is about vulnerable people, so a cell that rests on fewer than
`k` people is never shown, and it must not be recoverable from a total and the
siblings shown beside it.

Primary rule, per cell (the people count is the value for a count or stock, the
denominator for a ratio, and for a ratio also the numerator when it counts
people): suppress when 0 < people < k. Zero is shown: a cell with nobody in it
discloses nobody, and hiding zeros would make every sparse table unreadable.

Complementary rule: each entry of `groups` lists key columns that define sibling
sets adding up to a total shown elsewhere (wijken within a stadsdeel per period,
months within a quarter per area). A set with exactly one suppressed cell (and at
least two cells) would give that cell away as total minus the shown siblings,
so its smallest shown sibling is suppressed too. Suppressing a cell in one set can
leave another set with a single suppressed cell, so all groups are applied again
until nothing changes. With two or more unknowns in every sibling set, no single
suppressed cell can be solved from its set's equation.

`suppress` takes the totals as shown elsewhere, which is right for one table.
Separate tables of the same data can still disagree (a stadsdeel with a single
wijk shows that wijk's value), so `suppress_linked` puts totals and parts in one
frame, with explicit equations: then a hidden total beside shown parts counts as
an unknown too. `monitor.rollup` suppresses all its views that way at once.
Like any rule on single equations it does not audit combinations of equations
(that needs linear programming); in practice the hierarchy keeps those covered.

Everything is vectorised: Polars orders the cells and numbers the sibling sets,
the fixpoint runs on NumPy arrays (a Python loop over passes, never over rows).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

Measure = str  # "count" | "ratio" | "stock", as in monitor.indicators

_PEOPLE = "__people"
_ROW = "__row"
# the columns of a family of equations (see suppress_linked)
CELL, SET, TOTAL = "cell", "set", "total"
# a family frame with this column set: a lone hidden part hides its total, not a sibling
PREFER_TOTAL = "prefer_total"


def people(measure: Measure) -> pl.Expr:
    """The count of people a cell rests on: the value, or a ratio's denominator."""
    return pl.col("denominator") if measure == "ratio" else pl.col("value")


def primary(*, k: int, measure: Measure, numerator_is_people: bool) -> pl.Expr:
    """True for a cell that itself rests on fewer than k people (zero excluded, null is not a cell)."""

    def small(col: str) -> pl.Expr:
        return ((pl.col(col) > 0) & (pl.col(col) < k)).fill_null(False)

    if measure == "ratio":
        return small("denominator") | small("value") if numerator_is_people else small("denominator")
    return small("value")


def suppress(
    df: pl.DataFrame,
    *,
    k: int,
    measure: Measure,
    numerator_is_people: bool,
    groups: Sequence[Sequence[str]] = (),
) -> pl.DataFrame:
    """Add a Boolean `suppressed` column and null out `value` (and `denominator`) where it is True.

    Each group's sibling sets add up to a total shown elsewhere. A `suppressed`
    column already in `df` is kept as a starting point (cells a caller must hide
    for another reason). Complementary picks are deterministic: smallest people
    count first, ties by the other columns, whatever the row order.
    """
    groups = [list(g) for g in groups if g]
    missing = sorted({c for g in groups for c in g} - set(df.columns))
    if missing:
        raise ValueError(f"Suppression group column(s) not in the frame: {', '.join(missing)}")
    rows = pl.int_range(pl.len(), dtype=pl.UInt32).alias(CELL)
    families = [
        df.select(
            rows,
            pl.struct(keys).rank("dense").cast(pl.Int64).alias(SET),
            pl.repeat(False, pl.len()).alias(TOTAL),
        )
        for keys in groups
    ]
    return suppress_linked(df, families, k=k, measure=measure, numerator_is_people=numerator_is_people)


def suppress_linked(
    df: pl.DataFrame,
    families: Sequence[pl.DataFrame],
    *,
    k: int,
    measure: Measure,
    numerator_is_people: bool,
    order_by: Sequence[str] | None = None,
    links: np.ndarray | None = None,
) -> pl.DataFrame:
    """`suppress` for cells tied by equations "total = sum of its parts", all in one frame.

    `links`: cells that are never shown (they only tie shown cells together). They
    count as unknowns in every set, but a set whose one unknown is a link reveals
    nothing anybody protects, so it asks for no complementary cell.

    Each family is a frame of memberships: `cell` (row number in `df`), `set` (any id
    of one equation) and `total` (whether the cell is that equation's total). In a
    set with exactly one hidden member the smallest shown part is hidden too, or the
    total when every part is hidden already. Suppressing totals and parts together
    keeps every view of the same data consistent: no view shows what another hides.
    `order_by` names the tie-break columns (default: all but the numbers).
    """
    if measure not in ("count", "ratio", "stock"):
        raise ValueError(f"Unknown measure '{measure}': expected count, ratio or stock")
    if measure == "ratio" and "denominator" not in df.columns:
        raise ValueError("A ratio needs a 'denominator' column to be suppressed")
    start = primary(k=k, measure=measure, numerator_is_people=numerator_is_people)
    if "suppressed" in df.columns:
        start = start | pl.col("suppressed").fill_null(False)
    out = df.with_columns(start.alias("suppressed"))
    if out.height and families:
        hidden = _complementary(out, measure, families, order_by, links)
        out = out.with_columns(pl.Series("suppressed", hidden))
    numbers = ["value", "denominator"] if "denominator" in out.columns else ["value"]
    return out.with_columns(
        [pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c) for c in numbers]
    )


def _complementary(
    df: pl.DataFrame, measure: Measure, families: Sequence[pl.DataFrame], order_by: Sequence[str] | None,
    links: np.ndarray | None = None,
) -> np.ndarray:
    """The `suppressed` column after the complementary rule, in the rows' original order."""
    rank = _pick_rank(df, measure, order_by)  # row -> position in pick order
    prepared = [
        _prepare(rank[fam[CELL].to_numpy()], fam[SET].to_numpy(), fam[TOTAL].to_numpy(),
                 PREFER_TOTAL in fam.columns)
        for fam in families
    ]
    hidden = np.zeros(df.height, dtype=bool)
    hidden[rank] = df["suppressed"].to_numpy().astype(bool)
    link = np.zeros(df.height, dtype=bool)
    if links is not None:
        link[rank] = links
        hidden |= link
    hidden = _fixpoint(hidden, [f for f in prepared if f is not None], link)
    return hidden[rank]


def _pick_rank(df: pl.DataFrame, measure: Measure, order_by: Sequence[str] | None) -> np.ndarray:
    """Each row's place in pick order: people count, then the tie-break columns, then row number."""
    if order_by is None:
        numbers = {"value", "denominator", "suppressed"}
        order_by = [c for c in df.columns if c not in numbers and not df.schema[c].is_nested()]
    order = (
        df.select(people(measure).cast(pl.Float64).alias(_PEOPLE), *order_by)
        .with_row_index(_ROW)
        .sort([_PEOPLE, *order_by, _ROW], nulls_last=True)[_ROW]
        .to_numpy()
    )
    rank = np.empty(df.height, dtype=np.int64)
    rank[order] = np.arange(df.height)
    return rank


_Family = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, bool]


def _prepare(cells: np.ndarray, sets: np.ndarray, total: np.ndarray, prefer_total: bool = False
             ) -> _Family | None:
    """Members sorted by set, then by pick order, with compact set ids and set sizes."""
    if cells.size == 0:
        return None
    sets = sets.astype(np.int64) - int(sets.min())
    order = np.argsort(sets * (int(cells.max()) + 1) + cells, kind="stable")  # one sort: by set, then cell
    sets, cells, total = sets[order], cells[order].astype(np.int64), total[order].astype(bool)
    ids = np.cumsum(np.r_[False, sets[1:] != sets[:-1]])
    n = int(ids[-1]) + 1
    return ids, cells, total, np.bincount(ids, minlength=n), n, prefer_total


def _fixpoint(hidden: np.ndarray, families: list[_Family], link: np.ndarray) -> np.ndarray:
    """Until nothing changes: in each set with exactly one hidden member, hide its first shown part.

    Members are sorted by set and pick order, so a set's first shown part is its
    smallest. With no shown part left, the set's total goes. The rule only ever
    adds cells, so an unchanged count means a fixpoint.
    """
    while True:
        before = int(hidden.sum())
        for ids, cells, total, size, n, prefer_total in families:
            hid = hidden[cells]
            part = ~hid & ~total
            lone = _lone(ids, hid, link[cells], n, size)
            if prefer_total:  # a lone hidden part: hide the set's total instead of a sibling
                lone_part = np.bincount(ids, weights=hid & ~total, minlength=n) == 1
                hidden[cells[total & ~hid & (lone & lone_part)[ids]]] = True
                hid = hidden[cells]
                part = ~hid & ~total
                lone = _lone(ids, hid, link[cells], n, size)
            shown_parts = np.bincount(ids, weights=part, minlength=n)
            candidates = np.flatnonzero(part & lone[ids])
            if candidates.size:  # the first candidate of each set
                first = np.r_[True, ids[candidates][1:] != ids[candidates][:-1]]
                hidden[cells[candidates[first]]] = True
            hidden[cells[total & ~hid & lone[ids] & (shown_parts[ids] == 0)]] = True
        if int(hidden.sum()) == before:
            return hidden


def _lone(ids: np.ndarray, hid: np.ndarray, link: np.ndarray, n: int, size: np.ndarray) -> np.ndarray:
    """Sets with exactly one unknown, and that one a cell somebody sees the rest of (not a link)."""
    unknowns = np.bincount(ids, weights=hid, minlength=n)
    return (unknowns == 1) & (np.bincount(ids, weights=hid & ~link, minlength=n) == 1) & (size >= 2)
