"""As-of correctness: only facts dated on or before the as-of date count."""

from datetime import date

import polars as pl

from data_access.metrics.asof import invoice_state
from data_access.metrics.buckets import Buckets
from tests.books import book

BUCKETS = Buckets.from_edges((0, 30, 60, 90, 180))


def outstanding(portfolio, as_of: str) -> dict[int, int]:
    state = invoice_state(portfolio, date.fromisoformat(as_of), BUCKETS)
    return dict(state.select("invoice_id", "outstanding_cents").iter_rows())


def test_a_payment_after_the_as_of_date_leaves_the_invoice_open() -> None:
    b = book([(1, "2026-01-01", "2026-01-31", 10_000)], payments=[(1, "2026-02-10", 10_000)])
    assert outstanding(b, "2026-02-09") == {1: 10_000}
    assert outstanding(b, "2026-02-10") == {}


def test_invoices_issued_after_the_as_of_date_are_excluded() -> None:
    b = book([(1, "2026-01-01", "2026-01-31", 10_000), (2, "2026-03-01", "2026-03-31", 5_000)])
    assert outstanding(b, "2026-02-28") == {1: 10_000}


def test_partial_payments_credit_notes_and_write_offs_reduce_the_outstanding() -> None:
    b = book(
        [(1, "2026-01-01", "2026-01-31", 100_000)],
        payments=[(1, "2026-02-01", 30_000)],
        credits=[(1, "2026-02-02", 5_000)],
        write_offs=[(1, "2026-02-03", 20_000)],
    )
    assert outstanding(b, "2026-02-01") == {1: 70_000}
    assert outstanding(b, "2026-02-02") == {1: 65_000}
    assert outstanding(b, "2026-02-03") == {1: 45_000}


def test_paying_99_99_of_100_00_leaves_one_cent() -> None:
    b = book([(1, "2026-01-01", "2026-01-31", 10_000)], payments=[(1, "2026-01-20", 9_999)])
    assert outstanding(b, "2026-01-31") == {1: 1}


def test_an_overpayment_is_reported_apart_and_never_makes_outstanding_negative() -> None:
    b = book([(1, "2026-01-01", "2026-01-31", 10_000)], payments=[(1, "2026-01-20", 12_500)])
    state = invoice_state(b, date(2026, 1, 31), BUCKETS)
    assert state.select("outstanding_cents", "overpaid_cents").row(0) == (0, 2_500)


def test_days_past_due_and_bucket_are_counted_from_the_due_date() -> None:
    b = book([(1, "2026-01-01", "2026-01-31", 10_000)])
    state = invoice_state(b, date(2026, 3, 2), BUCKETS)
    assert state.select("dpd", "bucket").row(0) == (30, "1-30")
    state = invoice_state(b, date(2026, 3, 3), BUCKETS)
    assert state.select("dpd", pl.col("bucket").cast(pl.String)).row(0) == (31, "31-60")


def test_invoice_date_basis_ages_from_the_issue_date() -> None:
    b = book([(1, "2026-01-01", "2026-03-31", 10_000)])
    state = invoice_state(b, date(2026, 2, 15), Buckets.from_edges((0, 30, 60, 90, 180), "invoice"), "invoice")
    assert state.select("age_days", pl.col("bucket").cast(pl.String), "dpd").row(0) == (45, "31-60", -44)
