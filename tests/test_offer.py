"""Offer check logic on tiny frames a reader can check by eye: percentile of an amount, verdict thresholds,
widening order, the offer's net/gross conversions, URL parameters, the benchmark of a salary table."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analytics import offer, ranges, tax
from analytics.offer import OfferInput


def _rows(*groups: tuple[str, str, str | None, list[float]]) -> pd.DataFrame:
    """(region, federal district, level, [pay]) → vacancy rows publishing [m/1.1, m·1.1]: imputed point m."""
    out = [{"region_iso": r, "federal_district": fd, "level": lv, "lo": m / 1.1, "hi": m * 1.1}
           for r, fd, lv, mids in groups for m in mids]
    return pd.DataFrame(out, columns=["region_iso", "federal_district", "level", "lo", "hi"])


# ----------------------------------------------------------------------------- percentile and verdict


def test_percentile_of_an_amount_is_the_share_of_points_at_or_below_it():
    points = np.array([100.0, 200.0, 300.0, 400.0])
    assert offer.percentile_of(points, 200.0) == 0.5
    assert offer.percentile_of(points, 199.0) == 0.25
    assert offer.percentile_of(points, 50.0) == 0.0
    assert offer.percentile_of(points, 1e9) == 1.0
    assert list(offer.percentile_of(points, np.array([250.0, 400.0]))) == [0.5, 1.0]
    assert math.isnan(offer.percentile_of(np.array([]), 100.0))


def test_imputed_points_are_the_ones_behind_the_cells_percentiles():
    """Two-sided → geometric midpoint; "from X" only → X·√R (≥ X, as promised); "to Y" only → Y/√R (≤ Y);
    the cell's own P50 sits at percentile ≈ 50."""
    frame = pd.DataFrame({"lo": [80_000, 100_000, 90_000, np.nan], "hi": [120_000, np.nan, np.nan, 110_000]})
    points = offer.impute_points(frame["lo"], frame["hi"])
    r = ranges.DEFAULT_RANGE_RATIO  # < 5 two-sided vacancies → the national ratio
    expected = sorted([math.sqrt(80_000 * 120_000), 100_000 * math.sqrt(r), 90_000 * math.sqrt(r),
                       110_000 / math.sqrt(r)])
    assert points == pytest.approx(expected)

    synthetic, _ = ranges.synthetic_postings(400, np.random.default_rng(7))
    cell = ranges.estimate_cells(synthetic, by=[]).iloc[0]
    points = offer.impute_points(synthetic["lo"], synthetic["hi"])
    assert len(points) == cell["n"] == 400
    assert offer.percentile_of(points, cell["p50"]) == pytest.approx(0.5, abs=0.01)
    assert offer.percentile_of(points, cell["p25"]) == pytest.approx(0.25, abs=0.01)


@pytest.mark.parametrize(("amount", "expected"), [
    (99_999, "below"), (100_000, "market"), (150_000, "market"), (200_000, "market"), (200_001, "above"),
])
def test_verdict_thresholds_are_p25_and_p75_inclusive(amount, expected):
    assert offer.verdict(amount, p25=100_000, p75=200_000) == expected


def test_no_band_no_verdict():
    assert offer.verdict(100_000, math.nan, math.nan) == ""


# ----------------------------------------------------------------------------- money


def test_offer_amounts_follow_the_progressive_scale_over_the_year():
    a = offer.offer_amounts(3_000_000, "year", "gross", 2025)
    # 13 % of 2.4 M + 15 % of the 0.6 M above it = 402 000 ₽ of tax
    assert a.gross_year == pytest.approx(3_000_000)
    assert a.net_year == pytest.approx(3_000_000 - 312_000 - 90_000)
    assert a.gross_month == pytest.approx(250_000)
    assert a.net_month == pytest.approx(a.net_year / 12)


