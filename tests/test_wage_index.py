"""The wage index that ages pay to one month's roubles (analytics.wage_index, issue #10 §2).

Sanity figures are recomputed here from the raw Rosstat rows, by the rules the module states, so a
change of rule shows up as a failing number rather than a silently different page.
"""

from __future__ import annotations

import ast
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics import wage_index as wi
from pipelines.reference import regions
from pipelines.sources.rosstat import official_wages

ROOT = Path(__file__).resolve().parents[1]
T = "2025-11"


@pytest.fixture(autouse=True)
def _fresh_caches():
    wi.clear_caches()
    yield
    wi.clear_caches()


@pytest.fixture()
def tmp_index(tmp_path, monkeypatch):
    """A copy of wage_index.csv that the module reads instead of the shipped one."""
    path = tmp_path / "wage_index.csv"
    shutil.copyfile(wi.INDEX_FILE, path)
    monkeypatch.setattr(wi, "INDEX_FILE", path)
    wi.clear_caches()
    return path


def _series(table: pd.DataFrame, region: str, col: str = "factor") -> pd.Series:
    return table[table["region_iso"] == region].set_index("month")[col]


def _at(table: pd.DataFrame, region: str, month: str) -> float:
    return float(_series(table, region).loc[pd.Timestamp(month + "-01")])


def _trailing_mean(region: str, end: str) -> float:
    """Mean of the 12 monthly Rosstat figures ending at ``end`` (raw shipped data)."""
    w = official_wages()
    m = w[(w["region_iso"] == region) & (w["kind"] == "monthly")].set_index("period")["wage_rub"]
    end_ts = pd.Timestamp(end + "-01")
    window = m.loc[end_ts - pd.DateOffset(months=11):end_ts]
    assert len(window) == 12
    return float(window.mean())


# ---- the reference table --------------------------------------------------------------------


def test_reference_table_holds_the_issue_figures():
    rows = wi.read_rows(wi.INDEX_FILE)
    got = {(r.region_iso, r.period, r.kind): r.wage_rub for r in rows.itertuples()}
    assert got == {
        ("RU", "2021", "annual"): 57244, ("RU", "2022", "annual"): 65445,
        ("RU", "2023", "annual"): 74854, ("RU", "2024", "annual"): 87952,
        ("RU", "2024-09", "monthly"): 84320, ("RU", "2024-11", "monthly"): 86399,
        ("RU", "2025-05", "monthly"): 99422, ("RU", "2025-09", "monthly"): 96182,
        ("RU", "2025-11", "monthly"): 98192,
    }
    assert rows["source"].str.contains("Rosstat").all()


def test_newer_release_replaces_the_shipped_figure():
    obs = wi._observations()
    ru22 = obs[(obs["region_iso"] == "RU") & (obs["kind"] == "annual") & (obs["k"] == 2022 * 12)]
    assert ru22["wage_rub"].tolist() == [65445]  # rosstat_wages.csv has 65 338


# ---- national sanity figures -----------------------------------------------------------------


def test_national_factor_2022_to_2025_11_follows_the_stated_rule():
    """Naively 98 192 / 65 445 = 1.500, but that divides a November (seasonal factor ≈ 0.93:
    bonuses lift the annual mean) by an annual mean. The index de-seasonalises the November and
    places the 2022 mean at mid-2022 (position 2022-06.5), so 2022-07 is half a month later."""
    s_nov = float(wi.seasonal_factors().loc[11])
    assert 0.90 < s_nov < 0.96
    f = _at(wi.factors(T), "RU", "2022-07")
    index_2022_07 = 65445 * (74854 / 65445) ** (0.5 / 12)
    assert f == pytest.approx((98192 / s_nov) / index_2022_07, rel=1e-9)
    assert f == pytest.approx(98192 / 65445, rel=0.08)  # ≈ 1.61 vs the naive 1.50
    assert f * s_nov * (index_2022_07 / 65445) == pytest.approx(98192 / 65445, rel=1e-9)


def test_annual_to_annual_is_the_ratio_of_annual_means():
    f = wi.factors("2024-07")
    assert _at(f, "RU", "2022-07") == pytest.approx(87952 / 65445, rel=0.01)
    assert _at(f, "RU", "2023-07") == pytest.approx(87952 / 74854, rel=0.01)


