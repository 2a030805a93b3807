"""Normalisation on real hh.ru items of every vintage (2021 without experience, 2023, 2025 with
salary_range), currencies, null bounds, regions and flags."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analytics import tax
from pipelines.flatten import RAW_COLUMNS, search_pages_frame
from pipelines.normalise import dedupe, dictionary_rates, normalise
from pipelines.schema import COLUMNS
from tests.conftest import FIXTURES

ITEMS = FIXTURES / "hh_items"
RATES = dictionary_rates(FIXTURES.parent.parent / "data" / "reference" / "hh_dictionaries.json")


def _items(name: str) -> dict[str, dict]:
    return {it["id"]: it for it in json.loads((ITEMS / f"{name}.json").read_text())["items"]}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    raw = search_pages_frame(sorted(ITEMS.glob("*.json")))
    return normalise(raw).set_index("source_id", drop=False)


def test_every_item_becomes_one_canonical_row(frame):
    n_items = sum(len(_items(p.stem)) for p in ITEMS.glob("*.json"))
    assert len(frame) == n_items
    assert list(frame.columns) == list(COLUMNS)
    assert frame["source"].eq("hh").all()


def test_2021_items_without_experience_keep_null_experience_and_get_a_level_from_title_or_none(frame):
    for vid, it in _items("2021_python_moscow").items():
        assert "experience" not in it or it["experience"] is None
        row = frame.loc[vid]
        assert row["experience"] is None
        assert row["level_rule"] is None or not str(row["level_rule"]).startswith("experience")


def test_rouble_two_sided_net_range(frame):
    vid, it = next((k, v) for k, v in _items("2021_python_moscow").items()
                   if v["salary"] and v["salary"]["currency"] == "RUR" and v["salary"]["to"])
    row = frame.loc[vid]
    s = it["salary"]
    assert row["salary_from"] == s["from"] and row["salary_to"] == s["to"]
    if s["gross"]:
        assert row["pay_from_gross_rub"] == s["from"]
        assert row["pay_from_net_rub"] == pytest.approx(tax.gross_to_net_monthly(s["from"], 2021), abs=1)
    else:
        assert row["pay_from_net_rub"] == s["from"]
        assert row["pay_from_gross_rub"] == pytest.approx(tax.net_to_gross_monthly(s["from"], 2021), abs=1)
    assert row["region_iso"] == "RU-MOW" and row["federal_district"].startswith("Центральный")
    assert row["flags"] == ""


@pytest.mark.parametrize("name", ["2021_python_moscow", "2023_devops_moscow", "2025_data_engineer_moscow",
                                  "2023_engineer_belarus"])
def test_foreign_currencies_convert_through_dictionary_rates(frame, name):
    for vid, it in _items(name).items():
        s = it.get("salary_range") or it.get("salary")
        if not s or s["currency"] == "RUR":
            continue
        row = frame.loc[vid]
        bound = s["from"] if s["from"] is not None else s["to"]
        col = "pay_from" if s["from"] is not None else "pay_to"
        basis = "gross" if s["gross"] else "net"
        assert row[f"{col}_{basis}_rub"] == pytest.approx(bound / RATES[s["currency"]], abs=1)
        assert row["currency"] == s["currency"]


def test_2025_salary_range_mode_is_read(frame):
    items = _items("2025_data_engineer_moscow")
    with_range = [k for k, v in items.items() if v.get("salary_range")]
    assert with_range
    for vid in with_range:
        assert frame.loc[vid, "salary_mode"] == items[vid]["salary_range"]["mode"]["id"]
    assert frame.loc[with_range[0], "work_format"] in {"remote", "hybrid", "on_site", "field"}


def test_null_bounds_stay_null_and_no_salary_is_flagged(frame):
    for vid, it in {**_items("2021_python_moscow"), **_items("2023_devops_moscow")}.items():
        row = frame.loc[vid]
        if it["salary"] is None:
            assert "no_salary" in row["flags"]
            assert np.isnan(row["pay_from_net_rub"]) and np.isnan(row["pay_to_net_rub"])
        elif it["salary"]["to"] is None:
            assert np.isnan(row["pay_to_net_rub"]) and row["pay_from_net_rub"] > 0


def test_belarus_is_kept_but_flagged_no_region(frame):
    for vid in _items("2023_engineer_belarus"):
        row = frame.loc[vid]
        assert row["country"] == "Беларусь"
        assert row["region_iso"] is None or pd.isna(row["region_iso"])
        assert "no_region" in row["flags"]


def test_kamchatka_city_resolves_to_its_region(frame):
    for vid in _items("2021_1c_kamchatka"):
        assert frame.loc[vid, "region_iso"] == "RU-KAM"
        assert frame.loc[vid, "federal_district"].startswith("Дальневосточный")


def _raw(**over) -> pd.DataFrame:
    base = {c: None for c in RAW_COLUMNS}
    base.update(source="hh", source_id="1", title="Аккаунт-менеджер", area_id="88", area_name="Казань",
                salary_from=80000.0, salary_to=None, currency="RUR", gross=False,
                published_at="2025-03-01T10:00:00+0300", work_format=[], professional_roles=[], skills=[])
    base.update(over)
    return pd.DataFrame([base])


@pytest.mark.parametrize("over, flag", [
    ({"salary_mode": "HOUR", "salary_from": 500.0}, "not_monthly"),
    ({"salary_mode": "SHIFT", "salary_from": 5000.0}, "not_monthly"),
    ({"currency": "XYZ"}, "unknown_currency"),
    ({"salary_from": 15000.0}, "below_mrot"),  # 2025 MROT is 22 440 gross
    ({"salary_from": 50.0}, "absurd"),
    ({"salary_from": 90_000_000.0}, "absurd"),
    ({"salary_from": 200000.0, "salary_to": 100000.0}, "absurd"),
    ({"area_id": None, "area_name": None}, "no_region"),
    ({"salary_from": None}, "no_salary"),
])
def test_flags(over, flag):
    row = normalise(_raw(**over), rates=RATES).iloc[0]
    assert flag in row["flags"].split(",")


def test_clean_row_has_no_flags_and_net_to_gross_uses_the_year():
    row = normalise(_raw(), rates=RATES).iloc[0]
    assert row["flags"] == ""
    assert row["region_iso"] == "RU-TA"
    assert row["pay_from_net_rub"] == 80000
    assert row["pay_from_gross_rub"] == round(80000 / 0.87)
    assert row["profession"] == "account_manager"


def test_part_time_below_mrot_is_not_flagged():
    row = normalise(_raw(salary_from=15000.0, employment="part"), rates=RATES).iloc[0]
    assert "below_mrot" not in row["flags"]


def test_kzt_from_a_real_flattened_row():
    # hh_snapshot_2022-12-21.csv: "Аналитик,700000,900000,KZT,Алматы,2022-12-21T09:57:25+0300"
    row = normalise(_raw(title="Аналитик", salary_from=700000.0, salary_to=900000.0, currency="KZT",
                         area_id="160", area_name="Алматы", gross=None,
                         published_at="2022-12-21T09:57:25+0300"), rates=RATES).iloc[0]
    assert row["pay_from_net_rub"] == pytest.approx(700000 / RATES["KZT"], abs=1)
    assert row["country"] == "Казахстан" and "no_region" in row["flags"]


def test_normalise_does_not_mutate_its_input():
    raw = _raw()
    before = raw.copy()
    normalise(raw, rates=RATES)
    pd.testing.assert_frame_equal(raw, before)


def test_dedupe_keeps_newest_version():
    raw = pd.concat([_raw(salary_from=80000.0, published_at="2025-01-01T00:00:00+0300"),
                     _raw(salary_from=90000.0, published_at="2025-02-01T00:00:00+0300")])
    out = dedupe(normalise(raw, rates=RATES))
    assert len(out) == 1 and out.iloc[0]["salary_from"] == 90000


def _mixed_raw() -> pd.DataFrame:
    """A dump's rows: amounts as text, one written in words, one date that is not a date."""
    rows = [_raw(source_id="ok", salary_from="80000", salary_to="120000.5"),
            _raw(source_id="words", salary_from="от 50 тысяч"),
            _raw(source_id="words_to", salary_from="70000", salary_to="сто тысяч"),
            _raw(source_id="inf", salary_from=float("inf")),
            _raw(source_id="bad_date", published_at="вчера"),
            _raw(source_id="date_2300", published_at="2300-13-45T00:00:00+0300"),
            _raw(source_id="no_date", published_at=None),
            _raw(source_id="blank", salary_from="  ", published_at=" ")]
    return pd.concat(rows, ignore_index=True)


