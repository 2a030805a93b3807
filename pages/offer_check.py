"""Offer check: where an offer sits in its market cell (percentile, verdict), before and after tax, and a
whole salary table benchmarked the same way. Every input lives in the URL, so a link reproduces it."""

import datetime as dt

import streamlit as st

from analytics import dating, export, labels, offer, places, queries, queries_offer, upload
from analytics.i18n import level_name, t
from ui import charts, downloads, urlstate
from ui.state import context

ctx = context()
lang = ctx.lang
st.title(t("page_offer_check", lang))
st.caption(t("offer_intro", lang) + " " + t("offer_sidebar_note", lang))

professions, regions = queries_offer.choices(ctx.wh)
if "offer_amount" not in st.session_state:  # first visit: the URL sets the inputs, bad values are named
    url = st.query_params.to_dict()
    start, start_title, bad = offer.parse_params(url, professions, regions, dt.date.today().year)
    for name in bad:
        st.warning(t("offer_bad_param", lang, name=name, value=offer.plain(url.get(name, ""))))
    st.session_state.update(offer_title=start_title, offer_profession=start.profession, offer_level=start.level,
                            offer_region=start.region, offer_amount=start.amount, offer_period=start.period,
                            offer_basis=start.basis, offer_year=start.year, offer_neighbours=start.neighbours)


def _classify() -> None:  # a typed title fills profession and level; they stay editable
    prof, level = offer.classify_title(st.session_state["offer_title"])
    if st.session_state["offer_title"].strip() and prof in professions:
        st.session_state.update(offer_profession=prof, offer_level=level)


left, right = st.columns(2)
title = left.text_input(t("offer_title", lang), key="offer_title", max_chars=200, on_change=_classify,
                        help=t("offer_title_help", lang))
profession = left.selectbox(t("offer_profession", lang), professions, key="offer_profession",
                            format_func=lambda v: labels.profession(v, lang))
level = left.selectbox(t("offer_level", lang), ("", *offer.LEVELS), key="offer_level",
                       format_func=lambda v: level_name(v, lang) if v else t("offer_level_any", lang))
cities = queries.options(ctx.wh)["city"]
region = left.selectbox(t("offer_region", lang), regions, key="offer_region",
                        format_func=lambda v: places.region_with_cities(v, cities, lang))
amount = right.number_input(t("offer_amount", lang), min_value=1.0, max_value=offer.MAX_AMOUNT, step=5000.0,
                            format="%.0f", key="offer_amount")
period = right.radio(t("offer_period", lang), offer.PERIODS, key="offer_period", horizontal=True,
                     format_func=lambda v: t(f"offer_period_{v}", lang))
basis = right.radio(t("offer_basis", lang), offer.BASES, key="offer_basis", horizontal=True,
                    format_func=lambda v: t(f"basis_{v}", lang))
year = right.number_input(t("offer_year", lang), min_value=2000, max_value=2100, step=1, key="offer_year")
near = left.checkbox(t("offer_neighbours", lang), key="offer_neighbours")

inp = offer.OfferInput(profession, level, region, float(amount), period, basis, int(year), bool(near))
urlstate.publish({k: None for k in offer.URL_PARAMS} | offer.to_params(inp, title.strip()))
if title.strip():
    st.caption(t("offer_classified", lang, title=offer.plain(title), profession=labels.profession(profession, lang),
                 level=level_name(level, lang) if level else t("offer_level_any", lang)))

result = queries_offer.check_offer(ctx.wh, inp, ctx.filters.aged_to)
cell = result.cell
if cell.own:  # a verdict only for the asked level and place (or its district) with n >= 10
    m1, m2, m3 = st.columns(3)
    m1.metric(t("offer_metric_pct", lang), offer.percentile_text(cell.percentile, lang))
    m2.metric(t("offer_metric_verdict", lang), t(f"offer_short_{cell.verdict or 'none'}", lang))
    m3.metric(t("offer_metric_n", lang), cell.n)
    st.markdown(offer.verdict_text(result, lang))
