"""Honest pay ranges: percentiles of pay from vacancies that publish an interval, not a point.

Units: whatever the bound columns hold (the dashboard passes monthly roubles, already normalised to one of
gross/net); every estimate comes back in the same units.

The problem
-----------
A vacancy publishes "from X to Y" (about half of postings), "from X" only (about a third) or "to Y" only
(about a sixth). A posting is a promise: "от X" means pay ≥ X, "до Y" means pay ≤ Y. Three facts
measured on the real postings decide how to turn them into pay:

* two-sided ranges are narrow: the median Y/X is ≈ 1.33;
* one-sided postings are not a random subset: the floors X of "from"-only postings sit ≈ 1.2× above the
  floors of two-sided postings, and the ceilings Y of "to"-only postings sit ≈ 0.86× below the two-sided
  ceilings.

The reading that fits both the facts and the promises is selection: better-paid jobs post "from" only,
worse-paid ones "to" only, and a one-sided posting publishes one bound of the same kind of range a
two-sided posting would (DESIGN §7). So a from-only pay is near X·√R — above X, as promised, and not far
above it: a textbook censored fit that reads "from X" as [X, ∞) pushes a third of the mass far above X
and overstates pay; reading only the published "from" values (or only two-sided postings) understates it.

The estimator: bound-consistent imputation (``method="calibrated"``, the default)
------------------------------------------------------------------------------
Within each cell (e.g. profession × region × month):

1. R = median of Y/X over the cell's two-sided vacancies (≥ 1 by construction); if the cell has fewer
   than ``MIN_N_RATIO`` (5) two-sided vacancies, R = ``range_ratio`` (``DEFAULT_RANGE_RATIO`` = 1.33, the
   national median), clipped at ≥ 1.
2. One point per vacancy, on the log scale pay varies on:

   * two-sided: the geometric midpoint √(X·Y);
   * "from X" only: X·√R;
   * "to Y" only: Y/√R.

   Why: a range of ratio R around the pay puts the floor at ≈ pay/√R and the ceiling at ≈ pay·√R
   (pay in the middle of the range on the log scale). A one-sided posting drew its bound from the
   same kind of range, so pay ≈ X·√R or Y/√R. Because R ≥ 1 every point lies inside its own posting's
   bounds — from ≤ point ≤ to, for every row (guaranteed; ``tests/test_ranges.py`` checks it). The
   higher from-only floors and lower to-only ceilings need no correction: they are the pay of those
   jobs, which is higher (lower), and the points carry it into the percentiles.
3. Weighted empirical percentiles of the imputed points: linear interpolation between order statistics,
   numpy's default, generalised to weights (value i sits at position S_{i−1}/(W − w_i): the weight before
   it over the weight of all the others; = (i−1)/(n−1) with equal weights).
4. Confidence intervals for P25/P50/P75: distribution-free order-statistic intervals at 95 % (the exact
   binomial ranks l, u with P(l ≤ K < u) ≥ 95 %, K ~ Bin(n, p)), evaluated on the imputed points. With
   weights, n is Kish's effective n. No bootstrap. The interval is NaN when no such ranks exist (n ≤ 5
   for the median): there is no honest 95 % interval from that few vacancies. The points are the pay
   times a small symmetric error (where in its range the pay sits), so their percentiles are the pay's
   and the interval covers the true median ≈ 95 % of the time (0.965 over 200 synthetic cells of 300).

Identifying assumption — read before trusting it: postings alone cannot tell whether "from"-only floors
are 1.2× higher because those jobs pay more (selection, assumed here) or because employers quote a
"from" above the floor a two-sided posting of the same pay would give (posting style). The default
assumes selection with ranges shaped like the two-sided ones (the pay's position in its range does not
depend on the posting type). It is the only one of the two readings that never contradicts a posting.

Sensitivity variant (``method="posting_style"``): the previous default, kept so the page can quote it.
It assumes posting style — one-sided pay distributed like two-sided pay — and reads "from X" as
X·√R/F and "to Y" as Y/(C·√R), F = ``FROM_FLOOR_RATIO`` (1.2), C = ``TO_CEILING_RATIO`` (0.86)
(``estimate_cells``' ``from_floor_ratio``/``to_ceiling_ratio`` apply to it only). With R = 1.33 that is
≈ 0.96·X, below the promised minimum, and ≈ 1.01·Y, above the stated maximum.

How far apart the two are: ``synthetic_postings(world="selection" | "posting_style")`` generates both
worlds with the very same observable facts (shares, R, the 1.2 and 0.86 ratios). At n = 1000 (table in
the docstring of ``tests/test_ranges.py``): in the selection world the default is unbiased (median error
1.4 %, the sampling error of the true pay's own percentiles; naive midpoint 1.9 %, −1.6 % biased) and the
posting-style reading is 3.3 % low; in the posting-style world the roles swap — the default is 3.6 %
high (10.6 % in a sales-like cell with 65 % from-only postings) and the variant unbiased. So the figures
on the page carry an uncertainty from this assumption alone of about 3 % (more in cells where one-sided
postings dominate) beyond their confidence intervals, in the direction of the variant. At n ≤ 100
sampling error dominates either way.

Hiding rules: n < ``MIN_N_ALL`` (5) → all percentiles hidden; n < ``MIN_N_TAILS`` (10) → P10/P90 hidden
(the reason goes into the ``hidden`` column). Sparse cells widen in time and then in space
(``analytics.recency``, ``analytics.bands``), never here.

Comparison methods (``naive_cells``): "midpoint" — arithmetic midpoint of two-sided ranges, one-sided
bound taken as the pay; "from_only" — published "from" values only; "two_sided" — midpoints of two-sided
postings only, one-sided dropped. ``estimate_cells(method="censored_lognormal")`` is the textbook
interval-censored log-normal maximum-likelihood fit. In the selection world at n = 1000: from-only
−10.7 %, two-sided only −2.3 %, censored +9.5 %; the midpoint is off by 14 % in a sales-like cell, where
the default stays unbiased (its R and points are the cell's own, whatever the mix of posting types).

Everything is grouped with numpy (one sort of all rows by cell and value, then ``searchsorted``); there
is no Python loop over rows, and the only loop over cells is in the censored fit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "PERCENTILES",
    "MIN_N_ALL",
    "MIN_N_TAILS",
    "estimate_cells",
    "impute_points",
    "naive_cells",
    "raw_bounds_cells",
    "synthetic_postings",
    "synthetic_truth",
    "selection_model",
    "order_statistic_ci_ranks",
]

PERCENTILES: tuple[int, ...] = (10, 25, 50, 75, 90)
CI_PERCENTILES: tuple[int, ...] = (25, 50, 75)
CI_LEVEL = 0.95
MIN_N_ALL = 5
MIN_N_TAILS = 10
MIN_N_RATIO = 5
DEFAULT_RANGE_RATIO = 1.33
FROM_FLOOR_RATIO = 1.2
TO_CEILING_RATIO = 0.86

HIDDEN_ALL = f"n<{MIN_N_ALL}: too few vacancies"
HIDDEN_TAILS = f"n<{MIN_N_TAILS}: P10/P90 hidden"

_Z = {
    10: -1.2815515655446004,
    25: -0.6744897501960817,
    50: 0.0,
    75: 0.6744897501960817,
    90: 1.2815515655446004,
}


# --------------------------------------------------------------------------------------------------
# grouping and grouped quantiles
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cells:
    keys: pd.DataFrame  # one row per cell, the group columns
    codes: np.ndarray  # cell index of every input row
    lo: np.ndarray  # cleaned bounds (NaN where absent)
    hi: np.ndarray
    weight: np.ndarray | None
    kind: np.ndarray  # 0 two-sided, 1 from-only, 2 to-only, 3 neither (ignored)
    freq: np.ndarray | None = None  # how many vacancies each row stands for (rows pre-aggregated in SQL)

    @property
    def size(self) -> int:
        return len(self.keys)


def _group(df: pd.DataFrame, by: Sequence[str], lo: str, hi: str, weight: str | None,
           count: str | None = None) -> _Cells:
    """Cell codes (sorted keys, NaN keys kept) and cleaned bounds: ≤0 → absent, swapped if from > to."""
    by = list(by)
    if by:
        codes = np.zeros(len(df), dtype=np.int64)
        uniques = []
        for col in by:
            s = df[col]
            if isinstance(s.dtype, pd.CategoricalDtype):  # fast path: codes are already there
                c, u = s.cat.codes.to_numpy(np.int64), s.cat.categories
                if (c < 0).any():
                    c = np.where(c < 0, len(u), c)
                    u = u.append(pd.Index([np.nan]))
            else:
                c, u = pd.factorize(s, sort=True, use_na_sentinel=False)
            codes = codes * len(u) + c
            uniques.append(u)
        if len(codes) and codes.max() < 4 * len(codes) + 1024:  # dense: relabel by bincount, no sort
            seen = np.bincount(codes) > 0
            present = np.flatnonzero(seen)
            codes = (np.cumsum(seen) - 1)[codes]
        else:
            present, codes = np.unique(codes, return_inverse=True)
        cols = {}
        for col, u in zip(reversed(by), reversed(uniques), strict=True):
            cols[col] = u.take(present % len(u))
            present = present // len(u)
        keys = pd.DataFrame({col: cols[col] for col in by})
    else:
        codes = np.zeros(len(df), dtype=np.int64)
        keys = pd.DataFrame(index=range(1))
    lo_v = pd.to_numeric(df[lo], errors="coerce").to_numpy(float, na_value=np.nan)
    hi_v = pd.to_numeric(df[hi], errors="coerce").to_numpy(float, na_value=np.nan)
    lo_v = np.where(lo_v > 0, lo_v, np.nan)
    hi_v = np.where(hi_v > 0, hi_v, np.nan)
    swap = lo_v > hi_v
    lo_v, hi_v = np.where(swap, hi_v, lo_v), np.where(swap, lo_v, hi_v)
    w = None
    if weight is not None:
        w = pd.to_numeric(df[weight], errors="coerce").to_numpy(float, na_value=np.nan)
        w = np.where(np.isfinite(w) & (w > 0), w, np.nan)
    has_lo, has_hi = np.isfinite(lo_v), np.isfinite(hi_v)
    kind = np.where(has_lo, np.where(has_hi, 0, 1), np.where(has_hi, 2, 3)).astype(np.int8)
    freq = None
    if count is not None:
        if weight is not None:
            raise ValueError("give either weight or count, not both")
        freq = pd.to_numeric(df[count], errors="coerce").fillna(0).to_numpy(np.int64)
        kind = np.where(freq > 0, kind, 3).astype(np.int8)
    return _Cells(keys, codes.astype(np.int64), lo_v, hi_v, w, kind, freq)


@dataclass(frozen=True)
class _Sorted:
    """Values sorted by (cell, value), with each cell's start, count and interpolation positions."""

    values: np.ndarray
    key: np.ndarray  # 2·cell + position in [0, 1]: searchsorted target
    start: np.ndarray
    count: np.ndarray  # vacancies per cell
    n_eff: np.ndarray  # Kish effective n (== count without weights)
    size: np.ndarray | None = None  # entries per cell in ``values`` when that differs from ``count``

    def quantile(self, probs: np.ndarray) -> np.ndarray:
        """``probs``: (cells, k) probabilities in [0, 1] → (cells, k) quantiles; NaN for empty cells."""
        probs = np.asarray(probs, float)
        cells = np.arange(len(self.start))[:, None]
        size = self.count if self.size is None else self.size
        end = self.start + size - 1  # last index of each cell (start-1 when empty)
        target = 2.0 * cells + np.clip(probs, 0.0, 1.0)
        i = np.searchsorted(self.key, target, side="right") - 1
        i = np.clip(i, self.start[:, None], np.maximum(end, self.start)[:, None])
        j = np.minimum(i + 1, np.maximum(end, self.start)[:, None])
        if len(self.values) == 0:
            return np.full(probs.shape, np.nan)
        i, j = np.clip(i, 0, len(self.values) - 1), np.clip(j, 0, len(self.values) - 1)
        xi, xj = self.key[i] - 2.0 * cells, self.key[j] - 2.0 * cells
        span = xj - xi
        frac = np.where(span > 0, (probs - xi) / np.where(span > 0, span, 1.0), 0.0)
        out = self.values[i] + np.clip(frac, 0.0, 1.0) * (self.values[j] - self.values[i])
        return np.where((self.count > 0)[:, None] & np.isfinite(probs), out, np.nan)


