"""Loads are transactional and idempotent; status reports what is stored."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from pipelines import warehouse
from pipelines.flatten import search_pages_frame
from pipelines.normalise import normalise
from tests.conftest import FIXTURES


@pytest.fixture()
def frame() -> pd.DataFrame:
    return normalise(search_pages_frame(sorted((FIXTURES / "hh_items").glob("*.json"))))


def test_two_loads_of_the_same_data_give_the_same_rows(tmp_path, frame):
    con = warehouse.connect(tmp_path / "w.duckdb")
    first = warehouse.load(con, frame, "hh")
    second = warehouse.load(con, frame, "hh")
    assert first.rows_new == len(frame) and first.total_rows == len(frame)
    assert second.rows_new == 0 and second.rows_replaced == len(frame)
    assert second.total_rows == len(frame)
    assert warehouse.status(con)["duplicate_keys"] == 0


def test_duplicates_inside_a_batch_collapse_to_one_row(tmp_path, frame):
    con = warehouse.connect(tmp_path / "w.duckdb")
    doubled = pd.concat([frame, frame.head(3)], ignore_index=True)
    r = warehouse.load(con, doubled, "hh")
    assert r.duplicates_in_batch == 3 and r.total_rows == len(frame)


def test_a_failing_load_leaves_the_warehouse_as_it_was(tmp_path, frame):
    con = warehouse.connect(tmp_path / "w.duckdb")
    warehouse.load(con, frame.head(5), "hh")
    before = con.execute("SELECT * FROM vacancies ORDER BY source_id").df()
    bad = frame.copy()
    bad["salary_from"] = 1.0  # would overwrite the five stored rows ...
    bad.loc[bad.index[-1], "source"] = None  # ... but NOT NULL fails after the delete, inside the transaction
    with pytest.raises(duckdb.Error):
        warehouse.load(con, bad, "hh")
    after = con.execute("SELECT * FROM vacancies ORDER BY source_id").df()
    pd.testing.assert_frame_equal(before, after)
    assert con.execute("SELECT count(*) FROM loads").fetchone()[0] == 1


def test_missing_columns_are_refused_before_touching_anything(tmp_path, frame):
    con = warehouse.connect(tmp_path / "w.duckdb")
    with pytest.raises(ValueError, match="lacks canonical columns"):
        warehouse.load(con, frame.drop(columns=["flags"]), "hh")


def test_flags_are_stored_as_lists_and_counted(tmp_path, frame):
    con = warehouse.connect(tmp_path / "w.duckdb")
    warehouse.load(con, frame, "hh")
    s = warehouse.status(con)
    expected_no_salary = int(frame["flags"].str.contains("no_salary").sum())
    assert s["flagged"]["no_salary"] == expected_no_salary > 0
    usable = con.execute("SELECT count(*) FROM vacancies WHERE len(flags) = 0").fetchone()[0]
    assert usable == int((frame["flags"] == "").sum())


def test_snapshot_warehouse_has_no_duplicate_keys(snapshot_warehouse, tmp_path):
    path = tmp_path / "copy.duckdb"
    shutil.copy(snapshot_warehouse, path)
    con = warehouse.connect(path)
    s = warehouse.status(con)
    assert s["duplicate_keys"] == 0
    assert s["total_rows"] > 25000
    assert {x["source"] for x in s["sources"]} == {"hh", "hh_flat"}


def test_an_older_warehouse_gains_new_schema_columns_and_keeps_its_rows(tmp_path, frame):
    path = tmp_path / "old.duckdb"
    con = warehouse.connect(path)
    warehouse.load(con, frame, "hh")
    con.execute("ALTER TABLE vacancies DROP COLUMN title_tags")  # as an older vilka left it
    con.close()
    con = warehouse.connect(path)
    cols = {r[0] for r in con.execute("DESCRIBE vacancies").fetchall()}
    assert "title_tags" in cols
    assert con.execute("SELECT count(*) FROM vacancies").fetchone()[0] == len(frame)
    warehouse.load(con, frame, "hh")  # and loads work again
    assert con.execute("SELECT count(*) FROM vacancies WHERE title_tags IS NOT NULL").fetchone()[0] == len(frame)
