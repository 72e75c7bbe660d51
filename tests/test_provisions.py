"""The provision matrix: hand-computed roll rates -> chain to write-off -> loss rates -> ECL."""

from datetime import date

import polars as pl
import pytest

from data_access.metrics.buckets import Buckets
from data_access.metrics.provisions import (
    coverage, post_write_off_recovery_rate, provision_by_segment, provision_matrix, recovery_window,
    window_recovery_rate,
)  # fmt: skip
from data_access.metrics.snapshots import PAID, WRITTEN_OFF

LABELS = ("Current", "1-30", "30+")
ORIGIN = pl.Enum(LABELS)
DESTINATION = pl.Enum([*LABELS, PAID, WRITTEN_OFF])


def flows(rows: list[tuple[str, str, str, int]], debtor_id: int = 1) -> pl.DataFrame:
    return pl.DataFrame(
        {"month_end": [date.fromisoformat(m) for m, *_ in rows], "origin": [o for _, o, _, _ in rows],
         "destination": [d for *_, d, _ in rows], "cents": [c for *_, c in rows], "debtor_id": debtor_id},
        schema={"month_end": pl.Date, "origin": ORIGIN, "destination": DESTINATION, "cents": pl.Int64,
                "debtor_id": pl.Int64},
    )  # fmt: skip


# One month: Current rolls 20 % to 1-30; 1-30 rolls 50 % to 30+; 30+ keeps 60 %, writes off 10 %.
ONE_MONTH = flows([
    ("2026-01-31", "Current", "1-30", 200), ("2026-01-31", "Current", PAID, 800),
    ("2026-01-31", "1-30", "30+", 500), ("2026-01-31", "1-30", PAID, 500),
    ("2026-01-31", "30+", "30+", 600), ("2026-01-31", "30+", WRITTEN_OFF, 100), ("2026-01-31", "30+", PAID, 300),
])  # fmt: skip
OUTSTANDING = pl.DataFrame({"bucket": LABELS, "amount_cents": [1_000_000, 200_000, 100_000]})


def test_loss_rates_are_the_chain_of_roll_rates_after_recoveries_and_the_scalar() -> None:
    matrix = provision_matrix(ONE_MONTH, OUTSTANDING, LABELS, lookback_months=12, recovery_rate=0.2, scalar=1.2)
    rows = {r["bucket"]: r for r in matrix.iter_rows(named=True)}
    assert rows["30+"]["roll_rate"] == pytest.approx(0.25)  # 10 % written off of the 40 % that leaves
    assert rows["1-30"]["chain_to_write_off"] == pytest.approx(0.125)
    assert rows["Current"]["chain_to_write_off"] == pytest.approx(0.025)
    assert [rows[b]["loss_rate"] for b in LABELS] == pytest.approx([0.024, 0.12, 0.24])
    assert [rows[b]["ecl_cents"] for b in LABELS] == [24_000, 24_000, 24_000]
    assert coverage(matrix) == (72_000, 1_300_000, pytest.approx(72_000 / 1_300_000))


def test_the_look_back_averages_monthly_rates() -> None:
    two_months = pl.concat([ONE_MONTH, flows([
        ("2026-02-28", "Current", "1-30", 400), ("2026-02-28", "Current", PAID, 600),
        ("2026-02-28", "1-30", "30+", 500), ("2026-02-28", "1-30", PAID, 500),
        ("2026-02-28", "30+", "30+", 600), ("2026-02-28", "30+", WRITTEN_OFF, 100), ("2026-02-28", "30+", PAID, 300),
    ])])  # fmt: skip
    latest = provision_matrix(two_months, OUTSTANDING, LABELS, lookback_months=1, recovery_rate=0, scalar=1)
    both = provision_matrix(two_months, OUTSTANDING, LABELS, lookback_months=12, recovery_rate=0, scalar=1)
    assert latest.row(0, named=True)["roll_rate"] == pytest.approx(0.4)
    assert both.row(0, named=True)["roll_rate"] == pytest.approx(0.3)


def test_post_write_off_recovery_rate() -> None:
    assert post_write_off_recovery_rate(1_000_000, 150_000) == 0.15
    assert post_write_off_recovery_rate(0, 0) == 0.0


