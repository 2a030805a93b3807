"""``python -m pipelines``: fetch, load, rebuild and inspect the warehouse.

Each command prints a one-line summary and exits 0, or prints one line saying what went wrong
(no network, captcha, a broken page, ...) and exits non-zero. ``--warehouse`` (env
``VILKA_WAREHOUSE``) is accepted by every command.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pipelines import config, jobs, warehouse


def cmd_load_snapshot(args: argparse.Namespace) -> str:
    r = jobs.load_snapshot(args.warehouse)
    return (f"snapshot loaded: {r.rows_in} rows in, {r.rows_new} new, {r.rows_replaced} replaced, "
            f"{r.duplicates_in_batch} duplicates collapsed; warehouse holds {r.total_rows} rows")


def cmd_rebuild(args: argparse.Namespace) -> str:
    """``--engine duckdb`` (default): today's rebuild of the DuckDB warehouse, and with ``--lake``
    the same data exported as a Parquet lake. ``--engine spark``: the rebuild on Spark straight into
    the lake (``--lake``, else ``--warehouse`` when it names a directory; see pipelines/lake.py)."""
    if args.engine == "spark":
        try:
            import pyspark  # noqa: F401

            from pipelines import spark_rebuild
        except ImportError as exc:
            raise jobs.JobFailed("pyspark is not installed: pip install -r requirements-dev.txt "
                                 "(or the extra: pip install '.[spark]')") from exc
        target = args.lake or (args.warehouse if args.warehouse.suffix != ".duckdb" else None)
        if target is None:
            raise jobs.JobFailed("--engine spark writes a Parquet lake: give --lake PATH")
        return spark_rebuild.rebuild(target, raw=args.raw or config.raw_dir(), master=args.master or "local[*]")
    if args.master:
        raise jobs.JobFailed("--master is for --engine spark")
    if args.raw:
        import os

        os.environ["VILKA_RAW_DIR"] = str(args.raw)
    out = jobs.rebuild(Path(args.warehouse))
    if args.lake:
        from pipelines import lake

        m = lake.export_warehouse(args.warehouse, args.lake)
        out += f"; lake {args.lake}: {m['rows']} rows"
    return out


def cmd_fetch_hh(args: argparse.Namespace) -> str:
    from tqdm import tqdm

    bar = tqdm(desc="hh.ru pages", unit="page", disable=not sys.stderr.isatty())

    def progress(done: int, total: int) -> None:
        bar.total = max(total, done)
        bar.n = done
        bar.refresh()

    try:
        summary = jobs.fetch_hh(args.warehouse, args.text, args.area or (), args.role or (),
                                args.since, args.details, progress)
    finally:
        bar.close()
    for w in summary.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return summary.line()


def cmd_fetch_trudvsem(args: argparse.Namespace) -> str:
    from tqdm import tqdm

    from pipelines.sources.trudvsem import fetch_trudvsem

    bar = tqdm(desc="Работа России pages", unit="page", disable=not sys.stderr.isatty())

    def progress(done: int, total: int) -> None:
        bar.total = max(total, done)
        bar.n = done
        bar.refresh()

    try:
        summary = fetch_trudvsem(args.warehouse, args.region or (), args.text, args.since, progress)
    finally:
        bar.close()
    for w in summary.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return summary.line()


def cmd_status(args: argparse.Namespace) -> str:
    if not Path(args.warehouse).exists():
        raise jobs.JobFailed(f"no warehouse at {args.warehouse}: run `python -m pipelines load-snapshot`")
    con = warehouse.connect(args.warehouse, read_only=True)
    try:
        if args.json:
            return warehouse.status_json(con)
        s = warehouse.status(con)
    finally:
        con.close()
    lines = [f"warehouse {args.warehouse}: {s['total_rows']} rows"]
    for src in s["sources"]:
        lines.append(f"  {src['source']:<10} {src['rows']:>9} rows, {src['usable']} usable for pay statistics, "
                     f"published {str(src['published_from'])[:10]} … {str(src['published_to'])[:10]}")
    lines.append("  flagged: " + ", ".join(f"{k} {v}" for k, v in s["flagged"].items()))
    if s["last_load"]:
        ll = s["last_load"]
        lines.append(f"  last load #{ll['load_id']} ({ll['source']}) at {ll['finished_at']}: "
                     f"{ll['rows_in']} in, {ll['rows_new']} new, {ll['rows_replaced']} replaced")
    return "\n".join(lines)


def cmd_classify(args: argparse.Namespace) -> str:
    from pipelines.classify import classify_cli

    rc = classify_cli((line.rstrip("\n") for line in sys.stdin), sys.stdout, args.json)
    if rc:
        raise jobs.JobFailed("classification failed")
    return ""


def cmd_import(args: argparse.Namespace) -> str:
    """People's own hh.ru dumps (JSON items, flattened or six-column CSV, SQLite; gzip or not)."""
    from pipelines import dumps

    try:
        result = dumps.import_dumps(args.files, args.warehouse, args.format, args.dataset,
                                    rates=jobs._rates(config.raw_dir()))
    except dumps.ImportFailed as exc:
        if args.json:
            import json

            print(json.dumps({"loaded": False, "warehouse": str(args.warehouse),
                              "errors": [{"file": e.path, "error": e.cause} for e in exc.errors]},
                             ensure_ascii=False, indent=2))
        raise
    return result.json() if args.json else result.text()


