"""Links people share: every page has its own path (the first included), and a page's URL carries
its filters, so the link opened in a new browser shows the same page with the same numbers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import app_tab
from tests.e2e.test_pages import CHART, EXCEPTION, chart_categories

pytestmark = pytest.mark.e2e


def test_the_first_page_opened_by_its_own_path(app_page):
    app_page.open("pay_ranges")
    expect(app_page.page.locator("h1").first).to_have_text("Вилки зарплат")
    assert not app_page.not_found, app_page.not_found


def test_the_root_keeps_the_links_parameters(app_page):
    app_page.open("?f_region=RU-MOW&f_basis=gross")
    expect(app_page.page.locator("h1").first).to_have_text("Вилки зарплат")
    # the redirect is a second run: wait for its sidebar rather than the first run's end
    expect(app_page.page.locator(".st-key-f_regions [data-tag]")).to_have_count(1)
    assert "/pay_ranges" in app_page.page.url and "f_region=RU-MOW" in app_page.page.url
    assert [tag.rsplit(" (", 1)[0] for tag in app_page.tags("f_regions")] == ["Москва"]


def _charts_drawn(app) -> None:
    page = app.page
    expect(page.locator(CHART).first).to_be_visible()
    expect(page.locator(f"{CHART}:has(.main-svg)")).to_have_count(page.locator(CHART).count())


@pytest.mark.parametrize("stem", ["pay_ranges", "career_ladder", "regions"])
def test_a_link_reproduces_the_page_in_a_new_browser(browser, app_url, app_page, url_path, stem, screenshot_dirs):
    app_page.open(url_path(stem))
    app_page.pick("f_regions", "Санкт-Петербург")
    app_page.choose("f_basis", "до вычета НДФЛ (gross)")
    link = app_page.page.url
    _charts_drawn(app_page)
    assert "f_region=RU-SPE" in link and "f_basis=gross" in link
    text = app_page.page.locator('[data-testid="stMain"]').inner_text()
    charts = chart_categories(app_page)
    with app_tab(browser, app_url, screenshot_dirs) as other:
        other.open(link.removeprefix(app_url + "/"))
        expect(other.page.locator(EXCEPTION)).to_have_count(0)
        _charts_drawn(other)
        # a page with several charts may still be adding its last one: wait for the run to settle
        main = other.page.locator('[data-testid="stMain"]')
        for _ in range(60):
            if main.inner_text() == text:
                break
            other.page.wait_for_timeout(250)
        assert main.inner_text() == text  # same numbers, same words
        assert chart_categories(other) == charts


def _options(app, key: str, text: str) -> list[str]:
    """What a picker offers after typing ``text`` (Streamlit filters options by their label)."""
    app.page.locator(f".st-key-{key} input").click()
    app.page.keyboard.type(text)
    options = app.page.get_by_role("option").all_inner_texts()
    app.page.keyboard.press("Escape")
    return options


def test_city_names_and_aliases_find_their_place(app_page, url_path):
    app_page.open(url_path("pay_ranges"))
    kazan = _options(app_page, "f_regions", "Казань")
    assert any(o.startswith("Казань → Республика Татарстан") for o in kazan), kazan
    assert any(o.startswith("Санкт-Петербург") for o in _options(app_page, "f_regions", "Питер"))
    assert any(o.startswith("Свердловская область") or o.startswith("Екатеринбург")
               for o in _options(app_page, "f_regions", "Екб"))
    app_page.pick("f_regions", "Казань → Республика Татарстан")
    expect(app_page.page.locator(EXCEPTION)).to_have_count(0)
    assert "Казань" in " ".join(chart_categories(app_page))

    app_page.open(url_path("offer_check"))
    offered = _options(app_page, "offer_region", "Казань")
    assert offered and offered[0].startswith("Республика Татарстан"), offered
