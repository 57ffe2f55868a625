"""What the "what changed" page shows: the change log, worded, newest delivery first.

Opening the page records the catalog in use if no build has yet (`changes.record` is
idempotent), so a server that built the catalog itself lists it too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from monitor import changes, changes_text, state

if TYPE_CHECKING:
    from monitor.ui.frame import Ctx

Delivery = tuple[str, list[tuple[str, list[str]]]]  # heading, (section title, lines) in order


def change_log(ctx: Ctx) -> list[Delivery]:
    """Every recorded delivery, newest first, each as its heading and its worded sections."""
    try:
        changes.record(ctx.engine)
        entries = changes.log(ctx.settings)
    except state.StateError as exc:
        st.error(str(exc), icon=":material/error:")
        return []
    titles = {a.id: a.title for a in ctx.engine.programme.ambitions.values()}
    out: list[Delivery] = []
    for entry in entries:
        sections: dict[str, list[str]] = {}
        for key, line in changes_text.lines(entry, ctx.lang, titles, ctx.engine.registry.indicators):
            sections.setdefault(key, []).append(line)
        out.append((changes_text.heading(entry, ctx.lang),
                    [(ctx.t(key), sections[key]) for key in changes_text.SECTIONS if key in sections]))
    return out
