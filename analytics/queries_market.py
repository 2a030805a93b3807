"""SQL behind the Market page: volumes, shares, employers, skills, pay structure. Cached per warehouse.

Counts (how many vacancies, what share publishes pay, remote share, experience asked) run over ALL
rows of the selection — a vacancy without pay is still demand. The lifecycle figures (open
vacancies per week, time to close) use only the rows vilka saw live (``last_seen_at`` set, see
``pipelines.schema.LIFECYCLE``); the embedded snapshot has no lifecycle and counts by publication. Pay figures run over usable rows only
(no flags) and are monthly roubles on ``filters.basis``. Keyword patterns come from
``data/reference/pay_structure.yaml`` and travel as bound parameters like every user value.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import market, ranges
from analytics.filters import GROUPS, PUBLISHED_UTC, Filters, pay_columns, where
from analytics.queries import _TTL, WH, _df

_PERIOD = {"week": f"CAST(date_trunc('week', {PUBLISHED_UTC}) AS DATE)",
           "month": f"CAST(date_trunc('month', {PUBLISHED_UTC}) AS DATE)"}
_COUNT_COLUMNS = {"work_format": "work_format", "experience": "experience", "employment": "employment"}
_HAS_PAY = "NOT list_contains(flags, 'no_salary')"


def _in_russia(filters: Filters) -> tuple[str, list]:
    """All rows of the selection (flagged ones too: a vacancy without pay is still demand) that lie
    in Russia: the Belarus rows of the snapshot never count in Russian totals or employers."""
    clause, params = where(filters, usable_only=False)
    return _and(clause, "region_iso IS NOT NULL"), params


def _and(clause: str, extra: str) -> str:
    return f"{clause} AND {extra}" if clause else f"WHERE {extra}"


@st.cache_data(ttl=_TTL, show_spinner=False)
def summary(wh: WH, filters: Filters) -> dict:
    """Counts of the selection: all rows, with published pay, usable for pay statistics, dated,
    with key skills fetched; and its publication dates."""
    clause, params = _in_russia(filters)
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
    clause, params = _in_russia(filters)
    return _df(wh, f"""
        SELECT {_PERIOD[freq]} AS period, count(*) AS n, count(*) FILTER (WHERE {_HAS_PAY}) AS n_salary
        FROM vacancies {_and(clause, 'published_at IS NOT NULL')} GROUP BY 1 ORDER BY 1""", params)


@st.cache_data(ttl=_TTL, show_spinner=False)
def counts(wh: WH, filters: Filters, column: str) -> pd.DataFrame:
    """Vacancies per value of ``column`` (work_format, experience, employment) over all rows;
    null → value None. Most common first, with each value's share of the selection."""
    if column not in _COUNT_COLUMNS:
        raise ValueError(f"column must be one of {sorted(_COUNT_COLUMNS)}")
    clause, params = _in_russia(filters)
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
    clause, params = _in_russia(filters)
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
    clause, params = _in_russia(filters)
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
    clause, params = _in_russia(filters)
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


# --------------------------------------------------------------------------- lifecycle

# When a tracked vacancy opened, as best known: its publication, unless vilka saw it before that
# (hh's published_at moves when an employer renews a posting; first_seen_at never moves).
_OPENED = "least(first_seen_at, coalesce(published_at, first_seen_at))"
CLOSE_GROUPS = ("profession", "region")


def _week(expr: str) -> str:
    """Monday of the UTC week (plain timestamps: calendar functions on TIMESTAMPTZ are ~10x slower)."""
    return f"CAST(date_trunc('week', make_timestamp(epoch_us({expr}))) AS DATE)"


@st.cache_data(ttl=_TTL, show_spinner=False)
def has_lifecycle(wh: WH) -> bool:
    """Whether the warehouse has the lifecycle columns and the refresh record (an older one opened
    read-only has neither until its next write)."""
    row = _df(wh, """SELECT (SELECT count(*) FROM duckdb_columns() WHERE table_name = 'vacancies'
                               AND column_name = 'closed_at') AS cols,
                            (SELECT count(*) FROM duckdb_tables() WHERE table_name = 'refreshes') AS runs""")
    return bool(row.iloc[0]["cols"]) and bool(row.iloc[0]["runs"])


