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
# Optional booleans a reader adds when it sees, before typing, that a pay bound or the date was
# written but is unreadable (hh JSON: ``from: "пятьдесят тысяч"``); the normaliser flags those rows.
UNREAD_COLUMNS: tuple[str, ...] = ("salary_unread", "date_unread")

# The parts of an hh vacancy the normaliser reads, as a DuckDB JSON structure: each page is parsed
# once into typed structs (reading ``it->>'$.x'`` field by field re-parses the item per field,
# ~9x slower). Absent paths are NULL, which is how every vintage shares one query: 2021 items
# without ``experience``, 2025 ones with ``salary_range`` and ``work_format``.
_ITEM = (
    '{"id":"VARCHAR","name":"VARCHAR","employer":{"id":"VARCHAR","name":"VARCHAR"},'
    '"area":{"id":"VARCHAR","name":"VARCHAR"},'
    '"salary":{"from":"VARCHAR","to":"VARCHAR","currency":"VARCHAR","gross":"BOOLEAN"},'
    '"salary_range":{"from":"VARCHAR","to":"VARCHAR","currency":"VARCHAR","gross":"BOOLEAN",'
    '"mode":{"id":"VARCHAR"}},'
    '"experience":{"id":"VARCHAR"},"employment":{"id":"VARCHAR"},"schedule":{"id":"VARCHAR"},'
    '"work_format":[{"id":"VARCHAR"}],"professional_roles":[{"id":"VARCHAR"}],'
    '"key_skills":[{"name":"VARCHAR"}],"published_at":"VARCHAR"}'
)
_PAGE = '{"items":[' + _ITEM + '],"found":"BIGINT"}'


def _bound(name: str) -> str:
    """A pay bound as a number, read from its JSON text: numbers and numeric text pass, while text
    that is no number ("от 50 тысяч"), booleans and lists become NULL. Typed extraction (``DOUBLE``)
    would turn words into a silent NULL and ``true`` into 1.0 before the normaliser could flag
    them, so the bound is extracted as text (a number's own digits) and cast here."""
    return f'TRY_CAST(coalesce(it.salary_range."{name}", it.salary."{name}") AS DOUBLE)'


_DATE = ("coalesce(try_strptime(it.published_at, '%Y-%m-%dT%H:%M:%S%z'), "
         "TRY_CAST(it.published_at AS TIMESTAMPTZ))")

_ITEM_FIELDS = f"""
  'hh' AS source,
  it.id AS source_id,
  it.name AS title,
  it.employer.name AS employer,
  it.employer.id AS employer_id,
  it.area.id AS area_id,
  it.area.name AS area_name,
  {_bound("from")} AS salary_from,
  {_bound("to")} AS salary_to,
  coalesce(it.salary_range.currency, it.salary.currency) AS currency,
  coalesce(it.salary_range.gross, it.salary.gross) AS gross,
  it.salary_range.mode.id AS salary_mode,
  it.experience.id AS experience,
  it.employment.id AS employment,
  it.schedule.id AS schedule,
  CASE WHEN list_contains(list_transform(it.work_format, x -> x.id), 'REMOTE') THEN 'remote'
       WHEN list_contains(list_transform(it.work_format, x -> x.id), 'HYBRID') THEN 'hybrid'
       WHEN list_contains(list_transform(it.work_format, x -> x.id), 'FIELD_WORK') THEN 'field'
       WHEN list_contains(list_transform(it.work_format, x -> x.id), 'ON_SITE') THEN 'on_site'
       WHEN it.schedule.id = 'remote' THEN 'remote' END AS work_format,
  coalesce(list_transform(it.professional_roles, x -> x.id), []) AS professional_roles,
  coalesce(list_transform(it.key_skills, x -> x.name), []) AS skills,
  {_DATE} AS published_at,
  coalesce(it.salary_range."from", it.salary."from") AS _from_text,
  coalesce(it.salary_range."to", it.salary."to") AS _to_text,
  it.published_at AS _date_text
"""

# The written-but-unreadable marks, from the extracted columns (each cast and date parse runs once).
_UNREAD = """
  * EXCLUDE (_from_text, _to_text, _date_text),
  (trim(_from_text) <> '' AND salary_from IS NULL) OR (trim(_to_text) <> '' AND salary_to IS NULL)
      AS salary_unread,
  (trim(_date_text) <> '' AND published_at IS NULL) AS date_unread
"""


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET TimeZone = 'UTC'")
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
        con.execute(f"""CREATE TEMP TABLE pages AS
                        SELECT filename, json_transform(json, '{_PAGE}') AS p
                        FROM read_json_objects(?, format='auto', filename=true)""", [files])
    except duckdb.Error as exc:
        raise ValueError(f"cannot read hh search pages: {exc}") from exc
    bad = con.execute("SELECT filename FROM pages WHERE p.items IS NULL LIMIT 1").fetchall()
    if bad:
        raise ValueError(f"not an hh search page (no items list): {bad[0][0]}")
    sql = f"""
      WITH items AS (SELECT filename, unnest(p.items) AS it FROM pages),
           flat AS (SELECT {_ITEM_FIELDS}, filename AS raw_file FROM items)
      SELECT {_UNREAD} FROM flat
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
            SELECT filename, json_transform(json, '{_ITEM}') AS it
            FROM read_json_objects(?, format='auto', filename=true)
          ),
          flat AS (SELECT {_ITEM_FIELDS}, filename AS raw_file FROM objs)
          SELECT {_UNREAD} FROM flat
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
