"""Market analytics: the pay-structure rules, pure transforms, and the SQL on the real snapshot."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics import market, ranges
from analytics import queries_market as qm
from analytics.filters import Filters

# --------------------------------------------------------------------------- rules


@pytest.mark.parametrize("title, bonus", [
    ("Менеджер по продажам (оклад + %)", True),
    ("Менеджер по продажам, оклад+бонусы", True),
    ("Аккаунт-менеджер, % от продаж", True),
    ("Торговый представитель (процент с продаж)", True),
    ("Account manager (KPI-бонус)", True),
    ("Менеджер по работе с клиентами, ежемесячные премии", True),
    ("Менеджер по продажам премиальной мебели", False),   # premium furniture, not a bonus
    ("Менеджер по продажам - премиум сегмент", False),
    ("Аналитик по KPI", False),                           # a job about KPIs
    ("Аналитик системы расчета премиальной оплаты труда", False),
    ("C++ разработчик", False),
    ("Frontend-разработчик Middle+ (TS, React)", False),
])
def test_bonus_rule_on_titles(title, bonus):
    rule = market.pay_structure_rules().bonus
    assert market.mentions(pd.Series([title]), rule).iloc[0] == bonus


@pytest.mark.parametrize("title, b2b, b2c", [
    ("Менеджер по продажам B2B", True, False),
    ("Менеджер по продажам / B2C Sales Manager", False, True),
    ("Python-разработчик (направление B2B2C)", True, True),
    ("Менеджер по работе с ключевыми клиентами", True, False),
    ("Клиентский менеджер по работе с физическими лицами", False, True),
    ("Менеджер по продажам", False, False),
])
def test_segment_rules_on_titles(title, b2b, b2c):
    rules = market.pay_structure_rules()
    s = pd.Series([title])
    assert (market.mentions(s, rules.b2b).iloc[0], market.mentions(s, rules.b2c).iloc[0]) == (b2b, b2c)


def test_a_wrong_rules_file_fails_with_where():
    with pytest.raises(ValueError, match="bonus"):
        market.parse_pay_structure({"bonus": {"patterns": ["(unclosed"]}, "segments": {"professions": ["x"]}})
    with pytest.raises(ValueError, match="ASCII"):
        market.parse_pay_structure({"bonus": {"patterns": [r"\bбонус"]}, "segments": {"professions": ["x"]}})
    with pytest.raises(ValueError, match="segments.professions"):
        market.parse_pay_structure({"bonus": {"patterns": ["бонус"]}, "segments": {}})


def test_segment_professions_exist():
    from pipelines.classify import profession_names

    assert set(market.pay_structure_rules().segment_professions) <= set(profession_names())


# --------------------------------------------------------------------------- pure transforms


def test_complete_periods_fills_gaps_with_zero():
    vol = pd.DataFrame({"period": pd.to_datetime(["2022-01-03", "2022-01-24"]), "n": [5, 2], "n_salary": [4, 1]})
    out = market.complete_periods(vol, "week")
    assert out["period"].dt.strftime("%Y-%m-%d").tolist() == ["2022-01-03", "2022-01-10", "2022-01-17", "2022-01-24"]
    assert out["n"].tolist() == [5, 0, 0, 2] and out["n_salary"].tolist() == [4, 0, 0, 1]
    monthly = market.complete_periods(pd.DataFrame({"period": pd.to_datetime(["2021-11-01", "2022-02-01"]),
                                                    "n": [1, 1], "n_salary": [0, 1]}), "month")
    assert len(monthly) == 4 and monthly["n"].sum() == 2


def test_skill_premium_needs_twenty_on_each_side():
    cells = pd.DataFrame({
        "skill": ["Python", "Python", "Excel", "Excel"],
        "has": [True, False, True, False],
        "n": [40, 100, 12, 128],
        "p50": [150_000.0, 100_000.0, 60_000.0, 90_000.0],
    })
    out = market.skill_premium(cells).set_index("skill")
    assert out.loc["Python", "premium"] == pytest.approx(0.5)
    assert bool(out.loc["Python", "enough"]) and not bool(out.loc["Excel", "enough"])
    assert np.isnan(out.loc["Excel", "premium"])
    shown = market.premium_display(out.reset_index(), "en")
    assert shown.iloc[1]["Premium"].startswith("n too small") and shown.iloc[0]["Premium"] == "50\u00a0%"


def test_skill_premium_when_a_side_is_missing():
    cells = pd.DataFrame({"skill": ["Go"], "has": [True], "n": [30], "p50": [200_000.0]})
    out = market.skill_premium(cells)
    assert out.loc[0, "n_without"] == 0 and not out.loc[0, "enough"] and np.isnan(out.loc[0, "premium"])


def test_comparison_defaults_follow_the_article_when_present():
    assert market.comparison_defaults(["software_developer", "seller", "account_manager"]) == [
        "account_manager", "software_developer"]
    assert market.comparison_defaults(["cook", "waiter", "driver", "seller"]) == ["cook", "waiter", "driver"]


def test_remote_share_and_labels():
    formats = pd.DataFrame({"value": [None, "remote", "hybrid", "on_site"], "n": [70, 20, 5, 5]})
    assert market.remote_share(formats) == (25, 100, 70)
    labelled = market.with_labels(formats, "value", "work_format", "en")
    assert labelled["label"].tolist() == ["not stated", "remote", "hybrid", "on site"]


# --------------------------------------------------------------------------- SQL on the real snapshot


@pytest.fixture(scope="module")
def wh(snapshot_warehouse):
    return str(snapshot_warehouse), snapshot_warehouse.stat().st_mtime


@pytest.fixture(scope="module")
def con(snapshot_warehouse):
    c = duckdb.connect(str(snapshot_warehouse), read_only=True)
    yield c
    c.close()


def test_summary_counts_every_row_for_the_salary_share(wh, con):
    s = qm.summary(wh, Filters())
    total, no_salary, usable = con.execute("""SELECT count(*), count(*) FILTER (WHERE list_contains(flags, 'no_salary')),
                                                     count(*) FILTER (WHERE len(flags) = 0) FROM vacancies
                                              WHERE region_iso IS NOT NULL""").fetchone()
    assert s["n_all"] == total and s["n_salary"] == total - no_salary and s["n_usable"] == usable
    assert no_salary > 1000  # flagged rows are in the warehouse, so the share is below 1
    assert 0.5 < s["n_salary"] / s["n_all"] < 1


def test_volume_adds_up_to_the_dated_rows(wh):
    f = Filters(regions=("RU-MOW",))
    s = qm.summary(wh, f)
    for freq in ("week", "month"):
        vol = qm.volume(wh, f, freq)
        assert vol["n"].sum() == s["n_dated"] and (vol["n_salary"] <= vol["n"]).all()
    with pytest.raises(ValueError):
        qm.volume(wh, f, "day")


def test_counts_cover_the_selection(wh):
    f = Filters(professions=("software_developer",))
    n = qm.summary(wh, f)["n_all"]
    for column in ("work_format", "experience"):
        df = qm.counts(wh, f, column)
        assert df["n"].sum() == n and df["share"].sum() == pytest.approx(1)
    with pytest.raises(ValueError):
        qm.counts(wh, f, "title; DROP TABLE vacancies")


def test_vacancies_outside_russia_never_count_in_russian_totals(wh, con):
    """The snapshot keeps Belarus rows (flagged no_region): not in totals, not among employers."""
    abroad = con.execute("SELECT count(*) FROM vacancies WHERE region_iso IS NULL").fetchone()[0]
    everything = con.execute("SELECT count(*) FROM vacancies").fetchone()[0]
    assert abroad > 1000
    assert qm.summary(wh, Filters())["n_all"] == everything - abroad
    top = qm.top_employers(wh, Filters(), limit=50)
    belarus = {e for (e,) in con.execute("""SELECT DISTINCT employer FROM vacancies WHERE region_iso IS NULL
                                           EXCEPT SELECT employer FROM vacancies WHERE region_iso IS NOT NULL""").fetchall()}
    assert not set(top["employer"]) & belarus


def test_top_employers_medians_only_where_n_allows(wh):
    top = qm.top_employers(wh, Filters(), limit=10)
    assert len(top) == 10 and top["n"].is_monotonic_decreasing
    few = top[top["n_pay"] < ranges.MIN_N_ALL]
    assert few["p50"].isna().all()
    assert top.loc[top["n_pay"] >= ranges.MIN_N_ALL, "p50"].notna().all()


def test_top_skills_count_vacancies_and_skip_placeholders(wh, con):
    skills = qm.top_skills(wh, Filters(), limit=10)
    assert "Не указаны" not in skills["skill"].tolist()
    python = con.execute("SELECT count(*) FROM vacancies WHERE list_contains(skills, 'Python') "
                         "AND region_iso IS NOT NULL").fetchone()[0]
    assert skills.iloc[0]["skill"] == "Python" and skills.iloc[0]["n"] == python
    assert (skills["share"] <= 1).all()


def test_skill_premium_on_real_rows(wh):
    prem = qm.skill_premium(wh, Filters(), limit=8)
    assert len(prem) == 8
    shown = prem[prem["enough"]]
    assert len(shown) and (shown[["n_with", "n_without"]] >= market.MIN_N_PREMIUM).all().all()
    assert prem.loc[~prem["enough"], "premium"].isna().all()


def test_sql_matching_equals_the_python_twin(wh, con):
    """The rules run in DuckDB (RE2) on the page and in pandas in tests: same titles must match."""
    titles = con.execute("SELECT title FROM vacancies WHERE region_iso IS NOT NULL").df()["title"]
    rules = market.pay_structure_rules()
    b = qm.bonus_mentions(wh, Filters())
    assert b["n_bonus"] == int(market.mentions(titles, rules.bonus).sum())
    seg = qm.segments(wh, Filters())
    sales = con.execute("SELECT title FROM vacancies WHERE region_iso IS NOT NULL AND profession IN ('account_manager', 'sales_manager')"
                        ).df()["title"]
    is_b2b, is_b2c = market.mentions(sales, rules.b2b), market.mentions(sales, rules.b2c)
    counts = dict(zip(seg["counts"]["key"], seg["counts"]["n"], strict=True))
    assert counts["b2b"] == int((is_b2b & ~is_b2c).sum()) and counts["b2b"] > 50
    assert counts.get("b2c", 0) == int((is_b2c & ~is_b2b).sum())
    assert sum(counts.values()) == len(sales)


def _per_row_bands(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    usable = rows[rows["usable"]].rename(columns={key: "key"})
    return ranges.estimate_cells(usable, by=["key"], lo="lo", hi="hi")


@pytest.mark.parametrize("filters", [Filters(), Filters(basis="gross", regions=("RU-MOW",))])
def test_counted_cached_paths_equal_a_per_row_computation(wh, con, filters):
    """Title tags cached per warehouse, one counted scan per selection: the same counts and bands
    as matching every row in pandas and estimating from one row per vacancy."""
    lo, hi = ("pay_from_gross_rub", "pay_to_gross_rub") if filters.basis == "gross" else ("pay_from_net_rub", "pay_to_net_rub")
    region = "WHERE region_iso = 'RU-MOW'" if filters.regions else "WHERE region_iso IS NOT NULL"  # Russia only
    rows = con.execute(f"SELECT title, employer, profession, len(flags) = 0 AS usable, {lo} AS lo, {hi} AS hi "
                       f"FROM vacancies {region}").df()
    rules = market.pay_structure_rules()
    rows["bonus"] = market.mentions(rows["title"], rules.bonus)
    b2b, b2c = market.mentions(rows["title"], rules.b2b), market.mentions(rows["title"], rules.b2c)
    rows["segment"] = np.select([b2b & b2c, b2b, b2c], ["both", "b2b", "b2c"], "none")

    bonus = qm.bonus_mentions(wh, filters)
    assert (bonus["n_all"], bonus["n_bonus"]) == (len(rows), int(rows["bonus"].sum()))
    pd.testing.assert_frame_equal(bonus["bands"], _per_row_bands(rows, "bonus"))

    sales = rows[rows["profession"].isin(rules.segment_professions)]
    seg = qm.segments(wh, filters)
    assert dict(zip(seg["counts"]["key"], seg["counts"]["n"], strict=True)) == sales["segment"].value_counts().to_dict()
    pd.testing.assert_frame_equal(seg["bands"], _per_row_bands(sales, "segment"))

    top = qm.top_employers(wh, filters, limit=12)
    named = rows[rows["employer"].notna()]
    expect = (named.groupby("employer").agg(n=("usable", "size"), n_pay=("usable", "sum")).reset_index()
              .sort_values(["n", "employer"], ascending=[False, True]).head(12))
    assert top["employer"].tolist() == expect["employer"].tolist()
    assert top["n"].tolist() == expect["n"].tolist() and top["n_pay"].tolist() == expect["n_pay"].tolist()
    p50 = _per_row_bands(named[named["employer"].isin(expect["employer"])], "employer").set_index("key")["p50"]
    np.testing.assert_allclose(top["p50"].to_numpy(), p50.reindex(top["employer"]).to_numpy())


def test_employer_table_of_nothing_keeps_its_columns():
    empty = market.employer_table(pd.DataFrame(columns=["employer", "usable", "lo", "hi", "n"]), pd.DataFrame(), 15)
    assert empty.empty and list(empty.columns) == ["employer", "n", "n_pay", "p50"]


def test_b2b_pays_more_than_unlabelled_sales_on_the_snapshot(wh):
    """The article's claim, checked on data: B2B sales titles pay more than sales titles without a segment."""
    bands = qm.segments(wh, Filters())["bands"].set_index("key")
    assert bands.loc["b2b", "n"] >= 50 and bands.loc["b2b", "p50"] > bands.loc["none", "p50"]


