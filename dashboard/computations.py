"""The pages' computations, without Streamlit: what ``dashboard.data`` caches and the meeting pack reuses.

Each function here is the one way a page's frame is computed from the book, the settings and the as-of
date; ``dashboard.data`` (and ``dashboard.workload``) wrap them in Streamlit caches keyed by the view
context, and ``dashboard.pack`` calls them directly, so a meeting pack's numbers are the pages' numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from data_access.book.portfolio import Portfolio
from data_access.metrics import asof, snapshots, workload
from data_access.metrics.buckets import DUE_DATE, Buckets
from data_access.metrics.recovery import Period
from data_access.metrics.targets import recovery_targets as targets_in_force
from data_access.settings import Settings


def state_with_dimensions(book: Portfolio, as_of: date, basis: str, edges: tuple[int, ...]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The as-of state joined with debtor dimensions, and the dimensions."""
    dims = asof.debtor_dimensions(book, as_of)
    state = asof.invoice_state(book, as_of, Buckets.from_edges(edges, basis), basis)
    return asof.with_dimensions(state, book, dims), dims


def month_end_history(book: Portfolio, as_of: date, basis: str, edges: tuple[int, ...],
                      months: int) -> tuple[list[date], pl.DataFrame, pl.DataFrame]:  # fmt: skip
    """Month ends, the snapshots at them and the roll flows between them, unfiltered."""
    ends, snaps = month_end_snapshots(book, as_of, basis, edges, months)
    return ends, snaps, month_end_flows(book, ends, snaps)


def month_end_snapshots(book: Portfolio, as_of: date, basis: str, edges: tuple[int, ...],
                        months: int) -> tuple[list[date], pl.DataFrame]:  # fmt: skip
    """Month ends and the snapshots at them, unfiltered."""
    ends = snapshots.month_ends(as_of, months)
    return ends, snapshots.snapshots(book, ends, Buckets.from_edges(edges, basis), basis)


def month_end_flows(book: Portfolio, ends: list[date], snaps: pl.DataFrame) -> pl.DataFrame:
    """The roll flows between consecutive month ends (empty when there are no snapshots)."""
    return snapshots.roll_flows(book, snaps, ends) if not snaps.is_empty() else snaps.clear()


APPRAISAL_TABLES = ("collection_actions", "promises", "satisfaction_surveys", "escalations", "compliance_incidents",
                    "appeals", "targets")  # fmt: skip


def recovery_targets(targets: pl.DataFrame, period: Period, s: Settings):  # noqa: ANN201 - RecoveryTargets
    """Tier recovery targets in force for ``period``: the targets table (unfiltered), then the settings."""
    return targets_in_force(targets, period, s.recovery_targets)


def league(book: Portfolio, tables: dict[str, pl.DataFrame], start: date, end: date, as_of: date, s: Settings,
           settled: pl.DataFrame) -> pl.DataFrame:  # fmt: skip
    """The league table of one period, every collector in the tables' scope (``tables``: APPRAISAL_TABLES)."""
    from data_access.metrics import appraisal

    period = Period(start, end)
    targets = appraisal.Targets(
        recovery=targets_in_force(tables["targets"], period, s.recovery_targets),
        satisfaction=s.satisfaction_target, escalation_share=s.escalation_target,
        escalation_days=s.escalation_days, kept=s.kept_target, cycle_improvement=s.cycle_improvement_target,
        weights=s.score_weights,  # type: ignore[arg-type]
    )  # fmt: skip
    return appraisal.league_table(book, tables, period, as_of, targets, s.promise_grace_days, settled)


def signal_rules(s: Settings):  # noqa: ANN201 - data_access.metrics.signals.SignalRules
    from data_access.metrics.signals import SignalRules

    return SignalRules(grace_days=s.promise_grace_days, limit_flag=s.limit_utilisation_flag,
                       client_share=s.early_warning_client_share)  # fmt: skip


def early_warning_levels(s: Settings):  # noqa: ANN201 - data_access.metrics.early_warning.Levels
    from data_access.metrics.early_warning import Levels

    red, amber = s.early_warning_levels
    rules_red, rules_amber = s.early_warning_rule_levels
    return Levels(red=red, amber=amber, rules_red=rules_red, rules_amber=rules_amber)


def risk_trained_at(book: Portfolio, as_of: date) -> date:
    """The date the risk model for ``as_of`` is trained at: the newest training date whose outcome is known
    by ``as_of`` (one every 30 days), so moving the date by a week reuses the model."""
    from data_access.models.risk import HORIZON_DAYS, training_dates

    dates = training_dates(book.first_date, as_of) if book.first_date else []  # type: ignore[arg-type]
    return dates[-1] + timedelta(days=HORIZON_DAYS) if dates else as_of


def load(book: Portfolio, state: pl.DataFrame, dims: pl.DataFrame, promises: pl.DataFrame, legal_cases: pl.DataFrame,
         stages: pl.DataFrame, as_of: date, rules: workload.LoadRules, grace_days: int) -> dict[str, pl.DataFrame]:  # fmt: skip
    """Cases, collectors' and regions' load, staffing by level and the region × bucket amounts at ``as_of``."""
    protected = workload.protected_debtors(promises, legal_cases, stages, as_of, grace_days)
    cases = workload.open_cases(state, dims, book.assignments, as_of, rules, protected)
    collectors = workload.collector_load(cases, book, rules)
    return {"cases": cases, "collectors": collectors, "regions": workload.region_load(cases, collectors, book),
            "staffing": workload.staffing_by_level(collectors), "heat": workload.region_bucket_amounts(state, dims)}  # fmt: skip


DILUTION_MONTHS = 24  # the Factoring page's dilution chart, and the pack's


@dataclass(frozen=True)
class Concentration:
    """The Factoring page's concentration figures: the ten largest debtors, debtors holding more than 10 % of a
    client's book (and those over 20 %), credit-limit use with its flag."""

    top_share: float
    top: pl.DataFrame
    over_10: pl.DataFrame
    over_20: pl.DataFrame
    utilisation: pl.DataFrame
    over_limit: int


def concentration(state: pl.DataFrame, debtors: pl.DataFrame, s: Settings) -> Concentration:
    """``state``: the open invoices (outstanding > 0) at the as-of date, filtered."""
    from data_access.metrics import factoring

    top_share, top = factoring.top_debtor_share(state, 10)
    over_10 = factoring.concentrated_debtors(state, 0.10)
    utilisation = factoring.limit_utilisation(state, debtors, s.limit_utilisation_flag)
    return Concentration(top_share, top, over_10, over_10.filter(pl.col("share_of_client") > 0.20), utilisation,
                         factoring.over_limit_count(utilisation))  # fmt: skip
