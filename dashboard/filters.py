"""The global filters in the sidebar, kept in the URL so a copied link reproduces the view.

Each filter has one URL parameter (``as_of``, ``region``, ``client``, ``industry``, ``collector``,
``grade``; lists comma-separated). On a session's first run the widgets start from the URL; after
every run the URL is rewritten from the widgets. Values in a link that the data does not know are
dropped and named in a warning, never silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import streamlit as st

from data_access.book.filters import Filters
from data_access.db.rules import filters_applicable
from dashboard.i18n import t

_KEY = "flt_"  # session-state prefix of the filter widgets


@dataclass(frozen=True)
class Options:
    """What each filter can be set to, as {value: label} in display order."""

    regions: dict[int, str]
    clients: dict[int, str]
    industries: dict[str, str]
    collectors: dict[int, str]
    grades: dict[str, str]
    first_date: date
    last_date: date  # the latest date the picker offers: today, or the newest fact if that is later
    newest: date | None = None  # the newest fact in the data: the default as-of date

    @property
    def default_date(self) -> date:
        return self.newest or self.last_date


@dataclass(frozen=True)
class View:
    as_of: date
    filters: Filters
    ignored: tuple[str, ...] = field(default=())


# filter field, URL parameter, label key, Options attribute, value parser
_FIELDS = (
    ("region_ids", "region", "filters.region", "regions", int),
    ("client_ids", "client", "filters.client", "clients", int),
    ("industries", "industry", "filters.industry", "industries", str),
    ("collector_ids", "collector", "filters.collector", "collectors", int),
    ("grades", "grade", "filters.grade", "grades", str),
)


def parse_url(params: dict[str, str], options: Options) -> View:
    """A View from URL parameters; unknown or malformed values are dropped and reported."""
    ignored: list[str] = []
    as_of = options.default_date
    if raw := params.get("as_of"):
        try:
            wanted = date.fromisoformat(raw)
            if not options.first_date <= wanted <= options.last_date:
                raise ValueError
            as_of = wanted
        except ValueError:
            ignored.append(t("filters.bad_date", value=raw, first=options.first_date, last=options.last_date))
    chosen: dict[str, tuple] = {}
    for name, param, label_key, attribute, parse in _FIELDS:
        allowed = getattr(options, attribute)
        values = []
        for part in (params.get(param) or "").split(","):
            if not part.strip():
                continue
            try:
                value = parse(part.strip())
            except ValueError:
                value = None
            if value in allowed:
                values.append(value)
            else:
                ignored.append(t("filters.unknown", field=t(label_key), value=part.strip()))
        chosen[name] = tuple(values)
    return View(as_of=as_of, filters=Filters(**chosen), ignored=tuple(ignored))


def to_url(view: View, options: Options) -> dict[str, str]:
    """URL parameters for a View; defaults (newest date, no filter) are left out."""
    params: dict[str, str] = {}
    if view.as_of != options.default_date:
        params["as_of"] = view.as_of.isoformat()
    for name, param, *_ in _FIELDS:
        values = getattr(view.filters, name)
        if values:
            params[param] = ",".join(str(v) for v in values)
    return params


def describe(view: View, options: Options) -> str:
    """One line for people: ``Region East China · Rating grade B, CCC · as of 2026-10-31``."""
    parts = []
    for name, _param, label_key, attribute, _parse in _FIELDS:
        values = getattr(view.filters, name)
        if values:
            labels = getattr(options, attribute)
            parts.append(f"{t(label_key)} {', '.join(labels[v] for v in values)}")
    parts = parts or [t("filters.all")]
    return " · ".join([*parts, t("filters.as_of_part", date=view.as_of.isoformat())])


def sidebar(options: Options, rows: str = "invoices") -> View:
    """Draw the filter widgets, seeded from the URL on first run; keep the URL in step.

    ``rows`` is the table the page lists; a filter that cannot select its rows (by the table's rule
    in data_access.db.rules) keeps its value, for the other pages, and says next to it that it is
    not applied here.
    """
    applicable = filters_applicable(rows)
    from_url = parse_url(dict(st.query_params), options)
    url_filters = {k: v for k, v in st.query_params.to_dict().items() if k in _url_params()}
    # First run, or a link that carries its own filters (e.g. from the Overview): the URL wins.
    followed_link = bool(url_filters) and url_filters != st.session_state.get(f"{_KEY}synced")
    if f"{_KEY}as_of" not in st.session_state or followed_link:
        st.session_state[f"{_KEY}as_of"] = from_url.as_of
        for name, *_ in _FIELDS:
            st.session_state[f"{_KEY}{name}"] = list(getattr(from_url.filters, name))
        st.session_state[f"{_KEY}ignored"] = from_url.ignored
    with st.sidebar:
        st.subheader(t("filters.header"))
        st.date_input(
            t("filters.as_of"), key=f"{_KEY}as_of", min_value=options.first_date, max_value=options.last_date,
            help=t("filters.as_of_help"),
        )  # fmt: skip
        if not applicable:  # nothing here is selected by the filters: say it once, keep them for other pages
            st.caption(t(f"filters.not_applied.{rows}"))
        for name, param, label_key, attribute, _parse in _FIELDS:
            labels = getattr(options, attribute)
            st.multiselect(t(label_key), list(labels), key=f"{_KEY}{name}", format_func=labels.__getitem__)
            if applicable and param not in applicable:
                st.caption(t(f"filters.not_applied.{rows}"))
        st.caption(t("filters.scope_note"))
        st.button(t("filters.reset"), on_click=_reset, args=(options,))
    view = View(
        as_of=st.session_state[f"{_KEY}as_of"] or options.default_date,
        filters=Filters(**{name: tuple(st.session_state[f"{_KEY}{name}"]) for name, *_ in _FIELDS}),
        ignored=st.session_state.get(f"{_KEY}ignored", ()),
    )
    _sync_url(to_url(view, options))
    return view


def _reset(options: Options) -> None:
    st.session_state[f"{_KEY}as_of"] = options.default_date
    for name, *_ in _FIELDS:
        st.session_state[f"{_KEY}{name}"] = []
    st.session_state[f"{_KEY}ignored"] = ()


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


def page_param(name: str, allowed: tuple[str, ...], default: str) -> str:
    """A page-level URL parameter (e.g. ``dim=region``), validated against ``allowed``."""
    value = st.query_params.get(name, default)
    return value if value in allowed else default


def set_page_param(name: str, value: str, default: str) -> None:
    if value == default:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value
