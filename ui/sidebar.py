"""The shared sidebar: language switch and the filters every page applies."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import fmt, labels, places, queries, recency
from analytics.filters import Filters
from analytics.i18n import LANGS, t
from ui import urlstate


def language() -> str:
    urlstate.seed("lang", urlstate.read_one("lang", LANGS))
    lang = st.sidebar.radio("Язык / Language", LANGS, horizontal=True, key="lang",
                            format_func=lambda v: {"ru": "Русский", "en": "English"}[v])
    urlstate.publish({"lang": lang}, {"lang": "ru"})
    return lang or "ru"


# the filters' URL parameters (part of shared links: keep them stable)
_PARAMS = {"f_professions": "f_prof", "f_regions": "f_region", "f_levels": "f_level",
           "f_experience": "f_exp", "f_sources": "f_source", "f_title": "f_title", "f_basis": "f_basis",
           "f_aged": "f_aged"}


_STORE = "_filter_values"  # the filters' values, language-neutral, carried across a language switch


def _key(name: str, lang: str) -> str:
    """Widget key per language. Streamlit identifies a keyed widget by its key alone, and the
    browser keeps the selection as option *text*: after a language switch it showed stale Russian
    tags and an unselected radio. A new key per language makes fresh widgets, seeded below."""
    return name if lang == "ru" else f"{name}_{lang}"


def _from_url(name: str, allowed: list | None) -> object:
    param = _PARAMS[name]
    if name == "f_title":
        value = urlstate.read_one(param)
        return value[:100] if value is not None else None
    if name == "f_basis":
        return urlstate.read_one(param, ("net", "gross"))
    if name == "f_aged":
        flag = urlstate.read_one(param, ("0", "1"))
        return None if flag is None else flag == "1"
    return urlstate.read_list(param, allowed or [])


def _seed(name: str, lang: str, allowed: list | None = None) -> str:
    """The widget key, with its state taken from the language-neutral store when the widget is new,
    or from the URL when the session starts (a shared link)."""
    key = _key(name, lang)
    stored = st.session_state.get(_STORE, {})
    if key not in st.session_state and name in stored:
        value = stored[name]
        if allowed is not None and isinstance(value, list):
            value = [v for v in value if v in allowed]
        st.session_state[key] = value
    elif _STORE not in st.session_state:
        urlstate.seed(key, _from_url(name, allowed))
    return key


def _multi(label: str, name: str, values: list, lang: str, fmt, help: str | None = None) -> list:
    return st.sidebar.multiselect(label, values, key=_seed(name, lang, values), format_func=fmt,
                                  placeholder=t("all", lang), help=help)


def filters(wh: queries.WH, lang: str) -> Filters:
    opts = queries.options(wh)
    st.sidebar.header(t("filters", lang))
    counts = {k: v.set_index("value")["n"] for k, v in opts.items()}
    professions = _multi(t("profession", lang), "f_professions", opts["profession"]["value"].tolist(), lang,
                         lambda v: f"{labels.profession(v, lang)} ({fmt.number(counts['profession'][v], lang)})")
    cities = places.city_choices(opts["city"])
    place_n = {**counts["region"].to_dict(), **dict(zip(cities["value"], cities["n"], strict=True))}
    region_of = dict(zip(cities["value"], cities["region_iso"], strict=True))
    chosen = _multi(t("region", lang), "f_regions", [*opts["region"]["value"], *cities["value"]], lang,
                    lambda v: places.label(v, lang, int(place_n[v]), region_of), help=t("region_help", lang))
    regions, city_names = places.split(chosen)
    levels = _multi(t("level", lang), "f_levels", opts["level"]["value"].tolist(), lang,
                    lambda v: labels.label("level", v, lang))
    experience = _multi(t("experience", lang), "f_experience", opts["experience"]["value"].tolist(), lang,
                        lambda v: labels.label("experience", v, lang))
    sources = _multi(t("source", lang), "f_sources", opts["source"]["value"].tolist(), lang,
                     lambda v: f"{t('source_' + v, lang)} ({fmt.number(counts['source'][v], lang)})")
    title = st.sidebar.text_input(t("title_contains", lang), key=_seed("f_title", lang), max_chars=100)
    basis = st.sidebar.radio(t("basis", lang), ("net", "gross"), key=_seed("f_basis", lang), horizontal=True,
                             format_func=lambda v: t(f"basis_{v}", lang))
    month = recency.current_month()
    aged_key = _seed("f_aged", lang)
    st.session_state.setdefault(aged_key, True)  # pages speak today's roubles unless switched off
    aged = st.sidebar.toggle(t("aged_switch", lang, month=fmt.month(pd.Timestamp(month + "-01"), lang)),
                             key=aged_key, help=t("aged_switch_help", lang))
    st.session_state[_STORE] = {"f_professions": professions, "f_regions": chosen, "f_levels": levels,
                                "f_experience": experience, "f_sources": sources, "f_title": title,
                                "f_basis": basis, "f_aged": aged}
    urlstate.publish({_PARAMS[k]: (("1" if v else "0") if k == "f_aged" else v)
                      for k, v in st.session_state[_STORE].items()}, {"f_basis": "net", "f_aged": "1"})
    return Filters(professions=tuple(professions), regions=regions, cities=city_names, levels=tuple(levels),
                   experience=tuple(experience), sources=tuple(sources), title=title or "", basis=basis or "net",
                   aged_to=month if aged else "")
