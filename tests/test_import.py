"""``python -m pipelines import``: people's own hh.ru dumps, on the real dumps of
``tests/fixtures/hh_more`` (copies of ../shared/data/hh_more, each with its PROVENANCE.txt) —
every shape read, counts checked against an independent reading of the same files, re-imports
that never duplicate, and files that are no dumps refused in one line with nothing written."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipelines import dumps, reference, warehouse
from pipelines.normalise import dictionary_rates, normalise
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]
MORE = FIXTURES / "hh_more"
BROKEN = MORE / "_broken"
RATES = dictionary_rates(ROOT / "data" / "reference" / "hh_dictionaries.json")
SIX = ["name", "salary_from", "salary_to", "salary_currency", "area_name", "published_at"]

DUMPS = sorted(p for p in MORE.rglob("*") if p.is_file() and p.parent != BROKEN
               and p.name not in ("PROVENANCE.txt", "README.md"))


def _file(folder: str) -> Path:
    return next(p for p in DUMPS if p.relative_to(MORE).parts[0] == folder and "DERIVED" not in p.name)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "VILKA_RAW_DIR": str(ROOT / "tests" / "no-raw-dir")}, timeout=300)


def _rows(wh: Path, sql: str = "SELECT * FROM vacancies") -> pd.DataFrame:
    con = warehouse.connect(wh, read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def _digest(wh: Path) -> str | None:
    """The warehouse as readers see it: the version file its path points at, hashed."""
    return hashlib.sha256(warehouse.current(wh).read_bytes()).hexdigest() if wh.exists() else None


def _with_salary(frm: pd.Series, to: pd.Series) -> pd.Series:
    return (pd.to_numeric(frm, errors="coerce") > 0) | (pd.to_numeric(to, errors="coerce") > 0)


def _regions_by_name(names: pd.Series) -> pd.Series:
    """An independent place lookup: the hh areas tree's exact names (every name in these dumps is
    held by one area only), not the importer's folding of spellings."""
    areas = reference.area_lookup()
    single = areas.groupby("area_name")["area_id"].transform("size") == 1
    return names.map(areas[single].set_index("area_name")["region_iso"])


# ------------------------------------------------------------------------------------ every dump


def test_the_fixtures_are_every_file_of_hh_more():
    folders = {p.relative_to(MORE).parts[0] for p in DUMPS}
    assert len(folders) == 17 and all((MORE / f / "PROVENANCE.txt").exists() for f in folders)
    assert len(DUMPS) == 18  # slonikin211 ships hh.db and its derived CSV


@pytest.mark.parametrize("path", DUMPS, ids=lambda p: str(p.relative_to(MORE)))
def test_every_dump_is_read_and_normalised(path):
    dump = dumps.read_dump(path)
    raw = dump.raw
    assert list(raw.columns) == [*dumps.RAW_COLUMNS, "dataset"]
    assert len(raw) >= 200 and raw["title"].notna().all()
    assert raw["source"].isin({"hh", "hh_flat"}).all() and raw["source_id"].notna().all()
    frame = normalise(raw, rates=RATES)
    assert len(frame) == len(raw)  # nothing dropped: odd rows are flagged
    rep = dumps.report(dump, frame)
    assert rep.rows_with_salary == int(_with_salary(raw["salary_from"], raw["salary_to"]).sum()) > 0
    assert rep.usable > 0 and rep.regions >= 2
    assert rep.flagged["no_salary"] == rep.rows_read - rep.rows_with_salary
    assert frame["published_at"].notna().any() or "no publication date column: the rows are undated" in rep.notes


# ------------------------------------------------------------- counts against independent readings