def test_factor_of_the_target_month_is_one_everywhere():
    f = wi.factors(T)
    at = f[f["month"] == pd.Timestamp(T + "-01")]
    assert len(at) == 90 and np.allclose(at["factor"], 1.0, rtol=0, atol=1e-12)


def test_national_factors_fall_monotonically_and_cover_after_the_target():
    f = _series(wi.factors("2024-06"), "RU")
    assert f.index[0] == pd.Timestamp("2005-01-01")
    assert f.index[-1] == pd.Timestamp("2027-11-01")  # max(target, last national month) + 24
    assert (np.diff(f.to_numpy()) < 0).all()
    assert (f.loc["2024-07":] < 1).all() and (f.loc[:"2024-05"] > 1).all()


def test_regional_factors_are_monotone_ish_since_2021():
    f = wi.factors(T)
    f = f[f["month"] >= pd.Timestamp("2021-01-01")]
    for region, g in f.groupby("region_iso"):
        step = np.diff(g.sort_values("month")["factor"].to_numpy())
        rel = step / g.sort_values("month")["factor"].to_numpy()[:-1]
        assert rel.max() < 0.01, region  # at most a 1 % dip in the index from one month to the next
        assert (rel < 0).mean() > 0.95, region


def test_extrapolated_after_the_last_national_month_at_the_last_12_month_rate():
    f = wi.factors("2026-12")
    ru = f[f["region_iso"] == "RU"]
    assert (ru["extrapolated"] == (ru["month"] > pd.Timestamp("2025-11-01"))).all()
    assert f.groupby("month")["extrapolated"].nunique().eq(1).all()  # same flag for every region
    year_on = _at(wi.factors("2026-11"), "RU", "2025-11")
    assert year_on == pytest.approx(98192 / 86399, rel=1e-9)  # same-month ratio: seasonality cancels
    info = wi.index_info("2026-12")
    assert info["target"] == "2026-12" and info["target_extrapolated"] is True
    assert info["national_last_month"] == "2025-11" and info["regional_last_month"] == "2023-11"
    assert info["extrapolated_after"] == "2025-11"
    assert info["extrapolation_rate"] == pytest.approx(98192 / 86399 - 1, rel=1e-9)
    assert info["last_month"] == "2028-12" and info["first_month"] == "2005-01"
    assert info["seasonal_years"] == (2018, 2022)
    assert info["derived_national_years"] == (2005, 2007, 2009, 2011)
    assert wi.index_info(T)["target_extrapolated"] is False
    assert wi.index_info()["target"] == "2025-11"


# ---- regions ---------------------------------------------------------------------------------


def test_moscow_factor_inside_its_monthly_data_is_the_ratio_of_its_12_month_means():
    """A 12-month mean ending in month K sits at K − 5.5; 2022-11 lies halfway between the means
    ending 2023-04 and 2023-05, 2023-03 between those ending 2023-08 and 2023-09 (geometric)."""
    got = _at(wi.factors("2023-03"), "RU-MOW", "2022-11")
    later = math.sqrt(_trailing_mean("RU-MOW", "2023-08") * _trailing_mean("RU-MOW", "2023-09"))
    earlier = math.sqrt(_trailing_mean("RU-MOW", "2023-04") * _trailing_mean("RU-MOW", "2023-05"))
    assert got == pytest.approx(later / earlier, rel=1e-9)


def test_december_never_spikes():
    idx = wi.wage_index("2025-11")
    wide = idx.pivot(index="month", columns="region_iso", values="index_rub")
    step = np.log(wide).diff().loc["2012":]
    assert step.abs().max().max() < 0.03
    mow = step["RU-MOW"]
    # raw Moscow December 2022 is far above November; the index's step into December is ordinary
    w = official_wages()
    raw = w[(w["region_iso"] == "RU-MOW") & (w["kind"] == "monthly")].set_index("period")["wage_rub"]
    assert raw[pd.Timestamp("2022-12-01")] / raw[pd.Timestamp("2022-11-01")] > 1.2
    dec, nov, jan = (mow[pd.Timestamp(d)] for d in ("2022-12-01", "2022-11-01", "2023-01-01"))
    assert abs(dec - nov) < 0.005 and abs(jan - dec) < 0.005


