"""The benchmark generator reproduces the snapshot's shape, and every bench function runs at a tiny
size. No timings are asserted here (figures belong to `make bench`)."""

from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from benchmarks import generator as g
from benchmarks.bench_harvest import bench_harvest
from benchmarks.bench_pipeline import (
    area_regions,
    naive_normalise_item,
    run_flatten,
    run_load,
    run_naive_normalise,
    run_normalise,
)
from benchmarks.bench_queries import bench_page_queries, naive_pay_bands
from benchmarks.hh_server import FakeHH
from benchmarks.page_queries import PAGE_QUERIES
from pipelines.config import REFERENCE
from pipelines.normalise import dictionary_rates


@pytest.fixture(scope="module")
def calib() -> g.Calibration:
    return g.calibrate()


@pytest.fixture(scope="module")
def items(calib) -> pd.DataFrame:
    return g.generate_items(30_000, seed=7, calib=calib)


@pytest.fixture(scope="module")
def pages(tmp_path_factory, calib):
    items = g.generate_items(2_000, seed=11, calib=calib)
    return items, g.write_pages(items, tmp_path_factory.mktemp("pages"))


def test_range_shapes_follow_design_section_7(items):
    shares = g.shape_shares(items["salary_from"], items["salary_to"])
    assert shares["both"] == pytest.approx(0.5, abs=0.02)
    assert shares["from"] == pytest.approx(1 / 3, abs=0.02)
    assert shares["to"] == pytest.approx(1 / 6, abs=0.02)
    assert shares["ratio"] == pytest.approx(1.33, abs=0.05)


def test_one_sided_postings_sit_where_employers_put_them(items):
    rub = items[(items["currency"] == "RUR") & (items["mode"] != "HOUR")]
    f, t = rub["salary_from"].gt(0), rub["salary_to"].gt(0)
    floors = rub.loc[f & ~t, "salary_from"].median() / rub.loc[f & t, "salary_from"].median()
    ceilings = rub.loc[~f & t, "salary_to"].median() / rub.loc[f & t, "salary_to"].median()
    assert floors == pytest.approx(g.FROM_ONLY_LIFT, abs=0.08)
    assert ceilings == pytest.approx(g.TO_ONLY_DROP, abs=0.08)


def test_mix_of_currency_hourly_and_no_salary_is_calibrated(items, calib):
    assert items["has_salary"].mean() == pytest.approx(1 - calib.no_salary_share, abs=0.02)
    cur = items.loc[items["has_salary"], "currency"].value_counts(normalize=True)
    assert cur["RUR"] > 0.9
    assert {"BYR", "USD"} <= set(cur.index)
    hourly = items["mode"] == "HOUR"
    assert 0 < hourly.mean() < 0.05
    # per hour, not per month — in roubles: the snapshot's pay pool has UZS/KZT rows, where an hour's pay
    # is thousands in the currency's own units
    rates = items.loc[hourly, "currency"].map(dictionary_rates(REFERENCE / "hh_dictionaries.json"))
    assert rates.notna().all()
    assert ((items.loc[hourly, "salary_from"] / rates).dropna() < 5_000).all(), "hourly amounts are per hour"
    assert items.loc[~items["has_salary"], ["salary_from", "salary_to"]].isna().all().all()


def test_titles_and_places_come_from_the_snapshot(items, calib):
    assert set(items["name"]) <= set(calib.title)
    assert set(items["area_id"]) <= set(calib.area_id)
    moscow = (items["area_id"] == "1").mean()
    assert moscow == pytest.approx((calib.area_id == "1").mean(), abs=0.1)  # pay rows skew the mix a little


def test_generated_vacancies_cannot_pass_for_market_data(items):
    ids = items["id"].astype(np.int64)
    assert ids.min() >= g.RESERVED_ID_BASE and ids.is_unique
    assert items["employer_name"].str.startswith("BENCH").all()


def test_pages_have_the_shape_of_hh_search_answers(pages):
    items, paths = pages
    assert len(paths) == 20
    page = json.loads(paths[3].read_text(encoding="utf-8"))
    assert (page["page"], page["per_page"], page["pages"], page["found"]) == (3, 100, 20, 2000)
    it = page["items"][0]
    assert set(it) >= {"id", "name", "area", "salary", "salary_range", "employer", "published_at",
                       "experience", "employment", "schedule", "professional_roles", "work_format"}
    assert it["published_at"].endswith("+0300") and len(it["published_at"]) == 24
    first = items.iloc[300]
    assert it["id"] == first["id"] and it["area"]["id"] == first["area_id"]
    shown = pd.Timestamp(it["published_at"])
    assert shown == first["published_at"].floor("s")


