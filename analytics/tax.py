"""Personal income tax (NDFL) and the federal minimum wage (MROT), vectorised.

Units: roubles. "Gross" is pay before NDFL (what hh.ru calls ``gross: true``), "net" is what reaches the
employee's card ("на руки"). Monthly figures are *average* monthly figures over a calendar year.

Why not a flat 0.87: NDFL is progressive on the *annual* income of a resident (the "main tax base", which
is where wages go). The bands live in ``data/reference/ndfl.csv`` (annual roubles, each rate applies to the
part of the income inside its band):

* 2021–2024: 13 % up to 5 M ₽, 15 % above;
* from 2025: 13 % up to 2.4 M, 15 % 2.4–5 M, 18 % 5–20 M, 20 % 20–50 M, 22 % above 50 M.

The tax is withheld on the cumulative income since January, so a constant monthly salary pays 13 % until
the month in which the year-to-date income crosses a threshold and the higher rate afterwards
(:func:`monthly_schedule`). For a constant monthly salary M the annual gross is 12·M, the annual tax is
the progressive tax of 12·M, and the average monthly net is (12·M − tax)/12 — that is what
:func:`gross_to_net_monthly` returns. Tax is not rounded to whole roubles (the employer rounds per month;
the difference is below 1 ₽ a month), so gross → net → gross is exact to float precision.

The net of a gross income is piecewise linear and strictly increasing (every rate < 100 %), so
:func:`net_to_gross_annual` inverts it band by band in closed form, no iteration.

Years outside the table use the nearest year in the table (before 2021 → the 2021 rules, after the last
known year → the last rules). Regional coefficients, northern allowances, non-residents and deductions
are out of scope: the dashboard converts *advertised* salaries, which are the plain resident case.

Every function takes scalars, numpy arrays or pandas Series (``year`` too — one per row, e.g. the
vacancy's publication year); NaN in gives NaN out; a Series in gives a Series with the same index out.
Reference files are read lazily, once (``functools.cache``), never at import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from pipelines.config import REFERENCE

__all__ = [
    "annual_tax",
    "gross_to_net_annual",
    "net_to_gross_annual",
    "gross_to_net_monthly",
    "net_to_gross_monthly",
    "marginal_rate",
    "monthly_schedule",
    "mrot",
]

ArrayLike = Any  # float | int | np.ndarray | pd.Series | list


@dataclass(frozen=True)
class _Scale:
    """One tax regime: annual band edges (roubles) and rates."""

    lower: np.ndarray  # band lower edges, ascending, lower[0] == 0
    upper: np.ndarray  # band upper edges (inf for the top band)
    rate: np.ndarray
    tax_at_lower: np.ndarray  # tax due on an income equal to lower[b]
    net_at_lower: np.ndarray  # net of an income equal to lower[b]

    def tax(self, gross: np.ndarray) -> np.ndarray:
        out = np.zeros_like(gross)
        for lo, hi, r in zip(self.lower, self.upper, self.rate, strict=True):
            out += r * np.clip(gross - lo, 0.0, hi - lo)
        return out

    def band(self, gross: np.ndarray) -> np.ndarray:
        """Index of the band containing each (non-negative) gross income."""
        return np.clip(np.searchsorted(self.lower, gross, side="right") - 1, 0, len(self.lower) - 1)

    def gross_of_net(self, net: np.ndarray) -> np.ndarray:
        b = np.clip(np.searchsorted(self.net_at_lower, net, side="right") - 1, 0, len(self.lower) - 1)
        return self.lower[b] + (net - self.net_at_lower[b]) / (1.0 - self.rate[b])


@dataclass(frozen=True)
class _Table:
    first_year: int
    year_to_scale: np.ndarray  # index = year - first_year → position in ``scales``
    scales: tuple[_Scale, ...]

    @property
    def last_year(self) -> int:
        return self.first_year + len(self.year_to_scale) - 1


@cache
def _ndfl_table() -> _Table:
    df = pd.read_csv(REFERENCE / "ndfl.csv")
    df["upper_rub"] = df["upper_rub"].astype(float).fillna(np.inf)
    scales: list[_Scale] = []
    first, last = int(df["valid_from_year"].min()), int(df["valid_to_year"].max())
    year_to_scale = np.full(last - first + 1, -1, dtype=np.int64)
    for (y0, y1), g in df.groupby(["valid_from_year", "valid_to_year"], sort=True):
        g = g.sort_values("lower_rub")
        lower = g["lower_rub"].to_numpy(float)
        upper = g["upper_rub"].to_numpy(float)
        rate = g["rate"].to_numpy(float)
        if lower[0] != 0 or not np.all(lower[1:] == upper[:-1]) or not np.isinf(upper[-1]):
            raise ValueError(f"ndfl.csv: bands for {y0}-{y1} must be contiguous from 0 to infinity")
        if not np.all((rate >= 0) & (rate < 1)):
            raise ValueError(f"ndfl.csv: rates for {y0}-{y1} must be in [0, 1)")
        width = upper - lower
        tax_at_lower = np.concatenate([[0.0], np.cumsum(rate[:-1] * width[:-1])])
        scales.append(_Scale(lower, upper, rate, tax_at_lower, lower - tax_at_lower))
        year_to_scale[int(y0) - first : int(y1) - first + 1] = len(scales) - 1
    if (year_to_scale < 0).any():
        raise ValueError("ndfl.csv: the year ranges must cover every year between the first and the last")
    return _Table(first, year_to_scale, tuple(scales))


def _prepare(x: ArrayLike) -> tuple[np.ndarray, Callable[[np.ndarray], Any]]:
    """Float array + a function that gives the result back in the caller's shape (scalar/array/Series)."""
    if isinstance(x, pd.Series):
        index, name = x.index, x.name
        return x.to_numpy(dtype=float, na_value=np.nan), lambda r: pd.Series(r, index=index, name=name)
    if np.ndim(x) == 0:
        return np.atleast_1d(np.asarray(x, dtype=float)), lambda r: float(r[0])
    return np.asarray(x, dtype=float), lambda r: r


