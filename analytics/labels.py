"""Display names for ids (professions, regions, levels) in the UI language."""

from __future__ import annotations

from functools import cache

from analytics.i18n import experience_name, level_name
from pipelines import classify, reference


@cache
def _regions() -> dict[str, tuple[str, str]]:
    r = reference.regions()
    return dict(zip(r["iso"], zip(r["name_ru"], r["name_en"], strict=True), strict=True))


@cache
def _district_en() -> dict[str, str]:
    r = reference.regions()
    return dict(zip(r["federal_district"], r["federal_district_en"], strict=True))


def district(name: str | None, lang: str = "ru") -> str:
    """A federal district's name (as the warehouse holds it, Russian) in the UI language."""
    if not name:
        return "—"
    return _district_en().get(name, name) if lang == "en" else name


def profession(pid: str | None, lang: str = "ru") -> str:
    names = classify.profession_names()
    return names.get(pid or "", {}).get(lang, pid or "—")


def region(iso: str | None, lang: str = "ru") -> str:
    """A region's name; a city place ("city:Казань") is its city's name."""
    if not iso:
        return "—"
    if iso.startswith("city:"):
        return iso[len("city:"):]
    ru, en = _regions().get(iso, (iso, iso))
    return en if lang == "en" else ru


def label(kind: str, value: str | None, lang: str = "ru") -> str:
    """The display name of a grouping value of ``kind`` (a key of ``filters.GROUPS``)."""
    if kind == "profession":
        return profession(value, lang)
    if kind == "region":
        return region(value if value != "—" else None, lang)
    if kind == "level":
        return level_name(value if value != "—" else None, lang)
    if kind == "experience":
        return experience_name(value if value != "—" else None, lang)
    return "—" if value is None else str(value)
