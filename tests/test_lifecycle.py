"""Vacancies have a life: first_seen_at, last_seen_at, closed_at — set by loads, closed only by a
complete sweep of the vacancy's slice, reopened when seen again, rebuilt from raw pages."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics import market
from analytics import queries_market as qm
from analytics.filters import Filters
from pipelines import jobs, refresh, warehouse
from pipelines.flatten import search_pages_frame
from pipelines.normalise import normalise
from tests.conftest import FIXTURES
from tests.hh_market import MarketHH, env_for, make_items

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
KAZAN = "88"  # a city under Республика Татарстан (1624)
TATARSTAN = "1624"


@pytest.fixture()
def frame() -> pd.DataFrame:
    """Six real search items made into a controlled little market: ids v0…v5, roles 96/70, Kazan/Moscow."""
    f = normalise(search_pages_frame(sorted((FIXTURES / "hh_items").glob("*.json")))).head(6).copy()
    f["source_id"] = [f"v{i}" for i in range(6)]
    f["area_id"] = [KAZAN, KAZAN, KAZAN, "1", "1", KAZAN]
    f["professional_roles"] = [["96"], ["96"], ["70"], ["96"], ["96"], ["96", "70"]]
    f["published_at"] = pd.Timestamp(T0 - 3 * DAY)
    return f.reset_index(drop=True)


def _rows(con) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in con.execute(
        "SELECT source_id, first_seen_at, last_seen_at, closed_at FROM vacancies ORDER BY 1").fetchall()}


def _cov(area: str, roles: list[str]) -> pd.DataFrame:
    return refresh.coverage_frame({area: roles})


# --------------------------------------------------------------------------- loads


def test_a_live_load_sets_first_and_last_seen_and_keeps_first_on_updates(tmp_path, frame):
    con = warehouse.connect(tmp_path / "w.duckdb")
    warehouse.load(con, frame, "hh", seen_at=T0)
    assert all(r == (T0, T0, None) for r in _rows(con).values())
    warehouse.load(con, frame.head(2), "hh", seen_at=T0 + DAY)
    rows = _rows(con)
    assert rows["v0"] == (T0, T0 + DAY, None) and rows["v5"] == (T0, T0, None)
    warehouse.load(con, frame.head(1), "hh", seen_at=T0 - DAY)  # replaying an older page moves nothing back
    assert _rows(con)["v0"] == (T0, T0 + DAY, None)


def test_dataset_rows_have_no_lifecycle_and_a_reload_keeps_a_live_one(tmp_path, frame):
    con = warehouse.connect(tmp_path / "w.duckdb")
    warehouse.load(con, frame.head(3), "snapshot")  # not seen live: first_seen = published, never last seen
    assert all(r == (T0 - 3 * DAY, None, None) for r in _rows(con).values())
    warehouse.load(con, frame.head(1), "hh", seen_at=T0)  # the snapshot's vacancy seen live: tracked from now
    assert _rows(con)["v0"] == (T0 - 3 * DAY, T0, None)
    warehouse.load(con, frame.head(1), "snapshot")  # a snapshot reload does not erase what was seen
    assert _rows(con)["v0"] == (T0 - 3 * DAY, T0, None)


def test_a_complete_sweep_closes_only_what_it_covered_and_did_not_see(tmp_path, frame):
    con = warehouse.connect(tmp_path / "w.duckdb")
    warehouse.load(con, frame, "hh", seen_at=T0)
    warehouse.load(con, frame.iloc[[0]], "hh", seen_at=T0 + DAY)  # the sweep saw v0 only
    closed = warehouse.close_unseen(con, T0 + DAY, _cov(TATARSTAN, ["96"]))  # Tatarstan × role 96
    rows = _rows(con)
    assert closed == 2
    assert rows["v1"][2] == T0 + DAY and rows["v5"][2] == T0 + DAY  # in Kazan, role 96 (v5 also has 70)
    assert rows["v0"][2] is None  # seen
    assert rows["v2"][2] is None  # role 70 was not swept
    assert rows["v3"][2] is None and rows["v4"][2] is None  # Moscow was not swept
    assert warehouse.close_unseen(con, T0 + DAY, _cov(TATARSTAN, ["96"])) == 0  # closing twice: nothing new
    assert warehouse.close_unseen(con, T0 + DAY, _cov(TATARSTAN, [])) == 0  # no complete role: no closure


def test_rows_never_seen_live_are_never_closed(tmp_path, frame):
    con = warehouse.connect(tmp_path / "w.duckdb")
    warehouse.load(con, frame, "snapshot")
    assert warehouse.close_unseen(con, T0, _cov(TATARSTAN, ["96", "70"])) == 0
    assert all(r[2] is None for r in _rows(con).values())


def test_a_closed_vacancy_seen_again_is_reopened(tmp_path, frame):
    con = warehouse.connect(tmp_path / "w.duckdb")
    warehouse.load(con, frame, "hh", seen_at=T0)
    warehouse.close_unseen(con, T0 + DAY, _cov(TATARSTAN, ["96", "70"]))
    assert _rows(con)["v1"][2] == T0 + DAY
    r = warehouse.load(con, frame.iloc[[1]], "hh", seen_at=T0 + 2 * DAY)
    assert r.rows_reopened == 1 and _rows(con)["v1"] == (T0, T0 + 2 * DAY, None)


def test_an_older_warehouse_gains_the_lifecycle_as_untracked_rows(tmp_path, frame):
    path = tmp_path / "old.duckdb"
    con = warehouse.connect(path)
    warehouse.load(con, frame, "hh", seen_at=T0)
    for col in ("first_seen_at", "last_seen_at", "closed_at"):
        con.execute(f"ALTER TABLE vacancies DROP COLUMN {col}")
    con.execute("DROP TABLE refreshes")
    con.close()
    ro = warehouse.connect(path, read_only=True)  # status of an older warehouse still answers
    assert warehouse.status(ro)["lifecycle"] == {"tracked": 0, "open": 0, "closed": 0}
    ro.close()
    con = warehouse.connect(path)
    assert all(r == (T0 - 3 * DAY, None, None) for r in _rows(con).values())
    assert warehouse.refreshes(con).empty


# --------------------------------------------------------------------------- refreshes against a market


@pytest.fixture()
def market_env(tmp_path, monkeypatch):
    """A small market in Moscow, St Petersburg and Tatarstan, and the environment that points at it."""
    regions = ("RU-MOW", "RU-SPE", "RU-TA")
    items = [i for i in make_items(900, seed=3) if i["area"]["id"] in {"1", "2", KAZAN}][:300]
    assert len(items) > 100
    with MarketHH(items) as m:
        for k, v in env_for(m, str(tmp_path / "raw")).items():
            monkeypatch.setenv(k, v)
        yield m, items, regions, tmp_path / "w.duckdb"


def _sweep(wh: Path, regions: tuple[str, ...], **kw) -> refresh.Summary:
    return refresh.run(wh, refresh.Options(regions=regions, **kw))


def _life(wh: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return _rows(con)
    finally:
        con.close()


def test_sweeps_add_close_and_reopen(market_env):
    m, items, regions, wh = market_env
    first = _sweep(wh, regions)
    assert (first.rows_new, first.rows_updated, first.rows_closed) == (len(items), 0, 0)
    gone = [i["id"] for i in items[:20]]
    m.close(gone)
    m.add([dict(items[0], id="9999999999")])  # a new vacancy opens
    second = _sweep(wh, regions)
    assert (second.rows_new, second.rows_updated, second.rows_closed) == (1, len(items) - 20, 20)
    life = _life(wh)
    con = duckdb.connect(str(wh), read_only=True)
    t2 = con.execute("SELECT started_at FROM refreshes WHERE run_id = ?", [second.run_id]).fetchone()[0]
    con.close()
    assert {life[g][2] for g in gone} == {t2}  # closed at the sweep that missed them
    assert life["9999999999"] == (t2, t2, None) and life[gone[0]][1] < t2
    m.reopen(gone[:3])
    third = _sweep(wh, regions)
    assert (third.rows_reopened, third.rows_closed) == (3, 0)
    assert sum(v[2] is not None for v in _life(wh).values()) == 17


def test_new_only_and_since_close_nothing(market_env):
    m, items, regions, wh = market_env
    _sweep(wh, regions)
    m.close([i["id"] for i in items[:10]])
    top = _sweep(wh, regions, new_only=True)
    assert top.mode == "new_only" and not top.closes and top.rows_closed == 0
    con = duckdb.connect(str(wh), read_only=True)
    sweep_start = con.execute("SELECT started_at FROM refreshes WHERE mode = 'sweep'").fetchone()[0]
    con.close()
    assert datetime.fromisoformat(top.date_from) == sweep_start - refresh.NEW_ONLY_OVERLAP
    since = _sweep(wh, regions, since=datetime(2020, 1, 1, tzinfo=UTC))
    assert since.mode == "since" and since.rows_closed == 0
    assert all(v[2] is None for v in _life(wh).values())


def test_new_only_without_a_covering_refresh_sweeps(market_env):
    _, items, regions, wh = market_env
    _sweep(wh, ("RU-MOW",))
    s = _sweep(wh, regions, new_only=True)  # the last run covered Moscow only
    assert s.mode == "sweep" and s.closes and any("no finished refresh" in w for w in s.warnings)


def test_a_sweep_of_some_regions_closes_only_there(market_env):
    m, items, regions, wh = market_env
    _sweep(wh, regions)
    m.close([i["id"] for i in items])  # everything closes, but only Moscow is swept again
    s = _sweep(wh, ("RU-MOW",))
    moscow = sum(i["area"]["id"] == "1" for i in items)
    assert s.rows_closed == moscow > 0
    assert _sweep(wh, regions).rows_closed == len(items) - moscow


def test_a_failed_sweep_changes_nothing_and_the_rerun_resumes(market_env):
    m, items, regions, wh = market_env
    _sweep(wh, regions)
    before = warehouse.current(wh)
    m.close([i["id"] for i in items[:10]])
    m.fail_from = m.requests + 3  # dictionaries and two pages, then the server breaks
    with pytest.raises(jobs.JobFailed, match="503"):
        _sweep(wh, regions)
    assert warehouse.current(wh) == before  # nothing loaded, nothing closed
    assert all(v[2] is None for v in _life(wh).values())
    m.fail_from = None
    s = _sweep(wh, regions)
    assert s.resumed and s.pages_reused > 0 and s.rows_closed == 10


def test_a_slice_past_the_cap_closes_nothing_in_its_role(market_env, monkeypatch):
    """2 100 vacancies of one role published in the same minute in Kazan: hh can show 2 000 of
    them, so that role's harvest in Tatarstan is incomplete and closes nothing there."""
    m, items, regions, wh = market_env
    minute = (datetime.now(UTC) - DAY).strftime("%Y-%m-%dT%H:%M:00+0000")
    crowd = [dict(item, area={"id": KAZAN, "name": "Казань"}, published_at=minute,
                  professional_roles=[{"id": "96", "name": "Программист, разработчик"}])
             for item in make_items(2100, seed=5, id_offset=1_000_000)]
    m.add(crowd)
    first = _sweep(wh, ("RU-TA",), professions=("software_developer",))
    assert first.slices_incomplete >= 1 and any("5-minute" in w for w in first.warnings)
    m.close([c["id"] for c in crowd[:50]])
    again = _sweep(wh, ("RU-TA",), professions=("software_developer",))
    assert again.rows_closed == 0  # could not prove they are gone: 100 of the crowd were never reachable


