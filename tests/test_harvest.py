"""harvest() against a real local HTTP server: paging, slicing past 2 000, resume, details."""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from werkzeug import Response

from pipelines.harvest import (
    SearchQuery,
    harvest,
    iter_raw_details,
    iter_raw_search_pages,
)
from pipelines.sources import hh
from tests.conftest_hh import (
    DEVOPS,
    KAMCHATKA,
    PoolServer,
    detail_bytes,
    items_of,
    json_response,
    make_client,
    page_bytes,
    serve_pages,
)

MSK = timezone(timedelta(hours=3))
NOW = datetime(2023, 9, 5, 0, 0, tzinfo=MSK)  # just after the DevOps pages were recorded
KAM_QUERY = SearchQuery(text="1C", areas=("44",), extra=(("only_with_salary", "true"),))


def _ids(pages: list[bytes]) -> list[str]:
    return [i["id"] for body in pages for i in json.loads(body)["items"]]


def _requested_pages(server) -> list[int]:
    return [int(req.args["page"]) for req, _ in server.log if req.path == "/vacancies"]


def _qdir(raw: Path, q: SearchQuery) -> Path:
    return raw / "hh" / "search" / q.key()


def test_query_key_is_stable_and_params_are_repeatable():
    a = SearchQuery(text="python", areas=("2", "1"), roles=("96",), date_from=datetime(2024, 1, 1))
    b = SearchQuery(
        text="python", areas=("1", "2"), roles=("96",), date_from=datetime(2024, 1, 1, tzinfo=UTC)
    )
    assert a.key() == b.key() and len(a.key()) == 16
    assert a.key() != SearchQuery(text="python").key()
    p = a.params(page=3, per_page=50)
    assert [v for k, v in p if k == "area"] == ["1", "2"]
    assert ("professional_role", "96") in p and ("date_from", "2024-01-01T00:00:00+0000") in p
    assert ("page", "3") in p and ("per_page", "50") in p
    assert SearchQuery.from_json(a.to_json()) == a


def test_pagination_stores_every_real_page_verbatim(httpserver, tmp_path):
    pages = page_bytes(KAMCHATKA)
    httpserver.expect_request("/vacancies").respond_with_handler(serve_pages(pages))
    calls = []
    with make_client(httpserver) as c:
        res = harvest(
            c, KAM_QUERY, tmp_path, per_page=10, now=NOW, progress=lambda d, t: calls.append((d, t))
        )
    assert _requested_pages(httpserver) == list(range(7))
    req = httpserver.log[0][0]
    assert req.args["text"] == "1C" and req.args["area"] == "44" and req.args["only_with_salary"] == "true"
    assert req.args["per_page"] == "10"
    assert [p.read_bytes() for p in res.pages] == pages  # exactly as fetched
    assert set(res.ids) == set(_ids(pages)) and res.unique_ids == 68 == json.loads(pages[0])["found"]
    assert (res.pages_fetched, res.pages_reused, res.warnings) == (7, 0, [])
    assert calls[-1] == (7, 7)
    assert list(iter_raw_search_pages(tmp_path)) == res.pages
    state = json.loads((_qdir(tmp_path, KAM_QUERY) / "state.json").read_text())
    assert state["done"] and state["slices"][0]["done_pages"] == list(range(7))

    again = harvest(c, KAM_QUERY, tmp_path, per_page=10, now=NOW)
    assert len(httpserver.log) == 7  # finished query: nothing fetched again
    assert (again.pages_fetched, again.pages_reused, again.ids) == (0, 7, res.ids)


def _big_pool() -> tuple[list[dict], set[str]]:
    """2 400 Moscow items made from the 300 real DevOps items (8 copies, new ids, minutes apart)
    plus the 68 real Kamchatka items: found > 2 000, so the harvest must slice."""
    pool = []
    for item in items_of(DEVOPS):
        t = datetime.strptime(item["published_at"], "%Y-%m-%dT%H:%M:%S%z")
        for k in range(8):
            clone = copy.deepcopy(item)
            clone["id"] = str(int(item["id"]) * 10 + k)
            clone["published_at"] = (t - timedelta(minutes=k)).strftime("%Y-%m-%dT%H:%M:%S%z")
            pool.append(clone)
    pool += items_of(KAMCHATKA)
    return pool, {i["id"] for i in pool}


