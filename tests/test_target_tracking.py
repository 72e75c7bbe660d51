"""Tracking targets: actual so far, pace, the rate needed on the remaining book and the status, on a
hand-built quarter (data_access.metrics.target_tracking). Numbers are worked out by hand in the comments."""

from datetime import date
from unittest.mock import patch

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_access.metrics import appraisal
from data_access.metrics.recovery import Period
from data_access.metrics.target_tracking import SCHEMA, by_day, events, path, track, values
from tests.books import TABLE_SCHEMAS, book, reassigned_books

Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))  # 90 days
MID = date(2026, 2, 14)  # day 45 of 90: half the quarter has passed
EMPTY = {name: pl.DataFrame(schema=TABLE_SCHEMAS[name]) for name in ("promises", "collection_actions",
                                                                      "satisfaction_surveys")}  # fmt: skip
# Invoice 1 (1,000.00) fell due on 1 Dec 2025: on 1 Jan it is 31 days past due, in the 31-60 tier, and
# enters the quarter's pool with 1,000.00 outstanding. 300.00 is paid on 20 Jan.
BOOK = book([(1, "2025-11-01", "2025-12-01", 100_000)], payments=[(1, "2026-01-20", 30_000)])


def targets(*rows: tuple) -> pl.DataFrame:
    """(target_type, tier, value, value_cents) for the company."""
    return pl.DataFrame(
        [{"target_id": i, "target_type": m, "tier": tier, "region_id": None, "collector_id": None,
          "period_start": Q1.start, "period_end": Q1.end, "value": v, "value_cents": c}
         for i, (m, tier, v, c) in enumerate(rows, start=1)],
        schema={"target_id": pl.Int64, "target_type": pl.String, "tier": pl.String, "region_id": pl.Int64,
                "collector_id": pl.Int64, "period_start": pl.Date, "period_end": pl.Date, "value": pl.Float64,
                "value_cents": pl.Int64},
    )  # fmt: skip


def tracked(book_, rows: pl.DataFrame, as_of: date) -> pl.DataFrame:
    happened = events(book_, EMPTY, Q1, as_of, 3, appraisal.settlements(book_))
    return track(rows, values(happened, Q1, as_of), Q1, as_of)


def test_pace_needed_and_status_of_a_recovery_rate_mid_quarter() -> None:
    # Actual 300 / 1,000 = 30 % after half the quarter: pace 30 % / 0.5 = 60 %.
    # Needed on the remaining 700.00: (target x 1,000 - 300) / 700.
    rows = tracked(BOOK, targets(("recovery_rate", "31-60", 0.80, None), ("recovery_rate", "31-60", 0.65, None),
                                 ("recovery_rate", "31-60", 0.55, None), ("recovery_rate", "31-60", 0.95, None)), MID)
    assert rows["actual"].to_list() == pytest.approx([0.30] * 4)
    assert rows["pace"].to_list() == pytest.approx([0.60] * 4)
    assert rows["needed"].to_list() == pytest.approx([50 / 70, 35 / 70, 25 / 70, 65 / 70])
    # 80 %: 60 % is more than 10 % of 80 % (8 points) short -> off track; 65 %: within 6.5 points -> at risk;
    # 55 %: met by the pace -> on track; 95 %: far short -> off track.
    assert rows["status"].to_list() == ["off track", "at risk", "on track", "off track"]


def test_the_base_overdue_on_the_first_day_stays_what_falls_overdue_later_grows() -> None:
    # Invoice 1 (1,000.00) is overdue on 1 Jan: its base is all there will be. Invoice 2 (1,000.00) falls due
    # on 1 Feb and enters the pool on 2 Feb; 500.00 of it is paid on 10 Feb. By 14 Feb (f = 0.5): cash 800.00
    # on a base of 2,000.00 = 40 %. Projected: cash 800 / 0.5 = 1,600 over 1,000 + 1,000 / 0.5 = 3,000: 53.3 %.
    later = book([(1, "2025-11-01", "2025-12-01", 100_000), (2, "2026-01-01", "2026-02-01", 100_000)],
                 payments=[(1, "2026-01-20", 30_000), (2, "2026-02-10", 50_000)])  # fmt: skip
    row = tracked(later, targets(("recovery_overall", None, 0.60, None)), MID).row(0, named=True)
    assert row["actual"] == pytest.approx(0.4)
    assert row["pace"] == pytest.approx(1_600 / 3_000)
    assert row["needed"] == pytest.approx((1_200 - 800) / 1_200)  # 60 % of 2,000 less 800, over the 1,200 left
    assert row["status"] == "off track"  # 53.3 % is more than 6 points short of 60 %


