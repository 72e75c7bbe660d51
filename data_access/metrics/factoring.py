"""The factoring view of the book: dilution, debtor concentration, credit-limit use, recourse."""

from __future__ import annotations

from datetime import date

import polars as pl

from data_access.book.portfolio import CREDIT, Portfolio
from data_access.metrics.monthly import month_flows


def dilution_by_month(book: Portfolio, months: list[date], window: int = 3) -> pl.DataFrame:
    """Credit notes ÷ sales per month and over a rolling ``window`` of months (sales = invoices issued)."""
    frame = month_flows(book, months).select("month_end", "sales_cents", "credits_cents")
    return frame.with_columns(
        (pl.col("credits_cents") / pl.col("sales_cents")).alias("dilution"),
        (pl.col("credits_cents").rolling_sum(window) / pl.col("sales_cents").rolling_sum(window)).alias("rolling"),
    )


def dilution_by_client(book: Portfolio, start: date, end: date) -> pl.DataFrame:
    """Per client over [start, end]: sales, credit notes and dilution, highest dilution first."""
    invoices = book.invoices.select("invoice_id", "client_id")
    sales = book.invoices.filter(pl.col("issue_date").is_between(start, end)).group_by("client_id").agg(
        pl.col("amount_cents").sum().alias("sales_cents")
    )
    credits = (
        book.reductions.filter((pl.col("kind") == CREDIT) & pl.col("date").is_between(start, end))
        .join(invoices, on="invoice_id")
        .group_by("client_id")
        .agg(pl.col("amount_cents").sum().alias("credits_cents"))
    )
    return (
        sales.join(credits, on="client_id", how="full", coalesce=True).fill_null(0)
        .join(book.clients.select("client_id", pl.col("name").alias("client")), on="client_id", how="left")
        .with_columns(pl.when(pl.col("sales_cents") > 0).then(pl.col("credits_cents") / pl.col("sales_cents"))
                      .alias("dilution"))
        .select("client_id", "client", "sales_cents", "credits_cents", "dilution")
        .sort("dilution", "client_id", descending=[True, False], nulls_last=True)  # ties in a fixed order
    )  # fmt: skip


def top_debtor_share(state: pl.DataFrame, n: int = 10) -> tuple[float, pl.DataFrame]:
    """The ``n`` largest debtors by outstanding and their joint share of the total."""
    by_debtor = state.group_by("debtor_id", "debtor").agg(pl.col("outstanding_cents").sum()).sort(
        "outstanding_cents", "debtor_id", descending=[True, False]
    )
    total = by_debtor["outstanding_cents"].sum()
    top = by_debtor.head(n).with_columns((pl.col("outstanding_cents") / total).alias("share"))
    return (top["outstanding_cents"].sum() / total if total else 0.0), top


def concentrated_debtors(state: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """Debtors holding more than ``threshold`` of a client's outstanding book."""
    pairs = state.group_by("client_id", "client", "debtor_id", "debtor").agg(pl.col("outstanding_cents").sum())
    return (
        pairs.with_columns((pl.col("outstanding_cents") / pl.col("outstanding_cents").sum().over("client_id"))
                           .alias("share_of_client"))
        .filter(pl.col("share_of_client") > threshold)
        .sort("share_of_client", "client_id", "debtor_id", descending=[True, False, False])
    )  # fmt: skip


def limit_utilisation(state: pl.DataFrame, debtors: pl.DataFrame, flag: float) -> pl.DataFrame:
    """Debtor outstanding ÷ credit limit, highest first, with a flag above ``flag``."""
    return (
        state.group_by("debtor_id", "debtor").agg(pl.col("outstanding_cents").sum())
        .join(debtors.select("debtor_id", "credit_limit_cents"), on="debtor_id", how="left")
        .with_columns(pl.when(pl.col("credit_limit_cents") > 0)
                      .then(pl.col("outstanding_cents") / pl.col("credit_limit_cents")).alias("utilisation"))
        .with_columns((pl.col("utilisation") > flag).alias("over_flag"))
        .sort("utilisation", descending=True, nulls_last=True)
    )  # fmt: skip


def over_limit_count(utilisation: pl.DataFrame) -> int:
    """Debtors flagged above the utilisation flag; a debtor without a credit limit is not counted.

    One count for the Factoring KPI and the Overview's attention list, so the two always agree.
    """
    return int(utilisation["over_flag"].fill_null(False).sum())


def recourse_exposure(state: pl.DataFrame) -> pl.DataFrame:
    """Outstanding and overdue split by recourse and non-recourse invoices."""
    return state.group_by("recourse").agg(
        pl.col("outstanding_cents").sum(),
        pl.col("outstanding_cents").filter(pl.col("dpd") > 0).sum().alias("overdue_cents"),
        pl.len().alias("invoices"),
    ).sort("recourse", descending=True)


def charge_back_candidates(state: pl.DataFrame, window_days: int) -> pl.DataFrame:
    """Overdue recourse invoices older than the charge-back window (days from invoice date)."""
    return (
        state.filter(pl.col("recourse") & (pl.col("dpd") > 0) & (pl.col("age_days") > window_days)
                     & (pl.col("outstanding_cents") > 0))
        .select("invoice_number", "client", "debtor", "issue_date", "due_date", "age_days", "dpd", "outstanding_cents")
        .sort("outstanding_cents", descending=True)
    )  # fmt: skip
