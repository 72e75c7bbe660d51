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
