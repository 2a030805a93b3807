"""Build data/reference/regions.csv — one row per federal subject, joining every source's spelling.

Why a builder: the region tables we rely on disagree on names (hh "Еврейская АО", Rosstat
"Еврейская авт.область", Работа России "Еврейская автономная область"), on codes (the ISO table
gives Crimea, Sevastopol, DNR and LNR Ukrainian UA-* codes) and on coverage (the ISO table lacks
Zaporozhye and Kherson, the map lacks all six post-2014 subjects). This script joins them once,
fails if any name matches zero or several subjects, and writes a CSV that is committed, so the
product never reads ../shared at run time.

Usage:  .venv/bin/python scripts/build_regions.py [SHARED_DATA_DIR] [--out data/reference/regions.csv]
        SHARED_DATA_DIR defaults to /work/shared/data. Also copies the GeoJSON map next to it.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipelines.reference import normalise_name, region_core_key  # noqa: E402

DEFAULT_SHARED = Path("/work/shared/data")
DEFAULT_OUT = ROOT / "data" / "reference" / "regions.csv"
GEOJSON_OUT = ROOT / "data" / "reference" / "russia_regions.geojson.gz"
HH_AREAS = ROOT / "data" / "reference" / "hh_areas.json.gz"

# The ISO table carries Ukrainian ISO 3166-2 codes for the subjects Russia annexed (ISO 3166-2:RU
# has no entries for them). We use the Latin codes in Russian practice instead, so every row has an
# RU-* code; the UA-* codes are kept in README.md. Zaporozhye and Kherson are absent from the table.
ISO_REPLACEMENTS = {"UA-43": "RU-CR", "UA-40": "RU-SEV", "UA-14": "RU-DPR", "UA-09": "RU-LPR"}
STATUS = {
    "RU-CR": "disputed_2014",
    "RU-SEV": "disputed_2014",
    "RU-DPR": "disputed_2022",
    "RU-LPR": "disputed_2022",
    "RU-ZPR": "disputed_2022",
    "RU-KHE": "disputed_2022",
}
EXTRA_SUBJECTS = [  # (iso, name_ru, federal district) missing from the ISO table
    ("RU-ZPR", "Запорожская область", "Южный"),
    ("RU-KHE", "Херсонская область", "Южный"),
]

# name_ru: the ISO table's "Республика Чувашия" style is nobody else's; use the official names
# (Constitution art. 65) where they differ. The table's spelling stays an alias.
OFFICIAL_NAMES = {
    "RU-UD": "Удмуртская Республика",
    "RU-CU": "Чувашская Республика",
    "RU-SA": "Республика Саха (Якутия)",
    "RU-KC": "Карачаево-Черкесская Республика",
    "RU-KB": "Кабардино-Балкарская Республика",
    "RU-SE": "Республика Северная Осетия — Алания",
    "RU-CE": "Чеченская Республика",
    "RU-KEM": "Кемеровская область — Кузбасс",
}
# Spellings no source table links to a subject by itself (matched names are added automatically).
EXTRA_ALIASES = {
    "RU-CU": ["Чувашская Республика — Чувашия", "Чувашия"],
    "RU-UD": ["Удмуртия"],
    "RU-SA": ["Якутия"],
    "RU-CE": ["Чечня"],
    "RU-KHM": ["ХМАО", "Ханты-Мансийский автономный округ", "Югра"],
    "RU-YAN": ["ЯНАО"],
    "RU-KEM": ["Кузбасс"],
    "RU-SE": ["Северная Осетия"],
    "RU-MOW": ["Москва город", "Moscow City"],
    "RU-SPE": ["Санкт-Петербург город", "Петербург", "St Petersburg", "St. Petersburg"],
    "RU-DPR": ["ДНР", "Donetsk People's Republic"],
    "RU-LPR": ["ЛНР", "Луганская Народная Республика", "Lugansk People's Republic"],
    "RU-CR": ["Крым"],
}
NAME_EN_EXTRA = {  # the map (source of English names) lacks these
    "RU-CR": "Republic of Crimea",
    "RU-SEV": "Sevastopol",
    "RU-DPR": "Donetsk People's Republic",
    "RU-LPR": "Luhansk People's Republic",
    "RU-ZPR": "Zaporozhye Oblast",
    "RU-KHE": "Kherson Oblast",
}
FEDERAL_DISTRICT_EN = {
    "Центральный": "Central",
    "Северо-Западный": "Northwestern",
    "Южный": "Southern",
    "Северо-Кавказский": "North Caucasian",
    "Приволжский": "Volga",
    "Уральский": "Ural",
    "Сибирский": "Siberian",
    "Дальневосточный": "Far Eastern",
}
# Работа России codes that are not federal subjects: Baikonur is a city leased from Kazakhstan.
TRUDVSEM_NOT_SUBJECTS = {"9900000000000"}  # г Байконур
# Rosstat columns that are not federal subjects (the 2022-2023 file has none: 85 subjects only).
ROSSTAT_NOT_SUBJECTS: set[str] = {"Месяц"}


class Matcher:
    """Maps a name in any spelling to one ISO code; refuses zero or several candidates."""

    def __init__(self) -> None:
        self.exact: dict[str, set[str]] = {}
        self.core: dict[str, set[str]] = {}

    def add(self, iso: str, names: Iterable[str]) -> None:
        for n in names:
            self.exact.setdefault(normalise_name(n), set()).add(iso)
            self.core.setdefault(region_core_key(n), set()).add(iso)

    def __call__(self, name: str, source: str) -> str:
        cands = self.exact.get(normalise_name(name)) or self.core.get(region_core_key(name)) or set()
        if len(cands) != 1:
            raise SystemExit(f"{source}: {name!r} matches {sorted(cands) or 'no subject'}")
        return next(iter(cands))


def hh_subjects() -> dict[str, str]:
    """hh area name -> id for every child of Russia (113), plus Sevastopol (hh files it in Crimea)."""
    with gzip.open(HH_AREAS, "rt", encoding="utf-8") as fh:
        tree = json.load(fh)
    russia = next(c for c in tree if str(c["id"]) == "113")
    out = {a["name"]: str(a["id"]) for a in russia["areas"]}
    crimea = next(a for a in russia["areas"] if a["name"] == "Республика Крым")
    sev = [c for c in crimea["areas"] if c["name"] == "Севастополь"]
    if len(sev) != 1:
        raise SystemExit("hh tree: Севастополь not found under Республика Крым")
    out["Севастополь"] = str(sev[0]["id"])
    return out


def build(shared: Path) -> pd.DataFrame:
    """Join the sources under ``shared`` into the 89-row table (see module docstring)."""
    iso_tab = pd.read_csv(shared / "regions/region_iso3166_okrug.csv", sep=";", dtype=str, encoding="utf-8")
    iso_tab["iso"] = iso_tab["iso3166"].replace(ISO_REPLACEMENTS)
    iso_tab["federal_district"] = iso_tab["okrug"].str.replace(" федеральный округ", "", regex=False)
    base = pd.concat(
        [
            iso_tab[["iso", "name", "federal_district"]].rename(columns={"name": "iso_name"}),
            pd.DataFrame(EXTRA_SUBJECTS, columns=["iso", "iso_name", "federal_district"]),
        ],
        ignore_index=True,
    )
    base["name_ru"] = base["iso"].map(OFFICIAL_NAMES).fillna(base["iso_name"])
    aliases: dict[str, set[str]] = {iso: set() for iso in base["iso"]}

    match = Matcher()
    for row in base.itertuples(index=False):
        match.add(row.iso, [row.iso_name, row.name_ru, *EXTRA_ALIASES.get(row.iso, [])])
        aliases[row.iso].update([row.iso_name, *EXTRA_ALIASES.get(row.iso, [])])

    fix = pd.read_csv(
        shared / "regions/region_name_aliases.cp1251.csv", sep=";", dtype=str, encoding="cp1251"
    )
    for row in fix.itertuples(index=False):
        iso = match(row.region_dict, "region_name_aliases")
        match.add(iso, [row.region_hh])
        aliases[iso].add(row.region_hh.strip())

    def collect(names: Iterable[str], source: str) -> dict[str, str]:
        """iso -> the source's name; every name must hit one subject, no subject twice."""
        out: dict[str, str] = {}
        for n in names:
            iso = match(n, source)
            if iso in out:
                raise SystemExit(f"{source}: {n!r} and {out[iso]!r} both match {iso}")
            out[iso] = n
            aliases[iso].add(n.strip())
        return out

    hh = hh_subjects()
    hh_by_iso = collect(hh, "hh areas")

    tv = pd.read_csv(
        shared / "regions/trudvsem_region_codes.tsv", sep="\t", header=None, dtype=str, names=["name", "code"]
    )
    tv = tv[~tv["code"].isin(TRUDVSEM_NOT_SUBJECTS)]
    tv_by_iso = collect(tv["name"], "trudvsem")
    tv_code = dict(zip(tv["name"], tv["code"], strict=True))

    rosstat_cols = pd.read_csv(
        shared / "rosstat/region_avg_salary_monthly_2022-2023.cp1251.csv", sep=";", encoding="cp1251", nrows=0
    ).columns
    rs_by_iso = collect([c for c in rosstat_cols if c not in ROSSTAT_NOT_SUBJECTS], "rosstat")

    geo_path = shared / "geo/russia_federal_subjects.geojson.gz"
    with gzip.open(geo_path, "rt", encoding="utf-8") as fh:
        props = [f["properties"] for f in json.load(fh)["features"]]
    geo_by_iso = collect([p["name"] for p in props], "geojson")
    latin = {p["name"]: p["name_latin"] for p in props}

    out = base[["iso", "name_ru"]].copy()
    out["name_en"] = [latin[geo_by_iso[i]] if i in geo_by_iso else NAME_EN_EXTRA[i] for i in out["iso"]]
    out["federal_district"] = base["federal_district"]
    out["federal_district_en"] = out["federal_district"].map(FEDERAL_DISTRICT_EN)
    out["hh_area_id"] = out["iso"].map(lambda i: hh[hh_by_iso[i]])
    out["trudvsem_code"] = out["iso"].map(lambda i: tv_code[tv_by_iso[i]])
    out["rosstat_name"] = out["iso"].map(rs_by_iso).fillna("")
    out["geo_name"] = out["iso"].map(geo_by_iso).fillna("")
    out["status"] = out["iso"].map(STATUS).fillna("")
    for row in out.itertuples(index=False):
        aliases[row.iso].add(row.name_en)
    out["aliases"] = [
        "|".join(sorted({a for a in aliases[i] if a and a != n}, key=str.casefold))
        for i, n in zip(out["iso"], out["name_ru"], strict=True)
    ]

    district_order = list(FEDERAL_DISTRICT_EN)
    out = out.sort_values(
        ["federal_district", "name_ru"],
        key=lambda s: s.map(district_order.index) if s.name == "federal_district" else s,
    ).reset_index(drop=True)
    _check(out)
    return out


