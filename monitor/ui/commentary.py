"""The story behind the curve on the programme page and the scorecard card, and the editor's form.

Readers see the latest period's story under the curve, older periods and earlier
versions one choice away. Editors (role `editor`, or any role above it; local mode's
one user) get a form with a preview. The save runs in the button's callback, before
the page is drawn again, so the story shown is the one just saved; a story changed by
someone else since the form was opened is not overwritten: the writer sees the other
text and decides (`commentary.Conflict`). Markdown is drawn by `st.markdown`, which
drops raw HTML.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from monitor import commentary, state, trail
from monitor.scorecard import Card

if TYPE_CHECKING:
    from monitor.ui.frame import Ctx


def _stories(ctx: Ctx, ambition: str) -> list[commentary.Entry] | None:
    try:
        return commentary.stories(ctx.settings, ambition=ambition)
    except state.StateError as exc:
        st.error(str(exc), icon=":material/error:")
        return None


def _caption(ctx: Ctx, entry: commentary.Entry) -> str:
    return ctx.t("story_caption", period=entry.period, version=entry.version, author=entry.author,
                 when=entry.written_at[:16].replace("T", " "))


def _fields(ctx: Ctx, texts: dict[str, str] | object) -> None:
    """The four fields two by two (what | why, partners | next); an empty one is left out."""
    items = list(commentary.FIELD_LABELS.items())
    for pair in (items[:2], items[2:]):  # a row per pair, so partners and next start level
        shown = [(key, str(texts.get(f, "") or "").strip()) for f, key in pair]  # type: ignore[union-attr]
        if not any(text for _, text in shown):
            continue
        for col, (key, text) in zip(st.columns(2, gap="large"), shown, strict=True):
            if text:
                col.markdown(f"**{ctx.t(key)}**")
                col.markdown(text)  # Streamlit drops raw HTML unless unsafe_allow_html


def _show(ctx: Ctx, entry: commentary.Entry) -> None:
    _fields(ctx, entry.texts)
    st.caption(_caption(ctx, entry))


def _older(ctx: Ctx, entries: list[commentary.Entry], key: str) -> None:
    """Every other (period, version) to choose from, the shown one left out."""
    shown = entries[0]
    options = [(e.period, v.version) for e in entries
               for v in reversed(commentary.history(ctx.settings, e.ambition, e.period))
               if (e.period, v.version) != (shown.period, shown.version)]
    if not options:
        return
    with st.expander(ctx.t("story_older"), icon=":material/history:"):
        pick = st.selectbox(ctx.t("story_older_pick"), options, key=key,
                            format_func=lambda o: f"{o[0]} · v{o[1]}")
        if pick is not None:
            version = next(v for v in commentary.history(ctx.settings, shown.ambition, pick[0])
                           if v.version == pick[1])
            _show(ctx, version)


def story(ctx: Ctx, card: Card) -> None:
    """Under the curve on the programme page: the latest story, older ones, and for editors the form."""
    amb = card.ambition.id
    entries = _stories(ctx, amb)
    if entries is None:
        return
    title = ctx.t("story_heading", period=entries[0].period) if entries else ctx.t("story_title")
    st.markdown(f"##### {title}")
    if entries:
        _show(ctx, entries[0])
        _older(ctx, entries, key=f"cmt_older_{amb}")
    else:
        st.caption(ctx.t("story_none"))
    if ctx.visitor.may("editor"):
        _editor(ctx, card)


def story_card(ctx: Ctx, card: Card) -> None:
    """On the scorecard card: the latest story folded, older periods in the same place."""
    entries = _stories(ctx, card.ambition.id)
    if not entries:
        return
    with st.expander(ctx.t("story_heading", period=entries[0].period), icon=":material/forum:"):
        pick = st.selectbox(ctx.t("story_period"), range(len(entries)), key=f"cmt_card_{card.ambition.id}",
                            format_func=lambda i: entries[i].period)
        _show(ctx, entries[pick or 0])


# ---- the editor's form

def _keys(amb: str, period: str) -> dict[str, str]:
    base = f"cmt_{amb}_{period}"
    return {"base": f"{base}_base", "conflict": f"{base}_conflict", "flash": f"{base}_flash",
            **{f: f"{base}_{f}" for f in commentary.FIELDS}}


def _load(ctx: Ctx, amb: str, period: str, keys: dict[str, str]) -> None:
    """Fill the form from the stored story, once per session and period (what the edit starts from)."""
    if keys["base"] in st.session_state:
        return
    current = commentary.latest(ctx.settings, amb, period)
    st.session_state[keys["base"]] = current.version if current else 0
    for f in commentary.FIELDS:
        st.session_state[keys[f]] = current.texts.get(f, "") if current else ""


def _save(ctx: Ctx, amb: str, period: str) -> None:
    """The save button's callback: a new version, or the other author's text shown (never overwritten)."""
    if not ctx.visitor.may("editor"):  # the form is drawn for editors only; checked again on the server
        return
    keys = _keys(amb, period)
    texts = {f: st.session_state.get(keys[f], "") for f in commentary.FIELDS}
    current = commentary.latest(ctx.settings, amb, period)
    if current is not None and current.version == st.session_state[keys["base"]] and all(
            current.texts.get(f, "") == texts[f].strip() for f in commentary.FIELDS):
        st.session_state[keys["flash"]] = ("info", ctx.t("story_unchanged"))
        return
    try:
        entry = commentary.save(ctx.settings, amb, period, texts, author=ctx.visitor.user,
                                expected=st.session_state[keys["base"]],
                                known=set(ctx.engine.programme.ambitions))
    except commentary.Conflict as exc:
        st.session_state[keys["conflict"]] = exc.current
        return
    except (commentary.CommentaryError, state.StateError, trail.TrailError) as exc:
        st.session_state[keys["flash"]] = ("error", str(exc))
        return
    st.session_state[keys["base"]] = entry.version
    st.session_state.pop(keys["conflict"], None)
    st.session_state[keys["flash"]] = ("success", ctx.t("story_saved", version=entry.version))


def _continue_from(keys: dict[str, str], version: int) -> None:
    """Take the other author's version as the base: the writer's next save is made knowingly over it."""
    st.session_state[keys["base"]] = version
    st.session_state.pop(keys["conflict"], None)


def _editor(ctx: Ctx, card: Card) -> None:
    t, amb = ctx.t, card.ambition.id
    if ctx.engine.as_of is None:
        return
    try:
        periods = commentary.recent(ctx.engine.as_of, ctx.settings.reporting_cycle)
    except commentary.CommentaryError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    with st.expander(t("story_write"), icon=":material/edit:"):
        period = st.selectbox(t("story_period"), periods, key=f"cmt_period_{amb}")
        keys = _keys(amb, period)
        _load(ctx, amb, period, keys)
        flash = st.session_state.pop(keys["flash"], None)
        if flash:
            getattr(st, flash[0])(flash[1])
        other = st.session_state.get(keys["conflict"])
        if other is not None:
            st.warning(t("story_conflict", author=other.author, when=other.written_at[:16].replace("T", " "),
                         version=other.version), icon=":material/sync_problem:")
            with st.container(border=True):
                _show(ctx, other)
            st.button(t("story_conflict_continue", version=other.version), key=f"{keys['base']}_continue",
                      on_click=_continue_from, args=(keys, other.version))
        write, preview = st.tabs([t("story_tab_write"), t("story_tab_preview")])
        with write:
            for f, key in commentary.FIELD_LABELS.items():
                st.text_area(t(key), key=keys[f], max_chars=commentary.MAX_CHARS, height=110)
            st.caption(t("story_markdown_help"))
        with preview:
            _fields(ctx, {f: st.session_state.get(keys[f], "") for f in commentary.FIELDS})
        st.button(t("story_save"), key=f"{keys['base']}_save", type="primary", icon=":material/save:",
                  on_click=_save, args=(ctx, amb, period), disabled=other is not None)