def test_salary_in_words_and_unreadable_dates_are_flagged_not_silent_nulls():
    out = normalise(_mixed_raw(), rates=RATES).set_index("source_id")
    assert len(out) == 8  # rows are kept
    flags = out["flags"].str.split(",")
    assert out.loc["ok", "flags"] == "" and out.loc["ok", "pay_to_net_rub"] == 120000  # numeric text reads
    for vid in ("words", "words_to", "inf"):
        assert "bad_salary" in flags[vid], vid
    assert "no_salary" not in flags["words"]  # pay was published, just not as a number
    assert pd.isna(out.loc["words", "salary_from"]) and pd.isna(out.loc["inf", "pay_from_net_rub"])
    for vid in ("bad_date", "date_2300"):
        assert "bad_date" in flags[vid] and pd.isna(out.loc[vid, "published_at"]), vid
    assert out.loc["no_date", "flags"] == ""  # no date given is undated, not bad
    assert "no_salary" in flags["blank"] and "bad_salary" not in flags["blank"]
    assert "bad_date" not in flags["blank"]


def test_the_new_flags_are_declared_and_labelled():
    from analytics.i18n import t
    from pipelines.schema import FLAGS

    for flag in ("bad_salary", "bad_date"):
        assert FLAGS[flag] and t(f"data_flag_{flag}", "ru") != FLAGS[flag]


