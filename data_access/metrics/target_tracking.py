"""Targets against actuals: each metric's value for a collector, a region and the company, its pace
and its status, for one calendar period as of a date D (docs/targets.md).

Every metric is a ratio of sums (or a sum) of dated **events**: cash credited and balances received
(recovery), promises made and debtors contacted (agreement), promises kept and falling due (kept),
survey scores (satisfaction), settled amounts and their days (cycle), write-offs and month-end
balances (bad debt). One frame of events, each with its collector and region, answers everything:
the value of any scope at any day (sum the events up to that day), the roll-up collector → region →
company (sum over the scope's events; the company also counts what no collector held) and the path
of a metric through the period (the running value day by day).

**Pace** is the value projected at the period's end from the run rate so far (f: the elapsed share of
the period). The amount recovered: so far ÷ f. A recovery rate: cash ÷ f over the projected base, in
which the balance overdue on the first day stays and what fell overdue since grows at its rate so far,
(cash ÷ f) ÷ (opening + later ÷ f), capped at 100 %. For the bad-debt rate (annual) the rate to date is annualised, which is its own
projection. The other ratios (agreement, kept, satisfaction, cycle reduction) are averages, whose run
rate is the value so far. For the recovery rates pace also states the rate **needed** on the remaining
book: (target × base − cash) ÷ (base − cash), the share of what is still uncollected that must come in.

**Status** of an open period: *on track* when the pace meets the target, *at risk* when it misses by
no more than ``AT_RISK_MARGIN`` of the target (10 %: a 90 % target paced at 81 % or more; a 2 %
bad-debt target paced at 2.2 % or less) and *off track* beyond that. A closed period (D on or after its
end) is *met* or *missed* on its actual value. A scope without events has no value and no status.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from data_access.book.portfolio import WRITE_OFF, Portfolio
from data_access.metrics import appraisal, snapshots
from data_access.metrics.buckets import Buckets
from data_access.metrics.recovery import TIERS, Period, promise_results
from data_access.metrics.targets import (
    AMOUNT, COLLECTOR, COMPANY, HIGHER, METRICS, RECOVERY_RATE, REGION, SHARE, level_of,
)  # fmt: skip

AT_RISK_MARGIN = 0.10
ON_TRACK, AT_RISK, OFF_TRACK, MET, MISSED = "on track", "at risk", "off track", "met", "missed"
CUMULATIVE = (RECOVERY_RATE, "recovery_overall", "amount_recovered")  # sums that grow with time
DAYS_IN_YEAR = 365
# The events' metric and tier as enums: at 10M invoices a period has ~12M events, and two text columns were
# a third of their 1 GB. ``values`` gives them back as text.
METRIC_TYPE, TIER_TYPE = pl.Enum(list(METRICS)), pl.Enum(list(TIERS))
SCHEMA = {"collector_id": pl.Int64, "region_id": pl.Int64, "target_type": METRIC_TYPE, "tier": TIER_TYPE,
          "date": pl.Date, "num": pl.Float64, "den": pl.Float64, "num2": pl.Float64, "den2": pl.Float64}  # fmt: skip


def _frame(frame: pl.DataFrame, metric: str, tier: pl.Expr | None, num: pl.Expr | None, den: pl.Expr | None,
           num2: pl.Expr | None = None, den2: pl.Expr | None = None) -> pl.DataFrame:  # fmt: skip
    def value(expr: pl.Expr | None) -> pl.Expr:
        return pl.lit(None, pl.Float64) if expr is None else expr.cast(pl.Float64)

    return by_day(frame.select(
        pl.col("collector_id").cast(pl.Int64), pl.col("region_id").cast(pl.Int64),
        pl.lit(metric).cast(METRIC_TYPE).alias("target_type"),
        (pl.lit(None, TIER_TYPE) if tier is None else tier.cast(pl.String).cast(TIER_TYPE)).alias("tier"), pl.col("date"),
        value(num).alias("num"), value(den).alias("den"), value(num2).alias("num2"), value(den2).alias("den2"),
    ))  # fmt: skip


def events(book: Portfolio, tables: dict[str, pl.DataFrame], period: Period, as_of: date, grace_days: int,
           settled: pl.DataFrame, month_ends: tuple[list[date], pl.DataFrame] | None = None) -> pl.DataFrame:  # fmt: skip
    """Every dated event of ``period`` up to ``as_of`` that a target metric sums (module docstring), summed
    by day (``by_day``).

    ``tables``: promises, collection_actions, satisfaction_surveys; ``settled``: appraisal.settlements;
    ``month_ends``: month ends and ``snapshots.snapshots`` at them (any buckets), already computed for the
    trends: where they include the dates the bad-debt rate needs, its balances are read from them instead
    of expanding the whole book again (4.4 s and 1.1 GB at 10M invoices).
    Each event carries its collector (null: held by no one) and region (the collector's; for what no one
    held and for write-offs, the debtor's)."""
    last = min(period.end, as_of)
    if last < period.start:
        return pl.DataFrame(schema=SCHEMA)
    so_far = Period(period.start, last)
    regions = book.collectors.select("collector_id", pl.col("region_id").alias("collector_region"))
    debtor_regions = book.debtors.select("debtor_id", pl.col("region_id").alias("debtor_region"))

    def placed(frame: pl.DataFrame) -> pl.DataFrame:
        frame = frame.join(regions, on="collector_id", how="left")
        if "debtor_id" in frame.columns:
            frame = frame.join(debtor_regions, on="debtor_id", how="left")
            return frame.with_columns(pl.coalesce("collector_region", "debtor_region").alias("region_id"))
        return frame.with_columns(pl.col("collector_region").alias("region_id"))

    # The league's recovery_by_collector without the grade at entry, which no target reads (at 10M invoices a
    # year's segments are millions of rows, sorted and joined for it).
    pool = appraisal.recovery_pool(book, so_far)
    segments, cash = appraisal.holding_segments(book, pool, so_far), appraisal.attributed_cash(book, pool, so_far)
    del pool
    base = placed(segments.rename({"held_from": "date"}))
    paid = placed(cash)
    parts = [
        _frame(base, RECOVERY_RATE, pl.col("tier"), None, pl.col("base_cents")),
        _frame(paid, RECOVERY_RATE, pl.col("tier"), pl.col("credited_cents"), None),
        _frame(base, "recovery_overall", None, None, pl.col("base_cents")),
        _frame(paid, "recovery_overall", None, pl.col("credited_cents"), None),
        _frame(paid, "amount_recovered", None, pl.col("credited_cents"), None),
    ]
    del segments, cash, base, paid  # each kind's frames go once summed: at 10M invoices a year's are GBs
    actions = tables["collection_actions"].filter(
        pl.col("action_date").is_between(so_far.start, so_far.end)
        & pl.col("outcome").cast(pl.String).is_in(["contacted", "promise", "refused"]))  # fmt: skip
    contacted = actions.group_by("collector_id", "debtor_id").agg(pl.col("action_date").min().alias("date"))
    promised = tables["promises"].filter(pl.col("made_on").is_between(so_far.start, so_far.end)).group_by(
        "collector_id", "debtor_id").agg(pl.col("made_on").min().alias("date"))  # fmt: skip
    parts += [_frame(placed(contacted), "agreement_rate", None, None, pl.lit(1)),
              _frame(placed(promised), "agreement_rate", None, pl.lit(1), None)]  # fmt: skip
    del actions, contacted, promised
    judged = promise_results(tables["promises"], book, grace_days, as_of).filter(
        pl.col("promised_date").is_between(period.start, period.end)).rename({"promised_date": "date"})  # fmt: skip
    parts.append(_frame(placed(judged), "kept_rate", None, (pl.col("status") == "kept").cast(pl.Int8), pl.lit(1)))
    surveys = tables["satisfaction_surveys"].filter(pl.col("survey_date").is_between(so_far.start, so_far.end))
    parts.append(_frame(placed(surveys.rename({"survey_date": "date"})), "satisfaction", None, pl.col("score"),
                        pl.lit(1)))  # fmt: skip
    parts += _cycle_events(book, settled, period, so_far, placed)
    parts.append(_bad_debt_events(book, period, so_far, month_ends))
    parts = [p for p in parts if p.height]
    return by_day(pl.concat(parts, how="vertical_relaxed")) if parts else pl.DataFrame(schema=SCHEMA)


SUMS = ("num", "den", "num2", "den2")


def by_day(events: pl.DataFrame) -> pl.DataFrame:
    """Events summed per collector, region, metric, tier and day: every metric is a ratio of sums of its
    events, so these sums answer ``values`` and ``path`` as the single events do, exactly (amounts in cents,
    counts, days and scores are whole numbers, which floats add without rounding far beyond any book). At
    10M invoices a quarter's 12M events become ~2M sums, and a sum whose events all lack the quantity stays
    null, as they were (``_opening`` keeps only what has a base)."""
    keys = ["collector_id", "region_id", "target_type", "tier", "date"]
    summed = [pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum()).alias(c) for c in SUMS]
    # In the order the events came (a collector outside a scoped reader's regions takes its debtors' regions,
    # and ``values`` keeps the first it meets): the same result every time.
    return events.group_by(keys, maintain_order=True).agg(summed).select(list(SCHEMA))


