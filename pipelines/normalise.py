"""Raw rows (any source, see ``flatten.RAW_COLUMNS``) → canonical vacancies (``schema.VACANCY``).

Everything here is column arithmetic on whole frames: the pipeline has to keep up with hundreds of
thousands of vacancies per second, so there is no per-row Python on the hot path. Rows are never
dropped for being odd: they get ``flags`` and the statistics leave them out, so the Data page can
count them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import tax
from pipelines import classify, reference
from pipelines.config import REFERENCE
from pipelines.schema import COLUMNS

# Monthly pay outside this band (roubles, gross) is a typo or a yearly/hourly figure mislabeled.
ABSURD_LOW_RUB = 1_000
ABSURD_HIGH_RUB = 10_000_000

# Currencies are published by code; hh calls the Belarusian rouble "BYR" although it is BYN.
_WORK_FORMAT = {"REMOTE": "remote", "HYBRID": "hybrid", "ON_SITE": "on_site", "FIELD_WORK": "field"}
_WORK_FORMAT_ORDER = ("remote", "hybrid", "field", "on_site")
_NOT_FULL_TIME = {"part", "project", "volunteer", "probation"}


@cache
def _shipped_rates() -> dict[str, float]:
    return dictionary_rates(REFERENCE / "hh_dictionaries.json")


def dictionary_rates(path: Path) -> dict[str, float]:
    """Currency → units per 1 rouble from an hh ``/dictionaries`` response (roubles = amount / rate)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {c["code"]: float(c["rate"]) for c in data["currency"] if c.get("rate")}


def _list_cells(col: pd.Series) -> pd.Series:
    """Lists from DuckDB/Arrow come as lists or numpy arrays, missing ones as None/NaN: make them lists."""
    return col.map(lambda v: list(v) if isinstance(v, list | tuple | np.ndarray) else [])


def _work_format(formats: pd.Series, schedule: pd.Series) -> pd.Series:
    firsts = formats.map(lambda v: [_WORK_FORMAT.get(x, x.lower()) for x in v])
    picked = firsts.map(lambda v: next((f for f in _WORK_FORMAT_ORDER if f in v), None))
    return picked.where(picked.notna(), schedule.map({"remote": "remote"}))