def test_a_net_offer_converts_with_analytics_tax_and_back():
    a = offer.offer_amounts(120_000, "month", "net", 2025)
    assert a.net_month == 120_000
    assert a.gross_month == pytest.approx(tax.net_to_gross_monthly(120_000, 2025))
    assert a.gross_month == pytest.approx(120_000 / 0.87)  # all of it in the 13 % band
    assert tax.gross_to_net_monthly(a.gross_month, 2025) == pytest.approx(120_000)
    assert a.month("gross") == a.gross_month and a.month("net") == 120_000
    high = offer.offer_amounts(300_000, "month", "net", 2025)  # ≈4.1 M a year crosses 2.4 M: more than /0.87
    assert high.gross_month > 300_000 / 0.87
    assert high.gross_month == pytest.approx(tax.net_to_gross_monthly(300_000, 2025))
    old = offer.offer_amounts(300_000, "month", "net", 2024)  # 13 % up to 5 M before 2025
    assert old.gross_month == pytest.approx(300_000 / 0.87)


def test_schedule_names_the_month_the_15_percent_band_starts():
    a = offer.offer_amounts(300_000, "month", "gross", 2025)  # 2.4 M reached after 8 months
    s, first = offer.schedule(a, 2025)
    assert first == (9, 0.15)
    assert s["tax"].iloc[0] == pytest.approx(39_000) and s["tax"].iloc[8] == pytest.approx(45_000)
    _, none = offer.schedule(offer.offer_amounts(100_000, "month", "gross", 2025), 2025)
    assert none is None


# ----------------------------------------------------------------------------- widening


TA, BA, MOW = ("RU-TA", "Приволжский"), ("RU-BA", "Приволжский"), ("RU-MOW", "Центральный")


def _inp(level="senior", region="RU-TA", amount=100_000.0):
    return OfferInput("account_manager", level, region, amount, "month", "net", 2025)


def test_a_full_cell_is_not_widened():
    rows = _rows((*TA, "senior", [100_000.0] * 12))
    res = offer.evaluate(rows, _inp())
    assert (res.cell.scope, res.cell.levels, res.cell.n, res.cell.widened) == ("region", ("senior",), 12, False)
    assert offer.widen_text(res.cell, "en") == ""


def _steps(cell):
    return [(s, lv, n) for s, lv, _, n in cell.trail]


def test_widening_goes_region_then_district_then_russia():
    rows = _rows((*TA, "senior", [90_000.0] * 3), (*BA, "senior", [100_000.0] * 4), (*MOW, "senior", [150_000.0] * 5),
                 (*TA, "middle", [50_000.0] * 20))
    cell = offer.evaluate(rows, _inp()).cell
    assert _steps(cell) == [("region", ("senior",), 3), ("district", ("senior",), 7), ("russia", ("senior",), 12)]
    assert cell.scope == "russia" and cell.n == 12
    assert offer.widen_text(cell, "en") == (
        "Too few vacancies (at least 10 needed), the cell was widened: Republic of Tatarstan · senior (n = 3) → "
        "Volga Federal District · senior (n = 7) → Russia · senior (n = 12) ✓.")


def test_levels_are_never_crossed_unless_asked():
    rows = _rows((*TA, "senior", [90_000.0] * 3), (*MOW, "lead", [150_000.0] * 4), (*MOW, "middle", [60_000.0] * 3))
    cell = offer.evaluate(rows, _inp()).cell
    assert {lv for _, lv, _ in _steps(cell)} == {("senior",)}  # the asked level only
    assert not cell.found and cell.n == 3
    assert "Too few vacancies even after widening" in offer.widen_text(cell, "en")


def test_then_the_level_widens_to_its_neighbours_then_to_all_levels_when_asked():
    def ask(level="senior"):
        return replace(_inp(level), neighbours=True)

    rows = _rows((*TA, "senior", [90_000.0] * 3), (*MOW, "lead", [150_000.0] * 4), (*MOW, "middle", [60_000.0] * 3))
    res = offer.evaluate(rows, ask())
    cell = res.cell
    assert _steps(cell) == [
        ("region", ("senior",), 3), ("district", ("senior",), 3), ("russia", ("senior",), 3),
        ("russia", ("middle", "senior", "lead"), 10)]
    assert cell.levels == ("middle", "senior", "lead") and cell.n == 10  # 3 + 4 + 3 reach the minimum
    assert "Russia · middle–lead (n = 10)" in offer.widen_text(cell, "en")
    assert cell.borrowed_levels and not cell.own  # other levels: a reference, never a verdict
    text = offer.verdict_text(res, "en")
    assert text.startswith("**A reference, not a verdict:**") and "other levels" in text

    sparse = _rows((*TA, "senior", [90_000.0] * 3), (*MOW, "director", [300_000.0] * 4), (*MOW, None, [80_000.0] * 3))
    cell = offer.evaluate(sparse, ask()).cell
    assert _steps(cell)[-2:] == [("russia", ("middle", "senior", "lead"), 3), ("russia", None, 10)]
    assert cell.levels is None and "Russia · all levels (n = 10)" in offer.widen_text(cell, "en")