def test_snapshot_hh_rows_are_never_closed_by_a_sweep(market_env, snapshot_warehouse):
    _, _, regions, wh = market_env
    shutil.copyfile(warehouse.current(snapshot_warehouse), wh)
    s = _sweep(wh, regions)
    assert s.rows_closed == 0
    con = duckdb.connect(str(wh), read_only=True)
    snap_closed = con.execute("SELECT count(*) FROM vacancies WHERE source IN ('hh', 'hh_flat') "
                              "AND last_seen_at IS NULL AND closed_at IS NOT NULL").fetchone()[0]
    con.close()
    assert snap_closed == 0


def test_rebuild_replays_the_lifecycle(market_env, monkeypatch):
    m, items, regions, wh = market_env
    _sweep(wh, regions)
    m.close([i["id"] for i in items[:7]])
    _sweep(wh, regions)
    before = _life(wh)
    rebuilt = wh.parent / "rebuilt.duckdb"
    monkeypatch.setattr(jobs, "_snapshot_frame", lambda: normalise(search_pages_frame([])))
    monkeypatch.setattr(jobs, "_snapshot_into", lambda con, frame: None)
    jobs.rebuild(rebuilt)
    after = _life(rebuilt)
    assert after == before and sum(v[2] is not None for v in after.values()) == 7


