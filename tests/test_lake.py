"""The Parquet lake (pipelines/lake.py): every page's numbers are the same on a lake as on the
DuckDB warehouse it was exported from, it is read without locks, and a build swaps in whole."""

from __future__ import annotations

import dataclasses
import json

import duckdb
import pandas as pd
import pytest

from analytics import ladder, offer, queries, queries_ladder, queries_offer, recency
from analytics.filters import Filters
from pipelines import cli, lake
from pipelines.schema import STORED_COLUMNS


@pytest.fixture(scope="module")
def both(snapshot_warehouse, tmp_path_factory):
    """(warehouse key, lake key) of the same data: the snapshot warehouse and its lake export."""
    target = tmp_path_factory.mktemp("lake") / "lake"
    lake.export_warehouse(snapshot_warehouse, target)
    return queries.warehouse_key(snapshot_warehouse), queries.warehouse_key(target), target


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Equal frames; floats to 1e-9 relative (parallel sums may differ in the last bit)."""
    assert len(a) > 0
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False,
                                  check_exact=False, rtol=1e-9)


def _close(a, b) -> None:
    """Equal results (dataclasses, tuples, dicts), floats to 1e-9 relative."""
    if dataclasses.is_dataclass(a):
        assert type(a) is type(b)
        for f in dataclasses.fields(a):
            _close(getattr(a, f.name), getattr(b, f.name))
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _close(a[k], b[k])
    elif isinstance(a, list | tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _close(x, y)
    elif isinstance(a, float):
        assert a == pytest.approx(b, rel=1e-9, nan_ok=True)
    else:
        assert a == b


def test_lake_layout_and_manifest(both):
    _, key, target = both
    assert target.is_symlink() and lake.is_lake(target)
    m = lake.manifest(target)
    assert m["schema_version"] == lake.SCHEMA_VERSION and m["engine"] == "duckdb"
    assert m["rows"] == sum(m["rows_per_source"].values()) == 64_510
    parts = {p.relative_to(lake.current(target) / "vacancies").parts[:1] for p in
             (lake.current(target) / "vacancies").rglob("*.parquet")}
    assert ("source=hh",) in parts and ("source=hh_flat",) in parts
    assert any((lake.current(target) / "vacancies" / "source=hh").glob("pub_month=20??-??"))
    assert key[0] == str(lake.current(target))  # keyed by the version directory


def test_lake_has_the_warehouse_schema(both, snapshot_warehouse):
    con = lake.connect(both[2])
    wh = duckdb.connect(str(snapshot_warehouse), read_only=True)
    try:
        for table in ("vacancies", "official_wages", "loads", "refreshes"):
            a = con.execute(f"DESCRIBE {table}").fetchall()
            b = wh.execute(f"DESCRIBE {table}").fetchall()
            assert [r[:2] for r in a] == [r[:2] for r in b], table
        assert [r[0] for r in con.execute("DESCRIBE vacancies").fetchall()] == list(STORED_COLUMNS)
        cols = ", ".join(STORED_COLUMNS)
        con.execute(f"ATTACH '{snapshot_warehouse}' AS wh (READ_ONLY)")
        for a, b in (("vacancies", "wh.vacancies"), ("wh.vacancies", "vacancies")):
            assert con.execute(f"SELECT count(*) FROM (SELECT {cols} FROM {a} EXCEPT ALL "
                               f"SELECT {cols} FROM {b})").fetchone()[0] == 0
    finally:
        con.close()
        wh.close()


def test_options_and_overview_match(both):
    wh, lk, _ = both
    a, b = queries.options(wh), queries.options(lk)
    assert a.keys() == b.keys()
    for k in a:
        _same(a[k], b[k])
    assert queries.overview(wh) == queries.overview(lk)


@pytest.mark.parametrize("by", [("region",), ("level",), ("profession",)])
def test_pay_bands_match(both, by):
    wh, lk, _ = both
    f = Filters(aged_to=recency.current_month())
    _same(queries.compute_pay_bands(wh, f, by), queries.compute_pay_bands(lk, f, by))
    g = Filters(regions=("RU-MOW",))
    _same(queries.pay_bands(wh, g, by), queries.pay_bands(lk, g, by))


def test_ladder_and_offer_match(both):
    wh, lk, _ = both
    f = Filters(aged_to=recency.current_month())
    first = next(iter(ladder.ladders()))
    _same(queries_ladder.ladder_cells(wh, f, first, ladder.PRESET_SCOPES),
          queries_ladder.ladder_cells(lk, f, first, ladder.PRESET_SCOPES))
    inp = offer.OfferInput(profession="software_developer", level="senior", region="RU-TA",
                           amount=250_000.0, period="month", basis="net", year=2025)
    assert queries_offer.choices(wh) == queries_offer.choices(lk)
    _close(queries_offer.check_offer(wh, inp, recency.current_month()),
           queries_offer.check_offer(lk, inp, recency.current_month()))


def test_latest_official_wages_match(both):
    wh, lk, _ = both
    _same(queries.latest_official_wages(wh), queries.latest_official_wages(lk))


def test_a_failed_build_leaves_the_previous_lake(both, tmp_path):
    target = tmp_path / "lake"
    src = lake.current(both[2])
    with lake.publishing(target, "test") as root:
        for d in ("vacancies", *lake.TABLES):
            (root / d).symlink_to(src / d)
    before = lake.current(target)
    with pytest.raises(RuntimeError), lake.publishing(target, "test") as root:
        (root / "vacancies").mkdir()
        raise RuntimeError("killed half way")
    assert lake.current(target) == before and lake.is_lake(target)
    assert not list(tmp_path.glob("lake.tmp-*"))
    con = lake.connect(target)
    assert con.execute("SELECT count(*) FROM vacancies").fetchone()[0] == 64_510
    con.close()


def test_rebuild_cli_writes_the_lake_and_is_idempotent(tmp_path, monkeypatch, capsys):
    """``rebuild --lake`` (duckdb engine): the warehouse and a lake; a re-run gives the same lake."""
    monkeypatch.setenv("VILKA_RAW_DIR", str(tmp_path / "raw"))
    wh, target = tmp_path / "w.duckdb", tmp_path / "lake"
    assert cli.main(["rebuild", "--warehouse", str(wh), "--lake", str(target)]) == 0
    first = lake.manifest(target)
    v1 = lake.current(target)
    assert cli.main(["rebuild", "--warehouse", str(wh), "--lake", str(target)]) == 0
    second = lake.manifest(target)
    assert lake.current(target) != v1 and v1.exists()  # the replaced version stays for readers
    assert first["rows_per_source"] == second["rows_per_source"]
    out = capsys.readouterr().out
    assert "lake" in out and str(first["rows"]) in out
    assert json.loads((lake.current(target) / lake.MANIFEST).read_text())["engine"] == "duckdb"


def test_rebuild_cli_refuses_spark_options_without_spark(tmp_path, capsys):
    assert cli.main(["rebuild", "--warehouse", str(tmp_path / "w.duckdb"), "--master", "local[2]"]) == 2
    assert "--master" in capsys.readouterr().err
