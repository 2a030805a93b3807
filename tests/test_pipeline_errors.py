"""The write side never shows a person a traceback: a bad warehouse path, a full disk during COMMIT,
and a corrupt raw page each get one line, and nothing that was stored is lost."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines import config, jobs, warehouse
from pipelines.flatten import search_pages_frame
from pipelines.normalise import normalise
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


@pytest.mark.parametrize("kind", ["directory", "random_bytes"])
def test_status_on_something_that_is_not_a_warehouse_is_one_line(kind, tmp_path):
    path = tmp_path / "wh.duckdb"
    if kind == "directory":
        path.mkdir()
    else:
        path.write_bytes(os.urandom(4096))
    r = _cli("status", "--warehouse", str(path))
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert str(path) in lines[0] and ("not a vilka warehouse" in lines[0] or "directory" in lines[0])


class _FullDisk:
    """A connection whose COMMIT fails the way DuckDB's does on a full disk (the transaction is gone)."""

    def __init__(self, con):
        self.con = con

    def execute(self, sql, *args):
        if sql.strip() == "COMMIT":
            self.con.execute("ROLLBACK")
            raise OSError(28, "No space left on device")
        return self.con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.con, name)


def test_a_failed_commit_reports_the_disk_not_the_rollback(tmp_path):
    frame = normalise(search_pages_frame(sorted((FIXTURES / "hh_items").glob("*.json"))))
    con = warehouse.connect(tmp_path / "w.duckdb")
    warehouse.load(con, frame.head(3), "hh")
    with pytest.raises(OSError, match="No space left on device") as err:
        warehouse.load(_FullDisk(con), frame, "hh")
    assert "disk full" in warehouse.describe_error(tmp_path / "w.duckdb", err.value)
    assert con.execute("SELECT count(*) FROM vacancies").fetchone()[0] == 3  # nothing lost, nothing half-loaded


def test_a_corrupt_raw_page_is_set_aside_and_the_rest_loads(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    query = raw / "hh" / "search" / "q1" / "s0"
    query.mkdir(parents=True)
    items = json.loads((sorted((FIXTURES / "hh_items").glob("*.json"))[0]).read_text("utf-8"))
    page = items if isinstance(items, dict) and "items" in items else {"items": items if isinstance(items, list)
                                                                       else [items], "found": 1, "pages": 1}
    (query / "0.json").write_text(json.dumps(page, ensure_ascii=False), "utf-8")
    (query / "1.json").write_bytes(b'{"items": [{"id": "1", "name": "cut off')  # a kill mid-write
    monkeypatch.setenv("VILKA_RAW_DIR", str(raw))
    target = tmp_path / "warehouse.duckdb"
    summary = jobs.rebuild(target)
    assert "1 unreadable page(s) moved" in summary and "hh/search/q1/s0/1.json" in summary
    assert (raw / "quarantine" / "hh" / "search" / "q1" / "s0" / "1.json").exists()
    assert not (query / "1.json").exists() and (query / "0.json").exists()
    assert target.exists()
    shutil.rmtree(raw / "quarantine")
    assert config.raw_dir() == raw
