"""Pay ranges: percentile bands of offered pay per region, level, experience or profession."""

import streamlit as st

from analytics import bands, dating, export, fmt, labels, queries
from analytics.figures import bands_figure, raw_bounds_figure
from analytics.i18n import t
from ui import charts, downloads, urlstate
from ui.state import context

ctx = context()
lang, f = ctx.lang, ctx.filters
st.title(t("page_pay_ranges", lang))

groups = ("region", "level", "experience", "profession", "federal_district")
urlstate.seed("pr_by", urlstate.read_one("by", groups))
urlstate.seed("pr_raw", {"1": True, "0": False}.get(urlstate.read_one("raw", ("0", "1")) or ""))
by = st.segmented_control(t("group_by", lang), groups, default=None if "pr_by" in st.session_state else "region",
                          key="pr_by", format_func=lambda g: t(f"by_{g}", lang)) or "region"
raw_view = st.toggle(t("pr_view_raw", lang), key="pr_raw")
view = "raw" if raw_view else "estimate"
urlstate.publish({"by": by, "raw": "1" if raw_view else "0"}, {"by": "region", "raw": "0"})

cells = bands.widened_bands(ctx.wh, f, (by,))
dates = queries.selection_dates(ctx.wh, f)
if cells.empty:
    st.info(t("no_data", lang))
    st.stop()
cells["label"] = cells[by].map(lambda v: labels.label(by, v, lang))
cells["dates"] = [dating.period(a, b, u, lang) if n else t("pr_no_data", lang)
                  for a, b, u, n in zip(cells["published_from"], cells["published_to"],
                                        cells["n_undated"].fillna(0).astype(int), cells["n"], strict=True)]
cells["window_text"] = cells["window"].map(lambda w: dating.window(w, lang))
st.caption(t("data_dates", lang, start=fmt.day(dates["first"], lang), end=fmt.day(dates["last"], lang),
             n=fmt.number(dates["n"], lang)) + " " + t("pr_aged", lang, aged=dating.aged(f.aged_to, lang)))

if view == "raw":
    raw = queries.raw_bounds(ctx.wh, f, (by,))
    raw = raw[(raw["n_lo"] + raw["n_hi"]) > 0].nlargest(30, "n_lo")
    raw["label"] = raw[by].map(lambda v: labels.label(by, v, lang))
    charts.show(raw_bounds_figure(raw, "label", f.basis, lang))
else:
    drawn, sparse = bands.chart_cells(cells)
    charts.show(bands_figure(drawn, "label", f.basis, lang))
    if len(drawn) < len(cells) - len(sparse):
        st.caption(t("pr_top", lang, k=len(drawn), total=len(cells)))
    if len(sparse):
        st.caption(t("pr_sparse", lang, cells=", ".join(
            t("pr_empty_cell", lang, label=r.label) if r.n == 0 else f"{r.label} (n = {r.n})"
            for r in sparse.sort_values("n", ascending=False).head(15).itertuples())))
    st.caption(t("pr_cell_dates", lang, cells="; ".join(
        f"{r.label}: {r.dates}, {r.window_text}" for r in drawn.head(8).itertuples())))
cells["widening_text"] = cells["trail"].map(lambda tr: dating.trail_note(tr, lang))
widened = cells.loc[cells["widening_text"] != "", ["label", "widening_text"]]
if 0 < len(widened) <= 3:
    st.caption(t("pr_widened", lang, notes="; ".join(f"{r.label}: {r.widening_text}" for r in widened.itertuples())))
elif len(widened):  # one line per group would bury the chart under a wall of text on a phone
    st.caption(t("pr_widened_many", lang, n=fmt.number(len(widened), lang),
                 groups=", ".join(widened["label"].head(5)) + (" …" if len(widened) > 5 else "")))
    with st.expander(t("pr_widened_details", lang)):
        for r in widened.itertuples():
            st.caption(f"{r.label}: {r.widening_text}")

cols = ["label", "n", "p10", "p25", "p50", "p75", "p90", "p50_ci_low", "p50_ci_high", "dates", "window_text",
        *(["index_factor"] if "index_factor" in cells else []), "widening_text"]
table = cells[cols].round({c: 0 for c in ("p10", "p25", "p50", "p75", "p90", "p50_ci_low", "p50_ci_high")})
money = {c: st.column_config.NumberColumn(c.upper(), format="localized") for c in ("p10", "p25", "p50", "p75", "p90")}
money.update({c: st.column_config.NumberColumn(t(f"pr_col_{c}", lang), format="localized")
              for c in ("p50_ci_low", "p50_ci_high")})
with st.expander(t("table", lang)):
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"label": t("pr_col_group", lang), "widening_text": t("pr_col_widening", lang),
                                "dates": t("pr_col_dates", lang), "window_text": t("pr_col_window", lang),
                                "index_factor": st.column_config.NumberColumn(t("pr_col_factor", lang),
                                                                              format="%.2f"),
                                **money})
    csv = cells[[by, *cols[1:9], "published_from", "published_to", "window", "n_undated",
                 *(["index_factor"] if "index_factor" in cells else []), "widening"]]
    # the CSV keeps machine names; the two files for Excel are the table as shown, headers in the UI language
    headers = {"label": t("pr_col_group", lang), **{c: c.upper() for c in ("p10", "p25", "p50", "p75", "p90")},
               **{c: t(f"pr_col_{c}", lang) for c in ("p50_ci_low", "p50_ci_high", "dates")},
               "window_text": t("pr_col_window", lang), "index_factor": t("pr_col_factor", lang),
               "widening_text": t("pr_col_widening", lang)}
    people = table.rename(columns=headers).assign(**{
        t("basis", lang): t(f"basis_{f.basis}", lang), t("col_unit", lang): t("unit_rub_month", lang),
        t("col_prices", lang): dating.aged(f.aged_to, lang)})
    csv_col, excel_col, xlsx_col = st.columns(3)
    csv_col.download_button(t("download_csv", lang), export.to_csv_bytes(csv.assign(basis=f.basis, unit="RUB/month",
                                                                                   aged_to=f.aged_to)),
                            file_name=f"vilka_pay_ranges_{by}_{f.basis}.csv", mime="text/csv", key="pr_csv")
    downloads.excel_buttons(excel_col, xlsx_col, lambda: people, stem=f"vilka_pay_ranges_{by}_{f.basis}",
                            key="pr", sheet=t("page_pay_ranges", lang), lang=lang)
with st.expander(t("pr_method_title", lang)):
    st.write(t("pr_method", lang))
st.caption(t("hidden_note", lang) + " " + t("sources_caption", lang))
