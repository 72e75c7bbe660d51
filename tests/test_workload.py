"""Regional load on a hand-built portfolio: cases, weights, load indexes and region figures, by hand.

Default weights (docs/workload.md): buckets 1-30 2, 31-60 3, 61-90 4, 91-180 5, 180+ 6 points; grade
multipliers AAA-BBB 1, BB 1.2, B 1.4, CCC 1.6 (unrated 1); long overdue above 60 days; high risk BB,
B, CCC; under 0.6, over 1.0. As of 2026-06-30:

  D1  East, A,   owner C1 since 15 Jun: 1,000.00 10 days late (+ 500.00 not due)   1-30    2 × 1   = 2.0
  D2  East, CCC, owner C1: 1,500.00 left of 2,000.00 90 days late, 300.00 20 days   61-90   4 × 1.6 = 6.4
  D3  East, BB,  owner C2: 700.00 46 days late                                       31-60   3 × 1.2 = 3.6
  D4  North, BBB, owner C3 (on leave): 400.00 211 days late                          180+    6 × 1   = 6.0
  D5  East, AA,  owner C2: 100.00 paid in full on the as-of date                     no case
  D6  North, unrated, no owner: 250.00 29 days late                                  1-30    2 × 1   = 2.0

  C1 East junior, capacity 10: D1 + D2 = 8.4 -> 0.84 ok
  C2 East senior, capacity 20: D3 = 3.6 -> 0.18 under
  C3 North mid, capacity 10, inactive: D4 = 6.0 -> inactive with cases
"""

from dataclasses import replace
from datetime import date

import polars as pl
import pytest

from data_access.metrics import asof, snapshots, workload
from data_access.settings import load_settings
from tests.books import book

AS_OF = date(2026, 6, 30)
RULES = workload.LoadRules(edges=(0, 30, 60, 90, 180), bucket_weights=(2, 3, 4, 5, 6),
                           grade_weights=(1, 1, 1, 1, 1.2, 1.4, 1.6))  # fmt: skip


def portfolio():
    b = book(
        [(1, "2026-05-20", "2026-06-20", 100_000), (2, "2026-06-01", "2026-07-15", 50_000),
         (3, "2026-03-01", "2026-04-01", 200_000), (4, "2026-05-10", "2026-06-10", 30_000),
         (5, "2026-04-15", "2026-05-15", 70_000), (6, "2025-11-01", "2025-12-01", 40_000),
         (7, "2026-06-01", "2026-06-29", 10_000), (8, "2026-05-01", "2026-06-01", 25_000)],
        payments=[(3, "2026-05-01", 50_000), (7, "2026-06-30", 10_000)],
        debtor_of={1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 4, 7: 5, 8: 6},
    )  # fmt: skip
    old = date(2000, 1, 1)
    return replace(
        b,
        debtors=pl.DataFrame({"debtor_id": [1, 2, 3, 4, 5, 6], "name": [f"D{i}" for i in range(1, 7)],
                              "industry": "Retail", "region_id": [1, 1, 1, 2, 1, 2], "credit_limit_cents": 0}),
        regions=pl.DataFrame({"region_id": [1, 2], "name": ["East", "North"]}),
        collectors=pl.DataFrame({"collector_id": [1, 2, 3], "name": ["C1", "C2", "C3"], "region_id": [1, 1, 2],
                                 "level": ["junior", "senior", "mid"], "capacity": [10, 20, 10],
                                 "active": [True, True, False]}),
        ratings=pl.DataFrame({"debtor_id": [1, 2, 3, 4, 5], "rated_on": [old] * 5,
                              "grade": ["A", "CCC", "BB", "BBB", "AA"]}),
        assignments=pl.DataFrame({
            "assignment_id": [1, 2, 3, 4, 5, 6], "debtor_id": [1, 1, 2, 3, 4, 5],
            "collector_id": [2, 1, 1, 2, 3, 2],
            "start_date": [old, date(2026, 6, 15), old, old, old, old],
            "end_date": [date(2026, 6, 15), None, None, None, None, None],
        }, schema_overrides={"end_date": pl.Date}),
    )  # fmt: skip


