"""Resumable harvest of hh.ru searches into raw pages on disk.

hh.ru shows at most 2 000 items per query, so a big query is cut into slices (by area, then by
professional role, then by halving date windows down to hh's 5-minute resolution) until each slice
fits. A query open at either end of time (no ``date_from`` or ``date_to``, as the market sweep of
``pipelines.refresh``) keeps its open ends as two "tail" slices when it is cut by date, so no
vacancy outside the 30-day window is lost to the cut. Every page is written
verbatim, atomically, before it is used, and the plan plus progress live in ``state.json`` next to
the pages: a run that dies half-way is resumed by calling ``harvest`` again, which fetches only
what is missing. Everything downstream is rebuilt from these files, never from the API.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pipelines.sources.hh import MAX_DEPTH, HHClient, NotFound

FIVE_MIN = timedelta(minutes=5)
SEARCH_WINDOW = timedelta(days=30)  # hh keeps about a month of vacancies searchable
ORDER_BY = "publication_time"  # stable order while paging; relevance order reshuffles between pages
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SAFE_ID = re.compile(r"^[0-9A-Za-z_-]+$")

Progress = Callable[[int, int], None]


def _utc(dt: datetime | None) -> datetime | None:
    """Naive datetimes are taken as UTC so keys and params never depend on the machine's zone."""
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _api_time(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S%z")


def _parse_time(s: str | None) -> datetime | None:
    return None if s is None else datetime.fromisoformat(s)


@dataclass(frozen=True)
class SearchQuery:
    text: str
    areas: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    date_from: datetime | None = None
    date_to: datetime | None = None
    search_field: str | None = None
    extra: tuple[tuple[str, str], ...] = ()  # other /vacancies params, e.g. (("experience", "between1And3"),)
    tag: str = ""  # not sent: names one run of a repeated query (refresh run id), so each run is its own


    def __post_init__(self) -> None:
        # Normalised so equal searches get equal keys, whatever order the caller listed things in.
        object.__setattr__(self, "areas", tuple(sorted({str(a) for a in self.areas})))
        object.__setattr__(self, "roles", tuple(sorted({str(r) for r in self.roles})))
        object.__setattr__(self, "extra", tuple(sorted((str(k), str(v)) for k, v in self.extra)))
        object.__setattr__(self, "date_from", _utc(self.date_from))
        object.__setattr__(self, "date_to", _utc(self.date_to))

    def to_json(self) -> dict[str, Any]:
        out = {
            "text": self.text,
            "areas": list(self.areas),
            "roles": list(self.roles),
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "search_field": self.search_field,
            "extra": [list(kv) for kv in self.extra],
        }
        if self.tag:  # only when set, so untagged queries keep the keys (raw folders) they always had
            out["tag"] = self.tag
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> SearchQuery:
        return cls(
            text=d["text"],
            areas=tuple(d.get("areas", ())),
            roles=tuple(d.get("roles", ())),
            date_from=_parse_time(d.get("date_from")),
            date_to=_parse_time(d.get("date_to")),
            search_field=d.get("search_field"),
            extra=tuple(tuple(kv) for kv in d.get("extra", ())),
            tag=d.get("tag", ""),
        )

    def key(self) -> str:
        """Short and stable across runs and machines: it names the raw folder a resume looks for."""
        blob = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def params(self, page: int = 0, per_page: int = 100) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = [("text", self.text)] if self.text else []  # no text: every vacancy
        if self.search_field:
            out.append(("search_field", self.search_field))
        out += [("area", a) for a in self.areas]
        out += [("professional_role", r) for r in self.roles]
        if self.date_from:
            out.append(("date_from", _api_time(self.date_from)))
        if self.date_to:
            out.append(("date_to", _api_time(self.date_to)))
        out += list(self.extra)
        out += [("order_by", ORDER_BY), ("per_page", str(per_page)), ("page", str(page))]
        return out


@dataclass(frozen=True)
class SliceInfo:
    key: str
    areas: tuple[str, ...]
    date_from: str | None
    date_to: str | None
    status: str  # "pending" | "split" | "done"
    found: int | None
    pages: int | None
    truncated: bool
    roles: tuple[str, ...] = ()  # the hh roles this slice asked for (the query's unless cut by role)


@dataclass
class HarvestResult:
    query_key: str
    pages: list[Path]
    details: list[Path]
    unique_ids: int
    pages_fetched: int
    pages_reused: int
    slices: list[SliceInfo]
    warnings: list[str]
    ids: list[str] = field(default_factory=list)
    details_fetched: int = 0
    complete: bool = True  # no slice truncated: every vacancy the query matches was reachable


def atomic_write(path: Path, data: bytes) -> None:
    """Readers and resumed runs must never see half a file: write aside, then rename over."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _slice_key(areas: list[str], lo: datetime | None, hi: datetime | None, roles: list[str] | None = None) -> str:
    part = "a" + "+".join(areas) if areas else "all"
    if roles is not None:
        part += "_r" + "+".join(roles)
    if lo is None and hi is None:
        return part
    fmt = "%Y%m%dT%H%M%SZ"
    return f"{part}_{lo.strftime(fmt) if lo else ''}-{hi.strftime(fmt) if hi else ''}"


def _grid(t: datetime) -> datetime:
    return _EPOCH + ((t - _EPOCH) // FIVE_MIN) * FIVE_MIN


def _midpoint(lo: datetime, hi: datetime) -> datetime:
    """Halfway, floored to hh's 5-minute grid so both halves are windows hh can actually tell apart."""
    mid = _grid(lo + (hi - lo) / 2)
    return mid if mid > lo else lo + FIVE_MIN


def _area_children(areas_tree: list[dict[str, Any]] | None) -> dict[str | None, list[str]]:
    """Map area id → child ids (None → the top level), from a ``GET /areas`` answer."""
    kids: dict[str | None, list[str]] = {}
    if not areas_tree:
        return kids
    kids[None] = [str(n["id"]) for n in areas_tree]
    stack = list(areas_tree)
    while stack:
        node = stack.pop()
        sub = node.get("areas") or []
        if sub:
            kids[str(node["id"])] = [str(n["id"]) for n in sub]
            stack.extend(sub)
    return kids


class _Harvester:
    def __init__(
        self,
        client: HHClient,
        query: SearchQuery,
        qdir: Path,
        per_page: int,
        now: datetime,
        areas_tree: list[dict[str, Any]] | None,
        progress: Progress | None,
        on_page: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.client, self.query, self.qdir, self.progress = client, query, qdir, progress
        self.on_page = on_page
        self.kids = _area_children(areas_tree)
        self.fetched = 0
        self.notes: list[str] = []
        self.state = self._load() or self._new(per_page, now)
        self.per_page = int(self.state["per_page"])
        if self.per_page != per_page:
            self.notes.append(f"resumed with per_page={self.per_page} as first planned (asked {per_page})")

    # ---- state -------------------------------------------------------------------------------
    def _load(self) -> dict[str, Any] | None:
        path = self.qdir / "state.json"
        return json.loads(path.read_text("utf-8")) if path.exists() else None

    def _new(self, per_page: int, now: datetime) -> dict[str, Any]:
        q = self.query
        # Snapped outwards to hh's 5-minute grid, since hh rounds whatever we send to it anyway.
        lo = q.date_from or _grid(now - SEARCH_WINDOW)
        hi = q.date_to or _grid(now + FIVE_MIN - timedelta(microseconds=1))
        root = self._slice(list(q.areas), q.date_from, q.date_to, parent=None, kind="root")
        root["key"] = "root"
        return {
            "version": 1,
            "query": q.to_json(),
            "per_page": per_page,
            "window": [lo.isoformat(), hi.isoformat()],
            "slices": [root],
            "warnings": [],
            "done": False,
        }

    def save(self) -> None:
        atomic_write(self.qdir / "state.json", json.dumps(self.state, ensure_ascii=False, indent=1).encode())

    @staticmethod
    def _slice(
        areas: list[str], lo: datetime | None, hi: datetime | None, parent: str | None, kind: str,
        roles: list[str] | None = None,
    ) -> dict:
        """``roles`` None: the query's own; a list once the slice was cut by role."""
        return {
            "key": _slice_key(areas, lo, hi, roles),
            "areas": areas,
            "roles": roles,
            "date_from": lo.isoformat() if lo else None,
            "date_to": hi.isoformat() if hi else None,
            "parent": parent,
            "kind": kind,
            "status": "pending",
            "found": None,
            "pages": None,
            "done_pages": [],
            "truncated": False,
        }

    def warn(self, msg: str) -> None:
        if msg not in self.state["warnings"]:
            self.state["warnings"].append(msg)

    # ---- planning ----------------------------------------------------------------------------
    def _window(self, s: dict) -> tuple[datetime, datetime]:
        lo, hi = (datetime.fromisoformat(t) for t in self.state["window"])
        return _parse_time(s["date_from"]) or lo, _parse_time(s["date_to"]) or hi

    def roles_of(self, s: dict) -> list[str]:
        return list(self.query.roles) if s.get("roles") is None else list(s["roles"])

    def _children(self, s: dict) -> list[dict]:
        """Area first, then role, then date: the order of DESIGN section 4."""
        areas, roles, key = s["areas"], s.get("roles"), s["key"]
        lo, hi = _parse_time(s["date_from"]), _parse_time(s["date_to"])
        if len(areas) > 1:
            return [self._slice([a], lo, hi, key, "area", roles) for a in areas]
        sub = self.kids.get(areas[0] if areas else None)
        if sub:
            return [self._slice([a], lo, hi, key, "area", roles) for a in sub]
        if len(self.roles_of(s)) > 1:
            return [self._slice(areas, lo, hi, key, "role", [r]) for r in self.roles_of(s)]
        return self._date_children(s)

    def _date_children(self, s: dict) -> list[dict]:
        """Two halves of the window; an open end of the slice becomes a "tail" slice beyond the
        window (never cut again: if it holds more than 2 000 it is truncated, with a warning)."""
        if s["kind"] == "tail":
            return []
        areas, roles, key = s["areas"], s.get("roles"), s["key"]
        lo, hi = self._window(s)
        tails = []
        if s["date_from"] is None:
            tails.append(self._slice(areas, None, lo, key, "tail", roles))
        if s["date_to"] is None:
            tails.append(self._slice(areas, hi, None, key, "tail", roles))
        if hi - lo <= FIVE_MIN:
            return tails
        mid = _midpoint(lo, hi)
        return [self._slice(areas, lo, mid, key, "date", roles), self._slice(areas, mid, hi, key, "date", roles),
                *tails]

    def _n_pages(self, found: int, pages: Any) -> int:
        n = math.ceil(min(found, MAX_DEPTH) / self.per_page)
        if isinstance(pages, int):
            n = min(n, pages)
        return max(1, min(n, MAX_DEPTH // self.per_page))

    # ---- fetching ----------------------------------------------------------------------------
    def page_path(self, s: dict, page: int) -> Path:
        return self.qdir / s["key"] / f"{page}.json"

    def _page(self, s: dict, page: int) -> dict[str, Any] | None:
        """Fetch one page unless it is already on disk; the bytes hit the disk before anything reads them."""
        path = self.page_path(s, page)
        data = None
        if not path.exists():
            sq = dataclasses.replace(
                self.query,
                areas=tuple(s["areas"]),
                roles=tuple(self.roles_of(s)),
                date_from=_parse_time(s["date_from"]),
                date_to=_parse_time(s["date_to"]),
            )
            data, body = self.client.search(sq.params(page, self.per_page))
            atomic_write(path, body)
            self.fetched += 1
            if self.on_page:
                self.on_page(data)
        if page not in s["done_pages"]:
            s["done_pages"].append(page)
        self.save()
        if self.progress:
            self.progress(*self.counts())
        return data

    def counts(self) -> tuple[int, int]:
        done = sum(len(s["done_pages"]) for s in self.state["slices"])
        total = sum(
            1 if s["pages"] is None else max(s["pages"], len(s["done_pages"])) for s in self.state["slices"]
        )
        return done, total

    def _probe(self, s: dict) -> None:
        data = self._page(s, 0)
        if data is None:  # page 0 came from an earlier run that died before recording it
            data = json.loads(self.page_path(s, 0).read_bytes())
        found = int(data["found"])
        s["found"] = found
        if found > MAX_DEPTH:
            children = self._children(s)
            if children:
                s["status"], s["pages"] = "split", 1
                known = {c["key"] for c in self.state["slices"]}
                self.state["slices"] += [c for c in children if c["key"] not in known]
                self.save()
                return
            s["truncated"] = True
            where = "beyond the 30-day window" if s["kind"] == "tail" else "within one 5-minute window"
            self.warn(
                f"slice {s['key']}: {found} vacancies {where}; "
                f"only the first {MAX_DEPTH} are reachable through the API"
            )
        s["pages"] = self._n_pages(found, data.get("pages"))
        self.save()

    def run(self) -> None:
        while True:
            todo = [s for s in self.state["slices"] if s["status"] != "split" and not self._complete(s)]
            if not todo:
                break
            s = todo[0]
            if s["found"] is None or not self.page_path(s, 0).exists():
                self._probe(s)
                if s["status"] == "split":
                    continue
            for page in range(s["pages"]):
                if page not in s["done_pages"] or not self.page_path(s, page).exists():
                    self._page(s, page)
            s["status"] = "done"
            self.save()
        self._check_area_splits()
        self.state["done"] = True
        self.save()

    def _complete(self, s: dict) -> bool:
        if s["status"] != "done":
            return False
        return all(self.page_path(s, p).exists() for p in range(s["pages"]))

    def _check_area_splits(self) -> None:
        """Splitting by areas-tree children misses vacancies filed under the parent area itself; say so."""
        by_parent: dict[str, list[dict]] = {}
        for s in self.state["slices"]:
            if s["kind"] == "area":
                by_parent.setdefault(s["parent"], []).append(s)
        for s in self.state["slices"]:
            kids = by_parent.get(s["key"])
            if kids and s["found"] is not None:
                total = sum(k["found"] or 0 for k in kids)
                if total < s["found"]:
                    self.warn(
                        f"slice {s['key']}: found {s['found']} but its area slices add up to {total}; "
                        "the rest are filed under the parent area and were not reached"
                    )

    def page_paths(self) -> list[Path]:
        return [
            self.page_path(s, p)
            for s in self.state["slices"]
            for p in sorted(s["done_pages"])
            if self.page_path(s, p).exists()
        ]


def _ids_in(pages: list[Path]) -> list[str]:
    seen: dict[str, None] = {}
    for path in pages:
        for item in json.loads(path.read_bytes())["items"]:
            seen.setdefault(str(item["id"]), None)
    return list(seen)


def harvest(
    client: HHClient,
    query: SearchQuery,
    raw_root: Path,
    *,
    per_page: int = 100,
    details: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
    areas_tree: list[dict[str, Any]] | None = None,
    detail_progress: Progress | None = None,
    on_page: Callable[[dict[str, Any]], None] | None = None,
) -> HarvestResult:
    """Fetch every reachable vacancy of ``query`` into ``raw_root``; call again to resume after a failure.

    A finished query is not fetched again (its key does not depend on the date): to refresh a
    rolling "last month" search, give explicit ``date_from``/``date_to``, a new ``tag``, or remove
    its folder. ``on_page`` sees every page fetched in this call (not those reused from disk).
    """
    if not 1 <= per_page <= 100:
        raise ValueError("per_page must be between 1 and 100 (hh.ru's limit)")
    now = _utc(now) or datetime.now(UTC)
    qdir = Path(raw_root) / "hh" / "search" / query.key()
    h = _Harvester(client, query, qdir, per_page, now, areas_tree, progress, on_page)
    h.run()  # on a finished query this only checks that every page is still on disk
    pages = h.page_paths()
    ids = _ids_in(pages)
    warnings = list(h.state["warnings"]) + h.notes
    detail_paths, details_fetched = [], 0
    if details:
        detail_paths, details_fetched, missing = _fetch_details(client, ids, Path(raw_root), detail_progress)
        warnings += missing
    slices = [
        SliceInfo(
            key=s["key"],
            areas=tuple(s["areas"]),
            date_from=s["date_from"],
            date_to=s["date_to"],
            status=s["status"],
            found=s["found"],
            pages=s["pages"],
            truncated=s["truncated"],
            roles=tuple(h.roles_of(s)),
        )
        for s in h.state["slices"]
    ]
    return HarvestResult(
        query_key=query.key(),
        pages=pages,
        details=detail_paths,
        unique_ids=len(ids),
        pages_fetched=h.fetched,
        pages_reused=len(pages) - h.fetched,
        slices=slices,
        warnings=warnings,
        ids=ids,
        details_fetched=details_fetched,
        complete=not any(s.truncated for s in slices),
    )


def _fetch_details(
    client: HHClient, ids: list[str], raw_root: Path, progress: Progress | None
) -> tuple[list[Path], int, list[str]]:
    """Full vacancies, one file each; a file on disk means done, so re-runs only fetch what is missing."""
    vdir = raw_root / "hh" / "vacancy"
    paths, fetched, missing = [], 0, []
    for n, vid in enumerate(ids, 1):
        if not _SAFE_ID.match(vid):
            missing.append(f"vacancy id {vid!r} is not a plain id; skipped")
            continue
        path = vdir / f"{vid}.json"
        if not path.exists():
            try:
                _, body = client.vacancy(vid)
            except NotFound:
                missing.append(f"vacancy {vid} is gone from hh.ru (404)")
                continue
            atomic_write(path, body)
            fetched += 1
        paths.append(path)
        if progress:
            progress(n, len(ids))
    return paths, fetched, missing


def _page_order(path: Path) -> tuple[str, str, int]:
    return path.parent.parent.name, path.parent.name, int(path.stem)


def iter_raw_search_pages(raw_root: Path) -> Iterator[Path]:
    """Every stored search page of every query, in a stable order, for rebuilding from disk."""
    base = Path(raw_root) / "hh" / "search"
    pages = [p for p in base.glob("*/*/*.json") if p.stem.isdigit()]
    yield from sorted(pages, key=_page_order)


def iter_raw_details(raw_root: Path) -> Iterator[Path]:
    """Every stored full vacancy (``GET /vacancies/{id}``)."""
    yield from sorted((Path(raw_root) / "hh" / "vacancy").glob("*.json"), key=lambda p: p.name)
