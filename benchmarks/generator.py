"""Synthetic hh.ru search pages, calibrated on the embedded snapshot, for benchmarks only.

Why synthetic: the embedded snapshot has ~34 k vacancies, and the bar (DESIGN section 8) is set at
1 M. Why calibrated: timings depend on the data's shape (how many titles repeat, how many rows
carry pay, how many need a tax conversion), so the generator draws titles, places, roles and
experience together from real snapshot rows, and pay from the real two-sided ranges, then
reshapes the ranges the way employers post them (DESIGN section 7):

* about half both bounds, a third "from" only, a sixth "to" only (``SHAPES``);
* two-sided ranges keep the snapshot's own width (median to/from ≈ 1.33);
* a "from"-only floor sits ≈ 1.2 × the two-sided floor, a "to"-only ceiling ≈ 0.86 × the ceiling;
* currencies and the no-salary share as in the snapshot (mostly RUR, some BYR/USD/KZT/EUR);
* some pay is hourly (``salary_range.mode.id = HOUR``): the snapshot predates ``salary_range``,
  so that share (``HOURLY_SHARE``) is chosen, not measured.

Generated vacancies can never pass for market data: ids start at ``RESERVED_ID_BASE`` (hh ids are
far below it) and every employer is called "BENCH employer …".

Everything is vectorised: numpy draws the columns, DuckDB renders the JSON of all items at once
(``to_json`` of a struct), and Python only joins 100 ready item strings per page file.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipelines.config import REFERENCE, SNAPSHOT_FILE

RESERVED_ID_BASE = 9_000_000_000
"""Generated vacancy and employer ids start here; real hh.ru ids are ~1e8."""
BENCH_EMPLOYER_PREFIX = "BENCH employer"

SHAPES: dict[str, float] = {"both": 0.5, "from": 1 / 3, "to": 1 / 6}
FROM_ONLY_LIFT = 1.2  # "from"-only floors sit this much above two-sided floors
TO_ONLY_DROP = 0.86  # "to"-only ceilings sit this much below two-sided ceilings
RANGE_SHARE = 0.6  # items that also carry the newer ``salary_range`` object
HOURLY_SHARE = 0.03  # of the items with a salary_range, pay quoted per hour
HOURS_PER_MONTH = 165
WORK_FORMATS: dict[str, float] = {"ON_SITE": 0.7, "REMOTE": 0.15, "HYBRID": 0.15}
MSK = timezone(timedelta(hours=3))
DEFAULT_START = datetime(2024, 7, 1, tzinfo=MSK)
DEFAULT_END = datetime(2025, 7, 1, tzinfo=MSK)
EMPLOYERS_PER_VACANCY = 0.1  # ~10 vacancies per employer on average, skewed to a few big ones


@dataclass(frozen=True)
class Calibration:
    """What the generator draws from: arrays aligned on snapshot rows, plus a few pools."""

    title: np.ndarray
    area_id: np.ndarray
    area_name: np.ndarray
    experience: np.ndarray  # object, None where the row lacks it
    role: np.ndarray  # first professional role id or None
    employment: np.ndarray
    schedule: np.ndarray
    paid_rows: np.ndarray  # row indices with both bounds > 0 (the pay pool)
    pay_from: np.ndarray  # aligned with paid_rows, in the row's currency
    pay_to: np.ndarray
    currency: np.ndarray
    no_salary_share: float
    gross_share: float  # among rows that say gross or net
    experience_pool: np.ndarray
    role_pool: np.ndarray
    employment_pool: np.ndarray
    schedule_pool: np.ndarray
    role_names: dict[str, str]


def _obj(s: pd.Series) -> np.ndarray:
    return s.astype(object).where(s.notna(), None).to_numpy(dtype=object)


def _first_role(v: object) -> str | None:
    return str(v[0]) if v is not None and len(v) else None  # type: ignore[arg-type]


@cache
def role_names() -> dict[str, str]:
    data = json.loads((REFERENCE / "hh_professional_roles.json").read_text(encoding="utf-8"))
    return {r["id"]: r["name"] for c in data["categories"] for r in c["roles"]}


def calibrate(path: Path | str = SNAPSHOT_FILE) -> Calibration:
    """Read the embedded snapshot's raw rows (``flatten.RAW_COLUMNS``) into generator pools."""
    raw = pd.read_parquet(path)
    sf = raw["salary_from"].astype(float)
    st = raw["salary_to"].astype(float)
    has_from, has_to = sf.gt(0), st.gt(0)
    both = has_from & has_to & (st >= sf) & raw["currency"].notna()
    paid = np.flatnonzero(both.to_numpy())
    role = raw["professional_roles"].map(_first_role)
    gross = raw["gross"].dropna().astype(bool)
    exp, emp, sch = _obj(raw["experience"]), _obj(raw["employment"]), _obj(raw["schedule"])
    return Calibration(
        title=_obj(raw["title"]),
        area_id=_obj(raw["area_id"]),
        area_name=_obj(raw["area_name"]),
        experience=exp,
        role=role.to_numpy(dtype=object),
        employment=emp,
        schedule=sch,
        paid_rows=paid,
        pay_from=sf.to_numpy()[paid],
        pay_to=st.to_numpy()[paid],
        currency=_obj(raw["currency"])[paid],
        no_salary_share=float((~has_from & ~has_to).mean()),
        gross_share=float(gross.mean()) if len(gross) else 0.3,
        experience_pool=np.array([v for v in exp if v is not None], dtype=object),
        role_pool=role.dropna().to_numpy(dtype=object),
        employment_pool=np.array([v for v in emp if v is not None], dtype=object),
        schedule_pool=np.array([v for v in sch if v is not None], dtype=object),
        role_names=role_names(),
    )


