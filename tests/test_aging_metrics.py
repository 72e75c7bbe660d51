"""KPIs, bucket totals, aging by dimension and drill-downs on a hand-built book."""

from datetime import date

import polars as pl

from data_access.metrics import aging
from data_access.metrics.asof import debtor_dimensions, invoice_state, with_dimensions
from data_access.metrics.buckets import Buckets
from tests.books import book

BUCKETS = Buckets.from_edges((0, 30, 60, 90, 180))
AS_OF = date(2026, 6, 30)


def state_of(portfolio):
    dims = debtor_dimensions(portfolio, AS_OF)
    return with_dimensions(invoice_state(portfolio, AS_OF, BUCKETS), portfolio, dims)


# Debtor 1: one current invoice (100.00) and one 20 days overdue (50.00, 10.00 paid).
# Debtor 2: one invoice 100 days overdue (200.00).
BOOK = book(
    [
        (1, "2026-06-01", "2026-07-01", 10_000),
        (2, "2026-05-01", "2026-06-10", 5_000),
        (3, "2026-02-01", "2026-03-22", 20_000),
    ],
    payments=[(2, "2026-06-15", 1_000)],
    debtor_of={1: 1, 2: 1, 3: 2},
)


def test_kpis_of_a_small_book() -> None:
    k = aging.kpis(state_of(BOOK))
    assert k.total_cents == 10_000 + 4_000 + 20_000
    assert k.overdue_cents == 24_000
    assert k.severe_cents == 20_000
    assert k.debtors_overdue == 2
    # (4,000 x 20 + 20,000 x 100) / 34,000
    assert k.weighted_days_delinquent == (4_000 * 20 + 20_000 * 100) / 34_000
    assert round(k.overdue_share, 6) == round(24_000 / 34_000, 6)


def test_bucket_totals_list_every_bucket_and_add_up_to_the_total() -> None:
    totals = aging.bucket_totals(state_of(BOOK), BUCKETS)
    assert totals.select(pl.col("bucket").cast(pl.String), "amount_cents", "invoices").rows() == [
        ("Current", 10_000, 1), ("1-30", 4_000, 1), ("31-60", 0, 0), ("61-90", 0, 0), ("91-180", 20_000, 1),
        ("180+", 0, 0),
    ]  # fmt: skip
    assert totals["amount_cents"].sum() == aging.kpis(state_of(BOOK)).total_cents


def test_aging_by_debtor_grade_pivots_buckets_into_columns() -> None:
    by = aging.aging_by(state_of(BOOK), "grade", BUCKETS)
    assert by.columns == ["grade", *BUCKETS.labels, "total", "overdue_share"]
    assert by.row(0, named=True)["total"] == 34_000


def test_debtor_drill_down_orders_by_outstanding() -> None:
    debtors = aging.debtors_of(state_of(BOOK))
    assert debtors.select("debtor_id", "invoices", "outstanding_cents", "overdue_cents", "max_dpd").rows() == [
        (2, 1, 20_000, 20_000, 100),
        (1, 2, 14_000, 4_000, 20),
    ]


def test_invoices_of_a_debtor_show_reductions_and_days_past_due() -> None:
    invoices = aging.invoices_of(state_of(BOOK), 1)
    assert invoices.select("invoice_number", "paid_cents", "outstanding_cents", "dpd").rows() == [
        ("T-2", 1_000, 4_000, 20),
        ("T-1", 0, 10_000, -1),
    ]


def test_kpis_by_invoice_date_age_from_the_issue_date() -> None:
    by_age = Buckets.from_edges((0, 30, 60, 90, 180), "invoice")
    state = with_dimensions(invoice_state(BOOK, AS_OF, by_age, "invoice"), BOOK, debtor_dimensions(BOOK, AS_OF))
    k = aging.kpis(state, by_age)
    # Ages at 2026-06-30: invoice 1 issued 06-01 -> 29 days, invoice 2 05-01 -> 60, invoice 3 02-01 -> 149.
    assert k.overdue_cents == 4_000 + 20_000  # older than 30 days
    assert k.severe_cents == 20_000  # issued more than 90 days ago
    assert k.debtors_overdue == 2
    assert k.weighted_days_delinquent == (10_000 * 29 + 4_000 * 60 + 20_000 * 149) / 34_000


def test_a_debtor_with_nothing_past_due_has_no_worst_days_past_due() -> None:
    debtors = aging.debtors_of(state_of(book([(1, "2026-06-01", "2026-07-20", 10_000)])))
    assert debtors["max_dpd"].to_list() == [None]
