"""Data: where the numbers come from, what was set aside, downloads of the selection, refresh from hh.ru."""

import pandas as pd
import streamlit as st

from analytics import datainfo, export, fmt, labels, refresh
from analytics import queries_data as qd
from analytics.i18n import t
from ui import downloads, tables
from ui.state import context

ctx = context()
lang, f, wh = ctx.lang, ctx.filters, ctx.wh
st.title(t("page_data", lang))

st.subheader(t("data_sources_header", lang))
sources = qd.sources(wh)
st.caption(t("data_sources_caption", lang, rows=fmt.number(int(sources["rows"].sum()), lang),
             usable=fmt.number(int(sources["usable"].sum()), lang)))
src_table = datainfo.sources_table(sources, lang)
st.dataframe(src_table, hide_index=True, width="stretch", column_config=tables.localized(src_table))

st.subheader(t("data_loads_header", lang))
loads = qd.loads(wh)
st.markdown(datainfo.last_refresh(loads, sources, lang))
if not loads.empty:
    loads_table = datainfo.loads_table(loads, lang)
    st.dataframe(loads_table, hide_index=True, width="stretch", column_config=tables.localized(loads_table))
    st.caption(t("data_duplicates_note", lang))

st.subheader(t("data_flags_header", lang))
flags_table = datainfo.flags_table(qd.flag_counts(wh, f), lang)
st.dataframe(flags_table, hide_index=True, width="stretch", column_config=tables.localized(flags_table))
st.caption(t("data_flags_caption", lang))

st.subheader(t("data_download_header", lang))
flagged = st.checkbox(t("data_include_flagged", lang), key="data_include_flagged")
total = qd.selection_size(wh, f, flagged)
if total == 0:
    st.info(t("data_nothing_to_download", lang))
else:
    st.caption(t("data_download_rows", lang, n=fmt.number(min(total, qd.EXPORT_LIMIT), lang)))
    if total > qd.EXPORT_LIMIT:
        st.warning(t("data_download_cut", lang, total=fmt.number(total, lang), limit=fmt.number(qd.EXPORT_LIMIT, lang)))
    def for_people() -> pd.DataFrame:
        """The rows for Excel: headers in the UI language (the CSV and Parquet keep the schema's names)."""
        rows = qd.export_rows(wh, f, flagged)
        return rows.rename(columns={c: t(f"data_x_{c}", lang) for c in rows.columns})

    # every file is built only when its button is pressed: up to EXPORT_LIMIT rows, not on every rerun
    csv_col, excel_col, xlsx_col, parquet_col = st.columns(4)
    csv_col.download_button(t("data_download_csv", lang), key="data_csv", file_name="vilka_vacancies.csv",
                            mime="text/csv", on_click="ignore",
                            data=lambda: export.to_csv_bytes(qd.export_rows(wh, f, flagged)))
    downloads.excel_buttons(excel_col, xlsx_col, for_people, stem="vilka_vacancies", key="data",
                            sheet=t("data_download_sheet", lang), lang=lang)
    parquet_col.download_button(t("data_download_parquet", lang), key="data_parquet",
                                file_name="vilka_vacancies.parquet", mime="application/vnd.apache.parquet",
                                on_click="ignore", data=lambda: export.to_parquet_bytes(qd.export_rows(wh, f, flagged)))

st.subheader(t("data_refresh_header", lang))
done = st.session_state.pop("data_refresh_message", None)
if done:
    st.success(done)
plan = refresh.plan(f)
if plan is None:
    st.info(t("data_refresh_nothing_to_search", lang))
else:
    st.caption(t("data_refresh_plan", lang, text=plan.text,
                 areas=", ".join(labels.region(r, lang) for r in f.regions) or t("data_refresh_all_regions", lang)))
if st.button(t("data_refresh_button", lang), key="data_refresh", disabled=plan is None):
    bar = st.progress(0.0, text=t("data_refresh_starting", lang))

    def progress(running: refresh.Running) -> None:
        bar.progress(running.fraction, text=refresh.progress_text(running, lang))

    result = refresh.run(None, f, progress)  # the warehouse link, not the version this run reads
    bar.empty()
    if result.ok:
        st.session_state["data_refresh_message"] = refresh.message(result, lang)
        st.cache_data.clear()
        st.rerun()
    st.error(refresh.message(result, lang))
