"""Raw rows (any source, see ``flatten.RAW_COLUMNS``) → canonical vacancies (``schema.VACANCY``).

Everything here is column arithmetic on whole frames: the pipeline has to keep up with hundreds of
thousands of vacancies per second, so there is no per-row Python on the hot path. Rows are never
dropped for being odd: they get ``flags`` and the statistics leave them out, so the Data page can
count them. That includes values that do not read: a pay bound written in words ("от 50 тысяч") is
``bad_salary`` and a publication date that is no date is ``bad_date``, not a silent NULL (an
undated row would still count in the "all dates" window).
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
    """List cells as DuckDB/Arrow deliver them (lists or numpy arrays) are kept as they are; a
    missing one (None/NaN, e.g. from a flattened table) becomes an empty list."""
    missing = col.isna()
    if not missing.any():
        return col
    empty = pd.Series([[]] * len(col), index=col.index, dtype=object)
    return col.where(~missing, empty)


def _work_format(formats: pd.Series, schedule: pd.Series) -> pd.Series:
    """The most flexible format a vacancy offers (remote > hybrid > field > on site), else the
    old schedule id "remote". ``flatten`` already picks it in SQL (a string per row); lists of hh
    ids (older snapshots, other sources) are exploded so the ranking runs on whole columns."""
    sample = formats.dropna().head(1)
    if sample.empty or isinstance(sample.iloc[0], str):
        return formats.where(formats.notna(), schedule.map({"remote": "remote"}))
    formats = _list_cells(formats)
    rank = {f: i for i, f in enumerate(_WORK_FORMAT_ORDER)}
    exploded = formats.explode().dropna()
    names = exploded.map(_WORK_FORMAT).fillna(exploded.astype(str).str.lower())
    best = names.map(rank).dropna().groupby(level=0).min()
    picked = best.map(dict(enumerate(_WORK_FORMAT_ORDER))).reindex(formats.index)
    return picked.where(picked.notna(), schedule.map({"remote": "remote"}))


def _flag_text(flags: dict[str, pd.Series], index: pd.Index) -> pd.Series:
    """Comma-joined flag names per row, built from a bit code per row so only the few distinct
    combinations are joined as strings."""
    code = np.zeros(len(index), dtype=np.int64)
    for bit, mask in enumerate(flags.values()):
        code |= mask.fillna(False).to_numpy(dtype=bool).astype(np.int64) << bit
    names = list(flags)
    combos = {c: ",".join(n for b, n in enumerate(names) if c >> b & 1) for c in np.unique(code)}
    return pd.Series(code, index=index).map(combos)


def _title_tags(titles: pd.Series) -> np.ndarray:
    """Comma-joined pay-structure mentions (bonus, b2b, b2c) of each distinct title, by the rules
    in data/reference/pay_structure.yaml: tagged once at load so the Market page reads a short
    list instead of running regexes over every title of a selection."""
    from analytics.market import mentions, pay_structure_rules

    rules = pay_structure_rules()
    tags = {"bonus": mentions(titles, rules.bonus), "b2b": mentions(titles, rules.b2b),
            "b2c": mentions(titles, rules.b2c)}
    return _flag_text(tags, titles.index).to_numpy(dtype=object)


def _given(values: pd.Series, missed: pd.Series) -> pd.Series:
    """Of the ``missed`` rows (no value came out), those where the source did write something:
    not null and not blank text. Only the few missed rows are looked at one by one."""
    given = missed & values.notna()
    if given.any():
        blank = values[given].map(lambda v: isinstance(v, str) and not v.strip())
        given[blank[blank].index] = False
    return given


def _unread(df: pd.DataFrame, col: str) -> pd.Series:
    """A reader's own "written but unreadable" mark (``flatten.UNREAD_COLUMNS``), False if absent."""
    if col not in df:
        return pd.Series(False, index=df.index)
    return df[col].astype("boolean").fillna(False).astype(bool)


