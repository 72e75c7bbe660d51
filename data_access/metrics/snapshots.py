"""Month-end snapshots of the open book, the aging trend and the roll-rate (flow) matrix.

A naive trend crosses every invoice with every month end. Here each invoice is expanded only over
the month ends at which it is open (from its issue to its last reduction, when reductions reach its
amount), and its balance at each is its amount less a running sum of its reductions by month. Most
invoices are open at one to three month ends, so the work is proportional to the open book, not to
invoices x months.
"""

from __future__ import annotations

import calendar
from datetime import date

import numpy as np
import polars as pl

from data_access.metrics.buckets import DUE_DATE, Buckets
from data_access.book.portfolio import WRITE_OFF, Portfolio

# Month ends kept for trends: 24 shown, 12 more so the first shown month has a trailing year behind
# it, and one more for the roll into the oldest shown month.
HISTORY_MONTHS = 37
PART_INVOICES = 1_000_000  # invoices expanded at once (a million: the whole 1M demo in one part)
PART_SNAPSHOTS = 5_000_000  # snapshot rows rolled at once (the 1M demo's 2M in one part; 10M's 20.3M in five)
PAID = "Paid"  # paid in cash or credited: the balance left the book without loss
WRITTEN_OFF = "Written off"


def month_ends(as_of: date, count: int) -> list[date]:
    """The ``count`` month ends on or before ``as_of``, oldest first."""
    year, month = as_of.year, as_of.month
    if as_of.day != calendar.monthrange(year, month)[1]:
        month -= 1
    ends = []
    for _ in range(count):
        if month == 0:
            year, month = year - 1, 12
        ends.append(date(year, month, calendar.monthrange(year, month)[1]))
        month -= 1
    return ends[::-1]


def snapshots(portfolio: Portfolio, ends: list[date], buckets: Buckets, basis: str = DUE_DATE) -> pl.DataFrame:
    """Open invoices at each month end: invoice_id, debtor_id, client_id, idx, month_end, balance, bucket.

    Each reduction is put in the first month end on or after its date (index ``idx``), but never
    before the invoice's own first month end (``first``, the first on or after its issue): a credit
    note or payment dated before the invoice's issue date (it happens in real data) counts from the
    first month end at which the invoice exists, as ``asof.invoice_state`` counts it there, instead of
    falling outside the running sum. An invoice is open from ``first`` up to the one before its last
    reduction, when its reductions reach its amount (otherwise to the end). Its balance at a month end
    is its amount less the running sum of its reductions by index.
    """
    if not ends:
        return _empty_snapshots(buckets)
    end_series = pl.Series("month_end", ends, dtype=pl.Date)
    n = len(ends)
    reference = "due_date" if basis == DUE_DATE else "issue_date"
    issued = (
        portfolio.invoices.lazy()
        .filter(pl.col("issue_date") <= ends[-1])
        .select("invoice_id", "debtor_id", "client_id", reference, "amount_cents",
                pl.lit(end_series).search_sorted(pl.col("issue_date"), side="left").cast(pl.Int32).alias("first"))
        .with_row_index("row")
        .collect()
    )  # fmt: skip
    dated = (  # each reduction with its invoice's row in `issued` and its month end index
        portfolio.reductions.lazy()
        .filter(pl.col("date") <= ends[-1])
        .join(issued.lazy().select("invoice_id", "row", "first"), on="invoice_id")
        .select(
            "row",
            pl.max_horizontal(pl.lit(end_series).search_sorted(pl.col("date"), side="left").cast(pl.Int32),
                              pl.col("first")).alias("idx"),
            "amount_cents",
        )  # fmt: skip
        .collect()
    )
    # Per invoice: the sum and the latest month index of its reductions, so the month ends it is open at.
    rows, idx, cents = (dated[c].to_numpy() for c in ("row", "idx", "amount_cents"))
    amount, first = issued["amount_cents"].to_numpy(), issued["first"].to_numpy()
    total = np.zeros(issued.height, np.int64)
    np.add.at(total, rows, cents)
    last_idx = np.full(issued.height, -1, np.int32)
    np.maximum.at(last_idx, rows, idx)
    # Open from `first` to the month end before its last reduction when its reductions reach its amount.
    last = np.where((last_idx >= 0) & (total >= amount), last_idx - 1, n - 1)
    lengths = np.maximum(last - first + 1, 0).astype(np.int64)
    # Invoices are expanded a part at a time (consecutive rows of `issued`, so the parts concatenate to the
    # whole in order): at 10M invoices one expansion of 20M open months held 1.5 GB of arrays at once.
    # What the parts no longer need goes first (0.3 GB at 10M, held while the parts grow).
    order = np.argsort(rows, kind="stable")
    rows, idx, cents = rows[order], idx[order], cents[order]
    names = issued.select("invoice_id", "debtor_id", "client_id", reference)
    del order, dated, total, last_idx, issued
    parts = []
    for start in range(0, names.height, PART_INVOICES):
        stop = min(start + PART_INVOICES, names.height)
        lo, hi = np.searchsorted(rows, [start, stop])
        month, balance, owner = _open_months(rows[lo:hi] - start, idx[lo:hi], cents[lo:hi], amount[start:stop],
                                             first[start:stop], last[start:stop], lengths[start:stop])  # fmt: skip
        parts.append(
            names.slice(start, stop - start)[owner].lazy()
            .with_columns(pl.Series("idx", month, dtype=pl.Int32), pl.Series("balance_cents", balance))
            .with_columns(pl.lit(end_series).gather(pl.col("idx")).alias("month_end"))
            .with_columns(buckets.label((pl.col("month_end") - pl.col(reference)).dt.total_days()).alias("bucket"))
            .select("invoice_id", "debtor_id", "client_id", "idx", "month_end", "balance_cents", "bucket")
            .collect()
        )  # fmt: skip
    del rows, idx, cents, amount, first, last, lengths, names  # before the copy below
    # In one chunk, as one expansion gave it: the page's filters and group-bys over many chunks were slower.
    return in_one_chunk(parts) if parts else _empty_snapshots(buckets)


