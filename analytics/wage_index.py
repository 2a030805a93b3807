"""Wage index: bring pay published in one month to roubles of another (issue #10 §2, aging).

Why: vacancy pay in the warehouse spans 2021–2025 and Russian wages grew ≈ 50 % from 2022 to 2025,
so a cell mixing old and new postings mixes price levels. Multiplying each posting's pay by
``index(region, target) / index(region, month)`` expresses it in roubles of ``target``.

The index is Rosstat's average monthly nominal accrued wage (gross ₽), smoothed to a trend:

* **Inputs.** ``data/reference/rosstat_wages.csv`` (via :func:`pipelines.sources.rosstat.official_wages`:
  regional annual averages for odd years 2005–2019, regional months 2022-01…2023-11, Russia 2012–2022)
  plus ``data/reference/wage_index.csv`` (newer Rosstat figures; a row there replaces the shipped row
  with the same region, period and kind — Rosstat revises, e.g. Russia 2022: 65 338 → 65 445 ₽).
* **Points of a series** (one series per region ISO code, ``RU`` for Russia), in time order:

  1. every annual average, placed at the centre of its year (month position ``12·year + 5.5``:
     between June and July — the mean of twelve months sits in their middle);
  2. after the last annual point, every complete run of 12 consecutive months as its mean, placed at
     its centre (``K − 5.5`` for the window ending in month K) and multiplied by the basis factor β
     (below), which puts a mean of monthly figures on the annual-average basis;
  3. after the last of those, single months except December: ``S(K−12) · w(K)/w(K−12)`` when the
     same month a year earlier is published and inside the series (a same-month ratio: the region's
     own seasonality cancels), else ``w(K) / s[month]`` with the national seasonal factor s.

  A December figure is never a point on its own (it carries annual bonuses, +25–35 %); it only
  enters through 12-month means, where it is one twelfth.
* **Seasonal factors** ``s[1..12]``: national month / national annual trend at that month, geometric
  mean over the latest 5 calendar years with all 12 national months and annual averages the year
  before and after (2018–2022 with the shipped data: after Rosstat's 2018 methodology break).
  β = 1 / mean(s) (≈ 1.014).
* **Russia** is the geometric (log-linear) interpolation of its points. Before 2012 Rosstat's national
  series is not shipped, so the national annual average of an odd year 2005–2011 is *derived*:
  chained back from the next known year with the geometric mean of the regions' growth between the
  two years (within ≈ 2 % per two years where both are known); only the index before 2012 uses it.
* **A region** is ``Russia × relative level``: the relative level (region / Russia) is known at the
  region's points, interpolated geometrically between them and held constant outside them. So between
  its points the region follows its own data with the national shape inside gaps (2019 → 2022), and
  beyond its last point (2023-11 for the shipped data) it is "regional level at its last point ×
  national growth after it" (``basis = "chained"``). The four subjects without figures (DPR, LPR,
  Zaporozhye, Kherson) follow Russia.
* **Extrapolation**: beyond Russia's last point (its last published month that is not a December;
  2025-11 with the shipped data) the index grows at the last 12-month rate, ``(S(last) / S(last − 12))^(m/12)``; such months have
  ``extrapolated = True``. Before 2005-06 the first 12 months' rate is carried back (not flagged).

Month keys: months are ``pandas.Timestamp`` at the first day (``2025-11-01``); arguments are
``'YYYY-MM'`` strings. Russia as a whole is ``region_iso = "RU"``: map unknown or NULL regions to it.
Everything is vectorised (a (region × month) array; the factor table has one row per region and
month) and cached (``functools.lru_cache``): reference data do not change at run time —
:func:`merge_rows` clears the caches after it rewrites the file.

No streamlit, plotly or duckdb here: pages and SQL get plain frames.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipelines.config import REFERENCE

__all__ = [
    "INDEX_FILE",
    "RUSSIA",
    "START",
    "MergeResult",
    "factors",
    "index_info",
    "merge_rows",
    "read_rows",
    "seasonal_factors",
    "wage_index",
]

INDEX_FILE = REFERENCE / "wage_index.csv"
COLUMNS = ("region_iso", "period", "kind", "wage_rub", "source")
KINDS = ("annual", "monthly")
RUSSIA = "RU"
START = "2005-01"
AFTER_TARGET_MONTHS = 24  # factors() also covers this many months after max(target, last national month)
MAX_AHEAD_MONTHS = 120  # a target further than this past the last national month is refused
SEASONAL_YEARS = 5
WAGE_RANGE = (500.0, 5_000_000.0)  # roubles per month; outside it a figure is a unit error, not a wage
DECEMBER = 11  # month number % 12

_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_YEAR_RE = re.compile(r"^(\d{4})$")


# ---------------------------------------------------------------------------------------------
# months
# ---------------------------------------------------------------------------------------------


def _month_number(value: Any) -> int:
    """'YYYY-MM' (or a Timestamp/date) → ``year·12 + month − 1`` (the numbering of analytics.recency)."""
    if isinstance(value, str):
        m = _MONTH_RE.match(value.strip())
        if not m:
            raise ValueError(f"month {value!r}: expected YYYY-MM, e.g. 2025-11")
        return int(m.group(1)) * 12 + int(m.group(2)) - 1
    if hasattr(value, "year") and hasattr(value, "month"):
        return int(value.year) * 12 + int(value.month) - 1
    raise ValueError(f"month {value!r}: expected a 'YYYY-MM' string")


def _month_text(k: int) -> str:
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def _month_stamps(ks: np.ndarray) -> pd.DatetimeIndex:
    """Month numbers → first-day Timestamps, vectorised."""
    ks = np.asarray(ks, dtype=np.int64)
    return pd.to_datetime(pd.DataFrame({"year": ks // 12, "month": ks % 12 + 1, "day": 1}))


K_START = _month_number(START)


# ---------------------------------------------------------------------------------------------
# reading and validating rows in the wage_index.csv shape
# ---------------------------------------------------------------------------------------------


def _known_regions() -> set[str]:
    from pipelines.reference import regions

    return set(regions()["iso"]) | {RUSSIA}


def _parse_rows(raw: pd.DataFrame, where: str) -> pd.DataFrame:
    """Text rows (region_iso, period, kind, wage_rub, source) → validated typed rows plus ``k``.

    Every problem is reported with its file line (header = line 1), all at once, so a bad Rosstat
    extract is fixed in one go. ``k`` is the month number of the period (January for annual rows).
    """
    if tuple(raw.columns) != COLUMNS:
        raise ValueError(f"{where}: columns {list(raw.columns)}, expected {list(COLUMNS)}")
    known = _known_regions()
    problems: list[str] = []
    rows: list[tuple[str, str, str, float, str, int]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for i, r in enumerate(raw.itertuples(index=False), start=2):
        region, period, kind, wage_text, source = (str(v).strip() for v in r)
        line = f"{where} line {i}"
        bad = len(problems)
        if region not in known:
            problems.append(f"{line}: unknown region_iso {region!r} (ISO code from regions.csv, or RU)")
        if kind not in KINDS:
            problems.append(f"{line}: kind {kind!r} must be one of {list(KINDS)}")
        k = -1
        pattern = _YEAR_RE if kind == "annual" else _MONTH_RE
        m = pattern.match(period)
        if kind in KINDS and not m:
            form = "YYYY" if kind == "annual" else "YYYY-MM"
            problems.append(f"{line}: period {period!r} must be {form} for kind {kind}")
        elif m:
            k = int(m.group(1)) * 12 + (int(m.group(2)) - 1 if kind == "monthly" else 0)
            if not 2000 * 12 <= k < 2100 * 12:
                problems.append(f"{line}: period {period!r} outside 2000–2099")
        try:
            wage = float(wage_text)
        except ValueError:
            wage = math.nan
        if not (math.isfinite(wage) and wage > 0):
            problems.append(f"{line}: wage_rub {wage_text!r} must be a positive number "
                            "(roubles, '.' for decimals, no thousands separators)")
        elif not WAGE_RANGE[0] <= wage <= WAGE_RANGE[1]:
            problems.append(f"{line}: wage_rub {wage_text!r} outside {WAGE_RANGE[0]:.0f}–"
                            f"{WAGE_RANGE[1]:.0f} ₽ a month (wrong unit?)")
        if not source:
            problems.append(f"{line}: source is empty (say which Rosstat release)")
        key = (region, period, kind)
        if key in seen:
            problems.append(f"{line}: duplicates line {seen[key]} ({region}, {period}, {kind})")
        seen.setdefault(key, i)
        if len(problems) == bad:
            rows.append((region, period, kind, wage, source, k))
    if problems:
        shown = problems[:20] + ([f"… and {len(problems) - 20} more"] if len(problems) > 20 else [])
        raise ValueError(f"{where}: {len(problems)} bad row(s):\n  " + "\n  ".join(shown))
    return pd.DataFrame(rows, columns=[*COLUMNS, "k"])


def read_rows(path: str | Path) -> pd.DataFrame:
    """A CSV in the wage_index.csv shape, validated (ValueError naming every bad line).

    Columns ``region_iso`` (ISO code or ``RU``), ``period`` (``YYYY`` for annual, ``YYYY-MM`` for
    monthly), ``kind`` (``annual`` = the year's average monthly wage, ``monthly`` = that month's),
    ``wage_rub`` (gross roubles per month), ``source``; plus ``k`` (month number of the period).
    """
    path = Path(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return _parse_rows(raw, str(path))


@lru_cache(maxsize=1)
def _observations() -> pd.DataFrame:
    """All wage figures, one row per (region_iso, kind, k): the shipped Rosstat table overlaid with
    wage_index.csv (whose rows win: they are the later releases)."""
    from pipelines.sources.rosstat import official_wages

    shipped = official_wages()
    p = shipped["period"]
    base = pd.DataFrame({
        "region_iso": shipped["region_iso"].astype(str),
        "kind": shipped["kind"].map({"annual_avg": "annual", "monthly": "monthly"}),
        "k": (p.dt.year * 12 + p.dt.month - 1).astype(np.int64),
        "wage_rub": shipped["wage_rub"].astype(float),
        "source": shipped["source"].astype(str),
    })
    extra = read_rows(INDEX_FILE)[["region_iso", "kind", "k", "wage_rub", "source"]]
    obs = pd.concat([base, extra], ignore_index=True)
    obs = obs.drop_duplicates(["region_iso", "kind", "k"], keep="last")
    return obs.sort_values(["region_iso", "kind", "k"], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# series points
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Series:
    """The points of one series: positions (month numbers, may be x.5) and log levels, ascending."""

    x: np.ndarray
    logv: np.ndarray
    last_month: int  # last month covered by a published figure (December for an annual one)


def _interp_log(x: np.ndarray, logv: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Log-linear through the points; linear extrapolation outside with the 12-month end rates."""
    q = np.asarray(q, dtype=float)
    out = np.interp(q, x, logv)
    if len(x) < 2:
        return out
    head = (np.interp(x[0] + 12, x, logv) - logv[0]) / min(12.0, x[-1] - x[0])
    tail = (logv[-1] - np.interp(x[-1] - 12, x, logv)) / min(12.0, x[-1] - x[0])
    out = np.where(q < x[0], logv[0] + (q - x[0]) * head, out)
    return np.where(q > x[-1], logv[-1] + (q - x[-1]) * tail, out)


