"""Plotly figures as pure functions of a frame: ``f(cells, options) -> Figure``.

Every figure carries its own title with what it shows, the pay basis, the unit and n, so a
screenshot of it is never ambiguous.

Plotly renders a subset of HTML in every label, title and hover text (``<a href>``, ``<b>``, ``<br>``,
``<span style>``): an employer named ``<a href="https://evil.example">Сбер</a>`` would be a link on the
chart. Text from data therefore goes through :func:`plain_label` before it reaches a figure; only
markup the code writes itself (``<b>``, ``<br>`` around already-escaped text) stays markup.
"""

from __future__ import annotations

import html
import math

import pandas as pd
import plotly.graph_objects as go

from analytics import fmt
from analytics.i18n import t

BAND = "#2a6fdb"
WHISKER = "#9bb7e8"
MEDIAN = "#0b2a5b"
MUTED = "#9a9a9a"


def plain_label(text: object) -> str:
    """``text`` as plotly shows it literally: ``&``, ``<`` and ``>`` as entities (which plotly
    decodes for display), so data can never become a link, bold text or a line break."""
    return html.escape(str(text), quote=False)


def _hover(row: pd.Series, lang: str) -> str:
    parts = [f"<b>{row['label']}</b>", f"n = {fmt.number(row['n'], lang)}"]
    for p in ("p10", "p25", "p50", "p75", "p90"):
        if not _missing(row.get(p)):
            parts.append(f"P{p[1:]}: {fmt.money(row[p], lang)}")
    if not _missing(row.get("p50_ci_low")):
        parts.append(f"{t('ci50', lang)}: {fmt.money(row['p50_ci_low'], lang)} – {fmt.money(row['p50_ci_high'], lang)}")
    return "<br>".join(parts)


ROW_PX = 46  # one group of a bands chart: its name above, its bar below


def names_above_bars(fig: go.Figure, names, yshift: int) -> None:
    """Write each category's name above its horizontal bar, inside the plot, in place of y tick
    labels: on a 390 px phone tick labels took two thirds of the width and cut long region names.
    The caller hides the tick labels and leaves a category's worth of room above the top bar."""
    for name in names:
        fig.add_annotation(x=0, xref="paper", xanchor="left", y=name, yanchor="bottom", yshift=yshift,
                           text=name, showarrow=False, font={"size": 11, "color": "#444"})


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def bands_figure(cells: pd.DataFrame, label_col: str, basis: str, lang: str = "ru",
                 title: str | None = None) -> go.Figure:
    """Horizontal percentile bands: P10–P90 whisker, P25–P75 box, median dot, n in the label.

    ``cells`` is ``ranges.estimate_cells`` output plus a display column ``label_col``. Cells whose
    percentiles are hidden (too few vacancies) get a grey note instead of a misleading bar. The labels
    are escaped here (:func:`plain_label`); ``title`` is the caller's text, markup allowed, so a caller
    putting data into it escapes that part with :func:`plain_label`.
    """
    basis_text = t(f"basis_{basis}", lang)
    df = cells.copy()
    df["label"] = df[label_col].map(plain_label) + "  (n = " + df["n"].map(lambda v: fmt.number(v, lang)) + ")"
    df = df.iloc[::-1]  # plotly draws the first category at the bottom
    shown = df[df["p50"].notna()]
    hidden = df[df["p50"].isna()]
    hover = shown.apply(_hover, axis=1, lang=lang) if len(shown) else []
    fig = go.Figure()
    fig.add_trace(go.Bar(
        y=shown["label"], x=(shown["p90"] - shown["p10"]), base=shown["p10"], orientation="h",
        marker_color=WHISKER, width=0.1, name="P10–P90", hoverinfo="skip"))
    fig.add_trace(go.Bar(
        y=shown["label"], x=(shown["p75"] - shown["p25"]), base=shown["p25"], orientation="h",
        marker_color=BAND, width=0.36, name="P25–P75", hovertext=hover, hoverinfo="text"))
    fig.add_trace(go.Scatter(
        y=shown["label"], x=shown["p50"], mode="markers", name=t("median", lang),
        marker={"color": MEDIAN, "size": 11, "symbol": "line-ns-open", "line": {"width": 3}},
        error_x={"type": "data", "symmetric": False, "array": shown["p50_ci_high"] - shown["p50"],
                 "arrayminus": shown["p50"] - shown["p50_ci_low"], "color": MEDIAN, "thickness": 1, "width": 4},
        hovertext=hover, hoverinfo="text"))
    if len(shown) and shown["p50_ci_low"].notna().any():
        # the whiskers belong to the median trace, whose legend mark cannot show them: a legend-only
        # entry in their colour and thickness says what they are
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=t("median_ci_legend", lang),
                                 line={"color": MEDIAN, "width": 1}, hoverinfo="skip"))
    if len(hidden):
        fig.add_trace(go.Scatter(
            y=hidden["label"], x=[0] * len(hidden), mode="text", showlegend=False, hoverinfo="skip",
            text=[t("not_enough", lang, n=int(n)) for n in hidden["n"]], textposition="middle right",
            textfont={"color": MUTED}))
    n_total = int(cells["n"].sum())
    names_above_bars(fig, df["label"], yshift=9)
    # the legend sits under the axis title: above the plot it ran into a wrapped title on a phone
    fig.update_layout(
        title=title or t("bands_title", lang, basis=basis_text, n=fmt.number(n_total, lang)),
        barmode="overlay", height=max(300, ROW_PX * len(df) + 190),
        margin={"l": 10, "r": 10, "t": 80, "b": 110},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        separators=", " if lang == "ru" else ".,",
        xaxis={"title": t("unit_axis", lang, basis=basis_text), "tickformat": ",.0f", "rangemode": "tozero",
               "automargin": True},
        yaxis={"showticklabels": False, "range": [-0.6, len(df) - 0.1]},
    )
    return fig


def raw_bounds_figure(raw: pd.DataFrame, label_col: str, basis: str, lang: str = "ru") -> go.Figure:
    """Median published "from" and "to" per group, as job ads show them (no estimate)."""
    basis_text = t(f"basis_{basis}", lang)
    df = raw.iloc[::-1]
    labels = df[label_col].map(plain_label)
    fig = go.Figure()
    for col, n_col, name, color in (("lo_median", "n_lo", t("pr_from", lang), WHISKER),
                                    ("hi_median", "n_hi", t("pr_to", lang), BAND)):
        fig.add_trace(go.Bar(
            y=labels, x=df[col], orientation="h", name=name, marker_color=color,
            customdata=df[n_col], hovertemplate="%{y}: %{x:,.0f} ₽ (n = %{customdata})<extra>" + name + "</extra>"))
    n = int(raw[["n_lo", "n_hi"]].max(axis=1).sum())
    names_above_bars(fig, labels, yshift=11)
    fig.update_layout(
        title=t("pr_raw_title", lang, basis=basis_text, n=fmt.number(n, lang)), barmode="group", bargap=0.45,
        height=max(320, 54 * len(df) + 180), margin={"l": 10, "r": 10, "t": 60, "b": 110},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        separators=", " if lang == "ru" else ".,",
        xaxis={"title": t("unit_axis", lang, basis=basis_text), "tickformat": ",.0f", "automargin": True},
        yaxis={"showticklabels": False, "range": [-0.6, len(df) - 0.1]},
    )
    return fig
