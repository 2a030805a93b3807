"""The Data page: warehouse facts, the refresh against a local hh.ru twin, and the page in AppTest."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics import datainfo, refresh
from analytics import queries_data as qd
from analytics.filters import Filters
from pipelines import reference, warehouse
from pipelines.schema import FLAGS
from tests.conftest_hh import KAMCHATKA, json_response

ROOT = Path(__file__).resolve().parents[1]
PAGE_0 = gzip.decompress((KAMCHATKA / "0.json.gz").read_bytes())  # 10 real vacancies, found = 68


@pytest.fixture(scope="module")
def wh(snapshot_warehouse):
    return str(snapshot_warehouse), snapshot_warehouse.stat().st_mtime


@pytest.fixture()
def wh_copy(snapshot_warehouse, tmp_path) -> Path:
    dest = tmp_path / "warehouse.duckdb"
    shutil.copy(snapshot_warehouse, dest)
    return dest


@pytest.fixture()
def hh_env(httpserver, tmp_path, monkeypatch):
    monkeypatch.setenv("VILKA_HH_BASE_URL", httpserver.url_for("").rstrip("/"))
    monkeypatch.setenv("VILKA_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("VILKA_HH_RATE", "0")
    monkeypatch.delenv("VILKA_HH_TOKEN", raising=False)
    # The job reads /dictionaries first and falls back to the shipped copy on failure; a 404 is not
    # retried (pytest-httpserver's default 500 would be, with back-off).
    httpserver.expect_request("/dictionaries").respond_with_data("", status=404)
    return httpserver


# --------------------------------------------------------------------------- warehouse facts


def test_sources_and_flags_match_the_warehouse_status(wh, snapshot_warehouse):
    con = warehouse.connect(snapshot_warehouse, read_only=True)
    status = warehouse.status(con)
    con.close()
    sources = qd.sources(wh)
    assert sources["rows"].sum() == status["total_rows"]
    assert set(sources["source"]) == {s["source"] for s in status["sources"]}
    flags = qd.flag_counts(wh, Filters()).set_index("flag")
    assert list(flags.index) == list(FLAGS)
    assert flags["n_warehouse"].to_dict() == status["flagged"]
    assert (flags["n_selection"] == flags["n_warehouse"]).all()  # no filter: selection = warehouse


def test_flag_counts_of_a_selection(wh):
    moscow = qd.flag_counts(wh, Filters(regions=("RU-MOW",))).set_index("flag")
    assert moscow.loc["no_region", "n_selection"] == 0  # a row in Moscow has a region
    assert 0 < moscow.loc["no_salary", "n_selection"] < moscow.loc["no_salary", "n_warehouse"]


def test_loads_report_duplicates_collapsed(wh):
    loads = qd.loads(wh)
    assert len(loads) == 1 and loads.loc[0, "source"] == "snapshot"
    row = loads.iloc[0]
    assert row["duplicates_in_batch"] == row["rows_in"] - row["rows_new"] > 0
    # loading the embedded snapshot is not a refresh: the page says so and dates the newest vacancy
    text = datainfo.last_refresh(loads, qd.sources(wh), "en")
    assert text.startswith("Nothing has been harvested from the sources yet")
    newest = pd.to_datetime(qd.sources(wh)["last"], utc=True).max()
    assert f"published on {newest:%Y-%m-%d}" in text


def test_last_refresh_is_the_newest_harvest_not_the_snapshot_load():
    loads = pd.DataFrame({"source": ["hh", "snapshot"], "finished_at": [pd.Timestamp("2026-11-30 10:00", tz="UTC"),
                                                                        pd.Timestamp("2026-12-01 09:00", tz="UTC")],
                          "rows_in": [1200, 34215], "rows_new": [800, 28967], "rows_replaced": [400, 0]})
    loads = loads.iloc[::-1].reset_index(drop=True)  # newest load first, as qd.loads gives them
    sources = pd.DataFrame({"source": ["hh"], "last": [pd.Timestamp("2026-11-29 18:00", tz="UTC")]})
    text = datainfo.last_refresh(loads, sources, "ru")
    assert text.startswith("Последний сбор данных: 30.11.2026 10:00 UTC (hh.ru API, 1\u00a0200 строк")
    assert text.endswith("Самая новая вакансия опубликована 29.11.2026.")


def test_selection_size_and_export_limit(wh):
    f = Filters(regions=("RU-SPE",))
    usable, everything = qd.selection_size(wh, f, False), qd.selection_size(wh, f, True)
    assert 0 < usable < everything
    assert len(qd.export_rows(wh, f, True, limit=100)) == 100
    assert len(qd.export_rows(wh, f, False)) == usable


def test_every_flag_has_a_russian_and_an_english_label():
    for flag, english in FLAGS.items():
        assert datainfo.flag_label(flag, "en") == english
        ru = datainfo.flag_label(flag, "ru")
        assert ru != english and any("а" <= ch <= "я" for ch in ru)


# --------------------------------------------------------------------------- refresh


def test_every_exported_column_has_a_russian_and_an_english_header():
    from analytics.i18n import t
    from pipelines.schema import COLUMNS

    for lang in ("ru", "en"):
        headers = [t(f"data_x_{c}", lang) for c in COLUMNS]
        assert len(set(headers)) == len(COLUMNS) and all(headers)


def test_the_selection_as_excel_files_has_russian_headers_and_typed_cells(wh):
    """What the Data page's "CSV для Excel" and .xlsx buttons build, on real rows."""
    import datetime as dt
    import io

    from openpyxl import load_workbook

    from analytics import export
    from analytics.i18n import t

    rows = qd.export_rows(wh, Filters(professions=("devops_engineer",)), include_flagged=True, limit=300)
    people = rows.rename(columns={c: t(f"data_x_{c}", "ru") for c in rows.columns})
    ws = load_workbook(io.BytesIO(export.to_xlsx_bytes(people, "Вакансии"))).worksheets[0]
    values = list(ws.iter_rows(values_only=True))
    assert ws.title == "Вакансии" and values[0][:3] == ("Источник", "ID в источнике", "Название вакансии")
    assert len(values) == 301
    pay = values[0].index("От, на руки, ₽/мес.")
    assert {type(r[pay]) for r in values[1:]} <= {float, int, type(None)} and any(r[pay] for r in values[1:])
    when = values[0].index("Опубликована (UTC)")
    assert all(isinstance(r[when], dt.datetime) for r in values[1:] if r[when] is not None)
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    text = export.to_csv_bytes(people, excel_ru=True).decode("utf-8-sig")
    assert text.startswith('"Источник";"ID в источнике";') and len(pd.read_csv(io.StringIO(text), sep=";")) == 300