def test_six_column_csv_counts_match_pandas():
    path = _file("Drewik__python-git")
    t = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    assert list(t.columns) == SIX
    dump = dumps.read_dump(path)
    frame = normalise(dump.raw, rates=RATES)
    rep = dumps.report(dump, frame)
    assert rep.rows_read == len(t) == 11701
    assert rep.rows_with_salary == int(_with_salary(t["salary_from"], t["salary_to"]).sum()) == 7026
    assert dump.source == "hh_flat" and frame["source_id"].nunique() == len(t.drop_duplicates()) == 10487
    expected = _regions_by_name(t["area_name"])
    assert rep.regions == expected.nunique() == 81
    assert frame["region_iso"].value_counts().to_dict() == expected.value_counts().to_dict()


def test_sqlite_counts_match_sqlite3_and_the_derived_csv(tmp_path):
    path = _file("slonikin211__BigData.HeadHunter")
    db = tmp_path / "hh.db"
    db.write_bytes(gzip.decompress(path.read_bytes()))
    con = sqlite3.connect(db)
    n, with_salary, moscow, spb, gross = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE "Salary.From" > 0 OR "Salary.To" > 0),
                  count(*) FILTER (WHERE AreaId = 1), count(*) FILTER (WHERE AreaId = 2),
                  count(*) FILTER (WHERE "Salary.Gross" = 1) FROM Vacancy""").fetchone()
    con.close()
    dump = dumps.read_dump(path)
    frame = normalise(dump.raw, rates=RATES)
    rep = dumps.report(dump, frame)
    assert dump.format == "hh-sqlite" and dump.source == "hh"
    assert (rep.rows_read, rep.rows_with_salary) == (n, with_salary) == (3087, 3087)
    assert frame["region_iso"].value_counts().to_dict() == {"RU-MOW": moscow, "RU-SPE": spb} == {"RU-MOW": 2300,
                                                                                                "RU-SPE": 787}
    assert int(frame["gross"].sum()) == gross == 862
    assert frame["employer"].notna().all()  # joined from the Employer table
    # the repository's own export of the same tables gives the same vacancies
    derived = dumps.read_dump(path.with_name("vacancy_flat_DERIVED.csv.gz"))
    a = dump.raw.set_index("source_id").sort_index()
    b = derived.raw.set_index("source_id").sort_index()
    assert a.index.equals(b.index)
    for col in ("title", "employer", "area_id", "salary_from", "salary_to", "currency", "gross", "published_at"):
        pd.testing.assert_series_equal(a[col], b[col], check_names=False)


def test_api_items_match_the_json_read_directly():
    path = _file("Akmal-coder__courswork_2")
    items = json.loads(gzip.decompress(path.read_bytes()))["items"]
    dump = dumps.read_dump(path)
    frame = normalise(dump.raw, rates=RATES).set_index("source_id")
    rep = dumps.report(dump, frame.reset_index())
    assert dump.format == "hh-json" and dump.source == "hh"
    assert rep.rows_read == len(items) == 435
    assert rep.rows_with_salary == sum(1 for it in items if it["salary"] and (it["salary"]["from"] or it["salary"]["to"]))
    areas = reference.area_lookup().set_index("area_id")["region_iso"]
    expected = pd.Series({it["id"]: areas.get(it["area"]["id"]) for it in items})
    assert rep.regions == expected.dropna().nunique() == 50
    assert (frame["region_iso"].reindex(expected.index).fillna("-") == expected.fillna("-")).all()
    with_gross = [it for it in items if it["salary"]]
    assert len(with_gross) == 434
    for it in with_gross:
        assert frame.at[it["id"], "gross"] == it["salary"]["gross"]


def test_flattened_api_csv_matches_pandas():
    path = _file("debaggi__postupashki_data_analysis")
    t = pd.read_csv(path, dtype=str)
    dump = dumps.read_dump(path)
    frame = normalise(dump.raw, rates=RATES).set_index("source_id")
    rep = dumps.report(dump, frame.reset_index())
    assert dump.source == "hh" and rep.rows_read == len(t) == 923
    assert rep.rows_with_salary == int(_with_salary(t["salary_range.from"], t["salary_range.to"]).sum()) == 451
    t = t.set_index("id")
    assert (frame["area_id"] == t["area.id"].reindex(frame.index)).all()
    assert frame["salary_mode"].value_counts().to_dict() == t["salary_range.mode.id"].value_counts().to_dict()
    # list cells as pandas printed them: professional roles and work formats are read
    row = frame.loc["122998842"]
    assert list(row["professional_roles"]) == ["148"] and row["work_format"] == "remote"
    assert not row["gross"] and row["pay_from_net_rub"] == 160_000  # on hand, as published


def test_link_table_takes_hh_ids_from_the_links():
    path = _file("A1zhas__hh_API_parser")
    t = pd.read_csv(path, dtype=str)
    dump = dumps.read_dump(path)
    assert dump.source == "hh" and set(dump.raw["source_id"]) == set(t["ID"])
    assert "no currency column: amounts are taken as roubles" in dump.notes


# ------------------------------------------------------------------------------ shifted headers


@pytest.mark.parametrize("folder", ["kseniaga26__Python-3.4", "SfBalaba__elearn_2module"])
def test_shifted_header_is_recognised_by_content(folder):
    path = _file(folder)
    t = pd.read_csv(path, dtype=str)
    assert list(t.columns) == SIX  # the header claims the usual order …
    t.columns = ["name", "area_name", "salary_from", "salary_to", "salary_currency", "published_at"]  # … the data
    dump = dumps.read_dump(path)
    assert any(n.startswith("header shifted by one column") for n in dump.notes)
    raw = dump.raw
    assert list(raw["area_name"]) == list(t["area_name"])
    assert raw["salary_from"].equals(pd.to_numeric(t["salary_from"]).rename("salary_from"))
    assert list(raw["currency"].fillna("")) == list(t["salary_currency"].fillna(""))
    frame = normalise(raw, rates=RATES)
    assert frame["region_iso"].value_counts().to_dict() == _regions_by_name(t["area_name"]).value_counts().to_dict()


def test_a_correct_header_is_not_shifted():
    assert not any("shifted" in n for n in dumps.read_dump(_file("Drewik__python-git")).notes)


def test_text_under_a_salary_header_that_is_no_known_shift_is_refused(tmp_path):
    t = pd.read_csv(_file("kseniaga26__Python-3.4"), dtype=str).head(50)
    t["area_name"] = "Москва"  # places under salary_from, but no currencies under area_name
    bad = tmp_path / "swapped.csv"
    t.to_csv(bad, index=False)
    with pytest.raises(dumps.DumpError, match="holds text .* not amounts"):
        dumps.read_dump(bad)


# ------------------------------------------------------------------------------------ currencies


def test_kzt_and_usd_rows_are_converted_with_the_dictionary_rates():
    path = _file("k-golunov__Golunov")
    frame = normalise(dumps.read_dump(path).raw, rates=RATES)
    kzt = frame[(frame["title"] == "Техник по связи и телекоммуникациям") & (frame["city"] == "Жезказган")].iloc[0]
    assert (kzt["salary_from"], kzt["salary_to"], kzt["currency"]) == (100_000, 120_000, "KZT")
    assert kzt["pay_from_net_rub"] == round(100_000 / RATES["KZT"]) == 20_798
    assert kzt["pay_to_net_rub"] == round(120_000 / RATES["KZT"])
    assert kzt["region_iso"] is None and "no_region" in kzt["flags"]  # Kazakhstan: kept, flagged
    usd = frame[(frame["currency"] == "USD") & frame["region_iso"].notna() & frame["salary_from"].notna()].iloc[0]
    assert usd["pay_from_net_rub"] == round(usd["salary_from"] / RATES["USD"])
    assert usd["pay_from_net_rub"] > 20 * usd["salary_from"]


# ------------------------------------------------------------------------------ import, re-import


def test_import_then_reimport_never_duplicates(tmp_path):
    wh = tmp_path / "w.duckdb"
    files = [_file("Yagodkina-V__Yagodkina"), _file("RuslanGaripof__Py35"), _file("Akmal-coder__courswork_2")]
    first = dumps.import_dumps(files, wh, rates=RATES)
    # the two one-day course dumps share most rows: the same row collapses across files
    six = pd.concat([pd.read_csv(f, dtype=str) for f in files[:2]])
    six[["salary_from", "salary_to"]] = six[["salary_from", "salary_to"]].apply(pd.to_numeric)
    distinct = len(six.drop_duplicates()) + 435
    assert first.total_rows == distinct
    yag, rus, akm = first.files
    assert yag.rows_new == len(pd.read_csv(files[0]).drop_duplicates()) and yag.rows_updated == 0
    assert rus.rows_updated > 2800 and akm.rows_new == 435
    before = _rows(wh).drop(columns="loaded_at").sort_values(["source", "source_id"]).reset_index(drop=True)
    second = dumps.import_dumps(files, wh, rates=RATES)
    assert second.total_rows == first.total_rows
    assert sum(f.rows_new for f in second.files) == 0
    after = _rows(wh).drop(columns="loaded_at").sort_values(["source", "source_id"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(before, after)
    assert _rows(wh, "SELECT count(*) AS n FROM (SELECT source, source_id FROM vacancies GROUP BY ALL "
                     "HAVING count(*) > 1)")["n"].iat[0] == 0


def test_sqlite_and_its_csv_export_are_the_same_vacancies(tmp_path):
    wh = tmp_path / "w.duckdb"
    db = _file("slonikin211__BigData.HeadHunter")
    r = dumps.import_dumps([db, db.with_name("vacancy_flat_DERIVED.csv.gz")], wh, rates=RATES)
    assert r.files[0].rows_new == 3087 and r.files[1].rows_new == 0 and r.files[1].rows_updated == 3087
    assert r.total_rows == 3087


@pytest.mark.parametrize("shape", ["list", "jsonl", "pages"])
def test_other_json_shapes_give_the_same_rows(tmp_path, shape):
    path = _file("Akmal-coder__courswork_2")
    items = json.loads(gzip.decompress(path.read_bytes()))["items"]
    alt = tmp_path / f"items.{shape}"
    if shape == "list":
        alt.write_text(json.dumps(items, ensure_ascii=False))
    elif shape == "jsonl":
        alt.write_text("\n".join(json.dumps(it, ensure_ascii=False) for it in items))
    else:
        alt.write_text(json.dumps([{"items": items[:200]}, {"items": items[200:]}], ensure_ascii=False))
    a = dumps.read_dump(path).raw.drop(columns="dataset")
    b = dumps.read_dump(alt).raw.drop(columns="dataset")
    pd.testing.assert_frame_equal(a, b)


# ------------------------------------------------------------------------- files that are no dumps


BAD = {
    "truncated.csv.gz": "broken gzip",
    "image.csv": "PNG image",
    "unrelated.csv": "wrong columns",
    "empty.csv": "empty file",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_file_that_is_no_dump_fails_in_one_line_and_writes_nothing(tmp_path, name):
    wh = tmp_path / "w.duckdb"
    good = _file("A1zhas__hh_API_parser")
    assert run("import", str(good), "--warehouse", str(wh)).returncode == 0
    digest, n = _digest(wh), len(_rows(wh))
    r = run("import", str(good), str(BROKEN / name), str(_file("Akmal-coder__courswork_2")), "--warehouse", str(wh))
    assert r.returncode != 0 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {BROKEN / name}:") and BAD[name] in lines[0]
    assert _digest(wh) == digest and len(_rows(wh)) == n  # the good files beside it are not loaded either


def test_a_broken_file_on_a_new_warehouse_creates_nothing(tmp_path):
    wh = tmp_path / "w.duckdb"
    r = run("import", str(BROKEN / "truncated.csv.gz"), "--warehouse", str(wh))
    assert r.returncode != 0 and not wh.exists()
    assert [p.name for p in tmp_path.iterdir() if "duckdb" in p.name and not p.name.startswith(".")] == []


def test_binary_junk_a_header_without_rows_and_json_without_items_are_refused(tmp_path):
    junk = tmp_path / "junk.csv"
    junk.write_bytes(np.random.default_rng(1).bytes(4096))
    header = tmp_path / "header.csv"
    header.write_text(",".join(SIX) + "\n")
    other = tmp_path / "dictionaries.json"
    other.write_text(json.dumps({"currency": [{"code": "RUR", "rate": 1}]}))
    for path, cause in ((junk, "binary data"), (header, "no vacancies"), (other, "JSON without hh.ru vacancies")):
        with pytest.raises(dumps.DumpError) as err:
            dumps.read_dump(path)
        assert str(err.value).startswith(f"{path}: ") and cause in str(err.value) and "\n" not in str(err.value)


def test_a_format_that_does_not_match_the_content_is_refused(tmp_path):
    with pytest.raises(dumps.DumpError, match="--format hh-sqlite but the file is a CSV table"):
        dumps.read_dump(_file("Drewik__python-git"), "hh-sqlite")
    assert dumps.read_dump(_file("slonikin211__BigData.HeadHunter"), "hh-sqlite").format == "hh-sqlite"


# ----------------------------------------------------------------------------------------- CLI


def test_cli_import_summary_and_json(tmp_path):
    wh = tmp_path / "w.duckdb"
    files = [str(_file("kseniaga26__Python-3.4")), str(_file("slonikin211__BigData.HeadHunter"))]
    r = run("import", *files, "--dataset", "mine", "--warehouse", str(wh))
    assert r.returncode == 0, r.stderr
    assert "1986 rows read" in r.stdout and "3087 rows read" in r.stdout and "header shifted" in r.stdout
    assert r.stdout.strip().splitlines()[-1].startswith("imported 2 file(s)")
    again = run("import", *files, "--dataset", "mine", "--format", "auto", "--warehouse", str(wh), "--json")
    assert again.returncode == 0, again.stderr
    out = json.loads(again.stdout)
    assert [f["dataset"] for f in out["files"]] == ["mine", "mine"]
    ks, sl = out["files"]
    assert (ks["format"], ks["source"], ks["rows_read"], ks["rows_new"]) == ("hh-csv", "hh_flat", 1986, 0)
    assert ks["rows_updated"] + ks["duplicates_merged"] == 1986 and ks["flagged"]["no_region"] == 149
    assert (sl["format"], sl["source"], sl["rows_updated"], sl["regions"]) == ("hh-sqlite", "hh", 3087, 2)
    assert out["total_rows"] == len(_rows(wh)) == 1472 + 3087
    loads = _rows(wh, "SELECT source, note FROM loads ORDER BY load_id")
    assert list(loads["source"]) == ["hh_flat", "hh"] * 2 and loads["note"].str.startswith("import ").all()


def test_cli_import_failure_as_json(tmp_path):
    wh = tmp_path / "w.duckdb"
    r = run("import", str(BROKEN / "image.csv"), str(BROKEN / "empty.csv"), "--json", "--warehouse", str(wh))
    assert r.returncode == 2
    out = json.loads(r.stdout)
    assert out["loaded"] is False and [e["file"] for e in out["errors"]] == [str(BROKEN / "image.csv"),
                                                                              str(BROKEN / "empty.csv")]
    assert len(r.stderr.strip().splitlines()) == 2 and not wh.exists()


def test_cli_rejects_an_unknown_format():
    r = run("import", str(_file("Drewik__python-git")), "--format", "xlsx")
    assert r.returncode != 0 and "invalid choice" in r.stderr
