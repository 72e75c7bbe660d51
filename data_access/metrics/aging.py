"""Aging metrics derived from the as-of state: KPIs, buckets, aging by dimension, drill-downs.

Every function is pure: a state frame (from ``asof.invoice_state`` joined with dimensions and
filtered) in, a small Polars frame or dict out. Amounts stay in integer cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from data_access.metrics.buckets import CURRENT, Buckets

# Dimension -> (key column, label column) in the state frame.
DIMENSIONS = {
    "region": ("region_id", "region"),
    "client": ("client_id", "client"),
    "industry": ("industry", "industry"),
    "collector": ("collector_id", "collector"),
    "grade": ("grade", "grade"),
}
SEVERE_DPD = 90  # "90+ share": outstanding more than 90 days past due


@dataclass(frozen=True)
class AgingKpis:
    total_cents: int
    overdue_cents: int
    severe_cents: int
    weighted_days_delinquent: float
    debtors_overdue: int
    open_invoices: int
    overpaid_cents: int
    # Unapplied cash, credit on account and unapplied credit notes open at the date (docs/metrics.md):
    # its own line, never inside a bucket; it lowers the net exposure, not the outstanding.
    unapplied_cents: int = 0

    @property
    def net_exposure_cents(self) -> int:
        return self.total_cents - self.unapplied_cents

    @property
    def overdue_share(self) -> float:
        return self.overdue_cents / self.total_cents if self.total_cents else 0.0

    @property
    def severe_share(self) -> float:
        return self.severe_cents / self.total_cents if self.total_cents else 0.0


def kpis(state: pl.DataFrame, buckets: Buckets | None = None, unapplied: pl.DataFrame | None = None) -> AgingKpis:
    """Headline figures in the page's ageing basis, so cards and charts tell one story.

    By due date (default): overdue = days past due above 0, severe = above 90, weighted days past due.
    By invoice date (``buckets`` aged by invoice date): "overdue" is older than the first bucket (e.g.
    30 days since issue), severe = issued more than 90 days ago, weighted age since issue.
    ``unapplied``: the open unapplied credits at the same date (``unapplied_at``), if any.
    """
    by_age = buckets is not None and buckets.labels[0] != CURRENT
    days = pl.col("age_days") if by_age else pl.col("dpd")
    overdue = days > (buckets.edges[0] if by_age else 0)  # type: ignore[union-attr]
    row = state.select(
        pl.col("outstanding_cents").sum().alias("total"),
        pl.col("outstanding_cents").filter(overdue).sum().alias("overdue"),
        pl.col("outstanding_cents").filter(days > SEVERE_DPD).sum().alias("severe"),
        (pl.col("outstanding_cents") * days.clip(lower_bound=0)).sum().alias("weighted_days"),
        pl.col("debtor_id").filter(overdue & (pl.col("outstanding_cents") > 0)).n_unique().alias("debtors"),
        (pl.col("outstanding_cents") > 0).sum().alias("open"),
        pl.col("overpaid_cents").sum().alias("overpaid"),
    ).row(0, named=True)
    total = int(row["total"])
    return AgingKpis(
        total_cents=total,
        overdue_cents=int(row["overdue"]),
        severe_cents=int(row["severe"]),
        weighted_days_delinquent=float(row["weighted_days"]) / total if total else 0.0,
        debtors_overdue=int(row["debtors"]),
        open_invoices=int(row["open"]),
        overpaid_cents=int(row["overpaid"]),
        unapplied_cents=int(unapplied["amount_cents"].sum()) if unapplied is not None else 0,
    )


def bucket_totals(state: pl.DataFrame, buckets: Buckets) -> pl.DataFrame:
    """Amount, invoice count and share per bucket; every bucket present, in order."""
    open_items = state.filter(pl.col("outstanding_cents") > 0)
    sums = open_items.group_by("bucket").agg(
        pl.col("outstanding_cents").sum().alias("amount_cents"), pl.len().alias("invoices")
    )
    return _with_shares(pl.DataFrame({"bucket": pl.Series(buckets.labels, dtype=buckets.dtype)})
                        .join(sums, on="bucket", how="left"))  # fmt: skip


def bucket_totals_of(found: pl.DataFrame) -> pl.DataFrame:
    """``bucket_totals`` from per-bucket sums computed elsewhere (bucket, invoices, outstanding_cents; every
    bucket, in order), such as the database's (data_access.db.pushdown.aging_buckets)."""
    return _with_shares(found.select("bucket", pl.col("outstanding_cents").alias("amount_cents"),
                                     pl.col("invoices").cast(pl.UInt32)))  # fmt: skip


def _with_shares(totals: pl.DataFrame) -> pl.DataFrame:
    totals = totals.with_columns(pl.col("amount_cents", "invoices").fill_null(0))
    total = totals["amount_cents"].sum()
    return totals.with_columns((pl.col("amount_cents") / total if total else pl.lit(0.0)).alias("share"))


