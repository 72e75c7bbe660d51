"""The as-of state: every open invoice at date D with its outstanding, days past due and bucket.

Only facts dated <= D count. A page computes this once per (data version, D, basis) and derives
every KPI, table and chart from it; filters are applied to it afterwards, without a database read.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from data_access.metrics.buckets import DUE_DATE, Buckets
from data_access.book.portfolio import CREDIT, PAYMENT, WRITE_OFF, Portfolio

STATE_COLUMNS = (
    "invoice_id", "invoice_number", "client_id", "debtor_id", "issue_date", "due_date", "amount_cents", "recourse",
    "paid_cents", "credited_cents", "written_off_cents", "outstanding_cents", "overpaid_cents", "dpd",
    "age_days", "bucket",
)  # fmt: skip


def reductions_until(portfolio: Portfolio, as_of: date) -> pl.DataFrame:
    """Per invoice: paid, credited and written off up to and including ``as_of``."""
    return (
        portfolio.reductions.lazy()
        .filter(pl.col("date") <= as_of)
        .group_by("invoice_id")
        .agg(
            pl.col("amount_cents").filter(pl.col("kind") == kind).sum().alias(name)
            for kind, name in ((PAYMENT, "paid_cents"), (CREDIT, "credited_cents"), (WRITE_OFF, "written_off_cents"))
        )
        .collect()
    )


def invoice_balances(portfolio: Portfolio, as_of: date) -> pl.DataFrame:
    """Every invoice issued by ``as_of`` with its reductions and signed remainder (before clipping)."""
    return (
        portfolio.invoices.lazy()
        .filter(pl.col("issue_date") <= as_of)
        .join(reductions_until(portfolio, as_of).lazy(), on="invoice_id", how="left")
        .with_columns(pl.col("paid_cents", "credited_cents", "written_off_cents").fill_null(0))
        .with_columns(
            (pl.col("amount_cents") - pl.col("paid_cents") - pl.col("credited_cents") - pl.col("written_off_cents"))
            .alias("remainder_cents")
        )
        .collect()
    )


def invoice_state(portfolio: Portfolio, as_of: date, buckets: Buckets, basis: str = DUE_DATE) -> pl.DataFrame:
    """Open (or overpaid) invoices at ``as_of``: outstanding never below zero, overpayment apart."""
    days = pl.col("dpd") if basis == DUE_DATE else pl.col("age_days")
    return (
        invoice_balances(portfolio, as_of)
        .lazy()
        .filter(pl.col("remainder_cents") != 0)
        .with_columns(
            pl.col("remainder_cents").clip(lower_bound=0).alias("outstanding_cents"),
            (-pl.col("remainder_cents")).clip(lower_bound=0).alias("overpaid_cents"),
            (pl.lit(as_of) - pl.col("due_date")).dt.total_days().cast(pl.Int32).alias("dpd"),
            (pl.lit(as_of) - pl.col("issue_date")).dt.total_days().cast(pl.Int32).alias("age_days"),
        )
        .with_columns(buckets.label(days).alias("bucket"))
        .select(STATE_COLUMNS)
        .collect()
    )


def debtor_dimensions(portfolio: Portfolio, as_of: date) -> pl.DataFrame:
    """Per debtor at ``as_of``: region, industry, rating grade and assigned collector (with names)."""
    ratings = portfolio.ratings.filter(pl.col("rated_on") <= as_of).sort("rated_on")
    grade = ratings.group_by("debtor_id").agg(pl.col("grade").last())
    owners = (
        portfolio.assignments.filter(
            (pl.col("start_date") <= as_of) & (pl.col("end_date").is_null() | (pl.col("end_date") > as_of))
        )
        .sort("start_date")
        .group_by("debtor_id")
        .agg(pl.col("collector_id").last())
    )
    return (
        portfolio.debtors.select("debtor_id", pl.col("name").alias("debtor"), "industry", "region_id")
        .join(portfolio.regions.select("region_id", pl.col("name").alias("region")), on="region_id", how="left")
        .join(grade, on="debtor_id", how="left")
        .join(owners, on="debtor_id", how="left")
        .join(
            portfolio.collectors.select("collector_id", pl.col("name").alias("collector"), "level"),
            on="collector_id",
            how="left",
        )
    )


def with_dimensions(frame: pl.DataFrame, portfolio: Portfolio, dims: pl.DataFrame) -> pl.DataFrame:
    """Attach debtor dimensions (by debtor_id) and the client name (by client_id)."""
    clients = portfolio.clients.select("client_id", pl.col("name").alias("client"))
    return frame.join(dims, on="debtor_id", how="left").join(clients, on="client_id", how="left")
