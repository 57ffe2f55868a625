"""The Streamlit frame every page shares: page setup, sidebar, language, filters bound to the URL.

Pages call `page()` first and then only lay out what it hands them. Every filter
is a widget whose value is kept in a query parameter as a code (`url_choice`), so a copied link
reproduces the view, also as the first request on a fresh server. The sidebar
navigation is drawn here from the files in `pages/` (no hand-kept list).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import streamlit as st

from monitor import catalog, exports, i18n, rollup
from monitor.engine import Engine, get_engine
from monitor.i18n import t
from monitor.indicators import Indicator
from monitor.settings import ROOT, Settings, get_settings

PAGES_DIR = ROOT / "pages"
HOME = ROOT / "dashboard.py"


@dataclass(frozen=True)
class Ctx:
    """What a page gets from the frame: the language, the engine and the settings."""

    lang: str
    engine: Engine
    settings: Settings

    @property
    def k(self) -> int:
        return self.settings.min_cell

    def link_params(self, **extra: str) -> dict[str, str]:
        """Query parameters that carry the language to the next page."""
        params = {"lang": self.lang} if self.lang != "nl" else {}
        params.update({k: v for k, v in extra.items() if v})
        return params


def page_files(settings: Settings | None = None) -> list[Path]:
    """The pages in navigation order: home, then `pages/*.py` sorted by file name.

    The workbench shows record-level data, so it is left out when switched off.
    """
    settings = settings or get_settings()
    files = sorted(PAGES_DIR.glob("*.py"))
    if not settings.workbench:
        files = [f for f in files if page_slug(f) != "werkbank"]
    return [HOME, *files]


def page_slug(path: Path) -> str:
    """`pages/2_indicator.py` -> `indicator` (Streamlit's URL path for the page)."""
    if path == HOME:
        return "home"
    stem = path.stem
    return stem.split("_", 1)[1] if stem[0].isdigit() and "_" in stem else stem


def page(title_key: str) -> Ctx:
    """Set up the page, draw the sidebar and load the engine (with visible progress)."""
    lang = i18n.lang_or_default(st.query_params.get("lang"))
    st.set_page_config(page_title=f"{t(title_key, lang)} · {t('app_title', lang)}", layout="wide",
                       initial_sidebar_state="expanded")
    lang = _language_switch(lang)
    settings = get_settings()
    _navigation(lang, settings)
    engine = _load_engine(lang, settings)
    ctx = Ctx(lang, engine, settings)
    st.title(t(title_key, lang))
    _data_status(ctx)
    return ctx


def _language_switch(lang: str) -> str:
    with st.sidebar:
        choice = url_choice(st.segmented_control, "Taal / Language", ["nl", "en"], key="lang", default="nl",
                            format_func=lambda code: {"nl": "Nederlands", "en": "English"}[code],
                            required=True)
    return i18n.lang_or_default(choice or lang)


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
    if wkey not in st.session_state or st.session_state.get(synced) != from_url:
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


def _navigation(lang: str, settings: Settings) -> None:
    with st.sidebar:
        st.markdown(f"### {t('app_title', lang)}")
        params = {"lang": lang} if lang != "nl" else None
        for path in page_files(settings):
            target = "dashboard.py" if path == HOME else f"pages/{path.name}"
            st.page_link(target, label=t(f"page_{page_slug(path)}", lang), query_params=params)
        st.divider()


def _load_engine(lang: str, settings: Settings) -> Engine:
    if catalog.read_report(settings) is not None and catalog.has_extracts(settings):
        try:
            return get_engine(settings)
        except Exception as exc:  # shown, never a blank page
            _fatal(lang, exc)
    with st.status(t("building", lang), expanded=True) as status:
        try:
            engine = get_engine(settings, progress=status.write)
        except Exception as exc:
            _fatal(lang, exc)
        status.update(label=t("ready", lang), state="complete", expanded=False)
    return engine


def _fatal(lang: str, exc: Exception) -> None:
    st.error(f"{t('load_failed', lang)}\n\n`{type(exc).__name__}: {exc}`")
    st.stop()


def _data_status(ctx: Ctx) -> None:
    eng = ctx.engine
    parts = []
    if eng.as_of:
        parts.append(f"{t('as_of', ctx.lang)} {i18n.date(eng.as_of, ctx.lang)}")
    failed = [e.name for e in eng.report.extracts if not e.ok]
    if failed:
        parts.append(t("extract_problems", ctx.lang, names=", ".join(failed)))
    if parts:
        st.caption(" · ".join(parts))
    if eng.demo:
        st.info(t("demo_banner", ctx.lang), icon=":material/science:")


# ---------------------------------------------------------------- filters


def indicator_picker(ctx: Ctx, *, key: str = "id", shape: str | None = "series",
                     label_key: str = "indicator") -> Indicator | None:
    """Choose an indicator (bound to `?id=`); analysts' new files show up here automatically."""
    registry = ctx.engine.registry
    options = [i for i in registry.indicators.values() if shape is None or i.shape == shape]
    options.sort(key=lambda i: (i.programme, i.kind != "outcome", i.label(ctx.lang)))
    if not options:
        st.warning(t("no_indicators", ctx.lang))
        return None
    ids = [i.id for i in options]
    chosen = url_choice(st.selectbox, t(label_key, ctx.lang), ids, key=key, default=ids[0],
                        format_func=lambda i: f"{registry.indicators[i].label(ctx.lang)}")
    return registry.indicators.get(chosen or ids[0])


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
    lang = ctx.lang
    with box:
        st.markdown(f"**{t('filters', lang)}**")
        grain = url_choice(st.segmented_control, t("grain", lang), grains, default=default_grain, key="grain",
                           format_func=lambda g: t(f"grain_{g}", lang), required=True) or default_grain
        level = url_choice(st.segmented_control, t("level", lang), levels, default=default_level, key="level",
                           format_func=lambda v: t(f"level_{v}", lang), required=True) or default_level
        areas = _area_filter(ctx, level)
        per_value = None
        if per and ind.measure != "ratio":
            per_choice = url_choice(st.segmented_control, t("per", lang),
                                    ["abs", "inhabitants", "households"], default="abs", key="per",
                                    format_func=lambda v: t(f"per_{v}", lang), required=True)
            per_value = None if per_choice in (None, "abs") else per_choice
        start = end = None
        if period:
            months = month_options(ctx, ind)
            if months:
                start_s = url_choice(st.selectbox, t("from", lang), months, default=months[0], key="van",
                                     format_func=lambda m: _month_label(m, lang))
                end_s = url_choice(st.selectbox, t("to", lang), months, default=months[-1], key="tot",
                                   format_func=lambda m: _month_label(m, lang))
                start, end = _month(start_s or months[0]), _month(end_s or months[-1])
                if start > end:
                    start, end = end, start
        cmp_on = False
        if compare:
            cmp_on = st.toggle(t("compare", lang), value=False, key="vergelijk", bind="query-params")
    return rollup.View(grain=grain, level=level, areas=tuple(areas), per=per_value, start=start,
                       end=_period_end(end) if end else None, compare=bool(cmp_on))


def _area_filter(ctx: Ctx, level: str) -> list[str]:
    """Stadsdelen to keep (and, at wijk level, wijken): drilling from stadsdeel to wijk."""
    areas = latest_areas(ctx.engine)
    if level == "city":
        return []
    stadsdelen = sorted(areas["stadsdeel"].unique().to_list())
    chosen = url_choice(st.multiselect, t("stadsdelen", ctx.lang), stadsdelen, key="stadsdeel", multi=True,
                        placeholder=t("all", ctx.lang))
    if level == "stadsdeel":
        return list(chosen)
    pool = areas.filter(pl.col("stadsdeel").is_in(chosen)) if chosen else areas
    names = dict(zip(pool["wijk_code"], pool["wijk_name"], strict=True))
    wijken = url_choice(st.multiselect, t("wijken", ctx.lang), sorted(names, key=names.get), key="wijk",
                        multi=True, format_func=lambda c: f"{names.get(c, c)} ({c})",
                        placeholder=t("all", ctx.lang))
    if wijken:
        return list(wijken)
    return sorted(names) if chosen else []


def latest_areas(engine: Engine) -> pl.DataFrame:
    areas = engine.areas
    return areas.filter(pl.col("year") == areas["year"].max())


def _month(text: str) -> dt.date:
    return dt.date(int(text[:4]), int(text[5:7]), 1)


def _period_end(start_of_month: dt.date) -> dt.date:
    nxt = dt.date(start_of_month.year + (start_of_month.month == 12), start_of_month.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _month_label(text: str, lang: str) -> str:
    return i18n.month(_month(text), lang)


def term_picker(ctx: Ctx) -> rollup.Term:
    """The coalition term (bound to `?term=`), the current one by default."""
    from monitor import programme

    pf = ctx.engine.programme
    current = programme.current_term(pf, ctx.engine.as_of)
    labels = {term.id: i18n.pick(term.label, ctx.lang) for term in pf.terms}
    chosen = url_choice(st.segmented_control, t("term", ctx.lang), list(labels), default=current.id,
                        key="term", required=True, format_func=labels.get)
    return next((term for term in pf.terms if term.id == chosen), current)


def programme_picker(ctx: Ctx) -> str:
    """The programme shown (bound to `?programma=`): one page serves every programme in the file."""
    pf = ctx.engine.programme
    ids = list(pf.programmes)
    chosen = url_choice(st.segmented_control, t("programme", ctx.lang), ids, default=ids[0], key="programma",
                        required=True, format_func=lambda p: i18n.pick(pf.programmes[p].title, ctx.lang))
    return chosen or ids[0]


# ---------------------------------------------------------------- shared render helpers


def downloads(ctx: Ctx, frame: rollup.Published, name: str) -> None:
    """CSV for Dutch Excel and .xlsx, both with the same suppression as the screen."""
    c1, c2 = st.columns(2)
    c1.download_button(t("download_csv", ctx.lang), exports.csv_dutch_excel(frame, lang=ctx.lang),
                       file_name=f"{name}.csv", mime="text/csv", key=f"csv_{name}")
    c2.download_button(t("download_xlsx", ctx.lang), exports.xlsx(frame, lang=ctx.lang),
                       file_name=f"{name}.xlsx", key=f"xlsx_{name}",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def display_table(ctx: Ctx, frame: pl.DataFrame, ind: Indicator) -> pl.DataFrame:
    """The frame as the reader sees it: formatted numbers, `<k` for suppressed cells."""
    lang = ctx.lang
    cols = {"period": t("col_period", lang), "area_name": t("col_area", lang)}
    out = frame.select([c for c in ("period", "area_name") if c in frame.columns]).rename(cols)
    shown = [
        i18n.value(v, ind.unit, lang, suppressed=s, k=ctx.k)
        for v, s in zip(frame["result"].to_list(), frame["suppressed"].to_list(), strict=True)
    ]
    out = out.with_columns(pl.Series(t("col_value", lang), shown))
    if ind.measure == "ratio":
        den = [
            i18n.value(v, "", lang, suppressed=s, k=ctx.k)
            for v, s in zip(frame["denominator"].to_list(), frame["suppressed"].to_list(), strict=True)
        ]
        out = out.with_columns(pl.Series(t("col_denominator", lang), den))
    if "result_prev" in frame.columns:
        out = out.with_columns(
            pl.Series(t("col_prev", lang), [i18n.value(v, ind.unit, lang) for v in frame["result_prev"]]),
            pl.Series(t("col_change", lang), [i18n.signed(v, ind.unit, lang) for v in frame["change"]]),
        )
    return out


def indicator_facts(ctx: Ctx, ind: Indicator) -> str:
    """One line: kind, measure, unit, direction, programme."""
    lang = ctx.lang
    return " · ".join([
        t(f"kind_{ind.kind}", lang), t(f"measure_{ind.measure}", lang), f"{t('unit', lang)}: {ind.unit}",
        t(f"direction_{ind.direction}", lang), f"{t('programme', lang)}: {ind.programme}",
    ])


def definition(ctx: Ctx, ind: Indicator) -> None:
    """Description, sources, drivers (linked) and the SQL itself: the indicator is its file."""
    lang = ctx.lang
    st.markdown(f"**{t('sources', lang)}:** " + ", ".join(f"`{s}`" for s in ind.sources))
    if ind.drivers:
        links = ", ".join(
            f"[{ctx.engine.registry.indicators[d].label(lang)}]({indicator_url(ctx, d)})"
            for d in ind.drivers if d in ctx.engine.registry.indicators
        )
        st.markdown(f"**{t('drivers', lang)}:** {links}")
    st.markdown(f"**{t('file', lang)}:** `queries/{ind.path.name}`")
    # no syntax colours: Streamlit's SQL palette fails WCAG contrast (comments 3.6:1)
    st.code(ind.path.read_text(encoding="utf-8"), language=None)


def cohort_table(ctx: Ctx, frame: pl.DataFrame) -> pl.DataFrame:
    shown = [i18n.value(v, "%", ctx.lang, suppressed=s, k=ctx.k)
             for v, s in zip(frame["result"].to_list(), frame["suppressed"].to_list(), strict=True)]
    return frame.select(
        pl.col("cohort").alias(t("cohort", ctx.lang)),
        pl.col("months_since").alias(t("months_since", ctx.lang)),
        pl.col("area").alias(t("col_area", ctx.lang)),
    ).with_columns(pl.Series(t("col_value", ctx.lang), shown))


def timestamp(iso: str, lang: str) -> str:
    moment = dt.datetime.fromisoformat(iso)
    return f"{i18n.date(moment.date(), lang)} {moment:%H:%M}"


def extracts_table(ctx: Ctx, report: catalog.BuildReport) -> pl.DataFrame:
    """One row per extract as the sources page shows it."""
    lang = ctx.lang
    rows = []
    for e in report.extracts:
        rows.append({
            t("col_extract", lang): e.name,
            t("col_status", lang): t(f"extract_{e.status}", lang),
            t("col_rows", lang): i18n.number(e.rows, lang),
            t("col_period", lang): (f"{i18n.date(dt.date.fromisoformat(e.period[0]), lang)} – "
                                    f"{i18n.date(dt.date.fromisoformat(e.period[1]), lang)}")
            if e.period else "–",
            t("col_modified", lang): timestamp(e.modified, lang) if e.modified else "–",
            t("col_problems", lang): len(e.problems),
            t("col_demo", lang): t("yes", lang) if e.demo else t("no", lang),
        })
    return pl.DataFrame(rows)


def catalogue_table(ctx: Ctx) -> pl.DataFrame:
    """The data dictionary of indicators, generated from the query files."""
    lang = ctx.lang
    rows = []
    for ind in sorted(ctx.engine.registry.indicators.values(), key=lambda i: (i.programme, i.kind, i.id)):
        rows.append({
            t("indicator", lang): ind.label(lang),
            "id": ind.id,
            t("programme", lang): ind.programme,
            t("col_kind", lang): t(f"kind_{ind.kind}", lang),
            t("col_measure", lang): t(f"measure_{ind.measure}", lang),
            t("unit", lang): ind.unit,
            t("sources", lang): ", ".join(ind.sources),
            t("drivers", lang): ", ".join(ind.drivers),
            t("col_description", lang): i18n.pick(ind.description, lang),
            t("col_link", lang): indicator_url(ctx, ind.id),
        })
    return pl.DataFrame(rows)


def indicator_url(ctx: Ctx, ind_id: str) -> str:
    """A relative link to the indicator page that keeps the language."""
    query = "&".join(f"{k}={v}" for k, v in ctx.link_params(id=ind_id).items())
    return f"indicator?{query}"


# ---------------------------------------------------------------- scorecard pieces

STATUS_ORDER = ("on_track", "attention", "off_track", "no_target")
# Material Symbols ship with Streamlit (no web font fetched). Text colour stays the default
# (contrast); shape and the word beside it carry the meaning, not colour.
_STATUS_ICON = {"on_track": ":material/check_circle:", "attention": ":material/warning:",
                "off_track": ":material/cancel:", "no_target": ":material/remove:"}


def status_badge(code: str, lang: str) -> str:
    """Status as icon and word: never colour alone."""
    return f"{_STATUS_ICON[code]} {t(f'status_{code}', lang)}"


def card_heading(ctx: Ctx, card) -> None:
    lang = ctx.lang
    title = i18n.pick(card.ambition.title, lang)
    st.markdown(f"#### [{title}]({indicator_url(ctx, card.indicator.id)})")
    st.markdown(f"**{status_badge(card.status.code, lang)}** · {card.indicator.label(lang)}")


def sparkline_label(ctx: Ctx, card) -> str:
    """What the sparkline shows, for screen readers."""
    return t("sparkline_label", ctx.lang, indicator=card.indicator.label(ctx.lang),
             status=t(f"status_{card.status.code}", ctx.lang))


def figure_text(ctx: Ctx, fig, unit: str) -> str:
    """A scorecard figure as the reader sees it (the hidden-cell mark when suppressed)."""
    return i18n.value(fig.value, unit, ctx.lang, suppressed=fig.suppressed, k=ctx.k)


def card_numbers(ctx: Ctx, card) -> None:
    lang, unit = ctx.lang, card.indicator.unit
    cur = figure_text(ctx, card.current, unit)
    delta = i18n.signed(card.change, unit, lang) if card.change is not None else None
    colour = {"up": "normal", "down": "inverse"}.get(card.indicator.direction, "off")
    label = t("current_twelve", lang) if card.indicator.measure != "stock" else t("current_stock", lang)
    st.metric(label, cur, delta=f"{delta} {t('vs_year_earlier', lang)}" if delta else None,
              delta_color=colour)
    if card.as_of:
        st.caption(f"{t('as_of', lang)} {i18n.month(card.as_of, lang)}")


def card_projection(ctx: Ctx, card) -> None:
    lang, unit = ctx.lang, card.indicator.unit
    lines = []
    if card.target is not None:
        source = t("illustrative", lang) if card.target.illustrative else card.target.source
        target = i18n.value(card.target.value, unit, lang)
        lines.append(f"{t('target', lang)} {card.target.year}: **{target}** ({source})")
    if card.expected_now is not None:
        lines.append(f"{t('expected_now', lang)}: {i18n.value(card.expected_now, unit, lang)}")
    if card.projection is not None:
        p = card.projection
        lines.append(
            f"{t('projection', lang)} {i18n.date(p.date, lang)}: **{i18n.value(p.value, unit, lang)}** "
            f"({i18n.value(p.low, unit, lang)} – {i18n.value(p.high, unit, lang)})"
        )
    if card.reaches_target is not None:
        lines.append(t("reaches_yes", lang) if card.reaches_target else t("reaches_no", lang))
    st.markdown("  \n".join(lines))


def card_outputs(ctx: Ctx, card) -> None:
    lang = ctx.lang
    st.markdown(f"**{t('outputs', lang)}**")
    for line in card.outputs:
        unit = line.indicator.unit
        value = figure_text(ctx, line.current, unit)
        change = i18n.signed(line.change, unit, lang) if line.change is not None else ""
        st.markdown(f"[{line.indicator.label(lang)}]({indicator_url(ctx, line.indicator.id)}): "
                    f"**{value}** {f'({change})' if change else ''}")
