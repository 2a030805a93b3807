"""Pay ranges: percentile bands of offered pay per region, level or experience."""

import streamlit as st

from analytics import fmt, labels, queries
from analytics.figures import bands_figure
from analytics.i18n import t
from ui.state import context

ctx = context()
lang, f = ctx.lang, ctx.filters
st.title(t("page_pay_ranges", lang))

groups = ("region", "level", "experience", "profession", "federal_district")
by = st.segmented_control(t("group_by", lang), groups, default="region", key="pr_by",
                          format_func=lambda g: t(f"by_{g}", lang)) or "region"

cells = queries.pay_bands(ctx.wh, f, (by,))
dates = queries.selection_dates(ctx.wh, f)
if cells.empty:
    st.info(t("no_data", lang))
    st.stop()

cells["label"] = cells[by].map(lambda v: labels.label(by, v, lang))
st.caption(t("data_dates", lang, start=fmt.day(dates["first"], lang), end=fmt.day(dates["last"], lang),
             n=fmt.number(dates["n"], lang)))
st.plotly_chart(bands_figure(cells, "label", f.basis, lang), width="stretch")

with st.expander(t("table", lang)):
    table = cells[["label", "n", "p10", "p25", "p50", "p75", "p90", "p50_ci_low", "p50_ci_high", "method"]]
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(c.upper(), format="%d ₽")
                                for c in ("p10", "p25", "p50", "p75", "p90", "p50_ci_low", "p50_ci_high")})
st.caption(t("hidden_note", lang) + " " + t("sources_caption", lang))
