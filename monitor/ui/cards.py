"""Scorecard card pieces: status badge, heading, numbers, projection, outputs, sparkline label.

Every number comes from a `scorecard.Card`, whose figures come from the roll-up's
suppressed rolling twelve-month view; here they are only worded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl
import streamlit as st

from monitor import signs
from monitor.programme import MIN_TREND, STATUS_CODES
from monitor.rollup.published import Published
from monitor.scorecard import Card, Figure, backwards_words
from monitor.ui.data import projection_caution
from monitor.ui.present import indicator_url, suppression_legend

if TYPE_CHECKING:
    from monitor.ui.frame import Ctx

STATUS_ORDER = STATUS_CODES
# Material Symbols ship with Streamlit (no web font fetched). Text colour stays the default
# (contrast); shape and the word beside it carry the meaning, not colour.
_STATUS_ICON = {"on_track": ":material/check_circle:", "behind_reaching": ":material/trending_up:",
                "on_path_missing": ":material/trending_down:", "off_track": ":material/cancel:",
                "target_met": ":material/verified:", "target_missed": ":material/block:",
                "no_projection": ":material/help:", "no_target": ":material/remove:"}


def status_badge(ctx: Ctx, code: str) -> str:
    """Status as icon and word: never colour alone."""
    return f"{_STATUS_ICON[code]} {ctx.t(f'status_{code}')}"


def status_counts(ctx: Ctx, cards: list[Card]) -> str:
    """`✓ On track: **3** · ⚠ Attention: **1**`: how many cards have each status (none left out)."""
    counts = {code: sum(c.status.code == code for c in cards) for code in STATUS_ORDER}
    return " · ".join(f"{status_badge(ctx, code)}: **{n}**" for code, n in counts.items() if n)


def ambition_title(ctx: Ctx, card: Card) -> str:
    return ctx.t.pick(card.ambition.title)


def card_heading(ctx: Ctx, card: Card) -> None:
    st.markdown(f"#### [{ambition_title(ctx, card)}]({indicator_url(ctx, card.indicator.id)})")
    st.markdown(f"**{status_badge(ctx, card.status.code)}** · {card.indicator.label(ctx.lang)}")


def card_status_line(ctx: Ctx, card: Card) -> None:
    """The status and the outcome indicator, linked (the programme page's heading line)."""
    st.markdown(f"**{status_badge(ctx, card.status.code)}** · "
                f"[{card.indicator.label(ctx.lang)}]({indicator_url(ctx, card.indicator.id)})")


def sparkline_label(ctx: Ctx, card: Card) -> str:
    """What the sparkline shows, for screen readers."""
    return ctx.t("sparkline_label", indicator=card.indicator.label(ctx.lang),
                 status=ctx.t(f"status_{card.status.code}"))


def sparkline_series(card: Card) -> Published:
    """The twelve-month series a card's sparkline draws: up to the month the card reads (a closed
    term's target month), not on into the next term, whose months the card does not judge."""
    if card.as_of is None:
        return card.twelve
    return card.twelve.with_frame(card.twelve.frame.filter(pl.col("month") <= card.as_of))


def figure_text(ctx: Ctx, fig: Figure, unit: str) -> str:
    """A scorecard figure as the reader sees it (the hidden-cell mark when suppressed)."""
    return ctx.t.value(fig.value, unit, suppressed=fig.suppressed)


def delta_style(change: float | None, direction: str) -> tuple[str, str]:
    """(arrow, colour) for a change: the arrow follows the number, the colour whether it is good.

    Decided from the number itself, never from the worded text: Babel writes a fall with a
    true minus sign (U+2212), which Streamlit's own test (`startswith("-")`) reads as a rise;
    a fall of 57 would get a green up-arrow. A rise of an indicator where lower is better is
    red; an indicator without a direction stays grey.
    """
    return signs.change_style(change, direction)  # one rule for cards, tables and the report


def card_numbers(ctx: Ctx, card: Card) -> None:
    t, unit = ctx.t, card.indicator.unit
    cur = figure_text(ctx, card.current, unit)
    delta = t.signed(card.change, unit) if card.change is not None else None
    arrow, colour = delta_style(card.change, card.indicator.direction)
    label = t("current_twelve") if card.indicator.measure != "stock" else t("current_stock")
    # a hidden figure: the metric's help names the mark, and the legend stands right under it
    st.metric(label, cur, delta=f"{delta} {t('vs_year_earlier')}" if delta else None, delta_color=colour,
              delta_arrow=arrow, help=t.hidden(explained=True) if card.current.suppressed else None)
    if card.current.suppressed:
        suppression_legend(ctx)
    if card.as_of:
        st.caption(f"{t('as_of')} {t.month(card.as_of)}")


def _share(t, share: float) -> str:
    """A margin as a share of the trajectory: `5%`, `2,5%`."""
    return t.percent(share * 100, decimals=0 if round(share * 100, 1).is_integer() else 1)


def card_projection(ctx: Ctx, card: Card) -> None:
    """The target and the two facts the status is made of, each on its own line.

    The status badge is `programme.verdict(on_trajectory, reaches_target)`, and these lines
    word the same two facts, so badge and text cannot disagree.
    """
    t, unit = ctx.t, card.indicator.unit
    whole = card.indicator.is_whole
    lines = []
    if card.target is not None:
        source = t("illustrative") if card.target.illustrative else card.target.source
        lines.append(f"{t('target')} {card.target.year}: **{t.value(card.target.value, unit)}** ({source})")
    if (backwards := backwards_words(card, ctx.lang)) is not None:  # worded as in the report
        lines.append(backwards)
    if card.expected_now is not None:
        line = f"{t('expected_now')}: {t.value(card.expected_now, unit, whole=whole)}"
        if card.status.gap is not None and card.current.value is not None:
            side = "gap_above" if card.status.gap >= 0 else "gap_below"
            line += f" ({t(side, gap=t.difference(card.status.gap, unit, whole=whole))})"
        lines.append(line)
    if card.status.on_trajectory is not None:
        s = card.status
        if s.within_margin and s.tolerance < card.ambition.tolerance - 1e-12:  # the baseline capped it
            lines.append(t("fact_within_margin_baseline", gap=t.difference(s.shortfall, unit, whole=whole),
                           margin=t.difference(s.tolerance * abs(s.expected), unit, whole=whole),
                           tolerance=_share(t, card.ambition.tolerance)))
        elif s.within_margin:
            lines.append(t("fact_within_margin", gap=t.difference(s.shortfall, unit, whole=whole),
                           margin=_share(t, s.tolerance)))
        elif (not s.on_trajectory and s.shortfall is not None and s.expected is not None
              and s.tolerance < card.ambition.tolerance - 1e-12
              and s.shortfall <= card.ambition.tolerance * abs(s.expected)):
            # behind only because the baseline capped the margin: say so, or '11 short with a 5%
            # margin' reads as a contradiction
            lines.append(t("fact_behind_margin_baseline", gap=t.difference(s.shortfall, unit, whole=whole),
                           margin=t.difference(s.tolerance * abs(s.expected), unit, whole=whole),
                           tolerance=_share(t, card.ambition.tolerance)))
        else:
            lines.append(t("fact_on_trajectory" if s.on_trajectory else "fact_behind_trajectory"))
    settled = card.settled
    if card.projection is not None and settled:  # the target's date is in the data: measured, in the past
        p = card.projection
        lines.append(f"{t('measured_at', date=t.date(p.date))}: **{t.value(p.value, unit, whole=whole)}**")
    elif card.projection is not None:
        p = card.projection
        lines.append(f"{t('projection')} {t.date(p.date)}: **{t.value(p.value, unit, whole=whole)}** "
                     f"({t.value(p.low, unit, whole=whole)} – {t.value(p.high, unit, whole=whole)})")
    if settled and card.target is not None:
        lines.append(t("reached_yes" if card.status.reaches_target else "reached_no", year=card.target.year))
    elif card.status.reaches_target is not None and card.target is not None:
        lines.append(t("reaches_yes" if card.status.reaches_target else "reaches_no", year=card.target.year))
    elif card.hidden_at is not None:  # the figure at the target's date is hidden: no verdict on it
        lines.append(t("target_figure_hidden", date=t.date(card.hidden_at)))
    elif card.status.code == "no_projection":
        lines.append(t("no_projection_line", months=MIN_TREND))
    st.markdown("  \n".join(lines))
    if card.projection is not None and not settled:
        st.caption(projection_method(ctx, card.projection))
        caution = projection_caution(ctx, card.indicator.id)
        if caution:
            st.caption(caution)


def projection_method(ctx: Ctx, p) -> str:
    """How the projection was made, worded: the method code and its parameters come from the library."""
    text = ctx.t(f"projection_method_{p.method}", months=p.months or 0)
    since = f", {ctx.t('projection_since', month=ctx.t.month(p.since))}" if p.since else ""
    return f"{ctx.t('projection')}: {text}{since}"


def card_outputs(ctx: Ctx, card: Card) -> None:
    t = ctx.t
    st.markdown(f"**{t('outputs')}**")
    for line in card.outputs:
        unit = line.indicator.unit
        value = figure_text(ctx, line.current, unit)
        if line.indicator.is_mean and line.current.value is not None:
            value += f" {t.unit(unit, line.indicator.unit_label)}"  # a mean: 15,1 dagen, not a bare 15,1
        change = ""
        if line.change is not None:  # arrow from the number, colour from the direction (monitor.signs)
            _, colour = signs.change_style(line.change, line.indicator.direction)
            change = f"(:{colour}[{signs.arrow_text(line.change, t.signed(line.change, unit))}])"
        st.markdown(f"[{line.indicator.label(ctx.lang)}]({indicator_url(ctx, line.indicator.id)}): "
                    f"**{value}** {change}")
    if any(line.current.suppressed for line in card.outputs):
        suppression_legend(ctx)



def definition_note(ctx: Ctx, card: Card) -> None:
    """The nulmeting and the council's own targets with their document, page and definition.

    What a council member asks before trusting the number beside it: where the baseline comes
    from, where the target stands in the budget, and whether the budget counts the same thing as
    the indicator (Begroting 2026 counts part-time exits pro rata; the indicator counts persons).
    A baseline the data could not give is said here, since the card then has no status.
    """
    from monitor.programme import PAGE_UNVERIFIED, unresolved

    t, unit, baseline = ctx.t, card.indicator.unit, card.ambition.baseline
    lines = []
    if unresolved(card.ambition):
        lines.append(t("baseline_unresolved", month=t.month(baseline.date)))
    elif baseline.value is not None:
        source = t("baseline_from_data") if baseline.from_data else baseline.source
        key = "baseline_line_stock" if card.indicator.measure == "stock" else "baseline_line"
        lines.append(t(key, month=t.month(baseline.date), value=t.value(baseline.value, unit), source=source))
    for target in card.ambition.targets:
        if target.illustrative:
            continue
        page = (t("target_page_unverified") if target.page in (None, PAGE_UNVERIFIED)
                else f"[{t('target_page_online')}]({target.page})" if target.page.startswith("http")
                else t("target_page_number", page=target.page))
        line = t("target_source", year=target.year, value=t.value(target.value, unit), source=target.source,
                 page=page)
        if target.definition:
            line += " " + t("target_definition", text=t.pick(target.definition))
        lines.append(line)
    if lines:
        st.caption("  \n".join(lines))
