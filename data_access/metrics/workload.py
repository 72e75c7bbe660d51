"""Regional resource load: open cases, difficulty-weighted load against capacity, per collector and region.

Definitions (docs/workload.md; DOMAIN.md §3 "Workload"), all as of a date D:

- a **case** is a debtor with an overdue balance at D (open invoices past their due date); its
  **bucket** is that of its oldest overdue invoice (the largest days past due), its **grade** the
  debtor's rating at D, its **owner** the collector assigned at D;
- its **weight** (effort points a month) = the bucket's weight × the grade's multiplier
  (``RDASH_LOAD_BUCKET_WEIGHTS``, ``RDASH_LOAD_GRADE_WEIGHTS``; an unrated debtor counts 1), kept as
  integer thousandths of a point (``weight_milli``) so that loads add up exactly;
- a collector's **load** is the sum of the weights of the cases they own, the **load index** that
  load ÷ their capacity (``collectors.capacity``, in the same effort points); above
  ``RDASH_LOAD_OVER`` they are over capacity, below ``RDASH_LOAD_UNDER`` they have room;
- a case is **long overdue** above ``RDASH_HARD_CASE_DPD`` days (61+), **high risk** when its grade is in
  ``RDASH_HARD_CASE_GRADES`` (BB and below), and **hard** when either: a case for a senior.

A region's cases and amounts are those of its debtors; its load index is the load its collectors
carry ÷ the capacity of its active collectors. Pure functions of frames: no database, no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from data_access.book.portfolio import Portfolio
from data_access.metrics.appraisal import with_collector_at
from data_access.metrics.asof import legal_cases_as_of
from data_access.metrics.buckets import CURRENT, Buckets
from data_access.settings import GRADES, Settings

LEVELS = ("junior", "mid", "senior")
OVER, UNDER, OK, INACTIVE = "over", "under", "ok", "inactive"


@dataclass(frozen=True)
class LoadRules:
    """How a case is weighted and judged: the documented settings, in one hashable value (a cache key)."""

    edges: tuple[int, ...]  # the aging bucket edges (RDASH_BUCKET_EDGES)
    bucket_weights: tuple[float, ...]  # one per overdue bucket
    grade_weights: tuple[float, ...]  # one per grade of GRADES
    hard_dpd: int = 60
    hard_grades: tuple[str, ...] = ("BB", "B", "CCC")
    under: float = 0.6
    over: float = 1.0

    def __post_init__(self) -> None:
        for name in ("bucket_weights", "grade_weights"):  # 2 and 2.0 are one weight (and one cache key)
            object.__setattr__(self, name, tuple(float(w) for w in getattr(self, name)))
        if len(self.bucket_weights) != len(self.edges):
            raise ValueError(f"{len(self.bucket_weights)} bucket weights for {len(self.edges)} overdue buckets "
                             f"{self.overdue_buckets}: give one weight per overdue bucket")  # fmt: skip
        if len(self.grade_weights) != len(GRADES):
            raise ValueError(f"{len(self.grade_weights)} grade multipliers: give one for each of {', '.join(GRADES)}")

    @classmethod
    def from_settings(cls, settings: Settings) -> LoadRules:
        return cls(edges=settings.bucket_edges, bucket_weights=settings.load_bucket_weights,
                   grade_weights=settings.load_grade_weights, hard_dpd=settings.hard_case_dpd,
                   hard_grades=settings.hard_case_grades, under=settings.load_under, over=settings.load_over)  # fmt: skip

    @property
    def buckets(self) -> Buckets:
        return Buckets.from_edges(self.edges)

    @property
    def overdue_buckets(self) -> tuple[str, ...]:
        return self.buckets.labels[1:]

    def weight_milli(self, bucket: pl.Expr, grade: pl.Expr) -> pl.Expr:
        """A case's effort in thousandths of a point from its bucket label and grade (unrated: multiplier 1)."""
        by_bucket = bucket.cast(pl.String).replace_strict(dict(zip(self.overdue_buckets, self.bucket_weights,
                                                                   strict=True)), return_dtype=pl.Float64)  # fmt: skip
        by_grade = grade.replace_strict(dict(zip(GRADES, self.grade_weights, strict=True)), default=1.0,
                                        return_dtype=pl.Float64)  # fmt: skip
        return (by_bucket * by_grade * 1000).round(0).cast(pl.Int64)

    def status(self, load_index: pl.Expr, active: pl.Expr, cases: pl.Expr) -> pl.Expr:
        """over / under / ok, or inactive for a collector on leave who still owns cases."""
        return (
            pl.when(~active & (cases > 0)).then(pl.lit(INACTIVE))
            .when(~active).then(pl.lit(None, pl.String))
            .when(load_index > self.over).then(pl.lit(OVER))
            .when(load_index < self.under).then(pl.lit(UNDER))
            .otherwise(pl.lit(OK))
        )  # fmt: skip


