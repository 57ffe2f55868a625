"""Filters bound to the URL: every widget keeps its value in a query parameter as a code.

A copied link reproduces the view, also as the first request on a fresh server
(`url_choice`). The view filters return a `rollup.View`; the rolling twelve-month
grain (the scorecard's) is not offered here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl
import streamlit as st

from monitor import programme, rollup
from monitor.access import PARTNER_DIMENSION
from monitor.engine import Engine
from monitor.indicators import Indicator
from monitor.rollup.periods import month_end, parse_month

if TYPE_CHECKING:
    from monitor.ui.frame import Ctx


def url_choice(widget, label: str, options: Sequence, *, key: str, default=None, multi: bool = False,
               **kwargs):
    """A choice widget whose value is kept in the URL as its code (`?grain=year`), in any language.

    Streamlit's `bind="query-params"` writes a widget's *formatted* label into the URL
    (`?grain=Jaar`, `?lang=English`) and ignores a code, so a link written with codes, or
    copied in the other language, silently shows the defaults. Here the URL is read before the
    widget is drawn (it wins on the first run and whenever it changed outside the widget) and
    written back, as codes, after.
    """
    options = list(options)
    wkey, synced = f"_w_{key}", f"_url_{key}"
    if multi:
        from_url = [v for v in st.query_params.get_all(key) if v in options]
    else:
        raw = st.query_params.get(key)
        from_url = raw if raw in options else default
    stale = not multi and st.session_state.get(wkey) not in (None, *options)  # options changed under it
    if wkey not in st.session_state or st.session_state.get(synced) != from_url or stale:
        st.session_state[wkey] = from_url
    value = widget(label, options, key=wkey, **kwargs)
    st.session_state[synced] = value
    if multi:
        if value:
            st.query_params[key] = list(value)
        else:
            st.query_params.pop(key, None)
    elif value is not None and (value != default or key in st.query_params):
        st.query_params[key] = value
    else:
        st.query_params.pop(key, None)
    return value


def indicator_picker(ctx: Ctx, *, key: str = "id", shape: str | None = "series",
                     label_key: str = "indicator") -> Indicator | None:
    """Choose an indicator (bound to `?id=`); analysts' new files show up here automatically."""
    registry = ctx.engine.registry
    options = [i for i in registry.indicators.values() if shape is None or i.shape == shape]
    if ctx.visitor.grant.partner is not None:  # a partner: only what is split by organisation
        options = [i for i in options if PARTNER_DIMENSION in i.dimensions]
    options.sort(key=lambda i: (i.programme, i.kind != "outcome", i.label(ctx.lang)))
    if not options:
        st.warning(ctx.t("no_indicators"))
        return None
    ids = [i.id for i in options]
    # the same first indicator in either language (the list itself reads in the page's order)
    first = min(options, key=lambda i: (i.programme, i.kind != "outcome", i.id)).id
    chosen = url_choice(st.selectbox, ctx.t(label_key), ids, key=key, default=first,
                        format_func=lambda i: f"{registry.indicators[i].label(ctx.lang)}")
    return registry.indicators.get(chosen or first)


def month_options(ctx: Ctx, ind: Indicator) -> list[str]:
    """Months for the period filter, from the build report: drawing filters runs no indicator SQL."""
    span = ctx.engine.month_range(ind)
    if span is None:
        return []
    lo, hi = span
    months = pl.date_range(lo, hi, interval="1mo", eager=True)
    return [m.strftime("%Y-%m") for m in months]