def _apply(values: ArrayLike, year: ArrayLike, fn: Callable[[_Scale, np.ndarray], np.ndarray]) -> Any:
    """Run ``fn(scale, values)`` for each tax regime present in ``year``; NaN/negative → NaN."""
    arr, wrap = _prepare(values)
    yr = (
        year.to_numpy(dtype=float, na_value=np.nan)
        if isinstance(year, pd.Series)
        else np.asarray(year, float)
    )
    arr, yr = np.broadcast_arrays(arr, yr)
    ok = np.isfinite(arr) & (arr >= 0) & np.isfinite(yr)
    out = np.full(arr.shape, np.nan)
    table = _ndfl_table()
    finite_years = yr[np.isfinite(yr)]
    if finite_years.size == 0:
        return wrap(out)
    y = np.clip(
        np.round(np.where(np.isfinite(yr), yr, finite_years.flat[0])), table.first_year, table.last_year
    )
    scale_id = table.year_to_scale[y.astype(np.int64) - table.first_year]
    if scale_id.ndim == 0 or scale_id.min() == scale_id.max():  # one regime: no per-row masks
        out[ok] = fn(table.scales[int(scale_id.flat[0])], arr[ok])
        return wrap(out)
    for s in np.flatnonzero(np.bincount(scale_id[ok], minlength=len(table.scales))):
        m = ok & (scale_id == s)
        out[m] = fn(table.scales[s], arr[m])
    return wrap(out)


def annual_tax(gross_annual: ArrayLike, year: ArrayLike) -> Any:
    """NDFL due on an annual gross income (roubles/year) under the rules of ``year``."""
    return _apply(gross_annual, year, lambda s, g: s.tax(g))


def gross_to_net_annual(gross_annual: ArrayLike, year: ArrayLike) -> Any:
    """Annual net (roubles/year, after NDFL) of an annual gross income."""
    return _apply(gross_annual, year, lambda s, g: g - s.tax(g))


