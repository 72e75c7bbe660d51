"""Tiered recovery rate for a period, and promises kept / partly kept / broken with grace days."""

from datetime import date

import polars as pl
import pytest

from data_access.metrics.recovery import Period, kept_rate, overall_recovery, promise_results, recovery_by_tier, recovery_pool
from tests.books import book

FEBRUARY = Period(date(2026, 2, 1), date(2026, 2, 28))
TARGETS = (0.90, 0.80, 0.70, 0.50)

BOOK = book(
    [
        (1, "2025-12-10", "2026-01-10", 100_000),  # 22 days past due on 1 Feb: tier 1-30
        (2, "2025-11-01", "2025-12-01", 50_000),  # 62 days: tier 61-90
        (3, "2026-01-10", "2026-02-10", 80_000),  # falls overdue on 11 Feb with 600.00 left: tier 1-30
        (4, "2026-01-29", "2026-02-28", 30_000),  # falls overdue on 1 Mar: not in February's pool
        (5, "2025-09-01", "2025-10-01", 100_000),  # 123 days: tier 90+, written off, no cash
    ],
    payments=[(1, "2026-02-05", 40_000), (2, "2026-02-20", 50_000), (3, "2026-02-10", 20_000),
              (3, "2026-02-25", 30_000)],  # fmt: skip
    write_offs=[(5, "2026-02-15", 100_000)],
)


def test_the_pool_fixes_each_receivables_tier_when_it_enters() -> None:
    pool = recovery_pool(BOOK, FEBRUARY).sort("invoice_id")
    assert pool.select("invoice_id", "tier", "entry_date", "entry_cents", "collected_cents").rows() == [
        (1, "1-30", date(2026, 2, 1), 100_000, 40_000),
        (2, "61-90", date(2026, 2, 1), 50_000, 50_000),
        (3, "1-30", date(2026, 2, 11), 60_000, 30_000),
        (5, "90+", date(2026, 2, 1), 100_000, 0),
    ]


def test_recovery_rate_per_tier_against_the_tiered_targets() -> None:
    by_tier = recovery_by_tier(recovery_pool(BOOK, FEBRUARY), TARGETS)
    assert by_tier.select("tier", "entry_cents", "collected_cents", "rate", "met").rows() == [
        ("1-30", 160_000, 70_000, 0.4375, False),
        ("31-60", 0, 0, None, None),
        ("61-90", 50_000, 50_000, 1.0, True),
        ("90+", 100_000, 0, 0.0, False),
    ]


def test_overall_recovery_and_its_blended_target() -> None:
    rate, target = overall_recovery(recovery_by_tier(recovery_pool(BOOK, FEBRUARY), TARGETS))
    assert rate == pytest.approx(120_000 / 310_000)
    assert target == pytest.approx((160_000 * 0.9 + 50_000 * 0.7 + 100_000 * 0.5) / 310_000)


def test_the_previous_period_covers_the_same_days() -> None:
    assert Period(date(2026, 3, 1), date(2026, 3, 30)).previous_month_like_for_like() == FEBRUARY
    assert Period.month_to_date(date(2026, 2, 14)) == Period(date(2026, 2, 1), date(2026, 2, 14))


def test_promises_are_kept_partly_kept_or_broken_within_the_grace_days() -> None:
    b = book([(1, "2026-01-01", "2026-01-31", 50_000), (2, "2026-01-01", "2026-01-31", 50_000),
              (3, "2026-01-01", "2026-01-31", 50_000)],
             payments=[(1, "2026-02-13", 50_000), (2, "2026-02-11", 20_000), (3, "2026-02-14", 50_000)])  # fmt: skip
    promises = pl.DataFrame({
        "promise_id": [1, 2, 3], "invoice_id": [1, 2, 3], "made_on": [date(2026, 2, 1)] * 3,
        "promised_date": [date(2026, 2, 10)] * 3, "amount_cents": [50_000] * 3,
    })  # fmt: skip
    results = promise_results(promises, b, grace_days=3, as_of=date(2026, 2, 28))
    assert results.sort("promise_id")["status"].to_list() == ["kept", "partial", "broken"]
    assert kept_rate(results, FEBRUARY) == pytest.approx(1 / 3)


def test_a_promise_is_not_judged_before_its_grace_has_passed() -> None:
    b = book([(1, "2026-01-01", "2026-01-31", 50_000)])
    promises = pl.DataFrame({"promise_id": [1], "invoice_id": [1], "made_on": [date(2026, 2, 1)],
                             "promised_date": [date(2026, 2, 10)], "amount_cents": [50_000]})  # fmt: skip
    assert promise_results(promises, b, grace_days=3, as_of=date(2026, 2, 12)).is_empty()


def test_a_promise_made_after_the_as_of_date_does_not_exist_yet() -> None:
    # Made on 20 Feb with a promised date of 10 Feb (a backdated plan): its grace has passed by 15 Feb,
    # but on 15 Feb the promise had not been made.
    b = book([(1, "2026-01-01", "2026-01-31", 50_000)])
    promises = pl.DataFrame({"promise_id": [1], "invoice_id": [1], "made_on": [date(2026, 2, 20)],
                             "promised_date": [date(2026, 2, 10)], "amount_cents": [50_000]})  # fmt: skip
    assert promise_results(promises, b, grace_days=3, as_of=date(2026, 2, 15)).is_empty()
    assert promise_results(promises, b, grace_days=3, as_of=date(2026, 2, 20)).height == 1
