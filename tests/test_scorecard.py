"""The Collectors page's figures around the league table, on frames small enough to check by hand."""

from datetime import date

import polars as pl
import pytest

from data_access.metrics import scorecard
from data_access.metrics.recovery import Period

QUARTER = Period(date(2026, 7, 1), date(2026, 9, 30))


def test_ranks_and_rank_changes_are_within_the_chosen_collectors() -> None:
    # Book-wide ranks (the "rank" column) are replaced; collector 4 is not chosen and must not count.
    chosen = pl.DataFrame({"collector_id": [1, 2, 3, 5], "score": [70.0, 90.0, 80.0, None], "rank": [9, 2, 5, None]},
                          schema_overrides={"rank": pl.Int32})  # fmt: skip
    before = pl.DataFrame({"collector_id": [1, 2, 3, 4], "score": [95.0, 60.0, 80.0, 99.0], "rank": [2, 4, 3, 1]},
                          schema_overrides={"rank": pl.Int32})  # fmt: skip
    table = scorecard.ranked_within(chosen, before)
    # Now: 2 (90) first, 3 (80) second, 1 (70) third, 5 unranked last.
    # Before, among 1, 2, 3 only: 1 (95) first, 3 (80) second, 2 (60) third.
    assert table.select("collector_id", "rank", "rank_change").rows() == [
        (2, 1, 2), (3, 2, 0), (1, 3, -2), (5, None, None)]  # fmt: skip


def test_satisfaction_is_put_on_the_scores_0_to_100_axis() -> None:
    scaled = scorecard.satisfaction_on_score_axis(pl.Series([1.0, 4.5, 5.0, None]))
    assert scaled.to_list() == [20.0, 90.0, 100.0, None]


def test_promises_due_in_the_period_are_counted_by_outcome() -> None:
    results = pl.DataFrame({
        "promised_date": [date(2026, 7, 1), date(2026, 8, 15), date(2026, 9, 30), date(2026, 10, 1)],
        "status": ["kept", "broken", "kept", "partial"],
    })  # fmt: skip
    assert scorecard.promise_counts(results, QUARTER) == {"kept": 2, "partial": 0, "broken": 1}


ACTIONS = pl.DataFrame({
    "action_id": [1, 2, 3, 4, 5, 6],
    "collector_id": [1, 1, 1, 1, 1, 2],
    "action_date": [date(2026, 7, 2), date(2026, 8, 3), date(2026, 9, 4), date(2026, 9, 5), date(2026, 10, 1),
                    date(2026, 8, 1)],
    "channel": ["phone", "phone", "phone", "email", "visit", "sms"],
    "outcome": ["contacted", "no_answer", "contacted", "contacted", "refused", "promise"],
})  # fmt: skip


def test_actions_are_counted_by_channel_and_outcome() -> None:
    by = scorecard.actions_by_channel(ACTIONS, 1, QUARTER, QUARTER.end)
    # The visit is after the quarter, the SMS is collector 2's; email never went unanswered: 0.
    assert by.columns == ["channel", "contacted", "no_answer"]
    assert by.rows() == [("email", 1, 0), ("phone", 2, 1)]
    assert scorecard.actions_by_channel(ACTIONS, 3, QUARTER, QUARTER.end).is_empty()


def test_actions_after_the_as_of_date_are_not_counted() -> None:
    # As of 4 September the call of that day counts; the email of the 5th is not known yet.
    by = scorecard.actions_by_channel(ACTIONS, 1, QUARTER, date(2026, 9, 4))
    assert by.rows() == [("phone", 2, 1)]


def test_levels_are_compared_by_their_collectors_means() -> None:
    league = pl.DataFrame({
        "level": ["junior", "junior", "senior"], "recovery_rate": [0.2, 0.4, 0.5], "adjusted": [0.9, 1.1, 1.2],
        "low_grade_share": [0.1, 0.3, 0.6], "hard_share": [0.0, 0.2, None],
    })  # fmt: skip
    by = scorecard.by_level(league)
    assert by["level"].to_list() == ["senior", "junior"]
    junior = by.row(1, named=True)
    assert [junior[c] for c in ("recovery_rate", "adjusted", "low_grade_share", "hard_share")] == pytest.approx(
        [0.3, 1.0, 0.2, 0.1])  # fmt: skip
    assert by.row(0, named=True)["hard_share"] is None
