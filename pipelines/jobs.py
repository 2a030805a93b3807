"""The pipeline's jobs as functions: what the CLI commands and the Data page's refresh button run.

Each job ends with the warehouse either fully updated or untouched, and returns a small summary;
failures the user can act on are raised as ``JobFailed`` with a one-line message.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from pipelines import config, warehouse
from pipelines.flatten import merge_details, search_pages_frame, vacancy_details_frame
from pipelines.normalise import dictionary_rates, normalise

Progress = Callable[[int, int], None]


class JobFailed(Exception):
    """A failure the user can act on; its message is one plain line."""


def rates(raw_root: Path) -> dict[str, float] | None:
    """Rates from the newest fetched ``/dictionaries``; None → the shipped copy."""
    stored = sorted((raw_root / "hh" / "dictionaries").glob("*.json"))
    return dictionary_rates(stored[-1]) if stored else None


_rates = rates


def hh_raw_frame(pages: Sequence[Path], details: Sequence[Path]) -> pd.DataFrame:
    try:
        return merge_details(search_pages_frame(pages), vacancy_details_frame(details))
    except ValueError as exc:
        raise JobFailed(str(exc)) from exc


def _load(wh: Path, frame: pd.DataFrame, source: str, note: str,
          seen_at: datetime | None = None) -> warehouse.LoadResult:
    """One load as one new version of the warehouse (``warehouse.writing``): readers never wait."""
    with warehouse.writing(wh) as con:
        return warehouse.load(con, frame, source=source, note=note, seen_at=seen_at)


def _snapshot_into(con, frame: pd.DataFrame) -> warehouse.LoadResult:
    from pipelines.sources import rosstat

    result = warehouse.load(con, frame, "snapshot", config.SNAPSHOT_FILE.name)
    warehouse.load_official_wages(con, rosstat.official_wages())
    return result


def _snapshot_frame() -> pd.DataFrame:
    if not config.SNAPSHOT_FILE.exists():
        raise JobFailed(f"embedded snapshot missing: {config.SNAPSHOT_FILE}")
    return normalise(pd.read_parquet(config.SNAPSHOT_FILE))


def load_snapshot(wh: Path) -> warehouse.LoadResult:
    """The embedded default dataset through the normaliser into the warehouse, with the shipped
    official wages (Rosstat) beside it — both in one new version, so never one without the other."""
    frame = _snapshot_frame()
    with warehouse.writing(wh) as con:
        return _snapshot_into(con, frame)


@dataclass(frozen=True)
class FetchSummary:
    pages_fetched: int
    pages_reused: int
    details: int
    rows_in: int
    rows_new: int
    rows_replaced: int
    total_rows: int
    seconds: float
    warnings: tuple[str, ...]

    def line(self) -> str:
        return (f"hh.ru: {self.pages_fetched} pages fetched, {self.pages_reused} reused, "
                f"{self.details} details; {self.rows_in} rows in, {self.rows_new} new, "
                f"{self.rows_replaced} updated; warehouse holds {self.total_rows} rows ({self.seconds:.1f} s)")


def fetch_hh(wh: Path, text: str, areas: Sequence[str] = (), roles: Sequence[str] = (),
             since: datetime | None = None, details: bool = False,
             progress: Progress | None = None,
             on_page: Callable[[dict], None] | None = None) -> FetchSummary:
    """Harvest an hh.ru search (raw pages kept under data/raw), normalise it and load it.

    The window is pinned to the hour: a killed run restarted within the hour resumes the same
    query (same raw folder, pages on disk reused); a later run asks hh.ru for what is new. The rows
    are a live sighting at the job's start (``first_seen_at``/``last_seen_at``); a text search is
    not a sweep of any slice, so it closes nothing.
    """
    from pipelines.harvest import SearchQuery, harvest
    from pipelines.refresh import _store_dictionaries
    from pipelines.sources import hh

    raw_root = config.raw_dir()
    seen_at = datetime.now(UTC)
    window_end = seen_at.replace(minute=0, second=0, microsecond=0)
    query = SearchQuery(text=text, areas=tuple(areas), roles=tuple(roles),
                        date_from=since or window_end - timedelta(days=30), date_to=window_end)
    started = time.monotonic()
    try:
        with hh.HHClient() as client:
            _store_dictionaries(client, raw_root)  # offline fails here, at once
            result = harvest(client, query, raw_root, details=details, progress=progress, on_page=on_page)
    except hh.NetworkError as exc:
        raise JobFailed(f"no network (нет сети): {str(exc).replace('no network or ', '')}") from exc
    except hh.HHError as exc:
        raise JobFailed(str(exc)) from exc
    frame = normalise(hh_raw_frame(result.pages, result.details), rates=_rates(raw_root))
    r = _load(wh, frame, "hh", f"fetch-hh text={text!r}", seen_at=seen_at)
    return FetchSummary(result.pages_fetched, result.pages_reused, len(result.details), r.rows_in,
                        r.rows_new, r.rows_replaced, r.total_rows, time.monotonic() - started,
                        tuple(result.warnings))


def _query_seen_at(qdir: Path) -> datetime:
    """When a fetch-hh query was harvested: its pinned window end, else its state file's time."""
    try:
        to = json.loads((qdir / "state.json").read_text("utf-8"))["query"].get("date_to")
        if to:
            return datetime.fromisoformat(to)
    except (OSError, ValueError, KeyError):
        pass
    return datetime.fromtimestamp(qdir.stat().st_mtime, UTC)