def _cycle_events(book: Portfolio, settled: pl.DataFrame, period: Period, so_far: Period, placed) -> list:  # noqa: ANN001
    """Cycle reduction = 1 − cycle(P so far) ÷ cycle(the whole previous period of the same length);
    each cycle the amount-weighted mean of days from due date to settlement, by the collector assigned at
    settlement. The previous period's sums ride on one event per scope dated on P's first day."""
    length = (period.end - period.start).days + 1
    before = Period(period.start - timedelta(days=length), period.start - timedelta(days=1))
    previous = _previous_calendar(period) or before

    def settled_in(p: Period) -> pl.DataFrame:
        rows = settled.filter(pl.col("settled_on").is_between(p.start, p.end))
        return placed(appraisal.with_collector_at(rows, book.assignments, "settled_on"))

    now = settled_in(so_far).rename({"settled_on": "date"})
    then = settled_in(previous).with_columns(pl.lit(period.start).alias("date"))
    days = pl.col("cycle_days") * pl.col("amount_cents")
    return [_frame(now, "cycle_reduction", None, days, pl.col("amount_cents")),
            _frame(then, "cycle_reduction", None, None, None, days, pl.col("amount_cents"))]  # fmt: skip


def _previous_calendar(period: Period) -> Period | None:
    from data_access.metrics.targets import kind_of, period_of

    kind = kind_of(period)
    return None if kind is None else period_of(kind, period.start - timedelta(days=1))


