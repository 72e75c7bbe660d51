"""Streamlit-side caching around data_access: load once, reload when the data version moves.

Frames are cached with ``st.cache_resource`` (shared, not copied: a warm rerun costs nothing) and
keyed by the database's data version, which every audited write bumps. The version itself is
re-read every ``RDASH_DATA_CHECK_SECONDS``, so changes made by other systems show up too.
"""

from __future__ import annotations

import time
from datetime import date

import polars as pl
import streamlit as st

from data_access.metrics import asof, snapshots
from data_access.metrics.buckets import Buckets
from data_access.book.portfolio import Portfolio, load_portfolio
from data_access.demo.seeding import ensure_database
from data_access.settings import Settings, load_settings
from data_access.db.store import Scope, Store


def _secret_overrides() -> dict[str, str]:
    try:
        return {k: str(v) for k, v in st.secrets.items() if k.upper().startswith("RDASH_")}
    except Exception:  # no secrets file is the common case; Streamlit's error type varies by version
        return {}


@st.cache_resource
def settings() -> Settings:
    return load_settings(_secret_overrides())


def current_scope() -> Scope:
    """The reader's scope. Until sign-in exists every user sees every region, said here once."""
    return Scope.everything()


@st.cache_data(show_spinner=False, ttl=30)
def database_problem(url: str) -> str | None:
    """Create and seed the embedded default on first run; check any other database.

    Re-checked every 30 s, so a database that was migrated or came back is picked up without a restart.
    """
    s = settings()
    if s.is_default_sqlite:
        return ensure_database(url, invoices=s.demo_invoices, seed=s.demo_seed, currency=s.currency,
                               seed_if_empty=True)  # fmt: skip
    return ensure_database(url, invoices=0, seed=0, currency=s.currency, seed_if_empty=False)


@st.cache_resource
def store(url: str) -> Store:
    return Store(url)


def data_version(url: str) -> int:
    """The database's data version, asked at most once per RDASH_DATA_CHECK_SECONDS window."""
    window = int(time.time() // max(settings().data_check_seconds, 1))
    return _version_probe(url, window)


@st.cache_data(show_spinner=False, max_entries=4)
def _version_probe(url: str, window: int) -> int:
    return store(url).data_version()


@st.cache_data(show_spinner=False, max_entries=2)
def meta(url: str, version: int) -> dict[str, str]:
    return store(url).meta()


@st.cache_resource(max_entries=2, show_spinner=False)
def portfolio(url: str, version: int, regions: tuple[int, ...] | None) -> Portfolio:
    scope = Scope(regions=None if regions is None else frozenset(regions))
    return load_portfolio(store(url), scope)


@st.cache_resource(max_entries=8, show_spinner=False)
def state_with_dimensions(
    url: str, version: int, regions: tuple[int, ...] | None, as_of: date, basis: str, edges: tuple[int, ...]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The as-of state joined with debtor dimensions, and the dimensions: computed once per key."""
    book = portfolio(url, version, regions)
    dims = asof.debtor_dimensions(book, as_of)
    state = asof.invoice_state(book, as_of, Buckets.from_edges(edges, basis), basis)
    return asof.with_dimensions(state, book, dims), dims


@st.cache_resource(max_entries=4, show_spinner=False)
def month_end_history(
    url: str, version: int, regions: tuple[int, ...] | None, as_of: date, basis: str, edges: tuple[int, ...],
    months: int,
) -> tuple[list[date], pl.DataFrame, pl.DataFrame]:  # fmt: skip
    """Month ends, the snapshots at them and the roll flows between them, unfiltered."""
    book = portfolio(url, version, regions)
    ends = snapshots.month_ends(as_of, months)
    snaps = snapshots.snapshots(book, ends, Buckets.from_edges(edges, basis), basis)
    flows = snapshots.roll_flows(book, snaps, ends) if not snaps.is_empty() else snaps.clear()
    return ends, snaps, flows


@st.cache_resource(max_entries=8, show_spinner=False)
def table(url: str, version: int, regions: tuple[int, ...] | None, name: str) -> pl.DataFrame:
    """A table outside the core book (promises, recoveries, legal cases, credit events), read once."""
    scope = Scope(regions=None if regions is None else frozenset(regions))
    return store(url).read(name, scope)


@st.cache_resource(max_entries=4, show_spinner=False)
def filtered_book(url: str, version: int, regions: tuple[int, ...] | None, as_of: date, edges: tuple[int, ...],
                  filters_key: tuple) -> Portfolio:  # fmt: skip
    """The book restricted to the filtered invoices, for monthly figures (filters resolved at as_of)."""
    from data_access.book.filters import Filters

    book = portfolio(url, version, regions)
    _state, dims = state_with_dimensions(url, version, regions, as_of, "due", edges)
    return Filters(**dict(filters_key)).restrict_book(book, dims)


APPRAISAL_TABLES = ("collection_actions", "promises", "satisfaction_surveys", "escalations", "compliance_incidents",
                    "appeals", "targets")  # fmt: skip


@st.cache_resource(max_entries=2, show_spinner=False)
def settlements(url: str, version: int, regions: tuple[int, ...] | None) -> pl.DataFrame:
    from data_access.metrics.appraisal import settlements as settled

    return settled(portfolio(url, version, regions))


def appraisal_tables(url: str, version: int, regions: tuple[int, ...] | None) -> dict[str, pl.DataFrame]:
    return {name: table(url, version, regions, name) for name in APPRAISAL_TABLES}


@st.cache_resource(max_entries=32, show_spinner=False)
def league(url: str, version: int, regions: tuple[int, ...] | None, start: date, end: date, as_of: date) -> pl.DataFrame:
    """The league table of one period, every collector: computed once per period and data version."""
    from data_access.metrics import appraisal
    from data_access.metrics.recovery import Period

    s = settings()
    tables = appraisal_tables(url, version, regions)
    period = Period(start, end)
    tiers, by_collector = appraisal.recovery_targets(tables["targets"], period, s.recovery_targets)
    targets = appraisal.Targets(
        tiers=tiers, by_collector=by_collector, satisfaction=s.satisfaction_target, escalation_share=s.escalation_target,
        escalation_days=s.escalation_days, kept=s.kept_target, cycle_improvement=s.cycle_improvement_target,
        weights=s.score_weights,  # type: ignore[arg-type]
    )  # fmt: skip
    return appraisal.league_table(portfolio(url, version, regions), tables, period, as_of, targets,
                                  s.promise_grace_days, settlements(url, version, regions))  # fmt: skip
