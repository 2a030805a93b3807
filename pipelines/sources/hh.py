"""Client for the public hh.ru API (https://api.hh.ru, docs at https://github.com/hhru/api).

Each call returns both the parsed JSON and the exact bytes received, so callers can store raw
pages verbatim and rebuild everything from disk later. Retries are left to urllib3's ``Retry``
(it already honours ``Retry-After`` and backs off), so this module only turns the final answer
into one of a few exceptions that tell the user what to do next.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

import requests

from pipelines import config
from pipelines.sources.errors import SourceError
from pipelines.sources.http import RateLimiter, retrying_session
from pipelines.sources.http import body_head as _head

log = logging.getLogger(__name__)

MAX_DEPTH = 2000
"""hh.ru never returns more than this many items per query, whatever ``found`` says."""

Params = Mapping[str, Any] | Sequence[tuple[str, Any]] | None


class HHError(SourceError):
    """Anything that went wrong talking to hh.ru; ``status`` is the HTTP status when there was one."""


class BadUserAgent(HHError):
    pass


class CaptchaRequired(HHError):
    def __init__(self, message: str, *, status: int | None = None, captcha_url: str | None = None) -> None:
        super().__init__(message, status=status)
        self.captcha_url = captcha_url


class RateLimited(HHError):
    pass


class DepthLimitExceeded(HHError):
    pass


class NotFound(HHError):
    pass


class BadResponse(HHError):
    pass


class ServerError(HHError):
    pass


class NetworkError(HHError):
    pass


def _env_number(name: str, default: float) -> float:
    """Retries and back-off from the environment (tests and subprocess runs set 0: no sleeping)."""
    value = os.environ.get(name, "").strip()
    try:
        return float(value) if value else default
    except ValueError:
        raise ValueError(f"{name} must be a number, got {value!r}") from None


def _describe(path: str, params: Params) -> str:
    """URL path and params for error messages; the token lives in headers, so this is safe to show."""
    if not params:
        return path
    items = params.items() if isinstance(params, Mapping) else params
    return f"{path} {list(items)!r}"


def _cause(exc: requests.RequestException) -> str:
    """What failed, in a word: a name that does not resolve, a refused connection, a timeout."""
    text = str(exc)
    for needle, word in (("NameResolution", "name not resolved"), ("Name or service not known", "name not resolved"),
                         ("Connection refused", "connection refused"), ("timed out", "timed out")):
        if needle in text:
            return f"{type(exc).__name__}: {word}"
    return type(exc).__name__


def _error_types(body: bytes) -> tuple[list[str], dict[str, Any]]:
    """hh error bodies are ``{"errors": [{"type": ..., ...}], ...}``; anything else yields no types."""
    try:
        data = json.loads(body)
    except ValueError:
        return [], {}
    if not isinstance(data, dict) or not isinstance(data.get("errors"), list):
        return [], {}
    errors = [e for e in data["errors"] if isinstance(e, dict)]
    return [str(e.get("type")) for e in errors], {**data, **(errors[0] if errors else {})}


def _past_depth(params: Params) -> bool:
    if not params:
        return False
    items = params.items() if isinstance(params, Mapping) else params
    values = dict(items)
    try:
        page, per_page = int(values.get("page", 0)), int(values.get("per_page", 20))
    except (TypeError, ValueError):
        return False
    return (page + 1) * per_page > MAX_DEPTH


def check_search_page(data: Any, where: str, body: bytes) -> dict[str, Any]:
    """A page that parses but lacks ``items``/``found`` would silently lose vacancies downstream."""
    ok = (
        isinstance(data, dict)
        and isinstance(data.get("found"), int)
        and isinstance(data.get("items"), list)
        and all(isinstance(i, dict) and i.get("id") for i in data["items"])
    )
    if not ok:
        raise BadResponse(f"hh.ru search page has an unexpected shape at {where}: {_head(body)}")
    return data


class HHClient:
    """One session per client so connections and headers are reused; use it as a context manager."""

    def __init__(
        self,
        base_url: str | None = None,
        user_agent: str | None = None,
        token: str | None = None,
        rate_limit: float | None = None,
        timeout: tuple[float, float] = (3.05, 30),  # connect: just past TCP's 3 s retransmit
        retries: int | None = None,
        backoff_factor: float | None = None,
    ) -> None:
        retries = _env_number("VILKA_HH_RETRIES", 5) if retries is None else retries
        backoff_factor = _env_number("VILKA_HH_BACKOFF", 0.5) if backoff_factor is None else backoff_factor
        self.base_url = (base_url or config.hh_base_url()).rstrip("/")
        self.timeout = timeout
        self.requests = 0  # calls made (the refresh summary reports them; urllib3's retries not counted)
        self._limiter = RateLimiter(config.hh_rate_limit() if rate_limit is None else rate_limit)
        token = token if token is not None else config.hh_token()
        agent = user_agent or config.hh_user_agent()
        self.session = retrying_session(
            int(retries), backoff_factor, {"User-Agent": agent, "HH-User-Agent": agent, "Accept": "application/json"}
        )
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def __repr__(self) -> str:
        authed = "Authorization" in self.session.headers
        return f"HHClient(base_url={self.base_url!r}, token={'set' if authed else 'none'})"

    def __enter__(self) -> HHClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def get(self, path: str, params: Params = None) -> tuple[Any, bytes]:
        """Parsed JSON plus the raw bytes, so callers can store exactly what hh sent."""
        where = f"{self.base_url}{_describe(path, params)}"
        self._limiter.wait()
        self.requests += 1
        try:
            resp = self.session.get(self.base_url + path, params=params, timeout=self.timeout)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise NetworkError(f"no network or hh.ru unreachable ({where}): {_cause(exc)}") from exc
        except requests.RequestException as exc:
            raise NetworkError(f"request to hh.ru failed ({where}): {type(exc).__name__}") from exc
        body = resp.content
        log.debug("GET %s -> %s (%d bytes)", where, resp.status_code, len(body))
        if resp.status_code != 200:
            self._raise_for(resp.status_code, body, where, params)
        try:
            return json.loads(body), body
        except ValueError:
            raise BadResponse(f"hh.ru sent a body that is not JSON at {where}: {_head(body)}") from None

    def _raise_for(self, status: int, body: bytes, where: str, params: Params) -> None:
        types, err = _error_types(body)
        if "bad_user_agent" in types:
            raise BadUserAgent(
                'hh.ru rejected the User-Agent: set VILKA_HH_USER_AGENT to "app/version (your@email)"',
                status=status,
            )
        if "captcha_required" in types:
            url = err.get("captcha_url")
            raise CaptchaRequired(
                "hh.ru asks for a captcha: set VILKA_HH_TOKEN to an application token from dev.hh.ru, "
                f"or open the captcha_url in a browser: {url}",
                status=status,
                captcha_url=url,
            )
        if status == 400 and _past_depth(params):
            raise DepthLimitExceeded(
                f"hh.ru returns at most {MAX_DEPTH} items per query; narrow it ({where})", status=status
            )
        if status == 404:
            raise NotFound(f"not found on hh.ru: {where}", status=status)
        if status == 429:
            raise RateLimited(
                f"hh.ru kept answering 429 after retries; lower VILKA_HH_RATE ({where})", status=status
            )
        if status >= 500:
            raise ServerError(
                f"hh.ru server error {status} after retries at {where}: {_head(body)}", status=status
            )
        raise HHError(f"hh.ru answered {status} {types or ''} at {where}: {_head(body)}", status=status)

    def search(self, params: Params) -> tuple[dict[str, Any], bytes]:
        data, body = self.get("/vacancies", params)
        return check_search_page(data, f"{self.base_url}{_describe('/vacancies', params)}", body), body

    def vacancy(self, vacancy_id: str | int) -> tuple[dict[str, Any], bytes]:
        data, body = self.get(f"/vacancies/{vacancy_id}")
        if not isinstance(data, dict) or str(data.get("id")) != str(vacancy_id):
            raise BadResponse(f"hh.ru vacancy {vacancy_id} has an unexpected shape: {_head(body)}")
        return data, body

    def dictionaries(self) -> tuple[dict[str, Any], bytes]:
        return self.get("/dictionaries")

    def areas(self) -> tuple[list[dict[str, Any]], bytes]:
        return self.get("/areas")
