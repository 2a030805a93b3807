"""Showing a figure: titles that fit a phone, full width.

Plotly never wraps a title: on a 390 px screen a one-line title is cut mid-sentence. Titles are
broken into lines of at most ``TITLE_CHARS`` characters at spaces (existing line breaks kept), which
also reads well on a wide screen."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import streamlit as st

TITLE_CHARS = 38  # ≈ 330 px of 14 px text: a 390 px phone's chart width


def wrap(text: str, width: int = TITLE_CHARS) -> str:
    """Break ``text`` at spaces into lines of at most ``width`` characters (markup like <span …>
    counts as nothing; a single longer word stays whole)."""
    out = []
    text = re.sub(r"<[^>]*>", lambda m: m.group(0).replace(" ", "\x00"), text)  # never break inside a tag
    text = text.replace(" = ", "\x00=\x00")  # nor inside "n = 60"
    for line in text.split("<br>"):
        words, cur, size = line.split(" "), [], 0
        lines = []
        for w in words:
            visible = len(_strip_tags(w))
            if cur and size + 1 + visible > width:
                lines.append(" ".join(cur))
                cur, size = [w], visible
            else:
                cur.append(w)
                size += visible + (1 if len(cur) > 1 else 0)
        lines.append(" ".join(cur))
        out.extend(lines)
    return "<br>".join(out).replace("\x00", " ")


def _strip_tags(word: str) -> str:
    return re.sub(r"<[^>]*>", "", word)


def fit(fig: go.Figure) -> go.Figure:
    """The figure with its title (and x-axis title) wrapped for narrow screens and room made for it."""
    title = fig.layout.title.text
    if title:
        text = wrap(title)
        lines = text.count("<br>") + 1
        fig.update_layout(title={"text": text, "font": {"size": 14}})
        top = fig.layout.margin.t if fig.layout.margin.t is not None else 80
        need = max(top, 28 + 20 * lines)
        fig.update_layout(margin={"t": need})
        if fig.layout.height:  # the title's new lines come on top of the plot, not out of it
            fig.update_layout(height=fig.layout.height + need - top)
    x_title = fig.layout.xaxis.title.text
    if x_title and "<br>" not in x_title:  # an axis title is cut at the plot's edge just the same
        fig.update_xaxes(title={"text": wrap(x_title, TITLE_CHARS + 6)}, automargin=True)
    return fig


def show(fig: go.Figure, **kwargs) -> None:
    """st.plotly_chart at full width, title fitted."""
    st.plotly_chart(fit(fig), width="stretch", **kwargs)