def _sort_freq(values: np.ndarray, codes: np.ndarray, n_cells: int, freq: np.ndarray) -> _Sorted:
    """Sorted cells of rows that each stand for ``freq`` equal vacancies, exactly as if expanded.

    Each distinct row becomes two entries, at the first and last position its copies would take
    ((k)/(N−1) … (k+f−1)/(N−1)), so linear interpolation between entries is numpy's linear rule
    on the expanded data — without expanding it.
    """
    ok = np.isfinite(values) & (freq > 0)
    v, c, f = values[ok], codes[ok], freq[ok]
    order = np.lexsort((v, c))
    v, c, f = v[order], c[order], f[order].astype(float)
    count = np.bincount(c, weights=f, minlength=n_cells).round().astype(np.int64)
    entries = np.bincount(c, minlength=n_cells) * 2
    before_cell = np.concatenate([[0.0], np.cumsum(count)[:-1]])
    before = np.cumsum(f) - f - before_cell[c]
    denom = np.maximum(count - 1, 1)[c]
    pos = np.empty(2 * len(v))
    pos[0::2], pos[1::2] = before / denom, (before + f - 1) / denom
    start = np.concatenate([[0], np.cumsum(entries)[:-1]]).astype(np.int64)
    return _Sorted(np.repeat(v, 2), 2.0 * np.repeat(c, 2) + pos, start, count, count.astype(float), entries)


