"""Tests of the region reference (regions.csv) and the hh areas lookups in pipelines.reference.

The cross-source tests read the original tables in the shared data directory (env
VILKA_SHARED_DATA, default /work/shared/data) to prove regions.csv still covers every spelling;
they are skipped where that directory is absent, since the product itself only needs the
committed reference files.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from pipelines import reference as ref

SHARED = Path(os.environ.get("VILKA_SHARED_DATA", "/work/shared/data"))
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared data not found at {SHARED}")

# Работа России codes that are not federal subjects (Baikonur is leased from Kazakhstan).
TRUDVSEM_NOT_SUBJECTS = {"9900000000000"}
# Rosstat columns that are not federal subjects. The 2022-2023 monthly file has only the date
# column besides the 85 subjects: no federal-district or Russia totals, no new subjects.
ROSSTAT_NOT_SUBJECTS = ["Месяц"]

DISTRICTS = {
    "Центральный",
    "Северо-Западный",
    "Южный",
    "Северо-Кавказский",
    "Приволжский",
    "Уральский",
    "Сибирский",
    "Дальневосточный",
}


# --- regions.csv ------------------------------------------------------------------------------


def test_regions_shape_and_keys() -> None:
    reg = ref.regions()
    assert len(reg) == 89
    assert reg["iso"].is_unique and reg["hh_area_id"].is_unique and reg["trudvsem_code"].is_unique
    assert reg["iso"].str.fullmatch(r"RU-[A-Z]{2,3}").all()
    assert reg["trudvsem_code"].str.fullmatch(r"\d{13}").all()
    assert set(reg["federal_district"]) == DISTRICTS
    assert reg["federal_district_en"].ne("").all() and reg["name_en"].ne("").all()


def test_disputed_subjects() -> None:
    status = ref.regions().set_index("iso")["status"]
    assert set(status[status == "disputed_2014"].index) == {"RU-CR", "RU-SEV"}
    assert set(status[status == "disputed_2022"].index) == {"RU-DPR", "RU-LPR", "RU-ZPR", "RU-KHE"}
    assert status.drop(["RU-CR", "RU-SEV", "RU-DPR", "RU-LPR", "RU-ZPR", "RU-KHE"]).eq("").all()


def test_every_region_alias_points_at_its_own_subject() -> None:
    reg = ref.regions()
    for row in reg.itertuples(index=False):
        names = pd.Series([row.name_ru, row.name_en, *ref.split_aliases(row.aliases)])
        assert (ref.region_for_name(names) == row.iso).all(), row.iso


def test_region_for_name_spellings() -> None:
    names = pd.Series(
        [
            "г.Москва ",
            "Адыгея республика",
            "Республика Чувашия",
            "Chuvash Republic",
            "Еврейская АО",
            "UA-43",
            "RU-TA",
            None,
            "Атлантида",
        ]
    )
    got = ref.region_for_name(names)
    assert got.iloc[:7].tolist() == ["RU-MOW", "RU-AD", "RU-CU", "RU-CU", "RU-YEV", "RU-CR", "RU-TA"]
    assert got.iloc[7:].isna().all()


# --- hh areas ---------------------------------------------------------------------------------


def test_every_russian_area_resolves_to_one_subject() -> None:
    areas = ref.area_lookup()
    assert areas["area_id"].is_unique
    ru = areas[(areas["country"] == "Россия") & (areas["area_id"] != ref.RUSSIA_AREA_ID)]
    assert len(ru) > 8000
    assert ru["region_iso"].notna().all()
    assert ru["region_iso"].isin(set(ref.regions()["iso"])).all()
    assert set(ru["region_iso"]) == set(ref.regions()["iso"])  # every subject has hh areas
    others = areas[areas["country"] != "Россия"]
    assert others[["region_area_id", "region_iso", "region", "federal_district"]].isna().all().all()


def test_region_nodes_are_the_subjects() -> None:
    areas = ref.area_lookup().set_index("area_id")
    reg = ref.regions().set_index("hh_area_id")
    assert (areas.loc[reg.index, "region_iso"].to_numpy() == reg["iso"].to_numpy()).all()
    for city in ("1", "2"):
        assert areas.at[city, "region_area_id"] == city


@pytest.mark.parametrize(
    ("name", "iso", "district"),
    [
        ("Казань", "RU-TA", "Приволжский"),
        ("Зеленоград", "RU-MOW", "Центральный"),
        ("Петропавловск-Камчатский", "RU-KAM", "Дальневосточный"),
        ("Москва", "RU-MOW", "Центральный"),
        ("Санкт-Петербург", "RU-SPE", "Северо-Западный"),
        ("Екатеринбург", "RU-SVE", "Уральский"),
        ("Севастополь", "RU-SEV", "Южный"),
        ("Симферополь", "RU-CR", "Южный"),
        ("Колпино", "RU-SPE", "Северо-Западный"),
    ],
)
def test_spot_checks(name: str, iso: str, district: str) -> None:
    area_id = ref.resolve_area_names(pd.Series([name])).iloc[0]
    row = ref.area_lookup().set_index("area_id").loc[area_id]
    assert (row["region_iso"], row["federal_district"], row["country"]) == (iso, district, "Россия")


@pytest.mark.parametrize(("name", "country"), [("Минск", "Беларусь"), ("Алматы", "Казахстан")])
def test_foreign_cities_have_no_region(name: str, country: str) -> None:
    area_id = ref.resolve_area_names(pd.Series([name])).iloc[0]
    row = ref.area_lookup().set_index("area_id").loc[area_id]
    assert row["country"] == country
    assert pd.isna(row["region_iso"]) and pd.isna(row["region"])


def test_resolve_area_names_rules() -> None:
    names = pd.Series(
        [
            "Москва",
            "москва ",
            "Таёжный",
            "Таежный",
            "Подольск",
            "Щербинка (Москва)",
            "Нур-Султан",
            None,
            "Нигде",
        ],
        index=list("abcdefghi"),
        name="city",
    )
    got = ref.resolve_area_names(names)
    assert got.name == "city" and list(got.index) == list("abcdefghi")
    assert got.iloc[:2].tolist() == ["1", "1"]
    assert got["c"] != got["d"]  # ё distinguishes two real places, in Yugra and Krasnoyarsk Krai
    assert ref.area_lookup().set_index("area_id").at[got["e"], "area_name"] == "Подольск (Московская область)"
    assert got["f"] == "2096"
    assert got["g"] == "159"  # Астана
    assert got.iloc[7:].isna().all()
    _, ambiguous = ref.area_name_index()
    assert ambiguous == 2  # "Александровка" (Orenburg, Volgograd), "Горькая Балка" (Krasnodar, Stavropol)


def test_area_overrides_point_at_russian_areas() -> None:
    areas = ref.area_lookup().set_index("area_id")
    ids = list(ref.AREA_REGION_OVERRIDES)
    assert areas.loc[ids, "country"].eq("Россия").all()
    assert areas.loc[ids, "region_iso"].tolist() == list(ref.AREA_REGION_OVERRIDES.values())


# --- every source spelling is covered ---------------------------------------------------------


@needs_shared
def test_every_trudvsem_code_resolves() -> None:
    tv = pd.read_csv(
        SHARED / "regions/trudvsem_region_codes.tsv", sep="\t", header=None, dtype=str, names=["name", "code"]
    )
    tv = tv[~tv["code"].isin(TRUDVSEM_NOT_SUBJECTS)]
    by_code = ref.regions().groupby("trudvsem_code")["iso"].agg(list)
    assert all(len(by_code.get(c, [])) == 1 for c in tv["code"])
    assert len(tv) == 89
    assert (ref.region_for_name(tv["name"]).to_numpy() == by_code.loc[tv["code"]].str[0].to_numpy()).all()


@needs_shared
def test_every_rosstat_column_resolves() -> None:
    cols = pd.read_csv(
        SHARED / "rosstat/region_avg_salary_monthly_2022-2023.cp1251.csv", sep=";", encoding="cp1251", nrows=0
    ).columns
    subjects = pd.Series([c for c in cols if c not in ROSSTAT_NOT_SUBJECTS])
    assert len(subjects) == 85
    iso = ref.region_for_name(subjects)
    assert iso.notna().all() and iso.is_unique
    assert set(subjects) == set(ref.regions()["rosstat_name"]) - {""}  # exact, trailing spaces too


@needs_shared
def test_every_geojson_feature_resolves() -> None:
    with gzip.open(SHARED / "geo/russia_federal_subjects.geojson.gz", "rt", encoding="utf-8") as fh:
        names = pd.Series([f["properties"]["name"] for f in json.load(fh)["features"]])
    iso = ref.region_for_name(names)
    assert iso.notna().all() and iso.is_unique
    assert set(names) == set(ref.regions()["geo_name"]) - {""}


@needs_shared
def test_iso_table_and_hh_names_resolve() -> None:
    iso_tab = pd.read_csv(SHARED / "regions/region_iso3166_okrug.csv", sep=";", dtype=str)
    assert ref.region_for_name(iso_tab["name"]).notna().all()
    assert ref.region_for_name(iso_tab["iso3166"]).notna().all()  # incl. the UA-* codes
    aliases = pd.read_csv(
        SHARED / "regions/region_name_aliases.cp1251.csv", sep=";", encoding="cp1251", dtype=str
    )
    assert (ref.region_for_name(aliases["region_hh"]) == ref.region_for_name(aliases["region_dict"])).all()


def test_geojson_copy_is_committed() -> None:
    with gzip.open(ref.GEOJSON_FILE, "rt", encoding="utf-8") as fh:
        names = {f["properties"]["name"] for f in json.load(fh)["features"]}
    assert names == set(ref.regions()["geo_name"]) - {""}
