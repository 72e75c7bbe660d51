"""DSO, best possible DSO, ADD, CEI and the trailing bad-debt rate, by hand."""

from datetime import date

import polars as pl
import pytest

from data_access.metrics.buckets import Buckets
from data_access.metrics.monthly import (
    best_possible_dso,
    collection_effectiveness,
    count_back_dso,
    month_series,
    with_ratios,
)
from data_access.metrics.snapshots import month_ends, snapshots
from tests.books import book


def test_count_back_dso_of_the_brief() -> None:
    # 212,000 with sales 100,000 / 80,000 / 70,000 in 30-day months: 30 + 30 + 32/70 x 30.
    assert count_back_dso(212_000, [(100_000, 30), (80_000, 30), (70_000, 30)]) == pytest.approx(73.714, abs=1e-3)


def test_count_back_stops_inside_the_newest_month_when_receivables_are_small() -> None:
    assert count_back_dso(50_000, [(100_000, 31)]) == 15.5


def test_count_back_without_enough_sales_history_is_unknown() -> None:
    assert count_back_dso(500_000, [(100_000, 30), (80_000, 30)]) is None


def test_best_possible_dso_and_average_days_delinquent() -> None:
    best = best_possible_dso(60_000, 100_000, 30)
    assert best == 18.0
    assert count_back_dso(212_000, [(100_000, 30), (80_000, 30), (70_000, 30)]) - best == pytest.approx(55.714, abs=1e-3)


def test_collection_effectiveness_index() -> None:
    # (500 + 300 - 450) / (500 + 300 - 250) x 100
    assert collection_effectiveness(500, 300, 450, 250) == pytest.approx(63.636, abs=1e-3)


def test_month_series_and_the_trailing_bad_debt_rate() -> None:
    # One 1,000.00 invoice a month from Jan to Dec 2025, due in 60 days; invoice 1 is written off in
    # full in Dec, everything else is open: 12 month ends, 1,000.00 written off.
    invoices = [(m, f"2025-{m:02d}-01", f"2025-{m:02d}-01", 100_000) for m in range(1, 13)]
    b = book([(i, issued, due, amount) for i, issued, due, amount in invoices],
             write_offs=[(1, "2025-12-15", 100_000)])  # fmt: skip
    ends = month_ends(date(2025, 12, 31), 12)
    series = with_ratios(month_series(b, snapshots(b, ends, Buckets.from_edges((0, 30, 60, 90, 180))), ends))
    last = series.row(-1, named=True)
    assert last["sales_cents"] == 100_000 and last["write_offs_cents"] == 100_000
    receivables = series["receivables_cents"].to_list()
    assert receivables == [100_000 * m for m in range(1, 12)] + [1_100_000]
    assert last["bad_debt_rate"] == pytest.approx(100_000 / (sum(receivables) / 12))
    assert series["bad_debt_rate"].null_count() == 11
    assert series.row(0, named=True)["dso"] == 31.0  # one month of sales outstanding


def test_cei_of_a_month_in_the_series() -> None:
    # Dec: opening 1,000.00 (due 10 Dec), sales 500.00 (due in Jan), 600.00 of the opening collected.
    b = book([(1, "2025-11-01", "2025-12-10", 100_000), (2, "2025-12-05", "2026-01-05", 50_000)],
             payments=[(1, "2025-12-20", 60_000)])  # fmt: skip
    ends = month_ends(date(2025, 12, 31), 2)
    series = with_ratios(month_series(b, snapshots(b, ends, Buckets.from_edges((0, 30, 60, 90, 180))), ends))
    december = series.filter(pl.col("month_end") == date(2025, 12, 31)).row(0, named=True)
    # (1,000 + 500 - 900) / (1,000 + 500 - 500) x 100 = 60
    assert december["cei"] == pytest.approx(60.0)


def test_months_before_the_data_are_not_history() -> None:
    # Two empty month ends before the data, then sales of 100 and receivables of 150 in a 30-day month:
    # the count-back runs out of history (150 > 100) -> unknown, not 61 + 30 + ... days of padding.
    series = pl.DataFrame({
        "month_end": [date(2023, 9, 30), date(2023, 10, 31), date(2023, 11, 30), date(2023, 12, 31)],
        "days": [30, 31, 30, 31], "receivables_cents": [0, 0, 150, 120], "current_cents": [0, 0, 60, 50],
        "sales_cents": [0, 0, 100, 80], "cash_cents": [0, 0, 0, 0], "credits_cents": [0, 0, 0, 0],
        "write_offs_cents": [0, 0, 0, 0],
    })  # fmt: skip
    ratios = with_ratios(series)
    assert ratios["dso"].to_list()[:3] == [None, None, None]
    # December: 80 of December's sales, then 40 of November's 100: 31 + 40/100 x 30 = 43.0 days.
    assert ratios["dso"][3] == pytest.approx(43.0)
    assert ratios["cei"].to_list()[:3] == [None, None, None]
    assert ratios["bad_debt_rate"].to_list() == [None, None, None, None]