def _sort_cells(values: np.ndarray, codes: np.ndarray, n_cells: int, weight: np.ndarray | None,
                freq: np.ndarray | None = None) -> _Sorted:
    if freq is not None:
        return _sort_freq(values, codes, n_cells, freq)
    ok = np.isfinite(values) & (np.isfinite(weight) if weight is not None else True)
    v, c = values[ok], codes[ok]
    w = weight[ok] if weight is not None else None
    if len(v):
        # one sort on the key cell·2^k + value (2^k > 2·max value, so cells cannot overlap)
        scale = 2.0 ** math.ceil(math.log2(2.0 * float(np.max(np.abs(v))) + 1.0))
        if w is None and v.min() >= 0:
            # values only: np.sort (SIMD) and read cell and value back from the key; the value comes back
            # rounded to the key's precision (≈ 4e-6 for 300 cells of roubles up to 10 M) — irrelevant here
            key = np.sort(c * scale + v)
            c = np.floor(key / scale).astype(np.int64)
            v = key - c * scale
        else:
            order = np.argsort(c * scale + v, kind="quicksort")
            v, c = v[order], c[order]
            w = w[order] if w is not None else None
    count = np.bincount(c, minlength=n_cells)
    start = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    rank = np.arange(len(v)) - start[c]
    if w is None:
        denom = np.maximum(count - 1, 1)[c]
        pos = rank / denom
        n_eff = count.astype(float)
    else:
        csum = np.cumsum(w)
        base = np.concatenate([[0.0], csum])[start]  # weight before each cell
        total = np.bincount(c, weights=w, minlength=n_cells)
        # position of value i: weight before it / weight of all the others — numpy's linear rule
        # (i−1)/(n−1) for equal weights; non-decreasing, 0 for the first value and 1 for the last
        others = total[c] - w
        pos = np.clip(
            np.where(others > 0, (csum - w - base[c]) / np.where(others > 0, others, 1.0), 0.0), 0, 1
        )
        sq = np.bincount(c, weights=w * w, minlength=n_cells)
        n_eff = np.where(sq > 0, total**2 / np.where(sq > 0, sq, 1.0), 0.0)
    return _Sorted(v, 2.0 * c + pos, start, count, n_eff)


