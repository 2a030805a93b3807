"""Работа России: client, harvest, raw frame and fetch job against a local server on 127.0.0.1.

The server answers from tests/fixtures/trudvsem/vacancies.json (hand-built in the documented
shape; see the README there) the way the API does: ``offset`` is a page number, ``limit`` a page
size, ``/region/{code}`` filters by ``region.region_code``.
"""

from __future__ import annotations

import copy
import json
import math
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from werkzeug import Request, Response

from pipelines import warehouse
from pipelines.flatten import RAW_COLUMNS
from pipelines.jobs import JobFailed
from pipelines.normalise import normalise
from pipelines.reference import regions
from pipelines.sources import trudvsem as tv

FIXTURE = Path(__file__).parent / "fixtures" / "trudvsem" / "vacancies.json"
VACANCIES: list[dict] = json.loads(FIXTURE.read_text(encoding="utf-8"))
PATH = re.compile(r"^/api/v1/vacancies(/region/\d{13})?$")

# Personal data present in the fixture; none of it may reach the disk or the warehouse.
PERSONAL = [
    "Иванова Мария Петровна", "Петров Сергей Иванович", "123-45-67", "41-22-33", "345-67-89",
    "123 45 67", "hr@example.ru", "kadry.ural@mail.ru", "contact_person", "contact_list",
    "contact_value",
]