def test_a_rate_already_met_needs_nothing_more() -> None:
    # 950 of 1,000 paid by mid-quarter: actual 95 %, pace capped at 100 %, 90 % needs 0 % of the 50.00 left.
    paid = book([(1, "2025-11-01", "2025-12-01", 100_000)], payments=[(1, "2026-01-20", 95_000)])
    row = tracked(paid, targets(("recovery_overall", None, 0.90, None)), MID).row(0, named=True)
    assert (row["actual"], row["pace"], row["needed"], row["status"]) == (0.95, 1.0, 0.0, "on track")


def test_an_amount_is_paced_by_its_run_rate() -> None:
    rows = tracked(BOOK, targets(("amount_recovered", None, None, 50_000), ("amount_recovered", None, None, 80_000)),
                   MID)  # fmt: skip
    # 300.00 in half the quarter -> 600.00 at its end: meets 500.00; 800.00 is 200.00 short (> 10 %).
    assert rows["actual"].to_list() == [30_000, 30_000]
    assert rows["pace"].to_list() == [60_000, 60_000]
    assert rows["status"].to_list() == ["on track", "off track"]


def test_a_closed_period_is_met_or_missed() -> None:
    rows = tracked(BOOK, targets(("recovery_rate", "31-60", 0.30, None), ("recovery_rate", "31-60", 0.31, None)),
                   date(2026, 4, 10))  # fmt: skip
    assert rows["status"].to_list() == ["met", "missed"]
    assert rows["pace"].to_list() == pytest.approx([0.30, 0.30])


def test_roll_up_collector_region_company() -> None:
    # Two debtors with two collectors in two regions: collector 1 (region 1) recovers 300 of 1,000, collector 2
    # (region 2) 100 of 1,000. Region 1 = 30 %, region 2 = 10 %, the company (300 + 100) / 2,000 = 20 %.
    two = book([(1, "2025-11-01", "2025-12-01", 100_000), (2, "2025-11-01", "2025-12-01", 100_000)],
               payments=[(1, "2026-01-20", 30_000), (2, "2026-01-21", 10_000)], debtor_of={2: 2})  # fmt: skip
    two = two.__class__(**{**two.__dict__,
        "collectors": pl.DataFrame({"collector_id": [1, 2], "name": ["A", "B"], "region_id": [1, 2],
                                    "level": ["senior", "junior"]}),
        "regions": pl.DataFrame({"region_id": [1, 2], "name": ["East", "North"]}),
        "debtors": two.debtors.with_columns(pl.Series("region_id", [1, 2])),
        "assignments": two.assignments.with_columns(pl.Series("collector_id", [1, 2]))})  # fmt: skip
    found = values(events(two, EMPTY, Q1, MID, 3, appraisal.settlements(two)), Q1, MID).filter(
        pl.col("target_type") == "recovery_overall")
    by_scope = {(r["level"], r["region_id"], r["collector_id"]): r["value"] for r in found.iter_rows(named=True)}
    assert by_scope == {("company", None, None): pytest.approx(0.2), ("region", 1, None): pytest.approx(0.3),
                        ("region", 2, None): pytest.approx(0.1), ("collector", 1, 1): pytest.approx(0.3),
                        ("collector", 2, 2): pytest.approx(0.1)}  # fmt: skip


def test_the_annual_bad_debt_rate_is_annualised_from_the_run_rate() -> None:
    # Invoices 1 and 2 (1,000.00 and 2,000.00) open on 31 Dec; 100.00 of invoice 2 written off on 10 Jan.
    # Month ends: 31 Dec 3,000.00 and 31 Jan 2,600.00 (300 paid, 100 written off): average 2,800.00.
    # 100 / 2,800 in 45 days, x 365 / 45 = 28.97 % a year.
    wo = book([(1, "2025-11-01", "2025-12-01", 100_000), (2, "2025-09-01", "2025-10-01", 200_000)],
              payments=[(1, "2026-01-20", 30_000)], write_offs=[(2, "2026-01-10", 10_000)])  # fmt: skip
    rows = tracked(wo, targets(("bad_debt_rate", None, 0.02, None)), MID).row(0, named=True)
    assert rows["actual"] == pytest.approx(10_000 / 280_000 * 365 / 45)
    assert rows["pace"] == rows["actual"]
    assert rows["status"] == "off track"