def test_found_over_2000_is_sliced_by_area_then_date(httpserver, tmp_path):
    pool, expected = _big_pool()
    assert len(expected) == 2468
    server = PoolServer(pool)
    httpserver.expect_request("/vacancies").respond_with_handler(server)
    q = SearchQuery(text="NAME:DevOps", areas=("1", "44"))
    with make_client(httpserver) as c:
        res = harvest(c, q, tmp_path, now=NOW)

    assert set(res.ids) == expected and len(res.ids) == res.unique_ids == 2468
    statuses = [r.status_code for _, r in httpserver.log]
    assert set(statuses) == {200}  # never asked past the 2 000 depth
    by_key = {s.key: s for s in res.slices}
    assert by_key["root"].status == "split" and by_key["root"].found == 2468
    assert by_key["a1"].status == "split" and by_key["a44"].found == 68
    leaves = [s for s in res.slices if s.status == "done"]
    assert all(s.found <= 2000 for s in leaves)
    assert any(s.date_from for s in leaves)  # Moscow needed date windows
    assert sum(s.found for s in leaves if s.areas == ("1",)) >= 2400
    # every stored page is byte-for-byte one the server sent
    assert Counter(p.read_bytes() for p in res.pages) == Counter(server.bodies)
    assert res.warnings == []


def test_five_minute_slice_over_2000_is_truncated_with_warning(httpserver, tmp_path):
    base = items_of(DEVOPS)
    pool = []
    for k in range(7):
        for item in base:
            clone = copy.deepcopy(item)
            clone["id"] = str(int(item["id"]) * 10 + k)
            clone["published_at"] = "2023-09-01T12:01:30+0300"
            pool.append(clone)
    httpserver.expect_request("/vacancies").respond_with_handler(PoolServer(pool))
    q = SearchQuery(text="NAME:DevOps", areas=("1",))
    with make_client(httpserver) as c:
        res = harvest(c, q, tmp_path, now=NOW)
    assert res.unique_ids == 2000
    assert len(res.warnings) == 1 and "5-minute" in res.warnings[0] and "2100" in res.warnings[0]
    truncated = [s for s in res.slices if s.truncated]
    assert len(truncated) == 1 and truncated[0].found == 2100
    lo, hi = (datetime.fromisoformat(t) for t in (truncated[0].date_from, truncated[0].date_to))
    assert hi - lo <= timedelta(minutes=5)
    assert len(httpserver.log) < 80 and all(r.status_code == 200 for _, r in httpserver.log)


def test_areas_tree_split_warns_about_items_on_the_parent(httpserver, tmp_path):
    pool, expected = _big_pool()
    stray = copy.deepcopy(pool[-1])
    stray["id"], stray["area"] = "999", {"id": "113", "name": "Россия"}
    httpserver.expect_request("/vacancies").respond_with_handler(
        PoolServer([*pool, stray], parents={"1": "113", "44": "113"})
    )
    tree = [{"id": "113", "areas": [{"id": "1", "areas": []}, {"id": "44", "areas": []}]}]
    with make_client(httpserver) as c:
        res = harvest(c, SearchQuery(text="x", areas=("113",)), tmp_path, now=NOW, areas_tree=tree)
    assert {"a1", "a44"} <= {s.key for s in res.slices}
    assert expected <= set(res.ids)
    assert any("parent area" in w for w in res.warnings)


def test_killed_run_resumes_without_refetching(httpserver, tmp_path):
    pages = page_bytes(KAMCHATKA)
    httpserver.expect_request("/vacancies").respond_with_handler(serve_pages(pages, fail_from=3))
    with make_client(httpserver, retries=2) as c, pytest.raises(hh.ServerError):
        harvest(c, KAM_QUERY, tmp_path, per_page=10, now=NOW)
    qdir = _qdir(tmp_path, KAM_QUERY)
    assert sorted(p.name for p in (qdir / "root").iterdir()) == ["0.json", "1.json", "2.json"]
    state = json.loads((qdir / "state.json").read_text())
    assert not state["done"] and state["slices"][0]["done_pages"] == [0, 1, 2]

    httpserver.clear()
    httpserver.expect_request("/vacancies").respond_with_handler(serve_pages(pages))
    with make_client(httpserver) as c:
        res = harvest(c, KAM_QUERY, tmp_path, per_page=10, now=NOW + timedelta(days=1))
    assert _requested_pages(httpserver) == [3, 4, 5, 6]
    assert (res.pages_fetched, res.pages_reused) == (4, 3)
    assert [p.read_bytes() for p in res.pages] == pages
    assert sorted(res.ids) == sorted(set(_ids(pages))) and len(res.ids) == 68


