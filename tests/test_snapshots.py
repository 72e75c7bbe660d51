"""Month-end snapshots, the aging trend and roll rates."""

from datetime import date, timedelta
from unittest.mock import patch

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from data_access.metrics.asof import invoice_state
from data_access.metrics.buckets import INVOICE_DATE, Buckets
from data_access.metrics.monthly import month_series
from data_access.metrics.snapshots import aging_trend, month_ends, roll_flows, roll_matrix, snapshots
from tests.books import START, book, generated_books

BUCKETS = Buckets.from_edges((0, 30, 60, 90, 180))


def test_month_ends_are_the_last_days_on_or_before_the_as_of_date() -> None:
    assert month_ends(date(2026, 3, 15), 3) == [date(2025, 12, 31), date(2026, 1, 31), date(2026, 2, 28)]
    assert month_ends(date(2026, 3, 31), 2) == [date(2026, 2, 28), date(2026, 3, 31)]


def test_snapshot_balances_follow_partial_payments_until_settled() -> None:
    b = book([(1, "2026-01-10", "2026-02-09", 10_000)],
             payments=[(1, "2026-02-20", 4_000), (1, "2026-04-05", 6_000)])  # fmt: skip
    ends = month_ends(date(2026, 4, 30), 4)  # Jan..Apr
    snaps = snapshots(b, ends, BUCKETS)
    assert snaps.select("month_end", "balance_cents", pl.col("bucket").cast(pl.String)).rows() == [
        (date(2026, 1, 31), 10_000, "Current"),
        (date(2026, 2, 28), 6_000, "1-30"),
        (date(2026, 3, 31), 6_000, "31-60"),
    ]


def test_each_month_end_of_the_trend_equals_the_as_of_state_at_that_date() -> None:
    b = book(
        [(1, "2025-11-03", "2025-12-03", 50_000), (2, "2025-12-15", "2026-01-14", 30_000),
         (3, "2026-01-20", "2026-02-19", 20_000)],
        payments=[(1, "2026-01-05", 50_000), (2, "2026-01-31", 10_000)],
        write_offs=[(2, "2026-03-15", 20_000)], credits=[(3, "2026-02-01", 500)],
    )  # fmt: skip
    ends = month_ends(date(2026, 3, 31), 5)
    trend = aging_trend(snapshots(b, ends, BUCKETS), BUCKETS)
    for end in ends:
        expected = invoice_state(b, end, BUCKETS)["outstanding_cents"].sum()
        assert trend.filter(pl.col("month_end") == end)["balance_cents"].sum() == expected


def test_a_reduction_dated_before_its_invoice_counts_from_the_first_month_end() -> None:
    # Issued 10 Feb, due 12 Mar, 100.00; a credit note of 20.00 dated 20 Jan (before the issue), 30.00
    # paid 20 Mar. At 28 Feb: 80.00 not due; at 31 Mar: 50.00, 19 days past due; at 30 Apr: 49 days.
    b = book([(1, "2026-02-10", "2026-03-12", 10_000)], credits=[(1, "2026-01-20", 2_000)],
             payments=[(1, "2026-03-20", 3_000)])  # fmt: skip
    ends = month_ends(date(2026, 4, 30), 4)
    snaps = snapshots(b, ends, BUCKETS)
    assert snaps.select("month_end", "balance_cents", pl.col("bucket").cast(pl.String)).rows() == [
        (date(2026, 2, 28), 8_000, "Current"),
        (date(2026, 3, 31), 5_000, "1-30"),
        (date(2026, 4, 30), 5_000, "31-60"),
    ]
    assert month_series(b, snaps, ends)["receivables_cents"].to_list() == [0, 8_000, 5_000, 5_000]


def test_an_invoice_overpaid_before_its_issue_is_never_open() -> None:
    b = book([(1, "2026-02-10", "2026-03-12", 10_000)], payments=[(1, "2026-01-25", 12_000)])
    assert snapshots(b, month_ends(date(2026, 4, 30), 4), BUCKETS).is_empty()


def test_without_reductions_every_invoice_is_open_from_its_first_month_end_to_the_last() -> None:
    # 1 issued 10 Jan (due 9 Feb), 2 issued 31 Mar (due 30 Apr), 3 issued 5 May: after the last month end.
    b = book([(1, "2026-01-10", "2026-02-09", 10_000), (2, "2026-03-31", "2026-04-30", 2_500),
              (3, "2026-05-05", "2026-06-04", 7_000)])  # fmt: skip
    ends = month_ends(date(2026, 4, 30), 4)  # Jan..Apr
    snaps = snapshots(b, ends, BUCKETS)
    rows = snaps.select("invoice_id", "month_end", "balance_cents", pl.col("bucket").cast(pl.String))
    assert sorted(rows.rows()) == [
        (1, date(2026, 1, 31), 10_000, "Current"),
        (1, date(2026, 2, 28), 10_000, "1-30"),  # 19 days past due
        (1, date(2026, 3, 31), 10_000, "31-60"),  # 50 days
        (1, date(2026, 4, 30), 10_000, "61-90"),  # 80 days
        (2, date(2026, 3, 31), 2_500, "Current"),
        (2, date(2026, 4, 30), 2_500, "Current"),  # due that day: 0 days past due
    ]


