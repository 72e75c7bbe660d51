"""Setting targets: periods, the scheme's defaults, copying to the next period, suggestions from history,
and every validation rule with its message (data_access.metrics.targets)."""

from datetime import date

import polars as pl
import pytest

from data_access.metrics.recovery import Period
from data_access.metrics.targets import (
    copied_rows, kind_of, next_period, period_of, scheme_defaults, suggestions, validate,
)  # fmt: skip

Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))
COLLECTOR_REGIONS = {1: 10, 2: 10, 3: 20}
REGIONS = {10, 20}


def row(metric: str = "recovery_overall", value: float | None = 0.8, *, tier: str | None = None,
        region: int | None = None, collector: int | None = None, cents: int | None = None, owner: str = "Wang Li",
        rationale: str = "") -> dict:  # fmt: skip
    return {"target_id": None, "target_type": metric, "tier": tier, "region_id": region, "collector_id": collector,
            "value": value, "value_cents": cents, "owner": owner, "rationale": rationale}  # fmt: skip


def messages(rows: list[dict]) -> list[tuple[int, str]]:
    return [(p.row, p.message) for p in validate(rows, COLLECTOR_REGIONS, REGIONS)]


def test_calendar_periods_and_the_next_one() -> None:
    assert period_of("quarter", date(2026, 2, 14)) == Q1
    assert period_of("month", date(2024, 2, 3)) == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert period_of("year", date(2026, 7, 1)) == Period(date(2026, 1, 1), date(2026, 12, 31))
    assert next_period(Period(date(2026, 10, 1), date(2026, 12, 31))) == Period(date(2027, 1, 1), date(2027, 3, 31))
    assert next_period(Period(date(2026, 12, 1), date(2026, 12, 31))) == Period(date(2027, 1, 1), date(2027, 1, 31))
    assert kind_of(Period(date(2026, 1, 1), date(2026, 2, 28))) is None
    with pytest.raises(ValueError, match="not a calendar month, quarter or year"):
        next_period(Period(date(2026, 1, 5), date(2026, 2, 4)))


def test_a_valid_set_has_no_problems() -> None:
    rows = [row(), row(region=10, value=0.85), row(collector=1, value=0.9), row("amount_recovered", None, cents=0),
            row("recovery_rate", 0.9, tier="1-30"), row("satisfaction", 4.2), row("bad_debt_rate", 0.02, region=20)]
    assert messages(rows) == []


@pytest.mark.parametrize(("bad", "message"), [
    (row(value=1.2), "A rate must be between 0 and 100 %; got 120 %."),
    (row(value=-0.1), "A rate must be between 0 and 100 %; got -10 %."),
    (row(value=None), "Enter the target value."),
    (row("amount_recovered", None, cents=-1), "An amount target needs an amount of 0 or more, in whole cents."),
    (row("amount_recovered", 0.5, cents=100), "An amount target has no rate; clear the rate."),
    (row(cents=100), "Only the amount recovered has an amount; clear the amount."),
    (row("satisfaction", 6.0), "Satisfaction is a survey score from 1 to 5; got 6."),
    (row("recovery_rate", 0.9), "A tier recovery target needs its tier: one of 1-30, 31-60, 61-90, 90+."),
    (row(tier="1-30"), "Only the tier recovery rate has a tier; clear the tier (1-30)."),
    (row(owner="  "), "Name the owner: who answers for this target."),
    (row(collector=99), "There is no collector #99; pick one from the list."),
    (row(region=99), "There is no region #99; pick one from the list."),
    (row(region=20, collector=1), "Collector #1 is not in region #20; clear the region (a collector's region is "
                                  "implied)."),
    (row("bad_debt_rate", 0.02, collector=1), "The bad_debt_rate target is set for the company or a region, not "
                                              "for a collector."),
    (row("promises", 0.5), "Unknown metric 'promises'; pick one of recovery_rate, recovery_overall, "
                           "amount_recovered, cycle_reduction, bad_debt_rate, agreement_rate, kept_rate, satisfaction."),
])  # fmt: skip
def test_each_rule_names_the_row_and_the_fix(bad: dict, message: str) -> None:
    assert messages([row("kept_rate", 0.7), bad]) == [(1, message)]