def test_december_figure_is_not_an_index_point(tmp_index):
    before = _series(wi.wage_index("2026-03"), "RU", "index_rub")
    extra = tmp_index.parent / "new.csv"
    extra.write_text("region_iso,period,kind,wage_rub,source\n"
                     "RU,2025-12,monthly,139000,test December\n", encoding="utf-8")
    wi.merge_rows(extra, tmp_index)
    after = _series(wi.wage_index("2026-03"), "RU", "index_rub")
    pd.testing.assert_series_equal(before, after)
    info = wi.index_info()
    assert info["national_last_month"] == "2025-12" and info["extrapolated_after"] == "2025-11"
    assert _series(wi.factors("2026-03"), "RU", "extrapolated").loc["2025-12":].all()
    extra.write_text("region_iso,period,kind,wage_rub,source\n"
                     "RU,2026-01,monthly,100000,test January\n", encoding="utf-8")
    wi.merge_rows(extra, tmp_index)
    idx = _series(wi.wage_index("2026-03"), "RU", "index_rub")
    s_jan = float(wi.seasonal_factors().loc[1])
    assert idx[pd.Timestamp("2026-01-01")] == pytest.approx(100000 / s_jan, rel=1e-9)
    dec = idx[pd.Timestamp("2025-12-01")]
    assert dec == pytest.approx(math.sqrt(idx[pd.Timestamp("2025-11-01")] * idx[pd.Timestamp("2026-01-01")]))


def test_regions_follow_national_growth_after_their_data():
    f = wi.factors(T)
    ta, ru = _series(f, "RU-TA"), _series(f, "RU")
    ratio = (ta / ru).loc["2023-06":]
    assert np.allclose(ratio, 1.0)  # target beyond the regional data: same growth as Russia
    f23 = wi.factors("2023-03")
    assert not math.isclose(_at(f23, "RU-TA", "2022-07"), _at(f23, "RU", "2022-07"), rel_tol=1e-3)
    idx = wi.wage_index(T)
    ta_basis = _series(idx, "RU-TA", "basis")
    assert ta_basis.loc["2022-06":"2023-05"].eq("regional").all()
    assert ta_basis.loc["2023-06":].eq("chained").all()


def test_subjects_without_figures_and_unknown_codes_get_the_national_factor():
    f = wi.factors(T)
    assert set(f["region_iso"]) == set(regions()["iso"]) | {"RU"}
    np.testing.assert_allclose(_series(f, "RU-DPR").to_numpy(), _series(f, "RU").to_numpy())
    sub = wi.factors(T, ["RU-MOW", None, float("nan"), "", "XX-1", "RU-MOW"])
    assert sorted(sub["region_iso"].unique()) == ["RU", "RU-MOW", "XX-1"]
    np.testing.assert_allclose(_series(sub, "XX-1").to_numpy(), _series(sub, "RU").to_numpy())
    np.testing.assert_allclose(_series(sub, "RU-MOW").to_numpy(), _series(f, "RU-MOW").to_numpy())


def test_table_shape_types_and_copies():
    f = wi.factors(T)
    assert list(f.columns) == ["region_iso", "month", "factor", "extrapolated"]
    assert f["month"].dtype.kind == "M" and (f["month"].dt.day == 1).all()
    assert f["extrapolated"].dtype == bool and f["factor"].dtype == float
    assert len(f) == 90 * len(pd.period_range("2005-01", "2027-11", freq="M"))
    f["factor"] = 0.0
    assert wi.factors(T)["factor"].gt(0).all()


@pytest.mark.parametrize("bad", ["2025-13", "2025/11", "25-11", "2004-12", "2040-01"])
def test_bad_targets_are_refused(bad):
    with pytest.raises(ValueError):
        wi.factors(bad)


def test_module_stays_pure():
    tree = ast.parse((ROOT / "analytics" / "wage_index.py").read_text(encoding="utf-8"))
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not names & {"streamlit", "plotly", "duckdb", "requests"}