def test_segments_respect_other_professions(wh):
    seg = qm.segments(wh, Filters(professions=("software_developer",)))
    assert seg["counts"].empty and seg["bands"].empty


def test_trend_window_leaves_out_stray_tails():
    periods = pd.date_range("2021-01-01", periods=12, freq="MS")
    vol = pd.DataFrame({"period": periods, "n": [1] + [0] * 5 + [500, 600, 700, 800, 0, 1], "n_salary": 0})
    lo, hi = market.bulk_window(vol)
    assert periods[5] < lo < periods[6] and periods[9] < hi < periods[10]
    even = pd.DataFrame({"period": periods[:4], "n": [10, 10, 10, 10], "n_salary": 0})
    assert market.bulk_window(even) is None
    fig = market.trend_figure(vol, "month", "en")
    assert fig.layout.title.text == "Vacancies published per month (n = 2,602)"


def test_employer_names_on_the_chart_stay_text():
    """An employer named like a link must not become one on the chart (plotly renders <a>, <b>)."""
    employers = pd.DataFrame({"employer": ['<a href="https://evil.example">Сбер</a>', "<b>ООО</b>"],
                              "n": [5, 3], "p50": [100_000.0, float("nan")]})
    fig = market.employers_figure(employers, "net", "ru")
    labels = list(fig.data[0].y)
    assert all("<" not in y for y in labels) and "&lt;b&gt;ООО&lt;/b&gt;" in labels
