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

from analytics.filters import Filters
from analytics.i18n import t
from pipelines import classify, jobs, reference
from pipelines.sources import hh

Progress = Callable[[int, int], None]


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


def run(warehouse: str | Path, filters: Filters, progress: Progress | None = None) -> RefreshResult:
    """Harvest and load the search for ``filters`` into ``warehouse``; the result says what happened."""
    p = plan(filters)
    if p is None:
        return RefreshResult(False, "nothing_to_search")
    try:
        summary = jobs.fetch_hh(Path(warehouse), p.text, areas=p.areas, progress=progress)
    except jobs.JobFailed as exc:
        return RefreshResult(False, _kind(exc), _first_line(exc))
    except Exception as exc:  # noqa: BLE001 - a lock held by the CLI, a disk error: say it, don't crash the page
        return RefreshResult(False, "failed", f"{type(exc).__name__}: {_first_line(exc)}")
    return RefreshResult(True, "done", summary.line(), summary.rows_new, summary.rows_replaced, summary.rows_in)


def message(result: RefreshResult, lang: str = "ru") -> str:
    """The sentence the page shows for ``result``: what happened and what the user can do."""
    return t(f"data_refresh_{result.kind}", lang, detail=result.detail, new=result.rows_new,
             replaced=result.rows_replaced, rows=result.rows_in)