def _bad_debt_events(book: Portfolio, period: Period, so_far: Period,
                     known: tuple[list[date], pl.DataFrame] | None = None) -> pl.DataFrame:  # fmt: skip
    """Write-offs dated in P so far (``num``) and the outstanding at the day before P and at each month
    end in P so far (``den``), per the debtor's region. An invoice's balance at a month end does not depend
    on which other month ends are snapshot, so ``known`` snapshots serve when they include these dates."""
    regions = book.debtors.select("debtor_id", "region_id")
    written = (
        book.reductions.filter((pl.col("kind") == WRITE_OFF) & pl.col("date").is_between(so_far.start, so_far.end))
        .join(book.invoices.select("invoice_id", "debtor_id"), on="invoice_id").join(regions, on="debtor_id")
        .with_columns(pl.lit(None, pl.Int64).alias("collector_id"))
    )  # fmt: skip
    ends = [period.start - timedelta(days=1)]
    month_end = _month_end(period.start)
    while month_end <= so_far.end:
        ends.append(month_end)
        month_end = _month_end(month_end + timedelta(days=1))
    if known is not None and set(ends) <= set(known[0]):
        snaps = known[1].filter(pl.col("month_end").is_in(ends))
    else:
        snaps = snapshots.snapshots(book, ends, Buckets.from_edges((0,)))
    balances = (
        snaps.join(regions, on="debtor_id").group_by("region_id", "month_end")
        .agg(pl.col("balance_cents").sum())
        .rename({"month_end": "date"}).with_columns(pl.lit(None, pl.Int64).alias("collector_id"))
    )  # fmt: skip
    return pl.concat([_frame(written, "bad_debt_rate", None, pl.col("amount_cents"), None),
                      _frame(balances, "bad_debt_rate", None, None, pl.col("balance_cents"))])  # fmt: skip


