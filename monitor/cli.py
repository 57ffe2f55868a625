"""`python -m monitor`: the command line (README.md, "Command line").

Machine-readable output is CSV on stdout (header row, `.` decimals, no
thousands separator; a hidden cell is an empty value with `suppressed` = `true`);
messages and errors go to stderr so a pipe stays clean.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from monitor.settings import get_settings


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _scale(text: str) -> int | float:
    """`--scale`: a positive number; the refusal names the argument and what to pass instead."""
    from monitor.sample.grid import check_scale

    try:
        value: object = float(text)
    except ValueError:
        value = text  # not a number: check_scale refuses it with its message
    try:
        return check_scale(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def cmd_sample(args: argparse.Namespace) -> int:
    from pathlib import Path

    from monitor import sample

    out = Path(args.out) if args.out else get_settings().data_dir
    paths = sample.write_sample(out, seed=args.seed, until=args.until, scale=args.scale)
    for p in paths:
        _err(f"wrote {p}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from monitor import catalog, precompute

    settings = precompute.build_settings(get_settings())
    if not catalog.has_extracts(settings):
        _err(f"No extracts in {settings.data_dir}. Deliver them (see data/README.md) "
             "or write demo data with `python -m monitor sample`.")
        return 2
    frames = precompute.Frames()  # the build's after_load: each frame computed on the new catalog, timed
    try:
        report = catalog.build(settings, force=args.force, after_load=frames)
    except catalog.BuildMemoryError as exc:  # the last good catalog stays in use
        return _err(f"Build stopped: {exc}") or 1
    _err(f"Built {report.database}" if report.built else f"Catalog up to date ({report.database}); "
         "no extract or staging file changed. Use --force to rebuild.")
    wide = max((len(x.name) for x in [*report.extracts, *report.staging]), default=16)  # names in a column
    for e in report.extracts:
        line = f"{e.name:{wide}} {e.status:8} {e.rows:>10} rows"
        if e.period:
            line += f"  {e.period[0]} .. {e.period[1]}"
        _err(line)
        for p in e.problems:
            _err(f"  - {p}")
    if report.built and report.timings:
        _err(f"Extracts validated and loaded in {report.timings['extracts']:.1f} s, staging tables built "
             f"in {report.timings['staging']:.1f} s")
    for s in report.staging:
        rows = "view" if s.materialized == "view" else f"{s.rows:>10} rows"  # a view is computed when read
        took = f"{s.seconds:6.1f} s" if report.built and s.materialized == "table" and s.ok else " " * 8
        _err(f"{s.name:{wide}} {s.status:8} {rows:>15} {took}  {s.file}")
        for p in s.problems:
            _err(f"  - {p}")
    _err(precompute.frame_lines(frames if report.built else precompute.compute_frames(settings)))
    if report.ok:
        _protect_all(settings)
        _calibrate(settings)
        _err(precompute.store_projections(settings))
    if report.built:  # what changed against the previous delivery (monitor/changes.py, docs/changes.md)
        _err(record_changes(settings))
    return 0 if report.ok else 1


def _protect_all(settings) -> None:
    """Compute and store every series indicator's protected pattern now, so no page waits for it."""
    from monitor.precompute import protect_all

    _err("Disclosure protection (per indicator, stored with the catalog):")
    for ind_id, seconds, hidden, problem in protect_all(settings, release=True):
        _err(f"  {ind_id:32} not computed: {problem}" if problem else
             f"  {ind_id:32} {seconds:6.1f} s  {hidden:>6} hidden cells")


def _calibrate(settings) -> None:
    """The projection's backtest (monitor.calibration), stored with the catalog: no page waits for it."""
    from monitor import calibration
    from monitor.engine import get_engine

    engine = get_engine(settings)
    if engine.programme_or_none is not None:
        _err("Projection backtest: the realised twelve-month value 12 months after each origin, in the band?")
        _err("\n".join(calibration.lines(engine)))


