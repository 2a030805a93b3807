"""SQL over the warehouse for the pages: aggregation in DuckDB, bound parameters, cached.

Every public function takes ``wh`` = (warehouse path, modification time) first: the mtime makes
the cache forget results as soon as a load changes the file. Connections are opened read-only per
call and closed, so the app never holds the write lock the pipeline needs.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import duckdb
import pandas as pd
import streamlit as st

from analytics import ranges, recency
from analytics.filters import GROUPS, Filters, pay_columns, where
from pipelines.config import warehouse_path

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
        return str(real), real.stat().st_mtime
    except (FileNotFoundError, RuntimeError):
        return None


@contextmanager
def _con(wh: WH):
    con = duckdb.connect(wh[0], read_only=True)
    try:
        con.execute("SET memory_limit = '512MB'")
        con.execute("SET threads = 2")
        yield con
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
    undated) and ``first``/``last`` (publication dates of the rows counted together)."""
    if dated:
        keys = f"{keys}{',' if keys else ''} region_iso AS _reg, {recency.MONTH_SQL} AS month"
    extra = (", CAST(min(published_at) AS DATE) AS first, CAST(max(published_at) AS DATE) AS last"
             if dated else "")
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