def _replay_plan(raw_root: Path) -> list[tuple[datetime, list[Path], dict | None]]:
    """Every stored hh search page grouped as it was harvested, in time order: each finished
    refresh run at its start (with the run when it may close again: only if every one of its
    queries still has its pages — closing on the word of pruned pages would close what that sweep
    did see), each other query at its harvest time. Pages of unfinished runs wait for their run."""
    from pipelines.harvest import iter_raw_search_pages
    from pipelines.refresh import finished_runs

    runs = finished_runs(raw_root)
    run_of = {key: r for r in runs for key in r["queries"].values()}
    unfinished = set()
    for path in (raw_root / "refresh" / "runs").glob("*.json"):
        r = json.loads(path.read_text("utf-8"))
        unfinished |= set() if r["done"] else set(r["queries"].values())
    groups: dict[str, list[Path]] = {}
    for page in iter_raw_search_pages(raw_root):
        groups.setdefault(page.parent.parent.name, []).append(page)
    events: dict[str, tuple[datetime, list[Path], dict | None]] = {}
    for key, pages in groups.items():
        if key in run_of:
            r = run_of[key]
            whole = set(r["queries"].values()) <= set(groups)
            seen, bucket = datetime.fromisoformat(r["started_at"]), r["run_id"]
            events.setdefault(bucket, (seen, [], r if whole else None))[1].extend(pages)
        elif key not in unfinished:
            events[key] = (_query_seen_at(pages[0].parent.parent), pages, None)
    return sorted(events.values(), key=lambda e: e[0])