def cmd_check(args: argparse.Namespace) -> int:
    from monitor import catalog, checks

    problems = checks.check_all(get_settings())
    for p in problems:
        print(p)
    if problems:
        _err(f"{len(problems)} problem(s) found.")
        return 1
    _err("All checks passed: extracts, query files and programme.yaml.")
    if catalog.has_extracts(settings := get_settings()):
        _calibrate(settings)
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    from monitor import catalog, workbench
    from monitor.catalog import worker

    settings = get_settings()
    catalog.ensure_catalog(settings, progress=_err)
    cat = catalog.open_catalog(settings)
    try:  # in a worker process with the memory, CPU and byte limits, as on the workbench page
        result = worker.run(cat, args.query, timeout=args.timeout, row_cap=args.max_rows)
    except catalog.QueryError as exc:
        _err(str(exc))
        return 2
    sys.stdout.write(workbench.to_csv(result.frame).decode("utf-8"))
    if result.byte_cap is not None:
        _err(f"Output cut at the byte cap of {result.byte_cap / 2**20:g} MB (MONITOR_RESULT_BYTES), "
             f"after {result.frame.height} rows.")
    elif result.truncated:
        _err(f"Output cut at the row cap of {result.row_cap} rows.")
    return 0


def cmd_indicators(args: argparse.Namespace) -> int:
    import polars as pl

    from monitor import checks, indicators

    settings = get_settings()
    registry = indicators.load_registry(settings.queries_dir, checks.load_programme_ids(settings))
    rows = [
        {"id": i.id, "programme": i.programme, "kind": i.kind, "measure": i.measure, "shape": i.shape,
         "unit": i.unit, "direction": i.direction, "title": i.label(args.lang)}
        for i in sorted(registry.indicators.values(), key=lambda i: (i.programme, i.id))
    ]
    sys.stdout.write(pl.DataFrame(rows).write_csv() if rows else "id\n")
    for problem in registry.problems:
        _err(str(problem))
    return 1 if registry.problems else 0


def cmd_series(args: argparse.Namespace) -> int:
    from monitor import exports, rollup
    from monitor.engine import get_engine
    from monitor.indicators import IndicatorError
    from monitor.rollup.periods import month_end, parse_month

    engine = get_engine(progress=_err)
    try:
        ind = engine.indicator(args.id)
    except KeyError as exc:
        _err(str(exc.args[0]))
        return 2
    if ind.shape == "cohort":
        frame = engine.cohort(args.id, grain=args.grain if args.grain in ("quarter", "year") else "year",
                              level=args.by)
        cohorts = frame.with_frame(frame.frame.rename({"cohort": "period"}))
        sys.stdout.write(exports.csv_plain(cohorts, columns=["period", "months_since", "area", "value",
                                                             "denominator", "suppressed"]))
        return 0
    start = parse_month(args.start) if args.start else None
    end = month_end(parse_month(args.end)) if args.end else None
    view = rollup.View(args.grain, args.by, tuple(args.area or ()), start=start, end=end, split=args.split)
    try:
        series = engine.series(args.id, view)
    except (IndicatorError, ValueError) as exc:  # a view outside the publication plan: say which
        _err(str(exc))
        return 2
    # a hidden cell: an empty value and suppressed = true (a column of its own, so spreadsheets read numbers)
    columns = ["period", "area", "group", "value", *(["denominator"] if ind.is_ratio else []), "suppressed"]
    sys.stdout.write(exports.csv_plain(series, columns=columns))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from monitor import report
    from monitor.engine import get_engine

    engine = get_engine(progress=_err)
    html = report.render(engine, term_id=args.term, lang=args.lang, period=args.period)
    if args.out == "-":
        sys.stdout.write(html)
    else:
        Path(args.out).write_text(html, encoding="utf-8")
        _err(f"wrote {args.out} ({len(html) // 1024} KiB, self-contained: open it in any browser)")
    return 0


