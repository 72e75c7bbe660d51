"""The meeting pack's download in the sidebar: the agenda's views for this view, built when clicked.

The book and tables are the app's cached frames (``dashboard.data``), so the pack costs its own
figures, the risk model's training and the PDF print, not a second read of the database.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import streamlit as st

from dashboard import agenda, data
from dashboard.i18n import active_language, t
from dashboard.pack import PackData, file_stem, zip_pack

if TYPE_CHECKING:
    from dashboard.shell import Cockpit


def _pack_bytes(cockpit: Cockpit, lang: str, pages: tuple[str, ...]) -> bytes:
    context, as_of = cockpit.context, cockpit.view.as_of
    # The pack's league is the quarter to date: of a table read by period, the as-of date's year (the entry the
    # Collectors and Targets pages read); every other table whole.
    read = lambda name: data.table(context.table_key(name).for_period(as_of, as_of))  # noqa: E731
    pack = PackData(cockpit.settings, cockpit.book, read, cockpit.view, cockpit.options)
    return zip_pack(pack, lang=lang, pages=pages)


def pack_download(cockpit: Cockpit) -> None:
    """A download button whose ZIP (HTML, Excel, PDF) is built on click, in the session's language."""
    chosen = agenda.chosen(agenda.saved())
    lang = active_language()
    stem = file_stem(PackData(cockpit.settings, cockpit.book, lambda name: None, cockpit.view, cockpit.options), lang)  # type: ignore[arg-type, return-value]
    with st.sidebar.expander(t("pack.header"), icon=":material/folder_zip:"):
        st.caption(t("pack.caption", views=" → ".join(agenda.page_title(p) for p in chosen.pages)))
        st.download_button(t("pack.download"), partial(_pack_bytes, cockpit, lang, chosen.pages), f"{stem}.zip",
                           "application/zip", key="pack_download", on_click="ignore", icon=":material/download:",
                           help=t("pack.download_help"))  # fmt: skip