def _points(annual: pd.Series, monthly: pd.Series, s: np.ndarray, beta: float, singles: bool) -> _Series:
    """The points of one series by the rules in the module docstring.

    ``annual``: wage by year; ``monthly``: wage by month number. ``singles``: whether
    single months after the last 12-month mean become points (Russia only: a region's single
    months swing by ±5–30 % — Kamchatka's fishing season, one-off payments — so a region's latest
    months follow national growth instead).
    """
    xs: list[float] = [12 * int(y) + 5.5 for y in annual.index]
    vs: list[float] = list(np.log(annual.to_numpy(float)))
    last = max([12 * int(y) + 11 for y in annual.index] + [int(k) for k in monthly.index], default=-1)
    if len(monthly):
        full = monthly.reindex(np.arange(monthly.index.min(), monthly.index.max() + 1))
        means = full.rolling(12, min_periods=12).mean().dropna()
        x_after = max(xs, default=-math.inf)
        for k_end, mean in means.items():
            if k_end - 5.5 > x_after:
                xs.append(k_end - 5.5)
                vs.append(math.log(mean * beta))
        x_after = max(xs, default=-math.inf)
        for k, w in monthly.items() if singles else ():
            if k <= x_after or k % 12 == DECEMBER:
                continue
            prev = k - 12
            if prev in monthly.index and xs and xs[0] <= prev <= xs[-1]:
                prev_level = _interp_log(np.array(xs), np.array(vs), np.array([prev], dtype=float))[0]
                vs.append(prev_level + math.log(w / monthly[prev]))
            else:
                vs.append(math.log(w / s[k % 12]))
            xs.append(float(k))
    return _Series(np.array(xs, dtype=float), np.array(vs, dtype=float), last)


