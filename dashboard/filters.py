"""The global filters in the sidebar, kept in the URL so a copied link reproduces the view.

Each filter has one URL parameter (``as_of``, ``region``, ``client``, ``industry``, ``collector``,
``grade``; lists comma-separated). On a session's first run, and when a link brings other filters, the
widgets start from the URL; after every run the URL is rewritten from the widgets, and the page menu
carries the same parameters, so the filters follow the user from page to page.

Page parameters (``dim``, ``bucket``, ``card``, ...) are read with ``page_param`` and written with
``set_page_param``; a keyed widget whose value lives in the URL is prepared with ``url_widget`` and
written back with ``url_write``.

A value in a link that the data or the page does not know is dropped and named in a warning above the
page, never silently: verbatim (a Markdown code span, so ``--`` stays two hyphens) and cut when long.
The warning describes the link as it arrived, so it goes once the URL no longer carries the value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import streamlit as st

from data_access.book.filters import Filters
from data_access.db.rules import filters_applicable
from dashboard.i18n import t
from dashboard.viewspec import (_FIELDS, LISTED_VALUES, SHOWN_CHARACTERS, Options, View, describe,  # noqa: F401 - re-exported
                                parse_url, shown_value, summary, to_url)

_KEY = "flt_"  # session-state prefix of the filter widgets
_NOTES = "_link_notes"  # session state: this run's box for notes on a link's values, and what it already says

V = TypeVar("V")


def sidebar(options: Options, rows: str = "invoices", page: str = "") -> View:
    """Draw the filter widgets, seeded from the URL on first run; keep the URL in step.

    ``rows`` is the table the page lists; a filter that cannot select its rows (by the table's rule
    in data_access.db.rules) keeps its value, for the other pages, and says next to it that it is
    not applied here. ``page`` names the page: each page's sidebar is a new set of widgets to Streamlit.
    """
    applicable = filters_applicable(rows)
    from_url = parse_url(dict(st.query_params), options)
    url_filters = {k: v for k, v in st.query_params.to_dict().items() if k in _url_params()}
    # First run, another page (its sidebar's widgets are new ones; the menu link brought the filters), or a
    # link that carries its own filters (e.g. from the Overview): the URL wins.
    followed_link = url_filters != st.session_state.get(f"{_KEY}synced")
    other_page = st.session_state.get(f"{_KEY}page") != page
    st.session_state[f"{_KEY}page"] = page
    if f"{_KEY}as_of" not in st.session_state or followed_link or other_page:
        st.session_state[f"{_KEY}as_of"] = from_url.as_of
        for name, *_ in _FIELDS:
            st.session_state[f"{_KEY}{name}"] = list(getattr(from_url.filters, name))
    with st.sidebar:
        st.subheader(t("filters.header"))
        st.date_input(
            t("filters.as_of"), key=f"{_KEY}as_of", min_value=options.first_date, max_value=options.last_date,
            help=t("filters.as_of_help"),
        )  # fmt: skip
        typed_dates_commit_on_enter()
        if not applicable:  # nothing here is selected by the filters: say it once, keep them for other pages
            st.caption(t(f"filters.not_applied.{rows}"))
        for name, param, label_key, attribute, _parse in _FIELDS:
            labels = getattr(options, attribute)
            # No "Select N matches" row: it comes first, so Enter after typing "East China" would select every
            # region whose name contains it. Without it Enter selects the best match; an empty filter is "all".
            st.multiselect(t(label_key), list(labels), key=f"{_KEY}{name}", format_func=labels.__getitem__,
                           select_all=False, placeholder=t("filters.placeholder"))  # fmt: skip
            if applicable and param not in applicable:
                st.caption(t(f"filters.not_applied.{rows}"))
        st.caption(t("filters.scope_note"))
        st.button(t("filters.reset"), on_click=_reset, args=(options,))
    view = View(
        as_of=st.session_state[f"{_KEY}as_of"] or options.default_date,
        filters=Filters(**{name: tuple(st.session_state[f"{_KEY}{name}"]) for name, *_ in _FIELDS}),
        # What this run's URL carried and the data does not know; the rewrite below drops it from the URL,
        # so the warning goes with the next change.
        ignored=from_url.ignored,
    )
    _sync_url(to_url(view, options))
    return view


# Streamlit's date field sends a typed date only when focus leaves the whole widget or its calendar closes:
# Enter does nothing, and Tab from the last part moves to the widget's own calendar button. This listener
# (installed once per browser tab) makes Enter, and Tab out of the last part, close the calendar, which
# commits the typed date, or, with the calendar closed, leave the field for a moment, which commits it too.
_TYPED_DATES_JS = """
export default function () {
  if (window.__rdashTypedDates) return;
  window.__rdashTypedDates = true;
  document.addEventListener("keydown", (event) => {
    const part = event.target;
    if (!event.isTrusted || !(part instanceof HTMLElement) || part.getAttribute("role") !== "spinbutton") return;
    const field = part.closest('[data-testid="stDateInputField"]');
    if (!field) return;
    const parts = field.querySelectorAll('[role="spinbutton"]');
    const leaving = event.key === "Tab" && !event.shiftKey && part === parts[parts.length - 1];
    if (event.key !== "Enter" && !leaving) return;
    if (event.key === "Enter") event.preventDefault();
    if (document.querySelector('[data-testid="stDateInputCalendar"]')) {
      const escape = {key: "Escape", code: "Escape", bubbles: true, cancelable: true};
      part.dispatchEvent(new KeyboardEvent("keydown", escape));
    } else {
      part.blur();
      if (event.key === "Enter") part.focus();
    }
  }, true);
}
"""


_typed_dates = st.components.v2.component("rdash_typed_dates", js=_TYPED_DATES_JS)


def typed_dates_commit_on_enter() -> None:
    """Mount the listener that applies a typed date on Enter or Tab (see _TYPED_DATES_JS)."""
    _typed_dates(key="rdash_typed_dates")


def _reset(options: Options) -> None:
    st.session_state[f"{_KEY}as_of"] = options.default_date
    for name, *_ in _FIELDS:
        st.session_state[f"{_KEY}{name}"] = []


def _url_params() -> set[str]:
    return {"as_of", *(param for _, param, *_ in _FIELDS)}


def _sync_url(filter_params: dict[str, str]) -> None:
    """Rewrite the filter parameters of the URL, leaving page parameters (e.g. ``dim``) alone."""
    st.session_state[f"{_KEY}synced"] = filter_params
    ours = _url_params()
    current = {k: v for k, v in st.query_params.to_dict().items() if k in ours}
    if current != filter_params:
        for key in ours - set(filter_params):
            if key in st.query_params:
                del st.query_params[key]
        st.query_params.update(filter_params)


def filter_params() -> dict[str, str]:
    """The filter parameters of this run's view (for links to other pages: the filters follow the user)."""
    return dict(st.session_state.get(f"{_KEY}synced", {}))


