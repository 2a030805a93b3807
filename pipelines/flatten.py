"""hh.ru JSON (search pages and full vacancies) → the raw frame the normaliser reads.

DuckDB's JSON reader does the parsing and field extraction in C++, vectorised and on both cores,
so flattening keeps up with normalisation instead of being a per-item Python loop. Both the old
``salary`` and the new ``salary_range`` objects are read; a missing path is simply NULL, which is
how items of every vintage (2021 without ``experience``, 2025 with ``work_format``) share one query.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

# The normaliser's input contract: every source produces these columns (extra columns are ignored).
RAW_COLUMNS: tuple[str, ...] = (
    "source", "source_id", "title", "employer", "employer_id", "area_id", "area_name",
    "salary_from", "salary_to", "currency", "gross", "salary_mode",
    "experience", "employment", "schedule", "work_format", "professional_roles", "skills",
    "published_at",
)

_ITEM_FIELDS = """
  'hh' AS source,
  it->>'$.id' AS source_id,
  it->>'$.name' AS title,
  it->>'$.employer.name' AS employer,
  it->>'$.employer.id' AS employer_id,
  it->>'$.area.id' AS area_id,
  it->>'$.area.name' AS area_name,
  TRY_CAST(coalesce(it->>'$.salary_range.from', it->>'$.salary.from') AS DOUBLE) AS salary_from,
  TRY_CAST(coalesce(it->>'$.salary_range.to', it->>'$.salary.to') AS DOUBLE) AS salary_to,
  coalesce(it->>'$.salary_range.currency', it->>'$.salary.currency') AS currency,
  TRY_CAST(coalesce(it->>'$.salary_range.gross', it->>'$.salary.gross') AS BOOLEAN) AS gross,
  it->>'$.salary_range.mode.id' AS salary_mode,
  it->>'$.experience.id' AS experience,
  it->>'$.employment.id' AS employment,
  it->>'$.schedule.id' AS schedule,
  json_extract_string(it, '$.work_format[*].id') AS work_format,
  json_extract_string(it, '$.professional_roles[*].id') AS professional_roles,
  json_extract_string(it, '$.key_skills[*].name') AS skills,
  it->>'$.published_at' AS published_at
"""


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET threads = 2")
    return con


def search_pages_frame(paths: Sequence[Path | str]) -> pd.DataFrame:
    """Items of many stored ``GET /vacancies`` pages (plain or .gz), one row per item occurrence.

    Raises ``ValueError`` naming the file when a page is not JSON or has no ``items`` list, so a
    broken page is reported rather than silently dropped.
    """
    if not paths:
        return pd.DataFrame(columns=[*RAW_COLUMNS, "raw_file"])
    con = _connect()
    files = [str(p) for p in paths]
    try:
        pages = con.execute(
            "SELECT filename, json FROM read_json_objects(?, format='auto', filename=true)", [files]
        ).df()
    except duckdb.Error as exc:
        raise ValueError(f"cannot read hh search pages: {exc}") from exc
    con.register("pages", pages)
    bad = con.execute(
        "SELECT filename FROM pages WHERE json_type(json::JSON, '$.items') IS DISTINCT FROM 'ARRAY'"
    ).fetchall()
    if bad:
        raise ValueError(f"not an hh search page (no items list): {bad[0][0]}")
    sql = f"""
      WITH items AS (
        SELECT filename, unnest(json_extract(json::JSON, '$.items[*]')) AS it FROM pages
      )
      SELECT {_ITEM_FIELDS}, filename AS raw_file FROM items
    """
    return con.execute(sql).df()


def vacancy_details_frame(paths: Sequence[Path | str]) -> pd.DataFrame:
    """Full ``GET /vacancies/{id}`` objects (one per file, or JSON-Lines files) as raw rows."""
    if not paths:
        return pd.DataFrame(columns=[*RAW_COLUMNS, "raw_file"])
    con = _connect()
    files = [str(p) for p in paths]
    try:
        sql = f"""
          WITH objs AS (
            SELECT filename, json::JSON AS it
            FROM read_json_objects(?, format='auto', filename=true)
          )
          SELECT {_ITEM_FIELDS}, filename AS raw_file FROM objs
        """
        return con.execute(sql, [files]).df()
    except duckdb.Error as exc:
        raise ValueError(f"cannot read hh vacancy details: {exc}") from exc


def merge_details(search: pd.DataFrame, details: pd.DataFrame) -> pd.DataFrame:
    """Search rows enriched with what only the full vacancy has (key skills, and the experience,
    employment and schedule that pre-2022 search items lack). Details-only ids are appended."""
    if details.empty:
        return search
    d = details.drop_duplicates("source_id", keep="last").set_index("source_id")
    out = search.copy()
    ids = out["source_id"]
    for col in ("skills", "experience", "employment", "schedule"):
        from_details = ids.map(d[col])
        if col == "skills":
            out[col] = out[col].where(has_items(out[col]), from_details)
        else:
            out[col] = out[col].fillna(from_details)
    extra = details[~details["source_id"].isin(set(ids))]
    return pd.concat([out, extra], ignore_index=True) if len(extra) else out


def has_items(lists: pd.Series) -> pd.Series:
    """True where a list-valued cell holds at least one element (None, NaN and [] are empty)."""
    return lists.map(lambda v: isinstance(v, list | tuple) and len(v) > 0 or (hasattr(v, "size") and v.size > 0))
