"""Collector appraisal: the league table of a period, with attribution by assignment history.

Attribution rules (docs/metrics.md, "Collector appraisal"):
- a receivable's tier (and its debtor's rating grade) is fixed when it enters the period's overdue
  pool, whoever holds it later;
- its base, the outstanding at entry E, is split into holding segments: one per stretch of
  [entry date, period end] in which one collector (or nobody: "unassigned", collector null) holds its
  debtor. A collector's base is the balance it received: with O_k the outstanding at the start of the
  day of the k-th hand-over, the first holder's base is E - O_1, a middle holder's O_k - O_k+1 and
  the last holder's O_last. The bases add up to E exactly, so collectors add up to the company;
- cash counts for the collector assigned to the debtor on the payment date (not the current owner),
  capped at E in date order as the company's rate caps it. Every payment in a segment reduces the
  balance the segment started with, so a segment's cash never exceeds its base and no rate exceeds
  100 %. Where the company credits more cash than the balance received (an overpayment after a credit
  note or write-off), the balance received is raised to it (``holding_segments``);
- compliance incidents count in the period in which they were confirmed.

Everything is as of a date D: escalations, appeals and incidents are read in their state at D
(``asof.escalations_as_of``, ``asof.appeals_as_of``, ``asof.incidents_confirmed_by``), so a past
period's table does not change its verdicts because of what happened after D.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from data_access.book.portfolio import PAYMENT, Portfolio
from data_access.metrics.asof import (
    APPEAL_OPEN, appeals_as_of, escalations_as_of, incidents_confirmed_by, remainder_cents, rows_of,
)  # fmt: skip
from data_access.metrics.recovery import TIERS, Period, promise_results, recovery_pool
from data_access.metrics.targets import RecoveryTargets

KINDS = ("month", "quarter", "year")
# The measures an appeal can contest and an upheld appeal can correct, with the range of a corrected value.
APPEAL_MEASURES: dict[str, tuple[float, float]] = {
    "recovery_rate": (0.0, 1.0), "cycle_improvement": (-1.0, 1.0), "satisfaction": (1.0, 5.0),
    "kept_rate": (0.0, 1.0), "escalation_timely": (0.0, 1.0), "score": (0.0, 100.0),
}  # fmt: skip


def period_containing(kind: str, day: date) -> Period:
    """The month, quarter or year containing ``day``, up to ``day``."""
    if kind == "month":
        return Period(day.replace(day=1), day)
    if kind == "quarter":
        return Period(date(day.year, 3 * ((day.month - 1) // 3) + 1, 1), day)
    if kind == "year":
        return Period(date(day.year, 1, 1), day)
    raise ValueError(f"Unknown period kind {kind!r}; use one of {KINDS}")


def previous_period(kind: str, period: Period) -> Period:
    """The whole period before ``period``."""
    before = period.start - timedelta(days=1)
    start = period_containing(kind, before).start
    return Period(start, before)


def periods_back(kind: str, day: date, count: int) -> list[Period]:
    """The ``count`` periods up to the one containing ``day`` (that one to date), oldest first."""
    periods = [period_containing(kind, day)]
    while len(periods) < count:
        periods.append(previous_period(kind, periods[-1]))
    return periods[::-1]


@dataclass(frozen=True)
class Targets:
    """What each collector is scored against."""

    recovery: RecoveryTargets  # tier targets in force for the period (targets.recovery_targets)
    satisfaction: float = 4.0
    escalation_share: float = 0.9
    escalation_days: int = 5
    kept: float = 0.7
    cycle_improvement: float = 0.10
    weights: tuple[float, float, float] = (0.5, 0.3, 0.2)


def with_collector_at(frame: pl.DataFrame, assignments: pl.DataFrame, on: str) -> pl.DataFrame:
    """Add ``collector_id``: the collector assigned to the row's debtor on the row's date column ``on``.

    An assignment that ended on the day it started (a move undone the same day) covers no day and is
    left out, so it can never shadow the assignment that starts on the same date.
    """
    ordered = (
        assignments.select("debtor_id", "collector_id", "start_date", "end_date")
        .filter(pl.col("end_date").is_null() | (pl.col("end_date") > pl.col("start_date")))
        .sort("start_date")
    )
    return (
        frame.sort(on)
        .join_asof(ordered, left_on=on, right_on="start_date", by="debtor_id", strategy="backward",
                   check_sortedness=False)  # fmt: skip
        .with_columns(
            pl.when(pl.col("end_date").is_null() | (pl.col("end_date") > pl.col(on))).then(pl.col("collector_id"))
            .alias("collector_id")
        )  # fmt: skip
        .drop("start_date", "end_date")
    )


def attributed_cash(book: Portfolio, pool: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Payments in P on pool receivables after their entry, capped at the entry outstanding in
    date order, each credited to the collector assigned on the payment date."""
    payments = (
        book.reductions.filter((pl.col("kind") == PAYMENT) & pl.col("date").is_between(period.start, period.end))
        .join(pool.select("invoice_id", "debtor_id", "tier", "entry_date", "entry_cents"), on="invoice_id")
        .filter(pl.col("date") >= pl.col("entry_date"))
        .sort("invoice_id", "date")
        .with_columns(pl.col("amount_cents").cum_sum().over("invoice_id").alias("running"))
        .with_columns(
            (pl.min_horizontal("running", "entry_cents")
             - pl.min_horizontal(pl.col("running") - pl.col("amount_cents"), "entry_cents")).alias("credited_cents")
        )  # fmt: skip
        # A payment beyond the entry outstanding credits nothing, and once the receivable is paid off its
        # holder may have changed with no segment left to hold it: such a payment is no one's cash.
        .filter(pl.col("credited_cents") > 0)
    )
    return with_collector_at(payments, book.assignments, "date").select(
        "invoice_id", "debtor_id", "tier", "date", "credited_cents", "collector_id"
    )


