"""Career ladder: what each rung pays, and what the next step up adds (per place, widened if sparse)."""

import streamlit as st

from analytics import dating, fmt, ladder, queries, queries_ladder
from analytics.i18n import t
from ui import charts, urlstate
from ui.state import context

ctx = context()
lang, f = ctx.lang, ctx.filters
st.title(t("page_career_ladder", lang))
st.caption(t("ladder_intro", lang))

ladders = ladder.ladders()
left, right = st.columns([1, 2])
regions = [r for r in queries.options(ctx.wh)["region"]["value"] if r not in ladder.PRESET_SCOPES]
choices = [*ladder.PRESET_SCOPES, *regions]
DEFAULT_SCOPES = ["RU-MOW", ladder.RUSSIA_EX_MOW]
urlstate.seed("ladder_id", urlstate.read_one("ladder", list(ladders)))
from_url = urlstate.read_list("scope", choices)
urlstate.seed("ladder_scopes", from_url[:4] if from_url else None)
lid = left.selectbox(t("ladder_pick", lang), list(ladders), key="ladder_id",
                     format_func=lambda v: ladders[v].name(lang))
scopes = right.multiselect(t("ladder_scopes", lang), choices, key="ladder_scopes",
                           default=None if "ladder_scopes" in st.session_state else DEFAULT_SCOPES,
                           max_selections=4, format_func=lambda s: ladder.scope_name(s, lang)) or [ladder.RUSSIA]
urlstate.publish({"ladder": lid, "scope": list(scopes)}, {"ladder": next(iter(ladders)), "scope": DEFAULT_SCOPES})
lad = ladders[lid]

cells = queries_ladder.ladder_cells(ctx.wh, f, lid, tuple(scopes))
if cells["n_asked"].sum() == 0 and cells["p50"].isna().all():
    st.info(t("no_data", lang))
    st.stop()

first, last = ladder.date_range(cells)
st.caption(t("ladder_dates", lang, start=fmt.day(first, lang), end=fmt.day(last, lang),
             aged=dating.aged(f.aged_to, lang))
           + " " + t("ladder_override_note", lang))
charts.show(ladder.ladder_figure(cells, lad, f.basis, lang))

st.subheader(t("ladder_steps_header", lang))
st.dataframe(ladder.steps_table(ladder.steps(cells), lad, lang), hide_index=True, width="stretch")
st.caption(t("ladder_steps_note", lang))
with st.expander(t("table", lang)):
    st.dataframe(ladder.cells_table(cells, lad, lang), hide_index=True, width="stretch")
with st.expander(t("ladder_rungs_def", lang)):
    st.dataframe(ladder.rungs_table(lad, lang), hide_index=True, width="stretch")
st.caption(t("hidden_note", lang) + " " + t("ladder_method", lang) + " " + t("sources_caption", lang))
