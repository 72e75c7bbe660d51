"""The early-warning list: every debtor with exposure, its signals, risk score and level, expected loss and
the recommended action with the rule that produced it; what changed in a week; one debtor's timeline.

``watch_list`` takes the signals at the as-of date (``signals.debtor_signals``) and a ``RiskModel``
(``data_access.models.risk``). The model scores debtors with nothing more than 90 days past due; those
already past 90 days have had the outcome the model predicts and are listed apart (``in_default``).
Definitions: docs/early_warning.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from data_access.book.portfolio import CREDIT, PAYMENT, WRITE_OFF, Portfolio
from data_access.metrics.recovery import promise_results
from data_access.metrics.signals import SIGNALS
from data_access.models.risk import DEFAULT_DPD, FEATURES, RiskModel, eligible

RED, AMBER, GREEN = "red", "amber", "green"
LEVELS = (RED, AMBER, GREEN)
ON_THE_LIST = (RED, AMBER)  # "new this week" and "left the list" compare these


@dataclass(frozen=True)
class Levels:
    """Thresholds of the levels: on the model's probability, or on the count of signals when rules-only."""

    red: float = 0.30  # RDASH_EARLY_WARNING_LEVELS
    amber: float = 0.10
    rules_red: int = 3  # RDASH_EARLY_WARNING_RULE_LEVELS
    rules_amber: int = 1


# Recommended actions: the first rule that holds gives the action (the scheme, DOMAIN §2.5: cash-flow
# trouble -> repayment plan; wilful default -> legal review; rising risk -> escalate; signals without
# overdue -> watch). Each is (rule, action, condition on a scored row).
OVERDUE = pl.col("overdue_cents") > 0
ACTION_RULES: tuple[tuple[str, str, pl.Expr], ...] = (
    ("bankruptcy", "legal_review", pl.col("bankruptcy")),
    ("wilful_default", "legal_review",
     OVERDUE & (pl.col("broken_promises_90d") >= 2) & (pl.col("partial_payments_90d") == 0)
     & (pl.col("partial_promises_90d") == 0)),
    ("cash_flow_trouble", "repayment_plan",
     OVERDUE & (pl.col("partial_payments") | (pl.col("partial_promises_90d") > 0) | pl.col("business_anomaly"))),
    ("rising_risk", "escalate",
     (pl.col("level") == RED) | (OVERDUE & (pl.col("rating_downgrade") | pl.col("days_late_rising")
                                            | pl.col("litigation")))),
    ("signals_without_overdue", "watch", ~OVERDUE & (pl.col("signals") > 0)),
    ("overdue", "ladder", OVERDUE),
    ("no_signal", "none", pl.lit(True)),
)  # fmt: skip
RULES = tuple(rule for rule, _action, _condition in ACTION_RULES)


def scored(signals: pl.DataFrame, model: RiskModel, levels: Levels) -> pl.DataFrame:
    """Eligible debtors (nothing past 90 days) with ``probability``, ``score`` (0-100), ``level`` and
    ``expected_loss_cents`` = outstanding × probability. Rules-only: probability and expected loss are
    null, the score is the count of signals and the level follows ``levels.rules_*``."""
    rows = eligible(signals)
    probability = model.probability(rows)
    if probability is None:
        return rows.with_columns(
            pl.lit(None, pl.Float64).alias("probability"), pl.col("signals").cast(pl.Float64).alias("score"),
            pl.when(pl.col("signals") >= levels.rules_red).then(pl.lit(RED))
            .when(pl.col("signals") >= levels.rules_amber).then(pl.lit(AMBER)).otherwise(pl.lit(GREEN)).alias("level"),
            pl.lit(None, pl.Int64).alias("expected_loss_cents"),
        )  # fmt: skip
    return rows.with_columns(pl.Series("probability", probability, dtype=pl.Float64)).with_columns(
        (pl.col("probability") * 100).alias("score"),
        pl.when(pl.col("probability") >= levels.red).then(pl.lit(RED))
        .when(pl.col("probability") >= levels.amber).then(pl.lit(AMBER)).otherwise(pl.lit(GREEN)).alias("level"),
        (pl.col("outstanding_cents") * pl.col("probability")).round(0).cast(pl.Int64).alias("expected_loss_cents"),
    )  # fmt: skip