# ---- merging newer figures --------------------------------------------------------------------


def _write(path: Path, *lines: str) -> Path:
    path.write_text("region_iso,period,kind,wage_rub,source\n" + "".join(f"{x}\n" for x in lines),
                    encoding="utf-8")
    return path


def test_merge_adds_replaces_and_keeps_one_row_per_key(tmp_index):
    new = _write(tmp_index.parent / "new.csv",
                 "RU,2025-11,monthly,98300,revised",
                 "RU,2026-01,monthly,101000.5,test",
                 "RU-MOW,2021,annual,111000,test")
    res = wi.merge_rows(new, tmp_index)
    assert (res.added, res.replaced, res.unchanged) == (2, 1, 0)
    rows = wi.read_rows(tmp_index)
    assert len(rows) == 11 and not rows.duplicated(["region_iso", "period", "kind"]).any()
    got = rows.set_index(["region_iso", "period", "kind"])["wage_rub"]
    assert got[("RU", "2025-11", "monthly")] == 98300 and got[("RU", "2026-01", "monthly")] == 101000.5
    assert tmp_index.read_text(encoding="utf-8").splitlines()[1].startswith("RU,2021,annual,57244,")
    assert wi.index_info()["national_last_month"] == "2026-01"  # caches were cleared
    again = wi.merge_rows(new, tmp_index)
    assert (again.added, again.replaced, again.unchanged) == (0, 0, 3)


@pytest.mark.parametrize(("line", "needle"), [
    ("RU,2025-12,monthly,-5,test", "must be a positive number"),
    ("RU,2025-12,monthly,abc,test", "must be a positive number"),
    ("RU,2025-12,monthly,98.1,test", "wrong unit"),
    ("RU-XXX,2025-12,monthly,98000,test", "unknown region_iso"),
    ("RU,2025-12-01,monthly,98000,test", "must be YYYY-MM"),
    ("RU,2025-12,annual,98000,test", "must be YYYY"),
    ("RU,2025,annual_avg,98000,test", "kind"),
    ("RU,2025-12,monthly,98000,", "source is empty"),
])
def test_bad_rows_are_named_and_nothing_is_written(tmp_index, line, needle):
    before = tmp_index.read_bytes()
    new = _write(tmp_index.parent / "new.csv", "RU,2026-01,monthly,101000,fine", line)
    with pytest.raises(ValueError) as err:
        wi.merge_rows(new, tmp_index)
    assert "line 3" in str(err.value) and needle in str(err.value)
    assert tmp_index.read_bytes() == before


def test_duplicate_keys_in_the_new_file_are_refused(tmp_index):
    before = tmp_index.read_bytes()
    new = _write(tmp_index.parent / "new.csv", "RU,2026-01,monthly,101000,a", "RU,2026-01,monthly,102000,b")
    with pytest.raises(ValueError, match="line 3: duplicates line 2"):
        wi.merge_rows(new, tmp_index)
    assert tmp_index.read_bytes() == before


def test_update_script(tmp_index, capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location("update_wage_index", ROOT / "scripts" / "update_wage_index.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    ok = _write(tmp_index.parent / "ok.csv", "RU,2026-01,monthly,101000,test")
    assert mod.main([str(ok), "--into", str(tmp_index)]) == 0
    assert "1 added, 0 replaced, 0 unchanged" in capsys.readouterr().out
    bad = _write(tmp_index.parent / "bad.csv", "RU,2026-02,monthly,0,test")
    before = tmp_index.read_bytes()
    assert mod.main([str(bad), "--into", str(tmp_index)]) == 1
    err = capsys.readouterr().err
    assert "line 2" in err and "nothing written" in err
    assert tmp_index.read_bytes() == before


def test_a_region_with_a_few_months_only_follows_russia(tmp_index):
    new = _write(tmp_index.parent / "new.csv", "RU-DPR,2025-09,monthly,80000,test", "RU-DPR,2025-10,monthly,81000,test")
    wi.merge_rows(new, tmp_index)
    f = wi.factors(T)
    np.testing.assert_allclose(_series(f, "RU-DPR").to_numpy(), _series(f, "RU").to_numpy())
