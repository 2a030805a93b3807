"""``python -m pipelines``: fetch, load, rebuild and inspect the warehouse.

Each command prints a one-line summary and exits 0, or prints one line saying what went wrong
(no network, captcha, a broken page, ...) and exits non-zero. ``--warehouse`` (env
``VILKA_WAREHOUSE``) is accepted by every command.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from pipelines import config, warehouse
from pipelines.flatten import merge_details, search_pages_frame, vacancy_details_frame
from pipelines.normalise import dictionary_rates, normalise


class CommandFailed(Exception):
    """A failure the user can act on; its message is the one line the CLI prints."""


def _rates(raw_root: Path) -> dict[str, float] | None:
    """Rates from the newest fetched ``/dictionaries``; None → the shipped copy."""
    stored = sorted((raw_root / "hh" / "dictionaries").glob("*.json"))
    return dictionary_rates(stored[-1]) if stored else None


def load_snapshot(wh: Path) -> warehouse.LoadResult:
    """The embedded default dataset through the normaliser into the warehouse."""
    if not config.SNAPSHOT_FILE.exists():
        raise CommandFailed(f"embedded snapshot missing: {config.SNAPSHOT_FILE}")
    raw = pd.read_parquet(config.SNAPSHOT_FILE)
    frame = normalise(raw)
    con = warehouse.connect(wh)
    try:
        return warehouse.load(con, frame, source="snapshot", note=config.SNAPSHOT_FILE.name)
    finally:
        con.close()


def _hh_raw_frame(pages: Sequence[Path], details: Sequence[Path]) -> pd.DataFrame:
    try:
        return merge_details(search_pages_frame(pages), vacancy_details_frame(details))
    except ValueError as exc:
        raise CommandFailed(str(exc)) from exc


def cmd_load_snapshot(args: argparse.Namespace) -> str:
    r = load_snapshot(args.warehouse)
    return (f"snapshot loaded: {r.rows_in} rows in, {r.rows_new} new, {r.rows_replaced} replaced, "
            f"{r.duplicates_in_batch} duplicates collapsed; warehouse holds {r.total_rows} rows")


def cmd_rebuild(args: argparse.Namespace) -> str:
    """A fresh warehouse from the snapshot plus every raw page kept under data/raw, swapped in
    only when complete, so a failed rebuild leaves the old warehouse untouched."""
    from pipelines.harvest import iter_raw_details, iter_raw_search_pages

    raw_root = config.raw_dir()
    target = Path(args.warehouse)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".rebuild-", suffix=".duckdb", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        load_snapshot(tmp)
        pages, details = list(iter_raw_search_pages(raw_root)), list(iter_raw_details(raw_root))
        loaded = 0
        if pages or details:
            frame = normalise(_hh_raw_frame(pages, details), rates=_rates(raw_root))
            con = warehouse.connect(tmp)
            try:
                loaded = warehouse.load(con, frame, source="hh", note=f"rebuild from {raw_root}").rows_in
            finally:
                con.close()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    con = warehouse.connect(target, read_only=True)
    total = con.execute("SELECT count(*) FROM vacancies").fetchone()[0]
    con.close()
    return (f"rebuilt {target}: snapshot + {len(pages)} raw search pages and {len(details)} details "
            f"({loaded} rows); {total} rows")


def cmd_fetch_hh(args: argparse.Namespace) -> str:
    from tqdm import tqdm

    from pipelines.harvest import SearchQuery, harvest
    from pipelines.sources import hh

    raw_root = config.raw_dir()
    # The window is pinned to the hour: a killed run restarted within the hour resumes the same
    # query (same raw folder, pages on disk reused); a later run asks hh.ru for what is new.
    window_end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    query = SearchQuery(text=args.text, areas=tuple(args.area or ()), roles=tuple(args.role or ()),
                        date_from=args.since or window_end - timedelta(days=30), date_to=window_end)
    started = time.monotonic()
    bar = tqdm(desc="hh.ru pages", unit="page", disable=not sys.stderr.isatty())

    def progress(done: int, total: int) -> None:
        bar.total = max(total, done)
        bar.n = done
        bar.refresh()

    try:
        with hh.HHClient() as client:
            try:
                payload, body = client.dictionaries()
                dest = raw_root / "hh" / "dictionaries" / f"{datetime.now(UTC):%Y-%m-%d}.json"
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(body)
            except hh.HHError:
                pass  # the shipped dictionaries are the fallback; the search itself reports errors
            result = harvest(client, query, raw_root, details=args.details, progress=progress)
    except hh.HHError as exc:
        raise CommandFailed(str(exc)) from exc
    finally:
        bar.close()
    frame = normalise(_hh_raw_frame(result.pages, result.details), rates=_rates(raw_root))
    con = warehouse.connect(args.warehouse)
    try:
        r = warehouse.load(con, frame, source="hh", note=f"fetch-hh text={args.text!r}")
    finally:
        con.close()
    return (f"hh.ru: {result.pages_fetched} pages fetched, {result.pages_reused} reused, "
            f"{len(result.details)} details; {r.rows_in} rows in, {r.rows_new} new, "
            f"{r.rows_replaced} updated; warehouse holds {r.total_rows} rows "
            f"({time.monotonic() - started:.1f} s)")


def cmd_status(args: argparse.Namespace) -> str:
    if not Path(args.warehouse).exists():
        raise CommandFailed(f"no warehouse at {args.warehouse}: run `python -m pipelines load-snapshot`")
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
        raise CommandFailed("classification failed")
    return ""


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
    s = sub.add_parser("load-snapshot", parents=[common], help="load the embedded default dataset")
    s.set_defaults(func=cmd_load_snapshot)
    r = sub.add_parser("rebuild", parents=[common], help="rebuild the warehouse from the snapshot and data/raw")
    r.set_defaults(func=cmd_rebuild)
    st = sub.add_parser("status", parents=[common], help="what the warehouse holds")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=cmd_status)
    c = sub.add_parser("classify", parents=[common], help="classify titles read from stdin, one per line")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_classify)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.warehouse = config.warehouse_path(args.warehouse)
    try:
        out = args.func(args)
    except CommandFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: nothing half-loaded; re-run to resume", file=sys.stderr)
        return 130
    if out:
        print(out)
    return 0
