"""Collector appraisal: attribution by assignment history, tiers fixed at entry, composite score,
veto, appeals, periods and difficulty adjustment — on hand-built books with exact numbers."""

from dataclasses import replace
from datetime import date

import polars as pl
import pytest

from data_access.metrics import appraisal
from data_access.metrics.recovery import Period
from data_access.metrics.targets import RecoveryTargets, recovery_targets
from tests.books import TABLE_SCHEMAS, book

FEBRUARY = Period(date(2026, 2, 1), date(2026, 2, 28))
TARGETS = appraisal.Targets(recovery=RecoveryTargets.from_settings((0.9, 0.8, 0.7, 0.5)))


def reassigned_book():
    """Debtor 1 owned by collector 1 until 15 Feb, then by collector 2; invoice 1 (1,000.00) is
    22 days overdue on 1 Feb. 300.00 is paid on 10 Feb, 500.00 on 20 Feb."""
    b = book([(1, "2025-12-10", "2026-01-10", 100_000)],
             payments=[(1, "2026-02-10", 30_000), (1, "2026-02-20", 50_000)])  # fmt: skip
    assignments = pl.DataFrame({
        "debtor_id": [1, 1], "collector_id": [1, 2], "start_date": [date(2025, 1, 1), date(2026, 2, 15)],
        "end_date": [date(2026, 2, 15), None],
    }, schema={"debtor_id": pl.Int64, "collector_id": pl.Int64, "start_date": pl.Date, "end_date": pl.Date})  # fmt: skip
    collectors = pl.DataFrame({"collector_id": [1, 2], "name": ["A", "B"], "region_id": [1, 1],
                               "level": ["junior", "senior"]})  # fmt: skip
    return replace(b, assignments=assignments, collectors=collectors)


def test_cash_goes_to_the_collector_assigned_on_the_payment_date() -> None:
    entries, cash = appraisal.recovery_by_collector(reassigned_book(), FEBRUARY)
    assert entries.select("collector_id", "tier", "entry_cents").rows() == [(1, "1-30", 100_000)]
    assert cash.sort("date").select("collector_id", "credited_cents").rows() == [(1, 30_000), (2, 50_000)]


def test_tier_rates_per_collector_after_a_mid_period_reassignment() -> None:
    entries, cash = appraisal.recovery_by_collector(reassigned_book(), FEBRUARY)
    tiers = appraisal.tier_table(entries, cash).sort("collector_id")
    assert tiers.select("collector_id", "entry_cents", "collected_cents", "rate").rows() == [
        (1, 100_000, 30_000, 0.3),
        (2, 0, 50_000, None),
    ]


def test_cash_beyond_the_entry_outstanding_is_not_credited() -> None:
    b = book([(1, "2025-12-10", "2026-01-10", 100_000)], credits=[(1, "2026-02-02", 40_000)],
             payments=[(1, "2026-02-10", 70_000)])  # fmt: skip
    _entries, cash = appraisal.recovery_by_collector(b, FEBRUARY)
    assert cash["credited_cents"].to_list() == [70_000]
    b = book([(1, "2025-12-10", "2026-01-10", 100_000)], payments=[(1, "2026-02-10", 90_000), (1, "2026-02-11", 30_000)])
    _entries, cash = appraisal.recovery_by_collector(b, FEBRUARY)
    assert cash.sort("date")["credited_cents"].to_list() == [90_000, 10_000]


def test_a_receivables_tier_is_fixed_when_it_enters_the_pool() -> None:
    # 25 days past due on 1 Feb: tier 1-30 for all of February, though it is 52 days past due by its end.
    b = book([(1, "2025-12-07", "2026-01-07", 100_000)], payments=[(1, "2026-02-27", 100_000)])
    entries, cash = appraisal.recovery_by_collector(b, FEBRUARY)
    assert entries["tier"].to_list() == ["1-30"] and cash["tier"].to_list() == ["1-30"]


def scored(**values) -> pl.DataFrame:
    base = {"recovery_rate": 0.72, "recovery_target": 0.9, "cycle_improvement": 0.05, "satisfaction": 4.0,
            "escalation_timely": 0.9, "kept_rate": 0.35, "incidents": 0, "under_appeal": False}  # fmt: skip
    return appraisal.composite(pl.DataFrame([base | values]), TARGETS)


def test_composite_score_weighs_quantity_quality_and_behaviour() -> None:
    row = scored().row(0, named=True)
    assert row["quantity_score"] == pytest.approx(80.0)  # 72 % of a 90 % target
    assert row["quality_score"] == pytest.approx(75.0)  # cycle 50, satisfaction 100
    assert row["behaviour_score"] == pytest.approx(75.0)  # escalation 100, kept 50
    assert row["score"] == pytest.approx(0.5 * 80 + 0.3 * 75 + 0.2 * 75)
    assert row["status"] == ""


