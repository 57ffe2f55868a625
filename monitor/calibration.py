"""The backtest of every ambition's projection, run once per catalog and stored beside it.

Each of the ~170 fits takes a twentieth of a second (more on a busy machine), so the figure
is computed by `python -m monitor build` (and by `check`, or the first surface that needs it)
and kept as JSON in the catalog folder, keyed on everything it depends on: the catalog
version, k, programme.yaml, the indicators' SQL and the model's settings. A page then reads it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from importlib.metadata import version

from monitor import i18n, scorecard
from monitor.engine import Engine
from monitor.programme import backtest
from monitor.programme.projection import PATHS, SEED

STORE = "calibration.json"


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


def calibration(engine: Engine) -> dict[str, backtest.Calibration]:
    """The rolling-origin backtest per ambition indicator (both terms), from the store or computed."""
    def load_or_compute() -> dict[str, backtest.Calibration]:
        pairs = _pairs(engine)
        key = _key(engine, list(pairs))
        path = engine.settings.catalog_dir / STORE
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            if stored.get("key") == key:
                return {i: backtest.Calibration(tuple(
                    backtest.Trial(dt.date.fromisoformat(o), lo, hi, r) for o, lo, hi, r in trials))
                    for i, trials in stored["indicators"].items()}
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            pass  # absent or from an older version: compute afresh
        result = _compute(engine, pairs)
        data = {"key": key, "indicators": {i: [[t.origin.isoformat(), t.low, t.high, t.realised]
                                               for t in c.trials] for i, c in result.items()}}
        with contextlib.suppress(OSError):  # a read-only catalog folder: computed each run instead
            path.write_text(json.dumps(data), encoding="utf-8")
        return result
    return dict(engine.memo(("calibration",), load_or_compute))


def words(engine: Engine, lang: str) -> str:
    """The backtest's figure as the "how is this computed" paragraph (label `how_computed_backtest`)."""
    cals = list(calibration(engine).values())
    trials = sum(len(c.trials) for c in cals)
    if not trials:
        return ""
    hits = sum(c.hits for c in cals)
    return i18n.t("how_computed_backtest", lang, origins=backtest.ORIGINS, hits=hits, trials=trials,
                  coverage=i18n.percent(100 * hits / trials, lang, 0))


def lines(engine: Engine) -> list[str]:
    """One line per ambition indicator and one overall: what `python -m monitor check` prints."""
    cals = calibration(engine)
    out = [f"  {i:32} {c.hits:>3} of {len(c.trials):>3} inside the 80% band"
           + (f" ({c.coverage:.0%})" if c.coverage is not None else "") for i, c in cals.items()]
    total = backtest.overall(list(cals.values()))
    hits, trials = sum(c.hits for c in cals.values()), sum(len(c.trials) for c in cals.values())
    share = f" ({total:.0%})" if total is not None else ""
    out.append(f"  {'overall':32} {hits:>3} of {trials:>3}{share}")
    return out