@lru_cache(maxsize=65536)
def order_statistic_ci_ranks(n: int, p: float, level: float = CI_LEVEL) -> tuple[int, int]:
    """1-based ranks (l, u) so that [X(l), X(u)] covers the p-quantile with probability ≥ ``level``.

    K ~ Bin(n, p) counts observations below the quantile; P(X(l) ≤ ξ ≤ X(u)) = P(l ≤ K ≤ u−1). Equal
    tails: l is the largest rank with P(K ≤ l−1) ≤ α/2, u the smallest with P(K ≥ u) ≤ α/2. Returns 0 for
    l or n+1 for u when no rank achieves the tail (too few observations for a distribution-free bound).
    """
    if n <= 0:
        return 0, 1
    a = (1.0 - level) / 2.0
    k = np.arange(n + 1, dtype=float)
    log_binom = np.concatenate([[0.0], np.cumsum(np.log(n - k[1:] + 1.0) - np.log(k[1:]))])
    cdf = np.cumsum(np.exp(log_binom + k * math.log(p) + (n - k) * math.log1p(-p)))
    low = np.flatnonzero(cdf[:n] <= a)
    l_rank = int(low[-1]) + 1 if low.size else 0
    high = np.flatnonzero(1.0 - cdf[:n] <= a)
    u_rank = int(high[0]) + 1 if high.size else n + 1
    return l_rank, u_rank


def _ci_levels(n_eff: np.ndarray, p: float) -> tuple[np.ndarray, np.ndarray]:
    """Probability levels (for ``_Sorted.quantile``) of the CI order statistics; NaN when unavailable."""
    lo = np.full(len(n_eff), np.nan)
    hi = np.full(len(n_eff), np.nan)
    for i, n in enumerate(np.floor(n_eff + 1e-9).astype(np.int64)):
        if n < 2:
            continue
        l_rank, u_rank = order_statistic_ci_ranks(int(n), p)
        if l_rank >= 1:
            lo[i] = (l_rank - 1) / (n - 1)
        if u_rank <= n:
            hi[i] = (u_rank - 1) / (n - 1)
    return lo, hi


# --------------------------------------------------------------------------------------------------
# point imputation
# --------------------------------------------------------------------------------------------------


def _kinds(cells: _Cells) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return cells.kind == 0, cells.kind == 1, cells.kind == 2


def _range_ratio(cells: _Cells, both: np.ndarray, default: float, min_n: int) -> np.ndarray:
    """Per cell: median to/from of its two-sided vacancies, or ``default`` with fewer than ``min_n``."""
    freq = cells.freq[both] if cells.freq is not None else None
    s = _sort_cells(cells.hi[both] / cells.lo[both], cells.codes[both], cells.size, None, freq)
    med = s.quantile(np.full((cells.size, 1), 0.5))[:, 0]
    return np.where(s.count >= min_n, med, default)


def _impute_bounds(
    cells: _Cells,
    method: str,
    range_ratio: float,
    from_floor_ratio: float,
    to_ceiling_ratio: float,
) -> tuple[np.ndarray, np.ndarray]:
    """One point per row (NaN for rows with neither bound) and the cell's R, for the two R-based methods.

    ``method="calibrated"``: two-sided √(X·Y), from-only X·√R, to-only Y/√R — always inside the posting's
    own bounds (R ≥ 1; the final clamp only guards floating-point rounding). ``method="posting_style"``:
    from-only X·√R/F, to-only Y/(C·√R) — may leave the bounds (the sensitivity reading).
    """
    r = np.maximum(_range_ratio(cells, cells.kind == 0, range_ratio, MIN_N_RATIO), 1.0)
    sqrt_r = np.sqrt(r)
    if method == "calibrated":
        f, c = 1.0, 1.0
    elif method == "posting_style":
        f, c = from_floor_ratio, to_ceiling_ratio
    else:
        raise ValueError(f"unknown imputation {method!r}")
    # one multiplier per (cell, kind) applied to the published bound (the geometric mean for two-sided)
    k = np.stack([np.ones_like(sqrt_r), sqrt_r / f, 1.0 / (c * sqrt_r), np.full_like(sqrt_r, np.nan)], axis=1)
    base = np.where(
        cells.kind == 0, np.sqrt(cells.lo * cells.hi), np.where(cells.kind == 1, cells.lo, cells.hi)
    )
    point = base * k[cells.codes, cells.kind]
    if method == "calibrated":  # the promise: from ≤ point ≤ to (fmax/fmin skip an absent bound)
        point = np.where(cells.kind < 3, np.fmin(np.fmax(point, cells.lo), cells.hi), np.nan)
    return point, r


