"""The Career ladder page driven through the real app (AppTest) on the snapshot warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGE = "pages/career_ladder.py"


@pytest.fixture()
def page(snapshot_warehouse, monkeypatch):
    monkeypatch.setenv("VILKA_WAREHOUSE", str(snapshot_warehouse))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(PAGE)
    at.run()
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _figure(at: AppTest) -> dict:
    import json

    charts = at.get("plotly_chart")
    assert charts, "a chart is drawn"
    return json.loads(charts[0].proto.spec)


def _chart_texts(fig: dict) -> list[str]:
    return [x for tr in fig["data"] if tr.get("mode") == "text" for x in tr["text"]]


def test_defaults_compare_moscow_with_the_rest_of_russia(page):
    _ok(page)
    assert page.title[0].value == "Карьерная лестница"
    assert page.selectbox(key="ladder_id").value == "account_management"
    assert page.multiselect(key="ladder_scopes").value == ["RU-MOW", "russia_ex_mow"]
    fig = _figure(page)
    title = fig["layout"]["title"]["text"]
    assert "Аккаунт-менеджмент" in title and "на руки (net)" in title and "₽/мес." in title and "Москва" in title
    texts = _chart_texts(fig)
    assert any(x.startswith("мало вакансий (n = ") for x in texts)  # account directors: too few
    assert any("расширено" in x for x in texts)  # sparse rungs widened, and said so
    caption = " ".join(c.value for c in page.caption)
    assert "2022" in caption  # the data's dates are on the page
    steps = page.dataframe[0].value
    assert len(steps) == 2 * 4  # two places × four steps between five rungs


@pytest.mark.parametrize("lid", ["account_management", "sales", "marketing", "software_development",
                                 "analytics", "project_management"])
def test_every_ladder_draws(page, lid):
    page.selectbox(key="ladder_id").set_value(lid).run()
    _ok(page)
    fig = _figure(page)
    from analytics.ladder import ladders

    assert len(fig["layout"]["yaxis"]["ticktext"]) == len(ladders()[lid].rungs)


def test_two_regions_side_by_side_and_gross(page):
    page.selectbox(key="ladder_id").set_value("software_development").run()
    page.multiselect(key="ladder_scopes").set_value(["RU-MOW", "RU-SPE"]).run()
    _ok(page)
    fig = _figure(page)
    legend = [tr["name"] for tr in fig["data"] if tr.get("showlegend") is not False and tr.get("legend") != "legend2"]
    assert any(n.startswith("Москва (n = ") for n in legend) and any(n.startswith("Санкт-Петербург") for n in legend)
    steps = page.dataframe[0].value
    assert set(steps["Территория"]) == {"Москва", "Санкт-Петербург"}
    assert steps["Прибавка, %"].str.startswith("+").sum() >= 4  # juniors → middles → seniors pay more
    page.sidebar.radio(key="f_basis").set_value("gross").run()
    _ok(page)
    assert "до вычета НДФЛ (gross)" in _figure(page)["layout"]["title"]["text"]


def test_english(page):
    page.sidebar.radio(key="lang").set_value("en").run()
    _ok(page)
    assert page.title[0].value == "Career ladder"
    fig = _figure(page)
    assert "Account management" in fig["layout"]["title"]["text"] and "₽/month" in fig["layout"]["title"]["text"]
    assert any(x.startswith("not enough vacancies (n = ") for x in _chart_texts(fig))


def test_a_region_with_almost_no_data_says_so(page, snapshot_warehouse):
    import duckdb

    con = duckdb.connect(str(snapshot_warehouse), read_only=True)
    iso = con.execute("""SELECT region_iso FROM vacancies WHERE len(flags) = 0 AND region_iso IS NOT NULL
                         GROUP BY 1 ORDER BY count(*), 1 LIMIT 1""").fetchone()[0]
    con.close()
    page.multiselect(key="ladder_scopes").set_value([iso]).run()
    _ok(page)
    texts = _chart_texts(_figure(page))
    assert any(x.startswith("мало вакансий (n = 0)") for x in texts)


def test_filters_that_match_nothing_give_a_message(page):
    page.sidebar.text_input(key="f_title").input("zzzz-no-such-title-zzzz").run()
    _ok(page)
    assert page.info, "an explanation instead of an empty chart"