def frames(as_of: date = AS_OF, protected: pl.DataFrame | None = None):
    b = portfolio()
    state, dims = asof.invoice_state(b, as_of, RULES.buckets), asof.debtor_dimensions(b, as_of)
    cases = workload.open_cases(state, dims, b.assignments, as_of, RULES, protected)
    return b, state, dims, cases, workload.collector_load(cases, b, RULES)


def test_each_debtor_with_an_overdue_balance_is_one_weighted_case() -> None:
    _b, _s, _d, cases, _c = frames()
    assert cases.select("debtor_id", "overdue_cents", "max_dpd", "bucket", "grade", "weight_milli", "long_overdue",
                        "high_risk", "hard", "collector_id").rows() == [
        (1, 100_000, 10, "1-30", "A", 2_000, False, False, False, 1),
        (2, 180_000, 90, "61-90", "CCC", 6_400, True, True, True, 1),
        (3, 70_000, 46, "31-60", "BB", 3_600, False, True, True, 2),
        (4, 40_000, 211, "180+", "BBB", 6_000, True, False, True, 3),
        (6, 25_000, 29, "1-30", None, 2_000, False, False, False, None),
    ]  # fmt: skip


def test_the_owner_is_the_assignment_in_force_with_its_id_and_tenure() -> None:
    _b, _s, _d, cases, _c = frames()
    assert cases.filter(pl.col("debtor_id") == 1).select("assignment_id", "owner_since", "tenure_days").row(0) == (
        2, date(2026, 6, 15), 15)
    assert cases.filter(pl.col("debtor_id") == 6).select("assignment_id", "tenure_days").row(0) == (None, None)


def test_collector_load_index_and_status() -> None:
    _b, _s, _d, _cases, collectors = frames()
    assert collectors.select("collector_id", "cases", "overdue_cents", "load_milli", "load", "load_index", "status",
                             "long_overdue", "high_risk", "hard").rows() == [
        (1, 2, 280_000, 8_400, 8.4, pytest.approx(0.84), "ok", 1, 1, 1),
        (2, 1, 70_000, 3_600, 3.6, pytest.approx(0.18), "under", 0, 1, 1),
        (3, 1, 40_000, 6_000, 6.0, pytest.approx(0.6), "inactive", 1, 0, 1),
    ]  # fmt: skip
    c1 = collectors.filter(pl.col("collector_id") == 1).row(0, named=True)
    assert [c1[f"bucket:{b}"] for b in RULES.overdue_buckets] == [1, 0, 1, 0, 0]
    assert (c1["grade:A"], c1["grade:CCC"], c1["grade:BB"]) == (1, 1, 0)


def test_region_figures() -> None:
    b, _s, _d, cases, collectors = frames()
    regions = workload.region_load(cases, collectors, b)
    east, north = regions.rows(named=True)
    assert (east["juniors"], east["mids"], east["seniors"], east["collectors"], east["inactive"]) == (1, 0, 1, 2, 0)
    assert (east["cases"], east["overdue_cents"], east["unassigned"]) == (3, 350_000, 0)
    assert east["cases_per_collector"] == 1.5 and east["overdue_per_collector_cents"] == 175_000
    assert east["long_overdue_share"] == pytest.approx(1 / 3) and east["high_risk_share"] == pytest.approx(2 / 3)
    assert (east["load_milli"], east["capacity"]) == (12_000, 30) and east["load_index"] == pytest.approx(0.4)
    # North: its only collector is on leave, so no capacity: the index is undefined, not infinite.
    assert (north["collectors"], north["inactive"], north["cases"], north["overdue_cents"]) == (0, 1, 2, 65_000)
    assert (north["unassigned"], north["load_milli"], north["capacity"]) == (1, 6_000, 0)
    assert north["load_index"] is None and north["cases_per_collector"] is None
    assert (north["long_overdue_share"], north["high_risk_share"]) == (0.5, 0.0)


