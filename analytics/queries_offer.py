"""The warehouse side of the Offer check: read-only, bound parameters, cached.

Only one profession's usable vacancies leave DuckDB, as five compact columns: region, federal district
and level as small integer codes into fixed lists (turned into pandas categoricals, one byte a row),
and the two bound columns of the basis (monthly roubles). Every cell the page needs — region, district,
Russia, neighbouring levels, the capital — is cut from that one frame, so a page render is one query.
Uploaded tables are only compared with the warehouse, never written to it.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import streamlit as st

from analytics import offer, recency
from analytics.filters import pay_columns
from analytics.queries import _TTL, WH, _df, options
from pipelines import reference as _reference
from pipelines.schema import LEVELS

__all__ = ["benchmark", "check_offer", "choices", "profession_rows"]


@cache
def _codes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    r = _reference.regions()
    return tuple(r["iso"]), tuple(dict.fromkeys(r["federal_district"]))


def _categorical(codes: pd.Series, categories: tuple[str, ...]) -> pd.Categorical:
    """1-based ``list_position`` codes (0 = not in the list or NULL) → a categorical (NaN for 0)."""
    return pd.Categorical.from_codes(codes.fillna(0).astype("int64") - 1, categories=list(categories))


@st.cache_data(ttl=_TTL, show_spinner=False, max_entries=16)
def profession_rows(wh: WH, profession: str, basis: str) -> pd.DataFrame:
    """Usable vacancies of one profession with pay: ``region_iso``, ``federal_district``, ``level``
    (categoricals; NaN where unknown), ``lo``, ``hi`` (monthly roubles, ``basis`` net or gross),
    ``month`` and ``day`` of publication (``analytics.recency`` month number and days since 1970;
    -1 undated). About 19 bytes a row: a profession with 400 k vacancies is ≈ 8 MB in the cache."""
    lo, hi = pay_columns(basis)
    isos, districts = _codes()
    rows = _df(wh, f"""
        SELECT COALESCE(list_position(?, region_iso), 0) AS reg,
               COALESCE(list_position(?, federal_district), 0) AS fd,
               COALESCE(list_position(?, level), 0) AS lvl,
               {lo} AS lo, {hi} AS hi, {recency.MONTH_SQL} AS month,
               COALESCE(CAST(epoch_us(published_at) // 86400000000 AS INTEGER), -1) AS day
        FROM vacancies
        WHERE len(flags) = 0 AND profession = ? AND region_iso IS NOT NULL
          AND ({lo} IS NOT NULL OR {hi} IS NOT NULL)""",
               [list(isos), list(districts), list(LEVELS), profession])
    return pd.DataFrame({
        "region_iso": _categorical(rows["reg"], isos),
        "federal_district": _categorical(rows["fd"], districts),
        "level": _categorical(rows["lvl"], LEVELS),
        "lo": rows["lo"].astype("float32"),  # exact to the rouble below 16 M ₽/month; halves the cache
        "hi": rows["hi"].astype("float32"),
        "month": rows["month"].astype("int32"),
        "day": rows["day"].astype("int32"),
    })


@st.cache_data(ttl=_TTL, show_spinner=False)
def check_offer(wh: WH, inp: offer.OfferInput, aged_to: str = "") -> offer.OfferResult:
    """The offer placed in its cell and the comparison cells (see :func:`analytics.offer.evaluate`),
    the market's pay in roubles of ``aged_to`` ("YYYY-MM") when given."""
    return offer.evaluate(profession_rows(wh, inp.profession, inp.basis), inp, aged_to=aged_to)


def benchmark(wh: WH, table: pd.DataFrame, aged_to: str = "") -> pd.DataFrame:
    """Every row of a parsed salary table placed in its market cell (:func:`analytics.offer.benchmark`).

    Not cached on purpose: uploaded data should not outlive the session in a shared cache; the
    per-profession rows it reads are cached."""
    return offer.benchmark(table, lambda prof, basis: profession_rows(wh, prof, basis), aged_to=aged_to)


def choices(wh: WH) -> tuple[list[str], list[str]]:
    """Profession ids and region ISO codes the warehouse has usable vacancies for, most common first."""
    opts = options(wh)
    return opts["profession"]["value"].tolist(), opts["region"]["value"].tolist()