def _impute_naive(cells: _Cells, how: str) -> np.ndarray:
    both, from_only, to_only = _kinds(cells)
    point = np.full(len(cells.codes), np.nan)
    if how == "midpoint":
        point[both] = (cells.lo[both] + cells.hi[both]) / 2.0
        point[from_only] = cells.lo[from_only]
        point[to_only] = cells.hi[to_only]
    elif how == "from_only":
        point[both | from_only] = cells.lo[both | from_only]
    elif how == "two_sided":
        point[both] = (cells.lo[both] + cells.hi[both]) / 2.0
    else:
        raise ValueError(f"unknown naive method {how!r}: use 'midpoint', 'from_only' or 'two_sided'")
    return point


# --------------------------------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------------------------------


def _counts(cells: _Cells) -> dict[str, np.ndarray]:
    by_kind = np.bincount(cells.codes * 4 + cells.kind, weights=cells.freq,
                          minlength=4 * cells.size).reshape(cells.size, 4).round().astype(np.int64)
    return {
        "n": by_kind[:, :3].sum(axis=1),
        "n_both": by_kind[:, 0],
        "n_from": by_kind[:, 1],
        "n_to": by_kind[:, 2],
    }


def _assemble(
    cells: _Cells,
    q: np.ndarray,
    ci: Mapping[str, np.ndarray],
    n_basis: np.ndarray,
    method: str,
    extra: Mapping[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Output frame; hiding rules applied on ``n_basis`` (the number of vacancies the percentiles rest on)."""
    few = n_basis < MIN_N_ALL
    tails = n_basis < MIN_N_TAILS
    q = np.where(few[:, None], np.nan, q)
    tail_cols = [k for k, p in enumerate(PERCENTILES) if p in (10, 90)]
    q[np.ix_(tails, tail_cols)] = np.nan
    cols: dict[str, Any] = {col: cells.keys[col].to_numpy() for col in cells.keys.columns}
    cols.update(_counts(cells))
    cols.update({f"p{p}": q[:, k] for k, p in enumerate(PERCENTILES)})
    cols.update({name: np.where(few, np.nan, v) for name, v in ci.items()})
    cols.update(extra or {})
    cols["method"] = np.full(cells.size, method, dtype=object)
    cols["hidden"] = np.where(few, HIDDEN_ALL, np.where(tails, HIDDEN_TAILS, "")).astype(object)
    return pd.DataFrame(cols, index=pd.RangeIndex(cells.size))


def _from_points(
    cells: _Cells,
    point: np.ndarray,
    method: str,
    extra: Mapping[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    s = _sort_cells(point, cells.codes, cells.size, cells.weight, cells.freq)
    q = s.quantile(np.tile(np.array(PERCENTILES, float) / 100.0, (cells.size, 1)))
    ci: dict[str, np.ndarray] = {}
    for p in CI_PERCENTILES:
        lv, hv = _ci_levels(s.n_eff, p / 100.0)
        ci[f"p{p}_ci_low"], ci[f"p{p}_ci_high"] = s.quantile(np.stack([lv, hv], axis=1)).T
    return _assemble(cells, q, ci, s.count, method, extra)


# --------------------------------------------------------------------------------------------------
# censored log-normal (textbook comparison)
# --------------------------------------------------------------------------------------------------


def _log_norm_cdf(x: np.ndarray) -> np.ndarray:
    """log Φ(x) via a Chebyshev erfc (Numerical Recipes ``erfcc``, relative error < 1.2e-7)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return _log_norm_cdf_unsafe(x)


def _log_norm_cdf_unsafe(x: np.ndarray) -> np.ndarray:
    z = np.abs(x) / math.sqrt(2.0)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = (
        -z * z
        - 1.26551223
        + t
        * (
            1.00002368
            + t
            * (
                0.37409196
                + t
                * (
                    0.09678418
                    + t
                    * (
                        -0.18628806
                        + t
                        * (
                            0.27886807
                            + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))
                        )
                    )
                )
            )
        )
    )
    log_half_erfc = np.log(0.5 * t) + poly  # log Φ(−|x|)
    return np.where(x < 0, log_half_erfc, np.log1p(-np.exp(log_half_erfc)))


def _norm_cdf(x: np.ndarray) -> np.ndarray:
    return np.exp(_log_norm_cdf(np.asarray(x, float)))


def fit_censored_lognormal(lo: np.ndarray, hi: np.ndarray, iterations: int = 16) -> tuple[float, float]:
    """Interval-censored log-normal MLE: [X, Y], [X, ∞), (0, Y] → (mu, sigma) of log pay.

    The textbook reading of the bounds. A coarse-to-fine grid search over (mu, log sigma), vectorised.
    """
    lo = np.log(np.asarray(lo, float))
    hi = np.log(np.asarray(hi, float))
    ok = np.isfinite(lo) | np.isfinite(hi)
    lo, hi = lo[ok], hi[ok]
    if len(lo) == 0:
        return math.nan, math.nan
    start = np.where(np.isfinite(lo) & np.isfinite(hi), (lo + hi) / 2, np.where(np.isfinite(lo), lo, hi))
    mu0, ls0 = float(np.median(start)), math.log(max(float(np.std(start)), 0.05))
    both = np.isfinite(lo) & np.isfinite(hi)
    a2, b2 = lo[both], hi[both]  # [X, Y]
    a1 = lo[np.isfinite(lo) & ~both]  # [X, ∞)
    b1 = hi[np.isfinite(hi) & ~both]  # (0, Y]
    span_mu, span_ls = 1.0, 1.5
    grid = np.linspace(-1.0, 1.0, 9)
    for _ in range(iterations):
        mu = (mu0 + span_mu * grid)[:, None, None]
        sigma = np.exp(ls0 + span_ls * grid)[None, :, None]
        ll = _log_norm_cdf((mu - a1) / sigma).sum(axis=2) + _log_norm_cdf((b1 - mu) / sigma).sum(axis=2)
        za, zb = (a2 - mu) / sigma, (b2 - mu) / sigma
        # P(X < Y) − P(X < X_lo), computed on the tail that keeps precision
        upper = za > 0
        p = np.where(
            upper,
            np.exp(_log_norm_cdf(-za)) - np.exp(_log_norm_cdf(-zb)),
            np.exp(_log_norm_cdf(zb)) - np.exp(_log_norm_cdf(za)),
        )
        ll = ll + np.log(np.maximum(p, 1e-300)).sum(axis=2)
        i, j = np.unravel_index(np.argmax(ll), ll.shape)
        mu0, ls0 = float(mu0 + span_mu * grid[i]), float(ls0 + span_ls * grid[j])
        span_mu, span_ls = span_mu * 0.5, span_ls * 0.5
    return mu0, math.exp(ls0)


