"""`python -m pipelines refresh`: the plan (roles × regions from the reference files), slicing past
hh's cap by role and date (open ends kept), the CLI's summary and JSON, one run at a time, and
failing fast offline — in the CLI and on the Data page."""

from __future__ import annotations

import fcntl
import json
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.filters import Filters
from pipelines import jobs, reference, refresh
from pipelines.harvest import SearchQuery, harvest
from pipelines.sources import hh
from pipelines.sources.http import retrying_session
from tests.hh_market import MarketHH, env_for, make_items

ROOT = Path(__file__).resolve().parents[1]
OFFLINE_BUDGET_S = 5.0


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


# --------------------------------------------------------------------------- the plan


def test_the_plan_covers_every_mapped_role_in_every_subject():
    regions, roles = refresh.market_regions(), refresh.market_roles()
    assert len(regions) == reference.N_SUBJECTS and {r.area_id for r in regions} >= {"1", "2", "1624"}
    assert {"96", "70", "18"} <= set(roles) and len(roles) == len(set(roles))
    assert refresh.market_roles(["software_developer"]) == ("96", "104")
    assert [r.iso for r in refresh.market_regions(["ru-mow", "2"])] == ["RU-MOW", "RU-SPE"]
    with pytest.raises(ValueError, match="unknown region"):
        refresh.market_regions(["RU-XXX"])
    with pytest.raises(ValueError, match="no hh_roles"):
        refresh.market_roles(["account_manager"])


def test_plan_modes():
    runs = refresh._runs_of(Path("/nonexistent/w.duckdb"))
    assert refresh.make_plan(refresh.Options(), runs).closes
    since = refresh.make_plan(refresh.Options(since=datetime(2026, 11, 1, tzinfo=UTC)), runs)
    assert since.mode == "since" and not since.closes
    first = refresh.make_plan(refresh.Options(new_only=True), runs)
    assert first.mode == "sweep" and "no finished refresh" in first.note
    with pytest.raises(ValueError, match="sources"):
        refresh.make_plan(refresh.Options(sources=("vk",)), runs)


# --------------------------------------------------------------------------- slicing


def test_a_region_is_cut_by_role_then_date_and_keeps_its_old_tail(tmp_path):
    """Moscow: 1 500 vacancies of role 96 and 2 100 of role 70, 1 100 of those older than the
    30-day window. The region (3 600) is cut by role; role 70 (2 100) by date, and its vacancies
    published before the window come through the open-ended "tail" slice."""
    now = datetime.now(UTC)
    dev = [dict(i, area={"id": "1"}, professional_roles=[{"id": "96"}]) for i in make_items(1500, seed=1)]
    sales = make_items(1000, seed=2, id_offset=100_000) + make_items(
        1100, seed=3, id_offset=200_000, end=now - timedelta(days=40), days=20)
    sales = [dict(i, area={"id": "1"}, professional_roles=[{"id": "70"}]) for i in sales]
    with MarketHH(dev + sales) as m, hh.HHClient(base_url=m.url, rate_limit=0, retries=0, token="") as c:
        q = SearchQuery(text="", areas=("1",), roles=("70", "96"), tag="t1")
        res = harvest(c, q, tmp_path)
    kinds = {s.key: s for s in res.slices}
    assert kinds["root"].status == "split" and res.complete and not res.warnings
    assert {s.roles for s in res.slices if s.status == "done"} == {("70",), ("96",)}
    assert any(s.date_from is None and s.date_to and s.found == 1100 for s in res.slices)  # the old tail
    assert set(res.ids) == {i["id"] for i in dev + sales}
    assert "text" not in dict(q.params())  # no text: every vacancy of the roles


# --------------------------------------------------------------------------- the CLI


@pytest.fixture()
def market(tmp_path):
    items = [i for i in make_items(600, seed=4) if i["area"]["id"] in {"1", "88"}][:150]
    with MarketHH(items) as m:
        yield m, items, env_for(m, str(tmp_path / "raw"))


def test_cli_refresh_prints_a_summary_and_json_and_status_reports_the_lifecycle(market, tmp_path):
    m, items, env = market
    wh = str(tmp_path / "w.duckdb")
    first = _cli("refresh", "--regions", "RU-MOW,RU-TA", "--json", "--warehouse", wh, env=env)
    assert first.returncode == 0, first.stderr
    s = json.loads(first.stdout)
    assert (s["mode"], s["regions"], s["rows_new"], s["rows_closed"]) == ("sweep", 2, len(items), 0)
    assert s["requests"] >= 3 and s["seconds"] > 0 and s["closes"]
    m.close([i["id"] for i in items[:5]])
    second = _cli("refresh", "--regions", "RU-MOW", "--regions", "RU-TA", "--warehouse", wh, env=env)
    assert second.returncode == 0, second.stderr
    line = second.stdout.strip()
    assert line.startswith("refresh (sweep)") and f"{len(items) - 5} updated" in line and "5 closed" in line
    top = _cli("refresh", "--regions", "RU-MOW,RU-TA", "--new-only", "--warehouse", wh, env=env)
    assert top.returncode == 0 and "new_only since" in top.stdout and "nothing closed" in top.stdout
    status = json.loads(_cli("status", "--json", "--warehouse", wh).stdout)
    assert status["lifecycle"] == {"tracked": len(items), "open": len(items) - 5, "closed": 5}
    assert status["last_refresh"]["mode"] == "new_only" and status["duplicate_keys"] == 0


