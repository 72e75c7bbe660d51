"""What every page starts with: the database check, the view context, the sidebar filters and header.

A page calls ``cockpit = open_page(t("aging.title"))`` and receives a ``Cockpit``: the view context
(who, as of when, which slice, the versions of the tables read), the book, and accessors for the
cached, filtered as-of state, month-end snapshots and other tables. Every accessor filters through
the one ``Selection`` (``data_access.book.filters``), so every page cuts the book the same way.
Problems (no database, no schema, no data, nothing matching) end the page here with a message that
says what is wrong and how to fix it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TypeVar

import polars as pl
import streamlit as st

from dashboard import agenda, data, language, palette, projector
from dashboard.components import link_to
from dashboard.filters import Options, View, describe, filter_params, note_ignored, open_notes, sidebar
from dashboard.i18n import localized, t
from dashboard.viewspec import options_of
from dashboard.navigation import PAGES
from data_access.book.context import BookKey, ViewContext
from data_access.book.filters import Selection
from data_access.book.portfolio import Portfolio
from data_access.db.rules import filters_applicable
from data_access.metrics.buckets import DUE_DATE, Buckets
from data_access.metrics.snapshots import HISTORY_MONTHS
from data_access.settings import Settings

T = TypeVar("T")


_CONTEXT = "_rdash_context"  # session state: this run's view context (the agenda editor and pack read it)
palette.register_session_palette(projector.session_palette)


def current_context() -> ViewContext | None:
    """The view context of this session's latest page run."""
    return st.session_state.get(_CONTEXT)