def normalise(raw: pd.DataFrame, *, rates: dict[str, float] | None = None,
              loaded_at: datetime | None = None) -> pd.DataFrame:
    """Canonical vacancy frame: roubles per month on both bases, region, profession, level, flags.

    ``raw`` has ``flatten.RAW_COLUMNS``; a source that knows the federal subject but no hh area
    may add a ``region_iso`` column (ISO 3166-2), used where the area does not resolve.

    ``rates`` are hh ``/dictionaries`` rates (units of currency per rouble); the shipped copy is the
    offline fallback. A vacancy whose ``gross`` is unknown is taken as quoted on hand, as most
    Russian vacancies are; the ``gross`` column keeps the unknown so a user can tell.
    """
    rates = rates or _shipped_rates()
    loaded_at = loaded_at or datetime.now(UTC)
    df = raw.reset_index(drop=True)
    out = pd.DataFrame(index=df.index)
    for col in ("source", "source_id", "title", "employer", "employer_id", "area_id",
                "currency", "salary_mode", "experience", "employment", "schedule"):
        out[col] = df[col].astype("object").where(df[col].notna(), None)
    out["source_id"] = out["source_id"].astype(str)
    out["area_id"] = out["area_id"].map(lambda v: None if v is None else str(v))
    out["title"] = out["title"].fillna("").str.strip()
    out["city"] = df["area_name"]
    out["salary_from"] = pd.to_numeric(df["salary_from"], errors="coerce")
    out["salary_to"] = pd.to_numeric(df["salary_to"], errors="coerce")
    out["gross"] = df["gross"].astype("boolean")
    out["published_at"] = pd.to_datetime(df["published_at"], utc=True, errors="coerce", format="ISO8601")
    out["loaded_at"] = pd.Timestamp(loaded_at)
    out["professional_roles"] = _list_cells(df["professional_roles"])
    out["skills"] = _list_cells(df["skills"])
    out["work_format"] = _work_format(_list_cells(df["work_format"]), out["schedule"])

    # Region: the hh areas tree walks every city up to its federal subject.
    areas = reference.area_lookup().set_index("area_id")
    for col in ("country", "region_iso", "region", "federal_district"):
        out[col] = out["area_id"].map(areas[col])
    if "region_iso" in df.columns:  # sources that name the subject directly (Работа России)
        regs = reference.regions().set_index("iso")
        given = df["region_iso"].where(df["region_iso"].isin(regs.index))
        out["region_iso"] = out["region_iso"].fillna(given)
        known = out["region_iso"].notna() & out["region"].isna()
        out.loc[known, "region"] = out.loc[known, "region_iso"].map(regs["name_ru"])
        out.loc[known, "federal_district"] = out.loc[known, "region_iso"].map(regs["federal_district"])
        out.loc[known, "country"] = "Россия"

    # Money: published currency → roubles; monthly only; gross and net through the year's NDFL.
    currency = out["currency"].fillna("RUR")
    rate = currency.map(rates).astype(float)
    lo = out["salary_from"].where(out["salary_from"] > 0) / rate
    hi = out["salary_to"].where(out["salary_to"] > 0) / rate
    has_pay = (out["salary_from"] > 0) | (out["salary_to"] > 0)
    monthly = out["salary_mode"].isna() | (out["salary_mode"] == "MONTH")
    year = out["published_at"].dt.year.fillna(loaded_at.year).astype(int).to_numpy()
    is_gross = out["gross"].fillna(False).to_numpy(dtype=bool)
    usable = has_pay & monthly & rate.notna()
    lo, hi = lo.where(usable), hi.where(usable)
    net_lo = np.where(is_gross, tax.gross_to_net_monthly(lo.to_numpy(), year), lo)
    net_hi = np.where(is_gross, tax.gross_to_net_monthly(hi.to_numpy(), year), hi)
    gross_lo = np.where(is_gross, lo, tax.net_to_gross_monthly(lo.to_numpy(), year))
    gross_hi = np.where(is_gross, hi, tax.net_to_gross_monthly(hi.to_numpy(), year))
    out["pay_from_net_rub"], out["pay_to_net_rub"] = np.round(net_lo), np.round(net_hi)
    out["pay_from_gross_rub"], out["pay_to_gross_rub"] = np.round(gross_lo), np.round(gross_hi)

    top_gross = pd.Series(gross_hi, index=out.index).fillna(pd.Series(gross_lo, index=out.index))
    low_gross = pd.Series(gross_lo, index=out.index).fillna(top_gross)
    mrot = pd.Series(tax.mrot(out["published_at"].fillna(pd.Timestamp(loaded_at)).dt.tz_localize(None)
                              .to_numpy()), index=out.index)
    full_time = ~out["employment"].isin(_NOT_FULL_TIME)
    flags = {
        "no_salary": ~has_pay,
        "not_monthly": has_pay & ~monthly,
        "unknown_currency": has_pay & rate.isna(),
        "absurd": usable & ((low_gross < ABSURD_LOW_RUB) | (top_gross > ABSURD_HIGH_RUB)
                            | (lo > hi)),
        "below_mrot": usable & full_time & (top_gross < mrot) & (top_gross >= ABSURD_LOW_RUB),
        "no_region": out["region_iso"].isna(),
    }
    joined = pd.Series("", index=out.index)
    for name, mask in flags.items():
        joined = joined + np.where(mask.fillna(False).to_numpy(dtype=bool), name + ",", "")
    out["flags"] = joined.str.rstrip(",")

    cls = classify.classify(out["title"], out["experience"], out["professional_roles"])
    out["profession"], out["level"], out["level_rule"] = cls["profession"], cls["level"], cls["level_rule"]
    return out[list(COLUMNS)]


def dedupe(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (source, source_id): the most recently published version wins."""
    ordered = frame.sort_values("published_at", na_position="first", kind="stable")
    return ordered.drop_duplicates(["source", "source_id"], keep="last").sort_index()
