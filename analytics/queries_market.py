"""SQL behind the Market page: volumes, shares, employers, skills, pay structure. Cached per warehouse.

Counts (how many vacancies, what share publishes pay, remote share, experience asked) run over ALL
rows of the selection — a vacancy without pay is still demand. Pay figures run over usable rows only
(no flags) and are monthly roubles on ``filters.basis``. Keyword patterns come from
``data/reference/pay_structure.yaml`` and travel as bound parameters like every user value.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import market, ranges
from analytics.filters import PUBLISHED_UTC, Filters, pay_columns, where
from analytics.queries import _TTL, WH, _df

_PERIOD = {"week": f"CAST(date_trunc('week', {PUBLISHED_UTC}) AS DATE)",
           "month": f"CAST(date_trunc('month', {PUBLISHED_UTC}) AS DATE)"}
_COUNT_COLUMNS = {"work_format": "work_format", "experience": "experience", "employment": "employment"}
_HAS_PAY = "NOT list_contains(flags, 'no_salary')"


def _and(clause: str, extra: str) -> str:
    return f"{clause} AND {extra}" if clause else f"WHERE {extra}"


@st.cache_data(ttl=_TTL, show_spinner=False)
def summary(wh: WH, filters: Filters) -> dict:
    """Counts of the selection: all rows, with published pay, usable for pay statistics, dated,
    with key skills fetched; and its publication dates."""
    clause, params = where(filters, usable_only=False)
    row = _df(wh, f"""
        SELECT count(*) AS n_all, count(*) FILTER (WHERE {_HAS_PAY}) AS n_salary,
               count(*) FILTER (WHERE len(flags) = 0) AS n_usable,
               count(published_at) AS n_dated, count(*) FILTER (WHERE len(skills) > 0) AS n_details,
               min(published_at) AS first, max(published_at) AS last
        FROM vacancies {clause}""", params).iloc[0]
    return {k: (None if pd.isna(v) else v) for k, v in row.items()}


@st.cache_data(ttl=_TTL, show_spinner=False)
def volume(wh: WH, filters: Filters, freq: str = "month") -> pd.DataFrame:
    """Vacancies published per week or month (all rows), and how many of them publish pay."""
    if freq not in _PERIOD:
        raise ValueError(f"freq must be one of {sorted(_PERIOD)}")
    clause, params = where(filters, usable_only=False)
    return _df(wh, f"""
        SELECT {_PERIOD[freq]} AS period, count(*) AS n, count(*) FILTER (WHERE {_HAS_PAY}) AS n_salary
        FROM vacancies {_and(clause, 'published_at IS NOT NULL')} GROUP BY 1 ORDER BY 1""", params)


@st.cache_data(ttl=_TTL, show_spinner=False)
def counts(wh: WH, filters: Filters, column: str) -> pd.DataFrame:
    """Vacancies per value of ``column`` (work_format, experience, employment) over all rows;
    null → value None. Most common first, with each value's share of the selection."""
    if column not in _COUNT_COLUMNS:
        raise ValueError(f"column must be one of {sorted(_COUNT_COLUMNS)}")
    clause, params = where(filters, usable_only=False)
    df = _df(wh, f"SELECT {_COUNT_COLUMNS[column]} AS value, count(*) AS n FROM vacancies {clause} "
                 "GROUP BY 1 ORDER BY 2 DESC, 1", params)
    return market.shares(df)


def _usable_pay(lo: str, hi: str) -> str:
    """``usable`` and the two bound columns, NULL on flagged rows: counted rows of ALL rows of a
    selection then serve both the counts (every row) and the pay bands (usable rows) in one scan."""
    return (f"len(flags) = 0 AS usable, CASE WHEN len(flags) = 0 THEN {lo} END AS lo, "
            f"CASE WHEN len(flags) = 0 THEN {hi} END AS hi, count(*) AS n")


