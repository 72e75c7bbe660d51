"""The provision matrix: hand-computed roll rates -> chain to write-off -> loss rates -> ECL."""

from datetime import date

import polars as pl
import pytest

from data_access.metrics.provisions import coverage, post_write_off_recovery_rate, provision_matrix
from data_access.metrics.snapshots import PAID, WRITTEN_OFF

LABELS = ("Current", "1-30", "30+")
ORIGIN = pl.Enum(LABELS)
DESTINATION = pl.Enum([*LABELS, PAID, WRITTEN_OFF])


def flows(rows: list[tuple[str, str, str, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"month_end": [date.fromisoformat(m) for m, *_ in rows], "origin": [o for _, o, _, _ in rows],
         "destination": [d for *_, d, _ in rows], "cents": [c for *_, c in rows]},
        schema={"month_end": pl.Date, "origin": ORIGIN, "destination": DESTINATION, "cents": pl.Int64},
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
