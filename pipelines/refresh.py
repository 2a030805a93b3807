"""One command refreshes the market: every hh.ru professional role that ``professions.yaml`` maps,
in every federal subject of ``regions.csv`` (and Работа России when asked), into the warehouse.

Three modes, from the options:

* **sweep** (default): every vacancy hh.ru lists as open in each region × role. hh.ru's search
  lists open vacancies only, so a sweep is how closures are seen: a vacancy vilka saw open before
  that a COMPLETE sweep of its slice (region × role) no longer returns gets ``closed_at``.
* **new-only** (``--new-only``): what was published since the latest finished refresh covering the
  same regions, roles and sources, minus ``NEW_ONLY_OVERLAP`` (hh's 5-minute rounding, items
  published while that run paged); for hourly top-ups. Closes nothing.
* **since** (``--since``): what was published since a date. Closes nothing.

Each region is one hh search (``professional_role`` = every role, no text) that
:func:`pipelines.harvest.harvest` cuts by role and date until every slice fits hh's 2 000 cap; its
pages land under ``data/raw`` first. A run's plan and start time live in
``data/raw/refresh/runs/<run id>.json``: a killed run restarted within ``RESUME_WITHIN`` with the
same options resumes (pages on disk are reused). All loads, the closures and the run's record
land in ONE new warehouse version (``warehouse.writing``): readers never wait, and a failed run
leaves the warehouse as it was. One refresh at a time (a lock file beside the runs).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from pipelines import config, jobs, reference, warehouse
from pipelines.harvest import SearchQuery, atomic_write, harvest, iter_raw_search_pages
from pipelines.normalise import normalise

SOURCES = ("hh", "trudvsem")
NEW_ONLY_OVERLAP = timedelta(hours=2)
RESUME_WITHIN = timedelta(hours=20)  # a daily run killed at night resumes the same day, not the next
CHUNK_PAGES = 200  # search pages normalised and loaded at a time: memory stays flat on a full sweep
MODES = ("sweep", "new_only", "since")


# --------------------------------------------------------------------------- what to harvest


@dataclass(frozen=True)
class Region:
    iso: str
    area_id: str  # hh area id of the federal subject (search by area covers its whole subtree)
    trudvsem_code: str


@dataclass(frozen=True)
class Options:
    """What the user asked for (the CLI's flags)."""

    since: datetime | None = None
    regions: tuple[str, ...] = ()  # ISO 3166-2 codes or hh area ids; empty = all 89 subjects
    professions: tuple[str, ...] = ()  # profession ids of professions.yaml; empty = all with hh roles
    sources: tuple[str, ...] = ("hh",)
    new_only: bool = False


@dataclass(frozen=True)
class Plan:
    mode: str  # one of MODES
    date_from: datetime | None  # published on or after; None = every open vacancy
    regions: tuple[Region, ...]
    roles: tuple[str, ...]
    sources: tuple[str, ...]
    note: str = ""  # why the mode differs from the one asked, if it does

    @property
    def closes(self) -> bool:
        """Only a sweep sees the whole open market of its slices, so only a sweep may close."""
        return self.mode == "sweep" and "hh" in self.sources

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode, "date_from": self.date_from.isoformat() if self.date_from else None,
                "regions": [r.iso for r in self.regions], "roles": list(self.roles), "sources": list(self.sources)}

    def key(self) -> str:
        """Same options, same key: how a restarted run finds the one it resumes."""
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()[:12]


def market_regions(wanted: Sequence[str] = ()) -> tuple[Region, ...]:
    """The federal subjects to sweep (regions.csv), by ISO code or hh area id; unknown → ValueError."""
    df = reference.regions()
    rows = [Region(r.iso, str(r.hh_area_id), str(r.trudvsem_code)) for r in df.itertuples(index=False)]
    if not wanted:
        return tuple(rows)
    index = {r.iso.upper(): r for r in rows} | {r.area_id: r for r in rows}
    unknown = [w for w in wanted if w.strip().upper() not in index]
    if unknown:
        raise ValueError(f"unknown region(s) {unknown}: give ISO 3166-2 codes (RU-MOW) or hh area ids "
                         "as listed in data/reference/regions.csv")
    return tuple(dict.fromkeys(index[w.strip().upper()] for w in wanted))


