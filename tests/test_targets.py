"""Tier recovery targets: the targets table first, the settings for what it leaves unset."""

from datetime import date

import polars as pl

from data_access.metrics.recovery import Period, recovery_by_tier, recovery_pool
from data_access.metrics.targets import RecoveryTargets, recovery_targets
from tests.books import book

SETTINGS = (0.90, 0.80, 0.70, 0.50)
FEBRUARY = Period(date(2026, 2, 1), date(2026, 2, 28))
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def table(*rows: tuple) -> pl.DataFrame:
    """Targets rows: (tier, collector_id, region_id, (period_start, period_end), value[, target_type])."""
    return pl.DataFrame(
        [{"target_id": i, "target_type": row[5] if len(row) > 5 else "recovery_rate", "tier": row[0],
          "collector_id": row[1], "region_id": row[2], "period_start": row[3][0], "period_end": row[3][1],
          "value": row[4], "rationale": ""} for i, row in enumerate(rows, start=1)],
        schema={"target_id": pl.Int64, "target_type": pl.String, "tier": pl.String, "collector_id": pl.Int64,
                "region_id": pl.Int64, "period_start": pl.Date, "period_end": pl.Date, "value": pl.Float64,
                "rationale": pl.String},
    )  # fmt: skip


def test_the_table_wins_and_the_settings_fill_the_tiers_it_leaves_unset() -> None:
    targets = recovery_targets(table(("1-30", None, None, YEAR, 0.85), ("90+", None, None, YEAR, 0.40)), FEBRUARY,
                               SETTINGS)  # fmt: skip
    assert targets.frame().rows() == [("1-30", 0.85, "table"), ("31-60", 0.80, "settings"),
                                      ("61-90", 0.70, "settings"), ("90+", 0.40, "table")]  # fmt: skip
    assert targets.values == (0.85, 0.80, 0.70, 0.40)


def test_a_period_outside_every_row_falls_back_to_the_settings() -> None:
    # The row covers 2025 only; February 2026 ends after it.
    targets = recovery_targets(table(("1-30", None, None, (date(2025, 1, 1), date(2025, 12, 31)), 0.85)), FEBRUARY,
                               SETTINGS)  # fmt: skip
    assert targets == RecoveryTargets.from_settings(SETTINGS)
    assert set(targets.sources.values()) == {"settings"}


def test_a_row_is_in_force_when_the_period_ends_inside_it() -> None:
    # Set from 15 Feb: in force for February (ends 28 Feb), not for February to date on the 10th.
    rows = table(("1-30", None, None, (date(2026, 2, 15), date(2026, 3, 31)), 0.95))
    assert recovery_targets(rows, FEBRUARY, SETTINGS).company["1-30"] == 0.95
    assert recovery_targets(rows, Period(date(2026, 2, 1), date(2026, 2, 10)), SETTINGS).company["1-30"] == 0.90


def test_other_target_types_are_not_recovery_targets() -> None:
    targets = recovery_targets(table(("1-30", None, None, YEAR, 0.02, "bad_debt_rate")), FEBRUARY, SETTINGS)
    assert targets.values == SETTINGS


def test_of_two_company_rows_in_force_the_narrower_wins() -> None:
    # The year's 1-30 target is 85 %; the first quarter's is 95 %, whatever the order of the rows.
    quarter = ("1-30", None, None, (date(2026, 1, 1), date(2026, 3, 31)), 0.95)
    year = ("1-30", None, None, YEAR, 0.85)
    for rows in (table(quarter, year), table(year, quarter)):
        assert recovery_targets(rows, FEBRUARY, SETTINGS).company["1-30"] == 0.95
        assert recovery_targets(rows, Period(date(2026, 4, 1), date(2026, 4, 30)), SETTINGS).company["1-30"] == 0.85


def test_of_two_rows_as_wide_the_one_starting_later_wins() -> None:
    # Twelve months from July 2025 (80 %) and from January 2026 (85 %): February is in both.
    rows = table(("1-30", None, None, YEAR, 0.85), ("1-30", None, None, (date(2025, 7, 1), date(2026, 6, 30)), 0.80))
    assert recovery_targets(rows, FEBRUARY, SETTINGS).company["1-30"] == 0.85


def test_collector_and_region_overrides() -> None:
    # Region 2 holds 1-30 to 80 %; collector 7 (region 2) to 60 %. The company target stays 90 %.
    targets = recovery_targets(table(("1-30", None, 2, YEAR, 0.80), ("1-30", 7, None, YEAR, 0.60)), FEBRUARY,
                               SETTINGS)  # fmt: skip
    assert targets.company["1-30"] == 0.90 and targets.sources["1-30"] == "settings"
    collectors = pl.DataFrame({"collector_id": [5, 6, 7], "region_id": [1, 2, 2]})
    per_collector = targets.per_collector(collectors).filter(pl.col("tier") == "1-30")
    assert per_collector.rows() == [
        (5, "1-30", 0.90, "settings", "company"),
        (6, "1-30", 0.80, "table", "region"),
        (7, "1-30", 0.60, "table", "collector"),
    ]
    other_tiers = targets.per_collector(collectors).filter(pl.col("tier") != "1-30")
    assert other_tiers["scope"].unique().to_list() == ["company"]


def test_the_overview_and_the_league_table_use_the_same_targets() -> None:
    # The Overview's tier table takes the company-wide targets; a collector without an override is held
    # to the same ones in the league table.
    targets = recovery_targets(table(("31-60", None, None, YEAR, 0.75)), FEBRUARY, SETTINGS)
    b = book([(1, "2025-12-10", "2026-01-10", 100_000)], payments=[(1, "2026-02-10", 30_000)])
    overview = recovery_by_tier(recovery_pool(b, FEBRUARY), targets.values).select("tier", "target")
    league = targets.per_collector(pl.DataFrame({"collector_id": [1], "region_id": [1]})).select("tier", "target")
    assert overview.rows() == league.rows() == [("1-30", 0.90), ("31-60", 0.75), ("61-90", 0.70), ("90+", 0.50)]
