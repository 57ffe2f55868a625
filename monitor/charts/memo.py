"""Figures kept by what they show: the same data, words and options give the same figure, built once.

Building a Plotly figure (validating every property) is most of a page view's server time,
and most views repeat one another: every reader of a programme sees its charts. The key is
the inputs' content (each frame's schema and row hashes, the language, the options), not who
asks, so a cached figure is exactly the one the builder would make now: correct for every
role and partner (a partner's filtered frame is other content, another key), and a new
delivery or an edited query file changes the frames and so the key. Kept: the most recent
`MAX_FIGURES`. A figure handed out is shared: callers show it (`st.plotly_chart` copies it)
and must not change it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import polars as pl

from monitor.i18n import Translator
from monitor.rollup.published import Published

F = TypeVar("F", bound=Callable[..., Any])
MAX_FIGURES = 256  # the warm-up makes 143 on the demo (deploy/warm.py); each about 200 KB

_figures: OrderedDict[tuple, Any] = OrderedDict()
_lock = threading.Lock()
_stats = {"hits": 0, "misses": 0}


class Unkeyable(TypeError):
    """An input whose content cannot be keyed: the figure is built, not cached."""


# a frame's key by the frame object, while it lives: the engine hands out the same frames view after
# view, and hashing their rows again was a fifth of a programme page's server time (docs/load.md).
# Frames are never changed in place here (every step makes a new frame), so the key stays true.
_frame_keys: dict[int, tuple[weakref.ref, tuple]] = {}


def frame_key(frame: pl.DataFrame) -> tuple:
    """Schema, height and a digest of the row hashes in order (polars' hashes, stable in a process)."""
    known = _frame_keys.get(id(frame))
    if known is not None and known[0]() is frame:
        return known[1]
    digest = hashlib.blake2b(frame.hash_rows(seed=0).to_numpy().tobytes(), digest_size=16).hexdigest()
    key = ("frame", tuple((n, str(d)) for n, d in frame.schema.items()), frame.height, digest)
    ident = id(frame)
    _frame_keys[ident] = (weakref.ref(frame, lambda _ref: _frame_keys.pop(ident, None)), key)
    return key


def content_key(value: Any) -> Any:
    """A hashable key for a builder's input, by content."""
    if value is None or isinstance(value, str | int | float | bool | dt.date):
        return value
    if isinstance(value, Published):
        return ("published", value.k, frame_key(value.frame))
    if isinstance(value, pl.DataFrame):
        return frame_key(value)
    if isinstance(value, Translator):
        return ("lang", value.lang)
    if isinstance(value, dict):
        return ("dict", tuple((k, content_key(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ("seq", tuple(content_key(v) for v in value))
    raise Unkeyable(type(value).__name__)


def cached_figure(builder: F) -> F:
    """Keep `builder`'s figures by the content of its arguments (see the module's docstring)."""

    @functools.wraps(builder)
    def build(*args: Any, **kwargs: Any) -> Any:
        try:
            key = (builder.__qualname__, content_key(args), content_key(sorted(kwargs.items())))
        except Unkeyable:
            return builder(*args, **kwargs)
        with _lock:
            if key in _figures:
                _figures.move_to_end(key)
                _stats["hits"] += 1
                return _figures[key]
        fig = builder(*args, **kwargs)  # outside the lock: another session's figure need not wait
        with _lock:
            _stats["misses"] += 1
            _figures[key] = fig
            while len(_figures) > MAX_FIGURES:
                _figures.popitem(last=False)
        return fig

    return build  # type: ignore[return-value]


def stats() -> dict[str, int]:
    """Hits, misses and figures held (for the load report and tests)."""
    with _lock:
        return {**_stats, "held": len(_figures)}


def clear() -> None:
    with _lock:
        _figures.clear()
        _stats.update(hits=0, misses=0)
