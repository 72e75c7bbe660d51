"""Streamlit-side caching around data_access: load once, reload when a table's version moves.

Frames are cached with ``st.cache_resource`` (shared, not copied: a warm rerun costs nothing), the
largest of them by size in the memory pool (``held``, dashboard/memory.py, within RDASH_MEMORY_BUDGET_MB), and
keyed by keys the view context derives (``BookKey``, ``TableKey``): the database, the reader's
regions and the versions of the tables read. Every audited write increments the versions of the
tables it declares, so a target edit reloads targets and not three years of invoices. The versions
are re-read every ``RDASH_DATA_CHECK_SECONDS``, and at once after a write made by this app.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta

import polars as pl
import streamlit as st

from dashboard import computations
from dashboard.i18n import DEFAULT_LANGUAGE
from dashboard.memory import Pool
from data_access.book.context import BookKey, TableKey, ViewContext
from data_access.book.filters import Filters, Selection
from data_access.book.portfolio import Portfolio, load_portfolio
from data_access.db.store import Scope, Store
from data_access.demo.seeding import ensure_database
from data_access.metrics.buckets import DUE_DATE, Buckets
from data_access.metrics.recovery import Period
from data_access.metrics.snapshots import HISTORY_MONTHS
from data_access.metrics.targets import RecoveryTargets
from data_access.settings import Settings, load_settings


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


def current_actor() -> str:
    """Who is using the app, for the audit log. Until sign-in exists: the local user of the dashboard."""
    return "dashboard user"


@st.cache_resource
def _pool() -> Pool:
    """One memory pool per process; ``st.cache_resource.clear()`` empties it with the other caches."""
    return Pool(settings().memory_budget_mb * 2**20, viewer=_viewer, connected=_connected)


def _viewer() -> tuple[str, str] | None:
    """The session and page of the script run using the pool: what a page on screen uses stays
    (dashboard/memory.py). None for the background preparation and a fragment's rerun, which are no page."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if getattr(threading.current_thread(), "rdash_background", False):
        return None
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None or ctx.fragment_ids_this_run:  # a fragment's rerun draws a part of the page, not the page
        return None
    return ctx.session_id, ctx.page_script_hash


def _connected(session_id: str) -> bool:
    """Whether a session's browser is still connected (a closed or reloaded tab is not)."""
    from streamlit.runtime import Runtime

    return not Runtime.exists() or Runtime.instance().is_active_session(session_id)


def held(function: Callable | None = None, *, heavy: bool = False) -> Callable:
    """``st.cache_resource`` for the largest results: held in the memory pool by size instead of by count
    (dashboard/memory.py). Arguments are positional and hashable, as the keys here are. ``@held(heavy=True)``:
    the computation peaks at GBs over what it returns at 10M invoices, so the pool lets go of the results no
    one is using before it runs (``Pool.get``)."""
    if function is None:
        return functools.partial(held, heavy=heavy)
    kind = function.__qualname__

    @functools.wraps(function)
    def cached(*args: object) -> object:
        return _pool().get(kind, args, lambda: function(*args), heavy=heavy)

    cached.clear = lambda: _pool().clear(kind)  # type: ignore[attr-defined]
    cached.peek = lambda *args: _pool().peek(kind, args)  # type: ignore[attr-defined] - held or None, not computed
    return cached


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


def versions(url: str) -> tuple[tuple[str, int], ...]:
    """Every table's version, asked at most once per RDASH_DATA_CHECK_SECONDS window."""
    window = int(time.time() // max(settings().data_check_seconds, 1))
    return _version_probe(url, window)


@st.cache_data(show_spinner=False, max_entries=4)
def _version_probe(url: str, window: int) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(store(url).versions().items()))


def after_write() -> None:
    """Call after this app wrote: the next run reads the new versions instead of waiting for the window."""
    _version_probe.clear()


@st.cache_data(show_spinner=False, max_entries=2)
def meta(key: TableKey) -> dict[str, str]:
    return store(key.url).meta()


def _scope(regions: tuple[int, ...] | None) -> Scope:
    return Scope(regions=None if regions is None else frozenset(regions))


@st.cache_resource(max_entries=2, show_spinner=False)
def _loaded(key: BookKey) -> Portfolio:
    """The book as stored, read once whatever the language (the key's language is always the default)."""
    return load_portfolio(store(key.url), _scope(key.regions))


@st.cache_resource(max_entries=4, show_spinner=False)
def portfolio(key: BookKey) -> Portfolio:
    """The book with its names in the key's language (regions' ``name_zh`` in Chinese); shares the frames."""
    return _loaded(key._replace(language=DEFAULT_LANGUAGE)).in_language(key.language)


