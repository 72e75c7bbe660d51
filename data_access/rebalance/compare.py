"""Before and after: what a set of moves does to each collector's load and to the imbalance.

``evaluate`` recomputes everything from the cases and the moves kept, so the figures follow the
manager's ticks exactly (it never adds up the suggestion's step-by-step figures).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from data_access.metrics.workload import LoadRules
from data_access.rebalance.model import Constraints, imbalance, loads, roles


@dataclass(frozen=True)
class Figures:
    """One side of the comparison."""

    imbalance: float | None  # the measure the suggestion lowers (model.py)
    spread: float | None  # the widest gap, highest − lowest load index, within one pool
    over: int  # participants over capacity
    misfits: int  # hard cases held by junior participants
    stranded: int  # cases in scope held by an inactive collector or by nobody


@dataclass(frozen=True)
class Comparison:
    before: Figures
    after: Figures
    collectors: pl.DataFrame  # per collector: before and after cases, load and load index
    moves: int


def owners_after(cases: pl.DataFrame, moves: pl.DataFrame) -> pl.DataFrame:
    """``cases`` with ``collector_id`` replaced by the move's target for every moved debtor."""
    target = moves.select("debtor_id", pl.col("to_collector_id").alias("_to"))
    return cases.join(target, on="debtor_id", how="left").with_columns(
        pl.coalesce("_to", "collector_id").alias("collector_id")).drop("_to")  # fmt: skip


def figures(cases: pl.DataFrame, collectors: pl.DataFrame, constraints: Constraints, rules: LoadRules) -> Figures:
    role = roles(collectors, constraints)
    per = role.join(loads(cases, collectors), on="collector_id", how="left")
    part = per.filter(pl.col("participant"))
    part = part.with_columns((pl.col("load_milli") / 1000 / pl.col("capacity")).alias("index"))
    index = part["index"]
    gaps = part.group_by("pool").agg((pl.col("index").max() - pl.col("index").min()).alias("gap"))["gap"]
    inactive = role.filter(pl.col("source"))["collector_id"]
    held = cases.join(collectors.select("collector_id", "level"), on="collector_id", how="left").join(
        part.select("collector_id"), on="collector_id", how="semi")  # fmt: skip
    in_scope = cases.filter(constraints.in_scope(pl.col("region_id")))
    return Figures(
        imbalance=imbalance(part["load_milli"], part["capacity"], part["pool"]),
        spread=float(gaps.max()) if part.height else None,  # type: ignore[arg-type]
        over=int((index > rules.over).sum()),
        misfits=int((held["hard"] & (held["level"] == "junior")).sum()),
        stranded=int((in_scope["collector_id"].is_null() | in_scope["collector_id"].is_in(inactive.implode())).sum()),
    )


def evaluate(cases: pl.DataFrame, collectors: pl.DataFrame, constraints: Constraints, moves: pl.DataFrame,
             rules: LoadRules) -> Comparison:  # fmt: skip
    """Figures before and after ``moves`` (debtor_id, to_collector_id), and per collector touched or
    taking part: cases, load and load index before and after, and cases moved in and out."""
    after_cases = owners_after(cases, moves)
    before, after = loads(cases, collectors), loads(after_cases, collectors)
    moved_out = moves.group_by("from_collector_id").agg(pl.len().alias("moved_out")).rename(
        {"from_collector_id": "collector_id"})  # fmt: skip
    moved_in = moves.group_by("to_collector_id").agg(pl.len().alias("moved_in")).rename(
        {"to_collector_id": "collector_id"})  # fmt: skip
    role = roles(collectors, constraints).select("collector_id", "participant", "source")
    touched = moved_out.select("collector_id").vstack(moved_in.select("collector_id")).drop_nulls()
    table = (
        collectors.select("collector_id", "collector", "region_id", "region", "level", "capacity", "active")
        .join(role, on="collector_id", how="left")
        .join(before.rename({"cases": "cases_before", "load_milli": "load_before_milli"}), on="collector_id", how="left")
        .join(after.rename({"cases": "cases_after", "load_milli": "load_after_milli"}), on="collector_id", how="left")
        .join(moved_out, on="collector_id", how="left")
        .join(moved_in, on="collector_id", how="left")
        .with_columns(pl.col("moved_out", "moved_in").fill_null(0))
        .filter(pl.col("participant") | pl.col("collector_id").is_in(touched["collector_id"].implode()))
        .with_columns(
            (pl.col("load_before_milli") / 1000).alias("load_before"),
            (pl.col("load_after_milli") / 1000).alias("load_after"),
        )
        .with_columns(
            pl.when(pl.col("capacity") > 0).then(pl.col("load_before") / pl.col("capacity")).alias("index_before"),
            pl.when(pl.col("capacity") > 0).then(pl.col("load_after") / pl.col("capacity")).alias("index_after"),
        )
        .with_columns((pl.col("index_after") - pl.col("index_before")).alias("index_change"))
        .sort("region_id", "collector_id")
    )  # fmt: skip
    return Comparison(before=figures(cases, collectors, constraints, rules),
                      after=figures(after_cases, collectors, constraints, rules), collectors=table,
                      moves=moves.height)  # fmt: skip
