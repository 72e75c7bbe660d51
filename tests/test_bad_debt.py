"""Write-offs, the bad-debt driver, the legal pipeline and write-off candidates."""

from datetime import date

import polars as pl

from data_access.metrics import bad_debt
from data_access.metrics.asof import debtor_dimensions, invoice_state, with_dimensions
from data_access.metrics.buckets import Buckets
from tests.books import book

AS_OF = date(2026, 6, 30)


def test_months_above_target_counts_the_latest_run() -> None:
    assert bad_debt.months_above([0.025, 0.018, 0.021, 0.022, 0.024], 0.02) == 3
    assert bad_debt.months_above([0.025, 0.019], 0.02) == 0


def test_the_driver_is_the_segment_whose_write_offs_most_exceed_its_share_of_the_book() -> None:
    written = pl.DataFrame({"debtor_id": [1, 2], "date": [date(2026, 5, 1)] * 2, "amount_cents": [80, 20]})
    snaps = pl.DataFrame({"debtor_id": [1, 2], "month_end": [date(2026, 5, 31)] * 2, "balance_cents": [100, 900]})
    dims = pl.DataFrame({"debtor_id": [1, 2], "industry": ["Construction", "Retail"], "region": ["East", "East"]})
    driver = bad_debt.bad_debt_driver(written, snaps, dims, since=date(2026, 1, 1))
    assert driver == bad_debt.Driver("industry", "Construction", 0.8, 0.1)


def test_the_legal_pipeline_shows_each_case_at_its_stage_on_the_as_of_date() -> None:
    # The case rows hold today's stage (case 1 in enforcement, case 2 closed); on 30 June case 1 was at
    # judgment with nothing recovered, case 2 in enforcement with 500.00, case 4 opened without a stage
    # row yet (filed), and case 3 was not opened.
    cases = pl.DataFrame({
        "case_id": [1, 2, 3, 4], "debtor_id": [1, 2, 3, 4], "stage": ["enforcement", "closed", "filed", "hearing"],
        "opened_on": [date(2026, 1, 10), date(2025, 6, 30), date(2026, 7, 15), date(2026, 6, 20)],
        "claimed_cents": [100_000, 200_000, 50_000, 40_000], "recovered_cents": [30_000, 80_000, 0, 0],
    })  # fmt: skip
    stages = pl.DataFrame(
        [(1, 1, "filed", date(2026, 1, 10), 0), (2, 1, "hearing", date(2026, 4, 1), 0),
         (3, 1, "judgment", date(2026, 6, 15), 0), (4, 1, "enforcement", date(2026, 7, 20), 30_000),
         (5, 2, "filed", date(2025, 6, 30), 0), (6, 2, "hearing", date(2025, 10, 1), 0),
         (7, 2, "judgment", date(2026, 1, 15), 0), (8, 2, "enforcement", date(2026, 3, 1), 50_000),
         (9, 2, "closed", date(2026, 9, 1), 80_000), (10, 3, "filed", date(2026, 7, 15), 0),
         (11, 4, "hearing", date(2026, 7, 1), 0)],
        schema=["stage_id", "case_id", "stage", "entered_on", "recovered_cents"], orient="row",
    )  # fmt: skip
    pipeline = bad_debt.legal_pipeline(cases, stages, AS_OF)
    assert pipeline.select(pl.col("stage").cast(pl.String), "cases", "claimed_cents", "recovered_cents",
                           "recovered_share", "median_age_days").rows() == [  # fmt: skip
        ("filed", 1, 40_000, 0, 0.0, 10.0),
        ("judgment", 1, 100_000, 0, 0.0, 171.0),
        ("enforcement", 1, 200_000, 50_000, 0.25, 365.0),
    ]
    assert pipeline.columns == ["stage", "cases", "claimed_cents", "recovered_cents", "median_age_days",
                                "recovered_share"]  # fmt: skip
    later = bad_debt.legal_pipeline(cases, stages, date(2026, 9, 30))
    assert later.select(pl.col("stage").cast(pl.String), "cases", "recovered_cents").rows() == [
        ("filed", 1, 0), ("hearing", 1, 0), ("enforcement", 1, 30_000), ("closed", 1, 80_000)]  # fmt: skip


def test_write_off_candidates_are_old_and_quiet() -> None:
    b = book([(1, "2025-05-01", "2025-05-31", 10_000), (2, "2025-05-01", "2025-05-31", 10_000),
              (3, "2026-01-01", "2026-01-31", 10_000)],
             payments=[(2, "2026-06-01", 1_000)])  # fmt: skip
    state = invoice_state(b, AS_OF, Buckets.from_edges((0, 30, 60, 90, 180)))
    state = with_dimensions(state, b, debtor_dimensions(b, AS_OF))
    events = pl.DataFrame({"debtor_id": [1], "event_date": [date(2026, 2, 1)], "event_type": ["litigation"]})
    candidates = bad_debt.write_off_candidates(state, b, events, AS_OF, min_dpd=360, quiet_days=90)
    assert candidates.select("invoice_number", "dpd", "events", "latest_event").rows() == [
        ("T-1", 395, 1, "litigation")]  # fmt: skip


def test_attention_lists_tiers_below_target_with_a_link_to_the_league_table() -> None:
    from data_access.metrics.attention import attention_items

    tiers = pl.DataFrame({"tier": ["1-30", "31-60", "61-90"], "rate": [0.72, 0.85, None],
                          "target": [0.9, 0.8, 0.7], "met": [False, True, None]})  # fmt: skip
    empty = pl.DataFrame({"outstanding_cents": []}, schema={"outstanding_cents": pl.Int64})
    regions = pl.DataFrame({"region_id": [1], "region": ["East China"], "severe_share": [0.01]})
    items = attention_items(driver=None, regions=regions, severe_share=0.01, candidates=empty, charge_backs=empty,
                            over_limit=0, region_ids={}, tiers=tiers)  # fmt: skip
    assert [(i.kind, i.values["tier"], i.page, i.params) for i in items] == [
        ("tier_below_target", "1-30", "league", {"period": "month"})]  # fmt: skip