def test_staffing_by_level_counts_active_collectors_only() -> None:
    _b, _s, _d, _cases, collectors = frames()
    assert workload.staffing_by_level(collectors).select("region_id", "level", "collectors", "capacity", "cases",
                                                         "load_milli", "load_index").rows() == [
        (1, "junior", 1, 10, 2, 8_400, pytest.approx(0.84)),
        (1, "senior", 1, 20, 1, 3_600, pytest.approx(0.18)),
    ]  # fmt: skip


def test_the_heat_map_puts_each_invoice_in_its_bucket_and_adds_up_to_the_region() -> None:
    _b, state, dims, _cases, _c = frames()
    heat = workload.region_bucket_amounts(state, dims)
    assert heat.select("region_id", pl.col("bucket").cast(pl.String), "overdue_cents").rows() == [
        (1, "1-30", 130_000), (1, "31-60", 70_000), (1, "61-90", 150_000), (2, "1-30", 25_000), (2, "180+", 40_000),
    ]  # fmt: skip


def test_company_figures() -> None:
    _b, _s, _d, cases, collectors = frames()
    assert workload.company_figures(collectors, cases) == {
        "cases": 5, "overdue_cents": 415_000, "load": 18.0, "capacity": 30, "load_index": 0.6, "over": 0, "under": 1,
        "inactive_with_cases": 1, "unassigned": 1,
    }  # fmt: skip


def test_open_promises_and_open_legal_cases_protect_a_case() -> None:
    promises = pl.DataFrame({"debtor_id": [1, 3], "made_on": [date(2026, 6, 25), date(2026, 6, 1)],
                             "promised_date": [date(2026, 6, 28), date(2026, 6, 10)]})  # fmt: skip
    legal = pl.DataFrame({"case_id": [1, 2], "debtor_id": [2, 4], "opened_on": [date(2026, 5, 1), date(2026, 6, 1)],
                          "stage": ["closed", "filed"]})  # fmt: skip
    stages = pl.DataFrame({"stage_id": [1, 2, 3], "case_id": [1, 1, 2], "stage": ["filed", "closed", "filed"],
                           "entered_on": [date(2026, 5, 1), date(2026, 6, 15), date(2026, 6, 1)],
                           "recovered_cents": [0, 0, 0]})  # fmt: skip
    # D1's promise (28 Jun + 3 grace days) is still open on 30 Jun; D3's (10 Jun) is past; D2's case
    # closed on 15 Jun; D4's is filed.
    flags = workload.protected_debtors(promises, legal, stages, AS_OF, grace_days=3)
    _b, _s, _d, cases, _c = frames(protected=flags)
    assert cases.select("debtor_id", "promise", "legal", "protected").rows() == [
        (1, True, False, True), (2, False, False, False), (3, False, False, False), (4, False, True, True),
        (6, False, False, False),
    ]  # fmt: skip


def test_the_load_index_at_month_ends_uses_the_cases_grades_and_owners_then() -> None:
    b = portfolio()
    ends = snapshots.month_ends(AS_OF, 2)
    trend = workload.load_trend(b, snapshots.snapshots(b, ends, RULES.buckets), ends, RULES)
    # 31 May: D2 60 days late (31-60, CCC: 4.8) with C1, D3 16 days (1-30, BB: 2.4) with C2, D4 with C3;
    # D1's invoice is not yet due and D1 was with C2 then. 30 June: as on the page, 12.0 for the East.
    assert trend.select("region_id", "month_end", "cases", "load_milli", "capacity", "load_index").rows() == [
        (1, date(2026, 5, 31), 2, 7_200, 30, pytest.approx(0.24)),
        (1, date(2026, 6, 30), 3, 12_000, 30, pytest.approx(0.4)),
        (2, date(2026, 5, 31), 1, 6_000, None, None),
        (2, date(2026, 6, 30), 1, 6_000, None, None),
    ]  # fmt: skip


