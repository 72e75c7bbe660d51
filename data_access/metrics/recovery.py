"""Tiered recovery rate and promise-to-pay results for a period P = [start, end].

The overdue pool of P: every receivable overdue at the start of P (entering on ``start`` with its
outstanding at the end of the previous day, in the tier of its days past due on ``start``), and
every receivable that falls overdue during P (entering the day after its due date, in the first
tier, with its outstanding at the end of the due date). Recovery of a tier = cash received on
its receivables from entry to the end of P ÷ their outstanding at entry (cash capped at that
outstanding, so an overpayment cannot lift a rate above 100 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from data_access.metrics.asof import remainder_cents
from data_access.metrics.buckets import Buckets
from data_access.book.portfolio import PAYMENT, Portfolio

TIER_EDGES = (0, 30, 60, 90)  # tiers 1-30, 31-60, 61-90, 90+ of the appraisal scheme
TIERS = Buckets.from_edges(TIER_EDGES).labels[1:]


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def month_to_date(cls, day: date) -> Period:
        return cls(day.replace(day=1), day)

    def previous_month_like_for_like(self) -> Period:
        """The previous calendar month over the same days (1st to the same day, clipped)."""
        last_of_previous = self.start - timedelta(days=1)
        day = min(self.end.day, last_of_previous.day)
        return Period(last_of_previous.replace(day=1), last_of_previous.replace(day=day))


def recovery_pool(book: Portfolio, period: Period) -> pl.DataFrame:
    """Receivables in P's overdue pool: tier, entry date, outstanding at entry, cash collected in P."""
    tiers = Buckets.from_edges(TIER_EDGES)
    day_before = period.start - timedelta(days=1)
    # Everything dated by the day before P reduces the opening outstanding (payments, credit notes and
    # write-offs alike): the invoice's remainder that day (``asof.remainder_cents``, one pass over the
    # reductions, no join). Only the pool's rows are copied out of the book, and labelled.
    remainder = remainder_cents(book, day_before)
    entering = (remainder > 0) & (book.invoices["due_date"] < period.start).to_numpy()
    opening = (
        book.invoices.filter(pl.Series(entering)).lazy()
        .with_columns(
            pl.Series("entry_cents", remainder[entering]),
            pl.lit(period.start).alias("entry_date"),
            tiers.label((pl.lit(period.start) - pl.col("due_date")).dt.total_days()).cast(pl.String).alias("tier"),
        )
    )  # fmt: skip
    falling_due = book.invoices.lazy().filter(
        pl.col("due_date").is_between(day_before, period.end - timedelta(days=1), closed="right")
    )
    reduced_by_due = (
        book.reductions.lazy().join(falling_due.select("invoice_id", "due_date"), on="invoice_id")
        .filter(pl.col("date") <= pl.col("due_date"))
        .group_by("invoice_id")
        .agg(pl.col("amount_cents").sum().alias("reduced"))
    )  # fmt: skip
    newly_overdue = falling_due.join(reduced_by_due, on="invoice_id", how="left").with_columns(
        (pl.col("amount_cents") - pl.col("reduced").fill_null(0)).alias("entry_cents"),
        (pl.col("due_date") + timedelta(days=1)).alias("entry_date"),
        pl.lit(TIERS[0]).alias("tier"),
    )
    columns = ["invoice_id", "debtor_id", "client_id", "tier", "entry_date", "entry_cents"]
    pool = (
        pl.concat([opening.select(columns), newly_overdue.select(columns)]).filter(pl.col("entry_cents") > 0).collect()
    )
    cash = (
        book.reductions.lazy()
        .filter((pl.col("kind") == PAYMENT) & pl.col("date").is_between(period.start, period.end))
        .join(pool.lazy().select("invoice_id", "entry_date"), on="invoice_id")
        .filter(pl.col("date") >= pl.col("entry_date"))
        .group_by("invoice_id")
        .agg(pl.col("amount_cents").sum().alias("cash"))
    )
    return (
        pool.lazy().join(cash, on="invoice_id", how="left")
        .with_columns(pl.min_horizontal(pl.col("cash").fill_null(0), pl.col("entry_cents")).alias("collected_cents"))
        .drop("cash")
        .collect()
    )  # fmt: skip


def recovery_by_tier(pool: pl.DataFrame, targets: tuple[float, ...]) -> pl.DataFrame:
    """Per tier: receivables, outstanding at entry, collected, rate and target; every tier present."""
    sums = pool.group_by("tier").agg(
        pl.len().alias("receivables"), pl.col("entry_cents").sum(), pl.col("collected_cents").sum()
    )
    return (
        pl.DataFrame({"tier": list(TIERS), "target": list(targets[: len(TIERS)])})
        .join(sums, on="tier", how="left")
        .with_columns(pl.col("receivables", "entry_cents", "collected_cents").fill_null(0))
        .with_columns(
            pl.when(pl.col("entry_cents") > 0).then(pl.col("collected_cents") / pl.col("entry_cents")).alias("rate")
        )
        .with_columns((pl.col("rate") >= pl.col("target")).alias("met"))
        .select("tier", "receivables", "entry_cents", "collected_cents", "rate", "target", "met")
    )


def overall_recovery(by_tier: pl.DataFrame) -> tuple[float | None, float | None]:
    """Overall rate and its target, the tier targets weighted by each tier's outstanding at entry."""
    entry = by_tier["entry_cents"].sum()
    if not entry:
        return None, None
    rate = by_tier["collected_cents"].sum() / entry
    target = (by_tier["entry_cents"] * by_tier["target"]).sum() / entry
    return rate, target


def promise_results(promises: pl.DataFrame, book: Portfolio, grace_days: int, as_of: date) -> pl.DataFrame:
    """Each promise made by ``as_of`` and judged once its grace has passed by then: kept, partial or broken.

    Paid = payments on the promised invoice dated from the day the promise was made to the
    promised date plus the grace days (all on or before ``as_of``, since the grace has passed).
    Kept when paid >= promised amount; partial when some was paid.
    """
    judged = promises.filter(
        (pl.col("made_on") <= as_of) & (pl.col("promised_date") + timedelta(days=grace_days) <= as_of)
    )
    paid = (
        book.reductions.filter(pl.col("kind") == PAYMENT)
        .join(judged.select("promise_id", "invoice_id", "made_on", "promised_date"), on="invoice_id")
        .filter(pl.col("date").is_between(pl.col("made_on"), pl.col("promised_date") + timedelta(days=grace_days)))
        .group_by("promise_id")
        .agg(pl.col("amount_cents").sum().alias("paid_cents"))
    )
    return judged.join(paid, on="promise_id", how="left").with_columns(
        pl.col("paid_cents").fill_null(0),
    ).with_columns(
        pl.when(pl.col("paid_cents") >= pl.col("amount_cents")).then(pl.lit("kept"))
        .when(pl.col("paid_cents") > 0).then(pl.lit("partial"))
        .otherwise(pl.lit("broken")).alias("status")
    )  # fmt: skip


def kept_rate(results: pl.DataFrame, period: Period) -> float | None:
    """Kept promises ÷ promises falling due (promised date) in the period and already judged."""
    due = results.filter(pl.col("promised_date").is_between(period.start, period.end))
    return (due["status"] == "kept").sum() / due.height if due.height else None
