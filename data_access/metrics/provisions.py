"""Bad-debt provision by the IFRS 9 simplified approach: a provision matrix from roll rates.

For each bucket k, from the average monthly roll-rate matrix over the look-back window:

- stay_k   = share of k's balance still in k a month later (buckets wider than a month keep some);
- roll_k   = share of the balance *leaving* k that moves on (to a worse bucket or to write-off)
             rather than being paid: (sum of rates to worse buckets and to Written off) / (1 - stay_k);
             for the last bucket only its rate to Written off counts;
- chain_k  = roll_k x roll_k+1 x ... x roll_last: the share of k's balance expected to be written off;
- loss_k   = chain_k x (1 - post-write-off recovery rate) x forward-looking scalar (at most 100 %);
- ECL_k    = outstanding_k x loss_k.

Treating every onward move as passing through each later bucket makes the chain a product an auditor
can follow; balances that skip a bucket are counted as if they had passed through it (conservative).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from data_access.metrics.aging import bucket_totals
from data_access.metrics.buckets import Buckets
from data_access.metrics.snapshots import WRITTEN_OFF, roll_matrix

# Segments of the by-segment view: debtor dimensions at the as-of date, columns of the state and dimensions.
SEGMENTS = ("industry", "grade")


def post_write_off_recovery_rate(write_offs_cents: int, recoveries_cents: int) -> float:
    """Cash recovered after write-off ÷ amounts written off, over the same window (0 without write-offs)."""
    return min(recoveries_cents / write_offs_cents, 1.0) if write_offs_cents else 0.0


def recovery_window(write_offs: pl.DataFrame, recoveries: pl.DataFrame, start: date, end: date) -> tuple[int, int]:
    """The two inputs of the post-write-off recovery rate over the look-back window [start, end], in cents.

    Write-offs (``date``, ``amount_cents``) and recoveries (``recovery_date``, ``amount_cents``) are both
    taken inside the window, so the rate compares cash and write-offs of the same months.
    """
    written = write_offs.filter(pl.col("date").is_between(start, end))["amount_cents"].sum()
    recovered = recoveries.filter(pl.col("recovery_date").is_between(start, end))["amount_cents"].sum()
    return int(written), int(recovered)


def window_recovery_rate(write_offs: pl.DataFrame, recoveries: pl.DataFrame, start: date, end: date) -> float:
    """Post-write-off recovery rate over [start, end]: what the provision matrix nets off its loss rates."""
    return post_write_off_recovery_rate(*recovery_window(write_offs, recoveries, start, end))


def provision_matrix(
    flows: pl.DataFrame, outstanding: pl.DataFrame, labels: tuple[str, ...], *, lookback_months: int,
    recovery_rate: float, scalar: float,
) -> pl.DataFrame:  # fmt: skip
    """One row per bucket: outstanding, stay and roll rates, chain to write-off, loss rate, ECL.

    ``outstanding`` has columns bucket and amount_cents (as from ``aging.bucket_totals``).
    """
    rates = {
        (str(o), str(d)): r
        for o, d, r in (roll_matrix(flows, lookback_months).iter_rows() if not flows.is_empty() else [])
    }
    rows = []
    for k, label in enumerate(labels):
        stay = rates.get((label, label), 0.0)
        onward = rates.get((label, WRITTEN_OFF), 0.0)
        if k < len(labels) - 1:
            onward += sum(rates.get((label, worse), 0.0) for worse in labels[k + 1 :])
        leaving = 1.0 - stay
        rows.append({"bucket": label, "stay_rate": stay, "roll_rate": onward / leaving if leaving > 1e-12 else 0.0})
    chain = 1.0
    for row in reversed(rows):
        chain *= row["roll_rate"]
        row["chain_to_write_off"] = chain
    amounts = dict(outstanding.select(pl.col("bucket").cast(pl.String), "amount_cents").iter_rows())
    for row in rows:
        row["outstanding_cents"] = int(amounts.get(row["bucket"], 0))
        row["post_write_off_recovery"] = recovery_rate
        row["scalar"] = scalar
        row["loss_rate"] = min(row["chain_to_write_off"] * (1 - recovery_rate) * scalar, 1.0)
        row["ecl_cents"] = round(row["outstanding_cents"] * row["loss_rate"])
    return pl.DataFrame(rows).select(
        "bucket", "outstanding_cents", "stay_rate", "roll_rate", "chain_to_write_off", "post_write_off_recovery", "scalar",
        "loss_rate", "ecl_cents",
    )  # fmt: skip


def coverage(matrix: pl.DataFrame) -> tuple[int, int, float | None]:
    """Total ECL, total outstanding and the coverage ratio ECL ÷ outstanding."""
    ecl, total = int(matrix["ecl_cents"].sum()), int(matrix["outstanding_cents"].sum())
    return ecl, total, (ecl / total if total else None)


def provision_by_segment(
    flows: pl.DataFrame, state: pl.DataFrame, dimensions: pl.DataFrame, buckets: Buckets, segment: str, *,
    lookback_months: int, recovery_rate: float, scalar: float,
) -> pl.DataFrame:  # fmt: skip
    """One provision matrix per industry or rating grade, each from that segment's own roll rates.

    ``state`` is the (filtered) as-of state with the segment column; ``flows`` are roll flows with
    ``debtor_id``; ``dimensions`` give each debtor's segment at the as-of date, so a debtor's past flows
    count in the segment it is in now (as the page's filters do). A row per segment value: its loss rate
    per bucket (columns named by the bucket labels), outstanding, ECL and coverage (None for a segment with
    nothing outstanding), largest ECL first. Segments differ in how fast their balances roll to write-off,
    so one book-wide matrix would under-provision the worst.
    """
    if segment not in SEGMENTS:
        raise ValueError(f"Unknown segment {segment!r}; use one of {SEGMENTS}")
    rows = []
    for value in sorted(v for v in state[segment].unique().to_list() if v is not None):
        debtors = dimensions.filter(pl.col(segment) == value)["debtor_id"]
        matrix = provision_matrix(flows.filter(pl.col("debtor_id").is_in(debtors.implode())),
                                  bucket_totals(state.filter(pl.col(segment) == value), buckets), buckets.labels,
                                  lookback_months=lookback_months, recovery_rate=recovery_rate, scalar=scalar)  # fmt: skip
        ecl, total, ratio = coverage(matrix)
        rows.append({segment: value, **dict(zip(buckets.labels, matrix["loss_rate"], strict=True)),
                     "outstanding_cents": total, "ecl_cents": ecl, "coverage": ratio})  # fmt: skip
    schema = {segment: state.schema[segment], **dict.fromkeys(buckets.labels, pl.Float64),
              "outstanding_cents": pl.Int64, "ecl_cents": pl.Int64, "coverage": pl.Float64}  # fmt: skip
    return pl.DataFrame(rows, schema=schema).sort("ecl_cents", descending=True)
