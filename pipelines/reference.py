"""Reference data: the federal subjects of Russia and the hh.ru areas tree, read lazily and cached.

Every source names places its own way ("г.Москва ", "Адыгея республика", "Еврейская АО", area id
"1"). The product joins them all through ``data/reference/regions.csv`` (89 federal subjects, one
row each, built by ``scripts/build_regions.py``) and ``data/reference/hh_areas.json.gz`` (the hh
``GET /areas`` tree). Both files are committed, so nothing here needs ``../shared`` or the network.

Three lookups are offered:

* :func:`area_lookup` — hh area id -> country, federal subject, federal district;
* :func:`resolve_area_names` — a place name as printed in flattened hh tables -> hh area id;
* :func:`region_for_name` — a *region* name in any source spelling -> ISO 3166-2 code.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from typing import Any

import pandas as pd

from pipelines.config import REFERENCE

REGIONS_FILE = REFERENCE / "regions.csv"
HH_AREAS_FILE = REFERENCE / "hh_areas.json.gz"
GEOJSON_FILE = REFERENCE / "russia_regions.geojson.gz"

RUSSIA_AREA_ID = "113"
N_SUBJECTS = 89

REGION_COLUMNS = (
    "iso",
    "name_ru",
    "name_en",
    "federal_district",
    "federal_district_en",
    "hh_area_id",
    "trudvsem_code",
    "rosstat_name",
    "geo_name",
    "status",
    "aliases",
)

# hh files a few places under the wrong federal subject: the territories added to Moscow in 2012
# ("New Moscow") and Zelenograd sit under Московская область (2019), the towns of St Petersburg's
# suburban districts under Ленинградская область (145), and Sevastopol with its settlements under
# Республика Крым (2114). Salary statistics (Rosstat) count them in the city of federal
# significance, so we do too. Only unambiguous names are listed (e.g. "Румянцево" and "Крюково"
# also exist in Moscow Oblast and stay where hh put them). Sevastopol itself (130) needs no entry:
# it is the subject's hh_area_id in regions.csv.
AREA_REGION_OVERRIDES: dict[str, str] = {
    # Moscow (Zelenograd; New Moscow, part of the city since 1 July 2012)
    "2088": "RU-MOW",  # Зеленоград
    "2095": "RU-MOW",  # Троицк (Московская область)
    "2096": "RU-MOW",  # Щербинка
    "2036": "RU-MOW",  # Московский
    "4302": "RU-MOW",  # Коммунарка
    "8208": "RU-MOW",  # Сосенское
    "8191": "RU-MOW",  # Внуковское
    "6931": "RU-MOW",  # Вороновское
    "2486": "RU-MOW",  # Кокошкино
    "6579": "RU-MOW",  # Ватутинки
    "8235": "RU-MOW",  # Десеновское
    "8197": "RU-MOW",  # Рязановский
    "6066": "RU-MOW",  # Знамя Октября
    "4599": "RU-MOW",  # Киевский
    "8228": "RU-MOW",  # Мосрентген
    "8241": "RU-MOW",  # Красная Пахра
    "6361": "RU-MOW",  # Щапово (Московская область)
    "6360": "RU-MOW",  # Клёново (Московская область)
    "5085": "RU-MOW",  # Крекшино
    "6353": "RU-MOW",  # Птичное
    "4603": "RU-MOW",  # Переделкино
    "4602": "RU-MOW",  # Ново-Переделкино
    # St Petersburg (Kolpinsky, Krasnoselsky, Kronshtadtsky, Kurortny, Petrodvortsovy,
    # Pushkinsky, Vyborgsky, Primorsky districts)
    "2554": "RU-SPE",  # Колпино
    "2522": "RU-SPE",  # Красное Село
    "2961": "RU-SPE",  # Кронштадт
    "2001": "RU-SPE",  # Ломоносов
    "2664": "RU-SPE",  # Павловск (Ленинградская область)
    "2750": "RU-SPE",  # Петергоф
    "2490": "RU-SPE",  # Пушкин
    "2507": "RU-SPE",  # Сестрорецк
    "5711": "RU-SPE",  # Стрельна
    "2681": "RU-SPE",  # Шушары
    "4027": "RU-SPE",  # Металлострой
    "8270": "RU-SPE",  # Понтонный
    "3701": "RU-SPE",  # Парголово
    "8295": "RU-SPE",  # Песочный
    "6106": "RU-SPE",  # Репино
    "2230": "RU-SPE",  # Зеленогорск (Ленинградская обл)
    # Sevastopol (Balaklavsky and Nakhimovsky districts)
    "3930": "RU-SEV",  # Балаклава
    "2388": "RU-SEV",  # Инкерман
    "6646": "RU-SEV",  # Кача
    "6698": "RU-SEV",  # Верхнесадовое
}

# The Ukrainian ISO 3166-2 codes that region_iso3166_okrug.csv (and ISO itself) gives the subjects
# annexed in 2014 and 2022; regions.csv uses the codes in Russian practice (see its README).
LEGACY_REGION_CODES: dict[str, str] = {
    "UA-43": "RU-CR",
    "UA-40": "RU-SEV",
    "UA-14": "RU-DPR",
    "UA-09": "RU-LPR",
    "UA-23": "RU-ZPR",
    "UA-65": "RU-KHE",
}

# ---------------------------------------------------------------------------------------------
# name normalisation
# ---------------------------------------------------------------------------------------------

_DASH = re.compile(r"\s*[-‐‑‒–—―]\s*")
_PUNCT = re.compile(r"[()/\\\"«»“”.,;:]")
_CITY_PREFIX = re.compile(r"^(?:г|город)\s+")

# Words that say what kind of subject a name is, not which. Dropping them lets "Адыгея
# республика" (Работа России), "Республика Адыгея" (hh) and "Adygea Republic" meet.
_GENERIC_WORDS = frozenset(
    """
    республика респ область обл край автономный автономная авт ао округ г город федерального
    значения народная
    republic oblast krai autonomous okrug ao of the city federal people's peoples region
    """.split()
)


def normalise_name(name: object, fold_yo: bool = True) -> str:
    """Case, ``ё``, dash, punctuation and whitespace variants folded so sources compare equal.

    Used both for place names (cities) and for region names; it never drops words. ``fold_yo``
    can be switched off because a few hh place names differ only by ё.
    """
    if name is None or (isinstance(name, float) and pd.isna(name)) or name is pd.NA:
        return ""
    s = unicodedata.normalize("NFKC", str(name)).lower()
    if fold_yo:
        s = s.replace("ё", "е")
    s = _DASH.sub("-", s)
    s = _PUNCT.sub(" ", s)
    s = " ".join(s.split())
    return _CITY_PREFIX.sub("", s)


def region_core_key(name: object) -> str:
    """The distinguishing words of a region name, sorted, without type words ("область", "АО").

    The second, looser matching level of :func:`region_for_name`; only keys that point at one
    subject are used, so "Altai" (republic or krai) never resolves by accident.
    """
    tokens = normalise_name(name).replace("-", " ").split()
    return " ".join(sorted(t for t in tokens if t not in _GENERIC_WORDS))


def split_aliases(aliases: object) -> list[str]:
    """The ``aliases`` cell of regions.csv as a list (``|``-separated, may be empty)."""
    if aliases is None or (isinstance(aliases, float) and pd.isna(aliases)):
        return []
    return [a for a in str(aliases).split("|") if a.strip()]


# ---------------------------------------------------------------------------------------------
# regions
# ---------------------------------------------------------------------------------------------


@cache
def regions() -> pd.DataFrame:
    """The 89 federal subjects (regions.csv), validated so a broken rebuild fails loudly here.

    Every column is a string; empty cells are "" (``status``, ``geo_name``, ``rosstat_name`` of
    the subjects a source lacks), never NaN, so the frame can be compared and joined directly.
    """
    df = pd.read_csv(REGIONS_FILE, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = set(REGION_COLUMNS) - set(df.columns)
    if missing:
        raise ValueError(f"{REGIONS_FILE}: missing columns {sorted(missing)}")
    if len(df) != N_SUBJECTS:
        raise ValueError(f"{REGIONS_FILE}: {len(df)} rows, expected {N_SUBJECTS}")
    for col in ("iso", "hh_area_id", "name_ru"):
        if df[col].eq("").any() or df[col].duplicated().any():
            raise ValueError(f"{REGIONS_FILE}: column {col} must be filled and unique")
    return df


@cache
def _region_name_index() -> tuple[dict[str, str], dict[str, str]]:
    """(exact normalised name -> iso, unique core key -> iso) over every known spelling."""
    exact: dict[str, set[str]] = {}
    core: dict[str, set[str]] = {}
    for row in regions().itertuples(index=False):
        names = [row.iso, row.name_ru, row.name_en, row.rosstat_name, row.geo_name]
        names += split_aliases(row.aliases)
        for n in names:
            if not str(n).strip():
                continue
            exact.setdefault(normalise_name(n), set()).add(row.iso)
            key = region_core_key(n)
            if key:
                core.setdefault(key, set()).add(row.iso)
    for code, iso in LEGACY_REGION_CODES.items():
        exact.setdefault(normalise_name(code), set()).add(iso)
    clashes = {k: v for k, v in exact.items() if len(v) > 1}
    if clashes:
        raise ValueError(f"regions.csv: names shared by several subjects: {clashes}")
    return (
        {k: next(iter(v)) for k, v in exact.items()},
        {k: next(iter(v)) for k, v in core.items() if len(v) == 1},
    )


def region_for_name(names: pd.Series) -> pd.Series:
    """ISO 3166-2 codes for region names in any source spelling (NA where unknown).

    Exact normalised spelling first (covers every alias in regions.csv, English names and the ISO
    codes themselves), then the type-word-free core key ("Республика Чувашия" and "Чувашия" both
    give "чувашия"). Vectorised: each distinct name is looked up once.
    """
    exact, core = _region_name_index()
    uniq = pd.Series(names.dropna().unique())
    norm = uniq.map(normalise_name)
    iso = norm.map(exact)
    iso = iso.fillna(uniq.map(region_core_key).map(core))
    table = dict(zip(uniq, iso, strict=True))
    return names.map(table).astype("string").rename(names.name)


# ---------------------------------------------------------------------------------------------
# hh areas
# ---------------------------------------------------------------------------------------------


@cache
def hh_areas_tree() -> list[dict[str, Any]]:
    """The raw hh ``GET /areas`` tree: a list of countries ``{id, parent_id, name, areas[]}``."""
    with gzip.open(HH_AREAS_FILE, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def _walk(
    node: dict[str, Any], ancestors: tuple[str, ...]
) -> Iterator[tuple[dict[str, Any], tuple[str, ...]]]:
    yield node, ancestors
    for child in node.get("areas") or ():
        yield from _walk(child, (*ancestors, str(node["id"])))


@cache
def area_lookup() -> pd.DataFrame:
    """One row per hh area in the whole tree (countries included), with its federal subject.

    Columns: ``area_id`` (str), ``area_name``, ``country`` (name of the top node), ``depth`` (0 for
    countries), ``region_area_id`` (hh id of the subject: the child of 113, or Sevastopol's 130),
    ``region_iso``, ``region``, ``region_en``, ``federal_district``. The subject of an area is its
    nearest ancestor-or-self that is a subject in regions.csv, unless
    :data:`AREA_REGION_OVERRIDES` says otherwise; areas outside Russia, and Russia itself, have
    null region fields. Moscow (1) and St Petersburg (2) are subjects themselves.
    """
    reg = regions().set_index("hh_area_id")
    by_iso = regions().set_index("iso")
    rows: list[tuple[str, str, str, int, str | None]] = []
    for country in hh_areas_tree():
        cname = country["name"]
        for node, ancestors in _walk(country, ()):
            area_id = str(node["id"])
            region_area_id: str | None = None
            if cname == "Россия" or (ancestors and ancestors[0] == RUSSIA_AREA_ID):
                override = AREA_REGION_OVERRIDES.get(area_id)
                if override is not None:
                    region_area_id = by_iso.at[override, "hh_area_id"]
                else:
                    for cand in (area_id, *reversed(ancestors)):
                        if cand in reg.index:
                            region_area_id = cand
                            break
            rows.append((area_id, node["name"], cname, len(ancestors), region_area_id))
    df = pd.DataFrame(rows, columns=["area_id", "area_name", "country", "depth", "region_area_id"])
    if df["area_id"].duplicated().any():
        raise ValueError(f"{HH_AREAS_FILE}: duplicate area ids")
    sub = reg.loc[df["region_area_id"].dropna()]
    for col, src in (
        ("region_iso", "iso"),
        ("region", "name_ru"),
        ("region_en", "name_en"),
        ("federal_district", "federal_district"),
    ):
        df[col] = pd.Series(sub[src].to_numpy(), index=df["region_area_id"].dropna().index).reindex(df.index)
    df = df.astype(
        {
            c: "string"
            for c in (
                "area_id",
                "area_name",
                "country",
                "region_area_id",
                "region_iso",
                "region",
                "region_en",
                "federal_district",
            )
        }
    )
    return df


# Places hh has renamed since older flattened tables were published: old name -> current name.
AREA_RENAMES: dict[str, str] = {
    "Нур-Султан": "Астана",  # renamed back in September 2022
}

_QUALIFIER = re.compile(r"\s*\(.*$")


def _area_keys(names: pd.Series) -> list[pd.Series]:
    """The three matching keys of place names, strictest first: case and spacing folded;
    also ё -> е; also the parenthesised qualifier dropped ("Мытищи (Московская область)")."""
    names = names.astype("string").str.strip()
    names = names.where(~names.isin(list(AREA_RENAMES)), names.map(AREA_RENAMES))
    exact = names.map(lambda n: normalise_name(n, fold_yo=False), na_action="ignore")
    folded = names.map(normalise_name, na_action="ignore")
    bare = names.str.replace(_QUALIFIER, "", regex=True).map(normalise_name, na_action="ignore")
    return [exact, folded, bare]


@cache
def area_name_index() -> tuple[tuple[dict[str, str], ...], int]:
    """(one name -> hh area id dict per key level of :func:`_area_keys`, ambiguous-name count).

    Why levels: ё is significant in hh names ("Таёжный" in Yugra and "Таежный" in Krasnoyarsk
    Krai are different places), so it is folded only when the strict spelling is unknown; the
    qualifier-free key lets a table that prints "Щербинка (Москва)" or "Подольск" find hh's
    "Щербинка" or "Подольск (Московская область)".

    Rule when several areas share a key: a top-level node first (a country, a region-level node
    such as "Москва", or a city directly under its country such as "Минск", "Алматы"); else an
    area in Russia (the product is about Russia); else the first in tree order. The count is of
    strict (first-level) keys naming more than one area.
    """
    df = area_lookup()
    rank = (df["depth"] > 1).astype(int) * 2 + (df["country"] != "Россия").astype(int)
    levels: list[dict[str, str]] = []
    ambiguous = 0
    for i, key in enumerate(_area_keys(df["area_name"])):
        part = pd.DataFrame({"key": key, "rank": rank, "order": range(len(df)), "area_id": df["area_id"]})
        if i == 0:
            ambiguous = int(part["key"].value_counts().gt(1).sum())
        best = part.sort_values(["rank", "order"]).drop_duplicates("key", keep="first")
        levels.append(dict(zip(best["key"], best["area_id"], strict=True)))
    return tuple(levels), ambiguous


def resolve_area_names(names: pd.Series) -> pd.Series:
    """hh area ids (strings, NA where unknown) for place names as printed in flattened tables.

    "Москва" -> "1", "Казань" -> "88", "Минск" -> "1002", "Зеленоград" -> "2088". Each distinct
    name is tried at the strict key, then with ё folded, then without its "(…)" qualifier; ties
    between areas follow :func:`area_name_index`. Vectorised through dicts.
    """
    levels, _ = area_name_index()
    uniq = pd.Series(names.dropna().unique(), dtype="string")
    found = pd.Series(pd.NA, index=uniq.index, dtype="string")
    for index, key in zip(levels, _area_keys(uniq), strict=True):
        found = found.fillna(key.map(index).astype("string"))
    table = dict(zip(uniq, found, strict=True))
    return names.map(table).astype("string").rename(names.name)