def test_the_path_so_far_against_the_path_to_target() -> None:
    found = path(events(BOOK, EMPTY, Q1, MID, 3, appraisal.settlements(BOOK)), Q1, MID, 0.9,
                 target_type="recovery_rate", tier="31-60", region_id=None, collector_id=None)
    assert found.height == 90
    day = dict(zip(found["date"], found["actual"], strict=True))
    assert (day[date(2026, 1, 19)], day[date(2026, 1, 20)], day[MID]) == (0.0, 0.3, 0.3)
    assert day[date(2026, 2, 15)] is None  # after the as-of date: not known yet
    assert found["to_target"][0] == pytest.approx(0.01) and found["to_target"][-1] == pytest.approx(0.9)


def test_the_year_to_date_bad_debt_rate_and_its_projection() -> None:
    # 31 Dec 2025 3,000.00 and 31 Jan 2026 2,600.00 outstanding: average 2,800.00. 100.00 written off by
    # 14 Feb (45 days): 3.57 % so far; at that pace 100 x 365 / 45 = 811.11 a year: 28.97 %.
    from data_access.metrics.bad_debt import write_offs, year_to_date
    from data_access.metrics.buckets import Buckets
    from data_access.metrics.snapshots import month_ends, snapshots

    wo = book([(1, "2025-11-01", "2025-12-01", 100_000), (2, "2025-09-01", "2025-10-01", 200_000)],
              payments=[(1, "2026-01-20", 30_000)], write_offs=[(2, "2026-01-10", 10_000), (2, "2025-12-20", 5_000)])
    ends = month_ends(MID, 24)
    year = year_to_date(write_offs(wo, MID), snapshots(wo, ends, Buckets.from_edges((0, 30))), MID)
    # The December write-off is last year's: it lowers the 31 Dec balance (2,950.00) but is not counted.
    assert (year.written_off_cents, year.days, year.year_days) == (10_000, 45, 365)
    assert year.average_cents == (295_000 + 255_000) / 2
    assert year.rate == pytest.approx(10_000 / 275_000)
    assert year.projected == pytest.approx(10_000 / 275_000 * 365 / 45)


def test_the_company_target_in_force_is_the_narrowest() -> None:
    from data_access.metrics.targets import company_target

    table = pl.DataFrame({"target_id": [1, 2, 3], "target_type": ["bad_debt_rate"] * 3, "region_id": [None, None, 1],
                          "collector_id": [None] * 3, "period_start": [date(2026, 1, 1), Q1.start, Q1.start],
                          "period_end": [date(2026, 12, 31), Q1.end, Q1.end], "value": [0.02, 0.015, 0.01]},
                         schema_overrides={"region_id": pl.Int64, "collector_id": pl.Int64})  # fmt: skip
    assert company_target(table, "bad_debt_rate", MID) == 0.015  # the quarter's, not the year's nor region 1's
    assert company_target(table, "bad_debt_rate", date(2026, 5, 1)) == 0.02
    assert company_target(table, "kept_rate", MID) is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reassigned_books(), st.dates(date(2025, 7, 1), date(2026, 6, 30)))
def test_the_roll_up_adds_up_to_the_companys_recovery_whatever_the_hand_overs(generated, as_of) -> None:
    """Collectors -> regions -> company: the company's cash and base are the recovery pool's (an independent
    computation, recovery.recovery_pool), and the regions' sums never exceed the company's."""
    from data_access.metrics.recovery import recovery_pool
    from data_access.metrics.targets import period_of

    period = period_of("quarter", as_of)
    found = values(events(generated, EMPTY, period, as_of, 3, appraisal.settlements(generated)), period, as_of)
    overall = found.filter(pl.col("target_type") == "recovery_overall")
    pool = recovery_pool(generated, Period(period.start, as_of))
    company = overall.filter(pl.col("level") == "company")
    if pool.is_empty():
        assert company.is_empty() or company["den"].fill_null(0).sum() == 0
        return
    assert company["num"].fill_null(0).item() == pool["collected_cents"].sum()
    assert company["den"].item() == pool["entry_cents"].sum()
    regions = overall.filter(pl.col("level") == "region")
    assert regions["den"].fill_null(0).sum() <= company["den"].item()
    collectors = overall.filter(pl.col("level") == "collector")
    assert collectors["num"].fill_null(0).sum() <= company["num"].fill_null(0).item()


