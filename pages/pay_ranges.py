"""Pay ranges: percentile bands of offered pay per region, level, experience or profession."""

import streamlit as st

from analytics import bands, export, fmt, labels, queries
from analytics.figures import bands_figure, raw_bounds_figure
from analytics.i18n import t
from ui.state import context

ctx = context()
lang, f = ctx.lang, ctx.filters
st.title(t("page_pay_ranges", lang))

groups = ("region", "level", "experience", "profession", "federal_district")
by = st.segmented_control(t("group_by", lang), groups, default="region", key="pr_by",
                          format_func=lambda g: t(f"by_{g}", lang)) or "region"
view = "raw" if st.toggle(t("pr_view_raw", lang), key="pr_raw") else "estimate"

cells = bands.widened_bands(ctx.wh, f, (by,))
dates = queries.selection_dates(ctx.wh, f)
if cells.empty:
    st.info(t("no_data", lang))
    st.stop()
cells["label"] = cells[by].map(lambda v: labels.label(by, v, lang))
st.caption(t("data_dates", lang, start=fmt.day(dates["first"], lang), end=fmt.day(dates["last"], lang),
             n=fmt.number(dates["n"], lang)))

if view == "raw":
    raw = queries.raw_bounds(ctx.wh, f, (by,))
    raw = raw[(raw["n_lo"] + raw["n_hi"]) > 0].nlargest(30, "n_lo")
    raw["label"] = raw[by].map(lambda v: labels.label(by, v, lang))
    st.plotly_chart(raw_bounds_figure(raw, "label", f.basis, lang), width="stretch")
else:
    drawn, sparse = bands.chart_cells(cells)
    st.plotly_chart(bands_figure(drawn, "label", f.basis, lang), width="stretch")
    if len(drawn) < len(cells) - len(sparse):
        st.caption(t("pr_top", lang, k=len(drawn), total=len(cells)))
    if len(sparse):
        st.caption(t("pr_sparse", lang, cells=", ".join(
            f"{r.label} (n = {r.n})" for r in sparse.nlargest(15, "n").itertuples())))
widened = cells.loc[cells["widening"] != "", "widening"]
if len(widened):
    st.caption(t("pr_widened", lang, notes="; ".join(widened)))

table = cells[["label", "n", "p10", "p25", "p50", "p75", "p90", "p50_ci_low", "p50_ci_high", "widening"]]
money = {c: st.column_config.NumberColumn(c.upper().replace("_CI_", " CI "), format="localized")
         for c in ("p10", "p25", "p50", "p75", "p90", "p50_ci_low", "p50_ci_high")}
with st.expander(t("table", lang)):
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"label": t("pr_col_group", lang), "widening": t("pr_col_widening", lang), **money})
    st.download_button(t("download_csv", lang), export.to_csv_bytes(table.assign(basis=f.basis, unit="RUB/month")),
                       file_name=f"vilka_pay_ranges_{by}_{f.basis}.csv", mime="text/csv", key="pr_csv")
with st.expander(t("pr_method_title", lang)):
    st.write(t("pr_method", lang))
st.caption(t("hidden_note", lang) + " " + t("sources_caption", lang))