def test_plan_from_filters():
    assert refresh.plan(Filters()) is None
    p = refresh.plan(Filters(title=" 1C ", regions=("RU-KAM", "RU-MOW")))
    ids = reference.regions().set_index("iso")["hh_area_id"]
    assert p.text == "1C" and p.areas == (str(ids["RU-KAM"]), "1")
    p = refresh.plan(Filters(professions=("account_manager", "software_developer")))
    assert p.text == "Аккаунт-менеджер OR Программист OR разработчик" and p.areas == ()


def test_refresh_loads_a_real_page_from_the_local_server(hh_env, wh_copy, tmp_path):
    hh_env.expect_request("/vacancies").respond_with_data(PAGE_0, content_type="application/json")
    calls: list[refresh.Running] = []
    result = refresh.run(wh_copy, Filters(title="1C", regions=("RU-KAM",)), calls.append)
    assert result.ok and result.kind == "done", result
    # the recorded vacancies are in the embedded snapshot too: they are updated, not added twice
    assert result.rows_in == 10 and result.rows_new + result.rows_replaced == 10
    assert calls and calls[-1].fraction == 1.0  # the progress bar reaches its end
    assert calls[-1].vacancies == 10 and "10" in refresh.progress_text(calls[-1], "ru")  # running counts
    search = [req for req, _ in hh_env.log if req.path == "/vacancies"]
    assert search[0].args["text"] == "1C"
    assert search[0].args["area"] == str(reference.regions().set_index("iso").at["RU-KAM", "hh_area_id"])
    con = duckdb.connect(str(wh_copy), read_only=True)
    hh_rows = con.execute("SELECT count(*) FROM vacancies WHERE source = 'hh' AND city = 'Петропавловск-Камчатский'"
                          ).fetchone()[0]
    last_load = con.execute("SELECT source, rows_in FROM loads ORDER BY load_id DESC LIMIT 1").fetchone()
    con.close()
    assert hh_rows >= 10 and last_load == ("hh", 10)
    assert list((tmp_path / "raw" / "hh" / "search").rglob("*.json"))  # the raw page is kept
    assert "10" in refresh.message(result, "en")


def test_refresh_behind_a_captcha_says_to_set_the_token(hh_env, wh_copy):
    hh_env.expect_request("/vacancies").respond_with_response(json_response(
        {"errors": [{"type": "captcha_required", "captcha_url": "https://hh.ru/captcha?x=1"}]}, 403))
    before = wh_copy.stat().st_mtime
    result = refresh.run(wh_copy, Filters(title="1C"))
    assert not result.ok and result.kind == "captcha"
    assert "VILKA_HH_TOKEN" in refresh.message(result, "en") and "VILKA_HH_TOKEN" in refresh.message(result, "ru")
    con = duckdb.connect(str(wh_copy), read_only=True)
    assert con.execute("SELECT count(*) FROM loads").fetchone()[0] == 1  # nothing loaded
    con.close()
    assert wh_copy.stat().st_mtime == before


def test_refresh_with_a_bad_user_agent_names_the_setting(hh_env, wh_copy):
    hh_env.expect_request("/vacancies").respond_with_response(
        json_response({"errors": [{"type": "bad_user_agent"}]}, 400))
    result = refresh.run(wh_copy, Filters(title="1C"))
    assert result.kind == "user_agent" and "VILKA_HH_USER_AGENT" in refresh.message(result, "en")


