"""The story behind the curve and what changed, on the command line.

- `commentary export --period P --out DIR`: one Markdown file per period, for a team's review;
- `commentary import FILE... --author EMAIL`: read them back, each changed story a new version;
- `changes [--since DATE] [--format text|csv|json]`: the change log, for a mail job (docs/changes.md).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from pathlib import Path

from monitor.cli import _err
from monitor.settings import get_settings


def period_arg(text: str) -> str:
    """A reporting period code (`--period`); the refusal says how to write one."""
    from monitor import commentary

    try:
        commentary.bounds(text)
    except commentary.CommentaryError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text.strip()


def add_commands(sub) -> None:
    """Register `commentary` and `changes` on the main parser's subcommands."""
    p = sub.add_parser("commentary", help="export or import the story behind the curve as Markdown")
    what = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    e = what.add_parser("export", help="one Markdown file per period (default: every period with a story)")
    e.add_argument("--period", action="append", help="a period code such as 2026-Q3 (repeatable)")
    e.add_argument("--out", default="commentary", help="folder to write to (default: commentary/)")
    e.add_argument("--lang", choices=["nl", "en"], default="nl", help="language of the headings")
    e.set_defaults(func=cmd_export)
    i = what.add_parser("import", help="read exported files back; a story changed since is refused")
    i.add_argument("files", nargs="+", help="Markdown files written by `commentary export`")
    i.add_argument("--author", required=True, help="who made the changes (e-mail address; history and audit)")
    i.set_defaults(func=cmd_import)

    p = sub.add_parser("changes", help="what changed with each delivery, newest first (for a mail job)")
    p.add_argument("--since", help="deliveries built on or after this day (YYYY-MM-DD)")
    p.add_argument("--format", choices=["text", "csv", "json"], default="text")
    p.add_argument("--lang", choices=["nl", "en"], default="nl", help="language of the text format")
    p.set_defaults(func=cmd_changes)


def _ambitions() -> dict[str, object]:
    from monitor.programme import load_programme

    pf = load_programme(get_settings().programme_file)
    return {a.id: a.title for a in pf.ambitions.values()}


def cmd_export(args: argparse.Namespace) -> int:
    from monitor import commentary, commentary_files

    settings = get_settings()
    periods = args.period or sorted({e.period for e in commentary.stories(settings)},
                                    key=commentary.period_order)
    if not periods:
        _err("No commentary yet: pass --period (e.g. 2026-Q3) to write a file to fill in.")
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    titles = _ambitions()
    for period in periods:
        try:
            text = commentary_files.export_text(settings, period, titles, args.lang)
        except commentary.CommentaryError as exc:
            _err(f"--period: {exc}")
            return 2
        path = out / f"commentary-{period}.md"
        path.write_text(text, encoding="utf-8")
        _err(f"wrote {path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from monitor import commentary_files

    settings = get_settings()
    known = set(_ambitions())
    conflicts = 0
    for name in args.files:
        try:
            outcome = commentary_files.import_file(settings, Path(name), author=args.author, known=known)
        except (OSError, commentary_files.FileError) as exc:
            _err(str(exc))
            return 2
        for line in outcome.saved:
            _err(f"saved {line}")
        for line in outcome.conflicts:
            _err(f"NOT saved {line}")
        _err(f"{name}: {len(outcome.saved)} saved, {len(outcome.unchanged)} unchanged, "
             f"{len(outcome.conflicts)} changed in the monitor since the export")
        conflicts += len(outcome.conflicts)
    return 1 if conflicts else 0


def cmd_changes(args: argparse.Namespace) -> int:
    from monitor import catalog, changes, changes_text
    from monitor.engine import get_engine

    try:
        since = dt.date.fromisoformat(args.since) if args.since else None
    except ValueError:
        _err(f"--since {args.since!r} is not a date; write it as YYYY-MM-DD")
        return 2
    settings = get_settings()
    engine = None
    if catalog.read_report(settings) is not None and catalog.has_extracts(settings):
        engine = get_engine(settings, progress=_err)  # never demo data for a mail job: only a built catalog
        changes.record(engine)  # the catalog in use, when no build recorded it yet
    entries = changes.log(settings, since)
    if args.format == "json":
        json.dump(entries, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    if args.format == "csv":
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(["built_at", "as_of", "catalog_version", "kind", "subject", "before", "after", "change",
                    "detail"])
        for e in entries:
            for item in e["items"]:
                w.writerow([e["built_at"], e["as_of"], e["catalog_version"], item["kind"], item["subject"],
                            *("" if item[k] is None else item[k] for k in ("before", "after", "change")),
                            item["detail"]])
        return 0
    if not entries:
        return 0
    if engine is None:
        engine = get_engine(settings, progress=_err)
    titles = {a.id: a.title for a in engine.programme.ambitions.values()}
    for e in entries:
        print(changes_text.heading(e, args.lang))
        section = None
        for key, line in changes_text.lines(e, args.lang, titles, engine.registry.indicators):
            if key != section:
                print(f"\n  {changes_text.t(key, args.lang)}")
                section = key
            print(f"  - {line.replace('**', '')}")
        print()
    return 0


def record_changes(settings) -> str:
    """After `monitor build`: this delivery's changes against the previous one, as one line for stderr."""
    from monitor import changes
    from monitor.engine import get_engine

    entry = changes.record(get_engine(settings))
    if entry is None:
        return "Changes: this catalog version was recorded before."
    kinds = [i["kind"] for i in entry["items"]]
    counts = ", ".join(f"{k} {kinds.count(k)}" for k in dict.fromkeys(kinds)) or "nothing changed"
    return f"Changes against the previous delivery (python -m monitor changes): {counts}"