def _month_end(day: date) -> date:
    nxt = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def values(events: pl.DataFrame, period: Period, through: date) -> pl.DataFrame:
    """The value of every metric (and tier) for every collector, region and the company, from the events
    dated up to ``through``: one row per (level, region_id, collector_id, target_type, tier) with
    ``value`` and, for the recovery rates, ``num`` (cash) and ``den`` (base)."""
    upto = events.filter(pl.col("date") <= through)
    keys = ["target_type", "tier"]
    company = upto.with_columns(pl.lit(None, pl.Int64).alias("region_id"), pl.lit(None, pl.Int64).alias("collector_id"))
    region = upto.filter(pl.col("region_id").is_not_null()).with_columns(pl.lit(None, pl.Int64).alias("collector_id"))
    collector = upto.filter(pl.col("collector_id").is_not_null())
    frames = []
    for level, frame in ((COMPANY, company), (REGION, region), (COLLECTOR, collector)):
        if level == COLLECTOR:  # a collector is reached by its own id; its region comes along
            grouped = frame.group_by(["collector_id", *keys]).agg(pl.col("region_id").first(), *_sums())
        else:
            grouped = frame.group_by(["region_id", "collector_id", *keys]).agg(*_sums())
        frames.append(grouped.with_columns(pl.lit(level).alias("level")))
    sums = pl.concat(frames, how="diagonal_relaxed")
    elapsed = (min(through, period.end) - period.start).days + 1
    value = pl.lit(None, pl.Float64)
    points = pl.lit(_balance_dates(period, through))
    for metric in METRICS:
        value = pl.when(pl.col("target_type") == metric).then(_value(metric, pl.lit(elapsed), points)).otherwise(value)
    result = sums.with_columns(value.alias("value"))
    result = result.join(_opening(upto, period), on=["level", "region_id", "collector_id", "target_type", "tier"],
                         how="left", nulls_equal=True)
    opening = pl.when(pl.col("target_type").is_in([RECOVERY_RATE, "recovery_overall"])).then(
        pl.col("den_opening")).alias("den_opening")  # fmt: skip
    return result.filter(~((pl.col("target_type") == "bad_debt_rate") & (pl.col("level") == COLLECTOR))).select(
        "level", "region_id", "collector_id", pl.col("target_type", "tier").cast(pl.String), "value", "num", "den",
        opening)  # fmt: skip


