"""Breakdowns by group on the indicator page: the "split by" filter, the groups' words, the split table.

A split (`rollup.View(split=...)`, front matter `dimensions:`) is published for the city
only, so choosing one sets the level to the city. Group codes that the extract contract
defines are worded from labels.yaml (`grp_<dimension>_<code>`); other groups (a partner's
name) are shown as delivered, and a null group as `grp_unknown`.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import polars as pl
import streamlit as st

from monitor import i18n, rollup
from monitor.access import PARTNER_DIMENSION
from monitor.extracts import CONTRACT
from monitor.indicators import Indicator
from monitor.rollup import Published
from monitor.ui.filters import url_choice
from monitor.ui.present import period_label

if TYPE_CHECKING:
    from monitor.ui.frame import Ctx

NO_SPLIT = "geen"  # the option "no split" in the URL (`?uitsplitsing=geen` is the default)


def _codes(extract: str, column: str) -> tuple[str, ...]:
    return CONTRACT[extract].column(column).codes


# the dimensions whose groups are codes of the extract contract, worded by `grp_<dimension>_<code>`
WORDED: dict[str, tuple[str, ...]] = {
    "partner": _codes("early_signals", "partner"),
    "household_type": _codes("debt_cases", "household_type"),
    "age_band": _codes("debt_cases", "age_band"),
    "contract": _codes("placements", "contract"),
    "wage_subsidy": ("true", "false"),  # a Boolean dimension arrives as text (indicators.contract)
}


def dimension_text(ctx: Ctx, dimension: str) -> str:
    """A dimension as the reader sees it (`dim_<name>`; an analyst's new one by its column name)."""
    key = f"dim_{dimension}"
    return ctx.t(key) if key in i18n.LABELS else dimension


def group_text(ctx: Ctx, dimension: str, code: str) -> str:
    """A group as the reader sees it: worded when the contract defines it, else as delivered."""
    if code == rollup.groups.UNKNOWN_GROUP:
        return ctx.t("grp_unknown")
    key = f"grp_{dimension}_{code}"
    return ctx.t(key) if dimension in WORDED and key in i18n.LABELS else code


def split_filter(ctx: Ctx, ind: Indicator, view: rollup.View, container=None) -> rollup.View:
    """The "split by" choice (bound to `?uitsplitsing=`), only for an indicator with dimensions.

    A split is published for the city only, without "per 1,000": choosing one shows the city.
    """
    partner = ctx.visitor.grant.partner
    if partner is not None and PARTNER_DIMENSION in ind.dimensions:  # fixed: its own organisation
        (container or st.sidebar).caption(ctx.t("partner_scope", partner=partner))
        return dataclasses.replace(view, split=PARTNER_DIMENSION, level="city", areas=(), per=None)
    if not ind.dimensions or view.grain not in rollup.plan.SPLIT_GRAINS:
        return view
    with container or st.sidebar:
        options = [NO_SPLIT, *ind.dimensions]
        chosen = url_choice(st.selectbox, ctx.t("split_by"), options, key="uitsplitsing", default=NO_SPLIT,
                            format_func=lambda d: ctx.t("split_none") if d == NO_SPLIT else
                            dimension_text(ctx, d)) or NO_SPLIT
        if chosen == NO_SPLIT:
            return view
        st.caption(ctx.t("split_note"))
    return dataclasses.replace(view, split=chosen, level="city", areas=(), per=None)


def group_labels(ctx: Ctx, published: Published, dimension: str) -> dict[str, str]:
    """Each group code in a split series -> its words, for the chart's legend."""
    codes = published.frame["group"].unique(maintain_order=True).to_list() if published.height else []
    return {c: group_text(ctx, dimension, c) for c in codes}


def split_table(ctx: Ctx, published: Published, ind: Indicator, dimension: str) -> pl.DataFrame:
    """A split as the reader sees it: period, group (worded), value (the mark where hidden)[, denominator]."""
    t, frame = ctx.t, published.frame
    hidden = frame["suppressed"].to_list()
    values = zip(frame["result"].to_list(), hidden, strict=True)
    cols = [
        pl.Series(t("col_period"), [period_label(ctx, p) for p in frame["period"]], pl.String),
        pl.Series(dimension_text(ctx, dimension), [group_text(ctx, dimension, g) for g in frame["group"]],
                  pl.String),
        pl.Series(t("col_value"), [t.value(v, ind.unit, suppressed=s) for v, s in values], pl.String),
    ]
    if ind.is_ratio:
        dens = zip(frame["denominator"].to_list(), hidden, strict=True)
        cols.append(pl.Series(t("col_denominator"), [t.value(v, "", suppressed=s) for v, s in dens],
                              pl.String))
    return pl.DataFrame(cols)