def test_weights_come_from_the_settings_and_follow_other_bucket_edges() -> None:
    rules = workload.LoadRules.from_settings(load_settings({"DATABASE_URL": "sqlite://"}))
    assert (rules.bucket_weights, rules.grade_weights) == ((2, 3, 4, 5, 6), (1, 1, 1, 1, 1.2, 1.4, 1.6))
    assert (rules.hard_dpd, rules.hard_grades, rules.under, rules.over) == (60, ("BB", "B", "CCC"), 0.6, 1.0)
    other = workload.LoadRules.from_settings(load_settings({"DATABASE_URL": "sqlite://", "BUCKET_EDGES": "0,15,45"}))
    assert (other.overdue_buckets, other.bucket_weights) == (("1-15", "16-45", "45+"), (2, 3, 4))


def test_a_weight_per_bucket_is_required() -> None:
    with pytest.raises(ValueError, match="1 bucket weights for 5 overdue buckets"):
        workload.LoadRules(edges=(0, 30, 60, 90, 180), bucket_weights=(2,), grade_weights=(1,) * 7)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"BUCKET_EDGES": "0,15,45", "LOAD_BUCKET_WEIGHTS": "2,3"},
     "RDASH_LOAD_BUCKET_WEIGHTS='2,3' must be one positive weight per overdue bucket: RDASH_BUCKET_EDGES='0,15,45' "
     "gives 3, e.g. 2,3,4"),
    ({"LOAD_BUCKET_WEIGHTS": "2,3,0,5,6"}, "RDASH_LOAD_BUCKET_WEIGHTS='2,3,0,5,6' must be one positive weight per "
                                           "overdue bucket, e.g. 2,3,4,5,6"),
    ({"LOAD_GRADE_WEIGHTS": "1,1.2"}, "RDASH_LOAD_GRADE_WEIGHTS='1,1.2' must be seven positive multipliers for AAA, "
                                      "AA, A, BBB, BB, B, CCC, e.g. 1,1,1,1,1.2,1.4,1.6"),
    ({"LOAD_UNDER": "1.2"}, "RDASH_LOAD_UNDER='1.2' must be below RDASH_LOAD_OVER='1.0', e.g. 0.6 with 1.0"),
    ({"HARD_CASE_GRADES": "BB,Z"}, "RDASH_HARD_CASE_GRADES='BB,Z' must be grades from AAA, AA, A, BBB, BB, B, CCC "
                                   "separated by commas, e.g. BB,B,CCC"),
])  # fmt: skip
def test_load_settings_are_refused_with_what_and_how_to_fix(overrides, message) -> None:
    with pytest.raises(ValueError) as refusal:
        load_settings({"DATABASE_URL": "sqlite://", **overrides})
    assert str(refusal.value) == message


def test_a_load_bar_says_over_or_under_in_text_not_only_in_colour() -> None:
    from dashboard.load_charts import index_bars

    figure = index_bars(["A", "B", "C"], [1.31, 0.5, 1.0], ["red", "orange", "green"], under=0.8, over=1.2)
    assert list(figure.data[0].text) == ["▲ 1.31", "▼ 0.50", "1.00"]


def test_the_load_trend_from_its_own_month_ends_is_the_trend_from_a_longer_history() -> None:
    # The page computes 12 month ends when the 37 of the other pages are not held: the same figures.
    b = portfolio()
    ends = snapshots.month_ends(AS_OF, 2)
    longer = snapshots.month_ends(AS_OF, 5)
    own = workload.load_trend(b, snapshots.snapshots(b, ends, RULES.buckets), ends, RULES)
    from_longer = workload.load_trend(b, snapshots.snapshots(b, longer, RULES.buckets), ends, RULES)
    assert own.height == 4 and own.equals(from_longer)