def _amounts(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(numbers, bad) of a published pay bound. Numbers pass as they are; text is read as a number
    ("80000", " 1.2e5 "). A value that was given but is no finite number — "от 50 тысяч", a
    boolean, infinity — is ``bad``: its number is left empty and the row is flagged ``bad_salary``,
    so it is counted instead of silently looking like a vacancy without pay."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        nums = values.astype(float)
        bad = pd.Series(np.isinf(nums.to_numpy()), index=values.index)
    else:  # text (dumps), or anything a source sent: read as text, never as Python objects
        nums = pd.to_numeric(values.astype("string"), errors="coerce").astype(float)
        bad = _given(values, nums.isna()) | np.isinf(nums)
    return nums.where(~bad), bad


def _timestamps(values: pd.Series) -> pd.Series:
    """UTC timestamps: DuckDB already parsed hh's; text (flattened tables) takes the fast fixed
    format first and ISO 8601 in general for what that misses."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.tz_convert("UTC") if values.dt.tz is not None else values.dt.tz_localize("UTC")
    if values.dtype == object:  # whatever a source sent (numbers, lists): parsed as its text
        values = values.astype("string")
    fast = pd.to_datetime(values, utc=True, errors="coerce", format="%Y-%m-%dT%H:%M:%S%z")
    missed = fast.isna() & values.notna()
    if missed.any():
        fast[missed] = pd.to_datetime(values[missed], utc=True, errors="coerce", format="ISO8601")
    return fast


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
    df = raw if isinstance(raw.index, pd.RangeIndex) and raw.index.start == 0 else raw.reset_index(drop=True)
    out = pd.DataFrame(index=df.index)
    for col in ("source", "source_id", "title", "employer", "employer_id", "area_id",
                "currency", "salary_mode", "experience", "employment", "schedule"):
        # DuckDB hands text over as objects with None for null; other frames (Parquet's "string"
        # dtype) are brought to the same form, so a missing value is None everywhere.
        out[col] = df[col] if df[col].dtype == object else df[col].astype("object").where(df[col].notna(), None)
    out["source_id"] = out["source_id"].astype(str)
    out["area_id"] = out["area_id"].astype(str).where(out["area_id"].notna(), None)
    # titles repeat: strip each distinct one once and take them back by code
    codes, uniques = pd.factorize(out["title"].fillna(""))
    distinct = pd.Index(uniques).str.strip()
    out["title"] = distinct.take(codes).to_numpy(dtype=object)
    out["title_tags"] = _title_tags(pd.Series(distinct, dtype=object))[codes] if len(codes) else ""
    out["city"] = df["area_name"]
    out["salary_from"], bad_from = _amounts(df["salary_from"])
    out["salary_to"], bad_to = _amounts(df["salary_to"])
    bad_salary = bad_from | bad_to | _unread(df, "salary_unread")
    out["gross"] = df["gross"].astype("boolean")
    out["published_at"] = _timestamps(df["published_at"])
    # a date that was written but does not read: without the flag the row would count as undated
    bad_date = _given(df["published_at"], out["published_at"].isna()) | _unread(df, "date_unread")
    out["loaded_at"] = pd.Timestamp(loaded_at)
    out["professional_roles"] = _list_cells(df["professional_roles"])
    out["skills"] = _list_cells(df["skills"])
    out["work_format"] = _work_format(df["work_format"], out["schedule"])

    # Region: the hh areas tree walks every city up to its federal subject.
    # (a few hundred distinct places per million rows: look each up once and take them back by code)
    areas = reference.area_lookup().set_index("area_id")
    codes, places = pd.factorize(out["area_id"])
    for col in ("country", "region_iso", "region", "federal_district"):
        found = np.append(areas[col].reindex(places).to_numpy(dtype=object), None)
        out[col] = found[codes]
        out[col] = out[col].where(out[col].notna(), None)
    if "region_iso" in df.columns:  # sources that name the subject directly (Работа России)
        regs = reference.regions().set_index("iso")
        given = df["region_iso"].where(df["region_iso"].isin(regs.index))
        out["region_iso"] = out["region_iso"].fillna(given)
        known = out["region_iso"].notna() & out["region"].isna()
        out.loc[known, "region"] = out.loc[known, "region_iso"].map(regs["name_ru"])
        out.loc[known, "federal_district"] = out.loc[known, "region_iso"].map(regs["federal_district"])
        out.loc[known, "country"] = "Россия"

    # Money: published currency → roubles; monthly only; gross and net through the year's NDFL.
    cur_codes, currencies = pd.factorize(out["currency"].fillna("RUR"))
    rate = pd.Series(np.append(pd.Series(currencies).map(rates).to_numpy(float), np.nan)[cur_codes],
                     index=out.index)
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
        "no_salary": ~has_pay & ~bad_salary,
        "not_monthly": has_pay & ~monthly,
        "unknown_currency": has_pay & rate.isna(),
        "absurd": usable & ((low_gross < ABSURD_LOW_RUB) | (top_gross > ABSURD_HIGH_RUB)
                            | (lo > hi)),
        "below_mrot": usable & full_time & (top_gross < mrot) & (top_gross >= ABSURD_LOW_RUB),
        "no_region": out["region_iso"].isna(),
        "bad_salary": bad_salary,
        "bad_date": bad_date,
    }
    out["flags"] = _flag_text(flags, out.index)

    cls = classify.classify(out["title"], out["experience"], out["professional_roles"])
    out["profession"], out["level"], out["level_rule"] = cls["profession"], cls["level"], cls["level_rule"]
    return out[list(COLUMNS)]


def dedupe(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (source, source_id): the most recently published version wins."""
    ordered = frame.sort_values("published_at", na_position="first", kind="stable")
    return ordered.drop_duplicates(["source", "source_id"], keep="last").sort_index()
