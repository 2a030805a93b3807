"""SQL behind the Data page: what the warehouse holds, where it came from, what was set aside, exports.

Cached per warehouse key (path, mtime) like ``analytics.queries``; a load changes the mtime and so
the answers. Flag reasons and their descriptions come from ``pipelines.schema.FLAGS``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.filters import Filters, where
from analytics.queries import _TTL, WH, _df
from pipelines.schema import COLUMNS, FLAGS

EXPORT_LIMIT = 200_000  # rows per download: bounds the app's memory whatever the warehouse holds


@st.cache_data(ttl=_TTL, show_spinner=False)
def sources(wh: WH) -> pd.DataFrame:
    """Rows per source: all, usable for pay statistics, and the publication date range."""
    return _df(wh, """
        SELECT source, count(*) AS rows, count(*) FILTER (WHERE len(flags) = 0) AS usable,
               min(published_at) AS first, max(published_at) AS last,
               count(*) FILTER (WHERE published_at IS NULL) AS undated
        FROM vacancies GROUP BY 1 ORDER BY 2 DESC""")


@st.cache_data(ttl=_TTL, show_spinner=False)
def loads(wh: WH, limit: int = 20) -> pd.DataFrame:
    """The most recent loads, newest first: when, what, how many rows, duplicates collapsed."""
    return _df(wh, """
        SELECT load_id, source, note, finished_at, rows_in, rows_new, rows_replaced, duplicates_in_batch
        FROM loads ORDER BY load_id DESC LIMIT ?""", [int(limit)])


@st.cache_data(ttl=_TTL, show_spinner=False)
def flag_counts(wh: WH, filters: Filters) -> pd.DataFrame:
    """Rows set aside from pay statistics, per reason, in the whole warehouse and in the selection.

    A row can carry several reasons, so the reasons do not add up to the flagged rows. Every reason
    of ``FLAGS`` is listed, with 0 where none.
    """
    clause, params = where(filters, usable_only=False)
    sel = clause[len("WHERE "):] if clause else "TRUE"
    # one pass, no unnest: two counts per reason (reason names bound, from the schema's FLAGS)
    counts = ", ".join(f"count(*) FILTER (WHERE list_contains(flags, ?)) AS w{i}, "
                       f"count(*) FILTER (WHERE list_contains(flags, ?) AND ({sel})) AS s{i}"
                       for i in range(len(FLAGS)))
    bound: list = []
    for flag in FLAGS:
        bound += [flag, flag, *params]
    row = _df(wh, f"SELECT {counts} FROM vacancies WHERE len(flags) > 0", bound).iloc[0]
    df = pd.DataFrame({"flag": list(FLAGS), "n_warehouse": [row[f"w{i}"] for i in range(len(FLAGS))],
                       "n_selection": [row[f"s{i}"] for i in range(len(FLAGS))]})
    out = pd.DataFrame({"flag": list(FLAGS)})
    out = out.merge(df, on="flag", how="left").fillna({"n_warehouse": 0, "n_selection": 0})
    return out.astype({"n_warehouse": int, "n_selection": int})


@st.cache_data(ttl=_TTL, show_spinner=False)
def selection_size(wh: WH, filters: Filters, include_flagged: bool) -> int:
    """How many rows an export of the selection would hold before the row limit."""
    clause, params = where(filters, usable_only=not include_flagged)
    return int(_df(wh, f"SELECT count(*) AS n FROM vacancies {clause}", params).iloc[0]["n"])


def export_rows(wh: WH, filters: Filters, include_flagged: bool = False,
                limit: int = EXPORT_LIMIT) -> pd.DataFrame:
    """The canonical rows of the selection, newest first, at most ``limit`` of them.

    Not cached: it runs only when the user downloads, and caching up to ``limit`` rows per filter
    combination would grow the app's memory with every selection.
    """
    clause, params = where(filters, usable_only=not include_flagged)
    cols = ", ".join(COLUMNS)
    return _df(wh, f"SELECT {cols} FROM vacancies {clause} "
                   "ORDER BY published_at DESC NULLS LAST, source, source_id LIMIT ?", params + [int(limit)])
