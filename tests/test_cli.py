"""The pipelines CLI as a user runs it: exit codes, one-line errors, status JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, env: dict | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines", *args], cwd=ROOT, capture_output=True,
                          text=True, input=stdin, env={**os.environ, **(env or {})}, timeout=300)


def test_load_snapshot_twice_then_status_json(tmp_path):
    wh = tmp_path / "w.duckdb"
    first = run("load-snapshot", "--warehouse", str(wh))
    assert first.returncode == 0, first.stderr
    assert "snapshot loaded" in first.stdout
    second = run("load-snapshot", env={"VILKA_WAREHOUSE": str(wh)})  # env works like --warehouse
    assert second.returncode == 0, second.stderr
    status = run("status", "--json", "--warehouse", str(wh))
    assert status.returncode == 0, status.stderr
    s = json.loads(status.stdout)
    assert s["duplicate_keys"] == 0
    assert s["last_load"]["rows_new"] == 0 and s["last_load"]["rows_replaced"] == s["total_rows"] > 25000
    assert set(s["flagged"]) >= {"below_mrot", "not_monthly", "absurd", "no_region", "no_salary"}
    assert s["newest_published_at"].startswith("2025")
    text = run("status", "--warehouse", str(wh))
    assert "rows" in text.stdout and text.returncode == 0


def test_status_without_warehouse_fails_with_one_line(tmp_path):
    r = run("status", "--warehouse", str(tmp_path / "missing.duckdb"))
    assert r.returncode != 0
    assert len(r.stderr.strip().splitlines()) == 1 and "load-snapshot" in r.stderr


def test_fetch_hh_without_network_says_so(tmp_path):
    # Port 9 on loopback (discard) is closed: the client must report an unreachable API, not a traceback.
    r = run("fetch-hh", "--text", "python", "--warehouse", str(tmp_path / "w.duckdb"),
            env={"VILKA_HH_BASE_URL": "http://127.0.0.1:9", "VILKA_RAW_DIR": str(tmp_path / "raw"),
                 "VILKA_HH_RATE": "0"})
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    assert r.stderr.startswith("error:")


def test_classify_reads_titles_from_stdin():
    r = run("classify", "--json", stdin="Senior Account Manager\nМладший бухгалтер\n")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows[0]["profession"] == "account_manager" and rows[0]["level"] == "senior"
    assert rows[1]["profession"] == "accountant" and rows[1]["level"] == "junior"