def market_roles(professions: Sequence[str] = ()) -> tuple[str, ...]:
    """The hh professional_role ids professions.yaml maps (``hh_roles``), for some or all professions."""
    from pipelines.classify import load_rules

    known = {p.id: p.hh_roles for p in load_rules().professions}
    unknown = [p for p in professions if p not in known]
    if unknown:
        raise ValueError(f"unknown profession(s) {unknown}; see data/reference/professions.yaml")
    empty = [p for p in professions if not known[p]]
    if empty:
        raise ValueError(f"profession(s) {empty} list no hh_roles in professions.yaml: their vacancies come "
                         "with the sweep of the roles they are filed under (e.g. sales); refresh without "
                         "--professions, or add hh_roles")
    chosen = professions or list(known)
    return tuple(sorted({r for p in chosen for r in known[p]}, key=int))


def _anchor(runs: pd.DataFrame, plan: Plan) -> datetime | None:
    """Start of the latest finished sweep or top-up that covered ``plan``'s regions, roles and sources."""
    want = ({r.iso for r in plan.regions}, set(plan.roles), set(plan.sources))
    for run in runs.itertuples(index=False):
        if run.mode in ("sweep", "new_only") and all(
                w <= set(have) for w, have in zip(want, (run.regions, run.roles, run.sources), strict=True)):
            return pd.Timestamp(run.started_at).to_pydatetime()
    return None


def make_plan(options: Options, runs: pd.DataFrame) -> Plan:
    """The plan for ``options`` given the finished refreshes ``runs`` (newest first)."""
    sources = tuple(s for s in SOURCES if s in options.sources)
    if not sources or set(options.sources) - set(SOURCES):
        raise ValueError(f"sources must be among {', '.join(SOURCES)}; got {', '.join(options.sources) or 'none'}")
    base = Plan("sweep", None, market_regions(options.regions), market_roles(options.professions), sources)
    if options.since is not None:
        return replace(base, mode="since", date_from=options.since.astimezone(UTC))
    if not options.new_only:
        return base
    anchor = _anchor(runs, base)
    if anchor is None:
        return replace(base, note="no finished refresh covers this scope yet: sweeping everything")
    return replace(base, mode="new_only", date_from=anchor - NEW_ONLY_OVERLAP)


# --------------------------------------------------------------------------- progress and summary


@dataclass
class Progress:
    """Running counts the CLI's bar and the Data page's progress show."""

    stage: str = "hh"  # hh | trudvsem | load
    regions_done: int = 0
    regions_total: int = 0
    pages_done: int = 0
    pages_total: int = 0  # grows as slices are probed: hh says how many pages each has
    vacancies: int = 0  # items received so far in this call (pages reused from disk not counted)
    requests: int = 0
    _base_done: int = 0
    _base_total: int = 0

    def fraction(self) -> float:
        if self.stage == "load":
            return 1.0
        if not self.regions_total:
            return 0.0
        inside = (self.pages_done - self._base_done) / max(self.pages_total - self._base_total, 1)
        return min((self.regions_done + min(inside, 1.0)) / self.regions_total, 1.0)

    def line(self) -> str:
        return (f"{self.stage}: region {min(self.regions_done + 1, self.regions_total)}/{self.regions_total}, "
                f"pages {self.pages_done}/{self.pages_total}, {self.vacancies} vacancies, {self.requests} requests")


ProgressFn = Callable[[Progress], None]


@dataclass(frozen=True)
class Summary:
    run_id: str
    mode: str
    resumed: bool
    regions: int
    roles: int
    sources: tuple[str, ...]
    date_from: str | None
    pages_fetched: int
    pages_reused: int
    requests: int
    rows_in: int
    rows_new: int
    rows_updated: int
    rows_reopened: int
    rows_closed: int
    closes: bool
    slices_incomplete: int
    open_now: int
    total_rows: int
    seconds: float
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def line(self) -> str:
        closed = f"{self.rows_closed} closed" if self.closes else "nothing closed (not a full sweep)"
        since = f" since {self.date_from[:16]}" if self.date_from else ""
        return (f"refresh ({self.mode}{since}{', resumed' if self.resumed else ''}): {self.regions} regions × "
                f"{self.roles} roles, {'+'.join(self.sources)}; {self.rows_new} new, {self.rows_updated} updated "
                f"({self.rows_reopened} reopened), {closed}; {self.requests} requests "
                f"({self.pages_fetched} pages fetched, {self.pages_reused} reused); {self.open_now} open, "
                f"warehouse holds {self.total_rows} rows ({self.seconds:.1f} s)")

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