# --- notes on a link's values ------------------------------------------------------------------------------


def open_notes(box: Any) -> None:  # noqa: ANN401 - a Streamlit container
    """Where this run's notes on ignored link values go (the shell puts a box under the page title)."""
    st.session_state[_NOTES] = (box, set())


def note_ignored(message: str) -> None:
    """Say, above the page, that a value from the link was ignored (once per run)."""
    box, said = st.session_state.get(_NOTES, (None, set()))
    if message in said:
        return
    said.add(message)
    (box or st).warning(message, icon=":material/link_off:")


# --- page parameters ---------------------------------------------------------------------------------------


def page_param(name: str, allowed: Iterable[str], default: str, label: str | None = None) -> str:
    """A page-level URL parameter (e.g. ``dim=region``), validated against ``allowed``.

    A value the page does not offer is named above the page (``label`` says what the parameter sets;
    the parameter's name when not given) and the default is used.
    """
    value = st.query_params.get(name)
    if value is None or value == default:
        return default
    if value in set(allowed):
        return value
    note_ignored(t("filters.unknown", field=label or name, value=shown_value(value)))
    return default


def page_params(name: str, allowed: Iterable[str], label: str | None = None) -> list[str]:
    """A comma-separated page parameter (e.g. ``level=junior,senior``); unknown parts are named."""
    allowed = list(allowed)
    values = []
    for part in (st.query_params.get(name) or "").split(","):
        if not part.strip():
            continue
        if part.strip() in allowed:
            values.append(part.strip())
        else:
            note_ignored(t("filters.unknown", field=label or name, value=shown_value(part.strip())))
    return values


def set_page_param(name: str, value: str, default: str) -> None:
    if value == default:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


def url_widget(key: str, param: str, *, default: V, parse: Callable[[str], V], label: str) -> None:
    """Prepare the keyed widget ``key`` whose value lives in URL parameter ``param``.

    On a session's first run, and whenever the URL changed from outside since the page last wrote it
    (a followed link, the browser's back button), the URL's value goes into the widget; otherwise the
    widget keeps what the user set. ``parse`` turns the URL's text into a value or raises ValueError;
    an unparsable value is named above the page and the default used. Draw the widget without a
    default after this, then call ``url_write``.
    """
    raw = st.query_params.get(param)
    if key in st.session_state and raw == st.session_state.get(f"_url_{key}"):
        return
    value = default
    if raw is not None:
        try:
            value = parse(raw)
        except (ValueError, TypeError):
            note_ignored(t("filters.unknown", field=label, value=shown_value(raw)))
    st.session_state[key] = value


def url_write(key: str, param: str, value: V, *, default: V, format: Callable[[V], str] = str) -> None:  # noqa: A002
    """Write a widget's value to its URL parameter (left out at the default); see ``url_widget``."""
    text = None if value == default else format(value)
    set_page_param(param, text or "", "")
    st.session_state[f"_url_{key}"] = text


def one_of(allowed: Iterable[V], parse: Callable[[str], V] = str) -> Callable[[str], V]:  # type: ignore[assignment]
    """A parser for ``url_widget`` accepting only ``allowed`` values."""
    allowed = list(allowed)

    def parse_one(raw: str) -> V:
        value = parse(raw)
        if value not in allowed:
            raise ValueError(raw)
        return value

    return parse_one


def mapped(values: dict[str, V]) -> Callable[[str], V]:
    """A parser for ``url_widget`` taking the URL's words to the widget's values (e.g. ``invoice`` -> True)."""

    def parse_word(raw: str) -> V:
        if raw not in values:
            raise ValueError(raw)
        return values[raw]

    return parse_word


def number_between(low: float, high: float) -> Callable[[str], float]:
    """A parser for ``url_widget`` accepting a finite number from ``low`` to ``high``."""

    def parse_number(raw: str) -> float:
        value = float(raw)
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError(raw)
        return value

    return parse_number
