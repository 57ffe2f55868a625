"""`Published`: a frame that has been through disclosure control, and the only kind a surface takes.

Chart builders, downloads, the report and the CLI accept a `Published`, never a bare
Polars frame, so a number cannot reach a reader around the roll-up by mistake: a
raw frame is refused with a TypeError at the surface's door.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True, eq=False)
class Published:
    """A suppressed roll-up: its frame, the k it was protected with, and which view it is.

    `frame` has a Boolean `suppressed` column; a suppressed cell's numbers are null.
    `view` names the view for a reader of logs and tests (e.g. "matches: year x wijk").
    """

    frame: pl.DataFrame
    k: int
    view: str = ""
    # where the numbers come from: `rollup` (records, suppressed by the roll-up) or `public` (statistics
    # someone already published, e.g. CBS: shown as published, a figure on fewer than `k` hidden;
    # monitor.population.published)
    origin: str = "rollup"

    def __post_init__(self) -> None:
        if "suppressed" not in self.frame.columns:
            raise ValueError(f"Published frame for '{self.view}' lacks the 'suppressed' column")

    @property
    def height(self) -> int:
        return self.frame.height

    def is_empty(self) -> bool:
        return self.frame.is_empty()

    def with_frame(self, frame: pl.DataFrame, view: str | None = None) -> Published:
        """The same protection for a selection of this frame (filtered rows, fewer columns).

        Only for narrowing: rows and columns may be dropped, numbers may not be recomputed.
        """
        if "suppressed" not in frame.columns:
            raise ValueError(f"a selection of '{self.view}' must keep its 'suppressed' column")
        return Published(frame, self.k, self.view if view is None else view, self.origin)


def require(obj: object, surface: str) -> pl.DataFrame:
    """The frame inside a `Published`; a TypeError for anything else (a raw frame must not be shown)."""
    if isinstance(obj, Published):
        return obj.frame
    raise TypeError(
        f"{surface} shows only Published (suppressed) frames from the roll-up; got {type(obj).__name__}. "
        "Ask the engine for a series (engine.series/engine.twelve_months) instead of using a raw frame."
    )
