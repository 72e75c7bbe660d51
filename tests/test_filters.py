"""Filters: applied to frames, parsed from and written to the URL, described in words."""

from dataclasses import replace
from datetime import date

import polars as pl

from dashboard.filters import Options, View, describe, parse_url, shown_value, to_url
from data_access.book.filters import Filters

OPTIONS = Options(
    regions={1: "East China", 2: "South China"},
    clients={7: "Client 0007"},
    industries={"Construction": "Construction", "Retail": "Retail"},
    collectors={3: "王伟 (C003)"},
    grades={"A": "A", "B": "B"},
    first_date=date(2024, 1, 1),
    last_date=date(2026, 10, 31),
)


def test_a_url_round_trips_through_the_view() -> None:
    params = {"as_of": "2026-06-30", "region": "2,1", "grade": "B", "industry": "Construction"}
    view = parse_url(params, OPTIONS)
    assert view.as_of == date(2026, 6, 30)
    assert view.filters == Filters(region_ids=(2, 1), industries=("Construction",), grades=("B",))
    assert to_url(view, OPTIONS) == params | {"region": "2,1"}


def test_the_default_view_leaves_the_url_empty() -> None:
    assert to_url(View(as_of=OPTIONS.last_date, filters=Filters()), OPTIONS) == {}


def test_unknown_and_malformed_values_are_dropped_and_named() -> None:
    view = parse_url({"region": "1,9,x", "as_of": "2030-01-01"}, OPTIONS)
    assert view.filters.region_ids == (1,)
    assert view.as_of == OPTIONS.last_date
    assert view.ignored == (
        "as_of=`2030-01-01` is not a date in the data (2024-01-01 to 2026-10-31)",
        "Region=`9` is unknown",
        "Region=`x` is unknown",
    )


def test_a_value_from_a_link_is_shown_verbatim_and_cut_when_long() -> None:
    assert shown_value("a--b") == "`a--b`"  # a code span: Markdown leaves the two hyphens alone
    assert shown_value("*x* `y`") == "`` *x* `y` ``"  # a longer fence, padded as CommonMark asks
    assert shown_value("`y`") == "`` `y` ``"
    long = parse_url({"region": "9" * 5000}, OPTIONS).ignored[0]
    assert long == f"Region=`{'9' * 40}…` (5,000 characters) is unknown"


def test_many_values_are_summarised_in_the_description() -> None:
    collectors = {i: f"C{i:03d}" for i in range(1, 81)}
    options = replace(OPTIONS, collectors=collectors)
    view = View(as_of=date(2026, 6, 30), filters=Filters(collector_ids=tuple(collectors), grades=("A", "B")))
    assert describe(view, options) == "Collector C001, C002, C003 and 77 more · Rating grade A, B · as of 2026-06-30"
    assert describe(view, options, limit=None).count("C0") == 80  # files say exactly what they hold
    four = View(as_of=date(2026, 6, 30), filters=Filters(collector_ids=(1, 2, 3, 4)))
    assert describe(four, options) == "Collector C001, C002, C003, C004 · as of 2026-06-30"  # not "and 1 more"


def test_the_description_names_every_active_filter_and_the_date() -> None:
    view = View(as_of=date(2026, 6, 30), filters=Filters(region_ids=(1,), collector_ids=(3,)))
    assert describe(view, OPTIONS) == "Region East China · Collector 王伟 (C003) · as of 2026-06-30"
    assert describe(View(as_of=date(2026, 6, 30), filters=Filters()), OPTIONS) == "All receivables · as of 2026-06-30"


def selection(filters: Filters):
    """Filters resolved over a small book: debtors 1-4 (regions 1,1,2,2; grades A,B,A,B; collector 3 owns 1 and 3);
    invoices 10-15 with clients 7 and 8; collectors 3 (region 1) and 4 (region 2)."""
    dims = pl.DataFrame({"debtor_id": [1, 2, 3, 4], "region_id": [1, 1, 2, 2], "industry": ["Retail"] * 4,
                         "grade": ["A", "B", "A", "B"], "collector_id": [3, 4, 3, 4]})  # fmt: skip
    invoices = pl.DataFrame({"invoice_id": [10, 11, 12, 13, 14, 15], "debtor_id": [1, 1, 2, 3, 4, 4],
                             "client_id": [7, 8, 7, 7, 8, 8]})  # fmt: skip
    collectors = pl.DataFrame({"collector_id": [3, 4], "region_id": [1, 2]})
    return filters.resolve(replace_book(invoices, collectors), dims)


def replace_book(invoices, collectors):
    from dataclasses import replace

    from tests.books import book

    return replace(book([(1, "2026-01-01", "2026-02-01", 100)]), invoices=invoices, collectors=collectors)


def test_filters_combine_with_and_across_fields_and_or_within_one() -> None:
    frame = pl.DataFrame({"debtor_id": [1, 2, 3, 4], "client_id": [7, 7, 7, 7]})
    assert selection(Filters(region_ids=(1, 2), grades=("B",))).apply("invoices", frame)["debtor_id"].to_list() == [2, 4]


def test_invoice_rows_are_kept_by_their_debtor_at_the_date_and_their_client() -> None:
    snaps = pl.DataFrame({"debtor_id": [1, 2, 1], "client_id": [7, 7, 8]})
    assert selection(Filters(region_ids=(1,))).apply("invoices", snaps).rows() == [(1, 7), (2, 7), (1, 8)]
    assert selection(Filters(region_ids=(1,), client_ids=(7,))).apply("invoices", snaps).rows() == [(1, 7), (2, 7)]


def test_a_payment_is_kept_by_its_invoice() -> None:
    payments = pl.DataFrame({"payment_id": [1, 2, 3], "invoice_id": [10, 13, 14]})
    assert selection(Filters(grades=("A",), client_ids=(7,))).apply("payments", payments)["payment_id"].to_list() == [1, 2]


def test_a_debtor_fact_under_a_client_filter_keeps_the_debtors_owing_that_client() -> None:
    events = pl.DataFrame({"event_id": [1, 2, 3, 4], "debtor_id": [1, 2, 3, 4]})
    assert selection(Filters(client_ids=(8,))).apply("credit_events", events)["debtor_id"].to_list() == [1, 4]


def test_collector_rows_take_region_and_collector_filters_only() -> None:
    collectors = pl.DataFrame({"collector_id": [3, 4], "region_id": [1, 2]})
    assert selection(Filters(region_ids=(2,), grades=("A",))).apply("collectors", collectors)["collector_id"].to_list() == [4]
    appeals = pl.DataFrame({"appeal_id": [1, 2], "collector_id": [3, 4]})
    assert selection(Filters(region_ids=(1,))).apply("appeals", appeals)["appeal_id"].to_list() == [1]


def test_filters_that_cannot_select_collectors_are_named() -> None:
    assert Filters(region_ids=(1,), grades=("A",), client_ids=(7,)).not_applicable_to("collectors") == ["client", "grade"]