def test_cli_refuses_what_it_cannot_do(market, tmp_path):
    _, _, env = market
    wh = str(tmp_path / "w.duckdb")
    bad = _cli("refresh", "--regions", "RU-XXX", "--warehouse", wh, env=env)
    assert bad.returncode == 2 and "unknown region" in bad.stderr
    both = _cli("refresh", "--since", "2026-11-01", "--new-only", "--warehouse", wh, env=env)
    assert both.returncode == 2 and "exclude each other" in both.stderr
    assert not Path(wh).exists()


def test_one_refresh_at_a_time(market, tmp_path, monkeypatch):
    _, _, env = market
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    lock = tmp_path / "raw" / "refresh" / ".lock"
    lock.parent.mkdir(parents=True)
    with open(lock, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(jobs.JobFailed, match="another refresh is running"):
            refresh.run(tmp_path / "w.duckdb", refresh.Options(regions=("RU-MOW",)))


def test_progress_reaches_the_end_with_running_counts(market, tmp_path, monkeypatch):
    _, items, env = market
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    seen: list[refresh.Progress] = []
    refresh.run(tmp_path / "w.duckdb", refresh.Options(regions=("RU-MOW", "RU-TA")),
                lambda p: seen.append(refresh.Progress(**{k: getattr(p, k) for k in ("stage", "regions_done",
                                                          "regions_total", "pages_done", "pages_total",
                                                          "vacancies", "requests")})))
    hh_ticks = [p for p in seen if p.stage == "hh"]
    assert hh_ticks[-1].regions_done == 2 and hh_ticks[-1].vacancies == len(items)
    assert [p.fraction() for p in hh_ticks] == sorted(p.fraction() for p in hh_ticks)  # never goes back
    assert seen[-1].stage == "load" and seen[-1].fraction() == 1.0


# --------------------------------------------------------------------------- offline: fail fast, say so


def test_connection_failures_get_one_retry_and_statuses_keep_theirs():
    retry = retrying_session(5, 0.5, {}).adapters["https://"].max_retries
    assert (retry.total, retry.connect) == (5, 1) and 503 in retry.status_forcelist


@pytest.mark.parametrize("base", [f"http://127.0.0.1:{_closed_port()}", "http://nonexistent.invalid"],
                         ids=["closed-port", "unresolvable"])
def test_cli_says_no_network_within_five_seconds(base, tmp_path):
    env = {"VILKA_HH_BASE_URL": base, "VILKA_RAW_DIR": str(tmp_path / "raw"), "VILKA_HH_RATE": "0"}
    started = time.monotonic()
    r = _cli("refresh", "--warehouse", str(tmp_path / "w.duckdb"), env=env)  # default retries and back-off
    took = time.monotonic() - started
    print(f"offline CLI ({base}): {took:.2f} s (Python start-up included)")
    assert r.returncode == 2 and "no network" in r.stderr and "нет сети" in r.stderr
    assert took < OFFLINE_BUDGET_S
    assert not (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize("base", [f"http://127.0.0.1:{_closed_port()}", "http://nonexistent.invalid"],
                         ids=["closed-port", "unresolvable"])
def test_data_page_button_says_no_network_within_five_seconds(base, snapshot_warehouse, tmp_path, monkeypatch):
    wh = tmp_path / "warehouse.duckdb"
    wh.write_bytes(Path(snapshot_warehouse).resolve().read_bytes())
    for k, v in {"VILKA_HH_BASE_URL": base, "VILKA_RAW_DIR": str(tmp_path / "raw"), "VILKA_HH_RATE": "0",
                 "VILKA_WAREHOUSE": str(wh)}.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("VILKA_HH_RETRIES", raising=False)
    monkeypatch.delenv("VILKA_HH_BACKOFF", raising=False)
    for lang, words in (("ru", "нет сети"), ("en", "no network")):
        at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=60)
        at.session_state["filters"] = Filters(title="1C")
        at.session_state["lang"] = lang
        at.run()
        started = time.monotonic()
        at.button(key="data_refresh").click().run()
        took = time.monotonic() - started
        print(f"offline Data page ({base}, {lang}): {took:.2f} s")
        assert not at.exception and at.error and words in at.error[0].value.lower()
        assert took < OFFLINE_BUDGET_S


def test_rabota_rossii_when_asked_is_tracked_but_never_closed(market, tmp_path, httpserver, monkeypatch):
    import duckdb

    from tests.test_trudvsem import PATH, FakeTrudvsem

    def trudvsem_rows(where: str = "") -> int:
        con = duckdb.connect(str(wh), read_only=True)
        try:
            return con.execute(f"SELECT count(*) FROM vacancies WHERE source = 'trudvsem' {where}").fetchone()[0]
        finally:
            con.close()

    m, items, env = market
    httpserver.expect_request(PATH).respond_with_handler(FakeTrudvsem())
    for k, v in {**env, "VILKA_TRUDVSEM_BASE_URL": httpserver.url_for("").rstrip("/"),
                 "VILKA_TRUDVSEM_RATE": "0"}.items():
        monkeypatch.setenv(k, v)
    wh = tmp_path / "w.duckdb"
    s = refresh.run(wh, refresh.Options(regions=("RU-MOW", "RU-TA"), sources=("hh", "trudvsem")))
    n_tv = trudvsem_rows("AND last_seen_at IS NOT NULL")
    assert s.sources == ("hh", "trudvsem") and n_tv > 0 and s.rows_new == len(items) + n_tv
    httpserver.clear()
    httpserver.expect_request(PATH).respond_with_handler(FakeTrudvsem(pool=[]))  # Работа России empties
    again = refresh.run(wh, refresh.Options(regions=("RU-MOW", "RU-TA"), sources=("hh", "trudvsem")))
    assert again.rows_closed == 0  # its sweep is not sliced by role: nothing is closed on its word
    assert trudvsem_rows("AND closed_at IS NULL") == n_tv