def _by_region(obs: pd.DataFrame, kind: str) -> dict[str, pd.Series]:
    part = obs[obs["kind"] == kind]
    if kind == "annual":
        return {r: pd.Series(g["wage_rub"].to_numpy(), index=(g["k"] // 12).to_numpy())
                for r, g in part.groupby("region_iso")}
    return {r: pd.Series(g["wage_rub"].to_numpy(), index=g["k"].to_numpy()) for r, g in part.groupby("region_iso")}


@lru_cache(maxsize=1)
def _seasonal() -> tuple[np.ndarray, tuple[int, ...]]:
    """(s[0..11], the years used): national month / national annual trend, geometric mean."""
    obs = _observations()
    ru = obs[obs["region_iso"] == RUSSIA]
    annual = ru[ru["kind"] == "annual"].set_index(ru.loc[ru["kind"] == "annual", "k"] // 12)["wage_rub"]
    monthly = ru[ru["kind"] == "monthly"].set_index("k")["wage_rub"]
    years = [y for y in sorted(set(monthly.index // 12))
             if all(12 * y + m in monthly.index for m in range(12)) and {y - 1, y, y + 1} <= set(annual.index)]
    years = years[-SEASONAL_YEARS:]
    if not years:
        raise ValueError("wage index: no year with 12 national months and annual averages around it")
    x = 12 * annual.index.to_numpy(float) + 5.5
    logv = np.log(annual.to_numpy(float))
    ks = np.array([12 * y + m for y in years for m in range(12)], dtype=float)
    ratio = np.log(monthly.loc[ks.astype(int)].to_numpy(float)) - np.interp(ks, x, logv)
    s = np.exp(ratio.reshape(len(years), 12).mean(axis=0))
    return s, tuple(years)


def seasonal_factors() -> pd.Series:
    """National seasonal factors by calendar month (1–12): month / annual-average trend.

    December ≈ 1.26 (bonuses), January ≈ 0.92, November ≈ 0.93. Used to de-seasonalise single
    months without a same-month figure a year earlier, and (through their mean) as the basis factor
    β that turns a mean of 12 monthly figures into the annual-average basis.
    """
    s, years = _seasonal()
    return pd.Series(s, index=pd.RangeIndex(1, 13, name="month"), name=f"s_{years[0]}_{years[-1]}")


def _derive_early_national(annual: dict[str, pd.Series], ru: pd.Series) -> pd.Series:
    """Russia's annual averages for years before its own series, from regional growth.

    For each year with regional annual figures before Russia's first year, going back: Russia of the
    next year that has both (known or derived) ÷ geometric mean over regions of their growth between
    the two years.
    """
    by_year = pd.DataFrame({r: s for r, s in annual.items() if r != RUSSIA})
    if by_year.empty or ru.empty:
        return ru
    enough = by_year.notna().sum(axis=1) >= 0.5 * by_year.shape[1]
    reg_years = sorted(int(y) for y in by_year.index[enough])
    out = ru.copy()
    for y in sorted((y for y in reg_years if y < int(ru.index.min())), reverse=True):
        later = [z for z in reg_years if z > y and z in out.index]
        if not later:
            continue
        z = later[0]
        growth = (by_year.loc[z] / by_year.loc[y]).dropna()
        if len(growth):
            out.loc[y] = out.loc[z] / float(np.exp(np.log(growth).mean()))
    return out.sort_index()


@dataclass(frozen=True)
class _Model:
    regions: tuple[str, ...]  # RU first, then regions.csv order
    national: _Series
    national_derived_years: tuple[int, ...]
    rel: dict[str, tuple[np.ndarray, np.ndarray]]  # region → (positions, log relative level)
    regional_last_month: int


@lru_cache(maxsize=1)
def _model() -> _Model:
    from pipelines.reference import regions

    obs = _observations()
    s, _ = _seasonal()
    beta = 1.0 / float(s.mean())
    annual = _by_region(obs, "annual")
    monthly = _by_region(obs, "monthly")
    empty = pd.Series(dtype=float)
    ru_known = annual.get(RUSSIA, empty)
    ru_annual = _derive_early_national(annual, ru_known)
    national = _points(ru_annual, monthly.get(RUSSIA, empty), s, beta, singles=True)
    if not len(national.x):
        raise ValueError("wage index: no national figure to build the index on")

    def nat(q: np.ndarray) -> np.ndarray:
        return _interp_log(national.x, national.logv, q)

    rel: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    last = -1
    isos = tuple(regions()["iso"])
    for iso in isos:
        a, m = annual.get(iso, empty), monthly.get(iso, empty)
        if a.empty and m.empty:
            continue
        pts = _points(a, m, s, beta, singles=False)
        last = max(last, pts.last_month)
        if len(pts.x):  # fewer than 12 consecutive months and no annual figure: follows Russia
            rel[iso] = (pts.x, pts.logv - nat(pts.x))
    derived = tuple(sorted(set(ru_annual.index) - set(ru_known.index)))
    return _Model((RUSSIA, *isos), national, derived, rel, last)


@lru_cache(maxsize=8)
def _log_index(k_end: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(months K_START..k_end, log index [region × month], basis code [region × month]).

    Basis code: 0 national, 1 regional (inside the region's points), 2 chained (outside them).
    """
    model = _model()
    ks = np.arange(K_START, k_end + 1)
    q = ks.astype(float)
    nat = _interp_log(model.national.x, model.national.logv, q)
    out = np.tile(nat, (len(model.regions), 1))
    basis = np.zeros(out.shape, dtype=np.int8)
    for i, iso in enumerate(model.regions):
        if iso in model.rel:
            x, rel = model.rel[iso]
            out[i] += np.interp(q, x, rel)
            basis[i] = np.where((q >= x[0]) & (q <= x[-1]), 1, 2)
    return ks, out, basis


def _last_national_point() -> float:
    return float(_model().national.x[-1])


def _check_target(target: Any) -> int:
    k = _month_number(target)
    limit = int(math.floor(_last_national_point())) + MAX_AHEAD_MONTHS
    if k < K_START:
        raise ValueError(f"target {_month_text(k)}: the wage index starts at {START}")
    if k > limit:
        raise ValueError(f"target {_month_text(k)}: more than {MAX_AHEAD_MONTHS} months past the last "
                         f"national figure ({_month_text(_model().national.last_month)}); update "
                         "data/reference/wage_index.csv (scripts/update_wage_index.py)")
    return k


def _table_end(k_target: int) -> int:
    return max(k_target, _model().national.last_month) + AFTER_TARGET_MONTHS


_BASIS = np.array(["national", "regional", "chained"])


def wage_index(until: str | None = None) -> pd.DataFrame:
    """The smooth monthly index for Russia (``RU``) and all 89 subjects, 2005-01 … ``until``.

    ``until``: 'YYYY-MM' (default: the last published national month). Columns ``region_iso``,
    ``month`` (Timestamp, first day), ``index_rub`` (trend wage, gross ₽ a month on Rosstat's
    annual-average basis; for the four subjects without figures, Russia's), ``basis``
    (``regional`` — between the region's own points; ``chained`` — the region's level at its
    nearest point × national growth; ``national`` — Russia, or a subject without figures) and
    ``extrapolated`` (after Russia's last index point, :func:`index_info` ``extrapolated_after``).
    A new frame on every call.
    """
    k_end = _check_target(until) if until is not None else _model().national.last_month
    ks, log_index, basis = _log_index(k_end)
    model = _model()
    n_r, n_m = log_index.shape
    return pd.DataFrame({
        "region_iso": np.repeat(np.array(model.regions, dtype=object), n_m),
        "month": np.tile(_month_stamps(ks).to_numpy(), n_r),
        "index_rub": np.exp(log_index).ravel(),
        "basis": _BASIS[basis.ravel()],
        "extrapolated": np.tile(ks > _last_national_point(), n_r),
    })


@lru_cache(maxsize=16)
def _factors(k_target: int) -> pd.DataFrame:
    model = _model()
    ks, log_index, _ = _log_index(_table_end(k_target))
    col = k_target - K_START
    f = np.exp(log_index[:, [col]] - log_index)
    n_r, n_m = f.shape
    return pd.DataFrame({
        "region_iso": np.repeat(np.array(model.regions, dtype=object), n_m),
        "month": np.tile(_month_stamps(ks).to_numpy(), n_r),
        "factor": f.ravel(),
        "extrapolated": np.tile(ks > _last_national_point(), n_r),
    })


def factors(target: str, regions: Iterable[Any] | None = None) -> pd.DataFrame:
    """Multipliers that bring pay published in ``month`` in ``region_iso`` to roubles of ``target``.

    ``factor = index(region, target) / index(region, month)``: 1 at the target, > 1 before it and
    < 1 after it (where wages grow). ``target``: 'YYYY-MM', 2005-01 … last national month + 120.

    Columns: ``region_iso`` (ISO code; ``"RU"`` = Russia, the factor for an unknown or NULL region:
    map those to "RU" before joining), ``month`` (Timestamp, first day of the month; rows from
    2005-01 through ``max(target, last published national month) + 24`` months, so pay published
    after the target is covered too), ``factor`` (float) and ``extrapolated`` (the index at
    ``month`` lies after Russia's last index point — the last published national month unless that
    is a December, which is never a point; the same flag for every region; whether the *target* is
    extrapolated: :func:`index_info`).

    ``regions``: None → Russia and all 89 subjects. Otherwise the "RU" rows plus one set of rows per
    distinct given code; None/NaN/"" are skipped (they are what "RU" is for) and a code that is not
    a subject gets Russia's factors under its own code, so a join never drops it.
    """
    k = _check_target(target)
    table = _factors(k)
    if regions is None:
        return table.copy()
    wanted: list[str] = []
    for r in regions:
        if r is None or (isinstance(r, float) and math.isnan(r)) or r is pd.NA or str(r).strip() == "":
            continue
        if str(r) not in wanted and str(r) != RUSSIA:
            wanted.append(str(r))
    known = set(_model().regions)
    parts = [table[table["region_iso"].isin([RUSSIA, *[w for w in wanted if w in known]])]]
    national = table[table["region_iso"] == RUSSIA]
    parts += [national.assign(region_iso=w) for w in wanted if w not in known]
    return pd.concat(parts, ignore_index=True)


def index_info(target: str | None = None) -> dict[str, Any]:
    """What a page must say next to aged pay (``target`` default: the last national month).

    Keys: ``target`` ('YYYY-MM'), ``target_extrapolated`` (bool), ``national_last_month`` (last
    month with a published national figure, 'YYYY-MM'), ``extrapolated_after`` (last month of the
    index that is not extrapolated; equals ``national_last_month`` unless that is a December),
    ``regional_last_month`` (last month with a published regional figure, any subject; later
    months of a region follow national growth), ``extrapolation_rate`` (annual growth used after the
    national series, e.g. 0.136), ``first_month`` / ``last_month`` (the span of :func:`factors`),
    ``seasonal_years`` ((first, last) years of the seasonal factors), ``derived_national_years``
    (years whose national average is derived from regional growth, not published).
    """
    model = _model()
    k = _check_target(target) if target is not None else model.national.last_month
    x, logv = model.national.x, model.national.logv
    tail = logv[-1] - float(_interp_log(x, logv, np.array([x[-1] - 12.0]))[0])
    _, years = _seasonal()
    return {
        "target": _month_text(k),
        "target_extrapolated": bool(k > x[-1]),
        "national_last_month": _month_text(model.national.last_month),
        "extrapolated_after": _month_text(int(math.floor(x[-1]))),
        "regional_last_month": _month_text(model.regional_last_month),
        "extrapolation_rate": float(np.expm1(tail)),
        "first_month": START,
        "last_month": _month_text(_table_end(k)),
        "seasonal_years": (years[0], years[-1]),
        "derived_national_years": model.national_derived_years,
    }


def clear_caches() -> None:
    """Forget everything read or computed (after the reference file changed)."""
    for fn in (_observations, _seasonal, _model, _log_index, _factors):
        fn.cache_clear()


# ---------------------------------------------------------------------------------------------
# merging newer Rosstat figures into wage_index.csv
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeResult:
    added: int
    replaced: int
    unchanged: int
    path: Path


def _format_wage(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}".rstrip("0")


def merge_rows(new: str | Path | pd.DataFrame, into: str | Path = INDEX_FILE) -> MergeResult:
    """Merge rows in the wage_index.csv shape into ``into`` (default data/reference/wage_index.csv).

    Both files are validated first (positive wages in a plausible range, known regions, ``YYYY`` /
    ``YYYY-MM`` periods, kinds, no duplicate keys); on any problem a ValueError names every bad
    line and nothing is written. A new row with the same (region_iso, period, kind) as an existing
    one replaces it (Rosstat revises its figures). The result is written atomically, sorted by
    region, kind and period, and the caches are cleared so the next call sees it.
    """
    from pipelines.harvest import atomic_write

    into = Path(into)
    if isinstance(new, pd.DataFrame):
        fresh = _parse_rows(new.astype(str), "new rows")
    else:
        fresh = read_rows(new)
    old = read_rows(into) if into.exists() else _parse_rows(pd.DataFrame(columns=list(COLUMNS)), str(into))
    key = ["region_iso", "period", "kind"]
    both = old.merge(fresh, on=key, how="inner", suffixes=("_old", ""))
    same = (both["wage_rub_old"] == both["wage_rub"]) & (both["source_old"] == both["source"])
    merged = pd.concat([old, fresh], ignore_index=True).drop_duplicates(key, keep="last")
    merged = merged.sort_values(["region_iso", "kind", "k"], ignore_index=True)
    text = merged[list(COLUMNS)].assign(wage_rub=merged["wage_rub"].map(_format_wage))
    atomic_write(into, text.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    clear_caches()
    return MergeResult(added=len(fresh) - len(both), replaced=int((~same).sum()), unchanged=int(same.sum()),
                       path=into)
