"""Rebuild the embedded default dataset, ``data/snapshot/raw_vacancies.parquet``, from the real
hh.ru data in ``../shared/data`` (see data/snapshot/PROVENANCE.md).

The snapshot holds *raw* rows (the normaliser's input, ``pipelines.flatten.RAW_COLUMNS``), not
normalised ones: ``python -m pipelines load-snapshot`` runs them through the same normaliser as a
live harvest, so a better title rule or region alias applies to the embedded data too.

usage: .venv/bin/python scripts/build_snapshot.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines import reference  # noqa: E402
from pipelines.config import SNAPSHOT  # noqa: E402
from pipelines.dumps import EXPERIENCE_TEXT, content_ids, read_dump, tidy  # noqa: E402
from pipelines.dumps import stable_ids as _stable_ids  # noqa: E402
from pipelines.flatten import (  # noqa: E402
    RAW_COLUMNS,
    merge_details,
    search_pages_frame,
    vacancy_details_frame,
)

# The older flattened tables, keyed "dataset:" + a hash of the row as printed; kept so a warehouse
# loaded from an earlier snapshot gets its rows updated, not doubled.
OLD_FLAT = ("urfu_vacancies_2022_rur", "hh_snapshot_2022-12-21")
PROVENANCE = SNAPSHOT / "PROVENANCE.md"
BEGIN, END = "<!-- hh_more:begin (written by scripts/build_snapshot.py) -->", "<!-- hh_more:end -->"


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


def _provenance(folder: Path) -> dict[str, str]:
    """repo, path and commit of the first file a folder's PROVENANCE.txt describes."""
    text = (folder / "PROVENANCE.txt").read_text(encoding="utf-8")
    found = {k: re.search(rf"^\s*{k}[^:]*:\s*(\S+)", text, re.M) for k in ("repo", "path", "commit")}
    return {k: m.group(1) if m else "?" for k, m in found.items()}


def hh_more(shared: Path, older_flat: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Every dump in ``hh_more/`` through the importer's readers (``pipelines.dumps``): one dataset
    per source repository (its derived CSV, a plain export of its own SQLite database, is left out).

    Rows without hh ids are keyed by content (``dumps.content_ids``), so the same row in two dumps
    collapses on load; a row that an older flattened table of the snapshot already holds takes
    that row's id, so it collapses with it too."""
    older = older_flat.assign(key=content_ids(older_flat)).drop_duplicates("key")
    adopt = dict(zip(older["key"], older["source_id"], strict=True))
    parts, notes = [], []
    for folder in sorted(p for p in (shared / "hh_more").iterdir() if p.is_dir()):
        files = sorted(f for f in folder.rglob("*") if f.is_file() and f.name != "PROVENANCE.txt"
                       and "DERIVED" not in f.name)
        for f in files:
            dump = read_dump(f, dataset=folder.name)
            raw = dump.raw
            flat = raw["source"] == "hh_flat"
            adopted = flat & raw["source_id"].isin(adopt)
            raw.loc[adopted, "source_id"] = raw.loc[adopted, "source_id"].map(adopt)
            parts.append(raw)
            with_salary = (raw["salary_from"].fillna(0) > 0) | (raw["salary_to"].fillna(0) > 0)
            notes.append({**_provenance(folder), "dataset": folder.name, "file": f.relative_to(folder).as_posix(),
                          "format": dump.format, "source": dump.source, "rows": len(raw),
                          "distinct": int(raw["source_id"].nunique()), "with_salary": int(with_salary.sum()),
                          "adopted": int(adopted.sum()), "notes": dump.notes})
    return pd.concat(parts, ignore_index=True), notes


def build(shared: Path) -> tuple[pd.DataFrame, list[dict]]:
    flat = shared / "hh_flat"
    parts = [
        api_pages(shared),
        urfu_like(flat / "urfu_vacancies_2022_rur.csv.gz", "urfu_vacancies_2022_rur"),
        urfu_like(flat / "hh_snapshot_2022-12-21.csv.gz", "hh_snapshot_2022-12-21"),
        five_cities(flat / "hh_5cities_experience.csv.gz"),
        analysts_2025(flat / "analysts_ru_2025.csv.gz"),
    ]
    older = tidy(pd.concat(parts[1:3], ignore_index=True))
    more, notes = hh_more(shared, older)
    raw = tidy(pd.concat([*parts, more], ignore_index=True))
    return raw[[*RAW_COLUMNS, "dataset"]], notes


def _what(n: dict) -> str:
    how = {"hh-csv": "CSV", "hh-json": "API items", "hh-sqlite": "SQLite"}[n["format"]]
    ids = "hh ids" if n["source"] == "hh" else "content ids"
    if n["adopted"]:
        ids += f" ({_n(n['adopted'])} rows take the id of the same row in `hh_snapshot_2022-12-21`)"
    return "; ".join([how, ids, *n["notes"]])


def _n(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def write_provenance(notes: list[dict]) -> None:
    """The hh_more rows of PROVENANCE.md, between its markers, from each folder's PROVENANCE.txt."""
    rows = ["| `dataset` | rows (distinct) | with salary | source repository (`path`, commit) | read as |",
            "|---|---|---|---|---|"]
    for n in notes:
        rows.append(f"| `{n['dataset']}` | {_n(n['rows'])} ({_n(n['distinct'])}) | {_n(n['with_salary'])} | "
                    f"{n['repo'].removeprefix('github.com/')} (`{n['path']}`, {n['commit'][:7]}) | {_what(n)} |")
    table = "\n".join(rows)
    text = PROVENANCE.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + BEGIN + "\n" + table + "\n" + END + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + BEGIN + "\n" + table + "\n" + END + "\n"
    PROVENANCE.write_text(text, encoding="utf-8")


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    raw, notes = build(shared)
    SNAPSHOT.mkdir(parents=True, exist_ok=True)
    out = SNAPSHOT / "raw_vacancies.parquet"
    raw.to_parquet(out, index=False, compression="zstd")
    write_provenance(notes)
    print(f"{len(raw)} raw rows from {raw['dataset'].nunique()} datasets → {out} "
          f"({out.stat().st_size / 1e6:.1f} MB)")
    print(raw.groupby("dataset").size().to_string())


if __name__ == "__main__":
    main()
