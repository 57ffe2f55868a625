"""The two audits of the command line: `monitor audit-disclosure` (can a hidden cell be narrowed down
from what is published?) and `monitor audit` (the access audit trail: who saw and did what)."""

from __future__ import annotations

import argparse

from monitor.cli import _err
from monitor.settings import get_settings


def cmd_audit_disclosure(args: argparse.Namespace) -> int:
    import time

    from monitor import audit
    from monitor.engine import get_engine

    engine = get_engine(progress=_err)
    ids = args.id or sorted(i.id for i in engine.registry.indicators.values() if i.shape != "cohort")
    exposed = 0
    for ind_id in ids:
        try:
            engine.indicator(ind_id)
        except KeyError as exc:
            _err(str(exc.args[0]))
            return 2
        started = time.perf_counter()
        results = audit.audit_indicator(engine, ind_id, width=args.width)
        print(f"{ind_id} ({time.perf_counter() - started:.1f} s)")
        for r in results:
            exposed += r.exposed
            print(f"  {r.column}: {r.hidden} hidden cells, {r.primary} rest on fewer than k people; "
                  f"{r.exact} recoverable exactly, {r.narrow} to within {r.width:g}")
            for e in r.worst:
                print(f"    {e.grain} {e.period} {e.level} {e.area}: between {e.low:g} and {e.high:g} "
                      f"(true {e.true:g}); from {'; '.join(e.exposed_by) or '-'}")
        if not results:
            print("  no cells")
    if exposed:
        _err(f"{exposed} hidden cell(s) can be narrowed down from the published views.")
        return 1
    _err("No hidden cell resting on fewer than k people can be narrowed down from the published views.")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """The audit trail as JSON lines (one event per line), oldest first."""
    import datetime as dt
    import json

    from monitor import trail

    try:
        since = dt.date.fromisoformat(args.since) if args.since else None
    except ValueError:
        _err(f"--since {args.since!r} is not a date; write it as YYYY-MM-DD")
        return 2
    folder = get_settings().audit_dir
    if not folder.is_dir():
        _err(f"No audit trail in {folder} yet (set MONITOR_AUDIT_DIR to where the servers write it).")
        return 0
    for line in trail.read(folder, since=since, user=args.user):
        print(json.dumps(line, ensure_ascii=False))
    return 0
