"""Readers never wait for a refresh, and a refresh never breaks a reader (issue #11 §3).

Eight browser sessions render every page in a loop while three `python -m pipelines refresh`
sweeps run back to back, against a local hh.ru stand-in whose market changes between them, on a
copy of the snapshot warehouse the app serves. Then: no render failed, no row was lost or doubled,
and the new rows are on the Data page without restarting the app. The figures are printed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pipelines import warehouse
from tests.e2e.conftest import NAV_LINKS, ROOT, RUN_TIMEOUT_MS, app_tab, streamlit_server
from tests.hh_market import MarketHH, env_for, make_items

pytestmark = pytest.mark.e2e

SESSIONS = 8
REFRESHES = 3
REGIONS = ("RU-MOW", "RU-SPE", "RU-SVE", "RU-TA")  # the stand-in's market; a sweep of them is ~10 requests
NEW_PER_REFRESH, CLOSED_PER_REFRESH = 60, 25
EXCEPTION = '[data-testid="stException"]'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'
RENDER_TIMEOUT_S = RUN_TIMEOUT_MS / 1000 * 2


def _market_items(n: int, seed: int, id_offset: int = 0, days: int = 25) -> list[dict]:
    """Stand-in vacancies placed in ``REGIONS`` only."""
    from pipelines.refresh import _subtrees, market_regions

    inside = {a for r in market_regions(REGIONS) for a in _subtrees()[r.area_id]}
    return [i for i in make_items(n * 3, seed=seed, id_offset=id_offset, days=days)
            if i["area"]["id"] in inside][:n]


class Refreshes:
    """Three sweeps one after another, in subprocesses, the market changing before each."""

    def __init__(self, market: MarketHH, wh: Path, raw: Path) -> None:
        self.market, self.wh = market, wh
        self.env = {**os.environ, **env_for(market, str(raw)), "PYTHONUNBUFFERED": "1"}
        self.proc: subprocess.Popen | None = None
        self.started = 0.0
        self.times: list[float] = []
        self.summaries: list[dict] = []
        self.added = {str(i["id"]) for i in market.items.values()}
        # drawn now, not between refreshes: the loop's main thread must stay free to drive the tabs
        self.openings = [_market_items(NEW_PER_REFRESH, seed=100 + n, id_offset=1_000_000 * (n + 1), days=3)
                         for n in range(1, REFRESHES)]

    def _start(self) -> None:
        n = len(self.times)
        if n:  # the market moves: some close, new ones open
            opened = self.openings[n - 1]
            self.market.close(sorted(self.market.open_ids())[:CLOSED_PER_REFRESH])
            self.market.add(opened)
            self.added |= {str(i["id"]) for i in opened}
        self.started = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, "-m", "pipelines", "refresh", "--json", "--regions",
                                      ",".join(REGIONS), "--warehouse", str(self.wh)], cwd=ROOT, env=self.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)

    def step(self) -> bool:
        """Advance: start the next refresh when the last one ended. True while any is left."""
        if len(self.times) >= REFRESHES:
            return False
        if self.proc is None:
            self._start()
        elif self.proc.poll() is not None:
            out, err = self.proc.communicate()
            assert self.proc.returncode == 0, err
            self.times.append(time.monotonic() - self.started)
            self.summaries.append(json.loads(out))
            self.proc = None
            if len(self.times) < REFRESHES:
                self._start()
        return len(self.times) < REFRESHES

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def _paths(browser, base: str) -> list[str]:
    with app_tab(browser, base) as app:
        app.open("")
        links = app.page.locator(NAV_LINKS)
        return [urlsplit(links.nth(i).get_attribute("href") or "").path.strip("/") for i in range(links.count())]


class Sessions:
    """The browser tabs, each opening its next page as soon as its last one finished rendering."""

    def __init__(self, tabs, paths: list[str]) -> None:
        self.tabs, self.paths = tabs, paths
        self.next = list(range(len(tabs)))  # tab i starts on page i: every page from the first round
        self.opened = [0.0] * len(tabs)
        self.busy = [False] * len(tabs)
        self.renders: dict[str, int] = dict.fromkeys(paths, 0)
        self.failures: list[str] = []

    def open(self, i: int) -> None:
        tab, path = self.tabs[i], self.paths[self.next[i] % len(self.paths)]
        self.next[i] += 1
        tab.runs_done, tab.page_errors[:] = 0, []
        tab.page.goto(f"{tab.base}/{path}", wait_until="commit")
        self.opened[i], self.busy[i] = time.monotonic(), True

    def poll(self, i: int) -> bool:
        """True when tab ``i`` finished its render (checked for an exception box) or gave up."""
        tab = self.tabs[i]
        if tab.runs_done >= 1 and tab.page.locator(IDLE).count():
            if tab.page.locator(EXCEPTION).count() or tab.page_errors:
                self.failures.append(f"{tab.page.url}: {tab.page.locator(EXCEPTION).all_inner_texts()} "
                                     f"{tab.page_errors}")
            self.renders[self.paths[(self.next[i] - 1) % len(self.paths)]] += 1
        elif time.monotonic() - self.opened[i] > RENDER_TIMEOUT_S:
            self.failures.append(f"{tab.page.url}: no finished run within {RENDER_TIMEOUT_S:.0f} s")
        else:
            return False
        self.busy[i] = False
        return True

    def run(self, refreshes: Refreshes) -> None:
        """Render in a loop until the refreshes are done, then let every tab finish its page."""
        for i in range(len(self.tabs)):
            self.open(i)
        going = True
        while going or any(self.busy):
            going = refreshes.step()
            self.tabs[0].page.wait_for_timeout(50)  # lets Playwright deliver every tab's websocket frames
            for i in range(len(self.tabs)):
                if self.busy[i] and self.poll(i) and going:
                    self.open(i)


def _status(wh: Path) -> dict:
    con = warehouse.connect(wh, read_only=True)
    try:
        return warehouse.status(con)
    finally:
        con.close()


def test_eight_sessions_render_while_three_refreshes_run(browser, snapshot_warehouse, tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse.current(snapshot_warehouse), wh)
    snapshot_rows = _status(wh)["total_rows"]
    with MarketHH(_market_items(400, seed=11)) as market, streamlit_server(wh, tmp_path) as base:
        paths = _paths(browser, base)  # also warms the server up (its first session)
        refreshes = Refreshes(market, wh, tmp_path / "raw")
        contexts = [app_tab(browser, base) for _ in range(SESSIONS)]
        sessions = Sessions([c.__enter__() for c in contexts], paths)
        started = time.monotonic()
        try:
            sessions.run(refreshes)
        finally:
            refreshes.stop()
            for c in contexts:
                c.__exit__(None, None, None)
        loop_s = time.monotonic() - started
        status = _status(wh)
        expected = snapshot_rows + len(refreshes.added)
        with app_tab(browser, base) as app:  # the same server, no restart: a new session sees the new rows
            app.open(next(p for p in paths if p.endswith("data")))
            caption = app.page.get_by_text(re.compile("Всего в хранилище")).first.inner_text()
        shown = int(re.sub(r"\D", "", caption.split("вакансий")[0]))

    renders = sum(sessions.renders.values())
    per_page = ", ".join(f"{p or '/'} {n}" for p, n in sessions.renders.items())
    print(f"\nconcurrency: {SESSIONS} sessions, {renders} renders over {loop_s:.1f} s ({per_page}), "
          f"{len(sessions.failures)} failed; "
          "refreshes " + ", ".join(f"{t:.1f} s (+{s['rows_new']} new, {s['rows_closed']} closed)"
                                   for t, s in zip(refreshes.times, refreshes.summaries, strict=True))
          + f"; rows {snapshot_rows} + {len(refreshes.added)} stand-in = {status['total_rows']}, "
            f"duplicate keys {status['duplicate_keys']}; Data page shows {shown}")
    assert not sessions.failures, sessions.failures
    assert all(sessions.renders.values()), sessions.renders  # every page rendered
    assert len(refreshes.times) == REFRESHES
    assert status["duplicate_keys"] == 0 and status["total_rows"] == expected
    assert [s["rows_closed"] for s in refreshes.summaries] == [0] + [CLOSED_PER_REFRESH] * (REFRESHES - 1)
    assert shown == expected
