"""Disclosure control: small cells hidden, and never recoverable from a total and its siblings."""

from __future__ import annotations

import itertools

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor import disclosure

GROUPS = [["row"], ["col"]]


def table(values: dict[tuple[str, str], float], denominators: dict[tuple[str, str], float] | None = None):
    keys = sorted(values)
    data = {
        "row": [r for r, _ in keys],
        "col": [c for _, c in keys],
        "value": [float(values[x]) for x in keys],
    }
    if denominators is not None:
        data["denominator"] = [float(denominators[x]) for x in keys]
    return pl.DataFrame(data)


def hidden(out: pl.DataFrame) -> set[tuple[str, str]]:
    return {(r, c) for r, c, s in out.select("row", "col", "suppressed").iter_rows() if s}


# ---------------------------------------------------------------- primary rule


@pytest.mark.parametrize("measure", ["count", "stock"])
def test_count_below_k_is_hidden_zero_and_k_are_shown(measure: str) -> None:
    values = {("a", "x"): 0, ("a", "y"): 1, ("a", "z"): 9, ("b", "x"): 10, ("b", "y"): 11}
    out = disclosure.suppress(table(values), k=10, measure=measure, numerator_is_people=True)
    assert hidden(out) == {key for key, v in values.items() if 0 < v < 10}
    assert out.filter(pl.col("suppressed"))["value"].null_count() == 2
    shown = out.filter(~pl.col("suppressed"))
    assert shown["value"].to_list() == [
        float(values[k]) for k in zip(shown["row"], shown["col"], strict=True)
    ]


def test_ratio_hides_small_denominators_and_people_numerators() -> None:
    values = {("a", "x"): 3, ("a", "y"): 50, ("b", "x"): 2, ("b", "y"): 0}
    dens = {("a", "x"): 40, ("a", "y"): 60, ("b", "x"): 5, ("b", "y"): 0}
    people = disclosure.suppress(table(values, dens), k=10, measure="ratio", numerator_is_people=True)
    assert hidden(people) == {("a", "x"), ("b", "x")}
    # a numerator that does not count people (say euros) is not a reason to hide the cell
    money = disclosure.suppress(table(values, dens), k=10, measure="ratio", numerator_is_people=False)
    assert hidden(money) == {("b", "x")}
    row = money.filter(pl.col("suppressed")).row(0, named=True)
    assert row["value"] is None and row["denominator"] is None


def test_k_zero_or_one_hides_nothing() -> None:
    values = {("a", "x"): 1, ("a", "y"): 2}
    for k in (0, 1):
        assert not hidden(disclosure.suppress(table(values), k=k, measure="count", numerator_is_people=True))


def test_an_existing_suppressed_column_is_kept() -> None:
    df = table({("a", "x"): 50, ("a", "y"): 60}).with_columns(pl.Series("suppressed", [True, False]))
    out = disclosure.suppress(df, k=10, measure="count", numerator_is_people=True, groups=[["row"]])
    assert hidden(out) == {("a", "x"), ("a", "y")}  # the kept one needed a complement too


# ---------------------------------------------------------------- complementary rule


def test_the_smallest_shown_sibling_is_hidden_too() -> None:
    values = {("a", "w"): 3, ("a", "x"): 50, ("a", "y"): 20, ("a", "z"): 40}
    out = disclosure.suppress(
        table(values), k=10, measure="count", numerator_is_people=True, groups=[["row"]]
    )
    assert hidden(out) == {("a", "w"), ("a", "y")}


def test_ratio_complement_is_picked_by_denominator() -> None:
    values = {("a", "w"): 1, ("a", "x"): 30, ("a", "y"): 2}
    dens = {("a", "w"): 4, ("a", "x"): 35, ("a", "y"): 90}
    out = disclosure.suppress(
        table(values, dens), k=10, measure="ratio", numerator_is_people=False, groups=[["row"]]
    )
    assert hidden(out) == {("a", "w"), ("a", "x")}


def test_a_lone_cell_without_siblings_needs_no_complement() -> None:
    out = disclosure.suppress(
        table({("a", "x"): 4, ("b", "x"): 30}),
        k=10,
        measure="count",
        numerator_is_people=True,
        groups=[["row"]],
    )
    assert hidden(out) == {("a", "x")}


def test_complements_cascade_across_groups_until_nothing_changes() -> None:
    # row a: 5 is small, so 12 (smallest in row a) goes too; then columns x and y each hold one
    # hidden cell, which takes row b's cells in x and y; row b then has two hidden cells: done.
    values = {("a", "x"): 5, ("a", "y"): 12, ("a", "z"): 30, ("b", "x"): 20, ("b", "y"): 40, ("b", "z"): 50}
    out = disclosure.suppress(table(values), k=10, measure="count", numerator_is_people=True, groups=GROUPS)
    assert hidden(out) == {("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")}


