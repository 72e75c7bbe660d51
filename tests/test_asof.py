"""As-of correctness: only facts dated on or before the as-of date count."""

from datetime import date

import polars as pl

from data_access.metrics.asof import (
    appeals_as_of, escalation_deadline, escalations_as_of, incidents_confirmed_by, invoice_state, legal_cases_as_of,
)  # fmt: skip
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


def test_each_reduction_counts_on_its_own_invoice_whatever_the_order_of_the_ids() -> None:
    # Invoices listed as 30, 7, 12 (not in id order); invoice 10 is not in the book (another scope),
    # so its payment counts nowhere; 12 is paid by two payments and credited once.
    b = book(
        [(30, "2026-01-01", "2026-01-31", 40_000), (7, "2026-01-05", "2026-02-04", 25_000),
         (12, "2026-01-10", "2026-02-09", 10_000)],
        payments=[(12, "2026-01-20", 3_000), (10, "2026-01-21", 50_000), (7, "2026-01-22", 25_000),
                  (12, "2026-01-25", 1_000), (30, "2026-01-26", 500)],
        credits=[(12, "2026-01-27", 2_000)],
    )  # fmt: skip
    state = invoice_state(b, date(2026, 1, 31), BUCKETS)
    assert sorted(state.select("invoice_id", "paid_cents", "credited_cents", "outstanding_cents").rows()) == [
        (12, 4_000, 2_000, 4_000),
        (30, 500, 0, 39_500),
    ]


def test_far_apart_invoice_ids_are_found_as_well_as_dense_ones() -> None:
    # Ids 5 and 9,000,000,000 (too far apart for a lookup table): payments of 9,000,000,001 and 6 (not
    # in the book) count nowhere.
    b = book(
        [(9_000_000_000, "2026-01-01", "2026-01-31", 40_000), (5, "2026-01-05", "2026-02-04", 25_000)],
        payments=[(5, "2026-01-20", 5_000), (9_000_000_001, "2026-01-21", 1_000), (6, "2026-01-22", 2_000),
                  (9_000_000_000, "2026-01-23", 10_000)],
    )  # fmt: skip
    assert outstanding(b, "2026-01-31") == {5: 20_000, 9_000_000_000: 30_000}


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


def test_a_reduction_dated_before_the_issue_counts_once_the_invoice_exists() -> None:
    b = book([(1, "2026-02-10", "2026-03-12", 10_000)], credits=[(1, "2026-01-20", 2_000)])
    assert outstanding(b, "2026-02-09") == {}
    assert outstanding(b, "2026-02-10") == {1: 8_000}


def test_an_appeal_is_open_until_decided_and_absent_before_it_is_filed() -> None:
    appeals = pl.DataFrame({"appeal_id": [1, 2], "status": ["upheld", "open"],
                            "filed_on": [date(2026, 4, 10), date(2026, 4, 20)],
                            "decided_on": [date(2026, 5, 2), None]}, schema_overrides={"decided_on": pl.Date})  # fmt: skip
    status = lambda day: dict(appeals_as_of(appeals, day).select("appeal_id", "status").iter_rows())  # noqa: E731
    assert status(date(2026, 4, 9)) == {}
    assert status(date(2026, 4, 20)) == {1: "open", 2: "open"}
    assert status(date(2026, 5, 1)) == {1: "open", 2: "open"}
    assert status(date(2026, 5, 2)) == {1: "upheld", 2: "open"}


def test_the_escalation_deadline_counts_working_days() -> None:
    # Five working days after Fri 6 Feb is Fri 13 Feb; after Sat 7 Feb (counted from Mon 9) Mon 16 Feb;
    # after Wed 11 Feb, Wed 18 Feb.
    flagged = pl.Series([date(2026, 2, 6), date(2026, 2, 7), date(2026, 2, 11)])
    assert escalation_deadline(flagged, 5).to_list() == [date(2026, 2, 13), date(2026, 2, 16), date(2026, 2, 18)]


def test_escalations_as_of_are_timely_late_or_not_yet_judged() -> None:
    # All flagged Fri 6 Feb (deadline Fri 13 Feb).
    escalations = pl.DataFrame({"escalation_id": [1, 2, 3, 4], "flagged_on": [date(2026, 2, 6)] * 4,
                                "escalated_on": [date(2026, 2, 9), date(2026, 2, 13), date(2026, 2, 16), None]})  # fmt: skip
    judged = lambda day: escalations_as_of(escalations, day, 5)["timely"].to_list()  # noqa: E731
    assert judged(date(2026, 2, 5)) == []  # nothing flagged yet
    assert judged(date(2026, 2, 9)) == [True, None, None, None]  # the others can still be in time
    assert judged(date(2026, 2, 13)) == [True, True, False, False]  # the deadline is over at the day's end
    assert judged(date(2026, 2, 16)) == [True, True, False, False]
    assert escalations_as_of(escalations, date(2026, 2, 12), 5)["escalated_on"].to_list() == [date(2026, 2, 9), None,
                                                                                           None, None]  # fmt: skip


def test_an_incident_counts_once_its_confirmation_is_dated() -> None:
    incidents = pl.DataFrame({"incident_id": [1, 2, 3], "confirmed": [True, True, False],
                              "confirmed_on": [date(2026, 3, 1), date(2026, 3, 5), None]})  # fmt: skip
    assert incidents_confirmed_by(incidents, date(2026, 3, 4))["incident_id"].to_list() == [1]
    assert incidents_confirmed_by(incidents, date(2026, 3, 31))["incident_id"].to_list() == [1, 2]


def test_a_legal_case_is_at_its_latest_stage_entered_by_the_date() -> None:
    cases = pl.DataFrame({"case_id": [1], "opened_on": [date(2026, 1, 5)], "stage": ["closed"],
                          "claimed_cents": [90_000], "recovered_cents": [60_000]})  # fmt: skip
    # Judgment and enforcement entered on the same day: the later stage is where the case stands.
    stages = pl.DataFrame({"stage_id": [1, 3, 2, 4], "case_id": [1, 1, 1, 1],
                           "stage": ["filed", "enforcement", "judgment", "closed"],
                           "entered_on": [date(2026, 1, 8), date(2026, 4, 1), date(2026, 4, 1), date(2026, 8, 1)],
                           "recovered_cents": [0, 20_000, 0, 60_000]})  # fmt: skip
    def at(day: date) -> list[tuple]:
        return legal_cases_as_of(cases, stages, day).select(pl.col("stage").cast(pl.String), "recovered_cents").rows()

    assert at(date(2026, 1, 4)) == []
    assert at(date(2026, 1, 6)) == [("filed", 0)]  # opened, no stage row yet
    assert at(date(2026, 4, 1)) == [("enforcement", 20_000)]
    assert at(date(2026, 8, 1)) == [("closed", 60_000)]


def test_an_incident_confirmed_after_the_date_is_unconfirmed_then() -> None:
    from data_access.metrics.asof import incidents_as_of

    incidents = pl.DataFrame({
        "incident_id": [1, 2, 3], "reported_on": [date(2026, 1, 5), date(2026, 1, 10), date(2026, 3, 1)],
        "confirmed": [True, True, False], "confirmed_on": [date(2026, 1, 20), date(2026, 2, 15), None],
    })  # fmt: skip
    at = incidents_as_of(incidents, date(2026, 1, 31))
    assert at.select("incident_id", "confirmed", "confirmed_on").rows() == [
        (1, True, date(2026, 1, 20)), (2, False, None)]  # fmt: skip
