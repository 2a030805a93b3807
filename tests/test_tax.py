"""NDFL and MROT: hand-computed cases at and around every threshold, exact inverses, vectorisation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import tax

# (year, annual gross, annual tax) — computed by hand, band by band.
HAND_CASES = [
    # 2025+: 13 % ≤ 2.4 M < 15 % ≤ 5 M < 18 % ≤ 20 M < 20 % ≤ 50 M < 22 %
    (2025, 0, 0.0),
    (2025, 1_000_000, 130_000.0),
    (2025, 2_399_999, 311_999.87),
    (2025, 2_400_000, 312_000.0),
    (2025, 2_400_001, 312_000.15),
    (2025, 3_000_000, 312_000.0 + 0.15 * 600_000),
    (2025, 4_999_999, 312_000.0 + 0.15 * 2_599_999),
    (2025, 5_000_000, 312_000.0 + 390_000.0),
    (2025, 5_000_001, 702_000.18),
    (2025, 20_000_000, 702_000.0 + 2_700_000.0),
    (2025, 20_000_001, 3_402_000.20),
    (2025, 50_000_000, 3_402_000.0 + 6_000_000.0),
    (2025, 50_000_001, 9_402_000.22),
    (2025, 60_000_000, 9_402_000.0 + 2_200_000.0),
    (2026, 3_000_000, 402_000.0),  # same rules in 2026
    # 2021–2024: 13 % ≤ 5 M < 15 %
    (2024, 2_400_001, 312_000.13),
    (2024, 4_999_999, 649_999.87),
    (2024, 5_000_000, 650_000.0),
    (2024, 5_000_001, 650_000.15),
    (2024, 6_000_000, 650_000.0 + 150_000.0),
    (2021, 6_000_000, 800_000.0),
    # outside the table: nearest year
    (2019, 6_000_000, 800_000.0),
    (2035, 3_000_000, 402_000.0),
]


@pytest.mark.parametrize(("year", "gross", "expected"), HAND_CASES)
def test_annual_tax_by_hand(year: int, gross: float, expected: float) -> None:
    assert tax.annual_tax(gross, year) == pytest.approx(expected, abs=1e-6)
    assert tax.gross_to_net_annual(gross, year) == pytest.approx(gross - expected, abs=1e-6)
    assert tax.net_to_gross_annual(gross - expected, year) == pytest.approx(gross, abs=1e-6)


def test_annual_tax_vectorised_over_years_matches_scalar() -> None:
    years = np.array([c[0] for c in HAND_CASES])
    gross = np.array([c[1] for c in HAND_CASES], dtype=float)
    expected = np.array([c[2] for c in HAND_CASES])
    np.testing.assert_allclose(tax.annual_tax(gross, years), expected, atol=1e-6)


def test_monthly_250k_in_2025() -> None:
    # 3 M/yr: 312 000 + 0.15·600 000 = 402 000 → (3 000 000 − 402 000)/12 = 216 500 a month
    assert tax.gross_to_net_monthly(250_000, 2025) == pytest.approx(216_500.0)
    assert tax.net_to_gross_monthly(216_500, 2025) == pytest.approx(250_000.0)
    # 2024: 13 % flat below 5 M/yr
    assert tax.gross_to_net_monthly(250_000, 2024) == pytest.approx(217_500.0)
    # 500 000/month in 2024 = 6 M/yr: (6 M − 800 000)/12
    assert tax.gross_to_net_monthly(500_000, 2024) == pytest.approx(5_200_000 / 12)


@pytest.mark.parametrize("year", [2021, 2024, 2025, 2026])
def test_round_trip_exact_to_the_rouble_over_a_grid(year: int) -> None:
    edges = np.array([0, 2_400_000, 5_000_000, 20_000_000, 50_000_000], dtype=float)
    near_edges = (edges[:, None] + np.array([-1, -0.01, 0, 0.01, 1])[None, :]).ravel()
    grid = np.concatenate(
        [np.geomspace(1, 2e8, 20_000), near_edges[near_edges >= 0], np.arange(0, 1000, 0.5)]
    )
    net = tax.gross_to_net_annual(grid, year)
    assert np.all(np.diff(net[np.argsort(grid)]) >= 0), "net must be increasing in gross"
    np.testing.assert_allclose(tax.net_to_gross_annual(net, year), grid, rtol=0, atol=1.0)
    np.testing.assert_allclose(
        tax.gross_to_net_annual(tax.net_to_gross_annual(net, year), year), net, atol=1.0
    )
    # the same through the monthly functions (grid read as monthly)
    monthly_net = tax.gross_to_net_monthly(grid / 12, year)
    np.testing.assert_allclose(tax.net_to_gross_monthly(monthly_net, year), grid / 12, rtol=0, atol=1.0)
    # a net grid too (inverse first)
    net_grid = np.geomspace(1, 1.5e8, 20_000)
    back = tax.gross_to_net_annual(tax.net_to_gross_annual(net_grid, year), year)
    np.testing.assert_allclose(back, net_grid, rtol=0, atol=1.0)


def test_nan_and_shapes() -> None:
    s = pd.Series([1_000_000, np.nan, -5, 3_000_000], index=["a", "b", "c", "d"], name="salary")
    out = tax.annual_tax(s, pd.Series([2024, 2025, 2025, 2025], index=s.index))
    assert isinstance(out, pd.Series) and list(out.index) == list("abcd") and out.name == "salary"
    assert out["a"] == pytest.approx(130_000) and out["d"] == pytest.approx(402_000)
    assert np.isnan(out["b"]) and np.isnan(out["c"])  # NaN and negative → NaN
    assert isinstance(tax.annual_tax(1e6, 2025), float)
    assert np.isnan(tax.annual_tax(1e6, np.nan))
    assert np.isnan(tax.gross_to_net_monthly(np.nan, 2025))
    mixed_year = tax.net_to_gross_monthly(
        np.array([100_000, 100_000, np.nan]), np.array([2025.0, np.nan, 2024])
    )
    assert mixed_year[0] == pytest.approx(100_000 / 0.87) and np.isnan(mixed_year[1:]).all()


def test_million_rows_of_mixed_years_round_trip() -> None:
    rng = np.random.default_rng(1)
    gross = rng.lognormal(11.5, 0.7, 1_000_000)
    years = rng.integers(2020, 2027, 1_000_000)
    net = tax.gross_to_net_monthly(gross, years)
    back = tax.net_to_gross_monthly(net, years)
    np.testing.assert_allclose(back, gross, rtol=1e-9)


def test_monthly_schedule_crosses_in_month_10() -> None:
    sched = tax.monthly_schedule(250_000, 2025)
    assert list(sched["month"]) == list(range(1, 13))
    assert sched["crosses_band"].sum() == 1
    assert int(sched.loc[sched["crosses_band"], "month"].iloc[0]) == 10  # 10·250 000 = 2.5 M > 2.4 M
    assert sched["tax"].iloc[:9].tolist() == pytest.approx([32_500.0] * 9)
    assert sched["tax"].iloc[9] == pytest.approx(0.13 * 150_000 + 0.15 * 100_000)
    assert sched["tax"].iloc[10:].tolist() == pytest.approx([37_500.0] * 2)
    assert sched["tax"].sum() == pytest.approx(402_000.0)
    assert sched["net"].mean() == pytest.approx(216_500.0)
    assert sched["rate"].iloc[8] == 0.13 and sched["rate"].iloc[9] == 0.15


def test_monthly_schedule_no_crossing_and_exact_threshold() -> None:
    assert not tax.monthly_schedule(100_000, 2025)["crosses_band"].any()
    exact = tax.monthly_schedule(200_000, 2025)  # reaches 2.4 M exactly in December: no rouble above
    assert not exact["crosses_band"].any() and exact["tax"].sum() == pytest.approx(312_000.0)
    assert int(tax.monthly_schedule(500_000, 2024).query("crosses_band")["month"].iloc[0]) == 11


def test_mrot_around_june_2022() -> None:
    dates = ["2021-12-31", "2022-01-01", "2022-05-31", "2022-06-01", "2022-12-31", "2023-01-01"]
    np.testing.assert_array_equal(tax.mrot(dates), [12792, 13890, 13890, 15279, 15279, 16242])
    assert tax.mrot("2022-06-01") == 15279.0
    assert tax.mrot(pd.Timestamp("2026-03-01")) == 27093.0
    assert tax.mrot("2019-05-01") == 12792.0  # before the table: first value
    out = tax.mrot(pd.Series(pd.to_datetime(["2022-05-31T23:30:00+03:00", None], utc=True)))
    assert out[0] == 13890.0 and np.isnan(out[1])  # UTC 20:30 on 31 May is still 31 May in Moscow
    many = pd.Series(pd.date_range("2021-01-01", "2026-12-31", freq="h"))
    vals = tax.mrot(many)
    assert set(np.unique(vals)) == {12792, 13890, 15279, 16242, 19242, 22440, 27093}