# --------------------------------------------------------------------------- runs on disk


def _runs_dir(raw_root: Path) -> Path:
    return raw_root / "refresh" / "runs"


@contextmanager
def _one_at_a_time(raw_root: Path) -> Iterator[None]:
    """Two refreshes would page the same run twice; the second one stops and says so."""
    path = raw_root / "refresh" / ".lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise jobs.JobFailed("another refresh is running (lock held on "
                                 f"{path}); this one did nothing") from None
        yield


def _open_run(raw_root: Path, plan: Plan, now: datetime) -> tuple[dict[str, Any], bool]:
    """The unfinished run of the same plan started within RESUME_WITHIN, or a new one."""
    runs = sorted(_runs_dir(raw_root).glob("*.json"), reverse=True)
    for path in runs:
        run = json.loads(path.read_text("utf-8"))
        started = datetime.fromisoformat(run["started_at"])
        if not run["done"] and run["plan_key"] == plan.key() and now - started < RESUME_WITHIN:
            return run, True
    run = {"run_id": f"{now:%Y%m%dT%H%M%S%f}-{plan.key()[:6]}", "plan_key": plan.key(), "plan": plan.to_json(),
           "started_at": now.isoformat(), "closes": plan.closes, "queries": {}, "coverage": {}, "done": False}
    _save_run(raw_root, run)
    return run, False


def _save_run(raw_root: Path, run: dict[str, Any]) -> None:
    atomic_write(_runs_dir(raw_root) / f"{run['run_id']}.json", json.dumps(run, ensure_ascii=False, indent=1).encode())


def finished_runs(raw_root: Path) -> list[dict[str, Any]]:
    """Every run that completed and was loaded, oldest first (``jobs.rebuild`` replays them)."""
    runs = [json.loads(p.read_text("utf-8")) for p in _runs_dir(raw_root).glob("*.json")]
    return sorted((r for r in runs if r["done"]), key=lambda r: r["started_at"])


# --------------------------------------------------------------------------- harvesting


@cache
def _subtrees() -> dict[str, tuple[str, ...]]:
    """hh area id → every area id in its subtree (itself included): what a search by area returns."""
    out: dict[str, tuple[str, ...]] = {}

    def walk(node: dict[str, Any]) -> list[str]:
        ids = [str(node["id"])]
        for child in node.get("areas") or []:
            ids += walk(child)
        out[str(node["id"])] = tuple(ids)
        return ids

    for country in reference.hh_areas_tree():
        walk(country)
    return out


def coverage_frame(coverage: dict[str, list[str]]) -> pd.DataFrame:
    """(area_id, roles) rows for ``warehouse.close_unseen`` from {region area id: complete roles}."""
    subtree = _subtrees()
    rows = [(a, roles) for area, roles in coverage.items() if roles for a in subtree.get(area, (area,))]
    return pd.DataFrame(rows, columns=["area_id", "roles"])


def _complete_roles(result: Any) -> list[str]:
    """The roles of a region's harvest whose every slice was fully reachable."""
    lost = {r for s in result.slices if s.truncated for r in s.roles}
    return sorted({r for s in result.slices for r in s.roles} - lost, key=int)


def _store_dictionaries(client: Any, raw_root: Path) -> None:
    from pipelines.sources import hh

    try:
        _, body = client.dictionaries()
    except hh.NetworkError:
        raise  # offline: say so now, not after one more failed request per region
    except hh.HHError:
        return  # the shipped dictionaries are the fallback
    dest = raw_root / "hh" / "dictionaries" / f"{datetime.now(UTC):%Y-%m-%d}.json"
    atomic_write(dest, body)


def _harvest_hh(client: Any, plan: Plan, run: dict[str, Any], raw_root: Path,
                progress: Progress, report: ProgressFn | None) -> tuple[list[Path], int, list[str]]:
    """Every region of the plan; returns the pages, how many were fetched now, and warnings. The
    run file records each region's query key and, for a sweep, the roles it covered completely."""
    pages: list[Path] = []
    fetched, warnings = 0, []

    def on_page(data: dict[str, Any]) -> None:
        progress.vacancies += len(data.get("items") or [])

    for region in plan.regions:
        query = SearchQuery(text="", areas=(region.area_id,), roles=plan.roles, date_from=plan.date_from,
                            tag=run["run_id"])
        progress._base_done, progress._base_total = progress.pages_done, progress.pages_total

        def tick(done: int, total: int, base=(progress.pages_done, progress.pages_total)) -> None:
            progress.pages_done, progress.pages_total = base[0] + done, base[1] + total
            progress.requests = client.requests
            if report:
                report(progress)

        result = harvest(client, query, raw_root, progress=tick, on_page=on_page)
        pages += result.pages
        fetched += result.pages_fetched
        warnings += [f"{region.iso}: {w}" for w in result.warnings]
        run["queries"][region.iso] = result.query_key
        if plan.closes:
            run["coverage"][region.area_id] = _complete_roles(result)
        progress.regions_done += 1
        progress.requests = client.requests
        _save_run(raw_root, run)
        if report:
            report(progress)
    return pages, fetched, warnings