def test_two_targets_for_the_same_scope_metric_and_period_are_refused() -> None:
    rows = [row(region=10), row(region=20), row(region=10, value=0.7)]
    assert messages(rows) == [(2, "Row 1 already sets this metric for this scope and period; keep one of the two.")]
    # A collector's target is the collector's whether or not the row also names the collector's region.
    assert messages([row(collector=1, region=10), row(collector=1, value=0.9)]) == [
        (1, "Row 1 already sets this metric for this scope and period; keep one of the two.")]
    # Tiers are separate metrics: 1-30 and 31-60 side by side are not duplicates.
    assert messages([row("recovery_rate", 0.9, tier="1-30"), row("recovery_rate", 0.8, tier="31-60")]) == []


def test_a_collector_looser_than_its_region_needs_a_written_reason() -> None:
    region, looser = row(region=10, value=0.80), row(collector=2, value=0.75)
    assert messages([region, looser]) == [
        (1, "Looser than the region's target (80.0%); raise it to 80.0% or write the reason in the rationale.")]
    assert messages([region, {**looser, "rationale": "Took over the hardest book in March"}]) == []
    assert messages([region, row(collector=2, value=0.85)]) == []  # stricter is always allowed
    assert messages([region, row(collector=3, value=0.5)]) == []  # collector 3 is in region 20
    bad_region = row("kept_rate", 0.7, region=10)
    assert [m for _, m in messages([bad_region, row("kept_rate", 0.6, collector=1)])] == [
        "Looser than the region's target (70.0%); raise it to 70.0% or write the reason in the rationale."]


def test_defaults_follow_the_scheme() -> None:
    quarter = {(r["target_type"], r["tier"]): r["value"] for r in scheme_defaults(Q1, (0.9, 0.8, 0.7, 0.5), 0.1, 0.02)}
    assert quarter == {("recovery_rate", "1-30"): 0.9, ("recovery_rate", "31-60"): 0.8,
                       ("recovery_rate", "61-90"): 0.7, ("recovery_rate", "90+"): 0.5,
                       ("cycle_reduction", None): 0.1, ("bad_debt_rate", None): 0.02}  # fmt: skip
    month = scheme_defaults(Period(date(2026, 1, 1), date(2026, 1, 31)), (0.9, 0.8, 0.7, 0.5), 0.1, 0.02)
    assert "cycle_reduction" not in {r["target_type"] for r in month}  # the scheme sets it per quarter
    assert messages(scheme_defaults(Q1, (0.9, 0.8, 0.7, 0.5), 0.1, 0.02)) == []


def test_copy_to_the_next_period_keeps_what_the_next_period_already_sets() -> None:
    source = pl.DataFrame([{**row(region=10), "target_id": 1}, {**row("kept_rate", 0.7), "target_id": 2}])
    existing = pl.DataFrame([{**row("kept_rate", 0.75), "target_id": 3}])
    copied = copied_rows(source, existing)
    assert [(r["target_type"], r["region_id"], r["value"], r["target_id"]) for r in copied] == [
        ("recovery_overall", 10, 0.8, None)]
    # A collector's target saved with its region is the one the next period sets without it: not copied.
    mine = pl.DataFrame([{**row(collector=1, region=10), "target_id": 4}])
    assert copied_rows(mine, pl.DataFrame([{**row(collector=1, value=0.9), "target_id": 5}])) == []


def test_a_suggestion_updates_the_collectors_row_that_names_the_region() -> None:
    from dashboard.targets_view import merge

    saved = {**row(collector=1, region=10, value=0.8), "target_id": 7}
    suggested = {**row(collector=1, value=0.86), "basis": "4 quarters"}
    assert merge([saved], [suggested]) == [{**saved, "value": 0.86, "basis": "4 quarters"}]