def test_refresh_without_network_says_so(wh_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("VILKA_HH_BASE_URL", "http://127.0.0.1:9")  # discard port: connection refused
    monkeypatch.setenv("VILKA_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("VILKA_HH_RATE", "0")
    result = refresh.run(wh_copy, Filters(title="1C"))
    assert result.kind == "network" and "network" in refresh.message(result, "en").lower()


def test_refresh_with_nothing_to_search_does_not_call_out():
    result = refresh.run("/nonexistent/warehouse.duckdb", Filters())
    assert result.kind == "nothing_to_search" and "profession" in refresh.message(result, "en")


# --------------------------------------------------------------------------- the page


@pytest.fixture()
def app(snapshot_warehouse, monkeypatch):
    monkeypatch.setenv("VILKA_WAREHOUSE", str(snapshot_warehouse))

    def make(warehouse_file: Path | None = None) -> AppTest:
        if warehouse_file:
            monkeypatch.setenv("VILKA_WAREHOUSE", str(warehouse_file))
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
        at.switch_page("pages/data.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return make


def _text(at: AppTest) -> str:
    return " ".join([c.value for c in at.caption] + [m.value for m in at.markdown] + [i.value for i in at.info]
                    + [w.value for w in at.warning] + [e.value for e in at.error] + [s.value for s in at.success])


def test_page_defaults(app, snapshot_warehouse):
    at = app()
    assert at.title[0].value == "Данные"
    assert len(at.dataframe) == 3  # sources, loads, flags
    con = warehouse.connect(snapshot_warehouse, read_only=True)
    total = warehouse.status(con)["total_rows"]
    con.close()
    assert f"{total:,}".replace(",", "\xa0") in at.caption[0].value  # the whole warehouse, Russian digits
    assert [b.key for b in at.get("download_button")] == ["data_csv", "data_csv_excel", "data_xlsx", "data_parquet"]
    assert at.button(key="data_refresh").disabled  # nothing chosen to search for
    assert "профессию" in _text(at)


def test_page_with_filters_that_match_nothing(app):
    at = app()
    at.sidebar.text_input(key="f_title").input("zzzz-no-such-title-zzzz").run()
    assert not at.exception
    assert not at.get("download_button") and "No rows" not in _text(at) and "Нет строк" in _text(at)
    assert not at.button(key="data_refresh").disabled  # a title is something to search for


def test_page_in_english_and_its_own_widgets(app, wh):
    at = app()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.title[0].value == "Data" and "fit for pay statistics" in _text(at)
    at.sidebar.multiselect(key="f_regions_en").set_value(["RU-SPE"]).run()  # English widgets: own keys
    spb = Filters(regions=("RU-SPE",))
    assert f"The file holds {qd.selection_size(wh, spb, False):,} rows" in _text(at)
    at.checkbox(key="data_include_flagged").check().run()
    assert not at.exception
    assert f"The file holds {qd.selection_size(wh, spb, True):,} rows" in _text(at)
    at.sidebar.multiselect(key="f_professions_en").set_value(["account_manager"]).run()
    assert "“Аккаунт-менеджер”, regions: Saint Petersburg" in _text(at)
    assert not at.button(key="data_refresh").disabled


def _page_alone(warehouse_file: Path, monkeypatch, filters: Filters) -> AppTest:
    """The Data page run on its own with filters in session state. Button clicks are driven this way:
    under st.navigation this AppTest version drops a button's trigger between runs (the click never
    reaches the page), while a page run alone receives it."""
    monkeypatch.setenv("VILKA_WAREHOUSE", str(warehouse_file))
    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=60)
    at.session_state["filters"] = filters
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_page_refresh_button_shows_the_captcha_message(hh_env, wh_copy, monkeypatch):
    hh_env.expect_request("/vacancies").respond_with_response(json_response(
        {"errors": [{"type": "captcha_required", "captcha_url": "https://hh.ru/captcha?x=1"}]}, 403))
    at = _page_alone(wh_copy, monkeypatch, Filters(title="1C"))
    at.button(key="data_refresh").click().run()
    assert not at.exception
    assert at.error and "VILKA_HH_TOKEN" in at.error[0].value


def test_page_refresh_button_loads_and_reports(hh_env, wh_copy, monkeypatch):
    hh_env.expect_request("/vacancies").respond_with_data(PAGE_0, content_type="application/json")
    at = _page_alone(wh_copy, monkeypatch, Filters(title="1C"))
    assert len(at.dataframe[1].value) == 1  # the snapshot's load
    at.button(key="data_refresh").click().run()
    assert not at.exception and not at.error
    assert at.success and "10" in at.success[0].value  # reported after the rerun
    assert len(at.dataframe[1].value) == 2  # caches cleared: the new load is listed, newest first
