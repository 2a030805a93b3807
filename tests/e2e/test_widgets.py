"""Widget behaviour that only a real browser shows."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import app_tab

pytestmark = pytest.mark.e2e


def test_first_visitor_after_a_restart_keeps_their_first_filter(browser, fresh_server, screenshot_dirs):
    """Streamlit starts a fresh server in its legacy `pages/`-directory mode (a `pages/` folder sits
    next to app.py); app.py leaves it before making widgets, else this first change was dropped."""
    with fresh_server() as base, app_tab(browser, base, screenshot_dirs) as app:
        app.open("")
        app.pick("f_regions", "Москва")
        assert len(app.tags("f_regions")) == 1


def test_deep_link_as_first_request_gets_the_app_frame(browser, fresh_server, screenshot_dirs):
    """/regions opened first on a fresh server: the real menu and sidebar, not raw file names."""
    with fresh_server() as base, app_tab(browser, base, screenshot_dirs) as app:
        app.open("regions")
        assert app.page.locator("h1").first.inner_text().strip() == "Регионы"
        menu = app.page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Вилки зарплат" in menu and "career ladder" not in menu
        assert len(app.tags("f_regions")) == 0  # the shared filters are there


def test_second_visitor_keeps_their_first_filter(app_page):
    """The counterpart on the warmed-up shared server: a filter choice survives the rerun it causes."""
    app_page.open("")
    app_page.pick("f_regions", "Москва")
    assert len(app_page.tags("f_regions")) == 1
    app_page.choose("f_basis", "до вычета НДФЛ (gross)")
    assert len(app_page.tags("f_regions")) == 1


def test_language_switch_keeps_the_filters_and_shows_them_translated(app_page):
    app_page.open("")
    app_page.pick("f_regions", "Москва")
    app_page.choose("f_basis", "до вычета НДФЛ (gross)")
    app_page.choose("lang", "English")
    # the switch re-keys the widgets (a second run restores their values): wait for it
    expect(app_page.page.locator(".st-key-f_regions_en [data-tag]")).to_have_count(1)
    tags = app_page.tags("f_regions_en")  # English widgets have their own keys (ui/sidebar.py)
    assert len(tags) == 1 and tags[0].startswith("Moscow")
    checked = app_page.page.locator('.st-key-f_basis_en input[type="radio"]:checked')
    assert checked.count() == 1
    label = app_page.page.locator('.st-key-f_basis_en label:has(input:checked)').inner_text()
    assert "gross" in label and "before tax" in label
    app_page.choose("lang", "Русский")
    expect(app_page.page.locator(".st-key-f_regions [data-tag]")).to_have_count(1)
    assert app_page.tags("f_regions")[0].startswith("Москва")