def net_to_gross_annual(net_annual: ArrayLike, year: ArrayLike) -> Any:
    """Annual gross (roubles/year) whose net after NDFL is ``net_annual``: exact inverse, band by band."""
    return _apply(net_annual, year, lambda s, n: s.gross_of_net(n))


def gross_to_net_monthly(gross_monthly: ArrayLike, year: ArrayLike) -> Any:
    """Average monthly net (roubles/month) of a constant monthly gross over the calendar year ``year``."""
    return _apply(gross_monthly, year, lambda s, g: (12.0 * g - s.tax(12.0 * g)) / 12.0)


def net_to_gross_monthly(net_monthly: ArrayLike, year: ArrayLike) -> Any:
    """Constant monthly gross (roubles/month) whose average monthly net over ``year`` is ``net_monthly``."""
    return _apply(net_monthly, year, lambda s, n: s.gross_of_net(12.0 * n) / 12.0)


def marginal_rate(gross_annual: ArrayLike, year: ArrayLike) -> Any:
    """Rate on the next rouble of an annual gross income (the band it falls in; 2.4 M exactly → 15 %)."""
    return _apply(gross_annual, year, lambda s, g: s.rate[s.band(g)])


def monthly_schedule(gross_monthly: float, year: int) -> pd.DataFrame:
    """Month-by-month withholding for a constant monthly gross salary (roubles/month) in ``year``.

    Columns: ``month`` (1..12), ``gross``, ``cumulative_gross`` (year to date), ``tax`` (withheld that month
    = tax on year-to-date income minus tax already withheld), ``cumulative_tax``, ``net`` (that month's
    take-home), ``rate`` (marginal rate at the end of the month) and ``crosses_band`` (True in the month in
    which income above a band threshold is first taxed at the higher rate — from then on the month's net
    is lower).
    """
    months = np.arange(1, 13)
    gross = np.full(12, float(gross_monthly))
    cum = gross * months
    cum_tax = np.asarray(annual_tax(cum, year), dtype=float)
    tax = np.diff(cum_tax, prepend=0.0)
    # rate on the month's last kopeck; a month "crosses" when that rate is higher than the previous month's
    rate = np.asarray(marginal_rate(np.maximum(cum - 0.005, 0.0), year), dtype=float)
    prev_rate = np.concatenate([[float(marginal_rate(0.0, year))], rate[:-1]])
    return pd.DataFrame(
        {
            "month": months,
            "gross": gross,
            "cumulative_gross": cum,
            "tax": tax,
            "cumulative_tax": cum_tax,
            "net": gross - tax,
            "rate": rate,
            "crosses_band": rate > prev_rate,
        }
    )


@cache
def _mrot_table() -> tuple[np.ndarray, np.ndarray]:
    df = pd.read_csv(REFERENCE / "mrot.csv", parse_dates=["valid_from"]).sort_values("valid_from")
    return df["valid_from"].to_numpy("datetime64[ns]"), df["mrot_rub"].to_numpy(float)


def mrot(dates: Any) -> Any:
    """Federal minimum wage (roubles/month, gross) in force on each date.

    ``dates``: a date/str/Timestamp (→ float) or an array/list/Series of them (→ numpy float array).
    Dates before the first row of ``mrot.csv`` get the first value; NaT → NaN. Time-zone-aware timestamps
    are read in Moscow time.
    """
    scalar = np.ndim(dates) == 0
    raw = pd.Series([dates]) if scalar else dates if isinstance(dates, pd.Series) else pd.Series(dates)
    try:
        ts = pd.to_datetime(raw)
    except ValueError:  # mixed UTC offsets
        ts = pd.to_datetime(raw, utc=True)
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_convert("Europe/Moscow").dt.tz_localize(None)
    values = ts.to_numpy("datetime64[ns]")
    valid_from, rub = _mrot_table()
    idx = np.clip(np.searchsorted(valid_from, values, side="right") - 1, 0, len(rub) - 1)
    out = np.where(np.isnat(values), np.nan, rub[idx])
    return float(out[0]) if scalar else out