def cmd_refresh(args: argparse.Namespace) -> str:
    """The whole market (or --regions × --professions) from hh.ru, and Работа России when asked."""
    from tqdm import tqdm

    from pipelines import refresh

    bar = tqdm(desc="refresh", unit="page", disable=not sys.stderr.isatty())

    def progress(p: refresh.Progress) -> None:
        bar.total = max(p.pages_total, p.pages_done)
        bar.n = p.pages_done
        bar.set_postfix_str(f"{p.stage} region {min(p.regions_done + 1, p.regions_total)}/{p.regions_total}, "
                            f"{p.vacancies} vacancies, {p.requests} requests", refresh=False)
        bar.refresh()

    if args.since and args.new_only:
        raise jobs.JobFailed("--since and --new-only exclude each other: --new-only starts from the last refresh")
    options = refresh.Options(since=args.since, regions=tuple(args.regions), professions=tuple(args.professions),
                              sources=tuple(args.sources), new_only=args.new_only)
    try:
        summary = refresh.run(args.warehouse, options, progress)
    finally:
        bar.close()
    for w in summary.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return summary.to_json() if args.json else summary.line()


def _csv(value: str) -> list[str]:
    """``a,b`` → [a, b]; repeated flags add up (``--regions RU-MOW --regions RU-SPE``)."""
    return [v.strip() for v in value.split(",") if v.strip()]


def _extend(values: list[list[str]] | None) -> list[str]:
    return [v for group in values or [] for v in group]


def _date(value: str) -> datetime:
    try:
        d = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--warehouse", type=Path, default=None,
                        help="DuckDB file (env VILKA_WAREHOUSE, default data/warehouse.duckdb)")
    p = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter, parents=[common])
    sub = p.add_subparsers(dest="command", required=True)
    f = sub.add_parser("fetch-hh", parents=[common], help="harvest hh.ru vacancies into the warehouse")
    f.add_argument("--text", required=True, help="search text, e.g. 'аккаунт-менеджер'")
    f.add_argument("--area", action="append", help="hh area id (repeatable), e.g. 1 = Moscow, 88 = Kazan")
    f.add_argument("--role", action="append", help="hh professional_role id (repeatable)")
    f.add_argument("--since", type=_date, help="published on or after this date (YYYY-MM-DD)")
    f.add_argument("--details", action="store_true", help="also fetch each vacancy (key skills)")
    f.set_defaults(func=cmd_fetch_hh)
    tv = sub.add_parser("fetch-trudvsem", parents=[common], help="harvest Работа России vacancies")
    tv.add_argument("--region", action="append", help="13-digit region code (repeatable), e.g. 1600000000000")
    tv.add_argument("--text", help="search text")
    tv.add_argument("--since", type=_date, help="modified on or after this date (YYYY-MM-DD)")
    tv.set_defaults(func=cmd_fetch_trudvsem)
    s = sub.add_parser("load-snapshot", parents=[common], help="load the embedded default dataset")
    s.set_defaults(func=cmd_load_snapshot)
    r = sub.add_parser("rebuild", parents=[common], help="rebuild the warehouse from the snapshot and data/raw")
    r.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb",
                   help="duckdb (default): the DuckDB warehouse; spark: a Parquet lake built by Spark")
    r.add_argument("--master", default=None,
                   help="Spark master for --engine spark: local[*] (default), spark://host:7077, k8s://…")
    r.add_argument("--raw", default=None,
                   help="raw pages to rebuild from (default: env VILKA_RAW_DIR, else data/raw); "
                        "with --engine spark any path Spark can read")
    r.add_argument("--lake", type=Path, default=None,
                   help="write the Parquet lake here (a directory; the app reads it as VILKA_WAREHOUSE)")
    r.set_defaults(func=cmd_rebuild)
    st = sub.add_parser("status", parents=[common], help="what the warehouse holds")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=cmd_status)
    im = sub.add_parser("import", parents=[common], help="import hh.ru dumps (JSON, CSV, SQLite; gzip or not)")
    im.add_argument("files", nargs="+", type=Path, metavar="FILE")
    im.add_argument("--format", default="auto", choices=["auto", "hh-json", "hh-csv", "hh-sqlite"],
                    help="the files' shape (default: sniffed from the content)")
    im.add_argument("--dataset", help="a name for the rows' origin (default: the file name)")
    im.add_argument("--json", action="store_true")
    im.set_defaults(func=cmd_import)
    rf = sub.add_parser("refresh", parents=[common],
                        help="refresh the market: every mapped hh role in every region (closes what is gone)")
    rf.add_argument("--since", type=_date, help="only vacancies published on or after this date; closes nothing")
    rf.add_argument("--regions", type=_csv, action="append",
                    help="ISO codes or hh area ids, comma-separated (default: all 89 subjects)")
    rf.add_argument("--professions", type=_csv, action="append",
                    help="profession ids of professions.yaml, comma-separated (default: all with hh_roles)")
    rf.add_argument("--sources", type=_csv, default=["hh"], help="hh, trudvsem or hh,trudvsem (default: hh)")
    rf.add_argument("--new-only", action="store_true",
                    help="only what was published since the last finished refresh (minus 2 h); closes nothing")
    rf.add_argument("--json", action="store_true", help="print the summary as JSON")
    rf.set_defaults(func=cmd_refresh)
    c = sub.add_parser("classify", parents=[common], help="classify titles read from stdin, one per line")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_classify)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        args.warehouse = config.warehouse_path(args.warehouse)
    except ValueError as exc:  # a bad VILKA_* value: its name and value in one line
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command == "refresh":
        args.regions, args.professions = _extend(args.regions), _extend(args.professions)
    try:
        out = args.func(args)
    except jobs.JobFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, warehouse.DatabaseError) as exc:
        print(f"error: {warehouse.describe_error(args.warehouse, exc)}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: nothing half-loaded; re-run to resume", file=sys.stderr)
        return 130
    if out:
        print(out)
    return 0