def _harvest_trudvsem(plan: Plan, run: dict[str, Any], raw_root: Path, progress: Progress,
                      report: ProgressFn | None) -> tuple[list[Path], int, list[str]]:
    """Работа России for the plan's regions (all its vacancies there: it has no roles to search by)."""
    from pipelines.sources import trudvsem

    progress.stage, progress.regions_done, progress.regions_total = "trudvsem", 0, 1
    progress._base_done, progress._base_total = progress.pages_done, progress.pages_total

    def tick(done: int, total: int, base=(progress.pages_done, progress.pages_total)) -> None:
        progress.pages_done, progress.pages_total = base[0] + done, base[1] + total
        if report:
            report(progress)

    codes = [r.trudvsem_code for r in plan.regions if r.trudvsem_code]
    with trudvsem.TrudvsemClient() as client:
        # the run's start time in the key: every run its own query, a resumed run the same one
        result = trudvsem.harvest_trudvsem(client, codes, None, plan.date_from, raw_root, tick,
                                           as_of=datetime.fromisoformat(run["started_at"]))
    run["trudvsem_queries"] = result.query_keys
    _save_run(raw_root, run)
    progress.regions_done = 1
    return result.pages, result.pages_fetched, list(result.warnings)


# --------------------------------------------------------------------------- loading


def _chunks(pages: Sequence[Path], size: int = CHUNK_PAGES) -> Iterator[Sequence[Path]]:
    for i in range(0, len(pages), size):
        yield pages[i:i + size]


def load_hh_pages(con: Any, pages: Sequence[Path], seen_at: datetime | None, note: str,
                  raw_root: Path) -> tuple[int, int]:
    """Normalise and load search pages in chunks (memory stays flat); (rows in, rows reopened)."""
    rows_in = reopened = 0
    rates = jobs.rates(raw_root)
    for chunk in _chunks(pages):
        frame = normalise(jobs.hh_raw_frame(chunk, []), rates=rates)
        if len(frame):
            r = warehouse.load(con, frame, "hh", note, seen_at=seen_at)
            rows_in, reopened = rows_in + r.rows_in, reopened + r.rows_reopened
    return rows_in, reopened


def load_trudvsem_pages(con: Any, pages: Sequence[Path], seen_at: datetime | None, note: str) -> tuple[int, int]:
    from pipelines.sources import trudvsem

    if not pages:
        return 0, 0
    try:
        frame = normalise(trudvsem.trudvsem_raw_frame(pages))
    except ValueError as exc:
        raise jobs.JobFailed(str(exc)) from exc
    if not len(frame):
        return 0, 0
    r = warehouse.load(con, frame, trudvsem.SOURCE, note, seen_at=seen_at)
    return r.rows_in, r.rows_reopened


# --------------------------------------------------------------------------- the job


def _runs_of(wh: Path) -> pd.DataFrame:
    if not wh.exists():
        return pd.DataFrame(columns=list(warehouse.REFRESH_FIELDS))
    con = warehouse.connect(wh, read_only=True)
    try:
        return warehouse.refreshes(con)
    finally:
        con.close()


def _fail(exc: Exception) -> jobs.JobFailed:
    """One plain line; offline says "no network" first, in both languages, for the CLI and the page."""
    from pipelines.sources import hh, trudvsem

    if isinstance(exc, hh.NetworkError | trudvsem.NetworkError):
        return jobs.JobFailed(f"no network (нет сети): {str(exc).replace('no network or ', '')}")
    return jobs.JobFailed(str(exc))


