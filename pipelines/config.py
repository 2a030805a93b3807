"""Every path and environment setting of vilka, in one place.

Paths come from this file's location, never from the working directory, so the app, the CLI and
the tests agree wherever they are started from. Nothing here touches the disk or the network.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
REFERENCE = DATA / "reference"
SNAPSHOT = DATA / "snapshot"
SNAPSHOT_FILE = SNAPSHOT / "raw_vacancies.parquet"
RAW = DATA / "raw"

DEFAULT_WAREHOUSE = DATA / "warehouse.duckdb"
DEFAULT_HH_BASE_URL = "https://api.hh.ru"
DEFAULT_HH_USER_AGENT = "vilka/0.1 (vilka-salary-dashboard@example.org)"


def warehouse_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The warehouse file: an explicit path, else env VILKA_WAREHOUSE, else data/warehouse.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("VILKA_WAREHOUSE")
    return Path(env) if env else DEFAULT_WAREHOUSE


def raw_dir() -> Path:
    """Where raw API pages are kept as fetched (env VILKA_RAW_DIR, else data/raw)."""
    env = os.environ.get("VILKA_RAW_DIR")
    return Path(env) if env else RAW


def hh_base_url() -> str:
    return os.environ.get("VILKA_HH_BASE_URL", DEFAULT_HH_BASE_URL).rstrip("/")


def hh_user_agent() -> str:
    """hh.ru refuses requests without a User-Agent naming the app and a contact e-mail."""
    return os.environ.get("VILKA_HH_USER_AGENT", DEFAULT_HH_USER_AGENT)


def hh_token() -> str | None:
    """An application token removes anonymous CAPTCHAs. Read only from the environment; never logged."""
    token = os.environ.get("VILKA_HH_TOKEN", "").strip()
    return token or None


def hh_rate_limit() -> float:
    """Requests per second to hh.ru (env VILKA_HH_RATE, default 5; 0 switches the cap off)."""
    return float(os.environ.get("VILKA_HH_RATE", "5"))
