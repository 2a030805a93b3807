"""Region comparison: ranking ratios, the light map, the choropleth's grey rule, and the page."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics import regions
from analytics.geo import regions_geojson
from pipelines import reference
from tests.test_app import ROOT


def _cells(rows):
    return pd.DataFrame(rows, columns=["region", "n", "p25", "p50", "p75"])


def test_region_table_ratios_to_moscow_russia_and_official_wage():
    cells = _cells([("RU-MOW", 100, 80_000, 100_000, 130_000), ("RU-TA", 40, 40_000, 50_000, 70_000),
                    ("RU-CHU", 2, float("nan"), float("nan"), float("nan"))])
    wages = pd.DataFrame({"region_iso": ["RU-TA"], "period": [pd.Timestamp("2023-11-01")], "wage_rub": [62_500.0]})
    table = regions.region_table(cells, overall_p50=80_000, wages=wages).set_index("region")  # noqa: E501
    assert table.at["RU-TA", "to_moscow"] == 0.5
    assert table.at["RU-MOW", "to_russia"] == 1.25
    assert table.at["RU-TA", "to_official"] == 0.8
    assert math.isnan(table.at["RU-MOW", "to_official"])
    assert table.at["RU-TA", "name"] == "Республика Татарстан"
    assert table.at["RU-TA", "federal_district"] == "Приволжский"


def test_region_table_in_english_uses_english_names():
    table = regions.region_table(_cells([("RU-SPE", 10, 1, 2, 3)]), 2, None, lang="en")
    assert table.iloc[0]["name"] == "Saint Petersburg" or "Petersburg" in table.iloc[0]["name"]


def test_every_geojson_feature_is_a_region_of_the_reference_and_simplified_shapes_stay_closed():
    geo = regions_geojson()
    names = {f["properties"]["name"] for f in geo["features"]}
    assert names <= set(reference.regions()["geo_name"])
    assert len(names) == 83
    for f in geo["features"]:
        for poly in f["geometry"]["coordinates"]:
            for ring in poly:
                assert ring[0] == ring[-1] and len(ring) >= 4
                assert all(0 <= lon <= 360 for lon, _ in ring)  # Chukotka kept east of 180°


def test_choropleth_greys_out_sparse_regions():
    cells = _cells([("RU-MOW", 100, 80_000, 100_000, 130_000), ("RU-CHU", 2, float("nan"), float("nan"), float("nan"))])
    fig = regions.choropleth(regions.region_table(cells, 90_000, None), "net")
    grey, coloured = fig.data
    assert "Чукотский автономный округ" in grey.locations
    assert list(coloured.locations) == ["Москва"]
    assert "n = 2" in fig.layout.title.text or "n = 100" in fig.layout.title.text


def test_regions_page_shows_map_and_moscow_vs_rest_for_account_managers(snapshot_warehouse, monkeypatch):
    monkeypatch.setenv("VILKA_WAREHOUSE", str(snapshot_warehouse))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/regions.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("plotly_chart")) >= 4  # map, Moscow vs rest, ratio, districts (+ comparison)
    assert any("Аккаунт-менеджер" in c.value for c in at.caption)


def test_warehouse_official_wages_match_the_shipped_rosstat_table(snapshot_warehouse):
    from analytics import queries
    from pipelines.sources import rosstat

    got = queries.latest_official_wages(queries.warehouse_key(snapshot_warehouse)).set_index("region_iso")
    want = regions.latest_wages(rosstat.official_wages()).set_index("region_iso")  # the shipped CSV
    assert len(got) == len(want) >= 85
    for iso in ("RU-MOW", "RU-TA", "RU"):
        assert got.at[iso, "wage_rub"] == want.at[iso, "wage_rub"]
        assert got.at[iso, "wage_12m_rub"] == want.at[iso, "wage_12m_rub"] or (
            pd.isna(got.at[iso, "wage_12m_rub"]) and pd.isna(want.at[iso, "wage_12m_rub"]))


def test_regions_page_offers_the_ranking_as_csv(snapshot_warehouse, monkeypatch):
    monkeypatch.setenv("VILKA_WAREHOUSE", str(snapshot_warehouse))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/regions.py")
    at.run()
    assert not at.exception
    buttons = at.get("download_button")
    assert buttons, "a CSV download is offered"


def test_cells_from_one_scan_equal_a_query_per_level(snapshot_warehouse):
    from analytics import queries
    from analytics.filters import Filters

    wh = queries.warehouse_key(snapshot_warehouse)
    f = Filters(professions=("software_developer",), basis="gross")
    rows = queries.region_rows(wh, f.with_(regions=("RU-TA",)))  # the page ignores the region filter
    for level, by in (("region", ("region",)), ("federal_district", ("federal_district",)), (None, ())):
        mine = regions.cells_by(rows, level).drop(columns=[level or "_all"])
        theirs = queries.compute_pay_bands(wh, f, by).drop(columns=[by[0] if by else "_all"])
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), theirs.reset_index(drop=True), check_dtype=False)



def test_official_wages_are_aged_like_the_vacancies():
    """Vacancies in roubles of 2025-11 are compared with Rosstat's wage in roubles of 2025-11 too:
    the 12 months to 2023-11 centred on 2023-05, times the region's index factor from there."""
    from analytics import recency
    from pipelines.sources import rosstat

    latest = regions.latest_wages(rosstat.official_wages())
    plain = regions.official_wages(latest, "gross").set_index("region_iso")["wage_rub"]
    aged = regions.official_wages(latest, "gross", "2025-11").set_index("region_iso")["wage_rub"]
    factor = recency.factors_for(pd.Series(["RU-TA"]), [2023 * 12 + 4], "2025-11")[0]
    assert 1.2 < factor < 1.6
    assert aged["RU-TA"] == pytest.approx(plain["RU-TA"] * factor)
    net = regions.official_wages(latest, "net", "2025-11").set_index("region_iso")["wage_rub"]
    assert net["RU-TA"] == pytest.approx(aged["RU-TA"] * 0.87, rel=0.01)  # below 2.4 M a year: 13 %


def test_ranks_from_fewer_than_10_vacancies_are_marked():
    table = pd.DataFrame({"name": ["Тверская область", "Москва", "Тыва <b>"], "n": [8, 500, 6],
                          "to_moscow": [0.7, 1.0, 0.5]})
    fig = regions.ratio_figure(table, "to_moscow", "t", "ru")
    names = {tr.name: list(tr.y) for tr in fig.data}
    assert names["n ≥ 10"] == ["Москва  (n = 500)"]
    few = names["n < 10: место в рейтинге неустойчиво"]
    assert "Тверская область  (n = 8)" in few and "Тыва &lt;b&gt;  (n = 6)" in few  # data text stays text