@st.cache_data(ttl=_TTL, show_spinner=False)
def lifecycle_weeks(wh: WH, filters: Filters) -> dict:
    """Per UTC week, over the tracked vacancies of the selection: how many opened (first seen or
    published, whichever is earlier), were last seen, and were found closed. With ``start`` = the
    week of the first sweep (nothing is known about closures before it), ``end`` = the latest
    week anything was seen, ``tracked`` and ``closed`` counts. ``analytics.market.open_per_week``
    turns it into the number open each week."""
    empty = {"weeks": pd.DataFrame(columns=["week", "n_opened", "n_last", "n_closed"]), "start": None,
             "end": None, "tracked": 0, "closed": 0}
    if not has_lifecycle(wh):
        return empty
    clause, params = _in_russia(filters)
    weeks = _df(wh, f"""
        WITH t AS (SELECT {_OPENED} AS opened, last_seen_at, closed_at
                   FROM vacancies {_and(clause, 'last_seen_at IS NOT NULL')})
        SELECT week, sum(n_opened)::BIGINT AS n_opened, sum(n_last)::BIGINT AS n_last,
               sum(n_closed)::BIGINT AS n_closed FROM (
            SELECT {_week('opened')} AS week, count(*) AS n_opened, 0 AS n_last, 0 AS n_closed FROM t GROUP BY 1
            UNION ALL SELECT {_week('last_seen_at')}, 0, count(*), 0 FROM t GROUP BY 1
            UNION ALL SELECT {_week('closed_at')}, 0, 0, count(*) FROM t WHERE closed_at IS NOT NULL GROUP BY 1)
        GROUP BY 1 ORDER BY 1""", params)
    first = _df(wh, f"SELECT {_week('min(started_at)')} AS w FROM refreshes WHERE closes").iloc[0]["w"]
    if pd.isna(first) or weeks.empty:
        return {**empty, "weeks": weeks}
    weeks["week"] = pd.to_datetime(weeks["week"])
    return {"weeks": weeks, "start": pd.Timestamp(first), "end": weeks.loc[weeks["n_last"] > 0, "week"].max(),
            "tracked": int(weeks["n_opened"].sum()), "closed": int(weeks["n_closed"].sum())}


@st.cache_data(ttl=_TTL, show_spinner=False)
def time_to_close(wh: WH, filters: Filters, group: str = "profession") -> pd.DataFrame:
    """Per profession or region of the selection: vacancies found closed (``n``), the median, P25
    and P75 of their days from opening (first seen or published, whichever is earlier) to
    ``closed_at``, and how many tracked ones are still open (``n_open``). Medians of groups under
    ``ranges.MIN_N_ALL`` are left to the page to hide (``analytics.market.close_table``)."""
    if group not in CLOSE_GROUPS:
        raise ValueError(f"group must be one of {CLOSE_GROUPS}")
    cols = ["key", "n", "n_open", "p25", "median", "p75"]
    if not has_lifecycle(wh):
        return pd.DataFrame(columns=cols)
    clause, params = _in_russia(filters)
    days = f"epoch(closed_at - {_OPENED}) / 86400.0"
    return _df(wh, f"""
        SELECT {GROUPS[group]} AS key, count(closed_at) AS n,
               count(*) FILTER (WHERE closed_at IS NULL) AS n_open,
               quantile_cont({days}, 0.25) AS p25, median({days}) AS median, quantile_cont({days}, 0.75) AS p75
        FROM vacancies {_and(clause, 'last_seen_at IS NOT NULL')}
        GROUP BY 1 HAVING count(closed_at) > 0 ORDER BY n DESC, key""", params)[cols]
