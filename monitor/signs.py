"""The arrow and colour of a change, for surfaces outside Streamlit (the report) and for tables.

The arrow follows the number and the colour whether that is good for the indicator's
`direction`. Both are decided from the number itself, never from worded text: Babel
writes a fall with a true minus sign (U+2212), which a `startswith("-")` test reads
as a rise. Same rule as the scorecard cards (`monitor.ui.cards.delta_style`, tested
to agree); it lives here too because the report may not import the Streamlit layer.
"""

from __future__ import annotations

from typing import Literal

Arrow = Literal["up", "down", "off"]
Colour = Literal["green", "red", "gray"]

ARROW_TEXT: dict[str, str] = {"up": "▲", "down": "▼", "off": ""}
# text colours with at least 4.5:1 contrast on white (WCAG AA), for the report and tables
COLOUR_HEX: dict[str, str] = {"green": "#116329", "red": "#a4161a", "gray": "#4d4d4d"}
# the label keys that word an arrow and a colour (for screen readers and a printed page in grey)
ARROW_WORD: dict[str, str] = {"up": "change_up", "down": "change_down"}
TONE_WORD: dict[str, str] = {"green": "tone_good", "red": "tone_bad", "gray": "tone_neutral"}


def change_style(change: float | None, direction: str) -> tuple[Arrow, Colour]:
    """(arrow, colour) of a change: up/down by its sign, green/red by the direction, grey without one."""
    if change is None or change == 0:
        return "off", "gray"
    arrow: Arrow = "up" if change > 0 else "down"
    good = {"up": change > 0, "down": change < 0}.get(direction)
    return arrow, "gray" if good is None else ("green" if good else "red")


def arrow_text(change: float | None, signed_text: str) -> str:
    """The worded change with its arrow in front: `▼ −57`; just the text when there is no change."""
    arrow = ARROW_TEXT[change_style(change, "none")[0]]
    return f"{arrow} {signed_text}" if arrow else signed_text