def _check(out: pd.DataFrame) -> None:
    problems = []
    if len(out) != 89:
        problems.append(f"{len(out)} subjects, expected 89")
    for col in ("iso", "name_ru", "name_en", "hh_area_id", "trudvsem_code"):
        if out[col].isna().any() or out[col].eq("").any() or out[col].duplicated().any():
            problems.append(f"column {col} must be filled and unique")
    if out["federal_district_en"].isna().any():
        problems.append("federal district without an English name")
    if out["federal_district"].nunique() != 8:
        problems.append("expected 8 federal districts")
    if not out["trudvsem_code"].str.fullmatch(r"\d{13}").all():
        problems.append("trudvsem codes must have 13 digits")
    if out["aliases"].str.contains(r"\|\|").any():
        problems.append("empty alias")
    if problems:
        raise SystemExit("regions.csv not written: " + "; ".join(problems))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("shared", nargs="?", type=Path, default=DEFAULT_SHARED, help="shared data dir")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    out = build(args.shared)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # QUOTE_ALL keeps the Rosstat names' trailing spaces ("г.Москва ") visible and intact.
    out.to_csv(args.out, index=False, encoding="utf-8", quoting=csv.QUOTE_ALL, lineterminator="\n")
    shutil.copyfile(args.shared / "geo/russia_federal_subjects.geojson.gz", GEOJSON_OUT)
    print(f"wrote {args.out} ({len(out)} subjects) and {GEOJSON_OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
