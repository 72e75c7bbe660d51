"""The demo's legal case history and dated facts agree with the rest of the portfolio and with ``end``."""

from datetime import date

import polars as pl
import pytest

from data_access.demo.generator import _legal_case_stages, generate

END = date(2026, 10, 31)
STAGES = ["filed", "hearing", "judgment", "enforcement", "closed"]

# The configurations the generator was refactored against, the default size (the only one with cases
# in every stage), and two seeds that once dated a fact after ``end``: seed 1876 decided an appeal on
# 2026-11-09 and seed 75 confirmed an incident on 2026-11-06.
CONFIGS = [
    (5_000, 7, END), (20_000, 11, END), (3_000, 3, date(2025, 6, 30)), (200_000, 7, END),
    (100, 1876, END), (2_000, 75, END),
]  # fmt: skip


@pytest.fixture(scope="module", params=CONFIGS, ids=lambda c: f"{c[0]}-seed{c[1]}-{c[2]}")
def portfolio(request) -> tuple[date, dict[str, pl.DataFrame]]:
    n_invoices, seed, end = request.param
    return end, generate(n_invoices, seed=seed, end=end)


@pytest.fixture(scope="module")
def demo() -> dict[str, pl.DataFrame]:
    return generate(200_000, seed=7, end=END)


def test_a_case_history_lists_each_stage_entered_120_days_after_the_previous() -> None:
    cases = pl.DataFrame(
        {
            "case_id": [7, 3],
            "opened_on": [date(2024, 1, 1), date(2026, 9, 1)],
            "stage": ["closed", "filed"],
            "recovered_cents": [12_345, 0],
        }
    )
    expected = pl.DataFrame(
        {
            "stage_id": [1, 2, 3, 4, 5, 6],
            "case_id": [3, 7, 7, 7, 7, 7],
            "stage": ["filed", "filed", "hearing", "judgment", "enforcement", "closed"],
            "entered_on": [
                date(2026, 9, 1),
                date(2024, 1, 1), date(2024, 4, 30), date(2024, 8, 28), date(2024, 12, 26), date(2025, 4, 25),
            ],  # fmt: skip
            "recovered_cents": [0, 0, 0, 0, 12_345, 12_345],
        }
    )
    assert _legal_case_stages(cases).equals(expected)


def test_stage_history_has_the_table_types(demo) -> None:
    assert demo["legal_case_stages"].schema == pl.Schema(
        {"stage_id": pl.Int64, "case_id": pl.Int64, "stage": pl.String, "entered_on": pl.Date,
         "recovered_cents": pl.Int64}
    )  # fmt: skip


def test_the_default_portfolio_has_cases_in_every_stage(demo) -> None:
    assert set(demo["legal_cases"]["stage"]) == set(STAGES)


def test_every_case_has_a_history_and_every_history_a_case(demo) -> None:
    assert set(demo["legal_case_stages"]["case_id"]) == set(demo["legal_cases"]["case_id"])


def test_the_latest_stage_of_a_case_is_its_current_stage_and_recovery(demo) -> None:
    latest = demo["legal_case_stages"].sort("entered_on").group_by("case_id").last()
    now = demo["legal_cases"].join(latest, on="case_id")
    assert now.height == demo["legal_cases"].height
    assert (now["stage"] == now["stage_right"]).all()
    assert (now["recovered_cents"] == now["recovered_cents_right"]).all()


def test_a_case_is_filed_on_the_day_it_is_opened(demo) -> None:
    first = demo["legal_case_stages"].sort("entered_on").group_by("case_id").first()
    opened = demo["legal_cases"].join(first, on="case_id")
    assert (opened["stage_right"] == "filed").all()
    assert (opened["entered_on"] == opened["opened_on"]).all()