def _grade_at(frame: pl.DataFrame, ratings: pl.DataFrame, on: str) -> pl.DataFrame:
    return frame.sort(on).join_asof(
        ratings.select("debtor_id", "rated_on", "grade").sort("rated_on"), left_on=on, right_on="rated_on",
        by="debtor_id", strategy="backward", check_sortedness=False,
    ).drop("rated_on")  # fmt: skip


def holding_segments(book: Portfolio, pool: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Each pool receivable split into holding segments, with the base of each.

    A segment starts (``held_from``) on the entry date or on a day in (entry date, period end] on
    which an assignment of the debtor starts or ends, and lasts until the next such day; its
    ``collector_id`` is the one assigned on its first day (null: unassigned), and so on each of its
    days, as ``with_collector_at`` reads the payments. ``held_cents``, the balance received, is the
    outstanding at the start of that day: E less the reductions (payments, credit notes, write-offs)
    dated from the entry date up to the day before. ``base_cents`` = the balance received less the
    next segment's (the last segment keeps all it received): E - O_1, O_k - O_k+1, O_last.

    One correction keeps every segment's cash within its base while cash stays with the payment date
    and capped at E (as the company's rate counts it): the balance received is never less than the
    cash still to be credited from that day to the period end. The two differ only when an overpayment
    follows a credit note or write-off (E 1,000, credit note 600, then 1,000 paid: the company counts
    1,000 recovered, so the later holder received 1,000, not 400); otherwise what is still to come
    never exceeds the balance.

    A holder that passes the balance on as it received it has a zero base (and no cash): the
    segment stays, its debtor is one of that collector's cases. A segment received with nothing left
    to collect (settled before the hand-over) is left out. The bases of a receivable add up to E;
    tier, entry date and E are the receivable's, the same in each segment.
    """
    key = ["invoice_id", "debtor_id", "client_id", "tier", "entry_date", "entry_cents", "collected_cents"]
    starts = book.assignments.select("debtor_id", pl.col("start_date").alias("held_from"))
    ends = book.assignments.select("debtor_id", pl.col("end_date").alias("held_from"))
    changes = (
        pl.concat([starts, ends])
        .filter(pl.col("held_from").is_between(period.start, period.end, closed="right"))
        .unique()
    )  # fmt: skip
    handovers = (
        pool.select(key).join(changes, on="debtor_id")
        .filter(pl.col("held_from") > pl.col("entry_date"))
        .with_columns((pl.col("held_from") - timedelta(days=1)).alias("day_before"))
    )  # fmt: skip
    moved = handovers.select("invoice_id", "entry_date").unique()
    reduced = (
        book.reductions.filter(pl.col("date").is_between(period.start, period.end))
        .join(moved, on="invoice_id")
        .filter(pl.col("date") >= pl.col("entry_date"))
        .group_by("invoice_id", "date")
        .agg(pl.col("amount_cents").sum().alias("reduced"),
             pl.col("amount_cents").filter(pl.col("kind") == PAYMENT).sum().alias("paid"))
        .sort("invoice_id", "date")
        .with_columns(pl.col("reduced", "paid").cum_sum().over("invoice_id"))
        .sort("date")
    )  # fmt: skip
    entry = pl.col("entry_cents")
    received = (
        handovers.sort("day_before")
        .join_asof(reduced, left_on="day_before", right_on="date", by="invoice_id", strategy="backward",
                   check_sortedness=False)
        .with_columns(pl.col("reduced", "paid").fill_null(0))
        .with_columns(pl.max_horizontal(entry - pl.min_horizontal("reduced", entry),
                                        pl.col("collected_cents") - pl.min_horizontal("paid", entry))
                      .alias("held_cents"))
        .select(*key, "held_from", "held_cents")
    )  # fmt: skip
    firsts = pool.select(*key, pl.col("entry_date").alias("held_from"), entry.alias("held_cents"))
    moved_ids = moved["invoice_id"].implode()
    split = (
        pl.concat([firsts.filter(pl.col("invoice_id").is_in(moved_ids)), received])
        .sort("invoice_id", "held_from")
        .with_columns(pl.col("held_cents").cum_min().over("invoice_id"))  # balances never grow (amounts > 0)
        .with_columns((pl.col("held_cents") - pl.col("held_cents").shift(-1).over("invoice_id").fill_null(0))
                      .alias("base_cents"))
    )  # fmt: skip
    unmoved = firsts.filter(~pl.col("invoice_id").is_in(moved_ids)).with_columns(base_cents=pl.col("held_cents"))
    segments = pl.concat([unmoved, split]).filter(pl.col("held_cents") > 0).drop("collected_cents")
    return with_collector_at(segments, book.assignments, "held_from")


def recovery_by_collector(book: Portfolio, period: Period) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(segments, cash): the holding segments of the pool receivables, each with its collector, base
    and the debtor's grade at entry (``holding_segments``), and the cash attributed to the collector
    of each payment date (``attributed_cash``)."""
    pool = recovery_pool(book, period)
    segments = _grade_at(holding_segments(book, pool, period), book.ratings, "entry_date")
    return segments, attributed_cash(book, pool, period)


def tier_table(segments: pl.DataFrame, cash: pl.DataFrame) -> pl.DataFrame:
    """Per collector and tier: base (the balances received) and cash (payment collector).

    Summed over collectors (the unassigned, collector null, included) they are the company's tier
    figures: base = outstanding at entry, collected = cash credited."""
    based = segments.group_by("collector_id", "tier").agg(pl.col("base_cents").sum())
    collected = cash.group_by("collector_id", "tier").agg(pl.col("credited_cents").sum().alias("collected_cents"))
    return (
        based.join(collected, on=["collector_id", "tier"], how="full", coalesce=True, nulls_equal=True)
        .with_columns(pl.col("base_cents", "collected_cents").fill_null(0))
        .with_columns(pl.when(pl.col("base_cents") > 0).then(pl.col("collected_cents") / pl.col("base_cents"))
                      .alias("rate"))  # fmt: skip
    )


def difficulty_adjusted(segments: pl.DataFrame, cash: pl.DataFrame) -> pl.DataFrame:
    """Actual cash ÷ the cash the company's average rate per (tier, grade at entry) predicts for the
    collector's own segments: expected = Σ segment base × that cell's rate. 1.0 = as the company
    would; above 1 = better. The hard (61+ days tiers) and low-grade (BB and below) shares are shares
    of the collector's base."""
    cells = segments.select("invoice_id", "tier", "grade").unique("invoice_id")
    cash_by_cell = (
        cash.group_by("invoice_id").agg(pl.col("credited_cents").sum())
        .join(cells, on="invoice_id", how="inner")
        .group_by("tier", "grade").agg(pl.col("credited_cents").sum())
    )  # fmt: skip
    rates = (
        segments.group_by("tier", "grade").agg(pl.col("base_cents").sum())
        .join(cash_by_cell, on=["tier", "grade"], how="left")
        .select("tier", "grade", (pl.col("credited_cents").fill_null(0) / pl.col("base_cents")).alias("avg"))
    )  # fmt: skip
    base = pl.col("base_cents")
    expected = segments.join(rates, on=["tier", "grade"], how="left").group_by("collector_id").agg(
        (base * pl.col("avg")).sum().alias("expected_cents"),
        (base.filter(pl.col("tier").is_in(TIERS[2:])).sum() / base.sum()).alias("hard_share"),
        (base.filter(pl.col("grade").is_in(["BB", "B", "CCC"])).sum() / base.sum()).alias("low_grade_share"),
    )  # fmt: skip
    actual = cash.group_by("collector_id").agg(pl.col("credited_cents").sum().alias("actual_cents"))
    return expected.join(actual, on="collector_id", how="left", nulls_equal=True).with_columns(
        pl.when(pl.col("expected_cents") > 0).then(pl.col("actual_cents").fill_null(0) / pl.col("expected_cents"))
        .alias("adjusted")
    )  # fmt: skip


def settlements(book: Portfolio) -> pl.DataFrame:
    """Each fully settled invoice: the date its reductions reached its amount, and days from due.

    In arrays, as ``asof._reduced``: the reductions in (invoice, date) order, a running sum per invoice, and
    each invoice's first reduction whose running sum reaches its amount. Reductions are positive, so that
    reduction's date is the first day whose total reaches the amount. The group-by, sort, window and join
    this replaces held 4 GB at their peak at 10M invoices and took 14 s. A reduction of an invoice not in
    the book counts nowhere."""
    invoices, reductions = book.invoices, book.reductions
    rows, known = rows_of(invoices["invoice_id"].to_numpy(), reductions["invoice_id"].to_numpy())
    rows = rows[known]
    days = reductions["date"].cast(pl.Date).to_physical().to_numpy()[known]
    order = np.lexsort((days, rows))
    rows, days = rows[order], days[order]
    running = np.cumsum(reductions["amount_cents"].to_numpy()[known][order])
    first_of_invoice = np.r_[True, rows[1:] != rows[:-1]]
    before = np.maximum.accumulate(np.where(first_of_invoice, np.arange(rows.size), 0))  # each invoice's first
    running -= np.r_[0, running][before]  # the running sum of the invoice alone
    reached = running >= invoices["amount_cents"].to_numpy()[rows]
    settled_rows, first = np.unique(rows[reached], return_index=True)  # the first reaching reduction per invoice
    return (
        invoices.select("invoice_id", "debtor_id", "due_date", "amount_cents")[settled_rows]
        .with_columns(pl.Series("settled_on", days[reached][first]).cast(pl.Date))
        .with_columns((pl.col("settled_on") - pl.col("due_date")).dt.total_days().clip(lower_bound=0)
                      .alias("cycle_days"))
    )  # fmt: skip


def last_open_date(book: Portfolio, settled: pl.DataFrame | None = None) -> date | None:
    """The last day on which some invoice was open (issued on or before it, not settled by its end), or None
    when no invoice ever was: where a book whose every invoice is settled still has an aging to show.
    ``settled``: ``settlements(book)`` when the caller holds it already."""
    if book.invoices.is_empty():
        return None
    settled = settlements(book) if settled is None else settled
    unsettled = book.invoices.filter(pl.col("amount_cents") > 0).join(settled, on="invoice_id", how="anti")
    if unsettled.height:  # an invoice still open: the book is open on its newest day
        return book.latest_date
    spans = settled.join(book.invoices.select("invoice_id", "issue_date"), on="invoice_id").filter(
        pl.col("settled_on") > pl.col("issue_date"))  # fmt: skip
    return None if spans.is_empty() else spans["settled_on"].max() - timedelta(days=1)  # type: ignore[operator]


def collection_cycle(settled: pl.DataFrame, assignments: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Per collector (assigned at settlement): amount-weighted mean and median days from due date to
    full settlement, over receivables settled in the period."""
    in_period = settled.filter(pl.col("settled_on").is_between(period.start, period.end))
    return with_collector_at(in_period, assignments, "settled_on").group_by("collector_id").agg(
        ((pl.col("cycle_days") * pl.col("amount_cents")).sum() / pl.col("amount_cents").sum()).alias("cycle_days"),
        pl.col("cycle_days").median().alias("cycle_median"),
    )


def behaviour(tables: dict[str, pl.DataFrame], book: Portfolio, period: Period, as_of: date, targets: Targets,
              grace_days: int) -> pl.DataFrame:  # fmt: skip
    """Per collector, as of ``as_of``: promise agreement and kept rates, satisfaction, timely
    escalation, confirmed incidents (by confirmation date) and whether an appeal of the period is open.

    Only facts dated on or before ``as_of`` count (the period may end later; its days after ``as_of``
    have no facts yet). Hard cases flagged in the period are judged as of ``as_of``: timely when
    escalated by then within ``targets.escalation_days`` working days, late when escalated later or
    not escalated although the deadline has passed, and left out while the deadline is still ahead.
    """
    last = min(period.end, as_of)
    actions = tables["collection_actions"].filter(pl.col("action_date").is_between(period.start, last))
    contacted = actions.filter(pl.col("outcome").is_in(["contacted", "promise", "refused"])).group_by(
        "collector_id").agg(pl.col("debtor_id").n_unique().alias("contacted"))  # fmt: skip
    promises = tables["promises"]
    made = promises.filter(pl.col("made_on").is_between(period.start, last)).group_by("collector_id").agg(
        pl.col("debtor_id").n_unique().alias("with_promise"), pl.len().alias("promises_made"))  # fmt: skip
    judged = promise_results(promises, book, grace_days, as_of).filter(
        pl.col("promised_date").is_between(period.start, period.end))
    kept = judged.group_by("collector_id").agg(
        (pl.col("status") == "kept").mean().alias("kept_rate"), pl.len().alias("promises_due"))  # fmt: skip
    surveys = tables["satisfaction_surveys"].filter(pl.col("survey_date").is_between(period.start, last))
    satisfaction = surveys.group_by("collector_id").agg(pl.col("score").mean().alias("satisfaction"))
    flagged = escalations_as_of(tables["escalations"], as_of, targets.escalation_days).filter(
        pl.col("flagged_on").is_between(period.start, period.end) & pl.col("timely").is_not_null())
    timely = flagged.group_by("collector_id").agg(
        pl.col("timely").mean().alias("escalation_timely"), pl.len().alias("hard_cases"))  # fmt: skip
    incidents = incidents_confirmed_by(tables["compliance_incidents"], as_of).filter(
        pl.col("confirmed_on").is_between(period.start, period.end))
    confirmed = incidents.group_by("collector_id").agg(
        pl.len().alias("incidents"), pl.col("kind").unique().sort().str.join(", ").alias("incident_kinds"))  # fmt: skip
    appeals = appeals_as_of(tables["appeals"], as_of).filter(
        (pl.col("status") == APPEAL_OPEN) & (pl.col("period_start") <= period.end)
        & (pl.col("period_end") >= period.start))  # fmt: skip
    appealing = appeals.select("collector_id").unique().with_columns(pl.lit(True).alias("under_appeal"))
    result = contacted
    for part in (made, kept, satisfaction, timely, confirmed, appealing):
        result = result.join(part, on="collector_id", how="full", coalesce=True)
    return result.with_columns(
        pl.when(pl.col("contacted") > 0).then(pl.col("with_promise").fill_null(0) / pl.col("contacted"))
        .alias("agreement_rate"),
        pl.col("incidents").fill_null(0), pl.col("under_appeal").fill_null(False),
    )  # fmt: skip


def _score(actual: pl.Expr, target: float) -> pl.Expr:
    return (actual / target).clip(0, 1) * 100


def composite(frame: pl.DataFrame, targets: Targets) -> pl.DataFrame:
    """Quantity (recovery vs its target), quality (cycle improvement, satisfaction) and behaviour
    (timely escalation, promises kept) scored 0-100 against their targets; a component without data
    is left out and the weights of the others rescaled. A confirmed incident sets the score to 0."""
    quality = pl.mean_horizontal(_score(pl.col("cycle_improvement"), targets.cycle_improvement),
                                 _score(pl.col("satisfaction"), targets.satisfaction))  # fmt: skip
    behaviour_score = pl.mean_horizontal(_score(pl.col("escalation_timely"), targets.escalation_share),
                                         _score(pl.col("kept_rate"), targets.kept))  # fmt: skip
    parts = [
        _score(pl.col("recovery_rate") / pl.col("recovery_target"), 1.0).alias("quantity_score"),
        quality.alias("quality_score"),
        behaviour_score.alias("behaviour_score"),
    ]
    w_q, w_ql, w_b = targets.weights
    scored = frame.with_columns(parts)
    weight = (pl.col("quantity_score").is_not_null() * w_q + pl.col("quality_score").is_not_null() * w_ql
              + pl.col("behaviour_score").is_not_null() * w_b)  # fmt: skip
    raw = (pl.col("quantity_score").fill_null(0) * w_q + pl.col("quality_score").fill_null(0) * w_ql
           + pl.col("behaviour_score").fill_null(0) * w_b) / weight  # fmt: skip
    return scored.with_columns(
        pl.when(pl.col("incidents") > 0).then(0.0).otherwise(raw).alias("score"),
        pl.when(pl.col("incidents") > 0).then(pl.lit("veto"))
        .when(pl.col("under_appeal")).then(pl.lit("under appeal")).otherwise(pl.lit("")).alias("status"),
    )  # fmt: skip


def league_table(book: Portfolio, tables: dict[str, pl.DataFrame], period: Period, as_of: date, targets: Targets,
                 grace_days: int, settled: pl.DataFrame) -> pl.DataFrame:  # fmt: skip
    """One row per collector with every appraisal measure, the composite score and the rank."""
    segments, cash = recovery_by_collector(book, period)
    tiers = tier_table(segments, cash).filter(pl.col("collector_id").is_not_null())
    scored = tiers.select("collector_id").unique().join(book.collectors.select("collector_id", "region_id"),
                                                        on="collector_id", how="left")  # fmt: skip
    tiers = tiers.join(targets.recovery.per_collector(scored).select("collector_id", "tier", "target"),
                       on=["collector_id", "tier"], how="left")  # fmt: skip
    wide = tiers.pivot(on="tier", index="collector_id", values=["rate", "target"], aggregate_function="first")
    for tier in TIERS:
        for kind in ("rate", "target"):
            if f"{kind}_{tier}" not in wide.columns:
                wide = wide.with_columns(pl.lit(None, pl.Float64).alias(f"{kind}_{tier}"))
    overall = tiers.group_by("collector_id").agg(
        pl.col("collected_cents").sum().alias("recovered_cents"),
        (pl.col("collected_cents").sum() / pl.col("base_cents").sum()).alias("recovery_rate"),
        ((pl.col("base_cents") * pl.col("target")).sum() / pl.col("base_cents").sum()).alias("recovery_target"),
    )
    # Closed at the period's end: issued by then, nothing left (an array pass, not a copy of the book's rows).
    closed = (remainder_cents(book, period.end) <= 0) & (book.invoices["issue_date"] <= period.end).to_numpy()
    closed_invoices = book.invoices["invoice_id"].filter(pl.Series(closed))
    # A debtor is a case of every collector that held a segment of one of its pool receivables.
    cases = segments.with_columns(pl.col("invoice_id").is_in(closed_invoices.implode()).alias("closed"))
    cases = cases.group_by("collector_id", "debtor_id").agg(pl.col("closed").all()).group_by("collector_id").agg(
        pl.len().alias("cases"), pl.col("closed").sum().alias("cases_closed"))  # fmt: skip
    quarter = period_containing("quarter", period.end)
    cycles = collection_cycle(settled, book.assignments, quarter).join(
        collection_cycle(settled, book.assignments, previous_period("quarter", quarter))
        .select("collector_id", pl.col("cycle_days").alias("cycle_before")), on="collector_id", how="left",
    ).with_columns((1 - pl.col("cycle_days") / pl.col("cycle_before")).alias("cycle_improvement"))  # fmt: skip
    result = (
        book.collectors.select("collector_id", pl.col("name").alias("collector"), "region_id", "level")
        .join(book.regions.select("region_id", pl.col("name").alias("region")), on="region_id", how="left")
        .join(cases, on="collector_id", how="left")
        .join(overall, on="collector_id", how="left")
        .join(wide, on="collector_id", how="left")
        .join(difficulty_adjusted(segments, cash).select("collector_id", "adjusted", "hard_share", "low_grade_share"),
              on="collector_id", how="left")
        .join(cycles.select("collector_id", "cycle_days", "cycle_median", "cycle_improvement"), on="collector_id",
              how="left")
        .join(behaviour(tables, book, period, as_of, targets, grace_days), on="collector_id", how="left")
        .with_columns(pl.col("cases", "cases_closed", "recovered_cents", "incidents").fill_null(0),
                      pl.col("under_appeal").fill_null(False))
    )  # fmt: skip
    # A ratio over nothing (no entries, no previous cycle) is unknown, not NaN or infinite.
    floats = [name for name, dtype in result.schema.items() if dtype == pl.Float64]
    result = result.with_columns(pl.when(pl.col(name).is_finite()).then(pl.col(name)).alias(name) for name in floats)
    return rank(with_appeals(result, tables["appeals"], period, as_of, targets))


def with_appeals(measures: pl.DataFrame, appeals: pl.DataFrame, period: Period, as_of: date,
                 targets: Targets) -> pl.DataFrame:  # fmt: skip
    """The composite score with the appeals against exactly this period applied, as they stood at ``as_of``.

    ``original_score`` and ``original_rank`` are the score and rank before any correction. Every appeal
    upheld by ``as_of`` with a corrected figure replaces that measure (or the score itself) for its collector
    and the score is recomputed from them: a later appeal, open or rejected, does not undo an earlier upheld
    correction; of two upheld corrections of the same measure the one decided later (then filed later) wins.
    The compliance veto still sets a score to 0. ``appeal`` says where the latest appeal against the period
    stands (open, upheld, rejected; null: none) with its note and correction.
    """
    original = composite(measures, targets)
    original = original.with_columns(pl.col("score").alias("original_score"),
                                     pl.col("score").rank(method="min", descending=True).cast(pl.Int32)
                                     .alias("original_rank"))  # fmt: skip
    against = appeals_as_of(appeals, as_of).filter((pl.col("period_start") == period.start)
                                                   & (pl.col("period_end") == period.end))  # fmt: skip
    for name in ("decision_note", "corrected_metric", "corrected_value"):
        if name not in against.columns:
            against = against.with_columns(pl.lit(None).alias(name))
    decided = pl.col("status") != APPEAL_OPEN  # a decision not yet made by as_of corrects nothing
    upheld = decided & (pl.col("status") == "upheld")
    latest = against.sort("filed_on", "appeal_id").group_by("collector_id").last().select(
        "collector_id", pl.col("status").alias("appeal"),
        pl.when(decided).then(pl.col("decision_note")).alias("appeal_note"),
        pl.when(upheld).then(pl.col("corrected_metric")).alias("corrected_measure"),
        pl.when(upheld).then(pl.col("corrected_value").cast(pl.Float64)).alias("corrected_value"),
    )  # fmt: skip
    corrections = (
        against.filter(upheld & pl.col("corrected_metric").is_not_null() & pl.col("corrected_value").is_not_null())
        .sort("decided_on", "filed_on", "appeal_id").group_by("collector_id", "corrected_metric").last()
        .select("collector_id", "corrected_metric", pl.col("corrected_value").cast(pl.Float64))
    )  # fmt: skip
    joined = measures.join(latest, on="collector_id", how="left")
    for name in APPEAL_MEASURES:
        if name != "score" and name not in joined.columns:
            continue
        found = corrections.filter(pl.col("corrected_metric") == name).select(
            "collector_id", pl.col("corrected_value").alias(f"_corrected_{name}"))
        joined = joined.join(found, on="collector_id", how="left")
    fixed = joined.with_columns(
        pl.coalesce(f"_corrected_{name}", name).alias(name)
        for name in APPEAL_MEASURES if name != "score" and name in joined.columns
    )  # fmt: skip
    scored = composite(fixed, targets)
    scored = scored.with_columns(
        pl.when(pl.col("_corrected_score").is_not_null() & (pl.col("incidents") == 0))
        .then(pl.col("_corrected_score")).otherwise(pl.col("score")).alias("score"),
        pl.when(pl.col("status") != "").then(pl.col("status"))
        .when(pl.col("appeal").is_in(["upheld", "rejected"])).then(pl.format("appeal {}", pl.col("appeal")))
        .otherwise(pl.col("status")).alias("status"),
    )  # fmt: skip
    return scored.drop([c for c in scored.columns if c.startswith("_corrected_")]).join(
        original.select("collector_id", "original_score", "original_rank"), on="collector_id", how="left")


def rank(frame: pl.DataFrame) -> pl.DataFrame:
    """Rank by score, best first; collectors without a score (no receivables) come last, unranked."""
    return frame.with_columns(
        pl.col("score").rank(method="min", descending=True).cast(pl.Int32).alias("rank")
    ).sort("rank", nulls_last=True)


def with_rank_change(current: pl.DataFrame, previous: pl.DataFrame) -> pl.DataFrame:
    """Places gained (+) or lost (-) since the previous period."""
    before = previous.select("collector_id", pl.col("rank").alias("previous_rank"))
    return current.join(before, on="collector_id", how="left").with_columns(
        (pl.col("previous_rank") - pl.col("rank")).alias("rank_change")
    )
