"""A write never blocks a reader and never shows half a load: each write builds a new version of the
warehouse and points the warehouse path at it in one rename (``pipelines.warehouse.writing``)."""

from __future__ import annotations

import shutil
import threading

import duckdb
import pandas as pd
import pytest

from analytics import queries
from pipelines import jobs, warehouse
from pipelines.flatten import search_pages_frame
from pipelines.normalise import normalise
from tests.conftest import FIXTURES


@pytest.fixture()
def frame() -> pd.DataFrame:
    return normalise(search_pages_frame(sorted((FIXTURES / "hh_items").glob("*.json"))))


def _count(wh) -> int:
    with queries._con(wh) as con:
        return con.execute("SELECT count(*) FROM vacancies").fetchone()[0]


def test_readers_read_the_old_version_while_a_write_is_under_way(tmp_path, frame):
    target = tmp_path / "warehouse.duckdb"
    with warehouse.writing(target) as con:
        warehouse.load(con, frame.head(5), "hh")
    before = queries.warehouse_key(target)
    assert target.is_symlink() and _count(before) == 5
    with warehouse.writing(target) as con:
        warehouse.load(con, frame, "hh")
        # mid-write: a new reader opens without a lock error and sees the old, whole version
        assert queries.warehouse_key(target) == before and _count(queries.warehouse_key(target)) == 5
    after = queries.warehouse_key(target)
    assert after != before and _count(after) == len(frame)  # the cache key moves with the version


def test_a_failed_write_leaves_the_served_version_and_no_files(tmp_path, frame):
    target = tmp_path / "warehouse.duckdb"
    with warehouse.writing(target) as con:
        warehouse.load(con, frame, "hh")
    served = warehouse.current(target)
    files = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(RuntimeError, match="disk on fire"), warehouse.writing(target) as con:
        warehouse.load(con, frame.head(2), "hh")
        raise RuntimeError("disk on fire")
    assert warehouse.current(target) == served
    assert sorted(p.name for p in tmp_path.iterdir()) == files  # the unfinished version is gone
    assert _count(queries.warehouse_key(target)) == len(frame)


def test_a_plain_warehouse_of_an_older_vilka_becomes_the_first_version(tmp_path, frame):
    target = tmp_path / "warehouse.duckdb"
    con = warehouse.connect(target)
    warehouse.load(con, frame.head(4), "hh")
    con.close()
    assert not target.is_symlink()
    with warehouse.writing(target) as con:
        warehouse.load(con, frame.tail(3), "hh")
    assert target.is_symlink() and _count(queries.warehouse_key(target)) == 7


def test_recent_versions_stay_readable_for_page_runs_in_flight(tmp_path, frame):
    target = tmp_path / "warehouse.duckdb"
    for i in range(3):
        with warehouse.writing(target) as con:
            warehouse.load(con, frame.head(i + 1), "hh")
    assert len(list(tmp_path.glob("warehouse.v*.duckdb"))) == 3  # made within KEEP_SECONDS


def test_old_versions_and_leftovers_of_killed_writers_are_removed(tmp_path, frame, monkeypatch):
    monkeypatch.setattr(warehouse, "KEEP_SECONDS", 0)
    target = tmp_path / "warehouse.duckdb"
    for i in range(4):
        with warehouse.writing(target) as con:
            warehouse.load(con, frame.head(i + 1), "hh")
    killed = tmp_path / "warehouse.v20200101T000000000000.duckdb"  # a writer killed mid-way
    killed.write_bytes(b"half")
    (tmp_path / f"{killed.name}.wal").write_bytes(b"log")
    served = warehouse.current(target)
    with warehouse.writing(target) as con:
        warehouse.load(con, frame.head(1), "hh")
    versions = sorted(p.name for p in tmp_path.glob("warehouse.v*"))
    assert versions == sorted([served.name, warehouse.current(target).name])  # current + the one it replaced


def test_load_snapshot_puts_vacancies_and_wages_in_one_version(tmp_path, monkeypatch):
    target = tmp_path / "warehouse.duckdb"
    monkeypatch.setattr(warehouse, "load_official_wages", lambda con, wages: (_ for _ in ()).throw(
        OSError("killed between the two tables")))
    with pytest.raises(OSError):
        jobs.load_snapshot(target)
    assert not target.exists()  # a first load that fails leaves no empty warehouse for `make run` to serve
    monkeypatch.undo()
    jobs.load_snapshot(target)
    with duckdb.connect(str(warehouse.current(target)), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM official_wages").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM vacancies").fetchone()[0] > 20_000


def test_writers_take_turns_and_readers_never_fail(tmp_path, frame):
    target = tmp_path / "warehouse.duckdb"
    with warehouse.writing(target) as con:
        warehouse.load(con, frame, "hh")
    errors: list[BaseException] = []
    seen: list[int] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                seen.append(_count(queries.warehouse_key(target)))
            except BaseException as exc:  # noqa: BLE001 - any failure is what this test looks for
                errors.append(exc)

    def writer(rows: pd.DataFrame) -> None:
        with warehouse.writing(target) as con:
            warehouse.load(con, rows, "hh")

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for t in readers:
        t.start()
    shifted = frame.assign(source_id=frame["source_id"] + "-b")
    writers = [threading.Thread(target=writer, args=(f,)) for f in (frame, shifted, frame)]
    for t in writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert not errors, errors[:3]
    assert set(seen) <= {len(frame), 2 * len(frame)} and seen  # whole versions only, never half a load
    assert _count(queries.warehouse_key(target)) == 2 * len(frame)


def test_a_copy_of_a_versioned_warehouse_still_opens(tmp_path, frame):
    """Tests and users copy warehouses around: copying the link's target gives a plain file that works."""
    target = tmp_path / "warehouse.duckdb"
    with warehouse.writing(target) as con:
        warehouse.load(con, frame, "hh")
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(target, copy)  # follows the link
    assert _count(queries.warehouse_key(copy)) == len(frame)
