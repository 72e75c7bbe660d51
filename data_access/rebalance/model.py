"""What a rebalancing works on: the manager's constraints, who takes part, and the imbalance measure.

**Imbalance** (the figure the suggestion lowers): the capacity-weighted standard deviation of the
load indexes of the participating collectors around their pool's load index,

    I = sqrt( Σ_i C_i (x_i − x̄_p(i))² / Σ_i C_i ),   x_i = L_i / C_i,   x̄_p = Σ_{i∈p} L_i / Σ_{i∈p} C_i,

where a pool p is a region (cases stay in their region) or every region in scope together (when
cross-region moves are allowed). ``I = 0`` when every collector of a pool carries the same share of
their capacity; ``I = 0.25`` means a typical collector is 25 points of capacity off the pool's level.
Capacity weighting makes it the exact quantity that moving cases changes (docs/workload.md).

**Participants**: active collectors with capacity, in a region in scope, not excluded by the manager.
Excluded collectors are left out altogether: no case leaves or reaches them. An inactive collector
(on leave) in scope only gives: each of their movable cases goes to a participant. So does a case
with no owner.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from data_access.messages import Message

# Difficulty fit of a case with a collector, [level][hard]: a hard case (long overdue or low-rated)
# belongs with a senior, a simple case with a junior or mid; lower is better.
LEVEL_CODE = {"junior": 0, "mid": 1, "senior": 2}
FIT = ((0, 2), (0, 1), (1, 0))  # junior: simple 0, hard 2; mid: 0, 1; senior: simple 1, hard 0
JUNIOR = 0


@dataclass(frozen=True)
class Constraints:
    """What the manager allows. ``regions`` empty = every region."""

    max_moves: int = 25
    regions: tuple[int, ...] = ()
    cross_region: bool = False
    excluded: tuple[int, ...] = ()
    min_days: int = 30  # a case stays at least this many days with its owner
    protect: bool = True  # an open promise or open legal case keeps the case with its owner
    tolerance: float = 0.10  # a collector within ± this of the pool's load index is balanced

    def check(self, collectors: pl.DataFrame) -> None:
        """Refuse constraints that cannot be meant, saying which and how to fix them."""
        problems = []
        if self.max_moves < 0:
            problems.append(Message("error.max_moves", "maximum moves is {value}; give 0 or more", value=self.max_moves))
        if self.min_days < 0:
            problems.append(Message("error.min_days", "minimum days with the owner is {value}; give 0 or more",
                                    value=self.min_days))
        if not (0 <= self.tolerance < math.inf):
            problems.append(Message("error.tolerance", "tolerance is {value}; give a load index of 0 or more, e.g. 0.10",
                                    value=self.tolerance))
        known_regions = set(collectors["region_id"].to_list())
        if unknown := sorted(set(self.regions) - known_regions):
            problems.append(Message("error.unknown_regions", "regions {ids} have no collectors; pick regions from the list",
                                    ids=str(unknown)))
        if unknown := sorted(set(self.excluded) - set(collectors["collector_id"].to_list())):
            problems.append(Message("error.unknown_excluded", "collectors {ids} to exclude do not exist; pick collectors "
                                    "from the list", ids=str(unknown)))
        if problems:
            raise ValueError(Message("error.cannot_suggest", "Cannot suggest moves: {problems}.", problems=problems))

    def in_scope(self, region: pl.Expr) -> pl.Expr:
        return region.is_in(list(self.regions)) if self.regions else pl.lit(True)


def roles(collectors: pl.DataFrame, constraints: Constraints) -> pl.DataFrame:
    """Each collector's part: collector_id, level_code, participant (gives and takes), source (only
    gives: inactive, in scope, not excluded) and pool (region, or 0 for all regions when cross-region)."""
    scoped = constraints.in_scope(pl.col("region_id"))
    excluded = pl.col("collector_id").is_in(list(constraints.excluded))
    return collectors.select(
        "collector_id", "region_id",
        pl.col("level").replace_strict(LEVEL_CODE, default=1, return_dtype=pl.Int8).alias("level_code"),
        pl.col("capacity").fill_null(0).cast(pl.Float64).alias("capacity"),
        (pl.col("active") & (pl.col("capacity").fill_null(0) > 0) & scoped & ~excluded).alias("participant"),
        (~pl.col("active") & scoped & ~excluded).alias("source"),
        (pl.lit(0, pl.Int64) if constraints.cross_region else pl.col("region_id")).alias("pool"),
    )  # fmt: skip


def loads(cases: pl.DataFrame, collectors: pl.DataFrame, owner: str = "collector_id") -> pl.DataFrame:
    """Per collector: cases and load (thousandths of a point) when each case is owned by column ``owner``."""
    totals = cases.filter(pl.col(owner).is_not_null()).group_by(owner).agg(
        pl.len().alias("cases"), pl.col("weight_milli").sum().alias("load_milli")).rename({owner: "collector_id"})
    return collectors.select("collector_id").join(totals, on="collector_id", how="left").with_columns(
        pl.col("cases", "load_milli").fill_null(0))  # fmt: skip


def imbalance(load_milli: pl.Series, capacity: pl.Series, pool: pl.Series) -> float | None:
    """The imbalance I of participants given their loads (thousandths), capacities and pools; None for none."""
    frame = pl.DataFrame({"load": load_milli.cast(pl.Float64) / 1000, "capacity": capacity.cast(pl.Float64),
                          "pool": pool})  # fmt: skip
    if frame.is_empty() or frame["capacity"].sum() <= 0:
        return None
    means = frame.group_by("pool").agg((pl.col("load").sum() / pl.col("capacity").sum()).alias("mean"))
    squares = frame.join(means, on="pool").select(
        (pl.col("capacity") * (pl.col("load") / pl.col("capacity") - pl.col("mean")) ** 2).sum()).item()  # fmt: skip
    return math.sqrt(max(squares, 0.0) / frame["capacity"].sum())
