"""Rebuild the embedded default dataset, ``data/snapshot/raw_vacancies.parquet``, from the real
hh.ru data in ``../shared/data`` (see data/snapshot/PROVENANCE.md).

The snapshot holds *raw* rows (the normaliser's input, ``pipelines.flatten.RAW_COLUMNS``), not
normalised ones: ``python -m pipelines load-snapshot`` runs them through the same normaliser as a
live harvest, so a better title rule or region alias applies to the embedded data too.

usage: .venv/bin/python scripts/build_snapshot.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines import reference  # noqa: E402
from pipelines.config import SNAPSHOT  # noqa: E402
from pipelines.flatten import (  # noqa: E402
    RAW_COLUMNS,
    merge_details,
    search_pages_frame,
    vacancy_details_frame,
)

EXPERIENCE_TEXT = {
    "Нет опыта": "noExperience",
    "От 1 года до 3 лет": "between1And3",
    "От 3 до 6 лет": "between3And6",
    "Более 6 лет": "moreThan6",
}


def _stable_ids(df: pd.DataFrame, cols: list[str], prefix: str) -> pd.Series:
    """Tables without vacancy ids get a content hash, so a rebuild gives the same keys."""
    text = df[cols].astype(str).agg("\x1f".join, axis=1)
    return prefix + text.map(lambda s: hashlib.sha1(s.encode("utf-8")).hexdigest()[:16])


def _frame(**cols) -> pd.DataFrame:
    n = max(len(v) for v in cols.values() if hasattr(v, "__len__") and not isinstance(v, str))
    out = pd.DataFrame({c: cols.get(c, [None] * n) for c in RAW_COLUMNS})
    return out


def api_pages(shared: Path) -> pd.DataFrame:
    search = search_pages_frame(sorted((shared / "hh" / "search_pages").glob("*/*.json*")))
    # single_vacancy_2023.json is left out: one secretary vacancy published in 2013 would stretch
    # the data's date range by eight years for a single row.
    details = vacancy_details_frame(sorted((shared / "hh" / "vacancy_details").glob("*.jsonl.gz")))
    raw = merge_details(search, details)
    raw["dataset"] = raw["raw_file"].map(lambda p: Path(p).parent.name if "search_pages" in p
                                         else Path(p).name.split(".")[0])
    return raw.drop(columns="raw_file")


def urfu_like(path: Path, dataset: str) -> pd.DataFrame:
    """name, salary_from, salary_to, salary_currency, area_name, published_at (no ids)."""
    t = pd.read_csv(path, dtype={"salary_currency": "string"})
    out = _frame(
        source=["hh_flat"] * len(t),
        source_id=_stable_ids(t, list(t.columns), f"{dataset}:"),
        title=t["name"], area_name=t["area_name"],
        area_id=reference.resolve_area_names(t["area_name"]),
        salary_from=t["salary_from"], salary_to=t["salary_to"],
        currency=t["salary_currency"].where(t["salary_currency"].notna() & (t["salary_currency"] != ""), None),
        published_at=t["published_at"],
    )
    out["dataset"] = dataset
    return out


def five_cities(path: Path) -> pd.DataFrame:
    """hh ids, titles, experience, role and gross flag; no publication date or employer."""
    t = pd.read_csv(path, dtype={"id": "string", "role_id": "string"})
    has = t["has_salary"] == 1
    out = _frame(
        source=["hh"] * len(t), source_id=t["id"], title=t["title"], area_name=t["city"],
        area_id=reference.resolve_area_names(t["city"]),
        salary_from=t["salary_from"], salary_to=t["salary_to"],
        currency=t["salary_currency"].where(has, None),
        gross=(t["salary_gross"] == 1).where(has, None),
        experience=t["experience"],
        professional_roles=t["role_id"].map(lambda r: [r] if isinstance(r, str) else []),
    )
    out["dataset"] = "hh_5cities_experience"
    return out


def analysts_2025(path: Path) -> pd.DataFrame:
    t = pd.read_csv(path, encoding="utf-8-sig")
    ids = t["Ссылка"].str.extract(r"/vacancy/(\d+)")[0]
    out = _frame(
        source=["hh"] * len(t), source_id=ids, title=t["Название"], employer=t["Компания"],
        area_name=t["Регион"], area_id=reference.resolve_area_names(t["Регион"]),
        salary_from=t["Зарплата от"], salary_to=t["Зарплата до"], currency=t["Валюта"],
        experience=t["Опыт работы"].map(EXPERIENCE_TEXT),
        skills=t["Ключевые навыки"].map(
            lambda s: [x.strip() for x in s.split(",") if x.strip()] if isinstance(s, str) else []),
    )
    out["dataset"] = "analysts_ru_2025"
    return out[out["source_id"].notna()]


def build(shared: Path) -> pd.DataFrame:
    flat = shared / "hh_flat"
    parts = [
        api_pages(shared),
        urfu_like(flat / "urfu_vacancies_2022_rur.csv.gz", "urfu_vacancies_2022_rur"),
        urfu_like(flat / "hh_snapshot_2022-12-21.csv.gz", "hh_snapshot_2022-12-21"),
        five_cities(flat / "hh_5cities_experience.csv.gz"),
        analysts_2025(flat / "analysts_ru_2025.csv.gz"),
    ]
    raw = pd.concat(parts, ignore_index=True)
    for col in ("salary_from", "salary_to"):
        raw[col] = pd.to_numeric(raw[col], errors="coerce")
    raw["gross"] = raw["gross"].astype("boolean")
    # hh pages arrive parsed (timestamps); the flattened tables as text in the same ISO format
    raw["published_at"] = raw["published_at"].map(
        lambda v: v.isoformat() if hasattr(v, "isoformat") else v, na_action="ignore").astype("string")
    for col in ("professional_roles", "skills"):
        raw[col] = raw[col].map(lambda v: [str(x) for x in v] if isinstance(v, list) or hasattr(v, "tolist") else [])
    for col in ("source", "source_id", "title", "employer", "employer_id", "area_id", "area_name",
                "currency", "salary_mode", "experience", "employment", "schedule", "work_format", "dataset"):
        raw[col] = raw[col].astype("string")
    return raw[[*RAW_COLUMNS, "dataset"]]


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    raw = build(shared)
    SNAPSHOT.mkdir(parents=True, exist_ok=True)
    out = SNAPSHOT / "raw_vacancies.parquet"
    raw.to_parquet(out, index=False, compression="zstd")
    print(f"{len(raw)} raw rows from {raw['dataset'].nunique()} datasets → {out} "
          f"({out.stat().st_size / 1e6:.1f} MB)")
    print(raw.groupby("dataset").size().to_string())


if __name__ == "__main__":
    main()