def _cells(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """Percentile bands per ``key`` from counted rows (usable ones only), key column renamed "key"."""
    rows = rows.loc[rows["usable"], [key, "lo", "hi", "n"]].rename(columns={key: "key"})
    if rows.empty:
        return pd.DataFrame(columns=["key", "n", "p10", "p25", "p50", "p75", "p90"])
    return ranges.estimate_cells(rows, by=["key"], lo="lo", hi="hi", count="n")


@st.cache_data(ttl=_TTL, show_spinner=False)
def top_employers(wh: WH, filters: Filters, limit: int = 15) -> pd.DataFrame:
    """The employers with most vacancies in the selection (all rows) and their median offered pay
    (usable rows; NaN below ``ranges.MIN_N_ALL``).

    One query: the top employers are picked in a subquery and only their rows, counted per
    (employer, usable, lo, hi), come out (a hash semi-join; counts and bands both from those rows)."""
    clause, params = where(filters, usable_only=False)
    lo, hi = pay_columns(filters.basis)
    top = (f"SELECT employer FROM vacancies {_and(clause, 'employer IS NOT NULL')} "
           "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ?")
    rows = _df(wh, f"SELECT employer, {_usable_pay(lo, hi)} FROM vacancies "
                   f"{_and(clause, f'employer IN ({top})')} GROUP BY ALL", params + params + [int(limit)])
    return market.employer_table(rows, _cells(rows, "employer"), limit)


@st.cache_data(ttl=_TTL, show_spinner=False)
def top_skills(wh: WH, filters: Filters, limit: int = 20) -> pd.DataFrame:
    """Key skills most often asked, over the vacancies whose details were fetched (skills listed);
    ``share`` = of those vacancies. Placeholders such as «Не указаны» are left out."""
    clause, params = where(filters, usable_only=False)
    skip = list(market.pay_structure_rules().skill_placeholders)
    df = _df(wh, f"""
        WITH sel AS (SELECT skills FROM vacancies {_and(clause, 'len(skills) > 0')}),
        s AS (SELECT unnest(list_distinct(skills)) AS skill FROM sel)
        SELECT skill, count(*) AS n, count(*) / (SELECT count(*) FROM sel) AS share FROM s
        WHERE NOT list_contains(?, replace(lower(skill), 'ё', 'е'))
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?""", params + [skip, int(limit)])
    return df


@st.cache_data(ttl=_TTL, show_spinner=False)
def skill_premium(wh: WH, filters: Filters, limit: int = 12) -> pd.DataFrame:
    """Median pay with vs without each of the most asked skills, among usable vacancies whose
    skills were fetched (so "without" means the employer listed skills, just not this one)."""
    skills = top_skills(wh, filters, limit)["skill"].tolist()
    if not skills:
        return market.skill_premium(pd.DataFrame())
    lo, hi = pay_columns(filters.basis)
    clause, params = where(filters)
    rows = _df(wh, f"""
        WITH sel AS (SELECT skills, {lo} AS lo, {hi} AS hi FROM vacancies {_and(clause, 'len(skills) > 0')})
        SELECT k.skill, list_contains(sel.skills, k.skill) AS has, sel.lo, sel.hi
        FROM sel CROSS JOIN (SELECT unnest(?) AS skill) k""", params + [skills])
    if rows.empty:
        return market.skill_premium(pd.DataFrame())
    cells = ranges.estimate_cells(rows, by=["skill", "has"], lo="lo", hi="hi")
    return market.skill_premium(cells)


_SEGMENT = ("CASE WHEN list_contains(title_tags, 'b2b') AND list_contains(title_tags, 'b2c') THEN 'both' "
            "WHEN list_contains(title_tags, 'b2b') THEN 'b2b' WHEN list_contains(title_tags, 'b2c') THEN 'b2c' "
            "ELSE 'none' END")


@st.cache_data(ttl=_TTL, show_spinner=False)
def structure_rows(wh: WH, filters: Filters) -> pd.DataFrame:
    """All rows of the selection counted per (bonus, segment, usable, lo, hi) → n: one query behind
    both :func:`bonus_mentions` and :func:`segments`. ``bonus``: the title mentions a bonus;
    ``segment``: b2b / b2c / both / none for the segment professions, None for the others; ``lo``,
    ``hi``: monthly roubles on ``filters.basis``, NULL where not ``usable``.

    The mentions were tagged at load (``title_tags``, by the rules of pay_structure.yaml), so this
    reads a short list per row instead of running regexes over every title (≈ 5× faster at 1 M)."""
    rules = market.pay_structure_rules()
    lo, hi = pay_columns(filters.basis)
    clause, params = where(filters, usable_only=False)
    return _df(wh, f"""
        SELECT coalesce(list_contains(title_tags, 'bonus'), false) AS bonus,
               CASE WHEN list_contains(?, profession) THEN {_SEGMENT} END AS segment,
               {_usable_pay(lo, hi)}
        FROM vacancies {clause} GROUP BY ALL""", [list(rules.segment_professions)] + params)


@st.cache_data(ttl=_TTL, show_spinner=False)
def bonus_mentions(wh: WH, filters: Filters) -> dict:
    """Pay structure from titles: how many vacancies mention a bonus / % of sales / KPI (all rows),
    and the pay bands of those that do vs those that don't (usable rows; key True/False)."""
    rows = structure_rows(wh, filters)
    return {"n_all": int(rows["n"].sum()), "n_bonus": int(rows.loc[rows["bonus"], "n"].sum()),
            "bands": _cells(rows, "bonus")}


@st.cache_data(ttl=_TTL, show_spinner=False)
def segments(wh: WH, filters: Filters) -> dict:
    """B2B vs B2C mentions in the titles of sales and account roles (professions from the rules):
    counts over all rows and pay bands over usable rows, key ∈ b2b, b2c, both, none."""
    rows = structure_rows(wh, filters)
    rows = rows[rows["segment"].notna()]
    n = rows.groupby("segment", sort=True)["n"].sum().rename_axis("key").reset_index()
    profs = market.pay_structure_rules().segment_professions
    return {"counts": n, "bands": _cells(rows, "segment"), "professions": tuple(profs)}
