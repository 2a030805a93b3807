"""Every page in a real browser: it renders without an exception box, draws its charts, redraws
them when a sidebar filter changes, and speaks English after the language switch.

Pages come from ``ui/nav.py`` (the list ``app.py`` builds its navigation from), so a page added
later is covered as soon as its file exists. Each test saves full-page screenshots.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from analytics.i18n import t
from ui import nav

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
STEMS = [stem for _, stem, _ in nav.available(ROOT / "pages")]

EXCEPTION = '[data-testid="stException"]'
CHART = '[data-testid="stPlotlyChart"]'
DRAWN_CHART = f"{CHART} .js-plotly-plot .main-svg"
DIALOG = '[data-testid="stDialog"], [role="dialog"]'
REGION = "Москва"


def has_charts(stem: str) -> bool:
    """Whether a page draws plotly charts, read from its source so a new page needs no list here."""
    return "plotly_chart" in (ROOT / "pages" / f"{stem}.py").read_text(encoding="utf-8")


def chart_categories(app) -> list[str]:
    """The y categories of the first plotly chart, over all its traces (plotly keeps the figure's
    data on the chart's div; a legend-only trace has y = [null], which is no category)."""
    ys = app.page.evaluate("""() => (document.querySelector('.js-plotly-plot').data || [])
        .flatMap(tr => Array.from(tr.y || [])).filter(v => v !== null)""")
    return sorted(set(map(str, ys)))


def assert_healthy(app, stem: str, lang: str) -> None:
    """No exception box, no dialog (e.g. "page not found"), the page's own title, its charts drawn,
    no script error in the browser and no request beyond 127.0.0.1."""
    page = app.page
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.locator(DIALOG)).to_have_count(0)
    expect(page.locator("h1").first).to_have_text(t(f"page_{stem}", lang))
    if has_charts(stem):
        expect(page.locator(DRAWN_CHART).filter(visible=True).first).to_be_visible()
        # every chart box ends up holding a drawn plot: none stays empty
        expect(page.locator(f"{CHART}:has(.main-svg)")).to_have_count(page.locator(CHART).count())
    assert not app.not_found, f"Streamlit answered 'page not found' for {app.not_found}"
    assert not app.page_errors, app.page_errors
    assert not app.external_requests(), f"the app reached beyond 127.0.0.1: {app.external_requests()}"


@pytest.mark.parametrize("stem", STEMS)
def test_page_renders(app_page, url_path, stem):
    app_page.open(url_path(stem))
    assert_healthy(app_page, stem, "ru")
    app_page.screenshot(f"{stem}_ru")


@pytest.mark.parametrize("stem", STEMS)
def test_region_filter_reruns_the_page(app_page, url_path, stem):
    """Picking a region reruns the page (``pick`` waits for that run) and it still draws.

    Whether the charts change is the page's business: a page with its own region picker (career
    ladder, offer check) or one that compares regions may rightly ignore the sidebar's region."""
    app_page.open(url_path(stem))
    app_page.pick("f_regions", REGION)
    assert [tag.rsplit(" (", 1)[0] for tag in app_page.tags("f_regions")] == [REGION]
    assert_healthy(app_page, stem, "ru")
    app_page.screenshot(f"{stem}_ru_moscow")


def test_pay_ranges_by_region_narrows_to_moscow(app_page, url_path):
    """The default grouping is by region: filtered to Moscow, the chart has Moscow's row alone."""
    app_page.open(url_path("pay_ranges"))
    expect(app_page.page.locator(DRAWN_CHART).first).to_be_visible()
    assert len(chart_categories(app_page)) > 5
    app_page.pick("f_regions", REGION)
    expect(app_page.page.locator(DRAWN_CHART).first).to_be_visible()
    categories = chart_categories(app_page)
    assert len(categories) == 1 and categories[0].startswith(REGION + " "), categories


@pytest.mark.parametrize("stem", STEMS)
def test_language_switch_to_english(app_page, url_path, stem):
    app_page.open(url_path(stem))
    expect(app_page.page.locator("h1").first).to_have_text(t(f"page_{stem}", "ru"))
    app_page.choose("lang", "English")
    assert_healthy(app_page, stem, "en")
    app_page.screenshot(f"{stem}_en")


def test_sidebar_navigation_lists_every_page_in_order(nav_links):
    """Every page file is in the menu, by its title, in ui/nav.py's order, each at its own path;
    Streamlit shows no menu for a single page."""
    if len(STEMS) < 2:
        assert nav_links == []
        return
    texts = [text.strip() for text, _ in nav_links]
    assert len(texts) == len(STEMS), texts
    for text, stem in zip(texts, STEMS, strict=True):
        assert text.endswith(t(f"page_{stem}", "ru")), (text, stem)
    paths = [p for _, p in nav_links]
    assert len(set(paths)) == len(paths), paths
