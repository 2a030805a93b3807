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
FACTOR_STEP = 0.002  # log steps the wage-index factor is rounded to (see ``age``)
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
    # factors in steps of 0.2 % (aged pay exact to ±0.1 %, far inside any cell's sampling error): the
    # same round posting of neighbouring months then stays one counted row
    factor = np.where(factor == 1.0, 1.0, np.exp(np.round(np.log(factor) / FACTOR_STEP) * FACTOR_STEP))
    out["factor"] = factor
    out["lo"] = out["lo"].astype(float) * factor
    out["hi"] = out["hi"].astype(float) * factor
    return out


_NEVER = np.iinfo(np.int64).min
WINDOW_LIMIT = {WINDOWS[0]: 0, WINDOWS[1]: 1, 0: 2}  # window → the highest window class it holds


def window_class(month: np.ndarray, keys: Sequence[np.ndarray] = (), dated: np.ndarray | None = None) -> np.ndarray:
    """Per row, the recency rule every cell follows: 0 = within the latest ``WINDOWS[0]`` months of
    its cell's newest dated posting (cells by ``keys``; one cell without), 1 = within ``WINDOWS[1]``,
    2 = older or undated. Window W holds the classes up to ``WINDOW_LIMIT[W]``."""
    month = np.asarray(month, np.int64)
    dated = month >= 0 if dated is None else dated
    m = np.where(dated, month, _NEVER)
    if len(keys):
        newest = pd.Series(m).groupby(list(keys), dropna=False, sort=False).transform("max").to_numpy()
    else:
        newest = np.full(len(m), m.max() if len(m) else _NEVER)
    return np.where(~dated, 2, np.where(month > newest - WINDOWS[0], 0, np.where(month > newest - WINDOWS[1], 1, 2)))


