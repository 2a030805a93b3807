"""Region comparison: the ranking table, the choropleth and Moscow vs the rest, as pure functions
of the cells that ``queries.pay_bands`` returns (grouped by region ISO code)."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics import fmt, recency, tax
from analytics.figures import names_above_bars
from analytics.geo import regions_geojson
from analytics.i18n import t
from analytics.ranges import MIN_N_ALL, MIN_N_TAILS
from pipelines import reference

CAPITAL = "RU-MOW"


def cells_by(rows: pd.DataFrame, level: str | None, aged_to: str = "") -> pd.DataFrame:
    """Pay cells from ``queries.region_rows`` at one geographic level: "region" (ISO code),
    "federal_district" or None (all of Russia) — the same numbers as a query per level, from one
    scan (the rows are counted, so regrouping them is exact). Each cell on its latest window with
    enough vacancies, dated, and aged to ``aged_to`` when given (``analytics.recency``)."""
    if rows.empty:
        return pd.DataFrame()
    frame = rows.copy()
    if level == "federal_district":
        fd = reference.regions().set_index("iso")["federal_district"]
        frame["federal_district"] = frame["region"].map(fd).fillna("—")
    key = level or "_all"
    if level is None:
        frame["_all"] = "all"
    cells = recency.dated_cells(frame, [key], aged_to)
    return cells.sort_values(["p50", "n"], ascending=False, na_position="last").reset_index(drop=True)


def latest_wages(wages: pd.DataFrame) -> pd.DataFrame:
    """Per region, the latest monthly figure and the average of the 12 months ending there.

    ``wages``: the official wage table (region_iso, period, kind, wage_rub), as the warehouse
    holds it (``queries.latest_official_wages``) or as shipped (``pipelines.sources.rosstat``).

    Columns: ``region_iso, period`` (the latest month), ``wage_rub`` (that month, gross roubles),
    ``wage_12m_rub`` (mean of the 12 monthly figures ending at ``period``; NaN unless all 12 are
    present) and ``months`` (how many of those 12 were present). Compare vacancies with
    ``wage_12m_rub``: single months are seasonal (December bonuses add a third, March quarterly
    ones a tenth), so the latest month alone misleads.
    """
    m = wages.assign(period=pd.to_datetime(wages["period"]))
    m = m[m["kind"] == "monthly"].sort_values(["region_iso", "period"])
    last = m.groupby("region_iso", as_index=False).tail(1).set_index("region_iso")
    start = last["period"] - pd.DateOffset(months=11)
    window = m[m["period"] >= m["region_iso"].map(start)]
    agg = window.groupby("region_iso")["wage_rub"].agg(["mean", "count"])
    out = last[["period", "wage_rub"]].join(agg)
    out["wage_12m_rub"] = out["mean"].where(out["count"] == 12).round()
    out = out.rename(columns={"count": "months"}).drop(columns="mean")
    return out.reset_index()[["region_iso", "period", "wage_rub", "wage_12m_rub", "months"]]


def official_wages(latest: pd.DataFrame, basis: str, aged_to: str = "") -> pd.DataFrame:
    """Rosstat's average monthly nominal wage per region on the page's basis: the mean of the last
    12 months where all are present (single months are seasonal), else the latest month. The figure
    is accrued (gross); on the net basis it goes through the year's NDFL as offers do. With
    ``aged_to`` it is brought to that month's roubles by the same wage index as the vacancies (from
    the middle of its 12 months), so the ratio of the two compares like with like."""
    w = latest[["region_iso", "period"]].copy()
    w["wage_rub"] = latest["wage_12m_rub"].fillna(latest["wage_rub"])
    w["period"] = pd.to_datetime(w["period"])
    year = w["period"].dt.year.to_numpy()
    if aged_to:
        month = (w["period"].dt.year * 12 + w["period"].dt.month - 1).to_numpy()
        centre = month - np.where(latest["wage_12m_rub"].notna(), 6, 0)
        w["wage_rub"] = w["wage_rub"] * recency.factors_for(w["region_iso"], centre, aged_to)
        year = np.full(len(w), recency.parse_month(aged_to) // 12)
    if basis == "net":
        w["wage_rub"] = tax.gross_to_net_monthly(w["wage_rub"].to_numpy(), year)
    return w


def region_table(cells: pd.DataFrame, overall_p50: float, wages: pd.DataFrame | None,
                 lang: str = "ru") -> pd.DataFrame:
    """One row per region: names, federal district, median and P25–P75, n, and the ratios to
    Moscow's median, to the Russian median of the selection and to the official average wage."""
    regs = reference.regions().set_index("iso")
    df = cells[cells["region"].isin(regs.index)].copy()
    df["name"] = df["region"].map(regs["name_en" if lang == "en" else "name_ru"])
    df["federal_district"] = df["region"].map(regs["federal_district_en" if lang == "en" else "federal_district"])
    df["geo_name"] = df["region"].map(regs["geo_name"])
    moscow = df.loc[df["region"] == CAPITAL, "p50"]
    moscow_p50 = float(moscow.iloc[0]) if len(moscow) and pd.notna(moscow.iloc[0]) else float("nan")
    df["to_moscow"] = df["p50"] / moscow_p50
    df["to_russia"] = df["p50"] / overall_p50 if overall_p50 else float("nan")
    if wages is not None and not wages.empty:
        w = wages.set_index("region_iso")
        df["official_wage"] = df["region"].map(w["wage_rub"])
        df["official_period"] = df["region"].map(w["period"])
        df["to_official"] = df["p50"] / df["official_wage"]
    else:
        df["official_wage"] = df["official_period"] = df["to_official"] = float("nan")
    return df.sort_values(["p50", "n"], ascending=False, na_position="last").reset_index(drop=True)