def cmd_scorecard(args: argparse.Namespace) -> int:
    import polars as pl

    from monitor import i18n, scorecard
    from monitor.engine import get_engine

    engine = get_engine(progress=_err)
    terms = [t.id for t in engine.terms]
    if args.term and args.term not in terms:
        _err(f"Unknown term '{args.term}'. Terms in programme.yaml: {', '.join(terms)}")
        return 2
    cards = scorecard.scorecard(engine, term_id=args.term)
    titles = {c.ambition.id: i18n.pick(c.ambition.title, args.lang) for c in cards}
    out = scorecard.table(cards).with_columns(
        pl.col("ambition").replace_strict(titles),
        pl.col("status").map_elements(lambda code: i18n.t(f"status_{code}", args.lang),
                                      return_dtype=pl.String),
        pl.col(pl.Float64).round(2),
    )
    sys.stdout.write(out.write_csv())
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from monitor import indicators

    settings = get_settings()
    if not indicators.ID_PATTERN.fullmatch(args.id):
        _err(f"'{args.id}' is not a valid id: use lowercase letters, digits and underscores, "
             "starting with a letter (it becomes queries/<id>.sql).")
        return 2
    path = settings.queries_dir / f"{args.id}.sql"
    if path.exists():
        _err(f"{path} already exists; choose another id or edit that file.")
        return 2
    text = indicators.template(
        args.id, title_nl=args.title_nl or args.id, title_en=args.title_en or args.title_nl or args.id,
        description_nl=args.description_nl or "", description_en=args.description_en or "",
        kind=args.kind, programme=args.programme, measure=args.measure, unit=args.unit,
        direction=args.direction, sources=args.source or [], drivers=args.driver or [], sql_body=None,
    )
    path.write_text(text, encoding="utf-8")
    print(path)
    _err("Next: write the SELECT in that file, then run `python -m monitor check` and "
         f"`python -m monitor series {args.id}`.")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """A thin entry point: `benchmarks/` is not product code, imported only when the command runs."""
    try:
        from benchmarks import delivery
    except ModuleNotFoundError as exc:
        if exc.name != "benchmarks":
            raise
        _err("The benchmarks/ package is not importable: run `python -m monitor bench` from the "
             "repository's root folder (a checkout, not an installed package).")
        return 2
    return delivery.command(args.scales, args.phases, args.out, naive=args.naive, say=_err)


def cmd_contract(args: argparse.Namespace) -> int:
    from monitor import extracts

    print(extracts.contract_markdown())
    return 0


Command = Callable[[argparse.Namespace], int]


from monitor.cli_audit import cmd_audit, cmd_audit_disclosure  # noqa: E402
from monitor.cli_story import add_commands, period_arg, record_changes  # noqa: E402