def in_one_chunk(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """``pl.concat(parts, rechunk=True)``, a column at a time: each column's parts are freed once it is
    copied, so the copy holds one column twice at most, not the whole frame (at 10M invoices 0.8 GB of
    snapshots). Empties ``parts``."""
    columns = {}
    for name in parts[0].columns:
        columns[name] = pl.concat([part.get_column(name) for part in parts]).rechunk()  # concat leaves one part as it is
        parts[:] = [part.drop(name) for part in parts]
    return pl.DataFrame(columns)


def _open_months(rows: np.ndarray, idx: np.ndarray, cents: np.ndarray, amount: np.ndarray, first: np.ndarray,
                 last: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Some invoices' open month ends with a balance: (month index, balance, the invoice's row among them).

    In flat arrays: invoice r's open months are the slots offsets[r] .. offsets[r] + lengths[r] - 1 of one
    array, in month order, so its reductions are added into their slots directly (no group-by, no join),
    and a running sum over the array less its value before the invoice's first slot is the invoice's
    running sum. Several times faster than exploding the invoices and joining the reductions back by
    (invoice, month)."""
    offsets = np.cumsum(lengths) - lengths
    opened = lengths > 0
    slot = idx <= last[rows]  # a closing reduction falls after the last open month end
    reduced = np.zeros(int(lengths.sum()), np.int64)
    np.add.at(reduced, offsets[rows[slot]] + (idx[slot] - first[rows[slot]]), cents[slot])
    running = np.cumsum(reduced)
    before = np.repeat((running - reduced)[offsets[opened]], lengths[opened])
    balance = np.repeat(amount, lengths) - (running - before)
    month = np.arange(reduced.size) - np.repeat(offsets - first, lengths)
    keep = balance > 0
    return month[keep], balance[keep], np.repeat(np.arange(amount.size), lengths)[keep]


def _empty_snapshots(buckets: Buckets) -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "invoice_id": pl.Int64, "debtor_id": pl.Int64, "client_id": pl.Int64, "idx": pl.Int32,
            "month_end": pl.Date, "balance_cents": pl.Int64, "bucket": buckets.dtype,
        }  # fmt: skip
    )


def aging_trend(snaps: pl.DataFrame, buckets: Buckets) -> pl.DataFrame:
    """Balance per month end and bucket (every bucket present at every month end)."""
    months = snaps.select(pl.col("month_end").unique()).sort("month_end")
    grid = months.join(pl.DataFrame({"bucket": pl.Series(buckets.labels, dtype=buckets.dtype)}), how="cross")
    sums = snaps.group_by("month_end", "bucket").agg(pl.col("balance_cents").sum())
    return (
        grid.join(sums, on=["month_end", "bucket"], how="left")
        .with_columns(pl.col("balance_cents").fill_null(0))
        .sort("month_end", "bucket")
    )


def roll_flows(portfolio: Portfolio, snaps: pl.DataFrame, ends: list[date]) -> pl.DataFrame:
    """Where each month-end balance went by the next month end: a bucket, Paid, or Written off.

    Rows keep debtor_id and client_id, so flows computed once can be filtered like snapshots.

    For an invoice in bucket k with balance B0 at month end m-1 and B1 at m (0 when closed),
    B1 flows to its new bucket, written-off amounts in (m-1, m] (at most B0 - B1) to Written off,
    and the rest of B0 - B1 to Paid. Each origin's flows add up to its B0 exactly.

    An invoice's flows need only its own snapshots, so a large book is done in parts of whole invoices
    (``invoice_id`` modulo the parts; rows ordered by part): at 10M invoices one join of 20M snapshots
    with themselves peaked 2.9 GB over them.
    """
    parts = max(1, -(-snaps.height // PART_SNAPSHOTS))
    written = portfolio.reductions.filter((pl.col("kind") == WRITE_OFF) & (pl.col("date") <= ends[-1]))
    if parts == 1:
        return _roll_flows(written, snaps, ends)
    return in_one_chunk([_roll_flows(written.filter(pl.col("invoice_id") % parts == part),
                                     snaps.filter(pl.col("invoice_id") % parts == part), ends)
                         for part in range(parts)])  # fmt: skip


def _roll_flows(written: pl.DataFrame, snaps: pl.DataFrame, ends: list[date]) -> pl.DataFrame:
    """``roll_flows`` of some invoices, with their write-offs up to the last month end."""
    end_series = pl.Series("month_end", ends, dtype=pl.Date)
    write_offs = (
        written.lazy()
        .with_columns(pl.lit(end_series).search_sorted(pl.col("date"), side="left").cast(pl.Int32).alias("idx"))
        .group_by("invoice_id", "idx")
        .agg(pl.col("amount_cents").sum().alias("wo_cents"))
    )
    start = snaps.lazy().select(
        "invoice_id", "debtor_id", "client_id", (pl.col("idx") + 1).alias("idx"), pl.col("balance_cents").alias("b0"),
        pl.col("bucket").alias("origin"),
    ).filter(pl.col("idx") < len(ends))  # fmt: skip
    moved = (
        start.join(snaps.lazy().select("invoice_id", "idx", pl.col("balance_cents").alias("b1"), "bucket"),
                   on=["invoice_id", "idx"], how="left")  # fmt: skip
        .join(write_offs, on=["invoice_id", "idx"], how="left")
        .with_columns(pl.col("b1", "wo_cents").fill_null(0))
        .with_columns(pl.min_horizontal("wo_cents", (pl.col("b0") - pl.col("b1")).clip(lower_bound=0)).alias("wo"))
        .with_columns((pl.col("b0") - pl.col("b1") - pl.col("wo")).clip(lower_bound=0).alias("paid"))
    )
    origin_type = snaps.schema["bucket"]
    destinations = pl.Enum([*origin_type.categories, PAID, WRITTEN_OFF])  # type: ignore[union-attr]
    keys = ("invoice_id", "debtor_id", "client_id", "idx", "origin")
    to_bucket = moved.filter(pl.col("b1") > 0).select(
        *keys, pl.col("bucket").cast(pl.String).alias("destination"), pl.col("b1").alias("cents")
    )
    to_paid = moved.select(*keys, pl.lit(PAID).alias("destination"), pl.col("paid").alias("cents"))
    to_wo = moved.select(*keys, pl.lit(WRITTEN_OFF).alias("destination"), pl.col("wo").alias("cents"))
    return (
        pl.concat([to_bucket, to_paid, to_wo])
        .filter(pl.col("cents") > 0)
        .with_columns(pl.col("destination").cast(destinations), pl.lit(end_series).gather(pl.col("idx")).alias("month_end"))
        .collect()
    )


def roll_matrix(flows: pl.DataFrame, months: int = 1) -> pl.DataFrame:
    """Flow rates origin -> destination: the latest month, or the mean of the last ``months``.

    A month's rate is its flow over the origin's starting balance; the average is the plain mean
    of monthly rates over months in which the origin had a balance (see docs/metrics.md).
    """
    if flows.is_empty():
        return pl.DataFrame(schema={"origin": flows.schema["origin"], "destination": flows.schema["destination"],
                                    "rate": pl.Float64})  # fmt: skip
    last_months = flows.select(pl.col("month_end").unique().sort().tail(months))["month_end"]
    recent = flows.filter(pl.col("month_end").is_in(last_months.implode()))
    per_month = recent.group_by("month_end", "origin", "destination").agg(pl.col("cents").sum())
    base = per_month.group_by("month_end", "origin").agg(pl.col("cents").sum().alias("b0"))
    destinations = pl.DataFrame({"destination": pl.Series(flows.schema["destination"].categories,  # type: ignore[union-attr]
                                                          dtype=flows.schema["destination"])})  # fmt: skip
    return (
        base.join(destinations, how="cross")
        .join(per_month, on=["month_end", "origin", "destination"], how="left")
        .with_columns((pl.col("cents").fill_null(0) / pl.col("b0")).alias("rate"))
        .group_by("origin", "destination")
        .agg(pl.col("rate").mean())
        .sort("origin", "destination")
    )


def as_numpy_matrix(matrix: pl.DataFrame) -> tuple[list[str], list[str], np.ndarray]:
    """Origins, destinations and a dense rate array, for a heat map."""
    origins = [str(o) for o in matrix.schema["origin"].categories if o in set(matrix["origin"].cast(pl.String))]  # type: ignore[union-attr]
    destinations = [str(d) for d in matrix.schema["destination"].categories]  # type: ignore[union-attr]
    grid = np.full((len(origins), len(destinations)), np.nan)
    for origin, destination, rate in matrix.iter_rows():
        grid[origins.index(str(origin)), destinations.index(str(destination))] = rate
    return origins, destinations, grid
