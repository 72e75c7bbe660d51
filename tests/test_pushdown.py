"""Aggregation in the database gives the in-memory figures exactly, on SQLite and PostgreSQL.

The in-memory figures are the product's (``asof.invoice_state``, ``snapshots.aging_trend``); the SQL is
``data_access.db.pushdown``. Both are compared on the tests' demo portfolio at several as-of dates,
among them one early in the history and one mid-month.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from data_access.book.portfolio import load_portfolio
from data_access.db import pushdown
from data_access.db.store import Scope, Store
from data_access.metrics import aging, asof, snapshots
from data_access.metrics.buckets import Buckets
from tests.conftest import seed_test_demo
from tests.test_app import app_on  # noqa: F401 - the fixture is shared

BUCKETS = Buckets.from_edges((0, 30, 60, 90, 180))
DATES = (date(2024, 3, 15), date(2025, 12, 31), date(2026, 10, 31))


@pytest.fixture(scope="module")
def postgres_demo_url(postgres_database: str):  # noqa: ANN201 - a generator of a URL
    """The tests' demo in a PostgreSQL database of its own (the session's database is another module's)."""
    import uuid

    from sqlalchemy import create_engine, text

    admin = create_engine(postgres_database, isolation_level="AUTOCOMMIT")
    name = f"rdash_p_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield seed_test_demo(postgres_database.rsplit("/", 1)[0] + f"/{name}")
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, demo_sqlite_url: str) -> Store:
    url = demo_sqlite_url if request.param == "sqlite" else request.getfixturevalue("postgres_demo_url")
    return Store(url)


def in_memory_buckets(book, as_of: date) -> pl.DataFrame:  # noqa: ANN001
    return aging.bucket_totals(asof.invoice_state(book, as_of, BUCKETS), BUCKETS).select("bucket", "invoices",
                                                                                         "amount_cents")  # fmt: skip


@pytest.mark.parametrize("as_of", DATES)
def test_the_bucket_totals_in_sql_equal_the_in_memory_ones(store: Store, as_of: date) -> None:
    book = load_portfolio(store, Scope.everything())
    found = aging.bucket_totals_of(pushdown.aging_buckets(store.engine, as_of, BUCKETS))
    expected = in_memory_buckets(book, as_of)
    assert found.select("bucket", "invoices", "amount_cents").rows() == expected.rows()
    assert found["share"].to_list() == aging.bucket_totals(asof.invoice_state(book, as_of, BUCKETS), BUCKETS)["share"].to_list()
    assert expected["amount_cents"].sum() > 0


@pytest.mark.parametrize("as_of", DATES)
def test_the_trend_in_sql_equals_the_in_memory_one(store: Store, as_of: date) -> None:
    book = load_portfolio(store, Scope.everything())
    ends = snapshots.month_ends(as_of, 24)
    expected = snapshots.aging_trend(snapshots.snapshots(book, ends, BUCKETS), BUCKETS)
    assert pushdown.aging_trend(store.engine, ends, BUCKETS).rows() == expected.rows()
    assert expected["balance_cents"].sum() > 0


def test_the_trend_counts_a_reduction_dated_before_its_invoice_from_the_invoice_s_first_month(demo_copy_url) -> None:
    """A credit note dated before its invoice's issue date (real data has them) reduces the balance from
    the invoice's first month end on, in SQL as in memory."""
    from data_access.db.engine import open_engine
    from data_access.db.writes import audited_write

    engine = open_engine(demo_copy_url)
    with engine.connect() as connection:
        invoice_id = connection.exec_driver_sql(
            "SELECT invoice_id FROM invoices WHERE issue_date >= '2026-09-05' ORDER BY invoice_id LIMIT 1").scalar()
    with audited_write(engine, actor="test", action="early credit note", tables=("credit_notes",), details={}) as w:
        w.insert("credit_notes", {"invoice_id": invoice_id, "credit_note_date": date(2026, 8, 20), "amount_cents": 100,
                                  "reason": "test"})  # fmt: skip
    engine.dispose()
    store = Store(demo_copy_url)
    ends = snapshots.month_ends(date(2026, 10, 31), 24)
    expected = snapshots.aging_trend(snapshots.snapshots(load_portfolio(store, Scope.everything()), ends, BUCKETS), BUCKETS)
    assert pushdown.aging_trend(store.engine, ends, BUCKETS).rows() == expected.rows()


def test_another_engine_is_refused_with_the_setting_to_use() -> None:
    class Engine:  # only what the dialect check reads
        class dialect:  # noqa: N801 - mimics sqlalchemy's engine.dialect.name
            name = "mssql"

    with pytest.raises(ValueError, match="RDASH_AGGREGATE_IN=memory"):
        pushdown.aging_buckets(Engine(), date(2026, 1, 1), BUCKETS)  # type: ignore[arg-type]


def test_the_aging_page_shows_the_same_buckets_and_trend_when_they_are_computed_in_the_database(
    app_on, demo_sqlite_url: str, monkeypatch  # noqa: ANN001
) -> None:  # fmt: skip
    def figures() -> tuple:
        app = app_on(demo_sqlite_url)
        assert not app.exception
        return app.dataframe[0].value.to_dict("list"), app.metric[0].value

    calls = []
    for name in ("aging_buckets", "aging_trend"):
        original = getattr(pushdown, name)
        monkeypatch.setattr(pushdown, name, lambda *a, _f=original, _n=name: calls.append(_n) or _f(*a))
    in_memory = figures()
    assert calls == []
    monkeypatch.setenv("RDASH_AGGREGATE_IN", "database")
    assert figures() == in_memory
    assert sorted(calls) == ["aging_buckets", "aging_trend"]
