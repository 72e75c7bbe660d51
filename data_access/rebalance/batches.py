"""The batches applied so far, read from the assignments they started: what an undo can reverse.

A batch id's prefix says its kind (``data_access.services.assignments``): RB a suggestion applied, MV a
manual move, UN an undo. A batch is undone when a later batch's assignments carry the reason
"Undo of batch <id>".
"""

from __future__ import annotations

import polars as pl

KIND_OF_PREFIX = {"RB": "rebalance", "MV": "manual", "UN": "undo"}
UNDO_REASON = "Undo of batch "


def batches(assignments: pl.DataFrame) -> pl.DataFrame:
    """One row per batch, newest first: batch_id, kind, effective (move date), moves, still_open
    (its assignments not yet ended), undone_by (the batch that undid it, if any), undoes (for an undo)."""
    if "batch_id" not in assignments.columns:
        return pl.DataFrame(schema={"batch_id": pl.String, "kind": pl.String, "effective": pl.Date,
                                    "moves": pl.UInt32, "still_open": pl.UInt32, "undone_by": pl.String,
                                    "undoes": pl.String})  # fmt: skip
    rows = assignments.filter(pl.col("batch_id").is_not_null())
    undo_rows = rows.filter(pl.col("reason").str.starts_with(UNDO_REASON)).select(
        pl.col("reason").str.strip_prefix(UNDO_REASON).alias("undoes"), "batch_id").unique()  # fmt: skip
    per = rows.group_by("batch_id").agg(
        pl.col("start_date").min().alias("effective"), pl.len().alias("moves"),
        pl.col("end_date").is_null().sum().alias("still_open"), pl.col("assignment_id").max().alias("_last"),
    )  # fmt: skip
    return (
        per.join(undo_rows.rename({"undoes": "batch_id", "batch_id": "undone_by"}), on="batch_id", how="left")
        .join(undo_rows, on="batch_id", how="left")
        .with_columns(pl.col("batch_id").str.slice(0, 2).replace_strict(KIND_OF_PREFIX, default="other").alias("kind"))
        .sort("_last", descending=True)
        .select("batch_id", "kind", "effective", "moves", "still_open", "undone_by", "undoes")
    )