def test_page_written_but_not_recorded_is_reused(httpserver, tmp_path):
    """A kill between writing a page and saving state must not cost a refetch."""
    pages = page_bytes(KAMCHATKA)
    httpserver.expect_request("/vacancies").respond_with_handler(serve_pages(pages, fail_from=2))
    with make_client(httpserver, retries=0) as c, pytest.raises(hh.ServerError):
        harvest(c, KAM_QUERY, tmp_path, per_page=10, now=NOW)
    (_qdir(tmp_path, KAM_QUERY) / "root" / "2.json").write_bytes(pages[2])  # as if killed after the write
    httpserver.clear()
    httpserver.expect_request("/vacancies").respond_with_handler(serve_pages(pages))
    with make_client(httpserver) as c:
        res = harvest(c, KAM_QUERY, tmp_path, per_page=10, now=NOW)
    assert _requested_pages(httpserver) == [3, 4, 5, 6]
    assert res.unique_ids == 68


def test_broken_json_page_leaves_nothing_half_stored(httpserver, tmp_path):
    pages = page_bytes(KAMCHATKA)
    broken = [pages[0], pages[1][:500], *pages[2:]]
    httpserver.expect_request("/vacancies").respond_with_handler(serve_pages(broken))
    with make_client(httpserver) as c, pytest.raises(hh.BadResponse) as exc:
        harvest(c, KAM_QUERY, tmp_path, per_page=10, now=NOW)
    assert "/vacancies" in str(exc.value) and "'page', '1'" in str(exc.value)
    root = _qdir(tmp_path, KAM_QUERY) / "root"
    assert sorted(p.name for p in root.iterdir()) == ["0.json"]  # no file, no temp file for page 1
    state = json.loads((_qdir(tmp_path, KAM_QUERY) / "state.json").read_text())
    assert state["slices"][0]["done_pages"] == [0] and not state["done"]
    assert state["slices"][0]["status"] != "done"


def test_details_fetched_once_and_404_reported(httpserver, tmp_path):
    pages, details = page_bytes(KAMCHATKA), detail_bytes()
    httpserver.expect_request("/vacancies").respond_with_handler(serve_pages(pages))

    def vacancy(request):
        vid = request.path.rsplit("/", 1)[1]
        if vid in details:
            return Response(details[vid], content_type="application/json")
        return json_response({"errors": [{"type": "not_found"}]}, 404)

    httpserver.expect_request(re.compile(r"^/vacancies/\d+$")).respond_with_handler(vacancy)
    with make_client(httpserver) as c:
        res = harvest(c, KAM_QUERY, tmp_path, per_page=10, now=NOW, details=True)
    assert res.details_fetched == 10 and len(res.details) == 10
    assert {p.stem for p in res.details} == set(details)
    assert all(p.read_bytes() == details[p.stem] for p in res.details)
    assert sum("404" in w for w in res.warnings) == 58
    assert list(iter_raw_details(tmp_path)) == sorted(res.details)

    httpserver.clear()
    httpserver.expect_request(re.compile(r"^/vacancies/\d+$")).respond_with_handler(vacancy)
    with make_client(httpserver) as c:
        again = harvest(c, KAM_QUERY, tmp_path, per_page=10, now=NOW, details=True)
    asked = {req.path.rsplit("/", 1)[1] for req, _ in httpserver.log}
    assert not asked & set(details) and again.details_fetched == 0 and len(again.details) == 10


def test_per_page_is_checked():
    with pytest.raises(ValueError):
        harvest(None, KAM_QUERY, Path("/nonexistent"), per_page=101)  # type: ignore[arg-type]


def test_sliced_harvest_killed_midway_resumes_its_plan(httpserver, tmp_path):
    pool, expected = _big_pool()
    healthy = PoolServer(pool)
    served = []

    def dying(request):
        if len(served) >= 12:  # the server dies half-way through the Moscow date slices
            return Response("<html>502 Bad Gateway</html>", 502, content_type="text/html")
        served.append(request.query_string)
        return healthy(request)

    httpserver.expect_request("/vacancies").respond_with_handler(dying)
    q = SearchQuery(text="NAME:DevOps", areas=("1", "44"))
    with make_client(httpserver, retries=1) as c, pytest.raises(hh.ServerError):
        harvest(c, q, tmp_path, now=NOW)

    httpserver.clear()
    httpserver.expect_request("/vacancies").respond_with_handler(healthy)
    with make_client(httpserver) as c:
        res = harvest(c, q, tmp_path, now=NOW + timedelta(hours=5))  # later clock: the stored plan wins
    second = [req.query_string for req, _ in httpserver.log]
    assert not set(served) & set(second)
    assert (res.pages_reused, res.pages_fetched) == (12, len(second))
    assert set(res.ids) == expected and len(res.ids) == 2468