@dataclass(frozen=True)
class Cockpit:
    settings: Settings
    context: ViewContext
    book: Portfolio
    options: Options
    view: View
    description: str

    @property
    def currency(self) -> str:
        return self.book.currency

    @property
    def full_description(self) -> str:
        """The description with every value of every filter (for files, which must say what they hold)."""
        return describe(self.view, self.options, limit=None)

    @property
    def version(self) -> int:
        """How many audited writes the database has seen (shown in the freshness line)."""
        return self.context.writes

    def buckets(self, basis: str = DUE_DATE) -> Buckets:
        return Buckets.from_edges(self.settings.bucket_edges, basis)

    def _key(self) -> BookKey:
        return self.context.book_key()

    def selection(self, at: date | None = None) -> Selection:
        """The view's filters resolved at ``at`` (default: the as-of date)."""
        return data.selection(self._key(), at or self.view.as_of, self.settings.bucket_edges, self.view.filters)

    def apply(self, table: str, frame: pl.DataFrame) -> pl.DataFrame:
        """Rows of ``frame`` (rows of ``table``) in the view's slice: the one way pages filter."""
        return self.selection().apply(table, frame)

    def state(self, basis: str = DUE_DATE) -> pl.DataFrame:
        """Open invoices at the as-of date with dimensions, filtered."""
        state, _dims = data.state_with_dimensions(self._key(), self.view.as_of, basis, self.settings.bucket_edges)
        return self.apply("invoices", state)

    def open_state_or_stop(self, basis: str = DUE_DATE) -> pl.DataFrame:
        """The filtered state; when nothing is open, say so with the filters named and end the page."""
        state = self.state(basis)
        if state.filter(pl.col("outstanding_cents") > 0).is_empty():
            from dashboard.components import empty_state

            if self.view.filters.active:
                empty_state(t("shell.empty_selection", filters=self.description))
            else:  # no filter to widen: the date is the reason (a fully settled book opens on its last payment)
                self._nothing_open_on_this_date()
            freshness(self)
            st.stop()
        return state

    def _nothing_open_on_this_date(self) -> None:
        """Say that nothing is open at the as-of date, and offer the last day on which something was."""
        from dashboard.components import empty_state
        from data_access.metrics.appraisal import last_open_date

        last = last_open_date(self.book, data.settlements(data.nameless(self._key())))  # settlements: cached
        if last is None:
            empty_state(t("shell.never_open"))
            return
        empty_state(t("shell.nothing_open", as_of=self.view.as_of.isoformat(), last=last.isoformat()))
        if st.button(t("shell.show_last_open", last=last.isoformat()), icon=":material/event:", key="show_last_open"):
            st.query_params["as_of"] = last.isoformat()
            st.rerun()

    def dimensions(self) -> pl.DataFrame:
        return data.state_with_dimensions(self._key(), self.view.as_of, DUE_DATE, self.settings.bucket_edges)[1]

    def link_params(self, filters: dict[str, str]) -> dict[str, str]:
        """URL parameters for a link to another page: these filters, at this page's as-of date."""
        keep_date = self.view.as_of != self.options.newest
        return {**({"as_of": self.view.as_of.isoformat()} if keep_date else {}), **filters, **projector.params()}

    def state_at(self, as_of: date) -> pl.DataFrame:
        """The filtered state at another date (for comparisons), by due date, filters resolved then."""
        state, _dims = data.state_with_dimensions(self._key(), as_of, DUE_DATE, self.settings.bucket_edges)
        return self.selection(at=as_of).apply("invoices", state)

    def filtered_book(self) -> Portfolio:
        """The book restricted to the filtered invoices (all dates), for monthly figures."""
        return data.filtered_book(self._key(), self.view.as_of, self.settings.bucket_edges, self.view.filters)

    def table(self, name: str) -> pl.DataFrame:
        """Another table (promises, recoveries, legal cases, credit events, ...), filtered like the book."""
        return self.apply(name, data.table(self.context.table_key(name)))

    def unfiltered(self, name: str) -> pl.DataFrame:
        """A table in the reader's scope but not cut by the filters: for rows reached through a parent
        that is filtered (legal case stages through their cases), joined to it by the metric."""
        return data.table(self.context.table_key(name))

    def figure(self, name: str, compute: Callable[[], T], *depends: object) -> T:
        """A figure of this view, computed once per view and kept (``data.view_figure``): a warm load,
        another session with the same view or a return to an earlier filter draws it from memory.
        ``depends``: every table key, setting and parameter ``compute`` reads beyond the book, the
        as-of date, the bucket edges and the filters (which are always part of the key)."""
        return self.every_row(name, compute, self.view.filters, *depends)

    def every_row(self, name: str, compute: Callable[[], T], *depends: object) -> T:
        """Like ``figure``, for a result holding every row of the reader's scope at this view's date: computed
        once whatever the filters, which the page then applies (``apply``) to what it shows. For results
        whose rows are filtered alike before or after computing them (rows of debtors, say)."""
        key = (self._key(), self.view.as_of, self.settings.bucket_edges, *depends)
        return data.view_figure(name, key, compute)  # type: ignore[return-value]

    def chart(self, name: str, build: Callable[[], T], *depends: object) -> T:
        """A chart of this view, built once per view, language and palette and kept like ``figure``: Plotly
        builds a figure in Python at tens of milliseconds each, which every session opening the view paid
        again (twenty sessions on the Overview spent most of their time there). ``depends`` as for ``figure``;
        the chart is read, never changed, by ``st.plotly_chart``."""
        from dashboard.i18n import active_language

        return self.figure(f"chart:{name}", build, active_language(), palette.active().name, *depends)

    def in_database(self, basis: str = DUE_DATE) -> bool:
        """Whether this view's whole-book aggregates are computed as SQL (RDASH_AGGREGATE_IN=database): only
        the unfiltered book of a reader who sees every region, aged by due date."""
        return (self.settings.aggregate_in == "database" and basis == DUE_DATE and not self.view.filters.active
                and self.context.scope.regions is None)  # fmt: skip

    def snapshots(self, basis: str = DUE_DATE) -> tuple[list[date], pl.DataFrame]:
        """The last HISTORY_MONTHS month ends up to the as-of date and the snapshots at them, filtered."""
        ends, snaps = data.month_end_snapshots(self._key(), self.view.as_of, basis, self.settings.bucket_edges,
                                               HISTORY_MONTHS)  # fmt: skip
        return ends, self.apply("invoices", snaps)

    def history(self, basis: str = DUE_DATE) -> tuple[list[date], pl.DataFrame, pl.DataFrame]:
        """The last HISTORY_MONTHS month ends up to the as-of date, snapshots and roll flows, filtered."""
        ends, snaps, flows = data.month_end_history(self._key(), self.view.as_of, basis, self.settings.bucket_edges,
                                                    HISTORY_MONTHS)  # fmt: skip
        return ends, self.apply("invoices", snaps), self.apply("invoices", flows)


