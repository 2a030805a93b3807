"""What every page needs from the frame: the language, the warehouse and the shared filters."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from analytics import queries
from analytics.filters import Filters
from analytics.i18n import t
from pipelines.config import ConfigError

_LOG = logging.getLogger("vilka.app")


@dataclass(frozen=True)
class Context:
    lang: str
    wh: queries.WH
    filters: Filters


def leave_legacy_pages_mode() -> None:
    """A deep link (e.g. /regions) as the first request of a server process makes Streamlit run
    the page file directly, in its legacy ``pages/`` directory mode, skipping app.py (no sidebar,
    wrong menu). app.py routes with st.navigation, so switch the legacy mode off and rerun: the
    rerun goes through app.py and lands on the same page. app.py calls it first too: widgets made
    in legacy mode get other ids than in the rerun, which lost the first filter change of the first
    visitor. (Streamlit keeps this flag on its PagesManager class; st.navigation clears it the same
    way.)"""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def context() -> Context:
    """Set by app.py before the page runs; a page run on its own gets defaults."""
    leave_legacy_pages_mode()
    lang = st.session_state.get("lang", "ru")
    wh = st.session_state.get("wh") or queries.warehouse_key()
    return Context(lang=lang, wh=wh, filters=st.session_state.get("filters", Filters()))


@contextmanager
def friendly_errors(lang: str) -> Iterator[None]:
    """Around app.py's work, the frame and every page it runs: a warehouse that cannot be read
    (being written, not a vilka warehouse) or a bad ``VILKA_*`` setting becomes one short message
    in the visitor's language and the run stops; the detail (path, DuckDB's text, traceback) goes to
    the server log only. Anything else is a bug and goes to Streamlit's handler, which
    ``client.showErrorDetails = "none"`` keeps generic for visitors."""
    try:
        yield
    except queries.WarehouseUnavailable as exc:
        _LOG.warning("warehouse unavailable: %s", exc, exc_info=exc)
        st.error(exc.message(lang))
        st.stop()
    except ConfigError as exc:
        _LOG.error("configuration: %s", exc)
        st.error(t("config_error", lang))
        st.stop()
