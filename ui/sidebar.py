"""The shared sidebar: language switch and the filters every page applies."""

from __future__ import annotations

import streamlit as st

from analytics import labels, queries
from analytics.filters import Filters
from analytics.i18n import LANGS, t


def language() -> str:
    lang = st.sidebar.radio("Язык / Language", LANGS, horizontal=True, key="lang",
                            format_func=lambda v: {"ru": "Русский", "en": "English"}[v])
    return lang or "ru"


def filters(wh: queries.WH, lang: str) -> Filters:
    opts = queries.options(wh)
    sb = st.sidebar
    sb.header(t("filters", lang))
    prof = opts["profession"]
    professions = sb.multiselect(
        t("profession", lang), prof["value"].tolist(), key="f_professions",
        format_func=lambda v: f"{labels.profession(v, lang)} ({int(prof.set_index('value').at[v, 'n'])})",
        placeholder=t("all", lang))
    reg = opts["region"]
    regions = sb.multiselect(
        t("region", lang), reg["value"].tolist(), key="f_regions",
        format_func=lambda v: f"{labels.region(v, lang)} ({int(reg.set_index('value').at[v, 'n'])})",
        placeholder=t("all", lang))
    levels = sb.multiselect(t("level", lang), opts["level"]["value"].tolist(), key="f_levels",
                            format_func=lambda v: labels.label("level", v, lang), placeholder=t("all", lang))
    experience = sb.multiselect(t("experience", lang), opts["experience"]["value"].tolist(), key="f_experience",
                                format_func=lambda v: labels.label("experience", v, lang),
                                placeholder=t("all", lang))
    src = opts["source"]
    sources = sb.multiselect(t("source", lang), src["value"].tolist(), key="f_sources",
                             format_func=lambda v: f"{t('source_' + v, lang)} ({int(src.set_index('value').at[v, 'n'])})",
                             placeholder=t("all", lang))
    title = sb.text_input(t("title_contains", lang), key="f_title", max_chars=100)
    basis = sb.radio(t("basis", lang), ("net", "gross"), key="f_basis", horizontal=True,
                     format_func=lambda v: t(f"basis_{v}", lang))
    return Filters(professions=tuple(professions), regions=tuple(regions), levels=tuple(levels),
                   experience=tuple(experience), sources=tuple(sources), title=title or "", basis=basis or "net")
