"""The figures the Collectors page shows around the league table: ranks within a selection, the fairness
view by level and one collector's scorecard (promises, actions, satisfaction on the score's axis).

``appraisal.league_table`` ranks every collector of the book; a page that shows only some of them (by
region, collector or level) ranks them again here, so rank 1 is the best of what is on the screen.
Every function is pure: frames in, a small frame, dict or series out.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from data_access.metrics import appraisal
from data_access.metrics.recovery import Period

# A 1-5 satisfaction score times this sits on the 0-100 axis of the composite score (5 -> 100).
SATISFACTION_TO_SCORE = 20
PROMISE_STATUSES = ("kept", "partial", "broken")


def ranked_within(chosen: pl.DataFrame, previous: pl.DataFrame) -> pl.DataFrame:
    """The chosen collectors ranked among themselves, with places gained (+) or lost (-) since the previous
    period, where the previous period is ranked over the same collectors (like for like).

    Both frames are league tables (``collector_id``, ``score``, and the book-wide ``rank``, which is replaced).
    A collector absent from the previous period has no rank change.
    """
    before = previous.filter(pl.col("collector_id").is_in(chosen["collector_id"].implode()))
    if "original_score" in chosen.columns:  # the rank before any upheld appeal, within the selection too
        chosen = chosen.with_columns(pl.col("original_score").rank(method="min", descending=True).cast(pl.Int32)
                                     .alias("original_rank"))  # fmt: skip
    return appraisal.with_rank_change(appraisal.rank(chosen.drop("rank")), appraisal.rank(before.drop("rank")))


def satisfaction_on_score_axis(satisfaction: pl.Series) -> pl.Series:
    """Customer satisfaction (1-5) scaled ×20 so it can share a 0-100 chart axis with the score."""
    return satisfaction * SATISFACTION_TO_SCORE


def promise_counts(results: pl.DataFrame, period: Period) -> dict[str, int]:
    """Judged promises falling due (promised date) in the period, counted by outcome; every outcome present.

    ``results`` comes from ``recovery.promise_results`` (one row per judged promise with its ``status``).
    """
    due = results.filter(pl.col("promised_date").is_between(period.start, period.end))
    counts = dict(due.group_by("status").len().iter_rows())
    return {status: int(counts.get(status, 0)) for status in PROMISE_STATUSES}


OUTCOMES = ("contacted", "promise", "refused", "no_answer", "wrong_contact")  # best to worst


def actions_by_channel(actions: pl.DataFrame, collector_id: int, period: Period, as_of: date) -> pl.DataFrame:
    """One collector's actions dated in the period up to the as-of date (a later action is not yet known
    then): a row per channel, a count column per outcome.

    Outcome columns run from the best outcome to the worst (OUTCOMES; any other after them, alphabetically)
    and a pair never seen counts 0, so the table reads the same from one collector to the next. Without
    any action the frame is empty (only ``channel``).
    """
    mine = actions.filter((pl.col("collector_id") == collector_id)
                          & pl.col("action_date").is_between(period.start, min(period.end, as_of)))  # fmt: skip
    if mine.is_empty():
        return pl.DataFrame(schema={"channel": pl.String})
    seen = set(mine["outcome"].cast(pl.String).unique().to_list())
    outcomes = [o for o in OUTCOMES if o in seen] + sorted(seen - set(OUTCOMES))
    pivot = mine.with_columns(pl.col("channel", "outcome").cast(pl.String)).pivot(
        on="outcome", index="channel", values="action_id", aggregate_function="len"
    )  # fmt: skip
    return pivot.select("channel", *outcomes).fill_null(0).sort("channel")


def by_level(league: pl.DataFrame) -> pl.DataFrame:
    """Mean raw and difficulty-adjusted recovery and book difficulty per level, best adjusted first.

    Plain means over collectors (each collector counts once), as the fairness view compares people, not books.
    """
    return league.group_by("level").agg(
        pl.col("recovery_rate").mean(), pl.col("adjusted").mean(), pl.col("low_grade_share").mean(),
        pl.col("hard_share").mean(),
    ).sort("adjusted", descending=True, nulls_last=True)  # fmt: skip