class FakeTrudvsem:
    """Pages of the fixture pool; ``fail`` maps a page number to a list of responses served first."""

    def __init__(self, pool: list[dict] | None = None) -> None:
        self.pool = pool if pool is not None else VACANCIES
        self.fail: dict[int, list[Response]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []

    def __call__(self, request: Request) -> Response:
        args = request.args.to_dict()
        self.requests.append((request.path, args))
        page, limit = int(args.get("offset", 0)), int(args.get("limit", 100))
        if self.fail.get(page):
            return self.fail[page].pop(0)
        code = request.path.rsplit("/", 1)[-1] if "/region/" in request.path else None
        sel = [v for v in self.pool if code is None or v["vacancy"]["region"]["region_code"] == code]
        if "text" in args:
            sel = [v for v in sel if args["text"].lower() in v["vacancy"]["job-name"].lower()]
        chunk = sel[page * limit:(page + 1) * limit]
        body = {"status": "200", "request": {"api": "v1"}, "meta": {"total": len(sel), "limit": limit}}
        body["results"] = {"vacancies": chunk} if chunk else {}  # the API drops the key when empty
        return Response(json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8")

    def offsets(self) -> list[int]:
        return [int(a["offset"]) for _, a in self.requests]


@pytest.fixture
def fake(httpserver):
    f = FakeTrudvsem()
    httpserver.expect_request(PATH).respond_with_handler(f)
    return f


def client_for(httpserver, **kw) -> tv.TrudvsemClient:
    kw = {"rate_limit": 0, "retries": 3, "backoff_factor": 0, "timeout": (2, 5), **kw}
    return tv.TrudvsemClient(base_url=httpserver.url_for("").rstrip("/"), **kw)


def ids_in(pages: list[Path]) -> list[str]:
    return [w["vacancy"]["id"] for p in pages for w in json.loads(p.read_bytes())["results"]["vacancies"]]


ALL_IDS = sorted(v["vacancy"]["id"] for v in VACANCIES)


# ---- harvest ---------------------------------------------------------------------------------


def test_offset_is_a_page_number_and_every_page_is_stored(httpserver, fake, tmp_path):
    with client_for(httpserver) as c:
        r = tv.harvest_trudvsem(c, [], None, None, tmp_path, limit=5)
    assert fake.offsets() == [0, 1, 2]  # 12 vacancies / 5 per page: page numbers, not 0, 5, 10
    assert all(a["limit"] == "5" and p == "/api/v1/vacancies" for p, a in fake.requests)
    assert [p.name for p in r.pages] == ["0.json", "1.json", "2.json"]
    assert sorted(ids_in(r.pages)) == ALL_IDS
    assert (r.pages_fetched, r.pages_reused, r.found) == (3, 0, 12)
    assert list(tv.iter_raw_trudvsem_pages(tmp_path)) == r.pages


def test_regions_use_the_region_path_and_text_and_since_are_sent(httpserver, fake, tmp_path):
    seen = []
    with client_for(httpserver) as c:
        r = tv.harvest_trudvsem(c, ["7700000000000", "6600000000000"], "менеджер", pd.Timestamp("2024-01-01").date(),
                                tmp_path, progress=lambda d, t: seen.append((d, t)))
    assert sorted(p for p, _ in fake.requests) == ["/api/v1/vacancies/region/6600000000000",
                                                    "/api/v1/vacancies/region/7700000000000"]
    assert all(a["text"] == "менеджер" and a["modifiedFrom"] == "2024-01-01T00:00:00Z" for _, a in fake.requests)
    assert sorted(ids_in(r.pages)) == sorted(
        v["vacancy"]["id"] for v in VACANCIES
        if "менеджер" in v["vacancy"]["job-name"].lower()
        and v["vacancy"]["region"]["region_code"] in {"7700000000000", "6600000000000"})
    assert len(r.query_keys) == 2 and seen[-1] == (2, 2)


def test_bad_region_code_is_refused():
    with pytest.raises(ValueError, match="13-digit"):
        tv.TrudvsemQuery(region="66")


def test_503_then_success_is_retried(httpserver, fake, tmp_path):
    fake.fail[0] = [Response("<html>503 Service Unavailable</html>", 503, headers={"Retry-After": "0"})]
    with client_for(httpserver) as c:
        r = tv.harvest_trudvsem(c, [], None, None, tmp_path)
    assert fake.offsets() == [0, 0]
    assert sorted(ids_in(r.pages)) == ALL_IDS


@pytest.mark.parametrize(("status", "exc"), [(500, tv.ServerError), (429, tv.RateLimited), (404, tv.TrudvsemError)])
def test_persistent_errors_become_named_exceptions(httpserver, fake, tmp_path, status, exc):
    fake.fail[0] = [Response("no", status, headers={"Retry-After": "0"}) for _ in range(10)]
    with client_for(httpserver, retries=2) as c, pytest.raises(exc) as info:
        tv.harvest_trudvsem(c, [], None, None, tmp_path)
    assert info.value.status == status
    assert not list(tmp_path.rglob("0.json"))


def test_network_error_is_named(tmp_path):
    with tv.TrudvsemClient(base_url="http://127.0.0.1:9", rate_limit=0, retries=0, timeout=(1, 1)) as c:
        with pytest.raises(tv.NetworkError, match="unreachable"):
            tv.harvest_trudvsem(c, [], None, None, tmp_path)


def test_broken_json_is_reported_and_nothing_half_stored(httpserver, fake, tmp_path):
    fake.fail[1] = [Response('{"status": "200", "meta": {"total": 12', content_type="application/json")]
    with client_for(httpserver) as c, pytest.raises(tv.BadResponse, match="not JSON"):
        tv.harvest_trudvsem(c, [], None, None, tmp_path, limit=5)
    qdir = next((tmp_path / "trudvsem").iterdir())
    assert sorted(p.name for p in qdir.iterdir()) == ["0.json", "state.json"]  # no temp file, no page 1
    state = json.loads((qdir / "state.json").read_text())
    assert state["done_pages"] == [0] and not state["done"]
    fake.requests.clear()
    with client_for(httpserver) as c:
        r = tv.harvest_trudvsem(c, [], None, None, tmp_path, limit=5)
    assert fake.offsets() == [1, 2]
    assert sorted(ids_in(r.pages)) == ALL_IDS


@pytest.mark.parametrize("body", [b'{"status": "200", "results": {"vacancies": []}}',  # no meta
                                  b'{"status": "200", "meta": {"total": 1}, "results": {"vacancies": [{"x": 1}]}}',
                                  b'{"status": "400", "meta": {"total": 0}, "results": {}}'])
def test_wrong_shape_is_a_bad_response(httpserver, fake, tmp_path, body):
    fake.fail[0] = [Response(body, content_type="application/json")]
    with client_for(httpserver) as c, pytest.raises(tv.BadResponse):
        tv.harvest_trudvsem(c, [], None, None, tmp_path)


def test_killed_run_resumes_without_refetching(httpserver, fake, tmp_path):
    fake.fail[2] = [Response("down", 500) for _ in range(10)]  # the "kill": the run dies at page 2
    with client_for(httpserver, retries=0) as c, pytest.raises(tv.ServerError):
        tv.harvest_trudvsem(c, [], None, None, tmp_path, limit=4)
    fake.fail.clear()
    fake.requests.clear()
    with client_for(httpserver) as c:
        r = tv.harvest_trudvsem(c, [], None, None, tmp_path, limit=4)
    assert fake.offsets() == [2]
    assert (r.pages_fetched, r.pages_reused) == (1, 2)
    assert sorted(ids_in(r.pages)) == ALL_IDS
    fake.requests.clear()
    with client_for(httpserver) as c:  # finished: nothing asked again
        again = tv.harvest_trudvsem(c, [], None, None, tmp_path, limit=4)
    assert fake.requests == [] and again.pages == r.pages


def test_page_written_but_not_recorded_is_reused(httpserver, fake, tmp_path):
    with client_for(httpserver) as c:
        first = tv.harvest_trudvsem(c, [], None, None, tmp_path, limit=4)
    qdir = first.pages[0].parent
    state = json.loads((qdir / "state.json").read_text())
    state["done_pages"], state["done"] = [0, 1], False  # as if killed between writing page 2 and the state
    (qdir / "state.json").write_text(json.dumps(state))
    fake.requests.clear()
    with client_for(httpserver) as c:
        r = tv.harvest_trudvsem(c, [], None, None, tmp_path, limit=4)
    assert fake.requests == [] and sorted(ids_in(r.pages)) == ALL_IDS


def test_empty_result_is_one_page_and_a_warning(httpserver, fake, tmp_path):
    with client_for(httpserver) as c:
        r = tv.harvest_trudvsem(c, ["9900000000000"], None, None, tmp_path)
    assert fake.offsets() == [0] and r.found == 0 and ids_in(r.pages) == []
    assert r.warnings == ["Работа России found nothing for region 9900000000000"]
    empty = tv.trudvsem_raw_frame(r.pages)
    assert empty.empty and list(empty.columns) == [*RAW_COLUMNS, "region_iso"] and normalise(empty).empty


# ---- personal data ---------------------------------------------------------------------------


def test_contacts_never_reach_the_disk(httpserver, fake, tmp_path):
    with client_for(httpserver) as c:
        tv.harvest_trudvsem(c, [], None, None, tmp_path, limit=5)
    text = "\n".join(p.read_text(encoding="utf-8") for p in tmp_path.rglob("*") if p.is_file())
    raw = json.dumps(VACANCIES, ensure_ascii=False)
    for s in PERSONAL:
        assert s in raw, s  # the fixture does carry it ...
        assert s not in text, s  # ... and the stored pages do not
    assert "7701234567" in text and "Ведение ключевых клиентов. Контакт: [скрыто]" in text  # INN kept


def test_strip_personal_keeps_identifiers_and_masks_free_text():
    v = {"id": "89123456789", "company": {"inn": "89123456789", "phone": "1", "email": "a@b.ru", "name": "ООО"},
         "duty": "тел. +7(912)345-67-89 или 89123456789, a.b@c.ru", "contact_list": [{"contact_value": "x"}],
         "salary": "от 50000 до 70000", "addresses": {"address": [{"location": "г Пермь"}]}}
    out = tv.strip_personal(v)
    assert out == {"id": "89123456789", "company": {"inn": "89123456789", "name": "ООО"},
                   "duty": "тел. [скрыто] или [скрыто], [скрыто]", "salary": "от 50000 до 70000",
                   "addresses": {"address": [{"location": "г Пермь"}]}}
    assert "phone" in v["company"]  # the input is not mutated


# ---- raw frame -------------------------------------------------------------------------------


def page_file(tmp_path: Path, vacancies: list[dict], name: str = "0.json") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps({"status": "200", "meta": {"total": len(vacancies)},
                             "results": {"vacancies": vacancies}}, ensure_ascii=False), encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        return tv.trudvsem_raw_frame([page_file(Path(d), tv.strip_personal(VACANCIES))])


def test_raw_frame_has_the_normaliser_contract(raw):
    assert list(raw.columns) == [*RAW_COLUMNS, "region_iso"]
    assert len(raw) == len(VACANCIES) and set(raw["source"]) == {"trudvsem"}
    assert raw["source_id"].tolist() == [v["vacancy"]["id"] for v in VACANCIES]
    assert raw["gross"].isna().all() and raw["salary_mode"].isna().all() and raw["area_id"].isna().all()


def row(raw: pd.DataFrame, title: str) -> pd.Series:
    return raw.set_index("title").loc[title]


@pytest.mark.parametrize(("title", "lo", "hi"), [
    ("Менеджер по продажам", 45000, 80000),         # numbers
    ("Бухгалтер", 38000, None),                      # strings, "0" = not set
    ("Водитель автомобиля категории C", None, None),  # 0 and 0: no pay
    ("Инженер-программист", 150000, 220000),        # "150000.00"
    ("Учитель математики", 30000, 35000),           # "30 000"
])
def test_salaries_numbers_strings_and_zero(raw, title, lo, hi):
    r = row(raw, title)
    assert (r["salary_from"] if lo else None) == lo and (r["salary_to"] if hi else None) == hi
    assert pd.isna(r["salary_from"]) == (lo is None) and pd.isna(r["salary_to"]) == (hi is None)


def test_codes_are_mapped_to_hh_ids(raw):
    assert set(raw["currency"].dropna()) == {"RUR"}
    exp = dict(zip(raw["title"], raw["experience"], strict=True))
    assert exp["Продавец-кассир"] == "noExperience" and exp["Повар"] == "noExperience"  # 0 and "0"
    assert exp["Менеджер по продажам"] == "between1And3" and exp["Водитель автомобиля категории C"] == "between1And3"
    assert exp["Бухгалтер"] == "between3And6" and exp["Менеджер по работе с ключевыми клиентами"] == "between3And6"
    assert exp["Инженер-программист"] == "moreThan6"
    emp = dict(zip(raw["title"], raw["employment"], strict=True))
    assert (emp["Менеджер по продажам"], emp["Продавец-кассир"], emp["Учитель математики"]) == ("full", "part", "probation")
    assert emp["Повар"] is None  # "Временная": no obvious hh id
    sch = dict(zip(raw["title"], raw["schedule"], strict=True))
    assert (sch["Бухгалтер"], sch["Медицинская сестра"], sch["Продавец-кассир"], sch["Инженер-программист"],
            sch["Оленевод"]) == ("fullDay", "shift", "flexible", "remote", "flyInFlyOut")
    assert row(raw, "Бухгалтер")["published_at"] == "2024-03-05"


def test_area_name_is_the_address_city_else_the_region(raw):
    place = dict(zip(raw["title"], raw["area_name"], strict=True))
    assert place["Менеджер по продажам"] == "Екатеринбург" and place["Бухгалтер"] == "Нижний Тагил"
    assert place["Электромонтер по ремонту оборудования"] == "Сургут"
    assert place["Продавец-кассир"] == "Свердловская область" and place["Оленевод"] == "Ненецкий автономный округ"


def test_every_fixture_vacancy_resolves_to_its_region(raw):
    by_code = dict(zip(regions()["trudvsem_code"], regions()["iso"], strict=True))
    expected = [by_code[v["vacancy"]["region"]["region_code"]] for v in VACANCIES]
    assert raw["region_iso"].tolist() == expected and raw["region_iso"].notna().all()
    assert {"RU-SVE", "RU-MOW", "RU-TA", "RU-AD", "RU-SEV", "RU-KHM", "RU-CU", "RU-NEN"} == set(expected)


def test_region_by_name_when_the_code_is_missing_and_baikonur_stays_unknown(tmp_path):
    a, b = copy.deepcopy(VACANCIES[0]), copy.deepcopy(VACANCIES[1])
    a["vacancy"]["region"] = {"name": "Татарстан республика"}
    b["vacancy"]["region"] = {"region_code": "9900000000000", "name": "г Байконур"}
    raw = tv.trudvsem_raw_frame([page_file(tmp_path, [a, b])])
    assert raw["region_iso"].tolist() == ["RU-TA", None]


def test_a_broken_stored_page_names_the_file(tmp_path):
    bad = tmp_path / "3.json"
    bad.write_text('{"meta": ', encoding="utf-8")
    with pytest.raises(ValueError, match="3.json"):
        tv.trudvsem_raw_frame([bad])


def test_normalised_rows_get_regions_pay_and_flags(raw):
    out = normalise(raw).set_index("title")
    assert out["region_iso"].notna().all() and out["federal_district"].notna().all()
    assert out.loc["Оператор котельной", "region"] == "Севастополь"
    assert out.loc["Менеджер по продажам", "pay_from_net_rub"] == 45000  # unknown gross → on hand
    assert out.loc["Менеджер по продажам", "pay_from_gross_rub"] == pytest.approx(45000 / 0.87, abs=1)
    assert out.loc["Водитель автомобиля категории C", "flags"] == "no_salary"
    assert out.loc["Менеджер по продажам", "flags"] == ""


# ---- the job: load, idempotence, nothing personal in the warehouse ----------------------------


def test_fetch_twice_gives_the_same_rows_and_no_personal_data(httpserver, fake, tmp_path, monkeypatch):
    monkeypatch.setenv("VILKA_TRUDVSEM_BASE_URL", httpserver.url_for("").rstrip("/"))
    monkeypatch.setenv("VILKA_TRUDVSEM_RATE", "0")
    wh = tmp_path / "wh.duckdb"
    first = tv.fetch_trudvsem(wh, [], None, None, raw_root=tmp_path / "raw")
    second = tv.fetch_trudvsem(wh, [], None, None, raw_root=tmp_path / "raw")
    assert (first.rows_in, first.rows_new, first.rows_replaced) == (12, 12, 0)
    assert (second.pages_fetched, second.rows_new, second.rows_replaced, second.total_rows) == (0, 0, 12, 12)
    assert "Работа России: 1 pages fetched" in first.line()
    con = duckdb.connect(str(wh), read_only=True)
    try:
        ids = sorted(r[0] for r in con.execute("SELECT source_id FROM vacancies WHERE source = 'trudvsem'").fetchall())
        dump = con.execute("SELECT * FROM vacancies").df().to_csv()
        loads = con.execute("SELECT source, rows_in FROM loads ORDER BY load_id").fetchall()
    finally:
        con.close()
    assert ids == ALL_IDS and loads == [("trudvsem", 12), ("trudvsem", 12)]
    for s in PERSONAL:
        assert s not in dump, s


def test_fetch_failure_is_a_one_line_job_failure_and_leaves_the_warehouse(httpserver, fake, tmp_path, monkeypatch):
    fake.fail[0] = [Response("<html>broken", 200, content_type="text/html")]
    wh = tmp_path / "wh.duckdb"
    with client_for(httpserver) as c, pytest.raises(JobFailed, match="not JSON"):
        tv.fetch_trudvsem(wh, [], None, None, raw_root=tmp_path / "raw", client=c)
    assert not wh.exists()


def test_status_counts_trudvsem_rows(httpserver, fake, tmp_path):
    wh = tmp_path / "wh.duckdb"
    with client_for(httpserver) as c:
        tv.fetch_trudvsem(wh, ["6600000000000"], None, None, raw_root=tmp_path / "raw", client=c)
    con = warehouse.connect(wh, read_only=True)
    try:
        s = warehouse.status(con)
    finally:
        con.close()
    assert s["sources"][0]["source"] == "trudvsem" and s["sources"][0]["rows"] == 4
    assert s["duplicate_keys"] == 0
    assert math.isclose(s["flagged"]["no_salary"], 1)


def test_the_latest_version_of_a_vacancy_wins(tmp_path):
    old, new = copy.deepcopy(VACANCIES[0]), copy.deepcopy(VACANCIES[0])
    old["vacancy"]["modify-date"], old["vacancy"]["salary_min"] = "2024-03-04", 45000
    new["vacancy"]["modify-date"], new["vacancy"]["salary_min"] = "2024-03-20", 50000
    first = page_file(tmp_path, [new, VACANCIES[1]], "0.json")
    later = page_file(tmp_path, [old], "1.json")  # an older version stored on a later page
    raw = tv.trudvsem_raw_frame([first, later])
    assert raw["source_id"].tolist() == [VACANCIES[0]["vacancy"]["id"], VACANCIES[1]["vacancy"]["id"]]
    assert raw["salary_from"].tolist() == [50000, 38000]


def test_a_new_day_is_a_new_query_and_rebuild_order_is_by_day(httpserver, fake, tmp_path):
    from datetime import date

    with client_for(httpserver) as c:
        day2 = tv.harvest_trudvsem(c, [], None, None, tmp_path, as_of=date(2024, 3, 2))
        day1 = tv.harvest_trudvsem(c, [], None, None, tmp_path, as_of=date(2024, 3, 1))
        same = tv.harvest_trudvsem(c, [], None, None, tmp_path, as_of=date(2024, 3, 1))
    assert fake.offsets() == [0, 0] and same.pages_fetched == 0
    assert day1.query_keys != day2.query_keys
    assert list(tv.iter_raw_trudvsem_pages(tmp_path)) == day1.pages + day2.pages