def current_assignments(assignments: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Each debtor's assignment in force at ``as_of``: collector_id, owner_since and assignment_id (the
    token a rebalancing apply checks, null when the frame has no ids)."""
    frame = assignments if "assignment_id" in assignments.columns else assignments.with_columns(
        pl.lit(None, pl.Int64).alias("assignment_id"))  # fmt: skip
    return (
        frame.filter((pl.col("start_date") <= as_of) & (pl.col("end_date").is_null() | (pl.col("end_date") > as_of)))
        .sort("start_date", "assignment_id")
        .group_by("debtor_id")
        .agg(pl.col("collector_id", "assignment_id").last(), pl.col("start_date").last().alias("owner_since"))
    )


def protected_debtors(promises: pl.DataFrame, legal_cases: pl.DataFrame, legal_stages: pl.DataFrame, as_of: date,
                      grace_days: int) -> pl.DataFrame:  # fmt: skip
    """Debtors whose case must stay with its owner at ``as_of``: debtor_id, promise (an open promise: made
    by D, its date plus the grace days not yet passed) and legal (a legal case opened by D, not closed at D)."""
    open_promises = promises.filter(
        (pl.col("made_on") <= as_of) & (pl.col("promised_date") + timedelta(days=grace_days) >= as_of)
    ).select("debtor_id").unique().with_columns(pl.lit(True).alias("promise"))
    legal = legal_cases_as_of(legal_cases, legal_stages, as_of).filter(pl.col("stage") != "closed")
    open_legal = legal.select("debtor_id").unique().with_columns(pl.lit(True).alias("legal"))
    return open_promises.join(open_legal, on="debtor_id", how="full", coalesce=True).with_columns(
        pl.col("promise", "legal").fill_null(False)
    )


def open_cases(state: pl.DataFrame, dims: pl.DataFrame, assignments: pl.DataFrame, as_of: date, rules: LoadRules,
               protected: pl.DataFrame | None = None) -> pl.DataFrame:  # fmt: skip
    """One row per case at ``as_of`` (a debtor with an overdue balance), with its weight and flags.

    ``state`` is the as-of state by due date (``asof.invoice_state``), ``dims`` the debtor dimensions at
    the same date (``asof.debtor_dimensions``). Columns: debtor_id, debtor, region_id, region, grade,
    overdue_cents, invoices, max_dpd, bucket, weight_milli, weight, long_overdue, high_risk, hard, collector_id,
    owner_since, assignment_id, tenure_days, promise, legal, protected.
    """
    overdue = state.filter((pl.col("outstanding_cents") > 0) & (pl.col("dpd") > 0)).select(
        "debtor_id", "outstanding_cents", "dpd")  # fmt: skip
    per_debtor = overdue.group_by("debtor_id").agg(
        pl.col("outstanding_cents").sum().alias("overdue_cents"), pl.len().alias("invoices"),
        pl.col("dpd").max().alias("max_dpd"),
    )  # fmt: skip
    owners = current_assignments(assignments, as_of)
    cases = (
        per_debtor.join(dims.select("debtor_id", "debtor", "region_id", "region", "grade"), on="debtor_id", how="left")
        .join(owners, on="debtor_id", how="left")
        .with_columns(rules.buckets.label(pl.col("max_dpd")).alias("bucket"))
        .with_columns(
            rules.weight_milli(pl.col("bucket"), pl.col("grade")).alias("weight_milli"),
            (pl.col("max_dpd") > rules.hard_dpd).alias("long_overdue"),
            pl.col("grade").is_in(list(rules.hard_grades)).fill_null(False).alias("high_risk"),
            (pl.lit(as_of) - pl.col("owner_since")).dt.total_days().alias("tenure_days"),
        )
        .with_columns((pl.col("long_overdue") | pl.col("high_risk")).alias("hard"),
                      (pl.col("weight_milli") / 1000).alias("weight"))
    )
    flags = protected if protected is not None else pl.DataFrame(
        schema={"debtor_id": pl.Int64, "promise": pl.Boolean, "legal": pl.Boolean})  # fmt: skip
    return (
        cases.join(flags, on="debtor_id", how="left")
        .with_columns(pl.col("promise", "legal").fill_null(False))
        .with_columns((pl.col("promise") | pl.col("legal")).alias("protected"))
        .sort("debtor_id")
    )


def collector_load(cases: pl.DataFrame, book: Portfolio, rules: LoadRules) -> pl.DataFrame:
    """Per collector (every collector, with or without cases): capacity, cases, overdue amount, load,
    load index, long-overdue / high-risk / hard cases, status (over, under, ok, inactive with cases) and
    open cases by bucket (``bucket:<label>``) and grade (``grade:<grade>``)."""
    owned = cases.filter(pl.col("collector_id").is_not_null())
    totals = owned.group_by("collector_id").agg(
        pl.len().alias("cases"), pl.col("overdue_cents").sum(), pl.col("weight_milli").sum().alias("load_milli"),
        pl.col("long_overdue").sum(), pl.col("high_risk").sum(), pl.col("hard").sum(),
    )  # fmt: skip
    wide = _counts_by(owned, "bucket", rules.overdue_buckets, "collector_id").join(
        _counts_by(owned, "grade", GRADES, "collector_id"), on="collector_id", how="full", coalesce=True)  # fmt: skip
    collectors = book.collectors
    active = pl.col("active") if "active" in collectors.columns else pl.lit(True)
    capacity = pl.col("capacity") if "capacity" in collectors.columns else pl.lit(None, pl.Int64)
    count_columns = [c for c in wide.columns if c != "collector_id"]
    return (
        collectors.select("collector_id", pl.col("name").alias("collector"), "region_id", "level",
                          capacity.alias("capacity"), active.alias("active"))
        .join(book.regions.select("region_id", pl.col("name").alias("region")), on="region_id", how="left")
        .join(totals, on="collector_id", how="left")
        .join(wide, on="collector_id", how="left")
        .with_columns(pl.col("cases", "overdue_cents", "load_milli", "long_overdue", "high_risk", "hard", *count_columns)
                      .fill_null(0))
        .with_columns((pl.col("load_milli") / 1000).alias("load"))
        .with_columns(pl.when(pl.col("capacity") > 0).then(pl.col("load") / pl.col("capacity")).alias("load_index"))
        .with_columns(rules.status(pl.col("load_index"), pl.col("active"), pl.col("cases")).alias("status"))
        .sort("region_id", "collector_id")
    )  # fmt: skip


def _counts_by(cases: pl.DataFrame, column: str, values: tuple[str, ...], key: str) -> pl.DataFrame:
    """Cases per ``key`` and value of ``column`` as columns ``<column>:<value>``, every value present."""
    value = pl.col(column).cast(pl.String)
    return cases.group_by(key).agg((value == v).sum().alias(f"{column}:{v}") for v in values)


def region_load(cases: pl.DataFrame, collectors: pl.DataFrame, book: Portfolio) -> pl.DataFrame:
    """Per region: active collectors by level, cases, overdue amount, cases and amount per active
    collector, long-overdue and high-risk shares (of cases), unassigned cases, and the load its
    collectors carry against their capacity (load index). ``collectors`` is ``collector_load``'s frame.

    Amount per collector is rounded to the cent (an average of integer cents is not whole cents)."""
    volume = cases.group_by("region_id").agg(
        pl.len().alias("cases"), pl.col("overdue_cents").sum(), pl.col("long_overdue").sum(),
        pl.col("high_risk").sum(), pl.col("collector_id").is_null().sum().alias("unassigned"),
    )  # fmt: skip
    active = collectors.filter(pl.col("active"))
    staff = collectors.group_by("region_id").agg(
        *[(pl.col("active") & (pl.col("level") == level)).sum().alias(f"{level}s") for level in LEVELS],
        pl.col("active").sum().alias("collectors"), (~pl.col("active")).sum().alias("inactive"),
        pl.col("load_milli").sum(),
    )  # fmt: skip
    capacity = active.group_by("region_id").agg(pl.col("capacity").sum())
    return (
        book.regions.select("region_id", pl.col("name").alias("region"))
        .join(staff, on="region_id", how="left")
        .join(capacity, on="region_id", how="left")
        .join(volume, on="region_id", how="left")
        .with_columns(pl.col("juniors", "mids", "seniors", "collectors", "inactive", "capacity", "cases", "overdue_cents",
                             "long_overdue", "high_risk", "unassigned", "load_milli").fill_null(0))
        .with_columns((pl.col("load_milli") / 1000).alias("load"))
        .with_columns(
            pl.when(pl.col("collectors") > 0).then(pl.col("cases") / pl.col("collectors")).alias("cases_per_collector"),
            pl.when(pl.col("collectors") > 0).then((pl.col("overdue_cents") / pl.col("collectors")).round(0)
                                                   .cast(pl.Int64)).alias("overdue_per_collector_cents"),
            pl.when(pl.col("cases") > 0).then(pl.col("long_overdue") / pl.col("cases")).alias("long_overdue_share"),
            pl.when(pl.col("cases") > 0).then(pl.col("high_risk") / pl.col("cases")).alias("high_risk_share"),
            pl.when(pl.col("capacity") > 0).then(pl.col("load") / pl.col("capacity")).alias("load_index"),
        )
        .sort("region_id")
    )  # fmt: skip


def staffing_by_level(collectors: pl.DataFrame) -> pl.DataFrame:
    """Region × level: active collectors, their capacity, the cases and load they carry and the load index."""
    active = collectors.filter(pl.col("active"))
    return (
        active.group_by("region_id", "region", "level")
        .agg(pl.len().alias("collectors"), pl.col("capacity").sum(), pl.col("cases").sum(), pl.col("load_milli").sum())
        .with_columns((pl.col("load_milli") / 1000).alias("load"))
        .with_columns(pl.when(pl.col("capacity") > 0).then(pl.col("load") / pl.col("capacity")).alias("load_index"),
                      pl.col("level").cast(pl.Enum(LEVELS)))
        .sort("region_id", "level")
    )  # fmt: skip


def region_bucket_amounts(state: pl.DataFrame, dims: pl.DataFrame) -> pl.DataFrame:
    """Overdue amount per region and bucket (each invoice in its own bucket): region_id, region,
    bucket, overdue_cents. A region's buckets add up, to the cent, to its cases' overdue amount."""
    overdue = state.filter((pl.col("outstanding_cents") > 0) & (pl.col("dpd") > 0)).select(
        "debtor_id", "bucket", "outstanding_cents")  # fmt: skip
    return (
        overdue.join(dims.select("debtor_id", "region_id", "region"), on="debtor_id", how="left")
        .group_by("region_id", "region", "bucket")
        .agg(pl.col("outstanding_cents").sum().alias("overdue_cents"))
        .sort("region_id", "bucket")
    )


def load_trend(book: Portfolio, snaps: pl.DataFrame, ends: list[date], rules: LoadRules) -> pl.DataFrame:
    """Load index per region at each month end: region_id, region, month_end, cases, load, capacity,
    load_index. ``snaps`` are month-end snapshots by due date (``snapshots.snapshots``) with these
    rules' buckets.

    At each month end a case is a debtor with an overdue balance; its weight uses its bucket and grade
    then, and its load counts for the collector assigned then, in that collector's region. Capacity is
    today's: the collectors table keeps no history of capacity or leave (docs/workload.md).
    """
    chosen = [e for e in ends if e is not None]
    overdue = snaps.filter(pl.col("month_end").is_in(chosen) & (pl.col("bucket").cast(pl.String) != CURRENT))
    index = pl.col("bucket").to_physical()
    cases = overdue.group_by("month_end", "debtor_id").agg(index.max().alias("bucket_index"))
    cases = cases.with_columns(pl.lit(pl.Series(rules.buckets.labels)).gather(pl.col("bucket_index")).alias("bucket"))
    ratings = book.ratings.select("debtor_id", "rated_on", "grade").sort("rated_on")
    cases = (
        cases.sort("month_end")
        .join_asof(ratings, left_on="month_end", right_on="rated_on", by="debtor_id", strategy="backward",
                   check_sortedness=False)
        .drop("rated_on")
    )  # fmt: skip
    cases = with_collector_at(cases, book.assignments, "month_end").with_columns(
        rules.weight_milli(pl.col("bucket"), pl.col("grade")).alias("weight_milli"))  # fmt: skip
    collectors = book.collectors
    active = pl.col("active") if "active" in collectors.columns else pl.lit(True)
    capacity = (collectors.filter(active).group_by("region_id").agg(pl.col("capacity").sum())
                if "capacity" in collectors.columns else pl.DataFrame(schema={"region_id": pl.Int64,
                                                                              "capacity": pl.Int64}))  # fmt: skip
    carried = (
        cases.filter(pl.col("collector_id").is_not_null())
        .join(collectors.select("collector_id", "region_id"), on="collector_id", how="left")
        .group_by("region_id", "month_end")
        .agg(pl.len().alias("cases"), pl.col("weight_milli").sum().alias("load_milli"))
    )
    grid = book.regions.select("region_id", pl.col("name").alias("region")).join(
        pl.DataFrame({"month_end": pl.Series(chosen, dtype=pl.Date)}), how="cross")  # fmt: skip
    return (
        grid.join(carried, on=["region_id", "month_end"], how="left")
        .join(capacity, on="region_id", how="left")
        .with_columns(pl.col("cases", "load_milli").fill_null(0))
        .with_columns((pl.col("load_milli") / 1000).alias("load"))
        .with_columns(pl.when(pl.col("capacity") > 0).then(pl.col("load") / pl.col("capacity")).alias("load_index"))
        .sort("region_id", "month_end")
    )


def company_figures(collectors: pl.DataFrame, cases: pl.DataFrame) -> dict[str, float | int | None]:
    """The whole selection in one line: cases, overdue, load, capacity of active collectors, load
    index, collectors over capacity and under, inactive collectors with cases, unassigned cases."""
    active = collectors.filter(pl.col("active"))
    capacity = int(active["capacity"].sum() or 0)
    load = int(collectors["load_milli"].sum() or 0) / 1000
    return {
        "cases": cases.height,
        "overdue_cents": int(cases["overdue_cents"].sum() or 0),
        "load": load,
        "capacity": capacity,
        "load_index": load / capacity if capacity else None,
        "over": int((collectors["status"] == OVER).sum()),
        "under": int((collectors["status"] == UNDER).sum()),
        "inactive_with_cases": int((collectors["status"] == INACTIVE).sum()),
        "unassigned": int(cases["collector_id"].is_null().sum()),
    }


def with_recovery(collectors: pl.DataFrame, league: pl.DataFrame) -> pl.DataFrame:
    """Add each collector's recent recovery rate and its target from a league table of a recent period."""
    return collectors.join(league.select("collector_id", "recovery_rate", "recovery_target"), on="collector_id",
                           how="left")  # fmt: skip
