"""The shared filters every page reads, and their translation into bound SQL.

Filters are a frozen dataclass of tuples, so they are hashable and can key ``st.cache_data``.
SQL fragments come from this fixed table; user values only ever travel as bound parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

BASES = ("net", "gross")


@dataclass(frozen=True)
class Filters:
    professions: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()  # ISO 3166-2 codes
    cities: tuple[str, ...] = ()  # cities as hh.ru names them; a row matches a region OR a city chosen
    federal_districts: tuple[str, ...] = ()
    experience: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    title: str = ""  # case-insensitive substring of the title
    basis: str = "net"  # net (on hand) or gross (before NDFL)
    aged_to: str = ""  # "YYYY-MM": pay in roubles of that month (analytics.recency); "" = as published

    def with_(self, **changes) -> Filters:
        return replace(self, **changes)


_LIST_FILTERS = {
    "professions": "profession",
    "levels": "level",
    "regions": "region_iso",
    "federal_districts": "federal_district",
    "experience": "experience",
    "sources": "source",
}


def where(filters: Filters, *, usable_only: bool = True) -> tuple[str, list]:
    """``WHERE …`` text and its parameters; ``usable_only`` leaves out flagged rows."""
    clauses: list[str] = []
    params: list = []
    if usable_only:
        clauses.append("len(flags) = 0")
    for attr, column in _LIST_FILTERS.items():
        values = getattr(filters, attr)
        if values and attr != "regions":
            clauses.append(f"list_contains(?, {column})")
            params.append(list(values))
    places = [(col, list(v)) for col, v in (("region_iso", filters.regions), ("city", filters.cities)) if v]
    if places:  # Kazan and Moscow chosen: vacancies in either
        clauses.append("(" + " OR ".join(f"list_contains(?, {col})" for col, _ in places) + ")")
        params += [v for _, v in places]
    if filters.title.strip():
        clauses.append("title ILIKE ?")
        params.append("%" + filters.title.strip().replace("%", r"\%").replace("_", r"\_") + "%")
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def pay_columns(basis: str) -> tuple[str, str]:
    """The bound columns of a basis; anything but 'gross' reads on-hand pay."""
    return ("pay_from_gross_rub", "pay_to_gross_rub") if basis == "gross" else ("pay_from_net_rub", "pay_to_net_rub")


# published_at as a plain UTC timestamp: calendar functions on TIMESTAMPTZ go through ICU time
# zones and cost ~10x more per row (0.7 s vs 0.07 s for a monthly count over 1 M rows).
PUBLISHED_UTC = "make_timestamp(epoch_us(published_at))"

# Grouping keys a page may ask for: name → SQL expression (fixed list, never user text).
GROUPS: dict[str, str] = {
    "region": "region_iso",
    "federal_district": "federal_district",
    "level": "level",
    "profession": "profession",
    "experience": "experience",
    "city": "city",
    "month": f"CAST(date_trunc('month', {PUBLISHED_UTC}) AS DATE)",
    "source": "source",
    "capital": "CASE WHEN region_iso = 'RU-MOW' THEN 'RU-MOW' ELSE 'rest' END",
}