def view_filters(
    ctx: Ctx,
    ind: Indicator,
    *,
    grains: Sequence[str] = ("month", "quarter", "year", "term"),
    default_grain: str = "quarter",
    levels: Sequence[str] = ("city", "stadsdeel", "wijk"),
    default_level: str = "city",
    period: bool = True,
    compare: bool = True,
    per: bool = False,
    container=None,
) -> rollup.View:
    """The shared filter set, each widget bound to a URL parameter. Returns the roll-up view."""
    box = container or st.sidebar
    t = ctx.t
    with box:
        st.markdown(f"**{t('filters')}**")
        grain = url_choice(st.segmented_control, t("grain"), grains, default=default_grain, key="grain",
                           format_func=lambda g: t(f"grain_{g}"), required=True) or default_grain
        offered = rollup.plan.levels_for(grain, levels) or list(levels)  # wijk: years and terms only
        first = default_level if default_level in offered else offered[0]
        level = url_choice(st.segmented_control, t("level"), offered, default=first, key="level",
                           format_func=lambda v: t(f"level_{v}"), required=True) or first
        if len(offered) < len(levels) or level == "wijk":  # and why a wijk has no running year
            st.caption(t("plan_note"))
        areas = area_filter(ctx, level)
        per_value = None
        if per and not ind.is_ratio:
            per_choice = url_choice(st.segmented_control, t("per"), ["abs", "inhabitants", "households"],
                                    default="abs", key="per", format_func=lambda v: t(f"per_{v}"),
                                    required=True)
            per_value = None if per_choice in (None, "abs") else per_choice
        start = end = None
        if period:
            months = month_options(ctx, ind)
            if months:
                start_s = url_choice(st.selectbox, t("from"), months, default=months[0], key="van",
                                     format_func=lambda m: t.month(parse_month(m)))
                end_s = url_choice(st.selectbox, t("to"), months, default=months[-1], key="tot",
                                   format_func=lambda m: t.month(parse_month(m)))
                start, end = parse_month(start_s or months[0]), parse_month(end_s or months[-1])
                if start > end:
                    start, end = end, start
        cmp_on = False
        if compare:
            cmp_on = st.toggle(t("compare"), value=False, key="vergelijk", bind="query-params")
    return rollup.View(grain=grain, level=level, areas=tuple(areas), per=per_value, start=start,
                       end=month_end(end) if end else None, compare=bool(cmp_on))


def area_filter(ctx: Ctx, level: str) -> list[str]:
    """Stadsdelen to keep (and, at wijk level, wijken): drilling from stadsdeel to wijk."""
    areas = latest_areas(ctx.engine)
    if level == "city":
        return []
    stadsdelen = sorted(areas["stadsdeel"].unique().to_list())
    chosen = url_choice(st.multiselect, ctx.t("stadsdelen"), stadsdelen, key="stadsdeel", multi=True,
                        placeholder=ctx.t("all"))
    if level == "stadsdeel":
        return list(chosen)
    pool = areas.filter(pl.col("stadsdeel").is_in(chosen)) if chosen else areas
    names = dict(zip(pool["wijk_code"], pool["wijk_name"], strict=True))
    wijken = url_choice(st.multiselect, ctx.t("wijken"), sorted(names, key=names.get), key="wijk",
                        multi=True, format_func=lambda c: f"{names.get(c, c)} ({c})",
                        placeholder=ctx.t("all"))
    if wijken:
        return list(wijken)
    return sorted(names) if chosen else []


def latest_areas(engine: Engine) -> pl.DataFrame:
    areas = engine.areas
    return areas.filter(pl.col("year") == areas["year"].max())


def term_picker(ctx: Ctx) -> rollup.Term:
    """The coalition term (bound to `?term=`), the current one by default."""
    pf = ctx.engine.programme
    current = programme.current_term(pf, ctx.engine.as_of)
    labels = {term.id: ctx.t.pick(term.label) for term in pf.terms}
    chosen = url_choice(st.segmented_control, ctx.t("term"), list(labels), default=current.id,
                        key="term", required=True, format_func=labels.get)
    return next((term for term in pf.terms if term.id == chosen), current)


def programme_picker(ctx: Ctx) -> str:
    """The programme shown (bound to `?programma=`): one page serves every programme in the file."""
    pf = ctx.engine.programme
    ids = list(pf.programmes)
    chosen = url_choice(st.segmented_control, ctx.t("programme"), ids, default=ids[0], key="programma",
                        required=True, format_func=lambda p: ctx.t.pick(pf.programmes[p].title))
    return chosen or ids[0]