else:  # a muted reference with its reason and the cell it comes from, or why there is nothing
    st.caption(offer.verdict_text(result, lang))
if cell.found:
    st.caption(t("offer_dates", lang, dates=offer.dates_text(cell, result.aged_to, lang)))
    stale = offer.staleness(cell)
    if stale:
        st.warning(t("offer_stale", lang, months=stale, aged=dating.aged(result.aged_to, lang)))
if cell.found and cell.widened:
    st.info(offer.widen_text(cell, lang))
st.caption(t("offer_thresholds", lang))
charts.show(offer.offer_figure(result, lang))

st.subheader(t("offer_compare_header", lang))
st.dataframe(offer.comparison_table(result, lang), hide_index=True, width="stretch")

st.subheader(t("offer_tax_header", lang, year=inp.year))
metrics, band, schedule = offer.tax_view(result, lang)
for col, (label, value) in zip(st.columns(len(metrics)), metrics, strict=True):
    col.metric(label, value)
st.caption(band + " " + t("offer_tax_note", lang))
with st.expander(t("offer_schedule", lang)):
    st.dataframe(schedule, hide_index=True, width="stretch")

st.subheader(t("offer_upload_header", lang))
file = st.file_uploader(t("offer_upload", lang), type=["csv", "txt", "xlsx"], key="offer_upload",
                        help=t("offer_upload_help", lang), max_upload_size=upload.MAX_BYTES // (1024 * 1024))
if file is not None:
    try:
        if file.size > upload.MAX_BYTES:  # before reading it: the limit holds whatever the server allows
            raise upload.BadUpload("too_big", size=f"{file.size / 2**20:.1f}", limit=upload.MAX_BYTES // 2**20)
        table, problems = upload.parse_salary_table(file.getvalue())
    except upload.BadUpload as err:
        st.error(err.message(lang))
        st.stop()
    if "sheet" in table.attrs:  # a workbook: its sheet's name is the file's text, shown escaped
        st.caption(t("offer_upload_read_xlsx", lang, n=len(table), sheet=offer.plain(table.attrs["sheet"])))
    else:
        st.caption(t("offer_upload_read", lang, n=len(table), encoding=table.attrs["encoding"],
                     sep=table.attrs["separator"].replace("\t", "TAB")))
    if table.attrs["basis_from"] == "default":  # nothing in the file says net or gross: ask, never assume silently
        if st.session_state.get("offer_upload_basis_file") != file.file_id:  # a new file starts as net again
            st.session_state.update(offer_upload_basis="net", offer_upload_basis_file=file.file_id)
        st.info(t("offer_upload_basis_note", lang))
        file_basis = st.radio(t("offer_upload_basis", lang), offer.BASES, key="offer_upload_basis", horizontal=True,
                              format_func=lambda v: t(f"basis_{v}", lang))
        table = upload.with_basis(table, file_basis)
    elif table.attrs["basis_from"] == "header":
        st.caption(t("offer_upload_basis_header", lang, basis=t(f"basis_{table.attrs['basis']}", lang)))
    if problems:
        shown = [offer.plain(p.message(lang), 300) for p in problems[:20]]
        more = [t("offer_upload_more", lang, n=len(problems) - 20)] if len(problems) > 20 else []
        st.warning("\n".join(f"- {m}" for m in [*shown, *more]))
    if len(table):
        bench = queries_offer.benchmark(ctx.wh, table, ctx.filters.aged_to)
        st.dataframe(offer.benchmark_display(bench, lang), hide_index=True, width="stretch")
        result_table = offer.benchmark_display(bench, lang, True)  # headers already in the UI language
        csv_col, excel_col, xlsx_col = st.columns(3)
        csv_col.download_button(t("offer_download", lang), export.to_csv_bytes(result_table),
                                file_name="offer_benchmark.csv", mime="text/csv", key="offer_download")
        downloads.excel_buttons(excel_col, xlsx_col, lambda: result_table, stem="offer_benchmark",
                                key="offer_download", sheet=t("offer_download_sheet", lang), lang=lang)
