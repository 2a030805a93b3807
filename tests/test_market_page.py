"""The Market page in AppTest: defaults, nothing found, English, and its own widgets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import fmt

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def app(snapshot_warehouse, monkeypatch):
    monkeypatch.setenv("VILKA_WAREHOUSE", str(snapshot_warehouse))

    def make() -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
        at.switch_page("pages/market.py")
        at.run()
        _ok(at)
        return at
    return make


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _titles(at: AppTest) -> list[str]:
    """The titles of the plotly figures on the page (what each chart says it shows)."""
    out = []
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        out.append(spec["layout"]["title"]["text"].replace("<br>", " "))  # wrapped for phones (ui.charts)
    return out


def _summary(path: Path) -> dict:
    from analytics import queries_market as qm
    from analytics.filters import Filters

    return qm.summary((str(path), path.stat().st_mtime), Filters())


def _figure(at: AppTest, title_part: str) -> dict:
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        title = spec["layout"]["title"]
        title["text"] = title["text"].replace("<br>", " ")  # wrapped for phones (ui.charts)
        if title_part in title["text"]:
            return spec
    raise AssertionError(f"no chart titled with {title_part!r}: {_titles(at)}")


def test_defaults(app, snapshot_warehouse):
    at = app()
    assert at.title[0].value == "Рынок"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Вакансий"] == fmt.number(_summary(snapshot_warehouse)["n_all"], "ru")
    share = int(metrics["Указывают зарплату"].split("\u00a0")[0])
    assert 50 < share < 100  # flagged no_salary rows count in the denominator
    titles = _titles(at)
    assert any("за месяц" in t for t in titles)
    assert any("Профессии" in t or "по профессиям" in t for t in titles)
    assert all("n = " in t for t in titles)  # every chart says how many vacancies stand behind it
    pay = [t for t in titles if "₽" in t]
    assert pay and all("на руки" in t for t in pay)  # the basis is named where pay is shown
    assert at.warning and "названи" in at.warning[0].value  # the title-only limitation is stated
    assert at.multiselect(key="market_compare").value == ["account_manager", "software_developer",
                                                          "frontend_developer"]


def test_filters_that_match_nothing(app):
    at = app()
    at.sidebar.text_input(key="f_title").input("zzzz-no-such-title-zzzz").run()
    _ok(at)
    assert at.info and "Нет вакансий" in at.info[0].value and not at.get("plotly_chart")


def test_english_and_gross(app):
    at = app()
    at.sidebar.radio(key="lang").set_value("en").run()
    at.sidebar.radio(key="f_basis_en").set_value("gross").run()
    _ok(at)
    assert at.title[0].value == "Market"
    titles = _titles(at)
    assert any("per month" in t for t in titles)
    assert all("before tax" in t for t in titles if "₽" in t)


def test_own_widgets_weekly_trend_and_comparison(app):
    at = app()
    at.segmented_control(key="market_freq").set_value("week").run()
    _ok(at)
    assert any("за неделю" in t for t in _titles(at))
    at.multiselect(key="market_compare").set_value(["sales_manager"]).run()
    _ok(at)
    compare = [t for t in _titles(at) if "по профессиям" in t]
    assert compare
    at.multiselect(key="market_compare").set_value([]).run()
    _ok(at)
    assert any("Выберите" in i.value for i in at.info)


def test_a_sales_selection_compares_b2b_and_a_small_region_still_renders(app):
    at = app()
    at.sidebar.multiselect(key="f_professions").set_value(["sales_manager"]).run()
    _ok(at)
    segment = _figure(at, "сегмент")
    labels = {y for trace in segment["data"] for y in (trace.get("y") or []) if y is not None}  # legend-only: [None]
    assert any(label.startswith("B2B  (n = ") for label in labels)
    assert any(label.startswith("не указано") for label in labels)
    at.sidebar.multiselect(key="f_regions").set_value(["RU-KAM"]).run()  # a handful of vacancies
    _ok(at)
    assert at.title[0].value == "Рынок"


@pytest.fixture(scope="module")
def refreshed_warehouse(snapshot_warehouse, tmp_path_factory):
    """The snapshot plus two sweeps of a small local hh.ru market (some vacancies closed between)."""
    import os

    from pipelines import refresh, warehouse
    from tests.hh_market import MarketHH, env_for, make_items

    tmp = tmp_path_factory.mktemp("refreshed")
    wh = tmp / "warehouse.duckdb"
    wh.write_bytes(warehouse.current(snapshot_warehouse).read_bytes())
    items = [i for i in make_items(600, seed=21) if i["area"]["id"] in {"1", "2"}][:200]
    saved = dict(os.environ)
    with MarketHH(items) as m:
        os.environ.update(env_for(m, str(tmp / "raw")))
        try:
            refresh.run(wh, refresh.Options(regions=("RU-MOW", "RU-SPE")))
            m.close([i["id"] for i in items[:60]])
            refresh.run(wh, refresh.Options(regions=("RU-MOW", "RU-SPE")))
        finally:
            os.environ.clear()
            os.environ.update(saved)
    return wh


def test_lifecycle_charts_say_what_they_show(refreshed_warehouse, monkeypatch):
    monkeypatch.setenv("VILKA_WAREHOUSE", str(refreshed_warehouse))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/market.py")
    at.run()
    _ok(at)
    open_ = _figure(at, "открытые в течение недели")
    assert "n = 200" in open_["layout"]["title"]["text"] and "вакансий" in open_["layout"]["title"]["text"]
    close = _figure(at, "Медиана дней до закрытия по профессиям")
    assert "n = 60" in close["layout"]["title"]["text"] and "дней" in close["layout"]["title"]["text"]
    assert any("отслеживаемых" in c.value or "видела открытыми" in c.value for c in at.caption)
    at.segmented_control(key="market_close_by").set_value("region").run()
    _ok(at)
    assert "по регионам" in _figure(at, "Медиана дней")["layout"]["title"]["text"]
    at.sidebar.radio(key="lang").set_value("en").run()
    _ok(at)
    assert "n = 60 closed" in _figure(at, "Median days to close")["layout"]["title"]["text"]
    assert "tracked" in _figure(at, "open during each week")["layout"]["title"]["text"]


def test_without_a_sweep_the_page_says_where_the_lifecycle_comes_from(app):
    at = app()
    assert any("python -m pipelines refresh" in i.value for i in at.info)


def test_remote_share_says_no_data_when_no_vacancy_states_its_format(app):
    """The 2022 extracts (source hh_flat) carry no work format: "нет данных", not "0 %"."""
    at = app()
    at.sidebar.multiselect(key="f_sources").set_value(["hh_flat"]).run()
    _ok(at)
    remote = next(m for m in at.metric if m.label == "Удалённо или гибрид")
    assert remote.value == "нет данных"
    at.sidebar.multiselect(key="f_sources").set_value(["hh"]).run()
    remote = next(m for m in at.metric if m.label == "Удалённо или гибрид")
    assert remote.value.endswith("%") and remote.value != "0\u00a0%"
