"""AppTest smoke tests: every page runs with default filters, with empty results, and in English."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


@pytest.fixture()
def app(snapshot_warehouse, monkeypatch):
    monkeypatch.setenv("VILKA_WAREHOUSE", str(snapshot_warehouse))

    def make(page: str | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
        if page:
            at.switch_page(page)
            at.run()
        return at
    return make


def _no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_defaults(app, page):
    at = app(page)
    _no_exception(at)
    assert at.title, "page shows a title"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_filters_that_match_nothing(app, page):
    at = app(page)
    at.sidebar.text_input(key="f_title").input("zzzz-no-such-title-zzzz").run()
    _no_exception(at)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_english(app, page):
    at = app(page)
    at.sidebar.radio(key="lang").set_value("en").run()
    _no_exception(at)


def test_pay_ranges_shows_a_chart_for_moscow_and_switches_basis(app):
    at = app("pages/pay_ranges.py")
    at.sidebar.multiselect(key="f_regions").set_value(["RU-MOW", "RU-SPE"]).run()
    _no_exception(at)
    assert at.get("plotly_chart"), "a chart is drawn"
    caption = " ".join(c.value for c in at.caption)
    assert "2021" in caption or "2022" in caption  # the data's dates are on the page
    at.sidebar.radio(key="f_basis").set_value("gross").run()
    _no_exception(at)
    assert at.get("plotly_chart")


def test_missing_warehouse_gives_a_message_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setenv("VILKA_WAREHOUSE", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    _no_exception(at)
    assert at.error and "load-snapshot" in at.error[0].value


def test_pay_ranges_by_region_folds_many_widened_groups_into_one_line_and_an_expander(app):
    """By region (the default), dozens of small regions widen in time: the page says how many in one
    caption and lists each group's widening in an expander, not in a wall of text above the table."""
    at = app("pages/pay_ranges.py")
    _no_exception(at)
    captions = [c.value for c in at.main.caption]
    summary = [c for c in captions if c.startswith("Расширено из-за малого числа вакансий (групп: ")]
    assert len(summary) == 1 and len(summary[0]) < 400, summary
    detail = [e for e in at.expander if e.label == "Как расширены группы"]
    assert detail and len(detail[0].caption) > 5
    assert all(": " in c.value for c in detail[0].caption)
