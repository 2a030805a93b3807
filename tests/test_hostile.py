"""Hostile input and broken surroundings (issue #15): no traceback reaches a person, data text stays text.

Data-derived HTML on charts, a warehouse that is a directory, random bytes, another DuckDB file or
locked by a writer (CLI and page), and bad ``VILKA_*`` environment variables."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics import figures
from analytics.i18n import t

ROOT = Path(__file__).resolve().parents[1]
EVIL = '<a href="https://evil.example">Сбер</a> <b>bold</b> & co'


# ------------------------------------------------------------------------------ 1. plotly text


def _bands_cells(label: str) -> pd.DataFrame:
    return pd.DataFrame({"label": [label, "Казань"], "n": [40, 3],
                         "p10": [50e3, None], "p25": [60e3, None], "p50": [70e3, None], "p75": [80e3, None],
                         "p90": [90e3, None], "p50_ci_low": [65e3, None], "p50_ci_high": [75e3, None]})


def _texts(fig) -> list[str]:
    """Every string plotly would render as (pseudo-)HTML: categories, texts, hover texts, names, title,
    annotations."""
    out = [str(fig.layout.title.text or "")] + [str(a.text or "") for a in fig.layout.annotations]
    for tr in fig.data:
        for attr in ("x", "y", "text", "hovertext", "name"):
            v = getattr(tr, attr, None)
            if v is None:
                continue
            out += [str(s) for s in (v if isinstance(v, list | tuple) or hasattr(v, "__len__")
                                     and not isinstance(v, str) else [v])]
    return out


def test_plain_label_escapes_the_html_plotly_renders():
    assert figures.plain_label('<a href="x">Сбер</a> & <b>') == '&lt;a href="x"&gt;Сбер&lt;/a&gt; &amp; &lt;b&gt;'
    assert figures.plain_label("Москва") == "Москва"
    assert figures.plain_label(None) == "None"


def test_bands_figure_shows_an_employer_link_as_text():
    fig = figures.bands_figure(_bands_cells(EVIL), "label", "net", "ru")
    texts = _texts(fig)
    assert not [s for s in texts if "<a " in s or "</a>" in s or "<b>bold" in s]
    assert any("&lt;a href=" in s for s in texts)  # shown, as text
    hover = [s for tr in fig.data if tr.hovertext is not None for s in tr.hovertext]
    assert hover and all(s.startswith("<b>&lt;a href=") for s in hover)  # our own bold stays


def test_raw_bounds_figure_shows_data_html_as_text():
    raw = pd.DataFrame({"label": [EVIL], "lo_median": [60e3], "hi_median": [90e3], "n_lo": [12], "n_hi": [10]})
    texts = _texts(figures.raw_bounds_figure(raw, "label", "gross", "en"))
    assert not [s for s in texts if "<a " in s or "<b>bold" in s]
    assert any("&lt;a href=" in s for s in texts)


# ------------------------------------------------------------------------------ 4. CLI, broken warehouse


def _cli(*args: str, wait: str = "0", **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "VILKA_WAREHOUSE_WAIT": wait, **env}, timeout=120)


def _one_line_error(r: subprocess.CompletedProcess) -> str:
    assert r.returncode != 0, r.stdout
    assert "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]


@pytest.fixture()
def random_bytes(tmp_path) -> Path:
    p = tmp_path / "random.duckdb"
    p.write_bytes(os.urandom(64 * 1024))
    return p


@pytest.fixture()
def other_duckdb(tmp_path) -> Path:
    p = tmp_path / "other.duckdb"
    con = duckdb.connect(str(p))
    con.execute("CREATE TABLE notes (x INTEGER)")
    con.close()
    return p


@pytest.fixture()
def wh_copy(snapshot_warehouse, tmp_path) -> Path:
    dest = tmp_path / "copy.duckdb"
    shutil.copy(snapshot_warehouse.resolve(), dest)
    return dest


@contextmanager
def another_process_writing(path: Path) -> Iterator[None]:
    """Another process holds DuckDB's write lock on ``path`` until the block ends (in this process a
    second connection would fail differently: DuckDB shares one instance per file in a process)."""
    code = ("import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
            "sys.stdin.read(); con.close()")
    holder = subprocess.Popen([sys.executable, "-c", code, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


@pytest.mark.parametrize("kind", ["directory", "random_bytes", "other_duckdb"])
def test_cli_says_not_a_vilka_warehouse_in_one_line(kind, tmp_path, random_bytes, other_duckdb):
    path = {"directory": tmp_path, "random_bytes": random_bytes, "other_duckdb": other_duckdb}[kind]
    line = _one_line_error(_cli("bands", "--profession", "account_manager", "--warehouse", str(path)))
    assert str(path) in line and "not a vilka warehouse" in line


def test_cli_waits_then_says_another_process_is_writing(wh_copy):
    con = duckdb.connect(str(wh_copy))  # this process holds the write lock
    try:
        start = time.monotonic()
        line = _one_line_error(_cli("bands", "--profession", "account_manager", "--warehouse", str(wh_copy),
                                    wait="1"))
        took = time.monotonic() - start
    finally:
        con.close()
    assert str(wh_copy) in line and "another vilka process is writing this warehouse" in line
    assert "try again in a minute" in line
    assert took >= 1.0  # it did wait before giving up


def test_cli_retries_until_the_writer_is_done(wh_copy):
    con = duckdb.connect(str(wh_copy))
    timer = threading.Timer(1.0, con.close)
    timer.start()
    try:
        r = _cli("bands", "--profession", "account_manager", "--warehouse", str(wh_copy), "--json", wait="20")
    finally:
        timer.join()
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip()


def test_cli_bad_environment_is_one_line(snapshot_warehouse):
    line = _one_line_error(_cli("bands", "--profession", "account_manager", "--warehouse", str(snapshot_warehouse),
                                wait="soon"))
    assert "VILKA_WAREHOUSE_WAIT" in line and "'soon'" in line


# ------------------------------------------------------------------------------ 5. environment variables


BAD_ENV = [
    ("VILKA_HH_RATE", "abc", "hh_rate_limit"),
    ("VILKA_HH_RATE", "-1", "hh_rate_limit"),
    ("VILKA_HH_RATE", "nan", "hh_rate_limit"),
    ("VILKA_HH_RATE", "inf", "hh_rate_limit"),
    ("VILKA_HH_RATE", "", "hh_rate_limit"),
    ("VILKA_TRUDVSEM_RATE", "-0.5", "trudvsem_rate_limit"),
    ("VILKA_WAREHOUSE_WAIT", "-3", "warehouse_wait"),
    ("VILKA_HH_BASE_URL", "api.hh.ru", "hh_base_url"),
    ("VILKA_HH_BASE_URL", "ftp://api.hh.ru", "hh_base_url"),
    ("VILKA_HH_BASE_URL", "http://", "hh_base_url"),
    ("VILKA_HH_BASE_URL", "", "hh_base_url"),
    ("VILKA_TRUDVSEM_BASE_URL", "opendata.trudvsem.ru", "trudvsem_base_url"),
    ("VILKA_WAREHOUSE", "", "warehouse_path"),
    ("VILKA_WAREHOUSE", "   ", "warehouse_path"),
    ("VILKA_RAW_DIR", "", "raw_dir"),
    ("VILKA_HH_USER_AGENT", " ", "hh_user_agent"),
]


@pytest.mark.parametrize(("name", "value", "func"), BAD_ENV, ids=[f"{n}={v!r}" for n, v, _ in BAD_ENV])
def test_a_bad_environment_variable_is_named_with_its_value(name, value, func, monkeypatch):
    from pipelines import config

    monkeypatch.setenv(name, value)
    with pytest.raises(config.ConfigError) as err:
        getattr(config, func)()
    msg = str(err.value)
    assert name in msg and repr(value) in msg and "\n" not in msg
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize(("name", "value", "func", "expected"), [
    ("VILKA_HH_RATE", "0", "hh_rate_limit", 0.0),
    ("VILKA_HH_RATE", " 2.5 ", "hh_rate_limit", 2.5),
    ("VILKA_TRUDVSEM_RATE", "1", "trudvsem_rate_limit", 1.0),
    ("VILKA_WAREHOUSE_WAIT", "0", "warehouse_wait", 0.0),
    ("VILKA_HH_BASE_URL", "http://127.0.0.1:9/", "hh_base_url", "http://127.0.0.1:9"),
    ("VILKA_TRUDVSEM_BASE_URL", "https://opendata.trudvsem.ru", "trudvsem_base_url", "https://opendata.trudvsem.ru"),
    ("VILKA_WAREHOUSE", "/tmp/w.duckdb", "warehouse_path", Path("/tmp/w.duckdb")),
])
def test_good_environment_values_are_read(name, value, func, expected, monkeypatch):
    from pipelines import config

    monkeypatch.setenv(name, value)
    assert getattr(config, func)() == expected


def test_defaults_without_environment(monkeypatch):
    from pipelines import config

    for name in ("VILKA_HH_RATE", "VILKA_TRUDVSEM_RATE", "VILKA_HH_BASE_URL", "VILKA_WAREHOUSE", "VILKA_RAW_DIR",
                 "VILKA_WAREHOUSE_WAIT", "VILKA_TRUDVSEM_BASE_URL", "VILKA_HH_USER_AGENT"):
        monkeypatch.delenv(name, raising=False)
    assert config.hh_rate_limit() == 5.0 and config.trudvsem_rate_limit() == 2.0
    assert config.hh_base_url() == "https://api.hh.ru" and config.warehouse_wait() == 3.0
    assert config.warehouse_path() == config.DEFAULT_WAREHOUSE and config.raw_dir() == config.RAW
    assert config.hh_user_agent() == config.DEFAULT_HH_USER_AGENT


def test_pipelines_cli_names_a_bad_rate_in_one_line(tmp_path):
    r = subprocess.run([sys.executable, "-m", "pipelines", "fetch-hh", "--text", "python",
                        "--warehouse", str(tmp_path / "w.duckdb")], cwd=ROOT, capture_output=True, text=True,
                       env={**os.environ, "VILKA_HH_BASE_URL": "http://127.0.0.1:9",
                            "VILKA_RAW_DIR": str(tmp_path / "raw"), "VILKA_HH_RATE": "abc"}, timeout=120)
    line = _one_line_error(r)
    assert "VILKA_HH_RATE" in line and "'abc'" in line


# ------------------------------------------------------------------------------ 7. pages


def test_query_layer_raises_a_friendly_error_not_duckdbs(random_bytes, other_duckdb, wh_copy, monkeypatch):
    from analytics import queries

    monkeypatch.setenv("VILKA_WAREHOUSE_WAIT", "0")
    for path, reason in ((random_bytes, "broken"), (other_duckdb, "broken"), (random_bytes.parent, "broken")):
        with pytest.raises(queries.WarehouseUnavailable) as err:
            queries._df(queries.warehouse_key(path), "SELECT count(*) FROM vacancies")
        assert err.value.reason == reason and str(path) in str(err.value)
        assert err.value.message("ru") == t("wh_unavailable_broken", "ru")
    with another_process_writing(wh_copy), pytest.raises(queries.WarehouseUnavailable) as err:
        queries._df(queries.warehouse_key(wh_copy), "SELECT count(*) FROM vacancies")
    assert err.value.reason == "busy"
    assert err.value.message("ru") == t("wh_unavailable_busy", "ru") and "повторите через минуту" in err.value.message()
    assert queries._df(queries.warehouse_key(wh_copy), "SELECT count(*) AS n FROM vacancies")["n"].iloc[0] > 0


@pytest.mark.parametrize("kind", ["random_bytes", "locked"])
def test_a_page_shows_a_friendly_message_not_an_exception(kind, random_bytes, wh_copy, monkeypatch):
    from streamlit.testing.v1 import AppTest

    path = random_bytes if kind == "random_bytes" else wh_copy
    monkeypatch.setenv("VILKA_WAREHOUSE", str(path))
    monkeypatch.setenv("VILKA_WAREHOUSE_WAIT", "0")
    with another_process_writing(wh_copy) if kind == "locked" else nullcontext():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    key = "wh_unavailable_broken" if kind == "random_bytes" else "wh_unavailable_busy"
    assert [e.value for e in at.error] == [t(key, "ru")]
    assert str(path) not in " ".join(e.value for e in at.error)  # no server paths for visitors


def test_streamlit_hides_error_details_from_visitors():
    conf = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    # "none": generic text only; false would mean "stacktrace" (server paths), "type" still names classes
    assert conf["client"]["showErrorDetails"] == "none"


def test_a_bad_setting_shows_a_message_not_an_exception(monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("VILKA_WAREHOUSE", " ")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [t("config_error", "ru")]
