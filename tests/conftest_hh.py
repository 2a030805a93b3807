"""Shared helpers for the hh.ru client and harvest tests: recorded real pages and a fake /vacancies.

Not a conftest (the lead owns tests/conftest.py): test modules import these helpers explicitly.
"""

from __future__ import annotations

import gzip
import json
import math
from datetime import datetime
from pathlib import Path
from typing import Any

from werkzeug import Request, Response

from pipelines.sources.hh import HHClient

FIXTURES = Path(__file__).parent / "fixtures" / "hh"
KAMCHATKA = FIXTURES / "1c_kamchatka_2021-03"  # text=1C&area=44&only_with_salary=true, 7 pages x 10
DEVOPS = FIXTURES / "devops_moscow_2023-09"  # text=NAME:DevOps&area=1, pages 0-2 of 10, 100 per page
KAMCHATKA_DETAILS = FIXTURES / "1c_kamchatka_2021-03_details_page0.jsonl.gz"

UA = "vilka-tests/1.0 (tests@example.org)"
TOKEN = "SECRET-TOKEN-abc123"


def page_bytes(folder: Path) -> list[bytes]:
    """The recorded pages, uncompressed, in page order: exactly what hh.ru sent."""
    files = sorted(folder.glob("*.json.gz"), key=lambda p: int(p.name.split(".")[0]))
    return [gzip.decompress(f.read_bytes()) for f in files]


def items_of(folder: Path) -> list[dict[str, Any]]:
    return [item for body in page_bytes(folder) for item in json.loads(body)["items"]]


def detail_bytes() -> dict[str, bytes]:
    lines = gzip.decompress(KAMCHATKA_DETAILS.read_bytes()).splitlines()
    return {str(json.loads(line)["id"]): line for line in lines}


def make_client(server: Any, **kw: Any) -> HHClient:
    """A client aimed at the local server, with no pauses so tests stay fast."""
    kw.setdefault("user_agent", UA)
    kw.setdefault("token", "")
    kw.setdefault("rate_limit", 0)
    kw.setdefault("retries", 3)
    kw.setdefault("backoff_factor", 0)
    kw.setdefault("timeout", (2, 5))
    return HHClient(base_url=server.url_for("").rstrip("/"), **kw)


def json_response(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(obj, ensure_ascii=False), status=status, headers=headers, content_type="application/json"
    )


def _t(s: str) -> datetime:
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S%z")


class PoolServer:
    """Answers GET /vacancies from a pool of items the way hh does: filter by area (with the area's
    descendants) and by published_at within [date_from, date_to], newest first, at most 2 000 deep."""

    def __init__(self, items: list[dict[str, Any]], parents: dict[str, str] | None = None) -> None:
        self.items = sorted(items, key=lambda i: (_t(i["published_at"]), i["id"]), reverse=True)
        self.times = [_t(i["published_at"]) for i in self.items]
        self.parents = parents or {}
        self.bodies: list[bytes] = []

    def _in(self, area: str, wanted: set[str]) -> bool:
        while area:
            if area in wanted:
                return True
            area = self.parents.get(area, "")
        return False

    def __call__(self, request: Request) -> Response:
        args = request.args
        page, per_page = int(args.get("page", 0)), int(args.get("per_page", 20))
        if (page + 1) * per_page > 2000:
            return json_response({"errors": [{"type": "bad_argument", "value": "page"}]}, 400)
        wanted = set(args.getlist("area"))
        lo = _t(args["date_from"]) if "date_from" in args else None
        hi = _t(args["date_to"]) if "date_to" in args else None
        sel = [
            item
            for item, t in zip(self.items, self.times, strict=True)
            if (not wanted or self._in(item["area"]["id"], wanted))
            and (lo is None or t >= lo)
            and (hi is None or t <= hi)
        ]
        body = {
            "items": sel[page * per_page : (page + 1) * per_page],
            "found": len(sel),
            "pages": math.ceil(min(len(sel), 2000) / per_page),
            "per_page": per_page,
            "page": page,
            "clusters": None,
            "arguments": None,
        }
        data = json.dumps(body, ensure_ascii=False).encode()
        self.bodies.append(data)
        return Response(data, content_type="application/json")


def serve_pages(pages: list[bytes], fail_from: int | None = None):
    """Serve recorded pages by ``page``; from ``fail_from`` on, the server is broken (500 forever)."""

    def handler(request: Request) -> Response:
        page = int(request.args.get("page", 0))
        if fail_from is not None and page >= fail_from:
            return Response(
                "<html><body>500 Internal Server Error</body></html>", 500, content_type="text/html"
            )
        return Response(pages[page], content_type="application/json")

    return handler
