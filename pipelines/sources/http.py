"""The HTTP session every source uses: retries with back-off on 429/5xx honouring Retry-After,
done by urllib3's ``Retry`` (not a hand-made loop)."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

CONNECT_RETRIES = 1
"""A refused or unresolvable connection is retried once, at once: offline, five back-off rounds
(≈ 15 s) only delay the "no network" the user needs to hear. 429/5xx keep every polite retry."""


def retrying_session(retries: int, backoff_factor: float, headers: Mapping[str, str],
                     connect_retries: int = CONNECT_RETRIES) -> requests.Session:
    """A session that retries GETs on 429 and 5xx (``Retry-After`` honoured), then lets the caller
    see the last answer (``raise_on_status=False``) to turn it into a named error. Connection
    failures (refused, name not resolved, connect timeout) get at most ``connect_retries``."""
    session = requests.Session()
    session.headers.update(headers)
    retry = Retry(total=retries, connect=min(connect_retries, retries), backoff_factor=backoff_factor,
                  status_forcelist=(429, 500, 502, 503, 504), respect_retry_after_header=True,
                  allowed_methods={"GET"}, raise_on_status=False)
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class RateLimiter:
    """Spaces requests at least ``1/rate`` seconds apart (0 = no cap): APIs ban clients that burst."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            delay = self._next - now
            if delay > 0:
                time.sleep(delay)
                now += delay
            self._next = now + self.interval


def body_head(body: bytes, n: int = 200) -> str:
    """The start of a response body for an error message (5xx pages are often HTML, not JSON)."""
    return repr(body[:n]) + (" …" if len(body) > n else "")