def _censored_cells(cells: _Cells) -> pd.DataFrame:
    order = np.argsort(cells.codes, kind="stable")
    bounds = np.searchsorted(cells.codes[order], np.arange(cells.size + 1))
    n = _counts(cells)["n"]
    q = np.full((cells.size, len(PERCENTILES)), np.nan)
    z = np.array([_Z[p] for p in PERCENTILES])
    for g in np.flatnonzero(n >= MIN_N_ALL):
        rows = order[bounds[g] : bounds[g + 1]]
        mu, sigma = fit_censored_lognormal(cells.lo[rows], cells.hi[rows])
        q[g] = np.exp(mu + sigma * z)
    # a parametric CI would need the Hessian; not offered for this comparison baseline
    ci = {f"p{p}_ci_{side}": np.full(cells.size, np.nan) for p in CI_PERCENTILES for side in ("low", "high")}
    return _assemble(cells, q, ci, n, "censored_lognormal")


# --------------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------------


def estimate_cells(
    df: pd.DataFrame,
    by: Sequence[str],
    lo: str = "lo",
    hi: str = "hi",
    method: str = "calibrated",
    *,
    weight: str | None = None,
    count: str | None = None,
    range_ratio: float = DEFAULT_RANGE_RATIO,
    from_floor_ratio: float = FROM_FLOOR_RATIO,
    to_ceiling_ratio: float = TO_CEILING_RATIO,
) -> pd.DataFrame:
    """Pay percentiles per cell from published salary bounds (same units as ``lo``/``hi``).

    ``df``: the group columns ``by`` and the bound columns (``lo`` = "from", ``hi`` = "to"; NaN where not
    published; rows with neither are ignored, bounds ≤ 0 count as absent, from > to is swapped).
    ``method``: "calibrated" (default: every point inside its posting's bounds, see the module
    docstring), "posting_style" (the sensitivity variant; ``from_floor_ratio``/``to_ceiling_ratio`` are
    its F and C and apply to it only), "censored_lognormal", or one of the naive ones ("midpoint",
    "from_only", "two_sided", as in :func:`naive_cells`). ``range_ratio``: R for cells with fewer than 5
    two-sided vacancies (clipped at ≥ 1). ``weight``: optional column of row weights (e.g.
    de-duplication weights). ``count``: optional column saying how many identical vacancies a row stands
    for (rows aggregated in SQL with ``count(*)``); the result is exactly that of the expanded rows, at
    the cost of the distinct rows only.

    Returns one row per cell (keys sorted; NaN keys kept as their own cell): the group columns, ``n``,
    ``n_both``, ``n_from`` (from-only), ``n_to`` (to-only), ``p10 … p90``, ``p25_ci_low/high``,
    ``p50_ci_low/high``, ``p75_ci_low/high`` (95 % order-statistic intervals), ``method`` and ``hidden``
    ("" / "n<10: P10/P90 hidden" / "n<5: too few vacancies"). The calibrated and posting_style methods
    also return ``range_ratio``: the to/from ratio R they used for the cell.
    """
    cells = _group(df, by, lo, hi, weight, count)
    if count is not None and method == "censored_lognormal":
        raise ValueError("the censored fit takes one row per vacancy (no count)")
    if method in ("calibrated", "posting_style"):
        point, r = _impute_bounds(cells, method, range_ratio, from_floor_ratio, to_ceiling_ratio)
        return _from_points(cells, point, method, {"range_ratio": r})
    if method == "censored_lognormal":
        return _censored_cells(cells)
    if method in ("midpoint", "from_only", "two_sided"):
        return _from_points(cells, _impute_naive(cells, method), f"naive_{method}")
    raise ValueError(f"unknown method {method!r}")


def impute_points(df: pd.DataFrame, by: Sequence[str], lo: str = "lo", hi: str = "hi",
                  method: str = "calibrated", *, range_ratio: float = DEFAULT_RANGE_RATIO) -> np.ndarray:
    """The point behind each row of ``df`` (same order; NaN where neither bound is published): what
    :func:`estimate_cells` with the same ``method`` ("calibrated", the default, or "posting_style") and
    ``range_ratio`` takes percentiles of, for placing one amount (an offer) in a cell's distribution.
    With the default method every point lies within its own row's bounds."""
    cells = _group(df, by, lo, hi, None)
    point, _ = _impute_bounds(cells, method, range_ratio, FROM_FLOOR_RATIO, TO_CEILING_RATIO)
    return point