def recommend(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds ``rule`` (the first of ACTION_RULES that holds) and its ``action``."""
    rule = pl.when(ACTION_RULES[0][2]).then(pl.lit(ACTION_RULES[0][0]))
    action = pl.when(ACTION_RULES[0][2]).then(pl.lit(ACTION_RULES[0][1]))
    for name, act, condition in ACTION_RULES[1:]:
        rule = rule.when(condition).then(pl.lit(name))
        action = action.when(condition).then(pl.lit(act))
    return frame.with_columns(rule.alias("rule"), action.alias("action"))


def signal_names() -> pl.Expr:
    """The signals that are on, as a list of their names in SIGNALS order."""
    return pl.concat_list(pl.when(pl.col(s)).then(pl.lit(s)) for s in SIGNALS).list.drop_nulls().alias("signal_list")


def watch_list(signals: pl.DataFrame, model: RiskModel, levels: Levels, dims: pl.DataFrame) -> pl.DataFrame:
    """The list at one as-of date: one row per eligible debtor, highest expected loss first (rules-only:
    most signals, then most overdue). ``dims``: debtor dimensions at the date (name, region, collector...)."""
    frame = recommend(scored(signals, model, levels)).with_columns(signal_names())
    frame = frame.join(dims.select("debtor_id", "debtor", "region_id", "region", "industry", "collector_id",
                                   "collector"), on="debtor_id", how="left")  # fmt: skip
    if model.fitted:
        order = ["expected_loss_cents", "probability", "outstanding_cents", "debtor_id"]
    else:
        order = ["signals", "overdue_cents", "outstanding_cents", "debtor_id"]
    return frame.sort(order, descending=[True, True, True, False])


def in_default(signals: pl.DataFrame, dims: pl.DataFrame) -> pl.DataFrame:
    """Debtors with something more than 90 days past due: the model's outcome has already happened."""
    return (
        signals.filter(pl.col("worst_dpd") > DEFAULT_DPD).with_columns(signal_names())
        .join(dims.select("debtor_id", "debtor", "region", "collector"), on="debtor_id", how="left")
        .sort("overdue_cents", "debtor_id", descending=[True, False])
    )  # fmt: skip


def week_changes(now: pl.DataFrame, before: pl.DataFrame, exposed_now: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Debtors that joined the list (red or amber) since the earlier date, and those that left it.

    ``now`` and ``before`` are watch lists at the two dates (scored by the same model); ``exposed_now`` the
    signals at the later date (every debtor with exposure, eligible or not), to say why one left: it is now
    green, now more than 90 days past due, or has nothing outstanding any more.
    """
    listed_now = now.filter(pl.col("level").is_in(ON_THE_LIST))
    listed_before = before.filter(pl.col("level").is_in(ON_THE_LIST))
    new = listed_now.join(before.select("debtor_id", pl.col("level").alias("level_before")), on="debtor_id",
                          how="left").join(listed_before.select("debtor_id"), on="debtor_id", how="anti")  # fmt: skip
    status = exposed_now.select("debtor_id", "worst_dpd")
    left = (
        listed_before.join(listed_now.select("debtor_id"), on="debtor_id", how="anti")
        .select("debtor_id", "debtor", "region", "collector", pl.col("level").alias("level_before"),
                pl.col("outstanding_cents").alias("outstanding_before_cents"), "probability")
        .join(now.select("debtor_id", "level", "outstanding_cents"), on="debtor_id", how="left")
        .join(status, on="debtor_id", how="left")
        .with_columns(
            pl.when(pl.col("worst_dpd") > DEFAULT_DPD).then(pl.lit("now_default"))
            .when(pl.col("level").is_not_null()).then(pl.lit("now_green"))
            .otherwise(pl.lit("no_exposure")).alias("why"),
        )
        .sort("outstanding_before_cents", descending=True)
    )  # fmt: skip
    return new, left


def explanation(model: RiskModel, row: pl.DataFrame, top: int = 6) -> pl.DataFrame:
    """The factors that push one debtor's score most (``row``: its signals, one row): feature, kind, the
    value people read (``shown``, as text-free number or grade) and the push on the log-odds."""
    pushes = model.contributions(row)
    if pushes.is_empty():
        return pushes
    shown = {f.name: row.select((f.shown if f.shown is not None else f.expr)).item() for f in FEATURES}
    kinds = {f.name: f.kind for f in FEATURES}
    strongest = pushes.filter(pl.col("contribution").abs() >= 0.005).head(top)
    return strongest.with_columns(
        pl.col("feature").replace_strict(kinds).alias("kind"),
        pl.Series("shown", [shown[name] for name in strongest["feature"]], dtype=pl.Object),
    ).select("feature", "kind", "shown", "contribution")


def baseline_probability(model: RiskModel) -> float | None:
    """The probability of the typical debtor an explanation compares with: the average debtor of the
    training dates (logistic: the intercept), or the debtor with every feature at its median (trees)."""
    if not model.fitted:
        return None
    if model.kind == "logistic":
        intercept = float(model.estimator.steps[-1][1].intercept_[0])  # type: ignore[union-attr]
        return float(1 / (1 + np.exp(-intercept)))
    return float(model.estimator.predict_proba(model.reference.reshape(1, -1))[0, 1])  # type: ignore[union-attr]


# One debtor's history ----------------------------------------------------------------------------------

TIMELINE_LANES = ("invoice", "payment", "credit", "write_off", "promise", "action", "event", "rating")


TIMELINE_DAYS = 365  # the debtor timeline's reach back from the as-of date


def timeline(book: Portfolio, tables: dict[str, pl.DataFrame], debtor_id: int, as_of: date, days: int = TIMELINE_DAYS,
             grace_days: int = 3) -> pl.DataFrame:  # fmt: skip
    """Everything dated in (as_of - days, as_of] about one debtor, one row per fact: date, lane, what
    (a short code: channel, event type, promise result, grade), amount_cents (or null) and invoice_number.

    Lanes: invoices issued, payments, credit notes, write-offs, promises (at the promised date, with their
    result at the as-of date, or ``pending``), collection actions, credit events and rating changes.
    """
    since = as_of - timedelta(days=days)
    window = lambda column: pl.col(column).is_between(since, as_of, closed="right")  # noqa: E731
    invoices = book.invoices.filter(pl.col("debtor_id") == debtor_id).select("invoice_id", "invoice_number",
                                                                             "issue_date", "amount_cents")  # fmt: skip
    parts = [invoices.filter(window("issue_date")).select(
        pl.col("issue_date").alias("date"), pl.lit("invoice").alias("lane"), pl.lit("issued").alias("what"),
        "amount_cents", "invoice_number")]  # fmt: skip
    reductions = book.reductions.join(invoices.select("invoice_id", "invoice_number"), on="invoice_id")
    for kind, lane in ((PAYMENT, "payment"), (CREDIT, "credit"), (WRITE_OFF, "write_off")):
        parts.append(reductions.filter((pl.col("kind") == kind) & window("date")).select(
            "date", pl.lit(lane).alias("lane"), pl.lit(lane).alias("what"), "amount_cents", "invoice_number"))  # fmt: skip
    promises = tables.get("promises")
    if promises is not None and not promises.is_empty():
        made = promises.filter((pl.col("debtor_id") == debtor_id) & (pl.col("made_on") <= as_of))
        judged = promise_results(made, book, grace_days, as_of).select("promise_id", "status")
        parts.append(
            made.filter(pl.col("promised_date") > since).join(judged, on="promise_id", how="left")
            .join(invoices.select("invoice_id", "invoice_number"), on="invoice_id", how="left")
            .select(pl.col("promised_date").alias("date"), pl.lit("promise").alias("lane"),
                    pl.col("status").fill_null("pending").alias("what"), "amount_cents", "invoice_number")
        )  # fmt: skip
    actions = tables.get("collection_actions")
    if actions is not None and not actions.is_empty():
        parts.append(
            actions.filter((pl.col("debtor_id") == debtor_id) & window("action_date"))
            .join(invoices.select("invoice_id", "invoice_number"), on="invoice_id", how="left")
            .select(pl.col("action_date").alias("date"), pl.lit("action").alias("lane"),
                    pl.format("{}: {}", "channel", "outcome").alias("what"), pl.lit(None, pl.Int64).alias("amount_cents"),
                    "invoice_number")
        )  # fmt: skip
    events = tables.get("credit_events")
    if events is not None and not events.is_empty():
        parts.append(events.filter((pl.col("debtor_id") == debtor_id) & window("event_date")).select(
            pl.col("event_date").alias("date"), pl.lit("event").alias("lane"), pl.col("event_type").alias("what"),
            pl.lit(None, pl.Int64).alias("amount_cents"), pl.lit(None, pl.String).alias("invoice_number")))  # fmt: skip
    parts.append(book.ratings.filter((pl.col("debtor_id") == debtor_id) & window("rated_on")).select(
        pl.col("rated_on").alias("date"), pl.lit("rating").alias("lane"), pl.col("grade").alias("what"),
        pl.lit(None, pl.Int64).alias("amount_cents"), pl.lit(None, pl.String).alias("invoice_number")))  # fmt: skip
    schema = {"date": pl.Date, "lane": pl.String, "what": pl.String, "amount_cents": pl.Int64, "invoice_number": pl.String}
    return pl.concat([p.cast(schema) for p in parts]).sort("date", "lane")  # type: ignore[arg-type]