def test_a_region_without_events_keeps_its_target_with_no_value() -> None:
    # Satisfaction surveys only in region 1 (scores 4 and 5: 4.5 against 4.0, on track); region 3 has a target
    # but no survey yet: it is listed with no value and no status (shown "—"), not dropped; region 1's target
    # meets region 1's value only.
    happened = pl.DataFrame({"collector_id": [7, 7], "region_id": [1, 1], "target_type": ["satisfaction"] * 2,
                             "tier": [None, None], "date": [date(2026, 1, 5), date(2026, 1, 6)], "num": [4.0, 5.0],
                             "den": [1.0, 1.0], "num2": [None, None], "den2": [None, None]},
                            schema=SCHEMA)  # fmt: skip
    rows = targets(("satisfaction", None, 4.0, None), ("satisfaction", None, 4.0, None),
                   ("satisfaction", None, 4.0, None)).with_columns(pl.Series("region_id", [1, 3, 2]))
    found = track(rows, values(happened, Q1, MID), Q1, MID).sort("target_id")
    assert found.select("target_id", "region_id", "actual", "status").rows() == [
        (1, 1, 4.5, "on track"), (2, 3, None, None), (3, 2, None, None)]


# The bad-debt rate's path ends where the tracking table stands: both average the balance of the day before the
# period and of each month end so far, and count a month end with nothing outstanding as a zero balance.
WRITTEN_OFF = book([(1, "2025-11-01", "2025-12-01", 100_000), (2, "2025-09-01", "2025-10-01", 200_000)],
                   payments=[(1, "2026-01-20", 30_000)], write_offs=[(2, "2026-01-10", 10_000)])  # fmt: skip


def bad_debt_path(book_, as_of: date) -> dict:
    found = path(events(book_, EMPTY, Q1, as_of, 3, appraisal.settlements(book_)), Q1, as_of, 0.02,
                 target_type="bad_debt_rate", tier=None, region_id=None, collector_id=None)  # fmt: skip
    return dict(zip(found["date"], found["actual"], strict=True))


def test_the_bad_debt_path_counts_the_opening_balance_and_ends_at_the_tracked_value() -> None:
    # As in the test above: balances 3,000.00 (31 Dec) and 2,600.00 (31 Jan), 100.00 written off by 14 Feb.
    day = bad_debt_path(WRITTEN_OFF, MID)
    assert day[MID] == pytest.approx(10_000 / 280_000 * 365 / 45)  # the tracking table's 28.97 %
    assert day[MID] == pytest.approx(tracked(WRITTEN_OFF, targets(("bad_debt_rate", None, 0.02, None)),
                                             MID)["actual"][0])  # fmt: skip
    # On 20 Jan only the 31 Dec balance is known: 100 / 3,000 × 365 / 20 = 60.83 %.
    assert day[date(2026, 1, 20)] == pytest.approx(10_000 / 300_000 * 365 / 20)


def test_a_month_end_with_nothing_outstanding_is_a_zero_balance_in_the_average() -> None:
    # Invoice 2 (2,000.00) open on 31 Dec; 100.00 written off on 10 Jan and the other 1,900.00 paid on 20 Jan:
    # nothing outstanding on 31 Jan. Average (2,000.00 + 0) / 2 = 1,000.00; 100 / 1,000 × 365 / 45 = 81.11 %.
    cleared = book([(2, "2025-09-01", "2025-10-01", 200_000)], payments=[(2, "2026-01-20", 190_000)],
                   write_offs=[(2, "2026-01-10", 10_000)])  # fmt: skip
    expected = 10_000 / 100_000 * 365 / 45
    assert tracked(cleared, targets(("bad_debt_rate", None, 0.02, None)), MID)["actual"][0] == pytest.approx(expected)
    assert bad_debt_path(cleared, MID)[MID] == pytest.approx(expected)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reassigned_books(), st.dates(date(2025, 7, 1), date(2026, 6, 30)), st.sampled_from(["month", "quarter", "year"]))