def test_a_verdict_only_for_the_asked_level_in_the_region_or_its_district():
    district = _rows((*TA, "senior", [90_000.0] * 4), (*BA, "senior", [100_000.0] * 8))
    res = offer.evaluate(district, _inp())
    assert res.cell.scope == "district" and res.cell.own and res.cell.verdict == "market"
    assert offer.verdict_text(res, "en").startswith("**Market rate.**")

    russia = _rows((*TA, "senior", [90_000.0] * 2), (*MOW, "senior", [150_000.0] * 12))
    res = offer.evaluate(russia, _inp())
    assert res.cell.scope == "russia" and res.cell.n == 14 and not res.cell.own
    text = offer.verdict_text(res, "ru")
    assert text.startswith("**Ориентир, не вердикт:**") and "Россия · старший" in text and "n = 14" in text

    few = _rows((*TA, "senior", [90_000.0] * 2), (*MOW, "senior", [150_000.0] * 4), (*MOW, "middle", [70_000.0] * 40))
    res = offer.evaluate(few, _inp())  # 6 seniors in Russia: percentiles exist, a verdict does not
    assert res.cell.found and res.cell.n == 6 and res.cell.levels == ("senior",) and not res.cell.own
    assert "a verdict needs at least 10" in offer.verdict_text(res, "en")
    assert offer.comparison_table(res, "ru").iloc[0]["Вердикт"] == "ориентир"


def _dated_rows(months: list[int], mid: float = 100_000.0, region: str = "RU-TA", level: str = "senior"):
    rows = _rows((region, "Приволжский", level, [mid] * len(months)))
    rows["month"] = months
    rows["day"] = [(pd.Timestamp(f"{m // 12}-{m % 12 + 1:02d}-15") - pd.Timestamp("1970-01-01")).days for m in months]
    return rows


M2025_11 = 2025 * 12 + 10


def test_the_cell_uses_its_latest_12_months_and_says_which():
    recent = _dated_rows([M2025_11 - k for k in range(12)], 150_000.0)  # 12 in 2024-12 … 2025-11
    old = _dated_rows([M2025_11 - 40] * 30, 60_000.0)  # 30 from 2022
    cell = offer.evaluate(pd.concat([recent, old], ignore_index=True), _inp()).cell
    assert (cell.window, cell.n, cell.own) == (12, 12, True)
    assert (cell.published_from, cell.published_to) == (dt.date(2024, 12, 15), dt.date(2025, 11, 15))
    assert cell.stats["p50"] == pytest.approx(150_000.0)
    assert offer.dates_text(cell, "", "ru") == "вакансии 12.2024–11.2025, как в объявлениях (без индексации)"

    sparse = pd.concat([recent.iloc[:4], old], ignore_index=True)  # 4 recent: widen in time, not in space
    cell = offer.evaluate(sparse, _inp()).cell
    assert [(w, n) for _, _, w, n in cell.trail] == [(12, 4), (24, 4), (0, 34)]
    assert cell.scope == "region" and cell.window == 0 and cell.own
    assert "senior · latest 12 months of data (n = 4) → " in offer.widen_text(cell, "en")