def by_window(rows: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """``rows`` stacked once per window of ``WINDOWS`` with its number in ``_win`` (see
    :func:`window_class`); window 0 holds every row."""
    cls = window_class(rows["month"].to_numpy(), [rows[b].to_numpy() for b in by])
    return pd.concat([rows[cls <= WINDOW_LIMIT[w]].assign(_win=w) for w in WINDOWS], ignore_index=True)


_NO_DAY_FIRST = 10**9  # days: beyond any date, and exact as a float
_NO_DAY_LAST = -(10**9)


def _days(values: pd.Series, missing: int) -> np.ndarray:
    """Dates → whole days since 1970 (int64; ``missing`` where NaT): cheap to min/max by group."""
    d = pd.to_datetime(values).to_numpy().astype("datetime64[D]")
    out = d.astype(np.int64)
    return np.where(np.isnat(d), missing, out)


def _first_days(rows: pd.DataFrame) -> np.ndarray:
    if "first_day" in rows:  # counted in SQL as integers already
        return rows["first_day"].fillna(_NO_DAY_FIRST).to_numpy(np.int64)
    return _days(rows["first"], _NO_DAY_FIRST)


def _last_days(rows: pd.DataFrame) -> np.ndarray:
    if "last_day" in rows:
        return rows["last_day"].fillna(_NO_DAY_LAST).to_numpy(np.int64)
    return _days(rows["last"], _NO_DAY_LAST)


def _compact(rows: pd.DataFrame, by: Sequence[str], count: str) -> pd.DataFrame:
    """Counted rows → one row per (cell, window class, bounds): what the windows and the estimate
    need and nothing else. Class 0 = within the cell's latest 12 months, 1 = 12–24 months back,
    2 = older or undated. Month and region are gone once the class and the factor are known, so
    identical (aged) bounds of different months count as one row again."""
    month = rows["month"].to_numpy(np.int64)
    has_pay = rows["lo"].notna().to_numpy() | rows["hi"].notna().to_numpy()
    cls = window_class(month, [rows[b].to_numpy() for b in by], dated=(month >= 0) & has_pay)
    n = rows[count].to_numpy(np.int64)
    frame = pd.DataFrame({**{b: rows[b].to_numpy() for b in by}, "_cls": cls, "lo": rows["lo"].to_numpy(float),
                          "hi": rows["hi"].to_numpy(float), "n": n,
                          "_first": _first_days(rows), "_last": _last_days(rows),
                          "_u": np.where(month < 0, n, 0), "_fw": n * rows["factor"].to_numpy(float)})[has_pay]
    return frame.groupby([*by, "_cls", "lo", "hi"], dropna=False, sort=False).agg(
        n=("n", "sum"), _first=("_first", "min"), _last=("_last", "max"), _u=("_u", "sum"),
        _fw=("_fw", "sum")).reset_index()


def dated_cells(rows: pd.DataFrame, key: list[str], aged_to: str = "", method: str = "calibrated",
                min_n: int = ranges.MIN_N_ALL) -> pd.DataFrame:
    """Counted, dated rows → one cell per key, on the first window of ``WINDOWS`` with at least
    ``min_n`` vacancies (else all its data, whose percentiles may then be hidden), with its dates,
    and with ``aged_to`` its pay in that month's roubles.

    ``rows``: counted rows (``n``) with the ``key`` columns, ``_reg`` (region ISO), ``month``,
    ``lo``, ``hi`` and ``first_day``/``last_day`` (days since 1970) or ``first``/``last`` (dates). Adds to the ``ranges.estimate_cells`` columns: ``window``
    (months, 0 = all dates), ``time_trail`` (every window tried with its n: ((12, 3), (24, 4), (0, 9))
    means "widened in time"), ``published_from``/``published_to`` (dates of the postings used, NaT
    when all undated), ``n_undated``, and with ``aged_to`` the ``aged_to`` and ``index_factor`` (mean
    factor the cell's postings were multiplied by) columns. One estimate over the rows each cell
    uses: windows are chosen from counts first.
    """
    if rows.empty:
        return pd.DataFrame(columns=[*key, "window", "n"])
    compact = _compact(age(rows, aged_to, region="_reg"), key, "n")
    per_class = compact.pivot_table(index=key, columns="_cls", values="n", aggfunc="sum", fill_value=0,
                                    dropna=False, observed=True)
    per_class = per_class.reindex(columns=[0, 1, 2], fill_value=0)
    n12 = per_class[0].to_numpy()
    n24 = n12 + per_class[1].to_numpy()
    n_all = n24 + per_class[2].to_numpy()
    dated = n12 > 0  # a cell with dated postings has some in its latest 12 months (the newest one)
    window = np.where(dated & (n12 >= min_n), WINDOWS[0], np.where(dated & (n24 >= min_n), WINDOWS[1], 0))
    trails = [((WINDOWS[0], a),) if w == WINDOWS[0] else ((WINDOWS[0], a), (WINDOWS[1], b)) if w == WINDOWS[1]
              else (((WINDOWS[0], a), (WINDOWS[1], b), (0, c)) if d else ((0, c),))
              for w, a, b, c, d in zip(window, n12.tolist(), n24.tolist(), n_all.tolist(), dated, strict=True)]
    choice = pd.DataFrame({"window": window, "time_trail": trails}, index=per_class.index).reset_index()
    limit = choice["window"].map(WINDOW_LIMIT).to_numpy()
    used = compact.merge(choice[key].assign(_limit=limit), on=key, how="left")
    used = used[used["_cls"].to_numpy() <= used["_limit"].to_numpy()]
    if method == "censored_lognormal":  # the likelihood fit takes one row per vacancy
        est = ranges.estimate_cells(used.loc[used.index.repeat(used["n"])], by=key, method=method)
    else:
        est = ranges.estimate_cells(used, by=key, lo="lo", hi="hi", count="n", method=method)
    extra = used.groupby(key, dropna=False, sort=False).agg(
        _first=("_first", "min"), _last=("_last", "max"), n_undated=("_u", "sum"), _w=("n", "sum"),
        _fw=("_fw", "sum")).reset_index()
    first, last = extra["_first"].to_numpy(), extra["_last"].to_numpy()
    extra["published_from"] = pd.to_datetime(np.where(first == _NO_DAY_FIRST, np.nan, first), unit="D")
    extra["published_to"] = pd.to_datetime(np.where(last == _NO_DAY_LAST, np.nan, last), unit="D")
    extra["index_factor"] = extra["_fw"] / extra["_w"].where(extra["_w"] > 0)
    extra["n_undated"] = extra["n_undated"].astype(np.int64)
    cells = (est.merge(extra.drop(columns=["_first", "_last", "_w", "_fw"]), on=key, how="left")
             .merge(choice, on=key, how="left"))
    if aged_to:
        cells["aged_to"] = aged_to
    else:
        cells = cells.drop(columns=["index_factor"])
    return cells
