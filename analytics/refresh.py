"""The Data page's refresh button: harvest hh.ru for the current filters and load it.

Pages may not import ``pipelines``; this module is the bridge. It turns the shared ``Filters`` into
an hh.ru search (text from the title filter, else the chosen professions' Russian names; areas from
the chosen regions' hh area ids), runs ``pipelines.jobs.fetch_hh`` and turns every failure the user
can act on into a ``RefreshResult`` with a plain sentence — never an exception on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analytics.filters import Filters
from analytics.i18n import t
from pipelines import classify, config, jobs, reference
from pipelines.sources import hh


@dataclass(frozen=True)
class Running:
    """Where a running refresh is: pages done of those known so far (hh says how many each slice
    has only when it is first asked, so the total grows), and vacancies received."""

    pages_done: int
    pages_total: int
    vacancies: int

    @property
    def fraction(self) -> float:
        return min(self.pages_done / max(self.pages_total, 1), 1.0)


Progress = Callable[[Running], None]


@dataclass(frozen=True)
class RefreshPlan:
    text: str
    areas: tuple[str, ...]


@dataclass(frozen=True)
class RefreshResult:
    ok: bool
    kind: str  # done, nothing_to_search, captcha, user_agent, network, rate_limited, refused, failed
    detail: str = ""
    rows_new: int = 0
    rows_replaced: int = 0
    rows_in: int = 0


def plan(filters: Filters) -> RefreshPlan | None:
    """The hh.ru search for ``filters``; None when there is nothing to search for (a harvest of
    every vacancy in Russia is not a button-click job: hh.ru would need thousands of requests)."""
    text = filters.title.strip()
    if not text and filters.professions:
        names = classify.profession_names()
        parts = [part.strip() for p in filters.professions if p in names and p != "other"
                 for part in names[p]["ru"].split("/")]
        text = " OR ".join(dict.fromkeys(p for p in parts if p))
    if not text:
        return None
    regions = reference.regions().set_index("iso")["hh_area_id"]
    areas = tuple(str(regions[r]) for r in filters.regions if r in regions.index and str(regions[r]))
    return RefreshPlan(text=text, areas=areas)


def _kind(exc: jobs.JobFailed) -> str:
    cause = exc.__cause__
    if isinstance(cause, hh.CaptchaRequired):
        return "captcha"
    if isinstance(cause, hh.BadUserAgent):
        return "user_agent"
    if isinstance(cause, hh.NetworkError):
        return "network"
    if isinstance(cause, hh.RateLimited):
        return "rate_limited"
    return "refused"


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:300] if lines else ""


def run(warehouse: str | Path | None, filters: Filters, progress: Progress | None = None) -> RefreshResult:
    """Harvest and load the search for ``filters`` into ``warehouse``; the result says what happened.

    ``warehouse`` None: the configured warehouse path (``VILKA_WAREHOUSE``) — the link readers
    follow. Never pass the version file a page is reading (``wh[0]``): writing to it would turn that
    version into a link of its own instead of publishing a new version."""
    p = plan(filters)
    if p is None:
        return RefreshResult(False, "nothing_to_search")
    received = [0]

    def on_page(data: dict[str, Any]) -> None:
        received[0] += len(data.get("items") or [])

    def pages(done: int, total: int) -> None:
        if progress:
            progress(Running(done, total, received[0]))

    try:
        summary = jobs.fetch_hh(config.warehouse_path(warehouse), p.text, areas=p.areas, progress=pages, on_page=on_page)
    except jobs.JobFailed as exc:
        return RefreshResult(False, _kind(exc), _first_line(exc))
    except Exception as exc:  # noqa: BLE001 - a lock held by the CLI, a disk error: say it, don't crash the page
        return RefreshResult(False, "failed", f"{type(exc).__name__}: {_first_line(exc)}")
    return RefreshResult(True, "done", summary.line(), summary.rows_new, summary.rows_replaced, summary.rows_in)


def progress_text(running: Running, lang: str = "ru") -> str:
    """The line under the progress bar: pages done of known, vacancies received."""
    return t("data_refresh_running", lang, done=running.pages_done, total=running.pages_total,
             vacancies=running.vacancies)


def message(result: RefreshResult, lang: str = "ru") -> str:
    """The sentence the page shows for ``result``: what happened and what the user can do."""
    return t(f"data_refresh_{result.kind}", lang, detail=result.detail, new=result.rows_new,
             replaced=result.rows_replaced, rows=result.rows_in)