def rebuild(target: Path) -> str:
    """A fresh warehouse from the snapshot plus every raw page kept under data/raw, made current
    only when complete (``warehouse.writing(fresh=True)``), so a failed rebuild leaves the served
    warehouse untouched.

    hh pages are replayed in the order they were harvested, each group as a live sighting at its
    harvest time, and each finished sweep closes again what it did not see: the lifecycle columns
    come back as they were. Full vacancies (details) enrich the rows of their search pages."""
    from pipelines.harvest import iter_raw_details
    from pipelines.refresh import coverage_frame, finished_runs, load_trudvsem_pages
    from pipelines.sources import trudvsem

    raw_root = config.raw_dir()
    snapshot = _snapshot_frame()
    quarantined = quarantine_bad_pages(raw_root)
    events = _replay_plan(raw_root)
    details = vacancy_details_frame(list(iter_raw_details(raw_root)))
    tv_pages = list(trudvsem.iter_raw_trudvsem_pages(raw_root))
    tv_seen = {key: datetime.fromisoformat(r["started_at"]) for r in finished_runs(raw_root)
               for key in r.get("trudvsem_queries", [])}
    tv_runs = [p for p in tv_pages if p.parent.name in tv_seen]  # refreshed: live sightings
    tv_rest = [p for p in tv_pages if p.parent.name not in tv_seen]
    tv = None
    if tv_rest:
        try:
            tv = normalise(trudvsem.trudvsem_raw_frame(tv_rest))
        except ValueError as exc:
            raise JobFailed(str(exc)) from exc
    loaded, n_pages, in_pages = 0, sum(len(e[1]) for e in events), set()
    rates_ = _rates(raw_root)
    with warehouse.writing(target, fresh=True) as con:
        _snapshot_into(con, snapshot)
        for seen, pages, run in events:
            note = f"rebuild from {raw_root}" + (f": refresh {run['run_id']}" if run else "")
            for i in range(0, len(pages), 200):
                frame = _hh_chunk(pages[i:i + 200], details, rates_)
                in_pages |= set(frame["source_id"])
                if len(frame):
                    loaded += warehouse.load(con, frame, "hh", note, seen_at=seen).rows_in
            if run and run.get("closes"):
                warehouse.close_unseen(con, seen, coverage_frame(run["coverage"]))
        rest = details[~details["source_id"].isin(in_pages)] if len(details) else details
        if len(rest):
            loaded += warehouse.load(con, normalise(rest, rates=rates_), "hh", f"rebuild from {raw_root}").rows_in
        if tv is not None:
            loaded += warehouse.load(con, tv, "trudvsem", f"rebuild from {raw_root}").rows_in
        for seen in sorted(set(tv_seen.values())):
            pages = [p for p in tv_runs if tv_seen[p.parent.name] == seen]
            loaded += load_trudvsem_pages(con, pages, seen, f"rebuild from {raw_root}: refresh")[0]
        total = con.execute("SELECT count(*) FROM vacancies").fetchone()[0]
    aside = (f"; {len(quarantined)} unreadable page(s) moved to {raw_root / QUARANTINE}: {', '.join(quarantined)}"
             if quarantined else "")
    return (f"rebuilt {target}: snapshot + {n_pages} hh search pages, {len(details)} hh details and "
            f"{len(tv_pages)} Работа России pages ({loaded} rows); {total} rows{aside}")


QUARANTINE = "quarantine"


def _readable_page(path: Path) -> bool:
    """A stored search page that parses and holds an ``items`` list (what flatten reads)."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and isinstance(data.get("items"), list)


def quarantine_bad_pages(raw_root: Path) -> list[str]:
    """Move every unreadable stored hh search page aside (``raw_root/quarantine/…``, same relative
    path) so one corrupt file cannot stop a rebuild from loading all the others; returns their
    relative paths for the summary. Nothing is deleted: a person can look at them."""
    from pipelines.harvest import iter_raw_search_pages

    moved = []
    for page in list(iter_raw_search_pages(raw_root)):
        if _readable_page(page):
            continue
        rel = page.relative_to(raw_root)
        dest = raw_root / QUARANTINE / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(page, dest)
        moved.append(str(rel))
    return moved


def _hh_chunk(pages: Sequence[Path], details: pd.DataFrame, rates_: dict[str, float] | None) -> pd.DataFrame:
    try:
        search = search_pages_frame(pages)
    except ValueError as exc:
        raise JobFailed(str(exc)) from exc
    mine = details[details["source_id"].isin(set(search["source_id"]))] if len(details) else details
    return normalise(merge_details(search, mine), rates=rates_)

