"""Dilution, debtor concentration, credit-limit use and recourse exposure on a hand-built book."""

from datetime import date

import polars as pl
import pytest

from data_access.metrics import factoring
from data_access.metrics.asof import debtor_dimensions, invoice_state, with_dimensions
from data_access.metrics.buckets import Buckets
from tests.books import book

AS_OF = date(2026, 3, 31)


def state_of(portfolio) -> pl.DataFrame:
    state = invoice_state(portfolio, AS_OF, Buckets.from_edges((0, 30, 60, 90, 180)))
    return with_dimensions(state, portfolio, debtor_dimensions(portfolio, AS_OF))


def test_dilution_per_month_and_over_three_rolling_months() -> None:
    b = book([(1, "2026-01-05", "2026-02-04", 100_000), (2, "2026-02-05", "2026-03-07", 200_000),
              (3, "2026-03-05", "2026-04-04", 100_000)],
             credits=[(1, "2026-01-20", 2_000), (2, "2026-02-20", 10_000)])  # fmt: skip
    months = [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    dilution = factoring.dilution_by_month(b, months)
    assert dilution["dilution"].to_list() == [0.02, 0.05, 0.0]
    assert dilution["rolling"].to_list()[-1] == pytest.approx(12_000 / 400_000)
    by_client = factoring.dilution_by_client(b, date(2026, 1, 1), date(2026, 3, 31))
    assert by_client.select("sales_cents", "credits_cents", "dilution").row(0) == (400_000, 12_000, 0.03)


# Client 1's book: debtor 1 holds 600.00, debtor 2 300.00, debtor 3 100.00.
CONCENTRATED = book(
    [(1, "2026-03-01", "2026-04-30", 60_000), (2, "2026-03-01", "2026-04-30", 30_000),
     (3, "2026-03-01", "2026-04-30", 10_000)],
    debtor_of={1: 1, 2: 2, 3: 3},
)  # fmt: skip


def test_top_debtors_share_of_outstanding() -> None:
    share, top = factoring.top_debtor_share(state_of(CONCENTRATED), n=2)
    assert share == 0.9
    assert top["debtor_id"].to_list() == [1, 2]


def test_debtors_over_ten_and_twenty_percent_of_a_clients_book() -> None:
    state = state_of(CONCENTRATED)
    assert factoring.concentrated_debtors(state, 0.20).select("debtor_id", "share_of_client").rows() == [
        (1, 0.6), (2, 0.3)]  # fmt: skip
    assert factoring.concentrated_debtors(state, 0.10)["debtor_id"].to_list() == [1, 2]


def test_credit_limit_utilisation_is_flagged_above_ninety_percent() -> None:
    state = state_of(CONCENTRATED)
    debtors = pl.DataFrame({"debtor_id": [1, 2, 3], "credit_limit_cents": [62_000, 100_000, 0]})
    used = factoring.limit_utilisation(state, debtors, 0.9)
    assert used.select("debtor_id", "over_flag").rows() == [(1, True), (2, False), (3, None)]
    assert factoring.over_limit_count(used) == 1  # debtor 1; debtor 3 has no limit and is not counted


def test_the_over_limit_count_ignores_unknown_flags() -> None:
    utilisation = pl.DataFrame({"over_flag": [True, None, False, True]}, schema={"over_flag": pl.Boolean})
    assert factoring.over_limit_count(utilisation) == 2
    assert factoring.over_limit_count(utilisation.clear()) == 0


def test_recourse_invoices_past_the_charge_back_window() -> None:
    b = book([(1, "2025-12-01", "2025-12-31", 50_000), (2, "2026-02-01", "2026-03-03", 50_000)])
    candidates = factoring.charge_back_candidates(state_of(b), window_days=90)
    assert candidates.select("invoice_number", "age_days").rows() == [("T-1", 120)]
    exposure = factoring.recourse_exposure(state_of(b))
    assert exposure.select("recourse", "outstanding_cents", "overdue_cents").rows() == [(True, 100_000, 100_000)]
