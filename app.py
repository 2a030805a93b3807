"""vilka: the frame. Page config, navigation, the shared sidebar and the language switch."""

from pathlib import Path

import streamlit as st

from analytics import queries
from analytics.i18n import t
from ui import nav, sidebar, state

HERE = Path(__file__).parent

st.set_page_config(page_title="Вилка · Vilka", page_icon="💼", layout="wide")
state.leave_legacy_pages_mode()
lang = sidebar.language()

wh = queries.warehouse_key()
if wh is None:
    st.error(t("no_warehouse", lang))
    st.stop()

st.session_state["wh"] = wh
st.session_state["filters"] = sidebar.filters(wh, lang)

pages = [st.Page(path, title=t(f"page_{stem}", lang), icon=icon, url_path=stem,
                 default=(i == 0))
         for i, (path, stem, icon) in enumerate(nav.available(HERE / "pages"))]
st.navigation(pages).run()
