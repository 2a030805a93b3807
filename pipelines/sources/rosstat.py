"""Rosstat: official average monthly nominal accrued wages by region (reference data + fetcher).

Two parts:

* ``data/reference/rosstat_wages.csv`` — long format ``region_iso, period, kind, wage_rub, source``
  (roubles per month, GROSS: Rosstat's "начисленная" wage is before NDFL). ``kind`` is
  ``monthly`` (period = first day of the month) or ``annual_avg`` (the year's average monthly
  wage; period = YYYY-01-01). ``region_iso`` is ``RU`` for Russia as a whole. Built once by
  ``scripts/build_rosstat_wages.py`` with the parsers below; read by :func:`official_wages`.
* :func:`fetch_rosstat_tables` — finds the current ``tab2-zpl`` (monthly) and ``tab4-zpl``
  (annual) xlsx files on a rosstat.gov.ru section page and stores them. Parsing them needs an
  xlsx reader (openpyxl), which vilka does not depend on, so they are kept for a later step.

Rosstat's TLS chain ends in the Russian Trusted Root CA, which common CA bundles lack. Put that
CA (PEM, from https://www.gosuslugi.ru/crt) in a file and set ``VILKA_RUSSIAN_CA_BUNDLE`` to its
path; it is passed as ``verify=<path>``. Verification is never switched off.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urljoin, urlsplit

import pandas as pd
import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from pipelines import config
from pipelines.harvest import atomic_write
from pipelines.reference import region_for_name
from pipelines.sources.errors import SourceError

WAGES_FILE = config.REFERENCE / "rosstat_wages.csv"
WAGE_COLUMNS = ("region_iso", "period", "kind", "wage_rub", "source")
KINDS = ("monthly", "annual_avg")
RUSSIA = "RU"
DEFAULT_SECTION_URL = "https://rosstat.gov.ru/labor_market_employment_salaries"
TABLES = ("tab2-zpl", "tab4-zpl")  # monthly by region; annual by region (methodology break in 2018)

# Short provenance tags for the ``source`` column (full references in data/reference/README.md).
SRC_MONTHLY = "Rosstat via fitsbo/hh-analytic-vacancies@114ee4c"
SRC_ANNUAL = "Rosstat via Tyashentin/Python@0093792"
SRC_RUSSIA = "Rosstat via Aimnew/stream1@a43427e"

_RU_MONTHS = ("Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь",
              "Октябрь", "Ноябрь", "Декабрь")


class RosstatError(SourceError):
    """Anything that went wrong fetching Rosstat tables; the message says what to do."""


class BadResponse(RosstatError):
    pass


class NetworkError(RosstatError):
    pass


class UnresolvedRegions(ValueError):
    """Region names in a Rosstat file that match no federal subject in regions.csv."""


# ---------------------------------------------------------------------------------------------
# reading the shipped table
# ---------------------------------------------------------------------------------------------


@cache
def _wages() -> pd.DataFrame:
    df = pd.read_csv(WAGES_FILE, dtype={"region_iso": str, "kind": str, "source": str}, encoding="utf-8")
    if tuple(df.columns) != WAGE_COLUMNS:
        raise ValueError(f"{WAGES_FILE}: columns {list(df.columns)}, expected {list(WAGE_COLUMNS)}")
    df["period"] = pd.to_datetime(df["period"], format="%Y-%m-%d")
    validate_wages(df, str(WAGES_FILE))
    return df.sort_values(["region_iso", "kind", "period"], ignore_index=True)


def validate_wages(df: pd.DataFrame, where: str = "wages") -> None:
    """Kinds, periods, positive wages, known regions and one value per key — or a loud error."""
    from pipelines.reference import regions

    known = set(regions()["iso"]) | {RUSSIA}
    problems = []
    if not df["kind"].isin(KINDS).all():
        problems.append(f"unknown kinds {sorted(set(df['kind']) - set(KINDS))}")
    if not df["region_iso"].isin(known).all():
        problems.append(f"unknown regions {sorted(set(df['region_iso']) - known)}")
    if not (df["period"].dt.day == 1).all():
        problems.append("periods must be first days of a month")
    annual = df["kind"] == "annual_avg"
    if not (df.loc[annual, "period"].dt.month == 1).all():
        problems.append("annual periods must be YYYY-01-01")
    if not (pd.to_numeric(df["wage_rub"], errors="coerce") > 0).all():
        problems.append("wages must be positive numbers")
    dup = df.duplicated(["region_iso", "period", "kind"])
    if dup.any():
        problems.append(f"{int(dup.sum())} duplicate (region_iso, period, kind) rows")
    if problems:
        raise ValueError(f"{where}: " + "; ".join(problems))


def official_wages() -> pd.DataFrame:
    """Rosstat average monthly nominal accrued wage (gross roubles) per region and period.

    Columns ``region_iso, period (Timestamp), kind, wage_rub, source``; small reference data
    (a few thousand rows), cached after the first read; the caller gets its own copy.
    """
    return _wages().copy()


# ---------------------------------------------------------------------------------------------
# building the shipped table from the copies in ../shared/data/rosstat (scripts/build_rosstat_wages.py)
# ---------------------------------------------------------------------------------------------


def _resolve(names: pd.Series, where: str) -> pd.Series:
    iso = region_for_name(names)
    bad = sorted(set(names[iso.isna()]))
    if bad:
        raise UnresolvedRegions(f"{where}: region names match no subject in regions.csv: {bad}")
    return iso


def parse_monthly_wide(path: Path) -> pd.DataFrame:
    """The cp1251 ``;`` wide file (``Месяц`` dd.mm.yyyy, one column per region) → long rows.

    Rows with no figure at all (the 12.2023+ placeholders) are skipped; every region column must
    resolve, and two columns naming one subject are an error.
    """
    wide = pd.read_csv(path, sep=";", encoding="cp1251", dtype=str)
    date_col = wide.columns[0]
    wide = wide.dropna(how="all", subset=list(wide.columns[1:]))
    names = pd.Series(wide.columns[1:])
    iso = _resolve(names, str(path))
    if iso.duplicated().any():
        raise ValueError(f"{path}: several columns for {sorted(set(iso[iso.duplicated()]))}")
    long = wide.melt(id_vars=date_col, var_name="name", value_name="wage_rub").dropna(subset=["wage_rub"])
    long["region_iso"] = long["name"].map(dict(zip(names, iso, strict=True)))
    long["period"] = pd.to_datetime(long[date_col], format="%d.%m.%Y")
    long["wage_rub"] = pd.to_numeric(long["wage_rub"].str.replace(r"[\s\u00a0]", "", regex=True)
                                     .str.replace(",", ".", regex=False), errors="raise")
    long["kind"], long["source"] = "monthly", SRC_MONTHLY
    return long[list(WAGE_COLUMNS)]


def parse_annual(path: Path) -> pd.DataFrame:
    """The headerless ``year,region,avg_salary`` file (short names like "Адыгея") → long rows."""
    df = pd.read_csv(path, header=None, names=["year", "name", "wage_rub"], dtype={"name": str})
    df = df.dropna(subset=["wage_rub"])
    df["region_iso"] = _resolve(df["name"], str(path))
    dup = df.duplicated(["region_iso", "year"])
    if dup.any():
        raise ValueError(f"{path}: several rows for one subject and year: {df.loc[dup, 'name'].tolist()}")
    df["period"] = pd.to_datetime(df["year"].astype(int).astype(str) + "-01-01")
    df["kind"], df["source"] = "annual_avg", SRC_ANNUAL
    return df[list(WAGE_COLUMNS)]


def parse_russia(path: Path) -> pd.DataFrame:
    """Russia as a whole: ``Год, В среднем за год , I..IV, Январь..Декабрь`` → monthly + annual rows."""
    df = pd.read_csv(path, dtype=str)
    df.columns = [c.strip() for c in df.columns]
    year = df["Год"].astype(int)
    rows = [pd.DataFrame({"period": pd.to_datetime(year.astype(str) + "-01-01"), "kind": "annual_avg",
                          "wage_rub": df["В среднем за год"]})]
    for i, month in enumerate(_RU_MONTHS, 1):
        rows.append(pd.DataFrame({"period": pd.to_datetime(year.astype(str) + f"-{i:02d}-01"),
                                  "kind": "monthly", "wage_rub": df[month]}))
    out = pd.concat(rows, ignore_index=True).dropna(subset=["wage_rub"])
    out["wage_rub"] = pd.to_numeric(out["wage_rub"], errors="raise")
    out["region_iso"], out["source"] = RUSSIA, SRC_RUSSIA
    return out[list(WAGE_COLUMNS)]


def build_wages(monthly: Path, annual: Path, russia: Path | None = None) -> pd.DataFrame:
    """All three sources in one validated long frame, sorted; ``period`` as YYYY-MM-DD text."""
    parts = [parse_monthly_wide(monthly), parse_annual(annual)]
    if russia is not None:
        parts.append(parse_russia(russia))
    df = pd.concat(parts, ignore_index=True)
    df["wage_rub"] = df["wage_rub"].round().astype(int)
    validate_wages(df, "built wages")
    df = df.sort_values(["region_iso", "kind", "period"], ignore_index=True)
    df["period"] = df["period"].dt.strftime("%Y-%m-%d")
    return df


# ---------------------------------------------------------------------------------------------
# fetching the current tables from rosstat.gov.ru
# ---------------------------------------------------------------------------------------------


def ca_bundle() -> str | bool:
    """``verify=`` for rosstat.gov.ru: env VILKA_RUSSIAN_CA_BUNDLE (a PEM file), else default (True).

    Raises ``RosstatError`` when the setting names a missing file, so a typo does not surface
    later as a confusing certificate error. Never returns False.
    """
    path = os.environ.get("VILKA_RUSSIAN_CA_BUNDLE", "").strip()
    if not path:
        return True
    file = Path(path).expanduser()
    if not file.is_file():
        raise RosstatError(f"VILKA_RUSSIAN_CA_BUNDLE={path!r} is not a file: place the Russian Trusted "
                           "Root CA there (PEM; see data/reference/README.md, rosstat_wages.csv)")
    return str(file)


def rosstat_session(retries: int = 3, backoff_factor: float = 1.0) -> requests.Session:
    """A session for rosstat.gov.ru: retries on 429/5xx (Retry-After honoured), CA from the setting."""
    s = requests.Session()
    s.verify = ca_bundle()
    s.headers["User-Agent"] = config.hh_user_agent()
    # other=0: a certificate failure will not heal by retrying, so it is reported at once.
    retry = Retry(total=retries, other=0, backoff_factor=backoff_factor,
                  status_forcelist=(429, 500, 502, 503, 504), respect_retry_after_header=True,
                  allowed_methods={"GET"}, raise_on_status=False)
    s.mount("https://", HTTPAdapter(max_retries=retry))
    s.mount("http://", HTTPAdapter(max_retries=retry))
    return s


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]


def table_links(html: str, page_url: str, tables: Sequence[str] = TABLES) -> list[str]:
    """Absolute URLs of the ``.xlsx`` links whose file name starts with one of ``tables``, page order."""
    parser = _Links()
    parser.feed(html)
    wanted = re.compile(r"^(?:" + "|".join(re.escape(t) for t in tables) + r")[^/]*\.xlsx$", re.I)
    out: list[str] = []
    for href in parser.hrefs:
        url = urljoin(page_url, href.strip())
        name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        if wanted.match(name) and url not in out:
            out.append(url)
    return out


class _Getter(Protocol):
    def get(self, url: str, **kw: Any) -> Any: ...


def _get(session: _Getter, url: str, timeout: tuple[float, float]) -> bytes:
    # verify passed per request: requests lets REQUESTS_CA_BUNDLE override a session's own setting.
    try:
        resp = session.get(url, timeout=timeout, verify=getattr(session, "verify", True))
    except requests.exceptions.SSLError as exc:
        raise NetworkError(f"TLS verification failed for {url}: set VILKA_RUSSIAN_CA_BUNDLE to the Russian "
                           "Trusted Root CA (verification is never switched off)") from exc
    except requests.RequestException as exc:
        raise NetworkError(f"no network or Rosstat unreachable ({url}): {type(exc).__name__}") from exc
    if resp.status_code != 200:
        raise BadResponse(f"Rosstat answered {resp.status_code} for {url}")
    return resp.content


_XLSX_MAGIC = b"PK\x03\x04"  # an xlsx is a zip; an HTML error page or a captcha is not


def fetch_rosstat_tables(
    session_or_client: _Getter | None = None,
    section_url: str = DEFAULT_SECTION_URL,
    dest_dir: Path | None = None,
    *,
    tables: Sequence[str] = TABLES,
    timeout: tuple[float, float] = (10, 60),
) -> list[Path]:
    """Download the ``tab2-zpl``/``tab4-zpl`` xlsx files linked from a Rosstat section page.

    ``session_or_client`` is anything with ``get(url, timeout=…)`` (a ``requests.Session``); None
    builds :func:`rosstat_session`. Files are stored under ``dest_dir`` (default
    ``data/raw/rosstat``) by their own names, written atomically; a file that is not an xlsx
    (e.g. an error page) raises ``BadResponse`` and is not stored. Returns the stored paths.
    """
    dest = Path(dest_dir) if dest_dir is not None else config.raw_dir() / "rosstat"
    own = session_or_client is None
    session = rosstat_session() if own else session_or_client
    try:
        html = _get(session, section_url, timeout).decode("utf-8", errors="replace")
        links = table_links(html, section_url, tables)
        if not links:
            raise BadResponse(f"no {'/'.join(tables)} xlsx links on {section_url}: has the page changed?")
        paths = []
        for url in links:
            body = _get(session, url, timeout)
            if not body.startswith(_XLSX_MAGIC):
                raise BadResponse(f"not an xlsx file at {url}: {body[:60]!r}")
            path = dest / unquote(urlsplit(url).path.rsplit("/", 1)[-1])
            atomic_write(path, body)
            paths.append(path)
        return paths
    finally:
        if own:
            session.close()