def test_pipeline_reads_generated_pages_like_real_ones(pages):
    items, paths = pages
    raw, flat = run_flatten(paths)
    frame, norm = run_normalise(raw)
    assert flat.rows == norm.rows == len(items) == len(frame)
    by_id = frame.set_index("source_id")
    hourly = items.loc[items["mode"] == "HOUR", "id"]
    assert by_id.loc[hourly, "flags"].str.contains("not_monthly").all()
    unpaid = items.loc[~items["has_salary"], "id"]
    assert by_id.loc[unpaid, "flags"].str.contains("no_salary").all()
    net_rub = items[(items["currency"] == "RUR") & (items["gross"] == False) & items["salary_from"].gt(0)  # noqa: E712
                    & (items["mode"] != "HOUR")].iloc[0]
    assert by_id.at[net_rub["id"], "pay_from_net_rub"] == round(net_rub["salary_from"])


def test_naive_baseline_does_the_same_money_work_as_the_real_path(pages):
    items, paths = pages
    frame, _ = run_normalise(run_flatten(paths)[0])
    rates = dictionary_rates(REFERENCE / "hh_dictionaries.json")
    areas = area_regions()
    page = json.loads(paths[0].read_text(encoding="utf-8"))["items"]
    naive = pd.DataFrame([naive_normalise_item(it, rates, areas) for it in page]).set_index("source_id")
    real = frame.set_index("source_id").loc[naive.index]
    for col in ("pay_from_net_rub", "pay_to_net_rub", "pay_from_gross_rub", "pay_to_gross_rub"):
        diff = (naive[col].astype(float) - real[col].astype(float)).abs()
        assert (diff.fillna(0) <= 1).all() and (naive[col].isna() == real[col].isna()).all(), col
    assert (naive["flags"].str.split(",").map(sorted) == real["flags"].str.split(",").map(sorted)).all()
    timed = run_naive_normalise(paths, max_rows=300, total_rows=2000)
    assert timed.extrapolated_from == 300 and timed.rows == 2000


def test_load_and_page_queries_run_on_a_bench_warehouse(pages, tmp_path):
    _, paths = pages
    frame, _ = run_normalise(run_flatten(paths)[0])
    wh, load = run_load(frame, tmp_path, naive_rows=50)
    assert load.rows == 2000 and load.bytes_on_disk > 0 and load.naive.extrapolated_from == 50
    figures = bench_page_queries(wh, PAGE_QUERIES, warm_repeats=1)  # every page's queries
    assert [f.error for f in figures] == [None] * len(PAGE_QUERIES)
    assert all(f.cold_s > 0 and f.warm_s > 0 for f in figures)
    seconds, size = naive_pay_bands(wh)
    assert seconds > 0 and size > 0
    from analytics import queries
    assert queries.overview((str(wh), wh.stat().st_mtime))["rows"] == 2000


def test_a_broken_page_entry_is_reported_not_fatal(pages, tmp_path):
    _, paths = pages
    wh, _ = run_load(run_normalise(run_flatten(paths[:1])[0])[0], tmp_path, naive_rows=1)

    def broken(wh):
        raise ImportError("no module analytics.queries_nothing")

    [fig] = bench_page_queries(wh, {"nothing": broken}, warm_repeats=1)
    assert fig.cold_s is None and "queries_nothing" in fig.error


def test_fake_hh_pages_filters_and_depth_limit(calib):
    end = g.DEFAULT_END
    items = g.generate_items(3_000, seed=5, calib=calib, start=end - timedelta(days=2), end=end)
    with FakeHH(items) as hh:
        status, body = hh.answer({"per_page": ["100"], "page": ["0"]})
        page = json.loads(body)
        assert status == 200 and page["found"] == 3000 and page["pages"] == 20  # capped at 2 000 items
        assert hh.answer({"per_page": ["100"], "page": ["20"]})[0] == 400
        day = (end - timedelta(days=1)).isoformat()
        recent = json.loads(hh.answer({"date_from": [day], "area": ["1"], "per_page": ["10"]})[1])
        expected = ((items["published_at"] >= end - timedelta(days=1)) & (items["area_id"] == "1")).sum()
        assert recent["found"] == expected and all(i["area"]["id"] == "1" for i in recent["items"])


def test_harvest_bench_gets_every_vacancy_of_its_query(calib, tmp_path):
    figures = bench_harvest(6_000, tmp_path, calib=calib)  # raises if a vacancy were missed
    assert figures.unique_ids > 2000, "more than one slice's worth, so slicing was exercised"
    assert figures.slices > 3 and figures.pages == figures.requests
