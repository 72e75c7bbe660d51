"""rdash entry point: page config and navigation. Run with `make run` (or `rdash run`).

Navigation uses ``st.navigation`` rather than the automatic ``pages/`` convention: page titles
come from the i18n table (so they can be translated), the order is ours (``dashboard/navigation``),
and later a signed-in user's role can decide which pages are listed.

Every page has its own URL (``/overview``, ``/aging``, ...). The root URL is a page of its own that
opens the first page with the link's parameters: were the Overview the default page, Streamlit would
serve it only at ``/`` and answer ``/overview`` with "Page not found".
"""

import pandas  # noqa: F401 - imported here, once: Plotly imports it lazily, and two first visits importing it at the same moment raced ("partially initialized module 'pandas'")
import streamlit as st

from dashboard import data, language
from dashboard.i18n import t
from dashboard.navigation import PAGES
from dashboard.shell import current_context


def _start() -> None:
    """``/``: the first page of the menu, keeping the link's filters."""
    st.switch_page(PAGES[0].script, query_params=st.query_params.to_dict())


language.prepare()  # before any title: the menu and the browser tab speak the session's language
st.set_page_config(page_title=t("app.title"), page_icon=":material/account_balance:", layout="wide")
pages = [st.Page(_start, title=t(PAGES[0].title_key), url_path="start", default=True),
         *(st.Page(p.script, title=t(p.title_key), icon=p.icon, url_path=p.url_path) for p in PAGES)]  # fmt: skip
st.navigation(pages, position="hidden").run()  # links are drawn by dashboard.shell

# The page is drawn: while people read it, get the slowest view of the risk meeting ready (not before the
# page, which would wait for it; a page that ended early with st.stop, a rerun or a switch never gets here).
if (context := current_context()) is not None:
    data.prepare_early_warning(context)
