"""Places a person types: a region, or a city ("Казань", "Питер", "Екб") that the pickers resolve to
its own cell when it has enough vacancies, and to its region otherwise.

A place choice is a region ISO code ("RU-TA") or ``city:<name>`` with the city as hh.ru names it
("city:Казань"). Aliases people use are data (``data/reference/city_aliases.csv``)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import pandas as pd

from analytics import fmt, labels
from pipelines.config import REFERENCE

CITY = "city:"
MIN_CITY_N = 100  # vacancies a city needs to be offered as its own cell


@cache
def aliases() -> dict[str, tuple[str, ...]]:
    """City → the other names people type for it."""
    table = pd.read_csv(REFERENCE / "city_aliases.csv", dtype=str)
    out: dict[str, list[str]] = {}
    for alias, city in zip(table["alias"].str.strip(), table["city"].str.strip(), strict=True):
        out.setdefault(city, []).append(alias)
    return {k: tuple(v) for k, v in out.items()}


def is_city(choice: str) -> bool:
    return choice.startswith(CITY)


def split(choices: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(region ISO codes, city names) of a list of place choices."""
    choices = list(choices)
    return (tuple(c for c in choices if not is_city(c)), tuple(c[len(CITY):] for c in choices if is_city(c)))


def city_choices(cities: pd.DataFrame, min_n: int = MIN_CITY_N) -> pd.DataFrame:
    """Cities offered as their own place: ``cities`` (value = city, region_iso, n) with at least
    ``min_n`` vacancies, except cities that are a region themselves (Moscow, St Petersburg)."""
    regions_as_cities = {labels.region(iso, "ru") for iso in cities["region_iso"].dropna().unique()}
    keep = cities[(cities["n"] >= min_n) & ~cities["value"].isin(regions_as_cities)]
    return keep.assign(value=CITY + keep["value"]).reset_index(drop=True)


def _aka(name: str) -> str:
    names = aliases().get(name, ())
    return f" · {', '.join(names)}" if names else ""


def label(choice: str, lang: str = "ru", n: int | None = None, region_of: dict[str, str] | None = None) -> str:
    """'Казань → Республика Татарстан (511)', 'Санкт-Петербург (3 611) · Питер, СПб, …' — the text a
    picker searches, so a city name or an alias finds its place."""
    count = f" ({fmt.number(n, lang)})" if n is not None else ""
    if is_city(choice):
        city = choice[len(CITY):]
        region = labels.region((region_of or {}).get(choice), lang) if region_of else ""
        return f"{city} → {region}{count}{_aka(city)}" if region and region != "—" else f"{city}{count}{_aka(city)}"
    name = labels.region(choice, lang)
    return f"{name}{count}{_aka(labels.region(choice, 'ru'))}"


def region_with_cities(iso: str, cities: pd.DataFrame, lang: str = "ru", top: int = 3) -> str:
    """'Республика Татарстан · Казань, Набережные Челны' — a region picker's label that a city name
    (or its alias) finds: its largest cities by vacancies."""
    name = labels.region(iso, lang)
    mine = cities.loc[(cities["region_iso"] == iso) & (cities["value"] != labels.region(iso, "ru")), "value"]
    words = [*mine.head(top)] + [a for c in [labels.region(iso, "ru"), *mine.head(top)] for a in aliases().get(c, ())]
    return f"{name} · {', '.join(words)}" if words else name
