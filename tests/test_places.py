"""Cities people type: "Казань", "Питер", "Екб" find their place; a city with enough vacancies is
a cell of its own, widening to its region, then district, then Russia."""

from __future__ import annotations

import pytest

from analytics import bands, places, queries
from analytics.filters import Filters, where


@pytest.fixture(scope="module")
def wh(snapshot_warehouse):
    return queries.warehouse_key(snapshot_warehouse)


def test_labels_name_the_city_its_region_and_aliases():
    assert places.label("city:Казань", "ru", 511, {"city:Казань": "RU-TA"}) == "Казань → Республика Татарстан (511)"
    spb = places.label("RU-SPE", "ru", 3611)
    assert spb.startswith("Санкт-Петербург (3\u00a0611) · ") and "Питер" in spb and "СПб" in spb
    assert "Екб" in places.label("city:Екатеринбург", "ru", 1982, {"city:Екатеринбург": "RU-SVE"})
    assert places.split(["RU-MOW", "city:Казань"]) == (("RU-MOW",), ("Казань",))


def test_only_cities_with_enough_vacancies_that_are_not_regions_are_offered(wh):
    cities = queries.options(wh)["city"]
    offered = places.city_choices(cities)
    assert "city:Казань" in set(offered["value"]) and "city:Москва" not in set(offered["value"])
    assert (offered["n"] >= places.MIN_CITY_N).all()
    label = places.region_with_cities("RU-TA", cities, "ru")
    assert label.startswith("Республика Татарстан · Казань")


def test_a_region_or_a_city_matches(wh):
    clause, params = where(Filters(regions=("RU-MOW",), cities=("Казань",)))
    assert "(list_contains(?, region_iso) OR list_contains(?, city))" in clause
    assert params[-2:] == [["RU-MOW"], ["Казань"]]


def test_a_city_is_its_own_cell_and_widens_to_its_region(wh):
    by_region = bands.widened_bands(wh, Filters(regions=("RU-MOW",), cities=("Казань",)), ("region",),
                                    cached=False).set_index("region")
    assert {"RU-MOW", "city:Казань"} <= set(by_region.index)
    tatarstan = bands.widened_bands(wh, Filters(regions=("RU-TA",)), ("region",), cached=False).set_index("region")
    assert 0 < by_region.at["city:Казань", "n"] <= tatarstan.at["RU-TA", "n"]  # Kazan is part of Tatarstan

    # no account managers in Kazan (nor in Tatarstan): Kazan → its region → its district → Russia
    sparse = bands.widened_bands(wh, Filters(cities=("Казань",), professions=("account_manager",)), ("level",),
                                 cached=False)
    kinds = [(kind, place) for kind, place, *_ in sparse["trail"].iloc[0]]
    assert kinds[:3] == [("region", ("city:Казань",)), ("region", ("RU-TA",)), ("federal_district", ("Приволжский",))]
    assert kinds[-1] == ("russia", ())
