"""Regions: who pays what where — map, ranking, Moscow vs the rest, federal districts."""

import streamlit as st

from analytics import dating, export, fmt, labels, queries, regions
from analytics.figures import bands_figure
from analytics.i18n import t
from ui import charts, downloads, urlstate
from ui.state import context

ctx = context()
lang, f = ctx.lang, ctx.filters
st.title(t("page_regions", lang))
basis_text = t(f"basis_{f.basis}", lang)

cells = queries.region_cells(ctx.wh, f, "region")
if cells.empty:
    st.info(t("no_data", lang))
    st.stop()
overall = queries.region_cells(ctx.wh, f, None)
latest = queries.latest_official_wages(ctx.wh)
wages = regions.official_wages(latest, f.basis, f.aged_to) if not latest.empty else None
if wages is None:
    st.caption(t("reg_no_official", lang))
if f.regions:
    st.caption(t("reg_filter_note", lang))
table = regions.region_table(cells, float(overall["p50"].iloc[0]), wages, lang)
dated = cells.set_index("region")
table["dates"] = [dating.period(dated.at[r, "published_from"], dated.at[r, "published_to"],
                                int(dated.at[r, "n_undated"]), lang) for r in table["region"]]
st.caption(t("reg_dates", lang, dates=dating.period(cells["published_from"].min(), cells["published_to"].max(),
                                                    0, lang), aged=dating.aged(f.aged_to, lang)))

charts.show(regions.choropleth(table, f.basis, lang))
st.caption(t("reg_map_credit", lang))

st.subheader(t("reg_capital", lang))
prof = f.professions or ("account_manager",)
cap = queries.pay_bands(ctx.wh, f.with_(regions=(), professions=prof), ("capital",))
if not cap.empty:
    cap["label"] = cap["capital"].map(lambda v: labels.region(v, lang) if v == "RU-MOW" else t("reg_rest", lang))
    charts.show(bands_figure(cap, "label", f.basis, lang))
    st.caption(t("reg_capital_caption", lang, profession=", ".join(labels.profession(p, lang) for p in prof)))

st.subheader(t("reg_ranking", lang))
charts.show(regions.ratio_figure(table, "to_moscow", t("reg_to_moscow_title", lang, basis=basis_text), lang))
if wages is not None and table["to_official"].notna().any():
    charts.show(regions.ratio_figure(
        table, "to_official", t("reg_to_official_title", lang, basis=basis_text), lang))
    st.caption(t("reg_official_note", lang, period=fmt.month(wages["period"].max(), lang),
                 aged=dating.aged(f.aged_to, lang)))
cols = {"name": t("reg_col_region", lang), "federal_district": t("reg_col_fd", lang), "n": "n",
        "p25": "P25", "p50": t("reg_col_median", lang), "p75": "P75", "to_moscow": t("reg_col_to_moscow", lang),
        "to_russia": t("reg_col_to_russia", lang), "official_wage": t("reg_col_official", lang),
        "to_official": t("reg_col_to_official", lang), "dates": t("reg_col_dates", lang)}
shown = table[list(cols)].round({"p25": 0, "p50": 0, "p75": 0, "official_wage": 0, "to_moscow": 2,
                                  "to_russia": 2, "to_official": 2})
money_cols = ("p25", "p50", "p75", "official_wage")
st.dataframe(shown.rename(columns=cols), hide_index=True, width="stretch", column_config={
    cols[c]: st.column_config.NumberColumn(format="localized" if c in money_cols + ("n",) else "%.2f")
    for c in cols if c not in ("name", "federal_district", "dates")})
# the CSV keeps machine names; the two files for Excel are the table as shown, headers in the UI language
people = shown.rename(columns=cols).assign(**{t("col_region_code", lang): table["region"], t("basis", lang): basis_text,
                                              t("col_unit", lang): t("unit_rub_month", lang)})
csv_col, excel_col, xlsx_col = st.columns(3)
csv_col.download_button(t("download_csv", lang),
                        export.to_csv_bytes(table[["region", *cols]].assign(basis=f.basis, unit="RUB/month")),
                        file_name=f"vilka_regions_{f.basis}.csv", mime="text/csv", key="reg_csv")
downloads.excel_buttons(excel_col, xlsx_col, lambda: people, stem=f"vilka_regions_{f.basis}", key="reg",
                        sheet=t("page_regions", lang), lang=lang)

st.subheader(t("reg_districts", lang))
fd = queries.region_cells(ctx.wh, f, "federal_district")
fd["label"] = fd["federal_district"].astype(str)
charts.show(bands_figure(fd, "label", f.basis, lang))

st.subheader(t("reg_compare", lang))
default_cmp = [r for r in (f.regions or ("RU-MOW", "RU-SPE", "RU-SVE", "RU-TA")) if r in set(table["region"])][:4]
from_url = urlstate.read_list("compare", list(table["region"]))
urlstate.seed("reg_compare", from_url[:4] if from_url else None)
picked = st.multiselect(t("reg_compare", lang), list(table["region"]), max_selections=4, key="reg_compare",
                        default=None if "reg_compare" in st.session_state else default_cmp,
                        format_func=lambda v: labels.region(v, lang), label_visibility="collapsed")
urlstate.publish({"compare": list(picked)}, {"compare": default_cmp})
if picked:
    cmp_cells = queries.pay_bands(ctx.wh, f.with_(regions=tuple(picked)), ("region", "level"))
    cmp_cells["label"] = (cmp_cells["region"].map(lambda v: labels.region(v, lang)) + " · "
                          + cmp_cells["level"].map(lambda v: labels.label("level", v, lang)))
    shown = cmp_cells[cmp_cells["n"] >= 5].sort_values(["region", "p50"])
    charts.show(bands_figure(shown, "label", f.basis, lang))
