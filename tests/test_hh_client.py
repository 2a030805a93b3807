"""HHClient against a real local HTTP server serving recorded hh.ru pages."""

from __future__ import annotations

import json
import re
import socket
import time
import traceback

import pytest
from werkzeug import Request, Response

from pipelines.sources import hh
from tests.conftest_hh import (
    KAMCHATKA,
    TOKEN,
    UA,
    detail_bytes,
    json_response,
    make_client,
    page_bytes,
)

HTML_503 = "<html><head><title>503 Service Temporarily Unavailable</title></head><body>nginx</body></html>"
BAD_UA = {"errors": [{"type": "bad_user_agent", "value": "blacklisted"}], "request_id": "r1"}
CAPTCHA_URL = "https://hh.ru/account/captcha?state=abc&backurl=x"
CAPTCHA = {
    "errors": [{"type": "captcha_required", "value": "captcha_required", "captcha_url": CAPTCHA_URL}],
    "request_id": "r2",
}


@pytest.fixture
def page0() -> bytes:
    return page_bytes(KAMCHATKA)[0]


def test_search_returns_parsed_page_and_exact_bytes(httpserver, page0):
    httpserver.expect_request("/vacancies").respond_with_data(page0, content_type="application/json")
    with make_client(httpserver) as c:
        data, body = c.search([("text", "1C"), ("area", "44"), ("area", "1"), ("per_page", "10")])
    assert body == page0
    assert data["found"] == 68 and len(data["items"]) == 10
    req, _ = httpserver.log[0]
    assert req.args.getlist("area") == ["44", "1"]
    assert req.args["text"] == "1C"


def test_headers_sent_and_token_kept_out_of_repr(httpserver, page0):
    httpserver.expect_request("/vacancies").respond_with_data(page0, content_type="application/json")
    c = make_client(httpserver, token=TOKEN)
    c.search({"text": "1C"})
    req, _ = httpserver.log[0]
    assert req.headers["User-Agent"] == UA
    assert req.headers["HH-User-Agent"] == UA
    assert req.headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in repr(c)


def test_no_authorization_header_without_token(httpserver, page0):
    httpserver.expect_request("/vacancies").respond_with_data(page0, content_type="application/json")
    make_client(httpserver).search({"text": "1C"})
    assert "Authorization" not in httpserver.log[0][0].headers


def test_defaults_come_from_environment(httpserver, page0, monkeypatch):
    monkeypatch.setenv("VILKA_HH_BASE_URL", httpserver.url_for("/"))
    monkeypatch.setenv("VILKA_HH_USER_AGENT", "envapp/2.0 (env@example.org)")
    monkeypatch.setenv("VILKA_HH_TOKEN", "ENVTOKEN")
    monkeypatch.setenv("VILKA_HH_RATE", "0")
    httpserver.expect_request("/vacancies").respond_with_data(page0, content_type="application/json")
    with hh.HHClient() as c:
        c.search({"text": "1C"})
    req = httpserver.log[0][0]
    assert req.headers["User-Agent"] == "envapp/2.0 (env@example.org)"
    assert req.headers["Authorization"] == "Bearer ENVTOKEN"


def test_429_with_retry_after_is_retried(httpserver, page0):
    httpserver.expect_oneshot_request("/vacancies").respond_with_response(
        json_response({"errors": [{"type": "too_many_requests"}]}, 429, {"Retry-After": "1"})
    )
    httpserver.expect_request("/vacancies").respond_with_data(page0, content_type="application/json")
    start = time.monotonic()
    data, _ = make_client(httpserver).search({"text": "1C"})
    assert time.monotonic() - start >= 0.9  # waited as told
    assert [r.status_code for _, r in httpserver.log] == [429, 200]
    assert data["found"] == 68


def test_429_forever_raises_rate_limited(httpserver):
    httpserver.expect_request("/vacancies").respond_with_response(
        json_response({"errors": [{"type": "too_many_requests"}]}, 429, {"Retry-After": "0"})
    )
    with pytest.raises(hh.RateLimited):
        make_client(httpserver, retries=2).search({"text": "1C"})
    assert len(httpserver.log) == 3


def test_503_burst_with_html_then_success(httpserver, page0):
    for _ in range(3):
        httpserver.expect_oneshot_request("/vacancies").respond_with_data(
            HTML_503, 503, content_type="text/html"
        )
    httpserver.expect_request("/vacancies").respond_with_data(page0, content_type="application/json")
    data, body = make_client(httpserver, retries=5).search({"text": "1C"})
    assert [r.status_code for _, r in httpserver.log] == [503, 503, 503, 200]
    assert body == page0


def test_5xx_after_retries_is_server_error_with_body_start(httpserver):
    httpserver.expect_request("/vacancies").respond_with_data(HTML_503, 503, content_type="text/html")
    with pytest.raises(hh.ServerError) as exc:
        make_client(httpserver, retries=2).search({"text": "1C"})
    assert "503" in str(exc.value) and "<html>" in str(exc.value)
    assert exc.value.status == 503
    assert len(httpserver.log) == 3


def test_broken_json_is_bad_response_naming_url_and_bytes(httpserver, page0):
    httpserver.expect_request("/vacancies").respond_with_data(page0[:300], content_type="application/json")
    with pytest.raises(hh.BadResponse) as exc:
        make_client(httpserver).search({"text": "1C", "page": "3"})
    msg = str(exc.value)
    assert "/vacancies" in msg and "'page', '3'" in msg
    assert repr(page0[:40])[2:-1] in msg


