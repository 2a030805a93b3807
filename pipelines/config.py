"""Every path and environment setting of vilka, in one place.

Paths come from this file's location, never from the working directory, so the app, the CLI and
the tests agree wherever they are started from. Nothing here touches the disk or the network.

Every ``VILKA_*`` variable is checked where it is read: a bad value raises :class:`ConfigError`
naming the variable and the value, one line a CLI prints as it is. Without the checks
``VILKA_HH_RATE=abc`` surfaced as Python's bare "could not convert string to float" and
``VILKA_HH_RATE=-1`` silently switched the rate cap off (a negative rate reads as "no cap").
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
REFERENCE = DATA / "reference"
SNAPSHOT = DATA / "snapshot"
SNAPSHOT_FILE = SNAPSHOT / "raw_vacancies.parquet"
RAW = DATA / "raw"

DEFAULT_WAREHOUSE = DATA / "warehouse.duckdb"
DEFAULT_HH_BASE_URL = "https://api.hh.ru"
DEFAULT_HH_USER_AGENT = "vilka/0.1 (vilka-salary-dashboard@example.org)"
DEFAULT_TRUDVSEM_BASE_URL = "http://opendata.trudvsem.ru"
DEFAULT_WAREHOUSE_WAIT = 3.0


class ConfigError(ValueError):
    """A ``VILKA_*`` environment variable holds a value vilka cannot use; ``str()`` is one line
    naming the variable, the value and what is expected."""

    def __init__(self, name: str, value: str, expected: str) -> None:
        self.name, self.value = name, value
        super().__init__(f"environment variable {name}={value!r}: {expected}")


def env_number(name: str, default: float) -> float:
    """A finite number ≥ 0 from the environment (rates, waits), else ``default``."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise ConfigError(name, raw, "expected a number ≥ 0 (0 = no limit)")
    return value


def env_url(name: str, default: str) -> str:
    """An http(s) URL with a host from the environment, else ``default``; no trailing slash."""
    raw = os.environ.get(name)
    if raw is None:
        return default.rstrip("/")
    url = raw.strip()
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. a malformed port or IPv6 literal
        ok = False
    if not ok:
        raise ConfigError(name, raw, "expected an http:// or https:// URL with a host")
    return url.rstrip("/")


def env_path(name: str, default: Path) -> Path:
    """A path from the environment, else ``default``. Set but blank is refused rather than read as
    the current directory (``Path("")`` is ".") or silently replaced by the default."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    if not raw.strip():
        raise ConfigError(name, raw, "expected a path, got nothing (unset the variable for the default)")
    return Path(raw)


def env_text(name: str, default: str) -> str:
    """Non-blank text from the environment, else ``default``."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    if not raw.strip():
        raise ConfigError(name, raw, "expected text, got nothing (unset the variable for the default)")
    return raw.strip()


def warehouse_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The warehouse file: an explicit path, else env VILKA_WAREHOUSE, else data/warehouse.duckdb."""
    if explicit:
        return Path(explicit)
    return env_path("VILKA_WAREHOUSE", DEFAULT_WAREHOUSE)


def warehouse_wait() -> float:
    """Seconds a reader keeps retrying a warehouse another process is writing (env
    VILKA_WAREHOUSE_WAIT, default 3; 0 = one try, as the tests run)."""
    return env_number("VILKA_WAREHOUSE_WAIT", DEFAULT_WAREHOUSE_WAIT)


def raw_dir() -> Path:
    """Where raw API pages are kept as fetched (env VILKA_RAW_DIR, else data/raw)."""
    return env_path("VILKA_RAW_DIR", RAW)


def hh_base_url() -> str:
    return env_url("VILKA_HH_BASE_URL", DEFAULT_HH_BASE_URL)


def hh_user_agent() -> str:
    """hh.ru refuses requests without a User-Agent naming the app and a contact e-mail."""
    return env_text("VILKA_HH_USER_AGENT", DEFAULT_HH_USER_AGENT)


def hh_token() -> str | None:
    """An application token removes anonymous CAPTCHAs. Read only from the environment; never logged."""
    token = os.environ.get("VILKA_HH_TOKEN", "").strip()
    return token or None


def hh_rate_limit() -> float:
    """Requests per second to hh.ru (env VILKA_HH_RATE, default 5; 0 switches the cap off)."""
    return env_number("VILKA_HH_RATE", 5.0)


def trudvsem_base_url() -> str:
    """Работа России's API root (env VILKA_TRUDVSEM_BASE_URL; tests point it at 127.0.0.1)."""
    return env_url("VILKA_TRUDVSEM_BASE_URL", DEFAULT_TRUDVSEM_BASE_URL)


def trudvsem_rate_limit() -> float:
    """Requests per second to Работа России (env VILKA_TRUDVSEM_RATE, default 2: a government
    server; 0 = no cap)."""
    return env_number("VILKA_TRUDVSEM_RATE", 2.0)
