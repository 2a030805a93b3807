"""What every page needs from the frame: the language, the warehouse and the shared filters."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from analytics import queries
from analytics.filters import Filters


@dataclass(frozen=True)
class Context:
    lang: str
    wh: queries.WH
    filters: Filters


def context() -> Context:
    """Set by app.py before the page runs; a page run on its own gets defaults."""
    lang = st.session_state.get("lang", "ru")
    wh = st.session_state.get("wh") or queries.warehouse_key()
    return Context(lang=lang, wh=wh, filters=st.session_state.get("filters", Filters()))