@held
def state_with_dimensions(key: BookKey, as_of: date, basis: str, edges: tuple[int, ...]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The as-of state joined with debtor dimensions, and the dimensions: computed once per key."""
    return computations.state_with_dimensions(portfolio(key), as_of, basis, edges)


@st.cache_resource(max_entries=8, show_spinner=False)
def selection(key: BookKey, as_of: date, edges: tuple[int, ...], filters: Filters) -> Selection:
    """The filters resolved at ``as_of``: the debtors, clients and invoices they keep."""
    _state, dims = state_with_dimensions(key, as_of, DUE_DATE, edges)
    return filters.resolve(portfolio(key), dims)


def nameless(key: BookKey) -> BookKey:
    """The key of a result that holds no names (ids and amounts only): one cache entry serves every language."""
    return key._replace(language=DEFAULT_LANGUAGE)


def month_end_snapshots(key: BookKey, as_of: date, basis: str, edges: tuple[int, ...],
                        months: int) -> tuple[list[date], pl.DataFrame]:  # fmt: skip
    """Month ends and the snapshots at them, unfiltered (ids only: one entry for every language)."""
    return _month_end_snapshots(nameless(key), as_of, basis, edges, months)


def held_month_end_snapshots(key: BookKey, as_of: date, basis: str, edges: tuple[int, ...],
                             months: int) -> tuple[list[date], pl.DataFrame] | None:  # fmt: skip
    """``month_end_snapshots`` if another page left them held, else None (not computed): a page that needs a
    few month ends computes those alone rather than all of them (at 10M invoices 37 month ends take 4-5 s and
    +1.5 GB at the peak, and would then be held)."""
    return _month_end_snapshots.peek(nameless(key), as_of, basis, edges, months)


@held(heavy=True)
def _month_end_snapshots(key: BookKey, as_of: date, basis: str, edges: tuple[int, ...],
                         months: int) -> tuple[list[date], pl.DataFrame]:  # fmt: skip
    return computations.month_end_snapshots(portfolio(key), as_of, basis, edges, months)


def month_end_flows(key: BookKey, as_of: date, basis: str, edges: tuple[int, ...], months: int) -> pl.DataFrame:
    """The roll flows between the month ends, unfiltered: computed only for the pages that show them
    (the Overview does not, and it is the first page after a start)."""
    return _month_end_flows(nameless(key), as_of, basis, edges, months)


@held(heavy=True)
def _month_end_flows(key: BookKey, as_of: date, basis: str, edges: tuple[int, ...], months: int) -> pl.DataFrame:
    ends, snaps = _month_end_snapshots(key, as_of, basis, edges, months)
    return computations.month_end_flows(portfolio(key), ends, snaps)


def month_end_history(key: BookKey, as_of: date, basis: str, edges: tuple[int, ...],
                      months: int) -> tuple[list[date], pl.DataFrame, pl.DataFrame]:  # fmt: skip
    """Month ends, the snapshots at them and the roll flows between them, unfiltered."""
    ends, snaps = month_end_snapshots(key, as_of, basis, edges, months)
    return ends, snaps, month_end_flows(key, as_of, basis, edges, months)


@held
def table(key: TableKey) -> pl.DataFrame:
    """A table outside the core book (promises, recoveries, legal cases, targets, ...), read once per version
    (and per period, for a key with ``dated``)."""
    return store(key.url).read(key.table, _scope(key.regions), key.dated)


def filtered_book(key: BookKey, as_of: date, edges: tuple[int, ...], filters: Filters) -> Portfolio:
    """The book restricted to the filtered invoices, for monthly figures (filters resolved at as_of)."""
    if not filters.active:  # the book itself: nothing to hold twice
        return portfolio(key)
    return _filtered_book(key, as_of, edges, filters)


@held
def _filtered_book(key: BookKey, as_of: date, edges: tuple[int, ...], filters: Filters) -> Portfolio:
    return selection(key, as_of, edges, filters).book(portfolio(key))


APPRAISAL_TABLES = computations.APPRAISAL_TABLES


@held
def settlements(key: BookKey) -> pl.DataFrame:
    from data_access.metrics.appraisal import settlements as settled

    return settled(portfolio(key))


def appraisal_tables(context: ViewContext, period: Period) -> dict[str, pl.DataFrame]:
    """The tables the league table of ``period`` reads."""
    keys = [context.table_key(name) for name in APPRAISAL_TABLES]
    return tables_for_period(keys, period.start, period.end, context.as_of)


def tables_for_period(keys: list[TableKey], start: date, end: date, as_of: date) -> dict[str, pl.DataFrame]:
    """The tables of ``keys`` for figures of start..end known at ``as_of``: what they read of a table read by
    period (the collection actions) is dated start..min(end, as_of) (``TableKey.for_period``)."""
    return {key.table: table(key.for_period(start, min(end, as_of))) for key in keys}


def appraisal_key(context: ViewContext) -> tuple:
    return (context.book_key(), *(context.table_key(name) for name in APPRAISAL_TABLES))


def recovery_targets(context: ViewContext, period: Period) -> RecoveryTargets:
    """Tier recovery targets in force for ``period`` (targets table, then settings): what the Overview
    judges its tiers by, as the league table does. The table is read unfiltered: a collector filter
    must not drop the company-wide rows."""
    return computations.recovery_targets(table(context.table_key("targets")), period, settings())


def league(context: ViewContext, start: date, end: date) -> pl.DataFrame:
    """The league table of one period, every collector in scope."""
    return _league(appraisal_key(context), start, end, context.as_of)


@st.cache_resource(max_entries=32, show_spinner=False)
def _league(key: tuple, start: date, end: date, as_of: date) -> pl.DataFrame:
    book_key, *table_keys = key
    tables = tables_for_period(table_keys, start, end, as_of)
    return computations.league(portfolio(book_key), tables, start, end, as_of, settings(),
                               settlements(nameless(book_key)))  # fmt: skip


@st.cache_data(show_spinner=False, max_entries=4)
def audit_verdict(key: TableKey) -> tuple[bool, int, str, str]:
    """The audit chain verified once per version of the log: (ok, entries, head, problem)."""
    from data_access.db.audit import verify_chain

    verdict = verify_chain(store(key.url).engine)
    return verdict.ok, verdict.entries, verdict.head, verdict.problem


def record_checkpoint(context: ViewContext, note: str) -> str:
    """Seal the audit chain's head with a note; returns the head sealed. Raises WriteRefused with the reason."""
    from data_access.db.checkpoints import record_checkpoint as record

    verdict = record(store(context.url).engine, actor=context.actor, note=note)
    after_write()
    audit_verdict.clear()
    return verdict.head


# Early warning (pages/early_warning.py): signals and the risk model, read unfiltered and cached by the
# versions of the tables they read; the page filters the list afterwards, like every other frame.

EARLY_WARNING_TABLES = ("promises", "credit_events")


def early_warning_key(context: ViewContext) -> tuple:
    """What the signals and the model are computed from: the book and the tables they read."""
    return (nameless(context.book_key()), *(context.table_key(name) for name in EARLY_WARNING_TABLES))


def signal_rules():  # noqa: ANN201 - data_access.metrics.signals.SignalRules
    return computations.signal_rules(settings())


def early_warning_levels():  # noqa: ANN201 - data_access.metrics.early_warning.Levels
    return computations.early_warning_levels(settings())


def early_warning_model_key(context: ViewContext) -> tuple:
    """What the risk model of the view's date is trained from: the tables, the training date and the rules."""
    return (early_warning_key(context), computations.risk_trained_at(portfolio(context.book_key()), context.as_of),
            signal_rules())  # fmt: skip


def risk_model(context: ViewContext):  # noqa: ANN201 - data_access.models.risk.RiskModel
    """The risk model for the as-of date. It is trained on the as-of dates whose outcome is known by then
    (one every 30 days), so it is keyed by the newest of them, not by the date itself: moving the date by
    a week reuses it; a new 30-day step, or a write to a table it reads, trains it again (seconds)."""
    return _risk_model(*early_warning_model_key(context))


@st.cache_resource(max_entries=4, show_spinner=False)
def _risk_model(key: tuple, trained_at: date, rules) -> object:  # noqa: ANN001
    from data_access.models.risk import train_risk_model

    book_key, promises, events = key
    return train_risk_model(portfolio(book_key), table(promises), table(events), trained_at, rules)


EARLY_WARNING_WEEK = timedelta(days=7)  # the list is compared with the list a week earlier


def early_warning_dates(as_of: date) -> tuple[date, date]:
    """The dates whose signals the Early-warning page shows: a week before the as-of date, and the date."""
    return as_of - EARLY_WARNING_WEEK, as_of


_LOG = logging.getLogger(__name__)  # for the operator's console: English, like the command line
_prepared: set[tuple] = set()
_prepared_lock = threading.Lock()


def prepare_early_warning(context: ViewContext) -> None:
    """Train the risk model and compute the signals of this view's date in the background, once a page has been
    drawn: the Early-warning page (third in the risk meeting's agenda) then opens without the training wait,
    which takes a minute at a million invoices. A page asking meanwhile waits on Streamlit's cache lock for this
    work instead of repeating it; should the work fail, the page computes (and reports) it itself."""
    key = (*early_warning_model_key(context), context.as_of)
    with _prepared_lock:
        if key in _prepared:
            return
        _prepared.add(key)

    def work() -> None:
        try:
            risk_model(context)
            early_warning_signals(context, early_warning_dates(context.as_of))
        except Exception:  # noqa: BLE001 - the page itself will compute and report it
            _LOG.warning("preparing the early-warning list failed", exc_info=True)

    from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

    worker = threading.Thread(target=work, name="rdash-prepare-early-warning", daemon=True)
    worker.rdash_background = True  # type: ignore[attr-defined] - no page on screen: see _viewer
    add_script_run_ctx(worker, get_script_run_ctx(suppress_warning=True))  # Streamlit's caches expect a session
    worker.start()


def early_warning_signals(context: ViewContext, dates: tuple[date, ...]) -> pl.DataFrame:
    """Every debtor's exposure and signals at each of ``dates``, unfiltered (data_access.metrics.signals)."""
    return _early_warning_signals(early_warning_key(context), dates, signal_rules())


@held
def _early_warning_signals(key: tuple, dates: tuple[date, ...], rules) -> pl.DataFrame:  # noqa: ANN001
    from data_access.metrics.signals import debtor_signals

    book_key, promises, events = key
    return debtor_signals(portfolio(book_key), table(promises), table(events), list(dates), rules)


# Targets and appeals (pages/targets.py): tracking computed once per period, as-of date and versions of the
# tables it reads; writes through data_access.services, followed by after_write().

TRACKING_TABLES = ("promises", "collection_actions", "satisfaction_surveys")


def _tracking_key(context: ViewContext) -> tuple:
    """What the target events (and so their values and paths) are read from: the book and the tracking tables
    (ids and amounts only: one entry for every language)."""
    return (nameless(context.book_key()), *(context.table_key(name) for name in TRACKING_TABLES))


def _tracking(context: ViewContext, start: date, end: date) -> tuple:
    """``_tracking_key``, having first asked for what the events of start..end read that another page left
    held (the month-end snapshots, the tables, the settlements): asked for, they are this run's, and computing
    the events, which is heavy, lets go only of what no run uses."""
    key = _tracking_key(context)
    book_key, *table_keys = key
    held_month_end_snapshots(book_key, context.as_of, DUE_DATE, settings().bucket_edges, HISTORY_MONTHS)
    for table_key in table_keys:
        table.peek(table_key.for_period(start, min(end, context.as_of)))
    settlements.peek(book_key)
    return key


def target_events(context: ViewContext, start: date, end: date) -> pl.DataFrame:
    """Every dated event the target metrics of the period sum, up to the as-of date, unfiltered."""
    return _target_events(_tracking(context, start, end), start, end, context.as_of)


@held(heavy=True)
def _target_events(key: tuple, start: date, end: date, as_of: date) -> pl.DataFrame:
    from data_access.metrics.target_tracking import events

    book_key, *table_keys = key
    tables = tables_for_period(table_keys, start, end, as_of)
    # The trends' month-end snapshots hold the bad-debt balances. The Overview, the first page, has usually
    # computed them; when they are not held (a first visit that opens on Targets, or evicted for memory) the
    # events compute the bad-debt dates alone: at 10M invoices 4.4 s and +1.1 GB at the peak.
    known = held_month_end_snapshots(book_key, as_of, DUE_DATE, settings().bucket_edges, HISTORY_MONTHS)
    return events(portfolio(book_key), tables, Period(start, end), as_of, settings().promise_grace_days,
                  settlements(book_key), known)  # fmt: skip


def target_values(context: ViewContext, period: Period) -> pl.DataFrame:
    """``target_tracking.values`` of the period's events at the as-of date: every scope's metrics, company-wide.
    Kept with the events: the sidebar's filters only choose which rows the page shows (a filter change at 1M
    invoices would recompute them, 0.25 s, to the same result)."""
    return _target_values(_tracking(context, period.start, period.end), period.start, period.end, context.as_of)


@st.cache_resource(max_entries=8, show_spinner=False)
def _target_values(key: tuple, start: date, end: date, as_of: date) -> pl.DataFrame:
    from data_access.metrics.target_tracking import values

    return values(_target_events(key, start, end, as_of), Period(start, end), as_of)


def target_path(context: ViewContext, period: Period, target: float, *, target_type: str, tier: str | None,
                region_id: int | None, collector_id: int | None) -> pl.DataFrame:  # fmt: skip
    """``target_tracking.path`` of one scope's metric; like ``target_values``, independent of the filters."""
    key = _tracking(context, period.start, period.end)
    return _target_path(key, period.start, period.end, context.as_of, target, target_type, tier, region_id,
                        collector_id)  # fmt: skip


@st.cache_resource(max_entries=64, show_spinner=False)
def _target_path(key: tuple, start: date, end: date, as_of: date, target: float, target_type: str, tier: str | None,
                 region_id: int | None, collector_id: int | None) -> pl.DataFrame:  # fmt: skip
    from data_access.metrics.target_tracking import path

    return path(_target_events(key, start, end, as_of), Period(start, end), as_of, target, target_type=target_type,
                tier=tier, region_id=region_id, collector_id=collector_id)  # fmt: skip


def league_history(context: ViewContext, quarters: list[Period]) -> list[pl.DataFrame]:
    """The league tables of whole past quarters (for suggestions), each as of its own end."""
    key = appraisal_key(context)
    return [_league(key, q.start, q.end, q.end) for q in quarters]


def _engine(context: ViewContext):  # noqa: ANN202 - a SQLAlchemy engine
    return store(context.url).engine


def save_targets(context: ViewContext, rows: list[dict], period: Period, seen_version: int):  # noqa: ANN201
    """Save a period's targets (data_access.services.targets); raises WriteRefused / InvalidTargets."""
    from data_access.services.targets import save_targets as save

    saved = save(_engine(context), rows, period=period, actor=context.actor, seen_version=seen_version,
                 scope=context.scope)
    after_write()
    return saved


def copy_targets(context: ViewContext, period: Period, seen_version: int) -> tuple[Period, int]:
    from data_access.services.targets import copy_to_next_period

    copied = copy_to_next_period(_engine(context), period, actor=context.actor, seen_version=seen_version,
                                 scope=context.scope)
    after_write()
    return copied


def file_appeal(context: ViewContext, **fields) -> int:  # noqa: ANN003 - the service's keywords
    from data_access.services.appeals import file_appeal as file

    appeal_id = file(_engine(context), actor=context.actor, window_days=settings().appeal_window_days, **fields)
    after_write()
    return appeal_id


def decide_appeal(context: ViewContext, appeal_id: int, **fields) -> None:  # noqa: ANN003
    from data_access.services.appeals import decide_appeal as decide

    decide(_engine(context), appeal_id, actor=context.actor, **fields)
    after_write()


# Figures derived from the filtered view (issue 14): a page's own computations (the Overview's month series
# and recovery pool, write-off candidates, the aging trend, ...) are cached by what they are computed from,
# so a warm load, another session with the same view, or a return to an earlier filter draws from memory.
# ``Cockpit.figure(name, compute, *depends)`` builds the key: the book key, the as-of date, the bucket
# edges, the filters, and ``depends`` (the table keys, settings values and parameters ``compute`` reads).


def view_figure(name: str, key: tuple, compute: Callable[[], object]) -> object:
    """``compute()`` once per ``(name, key)``; ``key`` must name everything the computation reads. Held in the
    memory pool: frames by size (at 10M invoices a page's every-debtor table is tens of MB for each view), and
    the 256 most recent by count, for charts, whose memory the pool does not see."""
    return _pool().get("view_figure", (name, key), compute, max_entries=256)


# Aggregation in the database (RDASH_AGGREGATE_IN=database, data_access/db/pushdown.py): the whole book's
# bucket totals and month-end trend as SQL, cached by the versions of the tables they read.


@st.cache_resource(max_entries=8, show_spinner=False)
def database_buckets(key: BookKey, as_of: date, edges: tuple[int, ...]) -> pl.DataFrame:
    from data_access.db.pushdown import aging_buckets

    return aging_buckets(store(key.url).engine, as_of, Buckets.from_edges(edges))


@st.cache_resource(max_entries=8, show_spinner=False)
def database_trend(key: BookKey, ends: tuple[date, ...], edges: tuple[int, ...]) -> pl.DataFrame:
    from data_access.db.pushdown import aging_trend

    return aging_trend(store(key.url).engine, list(ends), Buckets.from_edges(edges))
