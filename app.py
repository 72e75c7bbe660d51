"""rdash entry point: page config and navigation. Run with `make run` (or `rdash run`).

Navigation uses ``st.navigation`` rather than the automatic ``pages/`` convention: page titles
come from the i18n table (so they can be translated), the order is ours, and later a signed-in
user's role can decide which pages are listed.
"""

import streamlit as st

from dashboard.i18n import t

st.set_page_config(page_title=t("app.title"), page_icon=":material/account_balance:", layout="wide")

PAGES = [
    st.Page("pages/aging.py", title=t("nav.aging"), icon=":material/hourglass_bottom:", url_path="aging", default=True),
]
st.navigation(PAGES).run()
