"""Time travel for the early warning: facts dated after the as-of date D change no signal, no exposure and
no model feature at D (and at D - 7, the week comparison's date).

The generated histories (tests/books.py) record a world up to D, then the same world after new invoices,
payments, credit notes, write-offs, ratings, promises and credit events dated after D.
"""

from datetime import timedelta

from hypothesis import given, settings
from polars.testing import assert_frame_equal

from data_access.metrics.signals import debtor_signals
from data_access.models.risk import eligible, feature_frame
from tests.books import History, histories


def early_warning_figures(world, as_of):  # noqa: ANN001, ANN201
    book, tables = world
    signals = debtor_signals(book, tables["promises"], tables["credit_events"], [as_of - timedelta(days=7), as_of])
    return signals, feature_frame(eligible(signals))


@settings(max_examples=30, deadline=None)
@given(histories())
def test_facts_dated_after_the_as_of_date_change_no_signal_or_feature(history: History) -> None:
    then_signals, then_features = early_warning_figures(history.then, history.as_of)
    later_signals, later_features = early_warning_figures(history.later, history.as_of)
    assert_frame_equal(then_signals, later_signals, check_exact=False, rel_tol=1e-12)
    assert_frame_equal(then_features, later_features, check_exact=False, rel_tol=1e-12)


class RowWise:
    """An estimator whose probability of a row depends on that row alone, as a fitted model's does."""

    def predict_proba(self, x):  # noqa: ANN001, ANN201 - numpy in, numpy out
        import numpy as np

        p = 1 / (1 + np.exp(-np.nan_to_num(x).sum(axis=1) / 50))
        return np.column_stack([1 - p, p])


@settings(max_examples=30, deadline=None)
@given(histories())
def test_a_list_scored_for_every_debtor_then_filtered_equals_the_list_of_the_filtered_debtors(history: History) -> None:
    # The Early-warning page scores every debtor once and filters the list afterwards (pages/early_warning.py).
    import polars as pl

    from data_access.metrics import early_warning as ew
    from data_access.metrics.asof import debtor_dimensions
    from data_access.models.risk import LOGISTIC, RULES, RiskModel

    from data_access.book.filters import Filters

    book, tables = history.then
    signals = debtor_signals(book, tables["promises"], tables["credit_events"], [history.as_of])
    dims = debtor_dimensions(book, history.as_of)
    levels = ew.Levels(red=0.5, amber=0.2, rules_red=3, rules_amber=1)
    # The sidebar's filters as the page resolves them: a debtor-level one (grade) and a client.
    for filters in (Filters(grades=("BBB",)), Filters(client_ids=(int(book.invoices["client_id"].min() or 1),))):
        selection = filters.resolve(book, dims)
        for model in (RiskModel(RULES, reason="events"), RiskModel(LOGISTIC, estimator=RowWise())):
            assert_frame_equal(selection.apply("debtors", ew.watch_list(signals, model, levels, dims)),
                               ew.watch_list(selection.apply("debtors", signals), model, levels, dims))  # fmt: skip


@settings(max_examples=30, deadline=None)
@given(histories())
def test_signals_computed_in_parts_of_whole_debtors_equal_the_signals_in_one(history: History) -> None:
    from unittest import mock

    from data_access.metrics import signals as signals_module

    book, tables = history.then
    dates = [history.as_of - timedelta(days=7), history.as_of]
    whole = debtor_signals(book, tables["promises"], tables["credit_events"], dates)
    with mock.patch.object(signals_module, "PART_INVOICES", 2):
        in_parts = debtor_signals(book, tables["promises"], tables["credit_events"], dates)
    assert_frame_equal(in_parts, whole)
