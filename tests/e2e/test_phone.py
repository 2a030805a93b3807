"""Every page usable on a 390 px phone: nothing wider than the screen, no chart title wider than its
chart (cut mid-sentence), no category name cut at a chart's edge, and charts drawn."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import app_tab
from tests.e2e.test_pages import CHART, EXCEPTION, STEMS

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}

# (page overflow in px, [(chart index, title width, chart width)] for titles wider than their chart)
_MEASURE = """() => {
  const doc = document.documentElement;
  const main = document.querySelector('[data-testid="stMain"]') || doc;
  const overflow = Math.max(doc.scrollWidth - doc.clientWidth, main.scrollWidth - main.clientWidth);
  const wide = [];
  document.querySelectorAll('.js-plotly-plot').forEach((plot, i) => {
    const svg = plot.querySelector('.main-svg');
    const title = plot.querySelector('.gtitle');
    if (!svg || !title) return;
    const w = title.getBBox().width, total = svg.getBoundingClientRect().width;
    if (w > total + 1) wide.push([i, Math.round(w), Math.round(total)]);
  });
  // category names (y tick labels, names written above bars) cut at the chart's left or right edge
  const cut = [];
  document.querySelectorAll('.js-plotly-plot .main-svg:first-of-type').forEach(svg => {
    const box = svg.getBoundingClientRect();
    svg.querySelectorAll('.ytick text, .annotation-text').forEach(el => {
      const r = el.getBoundingClientRect();
      if (r.width && (r.left < box.left - 1 || r.right > box.right + 1)) cut.push(el.textContent);
    });
  });
  return [overflow, wide, cut];
}"""


@pytest.mark.parametrize("stem", STEMS)
def test_page_fits_a_phone(browser, app_url, url_path, screenshot_dirs, stem):
    with app_tab(browser, app_url, screenshot_dirs, viewport=PHONE) as app:
        app.open(url_path(stem))
        expect(app.page.locator(EXCEPTION)).to_have_count(0)
        if app.page.locator(CHART).count():
            expect(app.page.locator(f"{CHART}:has(.main-svg)")).to_have_count(app.page.locator(CHART).count())
        overflow, wide, cut = app.page.evaluate(_MEASURE)
        app.screenshot(f"{stem}_phone")
        assert overflow <= 1, f"{stem}: the page is {overflow} px wider than a 390 px screen"
        assert not wide, f"{stem}: chart titles wider than their charts (index, title px, chart px): {wide}"
        assert not cut, f"{stem}: chart labels cut at the chart's edge: {cut[:5]}"
