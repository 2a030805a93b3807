"""What the app must not pretend, seen in a real browser: a sparse cell gives a reference with the
cell it borrowed from, never a verdict; a chosen region without vacancies is listed as n = 0; every
answer carries the dates of the vacancies it stands on."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_pages import DRAWN_CHART, EXCEPTION

pytestmark = pytest.mark.e2e

METRIC = '[data-testid="stMetric"]'
MONTHS = re.compile(r"вакансии \d\d\.\d{4}(–\d\d\.\d{4})?")


def test_kazan_senior_account_manager_gets_a_reference_not_a_verdict(app_page, url_path):
    """No account managers in Tatarstan: no big percentile or verdict, a muted reference naming the
    borrowed cell (same level, all of Russia), its n and its dates."""
    app_page.open(url_path("offer_check") + "?title=Senior%20Account%20Manager&profession=account_manager"
                   "&level=senior&region=RU-TA&amount=120000&basis=net")
    page = app_page.page
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.locator(DRAWN_CHART).first).to_be_visible()
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "Ориентир, не вердикт:" in text
    assert "Россия · старший" in text  # the cell it borrowed from: the asked level, not all levels
    assert not re.search(r"Перцентиль оффера\s*P\d+", text)  # no big percentile
    for verdict in ("**В рынке.**", "В рынке.", "Ниже рынка.", "Выше рынка."):
        assert verdict not in text
    assert page.locator(METRIC).filter(has_text="Перцентиль оффера").count() == 0
    assert MONTHS.search(text), "the reference's cell must be dated"
    app_page.screenshot("trust_offer_kazan_senior_am")


def test_a_chosen_region_without_vacancies_is_listed_as_n_0(app_page, url_path):
    app_page.open(url_path("pay_ranges"))
    app_page.pick("f_professions", "Аккаунт-менеджер")
    app_page.pick("f_regions", "Москва")
    app_page.pick("f_regions", "Республика Татарстан")
    expect(app_page.page.locator(EXCEPTION)).to_have_count(0)
    text = app_page.page.locator('[data-testid="stMain"]').inner_text()
    assert "Республика Татарстан: нет данных (n = 0)" in text
    app_page.screenshot("trust_pay_ranges_n0")


@pytest.mark.parametrize(("stem", "needle"), [
    ("pay_ranges", "Суммы в ценах"), ("career_ladder", "суммы в ценах"), ("offer_check", "Ячейка: вакансии"),
    ("regions", "в ценах"),
])
def test_every_answer_shows_its_dates(app_page, url_path, stem, needle):
    app_page.open(url_path(stem))
    expect(app_page.page.locator(EXCEPTION)).to_have_count(0)
    text = app_page.page.locator('[data-testid="stMain"]').inner_text()
    assert needle in text
    assert MONTHS.search(text) or re.search(r"\d\d\.\d\d\.\d{4}", text), f"{stem}: no publication dates shown"
