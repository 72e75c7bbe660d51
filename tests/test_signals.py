"""Early-warning signals and exposure on hand-built debtors, every number worked out by hand.

As of D = 2026-06-30 (so 90 days back is 2026-04-01, 180 days back 2026-01-01):

Debtor 1, rated BBB, downgraded to BB on 2026-05-15, credit limit 750.00:
  invoice 1: issued 03-01, due 04-01, 1,000.00; paid 300.00 on 05-10 (after its due date: a partial payment).
  Days past due at 04-01, 05-01, 05-31, 06-30: 0, 30, 60, 90 -> weighted DPD 0 < 30 < 60 < 90: rising.
  Promises on it: made 05-01 for 05-05 (400.00; nothing paid by 05-08: broken, judged 05-08), made 05-09 for
  05-10 (500.00; 300.00 paid: partly kept, judged 05-13), made 01-01 for 01-05 (broken, judged 01-08: older
  than 90 days), made 06-25 for 06-29 (judged 07-02: after D).
  Credit events: litigation 06-01 (counts), negative news 03-01 (before the window), litigation 07-05 (after D).
  Outstanding 700.00 of a 750.00 limit: 93.3 % used.
Debtor 2, rated BBB, no credit limit; a bankruptcy event on 2025-01-01 (a bankruptcy stays known):
  invoice 3: issued 06-15, due 07-15, 5,000.00, open and not due (DPD -15);
  invoice 5: issued 01-01, due 02-01, 200.00, paid in full 02-11: settled 10 days late within 180 days.
  Last payment 02-11: 139 days before D.
Debtor 3: invoice 6 paid before D, invoice 7 issued after D: no exposure at D, so no row.
Client 1 holds every invoice: at D, debtor 1 owes 700.00 and debtor 2 5,000.00 of its 5,700.00.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl
import pytest

from data_access.metrics import signals as signals_module
from data_access.metrics.signals import SIGNALS, SignalRules, client_books, debtor_signals, of_debtors
from tests.books import book

D = date(2026, 6, 30)


def hand_built():
    b = book(
        [(1, "2026-03-01", "2026-04-01", 100_000), (3, "2026-06-15", "2026-07-15", 500_000),
         (5, "2026-01-01", "2026-02-01", 20_000), (6, "2026-02-01", "2026-03-01", 10_000),
         (7, "2026-07-10", "2026-08-10", 10_000)],
        payments=[(1, "2026-05-10", 30_000), (5, "2026-02-11", 20_000), (6, "2026-02-20", 10_000)],
        debtor_of={1: 1, 3: 2, 5: 2, 6: 3, 7: 3},
    )  # fmt: skip
    b = replace(
        b,
        debtors=pl.DataFrame({"debtor_id": [1, 2, 3], "name": ["One", "Two", "Three"], "industry": ["Retail"] * 3,
                              "region_id": [1, 1, 1], "credit_limit_cents": [75_000, 0, 0]}),
        ratings=pl.DataFrame({"debtor_id": [1, 1, 2, 3], "rated_on": [date(2025, 1, 1), date(2026, 5, 15),
                                                                     date(2025, 1, 1), date(2025, 1, 1)],
                              "grade": ["BBB", "BB", "BBB", "A"]}),
    )  # fmt: skip
    d = date.fromisoformat
    promises = pl.DataFrame(
        [(1, 1, 1, 1, d("2026-05-01"), d("2026-05-05"), 40_000), (2, 1, 1, 1, d("2026-05-09"), d("2026-05-10"), 50_000),
         (3, 1, 1, 1, d("2026-01-01"), d("2026-01-05"), 10_000), (4, 1, 1, 1, d("2026-06-25"), d("2026-06-29"), 10_000)],
        schema=["promise_id", "debtor_id", "invoice_id", "collector_id", "made_on", "promised_date", "amount_cents"],
        orient="row",
    )  # fmt: skip
    events = pl.DataFrame(
        [(1, 1, d("2026-06-01"), "litigation"), (2, 1, d("2026-03-01"), "negative_news"),
         (3, 1, d("2026-07-05"), "litigation"), (4, 2, d("2025-01-01"), "bankruptcy")],
        schema=["event_id", "debtor_id", "event_date", "event_type"], orient="row",
    )  # fmt: skip
    return b, promises, events


@pytest.fixture(scope="module")
def rows() -> dict[int, dict]:
    b, promises, events = hand_built()
    frame = debtor_signals(b, promises, events, [D])
    return {row["debtor_id"]: row for row in frame.iter_rows(named=True)}


def test_only_debtors_with_exposure_at_the_date_have_a_row(rows) -> None:
    assert sorted(rows) == [1, 2]


def test_exposure(rows) -> None:
    one, two = rows[1], rows[2]
    assert (one["outstanding_cents"], one["overdue_cents"], one["dpd_61_90_cents"]) == (70_000, 70_000, 70_000)
    assert one["worst_dpd"] == 90
    assert (one["open_invoices"], one["overdue_invoices"], one["weighted_dpd"]) == (1, 1, 90.0)
    assert (two["outstanding_cents"], two["overdue_cents"], two["worst_dpd"], two["weighted_dpd"]) == (500_000, 0, -15, 0.0)


def test_days_late_rising_reads_the_weighted_days_past_due_a_month_apart(rows) -> None:
    one = rows[1]
    rising = (one["weighted_dpd_3"], one["weighted_dpd_2"], one["weighted_dpd_1"], one["weighted_dpd"])
    assert rising == (0.0, 30.0, 60.0, 90.0)
    assert one["days_late_rising"] and not rows[2]["days_late_rising"]


def test_rating_now_ninety_days_before_and_the_downgrade(rows) -> None:
    one = rows[1]
    assert (one["grade"], one["grade_before"], one["grade_index"] - one["grade_index_before"]) == ("BB", "BBB", 1)
    assert one["downgrades"] == 1 and one["rating_downgrade"]
    assert rows[2]["downgrades"] == 0 and not rows[2]["rating_downgrade"]


def test_credit_events_in_the_window_and_bankruptcy_ever(rows) -> None:
    one, two = rows[1], rows[2]
    assert (one["litigation_events"], one["negative_news_events"], one["bankruptcy_events"]) == (1, 0, 0)
    assert one["litigation"] and not one["negative_news"]
    assert two["bankruptcy_events"] == 1 and two["bankruptcy"]


def test_promises_judged_in_the_last_ninety_days(rows) -> None:
    one = rows[1]
    assert (one["broken_promises_90d"], one["partial_promises_90d"], one["kept_promises_90d"]) == (1, 1, 0)
    assert one["broken_promises"]


def test_partial_payments_history_and_quiet_days(rows) -> None:
    one, two = rows[1], rows[2]
    assert one["partial_payments_90d"] == 1 and one["partial_payments"]
    assert (two["settled_180d"], two["late_180d"], two["days_late_180d"]) == (1, 1, 10.0)
    assert (one["days_since_payment"], two["days_since_payment"]) == (51, 139)


def test_credit_limit_and_client_concentration(rows) -> None:
    one, two = rows[1], rows[2]
    assert one["limit_utilisation_share"] == pytest.approx(70_000 / 75_000)
    assert one["limit_utilisation"] and two["limit_utilisation_share"] is None and not two["limit_utilisation"]
    assert one["client_share"] == pytest.approx(700 / 5_700) and two["client_share"] == pytest.approx(5_000 / 5_700)
    assert not one["client_concentration"] and two["client_concentration"]


def test_the_signals_on_and_their_count(rows) -> None:
    on = {debtor: [s for s in SIGNALS if row[s]] for debtor, row in rows.items()}
    assert on[1] == ["rating_downgrade", "litigation", "broken_promises", "partial_payments", "days_late_rising",
                     "limit_utilisation"]  # fmt: skip
    assert on[2] == ["bankruptcy", "client_concentration"]
    assert (rows[1]["signals"], rows[2]["signals"]) == (6, 2)


def test_the_thresholds_come_from_the_rules() -> None:
    b, promises, events = hand_built()
    strict = debtor_signals(b, promises, events, [D], SignalRules(limit_flag=0.95, client_share=0.90))
    by_debtor = {row["debtor_id"]: row for row in strict.iter_rows(named=True)}
    assert not by_debtor[1]["limit_utilisation"] and not by_debtor[2]["client_concentration"]
    assert (by_debtor[1]["signals"], by_debtor[2]["signals"]) == (5, 1)


def test_many_dates_at_once_equal_each_date_alone() -> None:
    b, promises, events = hand_built()
    dates = [date(2026, 5, 31), D]
    together = debtor_signals(b, promises, events, dates)
    for day in dates:
        alone = debtor_signals(b, promises, events, [day])
        assert together.filter(pl.col("as_of") == day).equals(alone)
    may = together.filter(pl.col("as_of") == date(2026, 5, 31)).row(0, named=True)
    assert (may["debtor_id"], may["outstanding_cents"], may["worst_dpd"], may["partial_payments_90d"]) == (1, 70_000, 60, 1)


def test_a_client_s_book_is_the_sum_of_its_invoices_open_at_each_date() -> None:
    b, _, _ = hand_built()
    # 2026-02-15: invoice 6 (100.00, paid 02-20) is open; invoice 5 was paid 02-11; invoices 1 and 3 not yet issued.
    # D: debtor 1's 700.00 and debtor 2's 5,000.00.
    books = client_books(b, [D, date(2026, 2, 15)])
    assert books.rows() == [(date(2026, 2, 15), 1, 10_000), (D, 1, 570_000)]


def test_a_sample_of_debtors_with_the_whole_book_s_client_books_keeps_their_share_of_all_of_it() -> None:
    b, promises, events = hand_built()
    two = pl.Series("debtor_id", [2])
    alone = debtor_signals(*of_debtors(b, promises, events, two), [D], books=client_books(b, [D]))
    whole = debtor_signals(b, promises, events, [D]).filter(pl.col("debtor_id") == 2)
    assert alone.equals(whole)
    assert alone["client_share"].to_list() == [500_000 / 570_000]  # not 1.0: debtor 1 owes the client too


def test_a_large_book_computed_in_parts_of_whole_debtors_gives_the_same_rows(monkeypatch) -> None:
    b, promises, events = hand_built()
    dates = [date(2026, 5, 31), D]
    whole = debtor_signals(b, promises, events, dates)
    monkeypatch.setattr(signals_module, "PART_INVOICES", 2)  # 5 invoices: three parts, debtor id modulo 3
    in_parts = debtor_signals(b, promises, events, dates)
    assert in_parts.equals(whole)
    assert whole.select("as_of", "debtor_id").rows() == [(date(2026, 5, 31), 1), (D, 1), (D, 2)]


def test_a_client_book_missing_from_the_given_books_leaves_the_share_unknown_not_flagged() -> None:
    b, promises, events = hand_built()
    other_day = client_books(b, [date(2026, 2, 15)])  # no client book at D
    rows = debtor_signals(b, promises, events, [D], books=other_day)
    assert rows["client_share"].null_count() == rows.height
    assert not rows["client_concentration"].any()