def league(quarter: int, rows: list[tuple]) -> pl.DataFrame:
    """A league table: (collector_id, recovery_rate, adjusted, rate of 1-30)."""
    return pl.DataFrame(rows, schema={"collector_id": pl.Int64, "recovery_rate": pl.Float64, "adjusted": pl.Float64,
                                      "rate_1-30": pl.Float64}, orient="row").with_columns(
        *(pl.lit(None, pl.Float64).alias(f"rate_{t}") for t in ("31-60", "61-90", "90+")))  # fmt: skip


def test_suggestions_from_four_quarters_and_the_books_difficulty() -> None:
    # Collector 1: adjusted 1.1, 1.0, 1.2, 0.9 -> median 1.05; latest quarter 45 % on a book the company's
    # averages put at 45 % / 0.9 = 50 %: suggested 1.05 x 50 % = 52.5 %. 1-30 tier: median of 80, 90, 70, 100 = 85 %.
    history = [league(1, [(1, 0.50, 1.1, 0.8), (2, 0.30, 0.6, None)]), league(2, [(1, 0.52, 1.0, 0.9)]),
               league(3, [(1, 0.60, 1.2, 0.7)]), league(4, [(1, 0.45, 0.9, 1.0), (2, 0.40, 0.8, 0.6)])]
    found = suggestions(history)
    one = {(r["target_type"], r["tier"]): r for r in found.filter(pl.col("collector_id") == 1).iter_rows(named=True)}
    assert one[("recovery_overall", None)]["value"] == pytest.approx(0.525)
    assert (one[("recovery_overall", None)]["index"], one[("recovery_overall", None)]["quarters"]) == (1.05, 4)
    assert one[("recovery_overall", None)]["expected"] == pytest.approx(0.5)
    assert one[("recovery_rate", "1-30")]["value"] == pytest.approx(0.85)
    two = found.filter((pl.col("collector_id") == 2) & (pl.col("target_type") == "recovery_overall")).row(0, named=True)
    # Collector 2: median of 0.6 and 0.8 = 0.7, x the latest book's 40 % / 0.8 = 50 %: 35 %, from 2 quarters.
    assert (two["value"], two["quarters"]) == (pytest.approx(0.35), 2)
    assert found.filter(pl.col("collector_id") == 2, pl.col("tier") == "31-60").is_empty()  # no history, no value


def test_each_problem_is_said_in_the_readers_language() -> None:
    from dashboard.i18n import localized

    found = validate([row(owner=""), row(collector=1, value=0.9), row("bad_debt_rate", 0.02, collector=1),
                      row(collector=1, region=10, value=0.95)], COLLECTOR_REGIONS, REGIONS)  # fmt: skip
    assert [(p.row, localized(p.message, "zh")) for p in found] == [
        (0, "请填写负责人：由谁对此目标负责。"),
        (2, "“坏账率（年化）”目标只能为公司或区域设置，不能为催收员设置。"),
        (3, "第 2 行已为此范围和期间设置了该指标；请保留其中一行。")]
    assert localized(found[1].message, "en") == (
        "The Bad-debt rate (annual) target is set for the company or a region, not for a collector.")


def test_the_defaults_state_the_settings_they_were_given() -> None:
    from dashboard.i18n import localized

    rows = {r["target_type"]: r for r in scheme_defaults(Q1, (0.9, 0.8, 0.7, 0.5), 0.15, 0.03)}
    assert rows["bad_debt_rate"]["rationale"] == "Appraisal scheme: annual bad-debt rate below 3 %"
    assert rows["cycle_reduction"]["rationale"] == "Appraisal scheme: collection cycle 15 % shorter each quarter"
    assert localized(rows["bad_debt_rate"]["rationale"], "zh") == "考核方案：年化坏账率低于 3 %"
    assert localized(rows["bad_debt_rate"]["owner"], "zh") == "催收经理"