def test_an_invoice_settled_in_its_first_month_is_never_open_and_later_reductions_close_no_other() -> None:
    # 1 is issued and paid in full in January; 2 is paid 30.00 in January, 70.00 in March (its
    # closing reduction, counted in no open month end); 3 is paid in several parts within February.
    b = book(
        [(1, "2026-01-05", "2026-02-04", 5_000), (2, "2026-01-10", "2026-02-09", 10_000),
         (3, "2026-02-01", "2026-03-03", 8_000)],
        payments=[(1, "2026-01-20", 5_000), (2, "2026-01-25", 3_000), (2, "2026-03-15", 7_000),
                  (3, "2026-02-03", 1_000), (3, "2026-02-27", 2_000)],
        credits=[(3, "2026-02-10", 500)],
    )  # fmt: skip
    ends = month_ends(date(2026, 3, 31), 3)  # Jan..Mar
    rows = snapshots(b, ends, BUCKETS).select("invoice_id", "month_end", "balance_cents")
    assert sorted(rows.rows()) == [
        (2, date(2026, 1, 31), 7_000),
        (2, date(2026, 2, 28), 7_000),
        (3, date(2026, 2, 28), 4_500),  # 80.00 less 10.00, 5.00 and 20.00
        (3, date(2026, 3, 31), 4_500),
    ]


def open_at(state: pl.DataFrame) -> set[tuple]:
    return set(state.filter(pl.col("outstanding_cents") > 0)
               .select("invoice_id", "outstanding_cents", pl.col("bucket").cast(pl.String)).iter_rows())  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(generated_books(), st.integers(0, 480), st.sampled_from(["due", INVOICE_DATE]), st.sampled_from([10**6, 1, 2, 5]))
def test_every_month_end_of_the_snapshots_is_the_as_of_state_there(b, days: int, basis: str, part: int) -> None:
    """Per invoice, balance and bucket, on books with reductions before their invoice and overpayments;
    the same when the invoices are expanded a few at a time (``part`` invoices, as at 10M invoices)."""
    buckets = Buckets.from_edges((0, 30, 60, 90, 180), basis)
    ends = month_ends(START + timedelta(days=days), 14)
    with patch("data_access.metrics.snapshots.PART_INVOICES", part):
        snaps = snapshots(b, ends, buckets, basis)
    for end in ends:
        at_end = snaps.filter(pl.col("month_end") == end).select("invoice_id", "balance_cents",
                                                                 pl.col("bucket").cast(pl.String))  # fmt: skip
        assert set(at_end.iter_rows()) == open_at(invoice_state(b, end, buckets, basis)), end
        assert at_end.height == at_end["invoice_id"].n_unique()


@settings(max_examples=25, deadline=None)
@given(generated_books(), st.integers(1, 4))
def test_snapshots_in_parts_are_the_whole_in_the_same_order(b, part: int) -> None:
    ends = month_ends(START + timedelta(days=400), 14)
    whole = snapshots(b, ends, BUCKETS)
    with patch("data_access.metrics.snapshots.PART_INVOICES", part):
        assert snapshots(b, ends, BUCKETS).equals(whole)


@settings(max_examples=25, deadline=None)
@given(generated_books(), st.integers(1, 4))
def test_snapshots_in_parts_come_in_one_chunk(b, part: int) -> None:
    """As one expansion gave them: the pages' filters over many chunks were slower."""
    with patch("data_access.metrics.snapshots.PART_INVOICES", part):
        snaps = snapshots(b, month_ends(START + timedelta(days=400), 14), BUCKETS)
    assert snaps.n_chunks("all") == [1] * snaps.width


@settings(max_examples=25, deadline=None)
@given(generated_books(), st.integers(1, 40))
def test_roll_flows_in_parts_are_the_whole(b, part: int) -> None:
    """Rolled a few snapshots at a time (as at 10M invoices), the flows are the same rows."""
    ends = month_ends(START + timedelta(days=400), 14)
    snaps = snapshots(b, ends, BUCKETS)
    whole = roll_flows(b, snaps, ends)
    with patch("data_access.metrics.snapshots.PART_SNAPSHOTS", part):
        in_parts = roll_flows(b, snaps, ends)
    assert in_parts.sort(in_parts.columns).equals(whole.sort(whole.columns))


def test_roll_rates_split_a_balance_into_bucket_paid_and_written_off() -> None:
    # At 31 Jan: invoice 1 (100.00) and 2 (300.00) are 1-30 days past due.
    # By 28 Feb: 1 is paid in full, 2 rolls to 31-60 after a 100.00 write-off.
    b = book(
        [(1, "2025-12-01", "2026-01-10", 10_000), (2, "2025-12-01", "2026-01-10", 30_000)],
        payments=[(1, "2026-02-10", 10_000)],
        write_offs=[(2, "2026-02-15", 10_000)],
    )
    ends = month_ends(date(2026, 2, 28), 2)
    flows = roll_flows(b, snapshots(b, ends, BUCKETS), ends)
    matrix = roll_matrix(flows, 1).filter(pl.col("rate") > 0)
    assert matrix.select(pl.col("origin").cast(pl.String), pl.col("destination").cast(pl.String), "rate").rows() == [
        ("1-30", "31-60", 0.5),
        ("1-30", "Paid", 0.25),
        ("1-30", "Written off", 0.25),
    ]


def test_the_twelve_month_average_is_the_mean_of_monthly_rates() -> None:
    # Current balance: in Jan half of 200.00 is paid, in Feb none of 100.00 is.
    b = book(
        [(1, "2025-12-20", "2026-03-20", 10_000), (2, "2025-12-20", "2026-03-20", 10_000)],
        payments=[(1, "2026-01-15", 10_000)],
    )
    ends = month_ends(date(2026, 2, 28), 3)
    flows = roll_flows(b, snapshots(b, ends, BUCKETS), ends)
    average = roll_matrix(flows, 12).filter(pl.col("rate") > 0)
    assert average.select(pl.col("destination").cast(pl.String), "rate").rows() == [("Current", 0.75), ("Paid", 0.25)]