def test_the_bad_debt_balances_read_from_the_trend_snapshots_are_the_ones_computed_afresh(generated, as_of, kind) -> None:
    """The Targets page reads the bad-debt rate's month-end balances from the trends' 37 month-end snapshots
    (other month ends, other buckets) instead of expanding the book for its own two or three dates."""
    from data_access.metrics.buckets import Buckets
    from data_access.metrics.snapshots import HISTORY_MONTHS, month_ends, snapshots
    from data_access.metrics.targets import period_of

    period = period_of(kind, as_of)
    ends = month_ends(as_of, HISTORY_MONTHS)
    trend = (ends, snapshots(generated, ends, Buckets.from_edges((0, 30, 60, 90, 180))))
    settled = appraisal.settlements(generated)
    afresh = events(generated, EMPTY, period, as_of, 3, settled).filter(pl.col("target_type") == "bad_debt_rate")
    with patch("data_access.metrics.snapshots.snapshots", side_effect=AssertionError("expanded the book again")):
        read = events(generated, EMPTY, period, as_of, 3, settled, trend).filter(pl.col("target_type") == "bad_debt_rate")
    assert read.sort(read.columns).equals(afresh.sort(afresh.columns))


def test_events_of_one_collector_metric_and_day_are_held_as_one_sum() -> None:
    # Invoices 1 and 2 (same debtor, same collector) are paid 300.00 and 200.00 on 20 Jan, invoice 1 another
    # 100.00 on 21 Jan: the amount recovered is one event of 500.00 on the 20th and one of 100.00 on the 21st.
    paid = book([(1, "2025-11-01", "2025-12-01", 100_000), (2, "2025-11-01", "2025-12-01", 100_000)],
                payments=[(1, "2026-01-20", 30_000), (2, "2026-01-20", 20_000), (1, "2026-01-21", 10_000)])
    amounts = events(paid, EMPTY, Q1, MID, 3, appraisal.settlements(paid)).filter(
        pl.col("target_type") == "amount_recovered").sort("date")
    assert amounts.select("date", "num").rows() == [(date(2026, 1, 20), 50_000.0), (date(2026, 1, 21), 10_000.0)]
    assert amounts["den"].to_list() == [None, None]  # no base among these events: still none, not 0


# A collector's events carry its region (collector n works in region n); what no one held, the debtor's.
EVENT_ROWS = st.lists(st.tuples(
    st.sampled_from([None, 1, 2]),  # collector (null: held by no one)
    st.sampled_from([None, 1, 2]),  # the debtor's region
    st.sampled_from(["recovery_rate", "recovery_overall", "kept_rate", "cycle_reduction", "bad_debt_rate"]),
    st.sampled_from([None, "1-30", "90+"]),
    st.dates(date(2025, 12, 31), date(2026, 3, 31)),
    *[st.one_of(st.none(), st.integers(0, 10**9).map(float))] * 4,
), max_size=40)


@settings(max_examples=60, deadline=None)
@given(EVENT_ROWS, st.dates(Q1.start, Q1.end))
def test_the_daily_sums_give_the_values_and_paths_the_single_events_give(rows, through) -> None:
    """What ``by_day`` keeps is enough: every scope's values, and any path, equal those of the events one by one."""
    rows = [(c, r if c is None else c, *rest) for c, r, *rest in rows]
    single = pl.DataFrame(rows, schema=SCHEMA, orient="row")
    summed = by_day(single)
    assert summed.height == single.select("collector_id", "region_id", "target_type", "tier", "date").n_unique()
    order = ["level", "region_id", "collector_id", "target_type", "tier"]
    assert values(summed, Q1, through).sort(order, nulls_last=True).equals(
        values(single, Q1, through).sort(order, nulls_last=True))
    for metric, tier, region, collector in (("recovery_rate", "90+", None, None), ("kept_rate", None, 1, None),
                                            ("bad_debt_rate", None, 2, None), ("cycle_reduction", None, None, 1)):
        scope = {"target_type": metric, "tier": tier, "region_id": region, "collector_id": collector}
        assert path(summed, Q1, through, 0.5, **scope).equals(path(single, Q1, through, 0.5, **scope))
