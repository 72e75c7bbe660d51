"""The collection actions are read a period at a time (whole calendar years, selected in the database): the
rows are those the whole table holds for those dates, within the reader's scope, and every figure computed
from them is the one computed from the whole table."""

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard import computations
from data_access.book.context import TableKey
from data_access.book.portfolio import load_portfolio
from data_access.db.store import Scope, Store
from data_access.metrics.appraisal import settlements
from data_access.metrics.recovery import Period
from data_access.metrics.target_tracking import events
from data_access.settings import load_settings
from tests.conftest import DEMO_END

FIRST_QUARTER = (date(2025, 1, 1), date(2025, 3, 31))


def in_dates(frame: pl.DataFrame, first: date, last: date) -> pl.DataFrame:
    return frame.filter(pl.col("action_date").is_between(first, last)).sort("action_id")


def test_a_dated_read_holds_the_rows_of_those_dates_both_ends_included(demo_sqlite_url) -> None:
    store = Store(demo_sqlite_url)
    whole = store.read("collection_actions", Scope.everything())
    read = store.read("collection_actions", Scope.everything(), dated=FIRST_QUARTER)
    expected = in_dates(whole, *FIRST_QUARTER)
    assert expected.height > 0 and expected["action_date"].min() == FIRST_QUARTER[0]  # the first day has actions
    assert read.sort("action_id").equals(expected)


def test_a_dated_read_stays_within_the_readers_regions(demo_sqlite_url) -> None:
    store = Store(demo_sqlite_url)
    east = store.read("debtors", Scope.everything()).filter(pl.col("region_id") == 1)["debtor_id"]
    read = store.read("collection_actions", Scope.of_regions(1), dated=FIRST_QUARTER)
    expected = in_dates(store.read("collection_actions", Scope.everything()), *FIRST_QUARTER)
    assert read.height > 0
    assert read.sort("action_id").equals(expected.filter(pl.col("debtor_id").is_in(east.implode())))


def test_a_table_without_a_date_cannot_be_read_by_period(demo_sqlite_url) -> None:
    with pytest.raises(ValueError, match="the table promises is read whole"):
        Store(demo_sqlite_url).read("promises", Scope.everything(), dated=FIRST_QUARTER)


def test_a_period_is_read_as_the_calendar_years_around_it() -> None:
    actions = TableKey("sqlite://", None, "collection_actions", 3)
    # A quarter, and 90 days reaching back into the year before.
    assert actions.for_period(date(2026, 7, 1), date(2026, 9, 30)).dated == (date(2026, 1, 1), date(2026, 12, 31))
    assert actions.for_period(date(2025, 11, 20), date(2026, 2, 17)).dated == (date(2025, 1, 1), date(2026, 12, 31))
    assert actions.for_period(date(2026, 7, 1), date(2026, 9, 30)).version == 3


def test_a_table_read_whole_keeps_its_key_for_a_period() -> None:
    promises = TableKey("sqlite://", None, "promises", 1)
    assert promises.for_period(date(2026, 7, 1), date(2026, 9, 30)) == promises


TABLES = computations.APPRAISAL_TABLES


def read_for(store: Store, first: date, last: date) -> dict[str, pl.DataFrame]:
    """The tables as the pages read them for first..last: the actions by TableKey.for_period, the rest whole."""
    keys = [TableKey(store.url, None, name, 0).for_period(first, last) for name in TABLES]
    return {key.table: store.read(key.table, Scope.everything(), key.dated) for key in keys}


# The demo's quarter to date, a whole past quarter judged later, and 90 days across a new year.
PERIODS = [(date(2026, 10, 1), date(2026, 12, 31), DEMO_END), (date(2026, 4, 1), date(2026, 6, 30), DEMO_END),
           (date(2025, 11, 20), date(2026, 2, 17), date(2026, 2, 17))]  # fmt: skip


@pytest.fixture(scope="module")
def book_and_tables(demo_sqlite_url):  # noqa: ANN201
    store = Store(demo_sqlite_url)
    book = load_portfolio(store, Scope.everything())
    return store, book, {name: store.read(name, Scope.everything()) for name in TABLES}, settlements(book)


@pytest.mark.parametrize(("start", "end", "as_of"), PERIODS)
def test_the_league_table_from_the_years_read_is_the_league_table_from_the_whole_table(
        book_and_tables, start, end, as_of) -> None:  # fmt: skip
    store, book, whole, settled = book_and_tables
    s = load_settings()
    expected = computations.league(book, whole, start, end, as_of, s, settled)
    assert expected["contacted"].sum() > 0  # the actions count in it
    got = computations.league(book, read_for(store, start, min(end, as_of)), start, end, as_of, s, settled)
    # Counts, amounts and names exactly; ratios to the last bits, and the tiers' columns in any order: two runs
    # on the same tables already differ in both (ratios by 2e-16: the league's sums run in parallel).
    assert_frame_equal(got, expected, rel_tol=1e-12, abs_tol=1e-12, check_column_order=False)


@pytest.mark.parametrize(("start", "end", "as_of"), PERIODS)
def test_the_target_events_from_the_years_read_are_the_events_from_the_whole_table(
        book_and_tables, start, end, as_of) -> None:  # fmt: skip
    store, book, whole, settled = book_and_tables
    grace = load_settings().promise_grace_days
    period = Period(start, end)
    expected = events(book, whole, period, as_of, grace, settled)
    assert expected.filter(pl.col("target_type") == "agreement_rate").height > 0  # the actions count in it
    got = events(book, read_for(store, start, min(end, as_of)), period, as_of, grace, settled)
    keys = ["collector_id", "region_id", "target_type", "tier", "date"]  # one row each; rows come in any order
    assert got.sort(keys).equals(expected.sort(keys))