def choropleth(table: pd.DataFrame, basis: str, lang: str = "ru") -> go.Figure:
    """Median offered pay by region; regions under the minimum n are drawn grey, not coloured."""
    basis_text = t(f"basis_{basis}", lang)
    geo = regions_geojson()
    on_map = table[table["geo_name"].astype(bool)]
    coloured = on_map[on_map["n"] >= MIN_N_ALL]
    sparse = on_map[on_map["n"] < MIN_N_ALL]
    known = set(on_map["geo_name"])
    empty = [f["properties"]["name"] for f in geo["features"] if f["properties"]["name"] not in known]
    fig = go.Figure()
    grey_names = list(sparse["geo_name"]) + empty
    if grey_names:
        grey_text = [f"{n}: {t('not_enough', lang, n=int(k))}" for n, k in zip(sparse["name"], sparse["n"], strict=True)]
        grey_text += [f"{e}: n = 0" for e in empty]
        fig.add_trace(go.Choroplethmap(
            geojson=geo, featureidkey="properties.name", locations=grey_names, z=[0] * len(grey_names),
            colorscale=[[0, "#d9d9d9"], [1, "#d9d9d9"]], showscale=False, marker_line_color="white",
            marker_line_width=0.5, text=grey_text, hoverinfo="text", name=""))
    hover = [
        f"<b>{r.name}</b><br>{t('median', lang)}: {fmt.money(r.p50, lang)}<br>P25–P75: "
        f"{fmt.money(r.p25, lang)} – {fmt.money(r.p75, lang)}<br>n = {fmt.number(r.n, lang)}"
        for r in coloured.itertuples()
    ]
    fig.add_trace(go.Choroplethmap(
        geojson=geo, featureidkey="properties.name", locations=coloured["geo_name"], z=coloured["p50"],
        colorscale="Blues", marker_line_color="white", marker_line_width=0.5, text=hover,
        hoverinfo="text", name="", colorbar={"title": "₽/" + ("мес." if lang == "ru" else "month"),
                                             "tickformat": ",.0f"}))
    # MapLibre with an empty "white-bg" style needs no tiles, fonts or topojson from the network
    # (plotly's geo projection fetches its base map from a CDN and stays blank offline).
    fig.update_layout(map_style="white-bg", map_zoom=1.45, map_center={"lat": 64, "lon": 98})
    n = int(coloured["n"].sum())
    fig.update_layout(
        title=t("reg_map_title", lang, basis=basis_text, n=fmt.number(n, lang)),
        height=520, margin={"l": 0, "r": 0, "t": 50, "b": 0}, separators=", " if lang == "ru" else ".,",
    )
    return fig


def ratio_figure(table: pd.DataFrame, column: str, title: str, lang: str = "ru") -> go.Figure:
    """Horizontal bars of a ratio (1.0 = parity) for the regions with enough vacancies."""
    df = table[(table["n"] >= MIN_N_ALL) & table[column].notna()].nlargest(25, "n").sort_values(column)
    few = df["n"] < MIN_N_TAILS
    names = df["name"].map(html.escape) + "  (n = " + df["n"].map(lambda v: fmt.number(v, lang)) + ")"
    fig = go.Figure()
    for mask, colour, legend in ((~few, "#2a6fdb", t("reg_rank_enough", lang, n=MIN_N_TAILS)),
                                 (few, "#b9c9e6", t("reg_rank_few", lang, n=MIN_N_TAILS))):
        if mask.any():  # ranks from n < 10 are drawn pale and named in the legend: a rank, not a fact
            fig.add_trace(go.Bar(y=names[mask], x=df.loc[mask, column], orientation="h", marker_color=colour,
                                 width=0.45, name=legend, hovertemplate="%{y}: %{x:.2f}<extra></extra>"))
    fig.update_yaxes(categoryorder="array", categoryarray=list(names))
    fig.add_vline(x=1, line_dash="dot", line_color="#555")
    names_above_bars(fig, names, yshift=6)
    fig.update_layout(title=title, height=max(320, 40 * len(df) + 170), barmode="overlay",
                      margin={"l": 10, "r": 10, "t": 60, "b": 90},
                      yaxis={"showticklabels": False, "range": [-0.6, len(df) - 0.2]},
                      legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
                      separators=", " if lang == "ru" else ".,")
    return fig