def test_hh_json_with_pay_in_words_or_a_bad_date_is_flagged_through_flatten(tmp_path):
    """The same cases arriving as hh JSON: flatten keeps each bound as JSON until it is read, so
    words, booleans and unreadable dates reach the normaliser as flags instead of silent NULLs."""
    real = next(iter(_items("2025_data_engineer_moscow").values()))

    def item(vid: str, salary: dict, published_at: str | None) -> dict:
        return {**real, "id": vid, "salary": None, "published_at": published_at,
                "salary_range": {**salary, "currency": "RUR", "gross": False}}

    stamp = "2025-03-04T10:00:00+0300"
    items = [item("ok", {"from": 60000, "to": "80000"}, "2025-03-04T10:00:00+03:00"),
             item("words", {"from": "пятьдесят тысяч", "to": None}, stamp),
             item("bool", {"from": True, "to": None}, stamp),
             item("blank", {"from": " ", "to": None}, " "),
             item("bad_date", {"from": 60000, "to": None}, "вчера")]
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"items": items, "found": len(items)}, ensure_ascii=False))
    out = normalise(search_pages_frame([page]), rates=RATES).set_index("source_id")
    flags = out["flags"].str.split(",")
    assert out.loc["ok", "flags"] == "" and out.loc["ok", "salary_to"] == 80000
    assert out.loc["ok", "published_at"] == pd.Timestamp("2025-03-04T07:00:00Z")
    for vid in ("words", "bool"):
        assert "bad_salary" in flags[vid] and "no_salary" not in flags[vid], vid
        assert pd.isna(out.loc[vid, "salary_from"]), vid
    assert "no_salary" in flags["blank"] and "bad_salary" not in flags["blank"]
    assert "bad_date" not in flags["blank"] and pd.isna(out.loc["blank", "published_at"])
    assert "bad_date" in flags["bad_date"] and pd.isna(out.loc["bad_date", "published_at"])
