"""Both sources load through the CLI as a user runs it: a real subprocess, a real HTTP server on
127.0.0.1 serving recorded hh.ru pages (and documented-shape Работа России pages)."""

from __future__ import annotations

import json

import duckdb
from werkzeug import Request, Response

from pipelines.config import REFERENCE
from tests.conftest_hh import KAMCHATKA, items_of, json_response
from tests.test_cli import run
from tests.test_trudvsem import ALL_IDS, PATH, FakeTrudvsem


def _env(httpserver, tmp_path, **extra):
    return {"VILKA_RAW_DIR": str(tmp_path / "raw"), "VILKA_HH_RATE": "0", "VILKA_TRUDVSEM_RATE": "0",
            "VILKA_WAREHOUSE": str(tmp_path / "w.duckdb"), **extra}


def _kamchatka(request: Request) -> Response:
    """The 68 recorded Kamchatka items, paged as asked (the recording was made 10 per page)."""
    items, page, per_page = items_of(KAMCHATKA), int(request.args["page"]), int(request.args["per_page"])
    return json_response({"items": items[page * per_page:(page + 1) * per_page], "found": len(items),
                          "pages": -(-len(items) // per_page), "page": page, "per_page": per_page})


def test_fetch_hh_harvests_normalises_and_loads_idempotently(httpserver, tmp_path):
    httpserver.expect_request("/dictionaries").respond_with_data(
        (REFERENCE / "hh_dictionaries.json").read_bytes(), content_type="application/json")
    httpserver.expect_request("/vacancies").respond_with_handler(_kamchatka)
    env = _env(httpserver, tmp_path, VILKA_HH_BASE_URL=httpserver.url_for("").rstrip("/"),
               VILKA_HH_USER_AGENT="vilka-tests/1.0 (tests@example.org)")
    first = run("fetch-hh", "--text", "1C", "--area", "44", "--since", "2021-01-01", env=env)
    assert first.returncode == 0, first.stderr
    assert "1 pages fetched" in first.stdout and "68 rows in" in first.stdout
    again = run("fetch-hh", "--text", "1C", "--area", "44", "--since", "2021-01-01", env=env)
    assert again.returncode == 0, again.stderr
    assert "0 pages fetched, 1 reused" in again.stdout  # resumed from data/raw, nothing refetched
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    ids = {r[0] for r in con.execute("SELECT source_id FROM vacancies WHERE source = 'hh'").fetchall()}
    assert ids == {i["id"] for i in items_of(KAMCHATKA)} and len(ids) == 68
    assert {r[0] for r in con.execute("SELECT DISTINCT region_iso FROM vacancies").fetchall()} == {"RU-KAM"}
    assert (tmp_path / "raw" / "hh" / "dictionaries").is_dir()  # live currency rates kept as fetched
    status = json.loads(run("status", "--json", env=env).stdout)
    assert status["duplicate_keys"] == 0 and status["total_rows"] == 68


def test_fetch_trudvsem_loads_with_regions_and_no_contacts(httpserver, tmp_path):
    httpserver.expect_request(PATH).respond_with_handler(FakeTrudvsem())
    env = _env(httpserver, tmp_path, VILKA_TRUDVSEM_BASE_URL=httpserver.url_for("").rstrip("/"))
    r = run("fetch-trudvsem", env=env)
    assert r.returncode == 0, r.stderr
    again = run("fetch-trudvsem", env=env)
    assert again.returncode == 0, again.stderr
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    rows = con.execute("SELECT source_id, region_iso FROM vacancies WHERE source = 'trudvsem'").fetchall()
    assert sorted(r[0] for r in rows) == ALL_IDS  # twice loaded, once stored
    assert all(r[1] for r in rows)
    dump = "\n".join(map(str, con.execute("SELECT * FROM vacancies").fetchall()))
    assert "@" not in dump and "+7" not in dump  # no e-mails or phone numbers of contact persons


def test_fetch_trudvsem_server_down_says_so(tmp_path):
    r = run("fetch-trudvsem", env={"VILKA_TRUDVSEM_BASE_URL": "http://127.0.0.1:9", "VILKA_TRUDVSEM_RATE": "0",
                                   "VILKA_RAW_DIR": str(tmp_path / "raw"),
                                   "VILKA_WAREHOUSE": str(tmp_path / "w.duckdb")})
    assert r.returncode != 0 and r.stderr.startswith("error:") and "Traceback" not in r.stderr
