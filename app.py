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

with state.friendly_errors(lang):  # a warehouse being written or broken: a message, not a traceback
    wh = queries.warehouse_key()
    if wh is None:
        st.error(t("no_warehouse", lang))
        st.stop()

    st.session_state["wh"] = wh
    st.session_state["filters"] = sidebar.filters(wh, lang)

    pages = [st.Page(path, title=t(f"page_{stem}", lang), icon=icon, url_path=stem)
             for path, stem, icon in nav.available(HERE / "pages")]

    def _root() -> None:
        """``/`` goes to the first page with the link's parameters: every page, the first included, has
        its own path, so ``/pay_ranges`` opened directly is the page, not Streamlit's "Page not found"
        (the default page of st.navigation answers only at ``/``)."""
        st.switch_page(pages[0], query_params={k: st.query_params.get_all(k) for k in st.query_params})

    st.navigation([st.Page(_root, title=pages[0].title, url_path="", default=True, visibility="hidden"),
                   *pages]).run()