def naive_cells(
    df: pd.DataFrame,
    by: Sequence[str],
    lo: str = "lo",
    hi: str = "hi",
    how: str = "midpoint",
    *,
    weight: str | None = None,
) -> pd.DataFrame:
    """The naive readings, same output as :func:`estimate_cells` (hiding rules on the rows used).

    ``how="midpoint"``: two-sided → (from+to)/2, one-sided → the published bound as the pay.
    ``how="from_only"``: published "from" values only (two-sided and from-only postings).
    ``how="two_sided"``: (from+to)/2 of two-sided postings; one-sided postings dropped.
    """
    cells = _group(df, by, lo, hi, weight)
    return _from_points(cells, _impute_naive(cells, how), f"naive_{how}")


def raw_bounds_cells(df: pd.DataFrame, by: Sequence[str], lo: str = "lo", hi: str = "hi",
                     count: str | None = None) -> pd.DataFrame:
    """Median published "from" and median published "to" per cell, with how many of each (no imputation).

    Columns: the group columns, ``n_lo``, ``lo_median``, ``n_hi``, ``hi_median`` (medians hidden — NaN —
    below ``MIN_N_ALL`` values).
    """
    cells = _group(df, by, lo, hi, None, count)
    out = cells.keys.copy()
    half = np.full((cells.size, 1), 0.5)
    for name, values in (("lo", cells.lo), ("hi", cells.hi)):
        s = _sort_cells(values, cells.codes, cells.size, None, cells.freq)
        out[f"n_{name}"] = s.count
        out[f"{name}_median"] = np.where(s.count >= MIN_N_ALL, s.quantile(half)[:, 0], np.nan)
    return out


# --------------------------------------------------------------------------------------------------
# synthetic postings (for the tests and for anyone who wants to re-check the estimator)
# --------------------------------------------------------------------------------------------------

SHARES = (0.5, 1 / 3, 1 / 6)  # two-sided, from-only, to-only
WORLDS = ("selection", "posting_style")
_GRID_Z = np.linspace(-8.0, 8.0, 801)  # standard-normal z of log pay, for the selection model's integrals
_GRID_N = 801


def _position_noise_sd(range_ratio: float, ratio_sigma: float, position_beta: float) -> float:
    """SD of a·log r (a ~ Beta(β, β), log r ~ N(log R, s²)): how far log(from) sits below log pay, beyond
    its mean; the same for log(to) above it (1 − a has the same law)."""
    m, v = math.log(range_ratio), ratio_sigma**2
    e_a2 = 0.25 + 1.0 / (4.0 * (2.0 * position_beta + 1.0))  # E a² of Beta(β, β)
    return math.sqrt(e_a2 * (v + m * m) - 0.25 * m * m)


@lru_cache(maxsize=64)
def selection_model(
    sigma: float = 0.5,
    shares: tuple[float, float, float] = SHARES,
    from_floor_ratio: float = FROM_FLOOR_RATIO,
    to_ceiling_ratio: float = TO_CEILING_RATIO,
    noise_sd: float = _position_noise_sd(DEFAULT_RANGE_RATIO, 0.12, 4.0),
) -> tuple[float, float, float, float]:
    """(α_from, β_from, α_to, β_to) of the posting-type choice in the selection world.

    P(type | z) ∝ exp(α_type + β_type·z), with α = β = 0 for two-sided and z = (log pay − mu)/sigma: a
    multinomial logit on log pay (a random-utility choice with logistic noise). The four numbers are
    solved (Newton, quadrature on a z grid) so that, in expectation, the shares are ``shares`` and the
    median from-only floor / median two-sided floor = F, the median to-only ceiling / median two-sided
    ceiling = C. Floors and ceilings are log pay ∓ a·log r; that term's spread (``noise_sd``) enters as
    a normal of the same SD (its mean cancels in the ratios).
    """
    sh = np.asarray(shares, float) / float(np.sum(shares))
    if (sh <= 0).any():
        raise ValueError("the selection world needs all three posting types (shares > 0)")
    z = _GRID_Z
    dens = np.exp(-0.5 * z * z)
    dens /= dens.sum()
    x = np.linspace(-8.0 * sigma - 4 * noise_sd, 8.0 * sigma + 4 * noise_sd, _GRID_N)  # log bound − const
    kernel = _norm_cdf((x[:, None] - sigma * z[None, :]) / max(noise_sd, 1e-9))  # P(bound ≤ x | z)
    target = np.array([sh[1], sh[2], math.log(from_floor_ratio), math.log(to_ceiling_ratio)])

    def moments(theta: np.ndarray) -> np.ndarray:
        util = np.stack([np.zeros_like(z), theta[0] + theta[1] * z, theta[2] + theta[3] * z])
        prob = np.exp(util - util.max(axis=0))
        w = prob / prob.sum(axis=0) * dens  # (type, z): joint weight
        share = w.sum(axis=1)
        cdf = kernel @ (w / share[:, None]).T  # (x, type)
        med = np.array([np.interp(0.5, cdf[:, k], x) for k in range(3)])
        return np.array([share[1], share[2], med[1] - med[0], med[2] - med[0]])

    theta = np.array([math.log(sh[1] / sh[0]), 0.5, math.log(sh[2] / sh[0]), -0.5])
    for _ in range(50):
        resid = moments(theta) - target
        if np.abs(resid).max() < 1e-10:
            break
        jac = np.empty((4, 4))
        for j in range(4):
            step = np.zeros(4)
            step[j] = 1e-6
            jac[:, j] = (moments(theta + step) - target - resid) / 1e-6
        theta = theta - np.linalg.solve(jac, resid)
    else:
        raise ValueError("no selection model reproduces these shares and ratios")
    return tuple(float(t) for t in theta)  # type: ignore[return-value]


