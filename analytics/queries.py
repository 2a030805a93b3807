"""SQL over the warehouse for the pages: aggregation in DuckDB, bound parameters, cached.

Every public function takes ``wh`` = (warehouse path, modification time) first: the mtime makes
the cache forget results as soon as a load changes the file. Connections are opened read-only per
call and closed, so the app never holds the write lock the pipeline needs.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager

import duckdb
import pandas as pd
import streamlit as st

from analytics import ranges, recency
from analytics.filters import GROUPS, Filters, pay_columns, where
from analytics.i18n import t
from pipelines import lake
from pipelines.config import warehouse_path, warehouse_wait

WH = tuple[str, float]
_TTL = 3600


def warehouse_key(path: str | os.PathLike[str] | None = None) -> WH | None:
    """(version file, mtime) of the warehouse, or None when there is none yet.

    The warehouse path is a link to its current version (``pipelines.warehouse.writing``): resolving
    it here keys every cached answer by the version it was computed on, so a refresh shows up on the
    next rerun without a restart, and a query never mixes two versions."""
    p = warehouse_path(path)
    try:
        real = p.resolve(strict=True)
        if lake.is_lake(real):  # a Parquet lake: its version directory, keyed by its manifest
            return str(real), (real / lake.MANIFEST).stat().st_mtime
        return str(real), real.stat().st_mtime
    except (FileNotFoundError, RuntimeError):
        return None


class WarehouseUnavailable(RuntimeError):
    """The warehouse cannot be read. ``reason`` is "busy" (another process holds it for writing, or
    the version was swapped away while reading: it passes) or "broken" (not a vilka warehouse: a
    directory, another file, another database). ``str()`` is one line naming the file and the cause,
    for the CLI and the server log; :meth:`message` is what a visitor reads, without paths."""

    def __init__(self, path: str, reason: str, cause: str) -> None:
        self.path, self.reason, self.cause = path, reason, cause
        super().__init__(f"{path}: {cause}")

    def message(self, lang: str = "ru") -> str:
        return t(f"wh_unavailable_{self.reason}", lang)


_BUSY = "another vilka process is writing this warehouse; try again in a minute"


def _unavailable(path: str, exc: duckdb.Error) -> WarehouseUnavailable:
    """DuckDB's error in vilka's words: its messages are long, multi-line and full of internals."""
    text = str(exc)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    if isinstance(exc, duckdb.CatalogException):
        return WarehouseUnavailable(path, "broken", f"not a vilka warehouse ({first})")
    if "lock" in text.lower() or isinstance(exc, duckdb.ConnectionException):
        # another process's write lock; in-process, a writer's connection to the same file
        return WarehouseUnavailable(path, "busy", _BUSY)
    if "database does not exist" in text or "No such file" in text:
        return WarehouseUnavailable(path, "busy", "the warehouse changed while reading; try again")
    if "Is a directory" in text:
        return WarehouseUnavailable(path, "broken", "a directory, not a vilka warehouse")
    if "not a valid DuckDB database" in text:
        return WarehouseUnavailable(path, "broken", "not a vilka warehouse (not a DuckDB database file)")
    return WarehouseUnavailable(path, "broken", f"not a vilka warehouse ({first})")


def _connect(path: str) -> duckdb.DuckDBPyConnection:
    """A read-only connection, retried while the trouble may pass (a writer's lock, a version
    swapped away) for up to ``VILKA_WAREHOUSE_WAIT`` seconds (default 3; tests use 0). What cannot
    pass (not a DuckDB file, a directory) is reported at once."""
    deadline = time.monotonic() + warehouse_wait()
    pause = 0.1
    while True:
        try:
            return duckdb.connect(path, read_only=True)
        except duckdb.Error as exc:
            err = _unavailable(path, exc)
            left = deadline - time.monotonic()
            if err.reason != "busy" or left <= 0:
                raise err from exc
        time.sleep(min(pause, left))
        pause = min(pause * 2, 1.0)


@contextmanager
def _con(wh: WH):
    """A read-only connection for one query. DuckDB's own errors about the file (IO, lock, a missing
    ``vacancies`` table) leave as :class:`WarehouseUnavailable`, so no page and no CLI shows them raw.
    A Parquet lake (``pipelines.lake``) is read through an in-memory DuckDB with views over its
    files: nothing is locked, any number of replicas read it."""
    if lake.is_lake(wh[0]):
        con = duckdb.connect()
        try:
            lake.create_views(con, wh[0])
        except duckdb.Error as exc:
            con.close()
            raise _unavailable(wh[0], exc) from exc
    else:
        con = _connect(wh[0])
    try:
        con.execute("SET memory_limit = '512MB'")
        con.execute("SET threads = 2")
        yield con
    except (duckdb.IOException, duckdb.CatalogException) as exc:
        raise _unavailable(wh[0], exc) from exc
    finally:
        con.close()


def _df(wh: WH, sql: str, params: list | None = None) -> pd.DataFrame:
    with _con(wh) as con:
        return con.execute(sql, params or []).df()


@st.cache_data(ttl=_TTL, show_spinner=False)
def overview(wh: WH) -> dict:
    """Totals and dates of the whole warehouse, for captions and the Data page."""
    row = _df(wh, """
        SELECT count(*) AS rows, count(*) FILTER (WHERE len(flags) = 0) AS usable,
               min(published_at) AS first, max(published_at) AS last
        FROM vacancies""").iloc[0]
    return {k: (None if pd.isna(v) else v) for k, v in row.items()}


@st.cache_data(ttl=_TTL, show_spinner=False)
def options(wh: WH) -> dict[str, pd.DataFrame]:
    """The values the sidebar offers, each with its count of usable vacancies, most common first
    (one scan: GROUPING SETS count every column at once)."""
    cols = ("profession", "level", "experience", "source", "region_iso")
    both = _df(wh, f"""
        SELECT {', '.join(cols)}, any_value(region) AS name, count(*) AS n, GROUPING_ID({', '.join(cols)}) AS g
        FROM vacancies WHERE len(flags) = 0
        GROUP BY GROUPING SETS ({', '.join(f'({c})' for c in cols)})""")
    out = {}
    for i, col in enumerate(cols):
        gid = (2 ** len(cols) - 1) ^ (1 << (len(cols) - 1 - i))  # only this column grouped
        part = both[(both["g"] == gid) & both[col].notna()]
        part = part.rename(columns={col: "value"}).sort_values(["n", "value"], ascending=[False, True])
        keep = ["value", "name", "n"] if col == "region_iso" else ["value", "n"]
        out["region" if col == "region_iso" else col] = part[keep].reset_index(drop=True)
    out["city"] = _df(wh, """
        SELECT city AS value, region_iso, count(*) AS n FROM vacancies
        WHERE len(flags) = 0 AND city IS NOT NULL AND region_iso IS NOT NULL
        GROUP BY ALL ORDER BY n DESC, value""")
    return out


def _cell_rows(wh: WH, filters: Filters, by: tuple[str, ...], dated: bool) -> pd.DataFrame:
    lo, hi = pay_columns(filters.basis)
    clause, params = where(filters)
    keys = ", ".join(f"{GROUPS[b]} AS {b}" for b in by)
    return counted_rows(wh, keys, lo, hi, clause, params, dated=dated)


def counted_rows(wh: WH, keys: str, lo: str, hi: str, clause: str, params: list,
                 variables: dict[str, str] | None = None, table: str = "vacancies",
                 dated: bool = False) -> pd.DataFrame:
    """(keys..., lo, hi, n) with identical rows counted in DuckDB: ads repeat round numbers, so a
    million vacancies are tens of thousands of distinct rows, and ``ranges.estimate_cells(...,
    count="n")`` gives exactly what the rows one by one would. ``keys`` are SQL fragments from fixed
    tables; ``variables`` are session variables (bound values) the fragments read; ``table`` is
    ``vacancies`` or a fixed join onto it. ``dated`` adds what :mod:`analytics.recency` needs to
    window and age the rows: ``_reg`` (region ISO), ``month`` (publication month number, -1 when
    undated) and ``first_day``/``last_day`` (publication days since 1970 of the rows counted together)."""
    if dated:
        keys = f"{keys}{',' if keys else ''} region_iso AS _reg, {recency.MONTH_SQL} AS month"
    # days since 1970 as integers: cheap to carry and to min/max in pandas (dates as objects are not)
    extra = (", min(epoch_us(published_at)) // 86400000000 AS first_day, "
             "max(epoch_us(published_at)) // 86400000000 AS last_day" if dated else "")
    sql = (f"SELECT {keys}{',' if keys else ''} {lo} AS lo, {hi} AS hi, count(*) AS n{extra} "
           f"FROM {table} {clause} GROUP BY ALL")
    with _con(wh) as con:
        for name, value in (variables or {}).items():
            con.execute(f"SET VARIABLE {name} = ?", [value])
        return con.execute(sql, params).df()


def cell_rows(wh: WH, filters: Filters, by: tuple[str, ...], dated: bool = False) -> pd.DataFrame:
    """The usable rows of a selection as counted (group keys..., lo, hi, n) in the filters' basis:
    the only columns an interval estimate needs (``dated``: and those :mod:`analytics.recency`
    needs). Missing keys become "—" so they form a visible cell."""
    unknown = [b for b in by if b not in GROUPS]
    if unknown:
        raise ValueError(f"cannot group by {unknown}; choose from {sorted(GROUPS)}")
    rows = _cell_rows(wh, filters, by, dated)
    for b in by:
        rows[b] = rows[b].astype(object).where(rows[b].notna(), "—")
    return rows


def compute_pay_bands(wh: WH, filters: Filters, by: tuple[str, ...], method: str = "calibrated") -> pd.DataFrame:
    """Percentile bands of offered monthly pay per cell (``by`` from ``filters.GROUPS``), uncached.

    Only the two bound columns (and the month and region that date and age them) of the filtered,
    usable rows leave DuckDB; the interval-aware estimate (analytics.ranges) runs per cell on the
    latest window with enough vacancies (analytics.recency). Empty selection → empty frame.
    """
    rows = cell_rows(wh, filters, by, dated=True)
    if rows.empty:
        return pd.DataFrame()
    key = list(by) if by else ["_all"]
    if not by:
        rows["_all"] = "all"
    cells = recency.dated_cells(rows, key, filters.aged_to, method)
    return cells.sort_values(["p50", "n"], ascending=False, na_position="last").reset_index(drop=True)


@st.cache_data(ttl=_TTL, show_spinner=False)
def pay_bands(wh: WH, filters: Filters, by: tuple[str, ...], method: str = "calibrated") -> pd.DataFrame:
    """Cached :func:`compute_pay_bands` for the pages."""
    return compute_pay_bands(wh, filters, by, method)


def compute_raw_bounds(wh: WH, filters: Filters, by: tuple[str, ...]) -> pd.DataFrame:
    """Median published "from" and "to" per cell: what people see in job ads, no estimate."""
    rows = cell_rows(wh, filters, by)
    if rows.empty or not by:
        return pd.DataFrame()
    return ranges.raw_bounds_cells(rows, by=list(by), lo="lo", hi="hi", count="n")


@st.cache_data(ttl=_TTL, show_spinner=False)
def raw_bounds(wh: WH, filters: Filters, by: tuple[str, ...]) -> pd.DataFrame:
    return compute_raw_bounds(wh, filters, by)


@st.cache_data(ttl=_TTL, show_spinner=False)
def region_rows(wh: WH, filters: Filters) -> pd.DataFrame:
    """Counted (region, lo, hi, n) rows of the selection over all regions (its region filter is
    ignored): one scan from which the Regions page derives its region, district and Russia cells."""
    return cell_rows(wh, filters.with_(regions=(), federal_districts=()), ("region",), dated=True)


@st.cache_data(ttl=_TTL, show_spinner=False)
def region_cells(wh: WH, filters: Filters, level: str | None) -> pd.DataFrame:
    """Cached :func:`analytics.regions.cells_by` over :func:`region_rows`: a rerun with the same
    filters costs nothing."""
    from analytics.regions import cells_by

    return cells_by(region_rows(wh, filters), level, filters.aged_to)


@st.cache_data(ttl=_TTL, show_spinner=False)
def selection_dates(wh: WH, filters: Filters) -> dict:
    """n and publication date range of the usable rows behind a selection."""
    clause, params = where(filters)
    row = _df(wh, f"SELECT count(*) AS n, min(published_at) AS first, max(published_at) AS last "
                  f"FROM vacancies {clause}", params).iloc[0]
    return {k: (None if pd.isna(v) else v) for k, v in row.items()}


@st.cache_data(ttl=_TTL, show_spinner=False)
def latest_official_wages(wh: WH) -> pd.DataFrame:
    """Per region, the latest monthly Rosstat wage and the mean of the 12 months ending there
    (NaN unless all 12 are present): gross monthly roubles (see ``regions.latest_wages``)."""
    from analytics.regions import latest_wages

    return latest_wages(_df(wh, "SELECT region_iso, period, kind, wage_rub FROM official_wages"))