def _fill(values: np.ndarray, pool: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Where a snapshot row lacks a field that today's search items always have, draw it from the pool."""
    out = values.copy()
    missing = np.flatnonzero(pd.isna(out))
    if len(missing) and len(pool):
        out[missing] = pool[rng.integers(0, len(pool), len(missing))]
    return out


def _nice(x: np.ndarray) -> np.ndarray:
    """Round to three significant digits, as posted pay is (152 345 → 152 000)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.floor(np.log10(np.where(x > 0, x, 1.0))) - 2
        step = np.power(10.0, np.maximum(mag, 0))
    return np.where(np.isfinite(x), np.round(x / step) * step, np.nan)


def generate_items(n: int, *, seed: int = 0, calib: Calibration | None = None,
                   start: datetime = DEFAULT_START, end: datetime = DEFAULT_END,
                   id_offset: int = 0) -> pd.DataFrame:
    """``n`` synthetic vacancies as a flat frame (one column per JSON field), newest first.

    Pay columns are amounts as published (monthly unless ``mode == 'HOUR'``, in ``currency``);
    ``published_at`` is uniform over [start, end) and tz-aware.
    """
    calib = calib or calibrate()
    rng = np.random.default_rng(seed)
    paid = rng.random(n) >= calib.no_salary_share
    n_paid = int(paid.sum())
    # Paid items come from rows with a real two-sided range, so title, place and pay stay together.
    pick = rng.integers(0, len(calib.paid_rows), n_paid)
    rows = rng.integers(0, len(calib.title), n)
    rows[paid] = calib.paid_rows[pick]

    sal_from = np.full(n, np.nan)
    sal_to = np.full(n, np.nan)
    currency = np.full(n, None, dtype=object)
    f, t = calib.pay_from[pick], calib.pay_to[pick]
    shape = rng.choice(3, size=n_paid, p=list(SHAPES.values()))  # 0 both, 1 from, 2 to
    sal_from[paid] = np.where(shape == 0, f, np.where(shape == 1, _nice(f * FROM_ONLY_LIFT), np.nan))
    sal_to[paid] = np.where(shape == 0, t, np.where(shape == 2, _nice(t * TO_ONLY_DROP), np.nan))
    currency[paid] = calib.currency[pick]

    has_range = rng.random(n) < RANGE_SHARE
    hourly = paid & has_range & (rng.random(n) < HOURLY_SHARE)
    sal_from[hourly] = _nice(sal_from[hourly] / HOURS_PER_MONTH)
    sal_to[hourly] = _nice(sal_to[hourly] / HOURS_PER_MONTH)
    mode = np.where(has_range & paid, np.where(hourly, "HOUR", "MONTH"), None).astype(object)
    gross = np.where(paid, rng.random(n) < calib.gross_share, None).astype(object)

    span = (end - start).total_seconds()
    offsets = np.sort(rng.random(n) * span)[::-1]  # newest first, as hh orders by publication time
    published = pd.Timestamp(start) + pd.to_timedelta(offsets, unit="s").floor("s")

    n_emp = max(1, int(n * EMPLOYERS_PER_VACANCY))
    emp = (n_emp * rng.random(n) ** 3).astype(np.int64) + RESERVED_ID_BASE  # a few big employers
    wf_pick = rng.choice(list(WORK_FORMATS), size=n, p=list(WORK_FORMATS.values()))
    role = _fill(calib.role[rows], calib.role_pool, rng)
    names = calib.role_names
    return pd.DataFrame({
        "id": (RESERVED_ID_BASE + id_offset + np.arange(n)).astype(str),
        "name": calib.title[rows],
        "area_id": calib.area_id[rows],
        "area_name": calib.area_name[rows],
        "has_salary": paid,
        "salary_from": sal_from,
        "salary_to": sal_to,
        "currency": currency,
        "gross": gross,
        "has_range": has_range & paid,
        "mode": mode,
        "employer_id": emp.astype(str),
        "employer_name": np.char.add(BENCH_EMPLOYER_PREFIX + " ", emp.astype(str)).astype(object),
        "published_at": published,
        "experience": _fill(calib.experience[rows], calib.experience_pool, rng),
        "employment": _fill(calib.employment[rows], calib.employment_pool, rng),
        "schedule": _fill(calib.schedule[rows], calib.schedule_pool, rng),
        "role_id": role,
        "role_name": pd.Series(role).map(names).fillna("").to_numpy(dtype=object),
        "work_format": np.where(has_range, wf_pick, None).astype(object),
    })


_NAMES = {
    "MONTH": "За месяц", "HOUR": "За час", "ON_SITE": "На месте работодателя", "REMOTE": "Удалённо",
    "HYBRID": "Гибрид",
}

_ITEM_SQL = """
SELECT to_json({
  'id': id,
  'premium': false,
  'name': name,
  'area': {'id': area_id, 'name': area_name, 'url': 'https://api.hh.ru/areas/' || area_id},
  'salary': CASE WHEN has_salary THEN {'from': CAST(round(salary_from) AS BIGINT),
                                       'to': CAST(round(salary_to) AS BIGINT),
                                       'currency': currency, 'gross': gross} END,
  'salary_range': CASE WHEN has_range THEN {'from': CAST(round(salary_from) AS BIGINT),
                                            'to': CAST(round(salary_to) AS BIGINT),
                                            'currency': currency, 'gross': gross,
                                            'mode': {'id': mode, 'name': mode_name}} END,
  'type': {'id': 'open', 'name': 'Открытая'},
  'published_at': strftime(published_at, '%Y-%m-%dT%H:%M:%S') || '+0300',
  'employer': {'id': employer_id, 'name': employer_name, 'trusted': true},
  'experience': {'id': experience},
  'employment': {'id': employment},
  'schedule': {'id': schedule},
  'professional_roles': CASE WHEN role_id IS NULL THEN [] ELSE [{'id': role_id, 'name': role_name}] END,
  'work_format': CASE WHEN work_format IS NULL THEN [] ELSE [{'id': work_format, 'name': wf_name}] END
}) AS j
FROM items
"""


def items_json(items: pd.DataFrame) -> list[str]:
    """One hh search item JSON text per row of ``generate_items``, in row order."""
    frame = items.assign(
        mode_name=items["mode"].map(_NAMES),
        wf_name=items["work_format"].map(_NAMES),
        published_at=items["published_at"].dt.tz_convert(MSK).dt.tz_localize(None),  # hh speaks MSK
    )
    con = duckdb.connect()
    try:
        con.execute("SET threads = 2")
        con.register("items", frame)
        return [r[0] for r in con.execute(_ITEM_SQL).fetchall()]
    finally:
        con.close()


def page_json(item_texts: list[str], *, found: int, page: int, pages: int, per_page: int) -> str:
    """A ``GET /vacancies`` answer around ready item texts (the keys hh sends besides ``items``)."""
    head = json.dumps({"found": found, "pages": pages, "page": page, "per_page": per_page,
                       "clusters": None, "arguments": None, "fixes": None, "suggests": None,
                       "alternate_url": "https://hh.ru/search/vacancy?text=BENCH"})
    return '{"items":[' + ",".join(item_texts) + "]," + head[1:]


def write_pages(items: pd.DataFrame, out_dir: Path | str, per_page: int = 100) -> list[Path]:
    """Store the items as hh search pages ``<out_dir>/<page>.json`` (as a harvest keeps them)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    texts = items_json(items)
    n = len(texts)
    pages = max(1, math.ceil(n / per_page))
    paths = []
    for p in range(pages):
        path = out / f"{p}.json"
        path.write_text(page_json(texts[p * per_page:(p + 1) * per_page], found=n, page=p,
                                  pages=pages, per_page=per_page), encoding="utf-8")
        paths.append(path)
    return paths


def shape_shares(salary_from: pd.Series, salary_to: pd.Series) -> dict[str, float]:
    """Shares of both / from-only / to-only among postings with any pay, and the median to/from."""
    f, t = salary_from.gt(0), salary_to.gt(0)
    paid = f | t
    both = f & t
    return {
        "both": float((both[paid]).mean()),
        "from": float((f & ~t)[paid].mean()),
        "to": float((~f & t)[paid].mean()),
        "ratio": float((salary_to[both] / salary_from[both]).median()),
    }