def synthetic_postings(
    n: int,
    rng: np.random.Generator,
    true_dist: tuple[str, float, float] = ("lognormal", math.log(80_000), 0.5),
    *,
    world: str = "selection",
    shares: tuple[float, float, float] = SHARES,
    range_ratio: float = DEFAULT_RANGE_RATIO,
    ratio_sigma: float = 0.12,
    position_beta: float = 4.0,
    from_floor_ratio: float = FROM_FLOOR_RATIO,
    to_ceiling_ratio: float = TO_CEILING_RATIO,
    round_to: float = 1000.0,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Turn true pay into postings the way employers do; returns (DataFrame[lo, hi], true pay).

    Each vacancy has a pay P (``true_dist`` = ("lognormal", mu, sigma) of log pay, monthly roubles) and a
    range around it: ratio r = to/from ~ log-normal with median ``range_ratio`` (clipped at ≥ 1), pay at
    position a ~ Beta(β, β) on the log scale of the range: from = P·r^(−a), to = P·r^(1−a). Bounds are
    rounded to ``round_to`` roubles, as employers do. Two worlds, both with the observable facts of the
    real data — type ``shares`` (½ both, ⅓ from-only, ⅙ to-only), median two-sided to/from ≈ R, from-only
    floors F× (1.2) the two-sided floors, to-only ceilings C× (0.86) the two-sided ceilings:

    * ``world="selection"`` (default; what the promises "от X" ⇒ pay ≥ X, "до Y" ⇒ pay ≤ Y allow): the
      posting type depends on the pay (:func:`selection_model`, tuned so the shares and the F, C ratios
      hold in expectation); a one-sided posting publishes one bound of the very same range a two-sided
      one would, so P ≥ from and P ≤ to hold (up to the rounding of the bounds).
    * ``world="posting_style"``: the type is independent of pay (one-sided pay is distributed like
      two-sided pay); a from-only posting publishes from·F and a to-only posting to·C — so "from X" may
      exceed the pay. The world the ``posting_style`` estimator assumes.
    """
    kind_name, mu, sigma = true_dist
    if kind_name != "lognormal":
        raise ValueError("only ('lognormal', mu, sigma) is implemented")
    if world not in WORLDS:
        raise ValueError(f"unknown world {world!r}: use one of {WORLDS}")
    z = rng.standard_normal(n)
    pay = np.exp(mu + sigma * z)
    if world == "selection":
        noise = _position_noise_sd(range_ratio, ratio_sigma, position_beta)
        af, bf, at, bt = selection_model(float(sigma), tuple(float(s) for s in shares),  # type: ignore[arg-type]
                                         float(from_floor_ratio), float(to_ceiling_ratio), noise)
        e_from, e_to = np.exp(af + bf * z), np.exp(at + bt * z)
        total = 1.0 + e_from + e_to
        u = rng.random(n)
        kind = (u * total >= 1.0).astype(np.int8) + (u * total >= 1.0 + e_from)
    else:
        kind = rng.choice(3, size=n, p=np.asarray(shares) / np.sum(shares))
    r = np.maximum(np.exp(rng.normal(math.log(range_ratio), ratio_sigma, n)), 1.0)
    a = rng.beta(position_beta, position_beta, n)
    floor = pay * r ** (-a)
    ceiling = pay * r ** (1.0 - a)
    if world == "posting_style":
        floor = np.where(kind == 1, floor * from_floor_ratio, floor)
        ceiling = np.where(kind == 2, ceiling * to_ceiling_ratio, ceiling)
    if round_to:
        floor = np.maximum(np.round(floor / round_to), 1) * round_to
        ceiling = np.maximum(np.round(ceiling / round_to), 1) * round_to
    lo = np.where(kind == 2, np.nan, floor)
    hi = np.where(kind == 1, np.nan, ceiling)
    return pd.DataFrame({"lo": lo, "hi": hi}), pay


def synthetic_truth(
    true_dist: tuple[str, float, float] = ("lognormal", math.log(80_000), 0.5),
    percentiles: Sequence[int] = PERCENTILES,
    *,
    world: str = "selection",
) -> np.ndarray:
    """Population percentiles of the true pay in :func:`synthetic_postings`.

    In both worlds every vacancy's pay is drawn from ``true_dist`` before (selection) or independently
    of (posting style) its posting type, so the percentiles are those of the log-normal itself.
    """
    if world not in WORLDS:
        raise ValueError(f"unknown world {world!r}: use one of {WORLDS}")
    _, mu, sigma = true_dist
    return np.array([math.exp(mu + sigma * NormalDist().inv_cdf(p / 100.0)) for p in percentiles])