def test_a_case_climbs_the_stages_in_order_one_every_120_days(demo) -> None:
    histories = demo["legal_case_stages"].sort("case_id", "entered_on").group_by("case_id", maintain_order=True).agg(
        "stage", pl.col("entered_on").diff().dt.total_days().drop_nulls().alias("gaps")
    )
    for stages, gaps in histories.select("stage", "gaps").iter_rows():
        assert stages == STAGES[: len(stages)]
        assert gaps == [120] * (len(stages) - 1)


def test_a_closed_case_entered_closed_on_its_closed_on(demo) -> None:
    closed = demo["legal_case_stages"].filter(pl.col("stage") == "closed").join(demo["legal_cases"], on="case_id")
    assert closed.height == demo["legal_cases"]["closed_on"].count() > 0
    assert (closed["entered_on"] == closed["closed_on"]).all()


def test_nothing_is_recovered_before_enforcement(demo) -> None:
    early = demo["legal_case_stages"].filter(pl.col("stage").is_in(["filed", "hearing", "judgment"]))
    assert early.height > 0 and (early["recovered_cents"] == 0).all()


def test_from_enforcement_on_the_case_recovery_is_recorded(demo) -> None:
    late = demo["legal_case_stages"].filter(pl.col("stage").is_in(["enforcement", "closed"])).join(
        demo["legal_cases"], on="case_id"
    )
    assert late.height > 0 and (late["recovered_cents"] == late["recovered_cents_right"]).all()


def test_stage_ids_number_the_history_by_case_then_date(demo) -> None:
    stages = demo["legal_case_stages"]
    assert stages["stage_id"].to_list() == list(range(1, stages.height + 1))
    assert stages.equals(stages.sort("case_id", "entered_on"))


# Dates that name a commitment, not something that happened: they may lie after ``end``.
FORWARD_DATES = {("invoices", "due_date"), ("promises", "promised_date"), ("targets", "period_end")}


def test_no_fact_is_dated_after_end(portfolio) -> None:
    end, tables = portfolio
    late = {
        (name, column): frame.filter(pl.col(column) > end).height
        for name, frame in tables.items()
        for column, dtype in frame.schema.items()
        if dtype == pl.Date and (name, column) not in FORWARD_DATES
    }
    assert {where: n for where, n in late.items() if n} == {}


def test_a_decided_appeal_is_decided_on_or_after_filing(portfolio) -> None:
    decided = portfolio[1]["appeals"].filter(pl.col("status").is_in(["upheld", "rejected"]))
    assert decided["decided_on"].null_count() == 0
    assert (decided["decided_on"] >= decided["filed_on"]).all()


def test_an_open_appeal_has_no_decision_date(portfolio) -> None:
    still_open = portfolio[1]["appeals"].filter(pl.col("status") == "open")
    assert still_open["decided_on"].null_count() == still_open.height


def test_an_escalation_comes_on_or_after_its_flag(portfolio) -> None:
    escalated = portfolio[1]["escalations"].drop_nulls("escalated_on")
    assert (escalated["escalated_on"] >= escalated["flagged_on"]).all()


def test_an_incident_has_a_confirmation_date_exactly_when_confirmed(portfolio) -> None:
    incidents = portfolio[1]["compliance_incidents"]
    assert (incidents["confirmed_on"].is_not_null() == incidents["confirmed"]).all()


def test_an_incident_is_confirmed_on_or_after_its_report(portfolio) -> None:
    confirmed = portfolio[1]["compliance_incidents"].filter(pl.col("confirmed"))
    assert (confirmed["confirmed_on"] >= confirmed["reported_on"]).all()


@pytest.mark.parametrize(("n_invoices", "seed", "end"), CONFIGS[:3])
def test_the_same_inputs_give_equal_tables(n_invoices, seed, end) -> None:
    first, second = generate(n_invoices, seed=seed, end=end), generate(n_invoices, seed=seed, end=end)
    assert list(first) == list(second)
    for name, frame in first.items():
        assert frame.equals(second[name]), name
