"""SQL for the Career ladder page: the rows of a ladder's rungs, and their cells (cached).

Only the rows of the ladder's professions that fit a rung leave DuckDB, counted per distinct
(rung, region, federal district, experience, two bound columns) with their first and last
publication dates; the interval-aware percentiles (``analytics.ranges``) run on those per (scope, rung) in
``analytics.ladder.rung_cells``. Rung conditions are built from the fixed ladder reference; every
value travels as a bound parameter.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import streamlit as st

from analytics import ladder as ladder_mod
from analytics import recency
from analytics.filters import Filters, pay_columns, where
from analytics.queries import _TTL, WH, _df
from pipelines.classify import load_rules

# The title as rung title words are compared: lower case, ё → е (analytics.ladder.normalise_title),
# and every Latin letter with a Cyrillic look-alike (lookalikes.yaml) written in Cyrillic, on both
# sides, so "Aккаунт-директор" typed with a Latin A still fits the rung "аккаунт-директор" (the
# classifier folds such titles too). The two letter strings travel as parameters of each LIKE.
_TITLE = "translate(replace(lower(title), 'ё', 'е'), ?, ?)"


@cache
def _fold() -> tuple[str, str]:
    pairs = load_rules().lookalikes
    return "".join(pairs), "".join(pairs.values())


def _like(word: str) -> list[str]:
    """The parameters of one ``_TITLE LIKE ?``: the fold's two letter strings and the pattern."""
    latin, cyrillic = _fold()
    folded = word.translate(str.maketrans(latin, cyrillic))
    return [latin, cyrillic,
            "%" + folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"]


def _rung_condition(rung: ladder_mod.Rung) -> tuple[str, list]:
    level = "list_contains(?, level)" + (" OR level IS NULL" if rung.unlevelled else "")
    sql = f"(list_contains(?, profession) AND ({level})"
    params: list = [list(rung.professions), list(rung.levels)]
    if rung.titles:
        sql += " AND (" + " OR ".join(f"{_TITLE} LIKE ? ESCAPE '\\'" for _ in rung.titles) + ")"
        params += [p for w in rung.titles for p in _like(w)]
    if rung.exclude_titles:
        sql += " AND NOT (" + " OR ".join(f"{_TITLE} LIKE ? ESCAPE '\\'" for _ in rung.exclude_titles) + ")"
        params += [p for w in rung.exclude_titles for p in _like(w)]
    return sql + ")", params


def _rung_case(lad: ladder_mod.Ladder, filters: Filters) -> tuple[str, str, list, list]:
    """The rung CASE (a vacancy goes to the highest rung it fits: CASE top-down), its parameters,
    and the WHERE clause with its own.

    The page's ladder replaces the sidebar's profession and level filters, and its comparison
    scopes replace the sidebar's regions; every other shared filter (basis, experience, title,
    source) applies.
    """
    cases, case_params = [], []
    for i in reversed(range(len(lad.rungs))):
        cond, p = _rung_condition(lad.rungs[i])
        cases.append(f"WHEN {cond} THEN {i}")
        case_params += p
    clause, params = where(filters.with_(professions=tuple(lad.professions), levels=(), regions=(),
                                         federal_districts=()))
    return f"CASE {' '.join(cases)} END", clause, case_params, params


def rung_rows_sql(lad: ladder_mod.Ladder, filters: Filters) -> tuple[str, list]:
    """SELECT of the ladder's rows, one per vacancy (see :func:`_rung_case`)."""
    lo, hi = pay_columns(filters.basis)
    case, clause, case_params, params = _rung_case(lad, filters)
    sql = f"""
        SELECT * FROM (
            SELECT {case} AS rung, region_iso, federal_district, experience,
                   {lo} AS lo, {hi} AS hi, CAST(published_at AS DATE) AS published, {recency.MONTH_SQL} AS month
            FROM vacancies {clause}
        ) WHERE rung IS NOT NULL"""
    return sql, case_params + params


def counted_rows_sql(lad: ladder_mod.Ladder, filters: Filters) -> tuple[str, list]:
    """SELECT of the ladder's rows with identical ones counted: ``ladder.COUNTED_COLUMNS``, plus
    rows with rung NULL (the ladder's professions at no rung's level) for the caller to drop.

    No ``WHERE rung IS NOT NULL`` here: DuckDB would merge it into the scan's filter and run the
    CASE (title LIKEs) on every row of the table rather than on the ladder's few. A date is the
    same whether cast before or after min/max, so the dates of a group cost one cast each.
    """
    lo, hi = pay_columns(filters.basis)
    case, clause, case_params, params = _rung_case(lad, filters)
    sql = f"""
        SELECT {case} AS rung, region_iso, federal_district, experience, {lo} AS lo, {hi} AS hi,
               {recency.MONTH_SQL} AS month, count(*) AS n, CAST(min(published_at) AS DATE) AS first, CAST(max(published_at) AS DATE) AS last
        FROM vacancies {clause} GROUP BY ALL"""
    return sql, case_params + params


def rung_rows(wh: WH, filters: Filters, ladder_id: str) -> pd.DataFrame:
    """One row per usable vacancy on the ladder: ``analytics.ladder.ROW_COLUMNS`` (monthly ₽)."""
    sql, params = rung_rows_sql(ladder_mod.ladders()[ladder_id], filters)
    return _df(wh, sql, params)


def rung_counted_rows(wh: WH, filters: Filters, ladder_id: str) -> pd.DataFrame:
    """The usable vacancies on the ladder with identical rows counted: ``analytics.ladder.COUNTED_COLUMNS``
    (monthly ₽); :func:`analytics.ladder.rung_cells` gives the same cells as from :func:`rung_rows`."""
    sql, params = counted_rows_sql(ladder_mod.ladders()[ladder_id], filters)
    rows = _df(wh, sql, params)
    rows = rows[rows["rung"].notna()].reset_index(drop=True)
    return rows.astype({"rung": "int32"})


@st.cache_data(ttl=_TTL, show_spinner=False)
def ladder_cells(wh: WH, filters: Filters, ladder_id: str, scopes: tuple[str, ...]) -> pd.DataFrame:
    """Pay cells per (scope, rung) of a ladder (``analytics.ladder.rung_cells``), monthly roubles on
    ``filters.basis``; unknown scopes are dropped, none left → Russia as a whole."""
    lad = ladder_mod.ladders()[ladder_id]
    scopes = tuple(s for s in scopes if ladder_mod.is_scope(s)) or (ladder_mod.RUSSIA,)
    rows = recency.age(rung_counted_rows(wh, filters, ladder_id), filters.aged_to)
    return ladder_mod.rung_cells(rows, len(lad.rungs), scopes)
