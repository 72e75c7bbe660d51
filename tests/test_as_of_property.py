"""Time travel, as a property: facts dated after the as-of date D change no figure at D.

Each generated history is recorded twice: as the database held it on D, and later, after new facts
dated after D (invoices, payments, credit notes, write-offs, ratings, reassignments, promises,
escalations, appeals, incidents, legal stages...) and after records written by D moved on (an
escalation escalated, an appeal decided, an incident confirmed, a legal case in a later stage).
Every metric computed at D must be the same on both.
"""

from dataclasses import fields, is_dataclass
from datetime import date

import polars as pl
from hypothesis import given, settings
from polars.testing import assert_frame_equal

from data_access.metrics import aging, appraisal, bad_debt
from data_access.metrics.asof import debtor_dimensions, invoice_state, with_dimensions
from data_access.metrics.buckets import Buckets
from data_access.metrics.monthly import month_series, with_ratios
from data_access.metrics.recovery import Period, promise_results, recovery_by_tier, recovery_pool
from data_access.metrics.snapshots import month_ends, roll_flows, snapshots
from data_access.metrics.targets import RecoveryTargets
from tests.books import History, World, histories

BUCKETS = Buckets.from_edges((0, 30, 60, 90, 180))
TARGETS = appraisal.Targets(recovery=RecoveryTargets.from_settings((0.9, 0.8, 0.7, 0.5)))
GRACE_DAYS = 3


def figures(world: World, as_of: date) -> dict[str, object]:
    """Every figure the pages show at ``as_of``, by the metric functions that compute them."""
    book, tables = world
    state = invoice_state(book, as_of, BUCKETS)
    dims = debtor_dimensions(book, as_of)
    ends = month_ends(as_of, 6)
    snaps = snapshots(book, ends, BUCKETS)
    month, quarter = Period.month_to_date(as_of), appraisal.period_containing("quarter", as_of)
    pool = recovery_pool(book, month)
    return {
        "invoice_state": state,
        "aging.kpis": aging.kpis(state),
        "aging.bucket_totals": aging.bucket_totals(state, BUCKETS),
        "debtor_dimensions": dims,
        "snapshots": snaps,
        "roll_flows": roll_flows(book, snaps, ends),
        "monthly.with_ratios": with_ratios(month_series(book, snaps, ends), 3),
        "recovery_pool": pool,
        "recovery_by_tier": recovery_by_tier(pool, TARGETS.recovery.values),
        "promise_results": promise_results(tables["promises"], book, GRACE_DAYS, as_of),
        "league_table": appraisal.league_table(book, tables, quarter, as_of, TARGETS, GRACE_DAYS,
                                               appraisal.settlements(book)),  # fmt: skip
        "legal_pipeline": bad_debt.legal_pipeline(tables["legal_cases"], tables["legal_case_stages"], as_of),
        "write_offs": bad_debt.write_offs(book, as_of),
        "write_off_candidates": bad_debt.write_off_candidates(
            with_dimensions(state, book, dims), book, tables["credit_events"], as_of, min_dpd=30, quiet_days=10),
    }  # fmt: skip


def assert_same(then: object, later: object) -> None:
    """Equal frames (whatever their row and column order; floats to 12 digits) or equal values."""
    if isinstance(then, pl.DataFrame):
        assert isinstance(later, pl.DataFrame)
        assert_frame_equal(then, later, check_row_order=False, check_column_order=False, check_exact=False,
                           rel_tol=1e-12)  # fmt: skip
    elif is_dataclass(then):
        for f in fields(then):
            assert getattr(then, f.name) == getattr(later, f.name), f.name
    else:
        assert then == later


@settings(max_examples=25, deadline=None)
@given(histories())
def test_facts_dated_after_the_as_of_date_change_no_figure_at_it(history: History) -> None:
    then, later = figures(history.then, history.as_of), figures(history.later, history.as_of)
    assert then.keys() == later.keys()
    for name, value in then.items():
        try:
            assert_same(value, later[name])
        except AssertionError as error:
            raise AssertionError(f"{name} at {history.as_of} changed with later facts: {error}") from None


@settings(max_examples=10, deadline=None)
@given(histories())
def test_the_later_world_does_hold_facts_after_the_as_of_date(history: History) -> None:
    """Guards the property above against a generator that adds nothing."""
    later = history.later.tables
    assert later["promises"]["made_on"].max() > history.as_of
    assert later["escalations"]["flagged_on"].max() > history.as_of
    assert later["legal_case_stages"]["entered_on"].max() > history.as_of
    assert later["appeals"]["filed_on"].max() > history.as_of