def test_aged_pay_and_a_warning_for_old_cells():
    old = _dated_rows([2022 * 12 + 5] * 12, 100_000.0)  # June 2022
    plain = offer.evaluate(old, _inp()).cell
    aged = offer.evaluate(old, _inp(), aged_to="2025-11")
    assert plain.index_factor == 1.0 and aged.cell.index_factor > 1.5  # Tatarstan 2022-06 → 2025-11 ≈ 1.68
    assert aged.cell.stats["p50"] == pytest.approx(100_000.0 * aged.cell.index_factor)
    assert "в ценах 11.2025" in offer.dates_text(aged.cell, aged.aged_to, "ru")
    assert offer.staleness(aged.cell, today=dt.date(2026, 12, 2)) == 54
    assert offer.staleness(aged.cell, today=dt.date(2023, 1, 2)) is None


def test_too_few_everywhere_gives_no_band_and_says_so():
    rows = _rows((*TA, "senior", [90_000.0] * 3))
    res = offer.evaluate(rows, _inp())
    assert not res.cell.found and math.isnan(res.cell.percentile) and res.cell.verdict == ""
    assert res.cell.n == 3
    assert "Too few vacancies even after widening" in offer.verdict_text(res, "en")


def test_an_offer_without_level_uses_all_levels_and_has_no_neighbours():
    rows = _rows((*TA, None, [80_000.0] * 6), (*TA, "junior", [40_000.0] * 6), (*MOW, None, [150_000.0] * 10))
    res = offer.evaluate(rows, _inp(level=""))
    assert (res.cell.scope, res.cell.levels, res.cell.n) == ("region", None, 12)
    assert [c.role for c in res.comparisons] == ["capital"]
    assert res.comparisons[0].n == 10 and res.comparisons[0].verdict == "below"


def test_comparisons_neighbouring_levels_and_the_capital():
    rows = _rows((*TA, "senior", [100_000.0] * 10), (*TA, "middle", [70_000.0] * 10),
                 (*TA, "lead", [130_000.0] * 10), (*MOW, "senior", [160_000.0] * 10),
                 ("RU-SPE", "Северо-Западный", "senior", [120_000.0] * 10))
    res = offer.evaluate(rows, _inp(amount=100_000.0))
    by_role = {c.role: c for c in res.comparisons}
    assert list(by_role) == ["level_below", "level_above", "capital"]
    assert by_role["level_below"].verdict == "above" and by_role["level_above"].verdict == "below"
    assert by_role["capital"].verdict == "below" and by_role["capital"].scope == "moscow"
    assert res.cell.verdict == "market" and res.cell.percentile == 1.0  # every point is exactly 100 000

    moscow = offer.evaluate(rows, _inp(region="RU-MOW", amount=160_000.0))
    roles = {c.role: c for c in moscow.comparisons}
    assert list(roles) == ["level_below", "level_above", "russia_ex_moscow", "spb"]
    assert roles["russia_ex_moscow"].n == 20 and roles["russia_ex_moscow"].verdict == "above"
    assert roles["spb"].n == 10

    intern = offer.evaluate(rows, _inp(level="intern"))
    assert [c.role for c in intern.comparisons] == ["level_above", "capital"]


def test_the_cell_uses_the_offers_basis_amount():
    rows = _rows((*TA, "senior", [100_000.0] * 10))
    net = offer.evaluate(rows, OfferInput("x", "senior", "RU-TA", 100_000, "month", "net", 2025))
    yearly = offer.evaluate(rows, OfferInput("x", "senior", "RU-TA", 1_200_000, "year", "net", 2025))
    assert net.amount == yearly.amount == 100_000
    gross = offer.evaluate(rows, OfferInput("x", "senior", "RU-TA", 100_000, "month", "gross", 2025))
    assert gross.amount == 100_000 and gross.amounts.net_month == pytest.approx(87_000)


# ----------------------------------------------------------------------------- words and figure


def test_verdict_text_states_thresholds_and_cell_in_both_languages():
    rows = _rows((*TA, "senior", [float(v) for v in range(60_000, 160_000, 10_000)]))
    res = offer.evaluate(rows, _inp(amount=200_000.0))
    en = offer.verdict_text(res, "en")
    assert en.startswith("**Above market.** 200,000\u00a0₽ on hand (net) is over P75 = ")
    assert "Republic of Tatarstan · senior" in en and "(n = 10)" in en and "P100" in en
    ru = offer.verdict_text(res, "ru")
    assert ru.startswith("**Выше рынка.** 200\u00a0000\u00a0₽ на руки (net) больше P75 = ")