def linked(
    values: list[float], members: list[tuple[int, int, bool]], hidden: tuple[int, ...] = ()
) -> set[int]:
    """suppress_linked (k=10) on a one-column table, some rows hidden up front; the hidden row numbers."""
    df = pl.DataFrame({"value": values, "suppressed": [i in hidden for i in range(len(values))]})
    fam = pl.DataFrame(members, schema=[disclosure.CELL, disclosure.SET, disclosure.TOTAL], orient="row")
    out = disclosure.suppress_linked(df, [fam], k=10, measure="count", numerator_is_people=True)
    return {i for i, s in enumerate(out["suppressed"]) if s}


def test_linked_equations_protect_totals_and_parts() -> None:
    # row 0 = rows 1 + 2 + 3: the small part 1 takes the smallest shown part (row 3) with it
    assert linked([60, 4, 40, 16], [(0, 0, True), (1, 0, False), (2, 0, False), (3, 0, False)]) == {1, 3}
    # row 0 (a total hidden as another equation's complement) would be the sum of its shown parts
    eq = [(0, 0, True), (1, 0, False), (2, 0, False)]
    assert linked([50, 30, 20], eq, hidden=(0,)) == {0, 2}
    assert linked([50, 50, 0], eq, hidden=(0,)) == {0, 2}  # the smallest part, even a zero
    # a total with one part is that part: they are hidden together, whichever was small
    assert linked([4, 4], [(0, 0, True), (1, 0, False)]) == {0, 1}
    # two equations share row 2; hiding it for the first leaves the second with one unknown
    two = [(0, 0, True), (1, 0, False), (2, 0, False), (3, 1, True), (2, 1, False), (4, 1, False)]
    assert linked([24, 3, 21, 70, 49], two) == {1, 2, 4}


def test_unknown_group_column_is_named() -> None:
    with pytest.raises(ValueError, match="stadsdeel"):
        disclosure.suppress(
            table({("a", "x"): 5}), k=10, measure="count", numerator_is_people=True, groups=[["stadsdeel"]]
        )


# ---------------------------------------------------------------- properties


@st.composite
def tables(draw):
    """A rows x cols table (some cells missing), its measure and k."""
    rows = draw(st.integers(1, 4))
    cols = draw(st.integers(1, 4))
    keys = [(f"r{r}", f"c{c}") for r, c in itertools.product(range(rows), range(cols))]
    keys = [key for key in keys if draw(st.booleans()) or key == keys[0]]
    measure = draw(st.sampled_from(["count", "stock", "ratio"]))
    values = {key: draw(st.integers(0, 25)) for key in keys}
    dens = {key: values[key] + draw(st.integers(0, 25)) for key in keys} if measure == "ratio" else None
    return table(values, dens), measure, draw(st.integers(0, 12)), draw(st.booleans())


def people_of(df: pl.DataFrame, measure: str) -> pl.Series:
    return df["denominator"] if measure == "ratio" else df["value"]


@settings(max_examples=60, deadline=None)
@given(tables())
def test_no_shown_small_cell_and_no_lone_hidden_cell(case) -> None:
    df, measure, k, nip = case
    out = disclosure.suppress(df, k=k, measure=measure, numerator_is_people=nip, groups=GROUPS)
    joined = df.with_columns(out["suppressed"])
    shown = joined.filter(~pl.col("suppressed"))
    people = people_of(shown, measure)
    assert not ((people > 0) & (people < k)).any()
    if measure == "ratio" and nip:
        assert not ((shown["value"] > 0) & (shown["value"] < k)).any()
    # per sibling set: with the set's total shown, a single hidden cell would be its total minus the rest
    for keys in GROUPS:
        sets = joined.group_by(keys).agg(pl.len().alias("n"), pl.col("suppressed").sum().alias("hidden"))
        lone = sets.filter((pl.col("hidden") == 1) & (pl.col("n") >= 2))
        assert lone.is_empty(), lone
    # nothing but hidden cells loses its number
    assert out.filter(~pl.col("suppressed"))["value"].to_list() == shown["value"].to_list()


@settings(max_examples=60, deadline=None)
@given(tables(), st.randoms(use_true_random=False))
def test_the_same_table_hides_the_same_cells_in_any_row_order(case, rnd) -> None:
    df, measure, k, nip = case
    order = list(range(df.height))
    rnd.shuffle(order)
    a = disclosure.suppress(df, k=k, measure=measure, numerator_is_people=nip, groups=GROUPS)
    b = disclosure.suppress(df[order], k=k, measure=measure, numerator_is_people=nip, groups=GROUPS)
    assert hidden(a) == hidden(b)
    assert a.columns == [*df.columns, "suppressed"]