def _opening(events: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Per scope: the base that entered on the period's first day (the receivables already overdue then),
    which does not grow with time, unlike what falls overdue later."""
    first = events.filter((pl.col("date") == period.start) & pl.col("den").is_not_null())
    frames = []
    for level in (COMPANY, REGION, COLLECTOR):
        frame = first
        if level != COLLECTOR:
            frame = frame.with_columns(pl.lit(None, pl.Int64).alias("collector_id"))
        if level == COMPANY:
            frame = frame.with_columns(pl.lit(None, pl.Int64).alias("region_id"))
        if level == REGION:
            frame = frame.filter(pl.col("region_id").is_not_null())
        if level == COLLECTOR:
            frame = frame.filter(pl.col("collector_id").is_not_null()).with_columns(
                pl.col("region_id").first().over("collector_id"))
        frames.append(frame.group_by("region_id", "collector_id", "target_type", "tier")
                      .agg(pl.col("den").sum().alias("den_opening")).with_columns(pl.lit(level).alias("level")))
    return pl.concat(frames, how="diagonal_relaxed").select("level", "region_id", "collector_id", "target_type",
                                                            "tier", "den_opening")


def _sums() -> list[pl.Expr]:
    return [pl.col("num").sum(), pl.col("den").sum(), pl.col("num2").sum(), pl.col("den2").sum()]


def _balance_dates(period: Period, day: date) -> int:
    """How many balances the bad-debt rate averages by ``day``: the day before the period and each month end
    in it up to ``day``, counted from the calendar (a zero balance has no snapshot row but is a balance)."""
    return 1 + sum(1 for month_end in _month_ends_in(period) if month_end <= day)


def _month_ends_in(period: Period) -> list[date]:
    """The month ends from the period's first month to its last day, in order."""
    ends, month_end = [], _month_end(period.start)
    while month_end <= period.end:
        ends.append(month_end)
        month_end = _month_end(month_end + timedelta(days=1))
    return ends


def track(targets: pl.DataFrame, actual: pl.DataFrame, period: Period, as_of: date) -> pl.DataFrame:
    """Each target of ``period`` with its actual value so far, pace (projected at period end), the rate
    needed on the remaining book (recovery rates) and its status (module docstring).

    ``targets``: rows of the targets table set for the period; ``actual``: ``values`` at ``as_of``."""
    elapsed = max(0, (min(as_of, period.end) - period.start).days + 1)
    share = elapsed / ((period.end - period.start).days + 1)
    closed = as_of >= period.end
    # A region's target meets its own region's value; a company or collector target has no region in the key
    # (a collector's actual carries the collector's region; its target may leave the region blank).
    joined = targets.with_columns(
        pl.struct("region_id", "collector_id").map_elements(
            lambda s: level_of(s["region_id"], s["collector_id"]), return_dtype=pl.String).alias("level"),
        pl.when(pl.col("value_cents").is_not_null()).then(pl.col("value_cents").cast(pl.Float64))
        .otherwise(pl.col("value").cast(pl.Float64)).alias("target"),
    ).with_columns(pl.when(pl.col("level") == REGION).then(pl.col("region_id")).alias("_region")).join(
        actual.rename({"value": "actual"}).select(
            pl.when(pl.col("level") == REGION).then(pl.col("region_id")).alias("_region"), pl.exclude("region_id")),
        on=["level", "_region", "collector_id", "target_type", "tier"], how="left", nulls_equal=True,
    ).drop("_region")  # fmt: skip
    rows = []
    for row in joined.iter_rows(named=True):
        rows.append({**row, **_pace(row, share, closed)})
    schema = {**joined.schema, "pace": pl.Float64, "needed": pl.Float64, "status": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _pace(row: dict, share: float, closed: bool) -> dict:
    metric = METRICS[row["target_type"]]
    actual, target, num, den = row["actual"], row["target"], row["num"], row["den"]
    if actual is None or target is None or share <= 0:
        return {"pace": None, "needed": None, "status": None}
    needed = None
    if row["target_type"] in CUMULATIVE:
        pace = actual / share
        if metric.unit == SHARE:
            # Cash runs on at its rate so far; of the base, what was overdue on the first day is all there is,
            # what fell overdue since grows at its own rate: projected = (cash ÷ f) ÷ (opening + later ÷ f).
            opening = row.get("den_opening") or 0.0
            projected_base = opening + ((den or 0.0) - opening) / share
            pace = min(1.0, (num or 0.0) / share / projected_base) if projected_base > 0 else None
            if pace is None:
                return {"pace": None, "needed": None, "status": None}
            if den and den - (num or 0) > 0:
                needed = max(0.0, (target * den - (num or 0)) / (den - (num or 0)))
    else:
        pace = actual
    better = metric.better == HIGHER
    meets = (lambda v: v >= target) if better else (lambda v: v <= target)
    if closed:
        return {"pace": actual, "needed": None, "status": MET if meets(actual) else MISSED}
    if meets(pace):
        status = ON_TRACK
    else:
        margin = AT_RISK_MARGIN * abs(target)
        close = pace >= target - margin if better else pace <= target + margin
        status = AT_RISK if close else OFF_TRACK
    return {"pace": pace, "needed": needed, "status": status}


def path(events: pl.DataFrame, period: Period, as_of: date, target: float, *, target_type: str,
         tier: str | None, region_id: int | None, collector_id: int | None) -> pl.DataFrame:  # fmt: skip
    """One scope's metric day by day: ``actual`` (the value with the events up to that day, to ``as_of``)
    and ``to_target`` (for sums that grow with time, a straight line from 0 on the first day to the target
    on the last; for averages and the annual bad-debt rate, the target itself), over the whole period."""
    mine = events.filter(pl.col("target_type") == target_type)
    mine = mine.filter(pl.col("tier") == tier) if tier is not None else mine
    if collector_id is not None:
        mine = mine.filter(pl.col("collector_id") == collector_id)
    elif region_id is not None:
        mine = mine.filter(pl.col("region_id") == region_id)
    days = pl.DataFrame({"date": pl.date_range(period.start, period.end, "1d", eager=True)})
    # ``_balance_dates`` for every day at once: 1 + the period's month ends on or before the day.
    ends = pl.Series(_month_ends_in(period), dtype=pl.Date)
    days = days.with_columns((ends.search_sorted(days["date"], side="right") + 1).cast(pl.Int64).alias("points"))
    # An event before the first day (the bad-debt rate's opening balance, the day before) counts from day one,
    # as in ``values``.
    daily = mine.with_columns(pl.col("date").clip(lower_bound=period.start)).group_by("date").agg(
        pl.col("num", "den", "num2", "den2").sum())  # fmt: skip
    running = days.join(daily, on="date", how="left").with_columns(
        pl.col("num", "den", "num2", "den2").fill_null(0).cum_sum(),
        (pl.int_range(1, pl.len() + 1)).alias("elapsed"),
    )  # fmt: skip
    growing = target_type in CUMULATIVE
    total = days.height
    return running.select(
        "date",
        pl.when(pl.col("date") <= min(as_of, period.end)).then(
            _value(target_type, pl.col("elapsed"), pl.col("points"))).alias("actual"),
        (pl.lit(target) * pl.col("elapsed") / total if growing else pl.lit(target, pl.Float64)).alias("to_target"),
    )


def _value(target_type: str, elapsed: pl.Expr, points: pl.Expr) -> pl.Expr:
    """A metric's value from its sums (``num``, ``den``, ``num2``, ``den2``) after ``elapsed`` days, with
    ``points`` balances averaged (the bad-debt rate)."""
    num, den, num2, den2 = pl.col("num"), pl.col("den"), pl.col("num2"), pl.col("den2")
    if target_type == "amount_recovered":
        return num
    if target_type == "cycle_reduction":
        return pl.when((den > 0) & (num2 > 0) & (den2 > 0)).then(1 - (num / den) / (num2 / den2))
    if target_type == "bad_debt_rate":
        return pl.when(den > 0).then(num / (den / points) * DAYS_IN_YEAR / elapsed)
    return pl.when(den > 0).then(num / den)


def needs_amount(target_type: str) -> bool:
    return METRICS[target_type].unit == AMOUNT