def test_a_component_without_data_is_left_out_and_the_weights_rescaled() -> None:
    row = scored(cycle_improvement=None, satisfaction=None).row(0, named=True)
    assert row["quality_score"] is None
    assert row["score"] == pytest.approx((0.5 * 80 + 0.2 * 75) / 0.7)


def test_a_confirmed_incident_vetoes_the_score_whatever_the_numbers() -> None:
    row = scored(recovery_rate=1.0, incidents=1).row(0, named=True)
    assert (row["score"], row["status"]) == (0.0, "veto")


def test_an_open_appeal_is_marked() -> None:
    assert scored(under_appeal=True).row(0, named=True)["status"] == "under appeal"


def behaviour_tables(**tables: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The appraisal tables, empty but for ``tables``."""
    return {name: pl.DataFrame(schema=schema) for name, schema in TABLE_SCHEMAS.items()} | tables


def behaviour_at(tables: dict, as_of: date, period: Period = FEBRUARY) -> dict:
    """behaviour() as of ``as_of``: per collector, a dict of its columns."""
    frame = appraisal.behaviour(tables, reassigned_book(), period, as_of, TARGETS, 3)
    return {row["collector_id"]: row for row in frame.iter_rows(named=True)}


def test_incidents_count_in_the_period_they_were_confirmed() -> None:
    incidents = pl.DataFrame({"collector_id": [1, 1], "kind": ["privacy_breach", "abusive_language"],
                              "confirmed": [True, True], "reported_on": [date(2026, 1, 20), date(2026, 2, 20)],
                              "confirmed_on": [date(2026, 2, 3), date(2026, 3, 2)]})  # fmt: skip
    tables = behaviour_tables(compliance_incidents=incidents)
    february = appraisal.behaviour(tables, reassigned_book(), FEBRUARY, date(2026, 3, 31), TARGETS, 3)
    march = appraisal.behaviour(tables, reassigned_book(), Period(date(2026, 3, 1), date(2026, 3, 31)),
                                date(2026, 3, 31), TARGETS, 3)  # fmt: skip
    assert february.select("collector_id", "incidents", "incident_kinds").rows() == [(1, 1, "privacy_breach")]
    assert march.select("collector_id", "incidents", "incident_kinds").rows() == [(1, 1, "abusive_language")]


def test_an_incident_confirmed_after_the_as_of_date_is_no_veto_yet() -> None:
    # Reported 10 Feb, confirmed 20 Feb: on 15 Feb it is only a report.
    incidents = pl.DataFrame({"collector_id": [1], "kind": ["privacy_breach"], "confirmed": [True],
                              "reported_on": [date(2026, 2, 10)], "confirmed_on": [date(2026, 2, 20)]})  # fmt: skip
    tables = behaviour_tables(compliance_incidents=incidents)
    assert behaviour_at(tables, date(2026, 2, 15)) == {}
    assert behaviour_at(tables, date(2026, 2, 20))[1]["incidents"] == 1


ESCALATIONS = pl.DataFrame({
    # Flagged Mon 2 Feb (deadline Mon 9 Feb): escalated 4 Feb, 11 Feb, never.
    # Flagged Fri 6 Feb (deadline Fri 13 Feb): escalated 13 Feb. Flagged Tue 10 Feb (deadline Tue 17 Feb):
    # escalated 20 Feb. Flagged Fri 13 Feb (deadline Fri 20 Feb): escalated Mon 16 Feb.
    "collector_id": [1] * 6,
    "flagged_on": [date(2026, 2, 2)] * 3 + [date(2026, 2, 6), date(2026, 2, 10), date(2026, 2, 13)],
    "escalated_on": [date(2026, 2, 4), date(2026, 2, 11), None, date(2026, 2, 13), date(2026, 2, 20),
                     date(2026, 2, 16)],
}, schema_overrides={"escalated_on": pl.Date})  # fmt: skip


def test_escalations_are_judged_as_of_the_date() -> None:
    tables = behaviour_tables(escalations=ESCALATIONS)
    # On Thu 12 Feb: 4 Feb timely; 11 Feb late; never escalated and its deadline passed: late. The cases
    # of 6 and 10 Feb are not escalated yet and can still be in time: not judged. 13 Feb is not flagged yet.
    on_12th = behaviour_at(tables, date(2026, 2, 12))[1]
    assert (on_12th["hard_cases"], on_12th["escalation_timely"]) == (3, pytest.approx(1 / 3))
    # On 28 Feb: 13 Feb is on its deadline (timely), 20 Feb after it (late), 16 Feb in time.
    on_28th = behaviour_at(tables, date(2026, 2, 28))[1]
    assert (on_28th["hard_cases"], on_28th["escalation_timely"]) == (6, pytest.approx(3 / 6))


def test_an_escalation_after_the_as_of_date_does_not_count_as_timely() -> None:
    # Flagged Fri 6 Feb, escalated Fri 13 Feb, its deadline. On Thu 12 Feb it was not made yet and the
    # deadline was still ahead: not judged (before, it counted as timely already). On 13 Feb: timely.
    tables = behaviour_tables(escalations=ESCALATIONS[3:4])
    assert behaviour_at(tables, date(2026, 2, 12)) == {}
    assert behaviour_at(tables, date(2026, 2, 13))[1]["escalation_timely"] == 1.0


def test_an_appeal_is_open_from_its_filing_until_its_decision() -> None:
    # Filed 10 Mar against the first quarter, rejected 30 Mar.
    appeals = pl.DataFrame({"appeal_id": [1], "collector_id": [1], "period_start": [date(2026, 1, 1)],
                            "period_end": [date(2026, 3, 31)], "filed_on": [date(2026, 3, 10)],
                            "status": ["rejected"], "decided_on": [date(2026, 3, 30)]})  # fmt: skip
    tables = behaviour_tables(appeals=appeals)
    assert behaviour_at(tables, date(2026, 3, 5)) == {}  # not filed yet
    assert behaviour_at(tables, date(2026, 3, 20))[1]["under_appeal"] is True
    assert behaviour_at(tables, date(2026, 3, 31)) == {}  # rejected: nothing left to mark


def test_difficulty_adjustment_compares_with_the_company_rate_for_the_same_mix() -> None:
    entries = pl.DataFrame({"invoice_id": [1, 2, 3, 4], "collector_id": [1, 1, 2, 2],
                            "tier": ["1-30", "90+", "1-30", "1-30"], "grade": ["A", "CCC", "A", "A"],
                            "entry_cents": [100, 100, 100, 100]})  # fmt: skip
    cash = pl.DataFrame({"invoice_id": [1, 2, 3, 4], "collector_id": [1, 1, 2, 2],
                         "credited_cents": [90, 30, 60, 60]})  # fmt: skip
    adjusted = dict(appraisal.difficulty_adjusted(entries, cash).select("collector_id", "adjusted").iter_rows())
    # Company rates: 1-30/A 70 %, 90+/CCC 30 %. Collector 1 expected 70 + 30, got 120; collector 2 expected 140, got 120.
    assert adjusted[1] == pytest.approx(1.2)
    assert adjusted[2] == pytest.approx(120 / 140)


def test_periods_and_their_predecessors() -> None:
    day = date(2026, 11, 28)
    assert appraisal.period_containing("quarter", day) == Period(date(2026, 10, 1), day)
    assert appraisal.previous_period("quarter", Period(date(2026, 10, 1), day)) == Period(date(2026, 7, 1),
                                                                                         date(2026, 9, 30))
    assert appraisal.previous_period("month", Period(date(2026, 3, 1), date(2026, 3, 10))) == Period(
        date(2026, 2, 1), date(2026, 2, 28))
    assert [p.start for p in appraisal.periods_back("year", day, 3)] == [date(2024, 1, 1), date(2025, 1, 1),
                                                                         date(2026, 1, 1)]  # fmt: skip


def test_ranks_and_rank_changes() -> None:
    now = appraisal.rank(pl.DataFrame({"collector_id": [1, 2, 3], "score": [70.0, 90.0, None]}))
    before = appraisal.rank(pl.DataFrame({"collector_id": [1, 2, 3], "score": [95.0, 80.0, 60.0]}))
    changed = appraisal.with_rank_change(now, before)
    assert changed.select("collector_id", "rank", "rank_change").rows() == [(2, 1, 1), (1, 2, -1), (3, None, None)]


def test_the_league_table_judges_each_collector_against_its_own_target() -> None:
    # Collector 1 has a 1-30 override of 25 % for February, the company target stays 90 %. Collector 1
    # brought in 300.00 of the 1,000.00 that entered under it (30 %): met against 25 %.
    table = pl.DataFrame({"target_type": ["recovery_rate"], "tier": ["1-30"], "collector_id": [1],
                          "region_id": [None], "period_start": [date(2026, 2, 1)],
                          "period_end": [date(2026, 2, 28)], "value": [0.25]},
                         schema_overrides={"region_id": pl.Int64})  # fmt: skip
    targets = replace(TARGETS, recovery=recovery_targets(table, FEBRUARY, (0.9, 0.8, 0.7, 0.5)))
    b = reassigned_book()
    league = appraisal.league_table(b, behaviour_tables(), FEBRUARY, date(2026, 2, 28), targets, 3,
                                    appraisal.settlements(b))  # fmt: skip
    rows = {row["collector_id"]: row for row in league.iter_rows(named=True)}
    assert (rows[1]["rate_1-30"], rows[1]["target_1-30"], rows[1]["recovery_target"]) == (0.3, 0.25, 0.25)
    assert rows[1]["quantity_score"] == pytest.approx(100.0)
    # Collector 2 collected 500.00 but nothing entered the pool under it: no rate, held to the company's 90 %.
    assert (rows[2]["rate_1-30"], rows[2]["target_1-30"], rows[2]["recovered_cents"]) == (None, 0.9, 50_000)
