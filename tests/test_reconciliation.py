"""Bucket totals = total outstanding = invoices - payments - credits - write-offs, to the cent."""

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data_access.metrics import aging
from data_access.metrics.asof import invoice_balances, invoice_state
from data_access.metrics.buckets import Buckets
from data_access.book.portfolio import load_portfolio
from data_access.db.store import Scope, Store
from tests.books import book

BUCKETS = Buckets.from_edges((0, 30, 60, 90, 180))


@pytest.fixture(scope="module")
def demo_book(demo_sqlite_url):
    return load_portfolio(Store(demo_sqlite_url), Scope.everything())


def independent_total(portfolio, as_of: date) -> int:
    """Outstanding computed the long way: invoice by invoice, in plain Python."""
    issued = {i: a for i, d, a in portfolio.invoices.select("invoice_id", "issue_date", "amount_cents").iter_rows()
              if d <= as_of}  # fmt: skip
    for invoice_id, day, amount, _kind in portfolio.reductions.iter_rows():
        if day <= as_of and invoice_id in issued:
            issued[invoice_id] -= amount
    return sum(max(v, 0) for v in issued.values())


@pytest.mark.parametrize("as_of", [date(2024, 3, 31), date(2025, 2, 14), date(2026, 1, 1), date(2026, 10, 31)])
def test_demo_buckets_add_up_to_the_outstanding_to_the_cent(demo_book, as_of: date) -> None:
    state = invoice_state(demo_book, as_of, BUCKETS)
    totals = aging.bucket_totals(state, BUCKETS)
    total = aging.kpis(state).total_cents
    assert totals["amount_cents"].sum() == total
    assert total == independent_total(demo_book, as_of)
    balances = invoice_balances(demo_book, as_of)
    signed = balances["amount_cents"].sum() - balances["paid_cents"].sum() - balances["credited_cents"].sum() \
        - balances["written_off_cents"].sum()  # fmt: skip
    assert total - int(state["overpaid_cents"].sum()) == signed


amounts = st.integers(min_value=1, max_value=10_000_000)
days = st.integers(min_value=0, max_value=400)


@st.composite
def books(draw):
    n = draw(st.integers(min_value=1, max_value=12))
    start = date(2025, 1, 1)
    invoices, reductions = [], {"payments": [], "credits": [], "write_offs": []}
    for i in range(1, n + 1):
        issued = start + timedelta(days=draw(days))
        amount = draw(amounts)
        invoices.append((i, issued.isoformat(), (issued + timedelta(days=draw(st.integers(0, 90)))).isoformat(), amount))
        for kind in reductions:
            for _ in range(draw(st.integers(0, 2))):
                when = issued + timedelta(days=draw(days))
                reductions[kind].append((i, when.isoformat(), draw(st.integers(1, amount))))
    return book(invoices, **reductions), start + timedelta(days=draw(st.integers(0, 800)))


@settings(max_examples=150, deadline=None)
@given(books())
def test_generated_books_reconcile_at_any_date(case) -> None:
    portfolio, as_of = case
    state = invoice_state(portfolio, as_of, BUCKETS)
    total = aging.kpis(state).total_cents
    assert aging.bucket_totals(state, BUCKETS)["amount_cents"].sum() == total
    assert total == independent_total(portfolio, as_of)
    assert (state["outstanding_cents"] >= 0).all() and (state["overpaid_cents"] >= 0).all()
    assert state.filter((pl.col("outstanding_cents") > 0) & (pl.col("overpaid_cents") > 0)).is_empty()