def test_figure_marks_the_offer_and_names_basis_unit_and_n():
    rows = _rows((*TA, "senior", [100_000.0] * 12), (*MOW, "senior", [150_000.0] * 12))
    res = offer.evaluate(rows, _inp(amount=110_000.0))
    fig = offer.offer_figure(res, "en")
    assert fig.layout.title.text == ("Offer vs market, on hand (net), ₽/month: P10–P90, P25–P75, median "
                                     "(n = 12 in your cell)")
    assert [s.x0 for s in fig.layout.shapes] == [110_000.0]
    assert any("offer 110,000\u00a0₽" in (tr.name or "") for tr in fig.data)  # in the legend
    labels = list(fig.data[1].y)
    assert any("Your cell" in lb for lb in labels) and any("Capital: Moscow" in lb for lb in labels)


def test_comparison_table_has_one_row_per_cell():
    rows = _rows((*TA, "senior", [100_000.0] * 12))
    table = offer.comparison_table(offer.evaluate(rows, _inp()), "en")
    assert list(table["Comparison"]) == ["Your cell", "Level below", "Level above", "Capital"]
    assert list(table["Verdict"]) == ["market", "no data", "no data", "no data"]
    assert table.loc[1, "Cell"] == "not enough vacancies (n = 0)"


# ----------------------------------------------------------------------------- URL parameters


PROFS, REGIONS = ["account_manager", "accountant", "other"], ["RU-MOW", "RU-SPE", "RU-TA"]


def test_params_round_trip():
    inp = OfferInput("accountant", "lead", "RU-TA", 95_500.0, "year", "gross", 2024)
    back, title, bad = offer.parse_params(offer.to_params(inp, "Главный бухгалтер"), PROFS, REGIONS, 2025)
    assert (back, title, bad) == (inp, "Главный бухгалтер", [])


def test_no_params_give_the_defaults():
    inp, title, bad = offer.parse_params({}, PROFS, REGIONS, 2026)
    assert inp == OfferInput("account_manager", "", "RU-MOW", 120_000.0, "month", "net", 2026)
    assert (title, bad) == ("", [])


@pytest.mark.parametrize(("params", "bad_names"), [
    ({"amount": "abc"}, ["amount"]),
    ({"amount": "-5000"}, ["amount"]),
    ({"amount": "1e12"}, ["amount"]),
    ({"amount": "nan"}, ["amount"]),
    ({"profession": "astronaut"}, ["profession"]),
    ({"region": "RU-XX"}, ["region"]),
    ({"basis": "after-tax"}, ["basis"]),
    ({"period": "week"}, ["period"]),
    ({"level": "boss"}, ["level"]),
    ({"year": "20x5"}, ["year"]),
    ({"amount": "abc", "region": "Moscow", "basis": ""}, ["region", "amount", "basis"]),
])
def test_bad_params_are_named_and_fall_back_to_defaults(params, bad_names):
    inp, _, bad = offer.parse_params(params, PROFS, REGIONS, 2025)
    assert bad == bad_names
    default, _, _ = offer.parse_params({}, PROFS, REGIONS, 2025)
    for name in bad_names:
        assert getattr(inp, name) == getattr(default, name)


def test_a_title_is_classified_unless_the_profession_is_given():
    inp, _, _ = offer.parse_params({"title": "Senior Account Manager"}, PROFS, REGIONS, 2025)
    assert (inp.profession, inp.level) == ("account_manager", "senior")
    inp, _, _ = offer.parse_params({"title": "Senior Account Manager", "profession": "accountant"}, PROFS,
                                   REGIONS, 2025)
    assert (inp.profession, inp.level) == ("accountant", "")
    inp, _, bad = offer.parse_params({"amount": ["1", "150 000"], "period": ["month"]}, PROFS, REGIONS, 2025)
    assert bad == ["amount"]  # repeated → the last value counts; "150 000" with a space is not a URL number


