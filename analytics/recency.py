"""When a cell's vacancies were published, which of them it uses, and their pay in one month's roubles.

Pay moves fast (the national average wage grew ≈ 50 % from 2022 to 2025), so a percentile is only
meaningful with its dates, and a cell mixing 2021 and 2025 postings mixes two price levels. Two rules
follow, shared by every page and the CLI:

* **Recency first.** A cell uses the latest ``WINDOWS[0]`` (12) months of the data it has (counted back
  from its own newest posting); with too few vacancies there it widens in time — 24 months, then all
  its data, undated postings included — exactly as it widens in space, and says so.
* **Aging.** With ``aged_to`` = "YYYY-MM", every posting's bounds are multiplied by the wage index
  factor of its region and publication month (``analytics.wage_index``: regional Rosstat wages where
  they exist, national beyond), so the cell speaks in roubles of that month. An undated posting cannot
  be aged: it stays as published and is counted in ``n_undated``.

Rows come counted from SQL (``queries.counted_rows``) with two extra columns: ``month`` (months since
year 0, ``year·12 + month − 1``; −1 when undated) and ``first``/``last`` (publication dates of the
identical postings a row stands for). Everything is vectorised over rows; cells are few.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from analytics import ranges

WINDOWS: tuple[int, ...] = (12, 24, 0)  # months; 0 = all the data, undated postings included
UNDATED = -1
AGED_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

# SQL for the month number of a posting (fixed text, never user input): the UTC calendar month
MONTH_SQL = ("COALESCE(year(make_timestamp(epoch_us(published_at))) * 12 "
             "+ month(make_timestamp(epoch_us(published_at))) - 1, -1)")


def parse_month(text: str) -> int:
    """'2025-11' → month number; ValueError with the expected form otherwise."""
    m = AGED_RE.match(text.strip())
    if not m:
        raise ValueError(f"month {text!r}: expected YYYY-MM, e.g. 2025-11")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def month_text(number: int) -> str:
    """Month number → 'YYYY-MM'."""
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def current_month(today: pd.Timestamp | None = None) -> str:
    """The month the pages age pay to by default: this one."""
    today = today or pd.Timestamp.today()
    return f"{today.year:04d}-{today.month:02d}"


@lru_cache(maxsize=8)
def factor_table(aged_to: str) -> pd.DataFrame:
    """(region_iso, month number) → factor bringing pay of that month to roubles of ``aged_to``.

    Region "" stands for an unknown region (national index)."""
    from analytics import wage_index

    parse_month(aged_to)
    f = wage_index.factors(aged_to)
    month = pd.to_datetime(f["month"].astype(str))
    return pd.DataFrame({"region_iso": f["region_iso"].fillna("").astype(str).replace({"RU": ""}),
                         "month": (month.dt.year * 12 + month.dt.month - 1).astype(np.int64),
                         "factor": f["factor"].astype(float)})


@lru_cache(maxsize=8)
def _dense(aged_to: str) -> tuple[dict[str, int], int, np.ndarray]:
    """The factor table as a (region, month − first month) array: one gather per row, no join."""
    table = factor_table(aged_to)
    regions = sorted(set(table["region_iso"]))
    index = {r: i for i, r in enumerate(regions)}
    first = int(table["month"].min())
    grid = np.full((len(regions), int(table["month"].max()) - first + 1), np.nan)
    grid[table["region_iso"].map(index).to_numpy(), table["month"].to_numpy() - first] = table["factor"].to_numpy()
    return index, first, grid


def factors_for(region: pd.Series, month: np.ndarray, aged_to: str) -> np.ndarray:
    """The wage-index factor of each (region ISO, month number) to ``aged_to``; 1.0 for undated
    rows and months the index does not cover, the national factor for unknown regions."""
    index, first, grid = _dense(aged_to)
    codes, uniques = pd.factorize(region.astype(object), use_na_sentinel=True)
    national = index.get("", 0)
    lookup = np.array([index.get(str(u), national) for u in uniques] + [national], dtype=np.int64)
    r = lookup[codes]  # code −1 (missing region) → the appended national entry
    month = np.asarray(month, np.int64)
    col = month - first
    ok = (month >= 0) & (col >= 0) & (col < grid.shape[1])
    out = np.ones(len(month))
    out[ok] = grid[r[ok], col[ok]]
    return np.where(np.isfinite(out), out, 1.0)


def age(rows: pd.DataFrame, aged_to: str = "", region: str = "region_iso") -> pd.DataFrame:
    """``rows`` with ``lo``/``hi`` in roubles of ``aged_to`` and the ``factor`` applied (1.0 when not
    aged, for undated postings, and for months the index does not cover)."""
    out = rows.copy()
    if not aged_to or out.empty:
        out["factor"] = 1.0
        return out
    factor = factors_for(out[region], out["month"].to_numpy(), aged_to)
    out["factor"] = factor
    out["lo"] = out["lo"].astype(float) * factor
    out["hi"] = out["hi"].astype(float) * factor
    return out


def by_window(rows: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """``rows`` stacked once per window of ``WINDOWS`` with its number in ``_win``: a row is in window
    W when it is dated and published within W months back from the newest posting of its cell
    (``by``); window 0 holds every row."""
    month = rows["month"].to_numpy(np.int64)
    dated = month >= 0
    if by:
        newest = rows.assign(_m=np.where(dated, month, np.iinfo(np.int64).min)).groupby(
            list(by), dropna=False, observed=True, sort=False)["_m"].transform("max").to_numpy()
    else:
        newest = np.full(len(rows), month[dated].max() if dated.any() else UNDATED)
    parts = []
    for w in WINDOWS:
        keep = np.ones(len(rows), bool) if w == 0 else dated & (month > newest - w)
        parts.append(rows[keep].assign(_win=w))
    return pd.concat(parts, ignore_index=True)


def windowed_cells(rows: pd.DataFrame, by: Sequence[str], count: str | None = "n",
                   method: str = "calibrated") -> pd.DataFrame:
    """Pay percentiles per (cell, window): the ``ranges.estimate_cells`` columns plus ``window``
    (months, 0 = all), ``published_from``/``published_to`` (dates of the postings used, NaT when all
    undated), ``n_undated`` and ``index_factor`` (the mean factor the cell's postings were aged by).

    ``rows``: counted rows (``count`` column) with the ``by`` keys, ``lo``, ``hi``, ``month``,
    ``first``, ``last`` and — when aged by :func:`age` — ``factor``.
    """
    cols = [*by, "_win"]
    if rows.empty:
        return pd.DataFrame(columns=[*by, "window", "n"])
    stacked = by_window(rows if "factor" in rows else rows.assign(factor=1.0), by)
    est = ranges.estimate_cells(stacked, by=cols, lo="lo", hi="hi", count=count, method=method)
    w = stacked[count].to_numpy(float) if count else np.ones(len(stacked))
    has_pay = stacked["lo"].notna().to_numpy() | stacked["hi"].notna().to_numpy()
    stacked = stacked.assign(_w=np.where(has_pay, w, 0.0), _fw=np.where(has_pay, w * stacked["factor"], 0.0),
                             _u=np.where(has_pay & (stacked["month"].to_numpy() < 0), w, 0.0),
                             _first=pd.to_datetime(stacked["first"]).where(has_pay),
                             _last=pd.to_datetime(stacked["last"]).where(has_pay))
    extra = stacked.groupby(cols, dropna=False, observed=True).agg(
        published_from=("_first", "min"), published_to=("_last", "max"), n_undated=("_u", "sum"),
        _w=("_w", "sum"), _fw=("_fw", "sum")).reset_index()
    extra["index_factor"] = np.where(extra["_w"] > 0, extra["_fw"] / extra["_w"].where(extra["_w"] > 0, 1), np.nan)
    extra["n_undated"] = extra["n_undated"].round().astype(np.int64)
    est = est.merge(extra.drop(columns=["_w", "_fw"]), on=cols, how="left")
    return est.rename(columns={"_win": "window"})


def as_lookup(cells: pd.DataFrame, by: Sequence[str]) -> dict[tuple, pd.Series]:
    """(key..., window) → cell row, for walking a widening chain."""
    if cells.empty:
        return {}
    keys = cells[[*by, "window"]].itertuples(index=False, name=None)
    return {tuple(k): row for k, (_, row) in zip(keys, cells.iterrows(), strict=True)}


def choose(cells: pd.DataFrame, by: Sequence[str], min_n: int = ranges.MIN_N_ALL) -> pd.DataFrame:
    """One row per cell from :func:`windowed_cells`: the first window of ``WINDOWS`` with at least
    ``min_n`` vacancies (else all the data, whose percentiles may then be hidden). ``time_trail``
    keeps every window tried with its n: ((12, 3), (24, 4), (0, 9)) means "widened in time"."""
    if cells.empty:
        return cells.assign(time_trail=pd.Series(dtype=object))
    rank = {w: i for i, w in enumerate(WINDOWS)}
    key = list(by)
    c = cells.assign(_o=cells["window"].map(rank)).sort_values([*key, "_o"], kind="stable")
    picked, trails = [], []
    for _, g in (c.groupby(key, dropna=False, sort=False) if key else [(None, c)]):  # cells: a few hundred
        trail: list[tuple[int, int]] = []
        for _, r in g.iterrows():
            trail.append((int(r["window"]), int(r["n"])))
            if r["n"] >= min_n or r["window"] == 0:
                break
        picked.append(r)
        trails.append(tuple(trail))
    out = pd.DataFrame(picked).drop(columns="_o").reset_index(drop=True)
    out["time_trail"] = trails
    return out


def dated_cells(rows: pd.DataFrame, key: list[str], aged_to: str = "", method: str = "calibrated",
                min_n: int = ranges.MIN_N_ALL) -> pd.DataFrame:
    """Counted, dated rows → one cell per key: the latest window with ``min_n`` vacancies
    (:func:`analytics.recency.choose`), its dates, and with ``aged_to`` its pay in that month's
    roubles (``aged_to`` and ``index_factor`` columns)."""
    aged = age(rows, aged_to, region="_reg")
    count: str | None = "n"
    if method == "censored_lognormal":  # the likelihood fit takes one row per vacancy
        aged, count = aged.loc[aged.index.repeat(aged["n"])], None
    cells = choose(windowed_cells(aged, key, count=count, method=method), key, min_n)
    if aged_to:
        cells["aged_to"] = aged_to
    else:
        cells = cells.drop(columns=["index_factor"], errors="ignore")
    return cells