@st.cache_resource(max_entries=2, show_spinner=False)
def _options(key: BookKey, edges: tuple[int, ...], today: date) -> Options:
    """What the filters offer: every region, client, industry, collector and grade in the book."""
    book = data.portfolio(key)
    _state, dims = data.state_with_dimensions(key, book.latest_date, DUE_DATE, edges)
    return options_of(book, dims, today)


def open_page(title: str, rows: str = "invoices") -> Cockpit:
    """Check the database, build the view context, draw filters and the page header; stop on a problem."""
    return _open(title, rows, allow_empty=False)  # type: ignore[return-value] - never None without allow_empty


def open_page_allowing_empty(title: str, rows: str = "invoices") -> Cockpit | None:
    """``open_page`` for a page that fills the book (Data): on a database without invoices it draws the
    title and menu and returns None instead of stopping."""
    return _open(title, rows, allow_empty=True)


def _open(title: str, rows: str, allow_empty: bool) -> Cockpit | None:
    """Check the database, build the view context, draw filters and the page header; stop on a problem.

    ``rows``: the table whose rows the page lists (``collectors`` for the league table); filters
    that cannot select them are marked in the sidebar as not applied here.
    """
    _leave_legacy_page_mode()
    chosen = language.prepare()  # again: a page run on its own (AppTest) has no app.py
    language.switch()
    settings = data.settings()
    url = settings.database_url
    first_run = t("shell.seeding", invoices=f"{settings.demo_invoices:,}")
    with st.spinner(first_run if settings.is_default_sqlite else t("shell.loading")):
        problem = data.database_problem(url)
    if not problem:
        try:
            versions = data.versions(url)
        except Exception as exc:  # the database went away after the check; the driver's type varies
            problem = f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"
    if problem:
        st.title(title)
        st.error(f"**{t('shell.db_problem')}**\n\n{localized(problem)}\n\n{t('shell.db_fix')}", icon=":material/database:")
        st.stop()
    context = ViewContext(url=url, actor=data.current_actor(), scope=data.current_scope(), as_of=date.today(),
                          versions=versions, language=chosen)  # fmt: skip
    with st.spinner(t("shell.loading")):
        book = data.portfolio(context.book_key())
    if book.invoices.is_empty() and allow_empty:
        _page_links(st.sidebar.container(), {})
        st.title(title)
        return None
    if book.invoices.is_empty():
        st.title(title)
        st.info(t("shell.empty_book"), icon=":material/inbox:")
        st.stop()
    options = _options(context.book_key(), settings.bucket_edges, date.today())
    menu = st.sidebar.container()
    view = sidebar(options, rows, page=title)
    projector.sidebar_switch()
    carried = {**projector.params(), **({agenda.PARAM: st.query_params[agenda.PARAM]} if agenda.PARAM in st.query_params else {})}
    _page_links(menu, {**filter_params(), **carried})
    context = replace(context, as_of=view.as_of, filters=view.filters)
    st.session_state[_CONTEXT] = context
    cockpit = Cockpit(settings, context, book, options, view, describe(view, options))
    meeting_tools(cockpit, carried)
    projector.apply_theme()
    if projector.is_on():
        projector.style()
        with st.container(horizontal=True, vertical_alignment="center", key="projector_bar"):
            agenda.steps(projector.current_page(), carried)
            projector.buttons()
    st.title(title)
    if filters_applicable(rows):
        st.caption(cockpit.description)
    st.caption(data_as_of(cockpit))
    open_notes(st.container())  # notes on the link's values, also those the page's sections read later
    for ignored in view.ignored:
        note_ignored(ignored)
    return cockpit


