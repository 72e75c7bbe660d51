"""The session's language: chosen in the sidebar, kept in the URL (``lang=zh``), read by ``dashboard.i18n``.

The URL wins when it names a language (a bookmark, a colleague's link); a value the app does not know
falls back to English without an error and is dropped from the URL. A URL without ``lang`` (a link
between pages that forgot it) keeps the session's choice. English, the default, is left out of the
URL; every page link carries ``lang`` otherwise (``url_params``), like the filters.

``app.py`` calls ``prepare()`` before it builds the navigation, so the page titles of the menu and the
browser tab are in the chosen language; ``open_page`` calls it again (a page run on its own, as in
AppTest, has no ``app.py``) and draws the switch with ``switch()``.
"""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import DEFAULT_LANGUAGE, STRINGS, register_session_language, t

PARAM = "lang"
LANGUAGES = {"en": "English", "zh": "简体中文"}  # each named in itself, so anyone finds their own
_CHOSEN = "_language"  # session state: the session's language (not a widget key, so it survives any page)
_WIDGET = "language_switch"


def _session_language() -> str | None:
    """The resolver ``dashboard.i18n`` asks: the session's choice, or None outside a script run."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        if get_script_run_ctx(suppress_warning=True) is None:
            return None
        # Before prepare() ran in this session (a page script run on its own asks for its title first): the URL.
        return st.session_state.get(_CHOSEN) or known(st.query_params.get(PARAM))
    except Exception:  # no Streamlit runtime (CLI, meeting pack, plain tests): the default applies
        return None


register_session_language(_session_language)


def known(language: str | None) -> str:
    """``language`` when the app has text in it, else English (a wrong ``lang=`` is no error)."""
    return language if language in LANGUAGES and language in STRINGS else DEFAULT_LANGUAGE


def prepare() -> str:
    """Take the language from the URL into the session (or keep the session's); keep the URL in step."""
    raw = st.query_params.get(PARAM)
    language = known(raw) if raw is not None else known(st.session_state.get(_CHOSEN))
    st.session_state[_CHOSEN] = language
    _write_url(language)
    return language


def current() -> str:
    return known(st.session_state.get(_CHOSEN))


def url_params() -> dict[str, str]:
    """What a link to another page adds so that it opens in this session's language."""
    language = current()
    return {} if language == DEFAULT_LANGUAGE else {PARAM: language}


def _write_url(language: str) -> None:
    if language == DEFAULT_LANGUAGE:
        if PARAM in st.query_params:
            del st.query_params[PARAM]
    elif st.query_params.get(PARAM) != language:
        st.query_params[PARAM] = language


def _chosen() -> None:
    language = known(st.session_state.get(_WIDGET))
    st.session_state[_CHOSEN] = language
    _write_url(language)


def switch() -> None:
    """The language switch at the top of the sidebar (each language named in itself)."""
    st.session_state[_WIDGET] = current()
    st.sidebar.segmented_control(
        t("language.label"), list(LANGUAGES), key=_WIDGET, format_func=LANGUAGES.__getitem__, on_change=_chosen,
        selection_mode="single", required=True,
    )  # fmt: skip
