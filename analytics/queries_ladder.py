"""SQL for the Career ladder page: the rows of a ladder's rungs, and their cells (cached).

Only the rows of the ladder's professions that fit a rung leave DuckDB, and only their two bound
columns plus the group keys (rung, region, federal district, experience, publication date); the
interval-aware percentiles (``analytics.ranges``) run on those per (scope, rung) in
``analytics.ladder.rung_cells``. Rung conditions are built from the fixed ladder reference; every
value travels as a bound parameter.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import ladder as ladder_mod
from analytics.filters import Filters, pay_columns, where
from analytics.queries import _TTL, WH, _df

# the title as rung title words are compared: lower case, ё → е (analytics.ladder.normalise_title)
_TITLE = "replace(lower(title), 'ё', 'е')"


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _rung_condition(rung: ladder_mod.Rung) -> tuple[str, list]:
    level = "list_contains(?, level)" + (" OR level IS NULL" if rung.unlevelled else "")
    sql = f"(list_contains(?, profession) AND ({level})"
    params: list = [list(rung.professions), list(rung.levels)]
    if rung.titles:
        sql += " AND (" + " OR ".join(f"{_TITLE} LIKE ? ESCAPE '\\'" for _ in rung.titles) + ")"
        params += [_like(w) for w in rung.titles]
    if rung.exclude_titles:
        sql += " AND NOT (" + " OR ".join(f"{_TITLE} LIKE ? ESCAPE '\\'" for _ in rung.exclude_titles) + ")"
        params += [_like(w) for w in rung.exclude_titles]
    return sql + ")", params


def rung_rows_sql(lad: ladder_mod.Ladder, filters: Filters) -> tuple[str, list]:
    """SELECT of the ladder's rows: a vacancy goes to the highest rung it fits (CASE top-down).

    The page's ladder replaces the sidebar's profession and level filters, and its comparison
    scopes replace the sidebar's regions; every other shared filter (basis, experience, title,
    source) applies.
    """
    lo, hi = pay_columns(filters.basis)
    cases, case_params = [], []
    for i in reversed(range(len(lad.rungs))):
        cond, p = _rung_condition(lad.rungs[i])
        cases.append(f"WHEN {cond} THEN {i}")
        case_params += p
    clause, params = where(filters.with_(professions=tuple(lad.professions), levels=(), regions=(),
                                         federal_districts=()))
    sql = f"""
        SELECT * FROM (
            SELECT CASE {' '.join(cases)} END AS rung, region_iso, federal_district, experience,
                   {lo} AS lo, {hi} AS hi, CAST(published_at AS DATE) AS published
            FROM vacancies {clause}
        ) WHERE rung IS NOT NULL"""
    return sql, case_params + params


def rung_rows(wh: WH, filters: Filters, ladder_id: str) -> pd.DataFrame:
    """One row per usable vacancy on the ladder: ``analytics.ladder.ROW_COLUMNS`` (monthly ₽)."""
    sql, params = rung_rows_sql(ladder_mod.ladders()[ladder_id], filters)
    return _df(wh, sql, params)


@st.cache_data(ttl=_TTL, show_spinner=False)
def ladder_cells(wh: WH, filters: Filters, ladder_id: str, scopes: tuple[str, ...]) -> pd.DataFrame:
    """Pay cells per (scope, rung) of a ladder (``analytics.ladder.rung_cells``), monthly roubles on
    ``filters.basis``; unknown scopes are dropped, none left → Russia as a whole."""
    lad = ladder_mod.ladders()[ladder_id]
    scopes = tuple(s for s in scopes if ladder_mod.is_scope(s)) or (ladder_mod.RUSSIA,)
    return ladder_mod.rung_cells(rung_rows(wh, filters, ladder_id), len(lad.rungs), scopes)
