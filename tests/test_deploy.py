"""The deploy recipe works as written: the systemd unit's ExecStart and the cron line, with only the
install paths substituted, refresh a warehouse from a local hh.ru stand-in using the token from
the environment file."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.hh_market import MarketHH, make_items

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
INSTALL = "/opt/vilka"
TOKEN = "deploy-test-token"


def _unit(path: Path) -> dict[str, str]:
    """``Key=value`` lines of a systemd unit (the last one wins, as systemd reads single-valued keys)."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, value = line.split("=", 1)
            out[key.strip()] = value.strip()
    return out


def _env_file(path: Path) -> dict[str, str]:
    """An EnvironmentFile as systemd reads it: KEY=value, double quotes removed, comments skipped."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            out[key] = value[1:-1] if value[:1] == value[-1:] == '"' and len(value) > 1 else value
    return out


@pytest.fixture()
def site(tmp_path):
    """A stand-in install: data dir in tmp, the env file filled in and pointed at the stand-in."""
    items = [i for i in make_items(400, seed=7) if i["area"]["id"] in {"1", "2", "3", "88"}][:120]
    with MarketHH(items) as market:
        data = tmp_path / "data"
        data.mkdir()
        env = _env_file(DEPLOY / "refresh.env.example")
        env.update(VILKA_HH_TOKEN=TOKEN, VILKA_HH_BASE_URL=market.url,
                   VILKA_HH_RATE="0", VILKA_HH_BACKOFF="0")  # test speed: no pauses
        lines = [f'{k}="{v}"' if " " in v else f"{k}={v}" for k, v in env.items()]
        env_path = tmp_path / "refresh.env"
        env_path.write_text("\n".join(_swap(line, data) for line in lines) + "\n", encoding="utf-8")
        yield market, items, data, env_path


def _swap(text: str, data: Path) -> str:
    """Install paths → this checkout and the test's data folder."""
    return text.replace(f"{INSTALL}/data", str(data)).replace(INSTALL, str(ROOT))


def _rows(wh: Path) -> int:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM vacancies WHERE last_seen_at IS NOT NULL").fetchone()[0]
    finally:
        con.close()


def test_the_timer_runs_the_service_daily():
    timer = _unit(DEPLOY / "vilka-refresh.timer")
    assert timer["Unit"] == "vilka-refresh.service" and timer["Persistent"] == "true"
    assert timer["OnCalendar"].startswith("*-*-* ") and timer["WantedBy"] == "timers.target"


def test_the_service_exec_start_loads_rows(site):
    market, items, data, env_path = site
    unit = _unit(DEPLOY / "vilka-refresh.service")
    assert unit["EnvironmentFile"] == "/etc/vilka/refresh.env" and unit["Type"] == "oneshot"
    argv = shlex.split(_swap(unit["ExecStart"], data))
    env = {"PATH": os.environ["PATH"], "HOME": str(data), **_env_file(env_path)}
    done = subprocess.run(argv, cwd=_swap(unit["WorkingDirectory"], data), env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    print(f"ExecStart: {summary['rows_new']} new in {summary['seconds']:.1f} s, {summary['requests']} requests")
    assert summary["rows_new"] == len(items) and summary["regions"] == 89 and summary["closes"]
    assert _rows(data / "warehouse.duckdb") == len(items)
    assert market.authorizations == {f"Bearer {TOKEN}"}  # the token came from the environment file
    assert list((data / "raw" / "hh" / "search").rglob("*.json"))  # raw pages where the env file says


def test_the_cron_line_runs_the_same_command(site):
    market, items, data, env_path = site
    lines = [ln for ln in (DEPLOY / "vilka-refresh.cron").read_text(encoding="utf-8").splitlines()
             if ln and not ln.startswith("#") and "=" not in ln.split()[0]]
    assert len(lines) == 1
    fields = lines[0].split(None, 6)
    assert fields[:5] == ["30", "3", "*", "*", "*"] and fields[5] == "vilka"
    command = fields[6]
    service = shlex.split(_unit(DEPLOY / "vilka-refresh.service")["ExecStart"])
    assert shlex.join(service) in command  # the same refresh as the unit
    command = _swap(command.replace("/etc/vilka/refresh.env", str(env_path)), data)
    done = subprocess.run(["/bin/sh", "-c", command], env={"PATH": os.environ["PATH"], "HOME": str(data)},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (done.stderr, (data / "refresh.log").read_text())
    summary = json.loads((data / "refresh.log").read_text())
    assert summary["rows_new"] == len(items) and _rows(data / "warehouse.duckdb") == len(items)
    assert market.authorizations == {f"Bearer {TOKEN}"}