def run(wh: Path, options: Options, progress: ProgressFn | None = None, *, client: Any = None,
        now: datetime | None = None) -> Summary:
    """Harvest the market per ``options`` into raw pages, then load it, close what a complete sweep
    no longer sees, and record the run — all in one new warehouse version. Raises
    ``jobs.JobFailed`` (one line) on anything the user can act on; the warehouse is then untouched
    and a re-run resumes from the pages on disk."""
    from pipelines.sources import hh, trudvsem

    started = time.monotonic()
    raw_root = config.raw_dir()
    wh = Path(wh)
    try:
        plan = make_plan(options, _runs_of(wh))
    except ValueError as exc:
        raise jobs.JobFailed(str(exc)) from exc
    with _one_at_a_time(raw_root):
        run_, resumed = _open_run(raw_root, plan, now or datetime.now(UTC))
        state = Progress(regions_total=len(plan.regions))
        own = client is None
        client = client or hh.HHClient()
        try:
            hh_pages, fetched, warnings = [], 0, [plan.note] if plan.note else []
            if "hh" in plan.sources:
                _store_dictionaries(client, raw_root)
                hh_pages, fetched, more = _harvest_hh(client, plan, run_, raw_root, state, progress)
                warnings += more
            tv_pages: list[Path] = []
            if "trudvsem" in plan.sources:
                tv_pages, tv_fetched, more = _harvest_trudvsem(plan, run_, raw_root, state, progress)
                fetched, warnings = fetched + tv_fetched, warnings + more
        except (hh.HHError, trudvsem.TrudvsemError) as exc:
            raise _fail(exc) from exc
        finally:
            if own:
                client.close()
        state.stage = "load"
        if progress:
            progress(state)
        pages = len(hh_pages) + len(tv_pages)
        facts = {"resumed": resumed, "pages_fetched": fetched, "pages_reused": pages - fetched,
                 "requests": client.requests + len(tv_pages), "warnings": tuple(warnings)}
        summary = _load_run(wh, plan, run_, hh_pages, tv_pages, raw_root, facts, started)
        run_["done"] = True
        _save_run(raw_root, run_)
    return replace(summary, seconds=time.monotonic() - started)


def _load_run(wh: Path, plan: Plan, run_: dict[str, Any], hh_pages: Sequence[Path],
              tv_pages: Sequence[Path], raw_root: Path, facts: dict[str, Any], started: float) -> Summary:
    """Loads, closures and the run's record in one new version of the warehouse."""
    seen = datetime.fromisoformat(run_["started_at"])
    note = f"refresh {run_['run_id']} ({plan.mode})"
    incomplete = sum(len(plan.roles) - len(v) for v in run_["coverage"].values())
    with warehouse.writing(wh) as con:
        rows_in, reopened = load_hh_pages(con, hh_pages, seen, note, raw_root)
        tv_in, tv_reopened = load_trudvsem_pages(con, tv_pages, seen, note)
        closed = warehouse.close_unseen(con, seen, coverage_frame(run_["coverage"])) if plan.closes else 0
        counts = warehouse.lifecycle_counts(con, seen)
        total = con.execute("SELECT count(*) FROM vacancies").fetchone()[0]
        summary = Summary(
            run_id=run_["run_id"], mode=plan.mode, regions=len(plan.regions), roles=len(plan.roles),
            sources=plan.sources, date_from=plan.date_from.isoformat() if plan.date_from else None,
            rows_in=rows_in + tv_in, rows_new=counts["new"], rows_updated=counts["updated"],
            rows_reopened=reopened + tv_reopened, rows_closed=closed, closes=plan.closes,
            slices_incomplete=incomplete, open_now=counts["open"], total_rows=total,
            seconds=time.monotonic() - started, **facts)
        warehouse.record_refresh(con, {
            **{k: getattr(summary, k) for k in ("run_id", "mode", "closes", "slices_incomplete", "rows_in",
                                                "rows_new", "rows_updated", "rows_reopened", "rows_closed")},
            "started_at": seen, "finished_at": datetime.now(UTC), "date_from": plan.date_from,
            "regions": [r.iso for r in plan.regions], "roles": list(plan.roles), "sources": list(plan.sources),
            "requests": summary.requests, "seconds": summary.seconds})
    return summary


def run_pages(run_: dict[str, Any], raw_root: Path) -> list[Path]:
    """The hh search pages a finished run loaded (for ``jobs.rebuild``)."""
    keys = set(run_["queries"].values())
    return [p for p in iter_raw_search_pages(raw_root) if p.parent.parent.name in keys]
