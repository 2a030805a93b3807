"""The pipeline's jobs as functions: what the CLI commands and the Data page's refresh button run.

Each job ends with the warehouse either fully updated or untouched, and returns a small summary;
failures the user can act on are raised as ``JobFailed`` with a one-line message.
"""

from __future__ import annotations

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


def _rates(raw_root: Path) -> dict[str, float] | None:
    """Rates from the newest fetched ``/dictionaries``; None → the shipped copy."""
    stored = sorted((raw_root / "hh" / "dictionaries").glob("*.json"))
    return dictionary_rates(stored[-1]) if stored else None


def hh_raw_frame(pages: Sequence[Path], details: Sequence[Path]) -> pd.DataFrame:
    try:
        return merge_details(search_pages_frame(pages), vacancy_details_frame(details))
    except ValueError as exc:
        raise JobFailed(str(exc)) from exc


def _load(wh: Path, frame: pd.DataFrame, source: str, note: str) -> warehouse.LoadResult:
    """One load as one new version of the warehouse (``warehouse.writing``): readers never wait."""
    with warehouse.writing(wh) as con:
        return warehouse.load(con, frame, source=source, note=note)


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
             progress: Progress | None = None) -> FetchSummary:
    """Harvest an hh.ru search (raw pages kept under data/raw), normalise it and load it.

    The window is pinned to the hour: a killed run restarted within the hour resumes the same
    query (same raw folder, pages on disk reused); a later run asks hh.ru for what is new.
    """
    from pipelines.harvest import SearchQuery, harvest
    from pipelines.sources import hh

    raw_root = config.raw_dir()
    window_end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    query = SearchQuery(text=text, areas=tuple(areas), roles=tuple(roles),
                        date_from=since or window_end - timedelta(days=30), date_to=window_end)
    started = time.monotonic()
    try:
        with hh.HHClient() as client:
            try:
                _, body = client.dictionaries()
                dest = raw_root / "hh" / "dictionaries" / f"{datetime.now(UTC):%Y-%m-%d}.json"
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(body)
            except hh.HHError:
                pass  # the shipped dictionaries are the fallback; the search itself reports errors
            result = harvest(client, query, raw_root, details=details, progress=progress)
    except hh.HHError as exc:
        raise JobFailed(str(exc)) from exc
    frame = normalise(hh_raw_frame(result.pages, result.details), rates=_rates(raw_root))
    r = _load(wh, frame, "hh", f"fetch-hh text={text!r}")
    return FetchSummary(result.pages_fetched, result.pages_reused, len(result.details), r.rows_in,
                        r.rows_new, r.rows_replaced, r.total_rows, time.monotonic() - started,
                        tuple(result.warnings))


def rebuild(target: Path) -> str:
    """A fresh warehouse from the snapshot plus every raw page kept under data/raw, made current
    only when complete (``warehouse.writing(fresh=True)``), so a failed rebuild leaves the served
    warehouse untouched."""
    from pipelines.harvest import iter_raw_details, iter_raw_search_pages
    from pipelines.sources import trudvsem

    raw_root = config.raw_dir()
    snapshot = _snapshot_frame()
    pages, details = list(iter_raw_search_pages(raw_root)), list(iter_raw_details(raw_root))
    hh_frame = normalise(hh_raw_frame(pages, details), rates=_rates(raw_root)) if pages or details else None
    tv_pages = list(trudvsem.iter_raw_trudvsem_pages(raw_root))
    tv = None
    if tv_pages:
        try:
            tv = normalise(trudvsem.trudvsem_raw_frame(tv_pages))
        except ValueError as exc:
            raise JobFailed(str(exc)) from exc
    loaded = 0
    with warehouse.writing(target, fresh=True) as con:
        _snapshot_into(con, snapshot)
        if hh_frame is not None:
            loaded += warehouse.load(con, hh_frame, "hh", f"rebuild from {raw_root}").rows_in
        if tv is not None:
            loaded += warehouse.load(con, tv, "trudvsem", f"rebuild from {raw_root}").rows_in
        total = con.execute("SELECT count(*) FROM vacancies").fetchone()[0]
    return (f"rebuilt {target}: snapshot + {len(pages)} hh search pages, {len(details)} hh details and "
            f"{len(tv_pages)} Работа России pages ({loaded} rows); {total} rows")
