"""Работа России (opendata.trudvsem.ru): client, resumable harvest, raw frame and the fetch job.

The open-data API needs no key. ``GET /api/v1/vacancies`` (all Russia) or
``/api/v1/vacancies/region/{13-digit code}`` take ``offset`` — a PAGE NUMBER, not a row offset —
``limit`` (≤ 100), ``text`` and ``modifiedFrom`` (ISO datetime, for increments), and answer
``{"status": "200", "meta": {"total": N, "limit": 100}, "results": {"vacancies": [{"vacancy": {…}}]}}``.

Vacancies carry contact persons, phones and e-mails. Those are personal data: they are removed
before a page touches the disk (:func:`strip_personal`), so the raw pages under
``raw_root/trudvsem/<query key>/<page>.json`` are "as fetched minus personal data" — re-serialised
JSON, not the server's bytes. Everything downstream is rebuilt from those files.

Usage::

    with TrudvsemClient() as client:
        result = harvest_trudvsem(client, ["6600000000000"], "бухгалтер", None, raw_dir())
    raw = trudvsem_raw_frame(result.pages)   # flatten.RAW_COLUMNS + region_iso
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import requests

from pipelines import config
from pipelines.flatten import RAW_COLUMNS
from pipelines.harvest import atomic_write
from pipelines.reference import region_for_name, regions
from pipelines.sources.errors import SourceError
from pipelines.sources.http import RateLimiter, retrying_session
from pipelines.sources.http import body_head as _head

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://opendata.trudvsem.ru"
MAX_LIMIT = 100
SOURCE = "trudvsem"
_CODE = re.compile(r"^\d{13}$")

Progress = Callable[[int, int], None]


# ---------------------------------------------------------------------------------------------
# settings (env; candidates for pipelines/config.py)
# ---------------------------------------------------------------------------------------------


def default_base_url() -> str:
    """API root (env VILKA_TRUDVSEM_BASE_URL; tests point it at 127.0.0.1)."""
    return os.environ.get("VILKA_TRUDVSEM_BASE_URL", DEFAULT_BASE_URL).rstrip("/")


def default_rate_limit() -> float:
    """Requests per second (env VILKA_TRUDVSEM_RATE, default 2: a government server; 0 = no cap)."""
    return float(os.environ.get("VILKA_TRUDVSEM_RATE", "2"))


# ---------------------------------------------------------------------------------------------
# exceptions: named for what happened, mirroring pipelines.sources.hh
# ---------------------------------------------------------------------------------------------


class TrudvsemError(SourceError):
    """Anything that went wrong talking to Работа России; ``status`` is the HTTP status if any."""


class RateLimited(TrudvsemError):
    pass


class BadResponse(TrudvsemError):
    pass


class ServerError(TrudvsemError):
    pass


class NetworkError(TrudvsemError):
    pass


# ---------------------------------------------------------------------------------------------
# personal data
# ---------------------------------------------------------------------------------------------

# Keys whose whole value is contact data (contact_person, contact_list, company.phone, email, …).
_PERSONAL_KEY = re.compile(r"contact|phone|e-?mail|fax|skype|telegram|whatsapp|viber", re.I)
# Identifiers that are long digit strings but not phones; free-text masking skips them.
_ID_KEYS = frozenset({"id", "inn", "kpp", "ogrn", "companycode", "region_code", "code", "okpdtr"})
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+7|8)[\s\-(]*\d{3}[\s\-)]*\d{3}[\s\-]*\d{2}[\s\-]*\d{2}(?!\d)")
MASK = "[скрыто]"


def strip_personal(obj: Any, key: str | None = None) -> Any:
    """A copy without contact fields, and with phones and e-mails in free text masked.

    Employers paste phone numbers into ``duty`` or ``conditions``, so dropping the contact keys
    alone is not enough. Identifiers (INN, OGRN, ids) are left as they are.
    """
    if isinstance(obj, Mapping):
        return {k: strip_personal(v, k) for k, v in obj.items() if not _PERSONAL_KEY.search(str(k))}
    if isinstance(obj, list):
        return [strip_personal(v, key) for v in obj]
    if isinstance(obj, str) and (key or "").lower() not in _ID_KEYS:
        return _PHONE.sub(MASK, _EMAIL.sub(MASK, obj))
    return obj


# ---------------------------------------------------------------------------------------------
# client
# ---------------------------------------------------------------------------------------------


def check_page(data: Any, where: str, body: bytes) -> dict[str, Any]:
    """A page that parses but lacks ``meta.total`` or a vacancy list would silently lose rows.

    The API omits ``results.vacancies`` when a page is empty; that is read as an empty list.
    """
    ok = isinstance(data, dict) and isinstance(data.get("meta"), dict)
    if ok and str(data.get("status", "200")) != "200":
        raise BadResponse(f"Работа России answered status {data.get('status')!r} at {where}: {_head(body)}")
    try:
        total = int(data["meta"]["total"]) if ok else None
    except (KeyError, TypeError, ValueError):
        total = None
    results = data.get("results") if ok else None
    vacancies = (results or {}).get("vacancies", []) if isinstance(results, dict | None) else None
    ok = (
        total is not None
        and isinstance(vacancies, list)
        and all(isinstance(v, dict) and isinstance(v.get("vacancy"), dict) and v["vacancy"].get("id")
                for v in vacancies)
    )
    if not ok:
        raise BadResponse(f"Работа России page has an unexpected shape at {where}: {_head(body)}")
    data["meta"]["total"] = total
    data["results"] = {**(results or {}), "vacancies": vacancies}
    return data


class TrudvsemClient:
    """One session per client (connections reused, retries on 429/5xx honouring Retry-After)."""

    def __init__(
        self,
        base_url: str | None = None,
        rate_limit: float | None = None,
        timeout: tuple[float, float] = (5, 60),
        retries: int = 5,
        backoff_factor: float = 0.5,
        user_agent: str | None = None,
    ) -> None:
        self.base_url = (base_url or default_base_url()).rstrip("/")
        self.timeout = timeout
        self._limiter = RateLimiter(default_rate_limit() if rate_limit is None else rate_limit)
        self.session = retrying_session(
            retries, backoff_factor, {"User-Agent": user_agent or config.hh_user_agent(), "Accept": "application/json"}
        )

    def __repr__(self) -> str:
        return f"TrudvsemClient(base_url={self.base_url!r})"

    def __enter__(self) -> TrudvsemClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> tuple[Any, bytes]:
        """Parsed JSON plus the bytes received."""
        where = f"{self.base_url}{path} {dict(params or {})!r}"
        self._limiter.wait()
        try:
            resp = self.session.get(self.base_url + path, params=params, timeout=self.timeout)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise NetworkError(f"no network or Работа России unreachable ({where}): {type(exc).__name__}") from exc
        except requests.RequestException as exc:
            raise NetworkError(f"request to Работа России failed ({where}): {type(exc).__name__}") from exc
        body = resp.content
        log.debug("GET %s -> %s (%d bytes)", where, resp.status_code, len(body))
        status = resp.status_code
        if status == 429:
            raise RateLimited(f"Работа России kept answering 429; lower VILKA_TRUDVSEM_RATE ({where})",
                              status=status)
        if status >= 500:
            raise ServerError(f"Работа России server error {status} after retries at {where}: {_head(body)}",
                              status=status)
        if status != 200:
            raise TrudvsemError(f"Работа России answered {status} at {where}: {_head(body)}", status=status)
        try:
            return json.loads(body), body
        except ValueError:
            raise BadResponse(f"Работа России sent a body that is not JSON at {where}: {_head(body)}") from None

    def vacancies(self, path: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """One checked search page (``path`` from :meth:`TrudvsemQuery.path`)."""
        data, body = self.get(path, params)
        return check_page(data, f"{self.base_url}{path} {dict(params)!r}", body)


# ---------------------------------------------------------------------------------------------
# harvest
# ---------------------------------------------------------------------------------------------


def _modified_from(since: date | datetime | None) -> str | None:
    if since is None:
        return None
    if not isinstance(since, datetime):
        since = datetime(since.year, since.month, since.day, tzinfo=UTC)
    since = since.replace(tzinfo=UTC) if since.tzinfo is None else since.astimezone(UTC)
    return since.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class TrudvsemQuery:
    """One region (or all Russia) × text × modifiedFrom; ``as_of`` pins a daily refresh (see fetch)."""

    region: str | None = None
    text: str | None = None
    since: str | None = None  # modifiedFrom, as sent (UTC ISO)
    as_of: str | None = None

    def __post_init__(self) -> None:
        if self.region is not None and not _CODE.match(self.region):
            raise ValueError(f"not a 13-digit Работа России region code: {self.region!r}")

    def to_json(self) -> dict[str, Any]:
        return {"region": self.region, "text": self.text, "since": self.since, "as_of": self.as_of}

    def key(self) -> str:
        """Stable across runs: names the raw folder a resumed run looks for."""
        blob = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def path(self) -> str:
        return f"/api/v1/vacancies/region/{self.region}" if self.region else "/api/v1/vacancies"

    def params(self, page: int, limit: int = MAX_LIMIT) -> dict[str, str]:
        out = {"offset": str(page), "limit": str(limit)}  # offset is the page number
        if self.text:
            out["text"] = self.text
        if self.since:
            out["modifiedFrom"] = self.since
        return out


@dataclass
class TrudvsemHarvest:
    query_keys: list[str]
    pages: list[Path]
    pages_fetched: int
    pages_reused: int
    found: int  # sum of meta.total over the queries, as first reported
    warnings: list[str] = field(default_factory=list)


class _Harvester:
    """Pages of one query; ``state.json`` next to them records the plan and what is done."""

    def __init__(self, client: TrudvsemClient, query: TrudvsemQuery, qdir: Path, limit: int) -> None:
        self.client, self.query, self.qdir = client, query, qdir
        path = qdir / "state.json"
        self.state = json.loads(path.read_text("utf-8")) if path.exists() else {
            "version": 1, "query": query.to_json(), "limit": limit, "total": None, "pages": None,
            "done_pages": [], "done": False}
        self.limit = int(self.state["limit"])
        self.fetched = 0

    def save(self) -> None:
        atomic_write(self.qdir / "state.json", json.dumps(self.state, ensure_ascii=False, indent=1).encode())

    def page_path(self, page: int) -> Path:
        return self.qdir / f"{page}.json"

    def fetch(self, page: int) -> dict[str, Any]:
        """The page from disk if there, else from the API, stripped and written before it is used."""
        path = self.page_path(page)
        if path.exists():
            data = json.loads(path.read_bytes())
        else:
            data = strip_personal(self.client.vacancies(self.query.path(), self.query.params(page, self.limit)))
            atomic_write(path, json.dumps(data, ensure_ascii=False).encode())
            self.fetched += 1
        if page not in self.state["done_pages"]:
            self.state["done_pages"].append(page)
        self.save()
        return data

    def planned(self) -> int:
        return self.state["pages"] if self.state["pages"] is not None else 1

    def run(self, tick: Callable[[], None]) -> None:
        if self.state["pages"] is None or not self.page_path(0).exists():
            total = int(self.fetch(0)["meta"]["total"])
            self.state["total"] = total
            self.state["pages"] = max(1, math.ceil(total / self.limit))
            self.save()
            tick()
        for page in range(self.state["pages"]):
            if page not in self.state["done_pages"] or not self.page_path(page).exists():
                self.fetch(page)
                tick()
        self.state["done"] = True
        self.save()

    def page_paths(self) -> list[Path]:
        return [self.page_path(p) for p in range(self.state["pages"] or 0) if self.page_path(p).exists()]


def harvest_trudvsem(
    client: TrudvsemClient,
    regions: Sequence[str],
    text: str | None,
    since: date | datetime | None,
    raw_root: Path,
    progress: Progress | None = None,
    *,
    as_of: date | None = None,
    limit: int = MAX_LIMIT,
) -> TrudvsemHarvest:
    """Every page of the search for each region (13-digit codes; empty = all Russia) into raw_root.

    Call again after a failure to resume: pages on disk are reused, only missing ones are fetched.
    A finished query is not fetched again; ``as_of`` (part of the key) lets a caller start a fresh
    one per day while a same-day re-run still resumes.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT} (Работа России's cap)")
    queries = [
        TrudvsemQuery(region=r, text=text or None, since=_modified_from(since),
                      as_of=as_of.isoformat() if as_of else None)
        for r in (sorted(set(regions)) or [None])
    ]
    hs = [_Harvester(client, q, Path(raw_root) / SOURCE / q.key(), limit) for q in queries]

    def tick() -> None:
        if progress:
            progress(sum(len(h.state["done_pages"]) for h in hs), sum(h.planned() for h in hs))

    for h in hs:
        h.run(tick)
    pages = [p for h in hs for p in h.page_paths()]
    fetched = sum(h.fetched for h in hs)
    warnings = [f"Работа России found nothing for region {h.query.region or 'all'}"
                for h in hs if h.state["total"] == 0]
    return TrudvsemHarvest(
        query_keys=[q.key() for q in queries],
        pages=pages,
        pages_fetched=fetched,
        pages_reused=len(pages) - fetched,
        found=sum(h.state["total"] or 0 for h in hs),
        warnings=warnings,
    )


def _as_of(qdir: Path) -> str:
    try:
        return json.loads((qdir / "state.json").read_text("utf-8"))["query"].get("as_of") or ""
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return ""


def iter_raw_trudvsem_pages(raw_root: Path) -> Iterator[Path]:
    """Every stored page of every query, oldest harvest day first, for rebuilding from disk.

    The order matters: :func:`trudvsem_raw_frame` lets a later page win when the same vacancy
    was stored twice with the same modify-date.
    """
    pages = [p for p in (Path(raw_root) / SOURCE).glob("*/*.json") if p.stem.isdigit()]
    days = {q: _as_of(q) for q in {p.parent for p in pages}}
    yield from sorted(pages, key=lambda p: (days[p.parent], p.parent.name, int(p.stem)))


# ---------------------------------------------------------------------------------------------
# raw frame
# ---------------------------------------------------------------------------------------------

_EMPLOYMENT = {
    "полная занятость": "full",
    "частичная занятость": "part",
    "проектная работа": "project",
    "стажировка": "probation",
    "волонтерство": "volunteer",
}
_SCHEDULE = {
    "полный рабочий день": "fullDay",
    "сменный график": "shift",
    "гибкий график": "flexible",
    "удаленная работа": "remote",
    "удаленная": "remote",
    "вахтовый метод": "flyInFlyOut",
}
_CITY = re.compile(r"(?:^|,)\s*(?:г\.?|город)\s+([^,]+)")


def _per_value(s: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``fn`` over each distinct value once: these columns repeat a few values over many rows."""
    uniq = pd.Series(s.dropna().unique(), dtype="object")
    table = dict(zip(uniq, fn(uniq).astype("object"), strict=True)) if len(uniq) else {}
    return s.map(table)


def _text_key(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().str.lower().str.replace("ё", "е", regex=False)


def _amount(s: pd.Series) -> pd.Series:
    """Numbers or strings ("45000", "45 000", "45000,5") → float; 0 means "not set" → NaN."""
    text = s.astype("string").str.replace(r"[\s\u00a0]", "", regex=True).str.replace(",", ".", regex=False)
    num = pd.to_numeric(text.astype("object"), errors="coerce").astype(float)
    return num.where(num > 0)


def _currency(s: pd.Series) -> pd.Series:
    key = _text_key(s).str.replace(r"[«»\".\s]", "", regex=True)
    return key.map({"руб": "RUR", "рубль": "RUR", "rur": "RUR", "rub": "RUR"}).fillna(s.astype("string"))


def _experience(years: pd.Series) -> pd.Series:
    """Years of experience asked → hh experience ids (0 → none; 1–2; 3–5; 6 and more)."""
    y = pd.to_numeric(years.astype("string").str.replace(",", ".", regex=False), errors="coerce")
    out = pd.Series(pd.NA, index=y.index, dtype="object")
    out[y >= 0] = "noExperience"
    out[y >= 1] = "between1And3"
    out[y >= 3] = "between3And6"
    out[y >= 6] = "moreThan6"
    return out.where(y.notna(), None)


def _region_iso(codes: pd.Series, names: pd.Series) -> pd.Series:
    """The 13-digit region code through regions.csv; the region name as a fallback."""
    by_code = dict(zip(regions()["trudvsem_code"], regions()["iso"], strict=True))
    by_code.pop("", None)

    def lookup(u: pd.Series) -> pd.Series:
        return u.astype("string").str.strip().str.replace(r"\.0$", "", regex=True).str.zfill(13).map(by_code)

    return _per_value(codes, lookup).astype("string").fillna(region_for_name(names.astype("string")))


def _g(d: Any, *path: str) -> Any:
    for k in path:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def _first_location(addresses: Any) -> Any:
    items = _g(addresses, "address")
    if isinstance(items, list) and items and isinstance(items[0], dict):
        return items[0].get("location")
    return None


def _records(path: Path) -> list[tuple]:
    try:
        data = json.loads(Path(path).read_bytes())
        vacancies = data["results"]["vacancies"]
        if not isinstance(vacancies, list):
            raise TypeError
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not a Работа России page: {path} ({type(exc).__name__})") from exc
    rows = []
    for wrapper in vacancies:
        v = wrapper["vacancy"]
        company = v.get("company") or {}
        rows.append((
            v.get("id"), v.get("job-name"), company.get("name"), company.get("ogrn") or company.get("inn"),
            _g(v, "region", "region_code"), _g(v, "region", "name"), _first_location(v.get("addresses")),
            v.get("salary_min"), v.get("salary_max"), v.get("currency"),
            _g(v, "requirement", "experience"), v.get("employment"), v.get("schedule"), v.get("creation-date"),
            v.get("modify-date"),
        ))
    return rows


_RECORD = ("source_id", "title", "employer", "employer_id", "region_code", "region_name", "location",
           "salary_min", "salary_max", "currency", "experience_years", "employment", "schedule", "created",
           "modified")


def trudvsem_raw_frame(page_paths: Sequence[Path]) -> pd.DataFrame:
    """Stored pages → ``flatten.RAW_COLUMNS`` plus ``region_iso``, one row per vacancy id.

    ``gross`` is None: Работа России does not say whether pay is before or after tax (the
    normaliser then takes it as on hand, like most Russian postings). ``salary_mode`` is None
    (monthly). ``area_id`` is None (no hh area); ``area_name`` is the city of the first address,
    else the region name. Raises ``ValueError`` naming a file that is not a page.
    """
    rows = [r for p in page_paths for r in _records(p)]
    rec = pd.DataFrame(rows, columns=list(_RECORD), dtype="object")
    # The same vacancy on several pages or harvests: keep its latest version (modify-date, then
    # page order), since the warehouse can only tell versions apart by published_at.
    latest = rec["modified"].astype("string").fillna("").sort_values(kind="stable")
    rec = rec.loc[latest.index].drop_duplicates("source_id", keep="last").sort_index().reset_index(drop=True)
    out = pd.DataFrame(index=rec.index)
    out["source"] = SOURCE
    out["source_id"] = rec["source_id"].astype("string")
    out["title"] = rec["title"]
    out["employer"] = rec["employer"]
    out["employer_id"] = rec["employer_id"].map(lambda v: None if v is None else str(v))
    out["area_id"] = None
    city = rec["location"].astype("string").str.extract(_CITY, expand=False).str.strip()
    out["area_name"] = city.fillna(rec["region_name"].astype("string")).astype("object")
    out["salary_from"] = _per_value(rec["salary_min"], _amount).astype(float)
    out["salary_to"] = _per_value(rec["salary_max"], _amount).astype(float)
    out["currency"] = _per_value(rec["currency"], _currency)
    out["gross"] = None
    out["salary_mode"] = None
    out["experience"] = _per_value(rec["experience_years"], _experience)
    out["employment"] = _per_value(rec["employment"], lambda u: _text_key(u).map(_EMPLOYMENT))
    out["schedule"] = _per_value(rec["schedule"], lambda u: _text_key(u).map(_SCHEDULE))
    out["work_format"] = None
    out["professional_roles"] = None
    out["skills"] = None
    out["published_at"] = rec["created"]
    out["region_iso"] = _region_iso(rec["region_code"], rec["region_name"])
    for col in out.columns:
        out[col] = out[col].astype("object").where(out[col].notna(), None)
    return out[[*RAW_COLUMNS, "region_iso"]]


# ---------------------------------------------------------------------------------------------
# the job
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrudvsemSummary:
    pages_fetched: int
    pages_reused: int
    found: int
    rows_in: int
    rows_new: int
    rows_replaced: int
    total_rows: int
    seconds: float
    warnings: tuple[str, ...]

    def line(self) -> str:
        return (f"Работа России: {self.pages_fetched} pages fetched, {self.pages_reused} reused "
                f"({self.found} vacancies found); {self.rows_in} rows in, {self.rows_new} new, "
                f"{self.rows_replaced} updated; warehouse holds {self.total_rows} rows ({self.seconds:.1f} s)")


def fetch_trudvsem(
    wh: Path,
    regions: Sequence[str] = (),
    text: str | None = None,
    since: date | datetime | None = None,
    progress: Progress | None = None,
    *,
    raw_root: Path | None = None,
    client: TrudvsemClient | None = None,
) -> TrudvsemSummary:
    """Harvest Работа России (raw pages under data/raw/trudvsem), normalise, load as source "trudvsem".

    The query is pinned to today's date (UTC): a killed run restarted the same day resumes from
    the pages on disk; a run on a later day asks again. Raises ``pipelines.jobs.JobFailed`` with a
    one-line message for anything the user can act on (network, server, broken page).
    """
    from pipelines import warehouse
    from pipelines.jobs import JobFailed  # here, not at the top: jobs may import this module
    from pipelines.normalise import normalise

    started = time.monotonic()
    raw_root = Path(raw_root) if raw_root is not None else config.raw_dir()
    own = client is None
    client = client or TrudvsemClient()
    try:
        result = harvest_trudvsem(client, regions, text, since, raw_root, progress,
                                  as_of=datetime.now(UTC).date())
        frame = normalise(trudvsem_raw_frame(result.pages))
    except (TrudvsemError, ValueError) as exc:
        raise JobFailed(str(exc)) from exc
    finally:
        if own:
            client.close()
    with warehouse.writing(wh) as con:
        r = warehouse.load(con, frame, source=SOURCE,
                           note=f"fetch-trudvsem regions={list(regions)} text={text!r} since={since}")
    return TrudvsemSummary(result.pages_fetched, result.pages_reused, result.found, r.rows_in, r.rows_new,
                           r.rows_replaced, r.total_rows, time.monotonic() - started, tuple(result.warnings))
