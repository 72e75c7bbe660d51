"""What every page starts with: the database check, the loaded book, the sidebar filters and header.

A page calls ``cockpit = open_page(t("aging.title"))`` and receives a ``Cockpit``: the book, the
view (as-of date and filters), and accessors for the cached, filtered as-of state and month-end
snapshots. Problems (no database, no schema, no data, nothing matching) end the page here with a
message that says what is wrong and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import polars as pl
import streamlit as st

from dashboard import data
from dashboard.components import link_to
from dashboard.filters import Options, View, describe, sidebar
from dashboard.i18n import t
from dashboard.navigation import PAGES
from data_access.metrics.buckets import DUE_DATE, Buckets
from data_access.book.portfolio import Portfolio
from data_access.settings import Settings
from data_access.metrics.snapshots import HISTORY_MONTHS


@dataclass(frozen=True)
class Cockpit:
    settings: Settings
    version: int
    book: Portfolio
    options: Options
    view: View
    description: str
    regions: tuple[int, ...] | None  # the reader's scope, as a cache key

    @property
    def currency(self) -> str:
        return self.book.currency

    def buckets(self, basis: str = DUE_DATE) -> Buckets:
        return Buckets.from_edges(self.settings.bucket_edges, basis)

    def _key(self, basis: str) -> tuple:
        s = self.settings
        return (s.database_url, self.version, self.regions, self.view.as_of, basis, s.bucket_edges)

    def state(self, basis: str = DUE_DATE) -> pl.DataFrame:
        """Open invoices at the as-of date with dimensions, filtered."""
        state, _dims = data.state_with_dimensions(*self._key(basis))
        return self.view.filters.apply(state)

    def open_state_or_stop(self, basis: str = DUE_DATE) -> pl.DataFrame:
        """The filtered state; when nothing is open, say so with the filters named and end the page."""
        state = self.state(basis)
        if state.filter(pl.col("outstanding_cents") > 0).is_empty():
            from dashboard.components import empty_state

            empty_state(t("shell.empty_selection", filters=self.description))
            freshness(self)
            st.stop()
        return state

    def dimensions(self) -> pl.DataFrame:
        return data.state_with_dimensions(*self._key(DUE_DATE))[1]

    def link_params(self, filters: dict[str, str]) -> dict[str, str]:
        """URL parameters for a link to another page: these filters, at this page's as-of date."""
        keep_date = self.view.as_of != self.options.last_date
        return {**({"as_of": self.view.as_of.isoformat()} if keep_date else {}), **filters}

    def state_at(self, as_of: date) -> pl.DataFrame:
        """The filtered state at another date (for comparisons), by due date."""
        s = self.settings
        state, _dims = data.state_with_dimensions(s.database_url, self.version, self.regions, as_of, DUE_DATE,
                                                  s.bucket_edges)  # fmt: skip
        return self.view.filters.apply(state)

    def filtered_book(self) -> Portfolio:
        """The book restricted to the filtered invoices (all dates), for monthly figures."""
        s = self.settings
        return data.filtered_book(s.database_url, self.version, self.regions, self.view.as_of, s.bucket_edges,
                                  self.view.filters.key())  # fmt: skip

    def table(self, name: str) -> pl.DataFrame:
        """Another table (promises, recoveries, legal cases, credit events), filtered like the book."""
        frame = data.table(self.settings.database_url, self.version, self.regions, name)
        if not self.view.filters.active:
            return frame
        invoices = self.filtered_book().invoices
        if "invoice_id" in frame.columns:
            return frame.join(invoices.select("invoice_id"), on="invoice_id", how="semi")
        return frame.join(invoices.select("debtor_id").unique(), on="debtor_id", how="semi")

    def history(self, basis: str = DUE_DATE) -> tuple[list[date], pl.DataFrame, pl.DataFrame]:
        """The last HISTORY_MONTHS month ends up to the as-of date, snapshots and roll flows, filtered."""
        ends, snaps, flows = data.month_end_history(*self._key(basis), HISTORY_MONTHS)
        dims = self.dimensions()
        return ends, self.view.filters.restrict(snaps, dims), self.view.filters.restrict(flows, dims)

@st.cache_resource(max_entries=2, show_spinner=False)
def _options(url: str, version: int, regions: tuple[int, ...] | None, edges: tuple[int, ...]) -> Options:
    """What the filters offer: every region, client, industry, collector and grade in the book."""
    book = data.portfolio(url, version, regions)
    _state, dims = data.state_with_dimensions(url, version, regions, book.latest_date, DUE_DATE, edges)

    def pairs(frame: pl.DataFrame, key: str, name: str) -> dict:
        return dict(frame.select(key, name).unique().sort(name).iter_rows())

    grades = [g for g in ("AAA", "AA", "A", "BBB", "BB", "B", "CCC") if g in set(dims["grade"].drop_nulls())]
    grades += sorted(set(dims["grade"].drop_nulls()) - set(grades))
    industries = sorted(book.debtors["industry"].unique())
    return Options(
        regions=pairs(book.regions, "region_id", "name"),
        clients=pairs(book.clients, "client_id", "name"),
        industries={i: i for i in industries},
        collectors=pairs(book.collectors, "collector_id", "name"),
        grades={g: g for g in grades},
        first_date=book.first_date,  # type: ignore[arg-type]
        last_date=book.latest_date,  # type: ignore[arg-type]
    )


def open_page(title: str) -> Cockpit:
    """Check the database, load the book, draw filters and the page header; stop on a problem."""
    settings = data.settings()
    url = settings.database_url
    first_run = t("shell.seeding", invoices=f"{settings.demo_invoices:,}")
    with st.spinner(first_run if settings.is_default_sqlite else t("shell.loading")):
        problem = data.database_problem(url)
    if not problem:
        try:
            version = data.data_version(url)
        except Exception as exc:  # the database went away after the check; the driver's type varies
            problem = f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"
    if problem:
        st.title(title)
        st.error(f"**{t('shell.db_problem')}**\n\n{problem}\n\n{t('shell.db_fix')}", icon=":material/database:")
        st.stop()
    scope = data.current_scope()
    regions = None if scope.regions is None else tuple(sorted(scope.regions))
    with st.spinner(t("shell.loading")):
        book = data.portfolio(url, version, regions)
    if book.invoices.is_empty():
        st.title(title)
        st.info(t("shell.empty_book"), icon=":material/inbox:")
        st.stop()
    options = _options(url, version, regions, settings.bucket_edges)
    _page_links()
    view = sidebar(options)
    cockpit = Cockpit(settings, version, book, options, view, describe(view, options), regions)
    st.title(title)
    st.caption(cockpit.description)
    for note in view.ignored:
        st.warning(note, icon=":material/link_off:")
    return cockpit


def _page_links() -> None:
    """The page menu, titled from the i18n table."""
    with st.sidebar:
        for spec in PAGES:
            link_to(spec.url_path, t(spec.title_key), icon=spec.icon)


def freshness(cockpit: Cockpit) -> None:
    """The data-freshness line at the foot of a page."""
    meta = data.meta(cockpit.settings.database_url, cockpit.version)
    st.caption(
        t(
            "shell.freshness", version=cockpit.version, source=meta.get("source", "—"),
            latest=cockpit.options.last_date, checked=datetime.now().strftime("%Y-%m-%d %H:%M"),
        )  # fmt: skip
    )