def aging_by(state: pl.DataFrame, dimension: str, buckets: Buckets) -> pl.DataFrame:
    """One row per dimension value, one amount column per bucket, the total and overdue share."""
    key, label = DIMENSIONS[dimension]
    open_items = state.filter(pl.col("outstanding_cents") > 0)
    keys = [key] if key == label else [key, label]
    long = open_items.group_by([*keys, "bucket"]).agg(pl.col("outstanding_cents").sum())
    wide = long.pivot(on="bucket", index=keys, values="outstanding_cents", aggregate_function="sum")
    for name in buckets.labels:
        if name not in wide.columns:
            wide = wide.with_columns(pl.lit(0, pl.Int64).alias(name))
    overdue = open_items.filter(pl.col("dpd") > 0).group_by(keys).agg(pl.col("outstanding_cents").sum().alias("od"))
    return (
        wide.with_columns(pl.col(buckets.labels).fill_null(0))
        .with_columns(pl.sum_horizontal(buckets.labels).alias("total"))
        .join(overdue, on=keys, how="left")
        .with_columns((pl.col("od").fill_null(0) / pl.col("total")).alias("overdue_share"))
        .drop("od")
        .select([*keys, *buckets.labels, "total", "overdue_share"])
        .sort(["total", *keys], descending=[True, *[False] * len(keys)], nulls_last=True)  # ties in a fixed order
    )


def debtors_of(state: pl.DataFrame) -> pl.DataFrame:
    """Debtor-level drill-down of a (filtered) state: balances, worst and weighted days past due."""
    return (
        state.filter(pl.col("outstanding_cents") > 0)
        .group_by("debtor_id", "debtor", "region", "industry", "grade", "collector")
        .agg(
            pl.len().alias("invoices"),
            pl.col("outstanding_cents").sum(),
            pl.col("outstanding_cents").filter(pl.col("dpd") > 0).sum().alias("overdue_cents"),
            # Worst days past due; none (shown "—") while no invoice of the debtor is past due.
            pl.col("dpd").max().alias("max_dpd"),
            ((pl.col("outstanding_cents") * pl.col("dpd").clip(lower_bound=0)).sum() / pl.col("outstanding_cents").sum())
            .alias("weighted_dpd"),
        )
        .with_columns(pl.when(pl.col("max_dpd") > 0).then(pl.col("max_dpd")).alias("max_dpd"))
        .sort("outstanding_cents", "debtor_id", descending=[True, False])
    )


def invoices_of(state: pl.DataFrame, debtor_id: int) -> pl.DataFrame:
    """The open invoices of one debtor, oldest due first."""
    return (
        state.filter((pl.col("debtor_id") == debtor_id) & (pl.col("outstanding_cents") > 0))
        .select(
            "invoice_number", "client", "issue_date", "due_date", "amount_cents", "paid_cents", "credited_cents",
            "written_off_cents", "outstanding_cents", "dpd", "bucket",
        )  # fmt: skip
        .sort("due_date", "invoice_number")
    )


def severe_share_by(state: pl.DataFrame, dimension: str) -> pl.DataFrame:
    """Per dimension value: outstanding and the share more than 90 days past due."""
    key, label = DIMENSIONS[dimension]
    keys = [key] if key == label else [key, label]
    return (
        state.filter(pl.col("outstanding_cents") > 0)
        .group_by(keys)
        .agg(pl.col("outstanding_cents").sum().alias("total"),
             pl.col("outstanding_cents").filter(pl.col("dpd") > SEVERE_DPD).sum().alias("severe"))  # fmt: skip
        .with_columns((pl.col("severe") / pl.col("total")).alias("severe_share"))
        .sort("severe_share", descending=True)
    )


# Money on a debtor's account not tied to one invoice (``unapplied_credits``; docs/metrics.md).
UNAPPLIED_KINDS = ("unapplied_cash", "credit_on_account", "unapplied_credit_note")


def unapplied_at(credits: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The unapplied credits open at ``as_of``: received on or before it, applied after it (or not yet)."""
    return credits.filter(
        (pl.col("received_on") <= as_of) & (pl.col("applied_on").is_null() | (pl.col("applied_on") > as_of))
    )


def unapplied_line(open_credits: pl.DataFrame) -> pl.DataFrame:
    """Aging's own line for unapplied money: amount and count per kind, every kind present, in order."""
    sums = open_credits.group_by("kind").agg(pl.col("amount_cents").sum(), pl.len().alias("items"))
    return (
        pl.DataFrame({"kind": list(UNAPPLIED_KINDS)})
        .join(sums, on="kind", how="left")
        .with_columns(pl.col("amount_cents").fill_null(0).cast(pl.Int64), pl.col("items").fill_null(0).cast(pl.UInt32))
    )


def net_exposure_by_debtor(state: pl.DataFrame, open_credits: pl.DataFrame) -> pl.DataFrame:
    """Per debtor: outstanding, unapplied credits and net exposure = outstanding − unapplied.

    A debtor with unapplied money and nothing outstanding has a negative net exposure: the company owes
    it (or will apply it to the next invoice); it is listed, not dropped.
    """
    owed = state.filter(pl.col("outstanding_cents") > 0).group_by("debtor_id").agg(pl.col("outstanding_cents").sum())
    credit = open_credits.group_by("debtor_id").agg(pl.col("amount_cents").sum().alias("unapplied_cents"))
    return (
        owed.join(credit, on="debtor_id", how="full", coalesce=True)
        .with_columns(pl.col("outstanding_cents", "unapplied_cents").fill_null(0).cast(pl.Int64))
        .with_columns((pl.col("outstanding_cents") - pl.col("unapplied_cents")).alias("net_exposure_cents"))
        .sort("debtor_id")
    )