def _parser() -> argparse.ArgumentParser:
    from monitor.indicators.model import MEASURES

    parser = argparse.ArgumentParser(
        prog="python -m monitor",
        description="Outcome monitor: build the catalog, check files, print series, run guarded SQL.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("sample", help="write deterministic demo extracts for Den Haag")
    p.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    p.add_argument("--until", help="last month included, YYYY-MM (default: last complete month)")
    p.add_argument("--scale", type=_scale, default=1,
                   help="multiply record volumes by any positive number: 0.2 sparse data, 10 benchmarks")
    p.add_argument("--out", help="folder to write to (default: the data folder)")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("build", help="validate the extracts and load the catalog")
    p.add_argument("--force", action="store_true", help="rebuild even when no extract changed")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("check", help="check extracts, query files and programme.yaml")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("sql", help="run one read-only SELECT through the guarded path, CSV out")
    p.add_argument("query", help='the SQL, e.g. "SELECT count(*) FROM debt_cases"')
    p.add_argument("--timeout", type=float, default=None, help="time limit in seconds")
    p.add_argument("--max-rows", type=int, default=None, help="row cap")
    p.set_defaults(func=cmd_sql)

    p = sub.add_parser("indicators", help="list the indicators found in the query folder (CSV)")
    p.add_argument("--lang", choices=["nl", "en"], default="nl", help="language of the titles")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("series", help="print an indicator's series as CSV, disclosure control applied")
    p.add_argument("id", help="indicator id (file name in queries/ without .sql)")
    p.add_argument("--grain", choices=["month", "quarter", "year", "term"], default="year")
    p.add_argument("--by", choices=["city", "stadsdeel", "wijk"], default="city", help="area level")
    p.add_argument("--from", dest="start", metavar="YYYY-MM", help="first month")
    p.add_argument("--to", dest="end", metavar="YYYY-MM", help="last month")
    p.add_argument("--area", action="append", help="keep only this stadsdeel or wijk_code (repeatable)")
    p.add_argument("--split", metavar="DIMENSION", help="one row per group of this dimension (city only)")
    p.set_defaults(func=cmd_series)

    p = sub.add_parser("report", help="write the self-contained HTML progress report for the council")
    p.add_argument("--term", help="term id from programme.yaml (default: the current term)")
    p.add_argument("--lang", choices=["nl", "en"], default="nl")
    p.add_argument("--out", default="voortgangsrapportage.html", help="file to write, or - for stdout")
    p.add_argument("--period", type=period_arg, help="story behind the curve of, e.g. 2026-Q3")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("scorecard", help="the scorecard as CSV, one row per ambition, disclosure applied")
    p.description = ("One row per ambition: ambition (title in --lang), indicator (id), status (the card's "
                     "word in --lang), current, year_earlier (empty when hidden), change, target, "
                     "target_date, trajectory_now, projection and its 80% band at target_date, "
                     "reaches_target, as_of, baseline, wrong_way_targets (the years of targets on the "
                     "worse side of the baseline or of the target before them, space-separated).")
    p.add_argument("--term", help="term id from programme.yaml (default: the current term)")
    p.add_argument("--lang", choices=["nl", "en"], default="nl", help="language of titles and status words")
    p.set_defaults(func=cmd_scorecard)

    p = sub.add_parser("new", help="write a new query file queries/ID.sql from the template")
    p.add_argument("id", help="indicator id: lowercase letters, digits, underscores")
    p.add_argument("--title-nl")
    p.add_argument("--title-en")
    p.add_argument("--description-nl")
    p.add_argument("--description-en")
    p.add_argument("--kind", choices=["outcome", "output", "context"], default="output")
    p.add_argument("--programme", required=True, help="a programme id from programme.yaml")
    p.add_argument("--measure", choices=list(MEASURES), default="count")
    p.add_argument("--unit", default="personen")
    p.add_argument("--direction", choices=["up", "down", "none"], default="up")
    p.add_argument("--source", action="append", help="extract it reads (repeatable)")
    p.add_argument("--driver", action="append", help="output indicator behind an outcome (repeatable)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("bench", help="benchmark a delivery into docs/benchmarks.md (needs a checkout)")
    p.add_argument("--scales", default="1,10", help="comma-separated demo scales (default 1,10; 100: long)")
    p.add_argument("--phases", default="all", help="subset of sample,bare,build,after_build,scorecard,pages")
    p.add_argument("--naive", action="store_true", help="indicators against a naive pandas baseline instead")
    p.add_argument("--out", help="default docs/benchmarks.md; with --naive bench-results/engine.json")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("load", help="load figures without a browser into docs/load.md (needs a checkout)")
    p.add_argument("rest", nargs=argparse.REMAINDER, help="the arguments of python -m benchmarks.load")
    p.set_defaults(func=lambda a: __import__("benchmarks.load.__main__", fromlist=["main"]).main(a.rest))

    p = sub.add_parser("audit-disclosure", help="solve for each hidden small cell from every published view "
                       "(linear programming); exit 1 when one is exposed")
    p.add_argument("id", nargs="*", help="indicator ids (default: every series indicator)")
    p.add_argument("--width", type=float, default=None,
                   help="protection width: an interval narrower than this exposes a cell (default: k)")
    p.set_defaults(func=cmd_audit_disclosure)

    p = sub.add_parser("audit", help="read the audit trail: sign-ins, queries, downloads, refusals")
    p.add_argument("--since", help="from this day on (YYYY-MM-DD)")
    p.add_argument("--user", help="only this user's events (e-mail address, case-insensitive)")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("contract", help="print the extract contract as Markdown (data/README.md)")
    p.set_defaults(func=cmd_contract)
    add_commands(sub)  # commentary export|import, changes (monitor/cli_story.py)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    func: Command = args.func
    return func(args)
