"""Figure 4: query time per page, cold / cached / warm, and a pandas baseline for pay bands.

* cold: the first call for this warehouse key (``st.cache_data`` empty; the OS file cache is
  warm, since the warehouse was just written — a cold disk would add to it);
* cached: the second call, answered by ``st.cache_data`` (a copy of the stored result);
* warm: the SQL run again after ``st.cache_data.clear()`` — what a filter change costs.

Outside a Streamlit server the cached functions run with an in-memory cache and a warning, which
is silenced here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from benchmarks.page_queries import PAGE_QUERIES, WH


@dataclass(frozen=True)
class QueryFigures:
    page: str
    cold_s: float | None
    cached_s: float | None
    warm_s: float | None
    error: str | None = None


def _quiet_streamlit() -> None:
    for name in ("streamlit", "streamlit.runtime.caching.cache_data_api"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _clock(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench_page_queries(wh_path: Path, registry: dict[str, Callable[[WH], object]] | None = None,
                       warm_repeats: int = 3) -> list[QueryFigures]:
    """Time every registered page's queries on the warehouse at ``wh_path`` (warm: best of n)."""
    import streamlit as st

    _quiet_streamlit()
    wh: WH = (str(wh_path), Path(wh_path).stat().st_mtime)
    out = []
    for page, fn in (registry or PAGE_QUERIES).items():
        try:
            cold = _clock(lambda fn=fn: fn(wh))
            cached = _clock(lambda fn=fn: fn(wh))
            warm = []
            for _ in range(warm_repeats):
                st.cache_data.clear()
                warm.append(_clock(lambda fn=fn: fn(wh)))
            out.append(QueryFigures(page, cold, cached, min(warm)))
        except Exception as exc:  # a page under construction must not stop the other figures
            out.append(QueryFigures(page, None, None, None, f"{type(exc).__name__}: {exc}"[:120]))
    return out


def naive_pay_bands(wh_path: Path) -> tuple[float, int]:
    """The pandas way: every row and column into a frame, then groupby quantiles in Python.

    Returns (seconds, bytes of the frame pulled into memory). Reads the two-sided midpoint, which
    is also statistically naive (DESIGN section 7); only the cost is compared.
    """
    t0 = time.perf_counter()
    con = duckdb.connect(str(wh_path), read_only=True)
    try:
        df = con.execute("SELECT * FROM vacancies").df()
    finally:
        con.close()
    usable = df[df["flags"].map(len) == 0]
    mid = usable[["pay_from_net_rub", "pay_to_net_rub"]].mean(axis=1)
    usable.assign(mid=mid).groupby("region")["mid"].quantile([0.1, 0.25, 0.5, 0.75, 0.9]).unstack()
    seconds = time.perf_counter() - t0
    return seconds, int(df.memory_usage(deep=True).sum())
