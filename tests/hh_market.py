"""A small hh.ru market on 127.0.0.1 for the refresh tests: vacancies open and close between runs.

Not a conftest: test modules import it explicitly. It answers ``GET /vacancies`` the way the real
API does for what ``pipelines.refresh`` relies on: ``area`` (repeatable) matches the area's whole
subtree of the hh areas tree, ``professional_role`` (repeatable) any of an item's roles,
``date_from``/``date_to`` bound ``published_at``, newest first, ``page``/``per_page`` with the
2 000-item depth limit (a page past it → 400), and only OPEN vacancies are listed. ``/dictionaries``
serves the shipped copy. ``python -m tests.hh_market`` serves one on a port for manual runs.

Items are real-shaped: ``benchmarks.generator`` draws them from the embedded snapshot (ids from
9·10⁹, employers "BENCH employer …"), with roles among those professions.yaml maps and places
inside a federal subject, so every item is reachable by the sweep.
"""

from __future__ import annotations

import json
import math
import threading
from datetime import UTC, datetime, timedelta
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np

from pipelines.config import REFERENCE

MAX_DEPTH = 2000


def _time(value: str) -> datetime:
    """hh's ``2026-11-30T10:00:00+0300`` (a ``+`` may arrive as a space in a query string)."""
    return datetime.strptime(value.replace(" ", "+"), "%Y-%m-%dT%H:%M:%S%z")


def make_items(n: int, *, seed: int = 0, id_offset: int = 0, end: datetime | None = None,
               days: int = 20) -> list[dict[str, Any]]:
    """``n`` vacancies published over the ``days`` before ``end`` (default now), reachable by a sweep."""
    from benchmarks.generator import generate_items, items_json
    from pipelines.refresh import _subtrees, market_regions, market_roles

    end = end or datetime.now(UTC)
    rng = np.random.default_rng(seed)
    frame = generate_items(n * 2, seed=seed, id_offset=id_offset, start=end - timedelta(days=days), end=end,
                           calib=_calibration())
    roles = np.array(market_roles(), dtype=object)
    frame["role_id"] = [r if r in set(roles) else rng.choice(roles) for r in frame["role_id"]]
    inside = {a for r in market_regions() for a in _subtrees().get(r.area_id, ())}
    frame = frame[frame["area_id"].astype(str).isin(inside)].head(n)
    return [json.loads(text) for text in items_json(frame)]


@cache
def _calibration():
    """The generator's pools from the embedded snapshot, read once per process."""
    from benchmarks.generator import calibrate

    return calibrate()


class MarketHH:
    """The stand-in server; ``add``/``close`` change the market between refreshes. Use as a context manager."""

    def __init__(self, items: list[dict[str, Any]] = (), fail_from: int | None = None) -> None:
        self._lock = threading.Lock()
        self.items: dict[str, dict[str, Any]] = {}
        self._index: list[tuple[datetime, str, frozenset[str], frozenset[str]]] = []  # newest first
        self.closed: set[str] = set()
        self.requests = 0
        self.authorizations: set[str] = set()  # Authorization headers seen (does the token arrive?)
        self.fail_from = fail_from  # from this request on, answer 503 (a server gone bad)
        self._parents = self._area_parents()
        self.add(items)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @staticmethod
    def _area_parents() -> dict[str, str]:
        from pipelines.reference import hh_areas_tree

        parents: dict[str, str] = {}
        stack = list(hh_areas_tree())
        while stack:
            node = stack.pop()
            for child in node.get("areas") or []:
                parents[str(child["id"])] = str(node["id"])
                stack.append(child)
        return parents

    # ---- the market -------------------------------------------------------------------------
    def add(self, items: list[dict[str, Any]]) -> None:
        with self._lock:
            for item in items:
                self.items[str(item["id"])] = item
                self.closed.discard(str(item["id"]))
            self._index = sorted(((_time(i["published_at"]), k, self._ancestors(str(i["area"]["id"])),
                                   frozenset(str(r["id"]) for r in i.get("professional_roles") or []))
                                  for k, i in self.items.items()), reverse=True)

    def _ancestors(self, area: str) -> frozenset[str]:
        """The area and every area above it: a search by any of them finds the item."""
        out = []
        while area:
            out.append(area)
            area = self._parents.get(area, "")
        return frozenset(out)

    def close(self, ids: list[str]) -> None:
        with self._lock:
            self.closed |= {str(i) for i in ids}

    def reopen(self, ids: list[str]) -> None:
        with self._lock:
            self.closed -= {str(i) for i in ids}

    def open_ids(self) -> set[str]:
        with self._lock:
            return set(self.items) - self.closed

    # ---- serving ----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def close_server(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> MarketHH:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close_server()

    def answer(self, q: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        page, per_page = int(q.get("page", ["0"])[0]), int(q.get("per_page", ["20"])[0])
        if (page + 1) * per_page > MAX_DEPTH:
            return 400, {"errors": [{"type": "bad_argument", "value": "page"}]}
        areas, roles = set(q.get("area", ())), set(q.get("professional_role", ()))
        lo = _time(q["date_from"][0]) if "date_from" in q else None
        hi = _time(q["date_to"][0]) if "date_to" in q else None
        with self._lock:
            sel = [self.items[k] for t, k, anc, rs in self._index
                   if k not in self.closed and (not areas or anc & areas) and (not roles or rs & roles)
                   and (lo is None or t >= lo) and (hi is None or t <= hi)]
        return 200, {"items": sel[page * per_page:(page + 1) * per_page], "found": len(sel),
                     "pages": math.ceil(min(len(sel), MAX_DEPTH) / per_page), "page": page,
                     "per_page": per_page, "clusters": None, "arguments": None}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        market = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body leave at once: no 40 ms delayed-ACK stall

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                market.requests += 1
                if self.headers.get("Authorization"):
                    market.authorizations.add(self.headers["Authorization"])
                url = urlsplit(self.path)
                if market.fail_from is not None and market.requests > market.fail_from:
                    status, body = 503, b"<html>503 Service Unavailable</html>"
                elif not self.headers.get("User-Agent"):
                    status, body = 400, b'{"errors": [{"type": "bad_user_agent"}]}'
                elif url.path == "/dictionaries":
                    status, body = 200, (REFERENCE / "hh_dictionaries.json").read_bytes()
                elif url.path == "/vacancies":
                    status, data = market.answer(parse_qs(url.query))
                    body = json.dumps(data, ensure_ascii=False).encode()
                else:
                    status, body = 404, b'{"errors": [{"type": "not_found"}]}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def env_for(market: MarketHH, raw_dir: str) -> dict[str, str]:
    """The environment a refresh needs to talk to ``market`` only, at full speed, with no sleeping."""
    return {"VILKA_HH_BASE_URL": market.url, "VILKA_RAW_DIR": raw_dir, "VILKA_HH_RATE": "0",
            "VILKA_HH_BACKOFF": "0", "VILKA_HH_RETRIES": "1", "VILKA_HH_TOKEN": "",
            "VILKA_TRUDVSEM_BASE_URL": "http://127.0.0.1:9"}


if __name__ == "__main__":  # pragma: no cover - a manual aid
    import time

    with MarketHH(make_items(2000)) as m:
        print(f"serving {len(m.items)} vacancies at {m.url}; Ctrl-C to stop", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
