"""Market: how many vacancies and how fast, who hires, what they ask, how pay is built, professions side by side."""

import streamlit as st

from analytics import fmt, labels, market, queries
from analytics import queries_market as qm
from analytics.figures import bands_figure
from analytics.i18n import t
from ui import charts
from ui.state import context

ctx = context()
lang, f, wh = ctx.lang, ctx.filters, ctx.wh
basis = t(f"basis_{f.basis}", lang)
st.title(t("page_market", lang))

s = qm.summary(wh, f)
if not s["n_all"]:
    st.info(t("market_no_vacancies", lang))
    st.stop()
st.caption(t("market_caption", lang, n=fmt.number(s["n_all"], lang), start=fmt.day(s["first"], lang),
             end=fmt.day(s["last"], lang), usable=fmt.number(s["n_usable"], lang)))
formats = qm.counts(wh, f, "work_format")
k_remote, n_all, n_unknown = market.remote_share(formats)
c1, c2, c3 = st.columns(3)
c1.metric(t("market_metric_vacancies", lang), fmt.number(s["n_all"], lang))
c2.metric(t("market_metric_salary_share", lang), fmt.percent(s["n_salary"] / s["n_all"], lang),
          help=t("market_salary_share_help", lang, k=fmt.number(s["n_salary"], lang), n=fmt.number(n_all, lang)))
stated = n_all - n_unknown  # the share is of vacancies that say their format; none say it → no data
c3.metric(t("market_metric_remote", lang), fmt.percent(k_remote / stated, lang) if stated else t("market_no_data", lang),
          help=t("market_remote_help", lang, k=fmt.number(k_remote, lang), n=fmt.number(stated, lang),
                 unknown=fmt.number(n_unknown, lang)))

demand, employers, structure, compare = st.tabs(
    [t(f"market_tab_{k}", lang) for k in ("demand", "employers", "structure", "compare")])

with demand:
    freq = st.segmented_control(t("market_freq", lang), market.FREQS, default="month", key="market_freq",
                                format_func=lambda v: t(f"market_freq_{v}", lang)) or "month"
    volume = market.complete_periods(qm.volume(wh, f, freq), freq)
    if not volume.empty:
        charts.show(market.trend_figure(volume, freq, lang))
    st.caption(t("market_trend_note", lang, undated=fmt.number(s["n_all"] - s["n_dated"], lang)))
    st.subheader(t("market_open_header", lang))
    life = qm.lifecycle_weeks(wh, f)
    weekly = market.open_per_week(life["weeks"], life["start"], life["end"])
    if weekly.empty:
        st.info(t("market_open_none", lang))
    else:
        charts.show(market.open_figure(weekly, life["tracked"], lang))
        st.caption(t("market_open_note", lang, tracked=fmt.number(life["tracked"], lang),
                     closed=fmt.number(life["closed"], lang), start=fmt.day(life["start"], lang)))
        st.subheader(t("market_close_header", lang))
        by = st.segmented_control(t("market_close_by", lang), qm.CLOSE_GROUPS, default="profession",
                                  key="market_close_by", format_func=lambda v: t(f"market_close_by_{v}", lang))
        by = by or "profession"
        closing = qm.time_to_close(wh, f, by)
        if closing.empty:
            st.info(t("market_close_none", lang))
        else:
            charts.show(market.close_figure(market.close_table(closing, by, lang), by, lang))
            st.caption(t("market_close_note", lang, open=fmt.number(int(closing["n_open"].sum()), lang),
                         min=market.MIN_N_ALL))
    left, right = st.columns(2)
    for col, kind, df in ((left, "work_format", formats), (right, "experience", qm.counts(wh, f, "experience"))):
        title = t(f"market_{'format' if kind == 'work_format' else kind}_title", lang, n=fmt.number(n_all, lang))
        col.plotly_chart(market.share_figure(market.with_labels(df, "value", kind, lang), "label", title, lang),
                         width="stretch")

with employers:
    top = qm.top_employers(wh, f)
    if top.empty:
        st.info(t("market_no_employers", lang))
    else:
        charts.show(market.employers_figure(top, f.basis, lang))
        st.caption(t("market_employers_note", lang))
    st.subheader(t("market_skills_header", lang))
    skills = qm.top_skills(wh, f)
    if skills.empty:
        st.info(t("market_no_skills", lang))
    else:
        title = t("market_skills_title", lang, n=fmt.number(s["n_details"], lang))
        charts.show(market.share_figure(skills, "skill", title, lang))
        st.markdown("**" + t("market_premium_header", lang, basis=basis) + "**")
        st.dataframe(market.premium_display(qm.skill_premium(wh, f), lang), hide_index=True, width="stretch")
        st.caption(t("market_premium_note", lang, n=market.MIN_N_PREMIUM))

with structure:
    st.warning(t("market_title_only_note", lang))
    rules = market.pay_structure_rules()
    bonus = qm.bonus_mentions(wh, f)
    share = fmt.percent(bonus["n_bonus"] / max(bonus["n_all"], 1), lang, 2)
    st.metric(t("market_metric_bonus", lang), f"{fmt.number(bonus['n_bonus'], lang)} ({share})",
              help=t("market_bonus_help", lang, k=bonus["n_bonus"], n=bonus["n_all"], rule=rules.bonus.name(lang)))
    if not bonus["bands"].empty:
        cells = market.with_labels(bonus["bands"], "key", "bonus", lang)
        charts.show(bands_figure(cells, "label", f.basis, lang, title=t(
            "market_bonus_title", lang, basis=basis, n=fmt.number(int(cells["n"].sum()), lang))))
    st.subheader(t("market_segment_header", lang))
    seg = qm.segments(wh, f)
    names = ", ".join(labels.profession(p, lang) for p in seg["professions"])
    if seg["bands"].empty:
        st.info(t("market_segment_none_here", lang, professions=names))
    else:
        cells = market.with_labels(seg["bands"], "key", "segment", lang)
        charts.show(bands_figure(cells, "label", f.basis, lang, title=t(
            "market_segment_title", lang, professions=names, basis=basis,
            n=fmt.number(int(cells["n"].sum()), lang))))

with compare:
    cells = queries.pay_bands(wh, f.with_(professions=()), ("profession",))
    available = cells["profession"].tolist() if not cells.empty else []
    chosen = st.multiselect(t("market_compare_pick", lang), available, key="market_compare",
                            default=market.comparison_defaults(available),
                            format_func=lambda v: labels.profession(v, lang))
    picked = cells[cells["profession"].isin(chosen)] if chosen else cells.iloc[:0]
    if picked.empty:
        st.info(t("market_compare_empty" if available else "market_no_pay", lang))
    else:
        picked = market.with_labels(picked, "profession", "profession", lang)
        charts.show(bands_figure(picked, "label", f.basis, lang, title=t(
            "market_compare_title", lang, basis=basis, n=fmt.number(int(picked["n"].sum()), lang))))
    st.caption(t("market_compare_note", lang) + " " + t("hidden_note", lang))
