"""Figure 3: a full resumable harvest against the local stand-in for hh.ru, rate cap off.

What this measures is the harvester's own overhead per page (HTTP round trip on loopback, the
atomic fsync'd write of every page and of ``state.json``, slicing by area and date window), i.e.
the ceiling it puts on a harvest when hh.ru's rate limit is not the bottleneck.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from benchmarks.generator import DEFAULT_END, Calibration, generate_items
from benchmarks.hh_server import FakeHH
from pipelines.harvest import SearchQuery, harvest
from pipelines.sources.hh import HHClient

AREAS = ("1", "2", "3")  # Moscow, St Petersburg, Yekaterinburg: split by area, then by date window


@dataclass(frozen=True)
class HarvestFigures:
    items_served: int
    unique_ids: int
    pages: int
    slices: int
    requests: int
    seconds: float

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds

    @property
    def items_per_s(self) -> float:
        return self.unique_ids / self.seconds


def bench_harvest(n_items: int, work_dir: Path, calib: Calibration | None = None,
                  seed: int = 3) -> HarvestFigures:
    """Harvest every vacancy of ``AREAS`` published in the 30 days the fake hh.ru holds."""
    end = DEFAULT_END
    start = end - timedelta(days=30)
    items = generate_items(n_items, seed=seed, calib=calib, start=start, end=end)
    expected = int(items["area_id"].isin(AREAS).sum())
    query = SearchQuery(text="BENCH", areas=AREAS, date_from=start, date_to=end)
    with FakeHH(items) as hh, HHClient(base_url=hh.url, rate_limit=0, retries=0) as client:
        client.session.trust_env = False  # loopback only: never route through a proxy from the env
        t0 = time.perf_counter()
        result = harvest(client, query, Path(work_dir), now=end)
        seconds = time.perf_counter() - t0
        requests = hh.requests
    if result.unique_ids != expected:
        raise RuntimeError(f"harvest got {result.unique_ids} of {expected} vacancies: {result.warnings}")
    return HarvestFigures(n_items, result.unique_ids, result.pages_fetched, len(result.slices),
                          requests, seconds)
