"""Every page's choices live in the URL, so a link opened in a new browser shows the same page with
the same numbers.

A widget's value is read from the URL once, when the session starts (or when the widget is first
made on a page), and written back on every run. Values a widget does not offer are ignored, never
raise: a link is user input. Parameter names are short and stable (they are part of shared links):
the sidebar's start with ``f_`` so they never clash with a page's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import streamlit as st

_SEEDED = "_url_seeded"  # widget keys already seeded from the URL in this session


def _seeded() -> set[str]:
    return st.session_state.setdefault(_SEEDED, set())


def read_list(param: str, allowed: Iterable[Any]) -> list[Any] | None:
    """The URL's values of a repeatable parameter that are among ``allowed`` (None when absent)."""
    if param not in st.query_params:
        return None
    ok = {str(a): a for a in allowed}
    return [ok[v] for v in dict.fromkeys(st.query_params.get_all(param)) if v in ok]


def read_one(param: str, allowed: Iterable[Any] | None = None) -> Any | None:
    """The URL's value of ``param`` if it is one of ``allowed`` (any string when None)."""
    if param not in st.query_params:
        return None
    value = st.query_params.get(param, "")
    if allowed is None:
        return value
    ok = {str(a): a for a in allowed}
    return ok.get(value)


def seed(key: str, value: Any | None) -> None:
    """Put a URL value into a widget's state once per session, before the widget is made."""
    if key in _seeded():
        return
    _seeded().add(key)
    if value is not None and key not in st.session_state:
        st.session_state[key] = value


def publish(values: dict[str, Any], defaults: dict[str, Any] | None = None) -> None:
    """Write ``values`` into the URL (lists as repeated parameters); a value equal to its default
    is removed, so links stay short. Other parameters are left alone."""
    defaults = defaults or {}
    for param, value in values.items():
        if value in (None, "", [], ()) or (param in defaults and value == defaults[param]):
            if param in st.query_params:
                del st.query_params[param]
            continue
        want: str | Sequence[str] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
        have = st.query_params.get_all(param) if isinstance(want, list) else st.query_params.get(param)
        if have != want:
            st.query_params[param] = want