def meeting_tools(cockpit: Cockpit, carried: dict[str, str]) -> None:
    """The sidebar's risk-meeting tools: the agenda editor and the meeting pack's download."""
    agenda.editor(carried)
    from dashboard.pack_button import pack_download

    pack_download(cockpit)


def _page_links(menu: st.delta_generator.DeltaGenerator, params: dict[str, str]) -> None:
    """The page menu, titled from the i18n table. Each link carries the view's filters and as-of date, so
    they follow the user to the next page (page parameters such as ``dim`` stay with their page)."""
    with menu:
        for spec in PAGES:
            link_to(spec.url_path, t(spec.title_key), params, icon=spec.icon)


def _leave_legacy_page_mode() -> None:
    """Make a page opened by Streamlit's ``pages/`` convention rerun through ``app.py``.

    Streamlit decides per process, on the first session, whether the app uses the ``pages/`` folder
    convention: a ``pages/`` folder next to the entry script switches it on until some script calls
    ``st.navigation``. Until someone opened ``/``, a deep link such as ``/aging`` ran ``pages/aging.py``
    directly, without ``app.py``: no wide layout (a 736-px column), no navigation of ours, and once
    ``/`` had run, another set of pages (``/overview`` "not found"). Here the switch is turned off, as
    ``st.navigation`` itself does, and the run restarts, now through ``app.py``. Moving the page scripts
    out of a folder named ``pages`` makes this a no-op; ``tests/test_browser.py`` opens a deep link on a
    fresh server either way.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the pages/ convention
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()


def data_as_of(cockpit: Cockpit) -> str:
    """Under every title: how fresh the data is (its newest fact, and the last import or sync if any)."""
    last = last_import(data.meta(cockpit.context.table_key("meta")))
    if last is None:
        return t("shell.data_as_of", newest=cockpit.options.newest)
    return t("shell.data_as_of_import", newest=cockpit.options.newest, at=last["at"], file=last["file"])


def last_import(meta: dict[str, str]) -> dict[str, str] | None:
    """The last import or sync (``meta.last_import``, written by data_access.importing), time in UTC."""
    import json

    try:
        last = json.loads(meta["last_import"])
        at = datetime.fromisoformat(last["at"]).strftime("%Y-%m-%d %H:%M UTC")
    except (KeyError, ValueError, TypeError):
        return None
    return {"at": at, "file": str(last.get("file", "")), "by": str(last.get("by", ""))}


def write_off_candidates(cockpit: Cockpit, state: pl.DataFrame, book: Portfolio) -> pl.DataFrame:
    """The view's write-off candidates (Overview and Bad debt pages), computed once per view.
    ``state`` and ``book`` are the view's due-date state and filtered book."""
    from data_access.metrics.bad_debt import write_off_candidates as candidates

    s = cockpit.settings
    return cockpit.figure(
        "write_off_candidates",
        lambda: candidates(state, book, cockpit.table("credit_events"), cockpit.view.as_of,
                           min_dpd=s.write_off_candidate_dpd, quiet_days=s.write_off_quiet_days),
        cockpit.context.table_key("credit_events"), s.write_off_candidate_dpd, s.write_off_quiet_days,
    )  # fmt: skip


def freshness(cockpit: Cockpit) -> None:
    """The data-freshness line at the foot of a page."""
    meta = data.meta(cockpit.context.table_key("meta"))
    st.caption(
        t(
            "shell.freshness", version=cockpit.version, source=meta.get("source", "—"),
            latest=cockpit.options.newest, checked=datetime.now().strftime("%Y-%m-%d %H:%M"),
        )  # fmt: skip
    )
