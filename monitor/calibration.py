"""The backtest of every ambition's projection, run once per catalog and stored beside it.

Each of the ~170 fits takes a twentieth of a second (more on a busy machine), so the figure
is computed by `python -m monitor build` and `check` (and the report), never by a page,
and kept as JSON in the catalog folder, keyed on everything it depends on: the catalog
version, k, programme.yaml, the indicators' SQL and the model's settings. A page then reads it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import threading
from importlib.metadata import version

from monitor import i18n, scorecard
from monitor.engine import Engine
from monitor.programme import backtest
from monitor.programme.projection import PATHS, SEED

STORE = "calibration.json"
# A band that held the realised value in fewer than WEAK of at least MIN_TRIALS trials is too
# narrow for this indicator (an honest 80% band holds about 80%): its card says so.
WEAK = 0.6
MIN_TRIALS = 10


def _key(engine: Engine, ids: list[str]) -> str:
    parts = [engine.report.version, str(engine.settings.min_cell), version("statsmodels"),
             f"{backtest.ORIGINS}/{backtest.HORIZON}/{PATHS}/{SEED}"]
    try:
        parts.append(engine.settings.programme_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        parts.append("")
    parts += [engine.indicator(i).sql for i in ids]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _pairs(engine: Engine) -> dict[str, str]:
    """indicator id -> the programme of its (first) ambition, whose breaks apply."""
    out: dict[str, str] = {}
    for a in engine.programme.ambitions.values():
        if a.indicator in engine.registry.indicators:
            out.setdefault(a.indicator, a.programme)
    return dict(sorted(out.items()))


def _compute(engine: Engine, pairs: dict[str, str]) -> dict[str, backtest.Calibration]:
    return {ind_id: backtest.backtest(scorecard.monthly(engine, engine.indicator(ind_id)),
                                      scorecard.breaks(engine, prog))
            for ind_id, prog in pairs.items()}


def _load(engine: Engine, key: str) -> dict[str, backtest.Calibration] | None:
    try:
        stored = json.loads((engine.settings.catalog_dir / STORE).read_text(encoding="utf-8"))
        if stored.get("key") != key:
            return None  # from another catalog, programme or model: computed afresh
        return {i: backtest.Calibration(tuple(backtest.Trial(dt.date.fromisoformat(o), lo, hi, r)
                                              for o, lo, hi, r in trials))
                for i, trials in stored["indicators"].items()}
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None


def calibration(engine: Engine, *, compute: bool = True) -> dict[str, backtest.Calibration] | None:
    """The rolling-origin backtest per ambition indicator (both terms): from the store, else computed
    and stored (`compute`), else None. A page passes compute=False: it never waits a minute for it."""
    pairs = _pairs(engine)
    key = _key(engine, list(pairs))
    found = _load(engine, key)
    if found is not None or not compute:
        return found

    result = dict(engine.memo(("calibration", key), lambda: _compute(engine, pairs)))
    # stored now, also when this process had it in memory: the file may hold another key since
    # (an engine with other settings on the same folder), and pages read only the file
    data = {"key": key, "indicators": {i: [[t.origin.isoformat(), t.low, t.high, t.realised]
                                           for t in c.trials] for i, c in result.items()}}
    target = engine.settings.catalog_dir / STORE
    tmp = target.with_name(f".{STORE}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:  # atomically: a page reading meanwhile sees the old file or the new one, never half
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:  # a read-only catalog folder: computed each run instead
        with contextlib.suppress(OSError):
            tmp.unlink()
    return result


def words(engine: Engine, lang: str, *, compute: bool = True) -> str:
    """The backtest's figure as the "how is this computed" paragraph (label `how_computed_backtest`).

    Without a stored figure and with compute=False (a page): a line saying how to get it.
    """
    found = calibration(engine, compute=compute)
    if found is None:
        return i18n.t("how_computed_backtest_missing", lang)
    cals = list(found.values())
    trials = sum(len(c.trials) for c in cals)
    if not trials:
        return ""
    hits = sum(c.hits for c in cals)
    return i18n.t("how_computed_backtest", lang, origins=backtest.ORIGINS, hits=hits, trials=trials,
                  coverage=i18n.percent(100 * hits / trials, lang, 0))


def weak(engine: Engine, ind_id: str) -> backtest.Calibration | None:
    """The indicator's stored backtest when its band proved too narrow (below WEAK of at least
    MIN_TRIALS trials), else None; never computed here (a page reads what the build stored)."""
    found = (calibration(engine, compute=False) or {}).get(ind_id)
    if found is None or len(found.trials) < MIN_TRIALS or found.coverage is None:
        return None
    return found if found.coverage < WEAK else None


def lines(engine: Engine) -> list[str]:
    """One line per ambition indicator and one overall: what `python -m monitor check` prints."""
    cals = calibration(engine) or {}
    out = [f"  {i:32} {c.hits:>3} of {len(c.trials):>3} inside the 80% band"
           + (f" ({c.coverage:.0%})" if c.coverage is not None else "") for i, c in cals.items()]
    total = backtest.overall(list(cals.values()))
    hits, trials = sum(c.hits for c in cals.values()), sum(len(c.trials) for c in cals.values())
    share = f" ({total:.0%})" if total is not None else ""
    out.append(f"  {'overall':32} {hits:>3} of {trials:>3}{share}")
    return out