def test_no_history_means_no_loss_rate_but_still_the_outstanding() -> None:
    matrix = provision_matrix(ONE_MONTH.clear(), OUTSTANDING, LABELS, lookback_months=12, recovery_rate=0, scalar=1)
    assert matrix["loss_rate"].to_list() == [0.0, 0.0, 0.0]
    assert matrix["outstanding_cents"].to_list() == [1_000_000, 200_000, 100_000]


def test_the_recovery_rate_compares_write_offs_and_recoveries_inside_the_window() -> None:
    write_offs = pl.DataFrame({"date": [date(2026, 1, 15), date(2026, 3, 1), date(2026, 6, 30)],
                               "amount_cents": [1_000, 2_000, 3_000]})  # fmt: skip
    recoveries = pl.DataFrame({"recovery_date": [date(2026, 2, 28), date(2026, 3, 5), date(2026, 7, 1)],
                               "amount_cents": [100, 250, 400]})  # fmt: skip
    start, end = date(2026, 3, 1), date(2026, 6, 30)
    assert recovery_window(write_offs, recoveries, start, end) == (5_000, 250)  # both ends of the window count
    assert window_recovery_rate(write_offs, recoveries, start, end) == 0.05
    assert window_recovery_rate(write_offs.clear(), recoveries, start, end) == 0.0


# Industry A (debtor 1) rolls like ONE_MONTH; industry B (debtor 2) writes off 40 % of 30+ and pays the rest.
SEGMENT_FLOWS = pl.concat([ONE_MONTH, flows([("2026-01-31", "30+", WRITTEN_OFF, 400), ("2026-01-31", "30+", PAID, 600)],
                                            debtor_id=2)])  # fmt: skip
DIMENSIONS = pl.DataFrame({"debtor_id": [1, 2, 3], "industry": ["A", "B", "C"]})
STATE = pl.DataFrame(
    {"debtor_id": [1, 1, 2, 4], "industry": ["A", "A", "B", None], "bucket": ["Current", "30+", "30+", "Current"],
     "outstanding_cents": [1_000_000, 100_000, 500_000, 999]},
    schema_overrides={"bucket": ORIGIN},
)  # fmt: skip


def test_provision_by_segment_uses_each_segments_own_roll_rates() -> None:
    buckets = Buckets.from_edges((0, 30))
    assert buckets.labels == LABELS
    by = provision_by_segment(SEGMENT_FLOWS, STATE, DIMENSIONS, buckets, "industry", lookback_months=12,
                              recovery_rate=0.5, scalar=1.0)  # fmt: skip
    # A: chains 0.025, 0.125, 0.25 halved by recoveries -> 1.25 %, 6.25 %, 12.5 %;
    #    ECL = 1,000,000 x 0.0125 + 100,000 x 0.125 = 25,000 of 1,100,000.
    # B: only 30+ rolls on (0.4, halved 0.2); ECL = 500,000 x 0.2 = 100,000: the larger, so first.
    # C has nothing open and an unknown industry is no segment.
    assert by.columns == ["industry", *LABELS, "outstanding_cents", "ecl_cents", "coverage"]
    assert by["industry"].to_list() == ["B", "A"]
    b, a = by.rows(named=True)
    assert [a[label] for label in LABELS] == pytest.approx([0.0125, 0.0625, 0.125])
    assert [b[label] for label in LABELS] == pytest.approx([0.0, 0.0, 0.2])
    assert (a["outstanding_cents"], a["ecl_cents"], a["coverage"]) == (1_100_000, 25_000, pytest.approx(25 / 1_100))
    assert (b["outstanding_cents"], b["ecl_cents"], b["coverage"]) == (500_000, 100_000, pytest.approx(0.2))


def test_provision_by_segment_without_segments_is_an_empty_table() -> None:
    state = STATE.with_columns(pl.lit(None, dtype=pl.String).alias("industry"))
    by = provision_by_segment(SEGMENT_FLOWS, state, DIMENSIONS, Buckets.from_edges((0, 30)), "industry",
                              lookback_months=12, recovery_rate=0, scalar=1)  # fmt: skip
    assert by.is_empty() and by.columns == ["industry", *LABELS, "outstanding_cents", "ecl_cents", "coverage"]