@pytest.mark.parametrize(
    "page",
    [
        {"found": 1, "items": [{"name": "no id"}]},
        {"items": []},
        {"found": 3, "items": "nope"},
        [1, 2, 3],
    ],
)
def test_search_page_shape_is_checked(httpserver, page):
    httpserver.expect_request("/vacancies").respond_with_json(page)
    with pytest.raises(hh.BadResponse, match="unexpected shape"):
        make_client(httpserver).search({"text": "x"})


def test_bad_user_agent(httpserver):
    httpserver.expect_request("/vacancies").respond_with_json(BAD_UA, status=400)
    with pytest.raises(hh.BadUserAgent, match="VILKA_HH_USER_AGENT") as exc:
        make_client(httpserver).search({"text": "x"})
    assert "app/version (your@email)" in str(exc.value)
    assert len(httpserver.log) == 1  # 400 is not retried


def test_captcha_required(httpserver):
    httpserver.expect_request("/vacancies").respond_with_json(CAPTCHA, status=403)
    with pytest.raises(hh.CaptchaRequired, match="VILKA_HH_TOKEN") as exc:
        make_client(httpserver).search({"text": "x"})
    assert exc.value.captcha_url == CAPTCHA_URL
    assert "dev.hh.ru" in str(exc.value) and CAPTCHA_URL in str(exc.value)


def test_depth_past_2000(httpserver):
    httpserver.expect_request("/vacancies").respond_with_json(
        {"errors": [{"type": "bad_argument", "value": "page"}]}, status=400
    )
    with pytest.raises(hh.DepthLimitExceeded):
        make_client(httpserver).search({"text": "x", "page": 20, "per_page": 100})


def test_other_4xx_is_plain_hh_error(httpserver):
    httpserver.expect_request("/vacancies").respond_with_json(
        {"errors": [{"type": "bad_argument", "value": "area"}]}, status=400
    )
    with pytest.raises(hh.HHError, match="400") as exc:
        make_client(httpserver).search({"text": "x", "area": "zzz"})
    assert type(exc.value) is hh.HHError


def _scenarios(httpserver, page0):
    yield lambda: httpserver.expect_request("/vacancies").respond_with_json(BAD_UA, status=400)
    yield lambda: httpserver.expect_request("/vacancies").respond_with_json(CAPTCHA, status=403)
    yield lambda: httpserver.expect_request("/vacancies").respond_with_data(HTML_503, 503)
    yield lambda: httpserver.expect_request("/vacancies").respond_with_data(page0[:50])
    yield lambda: httpserver.expect_request("/vacancies").respond_with_json({"errors": []}, status=429)


def test_token_never_in_exception_text(httpserver, page0):
    for arrange in _scenarios(httpserver, page0):
        httpserver.clear()
        arrange()
        with pytest.raises(hh.HHError) as exc:
            make_client(httpserver, token=TOKEN, retries=1).search({"text": "x"})
        text = "".join(traceback.format_exception(exc.value)) + repr(exc.value)
        assert TOKEN not in text


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_is_network_error():
    c = hh.HHClient(base_url=f"http://127.0.0.1:{_closed_port()}", token=TOKEN, retries=1, backoff_factor=0)
    with pytest.raises(hh.NetworkError, match="no network or hh.ru unreachable") as exc:
        c.search({"text": "x"})
    assert TOKEN not in "".join(traceback.format_exception(exc.value))


def test_read_timeout_is_network_error(httpserver):
    def slow(request: Request) -> Response:
        time.sleep(0.4)
        return json_response({"items": [], "found": 0})

    httpserver.expect_request("/vacancies").respond_with_handler(slow)
    with pytest.raises(hh.NetworkError):
        make_client(httpserver, retries=0, timeout=(1, 0.1)).search({"text": "x"})


def test_rate_limit_spaces_requests(httpserver, page0):
    httpserver.expect_request("/vacancies").respond_with_data(page0, content_type="application/json")
    c = make_client(httpserver, rate_limit=20)
    start = time.monotonic()
    for _ in range(4):
        c.search({"text": "1C"})
    assert time.monotonic() - start >= 3 / 20 - 0.01


def test_vacancy_dictionaries_areas(httpserver):
    vid, raw = next(iter(detail_bytes().items()))
    httpserver.expect_request(f"/vacancies/{vid}").respond_with_data(raw, content_type="application/json")
    httpserver.expect_request("/dictionaries").respond_with_json({"currency": [{"code": "RUR", "rate": 1}]})
    httpserver.expect_request("/areas").respond_with_json([{"id": "113", "name": "Россия", "areas": []}])
    httpserver.expect_request(re.compile(r"^/vacancies/\d+$")).respond_with_json(
        {"errors": [{"type": "not_found"}]}, status=404
    )
    with make_client(httpserver) as c:
        data, body = c.vacancy(vid)
        assert body == raw and data["id"] == vid and "description" in data
        assert c.dictionaries()[0]["currency"][0]["code"] == "RUR"
        assert c.areas()[0][0]["id"] == "113"
        with pytest.raises(hh.NotFound):
            c.vacancy("1")
    assert json.loads(raw)["key_skills"] is not None
