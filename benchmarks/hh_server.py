"""A stand-in for ``GET https://api.hh.ru/vacancies`` on 127.0.0.1, serving generated items.

It emulates what the harvester relies on: ``area`` (repeatable) and ``date_from``/``date_to``
filters, ``page``/``per_page`` paging newest first, ``found``/``pages``/``page`` in the answer,
the 2 000-item depth limit (``pages`` capped, a page past it → 400), and the 400
``bad_user_agent`` answer to a request without a User-Agent. ``text`` matches everything.
Items are held as ready JSON texts, so a request costs a numpy mask and a string join.
"""

from __future__ import annotations

import json
import math
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd

from benchmarks.generator import items_json, page_json

MAX_DEPTH = 2000


def _epoch(value: str) -> int:
    """hh accepts ISO 8601 with or without a zone; the harvester sends ``…+0000``."""
    dt = datetime.fromisoformat(value.replace(" ", "+"))
    return int(dt.timestamp())


class FakeHH:
    """Serve ``items`` (a ``generator.generate_items`` frame) until ``close()``; use as a context manager."""

    def __init__(self, items: pd.DataFrame) -> None:
        order = np.argsort(-items["published_at"].astype("int64").to_numpy(), kind="stable")
        items = items.iloc[order].reset_index(drop=True)
        self.texts = items_json(items)
        self.area = items["area_id"].astype(str).to_numpy()
        self.ts = items["published_at"].astype("int64").to_numpy() // 1_000_000_000
        self.requests = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeHH:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def answer(self, query: dict[str, list[str]]) -> tuple[int, str]:
        """(status, body) of a /vacancies request with these query parameters."""
        try:
            page = int(query.get("page", ["0"])[0])
            per_page = int(query.get("per_page", ["20"])[0])
            lo = _epoch(query["date_from"][0]) if "date_from" in query else None
            hi = _epoch(query["date_to"][0]) if "date_to" in query else None
        except (ValueError, KeyError) as exc:
            return 400, json.dumps({"errors": [{"type": "bad_argument", "value": str(exc)}]})
        if not 0 < per_page <= 100 or page < 0 or (page + 1) * per_page > MAX_DEPTH:
            return 400, json.dumps({"errors": [{"type": "bad_argument", "value": "page"}]})
        mask = np.ones(len(self.ts), dtype=bool)
        if query.get("area"):
            mask &= np.isin(self.area, query["area"])
        if lo is not None:
            mask &= self.ts >= lo
        if hi is not None:
            mask &= self.ts < hi
        idx = np.flatnonzero(mask)
        found = len(idx)
        pages = min(math.ceil(found / per_page), MAX_DEPTH // per_page)
        chosen = idx[page * per_page:(page + 1) * per_page]
        return 200, page_json([self.texts[i] for i in chosen], found=found, page=page, pages=pages,
                              per_page=per_page)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the real API

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                fake.requests += 1
                url = urlsplit(self.path)
                if not self.headers.get("User-Agent") and not self.headers.get("HH-User-Agent"):
                    status, body = 400, json.dumps({"errors": [{"type": "bad_user_agent"}]})
                elif url.path != "/vacancies":
                    status, body = 404, json.dumps({"errors": [{"type": "not_found"}]})
                else:
                    status, body = fake.answer(parse_qs(url.query))
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler
