"""rdash entry point: page config and navigation. Run with `make run` (or `rdash run`).

Navigation uses ``st.navigation`` rather than the automatic ``pages/`` convention: page titles
come from the i18n table (so they can be translated), the order is ours (``dashboard/navigation``),
and later a signed-in user's role can decide which pages are listed.
"""

import streamlit as st

from dashboard.i18n import t
from dashboard.navigation import PAGES

st.set_page_config(page_title=t("app.title"), page_icon=":material/account_balance:", layout="wide")
pages = [st.Page(p.script, title=t(p.title_key), icon=p.icon, url_path=p.url_path, default=i == 0)
         for i, p in enumerate(PAGES)]  # fmt: skip
st.navigation(pages, position="hidden").run()  # links are drawn by dashboard.shell