def test_plain_escapes_markdown_from_links_and_files():
    assert offer.plain("[click](http://evil.example)") == r"\[click\]\(http://evil\.example\)"
    assert offer.plain("x" * 100).endswith("…") and len(offer.plain("x" * 100)) == 61


# ----------------------------------------------------------------------------- salary table


def test_benchmark_places_each_row_and_estimates_each_cell_once():
    market = _rows((*TA, "senior", [float(v) for v in range(60_000, 160_000, 10_000)]),
                   (*MOW, None, [200_000.0] * 10))
    calls: list[tuple[str, str]] = []

    def rows_for(profession: str, basis: str) -> pd.DataFrame:
        calls.append((profession, basis))
        return market

    table = pd.DataFrame({"row": [2, 3, 4, 5], "title": ["Senior Account Manager", "Старший аккаунт-менеджер",
                                                         "Senior Account Manager", "Аккаунт-менеджер"],
                          "region": ["", "", "", ""], "region_iso": ["RU-TA", "RU-TA", "RU-TA", "RU-MOW"],
                          "amount": [50_000.0, 105_000.0, 2_400_000.0, 150_000.0],
                          "basis": ["net", "net", "net", "net"], "period": ["month", "month", "year", "month"]})
    out = offer.benchmark(table, rows_for)
    assert calls == [("account_manager", "net"), ("account_manager", "net")]  # two cells, one call each
    assert list(out["level"]) == ["senior", "senior", "senior", ""]
    assert list(out["verdict"]) == ["below", "market", "above", "below"]
    assert list(out["monthly"]) == [50_000.0, 105_000.0, 200_000.0, 150_000.0]
    assert out.loc[1, "percentile"] == pytest.approx(0.5)  # 5 of the 10 points (≈60 k…150 k) are ≤ 105 000
    assert list(out["n"]) == [10, 10, 10, 10] and out.loc[3, "scope"] == "region"
    shown = offer.benchmark_display(out, "en")
    assert list(shown["Verdict"]) == ["below market", "market", "above market", "below market"]
    csv = offer.benchmark_display(out, "en", for_csv=True)
    assert csv.loc[1, "Offer percentile"] == 50 and csv.loc[2, "Per month"] == 200_000


def test_benchmark_never_compares_a_level_with_other_levels():
    """A Moscow account director against a market of juniors: "no data for the level", no percentile —
    not "P92 above market" from a cell of other levels."""
    market = _rows((*MOW, "junior", [70_000.0] * 40), (*MOW, "director", [300_000.0] * 2),
                   (*TA, "senior", [100_000.0] * 12))
    table = pd.DataFrame({"row": [2, 3, 4], "title": ["Account Director", "Аккаунт-менеджер", "Senior Account Manager"],
                          "region": ["", "", ""], "region_iso": ["RU-MOW", "RU-KDA", "RU-KDA"],
                          "amount": [250_000.0, 90_000.0, 90_000.0], "basis": ["gross"] * 3,
                          "period": ["month"] * 3})
    out = offer.benchmark(table, lambda prof, basis: market)
    assert list(out["level"]) == ["director", "", "senior"]
    assert list(out["verdict"]) == ["no_level", "reference", "reference"]  # Russia cells: references only
    assert math.isnan(out.loc[0, "percentile"]) and out.loc[0, "n"] == 2
    assert out.loc[2, "scope"] == "russia" and out.loc[2, "percentile"] == pytest.approx(0.0)
    shown = offer.benchmark_display(out, "ru")
    assert list(shown["Вердикт"]) == ["нет данных по уровню", "ориентир", "ориентир"]


def test_benchmark_shows_percentile_and_verdict_first():
    """HR reads the percentile and the verdict before anything else (they were off-screen at 1 440 px)."""
    market = _rows((*TA, "senior", [100_000.0] * 12))
    table = pd.DataFrame({"row": [2], "title": ["Senior Account Manager"], "region": [""], "region_iso": ["RU-TA"],
                          "amount": [90_000.0], "basis": ["net"], "period": ["month"]})
    shown = offer.benchmark_display(offer.benchmark(table, lambda prof, basis: market), "ru")
    assert list(shown.columns[:4]) == ["Строка", "Должность", "Перцентиль оффера", "Вердикт"]