# --------------------------------------------------------------------------- what the Market page shows


def test_open_per_week_counts_from_opening_to_last_sighting():
    w = lambda d: pd.Timestamp(d)  # noqa: E731
    weeks = pd.DataFrame({"week": [w("2026-10-26"), w("2026-11-02"), w("2026-11-09"), w("2026-11-16")],
                          "n_opened": [4, 1, 0, 2], "n_last": [0, 1, 3, 3], "n_closed": [0, 0, 1, 0]})
    out = market.open_per_week(weeks, w("2026-11-02"), w("2026-11-16"))
    # opened before the first sweep (4) are counted from it; one last seen in 11-02 still counts then
    assert out["open"].tolist() == [5, 4, 3] and out["closed"].tolist() == [0, 1, 0]
    assert out["week"].tolist() == [w("2026-11-02"), w("2026-11-09"), w("2026-11-16")]
    assert market.open_per_week(weeks, None, None).empty


def test_lifecycle_queries_on_a_refreshed_warehouse(market_env):
    m, items, regions, wh = market_env
    _sweep(wh, regions)
    m.close([i["id"] for i in items[:40]])
    _sweep(wh, regions)
    key = (str(warehouse.current(wh)), os.stat(warehouse.current(wh)).st_mtime)
    life = qm.lifecycle_weeks(key, Filters())
    weekly = market.open_per_week(life["weeks"], life["start"], life["end"])
    assert life["tracked"] == len(items) and life["closed"] == 40
    assert weekly["open"].iloc[-1] == len(items)  # all were seen open in the latest week
    by_prof = qm.time_to_close(key, Filters(), "profession")
    by_region = qm.time_to_close(key, Filters(), "region")
    assert by_prof["n"].sum() == by_region["n"].sum() == 40
    assert (by_prof["median"] >= 0).all() and 0 < by_prof["n_open"].sum() <= len(items) - 40
    table = market.close_table(by_region, "region", "en")
    assert set(table["label"]) <= {"Moscow", "Saint Petersburg", "Republic of Tatarstan"}
    assert table.loc[table["n"] < 5, "median"].isna().all()
    assert market.close_figure(table, "region", "en").layout.title.text.startswith("Median days to close")


def test_rebuild_does_not_close_on_the_word_of_pruned_pages(market_env, monkeypatch):
    m, items, regions, wh = market_env
    _sweep(wh, regions)
    m.close([i["id"] for i in items[:7]])
    second = _sweep(wh, regions)
    raw = Path(os.environ["VILKA_RAW_DIR"])
    run = next(r for r in refresh.finished_runs(raw) if r["run_id"] == second.run_id)
    shutil.rmtree(raw / "hh" / "search" / run["queries"]["RU-MOW"])  # someone pruned part of that sweep
    monkeypatch.setattr(jobs, "_snapshot_frame", lambda: normalise(search_pages_frame([])))
    monkeypatch.setattr(jobs, "_snapshot_into", lambda con, frame: None)
    rebuilt = wh.parent / "rebuilt.duckdb"
    jobs.rebuild(rebuilt)
    after = _life(rebuilt)
    assert len(after) == len(items) and all(v[2] is None for v in after.values())
